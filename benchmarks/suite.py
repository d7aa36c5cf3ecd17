"""Runs every case and assembles the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks import conv, exercise, fresh, memory, mlp, others, profiling
from benchmarks.report import Table, environment, ratio, render_page, seconds
from benchmarks.settings import Settings
from benchmarks.timing import median, paired_ratio, time_alternating

Log = Callable[[str], None]


class Results:
    """Medians, timed runs and memory figures gathered for the targets table."""

    def __init__(self) -> None:
        self.values: dict[str, float] = {}
        self.runs: dict[str, list[float]] = {}

    def get(self, key: str) -> float | None:
        """Return the figure stored under ``key``, or ``None``."""
        return self.values.get(key)

    def ratio(self, top: str, bottom: str) -> float | None:
        """Return figure ``top`` over figure ``bottom``, or ``None``.

        Timings taken in the same rounds give the median of their per-round
        ratios; other figures give the plain quotient.
        """
        top_runs, bottom_runs = self.runs.get(top), self.runs.get(bottom)
        if top_runs and bottom_runs and len(top_runs) == len(bottom_runs):
            return paired_ratio(top_runs, bottom_runs)
        top_value, bottom_value = self.get(top), self.get(bottom)
        if top_value is None or bottom_value is None:
            return None
        return top_value / bottom_value


def _present(runners: dict[str, mlp.Runner | None]) -> dict[str, mlp.Runner]:
    return {name: run for name, run in runners.items() if run is not None}


def mlp_table(settings: Settings, results: Results) -> Table:
    """Time one MLP epoch for each contender."""
    x, y = mlp.make_data(settings.samples, settings.features, settings.classes)
    sizes = [settings.features, *settings.hidden, settings.classes]
    runners = _present(
        {
            "microframe": mlp.microframe_runner(x, y, sizes, settings.batch_size),
            "NumPy, hand-written": mlp.numpy_runner(x, y, sizes, settings.batch_size),
            "GEMM floor": mlp.gemm_floor_runner(x, sizes, settings.batch_size),
            "GEMM floor + gather + SGD update": mlp.gemm_floor_runner(
                x, sizes, settings.batch_size, with_update=True
            ),
            "PyTorch eager": others.torch_mlp_runner(x, y, sizes, settings.batch_size),
            "scikit-learn MLPClassifier": others.sklearn_mlp_runner(
                x, y, sizes, settings.batch_size
            ),
        }
    )
    timings = time_alternating(runners, settings.repeats)
    medians = {name: median(values) for name, values in timings.items()}
    floor = timings["GEMM floor"]
    ours = timings["microframe"]
    table = Table(
        "MLP epoch",
        f"One epoch of {settings.samples:,} x {settings.features} float32 inputs, "
        f"layers {'-'.join(map(str, sizes))} with ReLU, softmax cross-entropy, "
        f"batch {settings.batch_size}, plain SGD; {settings.repeats} timed runs each, "
        "ratios as medians of per-round ratios. "
        "The floor's slowest run took "
        f"{ratio(max(timings['GEMM floor']) / min(timings['GEMM floor']))} its "
        "fastest, a gauge of the load on the machine during this case.",
        [
            "Contender",
            "Median s",
            "Min s",
            "vs GEMM floor",
            "Min vs floor's min",
            "vs microframe",
        ],
    )
    for name, values in timings.items():
        table.rows.append(
            [
                name,
                seconds(medians[name]),
                seconds(min(values)),
                ratio(paired_ratio(values, floor)),
                ratio(min(values) / min(floor)),
                ratio(paired_ratio(values, ours)),
            ]
        )
        results.values[f"mlp {name}"] = medians[name]
        results.values[f"mlp min {name}"] = min(values)
        results.runs[f"mlp {name}"] = values
    return table


def exercise_table(settings: Settings, results: Results) -> Table:
    """Time training steps of the 3-2-1 exercise network."""
    steps = settings.exercise_steps
    runners = _present(
        {
            "microframe, Sequential.fit": exercise.fit_runner(steps),
            "microframe, explicit calls": exercise.explicit_runner(steps),
            "NumPy, hand-written": exercise.numpy_runner(steps),
            "PyTorch eager": exercise.torch_runner(steps),
        }
    )
    timings = time_alternating(runners, settings.repeats)
    numpy_runs = timings["NumPy, hand-written"]
    ours = timings["microframe, Sequential.fit"]
    table = Table(
        "Exercise network step",
        f"One training step (forward, loss, backward, SGD update) of the 3-2-1 "
        f"sigmoid network on one float64 sample, timed over {steps:,} steps; "
        "`Sequential.fit` runs one epoch over the sample repeated, batch size 1.",
        ["Contender", "Median us per step", "vs NumPy", "vs microframe fit"],
    )
    for name, values in timings.items():
        per_step = median(values) / steps * 1e6
        table.rows.append(
            [
                name,
                f"{per_step:.1f}",
                ratio(paired_ratio(values, numpy_runs)),
                ratio(paired_ratio(values, ours)),
            ]
        )
        results.values[f"exercise {name}"] = per_step
        results.runs[f"exercise {name}"] = values
    return table


def conv_table(settings: Settings, results: Results) -> Table:
    """Time one epoch of the digits conv network against PyTorch."""
    x, y = conv.make_images(settings.conv_samples)
    table = Table(
        "Digits conv network epoch",
        f"One epoch of {settings.conv_samples:,} images of 8x8x1, Conv2D(1 -> 16, "
        "3x3, same) -> ReLU -> MaxPool2D(2) -> Flatten -> Dense(256 -> 10) -> "
        f"Softmax, batch {settings.batch_size}, plain SGD.",
        ["Contender", "Median s", "vs microframe"],
    )
    runners = _present(
        {
            "microframe": conv.microframe_runner(x, y, settings.batch_size),
            "PyTorch eager": conv.torch_runner(x, y, settings.batch_size),
        }
    )
    if "microframe" not in runners:
        table.rows.append(["microframe", "Conv2D is not available", "-"])
        return table
    timings = time_alternating(runners, settings.repeats)
    ours = timings["microframe"]
    for name, values in timings.items():
        table.rows.append(
            [name, seconds(median(values)), ratio(paired_ratio(values, ours))]
        )
        results.values[f"conv {name}"] = median(values)
        results.runs[f"conv {name}"] = values
    return table


def memory_table(settings: Settings, results: Results) -> Table:
    """Measure the peak memory of one MLP epoch, each contender in its own process."""
    table = Table(
        "MLP peak memory",
        "Peak resident set size of a fresh process that creates the MLP data "
        "and trains one epoch. Baseline: the peak before training (interpreter, "
        "libraries and data).",
        ["Contender", "Baseline MiB", "Peak MiB", "Added MiB", "Peak vs NumPy"],
    )
    figures = {
        "microframe": memory.measure("mlp-microframe", settings),
        "NumPy, hand-written": memory.measure("mlp-numpy", settings),
    }
    reference = figures["NumPy, hand-written"]["peak_mib"]
    for name, values in figures.items():
        table.rows.append(
            [
                name,
                f"{values['baseline_mib']:.0f}",
                f"{values['peak_mib']:.0f}",
                f"{values['peak_mib'] - values['baseline_mib']:.1f}",
                ratio(values["peak_mib"] / reference),
            ]
        )
        results.values[f"memory {name}"] = values["peak_mib"]
    return table


def fresh_process_table(settings: Settings, results: Results) -> Table:
    """Time MLP epochs each in a new process, taking the contenders in turns."""
    runs: dict[str, list[dict[str, float]]] = {case: [] for case in fresh.CASES}
    for _ in range(settings.repeats):
        for case in fresh.CASES:
            figures = fresh.measure(case, settings)
            if figures is not None:
                runs[case].append(figures)
    seconds_by_case = {
        case: [run["seconds"] for run in values]
        for case, values in runs.items()
        if values
    }
    floor = seconds_by_case["mlp-floor"]
    ours = seconds_by_case["mlp-microframe"]
    table = Table(
        "MLP epoch in a fresh process",
        "The MLP case again, but each timed epoch runs in a new interpreter "
        "after one untimed epoch, as in a user's script. So no contender "
        "inherits the allocator state another left behind. "
        f"{settings.repeats} processes per contender run in turns, and ratios "
        "are medians of per-round ratios. Page faults: minor faults per batch "
        "of the timed epoch, each a fresh page the kernel had to map.",
        ["Contender", "Median s", "vs GEMM floor", "vs microframe", "Page faults"],
    )
    for case, name in fresh.CASES.items():
        if case not in seconds_by_case:
            continue
        values = seconds_by_case[case]
        faults = median([run["faults_per_batch"] for run in runs[case]])
        table.rows.append(
            [
                name,
                seconds(median(values)),
                ratio(paired_ratio(values, floor)),
                ratio(paired_ratio(values, ours)),
                f"{faults:.0f}",
            ]
        )
        results.values[f"fresh {name}"] = median(values)
        results.runs[f"fresh {name}"] = values
    return table


def scaling_table(settings: Settings, results: Results) -> Table:
    """Time a microframe MLP epoch at growing sample counts."""
    largest = max(settings.scaling_samples)
    x, y = mlp.make_data(largest, settings.features, settings.classes)
    sizes = [settings.features, *settings.hidden, settings.classes]
    runners = {
        f"{n:,}": mlp.microframe_runner(x[:n], y[:n], sizes, settings.batch_size)
        for n in settings.scaling_samples
    }
    timings = time_alternating(runners, settings.repeats)
    table = Table(
        "Epoch time against data size",
        "microframe MLP epochs on the first N rows of one data set; time per "
        "sample should stay constant. The last column: the median of per-round "
        "ratios of time per sample.",
        ["Samples", "Median s", "us per sample", "vs smallest per sample"],
    )
    smallest = min(settings.scaling_samples)
    first = [value / smallest for value in timings[f"{smallest:,}"]]
    for n, (name, values) in zip(
        settings.scaling_samples, timings.items(), strict=True
    ):
        growth = paired_ratio([value / n for value in values], first)
        table.rows.append(
            [
                name,
                seconds(median(values)),
                f"{median(values) / n * 1e6:.2f}",
                ratio(growth),
            ]
        )
        results.values["scaling per-sample ratio"] = growth
    return table


def predict_table(settings: Settings, results: Results) -> Table:
    """Measure predict's peak memory at growing input sizes."""
    table = Table(
        "Predict peak memory",
        f"Peak resident set size of a fresh process that predicts with a "
        f"Dense({settings.predict_features} -> 64) -> ReLU -> Dense(64 -> "
        f"{settings.classes}) -> Softmax model on float32 inputs of N x "
        f"{settings.predict_features}. Added: the peak beyond the input and "
        "the output array, which predict must return.",
        ["Rows", "Input MiB", "Output MiB", "Peak MiB", "Added MiB"],
    )
    added = []
    for rows in settings.predict_rows:
        values = memory.measure("predict", settings, rows)
        extra = values["peak_mib"] - values["baseline_mib"] - values["output_mib"]
        added.append(extra)
        table.rows.append(
            [
                f"{rows:,}",
                f"{values['input_mib']:.1f}",
                f"{values['output_mib']:.1f}",
                f"{values['peak_mib']:.0f}",
                f"{extra:.1f}",
            ]
        )
    results.values["predict added growth"] = added[-1] - added[0]
    return table


