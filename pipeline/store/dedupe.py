"""Duplicate decisions over the stored pages: each page's id, its original, and how it copies it.

Order: earlier publication first (unknown times last), then the page found under a clean URL,
then location, then key (:func:`order_key`).  Walking that order, a page is a ``url`` duplicate
of the first page with its identity URL, else an ``exact`` duplicate of (the root of) the first
page with its normalized text, else a ``near`` duplicate of (the root of) the earliest earlier
page whose estimated Jaccard similarity reaches the threshold.

A page's decision depends only on the pages it shares an identity URL, a text hash, an LSH band
or a location with, and on the roots they point to.  So a run that stored or removed a few pages
decides again only their *cluster*: every page linked to them, by what they hold now or held
before the run, through those relations and duplicate_of links, transitively.  The other pages
keep their decisions, which are the ones a walk over all pages would give them again (checked
against the full walk on random histories: tests/store/test_dedupe_incremental.py).  A run that
changed more than :data:`FULL_WALK_SHARE` of the pages (the first run, a rebuild) walks them all.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from pipeline.records import short_sha1
from pipeline.store.minhash import from_blob, similarity

# A run that changed more than this share of the stored pages walks all of them: one pass in
# order is cheaper than finding a cluster that is most of the archive anyway.
FULL_WALK_SHARE = 0.2
SEED_LIMIT = 50_000  # changed pages remembered one by one; beyond, the run walks all pages

_SEP = "\x01"  # below every character of the fields: "2018-09-26" sorts before "2018-09-26T09"
ORDER_KEY_SQL = ("(CASE WHEN published_at IS NULL THEN '1' ELSE '0' END) || char(1) || COALESCE(published_at, '')"
                 " || char(1) || (CASE WHEN clean_url THEN '0' ELSE '1' END) || char(1) || location"
                 " || char(1) || page_key")

DEDUPE_DDL = """
CREATE TABLE IF NOT EXISTS dedupe (
    page_key TEXT PRIMARY KEY, article_id TEXT NOT NULL, sort_key TEXT NOT NULL,
    duplicate_of TEXT, method TEXT, similarity REAL, id_key TEXT, own_key TEXT, content_sha1 TEXT,
    n_chars INTEGER);
CREATE INDEX IF NOT EXISTS dedupe_sort ON dedupe(sort_key);
CREATE INDEX IF NOT EXISTS dedupe_id_key ON dedupe(id_key, sort_key);
CREATE INDEX IF NOT EXISTS dedupe_sha1 ON dedupe(content_sha1, sort_key);
CREATE INDEX IF NOT EXISTS dedupe_original ON dedupe(duplicate_of);
"""

# The columns of a page's dedupe row that come from its article row.  A page's own id comes from
# its location (SCHEMA.md) unless other pages share that location (the same relative path in two
# inputs): then from its key, for all of them.
_ROW_SQL = f"""SELECT page_key, '', {ORDER_KEY_SQL},
                      CASE WHEN shared AND id_key LIKE 'loc:%' THEN 'key:' || page_key ELSE id_key END,
                      CASE WHEN shared THEN 'key:' || page_key ELSE 'loc:' || location END,
                      content_sha1, n_chars
               FROM (SELECT page_key, published_at, clean_url, location, id_key, content_sha1, n_chars,
                            (SELECT COUNT(*) FROM articles b WHERE b.location = a.location) > 1 AS shared
                     FROM articles a {{where}})"""


def order_key(published_at: str | None, clean_url: bool, location: str, page_key: str) -> str:
    """The walk order as one text (what ORDER_KEY_SQL computes in the database).

    >>> order_key("2018-09-26", True, "a.html", "k") < order_key("2018-09-26T09:30", True, "a.html", "k")
    True
    >>> order_key(None, True, "a", "k") > order_key("2030-01-01", False, "z", "z")
    True
    """
    return _SEP.join(("1" if published_at is None else "0", published_at or "", "0" if clean_url else "1",
                      location, page_key))


class Seeds:
    """What a session changed, as the dedupe walk needs it: the keys of the pages stored or
    removed, and what those pages held before (so the pages they were linked to are found too)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.values: dict[str, set] = {"id_key": set(), "content_sha1": set(), "location": set(), "band": set()}
        self.overflow = False

    def note(self, db: sqlite3.Connection, key: str) -> None:
        """Call before the page ``key`` is replaced or removed."""
        if self.overflow:
            return
        self.keys.add(key)
        if len(self.keys) > SEED_LIMIT:
            self.overflow = True
            self.values = {name: set() for name in self.values}
            return
        row = db.execute("SELECT d.id_key, d.content_sha1, a.location FROM dedupe d JOIN articles a USING (page_key) "
                         "WHERE page_key=?", (key,)).fetchone()
        if row:
            for name, value in zip(("id_key", "content_sha1", "location"), row):
                self.values[name].add(value)
        self.values["band"].update(b for (b,) in db.execute("SELECT band_key FROM lsh WHERE page_key=?", (key,)))


