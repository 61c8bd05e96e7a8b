"""Han characters and sentence boundaries: one definition for every stage."""
from __future__ import annotations

import re

import pytest

from pipeline.text import HAN_RE, count_han, is_han, sentence_spans


@pytest.mark.parametrize("ch, han", [
    ("鄞", True), ("㐀", True), ("𠀀", True), ("鿕", True), ("豈", True),  # unified, ext A, ext B, late, compatibility
    ("䷀", False), ("。", False), ("Ａ", False), ("a", False), ("1", False), ("々", False), ("ー", False),
])
def test_what_is_a_han_character(ch, han):
    assert is_han(ch) is han
    assert bool(HAN_RE.fullmatch(ch)) is han
    assert count_han(ch) == int(han)


def test_the_stages_use_the_one_definition():
    """No module writes its own range of Han characters."""
    from pathlib import Path

    import pipeline

    package = Path(pipeline.__file__).parent
    pattern = re.compile(r"\\u3400|\\u4e00|\\u9fff|\\u9fa5|\\U00020000|\"\\u3400\"|'\\u3400'")
    found = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
             if p.name != "text.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


def spans(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("增长12.9%。好！真的？", ["增长12.9%。", "好！", "真的？"]),
    ("他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]),  # closing quotes stay with their sentence
    ("等等……还有。", ["等等……还有。"]),  # an ellipsis alone ends no sentence
    ("完了。……再说", ["完了。……", "再说"]),  # but continues the run of an end
    ("【完。】下面", ["【完。", "】下面"]),  # 】 is no closer: it opens nothing in news text
    ("第一行\n\n第二行\n", ["第一行", "第二行"]),
    ("A. B? C!D", ["A. B?", " C!", "D"]),
    ("  \n \n", []),
    ("", []),
])
def test_sentence_spans(text, expected):
    assert spans(text) == expected
