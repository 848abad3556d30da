# One command per chore. `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
WORKERS ?= 2
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help run serve test lint fmt bench system-deps messages clean scan audit-deps

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

run: $(VENV)/.runtime ## Set up everything, create the demo database and serve on http://127.0.0.1:5000
	$(FLASK) db init --demo
	$(FLASK) run --debug --host 127.0.0.1 --port 5000

serve: $(VENV)/.runtime ## Run the production server (gunicorn; WORKERS=n, settings from the environment)
	$(FLASK) db init
	WORKERS=$(WORKERS) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

system-deps: ## Make sure Chromium and PostgreSQL are installed (installs them with apt when root)
	@bash .ci/system-deps

test: $(VENV)/.dev node_modules/.installed system-deps ## Install what tests need and run the whole suite
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(VENV)/.dev ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.dev ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Lighthouse is only for the bench, so it has its own package.json and is not installed by `make test`.
bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --silent
	touch $@

bench: $(VENV)/.dev bench/node_modules/.installed ## Measure speed and size as ratios to a reference measured in the same run
	@bash .ci/system-deps wrk
	$(BIN)/python -m bench

messages: $(VENV)/.dev ## Extract interface strings to translations/messages.pot for translators
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .

clean: ## Remove the virtual environment, node modules and local database
	rm -rf $(VENV) node_modules instance .pytest_cache .ruff_cache

scan: $(VENV)/.dev system-deps ## Scan a throwaway local portal with wapiti and sqlmap, deeper than `make test`; fails on any finding
	PORTAL_SCAN=full $(BIN)/pytest -q -s tests/test_scan.py

audit-deps: $(VENV)/.dev ## Check requirements.txt for known vulnerabilities with pip-audit (needs PyPI's JSON API)
	@out=$$($(BIN)/pip-audit --strict --progress-spinner off --requirement requirements.txt 2>&1); status=$$?; \
	echo "$$out"; \
	if [ $$status -ne 0 ] && echo "$$out" | grep -qiE "could not be audited|connection|timed out|name resolution|HTTPError"; then \
	  echo "audit-deps: pip-audit could not get its vulnerability data from PyPI's JSON API" \
	    "(https://pypi.org/pypi/<name>/<version>/json; see the error above), so requirements.txt was" \
	    "NOT audited. Run \`make audit-deps\` where pypi.org is reachable." >&2; \
	  exit 2; \
	fi; \
	exit $$status
