# casefile — two commands:
#   make demo   installs everything (Python venv, packages) and runs the main job on the sample case
#   make test   installs everything (if needed) and runs the tests and the quality gates
# CI runs .ci/run, which runs `make test`.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.install-stamp
# Two cores: keep numeric libraries from oversubscribing them.
export OMP_NUM_THREADS=1
export OPENBLAS_NUM_THREADS=1
export MKL_NUM_THREADS=1

.PHONY: install demo test eval bench clean

$(STAMP): pyproject.toml scripts/install-system.sh
	sh scripts/install-system.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,st]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf sample-case
	$(VENV)/bin/casefile demo --case sample-case

test: $(STAMP)
	$(PY) -m pytest -q

eval: $(STAMP)
	$(PY) eval/run.py

bench: $(STAMP)
	sh scripts/install-system.sh bench
	$(PY) bench/ingest_bench.py
	$(PY) bench/ingest_bench.py --only big-mbox
	$(PY) bench/pdf_bench.py
	$(PY) bench/search_bench.py

clean:
	rm -rf $(VENV) sample-case build *.egg-info
