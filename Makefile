# Every target creates the virtual environment it needs, so any of them works first on a
# fresh clone. REGISTRY=path/to/service-names-port-numbers.csv adds the registry cross-check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PP := $(BIN)/portpages
REGISTRY_ARG := $(if $(REGISTRY),--registry $(REGISTRY))

.PHONY: site serve check generate test clean

# The build environment: pinned runtime packages and this project (editable).
$(VENV)/.site: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . || \
	  $(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The test environment adds pytest and playwright (which drives Debian's chromium).
$(VENV)/.test: $(VENV)/.site requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

site: $(VENV)/.site
	$(PP) site $(REGISTRY_ARG)

check: $(VENV)/.site
	$(PP) check $(REGISTRY_ARG)

generate: $(VENV)/.site
	$(PP) generate $(REGISTRY_ARG)

serve: $(VENV)/.site
	$(PP) serve $(REGISTRY_ARG)

test: $(VENV)/.test
	$(BIN)/pytest

clean:
	rm -rf site .venv
