# Jiesu entry points. A fresh machine needs only Python >= 3.11, make, and Node.js with npm.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/jiesu/static_vendor
LOCALE := src/jiesu/locale
SECRET_KEY_FILE := $(or $(JIESU_VAR_DIR),var)/secret_key
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint bench messages compilemessages clean

install: $(STAMP) $(VENDOR)/.installed compilemessages

$(STAMP): requirements.lock requirements-ldap.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# python-ldap (the optional LDAP extra) builds from source: only where its C headers are installed.
	@if [ -f /usr/include/ldap.h ] && [ -f /usr/include/sasl/sasl.h ] && command -v cc >/dev/null; then \
		$(BIN)/python -m pip install --quiet -r requirements-ldap.lock; \
	else \
		echo "LDAP extra skipped: apt-get install libldap2-dev libsasl2-dev for LDAP sign-in and sync"; \
	fi
	touch $(STAMP)

# Front-end packages come from the npm registry (package-lock.json), copied into a git-ignored folder.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/echarts
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

# Compiled with Babel (pure Python), so GNU gettext is not needed on the machine.
compilemessages: $(STAMP)
	$(BIN)/pybabel -q compile -D django -d $(LOCALE)

# For developers: refresh the catalogs from the source (needs GNU gettext's xgettext).
messages: $(STAMP)
	cd src/jiesu && ../../$(BIN)/jiesu makemessages -l zh_Hans --no-obsolete --no-location --ignore 'static_vendor/*'

# This install's own secret key, made once (git-ignored; settings read it when DEBUG is on). No key is ever
# written in the source: production sets SECRET_KEY in the environment (docs/security.md).
$(SECRET_KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# Idempotent: migrations, the organization (as a real installation loads it), the demo people and accounts
# (the demo app, never on a real installation), and two years of requests (only when none are loaded yet): the
# older ones bulk-loaded, the last two weeks played through the services.
demo: install $(SECRET_KEY_FILE)
	DEBUG=1 $(BIN)/jiesu migrate --noinput
	DEBUG=1 $(BIN)/jiesu createcachetable
	DEBUG=1 $(BIN)/jiesu load-org
	DEBUG=1 $(BIN)/jiesu demo-org >/dev/null
	@# DEBUG off for the load (this install's key given directly): DEBUG logs every SQL statement, 15 % of its CPU.
	SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" $(BIN)/jiesu demo-data --tickets 12000 --days 730 --recent-days 14 \
		--seed 2026 --if-empty
	DEBUG=1 $(BIN)/jiesu train-dispatch
	DEBUG=1 $(BIN)/jiesu demo-org
	@echo "Serving the demo on http://$(HOST):$(PORT)/ with the background worker beside it (Ctrl-C stops both)"
	@echo "Port $(PORT) taken? Run it on another one: PORT=8001 make demo"
	@DEBUG=1 JIESU_SITE_URL=http://$(HOST):$(PORT) $(BIN)/jiesu worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=1 JIESU_SITE_URL=http://$(HOST):$(PORT) $(BIN)/jiesu runserver --noreload $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src

test: install lint
	$(BIN)/pytest -n 2 --dist loadfile
	@if [ -n "$$JIESU_TEST_DATABASE_URL" ]; then \
		echo "== again on $$JIESU_TEST_DATABASE_URL =="; \
		DATABASE_URL="$$JIESU_TEST_DATABASE_URL" $(BIN)/pytest -n 2 --dist loadfile; \
	fi

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static
