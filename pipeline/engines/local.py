"""The local engine: the per-page function over the pages of the inputs, here or in worker processes.

Results come back in input order (``Pool.imap``), so a run with several workers writes the same
tables as a run with one.
"""
from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Iterator

from pipeline.config import Settings
from pipeline.errors import Skip
from pipeline.page import safe_process
from pipeline.records import PageResult, RawPage

_settings: Settings | None = None  # the settings of this worker process (set once by _init_worker)


def process_all(raw_items: Iterable[RawPage | Skip], settings: Settings, workers: int,
                counted) -> Iterator[PageResult | Skip]:
    """``safe_process`` over the pages, in order, in this process or in ``workers`` processes.

    Skips of the reader pass through in their place.  ``counted`` is called once per page or
    skip read (the run summary counts them).
    """

    def pages() -> Iterator[RawPage | Skip]:
        for item in raw_items:
            counted()
            yield item

    if workers <= 1:
        for item in pages():
            yield item if isinstance(item, Skip) else safe_process(item, settings)
        return
    ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "forkserver")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        yield from pool.imap(_passthrough, pages(), chunksize=4)


def _init_worker(settings: Settings) -> None:
    global _settings
    _settings = settings


def _passthrough(item: RawPage | Skip) -> PageResult | Skip:
    return item if isinstance(item, Skip) else safe_process(item, _settings)
