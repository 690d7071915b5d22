# aseanai: two commands on a fresh machine (Python 3.11, pip, make, git):
#   make report   build the report on the bundled data
#   make test     run the whole test suite
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv report validate notebooks lab test bench lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## Create .venv and install the pinned dependencies and the package

report: $(STAMP) ## Build the report on the bundled data: build/index.html, HTML pages, figures, handouts, student edition
	$(BIN)/aseanai summary
	$(BIN)/aseanai build --out build

validate: $(STAMP) ## Check data/ (or DATA=dir) and list every problem
	$(BIN)/aseanai validate $(if $(DATA),--data-dir $(DATA))

notebooks: $(STAMP) ## Re-execute every notebook and write outputs back (twice in a row leaves git clean)
	$(BIN)/aseanai build --out build --update-notebooks

# JupyterLab refuses to run as root without --allow-root (as in many containers); add it only then
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP) ## Open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/ $(LAB_FLAGS)

# -n auto: one pytest worker per core; --dist loadfile keeps each notebook's cells in one kernel
test: $(STAMP) ## Run the whole test suite, notebooks included (nbval), in parallel across cores
	$(BIN)/python -m pytest -n auto --dist loadfile

# The peer for the cache benchmark: Jupyter Book 1.x in its own venv, so that the pinned one is not disturbed;
# its kernel spec "python3" runs .venv's Python, so both tools execute the notebooks with the same kernel.
# It lives in .tools/, not in build/: build/ is the report, which a build replaces whole (and refuses to replace
# while it holds anything a build did not write).
JBENV := .tools/jbenv

$(JBENV)/.installed: $(STAMP)
	rm -rf $(JBENV) && $(PYTHON) -m venv $(JBENV)
	$(JBENV)/bin/python -m pip install --quiet --disable-pip-version-check "jupyter-book==1.0.4.post1"  # the 1.x peer, pinned: its timings stay comparable
	$(BIN)/python -m ipykernel install --prefix $(JBENV) --name python3 --display-name "Python 3 (aseanai .venv)"
	@touch $@

bench: $(STAMP) $(JBENV)/.installed ## Run the benchmark (about 25 minutes) and write benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py

lock: ## Re-resolve requirements.lock in a scratch venv (needs the package registry)
	rm -rf .tools/lockenv && $(PYTHON) -m venv .tools/lockenv
	.tools/lockenv/bin/pip install --quiet pandas pycountry matplotlib seaborn jupyterlab ipykernel nbclient nbconvert jupyter-cache rich pytest nbval frictionless pytest-socket pytest-xdist zizmor
	{ sed -n '1,3p' requirements.lock; echo "setuptools==$$(.tools/lockenv/bin/python -c 'import setuptools; print(setuptools.__version__)')"; \
	  .tools/lockenv/bin/pip freeze; } > requirements.lock.new && mv requirements.lock.new requirements.lock

clean: ## Remove build/, the cache of executed notebooks in it included (keeps .venv)
	rm -rf build
