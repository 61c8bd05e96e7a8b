"""The ``newsfacts`` command line (typer): ``run``, ``crawl`` and ``evaluate``.

Every command builds the :class:`~pipeline.config.Settings` once (shipped defaults, ``--config``
file, flags) and hands them to the stages.  Exit codes: 0 success, 2 usage or configuration
errors, 1 when the run could not do its work, 75 when another crawl holds the lock.

The CLI is the one module that imports parts of the pipeline inside functions: each command
loads what it runs when it runs, so ``newsfacts --help`` or a mistyped option answers in 0.2 s
instead of loading every stage (0.6 s).  Nothing imports this module.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import sys
from importlib import metadata
from multiprocessing import forkserver
from pathlib import Path
from typing import List, Optional

import typer

from pipeline import __version__
from pipeline.config import load_settings
from pipeline.errors import PipelineError, UsageError

ENGINES = ("local", "dask")  # pipeline.engines.run.ENGINES (checked equal by the tests)
# pipeline.engines.local.AUTO_ONE_WORKER_BELOW (checked equal by the tests; importing it here
# would load the pipeline for --help)
AUTO_ONE_WORKER_BELOW = 150
# pipeline.engines.pool.PRELOAD (checked equal by the tests): what the fork server of the worker
# processes loads before it forks them, started early by _start_fork_server
FORK_SERVER_PRELOAD = ("__main__", "pipeline.engines.pool", "pipeline.nlp.preload")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # click's plain help: flags and -v/-vv without the <bool>/<int> type column of Typer's
    # rich panels, one line per option, readable in an 80-column terminal and in a pipe
    rich_markup_mode=None,
    help="Chinese news pages in, tables of investment projects and economic figures out.",
)
log = logging.getLogger("newsfacts")


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if quiet:
        # -q: only errors, not the SKIP lines
        logging.getLogger().setLevel(logging.ERROR)


def _package_version() -> str:
    try:
        return metadata.version("newsfacts")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"newsfacts {_package_version()}")
        raise typer.Exit(0)


def _writable_folder_problem(path: Path, flag: str) -> str | None:
    """Why ``path`` cannot be used as an output folder (created if missing), or None if it can.

    Checked before a run starts, so that a mistyped ``--out`` is one clear line with exit
    code 2 rather than a traceback from deep inside the run.
    """
    if path.exists() and not path.is_dir():
        return f"{flag} {path} is a file, not a folder; name a folder (it is created if it does not exist)"
    existing = path
    while not existing.exists():  # the nearest ancestor that exists: the one that must be writable
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing != path and existing.exists() and not existing.is_dir():
        return (f"{flag} {path} cannot be created: {existing} is a file, not a folder; "
                f"name a folder that is not inside a file")
    if existing.is_dir() and not os.access(existing, os.W_OK | os.X_OK):
        what = f"{flag} {path} is" if existing == path else f"{flag} {path} cannot be created: {existing} is"
        return f"{what} not writable for this user; choose another folder or fix its permissions"
    return None


def _start_fork_server() -> None:
    """Start the fork server that the worker processes are forked from, now.

    It loads the pipeline once for all workers (about a second, ``pipeline.engines.pool``); started
    before this process loads the code of the run, the two load side by side instead of one after
    the other.  Only for ``--workers N`` above 1 on the local engine, where workers are sure to start.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods() or sys.platform == "darwin":
        return  # spawned workers (macOS) or no fork server: nothing to start ahead
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(FORK_SERVER_PRELOAD))
    forkserver.ensure_running()


def _check_output_folders(*folders: tuple[Path | None, str]) -> None:
    for path, flag in folders:
        problem = _writable_folder_problem(path, flag) if path is not None else None
        if problem:
            typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(2)


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version of newsfacts and exit."),
) -> None:
    """newsfacts: run `newsfacts COMMAND --help` for the options of a command."""


