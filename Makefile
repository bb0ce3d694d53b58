# Two commands on a fresh machine (Python 3.11): `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.deps-stamp

.PHONY: run test test-fast lint lock setup-locked setup system-deps catalog catalog-report vendor seed check-catalog bench bench-guide bench-load clean package package-check package-smoke clean-package

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

## lock: pin every package, direct and indirect, with hashes (pip-tools) -> requirements.lock
lock: setup
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements.lock requirements.txt requirements-dev.txt

## setup-locked: the venv exactly as locked (hash-checked), for reproducing CI or a report
setup-locked:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

## catalog: validate poi_data/ + routes/ and rebuild the shipped bundle
catalog: setup
	$(PY) -m chalicelib.catalog.validate --build

## catalog-report: counts, attribute coverage and gaps -> poi_data/REPORT.md (committed)
catalog-report: setup
	$(PY) -m chalicelib.catalog.validate --report

## vendor: refresh the app's front-end libraries from the npm registry (versions in
##         chalicelib/web/vendor/package.json + package-lock.json) into chalicelib/web/vendor/
vendor:
	rm -rf .vendor-npm && mkdir -p .vendor-npm
	cp chalicelib/web/vendor/package.json chalicelib/web/vendor/package-lock.json .vendor-npm/
	cd .vendor-npm && npm ci --no-audit --no-fund --ignore-scripts
	cp .vendor-npm/node_modules/leaflet/dist/leaflet.js .vendor-npm/node_modules/leaflet/dist/leaflet.css chalicelib/web/vendor/
	cp .vendor-npm/node_modules/leaflet/LICENSE chalicelib/web/vendor/LICENSE.leaflet
	cp .vendor-npm/node_modules/echarts/dist/echarts.min.js chalicelib/web/vendor/
	cp .vendor-npm/node_modules/echarts/LICENSE chalicelib/web/vendor/LICENSE.echarts
	cp .vendor-npm/node_modules/echarts/NOTICE chalicelib/web/vendor/NOTICE.echarts
	cp .vendor-npm/node_modules/zrender/LICENSE chalicelib/web/vendor/LICENSE.zrender
	cp .vendor-npm/node_modules/redoc/LICENSE chalicelib/web/vendor/LICENSE.redoc
	cp .vendor-npm/node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt chalicelib/web/vendor/LICENSE.redoc-bundle.txt
	# the one patch: Redoc's sidebar logo comes from cdn.redoc.ly; blank it (no CDN at run time)
	sed 's|https://cdn.redoc.ly/redoc/logo-mini.svg|data:,|' .vendor-npm/node_modules/redoc/bundles/redoc.standalone.js > chalicelib/web/vendor/redoc.standalone.js
	cp .vendor-npm/node_modules/axe-core/axe.min.js tests/support/vendor/
	cp .vendor-npm/node_modules/axe-core/LICENSE tests/support/vendor/LICENSE.axe-core
	rm -rf .vendor-npm

## seed: load catalog events into the embedded store (.data/)
seed: catalog
	$(PY) -m chalicelib.admin seed

## run: the service on http://127.0.0.1:$(PORT) with the embedded store
##      (chalice's local gateway on a server built for load: chalicelib/local_server.py;
##       plan solves on one process per core, SOLVE_WORKERS= to change, 0 = in the request thread)
SOLVE_WORKERS ?=
run: seed
	$(PY) -m chalicelib.local_server --host 127.0.0.1 --port $(PORT) --stage dev $(if $(SOLVE_WORKERS),--workers $(SOLVE_WORKERS))

