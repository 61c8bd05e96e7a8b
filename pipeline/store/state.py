"""The state database (SQLite): every page ever processed into an output folder.

It is the source of truth; the CSV/Parquet tables are a snapshot exported
from it.  Pages are keyed by ``page_key`` (:attr:`RawPage.key <pipeline.records.RawPage.key>`:
the real path of a saved file, the WARC-Record-ID of a record, the URL of a fetched page), so
rerunning the same input replaces rows, new input adds rows even where its locations (relative to
the input) are those of earlier input, and duplicates are found across runs.
The original/duplicate decision is recomputed over all pages at the end of
each run, in publication order, so it does not depend on the order in which
pages arrived or on how many runs they came in.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline.config import DedupeSettings
from pipeline.errors import StateError
from pipeline.records import PageResult, Project
from pipeline.store.dedupe import DEDUPE_DDL, Deduper, Seeds, batched_rows
from pipeline.store.migrate import has_legacy, migrate, same_legacy_page
from pipeline.store.minhash import band_layout
from pipeline.store.rows import (FACT_COLUMNS, PageRows, RowLayout, fact_id_sql, page_rows, project_id_sql,
                                 project_values)
from pipeline.tables import ARTICLES, FACTS

log = logging.getLogger(__name__)

# 2: numpy MinHash signatures (pipeline/store/minhash.py) in their own table; narrow dedupe table
# 3: articles.economic, facts.region_code and confidence, projects.stage
# 4: pages keyed by page_key, not by their location (two inputs can hold the same location)
SCHEMA_VERSION = 4
# The partition of an article's rows in a partitioned output (pipeline.store.partitions): its
# publication month, or 'unknown'.  The index below is on this very expression, so that the rows
# of one month are found without reading the whole table.
MONTH = "COALESCE(substr(a.published_at, 1, 7), 'unknown')"
MONTH_INDEX = ("CREATE INDEX IF NOT EXISTS articles_month "
               "ON articles(COALESCE(substr(published_at, 1, 7), 'unknown'))")
DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
    page_key TEXT PRIMARY KEY, id_key TEXT NOT NULL, clean_url INTEGER NOT NULL,
    url TEXT, site TEXT, title TEXT, original_title TEXT, published_at TEXT, source_name TEXT,
    authors TEXT, editor TEXT, content TEXT NOT NULL, tokens TEXT, n_chars INTEGER,
    content_sha1 TEXT NOT NULL, fetched_at TEXT, encoding TEXT, flags TEXT,
    run_id TEXT, updated_at TEXT, economic INTEGER, location TEXT);
CREATE INDEX IF NOT EXISTS articles_location ON articles(location);
CREATE TABLE IF NOT EXISTS facts (
    page_key TEXT NOT NULL, ordinal INTEGER NOT NULL, fact_type TEXT, subject TEXT, project INTEGER,
    metric TEXT, value REAL, value_max REAL, unit TEXT, per TEXT, product TEXT, direction TEXT,
    approx TEXT, region TEXT, period TEXT, raw_text TEXT, sentence TEXT, char_start INTEGER,
    char_end INTEGER, region_code TEXT, confidence REAL, PRIMARY KEY (page_key, ordinal));
CREATE TABLE IF NOT EXISTS projects (
    page_key TEXT NOT NULL, ordinal INTEGER NOT NULL, name TEXT, company TEXT, region TEXT, status TEXT,
    stage TEXT, PRIMARY KEY (page_key, ordinal));
-- Signatures and the dedupe table are kept apart from the wide article rows: deciding duplicates
-- looks up thousands of them, and an article row with its body spans several database pages.
CREATE TABLE IF NOT EXISTS signatures (page_key TEXT PRIMARY KEY, signature BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lsh (
    band_key INTEGER NOT NULL, page_key TEXT NOT NULL, PRIMARY KEY (band_key, page_key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lsh_location ON lsh(page_key);  -- covers band_key (a WITHOUT ROWID index does)
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, started_at TEXT, finished_at TEXT, inputs TEXT, summary TEXT);
""" + DEDUPE_DDL


