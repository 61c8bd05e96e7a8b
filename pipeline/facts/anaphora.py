"""Words that point back (该项目, 该园区, 园区, 该公司, 公司) and what they point to: the last
entity of that kind the article named before.

The reader notes every sentence's named projects, zones and companies here and asks, for a
subject that opens with a pointing word, what to put in its place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from pipeline.facts.openings import OpeningPattern
from pipeline.text import HAN

# Heads that make a named place of industry a zone (its figures are the zone's, not a region's).
ZONE_HEADS: Final = ("产业园区", "产业园", "工业园区", "工业园", "科技园", "物流园", "集群区", "集聚区", "开发区", "园区")

# A subject that opens with a word pointing back: 该园区, 园区, 该公司, 公司, 该项目, 此次签约的项目.
POINTER: Final = OpeningPattern(r"^(?:该|本|此|这个?|其)?(?:次签约的)?(园区|公司|项目)(?!群|部|所)")

# A clause that opens with a pointing word, after a time word at most: 该公司一季度…, 园区今年….
CLAUSE_POINTER: Final = OpeningPattern(r"^(?:其中|同时|目前|今年|去年)?((?:该|本)?(?:园区|公司))(?!的)")

# 该公司计划投资…, 公司具有年产…能力: a clause whose actor is the company named before.
COMPANY_POINTER: Final = re.compile(rf"(?:^|[，；：\s]|目前|今年|去年|同时|此外|其中|近年来)(?:该|本)?公司(?=[{HAN}])")


@dataclass
class Antecedents:
    """The last project, zone and company named so far in an article."""

    project: str | None = None
    zone: str | None = None
    company: str | None = None

    def note(self, projects: list[str], companies: list[str]) -> None:
        """Remember what a sentence named (in order): specific projects and zones, full company names."""
        for name in projects:
            if POINTER.match(name):
                continue  # 该项目 names nothing new
            if name.endswith(ZONE_HEADS):
                self.zone = name
            else:
                self.project = name
        for name in companies:
            if len(name) >= 4 and not POINTER.match(name):
                self.company = name

    def resolve(self, subject: str | None) -> str | None:
        """``subject`` with a leading pointing word replaced by what it points to; unchanged when
        it has none or nothing was named before.

        >>> a = Antecedents(project="东坡光伏项目", zone="溪南智能制造产业园", company="恒远电子有限公司")
        >>> a.resolve("该园区工业总产值"), a.resolve("公司营业收入"), a.resolve("该项目"), a.resolve("园区")
        ('溪南智能制造产业园工业总产值', '恒远电子有限公司营业收入', '东坡光伏项目', '溪南智能制造产业园')
        >>> Antecedents().resolve("该园区产值"), Antecedents().resolve("园区"), a.resolve("项目部")
        ('产值', None, '项目部')
        """
        if not subject:
            return subject
        m = POINTER.match(subject)
        if m is None:
            return subject
        kind = m.group(1)
        target = {"园区": self.zone, "公司": self.company, "项目": self.project}[kind]
        rest = subject[m.end() :]
        if target is None:  # nothing named to point to: the indicator alone, never a bare 该园区
            return rest.removeprefix("的") if len(rest) >= 2 and not rest.startswith("的") else None
        return target if not rest or target.endswith(rest) else target + rest.removeprefix("的")

    def opening(self, left: str, subject: str | None) -> str | None:
        """``subject`` with the pointing word its clause opens with in front (该公司一季度营业收入…,
        园区今年力争工业总产值…), for :meth:`resolve` to replace.

        >>> a = Antecedents(zone="溪南智能制造产业园")
        >>> a.opening("园区今年力争工业总产值突破", "工业总产值"), a.opening("全市工业总产值", "工业总产值")
        ('园区工业总产值', '工业总产值')
        """
        m = CLAUSE_POINTER.match(left)
        if m is None or not subject or POINTER.match(subject):
            return subject
        return m.group(1) + subject

    def company_in(self, clause: str) -> str | None:
        """The company a clause speaks of by 公司/该公司, when one was named before.

        >>> Antecedents(company="恒远电子有限公司").company_in("目前公司具有年产"), Antecedents().company_in("该公司")
        ('恒远电子有限公司', None)
        """
        return self.company if self.company and COMPANY_POINTER.search(clause) else None
