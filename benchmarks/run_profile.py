"""Where a one-worker run's time goes, stage by stage, on the benchmark corpus.

    .venv/bin/python benchmarks/run_profile.py [--pages 1000] [--seed 0] [--folder DIR] [--runs 3]

Two measurements on the same pages, one after the other:

1. **the stages, timed in this process**: every page is read and taken through the steps of
   ``pipeline.page.process_pages`` one by one (the same calls, in the same order), and the CPU
   time of each step is summed: reading the file, the HTML stage (``extract_article``), jieba's
   segmentation and the spaCy Doc (``nlp.make_doc``), each pipeline component (sentences, then
   the facts component, which holds the fact reader), the token list, and the duplicate hash
   with the MinHash signature.  A first pass warms the caches that live for a whole run (the
   gazetteer, compiled patterns, jieba's dictionary) and is not counted; the memos that a run
   fills page by page are emptied before the timed pass, so each page is read as a run reads it.
   spaCy's vocabulary keeps the word types of the warm-up pass, so the Doc step costs a little
   less than in a run, which meets each new word type once.
2. **whole runs**: ``newsfacts run FOLDER --workers 1 -q`` as a subprocess, ``--runs`` times
   into fresh output folders (CPU time of the process and its children, and wall time), and the
   same command on one page (the start-up).  What the whole run spends beyond the stages and
   the start-up is the run's own work: the state database, duplicate decisions and the tables.

The figures are CPU milliseconds per page; the machine may be shared with other work, so read
the shares, which drift less than the absolute figures.
"""
from __future__ import annotations

import argparse
import hashlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

STAGES = ("read the file", "HTML stage (extract_article)", "segmentation and Doc (make_doc)")
SIGN = "duplicate hash and MinHash signature"
TOKENS = "token list"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_run(folder: Path, runs: int) -> dict:
    """CPU seconds (process and children) and wall seconds of ``newsfacts run`` over ``folder``:
    the median of ``runs`` runs, each into a fresh output folder."""
    cpu, wall = [], []
    with tempfile.TemporaryDirectory(prefix="run_profile_out_") as tmp:
        for i in range(runs):
            out = Path(tmp) / f"out{i}"
            before, started = _children_cpu(), time.perf_counter()
            subprocess.run([sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out),
                            "--workers", "1", "-q"], cwd=ROOT, check=True, capture_output=True)
            wall.append(time.perf_counter() - started)
            cpu.append(_children_cpu() - before)
            shutil.rmtree(out, ignore_errors=True)
    return {"cpu_s": statistics.median(cpu), "wall_s": statistics.median(wall)}