@dataclass
class RunSummary:
    """What every kind of run did, for the operator and for the ``runs`` table; a batch run
    (``pipeline.engines.run.Summary``) and a crawl (``pipeline.crawl.crawler.CrawlSummary``) add
    their own counts."""

    run_id: str
    skipped: Counter = field(default_factory=Counter)  # reason -> pages
    duplicates: dict = field(default_factory=dict)  # method -> duplicates decided this run
    facts: Counter = field(default_factory=Counter)  # fact type -> rows exported
    tables: dict = field(default_factory=dict)  # table -> rows exported


def new_run_id(now: dt.datetime | None = None) -> str:
    """The id of a run in the ``runs`` table (and of a crawl's WARC and table folder): UTC time
    of the start and a random suffix.

    >>> new_run_id(dt.datetime(2017, 5, 15, 9, 30, tzinfo=dt.timezone.utc))[:17]
    '20170515T093000Z-'
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


class Store:
    """Open with :meth:`open` (or as a context manager), close with :meth:`close`."""

    def __init__(self, path: str | Path, dedupe: DedupeSettings):
        self.path = Path(path)
        self.dedupe = dedupe
        self.threshold = dedupe.threshold
        self.num_perm = dedupe.num_perm
        self.min_chars = dedupe.min_chars
        self.bands, self.rows = band_layout(self.threshold, self.num_perm)
        self.layout = RowLayout(self.bands, self.rows, self.min_chars)  # what page_rows needs, for workers too
        self.db: sqlite3.Connection | None = None
        self._pending = 0
        self._legacy = False
        self._changed = False  # this session has stored or removed a page (the generation grew)
        self.touched: set[str] = set()  # months whose exported rows this session may have changed
        self.seeds = Seeds()  # the pages this session changed, for the duplicate decisions

    # -- lifecycle -----------------------------------------------------------------------------
    def open(self) -> "Store":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(self.path.parent, 0o700)
        exists = self.path.exists() and self.path.stat().st_size > 0
        try:
            db = sqlite3.connect(self.path, isolation_level=None)
            db.execute("PRAGMA busy_timeout=10000")
            if exists:  # checked before anything is written to it
                version = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                if version is not None and int(version[0]) < SCHEMA_VERSION:
                    if migrate(db, int(version[0]), DEDUPE_DDL):
                        log.info("state %s: schema %s brought to %d", self.path, version[0], SCHEMA_VERSION)
                        version = (str(SCHEMA_VERSION),)
                if version is None or int(version[0]) != SCHEMA_VERSION:
                    db.close()
                    found = version[0] if version else "none"
                    raise StateError(
                        f"{self.path} is a newsfacts state database of another version ({found}, this newsfacts "
                        f"uses {SCHEMA_VERSION}); move it away and run again over the same inputs to rebuild it")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if not exists:
                db.executescript(DDL)
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"state database {self.path} cannot be used ({exc}); it is not a newsfacts database or is "
                "damaged: move it away (it is never silently replaced) and rerun to rebuild from the inputs"
            ) from None
        self.db = db
        self._legacy = has_legacy(db)  # rows of schema 3 that a page read again may replace
        if "sort_key" not in {c[1] for c in db.execute("PRAGMA table_info(dedupe)")}:
            db.execute("DROP TABLE IF EXISTS dedupe")  # decisions of an earlier version: made again
        for statement in DEDUPE_DDL.split(";"):
            if statement.strip():
                db.execute(statement)
        self.deduper = Deduper(db, self.threshold, self.min_chars)
        db.execute(MONTH_INDEX)
        self.generation_at_open = self.generation()
        self.db.execute("BEGIN")
        return self

    def close(self) -> None:
        if self.db is not None:
            try:
                if self.db.in_transaction:
                    self.db.execute("COMMIT")
            finally:
                self.db.close()
                self.db = None

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, exc_type, exc, tb) -> None:
        # SQLite finds damage inside the file (or a full disk) only when it reads or writes the
        # page concerned, so anywhere in a run: one StateError naming the file, never a traceback.
        try:
            if isinstance(exc, sqlite3.DatabaseError) and self.db is not None:
                self.db.close()  # nothing more is committed to a database that failed
                self.db = None
            self.close()
        except sqlite3.DatabaseError as err:
            exc = exc or err
        if isinstance(exc, sqlite3.DatabaseError) and self.failed(exc) is not None:
            raise self.failed(exc) from None

    def failed(self, exc: sqlite3.DatabaseError) -> StateError | None:
        """The error for the user when the database fails in use (damaged inside, disk full,
        unreadable); None for an error of the program itself (a bug: its traceback helps)."""
        text = str(exc).lower()
        if "i/o error" in text:
            return StateError(f"state database {self.path} cannot be read or written ({exc}); check the disk "
                              "and the folder, then run again")
        if not any(word in text for word in ("malformed", "not a database", "corrupt", "full")):
            return None
        if "full" in text:
            return StateError(f"state database {self.path}: {exc}; free space on that disk and run again "
                              "(pages already stored are kept)")
        return StateError(
            f"state database {self.path} is damaged ({exc}): move it away (it is never silently replaced) "
            "and run again over all the inputs to rebuild it; the tables written before are unchanged")

    def add_tables(self, ddl: str) -> None:
        """Create the tables of another stage (the crawler's) in this database."""
        assert self.db is not None
        self.db.execute("COMMIT")
        self.db.executescript(ddl)  # executescript commits by itself
        self.db.execute("BEGIN")

    def commit(self) -> None:
        assert self.db is not None
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")
        self._pending = 0

    # -- writing -------------------------------------------------------------------------------
    def put(self, result: PageResult, run_id: str) -> None:
        """Insert or replace one page with its facts, projects and LSH bands."""
        self.put_rows(page_rows(result, self.layout), run_id)

    def put_rows(self, rows: PageRows, run_id: str) -> None:
        """:meth:`put` of a page whose rows were made already (by a worker process: ``rows.page_rows``)."""
        db = self.db
        assert db is not None
        loc = rows.key  # the row's key; rows.location is what the tables show
        self._grow_generation()
        self._touch(loc)
        self.seeds.note(db, loc)
        self.touched.add(rows.month)
        if self._legacy and (old := same_legacy_page(db, rows.location, loc, rows.sha1)):
            self.forget(old)  # stored by an earlier schema under its location: this page again
        for table in ("facts", "projects", "lsh", "signatures"):
            db.execute(f"DELETE FROM {table} WHERE page_key=?", (loc,))
        article = rows.article
        db.execute("INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (*article[:18], run_id, _now(), *article[18:]))
        db.executemany(f"INSERT INTO facts VALUES (?,?,{','.join('?' * len(FACT_COLUMNS))})", rows.facts)
        db.executemany("INSERT INTO projects VALUES (?,?,?,?,?,?,?)", rows.projects)
        if rows.signature is not None:
            db.execute("INSERT INTO signatures VALUES (?,?)", (loc, rows.signature))
            db.executemany("INSERT OR IGNORE INTO lsh VALUES (?,?)", rows.bands)
        self._pending += 1
        if self._pending >= 500:
            self.commit()

    def forget(self, key: str, location: str | None = None) -> None:
        """Remove the page stored under ``key``: a page stored as an article of its own that a
        later run joined into another page's article (its page 2, 3 ...; ``location`` finds it
        also as a row of an earlier schema); its duplicate decision is made again."""
        assert self.db is not None
        self._grow_generation()
        keys = [key]
        if location is not None and self._legacy and (old := same_legacy_page(self.db, location, key, None)):
            keys.append(old)
        for k in keys:
            self._touch(k)
            self.seeds.note(self.db, k)
            for table in ("articles", "facts", "projects", "lsh", "signatures", "dedupe"):
                self.db.execute(f"DELETE FROM {table} WHERE page_key=?", (k,))

    def _touch(self, key: str) -> None:
        """Note the month of the stored page ``key`` (its rows change or go)."""
        row = self.db.execute(f"SELECT {MONTH} FROM articles a WHERE page_key=?", (key,)).fetchone()
        if row:
            self.touched.add(row[0])

    def months(self) -> list[str]:
        """The months that hold articles, in order (``unknown`` last)."""
        rows = self.db.execute(f"SELECT DISTINCT {MONTH} FROM articles a").fetchall()
        return sorted((r[0] for r in rows), key=lambda m: (m == "unknown", m))

    def generation(self) -> int:
        """How many sessions have changed the pages (tables written from an older one are owed
        an export: pipeline.store.tableset)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def _grow_generation(self) -> None:
        if not self._changed:  # once per session, in the transaction of its first change
            self.db.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) "
                            "DO UPDATE SET value = CAST(value AS INTEGER) + 1")
            self._changed = True

    def record_run(self, run_id: str, started_at: str, inputs: list[str], summary: dict) -> None:
        assert self.db is not None
        self.db.execute(
            "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?)",
            (run_id, started_at, _now(), json.dumps(inputs, ensure_ascii=False),
             json.dumps(summary, ensure_ascii=False, sort_keys=True)),
        )
        self.commit()

    # -- duplicates ----------------------------------------------------------------------------
    def assign_duplicates(self) -> dict[str, int]:
        """Decide ids and originals (pipeline.store.dedupe): of the pages this session's changes
        may concern, or of all pages; returns the duplicates of the state by method."""
        db = self.db
        assert db is not None
        self.commit()
        keys = self.deduper.plan(self.seeds)
        # What those pages export now, to find the months whose rows the new decisions change.
        db.execute("DROP TABLE IF EXISTS temp.decided_before")
        db.execute(f"CREATE TEMP TABLE decided_before AS {_DECIDED}")
        if keys is not None:
            db.execute("DELETE FROM temp.decided_before WHERE page_key NOT IN (SELECT value FROM json_each(?))",
                       (json.dumps(sorted(keys)),))
        self.deduper.decide(keys)
        scope = "" if keys is None else "WHERE now.page_key IN (SELECT value FROM json_each(?))"
        changed = db.execute(
            f"""SELECT DISTINCT now.month FROM ({_DECIDED}) now LEFT JOIN temp.decided_before b USING (page_key)
                {scope} {"AND" if scope else "WHERE"} (b.page_key IS NULL OR b.article_id IS NOT now.article_id
                   OR b.original IS NOT now.original OR b.method IS NOT now.method
                   OR b.similarity IS NOT now.similarity)""", () if keys is None else (json.dumps(sorted(keys)),)).fetchall()
        self.touched.update(m for (m,) in changed)
        db.execute("DROP TABLE temp.decided_before")
        self.seeds = Seeds()
        self.commit()
        counts = {"url": 0, "exact": 0, "near": 0}
        counts.update(db.execute("SELECT method, COUNT(*) FROM dedupe WHERE method IS NOT NULL GROUP BY method"))
        return counts

    # -- reading for export ------------------------------------------------------------------
    def iter_articles(self, run_id: str | None = None, month: str | None = None) -> Iterator[dict]:
        """All articles, or only those written by run ``run_id``, or published in ``month``
        (``YYYY-MM``, ``unknown``: the partitions of pipeline.store.partitions)."""
        where, params = _where(run_id, month)
        cur = self.db.execute(
            f"""SELECT d.article_id, a.location, a.url, a.site, a.title, a.original_title, a.published_at,
                      a.source_name, a.authors, a.editor, a.content, a.tokens, a.n_chars, a.content_sha1,
                      o.article_id, d.similarity, a.fetched_at, a.economic
               FROM articles a JOIN dedupe d USING (page_key)
               LEFT JOIN dedupe o ON o.page_key = d.duplicate_of
               {where}
               ORDER BY d.article_id, a.location, a.page_key""", params)
        names = [c for c, _ in ARTICLES]
        for row in batched_rows(cur):
            rec = dict(zip(names, row))  # tokens stay space-joined text until the writer
            if rec["duplicate_of"] is None:
                rec["dup_similarity"] = None
            if rec["economic"] is not None:
                rec["economic"] = bool(rec["economic"])
            yield rec

    def iter_facts(self, run_id: str | None = None, as_tuples: bool = False, month: str | None = None) -> Iterator:
        """Facts of original articles as dicts, or (``as_tuples``) as tuples in the order of tables.FACTS."""
        where, params = _where(run_id, month, originals=True)
        values = ", ".join("f." + c for c in FACT_COLUMNS if c not in ("fact_type", "subject", "project"))
        cur = self.db.execute(
            f"""SELECT {fact_id_sql("d.article_id", "f.ordinal")}, d.article_id, f.fact_type, f.subject,
                       {project_id_sql("d.article_id", "f.project")}, {values}
                FROM facts f JOIN dedupe d USING (page_key) JOIN articles a USING (page_key)
                {where}
                ORDER BY d.article_id, f.ordinal""", params)
        if as_tuples:
            yield from batched_rows(cur)
            return
        names = [c for c, _ in FACTS]
        for row in batched_rows(cur):
            yield dict(zip(names, row))

    def iter_projects(self, run_id: str | None = None, month: str | None = None) -> Iterator[dict]:
        where, params = _where(run_id, month, originals=True)
        cur = self.db.execute(
            f"""SELECT d.article_id, p.page_key, p.ordinal, p.name, p.company, p.region, p.status, p.stage
               FROM projects p JOIN dedupe d USING (page_key) JOIN articles a USING (page_key)
               {where}
               ORDER BY d.article_id, p.ordinal""", params)
        # The investment and capacity facts of a page are read once for all its projects (one
        # query per article, not per project: an article names eight projects on average).
        page_key, by_project = None, {}
        for article_id, key, ordinal, name, company, region, status, stage in batched_rows(cur):
            if key != page_key:
                page_key, by_project = key, {}
                for project, *fact in self.db.execute(
                        "SELECT project, fact_type, value, unit, product FROM facts WHERE page_key=? "
                        "AND project IS NOT NULL AND fact_type IN ('investment', 'capacity') ORDER BY ordinal", (key,)):
                    by_project.setdefault(project, []).append(tuple(fact))
            yield project_values(article_id, Project(ordinal, name, company, region, status, stage),
                                 by_project.get(ordinal, ()))

    def iter_duplicates(self, run_id: str | None = None, month: str | None = None) -> Iterator[dict]:
        where, params = _where(run_id, month)
        cur = self.db.execute(
            f"""SELECT d.article_id, o.article_id, d.method, d.similarity FROM dedupe d
               JOIN dedupe o ON o.page_key = d.duplicate_of JOIN articles a ON a.page_key = d.page_key
               {where} ORDER BY d.article_id""", params)
        for article_id, original, method, sim in batched_rows(cur):
            yield {"article_id": article_id, "duplicate_of": original, "method": method, "similarity": sim}

    def content_sha1_of(self, key: str) -> str | None:
        row = self.db.execute("SELECT content_sha1 FROM articles WHERE page_key=?", (key,)).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        db = self.db
        return {
            "articles": db.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
            "duplicates": db.execute("SELECT COUNT(*) FROM dedupe WHERE duplicate_of IS NOT NULL").fetchone()[0],
        }


# What each page's rows show of the duplicate decision, with the month they are exported in.
_DECIDED = f"""SELECT d.page_key, {MONTH} AS month, d.article_id, o.article_id AS original, d.method, d.similarity
               FROM dedupe d JOIN articles a USING (page_key) LEFT JOIN dedupe o ON o.page_key = d.duplicate_of"""


def _where(run_id: str | None, month: str | None, originals: bool = False) -> tuple[str, list]:
    """The WHERE clause of an export query (a month alone, so that the month index is used)."""
    clauses, params = (["d.duplicate_of IS NULL"] if originals else []), []
    if run_id is not None:
        clauses.append("a.run_id = ?")
        params.append(run_id)
    if month is not None:
        clauses.append(f"{MONTH} = ?")
        params.append(month)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
