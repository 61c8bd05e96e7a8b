"""The measurements: each stage of the project against its baseline, and whole runs as subprocesses.

Every function returns plain dicts of figures; ``run.py`` prints and records them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOLD = ROOT / "corpora" / "gold" / "samples.jsonl"
SAMPLES = ROOT / "corpora" / "samples"


def _timed(fn, items) -> tuple[float, list]:
    t0 = time.perf_counter()
    out = [fn(x) for x in items]
    return time.perf_counter() - t0, out


def _timed_together(*runs: tuple, chunks: int = 10) -> list[tuple[float, list]]:
    """``_timed`` of several (function, items) pairs, interleaved: the items are cut into
    ``chunks`` pieces and each function runs over its piece in turn, the first of them changing
    from piece to piece.  A shared machine whose speed drifts within a minute then slows all of
    them alike, instead of whichever ran in the slower stretch (one after the other, the ratio of
    two extractors moved between 8x and 14x with the hour).

    >>> [(out, seconds >= 0) for seconds, out in _timed_together((str.upper, ["a", "b", "c"]), (len, ["xy", "z", ""]), chunks=2)]
    [(['A', 'B', 'C'], True), ([2, 1, 0], True)]
    """
    spent = [0.0] * len(runs)
    outs: list[list] = [[] for _ in runs]
    for piece in range(chunks):
        for turn in range(len(runs)):
            k = (piece + turn) % len(runs)
            fn, items = runs[k]
            size = -(-len(items) // chunks)
            seconds, out = _timed(fn, items[piece * size : (piece + 1) * size])
            spent[k] += seconds
            outs[k] += out
    return list(zip(spent, outs))


def _rate(n: int, nbytes: int, seconds: float) -> dict:
    return {"n": n, "seconds": seconds, "per_s": n / seconds if seconds else float("inf"),
            "mb_per_s": nbytes / 1e6 / seconds if seconds else float("inf")}


# --- HTML -> Article ------------------------------------------------------------------------------
def html_stage(pages: list[tuple[bytes, str | None, str]]) -> dict:
    """``pages``: (raw bytes, url, intended body).  pipeline.extract_article vs trafilatura.extract."""
    import trafilatura

    from pipeline.errors import Skip
    from pipeline.evaluate import char_f1
    from pipeline.extract.article import extract_article
    from pipeline.extract.decode import decode_html

    nbytes = sum(len(b) for b, _, _ in pages)

    def ours(page):
        try:
            return extract_article(page[0], page[1]).content
        except Skip:
            return ""

    texts = [decode_html(b).text for b, _, _ in pages]  # trafilatura gets decoded text, not timed

    def theirs(text):
        return trafilatura.extract(text) or ""

    ours(pages[0]), theirs(texts[0])  # warm-up: imports, caches
    (t_ours, bodies), (t_traf, traf_bodies) = _timed_together((ours, pages), (theirs, texts))
    synth = {
        "ours": sum(char_f1(b, p[2]) for b, p in zip(bodies, pages)) / len(pages),
        "trafilatura": sum(char_f1(b, p[2]) for b, p in zip(traf_bodies, pages)) / len(pages),
    }
    return {"ours": _rate(len(pages), nbytes, t_ours), "trafilatura": _rate(len(pages), nbytes, t_traf),
            "synthetic_f1": synth, "gold_f1": gold_f1(), "bodies": bodies}


def gold_f1() -> dict:
    """Mean body character F1 of both extractors on the hand-annotated bundled pages."""
    import trafilatura

    from pipeline.errors import Skip
    from pipeline.evaluate import char_f1
    from pipeline.extract.article import extract_article
    from pipeline.extract.decode import decode_html

    ours, theirs, n = 0.0, 0.0, 0
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        path = SAMPLES / rec["location"]
        if not path.is_file():
            continue
        raw = path.read_bytes()
        gold = (rec.get("article") or {}).get("content") or ""
        try:
            mine = extract_article(raw, rec.get("url"), location=rec["location"]).content
        except Skip:
            mine = ""
        ours += char_f1(mine, gold)
        theirs += char_f1(trafilatura.extract(decode_html(raw).text) or "", gold)
        n += 1
    return {"pages": n, "ours": ours / n, "trafilatura": theirs / n}


# --- segmentation ---------------------------------------------------------------------------------
def segmentation_stage(bodies: list[str], corpus_bodies: list[str] | None = None) -> dict:
    """spaCy tokenizer (the project's fast path) vs jieba.lcut vs rjieba.cut, all with the project's user dictionary.

    Agreement of the fast path with jieba is measured on ``corpus_bodies`` (every body of the
    corpus), the speeds on ``bodies`` (the stage sample).
    """
    import jieba

    from pipeline.config import default_settings
    from pipeline.nlp.language import get_nlp
    from pipeline.nlp.segmenter import FastJieba

    nlp = get_nlp()  # also loads the user dictionaries into jieba's default dictionary
    nbytes = sum(len(b.encode("utf-8")) for b in bodies)
    nlp.make_doc(bodies[0]), jieba.lcut(bodies[0])
    fast = FastJieba()
    fast.cut(bodies[0])
    (t_spacy, _), (t_jieba, jieba_tokens), (t_fast, _) = _timed_together(
        (nlp.make_doc, bodies), (jieba.lcut, bodies), (fast.cut, bodies))
    out = {"spacy": _rate(len(bodies), nbytes, t_spacy), "jieba": _rate(len(bodies), nbytes, t_jieba),
           "fast": _rate(len(bodies), nbytes, t_fast)}
    fast = FastJieba()  # fresh block counters for the agreement run
    corpus_bodies = corpus_bodies or bodies
    out["fast"].update(docs=len(corpus_bodies),
                       docs_identical=sum(fast.cut(b) == jieba.lcut(b) for b in corpus_bodies) / len(corpus_bodies),
                       fallback_share=fast.fallback_blocks / max(1, fast.blocks))
    try:
        import rjieba
    except ImportError:
        out["rjieba"] = None
        return out
    words = 0
    for p in default_settings().segment.dictionary_paths():
        if p.exists():
            for line in p.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if parts:
                    freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                    tag = parts[2] if len(parts) > 2 else None
                    rjieba.add_word(parts[0], freq, tag)
                    words += 1
    rjieba.cut(bodies[0])
    t_rj, rj_tokens = _timed(rjieba.cut, bodies)

    def clean(tokens):
        return [t for t in tokens if t.strip()]

    same_docs = sum(clean(a) == clean(b) for a, b in zip(jieba_tokens, rj_tokens))
    same_tokens = total = 0
    for a, b in zip(jieba_tokens, rj_tokens):  # tokens at the same character offsets
        sa, sb = _spans(clean(a)), _spans(clean(b))
        same_tokens += len(sa & sb)
        total += len(sa)
    out["rjieba"] = _rate(len(bodies), nbytes, t_rj)
    out["rjieba"].update(user_words=words, docs_identical=same_docs / len(bodies), token_agreement=same_tokens / max(1, total))
    return out


def _spans(tokens: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for t in tokens:
        spans.add((pos, pos + len(t)))
        pos += len(t)
    return spans


# --- MinHash signatures ---------------------------------------------------------------------------
def minhash_stage(bodies: list[str]) -> dict:
    """pipeline.store.minhash.signature vs datasketch.MinHash with one ``update`` per shingle (same shingles).

    Speed on the bodies, and accuracy: the mean absolute error of the estimated Jaccard similarity
    against the exact one (on the shingle sets) over pairs of bodies: each body with the next one
    (unrelated stories) and with itself minus one paragraph (a near copy).
    """
    import numpy as np
    from datasketch import MinHash

    from pipeline.config import default_settings
    from pipeline.store.minhash import shingles as shingles_k
    from pipeline.store.minhash import signature as signature_nk
    from pipeline.store.minhash import similarity

    dedupe = default_settings().dedupe

    def shingles(text):
        return shingles_k(text, dedupe.shingle_size)

    def signature(text):
        return signature_nk(text, dedupe.num_perm, dedupe.shingle_size)

    nbytes = sum(len(b.encode("utf-8")) for b in bodies)

    def baseline(text):
        m = MinHash(num_perm=128, seed=1)
        for s in shingles(text):
            m.update(s)
        return m.hashvalues.astype(np.uint64)

    signature(bodies[0]), baseline(bodies[0])
    (t_ours, ours), (t_base, base) = _timed_together((signature, bodies), (baseline, bodies))
    pairs = []
    for i, text in enumerate(bodies[:200]):
        paragraphs = text.split("\n")
        if len(paragraphs) > 2:
            pairs.append((text, "\n".join(paragraphs[:1] + paragraphs[2:])))
        if i + 1 < len(bodies):
            pairs.append((text, bodies[i + 1]))
    err_ours, err_base = [], []
    for a, b in pairs:
        sa, sb = shingles(a), shingles(b)
        exact = len(sa & sb) / max(1, len(sa | sb))
        err_ours.append(abs(similarity(signature(a), signature(b)) - exact))
        err_base.append(abs(similarity(baseline(a), baseline(b)) - exact))
    return {"ours": _rate(len(bodies), nbytes, t_ours), "datasketch": _rate(len(bodies), nbytes, t_base),
            "pairs": len(pairs), "error_ours": float(np.mean(err_ours)), "error_datasketch": float(np.mean(err_base))}


# --- whole runs as subprocesses -------------------------------------------------------------------
def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(cmd: list[str], env: dict | None = None, poll: float = 0.05) -> dict:
    """Run ``cmd``; wall time, exit code, and the peak summed RSS of its process tree (psutil polling)."""
    import psutil

    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    ps = psutil.Process(p.pid)
    peak = [0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(ps))
            done.wait(poll)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    return {"cmd": cmd, "rc": p.returncode, "seconds": wall, "peak_rss": peak[0],
            "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace")}


def newsfacts_run(corpus: Path, out: Path, workers: int, timing_file: Path | None = None) -> dict:
    """``newsfacts run CORPUS --out OUT --workers W`` (through timed_run.py when timing assign_duplicates)."""
    args = ["run", str(corpus), "--out", str(out), "--workers", str(workers), "--no-progress", "-q"]
    env = dict(os.environ)
    if timing_file is not None:
        env["NEWSFACTS_BENCH_TIMING"] = str(timing_file)
        cmd = [sys.executable, str(Path(__file__).with_name("timed_run.py")), *args]
    else:
        cmd = [str(BIN / "newsfacts"), *args]
    res = run_measured(cmd, env)
    if res["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res['rc']}):\n{res['stderr'][-3000:]}")
    if timing_file is not None:
        res["timing"] = json.loads(timing_file.read_text())
    res["summary"] = [line for line in res["stderr"].splitlines() if line.startswith(("pages", "duplicates", "articles"))]
    return res


def independent_halves(corpus: Path, tmp: Path, tag: str = "") -> dict:
    """What this machine gives two processes that share nothing: the corpus's pages split in two
    folders (every other file, hard links), and ``newsfacts run HALF --workers 1`` on each, both at
    once.  The wall time of the pair, against one worker on all pages, is a reference for the
    2-worker ratio: two cores of a virtual machine are seldom two whole cores (shared caches,
    memory bandwidth, the host's other guests), and start-up and export are in it as in a real
    run.  The host's speed drifts, so one run's figure is a hint, not a ceiling."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    halves = [tmp / f"half-a{tag}", tmp / f"half-b{tag}"]
    for i, path in enumerate(files):
        target = halves[i % 2] / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    results: list[dict] = [{}, {}]

    def one(i: int) -> None:
        results[i] = newsfacts_run(halves[i], tmp / f"out-half-{i}{tag}", 1)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    if not all(results):
        raise RuntimeError("a half of the corpus could not be run (see above)")
    for i, half in enumerate(halves):
        shutil.rmtree(half, ignore_errors=True)
        shutil.rmtree(tmp / f"out-half-{i}{tag}", ignore_errors=True)
    return {"seconds": wall, "halves": [r["seconds"] for r in results]}


def csvs_identical(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.glob("*.csv"))
    return bool(names) and names == sorted(p.name for p in b.glob("*.csv")) and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def help_time(repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([str(BIN / "newsfacts"), "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    return best
