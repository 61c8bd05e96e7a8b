"""Instructions the fact reader executes per page, counted by valgrind, for this checkout and a
baseline revision in the same run.

On a shared virtual machine the CPU time of the same code drifts by 10-40% within an hour, so a
change of a few percent cannot be told from noise by a clock.  The instruction count of the same
work is the same from run to run (to about 0.1%): this script runs ``pipeline.facts.reader.extract``
(and ``is_economic``, which decides whether it runs) under ``valgrind --tool=cachegrind`` over the
same inputs with each checkout's compiled rules, once over N pages and once over none, and reports
the difference per page.  Instructions are not time (a cache miss costs more than an add), but a
change that removes work shows here first.

The inputs (body text in Simplified script, sentence spans, word starts: what the spaCy
component hands the reader) are made once, by this checkout, from the generated benchmark corpus
and any ``--extra`` folder.  The baseline is checked out into a temporary worktree and compiled
there (``NEWSFACTS_COMPILED_DIR`` in the temporary folder); ``--base none`` measures this checkout
only.

    .venv/bin/python benchmarks/facts_instructions.py --base HEAD~3 [--pages 50] [--extra DIR]

Needs valgrind (Debian: ``apt install valgrind``) and git.
"""
from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# Run in each checkout (its folder first on sys.path): read the inputs, warm the reader up (the
# gazetteer and the patterns are built on first use), freeze what is loaded (a full collection of
# it would land in one run and not the other), then read the first N bodies.
RUNNER = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
from pipeline.facts.reader import extract
from pipeline.facts.relevance import is_economic
import pipeline.facts
assert pipeline.facts.COMPILED, "the rules of this checkout are not compiled (python -m pipeline.compiled)"
rows = pickle.load(open(sys.argv[2], "rb"))[: int(sys.argv[3])]
extract("某某智能空调项目计划总投资21.9亿元，位于某某区。", "2017-01-01")
import gc
gc.collect()
gc.freeze()  # what is loaded by now is not traversed again: a full collection is no page's work
for text, published, sentences, starts in rows:
    if is_economic(text):
        extract(text, published, sentences=sentences, word_starts=starts)
"""


def make_inputs(folders: list[tuple[str, Path]], out: Path) -> list[tuple[str, int, Path]]:
    """Pickle the reader's inputs of each folder's pages: (name, number of pages, pickle) of each."""
    from spacy.attrs import IDX

    import facts_speed  # benchmarks/facts_speed.py: the articles of a folder, their Docs

    from pipeline.config import default_settings
    from pipeline.facts.script import simplified
    from pipeline.nlp.components import doc_text
    from pipeline.nlp.language import get_nlp

    settings = default_settings()
    nlp = get_nlp(settings.segment)
    made = []
    for i, (name, folder) in enumerate(folders):
        docs = facts_speed.docs_of(facts_speed.articles_of(folder, settings), nlp)
        rows = [(simplified(doc_text(d)), published, d._.sentence_spans, d.to_array(IDX).tolist())
                for d, published in docs]
        path = out / f"inputs{i}.pkl"
        with open(path, "wb") as f:
            pickle.dump(rows, f)
        made.append((name, len(rows), path))
    return made


def instructions(checkout: Path, compiled_dir: Path | None, inputs: Path, pages: int, runner: Path,
                 extra: list[str] | None = None, inside: str | None = None) -> int:
    """Instructions valgrind counts for the runner over the first ``pages`` inputs (``extra``:
    more arguments for the runner).  ``inside``: count only while this C function runs (callgrind's
    ``--toggle-collect``, e.g. a compiled function ``CPyDef_module___name``), not the whole run."""
    env = dict(os.environ)
    env.pop("NEWSFACTS_COMPILED_DIR", None)
    if compiled_dir is not None:
        env["NEWSFACTS_COMPILED_DIR"] = str(compiled_dir)
    env["NEWSFACTS_PURE_PYTHON"] = "0"
    env["PYTHONHASHSEED"] = "0"  # the same set and dict orders in every run
    tool = (["--tool=callgrind", f"--toggle-collect={inside}", "--callgrind-out-file=/dev/null"] if inside
            else ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"])
    proc = subprocess.run(
        ["valgrind", *tool, sys.executable, str(runner), str(checkout), str(inputs), str(pages), *(extra or [])],
        cwd=checkout, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the reader failed under valgrind in {checkout}:\n{proc.stderr[-2000:]}")
    m = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if not m:
        raise SystemExit(f"valgrind printed no instruction count for {checkout}:\n{proc.stderr[-2000:]}")
    return int(m.group(1).replace(",", ""))


def per_page(checkout: Path, compiled_dir: Path | None, inputs: Path, pages: int, runner: Path) -> float:
    """Instructions per page: the run over ``pages`` pages less the run over none."""
    return (instructions(checkout, compiled_dir, inputs, pages, runner)
            - instructions(checkout, compiled_dir, inputs, 0, runner)) / pages


def run_step(args: list[str], cwd: Path, what: str, env: dict | None = None) -> None:
    """Run a set-up step; stop with what failed and its own message if it does."""
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed ({' '.join(args)} in {cwd}):\n{(proc.stderr or proc.stdout)[-2000:]}")


def base_checkout(rev: str, tmp: Path) -> tuple[Path, Path]:
    """A worktree of ``rev`` in ``tmp`` with its rules compiled there: (folder, build folder)."""
    folder, builds = tmp / "base", tmp / "builds"
    run_step(["git", "worktree", "add", "--detach", str(folder), rev], ROOT,
         f"checking out the baseline {rev!r} (is it a revision of this repository?)")
    env = dict(os.environ, NEWSFACTS_COMPILED_DIR=str(builds))
    run_step([sys.executable, "-m", "pipeline.compiled"], folder, f"compiling the rules of {rev}", env)
    return folder, builds


def remove_checkout(folder: Path) -> None:
    """Remove the baseline worktree made by :func:`base_checkout`."""
    subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="git revision to compare with ('none': this checkout only)")
    ap.add_argument("--pages", type=int, default=50, help="pages of the generated benchmark corpus (default 50)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--extra", action="append", default=[], help="another folder of saved pages (all of them are read)")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind); it counts the instructions")

    import corpus  # benchmarks/corpus.py

    with tempfile.TemporaryDirectory(prefix="facts_instructions_") as name:
        tmp = Path(name)
        pages = tmp / "pages"
        corpus.build_corpus(pages, args.pages, args.seed)
        folders = [("benchmark", pages)] + [("/".join(Path(e).resolve().parts[-2:]), Path(e)) for e in args.extra]
        made = make_inputs(folders, tmp)
        runner = tmp / "runner.py"
        runner.write_text(RUNNER, encoding="utf-8")
        run_step([sys.executable, "-m", "pipeline.compiled"], ROOT, "compiling this checkout's rules")
        base = None if args.base == "none" else base_checkout(args.base, tmp)
        try:
            print("| pages | count | this checkout: instructions/page | "
                  + (f"{args.base}: instructions/page | ratio |" if base else ""))
            print("|---|---|---|" + ("---|---|" if base else ""))
            for name, n, inputs in made:
                new = per_page(ROOT, None, inputs, n, runner)
                row = f"| {name} | {n} | {new / 1e6:.2f} M |"
                if base:
                    old = per_page(base[0], base[1], inputs, n, runner)
                    row += f" {old / 1e6:.2f} M | {new / old:.3f} |"
                print(row)
        finally:
            if base:
                remove_checkout(base[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
