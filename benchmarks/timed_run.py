"""``newsfacts`` with ``Store.assign_duplicates`` timed: same arguments as the command line.

The time spent in ``assign_duplicates`` (and the article count) is written as JSON to the file
named by the environment variable NEWSFACTS_BENCH_TIMING.  Nothing else changes.
"""
from __future__ import annotations

import json
import os
import time

from pipeline.cli import main
from pipeline.store import state as store

_original = store.Store.assign_duplicates


def _timed_assign(self):
    t0 = time.perf_counter()
    counts = _original(self)
    seconds = time.perf_counter() - t0
    articles = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    with open(os.environ["NEWSFACTS_BENCH_TIMING"], "w", encoding="utf-8") as fh:
        json.dump({"assign_duplicates_s": seconds, "articles": articles, "duplicates": counts}, fh)
    return counts


store.Store.assign_duplicates = _timed_assign

if __name__ == "__main__":
    main()
