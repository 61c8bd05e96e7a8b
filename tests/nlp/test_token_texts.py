"""token_texts and doc_text: the tokenizer's own words and text while the Doc is as it made it,
read off the Doc otherwise."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.nlp.language import get_nlp
from pipeline.nlp.tokenizer import MADE_FROM, JiebaTokenizer, doc_text, token_texts

TEXTS = [
    "新区今年计划总投资36.5亿元，建设年产12万吨新材料项目。",
    "  前三季度 全县财政总收入  48.2亿元，\n\n增长9.4%。 ",
    "Ａ区  与B区\t合作。\n",
    "",
]


@pytest.fixture(scope="module")
def nlp():
    blank = spacy.blank("zh")
    blank.tokenizer = JiebaTokenizer(blank.vocab, get_nlp().tokenizer.segmenter)
    return blank


@pytest.mark.parametrize("text", TEXTS)
def test_the_tokenizers_words_and_text_are_the_docs(nlp, text):
    doc = nlp.make_doc(text)
    assert MADE_FROM in doc.user_data
    assert token_texts(doc) == [t.text for t in doc]
    assert doc_text(doc) == doc.text == text


@pytest.mark.parametrize("text", TEXTS[:3])
def test_a_doc_changed_after_it_was_made_is_read_off_the_doc(nlp, text):
    doc = nlp.make_doc(text)
    with doc.retokenize() as retokenizer:  # two tokens merged: the tokenizer's word list is stale
        retokenizer.merge(doc[0:2])
    assert token_texts(doc) == [t.text for t in doc]
    assert doc_text(doc) == doc.text


def test_a_doc_made_elsewhere_is_read_off_the_doc(nlp):
    doc = Doc(nlp.vocab, words=["总投资", "12亿元", "，", "增长"], spaces=[False, True, False, False])
    assert MADE_FROM not in doc.user_data
    assert token_texts(doc) == ["总投资", "12亿元", "，", "增长"]
    assert doc_text(doc) == "总投资12亿元 ，增长"
