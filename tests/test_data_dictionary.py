"""docs/tables.md documents every column the export writes, and nothing else.

The page has a section ``## NAME`` per table whose first Markdown table (header ``| column |
kind | ...``) lists one column per row as `` `name` `` with its kind (as in pipeline/tables.py).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.tables import TABLES, VOCABULARIES

DOC = Path(__file__).resolve().parents[1] / "docs" / "tables.md"


def documented_columns() -> dict[str, list[tuple[str, str, str]]]:
    """{table: [(column, kind, whole row text)]} parsed from docs/tables.md."""
    tables: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    in_table = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\w+)\s*$", line)
        if heading:
            current = heading.group(1) if heading.group(1) in TABLES else None
            in_table = False
            continue
        if current is None:
            continue
        if re.match(r"^\| column \| kind \|", line):
            if current in tables:  # only the first table of a section
                current = None
                continue
            tables[current] = []
            in_table = True
            continue
        if in_table and line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set(cells[0]) <= set("-: "):
                continue
            name = re.fullmatch(r"`(\w+)`", cells[0])
            assert name, f"docs/tables.md, {current}: a row without a `column`: {line}"
            tables[current].append((name.group(1), cells[1], line))
        elif in_table:
            in_table = False
    return tables


def test_every_table_has_a_section():
    assert set(documented_columns()) == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_written_columns_are_documented_and_documented_columns_written(corpus_run, name):
    out, _ = corpus_run
    with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        csv_header = next(csv.reader(fh))
    parquet_columns = pq.read_schema(out / f"{name}.parquet").names
    documented = [c for c, _, _ in documented_columns()[name]]
    assert len(documented) == len(set(documented)), f"{name}: a column documented twice"
    assert [c for c in csv_header if c not in documented] == [], f"{name}.csv: undocumented columns"
    assert [c for c in parquet_columns if c not in documented] == [], f"{name}.parquet: undocumented columns"
    assert [c for c in documented if c not in csv_header] == [], f"{name}: documented but not in the CSV"
    assert [c for c in documented if c not in parquet_columns] == [], f"{name}: documented but not in the Parquet"
    assert documented == csv_header == parquet_columns, "documented in table order"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_documented_kinds_and_vocabularies_are_the_code_s(name):
    rows = {c: (kind, line) for c, kind, line in documented_columns()[name]}
    for column, kind in TABLES[name]:
        assert rows[column][0] == kind, (name, column)
        for value in VOCABULARIES.get(column, ()):
            assert f"`{value}`" in rows[column][1], f"{name}.{column}: value {value} not documented"


def test_documented_units_are_those_of_the_unit_table():
    from pipeline.facts.units import MONEY, PHYSICAL, RATES

    unit_row = {c: line for c, _, line in documented_columns()["facts"]}["unit"]
    for unit in set(MONEY.values()) | {u for u, _ in PHYSICAL.values()} | {u for u, _, _ in RATES.values() if u != "‰"}:
        assert f"`{unit}`" in unit_row, f"facts.unit: {unit} not documented"
