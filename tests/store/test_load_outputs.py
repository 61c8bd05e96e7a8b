"""load_outputs: typed frames (dtypes, published_precision), the confidence filter, the Parquet
schema agreeing with the frames, and the outputs of older runs read the same way."""
from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.store.export import load_outputs, write_table
from pipeline.store.rows import published_moment, published_precision
from pipeline.tables import TABLES, VOCABULARIES

CHINA = dt.timezone(dt.timedelta(hours=8))
DTYPE_OF_KIND = {
    "str": lambda d: isinstance(d, pd.StringDtype),
    "category": lambda d: isinstance(d, pd.CategoricalDtype),
    "datetime": lambda d: d == pd.DatetimeTZDtype("us", CHINA),
    "tokens": lambda d: d == object,
    "int": lambda d: d == "int64",
    "float": lambda d: d == "float64",
    "float?": lambda d: d == "Float64",
    "bool": lambda d: d == "boolean",
}


def _pandas_kind_of_arrow(t: pa.DataType) -> str:
    """The kind whose pandas dtype an Arrow type stands for (float and float? share double)."""
    if pa.types.is_dictionary(t):
        return "category"
    if pa.types.is_timestamp(t):
        assert t.tz == "+08:00" and t.unit == "us", t
        return "datetime"
    if pa.types.is_list(t):
        return "tokens"
    return {pa.string(): "str", pa.int64(): "int", pa.float64(): "float", pa.bool_(): "bool"}[t]


def _assert_same_frames(a: dict, b: dict) -> None:
    for name in TABLES:
        x, y = a[name], b[name]
        if name == "articles":
            assert [list(t) for t in x["tokens"]] == [list(t) for t in y["tokens"]]
            x, y = x.drop(columns="tokens"), y.drop(columns="tokens")
        pd.testing.assert_frame_equal(x, y)


def test_load_outputs_returns_the_dtypes_of_the_tables(corpus_tables):
    for name, columns in TABLES.items():
        df = corpus_tables[name]
        assert list(df.columns) == [c for c, _ in columns]
        for column, kind in columns:
            assert DTYPE_OF_KIND[kind](df[column].dtype), (name, column, df[column].dtype)
    facts = corpus_tables["facts"]
    for column, vocabulary in VOCABULARIES.items():
        for name, df in corpus_tables.items():
            if column in df:
                cats = list(df[column].cat.categories)
                assert cats[: len(vocabulary)] == list(vocabulary), (name, column, cats)
                assert set(df[column].dropna()) <= set(vocabulary), (name, column)
    assert facts["region_code"].dropna().str.fullmatch(r"\d{6}").all()
    assert facts["region_code"].notna().any()
    assert set(facts["unit"].cat.categories) == set(facts["unit"])  # open vocabulary: the values present
    assert corpus_tables["articles"]["economic"].notna().all()


