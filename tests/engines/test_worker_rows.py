"""Worker processes send the state store's rows of each article (given the store's layout): the
rows this process makes of the same result, in input order, Skips in their place; a batch run
with two workers stores and exports what a run with one does."""
from __future__ import annotations

import sqlite3

from pipeline.config import default_settings
from pipeline.engines.local import process_all
from pipeline.engines.run import run
from pipeline.errors import Skip
from pipeline.page import safe_process_pages
from pipeline.records import RawPage
from pipeline.store.rows import PageRows, page_rows
from pipeline.store.state import Store
from tests.conftest import SAMPLES


def articles() -> list:
    pages = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".html", ".htm", ".shtml"))[:5]
    items = [[RawPage(location=p.name, body=p.read_bytes(), key=f"file:{p}")] for p in pages]
    items.insert(2, [RawPage(location="empty.html", body=b"<html><body></body></html>")])  # no article: a Skip
    return items


def test_workers_send_the_rows_this_process_makes(tmp_path):
    settings = default_settings()
    layout = Store(tmp_path / "s.sqlite", settings.dedupe).layout
    given = articles()
    expected = []
    for article in given:
        result = safe_process_pages(article, settings)
        expected.append(result if isinstance(result, Skip) else page_rows(result, layout))
    for workers in (2, 1):
        got = list(process_all(given, settings, workers, lambda: None, page_timeout_s=60, layout=layout))
        assert [type(x) for x in got] == [type(x) for x in expected] and isinstance(got[0], PageRows)
        assert [x for x in got if isinstance(x, PageRows)] == [x for x in expected if isinstance(x, PageRows)]
        assert [x.location for x in got if isinstance(x, Skip)] == ["empty.html"]


def test_two_workers_store_and_write_what_one_does(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for article in articles():
        (folder / article[0].location).write_bytes(article[0].body)
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        summary = run([str(folder)], out, default_settings(), workers=workers)
        assert summary.articles == 5 and sum(summary.skipped.values()) == 1
        db = sqlite3.connect(out / ".state" / "newsfacts.sqlite")
        stored = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("facts", "projects", "lsh")}
        db.close()
        files = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".csv", ".parquet")}
        outs[workers] = stored, files
    assert len(outs[1][1]) == 8
    assert outs[2] == outs[1]


def test_rows_that_cannot_be_made_come_back_as_the_result(tmp_path, monkeypatch):
    # A bug in making rows is not the page's fault: the main process gets the result and its own
    # Store.put makes the rows (and raises), instead of a worker dying on every page.
    from pipeline.engines import pool
    from pipeline.records import PageResult

    def broken(result, layout):
        raise ValueError("bug")

    monkeypatch.setattr(pool, "page_rows", broken)
    settings = default_settings()
    layout = Store(tmp_path / "s.sqlite", settings.dedupe).layout
    assert isinstance(pool.work(articles()[0], settings, layout), PageResult)
