"""The class counts of a page's text made in C (pipeline/extract/_chars.c) are those numpy makes
(pipeline/extract/mojibake.py), on every bundled and development page and on texts made to be
hard: Latin-1 and GBK mojibake, garbage markers, astral characters, lone surrogates, runs cut by
ASCII, the sample's edge."""
from __future__ import annotations

import random

import pytest

from pipeline.extract import mojibake
from tests.extract.built import built_extension, page_texts

PIECES = ["联镇村促发展", "ä¸­æ–‡", "锟斤拷", "烫烫", "屯屯屯", "涓浗缁忔祹", "é", "\xa0\xa0", "a", " ", "<p>", "𠀀",
          "\ud800", "\udc00", "\u20ac\u2030", "\ufffd", "€", "©®"]


@pytest.fixture(scope="module")
def in_c():
    return built_extension("_chars")


def _texts() -> list[str]:
    texts = page_texts()
    rng = random.Random(3)
    texts += ["", "abc", *PIECES]
    texts += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(500)]
    # around the end of the sample Han and rare Han are counted for
    edge = mojibake._MOJIBAKE_SAMPLE
    texts += ["a" * (edge - k) + "涓浗联镇" for k in range(-1, 4)]
    return texts


def test_the_counts_in_c_are_those_of_numpy(in_c, monkeypatch):
    texts = _texts()
    assert len(texts) >= 550  # the bundled pages alone give 75, the made texts 523
    by_numpy = [mojibake.class_counts(text) for text in texts]
    monkeypatch.setattr(mojibake, "COUNTER_IN_C", in_c)
    assert [mojibake.class_counts(text) for text in texts] == by_numpy
    assert any(counts[1] for counts in by_numpy) and any(counts[0] for counts in by_numpy)


def test_mojibake_signs_are_the_same_with_the_counts_in_c(in_c, monkeypatch):
    texts = ["本报讯 锟斤拷锟斤拷", "ä¸­æ–‡ç½‘", "涓浗缁忔祹澧為暱锛屾姇璧勯」鐩", "中国经济增长，投资项目开工。", "café crème"]
    expected = [mojibake.mojibake_signs(text) for text in texts]
    monkeypatch.setattr(mojibake, "COUNTER_IN_C", in_c)
    assert [mojibake.mojibake_signs(text) for text in texts] == expected
    assert expected[:4] == [["marker:锟斤拷"], ["utf8_as_latin1"], ["utf8_as_gbk"], []]


def test_the_counts_in_c_refuse_a_class_table_of_another_size(in_c):
    with pytest.raises(ValueError, match="0x10001 entries"):
        in_c.counts("文", b"\0" * 100, 10, (32, 16, 4, 8))
