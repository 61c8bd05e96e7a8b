"""Fetches on several hosts at once: threads that do the network I/O of the crawl and nothing else.

The scheduler (:mod:`pipeline.crawl.crawler`) stays on the main thread with everything that
holds state: the state database (SQLite connections belong to the thread that opened them), the
WARC writer, the Store and the page processing (``pipeline.page.process_pages``, CPU-bound
Python, gains nothing from threads).  It hands a :class:`HostPool` one job per host at a time --
robots.txt, or a page with the following pages of a multi-page article -- and collects
:class:`Fetched` results.  So:

* at most ``limit`` requests are in flight over all hosts (``[crawl] concurrency``),
  and at most one per host: a job holds its host until it is collected;
* the delay between two requests to a host is the scheduler's, counted from ``Fetched.finished``
  (when the answer was read, not when the main thread got round to it); the following pages of
  an article wait the host's delay between them inside the job;
* each host has its own :class:`~pipeline.crawl.fetch.Fetcher` (a Fetcher is used by one thread
  at a time), so the address pins and the deadline watchdog are the host's own;
* a killed run loses at most the answers fetched but not yet collected: their URLs are still
  ``fetching`` in the state and go back to the queue at the next start.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from pipeline.crawl import links
from pipeline.crawl.fetch import Fetcher, FetchError, FetchResult


@dataclass
class Fetched:
    """The outcome of one job: ``result`` or ``error``, and for an article its following pages."""

    host: str
    job: str                      # "robots" or "page"
    url: str
    context: object               # what the scheduler attached to the job
    result: FetchResult | None = None
    error: FetchError | None = None
    finished: float = 0.0         # clock() when the last answer of the job was read
    more: list = field(default_factory=list)  # [(url, FetchResult | FetchError)], a failure last


class HostPool:
    """Up to ``limit`` jobs at once, one per host (see the module docstring)."""

    def __init__(self, limit: int, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.limit = max(1, int(limit))
        self.clock, self.sleep = clock, sleep
        self._executor = ThreadPoolExecutor(max_workers=self.limit, thread_name_prefix="newsfacts-fetch")
        self._running: dict[Future, str] = {}
        self._busy: set[str] = set()

    def full(self) -> bool:
        return len(self._running) >= self.limit

    def idle(self) -> bool:
        return not self._running

    def busy(self, host: str) -> bool:
        return host in self._busy

    def robots(self, host: str, fetcher: Fetcher, url: str, context: object = None) -> None:
        self._submit(host, self._fetch_robots, host, fetcher, url, context)

    def page(self, host: str, fetcher: Fetcher, url: str, context: object, *, etag: str | None,
             last_modified: str | None, html_only: bool, follow_pages: bool, delay: float) -> None:
        self._submit(host, self._fetch_page, host, fetcher, url, context, etag, last_modified, html_only,
                     follow_pages, delay)

    def collect(self, timeout: float | None) -> list[Fetched]:
        """The jobs that are done, waiting up to ``timeout`` seconds (None: for ever) for the first."""
        if not self._running:
            return []
        done, _ = wait(list(self._running), timeout=timeout, return_when=FIRST_COMPLETED)
        out = []
        for future in done:
            self._busy.discard(self._running.pop(future))
            out.append(future.result())  # a bug in a job (not a FetchError) ends the run here
        return out

    def close(self) -> None:
        """Wait for the jobs in flight (each ends by its fetch deadline) and stop the threads."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._running.clear()
        self._busy.clear()

    # -- in the worker threads -------------------------------------------------------------------
    def _submit(self, host: str, job, *args) -> None:
        assert host not in self._busy and not self.full(), "one request per host, at most limit at once"
        self._busy.add(host)
        self._running[self._executor.submit(job, *args)] = host

    def _fetch_robots(self, host: str, fetcher: Fetcher, url: str, context: object) -> Fetched:
        out = Fetched(host, "robots", url, context)
        try:
            out.result = fetcher.fetch(url, html_only=False)
        except FetchError as exc:
            out.error = exc
        out.finished = self.clock()
        return out

    def _fetch_page(self, host, fetcher, url, context, etag, last_modified, html_only, follow_pages,
                    delay) -> Fetched:
        out = Fetched(host, "page", url, context)
        try:
            out.result = fetcher.fetch(url, etag=etag, last_modified=last_modified, html_only=html_only)
        except FetchError as exc:
            out.error = exc
        out.finished = self.clock()
        if out.result is None or not follow_pages or out.result.status != 200:
            return out
        # the page bar, read as a batch run reads it (pipeline.read.pagebar): both join the same pages
        for more in links.following_pages(out.result.body, out.result.final_url):
            wait_s = out.finished + delay - self.clock()
            if wait_s > 0:
                self.sleep(wait_s)
            try:
                out.more.append((more, fetcher.fetch(more)))
            except FetchError as exc:
                out.more.append((more, exc))
                break
            finally:
                out.finished = self.clock()
        return out
