# PharmaGen — the front door. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
SYSTEM_PACKAGES := ffmpeg espeak-ng fonts-dejavu-core chromium tesseract-ocr
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: help setup system-deps run up test lint format test-unit test-integration test-e2e screenshots bench chaos topology tf-validate tf-emulator checkov clean run-fakes

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

system-deps: ## install ffmpeg, espeak-ng, fonts, chromium and tesseract (OCR) from Debian when missing
	@missing=""; \
	command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing="$$missing ffmpeg"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $(STAMP)

# checkov pins boto3/botocore below our lock, so it lives in a virtualenv of its own.
$(CHECKOV_STAMP):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q checkov==$(CHECKOV_VERSION)
	@touch $(CHECKOV_STAMP)

setup: system-deps $(STAMP) ## install everything the project needs (idempotent, fast when done)

run: setup ## bring the local stack up, make the demo ad under out/, keep serving until Ctrl-C
	$(BIN)/python -m tools.local.stack up --demo $(if $(SCALE),$(foreach s,$(SCALE),--scale $(s)))

up: setup ## bring the local stack up without the demo (SCALE="clips=2 composer=2")
	$(BIN)/python -m tools.local.stack up $(if $(SCALE),$(foreach s,$(SCALE),--scale $(s)))

lint: setup ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared services tools

format: setup ## apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup $(CHECKOV_STAMP) lint ## set up, lint and run the whole test suite (unit, media, infra, integration, e2e)
	$(BIN)/pytest -q --durations=15 $(PYTEST_ARGS)

test-unit: setup ## unit and media tests only
	$(BIN)/pytest -q tests/unit tests/media $(PYTEST_ARGS)

test-integration: setup ## tests against the moto emulator over HTTP
	$(BIN)/pytest -q tests/integration $(PYTEST_ARGS)

test-e2e: setup ## the whole stack as processes, browser included
	$(BIN)/pytest -q tests/e2e $(PYTEST_ARGS)

screenshots: setup ## the web page at 390 px and 1440 px, from the browser tests on the whole stack, into docs/screenshots
	PHARMAGEN_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q -m browser tests/e2e/test_browser.py $(PYTEST_ARGS)

bench: setup ## benchmarks: ratios measured side by side (not part of the test suite)
	$(BIN)/python -m bench.hop_latency
	$(BIN)/python -m bench.submit_bench
	$(BIN)/python -m bench.compose_bench
	$(BIN)/python -m bench.compliance_bench
	$(BIN)/python -m bench.job_bench --clips-workers 1 3
	$(BIN)/python -m bench.idle_rss
	$(BIN)/python -m bench.providers_bench

chaos: setup ## run the full chaos suite (faults against the whole local stack, long variants included)
	CHAOS_FULL=1 $(BIN)/pytest -q -s -m chaos tests/chaos $(PYTEST_ARGS)

topology: setup ## export the topology for terraform (terraform/topology.json)
	$(BIN)/python -m tools.topology_export

tf-validate: setup ## terraform fmt/validate offline, the per-stage plan and the topology export check
	$(BIN)/pytest -q tests/infra -m "not checkov"

tf-emulator: setup ## apply the messaging and storage modules to the emulator and check them
	$(BIN)/pytest -q -m integration tests/integration/test_terraform_apply.py

checkov: $(CHECKOV_STAMP) ## scan terraform/ with checkov (in its own virtualenv: its pins clash with ours)
	scripts/checkov.sh

clean: ## remove the virtualenv, caches and outputs
	rm -rf $(VENV) $(CHECKOV_VENV) .mypy_cache .ruff_cache .pytest_cache .stack out

run-fakes: setup ## run the stack against the fake Replicate/OpenAI servers
	scripts/run-with-fakes.sh $(if $(SCALE),$(foreach s,$(SCALE),--scale $(s)))
