# Entry points. Each target sets up .venv itself; a second run skips the install.
# Needs only Python 3.11 and make. `make help` lists the targets.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
QUICK  ?=
# arguments for the benchmark and notebook programs: make bench ARGS="--only gemm", make notebooks ARGS=quantization
ARGS   ?=
# Where pip also looks for torch. Off by default; on Linux, PyPI's torch==2.13.0 is the multi-GB CUDA build, so
# outside the build machine use PyTorch's CPU wheels (the workflow does):
#   make test TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
# --no-compile: pip byte-compiles on one core; compileall does it on every core after the install,
# leaving out the packages' own tests and the installers, which nothing imports (the .pyc files
# must exist beforehand: on machines with PYTHONDONTWRITEBYTECODE=1 an import never writes one).
PIP    := -m pip install --quiet --disable-pip-version-check --no-compile $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))

.DEFAULT_GOAL := help
.PHONY: help install serve build lint test bench outputs notebooks clean lock check-python e2e e2e-deps

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

export NO_MKDOCS_2_WARNING := 1

check-python:
	@command -v "$(PYTHON)" >/dev/null 2>&1 || { echo "error: Python 3.11 not found ($(or $(PYTHON),no python3 on PATH)); install python3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "error: $(PYTHON) is Python $$($(PYTHON) -c 'import sys; print(*sys.version_info[:2], sep=".")'), need 3.11; run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "error: $(PYTHON) lacks venv/ensurepip; on Debian: apt-get install python3.11-venv"; exit 1; }

# Reinstalls only when a pinned file changes.
$(STAMP): requirements.txt requirements.lock requirements-nodeps.txt pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) $(PIP) -r requirements.lock
	$(PY) $(PIP) --no-deps -r requirements-nodeps.txt
	$(PY) $(PIP) --no-deps --no-build-isolation -e .
	$(PY) -m compileall -q -j 0 -x '/(tests?|pip|setuptools|debugpy|_vendor)/|/testing/_internal/' "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the pinned dependencies (the other targets do it themselves)

serve: $(STAMP)  ## serve the site on http://127.0.0.1:8000 with live reload (docs, snippets, data)
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: $(STAMP)  ## build the site into site/ (strict: any warning fails)
	$(VENV)/bin/mkdocs build --strict --site-dir site

lint: $(STAMP)  ## ruff check . (configured in pyproject.toml; make test runs it first)
	$(VENV)/bin/ruff check .

test: check-python  ## the linter, then the whole suite: snippets, code blocks as rendered, site, bench quick mode, browser, Lighthouse (not performance)
	@# the Python packages and the browser tools (Chromium, Lighthouse) install at once: both mostly wait
	@$(MAKE) --no-print-directory --jobs=2 $(STAMP) e2e-deps
	@$(MAKE) --no-print-directory lint
	$(PY) -m pytest -m "not performance_budget"

# Browser tests need Debian's chromium (installed with apt-get when run as root) and Lighthouse (npm, pinned
# in tests/e2e/package-lock.json), run by Node.js $(NODE_VERSION) (the workflow's actions/setup-node too).
NODE_VERSION := 20
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "error: chromium is missing; install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }
	@command -v npm >/dev/null 2>&1 || { echo "error: npm is missing; install Node.js $(NODE_VERSION) with npm"; exit 1; }
	@test -x tests/e2e/node_modules/.bin/lighthouse || npm ci --prefix tests/e2e --no-audit --no-fund --silent

e2e: $(STAMP) e2e-deps  ## only the browser tests and every Lighthouse budget, performance included
	$(PY) -m pytest -s tests/e2e

outputs: $(STAMP)  ## regenerate the printed outputs shown under code blocks (docs/outputs/)
	$(PY) -m sitetools.make_outputs

notebooks: $(STAMP)  ## regenerate the chapter notebooks from pages, snippets and docs/outputs (ARGS=--execute also runs them)
	$(PY) -m sitetools.make_notebooks $(ARGS)

bench: $(STAMP)  ## measure this machine: write its record under docs/data/bench/hosts/ and its plots (QUICK=1: a short run under build/)
	$(PY) -m sitetools.bench $(if $(QUICK),--quick) $(ARGS)

# Generated: the site, build/ (quick benchmark records, Lighthouse summary), the caches of pytest, ruff and
# mkdocs-jupyter, Python's bytecode, the package metadata of the editable install, make lock's scratch venv.
# Kept: what is installed, .venv/ and tests/e2e/node_modules/ (make test would install them again).
clean:  ## remove every generated folder (site/, build/, caches, __pycache__); keeps .venv and node_modules
	rm -rf site build .pytest_cache .ruff_cache .cache .venv-lock *.egg-info
	find . \( -path ./.venv -o -path ./tests/e2e/node_modules -o -path ./.git \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# The CPU build of torch is locked as torch==<version> (without +cpu); a CUDA build is refused, since it would
# pin nvidia-* packages: pass TORCH_INDEX then.
lock: check-python  ## re-resolve requirements.txt into requirements.lock (in a scratch venv)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python $(PIP) -r requirements.txt
	.venv-lock/bin/pip freeze > .venv-lock/freeze.txt
	@! grep -qi '^nvidia-' .venv-lock/freeze.txt || { echo "error: pip resolved a CUDA build of torch; run make lock TORCH_INDEX=https://download.pytorch.org/whl/cpu"; rm -rf .venv-lock; exit 1; }
	{ echo "# Every package, pinned: generated by 'make lock' from requirements.txt. Do not edit by hand."; \
	  sed 's/^torch==\(.*\)+cpu$$/torch==\1/' .venv-lock/freeze.txt; } > requirements.lock  # without requirements-nodeps.txt
	rm -rf .venv-lock
