"""How long ``newsfacts run`` takes to start: one page, wall time, and where the time goes.

    .venv/bin/python benchmarks/startup.py [--page FILE] [--repeat 7] [--workers-repeat 5] [--no-importtime]

Measures, each in fresh processes:

1. **one page, one worker**: ``newsfacts run PAGE --out NEW -q --workers 1`` as a subprocess,
   ``--repeat`` times, a fresh output folder each time (so every run stores and exports); the best
   and the median wall time, and the CPU time of the run (user + system, the process and its
   children: less disturbed than the wall time when other work shares the machine);
2. **one page, two workers**: the same with ``--workers 2`` (the worker processes start, build
   their pipeline and read the page; the export starts its facts writer);
3. **breakdown**: a child process times the steps of a run one after the other, wall and CPU: the
   Python interpreter alone (``python -c pass``), importing what the CLI imports, rjieba, jieba,
   jieba's prefix dictionary, spaCy (each the way the checkout does it), the rest of ``get_nlp``
   (user dictionaries, rjieba's segmenter or the wait for it, the spaCy language), the first page
   through ``process_page``, and a run of the page with the pipeline loaded, its export timed
   apart (and whether pandas and pyarrow were imported by it).  Medians of 3 children;
4. **importtime**: ``python -X importtime`` of the one-page run: the top-level imports with the
   largest cumulative time, and the modules with the largest own time.

The machine may be shared with other work: compare figures measured close together, and prefer
the best and the CPU time to the median.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGE = ROOT / "corpora" / "samples" / "cnnb" / "beilun-20160920.html"


CHECKOUT = ROOT  # the checkout whose code runs (--checkout: another one, e.g. a git worktree of the baseline)


def newsfacts_command() -> list[str]:
    """The installed ``newsfacts`` script next to this interpreter, else ``python -m pipeline``
    (also for another checkout, whose code comes first on the path)."""
    script = Path(sys.executable).with_name("newsfacts")
    return [str(script)] if script.exists() and CHECKOUT == ROOT else [sys.executable, "-m", "pipeline"]


def child_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(CHECKOUT)} if CHECKOUT != ROOT else dict(os.environ)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_runs(page: Path, workers: int, repeat: int, tmp: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``repeat`` one-page runs, each into a new output folder."""
    walls, cpus = [], []
    for i in range(repeat):
        out = tmp / f"out-{workers}-{i}"
        command = [*newsfacts_command(), "run", str(page), "--out", str(out), "-q", "--workers", str(workers)]
        cpu0, t0 = _children_cpu(), time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=CHECKOUT, env=child_env())
        wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        walls.append(wall)
        cpus.append(cpu)
        shutil.rmtree(out, ignore_errors=True)
    return walls, cpus


# --------------------------------------------------------------------------- breakdown (child)


def breakdown_child(page: str, out: str) -> None:
    """Time the steps of a run in this fresh process; print them as JSON ([wall, CPU] seconds).

    The steps are those of ``build_nlp``, in its order, with the project's own ways of importing
    and loading where the checkout has them (``pipeline.nlp.libraries``, ``pipeline.nlp.dictionary``,
    rjieba's segmenter made ahead by ``segmenter.prepare_fast``).
    """
    steps: dict[str, list[float]] = {}

    def step(name, fn):
        t0, c0 = time.perf_counter(), time.process_time()
        value = fn()
        steps[name] = [time.perf_counter() - t0, time.process_time() - c0]
        return value

    def import_cli():
        import pipeline.cli  # noqa: F401
        import pipeline.engines.run  # noqa: F401

    step("import pipeline (what the CLI loads)", import_cli)
    from pipeline.config import load_settings
    from pipeline.nlp import segmenter

    settings = load_settings(None)
    try:
        from pipeline.nlp import dictionary, libraries
    except ImportError:  # a checkout before the start-up work: the imports and jieba's own way
        import logging

        if settings.segment.fast:
            step("import rjieba", segmenter.rjieba_available)
        step("import jieba", lambda: __import__("jieba"))
        jieba = sys.modules["jieba"]
        jieba.setLogLevel(logging.WARNING)
        step("jieba prefix dictionary (jieba.initialize)", jieba.initialize)
        step("import spacy", lambda: __import__("spacy"))
    else:
        if settings.segment.fast:
            step("rjieba: import, segmenter (segmenter.prepare_fast)", segmenter.prepare_fast)
        step("import jieba (libraries.import_jieba)", libraries.import_jieba)
        step("jieba prefix dictionary (dictionary.initialize)", dictionary.initialize)
        step("import spacy (libraries.import_spacy)", libraries.import_spacy)
    from pipeline.nlp.language import get_nlp

    step("get_nlp (the rest)", lambda: get_nlp(settings.segment))
    from pipeline.page import process_page
    from pipeline.read.files import read_html_file

    raw = read_html_file(page, Path(page).name, settings.input.max_page_bytes)
    step("first page (process_page)", lambda: process_page(raw, settings))

    from pipeline.engines import run as run_module
    export = run_module.export_outputs
    timing = {}

    def timed_export(*args, **kwargs):
        loaded = [m for m in ("pyarrow", "pandas") if m not in sys.modules]
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return export(*args, **kwargs)
        finally:
            timing["export"] = [time.perf_counter() - t0, time.process_time() - c0]
            timing["imports"] = [m for m in loaded if m in sys.modules]

    run_module.export_outputs = timed_export
    t0, c0 = time.perf_counter(), time.process_time()
    run_module.run([page], out, settings, workers=1, progress=False)
    total = [time.perf_counter() - t0, time.process_time() - c0]
    steps["run with the pipeline loaded: read, store, duplicates"] = [a - b for a, b in zip(total, timing["export"])]
    steps["  export" + (f" (imports {', '.join(timing['imports'])})" if timing["imports"] else "")] = timing["export"]
    print(json.dumps(steps))


