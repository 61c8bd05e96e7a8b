"""Rows made away from the store (in a worker, sent back pickled) store what ``Store.put`` stores;
the ids SQLite makes for the export are the ids of pipeline.store.rows; the export's fast cell
writers give the cells of the per-cell functions."""
from __future__ import annotations

import math
import pickle
import sqlite3

import pytest

from pipeline.config import default_settings
from pipeline.page import process_page
from pipeline.records import RawPage
from pipeline.store import export
from pipeline.store.export import export_tables
from pipeline.store.helper import ExportHelper
from pipeline.store.rows import fact_id, fact_id_sql, page_rows, project_id, project_id_sql
from pipeline.store.state import Store
from tests.conftest import SAMPLES

TABLES = ("articles", "facts", "projects", "signatures", "lsh")


@pytest.fixture(scope="module")
def results():
    pages = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".html", ".htm", ".shtml"))[:6]
    found = [process_page(RawPage(location=p.name, body=p.read_bytes(), key=f"file:{p}")) for p in pages]
    assert any(r.facts for r in found) and any(r.projects for r in found)
    return found


def table_rows(store: Store) -> dict[str, list]:
    out = {}
    for table in TABLES:
        cur = store.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
        names = [c[0] for c in cur.description]
        out[table] = [{k: v for k, v in zip(names, row) if k != "updated_at"} for row in cur]
    return out


def test_rows_made_by_a_worker_store_what_put_stores(tmp_path, results):
    settings = default_settings()
    with Store(tmp_path / "put.sqlite", settings.dedupe) as by_put, \
            Store(tmp_path / "rows.sqlite", settings.dedupe) as by_rows:
        for result in results:
            by_put.put(result, "run-1")
            sent = pickle.loads(pickle.dumps(page_rows(result, by_rows.layout)))  # as a worker sends them
            by_rows.put_rows(sent, "run-1")
        by_put.commit()
        by_rows.commit()
        assert table_rows(by_rows) == table_rows(by_put)
        assert by_rows.touched == by_put.touched and by_rows.seeds.keys == by_put.seeds.keys
        assert by_rows.assign_duplicates() == by_put.assign_duplicates()
        assert list(by_rows.iter_articles()) == list(by_put.iter_articles())
        assert list(by_rows.iter_facts()) == list(by_put.iter_facts())


def test_a_short_body_gets_no_signature_rows(results):
    result = results[0]
    layout = Store(":memory:", default_settings().dedupe).layout._replace(min_chars=result.article.n_chars + 1)
    rows = page_rows(result, layout)
    assert rows.signature is None and rows.bands == []
    assert page_rows(result, layout._replace(min_chars=0)).bands


@pytest.mark.parametrize("ordinal", [1, 3, 12, 0, None])
def test_the_ids_sqlite_makes_are_those_of_rows(ordinal):
    db = sqlite3.connect(":memory:")
    article_id = "def5c20bc698f4c5"
    made = db.execute(f"SELECT {fact_id_sql(':a', ':o')}, {project_id_sql(':a', ':o')}",
                      {"a": article_id, "o": ordinal}).fetchone()
    assert made[1] == project_id(article_id, ordinal)
    if ordinal is not None:
        assert made[0] == fact_id(article_id, ordinal)


def test_number_cells_are_those_of_number_cell():
    values = [None, 0, 7, -3, 10**20, 0.0, -0.0, 1.0, 2190000000.0, 12.9, -3.2, 1e16, 1e17, -1e17, 1.5e17, 1e-7,
              5e-324, math.nan, math.inf, -math.inf, True, False, 0.1 + 0.2, 123456789.123]
    assert export._number_cells(values) == [export._number_cell(v) for v in values]


def test_category_cells_are_those_of_text_cell():
    values = ["investment", None, "", "=1", "+86", "investment", "-5%", None, "年"]
    assert export._csv_column(values, "category", None) == [export._text_cell(v) for v in values]


def test_a_warm_helper_writes_the_tables_one_process_writes(tmp_path, results):
    settings = default_settings()
    with Store(tmp_path / "state.sqlite", settings.dedupe) as store:
        for result in results:
            store.put(result, "run-1")
        store.assign_duplicates()
        alone = export_tables(store, tmp_path / "alone", workers=1)
        with ExportHelper(export.load_writers) as helper:
            helped = export_tables(store, tmp_path / "helped", workers=2, helper=helper)
    assert helped == alone
    names = sorted(p.name for p in (tmp_path / "alone").iterdir() if not p.name.startswith("."))
    assert len(names) == 8 and names == sorted(p.name for p in (tmp_path / "helped").iterdir()
                                               if not p.name.startswith("."))
    for name in names:
        assert (tmp_path / "alone" / name).read_bytes() == (tmp_path / "helped" / name).read_bytes(), name
