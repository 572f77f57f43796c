# Two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test setup db translations bench extract clean risk-report

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

setup: $(STAMP) translations node_modules/.package-lock.json

# axe-core for the browser tests' accessibility checks (no npm code is served).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent || echo "npm is missing: the accessibility checks will skip"

translations: $(STAMP)
	$(BIN)/pybabel compile -d translations -D messages
	$(BIN)/pybabel compile -d translations -D wtforms

db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo-if-empty

run: db
	@echo "CyberBK on http://$(HOST):$(PORT)  (demo password: cyberbk-demo)"
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

# Two processes (pytest-xdist), one a core: with the schema and the demo school built once
# (tests/conftest.py, tests/e2e/conftest.py), most of a test's time is the CPU's.
PYTEST_WORKERS ?= 2

test: setup
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# wrk for throughput, Debian's Chromium for page weight and the slow link.
bench: setup
	(command -v wrk && test -x /usr/bin/chromium) >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk chromium)
	$(BIN)/python -m bench

# Recall and false alarms of the problem box's risk check on tests/data's corpus, with the
# misses; INSTANCE=path/to/instance adds the flags its counselors marked wrong.
risk-report: $(STAMP)
	$(BIN)/python scripts/risk_report.py $(if $(INSTANCE),--instance $(INSTANCE))

extract:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _lp:1c,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
