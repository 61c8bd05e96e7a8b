"""The local engine: the per-page function over the articles of the inputs, here or in worker processes.

Results come back in input order, so a run with several workers writes the same tables as a run
with one.  The articles come from :func:`pipeline.read.multipage.iter_articles`: a list of pages
each (more than one for a multi-page article), with the reader's Skips and the ``Joined`` record
of every following page in their place.  Worker processes are those of
:class:`pipeline.engines.pool.ArticlePool`, which survives a killed worker (``worker_killed``).

Every article has a time budget (``page_timeout_s``; ``timeout``).  In worker processes the
parent kills a worker that takes longer.  In this process a timer (SIGALRM, POSIX, main thread
only, and only when the caller has no alarm of its own) interrupts the page; a signal cannot
interrupt C code, so a parse stuck inside libxml2 or a regular expression is cut off only with
worker processes (``--workers 2``).

Without ``--workers`` a small input runs in this process: :func:`auto_workers` counts the
input's pages up to :data:`AUTO_ONE_WORKER_BELOW` (file names and WARC records, never more) and
starts worker processes only for an input at least that big.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterable, Iterator

from pipeline.config import Settings
from pipeline.engines.pool import ArticlePool, load_models, timeout_skip, work
from pipeline.errors import Skip
from pipeline.read.files import input_files
from pipeline.read.multipage import Joined
from pipeline.read.warc import iter_pages_in_warc
from pipeline.records import PageResult, RawPage
from pipeline.store.rows import PageRows, RowLayout

log = logging.getLogger(__name__)

# Below this many pages one process is faster than a pool: a worker process costs seconds to
# start (it imports spaCy and loads the jieba dictionaries) and the main process still reads,
# stores and exports every page, which is what bounds small runs.  Measured on a 2-core machine
# (README, "Workers"); pipeline.cli.AUTO_ONE_WORKER_BELOW repeats it for --help.
AUTO_ONE_WORKER_BELOW = 150


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
                counted, page_timeout_s: float | None = 60.0,
                layout: RowLayout | None = None) -> Iterator[PageResult | PageRows | Skip | Joined]:
    """``safe_process_pages`` over the articles, in order, in this process or in ``workers`` processes.

    With ``layout`` (``Store.layout``) an article's result is the rows the state store inserts
    (``Store.put_rows``), made where the article was read: in a worker, the main process is spared
    unpickling records and making rows, the one per-page work that no worker shares.
    Skips and Joined records pass through in their place.  ``counted`` is called once per item
    read (an article counts its first page, Joined records its following pages: the run summary
    counts pages read).  An article that takes longer than ``page_timeout_s`` seconds becomes
    ``Skip("timeout")`` (None or 0: no limit).
    """
    budget = page_timeout_s if page_timeout_s and page_timeout_s > 0 else None

    def items() -> Iterator[list[RawPage] | Skip | Joined]:
        for item in articles:
            counted()
            yield item

    if workers <= 1:
        yield from _in_this_process(items(), settings, budget, layout)
    else:
        yield from ArticlePool(settings, workers, budget, layout=layout).map(items())


class _OutOfTime(BaseException):
    """The page's time is up.  Not an Exception: no ``except Exception`` of a stage (nor that of
    safe_process_pages) may take it for the page's own error."""


def _out_of_time(signum, frame):
    raise _OutOfTime


def _in_this_process(items: Iterable[list[RawPage] | Skip | Joined], settings: Settings,
                     budget: float | None, layout: RowLayout | None = None) -> Iterator[PageResult | PageRows | Skip | Joined]:
    timed = None  # decided at the first article: the generator runs in its caller's thread
    for item in items:
        if isinstance(item, (Skip, Joined)):
            yield item
            continue
        if timed is None:
            timed = budget is not None and _alarm_is_free()
            if timed:
                load_models(settings)  # not on the first page's time
            elif budget is not None:
                log.info("the page time budget is not kept in this process (it needs SIGALRM in the main thread, "
                         "unused by the caller); --workers 2 keeps it")
        yield _timed(item, settings, budget, layout) if timed else work(item, settings, layout)


def _alarm_is_free() -> bool:
    """SIGALRM can time a page: POSIX, the main thread, and no handler or timer of the caller's."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


def _timed(article: list[RawPage], settings: Settings, budget: float,
           layout: RowLayout | None = None) -> PageResult | PageRows | Skip:
    # The handler is set for one page at a time: between pages the caller runs (stores the result).
    signal.signal(signal.SIGALRM, _out_of_time)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, budget)
            return work(article, settings, layout)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _OutOfTime:
        return timeout_skip(article, budget)
    finally:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
