"""A second process for writing tables, started before the tables are due.

With several workers the export writes the facts table in a second process while the main
process writes the others (:func:`pipeline.store.export.export_tables`).  Started at export
time, that process spends its first half second or more coming up and loading pyarrow (which
loads pandas on its first array) while the main process waits for it: time during which one of
the two cores writes nothing.  A run starts it before its worker processes instead
(``pipeline.engines.run``): a new interpreter that loads the writers' libraries
(``pipeline.store.export.load_writers``) while the main process waits for the fork server to
load the pipeline for the workers, a second or so during which one core has nothing else to do.
It ends with the process that started it, even when that one is killed (:mod:`pipeline.lifeline`).
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import sys

from pipeline.lifeline import end_with_parent, lifeline


class ExportHelper:
    """One helper process (a pool of one) for export work; :meth:`close` stops it.

    ``warm_up``: a function the process runs at once (so it starts now, not at the first job),
    such as :func:`pipeline.store.export.load_writers`.  ``start_method``: multiprocessing's
    (default: the fork server, spawn on macOS).
    """

    def __init__(self, warm_up=None, start_method: str | None = None) -> None:
        method = start_method or ("spawn" if sys.platform == "darwin" else "forkserver")
        ctx = multiprocessing.get_context(method)
        self._keep, give = lifeline(ctx)
        self._pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx, initializer=end_with_parent,
                                                            initargs=(give,))
        if warm_up is not None:
            self._pool.submit(warm_up)

    def submit(self, fn, *args) -> concurrent.futures.Future:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        """Stop the process: its lifeline first, so that it exits at once (``os._exit``) instead of
        tearing down pandas and pyarrow while this process waits; a job still running is cut off."""
        self._keep.close()
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> "ExportHelper":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
