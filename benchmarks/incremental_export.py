"""What a nightly run costs as the archive grows: 1,000 new pages added to a state of 10,000 and
of 100,000 articles (issue 15, point 1: the wall time ratio should be at most 1.5).

The states are made quickly: a few thousand small generated pages (benchmarks/corpus.py
``build_small_corpus``) are read by the real pipeline once, and their results are stored again
under new keys, URLs, publication months and texts (each clone's text gets its own number, its
MinHash signature is drawn at random, so clones are neither exact nor near duplicates of each
other) until the state holds N articles; then the tables are written once (timed apart).  The
timed part is ``newsfacts run NEW --out OUT`` (a subprocess, start-up included) over 1,000 new
small pages, with ``assign_duplicates`` timed inside it (benchmarks/timed_run.py).

    .venv/bin/python benchmarks/incremental_export.py [--sizes 10000 100000] [--add 1000]
        [--partition-above 5000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import build_small_corpus  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.page import safe_process  # noqa: E402
from pipeline.read.files import iter_raw_pages  # noqa: E402
from pipeline.records import PageResult, RawPage  # noqa: E402
from pipeline.store.partitions import export_outputs  # noqa: E402
from pipeline.store.state import Store, new_run_id  # noqa: E402


def seed_results(folder: Path, settings) -> list[PageResult]:
    results = []
    for raw in iter_raw_pages([folder], settings.input.max_page_bytes):
        if isinstance(raw, RawPage):
            result = safe_process(raw, settings)
            if isinstance(result, PageResult):
                results.append(result)
    return results


def clone(result: PageResult, i: int, rng: random.Random) -> PageResult:
    month = f"20{rng.randint(10, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    article = dataclasses.replace(
        result.article, location=f"clone/{i:06d}.html", url=f"http://bench.example.cn/{i:06d}.html",
        content=result.article.content + f"（第{i}号）", published_at=month, article_id="")
    signature = bytes(rng.getrandbits(8) for _ in range(len(result.signature))) if result.signature else None
    return dataclasses.replace(result, article=article, signature=signature, content_sha1=None,
                               key=f"file:/bench/clone/{i:06d}.html")


def build_state(out: Path, size: int, results: list[PageResult], settings, partition_above: int) -> dict:
    rng = random.Random(size)
    t0 = time.perf_counter()
    with Store(out / ".state" / "newsfacts.sqlite", settings.dedupe) as store:
        run_id = new_run_id()
        for i in range(size):
            store.put(clone(results[i % len(results)], i, rng), run_id)
        stored = time.perf_counter()
        store.assign_duplicates()
        decided = time.perf_counter()
        export_outputs(store, out, partition_above=partition_above)
    return {"store_s": stored - t0, "dedupe_s": decided - stored, "first_export_s": time.perf_counter() - decided}


def timed_run(new: Path, out: Path, config: Path) -> dict:
    timing = out.parent / f"{out.name}.timing.json"
    env = dict(os.environ, NEWSFACTS_BENCH_TIMING=str(timing))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "timed_run.py"), "run", str(new),
                           "--out", str(out), "-c", str(config), "-q", "--workers", "1"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"the timed run failed: {proc.stderr}")
    inner = json.loads(timing.read_text())
    return {"wall_s": wall, "assign_duplicates_s": inner["assign_duplicates_s"], "articles": inner["articles"]}


def recent(folder: Path) -> None:
    """Date the new pages in the last month of the archive, as a night's pages are (the
    generator spreads dates over 2010-2023, which would touch every month)."""
    rng = random.Random(3)
    for path in folder.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\d{4}-\d{2}-\d{2} (\d{2}:00)", lambda m: f"2023-12-{rng.randint(1, 28):02d} {m.group(1)}", text, count=1)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--add", type=int, default=1000)
    ap.add_argument("--seed-pages", type=int, default=2000)
    ap.add_argument("--partition-above", type=int, default=5000)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsfacts-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    config = work / "bench.toml"
    config.write_text(f"[output]\npartition_above_articles = {args.partition_above}\n", encoding="utf-8")
    settings = load_settings(config)
    try:
        build_small_corpus(work / "seed", args.seed_pages, seed=1)
        build_small_corpus(work / "new", args.add, seed=2)
        recent(work / "new")
        t0 = time.perf_counter()
        results = seed_results(work / "seed", settings)
        print(f"seed pages read: {len(results)} in {time.perf_counter() - t0:.1f} s", flush=True)
        rows = []
        for size in args.sizes:
            out = work / f"out-{size}"
            shutil.rmtree(out, ignore_errors=True)
            setup = build_state(out, size, results, settings, args.partition_above)
            print(f"state of {size}: {json.dumps({k: round(v, 1) for k, v in setup.items()})}", flush=True)
            rows.append((size, setup, timed_run(work / "new", out, config)))
        print(f"\n| state (articles) | run adding {args.add} pages: wall s | of it assign_duplicates s | "
              f"first full export s |\n|---|---|---|---|")
        for size, setup, timed in rows:
            print(f"| {size:,} | {timed['wall_s']:.1f} | {timed['assign_duplicates_s']:.1f} | "
                  f"{setup['first_export_s']:.1f} |")
        if len(rows) >= 2:
            ratio = rows[-1][2]["wall_s"] / rows[0][2]["wall_s"]
            print(f"\nwall time ratio {rows[-1][0]:,} / {rows[0][0]:,}: {ratio:.2f} (target <= 1.5)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
