"""Speed and memory benchmarks: ``python -m benchmarks`` or ``make bench``.

Each case times microframe against a hand-written NumPy loop, the matrix
products alone on the same shapes (the GEMM floor), and PyTorch and
scikit-learn when they are installed. Runs alternate between contenders and
repeat; the report gives medians and ratios. Peak memory is measured in a
separate process per case, so cases do not inflate each other's peaks.
"""
