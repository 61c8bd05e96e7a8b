"""The nightly crawl: sources -> polite guarded fetches -> WARC + state database -> tables.

One process, one run at a time (``RunLock``).  URLs live in the ``crawl_urls`` table of the
state database (:mod:`pipeline.crawl.frontier`, read by host and due time), so a run that is
killed is resumed by the next: URLs caught mid-fetch go back to pending, every finished page was
committed with its article, and the tables are regenerated from the database.

Several hosts are fetched at once (``[crawl] concurrency``, by threads that only do
network I/O: :mod:`pipeline.crawl.workers`), each host one request at a time and no faster than
its delay (the source's ``min_delay_s`` or robots.txt Crawl-delay, whichever is longer).  This
thread keeps everything else: the scheduler, the state database, the WARC, the page processing.
A host that asks us to come back later (429/503 with Retry-After) waits while the others go on,
and a wait longer than ``max_retry_after_s`` defers the URL to the next run.  A host that cannot
be asked (robots.txt unreadable, address refused) or keeps timing out is given up for the run
(:mod:`pipeline.crawl.hosts`); a source left with nothing fetched because of it is named in
``CrawlSummary.unreachable``.  The sitemaps a host's robots.txt lists are read with the
source's own (unless ``robots_sitemaps = false``), and a known article is asked for again only
when it is due: a newer sitemap date, or its revisit interval, which backs off while it does not
change (:mod:`pipeline.crawl.frontier`).
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Settings
from pipeline.crawl import feeds, links
from pipeline.crawl.fetch import Fetcher, FetchError, FetchPolicy
from pipeline.crawl.frontier import CRAWL_DDL, DATE_UNCHANGED, DAY, NOT_DUE, QUEUED, Frontier, Queued, Revisits
from pipeline.crawl.hosts import MAX_HOST_TIMEOUTS, HostTrouble
from pipeline.crawl.robots import PolitenessPolicy, robots_url, rules_from_response
from pipeline.crawl.sources import Source, SourcesFile
from pipeline.crawl.workers import Fetched, HostPool
from pipeline.errors import Skip
from pipeline.extract.decode import decode_html
from pipeline.page import process_pages
from pipeline.read.warc_writer import RunWarc, finish_stale
from pipeline.records import RawPage
from pipeline.store.export import export_tables
from pipeline.store.partitions import export_outputs
from pipeline.store.tableset import export_owed
from pipeline.store.lock import RunLock
from pipeline.store.state import RunSummary, Store, new_run_id
from pipeline.urls import absolute_http_url, canonical_url, host_port

log = logging.getLogger(__name__)

MAX_TRIES = 3


@dataclass
class CrawlSummary(RunSummary):
    """What a crawl did: fetches by outcome and fetch errors by reason, with what every run counts."""

    fetched: int = 0
    new_or_changed: int = 0
    unchanged: int = 0
    failed: int = 0
    deferred: int = 0
    errors: Counter = field(default_factory=Counter)
    deferred_hosts: Counter = field(default_factory=Counter)  # host -> URLs deferred after its timeouts
    unreachable: dict = field(default_factory=dict)  # source -> why nothing of it could be fetched
    owed_export: str | None = None  # why the tables were written although nothing was new
    not_due: int = 0  # known articles linked again but not due for a revisit
    lastmod_unchanged: int = 0  # known articles not asked for: the sitemap's date is not newer than our visit

    @property
    def failure_share(self) -> float:
        attempted = self.fetched + self.unchanged + self.failed
        return self.failed / attempted if attempted else 0.0

    def line(self) -> str:
        text = (f"crawl {self.run_id}: {self.fetched} fetched, {self.new_or_changed} new or changed articles, "
                f"{self.unchanged} unchanged, {self.failed} failed, {self.deferred} deferred, "
                f"{sum(self.skipped.values())} skipped")
        if self.errors:
            text += " (" + ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items())) + ")"
        if self.not_due or self.lastmod_unchanged:
            text += (f"; known articles not asked for: {self.not_due} not due, "
                     f"{self.lastmod_unchanged} unchanged by sitemap date")
        for host, n in sorted(self.deferred_hosts.items()):
            text += f"; host_deferred: {n} URLs of {host} kept for the next run after {MAX_HOST_TIMEOUTS} timeouts"
        for name, why in sorted(self.unreachable.items()):
            text += f"; source {name!r} not crawled: {why.split(';')[0]}"
        if self.owed_export:
            text += f"; tables written again ({self.owed_export})"
        elif self.new_or_changed == 0:
            text += "; nothing new, tables unchanged"
        return text


class Crawler:
    """Open with a state folder; ``run()`` does one night's crawl.

    ``concurrency`` (default: ``[crawl] concurrency`` of the settings, or of the sources file when
    it sets one) is how many hosts are fetched at once;
    ``clock``, ``sleep`` and ``wall`` (monotonic time, waiting, epoch time for the state's
    due times) are injected by tests.
    """

    def __init__(self, sources: SourcesFile, out_dir: Path, state_dir: Path, settings: Settings,
                 clock=time.monotonic, sleep=time.sleep, wall=time.time, resolver=None, concurrency=None):
        self.sources = sources
        self.out_dir = Path(out_dir)
        self.state_dir = Path(state_dir)
        self.settings = settings
        self.crawl = sources.crawl_settings(settings.crawl)  # [crawl], with the sources file's over it
        self.clock, self.sleep, self.wall = clock, sleep, wall
        self.resolver = resolver
        self.concurrency = concurrency or self.crawl.concurrency
        self.by_name = {s.name: s for s in sources.sources}
        self.fetchers: dict[tuple[str, str], Fetcher] = {}
        self.robots: dict[str, object] = {}
        self.host_ready: dict[str, float] = {}
        self.host_delay: dict[str, float] = {}
        self.hosts = HostTrouble()
        self.not_asked: dict[str, str] = {}  # known article -> NOT_DUE or DATE_UNCHANGED, this run
        self.pages_per_source: Counter = Counter()

    # -- the run -------------------------------------------------------------------------------
    def run(self) -> CrawlSummary:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with RunLock(self.state_dir / "newsfacts.lock"):
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            run_id = new_run_id(now)
            summary = CrawlSummary(run_id)
            for path in finish_stale(self.state_dir / "warc"):
                log.warning("renamed the WARC of an interrupted run: %s", path)
            with Store(self.state_dir / "newsfacts.sqlite", self.settings.dedupe) as store:
                self.store = store
                store.add_tables(CRAWL_DDL)
                revisits = Revisits(self.crawl.revisit_min_days * DAY, self.crawl.revisit_max_days * DAY)
                self.frontier = Frontier(store.db, self.wall, revisits)
                self.frontier.upgrade()
                self._seed(run_id)
                self.warc = RunWarc(self.state_dir / "warc", run_id, self.sources.user_agent)
                self.pool = HostPool(self.concurrency, self.clock, self.sleep)
                try:
                    self._loop(run_id, summary)
                finally:
                    self.pool.close()
                    self.warc.close()
                    for f in self.fetchers.values():
                        f.close()
                summary.not_due = sum(why == NOT_DUE for why in self.not_asked.values())
                summary.lastmod_unchanged = sum(why == DATE_UNCHANGED for why in self.not_asked.values())
                if not summary.new_or_changed:  # a crawl killed while writing them still owes the tables
                    summary.owed_export = export_owed(self.out_dir, store.generation())
                if summary.new_or_changed or summary.owed_export:
                    summary.duplicates = store.assign_duplicates()
                    summary.tables, fact_types = export_outputs(
                        store, self.out_dir, partition_above=self.settings.output.partition_above_articles)
                    summary.facts.update(fact_types)
                    if summary.new_or_changed:  # this night's own rows
                        export_tables(store, self.out_dir / "runs" / run_id, run_id=run_id)
                store.record_run(run_id, now.isoformat(), [s.name for s in self.sources.sources],
                                 {"line": summary.line(), "errors": dict(summary.errors)})
            return summary

    def _seed(self, run_id: str) -> None:
        """Take over what a killed run left, queue every source's entry points, learn the hosts to visit."""
        self.frontier.start_run(run_id)
        for source in self.sources.sources:
            for kind, urls in (("list", source.start_urls), ("feed", source.feeds), ("sitemap", source.sitemaps)):
                for url in urls:
                    self.frontier.enqueue(url, source.name, kind, 0, run_id, force=True)
        self.frontier.pending_hosts()
        self.store.commit()

    def _queue(self, url: str, source: Source, kind: str, depth: int, run_id: str, changed_at=None) -> None:
        what = self.frontier.enqueue(url, source.name, kind, depth, run_id, changed_at=changed_at)
        if what in (NOT_DUE, DATE_UNCHANGED) and kind == "article":
            self.not_asked[url] = what
        elif what == QUEUED:
            self.not_asked.pop(url, None)

    # -- scheduling --------------------------------------------------------------------------
    def _loop(self, run_id: str, summary: CrawlSummary) -> None:
        while True:
            soonest = self._dispatch(run_id, summary)
            if self.pool.idle():
                if soonest is None:
                    break  # nothing in flight, nothing waiting: the queue is empty
                self.sleep(min(5.0, max(0.01, soonest - self.clock())))
                continue
            timeout = None if soonest is None else max(0.0, soonest - self.clock())
            for done in self.pool.collect(timeout):
                self._collect(done, run_id, summary)
                self.store.commit()
        summary.unreachable = self.hosts.unreachable()

    def _dispatch(self, run_id: str, summary: CrawlSummary) -> float | None:
        """Start a fetch on every host that may be asked now, while the pool has room.

        Returns the clock time at which the next waiting host may be asked, or None when no host
        waits (all busy, or no URL left).  Hosts are tried longest-unserved first.
        """
        soonest = None
        for host in list(self.frontier.hosts):
            if self.pool.full():
                break
            if self.pool.busy(host):
                continue
            at = self._next_on(host, run_id, summary)
            if at is not None:
                soonest = at if soonest is None else min(soonest, at)
        return soonest

    def _next_on(self, host: str, run_id: str, summary: CrawlSummary) -> float | None:
        """Start the next fetch of ``host`` if it may be asked now, else say when it may (clock time).

        URLs that need no request on the way (robots.txt disallows them, ``max_pages``, the host
        was given up for the run) are settled here.
        """
        while True:
            given_up = self.hosts.is_deferred(host)
            now, wall = self.clock(), self.wall()
            if not given_up and self.host_ready.get(host, 0.0) > now:
                return self.host_ready[host]
            wake = self.frontier.hosts[host]  # its URLs wait (a retry, Retry-After) until then
            if not given_up and wake > wall:
                return now + wake - wall
            row = self.frontier.next_due(host, math.inf if given_up else wall)
            if row is None:
                earliest = self.frontier.earliest(host)  # None: forgotten until a page links it again
                return None if earliest is None else now + max(0.0, earliest - wall)
            if given_up:  # not fetched: no wait
                self._defer_for_host(row.url, row.source, summary)
                continue
            source = self.by_name.get(row.source)
            if source is None or self.pages_per_source[row.source] >= source.max_pages:
                reason = "max_pages" if source else "source_removed"
                self.frontier.set(row.url, "skipped", reason)
                summary.skipped[reason] += 1
                continue
            if host not in self.robots:
                self.pool.robots(host, self._fetcher(source, host), robots_url(row.url), source)
            elif not self._start(row, source, host, summary):
                continue
            self.frontier.served(host)
            return None

    def _start(self, row: Queued, source: Source, host: str, summary: CrawlSummary) -> bool:
        """Hand the fetch of ``row`` to the pool; False when robots.txt settles it without a request."""
        url = row.url
        self.pages_per_source[source.name] += 1
        rules = self.robots[host]
        if rules is not None and not rules.allowed(url):
            reason = self.hosts.refusal(host)  # robots.txt unreadable or the host refused: not the site's wish
            if reason is not None:
                self.hosts.skipped(source.name, host)
            reason = reason or "robots_disallowed"
            self.frontier.set(url, "skipped", reason)
            summary.skipped[reason] += 1
            log.info("SKIP reason=%s url=%s", reason, url)
            return False
        delay = self._delay(host, source, rules)
        if delay is None:
            self.frontier.set(url, "skipped", "crawl_delay_too_long")
            summary.skipped["crawl_delay_too_long"] += 1
            log.warning("SKIP reason=crawl_delay_too_long url=%s: robots.txt asks for more than the maximum delay", url)
            return False
        self.frontier.fetching(url)
        self.store.commit()  # a kill from here on leaves 'fetching', reset at the next start
        is_article = row.kind == "article"
        self.pool.page(host, self._fetcher(source, host), url, (row, source),
                       etag=row.etag if is_article else None, last_modified=row.last_modified if is_article else None,
                       html_only=row.kind in ("article", "list"), follow_pages=is_article, delay=delay)
        return True

    # -- answers -------------------------------------------------------------------------------
    def _collect(self, done: Fetched, run_id: str, summary: CrawlSummary) -> None:
        if done.job == "robots":
            self._robots_answer(done, run_id)
            return
        row, source = done.context
        url, kind, host = row.url, row.kind, done.host
        self.host_ready[host] = done.finished + self.host_delay[host]
        if done.error is not None:
            self._failed(url, done.error, row.attempts, summary, host)
            return
        result = done.result
        self.hosts.fetched_page(source.name)
        if result.status == 304:
            summary.unchanged += 1
            self.frontier.set(url, "done", None, run_id=run_id)
            self.frontier.visited(url, kind, changed=False)
            return
        summary.fetched += 1
        self.warc.add(result.final_url, result.status, result.headers, result.body, result.fetched_at)
        self.frontier.answered(url, result.etag, result.last_modified, result.fetched_at)
        changed = True
        try:
            if kind == "article":
                changed = self._article(url, result, done.more, source, run_id, summary, host)
            else:
                self._discover(url, result, source, kind, row.depth, run_id)
        except feeds.DiscoverError as exc:  # a broken or hostile sitemap/feed: skip it, go on with the rest
            log.warning("SKIP reason=%s url=%s: %s", exc.reason, url, exc.detail)
            summary.skipped[exc.reason] += 1
            self.frontier.set(url, "skipped", exc.reason, run_id=run_id)
            return
        except Skip as skip:
            log.warning("%s", skip)
            summary.skipped[skip.reason] += 1
            self.frontier.set(url, "skipped", skip.reason, run_id=run_id)
            return
        self.frontier.set(url, "done", None, run_id=run_id)
        self.frontier.visited(url, kind, changed)

    def _failed(self, url: str, exc, attempts: int, summary: CrawlSummary, host: str) -> None:
        attempts += 1
        summary.errors[exc.reason] += 1
        self._count_timeout(host, exc)
        wait = exc.retry_after_s
        if exc.retryable and wait is not None and wait > self.sources.max_retry_after_s:
            summary.deferred += 1
            self.frontier.defer(url, wait, attempts, exc.reason)
            log.warning("DEFER url=%s: the server asks to wait %.0f s (Retry-After), more than %.0f s; "
                        "deferred to the next run", url, wait, self.sources.max_retry_after_s)
            return
        if exc.retryable and attempts < MAX_TRIES:
            if self.hosts.is_deferred(host):  # not this URL's fault: tried again next run, with all its tries
                self._defer_for_host(url, None, summary)
                return
            backoff = wait if wait is not None else 2.0 ** (attempts - 1)
            self.frontier.retry(url, backoff, attempts, exc.reason)
            log.info("retry %d of %s in %.1f s after %s", attempts, url, backoff, exc.reason)
            return
        summary.failed += 1
        self.frontier.failed(url, "gone" if exc.status == 410 else "failed", attempts, f"{exc.reason}: {exc.detail}")
        log.warning("FAIL reason=%s url=%s: %s", exc.reason, url, exc.detail)

    def _count_timeout(self, host: str, exc: FetchError) -> None:
        if self.hosts.timed_out(host, exc.reason):
            log.warning("host %s timed out %d times this run (%s): its other URLs are deferred to the next run",
                        host, MAX_HOST_TIMEOUTS, self.hosts.deferred[host])

    def _defer_for_host(self, url: str, source_name: str | None, summary: CrawlSummary) -> None:
        """Keep a URL of a host given up for the run (too many timeouts) for the next run."""
        host = host_port(url)
        self.frontier.defer(url, 0.0, 0, "host_deferred")
        self.hosts.deferred_url(source_name or self.frontier.source_of(url), host)
        summary.deferred += 1
        summary.deferred_hosts[host] += 1
        log.info("DEFER reason=host_deferred url=%s", url)

    # -- pages ---------------------------------------------------------------------------------
    def _article(self, url, result, more, source, run_id, summary, host) -> bool:
        """Store the article of a fetched page (and its following pages); True if it is new or changed."""
        raws = [_raw(url, result)]
        for page_url, page in more:
            if isinstance(page, FetchError):
                log.warning("FAIL reason=%s url=%s: %s", page.reason, page_url, page.detail)
                self._count_timeout(host, page)
                raise Skip("incomplete_pagination", url,
                           f"page {page_url} of the article could not be fetched; retried next run")
            self.warc.add(page.final_url, page.status, page.headers, page.body, page.fetched_at)
            raws.append(_raw(page_url, page))
        page = process_pages(raws, self.settings)
        old = self.store.content_sha1_of(page.article.location)
        if old == page.sha1:
            summary.unchanged += 1
            return False  # same text as last time: nothing is rewritten
        self.store.put(page, run_id)
        summary.new_or_changed += 1
        return True

    def _discover(self, url, result, source, kind, depth, run_id) -> None:
        if kind == "sitemap":
            pages, children = feeds.sitemap_entries(result.body, result.final_url)
            # A sitemap index is a page of links like a list page, so max_depth bounds it the same way:
            # a page of links at depth d queues more pages of links only while d < max_depth.  The
            # sitemaps protocol allows one level (an index must not list indexes), which the default
            # max_depth of 2 covers with one to spare; a deeper chain of ever-new URLs is a trap that
            # the per-run "already seen" check never stops, and only max_pages would, thousands of
            # fetches later.
            if children and depth >= source.max_depth:
                log.warning("SKIP %d sitemap(s) listed in %s: sitemap indexes nested deeper than max_depth %d "
                            "of source %r (raise it if the site really nests them)",
                            len(children), url, source.max_depth, source.name)
                children = []
            for child, changed_at in children:  # a child sitemap whose lastmod is not newer is not asked for
                if source.host_allowed(child):
                    self._queue(child, source, "sitemap", depth + 1, run_id, changed_at)
            found = pages
        elif kind == "feed":
            found = [(link, None) for link in feeds.parse_feed(result.body, result.final_url)]
        else:
            html = decode_html(result.body, result.content_type, url).text
            found = [(link, None) for link in links.page_links(html, result.final_url)]
            if depth < source.max_depth:
                for nxt in links.next_pages(html, result.final_url):
                    if source.host_allowed(nxt):
                        self._queue(nxt, source, "list", depth + 1, run_id)
        for link, changed_at in found:
            if source.host_allowed(link) and source.is_article(link):
                self._queue(_canonical(link), source, "article", depth + 1, run_id, changed_at)

    # -- per host ------------------------------------------------------------------------------
    def _fetcher(self, source: Source, host: str) -> Fetcher:
        """The Fetcher of one source on one host: used by one thread at a time (one job per host)."""
        fetcher = self.fetchers.get((source.name, host))
        if fetcher is None:
            policy = FetchPolicy(
                limits=self.settings.crawl, user_agent=self.sources.user_agent, allowed_hosts=source.allowed_hosts,
                allow_private=source.allow_private_addresses, extra_headers=source.headers,
            )
            kwargs = {"resolver": self.resolver} if self.resolver else {}
            fetcher = self.fetchers[(source.name, host)] = Fetcher(policy, **kwargs)
        return fetcher

    def _robots_answer(self, done: Fetched, run_id: str) -> None:
        host, source = done.host, done.context
        if done.error is None:
            rules = rules_from_response(host, done.result.status, done.result.body, self.sources.user_agent)
        else:
            exc = done.error
            status = exc.status if exc.reason.startswith("http_") else None
            rules = rules_from_response(host, status, None, self.sources.user_agent)
            if rules.status == "unavailable":
                reason = self.hosts.robots_failed(host, exc.reason, exc.detail)
                log.warning("SKIP reason=%s host=%s: %s; nothing is fetched from it this run",
                            reason, host, self.hosts.refused[host][1])
        self.robots[host] = rules
        delay = PolitenessPolicy(source.min_delay_s, self.settings.crawl.max_crawl_delay_s).delay_for(rules)
        self.host_ready[host] = done.finished + (delay if delay is not None else source.min_delay_s)
        if source.robots_sitemaps:  # read like the source's own sitemaps, every run
            for listed in rules.sitemaps:
                sitemap = absolute_http_url(listed, done.url)
                if sitemap and source.host_allowed(sitemap):
                    self.frontier.enqueue(sitemap, source.name, "sitemap", 0, run_id, force=True)

    def _delay(self, host: str, source: Source, rules) -> float | None:
        if host not in self.host_delay:
            delay = PolitenessPolicy(source.min_delay_s, self.settings.crawl.max_crawl_delay_s).delay_for(rules)
            if delay is None:
                return None
            self.host_delay[host] = delay
        return self.host_delay[host]


def _raw(url: str, result) -> RawPage:
    return RawPage(location=_canonical(url), body=result.body, url=result.final_url,
                   content_type=result.content_type, fetched_at=result.fetched_at)


def _canonical(url: str) -> str:
    return canonical_url(url) or url
