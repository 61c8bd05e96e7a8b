"""The local engine: the per-page function over the articles of the inputs, here or in worker processes.

Results come back in input order (``Pool.imap``), so a run with several workers writes the same
tables as a run with one.  The articles come from :func:`pipeline.read.multipage.iter_articles`:
a list of pages each (more than one for a multi-page article), with the reader's Skips and the
``Joined`` record of every following page in their place.

Without ``--workers`` a small input runs in this process: :func:`auto_workers` counts the
input's pages up to :data:`AUTO_ONE_WORKER_BELOW` (file names and WARC records, never more) and
starts worker processes only for an input at least that big.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator

from pipeline.config import Settings
from pipeline.errors import Skip
from pipeline.page import safe_process_pages
from pipeline.read.files import input_files
from pipeline.read.multipage import Joined
from pipeline.read.warc import iter_pages_in_warc
from pipeline.records import PageResult, RawPage

log = logging.getLogger(__name__)

# Below this many pages one process is faster than a pool: a worker process costs seconds to
# start (it imports spaCy and loads the jieba dictionaries) and the main process still reads,
# stores and exports every page, which is what bounds small runs.  Measured on a 2-core machine
# (README, "Workers"); pipeline.cli.AUTO_ONE_WORKER_BELOW repeats it for --help.
AUTO_ONE_WORKER_BELOW = 150

_settings: Settings | None = None  # the settings of this worker process (set once by _init_worker)


def count_pages(inputs: Iterable[str | os.PathLike], max_bytes: int, limit: int) -> int:
    """The pages of ``inputs``, counted up to ``limit`` (the count stops there, however big the input).

    A saved page counts one without being read; a WARC/ARC counts its HTML records, read only
    until the count reaches ``limit``.  Inputs that cannot be used count nothing.
    """
    n = 0
    for item in input_files(inputs):
        if isinstance(item, Skip):
            continue
        path, location, kind = item
        if kind == "archive":
            for page in iter_pages_in_warc(path, location, max_bytes):
                n += isinstance(page, RawPage)
                if n >= limit:
                    return n
        else:
            n += 1
        if n >= limit:
            return n
    return n


def auto_workers(inputs: Iterable[str | os.PathLike], max_bytes: int, cores: int) -> int:
    """The number of workers when none was asked for: ``cores``, or 1 for a small input."""
    if cores <= 1:
        return 1
    pages = count_pages(inputs, max_bytes, AUTO_ONE_WORKER_BELOW)
    if pages < AUTO_ONE_WORKER_BELOW:
        log.info("workers: 1 (auto: %d pages, fewer than %d; starting worker processes would cost more "
                 "than they save; --workers N overrides)", pages, AUTO_ONE_WORKER_BELOW)
        return 1
    log.info("workers: %d (auto: one per core, the input has %d pages or more)", cores, AUTO_ONE_WORKER_BELOW)
    return cores


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
