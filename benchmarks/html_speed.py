"""How long the HTML stage takes per page, against trafilatura, with the body quality checked.

The HTML stage is ``pipeline.extract_article`` on the page's bytes (charset detection and
decoding included, as a run does it); the baseline is ``trafilatura.extract`` on the text decoded
beforehand (decoding not timed, as in ``benchmarks/stages.py``).  Both run over the same pages:

* the bundled pages (``corpora/samples``, ``corpora/eras``, ``corpora/constructions``,
  ``corpora/realistic``: small, mostly 2-10 KB), read with the project's reader;
* a generated benchmark corpus (``benchmarks/corpus.py``: ``--pages`` pages of ~100 KB, built in
  a temporary folder, or ``--corpus DIR`` for one built before with its manifest next to it);
* ``--extra DIR``: any folder of saved pages (timing only).

The passes are interleaved (project, trafilatura, project, ...), ``--repeat`` of each; a pass's
figure is CPU milliseconds per page (``time.process_time``: time spent waiting for a core on a
shared machine is not counted), reported as the median and the best pass; the ratio is
trafilatura's median over the project's median.  Body character F1
(``pipeline.evaluate.char_f1``) is computed against the gold body (``corpora/gold/*.jsonl``) for the
bundled pages that have one and against the inserted body for the benchmark pages.  A cProfile of
one pass of the project over the largest corpus says where the time goes.

    .venv/bin/python benchmarks/html_speed.py [--pages 500] [--repeat 5] [--profile 30]
        [--corpus DIR] [--keep DIR] [--extra DIR] [--no-trafilatura] [--json FILE]

The machine may be shared with other work: compare figures of runs made close together (two
checkouts: interleave their runs, ``PYTHONPATH=/other/checkout``), and prefer the median and the
best pass to a single figure.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
if not os.environ.get("PYTHONPATH"):  # another checkout given by PYTHONPATH wins
    sys.path.insert(0, str(ROOT))

BUNDLED = ("corpora/samples", "corpora/eras", "corpora/constructions", "corpora/realistic")
GOLD = {"corpora/samples": "samples", "corpora/eras": "eras", "corpora/constructions": "constructions"}


class Page:
    __slots__ = ("raw", "text", "gold")

    def __init__(self, raw, text: str, gold: str | None):
        self.raw, self.text, self.gold = raw, text, gold


def _pages(raws: list, golds: dict[str, str]) -> list[Page]:
    from pipeline.errors import Skip
    from pipeline.extract.decode import decode_html

    out = []
    for raw in raws:
        try:
            text = decode_html(raw.body, raw.content_type, raw.location).text
        except Skip:
            continue
        out.append(Page(raw, text, golds.get(raw.location)))
    return out


def bundled_pages(folder: str, max_bytes: int) -> list[Page]:
    from pipeline.errors import Skip
    from pipeline.read.files import iter_raw_pages

    golds: dict[str, str] = {}
    if folder in GOLD:
        for line in (ROOT / "corpora" / "gold" / f"{GOLD[folder]}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                content = (rec.get("article") or {}).get("content")
                if content:  # corpora/gold/constructions.jsonl has the metadata only
                    golds[rec["location"]] = content
    raws = [r for r in iter_raw_pages([ROOT / folder], max_bytes) if not isinstance(r, Skip)]
    return _pages(raws, golds)


def corpus_pages(folder: Path, max_bytes: int) -> list[Page]:
    """The pages of a generated corpus, each with the body inserted into it (from the manifest)."""
    from pipeline.errors import Skip
    from pipeline.read.files import iter_raw_pages

    manifest = folder.parent / f"{folder.name}.manifest.jsonl"
    golds = {}
    if manifest.is_file():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            m = json.loads(line)
            golds[m["name"]] = m["body"]
    raws = [r for r in iter_raw_pages([folder], max_bytes) if not isinstance(r, Skip)]
    return _pages(raws, golds)


def ours(settings):
    from pipeline.errors import Skip
    from pipeline.extract.article import extract_article

    def run(page: Page) -> str:
        raw = page.raw
        try:
            return extract_article(raw.body, raw.url, location=raw.location, content_type=raw.content_type,
                                   fetched_at=raw.fetched_at, settings=settings).content
        except Skip:
            return ""
    return run


def theirs():
    try:
        import trafilatura
    except ImportError:
        raise SystemExit("html_speed.py: trafilatura, the baseline, is not installed: run `make bench` once "
                         "(or `.venv/bin/pip install -e '.[bench]'`), or pass --no-trafilatura") from None

    def run(page: Page) -> str:
        return trafilatura.extract(page.text) or ""
    return run


def forget_urls() -> None:
    """Empty the URL memos of ``pipeline.urls`` (where this checkout has them): a run reads each
    page once, so a pass must not find its pages' URLs canonicalized by the passes before."""
    from pipeline import urls

    for fn in (urls.canonical_url, urls.host_of):
        getattr(fn, "cache_clear", lambda: None)()


def one_pass(fn, pages: list[Page]) -> tuple[float, list[str]]:
    """CPU ms per page of one pass, and the bodies."""
    forget_urls()
    t0 = time.process_time()
    bodies = [fn(p) for p in pages]
    return (time.process_time() - t0) * 1000 / len(pages), bodies


