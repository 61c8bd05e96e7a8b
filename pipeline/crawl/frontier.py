"""The crawl frontier: the ``crawl_urls`` table of the state database, read by host and due time.

Every URL the crawler knows is one row: its source, kind (``list``, ``feed``, ``sitemap``,
``article``), depth, status (``pending``, ``fetching``, ``done``, ``failed``, ``skipped``,
``deferred``, ``gone``), when it may be asked again (``not_before``: retries, Retry-After) and
what the last answer said (ETag, Last-Modified).  The queue of a run is the ``pending`` rows.

**Indexed by due time.**  The scheduler asks, for one host that may be asked now, for its next
URL that is due: ``crawl_urls_due`` on ``(status, host, depth, not_before)`` answers that with
one index search, in the order the scheduler wants (the pages of links of a host before its
articles, then the longest waiting), and the earliest ``not_before`` of a host the same way.
The run never reads the whole queue again after it starts (:meth:`Frontier.pending_hosts`, once).

**Revisits that back off.**  A known article linked again from a list page or a sitemap is
queued only when it is due (:meth:`Frontier.enqueue`):

* when the sitemap gives a date for it (``<lastmod>``, or a news sitemap's
  ``<news:publication_date>``) that is not newer than our last visit, it is not asked for at all
  -- unless that visit is older than the longest revisit interval (a sitemap that never updates
  its dates does not hide changes for ever);
* a newer date makes it due at once;
* without a date it is due when its revisit interval has passed: one day (``revisit_min_days``)
  after it was first fetched or last changed, doubled after every visit that found it unchanged
  (304, or a page with the same text), up to ``revisit_max_days`` (30; both ``[crawl]`` settings,
  which a sources file may set for its crawl).  A nightly crawl finds an
  article due a few hours early (a quarter of its interval, at most 12 h) so that a run that
  starts a little earlier than the night before does not put the visit off by a whole day.

Old state folders keep working: the columns added since (``host``, ``visited_at``,
``revisit_s``, ``next_visit``, ``lastmod``) are added when missing, ``host`` filled from the
URL, and a known article without a schedule is due.  The scheduler is the only writer, on the
crawler's main thread.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pipeline.urls import host_port

DAY = 86400.0
CRAWL_DDL = """
CREATE TABLE IF NOT EXISTS crawl_urls (
    url TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, depth INTEGER NOT NULL,
    status TEXT NOT NULL, not_before REAL NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, etag TEXT, last_modified TEXT, fetched_at TEXT, seen_run TEXT, done_run TEXT,
    host TEXT, visited_at REAL, revisit_s REAL, next_visit REAL, lastmod REAL);
