# Koordinace. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.DEFAULT_GOAL := help

.PHONY: help install run test lint bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP) ## Create .venv and install the app

run: $(STAMP) ## Migrate the embedded SQLite database, load demo data, serve on :8050
	$(BIN)/koordinace demo

test: $(TEST_STAMP) ## Run the whole test suite (SQLite, PostgreSQL, browser)
	$(BIN)/python -m pytest

lint: $(TEST_STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(TEST_STAMP) ## Benchmarks; results go to BENCHMARKS.md
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks web

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
