# Two entry points: `make demo` runs the examples, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: demo test lint typecheck pytest venv clean docs diagrams mermaid-tools
.PHONY: bench bench-quick bench-deps

venv: $(PY)

$(PY):
	$(PYTHON) -m venv $(VENV)

demo: venv
	$(PIP) install -q -e ".[examples,onnx]"
	$(PY) examples/backprop_exercise.py
	$(PY) examples/cross_entropy.py
	$(PY) examples/breast_cancer.py
	$(PY) examples/digits_mlp.py
	$(PY) examples/digits_cnn.py
	$(PY) examples/sequence_rnn.py
	$(PY) examples/export_onnx.py

test: venv
	$(PIP) install -q -e ".[dev]"
	$(MAKE) mermaid-tools lint typecheck pytest docs

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache docs/_build

# Mermaid CLI (pinned in package-lock.json) and Debian's Chromium, which the
# render test and the docs build use. A no-op once both are installed.
CHROMIUM := /usr/bin/chromium
NODE_STAMP := node_modules/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

mermaid-tools: $(CHROMIUM) $(NODE_STAMP)

$(CHROMIUM):
	$(SUDO) apt-get install -y chromium || \
		($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

$(NODE_STAMP): package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

# Chromium writes its profile and caches under these folders.
CHROMIUM_HOME := $(CURDIR)/docs/_build/.chromium
CHROMIUM_ENV := HOME=$(CHROMIUM_HOME)/home XDG_CONFIG_HOME=$(CHROMIUM_HOME)/config \
	XDG_CACHE_HOME=$(CHROMIUM_HOME)/cache

# The documentation site, offline, with warnings as errors.
docs: venv mermaid-tools
	mkdir -p $(CHROMIUM_HOME)/home $(CHROMIUM_HOME)/config $(CHROMIUM_HOME)/cache
	$(CHROMIUM_ENV) $(VENV)/bin/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html

# Regenerate docs/images from the live model code.
diagrams: venv mermaid-tools
	$(PY) tools/render_diagrams.py