# Findings from profiling the MLP epoch and the exercise step before the fast
# path was written, with the changes they led to. The profile table after
# them shows the present state.
FINDINGS = """\
Profiling `Sequential.fit` (cProfile and py-spy) showed, and changed:

- The first layer computed its input gradient, a product as large as its
  forward one that nothing reads. `fit` calls `Layer.backward_params` on
  the first layer instead; Dense and the convolutions skip that product.
- The loss checked its targets on every batch. `fit` checks all targets
  once with `Loss.prepare_targets`; its batches call the unchecked
  `Loss.forward`, except the first of each epoch.
- The finiteness check of the inputs built a boolean mask; the minimum and
  maximum, NaN or infinite whenever any element is, settle the common case.
- Bias gradients come from a vector-matrix product with a cached vector of
  ones, faster than `sum(axis=0)`; ReLU keeps its mask from the forward pass.
- `param -= learning_rate * grad` made a temporary as large as each weight.
  The optimizers write into work arrays reused across steps, with the same
  arithmetic in the same order.
- The input check wrapping every `forward` and `backward` forwards the usual
  signature as it is, without packing `*args`; `fit` skips the per-batch
  hooks no callback overrides.

Timing each layer call inside `fit`, and single NumPy calls with `timeit`:

- The exercise step is a few dozen NumPy calls on 1x2 arrays, so call
  overhead sets its time. `@` goes through the dispatch of the `matmul`
  ufunc, which costs more than the product of a 1x3 by a 3x2 matrix; Dense
  calls `ndarray.dot` on 2-D inputs, which reaches the same BLAS routine.
- Sigmoid skips its own error-state context inside `fit`, whose loop runs in
  one already (a per-thread flag says so). Small plain-SGD parameters are
  updated through a temporary, cheaper than looking up a work array.
- `np.clip` goes through a Python wrapper; the probabilistic losses clip
  with `np.maximum` and `np.minimum`. Softmax works in place on one array.
- Tried and dropped, because none was faster: writing weight gradients into
  the previous step's arrays, and gathering the next batch on a background
  thread (the two BLAS threads already use both cores). Nor were sorting
  the rows of a batch before the gather, or ReLU writing over its input.

Where the rest goes: the row "GEMM floor + gather + SGD update" runs only the
products, the gather of shuffled rows and the two passes of
`weight -= learning_rate * grad`. Its fastest run took {update_ratio} the
floor's fastest in this run, and microframe's {ours_ratio}; microframe also
runs the activations, the biases, the loss and the Python of the loop.
NumPy has no call that scales and adds in one pass (BLAS `axpy`, or a
matrix product with `beta = 1`), so a trainer that keeps its gradient in
`grads` cannot fold the update into the products. The floor also reuses the
same first rows of the data on every batch, which stay in cache.

In one long process the contenders share the C allocator, so what one frees
decides whether another's temporaries need new pages. On its own, the
hand-written loop's `weights -= LEARNING_RATE * weight_grad` makes two arrays
as large as the weight per layer and step, which the allocator gives back
to the system and then maps again: the page faults of the fresh-process
table. microframe's work arrays avoid them.
"""