def breakdown(page: Path, tmp: Path, children: int = 3) -> dict[str, list[float]]:
    runs = []
    for i in range(children):
        out = tmp / f"breakdown-{i}"
        done = subprocess.run([sys.executable, __file__, "--breakdown-child", str(page), str(out)],
                              capture_output=True, text=True, cwd=CHECKOUT, env=child_env(), check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        shutil.rmtree(out, ignore_errors=True)
    cpu0, t0 = _children_cpu(), time.perf_counter()
    for _ in range(children):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    result = {"python -c pass": [(time.perf_counter() - t0) / children, (_children_cpu() - cpu0) / children]}
    for name in runs[0]:
        result[name] = [statistics.median(r[name][0] for r in runs), statistics.median(r[name][1] for r in runs)]
    return result


# --------------------------------------------------------------------------- importtime


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)")


def importtime(page: Path, tmp: Path, top: int = 15) -> tuple[list, list]:
    """(top-level imports by cumulative ms, modules by own ms) of one run under -X importtime."""
    out = tmp / "importtime"
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", "run", str(page), "--out", str(out),
                           "-q", "--workers", "1"], capture_output=True, text=True, cwd=CHECKOUT, env=child_env())
    shutil.rmtree(out, ignore_errors=True)
    entries = []
    for line in done.stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            entries.append((int(m[1]) / 1000, int(m[2]) / 1000, len(m[3]) // 2, m[4]))
    top_level = sorted(((c, n) for s, c, d, n in entries if d == 0), reverse=True)[:top]
    own = sorted(((s, n) for s, c, d, n in entries), reverse=True)[:top]
    return top_level, own


# --------------------------------------------------------------------------- report


def _summary(label: str, walls: list[float], cpus: list[float]) -> str:
    return (f"{label}: wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
            f"(all: {' '.join(f'{w:.2f}' for w in walls)}); CPU median {statistics.median(cpus):.2f} s")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--breakdown-child":
        sys.path.insert(0, os.environ.get("PYTHONPATH") or str(ROOT))
        breakdown_child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE, help="the one page to run (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=7, help="one-worker runs (default 7)")
    parser.add_argument("--workers-repeat", type=int, default=5, help="two-worker runs (default 5; 0: none)")
    parser.add_argument("--no-importtime", action="store_true", help="leave out the -X importtime listing")
    parser.add_argument("--no-breakdown", action="store_true", help="leave out the breakdown")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="run the code of this checkout (a git worktree of another commit), same venv")
    args = parser.parse_args()
    global CHECKOUT
    CHECKOUT = args.checkout.resolve()
    page = args.page.resolve()
    with tempfile.TemporaryDirectory(prefix="newsfacts-startup-") as name:
        tmp = Path(name)
        timed_runs(page, 1, 1, tmp)  # warm the file cache (and any cache built on first use) off the clock
        print(f"code: {CHECKOUT}, page: {page.relative_to(ROOT) if page.is_relative_to(ROOT) else page}")
        print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        walls, cpus = timed_runs(page, 1, args.repeat, tmp)
        print(_summary("newsfacts run, 1 worker ", walls, cpus))
        if args.workers_repeat:
            walls, cpus = timed_runs(page, 2, args.workers_repeat, tmp)
            print(_summary("newsfacts run, 2 workers", walls, cpus) + " (CPU: the main process only)")
        if not args.no_breakdown:
            print("\nbreakdown (median of 3 fresh processes; seconds):")
            print("    wall     CPU")
            for name, (wall, cpu) in breakdown(page, tmp).items():
                print(f"  {wall:6.3f}  {cpu:6.3f}  {name}")
        if not args.no_importtime:
            top_level, own = importtime(page, tmp)
            print("\n-X importtime, top-level imports by cumulative ms:")
            for ms, name in top_level:
                print(f"  {ms:8.1f}  {name}")
            print("-X importtime, modules by own ms:")
            for ms, name in own:
                print(f"  {ms:8.1f}  {name}")
        print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
