"""The text behind the exact-duplicate hash and the shingles: NFKC, then no whitespace or
punctuation.  The one-pass translation used for most texts must give exactly that, or stored
hashes would stop matching new ones."""
from __future__ import annotations

import json
import random
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline import records
from pipeline.records import normalize_for_hash

ROOT = Path(__file__).resolve().parent.parent


def reference(text: str) -> str:
    """The definition, written out: NFKC of the whole text, then whitespace and punctuation deleted."""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if not (c.isspace() or unicodedata.category(c).startswith("P")))


def _second_of_a_composition() -> set[int]:
    """Characters that NFC may join to the character before them: the second of every canonical
    two-character decomposition, and the Hangul vowel and final jamo (composed by rule)."""
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for point in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(point))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(int(parts[1], 16))
    return seconds


def test_every_character_of_the_one_pass_class_is_normalized_on_its_own():
    seconds = _second_of_a_composition()
    characterwise = records._CHARACTERWISE_NFKC
    wrong = []
    for point in range(sys.maxunicode + 1):
        c = chr(point)
        if not characterwise.fullmatch(c):
            continue
        first = unicodedata.normalize("NFKD", c)[0]
        if unicodedata.combining(c) or unicodedata.combining(first) or ord(first) in seconds or point in seconds:
            wrong.append(f"U+{point:04X}")
    assert not wrong, f"characters whose NFKC depends on the one before: {wrong[:20]}"
    assert characterwise.fullmatch("奥克斯智能空调项目计划总投资21.9亿元，增长12.9%。\n𠀀（一）①ＡＢ　")


# Characters that NFKC changes, joins or reorders, and plain ones.
_PLAIN = "投资项目亿元增长好 ,.，。、；：（）【】“”《》　\u3000\xa0\t\n0123456789abcXYZ%％"
_TRICKY = ("\u0301\u0308\u0323\u0338\u302a\u302b\u3099\u309a\uff9e\uff9f\u1161\u11a8\u314e\u314f\uac00"
           "\u1100\ufb01\u2460\u3251\u00bd\u2474\u00e9\u212b\ufe50\uff0c\u2025\u0e4d\u0e32\u0b47\u0b3e\u0915\u093c"
           "\U0001d15e\U00020000\U0002f800\ud7a3")


@pytest.mark.parametrize("seed", range(4))
def test_one_pass_and_whole_text_normalization_agree_on_random_texts(seed):
    rng = random.Random(seed)
    for _ in range(2000):
        pool = _PLAIN + (_TRICKY if rng.random() < 0.5 else "")
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert normalize_for_hash(text) == reference(text), ascii(text)


def _bodies() -> list[str]:
    out = []
    for gold in sorted((ROOT / "corpora" / "gold").glob("*.jsonl")):
        for line in gold.read_text(encoding="utf-8").splitlines():
            if line.strip():
                content = (json.loads(line).get("article") or {}).get("content")
                if content:
                    out.append(content)
    return out


def test_one_pass_normalization_agrees_on_the_bundled_bodies():
    bodies = _bodies()
    assert len(bodies) >= 40
    assert sum(bool(records._CHARACTERWISE_NFKC.fullmatch(b)) for b in bodies) >= len(bodies) * 0.9  # the fast way
    for body in bodies:
        assert normalize_for_hash(body) == reference(body)