def profile_table(settings: Settings, results: Results) -> Table:
    """Profile one microframe MLP epoch by function."""
    samples = min(settings.samples, 15_000)
    x, y = mlp.make_data(samples, settings.features, settings.classes)
    sizes = [settings.features, *settings.hidden, settings.classes]
    run = mlp.microframe_runner(x, y, sizes, settings.batch_size)
    total, rows = profiling.profile_run(run, top=10)
    table = Table(
        "Profile of a microframe MLP epoch",
        FINDINGS.format(
            update_ratio=_floor_ratio(results, "GEMM floor + gather + SGD update"),
            ours_ratio=_floor_ratio(results, "microframe"),
        )
        + f"\nThe table: cProfile of one epoch on {samples:,} rows ({total:.3g} s "
        "profiled), the functions with the most time of their own, callees "
        "excluded.",
        ["Function", "Calls", "Own s", "Share"],
    )
    for label, calls, own in rows:
        table.rows.append(
            [f"`{label}`", str(calls), seconds(own), f"{own / total:.0%}"]
        )
    return table


def _floor_ratio(results: Results, contender: str) -> str:
    """Return the fastest MLP epoch of ``contender`` over the floor's, as text."""
    value = results.ratio(f"mlp min {contender}", "mlp min GEMM floor")
    return "(not measured)" if value is None else ratio(value)


