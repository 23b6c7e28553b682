# The two commands of the README: `make run` (the main job on generated sample data) and `make test`.
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: run test bench setup setup-test clean

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

# Render a few Vietnamese pages into an aged scan, ingest it into ./sohoa-archive, print the result.
run: setup
	@$(VENV)/sohoa demo

test: setup-test
	@$(VENV)/python -m pytest $(PYTEST_ARGS)

bench: setup-test
	@$(VENV)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf .venv sohoa-archive test-artifacts .pytest_cache