def test_published_at_is_an_instant_at_0800_with_its_precision(corpus_run, corpus_tables):
    out, _ = corpus_run
    arts = corpus_tables["articles"].set_index("location")
    raw = pd.read_csv(out / "articles.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False).set_index("location")
    assert set(raw["published_precision"]) <= {"day", "minute", ""}
    for location, row in arts.iterrows():
        text = raw.loc[location, "published_at"]
        if not text:
            assert pd.isna(row["published_at"]) and pd.isna(row["published_precision"])
        elif len(text) == 10:  # a bare date: its midnight, day precision
            assert row["published_precision"] == "day"
            assert row["published_at"] == pd.Timestamp(text + "T00:00:00+08:00")
        else:
            assert row["published_precision"] == "minute"
            assert row["published_at"].isoformat() == text
        assert raw.loc[location, "published_precision"] == (row["published_precision"] if text else "")
    assert {"day", "minute"} <= set(arts["published_precision"].dropna())
    assert str(arts["published_at"].dt.tz) == "UTC+08:00"


def test_published_helpers():
    assert published_precision(None) is None and published_precision("") is None
    assert published_precision("2005-11-03") == "day"
    assert published_precision("2018-09-26T07:05:30+08:00") == "minute"
    assert published_moment("2005-11-03") == dt.datetime(2005, 11, 3, tzinfo=CHINA)
    assert published_moment("2018-09-26T07:05:30+08:00").utcoffset() == dt.timedelta(hours=8)
    assert published_moment("2018-09-25T23:05:30+00:00") == dt.datetime(2018, 9, 26, 7, 5, 30, tzinfo=CHINA)


def test_min_confidence_keeps_the_confident_facts_only(corpus_run, corpus_tables):
    out, _ = corpus_run
    sure = load_outputs(out, min_confidence=0.8)
    facts = corpus_tables["facts"]
    want = facts[facts["confidence"] >= 0.8]
    assert 0 < len(sure["facts"]) < len(facts)
    assert list(sure["facts"]["fact_id"]) == list(want["fact_id"])
    assert (sure["facts"]["confidence"] >= 0.8).all()
    assert sure["facts"]["confidence"].dtype == "Float64" and sure["facts"].index.equals(pd.RangeIndex(len(want)))
    for name in ("articles", "projects", "duplicates"):  # the other tables are whole
        assert len(sure[name]) == len(corpus_tables[name])
    assert len(load_outputs(out, min_confidence=0)["facts"]) == len(facts)
    with pytest.raises(TypeError, match="fmt="):
        load_outputs(out, "csv")


def test_parquet_schema_agrees_with_load_outputs(corpus_run, corpus_tables):
    out, _ = corpus_run
    for name, columns in TABLES.items():
        schema = pq.read_schema(out / f"{name}.parquet")
        assert schema.names == [c for c, _ in columns]
        df = corpus_tables[name]
        raw = pd.read_parquet(out / f"{name}.parquet")  # what any reader gets without load_outputs
        for field, (column, kind) in zip(schema, columns):
            arrow_kind = _pandas_kind_of_arrow(field.type)
            assert arrow_kind == ("float" if kind == "float?" else kind), (name, column, field.type)
            assert DTYPE_OF_KIND[kind](df[column].dtype), (name, column)
            if kind in ("category", "datetime", "str", "int"):  # no conversion needed on these
                assert DTYPE_OF_KIND[kind](raw[column].dtype), (name, column, raw[column].dtype)


def test_dask_dataset_parts_have_the_table_types():
    from pipeline.engines.dask import dataset_columns
    from pipeline.store.export import arrow_schema

    for name, columns in dataset_columns().items():
        part, table = arrow_schema(columns), arrow_schema(TABLES[name])
        for field in part:
            if field.name in table.names:
                assert field.type == table.field(field.name).type, (name, field.name)


def test_csv_and_parquet_give_the_same_frames(corpus_run, corpus_tables):
    out, _ = corpus_run
    _assert_same_frames(corpus_tables, load_outputs(out, fmt="csv"))


def test_outputs_of_older_runs_load_with_the_same_types(corpus_run, corpus_tables, tmp_path):
    out, _ = corpus_run
    # an older Parquet run: published_at as text, no published_precision, "" for no authors
    old_pq = tmp_path / "old-parquet"
    old_pq.mkdir()
    for name in TABLES:
        table = pq.read_table(out / f"{name}.parquet")
        if name == "articles":
            text = pd.read_csv(out / "articles.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
            table = table.drop_columns(["published_at", "published_precision"])
            table = table.add_column(6, "published_at", pa.array([t or None for t in text["published_at"]], pa.string()))
        else:  # categories as plain text, as before
            table = table.cast(pa.schema([(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
                                          for f in table.schema]))
        pq.write_table(table, old_pq / f"{name}.parquet")
    _assert_same_frames(corpus_tables, load_outputs(old_pq))
    # an older CSV-only run: no Parquet files, no published_precision column
    old_csv = tmp_path / "old-csv"
    old_csv.mkdir()
    for name in TABLES:
        shutil.copy(out / f"{name}.csv", old_csv / f"{name}.csv")
    arts = pd.read_csv(old_csv / "articles.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    arts.drop(columns="published_precision").to_csv(old_csv / "articles.csv", index=False, encoding="utf-8-sig")
    _assert_same_frames(corpus_tables, load_outputs(old_csv))


def test_region_code_read_as_numbers_becomes_text_again(tmp_path):
    for name in TABLES:
        write_table(tmp_path, name, [{"fact_id": "a-1", "fact_type": "indicator", "value": 1.0, "char_start": 0,
                                      "char_end": 1, "region": "鄞州区", "region_code": "330212"}] if name == "facts" else [])
    facts = pd.read_parquet(tmp_path / "facts.parquet")
    facts["region_code"] = [330212.0]  # as a reader that guessed numbers would have written it
    facts.to_parquet(tmp_path / "facts.parquet")
    loaded = load_outputs(tmp_path)["facts"]
    assert list(loaded["region_code"]) == ["330212"] and isinstance(loaded["region_code"].dtype, pd.StringDtype)


def test_empty_tables_load_with_their_types(tmp_path):
    for name in TABLES:
        write_table(tmp_path, name, [])
    tables = load_outputs(tmp_path)
    for name, columns in TABLES.items():
        assert len(tables[name]) == 0
        for column, kind in columns:
            assert DTYPE_OF_KIND[kind](tables[name][column].dtype), (name, column, tables[name][column].dtype)


def test_cells_far_over_128_kib_are_read_back_from_csv(tmp_path):
    """Issue 14, point 18: Python's csv module stops at 131,072 characters a field; a long body
    (a work report, a whole-page transcript) is more.  load_outputs reads such a CSV whole."""
    import csv

    row = {c: None for c, _ in TABLES["articles"]}
    body = "全年完成地区生产总值增长百分之六。" * 30000  # 510,000 characters, ~1.5 MB in UTF-8
    row.update(article_id="a" * 16, location="long.html", content=body, tokens="全年 完成", n_chars=len(body),
               content_sha1="0" * 40)
    write_table(tmp_path, "articles", [row])
    for name in ("facts", "projects", "duplicates"):
        write_table(tmp_path, name, [])
    assert load_outputs(tmp_path, fmt="csv")["articles"]["content"][0] == body
    with open(tmp_path / "articles.csv", encoding="utf-8-sig", newline="") as fh:  # as docs/tables.md says
        limit = csv.field_size_limit()
        try:
            csv.field_size_limit(1 << 30)
            assert list(csv.DictReader(fh, strict=True))[0]["content"] == body
        finally:
            csv.field_size_limit(limit)
