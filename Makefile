# quizapp: `make run` serves the app on SQLite with the banks loaded; `make test` runs lint and every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Tests spread over the cores (each worker has its own databases); PYTEST_ARGS= runs them serially.
PYTEST_ARGS ?= -n auto --maxprocesses=4

.PHONY: run serve test test-fast test-postgres lint install install-test db clean bench-cpu bench-load

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files make the install step re-run only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

db: install
	$(BIN)/quizapp db upgrade
	$(BIN)/quizapp questions import

run: db
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The unit tests only (no app, no database), spread over every core: a quick check while working.
test-fast: install-test
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# The whole suite again on a throwaway PostgreSQL server (Debian's postgresql package).
test-postgres: install-test
	url=$$(bash .ci/postgres.sh start) && \
	QUIZAPP_DATABASE_URL=$$url $(BIN)/python -m pytest $(PYTEST_ARGS); \
	status=$$?; bash .ci/postgres.sh stop; exit $$status

# Benchmarks print numbers (bench/README.md); options go in BENCH_ARGS, e.g. BENCH_ARGS="--rounds 100".
bench-cpu: $(VENV)/.installed-bench
	$(BIN)/python bench/cpu.py $(BENCH_ARGS)

# wrk (Debian's package) cross-checks the hello baseline; without it Locust alone measures hello.
bench-load: $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk; } \
		|| echo "wrk could not be installed: hello is measured with Locust only"
	$(BIN)/python bench/load.py $(BENCH_ARGS)

serve: db
	$(BIN)/quizapp serve --bind $(HOST):$(PORT)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
