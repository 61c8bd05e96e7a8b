"""The two spaCy components of the pipeline, and :func:`register_components`, which makes them
known to spaCy when a pipeline is built (:func:`pipeline.nlp.language.build_nlp`).

``zh_sentences`` (assigns ``token.is_sent_start`` and ``doc._.sentence_spans``) draws the
sentence boundaries of :func:`pipeline.text.sentence_spans`: after 。！？ and their closing
quotes, and at line breaks.

``newsfacts_facts`` (assigns ``doc._.economic``, ``doc._.facts``, ``doc._.projects`` and
``doc.spans["facts"]``) judges whether the text is economic news
(:func:`pipeline.facts.relevance.is_economic`) and, if it is, reads the facts of those sentences
with the fact reader, :func:`pipeline.facts.reader.extract`.  The span group (its token bounds
from :func:`pipeline.facts.spans.fact_spans`) is for displacy
(``displacy.render(doc, style="span", options={"spans_key": "facts"})``):

* MONEY, PERCENT, QUANTITY: the figure of each fact (21.9亿元, 12.9%, 700万套);
* PROJECT, ORG, GPE: the projects, companies and places the facts are linked to.

The publication date, which turns 今年第一季度 into 2017-Q1, is passed per call:
``nlp(text, component_cfg={"newsfacts_facts": {"published_at": "2017-05-15"}})``.  A run passes
``"spans": False`` as well: it reads the facts off ``doc._.facts`` and has no use for the span
group, which costs about 0.17 ms per page of ~100 KB (the token bounds and the Spans).

spaCy is imported inside the functions (see :mod:`pipeline.nlp.tokenizer`).
"""
from __future__ import annotations

import bisect

import numpy

from pipeline.facts.reader import extract
from pipeline.facts.relevance import is_economic
from pipeline.facts.script import restore, simplified
from pipeline.facts.spans import fact_spans
from pipeline.nlp.tokenizer import doc_text, token_texts
from pipeline.text import sentence_spans

DOC_EXTENSIONS = ("economic", "facts", "projects", "sentence_spans")


def register_components() -> None:
    """Make ``zh_sentences`` and ``newsfacts_facts`` known to spaCy and add the Doc extensions
    they fill (once per process; ``nlp.add_pipe`` then finds them by name)."""
    from spacy.language import Language  # spaCy loads when a pipeline is built
    from spacy.tokens import Doc

    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Language.has_factory("zh_sentences"):
        Language.component("zh_sentences", assigns=["token.is_sent_start", "doc._.sentence_spans"],
                           func=zh_sentences)
    if not Language.has_factory("newsfacts_facts"):
        Language.factory("newsfacts_facts", requires=["doc._.sentence_spans"],
                         assigns=["doc._.economic", "doc._.facts", "doc._.projects", "doc.spans"],
                         func=make_facts_component)


# --------------------------------------------------------------------------- sentences


def zh_sentences(doc):
    """Sentence starts at the sentences of :func:`pipeline.text.sentence_spans`, kept as
    ``doc._.sentence_spans`` for the fact reader.

    A sentence starts at the first token of its span that is not white space.  The starts are
    written with ``from_array``: setting ``is_sent_start`` token by token costs more than the
    segmentation itself.
    """
    from spacy.attrs import IDX, SENT_START  # spaCy loads when a pipeline is built

    if len(doc) == 0:
        doc._.sentence_spans = []
        return doc
    texts = token_texts(doc)
    spans = sentence_spans(doc_text(doc, texts))
    token_starts = doc.to_array(IDX).tolist()
    starts = numpy.full(len(doc), numpy.uint64(0xFFFFFFFFFFFFFFFF), dtype="uint64")  # -1: not a start
    starts[0] = 1
    for a, _ in spans[1:]:
        i = bisect.bisect_left(token_starts, a)  # a token holding a's character starts before it
        while i < len(texts) and texts[i].isspace():
            i += 1
        if i < len(texts):
            starts[i] = 1
    doc.from_array([SENT_START], starts.reshape(-1, 1))
    doc._.sentence_spans = spans
    return doc


# --------------------------------------------------------------------------- facts


class FactsComponent:
    """Runs the fact reader over a Doc whose sentences are set."""

    def __init__(self, nlp, name: str):
        self.name = name

    def __call__(self, doc, published_at: str | None = None, spans: bool = True):
        from spacy.attrs import IDX  # spaCy loads when a pipeline is built
        from spacy.tokens import Span

        text = doc_text(doc)
        read = simplified(text)  # Traditional pages are read in Simplified, at the same offsets
        doc._.economic = is_economic(read)
        # char offset of each token: word edges for the reader, span lookups by bisection
        starts = doc.to_array(IDX).tolist() if doc._.economic or spans else []
        facts, projects = (extract(read, published_at, sentences=doc._.sentence_spans, word_starts=starts)
                           if doc._.economic else ([], []))
        facts, projects = restore(text, read, facts, projects)
        doc._.facts = facts
        doc._.projects = projects
        if spans:  # (the triples come sorted: cheaper than sorting Spans by their label_)
            found = fact_spans(text, starts, facts, projects)
            doc.spans["facts"] = [Span(doc, a, b, label=label) for a, b, label in found]
        return doc


def make_facts_component(nlp, name: str) -> FactsComponent:
    return FactsComponent(nlp, name)
