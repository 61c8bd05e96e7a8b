"""One batch run: inputs -> an engine running the per-page function -> state store -> tables.

``newsfacts run`` calls :func:`run`.  The engine (``local``: this machine, ``dask``: a Dask
cluster) turns the inputs into :class:`~pipeline.records.PageResult` records and Skips in input
order, the following pages of a multi-page article joined to its first page
(:mod:`pipeline.read.multipage`; each reported by a ``Joined`` record); everything with state
stays here: the results go into the state store, duplicates are
decided over all stored pages, the tables are exported and the run is recorded.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from pipeline.config import Settings
from pipeline.engines import dask as dask_engine
from pipeline.engines import local
from pipeline.errors import Skip, UsageError
from pipeline.read.multipage import Joined, iter_articles
from pipeline.store.export import load_writers
from pipeline.store.helper import ExportHelper
from pipeline.store.partitions import export_outputs
from pipeline.store.tableset import finish_interrupted_export
from pipeline.store.lock import RunLock
from pipeline.store.rows import PageRows
from pipeline.store.state import RunSummary, Store, new_run_id

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")


@dataclass
class Summary(RunSummary):
    """What a batch run did: pages read and articles stored, with what every run counts."""

    pages_read: int = 0
    articles: int = 0
    warnings: list = field(default_factory=list)  # said to the operator with the summary
    joined_pages: int = 0  # following pages of multi-page articles, joined to their first page

    def count_page(self) -> None:
        self.pages_read += 1

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id, "pages_read": self.pages_read, "articles": self.articles,
            "joined_pages": self.joined_pages, "warnings": self.warnings,
            "skipped": dict(sorted(self.skipped.items())), "duplicates": self.duplicates,
            "facts": dict(sorted(self.facts.items())), "tables": self.tables,
        }

    def lines(self) -> list[str]:
        skipped = sum(self.skipped.values())
        return [*(f"warning: {w}" for w in self.warnings),
            f"pages read: {self.pages_read}",
            f"articles extracted this run: {self.articles}",
            f"pages joined into multi-page articles: {self.joined_pages}",
            f"pages skipped: {skipped}" + (
                " (" + ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) + ")" if skipped else ""),
            "duplicates: " + ", ".join(f"{k} {v}" for k, v in self.duplicates.items()),
            "facts: " + (", ".join(f"{k} {v}" for k, v in sorted(self.facts.items())) or "none"),
            "tables: " + ", ".join(f"{k} {v} rows" for k, v in self.tables.items()),
        ]


def run(
    inputs: list[str],
    out_dir: str | Path,
    settings: Settings,
    state_dir: str | Path | None = None,
    workers: int | None = 1,
    progress: bool | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    partition_size: int | None = None,
    dataset_dir: str | Path | None = None,
    wait: bool = False,
) -> Summary:
    """Process ``inputs`` into the state database of ``out_dir`` and export all tables.

    ``engine="local"`` runs the per-page function here or in ``workers`` processes (default one
    per core, or one for an input of fewer than ``local.AUTO_ONE_WORKER_BELOW`` pages);
    ``engine="dask"`` runs it on a Dask cluster (``pipeline.engines.dask``: a
    LocalCluster of ``workers`` processes, or the cluster of ``scheduler``), with
    ``partition_size`` saved pages per partition and, with ``dataset_dir``, a partitioned
    Parquet dataset written by the workers.  Both give the same tables.

    One run at a time per state folder, crawls included: another run holding its lock makes this
    one raise :class:`~pipeline.store.lock.LockHeld` (exit 75), or wait for it with ``wait=True``.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}: use local or dask")
    if engine == "local" and (scheduler or partition_size or dataset_dir):
        raise UsageError("--scheduler, --partition-size and --dataset need --engine dask")
    out_dir = Path(out_dir)
    state_dir = Path(state_dir) if state_dir else out_dir / ".state"
    out_dir.mkdir(parents=True, exist_ok=True)
    # One run per state folder (the crawl takes the same lock): a second run into the same --out
    # would delete the first one's temporary files and mix its tables.
    with RunLock(state_dir / "newsfacts.lock", wait=wait):
        return _run_locked(inputs, out_dir, settings, state_dir, workers, progress, engine, scheduler,
                           partition_size, dataset_dir)


def _run_locked(inputs, out_dir: Path, settings: Settings, state_dir: Path, workers, progress, engine, scheduler,
                partition_size, dataset_dir) -> Summary:
    finish_interrupted_export(out_dir)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    summary = Summary(run_id=new_run_id(now))
    if not (state_dir / "newsfacts.sqlite").exists() and any(out_dir.glob("articles.*")):
        # The tables are rebuilt from the state: a new (or deleted) state folder shrinks them to this run.
        summary.warnings.append(
            f"the state folder {state_dir} is new but {out_dir} holds tables of earlier runs: the tables now "
            f"hold this run's pages only; to rebuild them, run again over all the inputs of those runs "
            f"(or point --state at the old state folder)")
    if workers is None and engine == "local":  # an explicit --workers N is always used
        cores = local.auto_workers(inputs, settings.input.max_page_bytes, os.cpu_count() or 1)
    else:
        cores = workers or os.cpu_count() or 1

    log.info("run %s: reading %s into %s (state in %s)", summary.run_id, ", ".join(map(str, inputs)), out_dir, state_dir)
    with Store(state_dir / "newsfacts.sqlite", settings.dedupe) as store, contextlib.ExitStack() as helpers:
        # With several workers the export's second process starts now (pipeline.store.helper): a new
        # interpreter loading the table writers while the workers' fork server loads the pipeline.
        helper = helpers.enter_context(ExportHelper(load_writers, "spawn")) if cores > 1 else None
        if engine == "dask":
            items = dask_engine.process_all(inputs, settings, summary.count_page, workers=workers,
                                            scheduler=scheduler, partition_size=partition_size,
                                            dataset_dir=dataset_dir)
        else:
            articles = iter_articles(inputs, settings.input.max_page_bytes)
            items = local.process_all(articles, settings, cores, summary.count_page,
                                      page_timeout_s=settings.run.page_timeout_s, layout=store.layout)
        bar = _progress_bar(progress)
        try:
            for item in items:
                bar.update(1)
                if isinstance(item, Skip):
                    summary.skipped[item.reason] += 1
                    log.warning("%s", item)
                    continue
                if isinstance(item, Joined):  # a following page: part of its first page's article
                    summary.joined_pages += 1
                    log.info("%s", item)
                    store.forget(item.key or item.location, item.location)  # an earlier run may have kept it as an article
                    continue
                if isinstance(item, PageRows):  # made by the local engine's workers
                    store.put_rows(item, summary.run_id)
                else:
                    store.put(item, summary.run_id)
                summary.articles += 1
        finally:
            items.close()  # stops the worker pool or the Dask cluster at once, also on an error
            bar.close()
        summary.duplicates = store.assign_duplicates()
        summary.tables, fact_types = export_outputs(store, out_dir, workers=cores, helper=helper,
                                                    partition_above=settings.output.partition_above_articles)
        summary.facts.update(fact_types)
        store.record_run(summary.run_id, now.isoformat(), [str(p) for p in inputs], summary.as_dict())
    return summary


def _progress_bar(progress: bool | None) -> tqdm:
    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(desc="pages", unit="page", disable=not enabled, file=sys.stderr, dynamic_ncols=True)
