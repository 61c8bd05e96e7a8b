"""The local engine: the per-page function over the articles of the inputs, here or in worker processes.

Results come back in input order (``Pool.imap``), so a run with several workers writes the same
tables as a run with one.  The articles come from :func:`pipeline.read.multipage.iter_articles`:
a list of pages each (more than one for a multi-page article), with the reader's Skips and the
``Joined`` record of every following page in their place.
"""
from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Iterator

from pipeline.config import Settings
from pipeline.errors import Skip
from pipeline.page import safe_process_pages
from pipeline.read.multipage import Joined
from pipeline.records import PageResult, RawPage

_settings: Settings | None = None  # the settings of this worker process (set once by _init_worker)


def process_all(articles: Iterable[list[RawPage] | Skip | Joined], settings: Settings, workers: int,
                counted) -> Iterator[PageResult | Skip | Joined]:
    """``safe_process_pages`` over the articles, in order, in this process or in ``workers`` processes.

    Skips and Joined records pass through in their place.  ``counted`` is called once per item
    read (an article counts its first page, Joined records its following pages: the run summary
    counts pages read).
    """

    def items() -> Iterator[list[RawPage] | Skip | Joined]:
        for item in articles:
            counted()
            yield item

    if workers <= 1:
        for item in items():
            yield _passthrough(item, settings)
        return
    ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "forkserver")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        yield from pool.imap(_in_worker, items(), chunksize=4)


def _init_worker(settings: Settings) -> None:
    global _settings
    _settings = settings


def _passthrough(item: list[RawPage] | Skip | Joined, settings: Settings) -> PageResult | Skip | Joined:
    return item if isinstance(item, (Skip, Joined)) else safe_process_pages(item, settings)


def _in_worker(item: list[RawPage] | Skip | Joined) -> PageResult | Skip | Joined:
    return _passthrough(item, _settings)
