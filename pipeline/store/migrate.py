"""State databases of an earlier schema brought to the current one, in place, in one transaction.

Schema 3 keyed pages by their location, which is relative to the input: two inputs holding
``index.html`` shared one row.  Schema 4 keys them by ``page_key`` (``RawPage.key``).  The old
rows cannot all be given their new key (a WARC record's id is not in the old state), so they
keep ``legacy:LOCATION`` and stay articles; when a run reads a page at that location again, the
page replaces the legacy row if it is the same page: the same text, or the file that the old run
read (its inputs are in the ``runs`` table, named as given, relative to the working folder).
"""
from __future__ import annotations

import json
import os
import sqlite3

from pipeline.records import file_key

LEGACY = "legacy:"
PAGE_TABLES = ("articles", "facts", "projects", "signatures", "lsh")


def migrate(db: sqlite3.Connection, found: int, dedupe_ddl: str) -> bool:
    """Bring ``db`` from schema ``found`` to the current one; False if there is no way."""
    if found != 3:
        return False
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in PAGE_TABLES:
            db.execute(f"ALTER TABLE {table} RENAME COLUMN location TO page_key")
        db.execute("ALTER TABLE articles ADD COLUMN location TEXT")
        db.execute("UPDATE articles SET location = page_key")
        # A fetched page was keyed by its URL, which stays its key; any other old key is a location.
        for table in PAGE_TABLES:
            db.execute(f"UPDATE {table} SET page_key = '{LEGACY}' || page_key "
                       "WHERE page_key NOT LIKE 'http://%' AND page_key NOT LIKE 'https://%'")
        db.execute("CREATE INDEX articles_location ON articles(location)")
        db.execute("DROP TABLE IF EXISTS dedupe")  # rebuilt at every run
        for statement in dedupe_ddl.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("UPDATE meta SET value='4' WHERE key='schema_version'")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return True


def has_legacy(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM articles WHERE page_key >= ? AND page_key < ? LIMIT 1",
                      (LEGACY, LEGACY[:-1] + ";")).fetchone() is not None


def same_legacy_page(db: sqlite3.Connection, location: str, key: str, sha1: str | None) -> str | None:
    """The key of the row an earlier schema stored for the page now read at ``location`` under
    ``key`` (with normalized-text hash ``sha1``), or None if that row is another page."""
    legacy = LEGACY + location
    row = db.execute("SELECT content_sha1, run_id FROM articles WHERE page_key=?", (legacy,)).fetchone()
    if row is None:
        return None
    if sha1 is not None and row[0] == sha1:
        return legacy
    if key.startswith("file:"):
        inputs = db.execute("SELECT inputs FROM runs WHERE run_id=?", (row[1],)).fetchone()
        for given in json.loads(inputs[0]) if inputs else []:
            # a folder holds the page at location; a file given alone is the page
            if key in (file_key(os.path.join(given, location)), file_key(given)):
                return legacy
    return None