TARGETS = [
    (
        "MLP epoch at most 1.15x the GEMM floor",
        "mlp microframe",
        "mlp GEMM floor",
        1.15,
        False,
    ),
    (
        "MLP epoch faster than the hand-written NumPy loop",
        "mlp microframe",
        "mlp NumPy, hand-written",
        1.0,
        False,
    ),
    (
        "PyTorch MLP epoch at least 1.5x microframe's",
        "mlp PyTorch eager",
        "mlp microframe",
        1.5,
        True,
    ),
    (
        "scikit-learn MLP epoch at least 2x microframe's",
        "mlp scikit-learn MLPClassifier",
        "mlp microframe",
        2.0,
        True,
    ),
    (
        "MLP epoch faster than the NumPy loop, fresh processes",
        "fresh microframe",
        "fresh NumPy, hand-written",
        1.0,
        False,
    ),
    (
        "PyTorch MLP epoch at least 1.5x microframe's, fresh processes",
        "fresh PyTorch eager",
        "fresh microframe",
        1.5,
        True,
    ),
    (
        "scikit-learn MLP epoch at least 2x microframe's, fresh processes",
        "fresh scikit-learn MLPClassifier",
        "fresh microframe",
        2.0,
        True,
    ),
    (
        "Exercise step at most 2x hand-written NumPy",
        "exercise microframe, Sequential.fit",
        "exercise NumPy, hand-written",
        2.0,
        False,
    ),
    (
        "PyTorch exercise step at least 10x microframe's",
        "exercise PyTorch eager",
        "exercise microframe, Sequential.fit",
        10.0,
        True,
    ),
    (
        "Conv epoch no slower than PyTorch",
        "conv microframe",
        "conv PyTorch eager",
        1.0,
        False,
    ),
    (
        "MLP peak memory at most 1.1x the NumPy loop's",
        "memory microframe",
        "memory NumPy, hand-written",
        1.1,
        False,
    ),
]


