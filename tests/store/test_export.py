"""CSV/Parquet writing: spreadsheet safety, strict re-reading, atomic replacement."""
from __future__ import annotations

import csv

import pytest

from pipeline.store import export
from pipeline.store.export import load_outputs, write_table
from pipeline.store.tableset import finish_interrupted_export
from pipeline.tables import TABLES


def _dup_row(article_id: str, **kw) -> dict:
    return {"article_id": article_id, "duplicate_of": "0" * 16, "method": "near", "similarity": 0.81, **kw}


def _write_all(out, dup_rows):
    for name in TABLES:
        write_table(out, name, dup_rows if name == "duplicates" else [])


def test_formula_cells_are_defused_in_csv_and_kept_raw_in_parquet(tmp_path):
    nasty = ["=HYPERLINK(\"http://x\")", "+86 574", "-5%", "@SUM(A1)", "\t=1", "\r=1", "＝1", "鄞州,\"区\"\n第二行"]
    rows = [_dup_row(f"id{i}", method=v) for i, v in enumerate(nasty)]
    _write_all(tmp_path, rows)
    with open(tmp_path / "duplicates.csv", encoding="utf-8-sig", newline="") as fh:
        read = list(csv.reader(fh, strict=True))
    methods = [r[2] for r in read[1:]]
    assert methods[:6] == ["'" + v for v in nasty[:6]]
    assert methods[6:] == nasty[6:]  # full-width ＝ is not a formula; quotes and newlines survive quoting
    tables = load_outputs(tmp_path)
    assert list(tables["duplicates"]["method"]) == nasty
    assert list(load_outputs(tmp_path, fmt="csv")["duplicates"]["method"]) == nasty


def test_numbers_are_written_plainly(tmp_path):
    write_table(tmp_path, "duplicates", [_dup_row("a", similarity=2190000000.0), _dup_row("b", similarity=None)])
    lines = (tmp_path / "duplicates.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].endswith(",2190000000") and lines[2].endswith(",")


def test_interrupted_write_keeps_the_previous_table(tmp_path, monkeypatch):
    write_table(tmp_path, "duplicates", [_dup_row("old")])
    before = (tmp_path / "duplicates.csv").read_bytes(), (tmp_path / "duplicates.parquet").read_bytes()

    def rows():
        yield _dup_row("new1")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "BATCH_ROWS", 1)
    with pytest.raises(OSError):
        write_table(tmp_path, "duplicates", rows())
    after = (tmp_path / "duplicates.csv").read_bytes(), (tmp_path / "duplicates.parquet").read_bytes()
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if "tmp" in p.name] == []


def test_stale_temp_files_are_cleaned(tmp_path):
    (tmp_path / ".facts.csv.tmp-12345").write_text("half")
    finish_interrupted_export(tmp_path)
    assert not (tmp_path / ".facts.csv.tmp-12345").exists()


def test_load_outputs_names_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="newsfacts run"):
        load_outputs(tmp_path)


# Cells that a spreadsheet would run, for each kind of column (finding: tokens and numbers were not defused).
_NASTY_BY_KIND = {"str": "=HYPERLINK(\"http://x\")", "tokens": ["=HYPERLINK(", "\"http://x\"", ")"],
                  "int": -5, "float": -2.5, "float?": -0.25, "bool": True, "category": "@SUM(A1)",
                  "datetime": "2017-06-01"}


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", list(TABLES))
def test_every_csv_cell_of_every_kind_is_defused(tmp_path, name):
    columns = TABLES[name]
    row = {c: _NASTY_BY_KIND[kind] for c, kind in columns}
    for other in TABLES:
        write_table(tmp_path, other, [row] if other == name else [])
    with open(tmp_path / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        header, cells = list(csv.reader(fh, strict=True))
    kinds = dict(columns)
    # a live formula: a cell that starts like one and is not a plain number (Excel reads "-5" as -5)
    live = {c: v for c, v in zip(header, cells) if v.startswith(export.FORMULA_START) and not _is_number(v)}
    assert live == {}
    assert all(_is_number(v) for c, v in zip(header, cells) if kinds.get(c) in ("int", "float", "float?") and v)
    if name == "articles":
        assert cells[header.index("tokens")] == "'=HYPERLINK( \"http://x\" )"
        assert cells[header.index("n_chars")] == "-5"  # a number stays a number
    import pyarrow.parquet as pq  # pyarrow: as the module under test

    raw = pq.read_table(tmp_path / f"{name}.parquet").to_pylist()[0]  # Parquet keeps the raw values
    for c, kind in columns:
        if kind in ("str", "tokens", "int", "float", "float?", "bool"):
            assert raw[c] == row[c], c
    for fmt in ("csv", "parquet"):  # the ' is taken off again when the CSV is read back
        frame = load_outputs(tmp_path, fmt=fmt)[name]
        for c, kind in columns:
            value = frame[c].iloc[0]
            if kind in ("str", "int", "float", "float?", "bool"):
                assert value == row[c], (fmt, c)
            elif kind == "tokens":
                assert list(value) == row[c], (fmt, c)
