"""Worker processes start from a fork server that has loaded the pipeline's libraries and jieba's
dictionary once (``pipeline.engines.pool.PRELOAD``, ``pipeline.nlp.preload``)."""
from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys

import pytest

from tests.conftest import REPO

PROBE = r"""
import json, multiprocessing, sys
from pipeline.config import default_settings
from pipeline.engines.pool import ArticlePool
from tests.engines.preload_probe import worker_state
context = multiprocessing.get_context("forkserver")
ArticlePool(default_settings(), 1, None, context=context)  # names what the fork server preloads
with context.Pool(1) as pool:
    state = pool.apply(worker_state)
state["parent_has_spacy"] = "spacy" in sys.modules
print(json.dumps(state, ensure_ascii=False))
"""


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here")
def test_a_worker_starts_with_the_libraries_and_jiebas_dictionary_loaded():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["loaded"] == {"spacy": True, "jieba": True, "rjieba.rjieba": True, "spacy.lang.zh": True}
    assert state["jieba_initialized"] and state["rjieba_spare"]
    assert state["dictionary"] == "already"
    assert state["get_nlp_cpu_s"] < 1.0  # the user dictionary and the components only (~0.05 s)
    assert "计划总投资" in state["tokens"] and "12.9%" in state["tokens"]
    assert not state["parent_has_spacy"]  # the fork server loaded them, not the process running the pool


def test_preload_names_importable_modules():
    from pipeline.engines.pool import PRELOAD

    code = "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]; print('ok')"
    names = [m for m in PRELOAD if m != "__main__"]
    done = subprocess.run([sys.executable, "-c", code, *names], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_the_cli_starts_the_fork_server_with_what_the_pool_names():
    from pipeline import cli
    from pipeline.engines.pool import PRELOAD

    assert cli.FORK_SERVER_PRELOAD == PRELOAD
