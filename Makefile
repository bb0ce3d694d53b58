# Two commands on a fresh machine (Python 3.11): `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.deps-stamp

.PHONY: run test setup catalog seed check-catalog clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

## catalog: validate poi_data/ + routes/ and rebuild the shipped bundle
catalog: setup
	$(PY) -m chalicelib.catalog.validate --build

## seed: load catalog events into the embedded store (.data/)
seed: catalog
	$(PY) -m chalicelib.admin seed

## run: the service on http://127.0.0.1:$(PORT) with the embedded store
run: seed
	$(VENV)/bin/chalice local --host 127.0.0.1 --port $(PORT) --stage dev --no-autoreload

## test: the whole suite (the bundle must match the sources: no rebuild here)
test: setup
	$(PY) -m chalicelib.catalog.validate
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .data .pytest_cache .hypothesis
