"""Write the output tables (CSV for spreadsheets, Parquet for code) and read them back.

:func:`export_tables` writes the four tables of a state store (all of them, or the rows of one
run), the facts table in a second process when there are several workers.  Every file is written
to a temporary name in the output folder and synced; when the whole set is written it is switched
into place together (:mod:`pipeline.store.tableset`), so a reader or an interrupted run never sees
half a table nor a mix of two runs' tables.  CSV is UTF-8 with BOM, RFC 4180 quoted, with
spreadsheet formulas defused; Parquet keeps the raw values and real types.
"""
from __future__ import annotations

import concurrent.futures
import csv
import logging
import math
import os
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.config import DedupeSettings
from pipeline.errors import PipelineError
from pipeline.store.helper import ExportHelper
from pipeline.store.rows import CHINA_TIME, published_moment, published_precision
from pipeline.store.state import Store
from pipeline.store.tableset import (
    MANIFEST,
    finish_interrupted_export,
    read_manifest,
    switch,
    temp_path,
    write_manifest,
)
from pipeline.tables import FACTS, TABLES, UTC_OFFSET, VOCABULARIES

log = logging.getLogger(__name__)

TABLE_ORDER = ("articles", "facts", "projects", "duplicates")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
FORMULA_PATTERN = "^[=+\\-@\t\r\x00]"  # the same, as an Arrow (RE2) pattern
BATCH_ROWS = 500  # rows held in memory at once while writing


def load_writers() -> None:
    """Import what writing a table needs (run ahead by a helper process, pipeline.store.helper):
    pyarrow with its Parquet writer and compute functions, and pandas, which pyarrow imports
    the first time it makes an array from a list."""
    import pyarrow as pa  # see _csv_column
    import pyarrow.compute  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    pa.array([""], pa.string())


