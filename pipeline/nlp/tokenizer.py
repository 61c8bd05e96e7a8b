"""Text -> spaCy Doc from jieba's words, and the texts of a Doc's tokens without Token objects.

spaCy itself (0.8 s to import) is imported inside the functions that get a Doc or make one: a
Doc exists only once a pipeline is built, and ``import pipeline`` stays fast.
"""
from __future__ import annotations


class JiebaTokenizer:
    """Text -> Doc from jieba's words, as spaCy's Chinese tokenizer makes it, in linear time.

    spaCy's tokenizer aligns each word by searching the rest of the text (quadratic in the
    length); jieba's words tile the text, so the offsets are known.  Whitespace words are
    dropped, one space after a word becomes its trailing space, other whitespace its own
    token: the same Doc as ``spacy.blank("zh")`` with the jieba segmenter (tested).
    """

    def __init__(self, vocab, segmenter):
        self.vocab = vocab
        self.segmenter = segmenter  # anything with jieba's cut(text, cut_all=False)

    def __call__(self, text: str):
        from spacy.tokens import Doc  # spaCy loads when a pipeline is built (0.8 s), not on import

        words, spaces = words_and_spaces(list(self.segmenter.cut(text, cut_all=False)), text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        # the token texts and the text, known here, are read by every later step (token_texts, doc_text)
        doc.user_data[MADE_FROM] = (words, text)
        return doc


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's words and trailing spaces for jieba words that tile ``text``.

    >>> words_and_spaces(["增长", " ", "12.9%", "\\n", "\\n", "好", " "], "增长 12.9%\\n\\n好 ")
    (['增长', '12.9%', '\\n\\n', '好'], [True, False, False, True])
    """
    if sum(map(len, words)) != len(text):
        raise ValueError(f"segmenter words do not tile the text ({len(text)} characters)")
    out, spaces = [], []
    n = len(text)
    pos = done = 0  # pos: start of the current word; done: end of the text already in tokens
    for word in words:
        start, pos = pos, pos + len(word)
        if word.isspace():
            continue
        if start > done:  # whitespace before this word that no trailing space absorbed
            out.append(text[done:start])
            spaces.append(False)
        out.append(word)
        spaces.append(False)
        done = pos
        if pos < n and text[pos] == " ":
            spaces[-1] = True
            done += 1
    if done < n:
        out.append(text[done:])
        spaces.append(False)
    return out, spaces


# Token text by ORTH id: the few thousand word types of news text are looked up once.
_orth_text: dict[int, str] = {}
MADE_FROM = ("newsfacts", "words_and_text")  # Doc.user_data key: (token texts, text) of a Doc made here


def _made_from(doc) -> tuple[list[str], str] | None:
    """The token texts and the text the tokenizer made ``doc`` from, while they are still its own."""
    made = doc.user_data.get(MADE_FROM)
    return made if made is not None and len(made[0]) == len(doc) else None


def token_texts(doc) -> list[str]:
    """The text of every token, without making Token objects (a tenth of the cost).

    Do not change the list: for a Doc of :class:`JiebaTokenizer` it is the tokenizer's own."""
    from spacy.attrs import ORTH  # loaded with spaCy (see the module docstring)

    made = _made_from(doc)
    if made is not None:
        return made[0]
    orths = doc.to_array(ORTH).tolist()
    try:
        return list(map(_orth_text.__getitem__, orths))
    except KeyError:  # a word type not seen yet
        if len(_orth_text) > 500_000:  # numbers make new word types without end
            _orth_text.clear()
        strings = doc.vocab.strings
        for orth in set(orths).difference(_orth_text):
            _orth_text[orth] = strings[orth]
        return list(map(_orth_text.__getitem__, orths))


def doc_text(doc, texts: list[str] | None = None) -> str:
    """``doc.text``, joined from the token texts and trailing-space flags (``Doc.text`` makes a
    Token object for every token on every access).  ``texts``: ``token_texts(doc)`` if at hand."""
    from spacy.attrs import SPACY  # loaded with spaCy (see the module docstring)

    made = _made_from(doc)
    if made is not None:
        return made[1]
    words = token_texts(doc) if texts is None else texts
    spaces = doc.to_array(SPACY)
    if spaces.any():
        words = [w + " " if space else w for w, space in zip(words, spaces.tolist())]
    return "".join(words)
