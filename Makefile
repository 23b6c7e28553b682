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

# TEST_WORKERS=2: two pytest-xdist workers, each test file whole on one of them (its module
# fixtures made once), since much of the suite waits on Tesseract, servers and subprocesses.
# One process by default until two worker runs in a row have passed on CI.
TEST_WORKERS ?= 0
test: setup-test
	@$(VENV)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: setup-test
	@$(VENV)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf .venv sohoa-archive test-artifacts .pytest_cache
