"""One run at a time per state folder (a crawl or a batch run): an OS file lock that dies with its holder.

``fcntl.flock`` is released by the kernel when the process ends, however it
ends, so a killed run never leaves a stale lock (unlike marker files).
"""
from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from pipeline.errors import PipelineError

log = logging.getLogger(__name__)


class LockHeld(PipelineError):
    """Another run holds the lock."""

    exit_code = 75  # EX_TEMPFAIL: cron may simply try again later


class RunLock:
    """The lock of a state folder; ``wait=True`` waits for the holder to finish instead of failing."""

    def __init__(self, path: str | Path, wait: bool = False):
        self.path = Path(path)
        self.wait = wait
        self._fd: int | None = None

    def acquire(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            if not self.wait:
                os.close(fd)
                raise LockHeld(f"another run (pid {holder}) holds {self.path}; this run exits without doing "
                               "anything (use --wait to wait for it)") from None
            log.warning("waiting for the run with pid %s, which holds %s", holder, self.path)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
