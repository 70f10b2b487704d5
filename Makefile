# `make run` and `make test` each set themselves up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := PORTAL_ENV=demo $(BIN)/flask --app wsgi
MO     := portal/translations/id/LC_MESSAGES/messages.mo
PO     := portal/translations/id/LC_MESSAGES/messages.po

.PHONY: run test lint lock setup translations extract-messages screenshots bench bench-quick clean

run: setup
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests, saving a PNG of each step under docs/screenshots (the README shows them).
screenshots: setup
	E2E_SCREENSHOTS=docs/screenshots E2E_REQUIRED=1 $(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# Benchmarks print figures (docs/benchmarks.md); they never fail on a missed target, only on errors.
bench: $(VENV)/.bench
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/memory.py

# The same in under a minute: small sizes, the same ratios, on SQLite (nothing to install);
# `make bench-quick QUICK_DB=both` adds PostgreSQL (about 1.5 minutes).
QUICK_DB ?= sqlite
bench-quick: $(VENV)/.bench
	$(BIN)/python bench/sweep.py --quick --db $(QUICK_DB)
	$(BIN)/python bench/load.py --quick --db $(QUICK_DB)
	$(BIN)/python bench/memory.py --quick --db $(QUICK_DB)

$(VENV)/.bench: bench/requirements.txt $(VENV)/.installed $(MO)
	$(PIP_LOCKED) -r bench/requirements.txt
	touch $@

# ruff (including the banned clock calls, TID251) and the tests that check the house rules.
lint: setup
	$(BIN)/ruff check portal tests bench wsgi.py
	$(BIN)/python -m pytest tests/rules $(PYTEST_ARGS)

setup: $(VENV)/.installed $(MO)

# Installs exactly the lock file: every package pinned and hashed, nothing resolved here.
PIP_LOCKED = $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) -r requirements-dev.txt
	touch $@

# After editing requirements.in, requirements-dev.in or bench/requirements.in: re-resolve the lock
# files (*.txt). pip-tools lives in its own virtualenv so it never appears in the project's.
PIPTOOLS := .venv-piptools
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(PIPTOOLS)/bin/pip-compile --quiet --generate-hashes \
	--strip-extras --no-emit-index-url --no-emit-find-links
lock:
	test -d $(PIPTOOLS) || $(PYTHON) -m venv $(PIPTOOLS)
	$(PIPTOOLS)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.7.0
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) --output-file=bench/requirements.txt bench/requirements.in

# The compiled catalogue is built, not committed.
$(MO): $(PO) $(VENV)/.installed
	$(BIN)/pybabel compile -d portal/translations -D messages

translations: $(MO)

# After changing user-facing strings: update the catalogue, then translate what is new.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot --width 100 --add-location file --ignore-dirs '.*' .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -D messages --no-fuzzy-matching --width 100

clean:
	rm -rf $(VENV) $(PIPTOOLS) .pytest_cache
