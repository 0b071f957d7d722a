# The README's two commands are `make demo` and `make test`; both need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup lock test lint demo bench model-test clean

setup: $(VENV)/.installed

# The exact versions CI tested, each checked against its hash (requirements.lock), then the
# project itself on top; pyproject.toml keeps compatible ranges for other environments.
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("playlist-sync needs Python 3.11+, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

# Refresh the locks after changing pyproject.toml's ranges: versions already locked stay
# unless the ranges exclude them (`make lock LOCK_FLAGS=--upgrade` takes the newest). uv
# resolves for every platform and Python 3.11+; pip installs what it wrote.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.11 $(LOCK_FLAGS)
lock: setup
	$(BIN)/pip install --quiet 'uv>=0.9,<1'
	$(UV_COMPILE) --extra test -o requirements.lock
	$(UV_COMPILE) --constraint requirements.lock -o requirements-runtime.lock

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

# Two processes, each with its own Postgres, Temporal servers and emulators: most tests wait on
# timers and YouTube's (emulated) answers, not on the CPU. A file's tests stay in one process.
test: lint
	$(BIN)/pytest -n 2 --dist loadfile

# The model-based test's long run (tests/model; `make test` runs a seeded few): more examples
# and steps from a random seed, which a failure names (PLAYLIST_SYNC_MODEL_SEED=N reruns it;
# PLAYLIST_SYNC_MODEL_EXAMPLES=N for more, PLAYLIST_SYNC_MODEL_SHRINK=1 to shrink a failure).
model-test: setup
	PLAYLIST_SYNC_MODEL=long $(BIN)/pytest -p no:xdist tests/model

demo: setup
	$(BIN)/python starter.py demo

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache
