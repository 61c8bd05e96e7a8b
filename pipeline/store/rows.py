"""A page's rows for the output tables, in one place for the state store and the Dask dataset.

The ids, the article row before the duplicate decision, a fact's values in table order and
the roll-up of a project (its largest investment, its first capacity) are defined here; the
state store (SQLite) and the per-partition dataset of the Dask engine both use them.

:func:`page_rows` makes the rows the state store inserts for a page (:class:`PageRows`).  Worker
processes make them, so that what travels back to the main process is tuples of plain values
(several times cheaper to pickle and unpickle than the records) and the main process, which
stores every page of a run alone, only runs the inserts.
"""
from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from typing import NamedTuple

from pipeline.records import PageResult, Project
from pipeline.store.minhash import band_keys, from_blob
from pipeline.urls import identity_url

# The values of a Fact stored and exported, in the order of tables.FACTS (ids aside).
FACT_COLUMNS = ("fact_type", "subject", "project", "metric", "value", "value_max", "unit", "per", "product",
                "direction", "approx", "region", "period", "raw_text", "sentence", "char_start", "char_end",
                "region_code", "confidence")
fact_values = operator.attrgetter(*FACT_COLUMNS)  # a Fact's column values as one tuple, in C


def fact_id(article_id: str, ordinal: int) -> str:
    """The id of an article's ``ordinal``-th fact (1-based).

    >>> fact_id("def5c20bc698f4c5", 3)
    'def5c20bc698f4c5-3'
    """
    return f"{article_id}-{ordinal}"


def project_id(article_id: str, ordinal: int | None) -> str | None:
    """The id of an article's ``ordinal``-th project; None for a fact of no project.

    >>> project_id("def5c20bc698f4c5", 1), project_id("def5c20bc698f4c5", None)
    ('def5c20bc698f4c5-p1', None)
    """
    return f"{article_id}-p{ordinal}" if ordinal else None


def fact_id_sql(article_id: str, ordinal: str) -> str:
    """:func:`fact_id` as an SQL expression of the SQL expressions ``article_id`` and ``ordinal``
    (an INTEGER column): the same text, made by SQLite without a call into Python per row."""
    return f"({article_id} || '-' || {ordinal})"


def project_id_sql(article_id: str, ordinal: str) -> str:
    """:func:`project_id` as an SQL expression (NULL for a fact of no project, as 0 or NULL give None)."""
    return f"(CASE WHEN {ordinal} THEN {article_id} || '-p' || {ordinal} END)"


CHINA_TIME = dt.timezone(dt.timedelta(hours=8))  # tables.UTC_OFFSET: China has one time zone, no DST


def published_precision(published_at: str | None) -> str | None:
    """How precise a ``published_at`` text is: ``day`` (a bare date), ``minute`` (a time of day
    is given; seconds are kept as the page shows them) or None (no date).

    >>> published_precision("2006-08-21"), published_precision("2018-08-22T07:20:00+08:00"), published_precision("")
    ('day', 'minute', None)
    """
    if not published_at:
        return None
    return "minute" if len(published_at) > 10 else "day"


def published_moment(published_at: str | None) -> dt.datetime | None:
    """A ``published_at`` text as an aware datetime at +08:00: a bare date is its midnight.

    >>> published_moment("2006-08-21").isoformat(), published_moment("2018-08-22T07:20:00+08:00").isoformat()
    ('2006-08-21T00:00:00+08:00', '2018-08-22T07:20:00+08:00')
    >>> published_moment("2018-08-21T23:20:00Z").isoformat(), published_moment(None)
    ('2018-08-22T07:20:00+08:00', None)
    """
    if not published_at:
        return None
    moment = dt.datetime.fromisoformat(published_at)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA_TIME)
    return moment.astimezone(CHINA_TIME)


