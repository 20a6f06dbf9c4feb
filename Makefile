# co2calc — entry points. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY313 := $(firstword $(wildcard /root/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))
export UV_PYTHON := $(PY313)
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: help deps deps-system deps-python deps-node frontend run test test-py test-frontend lint format bench clean

help:
	@echo "make run    - the whole system on this machine (prints URL and demo logins)"
	@echo "make test   - the full test suite (the one CI runs)"
	@echo "make lint   - ruff check + format check, TypeScript type check"
	@echo "make bench  - benchmark scripts under bench/"

## --- set-up -----------------------------------------------------------------
deps: deps-system deps-python deps-node

deps-system:
	@missing=""; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	    for v in /etc/init.d/postgresql; do [ -x $$v ] && $(SUDO) $$v stop >/dev/null 2>&1 || true; done; \
	  fi

deps-python:
	@test -x "$(UV)" || python3 -m pip install --quiet --user uv
	@test -n "$(PY313)" || { echo "Python 3.13 not found (expected /root/.pyenv/versions/3.13.x)"; exit 1; }
	@$(UV) sync --frozen --quiet

deps-node:
	@cd frontend && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; }

frontend: deps-node
	@cd frontend && { [ -f dist/index.html ] && [ -z "$$(find src index.html package.json vite.config.* -newer dist/index.html 2>/dev/null | head -1)" ] || npm run build --silent; }

## --- the two commands ----------------------------------------------------------
run: deps frontend
	@$(UV) run python -m co2calc.dev.run

test: deps frontend
	@$(UV) run ruff check .
	@cd frontend && npm test --silent
	@$(UV) run pytest

## --- the rest -----------------------------------------------------------------
lint: deps
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	cd frontend && npm run typecheck

format:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: deps
	$(UV) run python bench/coldstart/run.py
	$(UV) run python bench/calc/run.py

clean:
	rm -rf .data frontend/dist
