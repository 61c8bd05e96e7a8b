"""Where a figure is: the places an article names, and the place 全市, 本县 or 我区 stands for."""
from __future__ import annotations

import functools
import re
from typing import Final

from pipeline.facts import mentions as mt
from pipeline.facts.places import Place, gazetteer

# 全市, 本县, 我区 ...: the article's own place at that level (not 全市委, 本区域, 我省长 ...).
WHOLE_WORD: Final = "全本我该"
LEVEL_WORD: Final = "省市县区"
WHOLE_REGION: Final = re.compile(f"[{WHOLE_WORD}]([{LEVEL_WORD}])(?![委长级场域民属政内外])")


def article_places(text: str) -> list[Place]:
    """The places an article names, each once, where the name is one place or ties to one named
    before (宁波市 ... 鄞州区)."""
    found: list[Place] = []
    for mention in mt.regions_in(text):
        place = gazetteer().resolve(mention.text, found)
        if place is not None and place not in found:
            found.append(place)
    return found


@functools.lru_cache(maxsize=1024)  # asked for each figure after a 全市/本县; the answer is the gazetteer's
def place_at(place: Place, level_word: str) -> Place | None:
    """The place a level word (市, 县, 区, 省) means in an article about ``place``: the place itself
    or the division that holds it, whichever has a name of that level; None if neither has."""
    if level_word == "省":
        return place.parent_at(1)
    for candidate in (place, place.parent_at(2)):
        if candidate is not None and candidate.name.endswith(level_word) and candidate.level > 1:
            return candidate
    return None