def measure(name: str, pages: list[Page], fns: dict, repeat: int) -> dict:
    from pipeline.evaluate import char_f1

    bodies = {}
    for label, fn in fns.items():  # warm-up: imports, caches, and the bodies for the F1
        bodies[label] = [fn(p) for p in pages]
    passes: dict[str, list[float]] = {label: [] for label in fns}
    for _ in range(repeat):
        for label, fn in fns.items():
            passes[label].append(one_pass(fn, pages)[0])
    row = {"corpus": name, "pages": len(pages), "kb": sum(len(p.raw.body) for p in pages) / len(pages) / 1000}
    with_gold = [i for i, p in enumerate(pages) if p.gold is not None]
    for label in fns:
        row[label] = {"median_ms": statistics.median(passes[label]), "best_ms": min(passes[label]),
                      "passes": passes[label]}
        if with_gold:
            row[label]["f1"] = sum(char_f1(bodies[label][i], pages[i].gold) for i in with_gold) / len(with_gold)
    row["gold_pages"] = len(with_gold)
    if "trafilatura" in fns:
        row["ratio"] = row["trafilatura"]["median_ms"] / row["ours"]["median_ms"]
        row["ratio_best"] = row["trafilatura"]["best_ms"] / row["ours"]["best_ms"]
    return row


def profile(fn, pages: list[Page], top: int) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for p in pages:
        fn(p)
    prof.disable()
    out: list[str] = []
    stats = pstats.Stats(prof, stream=_Lines(out)).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return "".join(out)


class _Lines:
    def __init__(self, out: list[str]):
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=500, help="pages of the generated benchmark corpus (default 500; 0: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", help="a corpus built before (folder of pNNNNNNN.html, manifest next to it)")
    ap.add_argument("--keep", help="build the benchmark corpus in this folder and keep it")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes of each extractor over each corpus (default 5)")
    ap.add_argument("--profile", type=int, default=30, help="functions shown in the profile (0: no profile)")
    ap.add_argument("--extra", action="append", default=[], help="another folder of saved pages to time")
    ap.add_argument("--no-bundled", action="store_true", help="leave out the bundled corpora")
    ap.add_argument("--no-trafilatura", action="store_true", help="time the project only")
    ap.add_argument("--json", help="write the figures to this file as well")
    args = ap.parse_args(argv)

    import corpus  # benchmarks/corpus.py

    import pipeline
    from pipeline.config import default_settings

    settings = default_settings()
    max_bytes = settings.input.max_page_bytes
    sets: list[tuple[str, list[Page]]] = []
    if not args.no_bundled:
        bundled: list[Page] = []
        for folder in BUNDLED:
            bundled += bundled_pages(folder, max_bytes)
        sets.append(("bundled (samples, eras, constructions, realistic)", bundled))
    if args.corpus:
        sets.append((f"benchmark ({args.corpus})", corpus_pages(Path(args.corpus), max_bytes)))
    elif args.pages:
        with tempfile.TemporaryDirectory(prefix="html_speed_") as tmp:
            folder = Path(args.keep) if args.keep else Path(tmp) / "pages"
            corpus.build_corpus(folder, args.pages, args.seed)
            sets.append((f"benchmark ({args.pages} pages, seed {args.seed})", corpus_pages(folder, max_bytes)))
    for extra in args.extra:
        sets.append((extra, corpus_pages(Path(extra), max_bytes)))

    fns = {"ours": ours(settings)}
    if not args.no_trafilatura:
        fns["trafilatura"] = theirs()
    import pipeline.extract
    from pipeline.extract import marked, mojibake, pagetables

    print(f"code: {Path(pipeline.__file__).parent.parent}; HTML stage: "
          f"{'compiled by mypyc' if pipeline.extract.COMPILED else 'Python modules'} (pipeline/compiled.py), "
          f"marked text written by {'_marked.c' if marked._IN_C is not None else 'libxslt'}, "
          f"read by {'_tables.c' if pagetables.IN_C is not None else 'numpy'}, "
          f"mojibake counts by {'_chars.c' if mojibake.COUNTER_IN_C is not None else 'numpy'}")
    rows = [measure(name, pages, fns, args.repeat) for name, pages in sets if pages]
    head = "| corpus | pages | KB/page | project ms/page median | best |"
    sep = "|---|---|---|---|---|"
    if "trafilatura" in fns:
        head += " trafilatura ms/page median | best | ratio (median) | ratio (best) |"
        sep += "---|---|---|---|"
    head += " body F1 project | body F1 trafilatura | pages with gold |"
    sep += "---|---|---|"
    print(head)
    print(sep)
    for r in rows:
        line = f"| {r['corpus']} | {r['pages']} | {r['kb']:.1f} | {r['ours']['median_ms']:.2f} | {r['ours']['best_ms']:.2f} |"
        if "trafilatura" in fns:
            t = r["trafilatura"]
            line += f" {t['median_ms']:.2f} | {t['best_ms']:.2f} | {r['ratio']:.2f}x | {r['ratio_best']:.2f}x |"
        f1 = r["ours"].get("f1")
        tf1 = r.get("trafilatura", {}).get("f1")
        line += f" {f1:.4f} |" if f1 is not None else " - |"
        line += f" {tf1:.4f} |" if tf1 is not None else " - |"
        line += f" {r['gold_pages']} |"
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if args.profile and sets:
        name, pages = max(sets, key=lambda s: sum(len(p.raw.body) for p in s[1]))
        print(f"\nprofile of one pass of the project over {name}:\n")
        print(profile(fns["ours"], pages, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
