"""Patterns matched at one position, skipped where the character there opens no match.

The fact readers ask again and again whether a pattern matches right after a figure (左右, 以上,
级, 大关 ...) or at the start of a short text (该公司, 的4个省份).  Most of the time the character
at that position opens no match, and a regex call (the method looked up, a matching state set up
and torn down, about a thousand machine instructions) costs far more than a set lookup of one
character.  :class:`OpeningPattern` reads once, from the pattern itself (the parse tree of the
``re`` module), which characters can open a match, and calls the regex only at those.
"""
from __future__ import annotations

import importlib
import re
from typing import Any

# The parser of the re module, which re.compile runs too: the tree it returns names each piece of
# a pattern (a literal, a class, a repeat, a branch ...).  Loaded by name: it has no type stubs.
# It is private to re: where it is missing or reads otherwise, no pattern gets an opening, and
# every call goes to the regex (tests/facts/test_openings.py would say so).
try:
    _PARSER: Any = importlib.import_module("re._parser")
except ImportError:
    _PARSER = None


class Opening:
    """The characters that can open a match: some listed, some ranges, and \\d or \\s.

    >>> opening = opening_of(re.compile(r"\\s*(?:左右|以上)?的"))
    >>> sorted(opening.chars), opening.spaces, opening.admits("\\u3000"), opening.admits("元")
    (['以', '左', '的'], True, True, False)
    """

    def __init__(self) -> None:
        self.chars: set[str] = set()
        self.ranges: list[tuple[int, int]] = []
        self.digits = False  # \d: what str.isdecimal says (re reads \d so in str patterns)
        self.spaces = False  # \s: what str.isspace says

    def admits(self, ch: str) -> bool:
        """Whether a match may start with ``ch``."""
        if ch in self.chars:
            return True
        if self.digits and ch.isdecimal() or self.spaces and ch.isspace():
            return True
        code = ord(ch)
        return any(low <= code <= high for low, high in self.ranges)


class _Unknown(Exception):
    """A piece of pattern that any character may open (., [^…], \\w, a back reference ...)."""


def opening_of(regex: re.Pattern) -> Opening | None:
    """The characters that can open a match of ``regex``; None when any may, or when the pattern
    can match the empty text (then every position may match).

    >>> sorted(opening_of(re.compile("(?:大关|关口)")).chars), opening_of(re.compile("[^，]+"))
    (['关', '大'], None)
    >>> opening_of(re.compile("(?:以上)?")) is None, sorted(opening_of(re.compile("^(?!否)(?:该|本)?公司")).chars)
    (True, ['公', '本', '该'])
    """
    if _PARSER is None or not isinstance(regex.pattern, str) or regex.flags & re.IGNORECASE:
        return None
    opening = Opening()
    try:
        if _sequence(list(_PARSER.parse(regex.pattern, regex.flags)), opening):
            return None
    except (_Unknown, AttributeError, TypeError, ValueError):  # (a tree of another shape: no opening)
        return None
    return opening


def _sequence(items: list, opening: Opening) -> bool:
    """Add what can open a match of the pieces in order; True when all of them may match empty."""
    for op, arg in items:
        if not _piece(str(op), arg, opening):
            return False
    return True


def _piece(op: str, arg: Any, opening: Opening) -> bool:
    """Add what can open a match of one piece; True when it may match empty."""
    if op == "LITERAL":
        opening.chars.add(chr(arg))
        return False
    if op == "IN":
        for kind, value in arg:
            _class_member(str(kind), value, opening)
        return False
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        least, _most, inner = arg
        return _sequence(list(inner), opening) or least == 0
    if op == "SUBPATTERN":
        _group, add_flags, _del_flags, inner = arg
        if add_flags & re.IGNORECASE:
            raise _Unknown(op)
        return _sequence(list(inner), opening)
    if op == "ATOMIC_GROUP":
        return _sequence(list(arg), opening)
    if op == "BRANCH":
        # every alternative adds its openers (a list, not any() over a generator, which stops early)
        return any([_sequence(list(alternative), opening) for alternative in arg[1]])
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return True  # no character of its own: the pieces after it open the match
    raise _Unknown(op)


def _class_member(kind: str, value: Any, opening: Opening) -> None:
    if kind == "LITERAL":
        opening.chars.add(chr(value))
    elif kind == "RANGE":
        opening.ranges.append((value[0], value[1]))
    elif kind == "CATEGORY" and str(value) == "CATEGORY_DIGIT":
        opening.digits = True
    elif kind == "CATEGORY" and str(value) == "CATEGORY_SPACE":
        opening.spaces = True
    else:
        raise _Unknown(kind)  # a negated class, \w, \D ...


class OpeningPattern:
    """A compiled pattern whose :meth:`match` first looks at the character at the position.

    >>> after = OpeningPattern(r"左右|以上")
    >>> after.match("5亿元以上", 3).group(), after.match("5亿元，", 3), after.match("5亿元", 3)
    ('以上', None, None)
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        self.pattern = self.regex.pattern
        self.opening = opening_of(self.regex)

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        """``regex.match(text, pos)``, without the call where the character at ``pos`` opens no match."""
        opening = self.opening
        if opening is not None and pos >= 0:
            if pos >= len(text) or not opening.admits(text[pos]):
                return None  # (a pattern that can match empty has no opening: the regex decides)
        return self.regex.match(text, pos)

    def fullmatch(self, text: str) -> re.Match | None:
        """``regex.fullmatch(text)``, without the call where the text's first character opens no match."""
        opening = self.opening
        if opening is not None and (not text or not opening.admits(text[0])):
            return None
        return self.regex.fullmatch(text)
