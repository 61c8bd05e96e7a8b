"""Pages in Traditional characters (Hong Kong, Macau, Taiwan) read with the same rules.

The fact rules are written in Simplified characters.  A Traditional text is converted with
OpenCC's ``t2s`` tables (a maintained, standard mapping) and read; the facts then get their
strings back from the text as written, at the same offsets.  That works because the conversion
keeps every character in place; where it would not (a phrase converted to one of another
length), the text is read as written.
"""
from __future__ import annotations

import functools
from dataclasses import replace

import opencc

from pipeline.records import Fact, Project


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")  # built once per process


def simplified(text: str) -> str:
    """``text`` in Simplified characters, character for character; ``text`` itself when it has
    nothing to convert or the conversion would move characters.

    >>> simplified("前海物流中心項目總投資港幣15億元")
    '前海物流中心项目总投资港币15亿元'
    >>> s = "全市实现地区生产总值520亿元"
    >>> simplified(s) is s
    True
    """
    if text.isascii():
        return text
    converted = _converter().convert(text)
    if converted == text or len(converted) != len(text):
        return text
    return converted


def restore(original: str, read: str, facts: list[Fact], projects: list[Project]) -> tuple[list[Fact], list[Project]]:
    """Facts and projects read from ``read`` (the Simplified text) with their strings taken back
    from ``original`` at the same offsets: the table shows what the page wrote."""
    if read is original:
        return facts, projects

    def back(piece: str | None, near: int = 0) -> str | None:
        if not piece:
            return piece
        at = read.find(piece, near)
        if at < 0:
            at = read.find(piece)
        return original[at : at + len(piece)] if at >= 0 else piece

    restored = []
    starts: dict[str, int] = {}  # where each sentence is first found: a sentence has several facts
    for f in facts:
        sentence_start = starts.get(f.sentence)
        if sentence_start is None:
            sentence_start = starts[f.sentence] = read.find(f.sentence) if f.sentence else -1
        near = max(sentence_start, 0)
        raw_text = original[f.char_start : f.char_end]
        sentence = original[sentence_start : sentence_start + len(f.sentence)] if sentence_start >= 0 else f.sentence
        subject, metric, product, region = (back(f.subject, near), back(f.metric, near), back(f.product, near),
                                            back(f.region, near))
        if (raw_text, sentence, subject, metric, product, region) == (f.raw_text, f.sentence, f.subject, f.metric,
                                                                      f.product, f.region):
            restored.append(f)  # a fact whose words have nothing Traditional (most): no copy to make
        else:
            restored.append(replace(f, raw_text=raw_text, sentence=sentence, subject=subject, metric=metric,
                                    product=product, region=region))
    kept = []
    for p in projects:
        name, company, region, status = back(p.name), back(p.company), back(p.region), back(p.status)
        same = (name, company, region, status) == (p.name, p.company, p.region, p.status)
        kept.append(p if same else replace(p, name=name, company=company, region=region, status=status))  # type: ignore[arg-type]
    return restored, kept
