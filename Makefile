# Every target creates the virtual environment it needs, so any of them works first on a
# fresh clone. Every build and check uses the vendored IANA registry (scripts/iana/);
# REGISTRY=path/to/service-names-port-numbers.csv uses another copy, CURATED=1 leaves it
# out (the curated records alone: a quick preview).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PP := $(BIN)/portpages
REGISTRY_ARG := $(if $(REGISTRY),--registry $(REGISTRY)) $(if $(CURATED),--curated)
# In an unpacked `make bundle` (an intranet build host), its wheels/ folder is the only
# package index: pip asks nothing else.
PIP_SOURCE := $(if $(wildcard wheels/*.whl),--no-index --find-links wheels)
PIP := $(BIN)/pip install --quiet --disable-pip-version-check $(PIP_SOURCE)

.PHONY: site offline serve check facts generate fmt new translations registry rules bench audit bundle test clean

# The build environment: pinned runtime packages and this project (editable).
$(VENV)/.site: requirements.txt requirements-build.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) -r requirements-build.txt
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

# The test environment adds pytest and playwright (which drives Debian's chromium).
$(VENV)/.test: $(VENV)/.site requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# Browser tools from npm, pinned in package-lock.json: axe-core (injected by the tests) and
# Lighthouse (make audit). Neither is part of the site.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: $(VENV)/.site
	$(PP) site $(REGISTRY_ARG)

# The offline variant: site-offline/ (opens from file://, loads nothing from outside) and
# dist/portpages-offline.zip with its .sha256. FEEDBACK_URL=... sends votes to an intranet.
offline: $(VENV)/.site
	$(PP) offline $(REGISTRY_ARG)

check: $(VENV)/.site
	$(PP) check $(REGISTRY_ARG)

generate: $(VENV)/.site
	$(PP) generate $(REGISTRY_ARG)

serve: $(VENV)/.site
	$(PP) serve $(REGISTRY_ARG)

fmt: $(VENV)/.site
	$(PP) fmt

# make new PORT=8080 (prefilled from the registry)
new: $(VENV)/.site
	@test -n "$(PORT)" || { echo "command line:1:1: E900 say which port: make new PORT=NNNN (the lookup page tells which numbers have no record)" >&2; exit 1; }
	$(PP) new $(PORT) $(REGISTRY_ARG)

# Everything an intranet build host without a package index needs, in one archive:
# dist/portpages-bundle.tar.gz (README: "Intranet build host").
bundle: $(VENV)/.site
	$(PP) bundle

# A reviewer's re-check: the prose's registry facts, and the claims resting on secondary sources.
facts: $(VENV)/.site
	$(PP) facts $(REGISTRY_ARG)

translations: $(VENV)/.site
	$(PP) translations

# Downloads IANA's current CSV into .cache/ (online machines only); the weekly refresh
# workflow compares it with scripts/iana/ and proposes the update as a pull request.
registry: $(VENV)/.site
	$(PP) registry

# Builds the full site every way it is built (side by side in one run) and smaller sites,
# and prints what they cost: about 20 minutes. The README's figures come from it.
BENCH_REGISTRY ?= $(or $(REGISTRY),scripts/iana/service-names-port-numbers.csv)
bench: $(VENV)/.site
	$(PP) bench --registry $(BENCH_REGISTRY)

# Lighthouse (mobile) on a sample of page types served from site/, median of three runs:
# the README's table. Build the site first (make site).
audit: $(VENV)/.site node_modules/.installed
	$(PP) audit

rules: $(VENV)/.site
	$(PP) rules

test: $(VENV)/.test node_modules/.installed
	$(BIN)/pytest

clean:
	rm -rf site site-offline dist .venv node_modules
