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

bench: deps
	$(SWIFT) build -c release
	USERS=$(USERS) RUNS=$(RUNS) $(PYTHON) bench/bench.py

clean:
	$(SWIFT) package clean
	rm -rf $(DEMO) bench/data bench/results
