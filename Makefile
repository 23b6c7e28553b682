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

# Two pytest-xdist workers, each test file whole on one of them (its module fixtures made once):
# much of the suite waits on Tesseract, servers and subprocesses. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: setup-test
	@$(VENV)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: setup-test
	@$(VENV)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf .venv sohoa-archive test-artifacts .pytest_cache
