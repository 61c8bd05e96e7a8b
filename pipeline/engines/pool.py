"""Worker processes for the local engine that outlive a dead worker and bound each article's time.

``multiprocessing.Pool`` waits forever for the task of a worker that was killed (the
out-of-memory killer sends SIGKILL) and has no time limit per task, so the local engine keeps
its own small pool.  Each worker gets its articles over a pipe of its own, at most
:data:`IN_FLIGHT` at a time (the next one waits in the pipe while it reads the current one), and
answers them in the order it got them.  The parent waits on all pipes and on every worker's
sentinel at once (:func:`multiprocessing.connection.wait`), so

* a worker that exits without answering turns the article it was reading into
  ``Skip("worker_killed")``; the articles queued behind it were not started and go to another;
* a worker still reading an article after the time budget is killed: ``Skip("timeout")``;
* either way a new worker is started in its place and the run goes on, every other article read
  once; results are handed on in input order, so the tables do not depend on the workers.

A worker reads its pipe in a thread of its own and exits the moment the pipe closes: at the end
of the run, or when the parent dies, even by SIGKILL, so that no worker goes on reading pages for
nobody while holding the caller's stdout and stderr.

Workers are forked from multiprocessing's fork server (spawned on macOS, where forking is not
safe).  The fork server is told to import :data:`PRELOAD` first, so it holds the per-page
function, spaCy, jieba with its dictionary and rjieba once, and every worker (a replacement too)
starts from that state instead of loading them again: a worker is ready in a fraction of a second,
not seconds.  The setting only reaches a fork server that has not started yet; one started earlier
in the process serves workers that load everything themselves, as before.
"""
from __future__ import annotations

import heapq
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from pipeline.config import Settings
from pipeline.errors import PipelineError, Skip
from pipeline.nlp.language import get_nlp
from pipeline.page import safe_process_pages
from pipeline.read.multipage import Joined
from pipeline.records import PageResult, RawPage
from pipeline.store.rows import PageRows, RowLayout, page_rows

log = logging.getLogger(__name__)

IN_FLIGHT = 2  # articles given to a worker at a time: it never waits for the parent between two
LOOKAHEAD = 64  # articles per worker read ahead of the oldest unanswered one (memory bound)
START_FAILURES = 3  # workers dying one after another before they are ready: the run stops
READY = -1  # the sequence number of a worker's "ready" message
# What the fork server imports before it forks workers: the main module (multiprocessing's
# default), this module with the per-page function, and the pipeline's libraries with jieba's
# dictionary (pipeline.nlp.preload; named, not imported: importing it is the work it saves).
PRELOAD = ("__main__", "pipeline.engines.pool", "pipeline.nlp.preload")

Item = list[RawPage] | Skip | Joined
Result = PageResult | PageRows | Skip | Joined


def load_models(settings: Settings) -> None:
    """Load the spaCy pipeline now, so that a page's time budget does not pay for it."""
    try:
        get_nlp(settings.segment)
    except Exception:  # safe_process_pages reports it on every page, as it always did
        pass


def timeout_skip(article: list[RawPage], budget: float) -> Skip:
    return Skip("timeout", article[0].location,
                f"reading this page took longer than {budget:g} s; it was skipped (raise [run] page_timeout_s "
                f"in the config to give pages more time, 0 for no limit)")


def killed_skip(article: list[RawPage], exitcode: int | None) -> Skip:
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown signal"
        how = f"signal {number}, {name}" + (", as the out-of-memory killer does" if number == signal.SIGKILL else "")
    else:
        how = f"exit code {exitcode}"
    return Skip("worker_killed", article[0].location,
                f"the worker process died ({how}) while reading this page; it was not stored; "
                f"rerun with --workers 1 to see its error")


# --------------------------------------------------------------------------- the worker process


def work(article: list[RawPage], settings: Settings, layout: RowLayout | None) -> PageResult | PageRows | Skip:
    """``safe_process_pages``, and with ``layout`` the rows the state store inserts for the result
    (``pipeline.store.rows.page_rows``: plain tuples, cheaper to send back than the records)."""
    result = safe_process_pages(article, settings)
    if layout is None or not isinstance(result, PageResult):
        return result
    try:
        return page_rows(result, layout)
    except Exception:  # a bug, not the page's fault: Store.put makes the rows again and the run stops there
        return result


