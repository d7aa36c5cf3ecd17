# Two entry points: `make demo` runs the examples, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: demo test lint typecheck pytest venv clean bench bench-quick bench-deps

venv: $(PY)

$(PY):
	$(PYTHON) -m venv $(VENV)

demo: venv
	$(PIP) install -q -e ".[examples]"
	$(PY) examples/backprop_exercise.py
	$(PY) examples/cross_entropy.py
	$(PY) examples/breast_cancer.py

test: venv
	$(PIP) install -q -e ".[dev]"
	$(MAKE) lint typecheck pytest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck:
	$(VENV)/bin/mypy --strict microframe tests

pytest:
	$(VENV)/bin/pytest

# Benchmarks: `make bench` measures the full-size cases and rewrites
# docs/benchmarks.md; `make bench-quick` runs small shapes in under a minute.
# OpenBLAS kernel overrides slow a current NumPy, so they are unset here only.
BENCH := env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m benchmarks

bench-deps: venv
	$(PIP) install -q -e . torch==2.13.0 scikit-learn threadpoolctl

bench: bench-deps
	$(BENCH) --command "make bench"

bench-quick: bench-deps
	$(BENCH) --quick --command "make bench-quick"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
