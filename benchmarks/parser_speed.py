"""What a faster HTML parser would give the HTML stage: libxml2 (lxml, what the stage uses) against
lexbor (selectolax), each parsing and freeing the same pages, beside the whole stage.

Issue 15 asks to consider selectolax, whose lexbor parser is C with C-level traversal, for the
HTML stage's hot path.  The stage already walks the tree in C (``pipeline/extract/_marked.c``
reads libxml2's nodes), so what lexbor could change is the parse and the freeing of the tree.
This script times, per corpus:

* the HTML stage (``extract_article`` on the page's bytes, decoding included, as a run does it);
* the stage's own parse of the decoded page and the freeing of its tree
  (``pipeline.extract.body.parse_page``, libxml2 through lxml);
* lexbor parsing and freeing the same UTF-8 text (``selectolax.lexbor.LexborHTMLParser``), and
  lexbor parsing and giving the body's text (``.body.text()``, its cheapest walk);

and reports the stage's time with libxml2's parse and free replaced by lexbor's: the most a
switch of parser could gain, before any cost of walking lexbor's tree from C (``_marked.c`` and
``_tables.c`` would have to be written again for it, and lexbor's HTML5 tree building differs
from libxml2's, so the tables would not stay byte-identical).

Passes are interleaved, ``--repeat`` of each; figures are CPU ms per page (median of the passes).

    .venv/bin/python benchmarks/parser_speed.py [--pages 200] [--repeat 7] [--extra DIR]

Needs selectolax (``.venv/bin/pip install selectolax``); it is not a dependency of the project.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def lexbor():
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        raise SystemExit("parser_speed.py: selectolax is not installed: `.venv/bin/pip install selectolax` "
                         "(it is measured here, not used by the project)") from None
    return LexborHTMLParser


def timed(fn, items: list) -> float:
    """CPU ms per item of one pass (the collector off, as the tree is freed by reference counting)."""
    gc.disable()
    try:
        t0 = time.process_time()
        for item in items:
            fn(item)
        return 1000 * (time.process_time() - t0) / len(items)
    finally:
        gc.enable()


def body_text(tree) -> str:
    """The text of a lexbor tree's body (of the whole tree when it has none), lines apart."""
    return (tree.body or tree.root).text(separator="\n")


def measure(pages: list, repeat: int, parser) -> dict[str, float]:
    """Median CPU ms per page of each pass over ``pages`` (html_speed.Page records)."""
    from pipeline.config import default_settings
    from pipeline.extract.body import parse_page

    import html_speed

    stage = html_speed.ours(default_settings())
    texts = [p.text for p in pages]
    utf8 = [t.encode("utf-8", "surrogatepass") for t in texts]
    passes = {
        "HTML stage (extract_article)": (stage, pages),
        "libxml2 parse + free (parse_page)": (parse_page, texts),
        "lexbor parse + free": (parser, utf8),
        "lexbor parse + body text": (lambda b: body_text(parser(b)), utf8),
    }
    for fn, items in passes.values():  # warm up: patterns compiled, settings and caches loaded
        fn(items[0])
    times: dict[str, list[float]] = {name: [] for name in passes}
    for _ in range(repeat):
        html_speed.forget_urls()
        for name, (fn, items) in passes.items():
            times[name].append(timed(fn, items))
    return {name: statistics.median(v) for name, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200, help="pages of a generated benchmark corpus (0: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--extra", action="append", default=[], help="another folder of saved pages")
    args = ap.parse_args(argv)
    parser = lexbor()

    import corpus  # benchmarks/corpus.py
    import html_speed

    from pipeline.config import default_settings

    max_bytes = default_settings().input.max_page_bytes
    sets = [("bundled (samples, eras, constructions, realistic)",
             [p for folder in html_speed.BUNDLED for p in html_speed.bundled_pages(folder, max_bytes)])]
    for extra in args.extra:
        sets.append((extra, html_speed.corpus_pages(Path(extra), max_bytes)))
    with tempfile.TemporaryDirectory(prefix="parser_speed_") as tmp:
        if args.pages:
            folder = Path(tmp) / "pages"
            corpus.build_corpus(folder, args.pages, args.seed)
            sets.append((f"benchmark corpus ({args.pages} pages)", html_speed.corpus_pages(folder, max_bytes)))
        print("| corpus | pages | KB/page | HTML stage | libxml2 parse+free | lexbor parse+free | lexbor parse+text "
              "| parse share | stage with lexbor's parse |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, pages in sets:
            m = measure(pages, args.repeat, parser)
            stage, ours, theirs = (m["HTML stage (extract_article)"], m["libxml2 parse + free (parse_page)"],
                                   m["lexbor parse + free"])
            size = sum(len(p.text.encode("utf-8", "surrogatepass")) for p in pages) / len(pages) / 1000
            print(f"| {name} | {len(pages)} | {size:.1f} | {stage:.3f} ms | {ours:.3f} ms | {theirs:.3f} ms "
                  f"| {m['lexbor parse + body text']:.3f} ms | {ours / stage:.0%} | {stage - ours + theirs:.3f} ms "
                  f"({stage / (stage - ours + theirs):.2f}x) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
