# Two commands on a fresh machine with Python 3.11:
#   make demo   create .venv, install, score the bundled cases, write tables and charts to out/
#   make test   create .venv, install with the dev tools, run ruff, mypy and the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
OUT ?= out

.PHONY: demo test quick lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[all]"
	$(BIN)/securitization run --out $(OUT)

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# the same checks without the tests marked slow (the notebooks, Spark, the wheel install, the calibration study)
quick: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not slow"

bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python tests/benchmarks/bench_scoring.py
	$(BIN)/python tests/benchmarks/bench_validation.py
	$(BIN)/python tests/benchmarks/bench_corpus.py
	$(BIN)/python tests/benchmarks/bench_records.py --stream-100m

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
