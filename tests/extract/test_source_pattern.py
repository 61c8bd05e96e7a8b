"""The source-label pattern written with one alternative per label (issue 15, point 2: the regex
engine skips in C the positions no label starts at) finds what the pattern first written with a
group of labels before one value found: the same matches and values, in page text and made-up text.
"""
from __future__ import annotations

import random
import re

from pipeline.extract import metadata as M
from tests.extract.built import page_texts

AS_FIRST_WRITTEN = re.compile(
    rf"(?:稿源|来源|信息来源|文章来源|新闻来源|出处|来源于|发布单位|发布机构)[{M.HSPACE}]*[:：][{M.HSPACE}]*{M._SOURCE_VALUE}"
    rf"|转载自[{M.HSPACE}]*[:：]?[{M.HSPACE}]*{M._SOURCE_VALUE}"
)


def _found(pattern: re.Pattern, text: str) -> list:
    return [(m.span(), next(g for g in m.groups() if g is not None)) for m in pattern.finditer(text)]


def test_the_labels_are_those_first_written():
    assert set(M.SOURCE_LABELS) == {"稿源", "来源", "信息来源", "文章来源", "新闻来源", "出处", "来源于", "发布单位", "发布机构"}


def test_source_labels_one_by_one_find_what_the_group_of_labels_found():
    texts = [re.sub(r"<[^>]*>", "", html) for html in page_texts()]
    assert len(texts) >= 60
    rnd = random.Random(15)
    pieces = ["稿源", "来源", "来源于", "信息来源", "新闻来源", "出处", "发布单位", "转载自", "：", ":", " ", "\u3000",
              "\n", "宁波日报", "记者", "王博", "2017-05-15", "编辑", "（", "|", "浏览", "未来", "以来", "a"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12))) for _ in range(5000)]
    found = 0
    for text in texts:
        expected = _found(AS_FIRST_WRITTEN, text)
        assert _found(M.SOURCE_RE, text) == expected, text[:80]
        found += len(expected)
    assert found > 1000