def _serve(conn: Connection, settings: Settings, layout: RowLayout | None = None) -> None:
    """A worker: articles in, results out in the same order, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which then closes the pipe
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_read_pipe, args=(conn, inbox), daemon=True).start()
    load_models(settings)
    try:
        conn.send((READY, None))
        while True:
            seq, article = inbox.get()
            conn.send((seq, work(article, settings, layout)))
    except OSError:  # the parent is gone
        os._exit(0)


def _read_pipe(conn: Connection, inbox: queue.SimpleQueue) -> None:
    # In a thread of its own so that the end of the pipe is seen while a page is being read.
    try:
        while True:
            inbox.put(conn.recv())
    except (EOFError, OSError):
        pass
    os._exit(0)  # the run ended or the parent died: nobody waits for the page this process reads


# --------------------------------------------------------------------------- the parent


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    outbox: queue.SimpleQueue  # messages for the sender thread (None: stop)
    sender: threading.Thread
    held: deque = field(default_factory=deque)  # (seq, article) sent, not answered, in order
    ready: bool = False
    since: float | None = None  # when it started on held[0], as the parent saw it


def _send(conn: Connection, outbox: queue.SimpleQueue) -> None:
    # A thread per worker sends: a worker stuck in C code stops reading its pipe, and a big article
    # must not block the parent, which has to kill that worker when its time is up.
    while (message := outbox.get()) is not None:
        try:
            conn.send(message)
        except OSError:  # the worker died: its sentinel tells the parent
            return


class ArticlePool:
    """``size`` worker processes running ``safe_process_pages`` over a stream of articles.

    :meth:`map` hands on the result of every article in input order (Skips and Joined records
    pass through in their place).  ``budget``: seconds an article may take (None: no limit).
    ``layout``: results come as the state store's rows (:func:`work`), made by the workers.
    """

    def __init__(self, settings: Settings, size: int, budget: float | None, context=None,
                 layout: RowLayout | None = None):
        self.settings, self.size, self.budget, self.layout = settings, size, budget, layout
        self.context = context or multiprocessing.get_context("spawn" if sys.platform == "darwin" else "forkserver")
        if self.context.get_start_method() == "forkserver":
            self.context.set_forkserver_preload(list(PRELOAD))
        self.workers: list[_Worker] = []
        self.start_failures = 0
        self.done: dict[int, Result] = {}  # answered, waiting for their turn
        self.waiting: list[tuple[int, list[RawPage]]] = []  # heap: articles for the next free worker

    def map(self, items: Iterable[Item]) -> Iterator[Result]:
        source = iter(items)
        next_seq = next_out = 0  # the next item read, the next result handed on
        exhausted = False
        try:
            self.workers = [self._start() for _ in range(self.size)]
            while True:
                room = sum(IN_FLIGHT - len(w.held) for w in self.workers) - len(self.waiting)
                while not exhausted and room > 0 and next_seq - next_out < LOOKAHEAD * self.size:
                    try:
                        item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    if isinstance(item, list):
                        heapq.heappush(self.waiting, (next_seq, item))
                        room -= 1
                    else:
                        self.done[next_seq] = item
                    next_seq += 1
                self._dispatch()
                if next_out in self.done:
                    yield self.done.pop(next_out)
                    next_out += 1
                    self._collect(0)  # answers that came while the caller stored the last result
                elif exhausted and next_out == next_seq:
                    return
                else:
                    self._collect(self._time_left())
        finally:
            self._close()

    def _start(self) -> _Worker:
        mine, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(theirs, self.settings, self.layout), daemon=True,
                                       name="newsfacts-worker")
        process.start()
        theirs.close()  # the worker holds the only other end: its death shows here as end-of-file
        outbox: queue.SimpleQueue = queue.SimpleQueue()
        sender = threading.Thread(target=_send, args=(mine, outbox), daemon=True)
        sender.start()
        return _Worker(process, mine, outbox, sender)

    def _dispatch(self) -> None:
        while self.waiting:
            worker = min(self.workers, key=lambda w: (len(w.held), not w.ready))  # a starting one waits seconds
            if len(worker.held) >= IN_FLIGHT:
                return
            seq, article = heapq.heappop(self.waiting)
            if worker.ready and not worker.held:
                worker.since = time.monotonic()
            worker.held.append((seq, article))
            worker.outbox.put((seq, article))

    def _time_left(self) -> float | None:
        if self.budget is None:
            return None
        started = [w.since for w in self.workers if w.since is not None]
        return max(0.0, min(started) + self.budget - time.monotonic()) if started else None

    def _collect(self, timeout: float | None) -> None:
        """Wait up to ``timeout`` for answers and dead workers; stop the workers over their budget."""
        by_handle = {}
        for w in self.workers:
            by_handle[w.conn] = by_handle[w.process.sentinel] = w
        ended = set()
        for handle in wait(list(by_handle), timeout):
            worker = by_handle[handle]
            if handle is worker.process.sentinel or not self._drain(worker):
                ended.add(id(worker))
        for i, worker in enumerate(self.workers):
            if id(worker) in ended:
                self.workers[i] = self._replace(worker, timed_out=False)
            elif self._overdue(worker) and self._drain(worker) and self._overdue(worker):
                self.workers[i] = self._replace(worker, timed_out=True)

    def _overdue(self, worker: _Worker) -> bool:
        return (self.budget is not None and worker.since is not None
                and time.monotonic() - worker.since > self.budget)

    def _drain(self, worker: _Worker) -> bool:
        """Take the answers waiting in the worker's pipe; False when the pipe has ended."""
        try:
            while worker.conn.poll():
                seq, result = worker.conn.recv()
                now = time.monotonic()
                if seq == READY:
                    worker.ready = True
                    self.start_failures = 0
                else:
                    expected, _ = worker.held.popleft()
                    assert seq == expected, f"worker answered {seq}, expected {expected}"
                    self.done[seq] = result
                worker.since = now if worker.held else None
        except (EOFError, OSError):  # dead, maybe half-way through an answer
            return False
        return True

    def _replace(self, worker: _Worker, timed_out: bool) -> _Worker:
        """Stop a dead or overdue worker, settle what it held and start another in its place."""
        culprit = worker.held[0][0] if timed_out else None
        if timed_out:
            worker.process.kill()
        worker.process.join(5)
        if worker.process.is_alive():  # closed its pipe without exiting (it never does): make sure
            worker.process.kill()
            worker.process.join()
        self._drain(worker)  # answers it sent before it died
        if not timed_out and worker.ready and worker.held:
            culprit = worker.held[0][0]  # a worker reads its articles in order: it died on this one
        exitcode = worker.process.exitcode
        self._stop(worker)
        if worker.held and worker.held[0][0] == culprit:
            _, article = worker.held.popleft()
            self.done[culprit] = timeout_skip(article, self.budget) if timed_out else killed_skip(article, exitcode)
            log.info("worker process %d %s; starting another", worker.process.pid,
                     "stopped: its page took too long" if timed_out else f"died (exit code {exitcode})")
        for item in worker.held:  # not started: read by another worker
            heapq.heappush(self.waiting, item)
        if not worker.ready:
            self.start_failures += 1
            if self.start_failures > START_FAILURES:
                raise PipelineError(f"worker processes die while starting (the last one: exit code {exitcode}); "
                                    "run with --workers 1 to see why")
        return self._start()

    def _stop(self, worker: _Worker) -> None:
        worker.outbox.put(None)
        worker.sender.join()  # returns at once: the worker is gone, or read all it was sent
        worker.conn.close()

    def _close(self) -> None:
        # Workers with unanswered articles are reading pages nobody will use (the caller stopped
        # early): kill them.  The others exit when their pipe closes.
        for worker in self.workers:
            if worker.held:
                worker.process.kill()
        for worker in self.workers:
            self._stop(worker)
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self.workers = []
