"""The Dask engine of ``newsfacts run --engine dask``: the same per-page function on a cluster.

The client lists the inputs (folders walked like :func:`pipeline.read.files.iter_raw_pages`: depth
first, sorted, the same locations and the same skips for what cannot be listed) into *units*, one
per saved page or WARC/ARC file.  Units go into Dask bags, ``partition_size`` saved pages per
partition and every WARC in a partition of its own.  A worker opens and reads the files of its
partition itself (so the inputs must be visible to every worker under the same path), joins
the following pages of multi-page articles to their first page with
:func:`pipeline.read.multipage.join_pages` and runs :func:`pipeline.page.safe_process_pages` on
each article -- the very functions of the local engine -- and returns
:class:`~pipeline.records.PageResult` records, Skips and ``Joined`` records.

A multi-page article may straddle two partitions of saved pages, so a partition also names the
units of the same folder on either side (``REACH`` of them, :class:`Part`); a worker reads them
only when a page of its own has following pages or could be one, and hands on only what becomes
of its own pages: exactly what the local run decides.  A WARC is read by one worker whole.

The client computes the partitions in input order, a few at a time (``window`` in flight), and
hands the results on in input order to :func:`pipeline.engines.run.run`, which puts them into the state store, decides
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.config import Settings
from pipeline.errors import PipelineError, Skip, UsageError
from pipeline.nlp.language import get_nlp
from pipeline.page import safe_process_pages
from pipeline.read.files import input_files
from pipeline.read.multipage import REACH, Joined, join_pages, needs_context, scope_of, unit_slots
from pipeline.records import PageResult
from pipeline.store.export import arrow_schema, arrow_table
from pipeline.store.rows import FACT_COLUMNS, article_values, fact_id, fact_values, project_id, project_values
from pipeline.tables import ARTICLES, FACTS, PROJECTS

log = logging.getLogger(__name__)

DEFAULT_PARTITION_SIZE = 16  # saved pages per partition (a WARC is always a partition of its own)
BLOCK_PARTITIONS = 64  # partitions per bag: the listing is turned into bags of this many partitions
DATASET_TABLES = ("articles", "facts", "projects")


@dataclass(frozen=True, slots=True)
class Unit:
    """One input file for a worker: a saved page or a WARC/ARC file."""

    index: int  # position in the listing of the inputs (names the dataset parts)
    path: str  # absolute path, opened by the worker
    location: str  # the location prefix the local engine gives it
    kind: str  # "html" or "archive"


@dataclass(frozen=True, slots=True)
class Part:
    """One partition: its units, and the units of the same folder right before and after it
    (up to ``REACH`` each), read only to join multi-page articles that straddle partitions."""

    units: tuple[Unit, ...]
    before: tuple[Unit, ...] = ()
    after: tuple[Unit, ...] = ()


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
    index = 0
    for item in input_files(paths):
        if isinstance(item, Skip):
            yield item
            continue
        path, location, kind = item
        yield Unit(index, os.path.abspath(path), location, kind)
        index += 1


def plan(items: Iterable[Unit | Skip], partition_size: int, reach: int = REACH) -> Iterator[Skip | Part]:
    """Cut the listing into partitions: saved pages ``partition_size`` at a time, every WARC a
    partition of its own, listing skips passed through in their place.  A partition of saved
    pages names the units of the same folder around it, up to ``reach`` on either side, within a
    run of pages (a WARC, a listing skip or a subfolder ends it, as in
    :func:`pipeline.read.multipage.join_pages`).

    >>> us = [Unit(i, f"/d/{i}.html", f"{i}.html", "html") for i in range(5)]
    >>> w = Unit(5, "/w", "w.warc.gz", "archive")
    >>> def show(p): return p if isinstance(p, Skip) else ([u.index for u in p.before], [u.index for u in p.units], [u.index for u in p.after])
    >>> [show(p) for p in plan([*us[:3], Skip("x"), *us[3:], w], 2, reach=1)]
    [([], [0, 1], [2]), ([1], [2], []), Skip(reason='x', location='', detail=''), ([], [3, 4], []), ([], [5], [])]
    """
    run: deque[Unit] = deque(maxlen=reach)  # the last units of the current run (the `before` of the next partition)
    run_scope = None
    current: list[Unit] = []
    before: tuple[Unit, ...] = ()
    waiting: deque[tuple[list[Unit], tuple[Unit, ...], list[Unit]]] = deque()  # partitions collecting `after`

    def close(keep: int = 0) -> Iterator[Part]:
        while len(waiting) > keep or (waiting and len(waiting[0][2]) >= reach):
            units, ahead, behind = waiting.popleft()
            yield Part(tuple(units), ahead, tuple(behind))

    def end_run() -> Iterator[Part]:
        nonlocal run_scope
        if current:
            waiting.append((list(current), before, []))
            current.clear()
        run.clear()
        run_scope = None
        yield from close()

    for item in items:
        if isinstance(item, Skip) or item.kind == "archive":
            yield from end_run()
            yield item if isinstance(item, Skip) else Part((item,))
            continue
        scope = scope_of(item.path, item.kind, item.index)
        if scope != run_scope:  # a new run: what waits for pages after it has them all
            run.clear()
            run_scope = scope
            yield from close()
        else:
            for _, _, behind in waiting:
                if len(behind) < reach:
                    behind.append(item)
            yield from close(keep=len(waiting))
        if not current:
            before = tuple(run)
        current.append(item)
        run.append(item)
        if len(current) >= partition_size:
            waiting.append((list(current), before, []))
            current.clear()
    yield from end_run()


# --------------------------------------------------------------------------- environment check


def environment_fingerprint(settings: Settings) -> dict:
    """What must be the same on the client and every worker for identical tables: the code of the
    ``pipeline`` package and the contents of the user dictionaries (found as each machine finds them).
    """
    package = Path(__file__).resolve().parent.parent
    code = hashlib.sha1()
    for path in sorted(package.rglob("*.py")) + [package / "defaults.toml"]:
        code.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    dicts = []
    for name, resolved in zip(settings.segment.user_dicts, settings.segment.dictionary_paths()):
        try:
            dicts.append([name, hashlib.sha1(resolved.read_bytes()).hexdigest()])
        except OSError:
            dicts.append([name, "missing"])
    return {"version": __version__, "code": code.hexdigest(), "user_dicts": dicts}


# --------------------------------------------------------------------------- worker side

_prepared: dict[str, str | None] = {}  # (settings, expected) -> mismatch message (None: ready), per process


def _prepare(settings: Settings, expected: dict) -> None:
    """Once per worker process and settings: check the environment, load spaCy and the dictionaries."""
    key = json.dumps([settings.as_dict(), expected], sort_keys=True, default=str)
    if key not in _prepared:
        found = environment_fingerprint(settings)
        problem = None
        if found != expected:
            problem = (f"worker (pid {os.getpid()}) has a different newsfacts installation than the client: "
                       f"worker {found}, client {expected}; install the same checkout on every worker "
                       "(`pip install '.[dask]'` in a checkout of the client's commit) and put the user dictionaries "
                       "at the same paths")
        else:
            get_nlp(settings.segment)
        _prepared[key] = problem
    if _prepared[key]:
        raise EnvironmentMismatch(_prepared[key])


def process_partition(units: list[Unit], settings: Settings, expected: dict, dataset_dir: str | None = None,
                      before: Iterable[Unit] = (), after: Iterable[Unit] = ()) -> list[PageResult | Skip | Joined]:
    """Read the files of one partition, join multi-page articles and run the per-page function on
    every article (on a worker).  ``before``/``after``: the units around it (:class:`Part`)."""
    _prepare(settings, expected)
    max_bytes = settings.input.max_page_bytes

    def slots(us: Iterable[Unit]):
        for u in us:
            yield from unit_slots(u.index, u.path, u.location, u.kind, max_bytes)

    if any(u.kind == "archive" for u in units):
        entries = slots(units)  # a WARC, record by record: its partition holds nothing else
    else:
        entries = list(slots(units))
        if needs_context(slot for _, slot in entries):
            entries = [*slots(before), *entries, *slots(after)]
    own = {u.index for u in units}
    out: list[PageResult | Skip | Joined] = []
    for item in join_pages(entries, own=own.__contains__):
        out.append(safe_process_pages(item, settings) if isinstance(item, list) else item)
    if dataset_dir and units:
        write_dataset_part(Path(dataset_dir), units[0].index,
                           [r for r in out if isinstance(r, PageResult)])
    return out


def _process_parts(parts: list[Part], settings: Settings, expected: dict,
                   dataset_dir: str | None = None) -> list[PageResult | Skip | Joined]:
    """The Dask partition function: a bag partition holds one Part."""
    return [item for part in parts
            for item in process_partition(list(part.units), settings, expected, dataset_dir, part.before, part.after)]


# --------------------------------------------------------------------------- the dataset


def dataset_columns() -> dict[str, list[tuple[str, str]]]:
    """Columns of the dataset tables: those of the tables, without the duplicate decision
    (made over all pages at the end), with ``location`` to join them with the tables."""
    return {
        "articles": [c for c in ARTICLES if c[0] not in ("duplicate_of", "dup_similarity")],
        "facts": FACTS + [("location", "str")],
        "projects": PROJECTS + [("location", "str")],
    }


def dataset_rows(result: PageResult) -> dict[str, list[dict]]:
    """The rows of one page for the dataset tables (ids as the page's own, before deduplication)."""
    location = result.article.location
    aid = result.article.article_id
    facts = []
    for ordinal, f in enumerate(result.facts, 1):
        values = dict(zip(FACT_COLUMNS, fact_values(f)))
        values["project_id"] = project_id(aid, values.pop("project"))
        facts.append({"fact_id": fact_id(aid, ordinal), "article_id": aid, **values, "location": location})
    projects = []
    for p in result.projects:
        mine = ((f.fact_type, f.value, f.unit, f.product) for f in result.facts if f.project == p.ordinal)
        projects.append({**project_values(aid, p, mine), "location": location})
    return {"articles": [article_values(result)], "facts": facts, "projects": projects}


def write_dataset_part(dataset_dir: Path, first_index: int, results: list[PageResult]) -> None:
    """Write one partition's rows as ``DATASET/TABLE/part-NNNNNNNN.parquet`` (temp name, then rename)."""
    import pyarrow.parquet as pq  # pyarrow loads when a part is written

    rows: dict[str, list[dict]] = {t: [] for t in DATASET_TABLES}
    for result in results:
        for table, recs in dataset_rows(result).items():
            rows[table].extend(recs)
    for table, columns in dataset_columns().items():
        if not rows[table]:
            continue
        folder = dataset_dir / table
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{first_index:08d}.parquet"
        tmp = folder / f".part-{first_index:08d}.parquet.tmp-{os.getpid()}"
        try:
            pq.write_table(arrow_table(rows[table], columns, arrow_schema(columns)), tmp)
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
        import dask.bag  # noqa: F401  (Dask is an extra: asked for only with --engine dask)
        import distributed  # noqa: F401
    except ImportError as exc:
        raise UsageError(f"--engine dask needs Dask ({exc}): pip install '.[dask]' in the newsfacts checkout "
                         "(`make install` does)") from None


def _connect(scheduler: str | None, workers: int | None):
    """A Client, and the LocalCluster started for this run (None when connecting to a scheduler)."""
    from distributed import Client, LocalCluster  # see _import_dask

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


def process_all(inputs: list[str], settings: Settings, counted: Callable[[], None], workers: int | None = None,
                scheduler: str | None = None, partition_size: int | None = None,
                dataset_dir: str | os.PathLike | None = None,
                window: int | None = None) -> Iterator[PageResult | Skip | Joined]:
    """PageResults, Skips and Joined records of all inputs in input order, computed on a Dask cluster.

    ``counted`` is called once per item, as the local engine does.
    """
    _import_dask()
    import dask.bag as db  # see _import_dask
    from distributed import KilledWorker

    partition_size = partition_size or DEFAULT_PARTITION_SIZE
    expected = environment_fingerprint(settings)
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
            block: list[Part] = []

            def submit() -> Iterator[tuple[object, list[Unit]]]:
                bag = db.from_sequence(block, partition_size=1)
                delayed = bag.map_partitions(_process_parts, settings, expected, dataset).to_delayed()
                units = [list(part.units) for part in block]
                if len(delayed) != len(units):  # from_sequence split otherwise: name the whole block
                    units = [[u for part in block for u in part.units]] * len(delayed)
                block.clear()
                yield from zip(delayed, units)

            for part in plan(iter_units(inputs), partition_size):
                if isinstance(part, Skip):
                    yield from submit() if block else ()
                    yield part
                    continue
                block.append(part)
                if len(block) >= BLOCK_PARTITIONS:
                    yield from submit()
            if block:
                yield from submit()

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
            yield from results

        for task in tasks():
            if isinstance(task, Skip):
                pending.append(task)
            else:
                delayed, units = task
                pending.append((client.compute(delayed), units))
                in_flight += 1
            while pending and (isinstance(pending[0], Skip) or in_flight >= window):
                for item in take():
                    counted()
                    yield item
        while pending:
            for item in take():
                counted()
                yield item
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
