"""The tables of a large output as a dataset partitioned by publication month.

Rewriting every table at every run costs what the archive holds, not what the run changed: a
year of nightly crawling rewrites gigabytes to add a thousand pages.  Above
``[output] partition_above_articles`` articles the tables are therefore written as
``TABLE/month=YYYY-MM/TABLE.parquet`` and ``.csv`` (``month=unknown``: no publication date), and a
run rewrites only the months whose rows it may have changed (:attr:`Store.touched
<pipeline.store.state.Store.touched>`): those of the pages it stored or removed, before and
after, and of the pages whose duplicate decision or id changed.  A duplicate decision that
changes an older article's row rewrites that article's month alone.  The manifest lists every
month with its rows; all files of a run are switched into place together
(:mod:`pipeline.store.tableset`).

Readers: :func:`pipeline.store.export.load_outputs` (both layouts), or any reader of
hive-partitioned Parquet (``pyarrow.dataset``, DuckDB ``read_parquet('OUT/facts/*/*.parquet',
hive_partitioning = true)``, Spark).
"""
from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from pipeline.store.helper import ExportHelper
from pipeline.store.export import TABLE_ORDER, ExportError, export_tables, write_facts_files, write_table_files
from pipeline.store.state import Store
from pipeline.store.tableset import (
    MANIFEST,
    TABLE_FILES,
    finish_interrupted_export,
    partition_files,
    read_manifest,
    switch,
    temp_path,
    write_manifest,
)

log = logging.getLogger(__name__)


def export_outputs(store: Store, out_dir: Path, workers: int = 1,
                   partition_above: int | None = None, helper: ExportHelper | None = None) -> tuple[dict, Counter]:
    """Write the tables of the whole state: one file per table (the snapshot) while the state
    holds at most ``partition_above`` articles (None: always), else a partitioned dataset.
    Returns the row count of each table and the count of each fact type.  ``helper``: the
    second process of a snapshot (``export_tables``), started by the caller."""
    articles = store.counts()["articles"]
    if partition_above is None or articles <= partition_above:
        counts, fact_types = export_tables(store, out_dir, workers=workers, helper=helper)
        _remove_partitions(out_dir)  # the state was larger before (or the threshold higher)
        return counts, fact_types
    return export_partitioned(store, out_dir)


def export_partitioned(store: Store, out_dir: Path) -> tuple[dict, Counter]:
    """Rewrite the months the run touched (all of them the first time, or when an earlier
    export is missing), remove the months left without articles, switch, return the totals."""
    finish_interrupted_export(out_dir)
    previous = read_manifest(out_dir) or {}
    was = previous.get("partitions") if previous.get("layout") == "partitioned" else None
    months = store.months()
    if not isinstance(was, dict) or previous.get("state_generation") != store.generation_at_open:
        todo, partitions = set(months), {}  # no earlier partitions we can trust: all of them
    else:
        todo, partitions = (store.touched & set(months)) | (set(months) - set(was)), dict(was)
    pairs: list[tuple[str | None, str]] = []
    try:
        for month in sorted(todo, key=lambda m: (m == "unknown", m)):
            partitions[month] = _write_month(store, out_dir, month, pairs)
        for month in set(partitions) - set(months):  # every article of the month is gone
            del partitions[month]
            pairs += [(None, f) for table in TABLE_ORDER for f in partition_files(table, month)]
        pairs += [(None, name) for name in TABLE_FILES if (out_dir / name).exists()]  # the snapshot
        counts = {table: sum(p["rows"][table] for p in partitions.values()) for table in TABLE_ORDER}
        fact_types: Counter = Counter()
        for p in partitions.values():
            fact_types.update(p["fact_types"])
        manifest = temp_path(out_dir, MANIFEST)
        pairs.append((manifest.name, MANIFEST))
        write_manifest(manifest, store.generation(), counts, dict(sorted(partitions.items())))
        switch(out_dir, pairs)
        pairs = []
    except OSError as exc:
        raise ExportError.writing(out_dir, exc) from None
    finally:
        for tmp, _final in pairs:  # written but never switched (an error above)
            if tmp is not None:
                (out_dir / tmp).unlink(missing_ok=True)
    log.info("wrote %d of %d months into %s", len(todo), len(months), out_dir)
    return counts, fact_types


def _write_month(store: Store, out_dir: Path, month: str, pairs: list) -> dict:
    """Write the four tables of one month (temporary names, added to ``pairs``)."""
    rows, types = {}, Counter()
    for table in TABLE_ORDER:
        folder = f"{table}/month={month}"
        if table == "facts":
            rows[table], types, written = write_facts_files(store, out_dir / folder, month=month)
        else:
            rows[table], written = write_table_files(out_dir / folder, table,
                                                     getattr(store, f"iter_{table}")(month=month))
        pairs += [(f"{folder}/{tmp}", f"{folder}/{final}") for tmp, final in written]
    return {"rows": rows, "fact_types": dict(sorted(types.items()))}


def _remove_partitions(out_dir: Path) -> None:
    """Remove the month folders of a partitioned output that is now written as a snapshot."""
    stale = [(None, f) for table in TABLE_ORDER for f in
             (str(p.relative_to(out_dir)) for p in sorted(out_dir.glob(f"{table}/month=*/{table}.*")))]
    if stale:
        switch(out_dir, stale)
