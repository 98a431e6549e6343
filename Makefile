# School union portal: set-up, demo, tests. Run `make demo` or `make test` on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-arphic-ukai poppler-utils gettext libcairo2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help deps venv devenv demo serve test lint migrations-check bench stress backup restore clean

help:
	@echo "make demo   - install everything, load the demo school, serve on http://$(HOST):$(PORT)"
	@echo "make test   - run the whole suite (DATABASE_URL/REDIS_URL select PostgreSQL/Redis)"
	@echo "make lint   - ruff and makemigrations --check"

# System packages: installed with apt-get when missing and we are root; otherwise we say what to install.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

devenv: $(VENV)/.installed-dev

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po | $(VENV)/.installed
	$(PY) manage.py compilemessages -l en -v0

demo: deps venv locale/en/LC_MESSAGES/django.mo
	$(PY) manage.py migrate -v0
	$(PY) manage.py load_demo --if-empty
	@echo ""
	@echo "Serving the demo portal on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	@echo "Logins (password Demo2026!union): chair committee subchair proposals handler rep member admin"
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

migrations-check: devenv
	$(PY) manage.py makemigrations --check --dry-run

lint: devenv
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# Complexity gate (xenon, on radon): no function above rank C (cyclomatic complexity 20) outside
# demo builders, migrations and tests. Named exceptions, each justified, are in scripts/complexity.sh.
complexity: devenv
	@scripts/complexity.sh

test: deps devenv locale/en/LC_MESSAGES/django.mo
	$(PY) manage.py check --fail-level ERROR
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory complexity
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: deps devenv
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES="wrk postgresql-client"
	$(PY) -m scripts.bench

stress: deps devenv
	$(PY) -m scripts.stress

# Backup and restore (PostgreSQL): pg_dump custom format plus a tarball of uploaded files (README "Backups").
# A backup holds every member's ID number and bank account, so it is written outside the project folder
# (BACKUP_DIR: /var/backups/union-portal when writable, else ~/union-portal-backups), readable by its owner
# only (umask 077: files 0600, new folders 0700), and encrypted with gpg when BACKUP_GPG_RECIPIENT names a key.
BACKUP_DIR ?= $(shell if [ -w /var/backups/union-portal ] || { [ ! -e /var/backups/union-portal ] && [ -w /var/backups ]; }; then echo /var/backups/union-portal; else echo "$$HOME/union-portal-backups"; fi)
BACKUP ?= $(BACKUP_DIR)/union-$(shell date +%Y%m%d-%H%M%S)
BACKUP_GPG_RECIPIENT ?=
PG_DUMP_ARGS := --format=custom --no-owner --no-privileges
PG_RESTORE_ARGS := --clean --if-exists --no-owner --no-privileges --single-transaction
GPG_ENCRYPT = gpg --batch --yes --trust-model always --encrypt --recipient "$(BACKUP_GPG_RECIPIENT)"

backup:
	@set -euo pipefail; umask 077; out="$(BACKUP)"; media="$${MEDIA_ROOT:-media}"; \
	case "$${DATABASE_URL:-}" in postgres*) ;; *) echo "make backup needs DATABASE_URL=postgres://…"; exit 1;; esac; \
	mkdir -p "$$(dirname "$$out")"; \
	if [ -n "$(BACKUP_GPG_RECIPIENT)" ]; then \
	  command -v gpg >/dev/null || { echo "BACKUP_GPG_RECIPIENT is set but gpg is not installed (apt-get install gnupg)"; exit 1; }; \
	  pg_dump $(PG_DUMP_ARGS) "$$DATABASE_URL" | $(GPG_ENCRYPT) --output "$$out.dump.gpg"; \
	  if [ -d "$$media" ]; then tar czf - -C "$$media" . | $(GPG_ENCRYPT) --output "$$out.media.tgz.gpg"; fi; \
	  echo "Backup written, encrypted for $(BACKUP_GPG_RECIPIENT): $$out.dump.gpg"; \
	else \
	  pg_dump $(PG_DUMP_ARGS) --file="$$out.dump" "$$DATABASE_URL"; \
	  if [ -d "$$media" ]; then tar czf "$$out.media.tgz" -C "$$media" .; fi; \
	  echo "Backup written (not encrypted: set BACKUP_GPG_RECIPIENT to encrypt): $$out.dump"; \
	fi

restore:
	@set -euo pipefail; file="$(FILE)"; media_root="$${MEDIA_ROOT:-media}"; \
	test -n "$$file" || { echo "usage: make restore FILE=…/union-….dump (or ….dump.gpg)"; exit 1; }; \
	case "$${DATABASE_URL:-}" in postgres*) ;; *) echo "make restore needs DATABASE_URL=postgres://…"; exit 1;; esac; \
	case "$$file" in \
	  *.dump.gpg) gpg --batch --quiet --decrypt "$$file" | pg_restore $(PG_RESTORE_ARGS) --dbname="$$DATABASE_URL"; \
	              media="$${file%.dump.gpg}.media.tgz.gpg"; \
	              if [ -f "$$media" ]; then mkdir -p "$$media_root"; gpg --batch --quiet --decrypt "$$media" | tar xzf - -C "$$media_root"; fi;; \
	  *) pg_restore $(PG_RESTORE_ARGS) --dbname="$$DATABASE_URL" "$$file"; \
	     media="$${file%.dump}.media.tgz"; \
	     if [ -f "$$media" ]; then mkdir -p "$$media_root"; tar xzf "$$media" -C "$$media_root"; fi;; \
	esac; \
	echo "Restored from $$file"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
