# Serverless Architecture Patterns on AWS: every target a developer or CI runs.
# `make help` lists them. The tooling lives in scripts/sitekit; these targets only call it.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITEKIT := PYTHONPATH=scripts $(PY) -m sitekit
# Reproducible sitemap dates; silence Material's banner about MkDocs 2.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export NO_MKDOCS_2_WARNING := 1
# Run apt-get as root, or through sudo when there is one.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.DEFAULT_GOAL := help
.PHONY: help setup graphviz chromium vendor diagrams pages check build build-zensical serve test bench \
        linkcheck linkcheck-online clean new-pattern stacks

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

graphviz: ## Install Graphviz's dot (Debian package) if it is missing
	@command -v dot >/dev/null || { \
	  command -v apt-get >/dev/null || { echo "error: Graphviz 'dot' is missing and this system has no apt-get: install Graphviz (https://graphviz.org/download/) and re-run" >&2; exit 1; }; \
	  echo "Installing Graphviz with apt-get..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq graphviz >/dev/null; }

chromium: ## Install Debian's Chromium for the browser tests if it is missing
	@test -x /usr/bin/chromium || { \
	  command -v apt-get >/dev/null || { echo "error: /usr/bin/chromium is missing and this system has no apt-get: install Chromium there to run the browser tests" >&2; exit 1; }; \
	  echo "Installing Chromium with apt-get..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

setup: $(VENV)/.installed graphviz vendor ## Create .venv, install pinned dependencies and Graphviz

# Front-end libraries come from npm at the versions in package-lock.json and are copied into
# the site, so nothing loads from a CDN. Both steps are file targets: a no-op when up to date.
VENDOR := docs/assets/vendor
VENDORED := $(VENDOR)/panzoom.min.js

vendor: $(VENDORED) ## Copy the pinned front-end libraries into the site (no CDN)

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  command -v apt-get >/dev/null || { echo "error: npm is missing and this system has no apt-get: install Node.js 18+ with npm and re-run" >&2; exit 1; }; \
	  echo "Installing Node.js and npm with apt-get..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/panzoom.min.js: node_modules/.package-lock.json
	@mkdir -p $(VENDOR)
	cp node_modules/@panzoom/panzoom/dist/panzoom.min.js $@
	cp node_modules/@panzoom/panzoom/MIT-License.txt $(VENDOR)/panzoom.LICENSE.txt

diagrams: setup ## Render changed diagram modules to SVG/PNG (all cores)
	@$(SITEKIT) diagrams

pages: diagrams ## Generate the home catalog and the service explorer pages
	@$(SITEKIT) pages

# Renders and generates first, then reports every problem at once, even when a diagram failed.
check: setup ## Validate pages, front matter, diagrams and navigation (fast)
	@$(SITEKIT) diagrams; rendered=$$?; $(SITEKIT) pages; generated=$$?; \
	  $(SITEKIT) check && exit $$((rendered | generated))

# One line per stack; the zips and "Deploy it" snippets are written by `make pages`.
stacks: setup ## Lint, expand, check against its diagram and emulate every AWS SAM stack
	@$(SITEKIT) stacks

# Arguments arrive through the environment, so any title survives the shell unchanged.
new-pattern: setup ## Start a pattern: SLUG=fan-out TITLE="Fan-out" CATEGORY=messaging-and-events
	@$(SITEKIT) new-pattern --slug "$$SLUG" --title "$$TITLE" --category "$$CATEGORY"

# Strict: any MkDocs warning fails the build and is printed (quiet only on success).
build: pages ## Build the static site into site/ (fails on any warning)
	@$(SITEKIT) build

build-zensical: pages ## Build the same site with Zensical into site-zensical/ (strict)
	@$(SITEKIT) build --engine zensical --site-dir site-zensical

linkcheck: build ## Build, then check every link, anchor and asset in site/ (what deploy runs)
	@$(SITEKIT) linkcheck site

# A broken diagram does not stop the server: fix and save it, and the watcher re-renders it.
serve: setup ## Serve on http://127.0.0.1:8000, re-rendering diagrams on save
	@-$(SITEKIT) diagrams
	@$(SITEKIT) pages
	@$(SITEKIT) watch

test: check chromium ## Run every check and test (what CI runs)
	@$(VENV)/bin/ruff check --quiet scripts diagrams tests
	@$(VENV)/bin/ruff format --check --quiet scripts diagrams tests
	@$(SITEKIT) build
	@$(SITEKIT) linkcheck site
	@$(PY) -m pytest

bench: setup chromium ## Print timings and page weights for this machine (not a test)
	@$(SITEKIT) bench

linkcheck-online: build ## Also fetch every external URL in the built site (needs internet)
	@$(SITEKIT) linkcheck site --online

clean: ## Remove generated files and the built site (keeps .venv)
	rm -rf site site-zensical .cache generated docs/assets/diagrams docs/assets/icons docs/assets/sources docs/services docs/assets/vendor docs/assets/stacks .pytest_cache