class Deduper:
    """Decides duplicates in the state database ``db`` (tables dedupe, articles, lsh, signatures)."""

    def __init__(self, db: sqlite3.Connection, threshold: float, min_chars: int):
        self.db, self.threshold, self.min_chars = db, threshold, min_chars

    def plan(self, seeds: Seeds) -> set[str] | None:
        """The pages to decide again after the changes of ``seeds``: their cluster, or None for
        all pages (a first run, a rebuild, or changes to much of the archive)."""
        db = self.db
        total = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        decided = db.execute("SELECT COUNT(*) FROM dedupe").fetchone()[0]
        if seeds.overflow or decided <= len(seeds.keys) or len(seeds.keys) > FULL_WALK_SHARE * total:
            return None
        return self.cluster(seeds)

    def decide(self, keys: set[str] | None) -> None:
        """Decide the pages ``keys`` (None: all pages) again, in order."""
        if keys is None:
            self._walk_all()
            return
        db = self.db
        db.executemany("DELETE FROM dedupe WHERE page_key=?", ((k,) for k in keys))
        rows = []
        for chunk in _chunks(sorted(keys), 500):
            marks = ",".join("?" * len(chunk))
            db.execute(f"INSERT INTO dedupe (page_key, article_id, sort_key, id_key, own_key, content_sha1, n_chars) "
                       f"{_ROW_SQL.format(where=f'WHERE page_key IN ({marks})')}", chunk)
            rows += db.execute(f"SELECT page_key, sort_key, id_key, own_key, content_sha1, n_chars FROM dedupe "
                               f"WHERE page_key IN ({marks})", chunk).fetchall()
        self._walk(sorted(rows, key=lambda r: r[1]))

    def _walk_all(self) -> None:
        """Decide every page, in order (bulk insert first, indexes after: faster)."""
        db = self.db
        for index in ("dedupe_sort", "dedupe_id_key", "dedupe_sha1", "dedupe_original"):
            db.execute(f"DROP INDEX IF EXISTS {index}")
        db.execute("DELETE FROM dedupe")
        db.execute(f"INSERT INTO dedupe (page_key, article_id, sort_key, id_key, own_key, content_sha1, n_chars) "
                   f"{_ROW_SQL.format(where='')}")
        for statement in DEDUPE_DDL.split(";")[1:]:
            if statement.strip():
                db.execute(statement)
        self._walk(batched_rows(db.execute("SELECT page_key, sort_key, id_key, own_key, content_sha1, n_chars "
                                    "FROM dedupe ORDER BY sort_key")))

    def cluster(self, seeds: Seeds) -> set[str]:
        """The pages linked, transitively, to the changed pages or to what they held before."""
        db = self.db
        todo = {k for k in seeds.keys if db.execute("SELECT 1 FROM articles WHERE page_key=?", (k,)).fetchone()}
        for name in ("id_key", "content_sha1"):
            for value in seeds.values[name]:
                todo.update(k for (k,) in db.execute(f"SELECT page_key FROM dedupe WHERE {name}=?", (value,)))
        for value in seeds.values["location"]:
            todo.update(k for (k,) in db.execute("SELECT page_key FROM articles WHERE location=?", (value,)))
        for band in seeds.values["band"]:
            todo.update(k for (k,) in db.execute("SELECT page_key FROM lsh WHERE band_key=?", (band,)))
        seen: set[str] = set()
        while todo:
            key = todo.pop()
            if key in seen:
                continue
            seen.add(key)
            todo.update(set(self._linked(key)) - seen)
        return seen

    def _linked(self, key: str) -> Iterator[str]:
        """The pages one relation away from ``key``, by what it holds now and what it was decided as."""
        db = self.db
        article = db.execute("SELECT id_key, content_sha1, location FROM articles WHERE page_key=?", (key,)).fetchone()
        if article is None:
            return
        id_key, sha1, location = article
        queries = [("SELECT page_key FROM dedupe WHERE id_key=?", (id_key,)),
                   ("SELECT page_key FROM dedupe WHERE id_key=?", ("key:" + key,)),
                   ("SELECT page_key FROM dedupe WHERE content_sha1=?", (sha1,)),
                   ("SELECT page_key FROM articles WHERE location=?", (location,)),
                   ("SELECT page_key FROM dedupe WHERE duplicate_of=?", (key,)),
                   ("SELECT duplicate_of FROM dedupe WHERE page_key=? AND duplicate_of IS NOT NULL", (key,)),
                   ("SELECT l2.page_key FROM lsh l1 JOIN lsh l2 USING (band_key) WHERE l1.page_key=?", (key,))]
        old = db.execute("SELECT id_key, content_sha1 FROM dedupe WHERE page_key=?", (key,)).fetchone()
        if old:  # what it was decided under (an article changed in place)
            queries += [("SELECT page_key FROM dedupe WHERE id_key=?", (old[0],)),
                        ("SELECT page_key FROM dedupe WHERE content_sha1=?", (old[1],))]
        for sql, params in queries:
            for (other,) in db.execute(sql, params):
                yield other

    # -- the walk ----------------------------------------------------------------------------
    def _walk(self, rows: Iterable[tuple]) -> None:
        db = self.db
        for key, order, id_key, own_key, sha1, n_chars in rows:
            original, method, sim = self._find_original(key, order, id_key, sha1, n_chars)
            # A URL duplicate cannot share the id of its original: its id comes from its location.
            own_id = id_from_key(own_key if method == "url" else id_key)
            # Written at once: later pages look up the roots decided here.
            db.execute("UPDATE dedupe SET article_id=?, duplicate_of=?, method=?, similarity=? WHERE page_key=?",
                       (own_id, original, method, sim, key))

    def _find_original(self, key, order, id_key, sha1, n_chars):
        db = self.db
        row = db.execute("SELECT page_key FROM dedupe WHERE id_key=? AND sort_key<? ORDER BY sort_key LIMIT 1",
                         (id_key, order)).fetchone()
        if row:
            return row[0], "url", 1.0
        row = db.execute("SELECT page_key FROM dedupe WHERE content_sha1=? AND sort_key<? ORDER BY sort_key LIMIT 1",
                         (sha1, order)).fetchone()
        if row:
            return self._root(row[0]), "exact", 1.0
        if n_chars < self.min_chars:
            return None, None, None
        row = db.execute("SELECT signature FROM signatures WHERE page_key=?", (key,)).fetchone()
        if row is None:
            return None, None, None
        sig = from_blob(row[0])
        # Earlier pages sharing a band, in order; signatures are read only until one matches.
        candidates = db.execute(
            "SELECT DISTINCT d.sort_key, d.page_key FROM lsh l JOIN dedupe d USING (page_key) "
            "WHERE l.band_key IN (SELECT band_key FROM lsh WHERE page_key=?) AND d.sort_key<? "
            "ORDER BY d.sort_key", (key, order)).fetchall()
        for _, cand_key in candidates:
            cand_sig = db.execute("SELECT signature FROM signatures WHERE page_key=?", (cand_key,)).fetchone()[0]
            sim = similarity(sig, from_blob(cand_sig))
            if sim >= self.threshold:
                return self._root(cand_key), "near", round(sim, 4)
        return None, None, None

    def _root(self, key: str) -> str:
        """Follow duplicate_of to the original of a cluster (already decided: earlier in order)."""
        row = self.db.execute("SELECT duplicate_of FROM dedupe WHERE page_key=?", (key,)).fetchone()
        return row[0] if row and row[0] else key


def id_from_key(id_key: str) -> str:
    """The id of a URL (``id_key`` as it is), a location (``loc:``) or a page key (``key:``)."""
    return short_sha1(id_key[4:] if id_key.startswith(("loc:", "key:")) else id_key)


def batched_rows(cur: sqlite3.Cursor, size: int = 500) -> Iterator[tuple]:
    """Rows of a cursor in batches, so a large table never sits in memory at once."""
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        yield from rows


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
