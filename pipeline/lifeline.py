"""Helper processes that end with the process that started them.

A process killed with SIGKILL (``kill -9``, the out-of-memory killer, a job scheduler) runs no
cleanup, so its helper processes would live on: writing files nobody switches into place and
holding the caller's stdout/stderr open, so that a caller reading them to the end (``subprocess``,
a shell pipe, cron mailing the output) waits for the helpers too.  Checking the parent's pid does
not help: a killed parent stays a zombie until its own parent reaps it, and that caller may be
the one waiting.

The parent keeps one end of a pipe it never writes to; a helper watches the other end in a
thread and exits when it reads end of file, which the kernel gives as soon as the parent's last
copy of its end is closed, that is, when the parent is gone.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import Connection

# The exit status of a helper whose parent is gone (EX_SOFTWARE would suggest a bug; this is not one).
ORPHANED = 70


def lifeline(ctx=multiprocessing) -> tuple[Connection, Connection]:
    """``(keep, give)``: the parent holds ``keep`` as long as it lives and hands ``give`` to the
    helper (as an argument of its process or pool initializer), then closes its own ``give``."""
    give, keep = ctx.Pipe(duplex=False)  # give: read end, keep: write end
    return keep, give


def end_with_parent(give: Connection) -> None:
    """In the helper: exit at once (no cleanup, like the parent) when the parent is gone."""

    def watch() -> None:
        try:
            give.recv_bytes()  # the parent never writes: this returns only by end of file
        except (EOFError, OSError):
            pass
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="newsfacts-lifeline", daemon=True).start()
