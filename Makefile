# Sluice developer tasks. Every target is safe to run again.
#   make build | test | demo | bench [USERS=1000000 RUNS=5] | clean

SWIFT   ?= swift
PYTHON  ?= python3
USERS   ?= 1000000
RUNS    ?= 5
SLUICE  := .build/debug/sluice
DEMO    := demo-data

.PHONY: all build test demo bench deps clean

all: build

deps:
	bash scripts/install-deps.sh

build:
	$(SWIFT) build

test: deps
	$(SWIFT) build
	bash scripts/with-postgres.sh $(SWIFT) test

demo: deps build
	$(SLUICE) generate users-orders --users 100000 --seed 42 --out $(DEMO)
	$(SLUICE) schema $(DEMO)/users.csv
	$(SLUICE) head -n 5 $(DEMO)/users.csv
	$(SLUICE) convert $(DEMO)/users.csv $(DEMO)/users.jsonl
	$(SLUICE) scan $(DEMO)/users.csv
	$(SLUICE) scan $(DEMO)/users.jsonl
	@echo "--- the seed's extract and load, on SQLite (transform and quality gates come next)"
	$(SLUICE) load $(DEMO)/users.csv --to sqlite:$(DEMO)/source.db --table users --mode replace
	$(SLUICE) load $(DEMO)/orders.csv --to sqlite:$(DEMO)/source.db --table orders --mode replace
	$(SLUICE) extract --from sqlite:$(DEMO)/source.db --query-file examples/user_analytics/extract.sql \
	    --param ds=2024-06-01 --out $(DEMO)/user_analytics.csv
	$(SLUICE) load $(DEMO)/user_analytics.csv --to sqlite:$(DEMO)/warehouse.db --table user_analytics --mode upsert --key id
	$(SLUICE) load $(DEMO)/user_analytics.csv --to sqlite:$(DEMO)/warehouse.db --table user_analytics --mode upsert --key id
	$(SLUICE) head -n 5 $(DEMO)/user_analytics.csv

bench: deps
	$(SWIFT) build -c release
	USERS=$(USERS) RUNS=$(RUNS) bash scripts/with-postgres.sh $(PYTHON) bench/bench.py

clean:
	$(SWIFT) package clean
	rm -rf $(DEMO) bench/data bench/results
