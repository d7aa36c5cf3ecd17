# Two entry points: `make demo` runs the examples, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: demo test lint typecheck pytest venv clean

venv: $(PY)

$(PY):
	$(PYTHON) -m venv $(VENV)

demo: venv
	$(PIP) install -q -e ".[examples]"
	$(PY) examples/backprop_exercise.py
	$(PY) examples/cross_entropy.py
	$(PY) examples/breast_cancer.py
	$(PY) examples/digits_cnn.py
	$(PY) examples/sequence_rnn.py

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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
