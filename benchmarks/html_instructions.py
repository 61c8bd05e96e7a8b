"""Instructions the HTML stage executes per page, counted by valgrind, for this checkout, a
baseline revision and trafilatura, in the same run.

The companion of ``facts_instructions.py`` for ``pipeline.extract_article`` (a page's bytes to an
Article, decoding included, as ``html_speed.py`` times it): on a virtual machine whose speed drifts
by tens of percent within minutes, the instruction count tells a change of a few percent where the
clock cannot.  Each folder's pages are read once, then extracted ``--passes`` times under
``valgrind --tool=cachegrind``, and the same run with one pass only is subtracted: start-up,
imports, one-time tables and what a first pass fills (caches; trafilatura spends a third more on
its first pass) are not a page's steady cost.  The start-up itself varies by 10-30 M instructions from one
run to the next here (not with address randomization, nor the hash seed, which is fixed), so the
passes are many: ten over 29 small pages leave about 0.1 M per page of that noise.  ``trafilatura.extract`` is counted on the same pages, decoded
beforehand as ``html_speed.py`` does.

Instructions are not time (a cache miss costs more than an add), though here the two ratios come
out close: trafilatura executes about 9 times the project's instructions on a small real page and
takes about 8 times its time.  The issue's target is the clock's ratio (``html_speed.py``); this
count says whether a change removed work.

    .venv/bin/python benchmarks/html_instructions.py --base HEAD~3 [--pages 20] [--passes 10]
        [--extra DIR] [--no-trafilatura] [--inside]

``--inside`` counts the project only while its compiled ``extract_article`` runs (callgrind's
``--toggle-collect``): the start-up is then not counted at all, and two checkouts can be told
apart by 1% (it measured 3.143 -> 2.937 M on the development pages where the whole-run count said
3.29 -> 2.88 M).  Trafilatura, plain Python with no such entry point, is still counted over whole
runs, so its column keeps the start-up's noise.

Needs valgrind (Debian: ``apt install valgrind``) and git.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import facts_instructions as fi  # noqa: E402  (benchmarks/facts_instructions.py: valgrind, baseline worktree)

# Run in each checkout (its folder first on sys.path): read a folder's pages, extract three of
# them to warm up, then every page ``passes`` times.  argv: checkout, folder, passes, which.
RUNNER = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pipeline.errors import Skip
from pipeline.read.files import iter_raw_pages
raws = [r for r in iter_raw_pages([Path(sys.argv[2])], 50_000_000) if not isinstance(r, Skip)]
if sys.argv[4] == "project":
    import pipeline.extract
    from pipeline.extract.article import extract_article
    assert pipeline.extract.COMPILED, "the HTML stage of this checkout is not compiled (python -m pipeline.compiled)"
    def run(r):
        try:
            extract_article(r.body, r.url, location=r.location, content_type=r.content_type)
        except Skip:
            pass
    items = raws
else:
    import trafilatura
    from pipeline.extract.decode import decode_html
    run = trafilatura.extract
    items = [decode_html(r.body, r.content_type, r.location).text for r in raws]
for item in items[:3]:
    run(item)
import gc
gc.collect()
gc.freeze()  # what is loaded by now is not traversed again: a full collection is no page's work
from pipeline import urls
for _ in range(int(sys.argv[3])):
    for fn in (urls.canonical_url, urls.host_of):  # a run reads each page once: no URL is remembered
        getattr(fn, "cache_clear", lambda: None)()  # from the pass before (html_speed.forget_urls)
    for item in items:
        run(item)
"""


def page_count(folder: Path) -> int:
    from pipeline.errors import Skip
    from pipeline.read.files import iter_raw_pages

    return sum(1 for r in iter_raw_pages([folder], 50_000_000) if not isinstance(r, Skip))


# The compiled HTML stage's entry point, as callgrind names it (``--inside``).
EXTRACT_ARTICLE = "CPyDef_article___extract_article"


def per_page(checkout: Path, compiled_dir: Path | None, folder: Path, pages: int, passes: int,
             runner: Path, which: str, inside: str | None = None) -> float:
    """Instructions per page: one pass and ``passes`` more over the folder, less the one pass
    alone, per page and pass (a first pass still fills caches and builds what is built once).
    ``inside``: count only inside that function (see ``facts_instructions.instructions``)."""
    def count(n: int) -> int:
        return fi.instructions(checkout, compiled_dir, folder, n, runner, extra=[which], inside=inside)

    return (count(1 + passes) - count(1)) / (pages * passes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="git revision to compare with ('none': this checkout only)")
    ap.add_argument("--pages", type=int, default=20, help="pages of the generated benchmark corpus (default 20; 0: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--passes", type=int, default=10,
                    help="passes of the project over each folder (default 10); trafilatura, which does about ten "
                         "times the work, makes a tenth as many (at least one)")
    ap.add_argument("--extra", action="append", default=[], help="another folder of saved pages")
    ap.add_argument("--no-bundled", action="store_true", help="leave out corpora/samples")
    ap.add_argument("--no-trafilatura", action="store_true", help="leave out the trafilatura column")
    ap.add_argument("--inside", action="store_true",
                    help="count the project only inside the compiled extract_article (callgrind --toggle-collect): "
                         "no start-up noise, for comparing checkouts; trafilatura is still counted over whole runs")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind); it counts the instructions")

    import corpus  # benchmarks/corpus.py

    with tempfile.TemporaryDirectory(prefix="html_instructions_") as name:
        tmp = Path(name)
        folders: list[tuple[str, Path]] = []
        if args.pages:
            corpus.build_corpus(tmp / "pages", args.pages, args.seed)
            folders.append(("benchmark", tmp / "pages"))
        if not args.no_bundled:
            folders.append(("corpora/samples", ROOT / "corpora" / "samples"))
        folders += [("/".join(Path(e).resolve().parts[-2:]), Path(e).resolve()) for e in args.extra]
        runner = tmp / "runner.py"
        runner.write_text(RUNNER, encoding="utf-8")
        fi.run_step([sys.executable, "-m", "pipeline.compiled"], ROOT, "compiling this checkout")
        base = None if args.base == "none" else fi.base_checkout(args.base, tmp)
        try:
            columns = ["pages", "count", "this checkout"]
            columns += [args.base, "ratio"] if base else []
            columns += [] if args.no_trafilatura else ["trafilatura", "trafilatura / this checkout"]
            print("| " + " | ".join(columns) + " |")
            print("|---" * len(columns) + "|")
            for label, folder in folders:
                n = page_count(folder)
                if n * args.passes < 200 and not args.inside:
                    print(f"(warning: {label}: {n} pages x {args.passes} passes; a run's start-up varies by 10-30 M "
                          "instructions here, which may outweigh so few page passes: use more --passes)", file=sys.stderr)
                inside = EXTRACT_ARTICLE if args.inside else None
                new = per_page(ROOT, None, folder, n, args.passes, runner, "project", inside)
                row = f"| {label} | {n} | {new / 1e6:.2f} M |"
                if base:
                    old = per_page(base[0], base[1], folder, n, args.passes, runner, "project", inside)
                    row += f" {old / 1e6:.2f} M | {new / old:.3f} |"
                if not args.no_trafilatura:
                    other = per_page(ROOT, None, folder, n, max(1, args.passes // 10), runner, "trafilatura")
                    row += f" {other / 1e6:.2f} M | {other / new:.1f}x |"
                print(row)
        finally:
            if base:
                fi.remove_checkout(base[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
