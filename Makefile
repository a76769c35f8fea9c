# Sluice developer tasks. Every target is safe to run again.
#   make build | test | demo | bench [USERS=1000000 RUNS=5] | fuzz [FUZZ_SECONDS=30] | clean

SWIFT   ?= swift
PYTHON  ?= python3
USERS   ?= 1000000
RUNS    ?= 5
SLUICE  := .build/debug/sluice
DEMO    := demo-data

.PHONY: all build test demo bench fuzz deps clean

all: build

deps:
	bash scripts/install-deps.sh

build:
	$(SWIFT) build

test: deps
	$(PYTHON) -m unittest discover -s bench -p 'test_bench.py'
	$(SWIFT) build
	SLUICE_TEST_PYTHON="$$(bash scripts/test-venv.sh)" bash scripts/with-postgres.sh bash scripts/with-observability.sh $(SWIFT) test

demo: deps build
	@echo "--- the source database: 100k generated users and their orders (made once, deterministic)"
	@test -f examples/user_analytics/data/source.db || bash examples/user_analytics/generate-source.sh 100000 $(SLUICE)
	$(SLUICE) validate examples/user_analytics/pipeline.yaml
	@echo "--- the seed's user-analytics pipeline: extract -> transform -> quality gate -> upsert into the warehouse"
	$(SLUICE) run examples/user_analytics/pipeline.yaml --date 2024-06-01 --rerun --metrics-file examples/user_analytics/.sluice/metrics.prom
	@echo "--- its Prometheus metrics (node-exporter textfile), and a test alert to the local file channel"
	@grep -E '^sluice_(task_rows_out_total|pipeline_runs_total)' examples/user_analytics/.sluice/metrics.prom
	$(SLUICE) alerts test examples/user_analytics/pipeline.yaml
	@echo "--- the same logical date again: a no-op, the warehouse is unchanged"
	$(SLUICE) run examples/user_analytics/pipeline.yaml --date 2024-06-01
	$(SLUICE) runs --pipeline examples/user_analytics/pipeline.yaml
	@echo "--- lineage, the design document and the seed's final checklist"
	$(SLUICE) lineage examples/user_analytics/pipeline.yaml
	$(SLUICE) docs examples/user_analytics/pipeline.yaml --format html --output examples/user_analytics/.sluice/design.html
	$(SLUICE) docs examples/user_analytics/pipeline.yaml --output examples/user_analytics/.sluice/design.md
	$(SLUICE) lint examples/user_analytics/pipeline.yaml --strict
	@echo "design document: examples/user_analytics/.sluice/design.html (and design.md)"
	@echo "OpenLineage events: examples/user_analytics/.sluice/lineage.jsonl ($$(wc -l < examples/user_analytics/.sluice/lineage.jsonl) events)"

bench: deps
	$(SWIFT) build -c release
	USERS=$(USERS) RUNS=$(RUNS) bash scripts/with-postgres.sh $(PYTHON) bench/bench.py

# libFuzzer over every reader of untrusted bytes (not part of `make test`): scripts/fuzz.sh.
fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),30) SWIFT=$(SWIFT) bash scripts/fuzz.sh

clean:
	$(SWIFT) package clean
	rm -rf .build-fuzz Fuzz/.build $(DEMO) bench/data bench/results examples/user_analytics/data examples/user_analytics/.sluice
