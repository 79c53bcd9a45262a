# perfkit: the two commands a newcomer needs are `make report` and `make test`.
# Both create the virtual environment in .venv when it is missing and install the pinned
# versions from constraints.txt, so they work on a fresh clone with only Python 3.11+ and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.perfkit-installed
DATA ?= data/sample
PERIOD ?= latest
REPORTS ?= reports
JOBS ?= 2

.PHONY: setup report test test-spark lint typecheck format sample benchmark clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "perfkit needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,zh]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

report: setup
	$(BIN)/perfkit validate $(DATA)
	$(BIN)/perfkit report $(DATA) --period $(PERIOD) --jobs $(JOBS) -o $(REPORTS)

test: setup lint typecheck browser
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval-lax notebooks/

# The events backend's tests again on a local Spark session (tests/test_backends_ibis.py with
# PERFKIT_TEST_SPARK=1): a headless JDK from Debian's packages when java is missing, then
# PySpark into the virtual environment (the `spark` extra), each in its own step.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

test-spark: setup
	@command -v java >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends openjdk-17-jre-headless; }
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[spark]"
	PERFKIT_TEST_SPARK=1 PYSPARK_PYTHON=$(abspath $(BIN)/python) PYSPARK_DRIVER_PYTHON=$(abspath $(BIN)/python) \
		$(BIN)/python -m pytest -p no:cacheprovider tests/test_backends_ibis.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

# The browser test of the calibration page drives Debian's Chromium (never a downloaded build).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser test (about a minute)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium not found: the browser test is skipped (sudo apt-get install chromium)"; \
	  fi; }

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

sample: setup
	$(BIN)/perfkit sample $(DATA)

benchmark: setup
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_reports.py

clean:
	rm -rf $(VENV) $(REPORTS) .pytest_cache .ruff_cache
