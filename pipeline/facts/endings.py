"""Words and patterns looked up at the end of a text, without searching the whole text.

The fact readers ask, again and again, whether a short text ends with one of a list of words (a
name extended to the left stops at 的, 在, 我市 ...) or take a pattern anchored at the end off it
(…和, …同比, 今年以来).  A regex search tries every word at every position of the text; these
look at its last characters first, and most texts end otherwise.
"""
from __future__ import annotations

import re


class StopWords:
    """Words at which a name stops when it is extended to the left, found as the end of a text.

    The name is extended one character at a time, and each step asks whether the text before it
    ends with a stop word: a set lookup of its last one to four characters, after a test of its
    last character, costs less than a regex search of the window.

    >>> stop = StopWords("在|我市")
    >>> stop.ends("在我市", 0, 3), stop.ends("在我市", 0, 2), stop.ends("智能空调", 0, 4)
    (True, False, False)
    """

    def __init__(self, words: str) -> None:
        self.words = frozenset(words.split("|"))
        self.last = frozenset(w[-1] for w in self.words)
        self.longest = max(len(w) for w in self.words)

    def ends(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` ends with one of the words."""
        if end <= start or text[end - 1] not in self.last:
            return False
        for k in range(1, min(self.longest, end - start) + 1):
            if text[end - k : end] in self.words:
                return True
        return False


class TailPattern:
    """A pattern that matches only at the end of a text (``(…)+$``), taken off a text with
    :meth:`strip`; ``last`` holds every character a match of it can end with.

    Most texts end otherwise, and are returned as they are without the search, which would try
    each of the pattern's words at every position of the text.

    >>> dangling = tail_words("和|的|可能")
    >>> dangling.strip("工业总产值和"), dangling.strip("奥克斯项目"), dangling.strip("销售收入可能的")
    ('工业总产值', '奥克斯项目', '销售收入')
    """

    def __init__(self, pattern: str, last: str) -> None:
        self.regex = re.compile(pattern)
        self.last = frozenset(last)

    def strip(self, text: str) -> str:
        """``text`` without what the pattern matches at its end."""
        if not text or (text[-1] not in self.last and text[-1] != "\n"):  # $ also matches before a last \n
            return text
        return self.regex.sub("", text)


def tail_words(words: str, repeated: bool = True) -> TailPattern:
    """The TailPattern of ``|``-separated words at a text's end: one or more of them, or exactly one."""
    return TailPattern("(?:" + words + (")+$" if repeated else ")$"), "".join(w[-1] for w in words.split("|")))
