"""How sure the reader is of a fact row: 0-1, calibrated on real pages.

The reader records how it found a fact's subject (``Fact.subject_source``): named in the clause
(``named``), a figure in a list sharing the one before (``joined``), paired by position under
分别 (``list``), the topic the clause or sentence opened with (``topic``), a capacity noun
(``holder``), 该项目 resolved (``anaphora``), the company named (``company``), a batch of projects
(``batch``), a project carried from an earlier sentence (``carried``), a series continued
(``series``), one figure shared by several items (``shared``).  The confidence of a row is the
share of such rows that were right (type, value, unit and subject, as ``newsfacts evaluate``
scores strictly) on the real development pages (weight 1) and the bundled corpus (weight 0.3: the
team's own pages are easier than real ones), measured with ``benchmarks/calibrate_confidence.py``
and shrunk towards the overall share (two rows' weight) so that rare kinds do not claim
certainty.  ``newsfacts evaluate`` prints the calibration table.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

from pipeline.records import Fact

OVERALL: Final = 0.90  # weighted share of all rows that were right when the table was measured
# (fact type, subject source) -> weighted share right, shrunk; measured 2026-12-02 over 986 rows
# (503 on the real development pages at weight 1, 483 on the bundled corpora at weight 0.3;
# investment/named measured 1.00 and is kept at 0.98: no kind of row is certain)
TABLE: Final = {
    ("investment", "named"): 0.98, ("investment", "anaphora"): 0.99, ("investment", "company"): 0.96,
    ("investment", "batch"): 0.82, ("investment", "joined"): 0.96, ("investment", "list"): 0.94,
    ("investment", "sentence"): 0.70, ("investment", "carried"): 0.61,
    ("capacity", "named"): 0.85, ("capacity", "holder"): 0.95, ("capacity", "anaphora"): 0.98,
    ("capacity", "company"): 0.78, ("capacity", "joined"): 0.79, ("capacity", "carried"): 0.49,
    ("capacity", "sentence"): 0.70, ("capacity", "series"): 0.95,
    ("indicator", "named"): 0.92, ("indicator", "topic"): 0.95, ("indicator", "list"): 0.97,
    ("indicator", "joined"): 0.90, ("indicator", "anaphora"): 0.98, ("indicator", "company"): 0.93,
    ("indicator", "series"): 0.96, ("indicator", "carried"): 0.72, ("indicator", "shared"): 0.97,
    ("percentage", "topic"): 0.96, ("percentage", "named"): 0.95, ("percentage", "joined"): 0.94,
    ("percentage", "list"): 0.89, ("percentage", "series"): 0.60, ("percentage", "shared"): 0.90,
    ("percentage", "anaphora"): 0.74, ("percentage", "amount"): 0.85,
}
_DIGIT: Final = re.compile(r"\d")


def confidence(fact_type: str, subject_source: str | None, subject: str | None) -> float:
    """The calibrated share of rows like this one that are right.

    >>> confidence("percentage", "list", "工业增加值"), confidence("investment", "carried", "某项目")
    (0.89, 0.61)
    >>> confidence("capacity", None, None)
    0.1
    """
    if not subject:
        return 0.1  # no subject: the row cannot be right in full
    # a subject with figures in it is often a piece of the sentence
    piece = bool(_DIGIT.search(subject)) and not subject.endswith(("项目", "工程", "基地", "生产线"))
    short = len(subject) <= 2  # 销量, 产量, 净利: the product or firm it is about is named elsewhere (measured 0.76 right)
    key = (fact_type, subject_source, piece, short)
    known = _KNOWN.get(key)
    if known is None:  # (round() to two places costs more than the rest: each answer is worked out once)
        value = TABLE.get((fact_type, subject_source), OVERALL - 0.1)  # type: ignore[arg-type]
        known = _KNOWN[key] = round(value * (0.8 if piece else 1.0) * (0.85 if short else 1.0), 2)
    return known


# (fact type, subject source, subject has figures, subject is short) -> confidence: a few dozen keys
_KNOWN: Final[dict[tuple[str, str | None, bool, bool], float]] = {}


def resourced(record: Fact, subject: str | None, source: str, **changes) -> Fact:
    """``record`` with another subject, found another way, and the confidence that goes with them
    (the reader sets a fact's confidence when it makes it, not in a second copy at the end)."""
    return replace(record, subject=subject, subject_source=source, confidence=confidence(record.fact_type, source, subject),
                   **changes)
