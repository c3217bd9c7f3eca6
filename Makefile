# IOP: `make run` serves the demo on 127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install sysdeps sysdeps-pdf run test test-future lint messages docs-demo bench serve backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(STAMP)

# Debian packages, installed only when missing (one apt-get update, one install): Pango,
# HarfBuzz's font subsetter and DejaVu fonts for WeasyPrint (without the subsetter it falls
# back to fontTools, five times slower), Liberation fonts for the house fonts; for the tests also Chromium (browser tests) and
# poppler (PDF text and PNGs), faketime (the suite with the clock moved ahead), Node.js and
# npm (the OpenID Connect provider of the single sign-on tests), gettext (makemessages, also
# in tests/test_catalogue.py).
PDF_PACKAGES = \
	ldconfig -p | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	[ -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || missing="$$missing fonts-liberation";
TEST_PACKAGES = \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v faketime >/dev/null 2>&1 || missing="$$missing faketime"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v msgmerge >/dev/null 2>&1 || missing="$$missing gettext";
INSTALL_MISSING = \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

sysdeps-pdf:
	@missing=""; $(PDF_PACKAGES) $(INSTALL_MISSING)

sysdeps:
	@missing=""; $(PDF_PACKAGES) $(TEST_PACKAGES) $(INSTALL_MISSING)

run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

# The OpenID Connect provider the single sign-on tests log in through (npm's oidc-provider,
# pinned in tests/oidc/package-lock.json); installed again when the lock file changes.
OIDC_STAMP := tests/oidc/node_modules/.installed
$(OIDC_STAMP): tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --silent
	touch $@

# axe-core, the accessibility checker the browser tests run on every page (pinned in
# tests/e2e/axe/package-lock.json); installed again when the lock file changes.
AXE_STAMP := tests/e2e/axe/node_modules/.installed
$(AXE_STAMP): tests/e2e/axe/package-lock.json
	npm ci --prefix tests/e2e/axe --no-audit --no-fund --silent
	touch $@

test: install sysdeps $(OIDC_STAMP) $(AXE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite without the browser tests, the clock moved about 14 months ahead: a test that passes
# only near the day it was written fails here, not a week later.
FUTURE ?= +420d
test-future: install sysdeps $(OIDC_STAMP)
	faketime -f $(FUTURE) $(BIN)/python -m pytest --ignore=tests/e2e $(PYTEST_ARGS)

# Production-like serving (see docs/deploy.md): DEBUG off, settings from the environment or
# .env (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL to PostgreSQL), static files collected and
# served by WhiteNoise, gunicorn with $$WEB_CONCURRENCY workers (default 3).
SERVE_BIND ?= 127.0.0.1:8000
serve: install
	DEBUG=0 $(BIN)/python manage.py check --deploy --fail-level WARNING
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input -v0
	DEBUG=0 $(BIN)/python manage.py migrate --no-input
	DEBUG=0 $(BIN)/gunicorn iop.wsgi --bind $(SERVE_BIND) --workers $${WEB_CONCURRENCY:-3} \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# Benchmark on its own database (never the development one): synthetic data at
# BENCH_SCALE (1 = 10 000 agreements; reused when already there), then every page.
BENCH_SCALE ?= 1
BENCH_RUNS ?= 20
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iop_bench
bench: install sysdeps-pdf
	@case "$(BENCH_DATABASE_URL)" in postgres*) \
		db=$(lastword $(subst /, ,$(BENCH_DATABASE_URL))); \
		psql "$(BENCH_DATABASE_URL)" -tAc "SELECT 1" >/dev/null 2>&1 || \
			createdb -h 127.0.0.1 -U postgres "$$db";; esac
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --no-input -v0
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py generate_synthetic \
		--scale $(BENCH_SCALE) --reuse --flush
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python scripts/bench.py --runs $(BENCH_RUNS)

# Backups (docs/deploy.md): database dump (pg_dump custom format) and media archive into
# BACKUP_DIR (default build/backups); `make restore DUMP=path` replaces the data with it.
backup: install
	$(BIN)/python scripts/backup.py backup

restore: install
	@test -n "$(DUMP)" || { echo "usage: make restore DUMP=build/backups/iop-....dump"; exit 2; }
	$(BIN)/python scripts/backup.py restore "$(DUMP)" --yes

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The English catalogue brought up to date with the code and templates (translate the new and
# fuzzy entries in locale/en/LC_MESSAGES/django.po, then `make messages` again to compile it).
# The ignored folders are the same as in tests/test_catalogue.py.
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l en --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=build --ignore=tests --ignore=scripts --ignore=docs
	DEBUG=1 $(BIN)/python manage.py compilemessages -l en --ignore=.venv --ignore=node_modules

# The two demo cases' decision proposals and agreements as PDF and PNG pages, from a throwaway
# SQLite database (Västerbotten's decision has no data in the seeds: it shows placeholders).
DOCS_DEMO := build/docs-demo
docs-demo: install sysdeps
	rm -rf $(DOCS_DEMO) && mkdir -p $(DOCS_DEMO)
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(DOCS_DEMO)/demo.sqlite3 $(BIN)/python manage.py migrate --no-input -v 0
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(DOCS_DEMO)/demo.sqlite3 $(BIN)/python manage.py load_demo >/dev/null
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(DOCS_DEMO)/demo.sqlite3 $(BIN)/python manage.py docs_demo --out $(DOCS_DEMO)
	rm -f $(DOCS_DEMO)/demo.sqlite3

clean:
	rm -rf $(VENV) build .pytest_cache tests/oidc/node_modules tests/e2e/axe/node_modules
