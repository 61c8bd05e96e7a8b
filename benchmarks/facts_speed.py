"""How long the fact reader takes per page, alone: the ``newsfacts_facts`` spaCy component.

Pages are read, their articles extracted and their spaCy Docs made (tokenizer and the
``zh_sentences`` component) once, outside the clock; then only the facts component is run over
every Doc, as a run calls it (without the displaCy span group since 2026-12-04: the group costs
about 0.17 ms more per benchmark page), ``--repeat`` times, and the CPU milliseconds per page of
each pass are reported (median of the passes, the best pass, and the mean over all passes), with a
cProfile of one pass that says which functions the time goes to.  Each component pass is followed
by a pass of the fact reader alone (``pipeline.facts.reader.extract`` on the same inputs the
component hands it, for the pages it judges economic): the rules, without the component's work
around them (the script check and restore, the token offsets, the relevance test).

The corpora: the generated benchmark corpus (``benchmarks/corpus.py``, ``--pages`` pages in a
temporary folder) and the bundled ones (``corpora/samples``, ``corpora/constructions``,
``corpora/eras``, ``corpora/realistic``); ``--extra DIR`` adds a folder of saved pages.

    .venv/bin/python benchmarks/facts_speed.py [--pages 400] [--repeat 7] [--profile 25] [--extra DIR]

The machine may be shared with other work: compare figures of runs made close together (two
checkouts: interleave their runs), and prefer the best pass and the median to the mean.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import pkgutil
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

BUNDLED = ("corpora/samples", "corpora/constructions", "corpora/eras", "corpora/realistic")


def articles_of(folder: Path, settings) -> list:
    """The articles of the saved pages of a folder (one article per file; skipped pages left out)."""
    from pipeline.errors import Skip
    from pipeline.page import extract
    from pipeline.read.files import iter_raw_pages

    out = []
    for raw in iter_raw_pages([folder], settings.input.max_page_bytes):
        if isinstance(raw, Skip):
            continue
        try:
            out.append(extract([raw], settings))
        except Skip:
            continue
    return out


def docs_of(articles: list, nlp) -> list[tuple[object, str | None]]:
    """(Doc with its sentences, publication date) of each article: everything before the facts."""
    sentences = nlp.get_pipe("zh_sentences")
    return [(sentences(nlp.make_doc(a.content)), a.published_at) for a in articles]


def clear_caches() -> None:
    """Forget what the fact readers remembered (their bounded ``lru_cache``s), so that every pass
    reads the pages as a run does, once; the caches built once per process (the gazetteer, the
    OpenCC tables, compiled head patterns) are kept."""
    import pipeline.facts as facts

    for info in pkgutil.iter_modules(facts.__path__):
        module = importlib.import_module(f"pipeline.facts.{info.name}")
        for value in vars(module).values():
            params = getattr(value, "cache_parameters", None)
            if params is not None and (params()["maxsize"] or 0) > 1:
                value.cache_clear()


def read_facts(component, docs) -> float:
    """CPU seconds of this process to run the facts component over every Doc once (caches cleared
    first).  CPU time rather than wall time: on a machine shared with other work, time spent
    waiting for a core is not the reader's."""
    clear_caches()
    t0 = time.process_time()
    for doc, published in docs:
        component(doc, published_at=published, spans=False)  # as a run calls it (pipeline/page.py)
    return time.process_time() - t0


def reader_inputs(docs) -> list[tuple]:
    """What the facts component hands the reader for each economic page: (text in Simplified
    script, publication date, sentence spans, token starts)."""
    from spacy.attrs import IDX

    from pipeline.facts.relevance import is_economic
    from pipeline.facts.script import simplified
    from pipeline.nlp.tokenizer import doc_text

    out = []
    for doc, published in docs:
        read = simplified(doc_text(doc))
        if is_economic(read):
            out.append((read, published, doc._.sentence_spans, doc.to_array(IDX).tolist()))
    return out


def read_alone(inputs) -> float:
    """CPU seconds to run the fact reader alone over the inputs once (caches cleared first)."""
    from pipeline.facts.reader import extract

    clear_caches()
    t0 = time.process_time()
    for read, published, sentences, starts in inputs:
        extract(read, published, sentences=sentences, word_starts=starts)
    return time.process_time() - t0


def measure(name: str, docs, component, repeat: int) -> dict:
    read_facts(component, docs)  # warm-up: imports, the gazetteer, compiled patterns
    inputs = reader_inputs(docs)
    passes, alone = [], []
    for _ in range(repeat):  # interleaved, so that both see the same hour
        passes.append(read_facts(component, docs) * 1000 / len(docs))
        alone.append(read_alone(inputs) * 1000 / len(docs))
    return {"corpus": name, "pages": len(docs), "chars": sum(len(d.text) for d, _ in docs),
            "median_ms": statistics.median(passes), "best_ms": min(passes), "mean_ms": statistics.fmean(passes),
            "reader_median_ms": statistics.median(alone), "reader_best_ms": min(alone)}


def profile(docs, component, top: int) -> str:
    """The functions the facts component spends its time in, over one pass (cumulative time)."""
    prof = cProfile.Profile()
    prof.enable()
    read_facts(component, docs)
    prof.disable()
    out = []
    stats = pstats.Stats(prof, stream=_Lines(out)).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return "".join(out)


class _Lines:
    def __init__(self, out: list[str]):
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=400, help="pages of the generated benchmark corpus (default 400; 0: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=7, help="timed passes over each corpus (default 7)")
    ap.add_argument("--profile", type=int, default=25, help="functions shown in the profile (0: no profile)")
    ap.add_argument("--extra", action="append", default=[], help="another folder of saved pages to time")
    ap.add_argument("--no-bundled", action="store_true", help="leave out the bundled corpora")
    args = ap.parse_args(argv)

    import corpus  # benchmarks/corpus.py

    from pipeline.config import default_settings
    from pipeline.nlp.language import get_nlp

    settings = default_settings()
    nlp = get_nlp(settings.segment)
    component = nlp.get_pipe("newsfacts_facts")
    sets: list[tuple[str, list]] = []
    if args.pages:
        with tempfile.TemporaryDirectory(prefix="facts_speed_") as tmp:
            folder = Path(tmp) / "pages"
            corpus.build_corpus(folder, args.pages, args.seed)
            sets.append((f"benchmark ({args.pages} pages, seed {args.seed})", articles_of(folder, settings)))
    for name in () if args.no_bundled else BUNDLED:
        sets.append((name, articles_of(ROOT / name, settings)))
    for extra in args.extra:
        sets.append((extra, articles_of(Path(extra), settings)))

    docs = {name: docs_of(articles, nlp) for name, articles in sets}
    rows = [measure(name, d, component, args.repeat) for name, d in docs.items() if d]
    import pipeline.facts

    print(f"fact rules: {'compiled by mypyc' if pipeline.facts.COMPILED else 'Python modules'} "
          "(NEWSFACTS_PURE_PYTHON=1 for the Python modules; pipeline/compiled.py)\n")
    print("| corpus | pages | chars/page | component CPU ms/page median | best | mean | reader alone median | best |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['corpus']} | {r['pages']} | {r['chars'] / r['pages']:.0f} | {r['median_ms']:.3f} | "
              f"{r['best_ms']:.3f} | {r['mean_ms']:.3f} | {r['reader_median_ms']:.3f} | {r['reader_best_ms']:.3f} |")
    print("\n(reader alone: per page of the corpus, non-economic pages included, as the component's figure)")
    if args.profile:
        first = next(iter(docs))
        print(f"\nprofile of one pass over {first}:\n")
        print(profile(docs[first], component, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