def article_values(result: PageResult) -> dict:
    """The columns of the articles table that a page has before duplicates are decided."""
    a = result.article
    return {
        "article_id": a.article_id, "location": a.location, "url": a.url, "site": a.site, "title": a.title,
        "original_title": a.original_title, "published_at": a.published_at, "source_name": a.source_name,
        "authors": ";".join(a.authors), "editor": a.editor, "content": a.content, "tokens": " ".join(a.tokens),
        "n_chars": a.n_chars, "content_sha1": result.sha1, "fetched_at": a.fetched_at, "economic": a.economic,
    }  # published_precision is derived from published_at when a table is written (export.DERIVED)


def project_values(article_id: str, project: Project, facts: Iterable[tuple[str, float, str, str | None]]) -> dict:
    """A row of the projects table.  ``facts``: (fact_type, value, unit, product) of the project's
    facts in article order.  The total investment is the largest investment (the first of equal
    ones), the capacity the first capacity.

    >>> row = project_values("a1", Project(1, "空调项目"), [("capacity", 7e6, "套", "空调"),
    ...                      ("investment", 2.19e9, "CNY", None), ("investment", 1e9, "CNY", None)])
    >>> row["total_investment"], row["currency"], row["capacity"], row["product"]
    (2190000000.0, 'CNY', 7000000.0, '空调')
    """
    investment = capacity = None
    for fact_type, value, unit, product in facts:
        if fact_type == "investment" and (investment is None or value > investment[0]):
            investment = (value, unit)
        elif fact_type == "capacity" and capacity is None:
            capacity = (value, unit, product)
    return {
        "project_id": project_id(article_id, project.ordinal), "article_id": article_id, "name": project.name,
        "company": project.company, "region": project.region, "status": project.status,
        "total_investment": investment[0] if investment else None, "currency": investment[1] if investment else None,
        "capacity": capacity[0] if capacity else None, "capacity_unit": capacity[1] if capacity else None,
        "product": capacity[2] if capacity else None, "stage": project.stage,
    }


class RowLayout(NamedTuple):
    """What the state store needs to make a page's rows: its LSH band layout and the shortest
    body that gets a signature (``Store.layout``; small and picklable, for worker processes)."""

    bands: int
    rows: int
    min_chars: int


class PageRows(NamedTuple):
    """A page's rows for the state store (``Store.put_rows``), in the column order of its tables.

    ``article`` lacks the run's columns (run id, time stored), which the store adds."""

    key: str  # page_key
    location: str
    sha1: str
    month: str  # the partition of its rows: publication month or 'unknown'
    article: tuple  # articles columns up to fetched_at ... flags, then economic, location
    facts: list  # (page_key, ordinal, *FACT_COLUMNS values)
    projects: list  # (page_key, ordinal, name, company, region, status, stage)
    signature: bytes | None  # None: no signature kept (none made, or a body below min_chars)
    bands: list  # (band_key, page_key) of the signature's LSH bands


def page_rows(result: PageResult, layout: RowLayout) -> PageRows:
    """The state store's rows of one page (made where the page was read, see the module docstring)."""
    a = result.article
    row = article_values(result)
    key = result.page_key
    sha1 = result.sha1
    article = (key, identity_url(a.url) or "loc:" + a.location, int(result.found_url_is_clean),
               row["url"], row["site"], row["title"], row["original_title"], row["published_at"], row["source_name"],
               row["authors"], row["editor"], row["content"], row["tokens"], row["n_chars"], sha1, row["fetched_at"],
               a.encoding, ";".join(a.flags), row["economic"], a.location)
    signature = result.signature if result.signature is not None and a.n_chars >= layout.min_chars else None
    bands = [] if signature is None else [(k, key) for k in band_keys(from_blob(signature), layout.bands, layout.rows)]
    return PageRows(key, a.location, sha1, (row["published_at"] or "unknown")[:7], article,
                    [(key, i, *fact_values(f)) for i, f in enumerate(result.facts, 1)],
                    [(key, p.ordinal, p.name, p.company, p.region, p.status, p.stage) for p in result.projects],
                    signature, bands)
