# Each target bootstraps .venv on its own, so a fresh clone needs only python3 (3.11+) and make.
# Everything is installed from the hashed lock files (requirements*.txt); `make lock` refreshes them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= referent-demo.db
PIP := $(BIN)/python -m pip install --quiet --require-hashes
# pip-tools resolves the locks in a throwaway venv of its own, so the project's venv never holds it.
LOCK_TOOL := pip-tools==7.6.2
LOCK_VENV := .venv-lock
COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-find-links --no-emit-index-url --all-build-deps $(if $(UPGRADE),--upgrade)
CHECK_DIR ?= $(or $(TMPDIR),/tmp)/referent-lock-check

$(VENV)/.installed: pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

.PHONY: install demo test lint bench bench-quick lock lock-check clean
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

# The shared hard haystack at 10k and 100k items plus the real Greve archive (bench/README.md);
# BENCH_ARGS adds options, e.g. `make bench BENCH_ARGS="--keys both"` for the own-keys haystack too.
bench: $(VENV)/.installed
	$(PIP) -r requirements-bench.txt
	$(BIN)/python -m bench --items 10000,100000 $(BENCH_ARGS)

bench-quick: $(VENV)/.installed
	$(PIP) -r requirements-bench.txt
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

# Re-resolve the locks after changing pyproject.toml: existing pins are kept unless UPGRADE=1
# (`make lock UPGRADE=1` moves every package to its newest allowed version). Dev and bench are
# constrained by the runtime lock, so the image and the test venv run the same versions.
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet $(LOCK_TOOL)
	$(COMPILE) -o requirements.txt pyproject.toml
	$(COMPILE) --extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml
	$(COMPILE) --extra dev --extra bench -c requirements-dev.txt -o requirements-bench.txt pyproject.toml
	rm -rf $(LOCK_VENV)

# What `docker build` does, without a Docker daemon: the image's own install script into a clean
# venv, then the commands the image runs, from outside the source tree.
lock-check:
	rm -rf $(CHECK_DIR)
	sh docker/install.sh $(CHECK_DIR)/venv $(CURDIR)
	rm -rf build
	cd $(CHECK_DIR) && REFERENT_CONFIG_DIR=$(CURDIR)/config REFERENT_DB=$(CHECK_DIR)/check.db \
		sh $(CURDIR)/docker/smoke.sh $(CHECK_DIR)/venv/bin $(CURDIR)/demo/minutes
	rm -rf $(CHECK_DIR)

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(DB) *.egg-info build
