# modelgw developer entry points. `make run` and `make test` are the quick start.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: help venv run test test-unit test-integration test-e2e lint fmt proto proto-check bench bench-audit clean

help:
	@echo "make run          start modelgw serve with embedded defaults (creates the venv)"
	@echo "make test         lint, proto staleness check and all test tiers (unit, integration, e2e)"
	@echo "make lint         ruff check + format check"
	@echo "make proto        regenerate services/api/v1 from protos/"
	@echo "make proto-check  fail if the committed generated code is stale"
	@echo "make bench        run the benchmarks in bench/"
	@echo "make bench-audit  audit ingest rate and query latency on 1M rows (a few minutes)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/modelgw serve

test: venv proto-check lint
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit: venv
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-integration: venv
	$(BIN)/pytest tests/integration $(PYTEST_ARGS)

test-e2e: venv
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

proto: venv
	$(BIN)/python scripts/genproto.py

proto-check: venv
	$(BIN)/python scripts/genproto.py --check

bench: venv
	$(BIN)/python -m bench

bench-audit: venv
	$(BIN)/python -m bench.audit $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .modelgw
