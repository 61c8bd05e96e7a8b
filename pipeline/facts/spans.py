"""Where the facts and the names they point to lie among a text's tokens: the (first token, end
token, label) triples of the ``doc.spans["facts"]`` group the spaCy component makes.

Here rather than in :mod:`pipeline.nlp.components` because it is plain work on offsets, a bisection
and a text search for each fact and each name, which the compiled build of this package runs in C;
the component only turns the triples into spaCy Spans.
"""
from __future__ import annotations

import bisect

from pipeline.records import Fact, Project


def figure_label(fact: Fact) -> str:
    """MONEY for amounts of a currency, PERCENT for rates, QUANTITY for the rest."""
    if fact.fact_type == "percentage":
        return "PERCENT"
    return "MONEY" if fact.unit.isupper() and len(fact.unit) == 3 else "QUANTITY"


def token_bounds(starts: list[int], a: int, b: int) -> tuple[int, int] | None:
    """(first, end) of the tokens covering characters a..b (expanded to whole tokens), or None.

    >>> token_bounds([0, 2, 5, 7], 3, 6), token_bounds([0, 2, 5, 7], 2, 5), token_bounds([0, 2], 4, 4)
    ((1, 3), (1, 2), None)
    """
    if a >= b or not starts:
        return None
    first = bisect.bisect_right(starts, a) - 1
    last = bisect.bisect_left(starts, b)
    return max(first, 0), max(last, first + 1)


def fact_spans(text: str, starts: list[int], facts: list[Fact], projects: list[Project]) -> list[tuple[int, int, str]]:
    """(first, end, label) of every figure (MONEY, PERCENT, QUANTITY) and of the names the facts
    point to (PROJECT, ORG, GPE), found in ``text`` whose tokens start at ``starts``; sorted."""
    found: list[tuple[int, int, str]] = []
    for fact in facts:
        bounds = token_bounds(starts, fact.char_start, fact.char_end)
        if bounds is not None:
            found.append((bounds[0], bounds[1], figure_label(fact)))
    found.extend(_mention_bounds(text, starts, facts, projects))
    found.sort()
    return found


def _mention_bounds(full: str, starts: list[int], facts: list[Fact], projects: list[Project]) -> list[tuple[int, int, str]]:
    """(first, end, label) of PROJECT, ORG and GPE spans for the names the facts point to, each
    place it is written in the text."""
    wanted: dict[str, str] = {}
    for p in projects:
        wanted[p.name] = "ORG" if p.company == p.name else "PROJECT"
        if p.company and p.company != p.name:
            wanted[p.company] = "ORG"
    for f in facts:
        if f.region:
            wanted.setdefault(f.region, "GPE")
    out: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int, str]] = set()
    for name, label in wanted.items():
        start = full.find(name)
        while start >= 0:
            bounds = token_bounds(starts, start, start + len(name))
            if bounds is not None:
                found = (bounds[0], bounds[1], label)
                if found not in seen:
                    seen.add(found)
                    out.append(found)
            start = full.find(name, start + len(name))
    return out
