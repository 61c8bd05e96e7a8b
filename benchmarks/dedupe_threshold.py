"""Measure body similarity on the bundled corpus, to choose the near-duplicate threshold.

Prints the exact 5-gram Jaccard and the MinHash estimate for every pair of
pages, marking the pairs the gold calls duplicates, then the highest
similarity of a non-duplicate pair and the lowest of a duplicate pair.

    python benchmarks/dedupe_threshold.py [corpora/samples] [corpora/gold/samples.jsonl]
"""
from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

from pipeline.config import default_settings
from pipeline.extract.article import extract_article
from pipeline.read.files import iter_raw_pages
from pipeline.store.minhash import shingles, signature, similarity

SETTINGS = default_settings()
K = SETTINGS.dedupe.shingle_size


def main(root: str = "corpora/samples", gold_path: str = "corpora/gold/samples.jsonl") -> None:
    gold = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    dup_pairs = {frozenset((g["location"], g["duplicate_of"])) for g in gold if g.get("duplicate_of")}
    # pages that are duplicates of the same original are duplicates of each other too
    originals: dict[str, str] = {g["location"]: g["duplicate_of"] for g in gold if g.get("duplicate_of")}
    for a, b in itertools.combinations(originals, 2):
        if originals[a] == originals[b]:
            dup_pairs.add(frozenset((a, b)))
    bodies = {}
    for raw in iter_raw_pages([root], SETTINGS.input.max_page_bytes):
        if hasattr(raw, "body") and not raw.location.endswith(("warc.gz", "warc")) and "#" not in raw.location:
            bodies[raw.location] = extract_article(raw.body, raw.url, location=raw.location).content
    rows = []
    for (la, ta), (lb, tb) in itertools.combinations(sorted(bodies.items()), 2):
        sa, sb = shingles(ta, K), shingles(tb, K)
        exact = len(sa & sb) / len(sa | sb) if sa | sb else 0.0
        est = similarity(signature(ta, SETTINGS.dedupe.num_perm, K), signature(tb, SETTINGS.dedupe.num_perm, K))
        rows.append((exact, est, frozenset((la, lb)) in dup_pairs, la, lb))
    rows.sort(reverse=True)
    print("jaccard  minhash  gold-dup  pair")
    for exact, est, is_dup, la, lb in rows[:25]:
        print(f"{exact:7.3f}  {est:7.3f}  {'yes' if is_dup else 'no ':>8}  {la}  ~  {lb}")
    non_dup = max((r for r in rows if not r[2]), default=None)
    dup = min((r for r in rows if r[2]), default=None)
    print(f"\npairs: {len(rows)}; gold duplicate pairs: {sum(r[2] for r in rows)}")
    if non_dup:
        print(f"highest non-duplicate pair: jaccard {non_dup[0]:.3f} (minhash {non_dup[1]:.3f})")
    if dup:
        print(f"lowest duplicate pair:      jaccard {dup[0]:.3f} (minhash {dup[1]:.3f})")


if __name__ == "__main__":
    main(*sys.argv[1:])
