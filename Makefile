# Préau — two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Both cores by default; `make test PYTEST_ARGS=...` to choose.
PYTEST_ARGS ?= -n 2

.PHONY: run test setup lint migrate seed messages clean

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
run: seed
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

messages: setup
	$(MANAGE) makemessages -l fr --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(MANAGE) compilemessages -l fr --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 var