def stage_times(folder: Path) -> tuple[dict[str, float], int]:
    """CPU seconds of each step of ``process_pages`` summed over the pages of ``folder``, and the
    number of pages that made an article."""
    import facts_speed  # benchmarks/facts_speed.py: clear_caches
    import html_speed  # benchmarks/html_speed.py: forget_urls

    from pipeline.config import default_settings
    from pipeline.errors import Skip
    from pipeline.extract.article import extract_article
    from pipeline.nlp.language import get_nlp
    from pipeline.nlp.tokenizer import token_texts
    from pipeline.read.files import iter_raw_pages
    from pipeline.records import normalize_for_hash
    from pipeline.store.minhash import signature, to_blob

    settings = default_settings()
    nlp = get_nlp(settings.segment)
    clock = time.process_time

    def one_pass() -> tuple[dict[str, float], int]:
        spent: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        pages = 0
        pages_iter = iter(iter_raw_pages([folder], settings.input.max_page_bytes))
        while True:
            t0 = clock()
            raw = next(pages_iter, None)
            spent["read the file"] += clock() - t0
            if raw is None:
                return spent, pages
            if isinstance(raw, Skip):
                continue
            t0 = clock()
            try:
                article = extract_article(raw.body, raw.url, location=raw.location, content_type=raw.content_type,
                                          fetched_at=raw.fetched_at, settings=settings)
            except Skip:
                spent["HTML stage (extract_article)"] += clock() - t0
                continue
            t1 = clock()
            spent["HTML stage (extract_article)"] += t1 - t0
            doc = nlp.make_doc(article.content)
            t0 = clock()
            spent["segmentation and Doc (make_doc)"] += t0 - t1
            for name, proc in nlp.pipeline:  # as Language.__call__ does, with what a run gives the facts component
                doc = proc(doc, published_at=article.published_at, spans=False) if name == "newsfacts_facts" \
                    else proc(doc)
                t1 = clock()
                key = f"component {name}"
                spent[key] = spent.get(key, 0.0) + t1 - t0
                t0 = t1
            tuple(t for t in token_texts(doc) if t.strip())
            t1 = clock()
            spent[TOKENS] = spent.get(TOKENS, 0.0) + t1 - t0
            norm = normalize_for_hash(article.content)
            to_blob(signature(norm, settings.dedupe.num_perm, settings.dedupe.shingle_size, normalized=True))
            hashlib.sha1(norm.encode("utf-8")).hexdigest()
            spent[SIGN] = spent.get(SIGN, 0.0) + clock() - t1
            pages += 1

    one_pass()  # warm-up: what a run builds once
    facts_speed.clear_caches()
    html_speed.forget_urls()
    return one_pass()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000, help="pages of the generated corpus (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folder", help="time this folder of saved pages instead of a generated corpus")
    ap.add_argument("--runs", type=int, default=3, help="whole runs timed (default 3; the median is shown)")
    args = ap.parse_args(argv)

    import corpus  # benchmarks/corpus.py

    with tempfile.TemporaryDirectory(prefix="run_profile_") as tmp:
        if args.folder:
            folder = Path(args.folder)
        else:
            folder = Path(tmp) / "pages"
            corpus.build_corpus(folder, args.pages, args.seed)
        one = Path(tmp) / "one"
        one.mkdir()
        pages = sorted(p for p in folder.rglob("*.htm*") if p.is_file())
        if not pages:
            raise SystemExit(f"no saved pages (*.html, *.htm, *.shtml.html) under {folder}")
        first = pages[0]
        shutil.copy(first, one / first.name)
        spent, pages = stage_times(folder)
        run = whole_run(folder, args.runs)
        start = whole_run(one, args.runs)

    import pipeline.extract
    import pipeline.facts

    n = max(pages, 1)
    stages_s = sum(spent.values())
    rest = run["cpu_s"] - start["cpu_s"] - stages_s
    print(f"{pages} pages ({folder if args.folder else f'benchmark corpus, seed {args.seed}'}); "
          f"HTML stage {'compiled' if pipeline.extract.COMPILED else 'Python'}, "
          f"fact rules {'compiled' if pipeline.facts.COMPILED else 'Python'}\n")
    print(f"whole run, 1 worker: CPU {run['cpu_s']:.1f} s, wall {run['wall_s']:.1f} s "
          f"({pages / run['wall_s']:.1f} pages/s by the wall clock); start-up (the same run on one page): "
          f"CPU {start['cpu_s']:.2f} s\n")
    print("| step | CPU ms/page | share of the run's CPU |")
    print("|---|---|---|")
    for name, seconds in spent.items():
        print(f"| {name} | {seconds * 1000 / n:.2f} | {seconds / run['cpu_s']:.1%} |")
    print(f"| start-up (one-page run) | {start['cpu_s'] * 1000 / n:.2f} | {start['cpu_s'] / run['cpu_s']:.1%} |")
    print(f"| the rest: state database, duplicates, tables (run - stages - start-up) | {rest * 1000 / n:.2f} | "
          f"{rest / run['cpu_s']:.1%} |")
    print(f"| whole run | {run['cpu_s'] * 1000 / n:.2f} | 100% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
