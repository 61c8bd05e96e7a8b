"""The candidate pattern of parse_quantities, written for a cheaper run of the regex engine (issue 15,
point 3: optional groups as alternatives with an empty branch, digits taken possessively, a
lookahead before the thousands form), matches what the pattern as first written matched: the same
span and the same groups at every position of the bundled pages' text and of made-up text.
"""
from __future__ import annotations

import random
import re

import pytest

from pipeline.facts import quantities as Q
from tests.extract.built import page_texts

# The pattern as it was written before (the oracle), from the module's unchanged pieces.
_AR = r"(?:\d{1,3}(?:,\d{3}(?!\d))+|\d+)(?:\.\d+)?"
_CN = rf"(?:[{Q._CNd}]|{Q._MULT})(?:[{Q._CNd}几]|{Q._MULT})*(?:点[{Q._CNd}]+{Q._MULT}*)?"
_NUM = (rf"(?:{_AR}(?:{Q._SP}(?:[多余]?{Q._MULT}+|个多?亿))?"
        rf"|{_CN}(?![{Q._CNd}])(?:[多余]{Q._MULT}+|个多?亿)?)(?:多|余(?!额))?")
AS_FIRST_WRITTEN = re.compile(
    rf"""
    (?=[{Q._STARTS}])
    (?:
      (?P<fan>翻了?(?P<fan_n>[一两二三四])?番)
    | (?P<pw>百分之(?P<pw_n>{_AR}|[{Q._CNd}十百点几]+))
    | (?P<cur>人民币|美元|港元|港币|欧元|日元|英镑)?
      (?<![\d.])
      (?P<lead1>[上数几])?(?P<n1>{_NUM})(?:{Q._SP}(?P<u1>{Q._UNIT}))?
      (?:(?P<sep>[至到~\-—–])(?P<lead2>[上数几])?(?P<n2>{_NUM})(?:{Q._SP}(?P<u2>{Q._UNIT}))?)?
      (?(u1)|(?(u2)|(?(cur)|(?:(?<=[万萬亿億十拾百佰千仟])|(?<=[万萬亿億十拾百佰千仟][多余])))))
    )
    """,
    re.X,
)


def _at_every_position(pattern: re.Pattern, text: str) -> list:
    out = []
    for pos in range(len(text)):
        m = pattern.match(text, pos)
        out.append(None if m is None else (m.span(), m.groupdict()))
    return out


def _made_up(rnd: random.Random, n: int) -> list[str]:
    """Runs of the characters and words a figure is made of, in any order: digits with commas and
    points, Chinese numerals, multipliers, 多/余/个, units, currencies, range marks, and other text."""
    pieces = (list("0123456789,.,. ") + list(Q._CNd) + list("十拾百佰千仟万萬亿億几多余个点上数第翻番了")
              + ["百分之", "人民币", "美元", "港币", "元", "万元", "亿元", "%", "个百分点", "吨", "千瓦", "千米",
                 "倍", "成", "家", "年", "月", "至", "到", "-", "~", "额", "分", "，", "增长", "约", "以上", "A"])
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 14))) for _ in range(n)]


@pytest.mark.parametrize("source", ["bundled pages", "made-up text"])
def test_the_candidate_pattern_matches_as_the_pattern_first_written(source):
    if source == "bundled pages":
        texts = [Q.to_halfwidth(re.sub(r"<[^>]*>", "", html)) for html in page_texts()]
        assert len(texts) >= 60
    else:
        texts = [Q.to_halfwidth(t) for t in _made_up(random.Random(11), 20000)]
    matched = 0
    for text in texts:
        new, old = _at_every_position(Q._QTY, text), _at_every_position(AS_FIRST_WRITTEN, text)
        assert new == old, text[:120]
        matched += sum(m is not None for m in new)
    assert matched > 1000  # not two patterns that never match (the bundled pages alone give 1,600 matches)


def test_the_last_group_of_a_candidate_tells_its_branch():
    """_judge reads the branch off ``lastgroup``: fan and pw are closed last in their branches, and
    a number's branch never closes either."""
    texts = [Q.to_halfwidth(re.sub(r"<[^>]*>", "", html)) for html in page_texts()]
    texts += [Q.to_halfwidth(t) for t in _made_up(random.Random(12), 5000)] + ["翻一番", "翻了两番", "百分之十二点九"]
    seen = {"fan": 0, "pw": 0, None: 0}
    for text in texts:
        for m in Q._QTY.finditer(text):
            branch = "fan" if m.group("fan") else "pw" if m.group("pw") else None
            assert (m.lastgroup if m.lastgroup in ("fan", "pw") else None) == branch, m.group()
            seen[branch] += 1
    assert min(seen.values()) > 0
