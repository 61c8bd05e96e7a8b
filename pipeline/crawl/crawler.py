"""The nightly crawl: sources -> polite guarded fetches -> WARC + state database -> tables.

One process, one run at a time (``RunLock``).  URLs live in the ``crawl_urls``
table of the state database, so a run that is killed is resumed by the next:
URLs caught mid-fetch go back to pending, every finished page was committed
with its article, and the tables are regenerated from the database.  Hosts are
visited in turn, each no faster than its delay (the source's ``min_delay_s`` or
robots.txt Crawl-delay, whichever is longer); a host that asks us to come back
later (429/503 with Retry-After) waits while the others go on, and a wait
longer than ``max_retry_after_s`` defers the URL to the next run.  A host that
cannot be asked (robots.txt unreadable, address refused) or keeps timing out
is given up for the run (:mod:`pipeline.crawl.hosts`); a source left with
nothing fetched because of it is named in ``CrawlSummary.unreachable``.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Settings
from pipeline.crawl import feeds, links
from pipeline.crawl.fetch import Fetcher, FetchError, FetchPolicy
from pipeline.crawl.hosts import MAX_HOST_TIMEOUTS, HostTrouble
from pipeline.store.lock import RunLock
from pipeline.crawl.robots import PolitenessPolicy, robots_url, rules_from_response
from pipeline.crawl.sources import Source, SourcesFile
from pipeline.errors import Skip
from pipeline.extract.decode import decode_html
from pipeline.page import process_pages
from pipeline.read.warc_writer import RunWarc, finish_stale
from pipeline.records import RawPage
from pipeline.store.export import export_tables
from pipeline.store.partitions import export_outputs
from pipeline.store.tableset import export_owed
from pipeline.store.state import RunSummary, Store, new_run_id
from pipeline.urls import canonical_url, host_port

log = logging.getLogger(__name__)

CRAWL_DDL = """
CREATE TABLE IF NOT EXISTS crawl_urls (
    url TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, depth INTEGER NOT NULL,
    status TEXT NOT NULL, not_before REAL NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, etag TEXT, last_modified TEXT, fetched_at TEXT, seen_run TEXT, done_run TEXT);
