# Every target creates .venv from pyproject.toml when it is missing.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DATE    ?= $(shell date +%F)
export LUIGI_CONFIG_PATH := config/luigi.cfg

.PHONY: run test lint bench bench-extract bench-encoding bench-language bench-dates bench-dedup bench-nightly bench-perf bench-perf-scale clean-venv

$(BIN)/luigi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/luigi

run: $(BIN)/luigi
	$(BIN)/luigi --module pipeline.tasks CleanCorpus --local-scheduler \
	    --raw-dir raw --clean-dir clean --date $(DATE)
	$(BIN)/clean-pipeline summary --clean-dir clean --date $(DATE)

# Lint and types first (fast), then pytest. pytest exits 5 when it collects no test: that is a
# broken set-up, not a pass.
test: $(BIN)/luigi
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: $(BIN)/luigi
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/ruff format --check pipeline tests bench
	$(BIN)/mypy

# Benchmarks print their figures and write bench/results/*.json; they never run in `make test`.
bench: bench-extract bench-encoding bench-language bench-dates bench-dedup bench-nightly bench-perf

bench-extract: $(BIN)/luigi
	$(BIN)/python -m bench.extract

bench-encoding: $(BIN)/luigi
	$(BIN)/python -m bench.encoding

bench-language: $(BIN)/luigi
	$(BIN)/python -m bench.language

bench-dates: $(BIN)/luigi
	$(BIN)/python -m bench.dates

bench-dedup: $(BIN)/luigi
	$(BIN)/python -m bench.dedup

bench-nightly: $(BIN)/luigi
	$(BIN)/python -m bench.nightly

# Pipeline through Luigi (1 and 2 workers) beside the library loop and datatrove (installed in
# bench/work/.venv-datatrove), 5,000 HTML and 5,000 plain-text documents built under bench/work/.
bench-perf: $(BIN)/luigi
	$(BIN)/python -m bench.perf

# Memory growth from 5,000 to 50,000 plain-text documents (2 workers; about half an hour).
bench-perf-scale: $(BIN)/luigi
	$(BIN)/python -m bench.perf --scale 50000

clean-venv:
	rm -rf $(VENV)
