# Kota Cerdas: two commands, `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := kotacerdas.settings
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint format migrate setup serve lock clean check-python messages

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kota Cerdas needs Python 3.11 or newer, found " + sys.version.split()[0])'

$(STAMP): requirements.lock pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/kotacerdas migrate --noinput

# The demo data is loaded once; later runs keep it and its changes (`kotacerdas demo --reset` reloads).
# No worker runs in the demo: its background tasks (moderation's preparation, the reports' zip)
# run at once, in the request.
demo: migrate
	$(BIN)/kotacerdas demo
	KOTACERDAS_DEMO=1 TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend \
		$(BIN)/kotacerdas runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: setup
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# The suite runs in one process per CPU (pytest-xdist; TEST_WORKERS=0 runs it in this process).
TEST_WORKERS ?= auto
test: migrate lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Refresh the English catalogue from the Indonesian source strings, then compile it (needs GNU
# gettext). Commit both locale/en/LC_MESSAGES/django.po and django.mo; tests/i18n checks they are current.
messages: setup
	cd src/kotacerdas && ../../$(BIN)/kotacerdas makemessages -l en --ignore 'index/*' --add-location file --no-obsolete
	cd src/kotacerdas && ../../$(BIN)/kotacerdas compilemessages -l en

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet -o requirements.lock

clean:
	rm -rf $(VENV) var/test-*