CREATE INDEX IF NOT EXISTS crawl_urls_queue ON crawl_urls(seen_run, status);
"""
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
    """Open with a state folder; ``run()`` does one night's crawl."""

    def __init__(self, sources: SourcesFile, out_dir: Path, state_dir: Path, settings: Settings,
                 clock=time.monotonic, sleep=time.sleep, wall=time.time, resolver=None):
        self.sources = sources
        self.out_dir = Path(out_dir)
        self.state_dir = Path(state_dir)
        self.settings = settings
        self.clock, self.sleep, self.wall = clock, sleep, wall
        self.resolver = resolver
        self.by_name = {s.name: s for s in sources.sources}
        self.fetchers: dict[str, Fetcher] = {}
        self.robots: dict[str, object] = {}
        self.host_ready: dict[str, float] = {}
        self.host_delay: dict[str, float] = {}
        self.hosts = HostTrouble()

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
                self.db = store.db
                store.add_tables(CRAWL_DDL)
                self._seed(run_id)
                self.warc = RunWarc(self.state_dir / "warc", run_id, self.sources.user_agent)
                try:
                    self._loop(run_id, summary)
                finally:
                    self.warc.close()
                    for f in self.fetchers.values():
                        f.close()
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
        """Reset URLs a killed run left mid-fetch, queue every source's entry points, wake deferred URLs."""
        db = self.db
        db.execute("UPDATE crawl_urls SET status='pending' WHERE status='fetching'")
        db.execute("UPDATE crawl_urls SET status='pending', seen_run=? WHERE status='deferred' AND not_before<=?",
                   (run_id, self.wall()))
        for source in self.sources.sources:
            for kind, urls in (("list", source.start_urls), ("feed", source.feeds), ("sitemap", source.sitemaps)):
                for url in urls:
                    self._enqueue(url, source, kind, 0, run_id, force=True)
        self.store.commit()

    def _enqueue(self, url: str, source: Source, kind: str, depth: int, run_id: str, force: bool = False) -> None:
        row = self.db.execute("SELECT status, seen_run, not_before FROM crawl_urls WHERE url=?", (url,)).fetchone()
        if row is None:
            self.db.execute("INSERT INTO crawl_urls (url, source, kind, depth, status, seen_run) VALUES (?,?,?,?,?,?)",
                            (url, source.name, kind, depth, "pending", run_id))
            return
        status, seen, not_before = row
        if status == "gone":
            return  # the server said 410 Gone: never asked again
        if seen == run_id and not force:
            return  # already queued (or done) in this run
        if status == "deferred" and not_before > self.wall():
            return  # the host asked us to come back later than this run
        if seen == run_id and status in ("done", "failed", "skipped"):
            return
        self.db.execute("UPDATE crawl_urls SET status='pending', attempts=0, seen_run=?, depth=MIN(depth, ?) WHERE url=?",
                        (run_id, depth, url))

    # -- scheduling --------------------------------------------------------------------------
    def _loop(self, run_id: str, summary: CrawlSummary) -> None:
        pages_per_source: Counter = Counter()
        while True:
            rows = self.db.execute(
                "SELECT url, source, kind, depth, not_before, attempts, etag, last_modified FROM crawl_urls "
                "WHERE seen_run=? AND status='pending' ORDER BY depth, rowid", (run_id,)).fetchall()
            if not rows:
                summary.unreachable = self.hosts.unreachable()
                return
            now, wall = self.clock(), self.wall()
            ready = None
            soonest = None
            for row in rows:
                host = host_port(row[0])
                if self.hosts.is_deferred(host):
                    ready = row  # no wait: it is not fetched
                    break
                at = max(self.host_ready.get(host, 0.0), now + max(0.0, row[4] - wall))
                if at <= now:
                    ready = row
                    break
                soonest = at if soonest is None else min(soonest, at)
            if ready is None:
                self.sleep(min(5.0, max(0.01, soonest - now)))
                continue
            url, source_name, kind, depth, _, attempts, etag, last_modified = ready
            if self.hosts.is_deferred(host_port(url)):
                self._defer_for_host(url, source_name, summary)
                continue
            source = self.by_name.get(source_name)
            if source is None or pages_per_source[source_name] >= source.max_pages:
                self._set(url, "skipped", "source_removed" if source is None else "max_pages")
                summary.skipped["max_pages" if source else "source_removed"] += 1
                continue
            pages_per_source[source_name] += 1
            self._visit(url, source, kind, depth, attempts, etag, last_modified, run_id, summary)
            self.store.commit()

    def _visit(self, url, source, kind, depth, attempts, etag, last_modified, run_id, summary) -> None:
        host = host_port(url)
        rules = self._robots(host, url, source)
        if rules is not None and not rules.allowed(url):
            reason = self.hosts.refusal(host)  # robots.txt unreadable or the host refused: not the site's wish
            if reason is not None:
                self.hosts.skipped(source.name, host)
            reason = reason or "robots_disallowed"
            self._set(url, "skipped", reason)
            summary.skipped[reason] += 1
            log.info("SKIP reason=%s url=%s", reason, url)
            return
        delay = self._delay(host, source, rules)
        if delay is None:
            self._set(url, "skipped", "crawl_delay_too_long")
            summary.skipped["crawl_delay_too_long"] += 1
            log.warning("SKIP reason=crawl_delay_too_long url=%s: robots.txt asks for more than the maximum delay", url)
            return
        wait = self.host_ready.get(host, 0.0) - self.clock()
        if wait > 0:
            self.sleep(wait)  # robots.txt was fetched just now from this host
        self.db.execute("UPDATE crawl_urls SET status='fetching' WHERE url=?", (url,))
        self.store.commit()  # a kill from here on leaves 'fetching', reset at the next start
        fetcher = self._fetcher(source)
        is_article = kind == "article"
        try:
            result = fetcher.fetch(url, etag=etag if is_article else None,
                                   last_modified=last_modified if is_article else None,
                                   html_only=kind in ("article", "list"))
        except FetchError as exc:
            self.host_ready[host] = self.clock() + delay
            self._failed(url, exc, attempts, summary, host)
            return
        self.host_ready[host] = self.clock() + delay
        self.hosts.fetched_page(source.name)
        if result.status == 304:
            summary.unchanged += 1
            self._set(url, "done", None, run_id=run_id)
            return
        summary.fetched += 1
        self.warc.add(result.final_url, result.status, result.headers, result.body, result.fetched_at)
        self.db.execute("UPDATE crawl_urls SET etag=?, last_modified=?, fetched_at=? WHERE url=?",
                        (result.etag, result.last_modified, result.fetched_at, url))
        try:
            if kind == "article":
                self._article(url, result, source, run_id, summary)
            else:
                self._discover(url, result, source, kind, depth, run_id)
        except feeds.DiscoverError as exc:  # a broken or hostile sitemap/feed: skip it, go on with the rest
            log.warning("SKIP reason=%s url=%s: %s", exc.reason, url, exc.detail)
            summary.skipped[exc.reason] += 1
            self._set(url, "skipped", exc.reason, run_id=run_id)
            return
        except Skip as skip:
            log.warning("%s", skip)
            summary.skipped[skip.reason] += 1
            self._set(url, "skipped", skip.reason, run_id=run_id)
            return
        self._set(url, "done", None, run_id=run_id)

    def _failed(self, url: str, exc, attempts: int, summary: CrawlSummary, host: str) -> None:
        attempts += 1
        summary.errors[exc.reason] += 1
        self._count_timeout(host, exc)
        wait = exc.retry_after_s
        if exc.retryable and wait is not None and wait > self.sources.max_retry_after_s:
            summary.deferred += 1
            self.db.execute("UPDATE crawl_urls SET status='deferred', not_before=?, attempts=?, last_error=? WHERE url=?",
                            (self.wall() + wait, attempts, exc.reason, url))
            log.warning("DEFER url=%s: the server asks to wait %.0f s (Retry-After), more than %.0f s; "
                        "deferred to the next run", url, wait, self.sources.max_retry_after_s)
            return
        if exc.retryable and attempts < MAX_TRIES:
            if self.hosts.is_deferred(host):  # not this URL's fault: tried again next run, with all its tries
                self._defer_for_host(url, None, summary)
                return
            backoff = wait if wait is not None else 2.0 ** (attempts - 1)
            self.db.execute("UPDATE crawl_urls SET status='pending', not_before=?, attempts=?, last_error=? WHERE url=?",
                            (self.wall() + backoff, attempts, exc.reason, url))
            log.info("retry %d of %s in %.1f s after %s", attempts, url, backoff, exc.reason)
            return
        summary.failed += 1
        status = "gone" if exc.status == 410 else "failed"
        self.db.execute("UPDATE crawl_urls SET status=?, attempts=?, last_error=? WHERE url=?",
                        (status, attempts, f"{exc.reason}: {exc.detail}"[:500], url))
        log.warning("FAIL reason=%s url=%s: %s", exc.reason, url, exc.detail)

    def _count_timeout(self, host: str, exc: FetchError) -> None:
        if self.hosts.timed_out(host, exc.reason):
            log.warning("host %s timed out %d times this run (%s): its other URLs are deferred to the next run",
                        host, MAX_HOST_TIMEOUTS, self.hosts.deferred[host])

    def _defer_for_host(self, url: str, source_name: str | None, summary: CrawlSummary) -> None:
        """Keep a URL of a host given up for the run (too many timeouts) for the next run."""
        host = host_port(url)
        if source_name is None:
            source_name = self.db.execute("SELECT source FROM crawl_urls WHERE url=?", (url,)).fetchone()[0]
        self.db.execute("UPDATE crawl_urls SET status='deferred', not_before=?, attempts=0, last_error=? WHERE url=?",
                        (self.wall(), "host_deferred", url))
        self.hosts.deferred_url(source_name, host)
        summary.deferred += 1
        summary.deferred_hosts[host] += 1
        log.info("DEFER reason=host_deferred url=%s", url)

    def _set(self, url: str, status: str, error: str | None, run_id: str | None = None) -> None:
        self.db.execute("UPDATE crawl_urls SET status=?, last_error=?, done_run=COALESCE(?, done_run) WHERE url=?",
                        (status, error, run_id, url))

    # -- pages ---------------------------------------------------------------------------------
    def _article(self, url, result, source, run_id, summary) -> None:
        raws = [_raw(url, result)]
        # the page bar, read as a batch run reads it (pipeline.read.pagebar): both join the same pages
        for more in links.following_pages(result.body, result.final_url):
            page = self._fetch_more(more, source)
            if page is None:
                raise Skip("incomplete_pagination", url, f"page {more} of the article could not be fetched; retried next run")
            raws.append(_raw(more, page))
        page = process_pages(raws, self.settings)
        old = self.store.content_sha1_of(page.article.location)
        if old == page.sha1:
            summary.unchanged += 1
            return  # same text as last time: nothing is rewritten
        self.store.put(page, run_id)
        summary.new_or_changed += 1

    def _fetch_more(self, url, source):
        """A following page of a multi-page article, after the host's delay."""
        host = host_port(url)
        wait = self.host_ready.get(host, 0.0) - self.clock()
        if wait > 0:
            self.sleep(wait)
        try:
            result = self._fetcher(source).fetch(url)
        except FetchError as exc:
            log.warning("FAIL reason=%s url=%s: %s", exc.reason, url, exc.detail)
            self._count_timeout(host, exc)
            return None
        finally:
            self.host_ready[host] = self.clock() + self.host_delay.get(host, source.min_delay_s)
        self.warc.add(result.final_url, result.status, result.headers, result.body, result.fetched_at)
        return result

    def _discover(self, url, result, source, kind, depth, run_id) -> None:
        if kind == "sitemap":
            pages, children = feeds.parse_sitemap(result.body, result.final_url)
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
            for child in children:
                if source.host_allowed(child):
                    self._enqueue(child, source, "sitemap", depth + 1, run_id)
            found = pages
        elif kind == "feed":
            found = feeds.parse_feed(result.body, result.final_url)
        else:
            html = decode_html(result.body, result.content_type, url).text
            found = links.page_links(html, result.final_url)
            if depth < source.max_depth:
                for nxt in links.next_pages(html, result.final_url):
                    if source.host_allowed(nxt):
                        self._enqueue(nxt, source, "list", depth + 1, run_id)
        for link in found:
            if source.host_allowed(link) and source.is_article(link):
                self._enqueue(_canonical(link), source, "article", depth + 1, run_id)

    # -- per host ------------------------------------------------------------------------------
    def _fetcher(self, source: Source) -> Fetcher:
        fetcher = self.fetchers.get(source.name)
        if fetcher is None:
            policy = FetchPolicy(
                limits=self.settings.crawl, user_agent=self.sources.user_agent, allowed_hosts=source.allowed_hosts,
                allow_private=source.allow_private_addresses, extra_headers=source.headers,
            )
            kwargs = {"resolver": self.resolver} if self.resolver else {}
            fetcher = self.fetchers[source.name] = Fetcher(policy, **kwargs)
        return fetcher

    def _robots(self, host: str, url: str, source: Source):
        if host in self.robots:
            return self.robots[host]
        try:
            result = self._fetcher(source).fetch(robots_url(url), html_only=False)
            rules = rules_from_response(host, result.status, result.body, self.sources.user_agent)
        except FetchError as exc:
            status = exc.status if exc.reason.startswith("http_") else None
            rules = rules_from_response(host, status, None, self.sources.user_agent)
            if rules.status == "unavailable":
                reason = self.hosts.robots_failed(host, exc.reason, exc.detail)
                log.warning("SKIP reason=%s host=%s: %s; nothing is fetched from it this run",
                            reason, host, self.hosts.refused[host][1])
        self.robots[host] = rules
        delay = PolitenessPolicy(source.min_delay_s, self.settings.crawl.max_crawl_delay_s).delay_for(rules)
        self.host_ready[host] = self.clock() + (delay if delay is not None else source.min_delay_s)
        return rules

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
