# The course's commands. `make help` lists them.
#
# Every command runs in one fixed execution environment (course.env), so the
# numbers in the stored notebooks are the numbers CI and `make notebooks` produce.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The fixed execution environment lives in course.env: exported to every command below and
# written into the course's Jupyter kernel.
include course.env
ENV_KEYS := $(shell sed -n 's/^\([A-Z_]*\)=.*/\1/p' course.env)
export $(ENV_KEYS)

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))

.PHONY: help install reinstall serve-site publish lab test test-fast lint dev check notebooks lock clean learner slides corpus claims site

help:
	@echo "make lab        set up (first time only) and start JupyterLab on learner/ (LAB_DIR=notebooks: the lessons)"
	@echo "make test       set up (first time only), lint, and run unit tests + nbval on every notebook"
	@echo "make test-fast  contributors: lint and the fast tests only (no notebooks, browsers, hub, wheel)"
	@echo "make lint       ruff: lint and format check of the code and the notebooks (part of make test)"
	@echo "make dev        contributors: install the pre-commit hooks and nbdime's git diff/merge for notebooks"
	@echo "make check      the environment check learners run the day before a workshop"
	@echo "make reinstall  install the locked versions again (the fix make check names for a wrong version)"
	@echo "make notebooks  sync each notebook with its paired script (python_scripts/), then re-execute it"
	@echo "make publish    REPO=owner/name REF=v1.0: where the course is published, written everywhere it is needed"
	@echo "make learner    regenerate the learner and live-coding copies (learner/, live-coding/) from notebooks/"
	@echo "make slides     export every notebook as a reveal.js slide deck into build/slides/"
	@echo "make site       build the course website into build/site/ (stored outputs, offline)"
	@echo "make serve-site build it and serve it at http://127.0.0.1:8000/ (search needs a server)"
	@echo "make corpus     re-record the labelled Keras runs diagnose is judged on, and its agreement table"
	@echo "make claims     re-run every claim the lessons make with 10 seeds; writes tests/data/seed_claims.md"
	@echo "make lock       regenerate requirements.lock from pyproject.toml (maintainers)"
	@echo "make clean      remove .venv, node_modules, build/, test-artifacts/ and caches"

# Set-up, shared by every command: runs again only when the lock, pyproject.toml or course.env change.
install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml course.env
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "This course needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Install a newer Python, or run: make PYTHON=python3.12 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.lock
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	$(BIN)/python -m course_utils install-kernel
	touch $(STAMP)

# Bound to localhost, token authentication on (JupyterLab's default: never turn it off).
# Running as root (containers, some cloud VMs) needs --allow-root, which JupyterLab otherwise refuses.
# LAB_DIR: learner/ (the copy learners work in, the default), notebooks/ (the lessons with their
# outputs and folded solutions) or live-coding/ (the copy an instructor types into).
LAB_DIR ?= learner
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LAB_DIR) --ServerApp.ip=127.0.0.1 \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Node packages (package.json, locked in package-lock.json), into node_modules/: the local
# JupyterHub's configurable-http-proxy, the website's accessibility scan (axe-core), and
# reveal.js and MathJax for the offline slide decks.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# nbval executes each lesson once, in a shuffled order with its solutions isolated (conftest.py):
# the stored outputs, any order and the learner copy's path, checked by that one execution.
test: lint $(NODE_STAMP)
	$(BIN)/python -m pytest -n auto --dist loadscope --doctest-modules --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg course_utils tests notebooks $(PYTEST_ARGS)

# The tier to run while editing (1.5 minutes on 2 cores): everything but the markers of pyproject.toml
# that start kernels, browsers, a hub, a wheel's fresh environment or other slow subprocesses.
# Needs no Node.js. `make test` (and CI) still runs everything.
test-fast: lint
	$(BIN)/python -m pytest -n auto --doctest-modules -m "not slow" course_utils tests $(PYTEST_ARGS)

# ruff's settings are in pyproject.toml; `ruff format .` and `ruff check --fix .` repair most findings.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A contributor's clone: the hooks in .pre-commit-config.yaml run on every commit, and `git diff`
# shows notebooks cell by cell (nbdime, configured for this repository only).
dev: $(STAMP)
	$(BIN)/pre-commit install
	$(BIN)/nbdime config-git --enable

check: $(STAMP)
	$(BIN)/python -m course_utils check

# The fix `make check` names for a package at another version than the lock's: install again,
# whatever the stamp says (`make install` only reinstalls when the lock, pyproject.toml or
# course.env change).
reinstall:
	rm -f $(STAMP)
	$(MAKE) install

# Each lesson is a pair (jupytext.toml): python_scripts/NN_name.py, the source to edit and review,
# and notebooks/NN_name.ipynb with its outputs. `jupytext --sync` carries the newer side's cells
# to the other (outputs stay), then the notebook runs. tests/test_paired_scripts.py fails on drift.
notebooks: $(STAMP)
	$(BIN)/jupytext --sync --quiet $(NOTEBOOKS)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

# Renders each exercise's words (course_utils/checks/texts/) into its lesson, script and the
# guide's answer list, then writes the classroom copies, which are committed (learners download
# or nbgitpuller them as they are); tests/test_classroom.py fails when any is out of date.
learner: $(STAMP)
	$(BIN)/python tools/classroom.py

# Where the course is published (publish.toml), written into every install cell, the classroom
# copies, the documents and the site's launch links: make publish REPO=owner/name REF=v1.0
publish: $(STAMP)
	@test -n "$(REPO)" || { echo "usage: make publish REPO=owner/name REF=v1.0 (REF defaults to main)"; exit 2; }
	$(BIN)/python tools/publish.py --repo "$(REPO)" $(if $(REF),--ref "$(REF)")
	$(BIN)/python tools/classroom.py

slides: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/slides.py $(NOTEBOOKS)

# The website: Sphinx + MyST-NB renders the stored notebooks (never executed), warnings as errors.
# Launch links: SITE_REPOSITORY_URL, SITE_BRANCH, SITE_HUB_URL (site/README.md).
site: $(STAMP)
	$(BIN)/python tools/build_site.py

# The site served on this machine: search needs a server (opened as a file it lists pages only).
SITE_PORT ?= 8000
serve-site: site
	@echo "serving build/site/ at http://127.0.0.1:$(SITE_PORT)/ (Ctrl+C stops it)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory build/site $(SITE_PORT)

# Evidence behind diagnose and the lessons' words (slow: not part of make test).
corpus: $(STAMP)
	$(BIN)/python tools/record_histories.py
	$(BIN)/python tools/corpus_agreement.py --write

claims: $(STAMP)
	$(BIN)/python tools/seed_claims.py --write

lock:
	test -x .tools/bin/uv || ($(PYTHON) -m venv .tools && .tools/bin/pip install -q uv==0.13.9)
	.tools/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--custom-compile-command "make lock" -o requirements.lock

clean:
	rm -rf $(VENV) .tools .pytest_cache .hypothesis node_modules build test-artifacts
