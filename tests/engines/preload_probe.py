"""What a worker process finds when it starts, for ``test_worker_preload.py``: run in a process
forked from the local engine's fork server, before and after it builds its pipeline."""
from __future__ import annotations

import sys
import time


def worker_state() -> dict:
    loaded = {name: name in sys.modules for name in ("spacy", "jieba", "rjieba.rjieba", "spacy.lang.zh")}
    from pipeline.config import default_settings
    from pipeline.nlp import dictionary, segmenter

    jieba = sys.modules.get("jieba")
    state = {"loaded": loaded, "jieba_initialized": bool(jieba and jieba.dt.initialized),
             "rjieba_spare": segmenter._spare is not None}
    t0 = time.process_time()
    from pipeline.nlp.language import get_nlp, segment

    nlp = get_nlp(default_settings().segment)
    state["get_nlp_cpu_s"] = time.process_time() - t0
    state["dictionary"] = dictionary.initialize()  # "already": the fork server loaded it
    state["tokens"] = segment("该项目计划总投资21.9亿元，1-4月增长12.9%", nlp)
    return state