CREATE INDEX IF NOT EXISTS crawl_urls_queue ON crawl_urls(seen_run, status);
"""
# Columns added after the first version of the table (ALTER TABLE ADD COLUMN on older states).
ADDED_COLUMNS = (("host", "TEXT"), ("visited_at", "REAL"), ("revisit_s", "REAL"), ("next_visit", "REAL"),
                 ("lastmod", "REAL"))
# Created after the columns exist, so an older state gets it too.
DUE_INDEX = "CREATE INDEX IF NOT EXISTS crawl_urls_due ON crawl_urls(status, host, depth, not_before)"

# What enqueue did with a URL.
QUEUED, KNOWN, NOT_DUE, DATE_UNCHANGED = "queued", "known", "not_due", "date_unchanged"


@dataclass(frozen=True)
class Queued:
    """A pending URL picked for fetching."""

    url: str
    source: str
    kind: str
    depth: int
    attempts: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Revisits:
    """The revisit schedule of known articles, in seconds."""

    shortest: float = DAY
    longest: float = 30 * DAY

    def next_interval(self, previous: float | None, changed: bool) -> float:
        """The interval after a visit: the shortest after a change (or a first fetch), else doubled.

        >>> r = Revisits()
        >>> [r.next_interval(None, True) / DAY, r.next_interval(DAY, False) / DAY, r.next_interval(20 * DAY, False) / DAY]
        [1.0, 2.0, 30.0]
        """
        if changed or previous is None:
            return self.shortest
        return min(self.longest, max(self.shortest, 2 * previous))

    @staticmethod
    def early(interval: float) -> float:
        """How much earlier than its interval an article counts as due (see the module docstring)."""
        return min(interval / 4, 12 * 3600.0)


class Frontier:
    """The ``crawl_urls`` table of one open state database (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection, wall, revisits: Revisits = Revisits()):
        self.db = db
        self.wall = wall
        self.revisits = revisits
        # hosts that may have pending URLs -> the wall time the first of them may be fetched (0: now)
        self.hosts: dict[str, float] = {}

    # -- a run starts --------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Bring the table of an older state up to date (the table itself is ``CRAWL_DDL``)."""
        have = {row[1] for row in self.db.execute("PRAGMA table_info(crawl_urls)")}
        for name, kind in ADDED_COLUMNS:
            if name not in have:
                self.db.execute(f"ALTER TABLE crawl_urls ADD COLUMN {name} {kind}")
        if "host" not in have:
            self.db.create_function("host_port", 1, host_port, deterministic=True)
            self.db.execute("UPDATE crawl_urls SET host=host_port(url)")
        self.db.execute(DUE_INDEX)

    def start_run(self, run_id: str) -> None:
        """URLs a killed run left mid-fetch or queued are this run's; deferred URLs that are due wake up."""
        db = self.db
        db.execute("UPDATE crawl_urls SET status='pending' WHERE status='fetching'")
        db.execute("UPDATE crawl_urls SET status='pending', seen_run=? WHERE status='deferred' AND not_before<=?",
                   (run_id, self.wall()))
        db.execute("UPDATE crawl_urls SET seen_run=? WHERE status='pending'", (run_id,))

    def pending_hosts(self) -> None:
        """Learn the hosts with pending URLs (once a run; :meth:`enqueue` adds the new ones)."""
        for (host,) in self.db.execute("SELECT DISTINCT host FROM crawl_urls WHERE status='pending'"):
            self.hosts[host] = 0.0

    # -- the queue -----------------------------------------------------------------------------
    def enqueue(self, url: str, source: str, kind: str, depth: int, run_id: str, *, force: bool = False,
                changed_at: float | None = None) -> str:
        """Queue a URL for this run if it should be fetched; returns what was done (``QUEUED`` ...).

        ``force``: an entry point of a source, fetched every run.  ``changed_at``: when a sitemap
        says the URL last changed (epoch seconds), kept for the next runs too.
        """
        db = self.db
        host = host_port(url)
        row = db.execute("SELECT status, seen_run, not_before, visited_at, next_visit, lastmod FROM crawl_urls "
                         "WHERE url=?", (url,)).fetchone()
        if row is None:
            db.execute("INSERT INTO crawl_urls (url, source, kind, depth, status, seen_run, host, lastmod) "
                       "VALUES (?,?,?,?,?,?,?,?)", (url, source, kind, depth, "pending", run_id, host, changed_at))
            self.hosts[host] = 0.0
            return QUEUED
        status, seen, not_before, visited_at, next_visit, lastmod = row
        if changed_at is not None and (lastmod is None or changed_at > lastmod):
            db.execute("UPDATE crawl_urls SET lastmod=? WHERE url=?", (changed_at, url))
            lastmod = changed_at
        if status == "gone":
            return KNOWN  # the server said 410 Gone: never asked again
        if seen == run_id and (not force or status in ("done", "failed", "skipped")):
            return KNOWN  # already queued (or done) in this run
        if status == "deferred" and not_before > self.wall():
            return KNOWN  # the host asked us to come back later than this run
        if not force and status == "done" and visited_at is not None:
            why = self._not_yet(visited_at, next_visit, lastmod)
            if why is not None:
                return why
        db.execute("UPDATE crawl_urls SET status='pending', attempts=0, seen_run=?, depth=MIN(depth, ?) WHERE url=?",
                   (run_id, depth, url))
        self.hosts[host] = 0.0
        return QUEUED

    def _not_yet(self, visited_at: float, next_visit: float | None, lastmod: float | None) -> str | None:
        """Why a URL fetched before is not asked for again now, or None when it is due."""
        now = self.wall()
        if lastmod is not None:
            if lastmod > visited_at:
                return None  # changed since our visit, says the sitemap
            if now - visited_at < self.revisits.longest:
                return DATE_UNCHANGED
            return None
        if next_visit is not None and next_visit > now:
            return NOT_DUE
        return None

    def next_due(self, host: str, until: float) -> Queued | None:
        """The next pending URL of ``host`` that may be fetched at wall time ``until`` (index search)."""
        row = self.db.execute(
            "SELECT url, source, kind, depth, attempts, etag, last_modified FROM crawl_urls "
            "WHERE status='pending' AND host=? AND not_before<=? ORDER BY depth, not_before LIMIT 1",
            (host, until)).fetchone()
        return Queued(*row) if row else None

    def earliest(self, host: str) -> float | None:
        """The wall time the first pending URL of ``host`` may be fetched, remembered in ``hosts`` until
        a URL of the host is queued; None (and the host forgotten) if it has none."""
        row = self.db.execute("SELECT MIN(not_before) FROM crawl_urls WHERE status='pending' AND host=?",
                              (host,)).fetchone()
        if row is None or row[0] is None:
            self.hosts.pop(host, None)
            return None
        self.hosts[host] = row[0]
        return row[0]

    def served(self, host: str) -> None:
        """Send ``host`` to the back of the line (the scheduler tries hosts longest-unserved first)."""
        self.hosts[host] = self.hosts.pop(host, 0.0)

    def source_of(self, url: str) -> str:
        return self.db.execute("SELECT source FROM crawl_urls WHERE url=?", (url,)).fetchone()[0]

    # -- what happened to a URL ----------------------------------------------------------------
    def fetching(self, url: str) -> None:
        self.db.execute("UPDATE crawl_urls SET status='fetching' WHERE url=?", (url,))

    def set(self, url: str, status: str, error: str | None, run_id: str | None = None) -> None:
        self.db.execute("UPDATE crawl_urls SET status=?, last_error=?, done_run=COALESCE(?, done_run) WHERE url=?",
                        (status, error, run_id, url))

    def answered(self, url: str, etag: str | None, last_modified: str | None, fetched_at: str) -> None:
        """A 200: remember the validators for the next conditional request."""
        self.db.execute("UPDATE crawl_urls SET etag=?, last_modified=?, fetched_at=? WHERE url=?",
                        (etag, last_modified, fetched_at, url))

    def visited(self, url: str, kind: str, changed: bool) -> None:
        """A successful visit (200 or 304): when; for an article, when it is due again."""
        now = self.wall()
        if kind != "article":
            self.db.execute("UPDATE crawl_urls SET visited_at=? WHERE url=?", (now, url))
            return
        (previous,) = self.db.execute("SELECT revisit_s FROM crawl_urls WHERE url=?", (url,)).fetchone()
        interval = self.revisits.next_interval(previous, changed)
        self.db.execute("UPDATE crawl_urls SET visited_at=?, revisit_s=?, next_visit=? WHERE url=?",
                        (now, interval, now + interval - self.revisits.early(interval), url))

    def retry(self, url: str, wait_s: float, attempts: int, error: str) -> None:
        self.db.execute("UPDATE crawl_urls SET status='pending', not_before=?, attempts=?, last_error=? WHERE url=?",
                        (self.wall() + wait_s, attempts, error, url))

    def defer(self, url: str, wait_s: float, attempts: int, error: str) -> None:
        """Keep the URL for a later run (not before ``wait_s`` from now)."""
        self.db.execute("UPDATE crawl_urls SET status='deferred', not_before=?, attempts=?, last_error=? WHERE url=?",
                        (self.wall() + wait_s, attempts, error, url))

    def failed(self, url: str, status: str, attempts: int, error: str) -> None:
        self.db.execute("UPDATE crawl_urls SET status=?, attempts=?, last_error=? WHERE url=?",
                        (status, attempts, error[:500], url))
