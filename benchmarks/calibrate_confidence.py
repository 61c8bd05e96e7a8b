"""How often a fact row is right, by fact type and by how its subject was found.

The confidence table of ``pipeline/facts/confidence.py`` is set from this measurement:

    .venv/bin/python benchmarks/calibrate_confidence.py ../shared/realdev/pages ../shared/realdev/gold.jsonl \
        corpora/samples corpora/gold/samples.jsonl

Each pair is a folder of pages and its gold file.  For every predicted fact of every page it
records whether the fact matches a gold fact strictly (type, value, unit and subject, as
``newsfacts evaluate`` scores it) and prints, per (fact type, subject source), the count, the
share that is right and the table value (weighted share, shrunk towards the overall share), then
the rows and share right per confidence band with the shipped table.
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
        if isinstance(raw, Skip) or raw.location not in gold or gold[raw.location].get("duplicate_of"):
            continue  # a duplicate's facts are not scored: the run drops them
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
    """Pairs of (pages, gold); the first pair is the real pages and weighs 1, the others weigh
    ``--other-weight=W`` (default 0.3: the team's own pages are easier than real ones)."""
    other = next((float(a.split("=", 1)[1]) for a in argv if a.startswith("--other-weight=")), 0.3)
    argv = [a for a in argv if not a.startswith("--")]
    rows = []
    for k, (pages, gold) in enumerate(zip(argv[0::2], argv[1::2])):
        rows += [(*row, 1.0 if k == 0 else other) for row in outcomes(Path(pages), Path(gold))]
    total = sum(w for *_, w in rows)
    overall = sum(w * right for *_, right, w in rows) / total
    groups: dict = defaultdict(lambda: [0, 0.0, 0.0])
    for fact_type, source, _, right, weight in rows:
        group = groups[(fact_type, source)]
        group[0] += 1
        group[1] += weight
        group[2] += weight * right
    print(f"overall (weighted) {overall:.3f}")
    print(f"{'fact type':12} {'subject source':14} {'rows':>5} {'right':>6} {'table':>6}")
    for (fact_type, source), (n, weight, right) in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        shrunk = (right + 2 * overall) / (weight + 2)  # two rows' weight towards the overall share
        print(f"{fact_type:12} {str(source):14} {n:5d} {right / weight:6.3f} {shrunk:6.2f}")
    for label, first_only in (("all pairs", False), ("first pair (real pages)", True)):
        bands: dict = defaultdict(lambda: [0, 0])
        for _, _, confidence, right, weight in rows:
            if first_only and weight != 1.0:
                continue
            band = min(4, int((confidence or 0.0) * 5))
            bands[band][0] += 1
            bands[band][1] += right
        print(f"\nconfidence band ({label})    rows  right")
        for band in sorted(bands):
            n, right = bands[band]
            print(f"[{band / 5:.1f}, {(band + 1) / 5:.1f})   {n:6d} {right / n:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
