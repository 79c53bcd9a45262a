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

report:
	@test -f $(STAMP) || echo "perfkit: first run: creating $(VENV) and installing the pinned packages (about 3-5 minutes, once)..."
	@$(MAKE) --no-print-directory setup
	$(BIN)/perfkit validate $(DATA)
	$(BIN)/perfkit report $(DATA) --period $(PERIOD) --jobs $(JOBS) -o $(REPORTS)

# full-page PNGs of the index and a role report (English and Chinese) in headless Chromium
screenshots: setup
	$(BIN)/python scripts/screenshots.py

chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

test: setup lint typecheck browser
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval-lax notebooks/

# The events backend's tests again on a local Spark session (tests/test_backends_ibis.py with
# PERFKIT_TEST_SPARK=1): a headless JDK from Debian's packages when java is missing, then
# PySpark in a virtual environment of its own, $(SPARK_VENV): perfkit with the `spark` extra
# and pytest, pinned by constraints.txt. PySpark never enters $(VENV), where its import makes
# pandera warn on stderr (which the error-message tests check is clean). $(SPARK_VENV) lies
# inside $(VENV), so git, ruff and `make clean` treat it as they treat $(VENV).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SPARK_VENV ?= $(VENV)/spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.perfkit-installed

$(SPARK_STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "perfkit needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(SPARK_BIN)/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/python -m pip install --quiet --upgrade pip
	$(SPARK_BIN)/python -m pip install --quiet -c constraints.txt -e ".[spark]" pytest
	@touch $(SPARK_STAMP)

test-spark:
	@command -v java >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends openjdk-17-jre-headless; }
	@test -f $(SPARK_STAMP) || echo "perfkit: first run: creating $(SPARK_VENV) with PySpark (a few minutes, once)..."
	@$(MAKE) --no-print-directory $(SPARK_STAMP)
	PERFKIT_TEST_SPARK=1 PYSPARK_PYTHON=$(abspath $(SPARK_BIN)/python) PYSPARK_DRIVER_PYTHON=$(abspath $(SPARK_BIN)/python) \
		$(SPARK_BIN)/python -m pytest -p no:cacheprovider tests/test_backends_ibis.py

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

# the speed and memory goals (benchmarks/README.md); bench_files at 200,000 people takes minutes
benchmark: setup
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_calibration.py
	$(BIN)/python benchmarks/bench_files.py
	$(BIN)/python benchmarks/bench_explorer.py

clean:
	rm -rf $(VENV) $(REPORTS) .pytest_cache .ruff_cache
