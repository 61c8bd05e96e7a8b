"""The thin runner: inputs -> per-page function -> state store -> output tables.

``process_page`` is the whole per-page pipeline (decode, extract, segment,
facts, signature).  It is pure, so it runs the same serially, in worker
processes, or on Dask.  Everything with state or I/O (reading inputs, the
store, writing tables) stays here at the edges.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.errors import Skip
from pipeline.records import PageResult, RawPage
from pipeline.tables import FACTS

log = logging.getLogger(__name__)

TABLE_ORDER = ("articles", "facts", "projects", "duplicates")


@dataclass
class Summary:
    """What a run did, for the operator and for the runs table."""

    run_id: str
    pages_read: int = 0
    articles: int = 0
    skipped: Counter = field(default_factory=Counter)
    duplicates: dict = field(default_factory=dict)
    facts: Counter = field(default_factory=Counter)
    tables: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id, "pages_read": self.pages_read, "articles": self.articles,
            "skipped": dict(sorted(self.skipped.items())), "duplicates": self.duplicates,
            "facts": dict(sorted(self.facts.items())), "tables": self.tables,
        }

    def lines(self) -> list[str]:
        skipped = sum(self.skipped.values())
        out = [
            f"pages read: {self.pages_read}",
            f"articles extracted this run: {self.articles}",
            f"pages skipped: {skipped}" + (
                " (" + ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) + ")" if skipped else ""),
            "duplicates: " + ", ".join(f"{k} {v}" for k, v in self.duplicates.items()),
            "facts: " + (", ".join(f"{k} {v}" for k, v in sorted(self.facts.items())) or "none"),
            "tables: " + ", ".join(f"{k} {v} rows" for k, v in self.tables.items()),
        ]
        return out


# --- the per-page function -------------------------------------------------------------------
_config: dict | None = None


def init_worker(config: dict) -> None:
    """Set the config of this process (called once per worker process)."""
    global _config
    _config = config


def process_page(raw: RawPage, config: dict | None = None) -> PageResult:
    """Bytes of one page -> article, tokens, facts, projects and MinHash signature. Raises Skip."""
    return process_pages([raw], config)


def process_pages(raws: list[RawPage], config: dict | None = None) -> PageResult:
    """One article printed over several pages (…_2.shtml): bodies joined in order, metadata of the first."""
    from dataclasses import replace

    from pipeline.article import extract_article
    from pipeline.urls import has_tracking

    config = config if config is not None else (_config or {})
    articles = [
        extract_article(raw.body, raw.url, location=raw.location, content_type=raw.content_type,
                        fetched_at=raw.fetched_at, config=config)
        for raw in raws
    ]
    article = articles[0]
    if len(articles) > 1:
        article = replace(article, content="\n".join(a.content for a in articles),
                          flags=article.flags + ("joined_pages",))
    return analyze(article, config, found_url_is_clean=not has_tracking(raws[0].url))


def analyze(article, config: dict, found_url_is_clean: bool = True) -> PageResult:
    """Segment an article with the spaCy pipeline, read its facts, sign it for near-duplicates."""
    from dataclasses import replace

    import hashlib

    from pipeline.dedupe import signature, to_blob
    from pipeline.nlp import get_nlp, token_texts
    from pipeline.records import normalize_for_hash

    segment = config.get("segment", {})
    nlp = get_nlp(segment.get("user_dicts", ()), bool(segment.get("fast", True)))
    doc = nlp(article.content, component_cfg={"newsfacts_facts": {"published_at": article.published_at}})
    tokens = tuple(t for t in token_texts(doc) if t.strip())
    dd = config.get("dedupe", {})
    norm = normalize_for_hash(article.content)  # once, for the exact-duplicate hash and the shingles
    sig = signature(norm, int(dd.get("num_perm", 128)), int(dd.get("shingle_size", 5)), normalized=True)
    return PageResult(
        article=replace(article, tokens=tokens),
        facts=tuple(doc._.facts),
        projects=tuple(doc._.projects),
        signature=to_blob(sig),
        found_url_is_clean=found_url_is_clean,
        content_sha1=hashlib.sha1(norm.encode("utf-8")).hexdigest(),
    )


def safe_process(raw: RawPage) -> PageResult | Skip:
    """process_page that never raises: a failure becomes a Skip naming the page."""
    try:
        return process_page(raw)
    except Skip as skip:
        return skip
    except Exception as exc:  # a bug or a page we cannot handle must not stop the run
        log.debug("page %s failed:\n%s", raw.location, traceback.format_exc())
        return Skip("extract_error", raw.location, f"{type(exc).__name__}: {exc} (rerun with -v for the traceback)")


# --- the run ---------------------------------------------------------------------------------
def run(
    inputs: list[str],
    out_dir: str | Path,
    config: dict,
    state_dir: str | Path | None = None,
    workers: int | None = 1,
    progress: bool | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    partition_size: int | None = None,
    dataset_dir: str | Path | None = None,
) -> Summary:
    """Process ``inputs`` into the state database of ``out_dir`` and export all tables.

    ``engine="local"`` runs the per-page function here or in ``workers`` processes;
    ``engine="dask"`` runs it on a Dask cluster (``pipeline.dask_engine``: a LocalCluster of
    ``workers`` processes, default one per core, or the cluster of ``scheduler``), with
    ``partition_size`` saved pages per partition and, with ``dataset_dir``, a partitioned
    Parquet dataset written by the workers.  Both give the same tables.
    """
    from pipeline.errors import UsageError

    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine {engine!r}: use local or dask")
    if engine == "local" and (scheduler or partition_size or dataset_dir):
        raise UsageError("--scheduler, --partition-size and --dataset need --engine dask")

    from pipeline.export import clean_stale_temp
    from pipeline.ingest import iter_raw_pages
    from pipeline.store import Store

    out_dir = Path(out_dir)
    state_dir = Path(state_dir) if state_dir else out_dir / ".state"
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_stale_temp(out_dir)
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    summary = Summary(run_id=started.replace(":", "").replace("+0000", "Z") + "-" + uuid.uuid4().hex[:6])
    max_bytes = int(config.get("input", {}).get("max_page_bytes", 20 * 2**20))

    log.info("run %s: reading %s into %s (state in %s)", summary.run_id, ", ".join(map(str, inputs)), out_dir, state_dir)
    with Store(state_dir / "newsfacts.sqlite", config.get("dedupe", {})) as store:
        if engine == "dask":
            from pipeline.dask_engine import process_all as dask_process_all

            items = dask_process_all(inputs, config, summary, workers=workers, scheduler=scheduler,
                                     partition_size=partition_size, dataset_dir=dataset_dir)
        else:
            raw_items = iter_raw_pages(inputs, max_bytes=max_bytes)
            items = _process_all(raw_items, config, workers or os.cpu_count() or 1, summary)
        bar = _progress_bar(progress)
        try:
            for item in items:
                bar.update(1)
                if isinstance(item, Skip):
                    summary.skipped[item.reason] += 1
                    log.warning("%s", item)
                    continue
                store.put(item, summary.run_id)
                summary.articles += 1
        finally:
            items.close()  # stops the worker pool or the Dask cluster at once, also on an error
            bar.close()
        summary.duplicates = store.assign_duplicates()
        export_tables(store, out_dir, summary, workers=workers or os.cpu_count() or 1)
        store.record_run(summary.run_id, started, [str(p) for p in inputs], summary.as_dict())
    return summary


def export_tables(store, out_dir: Path, summary: Summary | None = None, run_id: str | None = None,
                  workers: int = 1) -> dict:
    """Write the four tables from the store: the full snapshot, or the rows of one run.

    With ``workers`` > 1 the facts table (the largest) is written by a second process reading
    the same database while this one writes the others: the export is the longest part of a
    run that no worker shares.
    """
    from pipeline.export import write_table

    counts = {}
    fact_types: Counter = Counter()
    facts_job = None
    if workers > 1:
        import concurrent.futures
        import multiprocessing as mp

        ctx = mp.get_context("spawn" if sys.platform == "darwin" else "forkserver")
        pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx)
        facts_job = pool.submit(_export_facts, str(store.path), str(out_dir), run_id)
    try:
        for name in TABLE_ORDER:
            if name != "facts":
                counts[name] = write_table(out_dir, name, getattr(store, f"iter_{name}")(run_id))
            elif facts_job is None:
                counts[name], types = _write_facts(store, out_dir, run_id)
                fact_types.update(types)
            else:
                continue
            log.info("wrote %s/%s.csv and .parquet (%d rows)", out_dir, name, counts[name])
        if facts_job is not None:
            counts["facts"], types = facts_job.result()
            fact_types.update(types)
            log.info("wrote %s/facts.csv and .parquet (%d rows)", out_dir, counts["facts"])
    finally:
        if facts_job is not None:
            pool.shutdown(cancel_futures=True)
    counts = {name: counts[name] for name in TABLE_ORDER}
    if summary is not None:
        summary.tables = counts
        summary.facts.update(fact_types)
    return counts


def _write_facts(store, out_dir: Path, run_id: str | None) -> tuple[int, Counter]:
    """Write the facts table; returns its row count and the count of each fact type."""
    from pipeline.export import write_table

    type_at = [c for c, _ in FACTS].index("fact_type")
    types: Counter = Counter()

    def counted(rows):
        for row in rows:  # tuples in table order
            types[row[type_at]] += 1
            yield row

    return write_table(Path(out_dir), "facts", counted(store.iter_facts(run_id, as_tuples=True))), types


def _export_facts(db_path: str, out_dir: str, run_id: str | None) -> tuple[int, Counter]:
    """``_write_facts`` in a process of its own, on its own connection (see export_tables)."""
    from pipeline.store import Store

    with Store(db_path, {}) as store:
        return _write_facts(store, Path(out_dir), run_id)


def _process_all(raw_items: Iterable, config: dict, workers: int, summary: Summary) -> Iterator[PageResult | Skip]:
    """Run safe_process over the pages, in order, in this process or in ``workers`` processes."""

    def pages() -> Iterator[RawPage | Skip]:
        for item in raw_items:
            summary.pages_read += 1
            yield item

    if workers <= 1:
        init_worker(config)
        for item in pages():
            yield item if isinstance(item, Skip) else safe_process(item)
        return
    import multiprocessing as mp

    # Skips from the reader pass through in order; pages go to the pool, results come back in order.
    ctx = mp.get_context("spawn" if sys.platform == "darwin" else "forkserver")
    with ctx.Pool(workers, initializer=init_worker, initargs=(config,)) as pool:
        yield from pool.imap(_passthrough, pages(), chunksize=4)


def _passthrough(item: RawPage | Skip) -> PageResult | Skip:
    return item if isinstance(item, Skip) else safe_process(item)


def _progress_bar(progress: bool | None):
    from tqdm import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(desc="pages", unit="page", disable=not enabled, file=sys.stderr, dynamic_ncols=True)
