# Préau — two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# `make serve`: nginx on SERVE_PORT in front of gunicorn on SERVE_APP_PORT (production settings, loopback).
SERVE_PORT ?= 8080
SERVE_APP_PORT ?= 8081
# Both cores by default; `make test PYTEST_ARGS=...` to choose.
PYTEST_ARGS ?= -n 2

.PHONY: run serve nginx chromium axe test setup lint migrate seed messages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

# Links in emails, letters and the admin point at the server `make run` starts (unless set).
run: export PREAU_BASE_URL ?= http://$(HOST):$(PORT)
# A background task worker (notifications after quiet hours, digests' emails) runs beside the server
# and stops with it.
run: seed
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) db_worker --backend background --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# The production stack in the foreground: nginx checks signed file links and sends files, gunicorn
# runs the app with production settings. SIGTERM (or Ctrl-C) to its process group stops everything.
serve: seed nginx
	exec $(PY) deploy/serve.py --port $(SERVE_PORT) --app-port $(SERVE_APP_PORT)

nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update -q && apt-get install -y -q nginx)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)

# axe-core (npm registry, pinned in package-lock.json) for the accessibility audit (tests/axe.py); once per lock file.
axe: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -q && apt-get install -y -q npm)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint axe
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

messages: setup
	$(MANAGE) makemessages -l fr --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=node_modules
	$(MANAGE) compilemessages -l fr --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 var
