# One target per chore. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000

.PHONY: demo test lint typecheck imports migrations-check pytest pytest-pg e2e messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# `make demo PORT=8001` serves on another port.
demo: $(VENV)/.installed
	$(BIN)/shisaku demo --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests

imports: $(VENV)/.installed-dev
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy src/shisaku/engines src/shisaku/taxonomy src/shisaku/sampledata

migrations-check: $(VENV)/.installed-dev
	$(BIN)/shisaku manage makemigrations --check --dry-run

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint imports typecheck migrations-check pytest

# Regenerate translation catalogues after changing user-facing strings (needs GNU gettext).
messages: $(VENV)/.installed-dev
	cd src/shisaku && ../../$(PY) -m django makemessages -l ko -l ja -l en --no-obsolete --ignore "engines/*" --ignore "sampledata/*"
	$(PY) -c "import glob, polib; [polib.pofile(p).save_as_mofile(p[:-2] + 'mo') for p in glob.glob('src/shisaku/locale/*/LC_MESSAGES/django.po')]"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
