# Each target bootstraps .venv on its own, so a fresh clone needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= referent-demo.db

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: install demo test lint bench bench-quick clean
install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/referent ingest demo/minutes --db $(DB)
	$(BIN)/referent serve --db $(DB) --sample

test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check bot index bench tests
	$(BIN)/ruff format --check bot index bench tests
	$(BIN)/mypy bot index

bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench --items 100000

bench-quick: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench --quick

clean:
	rm -rf $(VENV) $(DB) *.egg-info
