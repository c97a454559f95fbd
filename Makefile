# Saksflyt: `make run` for the demo, `make test` for the suite. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
# axe-core, injected by the browser tests' accessibility checks (tests/browser/axe.py).
AXE_VERSION := 4.11.0
AXE := var/node/node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages makemessages migrate seed run test lint worker beat bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are build output: made here from the .po files, never committed.
%.mo: %.po $(STAMP)
	$(BIN)/python scripts/compile_messages.py $<

messages: $(MO_FILES)

$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix var/node axe-core@$(AXE_VERSION)

makemessages: install
	$(BIN)/python manage.py makemessages --no-obsolete --no-location -l nb -l sv -l da -l en \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'tests/*'
	$(BIN)/python manage.py makemessages -d djangojs --no-obsolete --no-location \
		-l nb -l sv -l da -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'static/js/htmx.min.js'

migrate: install messages
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo "Saksflyt is starting on http://$(HOST):$(PORT)/ — sign in with a login above."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Migrations are checked in test mode: it needs no SECRET_KEY when DATABASE_URL is set.
test: install messages $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SAKSFLYT_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/check_translations.py
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install messages
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule

bench: install messages
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/static
	find locale -name '*.mo' -delete
