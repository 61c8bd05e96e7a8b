"""The newsfacts benchmark suite: ``python benchmarks/run.py [--pages N] [--quick]``.

Builds a corpus of N ~100 KB pages from the bundled pages (see corpus.py), measures each stage
against its baseline and whole ``newsfacts run`` processes, prints a table and appends it with
the targets to benchmarks/RESULTS.md.  See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import stages  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
GIB = 2**30
# Issue 15's end-to-end targets: pages/s of one worker (per core), and 2 workers against one.
PER_CORE_TARGET = 60
SPEEDUP_TARGET = 1.85


def machine() -> str:
    cpu, cores, mem = platform.processor() or "?", os.cpu_count(), 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return f"{cpu}, {cores} cores, {mem / GIB:.1f} GiB RAM, Python {platform.python_version()}"


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=stages.ROOT, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def fmt_ratio(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}x"


class Report:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []  # figure, value, baseline, ratio
        self.targets: list[tuple[str, str, str]] = []  # target, measured, verdict
        self.notes: list[str] = []

    def row(self, figure, value, baseline="", ratio=None):
        self.rows.append((figure, value, baseline, fmt_ratio(ratio) if isinstance(ratio, float) else (ratio or "")))

    def target(self, name: str, measured: str, met: bool, by: str):
        self.targets.append((name, measured, f"met ({by})" if met else f"MISSED by {by}"))

    def markdown(self) -> str:
        out = ["| figure | measured | baseline | ratio to baseline |", "|---|---|---|---|"]
        out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        out += ["", "| target | measured | verdict |", "|---|---|---|"]
        out += [f"| {a} | {b} | {c} |" for a, b, c in self.targets]
        if self.notes:
            out += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(out)


def stage_sample(info: corpus.CorpusInfo, size: int, seed: int) -> list[tuple[bytes, str | None, str]]:
    entries = random.Random(seed).sample(info.manifest, min(size, len(info.manifest)))
    return [((info.root / m["name"]).read_bytes(), m["url"], m["body"]) for m in entries]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=5000, help="pages in the benchmark corpus (default 5000)")
    ap.add_argument("--quick", action="store_true", help="skip the 100,000-article runs")
    ap.add_argument("--stage-pages", type=int, default=500,
                    help="pages of the corpus timed in the per-stage comparisons (default 500)")
    ap.add_argument("--scale-base", type=int, default=10_000, help=argparse.SUPPRESS)  # for testing this script
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--e2e-rounds", type=int, default=2,
                    help="end-to-end rounds, alternately forth and back; each figure is their mean (default 2)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary corpus and outputs")
    ap.add_argument("--no-record", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    rep = Report()
    tmp = Path(tempfile.mkdtemp(prefix="newsfacts-bench-"))
    cores = os.cpu_count() or 1
    try:
        # 1. corpus -------------------------------------------------------------------------------
        log(f"building the corpus: {args.pages} pages in {tmp}")
        t0 = time.perf_counter()
        sources = corpus.load_sources()
        info = corpus.build_corpus(tmp / "pages", args.pages, args.seed, sources)
        rep.notes.append(f"corpus: {info.summary()}; built in {time.perf_counter() - t0:.0f} s")
        for d in info.templates_dropped:
            rep.notes.append(f"template not used: {d}")

        # 2. stages -------------------------------------------------------------------------------
        sample = stage_sample(info, args.stage_pages, args.seed)
        log(f"HTML -> Article on {len(sample)} pages (pipeline.extract_article vs trafilatura.extract)")
        h = stages.html_stage(sample)
        o, t = h["ours"], h["trafilatura"]
        rep.row("HTML->Article pages/s (extract_article, incl. decoding)", f"{o['per_s']:.1f}",
                f"trafilatura {t['per_s']:.1f}", o["per_s"] / t["per_s"])
        rep.row("HTML->Article MB/s", f"{o['mb_per_s']:.2f}", f"trafilatura {t['mb_per_s']:.2f}", o["mb_per_s"] / t["mb_per_s"])
        g = h["gold_f1"]
        rep.row(f"body char F1, {g['pages']} gold pages", f"{g['ours']:.3f}", f"trafilatura {g['trafilatura']:.3f}",
                g["ours"] / g["trafilatura"] if g["trafilatura"] else None)
        s = h["synthetic_f1"]
        rep.row("body char F1, benchmark pages (vs inserted body)", f"{s['ours']:.3f}",
                f"trafilatura {s['trafilatura']:.3f}", s["ours"] / s["trafilatura"] if s["trafilatura"] else None)

        bodies = [b for b in h["bodies"] if b]
        log(f"segmentation on {len(bodies)} bodies")
        seg = stages.segmentation_stage(bodies, [m["body"] for m in info.manifest])
        sp, jb = seg["spacy"], seg["jieba"]
        fa = seg["fast"]
        rep.row("segmentation docs/s (fast path: rjieba + jieba where they may differ)", f"{fa['per_s']:.1f}",
                f"jieba.lcut {jb['per_s']:.1f}", fa["per_s"] / jb["per_s"])
        rep.row(f"fast path vs jieba: documents with identical tokens (all {fa['docs']} corpus bodies)",
                f"{fa['docs_identical']:.2%}", "100%", "")
        rep.row("fast path: share of jieba blocks cut by jieba (fallback)", f"{fa['fallback_share']:.2%}", "", "")
        rep.row("segmentation docs/s (spaCy make_doc, fast path inside)", f"{sp['per_s']:.1f}", f"jieba.lcut {jb['per_s']:.1f}",
                sp["per_s"] / jb["per_s"])
        rep.row("segmentation MB/s (spaCy make_doc, fast path inside)", f"{sp['mb_per_s']:.3f}", f"jieba.lcut {jb['mb_per_s']:.3f}",
                sp["mb_per_s"] / jb["mb_per_s"])
        rj = seg.get("rjieba")
        if rj:
            rep.row("segmentation docs/s (rjieba.cut, user dict via add_word)", f"{rj['per_s']:.1f}",
                    f"jieba.lcut {jb['per_s']:.1f}", rj["per_s"] / jb["per_s"])
            rep.row("rjieba vs jieba: documents with identical tokens", f"{rj['docs_identical']:.1%}", "100%", "")
            rep.row("rjieba vs jieba: tokens at identical offsets", f"{rj['token_agreement']:.2%}", "100%", "")
        else:
            rep.notes.append("rjieba is not installed: no rjieba figures")

        log("MinHash signatures")
        mh = stages.minhash_stage(bodies)
        rep.row("MinHash signatures/s (store.minhash.signature)", f"{mh['ours']['per_s']:.1f}",
                f"datasketch update {mh['datasketch']['per_s']:.1f}", mh["ours"]["per_s"] / mh["datasketch"]["per_s"])
        rep.row("MinHash MB/s", f"{mh['ours']['mb_per_s']:.2f}", f"datasketch {mh['datasketch']['mb_per_s']:.2f}",
                mh["ours"]["mb_per_s"] / mh["datasketch"]["mb_per_s"])
        rep.row(f"MinHash Jaccard estimate, mean abs error ({mh['pairs']} pairs)", f"{mh['error_ours']:.4f}",
                f"datasketch {mh['error_datasketch']:.4f}", "")

        # 3. end to end -----------------------------------------------------------------------------
        # The three runs go forth and back (1 worker, 2 workers, the halves; then the other way
        # round): on a machine whose speed drifts within minutes, each figure is the mean of runs
        # made before and after the others, so a drift does not fall on one of them alone.
        rounds: dict = {1: [], 2: [], "halves": []}
        for r in range(args.e2e_rounds):
            for what in (1, 2, "halves") if r % 2 == 0 else ("halves", 2, 1):
                if what == "halves":
                    log(f"two independent 1-worker runs on halves of the {args.pages} pages, at once "
                        "(what this machine gives 2 processes)")
                    rounds[what].append(stages.independent_halves(info.root, tmp, tag=f"-r{r}"))
                    continue
                log(f"newsfacts run, {args.pages} pages, --workers {what} (round {r + 1} of {args.e2e_rounds})")
                rounds[what].append(stages.newsfacts_run(info.root, tmp / f"out-w{what}-r{r}", what))
                if r > 0:  # the first round's tables are compared below; the others only take space
                    shutil.rmtree(tmp / f"out-w{what}-r{r}", ignore_errors=True)
        e2e = {w: {"seconds": statistics.mean(x["seconds"] for x in rounds[w]),
                   "peak_rss": max(x["peak_rss"] for x in rounds[w]), "summary": rounds[w][0]["summary"]}
               for w in (1, 2)}
        halves = {"seconds": statistics.mean(x["seconds"] for x in rounds["halves"])}
        if args.e2e_rounds > 1:
            rep.notes.append(f"end to end: each wall time is the mean of {args.e2e_rounds} runs, made in the order "
                             "1 worker, 2 workers, the two halves, and then the other way round "
                             "(1 worker: " + ", ".join(f"{x['seconds']:.1f}" for x in rounds[1]) + " s; 2 workers: "
                             + ", ".join(f"{x['seconds']:.1f}" for x in rounds[2]) + " s; halves: "
                             + ", ".join(f"{x['seconds']:.1f}" for x in rounds["halves"]) + " s)")
        mb = info.bytes / 1e6
        for w in (1, 2):
            r = e2e[w]
            base = e2e[1]
            rep.row(f"end to end, --workers {w}: wall s", f"{r['seconds']:.1f}", "" if w == 1 else f"1 worker {base['seconds']:.1f}",
                    None if w == 1 else base["seconds"] / r["seconds"])
            rep.row(f"end to end, --workers {w}: pages/s", f"{args.pages / r['seconds']:.1f}",
                    "" if w == 1 else f"1 worker {args.pages / base['seconds']:.1f}",
                    None if w == 1 else base["seconds"] / r["seconds"])
            rep.row(f"end to end, --workers {w}: MB/s", f"{mb / r['seconds']:.2f}", "", None)
            rep.row(f"end to end, --workers {w}: peak RSS (process tree)", f"{r['peak_rss'] / 2**20:.0f} MiB",
                    "" if w == 1 else f"1 worker {base['peak_rss'] / 2**20:.0f} MiB",
                    None if w == 1 else r["peak_rss"] / base["peak_rss"])
        reference = e2e[1]["seconds"] / halves["seconds"]
        rep.row("2 independent 1-worker runs on halves, at once: wall s (the 2-core reference)",
                f"{halves['seconds']:.1f}", f"1 worker on all {e2e[1]['seconds']:.1f}", reference)
        rep.row("2 workers as a share of that reference", f"{e2e[1]['seconds'] / e2e[2]['seconds'] / reference:.0%}", "", "")
        identical = stages.csvs_identical(tmp / "out-w1-r0", tmp / "out-w2-r0")
        rep.row("CSV outputs of 1 and 2 workers byte-identical", "yes" if identical else "NO", "", "")
        rep.notes.append("run summary (1 worker): " + "; ".join(e2e[1]["summary"]))

        # 4. near-duplicate scaling ------------------------------------------------------------------
        scale = {}
        small, large = args.scale_base, args.scale_base * 10
        for n in (small,) + (() if args.quick else (large,)):
            log(f"near-duplicate scaling: building {n} small pages")
            root = tmp / f"small-{n}"
            corpus.build_small_corpus(root, n, args.seed, sources)
            log(f"near-duplicate scaling: newsfacts run on {n} pages (--workers {cores})")
            r = stages.newsfacts_run(root, tmp / f"out-small-{n}", cores, tmp / f"timing-{n}.json")
            scale[n] = r
            rep.row(f"Store.assign_duplicates, {r['timing']['articles']} articles", f"{r['timing']['assign_duplicates_s']:.1f} s",
                    "" if n == small else f"{small} articles {scale[small]['timing']['assign_duplicates_s']:.1f} s",
                    None if n == small else r["timing"]["assign_duplicates_s"] / scale[small]["timing"]["assign_duplicates_s"])
            rep.notes.append(f"{n} small synthetic pages (1-2 KB, bodies of 250-600 characters, ~5% exact and ~5% near "
                             f"copies) for the scaling run: whole run {r['seconds']:.0f} s, peak RSS "
                             f"{r['peak_rss'] / 2**20:.0f} MiB, duplicates found {r['timing']['duplicates']}")
            shutil.rmtree(root, ignore_errors=True)
        biggest = max(scale)
        per_article = scale[biggest]["timing"]["assign_duplicates_s"] / scale[biggest]["timing"]["articles"]
        projected = per_article * 1_000_000
        rep.row("Store.assign_duplicates projected to 1,000,000 articles (linear)",
                f"{projected / 60:.1f} min", f"from {biggest} articles", "")
        if large in scale:
            rep.row(f"assign_duplicates ratio {large}/{small} articles (10.0 = linear)",
                    f"{scale[large]['timing']['assign_duplicates_s'] / scale[small]['timing']['assign_duplicates_s']:.1f}", "10.0", "")

        # 5. --help, 100k RSS -------------------------------------------------------------------------
        log("newsfacts --help")
        help_s = stages.help_time()
        rep.row("newsfacts --help wall time (best of 5)", f"{help_s * 1000:.0f} ms", "", "")
        rss_100k = None
        if not args.quick:
            r = scale[large]
            rss_100k = r["peak_rss"]
            rep.row(f"peak RSS, {large}-page run (small synthetic pages)", f"{rss_100k / 2**20:.0f} MiB", "", "")
            rep.notes.append(f"the {large}-page peak RSS is that of the {large}-article scaling run (small pages, --workers "
                             f"{cores}), which took {r['seconds']:.0f} s; a 100k corpus of ~100 KB pages would be "
                             f"~10 GB and take ~{100_000 / (args.pages / e2e[2]['seconds']) / 3600:.1f} h at the measured rate")

        # 6. targets -----------------------------------------------------------------------------
        ratio = o["per_s"] / t["per_s"]
        rep.target("HTML->Article >= 10x trafilatura pages/s", fmt_ratio(ratio), ratio >= 10,
                   f"{ratio / 10:.2f}x of target" if ratio >= 10 else f"{10 - ratio:.1f}x (reached {ratio / 10:.0%} of 10x)")
        rep.target("body F1 at least as good as trafilatura (gold)", f"{g['ours']:.3f} vs {g['trafilatura']:.3f}",
                   g["ours"] >= g["trafilatura"], f"{g['ours'] - g['trafilatura']:+.3f}" if g["ours"] >= g["trafilatura"]
                   else f"{g['trafilatura'] - g['ours']:.3f}")
        per_core = args.pages / e2e[1]["seconds"]
        rep.target(f"end to end >= {PER_CORE_TARGET} pages/s per core (1 worker)", f"{per_core:.1f} pages/s",
                   per_core >= PER_CORE_TARGET,
                   f"{per_core / PER_CORE_TARGET:.2f}x of target" if per_core >= PER_CORE_TARGET
                   else f"{PER_CORE_TARGET - per_core:.1f} pages/s ({per_core / PER_CORE_TARGET:.0%} of target)")
        speedup = e2e[1]["seconds"] / e2e[2]["seconds"]
        rep.target(f"2 workers >= {SPEEDUP_TARGET}x one", f"{speedup:.2f}x", speedup >= SPEEDUP_TARGET,
                   (f"{speedup - SPEEDUP_TARGET:+.2f}x" if speedup >= SPEEDUP_TARGET else f"{SPEEDUP_TARGET - speedup:.2f}x")
                   + f"; two independent runs reach {reference:.2f}x here")
        rss = max([e2e[1]["peak_rss"], e2e[2]["peak_rss"]] + ([rss_100k] if rss_100k else []))
        rep.target(f"peak RSS < 1 GiB ({'N and 100k runs' if rss_100k else f'{args.pages}-page runs only'})",
                   f"{rss / 2**20:.0f} MiB", rss < GIB,
                   f"{(GIB - rss) / 2**20:.0f} MiB to spare" if rss < GIB else f"{(rss - GIB) / 2**20:.0f} MiB")
        rep.target("1M near-dup projection < 10 min", f"{projected / 60:.1f} min", projected < 600,
                   f"{(600 - projected) / 60:.1f} min to spare" if projected < 600 else f"{(projected - 600) / 60:.1f} min")
        rep.target("--help < 0.5 s", f"{help_s:.2f} s", help_s < 0.5,
                   f"{0.5 - help_s:.2f} s to spare" if help_s < 0.5 else f"{help_s - 0.5:.2f} s")
        if args.quick:
            rep.notes.append("--quick: the 100,000-article scaling run and the 100,000-page peak RSS were skipped")
        if args.stage_pages < args.pages:
            rep.notes.append(f"the per-stage comparisons use a seeded sample of {len(sample)} of the {args.pages} pages "
                             "(the same pages for the project and its baseline)")
        elapsed = time.perf_counter() - started
        rep.notes.append(f"benchmark wall time {elapsed / 60:.1f} min")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    text = rep.markdown()
    print(text)
    if not args.no_record:
        head = (f"\n## {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} — N={args.pages}{' --quick' if args.quick else ''}\n\n"
                f"- machine: {machine()}\n- commit: {commit()}\n- command: `python benchmarks/run.py "
                f"{' '.join(sys.argv[1:])}`\n\n")
        if not RESULTS.exists():
            RESULTS.write_text("# Benchmark results\n\nAppended by `benchmarks/run.py` (see README.md).\n", encoding="utf-8")
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(head + text + "\n")
        log(f"appended to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
