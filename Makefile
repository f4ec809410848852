# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PYTEST_WORKERS ?= 2

.PHONY: run test test-fast lint translations browser nginx bench soak clean check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled catalogues are build output, made from the committed .po files.
translations: $(VENV)/.runtime
	@$(BIN)/pybabel compile --use-fuzzy -d survey/translations >/dev/null 2>&1 || $(BIN)/pybabel compile -d survey/translations

# Headless Chromium and its driver for the browser tests (Debian packages).
browser:
	@sh .ci/install-browser

# Debian's nginx for the deployment tests (tests/deploy), which run on PostgreSQL only.
nginx:
	@[ -z "$$SURVEY_TEST_DATABASE_URL" ] || sh .ci/install-nginx

run: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) ranking catch-up
	@$(FLASK) demo banner
	$(FLASK) run --host 127.0.0.1 --port 5000

# --dist loadgroup: tests/deploy share one nginx + two instances, so they stay on one worker.
test: $(VENV)/.dev translations browser nginx
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

# The suite without the browser and load tests (no Chromium, no gunicorn): the lane to run while working.
test-fast: $(VENV)/.dev translations
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q -m "not browser and not load"

lint: $(VENV)/.dev
	$(BIN)/ruff check .

check: lint test

# Benchmarks against hello-world on 127.0.0.1 (needs PostgreSQL; see docs/performance.md).
bench: $(VENV)/.dev translations
	@sh bench/install-wrk
	$(BIN)/python -m bench.run_all

# The load and fault tests (tests/load) with a longer load; run it on PostgreSQL with
# SURVEY_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make soak
SOAK_SECONDS ?= 60
soak: $(VENV)/.dev translations
	SURVEY_LOAD_SECONDS=$(SOAK_SECONDS) $(BIN)/python -m pytest tests/load -q

clean:
	rm -rf $(VENV) instance/*.sqlite3
