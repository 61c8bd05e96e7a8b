"""How often a fact row is right, by fact type and by how its subject was found.

The confidence table of ``pipeline/facts/confidence.py`` is set from this measurement:

    .venv/bin/python benchmarks/calibrate_confidence.py ../shared/realdev/pages ../shared/realdev/gold.jsonl \
        corpora/samples corpora/gold/samples.jsonl

Each pair is a folder of pages and its gold file.  For every predicted fact of every page it
records whether the fact matches a gold fact strictly (type, value, unit and subject, as
``newsfacts evaluate`` scores it) and prints, per (fact type, subject source), the count and the
share that is right, then the same per confidence band with the shipped table.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from pipeline.config import default_settings
from pipeline.errors import Skip
from pipeline.evaluate import _match_facts, load_gold
from pipeline.page import process_page
from pipeline.read.files import iter_raw_pages
from pipeline.store.rows import FACT_COLUMNS


def outcomes(pages: Path, gold_path: Path) -> list[tuple[str, str | None, float | None, bool]]:
    """(fact_type, subject_source, confidence, right) of every predicted fact."""
    gold = {g["location"]: g for g in load_gold(gold_path)}
    settings = default_settings()
    out = []
    for raw in iter_raw_pages([pages], settings.input.max_page_bytes):
        if isinstance(raw, Skip) or raw.location not in gold:
            continue
        try:
            result = process_page(raw, settings)
        except Skip:
            continue
        pred = [dict(zip(FACT_COLUMNS, (getattr(f, c) for c in FACT_COLUMNS))) for f in result.facts]
        _, used = _match_facts(gold[raw.location].get("facts", []), pred, strict=True)
        for i, fact in enumerate(result.facts):
            near = "here" if fact.subject and fact.subject in fact.sentence else "away"
            source = f"{fact.subject_source}/{near}" if "--near" in sys.argv else fact.subject_source
            out.append((fact.fact_type, source, fact.confidence, i in used))
    return out


def main(argv: list[str]) -> int:
    rows = []
    argv = [a for a in argv if not a.startswith("--")]
    for pages, gold in zip(argv[0::2], argv[1::2]):
        rows += outcomes(Path(pages), Path(gold))
    groups: dict = defaultdict(lambda: [0, 0])
    for fact_type, source, _, right in rows:
        groups[(fact_type, source)][0] += 1
        groups[(fact_type, source)][1] += right
    print(f"{'fact type':12} {'subject source':14} {'rows':>5} {'right':>6}")
    for (fact_type, source), (n, right) in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print(f"{fact_type:12} {str(source):14} {n:5d} {right / n:6.3f}")
    bands: dict = defaultdict(lambda: [0, 0])
    for _, _, confidence, right in rows:
        band = min(4, int((confidence or 0.0) * 5))
        bands[band][0] += 1
        bands[band][1] += right
    print("\nconfidence band    rows  right")
    for band in sorted(bands):
        n, right = bands[band]
        print(f"[{band / 5:.1f}, {(band + 1) / 5:.1f})   {n:6d} {right / n:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
