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

.PHONY: setup report test lint typecheck format sample benchmark clean

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

test: setup lint typecheck
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval-lax notebooks/

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

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
