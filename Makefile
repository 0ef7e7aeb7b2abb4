# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check chromium varnish clean bench bench-text screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_demo
	@DEBUG=$${DEBUG:-true} $(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)/
	@# The task worker for TASKS_BACKEND and the periodic scheduler run beside the web
	@# server; Ctrl-C stops all three (README, "Background work").
	@export DEBUG=$${DEBUG:-true}; \
	case "$${TASKS_BACKEND:-database}" in \
	  database) $(BIN)/python manage.py db_worker --no-reload & worker=$$! ;; \
	  rq) $(BIN)/python manage.py rqworker --job-class django_tasks_rq.Job default & worker=$$! ;; \
	  *) worker= ;; \
	esac; \
	$(BIN)/python manage.py run_periodic --loop & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests need Debian's Chromium: install it when we can (root + apt),
# otherwise the e2e tests skip with a warning (and fail under CI=true).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "WARNING: could not install chromium; browser tests will be skipped."; \
	  else \
	    echo "WARNING: chromium is not installed and cannot be installed here; browser tests will be skipped."; \
	  fi; \
	fi

# The shared-cache tests run the deployment's VCL in a real varnishd: install
# Debian's varnish when we can, else they are skipped with a warning.
varnish:
	@if ! command -v varnishd >/dev/null 2>&1 && [ ! -x /usr/sbin/varnishd ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's varnish for the shared-cache tests..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null) \
	      || echo "WARNING: could not install varnish; shared-cache tests will be skipped."; \
	  else \
	    echo "WARNING: varnish is not installed and cannot be installed here; shared-cache tests will be skipped."; \
	  fi; \
	fi

test: $(STAMP) chromium varnish
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: $(STAMP)
	DEBUG=true $(BIN)/python manage.py check
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	@# Production settings must pass Django's deployment checklist with no warning.
	DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  ALLOWED_HOSTS=review.example.org REDIS_URL=redis://127.0.0.1:6379/0 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Builds a 10 and a 10 000 article archive in its own PostgreSQL database,
# serves it with gunicorn on 127.0.0.1 and measures it with wrk.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/run.py

# Every text path (rendering, citations, readability, diff, search) on the
# worst inputs at the size limits; fails when one takes a second or more.
bench-text: $(STAMP)
	$(BIN)/python bench/text_paths.py

# Pictures of the demo's pages (docs/screenshots/, shown in the README), taken
# with Playwright and Debian's chromium from a throwaway SQLite database;
# optipng makes them smaller when it is installed (or can be, as root).
screenshots: $(STAMP) chromium
	@command -v optipng >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 \
	  || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq optipng >/dev/null 2>&1 || true
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