@app.command()
def run(
    paths: List[Path] = typer.Argument(..., metavar="PATH", help="Folders of saved pages, single pages, or WARC/ARC files."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="Output folder for the tables."),
    state: Optional[Path] = typer.Option(None, "--state", metavar="DIR", help="State database folder (default: OUT/.state)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="FILE", help="TOML file overlaying the shipped defaults."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, metavar="N", envvar="NEWSFACTS_WORKERS",
                                          help="Worker processes. Default: one per core, but one when the "
                                               f"input has fewer than {AUTO_ONE_WORKER_BELOW} pages (starting a "
                                               "worker costs more than it saves); an explicit N is always used."),
    threshold: Optional[float] = typer.Option(None, "--near-threshold", min=0.05, max=1.0, metavar="J",
                                              help="Jaccard threshold for near duplicates."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: on a terminal)."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, show_default=False,
                                help="More log output; -vv for debug."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors and the summary."),
    engine: str = typer.Option("local", "--engine", metavar="local|dask", help="local (this machine) or dask (a Dask cluster)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Dask scheduler address, e.g. tcp://host:8786 (default: a "
                                                 "local cluster for this run). With --engine dask."),
    partition_size: Optional[int] = typer.Option(None, "--partition-size", min=1, metavar="N",
                                                 help="Saved pages per Dask partition (default 16; a WARC is "
                                                      "always a partition of its own). With --engine dask."),
    dataset: bool = typer.Option(False, "--dataset", help="Also write a partitioned Parquet dataset "
                                                          "(OUT/dataset/TABLE/part-*.parquet). With --engine dask."),
    dataset_dir: Optional[Path] = typer.Option(None, "--dataset-dir", metavar="DIR",
                                               help="Where --dataset writes (default OUT/dataset; shared storage "
                                                    "on a cluster). Implies --dataset."),
    wait: bool = typer.Option(False, "--wait", help="If another run or crawl holds the state folder, wait for "
                                                    "it to finish (default: exit 75 at once, naming it)."),
) -> None:
    """Extract articles and facts from the pages under each PATH into tables in the --out DIR (CSV and Parquet)."""
    _setup_logging(verbose, quiet)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: input path(s) not found: {', '.join(missing)}; check the spelling", err=True)
        raise typer.Exit(2)
    if engine not in ENGINES:
        typer.echo(f"error: --engine must be local or dask, not {engine!r}", err=True)
        raise typer.Exit(2)
    if engine == "local" and (scheduler or partition_size or dataset or dataset_dir):
        typer.echo("error: --scheduler, --partition-size, --dataset and --dataset-dir need --engine dask", err=True)
        raise typer.Exit(2)
    _check_output_folders((out, "--out"), (state, "--state"), (dataset_dir, "--dataset-dir"))
    if dataset and dataset_dir is None:
        dataset_dir = out / "dataset"
    if engine == "local" and workers and workers > 1:
        _start_fork_server()  # loads the workers' pipeline while this process loads the run's code
    from pipeline.engines.run import run as run_pipeline  # loaded when the command runs (module docstring)
    from pipeline.store.lock import LockHeld

    overrides = {"dedupe": {"threshold": threshold}} if threshold is not None else None
    try:
        settings = load_settings(config, overrides)
        summary = run_pipeline([str(p) for p in paths], out, settings, state_dir=state, workers=workers,
                               progress=progress, engine=engine, scheduler=scheduler,
                               partition_size=partition_size, dataset_dir=dataset_dir, wait=wait)
    except LockHeld as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(LockHeld.exit_code)
    except PipelineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2 if isinstance(exc, UsageError) else 1)
    except OSError as exc:  # the checks above passed but writing failed (full disk, a race): no traceback
        typer.echo(f"error: cannot write {exc.filename or out}: {exc.strerror or exc}; "
                   "check --out and --state and the free space", err=True)
        raise typer.Exit(1)
    for line in summary.lines():
        typer.echo(line, err=True)
    if summary.pages_read == 0:
        # nothing was found to read at all: no SKIP lines either, so name the paths instead
        typer.echo(f"error: no pages found under {', '.join(map(str, paths))} (looked for .html .htm .shtml, "
                   ".gz of those, and .warc .warc.gz .arc files); check the path", err=True)
        raise typer.Exit(1)
    if summary.articles == 0:
        where = ("run without -q for the SKIP line of each file" if quiet
                 else "the SKIP lines above name each file and what to do")
        typer.echo(f"error: no article could be read from the inputs ({where})", err=True)
        raise typer.Exit(1)


@app.command()
def crawl(
    sources: Path = typer.Option(..., "--sources", "-s", metavar="FILE", help="Sources file (TOML): sites, feeds, sitemaps, politeness."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="Output folder for the tables (full snapshot + runs/<run-id>/)."),
    state: Path = typer.Option(..., "--state", metavar="DIR", help="State folder: database, WARC files, lock."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="FILE", help="TOML file overlaying the shipped defaults."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, show_default=False,
                                help="More log output; -vv for debug."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors and the one-line summary."),
) -> None:
    """Fetch what is new or changed on the configured sites, archive it, and update the tables."""
    _setup_logging(verbose, quiet)
    from pipeline.crawl.crawler import Crawler  # loaded when the command runs (module docstring)
    from pipeline.store.lock import LockHeld
    from pipeline.crawl.sources import load_sources

    _check_output_folders((out, "--out"), (state, "--state"))
    try:
        settings = load_settings(config)
        spec = load_sources(sources)
        summary = Crawler(spec, out, state, settings).run()
    except LockHeld as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(LockHeld.exit_code)
    except UsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    except PipelineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)
    typer.echo(summary.line(), err=True)
    for name, why in sorted(summary.unreachable.items()):  # a whole site got nothing: not a quiet night
        typer.echo(f"error: source {name!r} could not be crawled, nothing of it was fetched: {why}", err=True)
    if summary.failure_share > spec.failure_threshold:
        typer.echo(f"error: {summary.failure_share:.0%} of fetches failed (threshold {spec.failure_threshold:.0%})", err=True)
        raise typer.Exit(1)
    if summary.unreachable:
        raise typer.Exit(1)


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", "-g", metavar="FILE", help="Gold JSON Lines file (or a folder of them)."),
    pred: Path = typer.Option(..., "--pred", "-p", metavar="DIR", help="Output folder of a run."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
    details: bool = typer.Option(True, "--details/--no-details", help="List misses, false facts and errors."),
) -> None:
    """Score the tables in PRED against hand-written GOLD (precision, recall, F1, accuracy)."""
    from pipeline.evaluate import evaluate as score  # loaded when the command runs
    from pipeline.evaluate import format_report, load_gold
    from pipeline.store.export import load_outputs

    try:
        records = load_gold(gold)
        tables = load_outputs(pred)
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    report = score(records, tables)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1, default=str))
    else:
        typer.echo(format_report(report, details))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
