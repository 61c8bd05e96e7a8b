"""The output folder's tables as one set: written beside the old set, then switched together.

Every file of a set (the four tables as CSV and Parquet, and the manifest) is written under a
temporary name first.  Only when all are written and synced is the switch list
(:data:`SWITCH`) written; then each file is renamed into place and the list removed.  A run
killed before the list exists leaves the old set whole (its temporary files are removed at the
next start); a run killed during the renames leaves the list, and the next start finishes it.
So a reader never finds new articles next to old facts, except for the microseconds the renames
of one set take.

The manifest (:data:`MANIFEST`) records the generation of the state the set was written from.
The state's generation grows with every run that stores or removes a page; a state newer than
the tables (a run or crawl killed after storing its pages, before its export finished), or
tables missing, means an export is owed, which the next run or crawl writes even if it finds
nothing new.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

SWITCH = ".newsfacts-switch"
MANIFEST = ".newsfacts-tables.json"
TABLE_FILES = tuple(f"{t}.{x}" for t in ("articles", "facts", "projects", "duplicates") for x in ("csv", "parquet"))


def temp_path(out_dir: Path, name: str) -> Path:
    """Where ``name`` is written before the switch (removed at the next start if never switched)."""
    return out_dir / f".{name}.tmp-{os.getpid()}"


def sync_dir(path: Path) -> None:
    """Make renames in ``path`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_switch_list(out_dir: Path, pairs: list[tuple[str | None, str]]) -> None:
    """Record (temporary name, final name) of every file of a set that is written and synced;
    a temporary name None removes the final one."""
    tmp = temp_path(out_dir, SWITCH)
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(pairs, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out_dir / SWITCH)
    sync_dir(out_dir)


def switch(out_dir: Path, pairs: list[tuple[str | None, str]]) -> None:
    """Put a written set in place: the switch list first, then the renames, then no list."""
    write_switch_list(out_dir, pairs)
    _rename_all(out_dir, pairs)


def _rename_all(out_dir: Path, pairs: list[tuple[str | None, str]]) -> None:
    folders = {out_dir}
    for tmp, final in pairs:
        folders.add((out_dir / final).parent)
        if tmp is None:  # a file the new set no longer has (a month without articles now)
            (out_dir / final).unlink(missing_ok=True)
        elif (out_dir / tmp).exists():  # already renamed when finishing an interrupted switch
            os.replace(out_dir / tmp, out_dir / final)
    for folder in folders:
        sync_dir(folder)
        if folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # an emptied partition
    (out_dir / SWITCH).unlink(missing_ok=True)
    sync_dir(out_dir)


def finish_interrupted_export(out_dir: Path) -> bool:
    """At the start of a run: finish the switch of a run killed during it (True if there was
    one), then remove the temporary files of runs killed before theirs."""
    finished = False
    journal = out_dir / SWITCH
    if journal.is_file():
        try:
            pairs = [(None if tmp is None else str(tmp), str(final))
                     for tmp, final in json.loads(journal.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError) as exc:  # written whole or not at all: damage from outside
            log.warning("%s is unreadable (%s); the interrupted switch of tables is not finished", journal, exc)
            journal.unlink(missing_ok=True)
        else:
            if all(_inside(p) for pair in pairs for p in pair if p is not None):
                _rename_all(out_dir, pairs)
                log.warning("finished the switch of tables into %s that an interrupted run began", out_dir)
                finished = True
            else:
                journal.unlink(missing_ok=True)
    for p in [*out_dir.glob(".*.tmp-*"), *out_dir.glob("*/month=*/.*.tmp-*")]:
        p.unlink(missing_ok=True)
    return finished


def _inside(name: str) -> bool:
    """A name of the switch list stays inside the output folder (it is read back from disk)."""
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def write_manifest(path: Path, generation: int, counts: dict[str, int], partitions: dict | None = None) -> None:
    """The manifest of a set, written (to a temporary name) with the set: the state generation,
    the rows of each table and, for a partitioned set, each month's rows and fact types."""
    data = {"state_generation": generation, "rows": counts,
            "layout": "snapshot" if partitions is None else "partitioned"}
    if partitions is not None:
        data["partitions"] = partitions
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, sort_keys=True, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


def read_manifest(out_dir: Path) -> dict | None:
    """The manifest of the tables in ``out_dir``, or None (none, unreadable, older version)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def partition_files(table: str, month: str) -> tuple[str, str]:
    """The CSV and Parquet file of one month of a partitioned table, relative to the output."""
    return f"{table}/month={month}/{table}.csv", f"{table}/month={month}/{table}.parquet"


def export_owed(out_dir: Path, generation: int) -> str | None:
    """Why the tables of ``out_dir`` must be written again from a state of ``generation``, or None."""
    manifest = read_manifest(out_dir) or {}
    if manifest.get("layout") == "partitioned" and isinstance(manifest.get("partitions"), dict):
        files = [f for month in manifest["partitions"] for table in ("articles", "facts", "projects", "duplicates")
                 for f in partition_files(table, month)]
    else:
        files = list(TABLE_FILES)
    missing = [name for name in files if not (out_dir / name).is_file()]
    if missing:
        return f"{', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''} missing"
    written = manifest.get("state_generation")
    if written is None:
        return "the tables name no state generation (written by an older version or damaged)"
    if written != generation:
        return "the state has pages the tables do not (a run or crawl stopped before writing them)"
    return None
