"""What every stage agrees on about Chinese text: which characters are Han, where sentences end.

One definition each, so that the body finder, the metadata parsers, the fact rules and the
spaCy sentence component can never draw different lines.
"""
from __future__ import annotations

import re

# Han ideographs: the unified block and extension A, the compatibility block, and the
# supplementary planes (extensions B to H, GB18030's four-byte characters such as 𠀀).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN}]")
HAN_RUN_RE = re.compile(f"[{HAN}]+")
_NOT_HAN_RUN = re.compile(f"[^{HAN}]+")


def is_han(text: str) -> bool:
    """Whether ``text`` is one or more Han characters and nothing else.

    >>> is_han("鄞州"), is_han("𠀀"), is_han("鄞州区2"), is_han(""), is_han("䷀")
    (True, True, False, False, False)
    """
    return HAN_RUN_RE.fullmatch(text) is not None


def count_han(text: str) -> int:
    """How many Han characters ``text`` holds (without a string per character).

    >>> count_han("2018年，鄞州区GDP增长8%")
    6
    """
    return len(_NOT_HAN_RUN.sub("", text))


# A sentence ends after a run of 。！？!? (an ellipsis … may continue the run) and the closing
# quotes and brackets that follow it, or at a line break.  An ellipsis alone ends no sentence:
# news writes 等等…… in the middle of one.
SENTENCE_END = "。！？!?"
SENTENCE_CLOSERS = "”’」』）)"
_SENTENCE_RE = re.compile(
    f"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}][{SENTENCE_END}…]*[{SENTENCE_CLOSERS}]*|\n|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, line breaks and blank sentences left out.

    The spaCy sentence component (``pipeline.nlp.components``) and the fact reader both use
    these spans.

    >>> text = "财政总收入128.4亿元，增长12.9%。“好。”\\n下一段……还在这一句。【完】"
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['财政总收入128.4亿元，增长12.9%。', '“好。”', '下一段……还在这一句。', '【完】']
    """
    spans = []
    for m in _SENTENCE_RE.finditer(text):
        a, b = m.span()
        while b > a and text[b - 1] == "\n":
            b -= 1
        if b > a and not text[a:b].isspace():
            spans.append((a, b))
    return spans