def excel_safe(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula (OWASP CSV injection).

    >>> excel_safe("=HYPERLINK(1)"), excel_safe("-5%"), excel_safe("鄞州")
    ("'=HYPERLINK(1)", "'-5%", '鄞州')
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def format_number(value: float | int | None) -> str:
    """Numbers as plain text: integral floats without '.0', others in shortest round-trip form.

    >>> format_number(2190000000.0), format_number(12.9), format_number(None), format_number(7)
    ('2190000000', '12.9', '', '7')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _tokens_cell(value) -> str:  # space-joined text, or a list (a body may begin "=HYPERLINK(")
    return excel_safe(value if isinstance(value, str) else " ".join(value or []))


def _text_cell(value) -> str:
    return excel_safe(value) if value else ""


def _bool_cell(value) -> str:
    return "" if value is None else ("true" if value else "false")  # never a formula start


def _number_cell(value) -> str:
    # format_number writes only a number (digits, '-', '.', 'e'): a spreadsheet reads "-5" as the
    # number -5, never as a formula, so a negative growth rate stays a number in Excel
    return "" if value is None else format_number(value)


# columns computed from another column of the same row when a table is written: (source, function)
DERIVED = {"published_precision": ("published_at", published_precision)}


def _derive(values: list[list], columns) -> None:
    """Fill the derived columns of a batch (column by column) from their source columns."""
    names = [c for c, _ in columns]
    for name, (source, fn) in DERIVED.items():
        if name in names and source in names:
            values[names.index(name)] = [fn(v) for v in values[names.index(source)]]


def _number_cells(values: list) -> list[str]:
    """``_number_cell`` of every value of a column, inline for None, int and float (no call per cell)."""
    cells: list[str] = []
    append = cells.append
    for v in values:
        kind = type(v)
        if v is None:
            append("")
        elif kind is int:
            append(str(v))
        elif kind is float:
            if v != v:  # NaN
                append("")
            elif v.is_integer() and abs(v) < 1e17:
                append(str(int(v)))
            else:
                append(repr(v))
        else:
            append(_number_cell(v))
    return cells


def _csv_column(values: list, kind: str, arrow_values) -> list[str]:
    """The CSV cells of one column of a batch."""
    if kind in ("category", "datetime"):  # the text as stored (published_at: the page's precision)
        cells = {v: _text_cell(v) for v in set(values)}  # a few distinct values per batch
        return [cells[v] for v in values]
    if kind == "str":
        import pyarrow.compute as pc  # pyarrow (0.1 s) loads when a table is written, not on import

        # Arrow finds the (rare) cells that need defusing; without any, the values are the cells
        if not pc.any(pc.match_substring_regex(arrow_values, FORMULA_PATTERN)).as_py():
            return [v or "" for v in values]
        return [_text_cell(v) for v in values]
    if kind in ("tokens", "bool"):
        return list(map(_tokens_cell if kind == "tokens" else _bool_cell, values))
    return _number_cells(values)


class ExportError(PipelineError):
    """The tables could not be written (a full disk, a folder made read-only under the run)."""

    @classmethod
    def writing(cls, out_dir: Path, exc: OSError) -> "ExportError":
        """The error of a set of tables that could not be written (the previous set is whole)."""
        name = f" ({exc.filename})" if isinstance(exc.filename, str) else ""
        return cls(f"cannot write the tables into {out_dir}: {exc.strerror or exc}{name}; the tables there are "
                   "unchanged and the pages stay in the state: free space (or fix the folder) and run again, "
                   "which writes them")


def write_table(out_dir: Path, name: str, rows: Iterable[dict]) -> int:
    """Write ``name``.csv and ``name``.parquet from streamed rows, alone; returns the row count."""
    count, pairs = write_table_files(out_dir, name, rows)
    switch(out_dir, pairs)
    return count


def write_table_files(out_dir: Path, name: str, rows: Iterable[dict],
                      on_batch: Callable[[list[list]], None] | None = None) -> tuple[int, list[tuple[str, str]]]:
    """Write ``name``.csv and ``name``.parquet under temporary names, synced; returns the row
    count and the (temporary, final) names to switch into place.  On an error nothing is left.
    ``on_batch`` is called with the values of each batch of rows, column by column."""
    import pyarrow.parquet as pq  # see _csv_column

    columns = TABLES[name]
    schema = arrow_schema(columns)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_tmp = temp_path(out_dir, f"{name}.csv")
    pq_tmp = temp_path(out_dir, f"{name}.parquet")
    count = 0
    try:
        # Row groups are encoded by a thread (Arrow releases the GIL), one at a time and in order,
        # while this thread makes the next batch's cells: the Parquet file is written alongside.
        # UTF-8 with a byte order mark, which Excel needs to read the file as UTF-8.  The mark is
        # written by hand: the "utf-8-sig" codec encodes every row in Python, plain UTF-8 in C.
        with open(csv_tmp, "w", encoding="utf-8", newline="") as fh, pq.ParquetWriter(pq_tmp, schema) as pw, \
                concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="parquet") as encoder:
            fh.write("\ufeff")
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow([c for c, _ in columns])
            encoding = None
            for batch in batches(rows, BATCH_ROWS):
                if isinstance(batch[0], dict):
                    values = [[row.get(c) for row in batch] for c, _ in columns]  # column by column
                else:  # tuples in column order
                    values = [list(col) for col in zip(*batch)]
                _derive(values, columns)
                if on_batch is not None:
                    on_batch(values)
                table = _arrow_batch(values, columns, schema)
                if encoding is not None:
                    encoding.result()  # the previous row group is written (an error is raised here)
                encoding = encoder.submit(pw.write_table, table)
                writer.writerows(zip(*[_csv_column(col, kind, arr) for col, (_, kind), arr
                                       in zip(values, columns, table.columns)]))
                count += len(batch)
            if encoding is not None:
                encoding.result()
            if count == 0:
                pw.write_table(schema.empty_table())
            fh.flush()
            os.fsync(fh.fileno())
        with open(pq_tmp, "rb") as written:
            os.fsync(written.fileno())
    except BaseException:
        csv_tmp.unlink(missing_ok=True)
        pq_tmp.unlink(missing_ok=True)
        raise
    return count, [(csv_tmp.name, f"{name}.csv"), (pq_tmp.name, f"{name}.parquet")]


def arrow_table(rows: list[dict], columns, schema):
    """An Arrow table of these rows (dicts) with the columns and schema of an output table."""
    values = [[row.get(c) for row in rows] for c, _ in columns]
    _derive(values, columns)
    return _arrow_batch(values, columns, schema)


def _arrow_batch(columns_values: list[list], columns, schema):
    """One Parquet row group from the values column by column; token lists are split by Arrow."""
    import pyarrow as pa  # see _csv_column
    import pyarrow.compute as pc

    arrays = []
    for values, (name, kind), field in zip(columns_values, columns, schema):
        if kind == "tokens":
            joined = pa.array([v if isinstance(v, str) else " ".join(v or []) for v in values], pa.string())
            arrays.append(pc.split_pattern(joined, " ").cast(field.type))
        elif kind == "datetime":  # ISO text -> instant at +08:00 (a bare date: its midnight)
            arrays.append(pa.array([published_moment(v) for v in values], field.type))
        elif kind == "category":  # the closed vocabulary first, so every file has all of it
            vocabulary = list(VOCABULARIES.get(name, ()))
            vocabulary += sorted({v for v in values if v is not None} - set(vocabulary))
            index = {v: i for i, v in enumerate(vocabulary)}
            indices = pa.array([None if v is None else index[v] for v in values], pa.int32())
            arrays.append(pa.DictionaryArray.from_arrays(indices, pa.array(vocabulary, pa.string())))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def batches(rows: Iterable, size: int) -> Iterator[list]:
    """The items in lists of ``size`` (the last one shorter), holding one list at a time.

    >>> list(batches(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def arrow_schema(columns: list[tuple[str, str]]):
    """The Arrow schema of a table's columns (see ``pipeline.tables`` for the kinds)."""
    import pyarrow as pa  # see _csv_column

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "float?": pa.float64(),
             "bool": pa.bool_(), "tokens": pa.list_(pa.string()),
             "category": pa.dictionary(pa.int32(), pa.string()), "datetime": pa.timestamp("us", tz=UTC_OFFSET)}
    return pa.schema([(c, types[k]) for c, k in columns])


def load_outputs(out_dir: str | os.PathLike, min_confidence: float | None = None, *, fmt: str | None = None) -> dict:
    """The output tables of a run as typed pandas DataFrames: ``{"articles": df, "facts": df, ...}``.

    Types (docs/tables.md): text as ``str``; small vocabularies (fact_type, unit, approx, stage,
    method ...) as ``category``; ``published_at`` as ``datetime64[us, UTC+08:00]`` (a bare date
    at midnight) with ``published_precision`` ``day``/``minute``; numbers that may be empty as
    ``Float64``; ``economic`` as ``boolean``; ``region_code`` as text.  The same types from the
    Parquet files (the default), from the CSV files (``fmt="csv"``, the ``'`` that defuses
    formulas removed again) and from the files of older runs (CSV only, or Parquet with text
    dates); with neither ``fmt`` nor Parquet files the CSV files are read.

    ``min_confidence``: keep only the facts with ``confidence >=`` it (a fact without one is
    dropped); the other tables are returned whole, so projects may name facts left out.
    """
    import pandas as pd  # 0.4 s to import: only readers of the tables need it

    if min_confidence is not None and not isinstance(min_confidence, (int, float)):
        raise TypeError(f"min_confidence must be a number (0-1), not {min_confidence!r}; the format is fmt=...")
    out_dir = Path(out_dir)
    months = partitioned_months(out_dir)
    if fmt is None:
        fmt = "csv" if months is None and not any((out_dir / f"{n}.parquet").exists() for n in TABLES) and all(
            (out_dir / f"{n}.csv").exists() for n in TABLES) else "parquet"
    files = {n: [out_dir / f"{n}.{fmt}"] if months is None else
             [out_dir / n / f"month={m}" / f"{n}.{fmt}" for m in months] for n in TABLES}
    missing = [str(p.relative_to(out_dir)) for paths in files.values() for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(
            f"{out_dir} has no {', '.join(missing[:4])}: run `newsfacts run PATH --out {out_dir}` first"
        )
    frames = {}
    for name, columns in TABLES.items():
        parts = [_read_table_file(path, fmt) for path in files[name]]
        df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0] if parts else _empty(columns)
        frames[name] = typed_frame(df, columns)
    if min_confidence is not None:
        facts = frames["facts"]
        frames["facts"] = facts[(facts["confidence"] >= min_confidence).fillna(False)].reset_index(drop=True)
    return frames


def partitioned_months(out_dir: Path) -> list[str] | None:
    """The months of a partitioned output (pipeline.store.partitions), in order; None for a snapshot."""
    manifest = read_manifest(out_dir) or {}
    if manifest.get("layout") != "partitioned" or not isinstance(manifest.get("partitions"), dict):
        return None
    return list(manifest["partitions"])


def _read_table_file(path: Path, fmt: str):
    import pandas as pd  # see load_outputs

    if fmt == "parquet":
        return pd.read_parquet(path)
    # every cell as text, empty as missing; typed like an older Parquet file by typed_frame
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
    for c in df.columns:  # every kind of cell was defused (a negative number: '-5)
        df[c] = df[c].map(_undefuse)
    return df


def _empty(columns):
    import pandas as pd  # see load_outputs

    return pd.DataFrame({c: pd.Series([], dtype=object) for c, _ in columns})


def _undefuse(value):
    """A CSV cell without the ``'`` that ``excel_safe`` put before a formula."""
    return value[1:] if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_START else value


def typed_frame(df, columns):
    """``df`` (a table read from Parquet or CSV, of this or an older run) with the dtypes of
    ``columns`` (see ``pipeline.tables``), in table order; columns it lacks that can be derived
    (``published_precision``) are added, other extra columns kept at the end."""
    import pandas as pd  # see load_outputs

    df = df.copy()
    names = [c for c, _ in columns]
    for name, (source, fn) in DERIVED.items():
        if name in names and name not in df and source in df:  # a run before the column
            src = df[source]
            if isinstance(src.dtype, pd.DatetimeTZDtype):
                df[name] = None
            else:
                df[name] = [fn(v if isinstance(v, str) else None) for v in src]
    for c, kind in columns:
        if c in df:
            df[c] = _typed_column(df[c], c, kind)
    return df[[c for c in names if c in df] + [c for c in df.columns if c not in names]]


def _typed_column(s, name: str, kind: str):
    """One column with the dtype of its kind, from whatever an older reader or file gave."""
    import pandas as pd  # see load_outputs
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "str":
        if pd.api.types.is_numeric_dtype(s.dtype):  # 330212.0 from a reader that guessed numbers
            s = s.map(lambda v: None if pd.isna(v) else format_number(v), na_action=None)
        s = s.astype("str")
        return s.mask(s == "")  # empty means unknown, as in the CSV (a page without authors: "")
    if kind == "category":
        values = s.astype("object").where(s.notna(), None)
        vocabulary = list(VOCABULARIES.get(name, ()))
        vocabulary += sorted({v for v in values if v is not None} - set(vocabulary))
        return pd.Series(pd.Categorical(values, categories=vocabulary), index=s.index, name=s.name)
    if kind == "datetime":
        dtype = pd.DatetimeTZDtype("us", CHINA_TIME)  # a fixed +08:00: Asia/Shanghai had DST in 1986-91
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            return s.dt.tz_convert(dtype.tz).astype(dtype)
        moments = [published_moment(v) if isinstance(v, str) and v else None for v in s]
        return pd.Series(pd.array(moments, dtype=dtype), index=s.index, name=s.name)
    if kind == "tokens":
        if not any(isinstance(v, str) for v in s):  # lists already (Parquet)
            return s
        # space-joined text (CSV): split as the writer splits it, into the arrays Parquet gives
        text = pa.array([v if isinstance(v, str) else "" for v in s], pa.string())  # empty: [""] as in Parquet
        return pd.Series(pc.split_pattern(text, " ").to_pandas().to_numpy(dtype=object), index=s.index, name=s.name)
    if kind == "bool":
        mapping = {"true": True, "false": False, True: True, False: False}
        return s.map(lambda v: pd.NA if v is None or v is pd.NA or v != v else mapping.get(v, bool(v))).astype("boolean")
    numbers = pd.to_numeric(s)
    if kind == "int":
        return numbers.astype("int64") if numbers.notna().all() else numbers.astype("Int64")
    return numbers.astype("float64" if kind == "float" else "Float64")


# --------------------------------------------------------------------------- from the state store


def export_tables(store: Store, out_dir: Path, run_id: str | None = None, workers: int = 1,
                  helper: ExportHelper | None = None) -> tuple[dict, Counter]:
    """Write the four tables from the store: the full snapshot, or the rows of run ``run_id``,
    and switch them into place together; raises :class:`ExportError` (the previous set whole)
    when they cannot be written.

    Returns the row count of each table and the count of each fact type.  With ``workers`` > 1
    the facts table (the largest) is written by a second process reading the same database
    while this one writes the others: the export is the longest part of a run that no worker
    shares.  That process ends with this one, even when this one is killed.  ``helper``: that
    process, started earlier by the caller (:class:`ExportHelper`), which closes it.
    """
    finish_interrupted_export(out_dir)
    counts = {}
    fact_types: Counter = Counter()
    pairs: list[tuple[str, str]] = []
    generation = store.generation()
    facts_job = own_helper = None
    try:
        if workers > 1 or helper is not None:
            if helper is None:
                helper = own_helper = ExportHelper()
            facts_job = helper.submit(_export_facts, str(store.path), store.dedupe, str(out_dir), run_id)
        for name in TABLE_ORDER:
            if name != "facts":
                counts[name], written = write_table_files(out_dir, name, getattr(store, f"iter_{name}")(run_id))
            elif facts_job is None:
                counts[name], types, written = write_facts_files(store, out_dir, run_id)
                fact_types.update(types)
            else:
                continue
            pairs += written
            log.info("wrote %s/%s.csv and .parquet (%d rows)", out_dir, name, counts[name])
        if facts_job is not None:
            counts["facts"], types, written = facts_job.result()
            pairs += written
            fact_types.update(types)
            log.info("wrote %s/facts.csv and .parquet (%d rows)", out_dir, counts["facts"])
        counts = {name: counts[name] for name in TABLE_ORDER}
        manifest = temp_path(out_dir, MANIFEST)
        pairs.append((manifest.name, MANIFEST))
        write_manifest(manifest, generation, counts)
        switch(out_dir, pairs)
        pairs = []
    except OSError as exc:
        raise ExportError.writing(out_dir, exc) from None
    finally:
        if own_helper is not None:
            own_helper.close()
        elif facts_job is not None:
            facts_job.cancel()  # the caller's helper: not run if not started (an error above)
        for tmp, _final in pairs:  # written but never switched (an error above)
            (out_dir / tmp).unlink(missing_ok=True)
    return counts, fact_types


def write_facts_files(store: Store, out_dir: Path, run_id: str | None = None,
                      month: str | None = None) -> tuple[int, Counter, list[tuple[str, str]]]:
    """Write the facts table (temporary names) of the state, of run ``run_id`` or of ``month``;
    returns its row count, the count of each fact type and the names to switch."""
    type_at = [c for c, _ in FACTS].index("fact_type")
    types: Counter = Counter()
    count, pairs = write_table_files(Path(out_dir), "facts", store.iter_facts(run_id, as_tuples=True, month=month),
                                     on_batch=lambda values: types.update(values[type_at]))
    return count, types, pairs


def _export_facts(db_path: str, dedupe: DedupeSettings, out_dir: str, run_id: str | None):
    """``write_facts_files`` in a process of its own, on its own connection (see export_tables)."""
    with Store(db_path, dedupe) as store:
        return write_facts_files(store, Path(out_dir), run_id)
