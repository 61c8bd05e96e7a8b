"""A second process for writing tables, started before the tables are due.

With several workers the export writes the facts table in a second process while the main
process writes the others (:func:`pipeline.store.export.export_tables`).  Started at export
time, that process spends its first half second or more coming up and loading pyarrow (which
loads pandas on its first array) while the main process waits for it: time during which one of
the two cores writes nothing.  A run starts it with its worker processes instead
(:meth:`ExportHelper.warm`), so that it is ready, with its libraries loaded, when the pages are
stored and duplicates decided.  It ends with the process that started it, even when that one is
killed (:mod:`pipeline.lifeline`).
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import sys

from pipeline.lifeline import end_with_parent, lifeline


class ExportHelper:
    """One helper process (a pool of one) for export work; :meth:`close` stops it."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "forkserver")
        self._keep, give = lifeline(ctx)
        self._pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx, initializer=end_with_parent,
                                                            initargs=(give,))

    @classmethod
    def warm(cls) -> "ExportHelper":
        """A helper whose process starts now and loads the writers' libraries in the background."""
        helper = cls()
        helper.submit(load_writers)
        return helper

    def submit(self, fn, *args) -> concurrent.futures.Future:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        self._keep.close()

    def __enter__(self) -> "ExportHelper":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def load_writers() -> None:
    """Import what writing a table needs: pyarrow, its Parquet writer and compute functions, and
    pandas, which pyarrow imports the first time it makes an array from a list."""
    import pyarrow as pa  # the reason for this function: loaded ahead of the export
    import pyarrow.compute  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    pa.array([""], pa.string())
