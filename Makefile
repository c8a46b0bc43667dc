# Two commands: `make run` (the main job on the sample data) and `make test` (the whole suite).
# Both create .venv when missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PERIOD ?= 2026-10
TERTIAL ?= 2026-T2
# the tertial's last month: the report reads the indicators that month's run stored (T2 -> 08, T1 -> 04)
TERTIAL_MONTH = $(word 1,$(subst -, ,$(TERTIAL)))-$(if $(findstring T1,$(TERTIAL)),04,$(if $(findstring T2,$(TERTIAL)),08,13))

.PHONY: run test install lint sample-data clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/indicators run --period $(TERTIAL_MONTH) --raw data/raw --out data/processed
	$(BIN)/indicators run --period $(PERIOD) --raw data/raw --out data/processed
	$(BIN)/indicators report --period $(TERTIAL) --out data/processed

# The suite in random order (modules shuffled, tests shuffled within each module): no test may depend on
# another's writes. The seed is printed; rerun an order with --random-order-seed=N.
test: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m pytest -q --random-order-bucket=module

# ruff's rules, ruff's format, and mypy --strict on the library and the flows (src/indicators,
# pipelines/indicators_flows) against a baseline that may only shrink
# (tools/mypy_baseline.py says what grew; `python tools/mypy_baseline.py --update` when it shrank).
lint: $(STAMP)
	$(BIN)/ruff check src pipelines tests tools benchmarks
	$(BIN)/ruff format --check src pipelines tests tools benchmarks
	$(BIN)/python tools/mypy_baseline.py

# Product against DuckDB/pyarrow on the national panel (issue 10); 15-30 min on 2 cores today; never in `make test`.
# More sizes: make bench BENCH_SIZES=1,4,13 (see benchmarks/README.md). Writes the table to docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/suite.py

sample-data: $(STAMP)
	$(BIN)/indicators sample-data --out data/raw --seed 1

clean:
	rm -rf data/processed/* .pytest_cache
