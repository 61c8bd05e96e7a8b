"""The Dask engine of ``newsfacts run --engine dask``: the same per-page function on a cluster.

The client lists the inputs (folders walked like :func:`pipeline.ingest.iter_raw_pages`: depth
first, sorted, the same locations and the same skips for what cannot be listed) into *units*, one
per saved page or WARC/ARC file.  Units go into Dask bags, ``partition_size`` saved pages per
partition and every WARC in a partition of its own.  A worker opens and reads the files of its
partition itself (so the inputs must be visible to every worker under the same path), runs
:func:`pipeline.runner.safe_process` on each page -- the very function of the local engine -- and
returns :class:`~pipeline.records.PageResult` records and :class:`SkipRecord` records.

The client computes the partitions in input order, a few at a time (``window`` in flight), and
hands the results on in input order to the runner, which puts them into the state store, decides
the duplicates over all pages and writes the tables exactly as the local engine does.  So the
tables are byte-identical to a local run, and the client never holds more than ``window``
partitions of results.

With ``dataset_dir`` every worker also writes the rows of its partition as Parquet files
``DATASET/{articles,facts,projects}/part-NNNNNNNN.parquet`` (NNNNNNNN: the position of the
partition's first input unit), for runs too large to be read back as one table.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.errors import PipelineError, Skip, UsageError
from pipeline.records import PageResult

log = logging.getLogger(__name__)

DEFAULT_PARTITION_SIZE = 16  # saved pages per partition (a WARC is always a partition of its own)
BLOCK_PARTITIONS = 64  # partitions per bag: the listing is turned into bags block by block
DATASET_TABLES = ("articles", "facts", "projects")


@dataclass(frozen=True, slots=True)
class Unit:
    """One input file for a worker: a saved page or a WARC/ARC file."""

    index: int  # position in the listing of the inputs (names the dataset parts)
    path: str  # absolute path, opened by the worker
    location: str  # the location prefix the local engine gives it
    kind: str  # "html" or "archive"


@dataclass(frozen=True, slots=True)
class SkipRecord:
    """A Skip as it travels back from a worker (a Skip itself does not unpickle: it is frozen)."""

    reason: str
    location: str
    detail: str

    def to_skip(self) -> Skip:
        return Skip(self.reason, self.location, self.detail)


class EnvironmentMismatch(RuntimeError):
    """A worker runs another version of newsfacts or has other user dictionaries than the client."""


# --------------------------------------------------------------------------- listing (client)


def iter_units(paths: Iterable[str | os.PathLike]) -> Iterator[Unit | Skip]:
    """Input units and listing skips, in the order and with the locations of ``iter_raw_pages``.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ["b.html", "a/c.warc.gz", "a/notes.txt", "0.htm.gz"]:
    ...     (d / name).parent.mkdir(exist_ok=True); _ = (d / name).write_bytes(b"x")
    >>> [(u.location, u.kind) for u in iter_units([d, d / "b.html"])]
    [('0.htm.gz', 'html'), ('a/c.warc.gz', 'archive'), ('b.html', 'html'), ('b.html', 'html')]
    """
    from pipeline.ingest import classify, given_inputs

    index = 0
    for item in given_inputs(paths):
        if isinstance(item, Skip):
            yield item
        elif item[1] is None:
            for unit in _walk_units(item[0]):
                if isinstance(unit, Skip):
                    yield unit
                else:
                    yield Unit(index, *unit)
                    index += 1
        else:
            path, name = item
            yield Unit(index, os.path.abspath(path), name, classify(name) or "html")
            index += 1


def _walk_units(root: str) -> Iterator[tuple[str, str, str] | Skip]:
    """(absolute path, location, kind) of the files of a folder, listed as the local reader lists them."""
    from pipeline.ingest import walk_input_files

    for item in walk_input_files(root):
        yield item if isinstance(item, Skip) else (os.path.abspath(item[0]), item[1], item[2])


def plan(items: Iterable[Unit | Skip], partition_size: int,
         block_partitions: int = BLOCK_PARTITIONS) -> Iterator[Skip | list[Unit]]:
    """Cut the listing into blocks for bags: saved pages up to ``partition_size * block_partitions``
    per block, every WARC a block of its own, listing skips passed through in their place.

    >>> us = [Unit(i, f"/{i}", f"{i}.html", "html") for i in range(5)]
    >>> w = Unit(5, "/w", "w.warc.gz", "archive")
    >>> [b if isinstance(b, Skip) else [u.index for u in b] for b in plan([*us[:3], Skip("x"), *us[3:], w], 2, 1)]
    [[0, 1], [2], Skip(reason='x', location='', detail=''), [3, 4], [5]]
    """
    block: list[Unit] = []
    limit = max(1, partition_size * block_partitions)
    for item in items:
        if isinstance(item, Skip) or item.kind == "archive":
            if block:
                yield block
                block = []
            yield item if isinstance(item, Skip) else [item]
            continue
        block.append(item)
        if len(block) >= limit:
            yield block
            block = []
    if block:
        yield block


def _chunks(seq: list, size: int) -> list[list]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]


# --------------------------------------------------------------------------- environment check


def environment_fingerprint(config: dict) -> dict:
    """What must be the same on the client and every worker for identical tables: the code of the
    ``pipeline`` package and the contents of the user dictionaries (found as each machine finds them).
    """
    from pipeline import __version__
    from pipeline.config import resolve_path

    package = Path(__file__).resolve().parent
    code = hashlib.sha1()
    for path in sorted(package.glob("*.py")) + [package / "defaults.toml"]:
        code.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    dicts = []
    for p in config.get("segment", {}).get("user_dicts", ()):
        resolved = resolve_path(p)
        try:
            dicts.append([str(p), hashlib.sha1(resolved.read_bytes()).hexdigest()])
        except OSError:
            dicts.append([str(p), "missing"])
    return {"version": __version__, "code": code.hexdigest(), "user_dicts": dicts}


# --------------------------------------------------------------------------- worker side

_prepared: dict[str, str | None] = {}  # (config, expected) -> mismatch message (None: ready), per process


def _prepare(config: dict, expected: dict) -> None:
    """Once per worker process and config: check the environment, load spaCy and the dictionaries."""
    from pipeline.runner import init_worker

    key = json.dumps([config, expected], sort_keys=True, default=str)
    if key not in _prepared:
        found = environment_fingerprint(config)
        problem = None
        if found != expected:
            problem = (f"worker (pid {os.getpid()}) has a different newsfacts installation than the client: "
                       f"worker {found}, client {expected}; install the same checkout on every worker "
                       "(`pip install '.[dask]'` in a checkout of the client's commit) and put the user dictionaries "
                       "at the same paths")
        else:
            from pipeline.nlp import get_nlp

            segment = config.get("segment", {})
            get_nlp(segment.get("user_dicts", ()), bool(segment.get("fast", True)))
        _prepared[key] = problem
    init_worker(config)  # the config safe_process uses in this process
    if _prepared[key]:
        raise EnvironmentMismatch(_prepared[key])


def process_partition(units: list[Unit], config: dict, expected: dict,
                      dataset_dir: str | None = None) -> list[PageResult | SkipRecord]:
    """Read the files of one partition and run the per-page function on every page (on a worker)."""
    from pipeline.ingest import iter_pages_in_warc, read_html_file
    from pipeline.runner import safe_process

    _prepare(config, expected)
    max_bytes = int(config.get("input", {}).get("max_page_bytes", 20 * 2**20))
    out: list[PageResult | SkipRecord] = []
    for unit in units:
        if unit.kind == "archive":
            items = iter_pages_in_warc(unit.path, unit.location, max_bytes)
        else:
            items = [read_html_file(unit.path, unit.location, max_bytes)]
        for item in items:
            result = item if isinstance(item, Skip) else safe_process(item)
            if isinstance(result, Skip):
                out.append(SkipRecord(result.reason, result.location, result.detail))
            else:
                out.append(result)
    if dataset_dir and units:
        write_dataset_part(Path(dataset_dir), units[0].index,
                           [r for r in out if isinstance(r, PageResult)])
    return out


# --------------------------------------------------------------------------- the dataset


def dataset_columns() -> dict[str, list[tuple[str, str]]]:
    """Columns of the dataset tables: those of the tables, without the duplicate decision
    (made over all pages at the end), with ``location`` to join them with the tables."""
    from pipeline.tables import ARTICLES, FACTS, PROJECTS

    return {
        "articles": [c for c in ARTICLES if c[0] not in ("duplicate_of", "dup_similarity")],
        "facts": FACTS + [("location", "str")],
        "projects": PROJECTS + [("location", "str")],
    }


def dataset_rows(result: PageResult) -> dict[str, list[dict]]:
    """The rows of one page for the dataset tables (ids as the page's own, before deduplication)."""
    from pipeline.store import FACT_COLUMNS

    a = result.article
    aid = a.article_id
    article = {
        "article_id": aid, "location": a.location, "url": a.url, "site": a.site, "title": a.title,
        "original_title": a.original_title, "published_at": a.published_at, "source_name": a.source_name,
        "authors": ";".join(a.authors), "editor": a.editor, "content": a.content, "tokens": " ".join(a.tokens),
        "n_chars": a.n_chars, "content_sha1": result.sha1, "fetched_at": a.fetched_at,
    }
    facts = []
    for ordinal, f in enumerate(result.facts, 1):
        rec = {c: getattr(f, c) for c in FACT_COLUMNS if c != "project"}
        facts.append({"fact_id": f"{aid}-{ordinal}", "article_id": aid,
                      "project_id": f"{aid}-p{f.project}" if f.project else None, **rec, "location": a.location})
    projects = []
    for p in result.projects:
        mine = [(i, f) for i, f in enumerate(result.facts) if f.project == p.ordinal]
        inv = sorted((f for _, f in mine if f.fact_type == "investment"), key=lambda f: -f.value)
        cap = [f for _, f in mine if f.fact_type == "capacity"]
        projects.append({
            "project_id": f"{aid}-p{p.ordinal}", "article_id": aid, "name": p.name, "company": p.company,
            "region": p.region, "status": p.status,
            "total_investment": inv[0].value if inv else None, "currency": inv[0].unit if inv else None,
            "capacity": cap[0].value if cap else None, "capacity_unit": cap[0].unit if cap else None,
            "product": cap[0].product if cap else None, "location": a.location,
        })
    return {"articles": [article], "facts": facts, "projects": projects}


def write_dataset_part(dataset_dir: Path, first_index: int, results: list[PageResult]) -> None:
    """Write one partition's rows as ``DATASET/TABLE/part-NNNNNNNN.parquet`` (temp name, then rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.export import _arrow_type, arrow_table

    rows: dict[str, list[dict]] = {t: [] for t in DATASET_TABLES}
    for result in results:
        for table, recs in dataset_rows(result).items():
            rows[table].extend(recs)
    for table, columns in dataset_columns().items():
        if not rows[table]:
            continue
        folder = dataset_dir / table
        folder.mkdir(parents=True, exist_ok=True)
        schema = pa.schema([(c, _arrow_type(k)) for c, k in columns])
        final = folder / f"part-{first_index:08d}.parquet"
        tmp = folder / f".part-{first_index:08d}.parquet.tmp-{os.getpid()}"
        try:
            pq.write_table(arrow_table(rows[table], columns, schema), tmp)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)


def clear_dataset(dataset_dir: Path) -> None:
    """Remove the parts of an earlier run (the dataset holds the rows of one run)."""
    for table in DATASET_TABLES:
        folder = dataset_dir / table
        if folder.is_dir():
            for p in list(folder.glob("part-*.parquet")) + list(folder.glob(".part-*.tmp-*")):
                p.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the client


def _import_dask():
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise UsageError(f"--engine dask needs Dask ({exc}): pip install '.[dask]' in the newsfacts checkout "
                         "(`make install` does)") from None


def _connect(scheduler: str | None, workers: int | None):
    """A Client, and the LocalCluster started for this run (None when connecting to a scheduler)."""
    from distributed import Client, LocalCluster

    # Dask's own INFO lines (scheduler, nanny, comms) only with -vv; its warnings with the rest.
    root = logging.getLogger().getEffectiveLevel()
    level = logging.INFO if root <= logging.DEBUG else max(root, logging.WARNING)
    logging.getLogger("distributed").setLevel(level)
    if scheduler:
        if workers:
            log.warning("--workers is ignored with --scheduler: the cluster's workers are used")
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise PipelineError(f"cannot connect to the Dask scheduler at {scheduler} ({exc}); "
                                "is `dask scheduler` running and reachable?") from None
        try:
            client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            client.close()
            raise PipelineError(f"the Dask scheduler at {scheduler} has no workers after 60 s; "
                                "start them with `dask worker SCHEDULER --nthreads 1`") from None
        return client, None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0", silence_logs=level)
    return Client(cluster), cluster


def process_all(inputs: list[str], config: dict, summary, workers: int | None = None,
                scheduler: str | None = None, partition_size: int | None = None,
                dataset_dir: str | os.PathLike | None = None,
                window: int | None = None) -> Iterator[PageResult | Skip]:
    """PageResults and Skips of all inputs in input order, computed on a Dask cluster.

    Counts ``summary.pages_read`` like the local engine (every page and every skip).
    """
    _import_dask()
    import dask.bag as db
    from distributed import KilledWorker

    partition_size = partition_size or DEFAULT_PARTITION_SIZE
    expected = environment_fingerprint(config)
    dataset = str(Path(dataset_dir).resolve()) if dataset_dir else None
    if dataset:
        clear_dataset(Path(dataset))
    client, cluster = _connect(scheduler, workers)
    try:
        threads = sum(client.nthreads().values()) or 1
        window = window or max(2, 2 * threads)
        log.info("dask: %s, %d worker(s), %d thread(s); %d page(s) per partition, %d partition(s) in flight",
                 scheduler or "local cluster", len(client.nthreads()), threads, partition_size, window)

        def tasks() -> Iterator[Skip | tuple[object, list[Unit]]]:
            for block in plan(iter_units(inputs), partition_size):
                if isinstance(block, Skip):
                    yield block
                    continue
                bag = db.from_sequence(block, partition_size=partition_size)
                parts = bag.map_partitions(process_partition, config, expected, dataset).to_delayed()
                chunks = _chunks(block, partition_size)
                if len(parts) != len(chunks):  # from_sequence split otherwise: name the whole block
                    chunks = [block] * len(parts)
                yield from zip(parts, chunks)

        pending: deque = deque()  # Skip, or (future, units), in input order
        in_flight = 0

        def take() -> Iterator[PageResult | Skip]:
            nonlocal in_flight
            head = pending.popleft()
            if isinstance(head, Skip):
                yield head
                return
            future, units = head
            in_flight -= 1
            try:
                results = future.result()
            except EnvironmentMismatch as exc:
                raise PipelineError(str(exc)) from None
            except KilledWorker as exc:
                # A page that kills its worker (memory, a crash in a C library) must not stop the run.
                for unit in units:
                    yield Skip("worker_killed", unit.location,
                               f"the Dask worker reading this file died ({exc}); its pages are not read")
                return
            except Exception as exc:
                raise PipelineError(f"a Dask task failed on the partition starting at {units[0].location}: "
                                    f"{type(exc).__name__}: {exc}") from exc
            finally:
                future.release()
            for r in results:
                yield r.to_skip() if isinstance(r, SkipRecord) else r

        for task in tasks():
            if isinstance(task, Skip):
                pending.append(task)
            else:
                delayed, units = task
                pending.append((client.compute(delayed), units))
                in_flight += 1
            while pending and (isinstance(pending[0], Skip) or in_flight >= window):
                for item in take():
                    summary.pages_read += 1
                    yield item
        while pending:
            for item in take():
                summary.pages_read += 1
                yield item
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
