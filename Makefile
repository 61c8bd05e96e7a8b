# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-newsfacts
# the fact rules and the HTML stage compiled by mypyc, built again when their sources change
# (pipeline/compiled.py); not fatal: without a build they run as Python
COMPILED := $(VENV)/.compiled-newsfacts
# test processes of `make test` (pytest-xdist); much of the suite waits on loopback servers and worker
# processes, so two cut its time (7.5 -> 4.5 min on 2 cores).  TEST_JOBS=0 runs it in one process.
TEST_JOBS ?= 2
COMPILED_SOURCES := $(wildcard pipeline/facts/*.py pipeline/extract/*.py pipeline/extract/_*.c) pipeline/records.py pipeline/text.py \
    pipeline/config.py pipeline/errors.py pipeline/urls.py pipeline/compiled.py

.PHONY: run test install clean bench notebooks report

$(STAMP): setup.cfg pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask,notebooks]'
	# jieba's prefix dictionary, cached once for every run (pipeline/nlp/dictionary.py); not fatal
	-$(BIN)/python -m pipeline.nlp.dictionary
	touch $(STAMP)

$(COMPILED): $(STAMP) $(COMPILED_SOURCES)
	-$(BIN)/python -m pipeline.compiled
	touch $(COMPILED)

install: $(STAMP) $(COMPILED)

run: $(STAMP) $(COMPILED)
	$(BIN)/newsfacts run corpora/samples --out outputs

test: $(STAMP) $(COMPILED)
	$(BIN)/python -m pytest -n $(TEST_JOBS)

bench: $(STAMP) $(COMPILED)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py

notebooks: $(STAMP)
	test -f outputs/articles.parquet || $(BIN)/newsfacts run corpora/samples --out outputs
	$(BIN)/jupyter lab notebooks/

report: $(STAMP)
	test -f outputs/articles.parquet || $(BIN)/newsfacts run corpora/samples --out outputs
	$(BIN)/python notebooks/build_report.py --outputs outputs --report outputs/report

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