def targets_table(results: Results) -> Table:
    """Compare the measured ratios with the targets."""
    table = Table(
        "Targets",
        "Each target compares two figures from this run: the median of "
        "per-round ratios for timings, a plain ratio for peak memory, and a "
        "difference in MiB for predict memory.",
        ["Target", "Measured", "Met"],
    )
    for text, numerator, denominator, bound, at_least in TARGETS:
        value = results.ratio(numerator, denominator)
        if value is None:
            table.rows.append([text, "not measured", "-"])
            continue
        reached = value >= bound if at_least else value <= bound
        table.rows.append([text, ratio(value), "yes" if reached else "no"])
    scaling = results.get("scaling per-sample ratio")
    if scaling is not None:
        linear = "yes" if scaling <= 1.2 else "no"
        table.rows.append(
            [
                "Time per sample at the largest size within 1.2x the smallest",
                ratio(scaling),
                linear,
            ]
        )
    growth = results.get("predict added growth")
    if growth is not None:
        flat = "yes" if growth <= 16 else "no"
        table.rows.append(
            [
                "Predict memory beyond input and output grows by at most 16 MiB",
                f"{growth:+.1f} MiB",
                flat,
            ]
        )
    return table


def run_all(
    settings: Settings, output: Path | None, command: str, log: Log = print
) -> str:
    """Run every case, print each table, and write the page to ``output``.

    Returns:
        the Markdown page.
    """
    results = Results()
    steps: list[Callable[[], Table]] = [
        lambda: mlp_table(settings, results),
        lambda: exercise_table(settings, results),
        lambda: conv_table(settings, results),
        lambda: memory_table(settings, results),
        lambda: fresh_process_table(settings, results),
        lambda: scaling_table(settings, results),
        lambda: predict_table(settings, results),
        lambda: profile_table(settings, results),
    ]
    tables = []
    for step in steps:
        table = step()
        log(table.markdown())
        tables.append(table)
    summary = targets_table(results)
    log(summary.markdown())
    notes = []
    if settings.name != "full":
        notes.append(
            f"These figures come from the **{settings.name}** settings, with "
            "smaller shapes and fewer repeats than the targets are stated for; "
            "`make bench` gives the full-size figures."
        )
    page = render_page(command, settings.name, [summary, *tables, environment()], notes)
    if output is not None:
        output.write_text(page, encoding="utf-8")
    return page