## system-deps: Debian packages the tests use (real Chromium for widgets, pdftoppm for cards)
##              (checked once: the stamp is kept until `make clean`)
SYSTEM_DEPS := chromium poppler-utils fonts-wqy-microhei
SYSDEPS_STAMP := $(VENV)/.system-deps-stamp
system-deps: $(SYSDEPS_STAMP)
$(SYSDEPS_STAMP):
	@if command -v chromium >/dev/null && command -v pdftoppm >/dev/null && fc-list 2>/dev/null | grep -qi wenquanyi; then \
		echo "system packages present"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_DEPS); \
	else \
		echo "missing system packages; run: sudo apt-get install $(SYSTEM_DEPS)"; exit 1; \
	fi
	@mkdir -p $(VENV) && touch $@

## lint: ruff (rules in pyproject.toml), the formatter's check and mypy on chalicelib/ + app.py; 0 findings
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## test-fast: the inner loop (under a minute): unit tests, no live servers, no load-sized checks
test-fast: setup
	$(PY) -m pytest -m "not integration and not slow"

## test: the whole suite (the bundle must match the sources: no rebuild here)
test: setup system-deps
	$(PY) -m chalicelib.catalog.validate
	$(PY) -m pytest

BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $(BENCH_STAMP)

## bench: solve-time benchmark, then the TOPTW benchmark against VROOM, PyVRP and textbook OR-Tools
##        (about 75-80 minutes on a quiet 2-core machine: Solomon 100, Cordeau pr01-10 and pr11-20, 1 s and 5 s;
##        the #16 comparison at 1/5/10 s takes about 2 h, see benchmarks/toptw/README.md) -> benchmarks/results/
bench: $(BENCH_STAMP)
	$(PY) -m benchmarks.plan_bench
	$(PY) -m benchmarks.toptw run

## bench-load: the local server under 1-64 clients, old `chalice local` vs chalicelib.local_server
##             (about 2 minutes) -> benchmarks/results/load.{csv,md}
bench-load: $(STAMP)
	$(PY) -m benchmarks.load

## bench-guide: realistic trips judged by the guide review (faults by kind, interest score; a few minutes)
##              -> benchmarks/results/guide_bench.{csv,md}, compared with benchmarks/guide/baseline.csv
bench-guide: $(STAMP)
	$(PY) -m benchmarks.guide --baseline benchmarks/guide/baseline.csv

clean:
	rm -rf $(VENV) .data .pytest_cache .hypothesis

# --- Lambda package (deploy/README.md) ---------------------------------------
# Built under Python 3.12 (Lambda's python3.12 runtime) in its own venv so
# `chalice package` selects cp312 manylinux wheels; the dev venv stays 3.11.
PKG_VENV   := .venv-package
PKG_PY     := $(PKG_VENV)/bin/python
PKG_STAMP  := $(PKG_VENV)/.deps-stamp
PYTHON312  ?= $(shell deploy/find-python312.sh)
# chalice package needs a region to render ARNs; the template itself is region-free.
PKG_REGION ?= ap-southeast-1

$(PKG_STAMP): requirements.txt deploy/requirements-package.txt
	test -x $(PKG_PY) || $(PYTHON312) -m venv $(PKG_VENV)
	$(PKG_PY) -m pip install --quiet -r requirements.txt -r deploy/requirements-package.txt
	touch $(PKG_STAMP)

## package: dist/sam.json (CloudFormation/SAM) + deployment.zip + layer-deployment.zip for stage prod
package: $(PKG_STAMP)
	rm -rf dist
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-$(PKG_REGION)} $(PKG_VENV)/bin/chalice package \
	    --stage prod --pkg-format cloudformation --template-format json \
	    --merge-template deploy/merge.json dist
	$(PKG_PY) deploy/slim.py dist

## package-check: cfn-lint, size limit, template contents and the unpacked smoke test (builds dist/ if missing or stale)
package-check: setup
	YUEYOU_TEST_PACKAGE=1 $(PY) -m pytest -m package -s tests/package

## package-smoke: only the smoke test of dist/ (no pytest)
package-smoke: setup
	$(PY) deploy/smoke.py dist

clean-package:
	rm -rf $(PKG_VENV) dist
