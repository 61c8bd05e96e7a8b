"""The spaCy components: registered when a pipeline is built, sentences the fact reader agrees with."""
from __future__ import annotations

import subprocess
import sys

import pytest
import spacy

from pipeline.nlp.components import register_components
from pipeline.nlp.language import get_nlp
from pipeline.nlp.tokenizer import JiebaTokenizer
from pipeline.text import sentence_spans
from tests.conftest import REPO

TRICKY = [
    "今年第一季度，鄞州主要经济指标增长稳健。财政总收入128.4亿元，增长12.9%！“好。”他说？\n下一段",
    "等等……还有。完了。……再说【完。】下面",
    "A.  B? C!D  \n\n  E 。  F",
    "  前导空格。\r\n换行\t制表\u3000全角空格。 结尾 ",
    "没有句号的一段",
]


def test_components_are_not_registered_by_importing_them():
    code = ("from spacy.language import Language\n"
            "import pipeline.nlp.components, pipeline.page\n"
            "print(Language.has_factory('zh_sentences'), Language.has_factory('newsfacts_facts'))\n"
            "from pipeline.nlp.components import register_components\n"
            "register_components()\n"
            "print(Language.has_factory('zh_sentences'), Language.has_factory('newsfacts_facts'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.stdout.split() == ["False", "False", "True", "True"], done.stderr


def test_pipeline_declares_what_each_component_adds():
    analysis = get_nlp().analyze_pipes()
    assert analysis["summary"]["zh_sentences"]["assigns"] == ["token.is_sent_start", "doc._.sentence_spans"]
    assert analysis["summary"]["newsfacts_facts"]["requires"] == ["doc._.sentence_spans"]
    assert "doc._.economic" in analysis["summary"]["newsfacts_facts"]["assigns"]
    assert analysis["problems"] == {"zh_sentences": [], "newsfacts_facts": []}


@pytest.mark.parametrize("text", TRICKY)
def test_doc_sentences_are_the_sentences_of_the_text(text):
    """zh_sentences and the fact reader draw the same lines (the reader takes the doc's spans)."""
    doc = get_nlp()(text)
    assert doc._.sentence_spans == sentence_spans(text)
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [text[a:b].strip() for a, b in doc._.sentence_spans]
    assert not any(s[0].is_space for s in list(doc.sents)[1:])  # no sentence after the first starts with white space


def test_the_fact_reader_reads_the_sentences_the_component_drew():
    # A blank pipeline whose sentence component draws one sentence per line only: the facts'
    # sentences follow it, so the facts component does not split sentences of its own.
    register_components()
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, get_nlp().tokenizer.segmenter)

    def by_lines(doc):
        text = doc.text
        doc._.sentence_spans = [(0, len(text))]
        return doc

    spacy.language.Language.component("test_one_sentence", func=by_lines)
    nlp.add_pipe("test_one_sentence")
    nlp.add_pipe("newsfacts_facts")
    text = "全区实现财政总收入128.4亿元。完成工业投资50亿元。"
    doc = nlp(text)
    assert len(doc._.facts) == 2 and {f.sentence for f in doc._.facts} == {text}
    assert [f.sentence for f in get_nlp()(text)._.facts] == ["全区实现财政总收入128.4亿元。", "完成工业投资50亿元。"]
