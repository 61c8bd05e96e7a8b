"""The fact reader's shortcuts (``reader.FAST_PATH``) change no fact and no project.

With the shortcuts off, every sentence is read in full (also those without a figure or a mention
word, and those after the last figure) and each sentence's regions are searched in the sentence
itself rather than read off the article's.  Both ways must give equal facts and projects, field
for field, on the bundled pages, on generated benchmark pages and on texts made to hit the edges
of each shortcut.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline.config import default_settings
from pipeline.errors import Skip
from pipeline.facts import mentions as mt
from pipeline.facts import reader
from pipeline.facts.script import simplified
from pipeline.nlp.language import get_nlp
from pipeline.page import extract as extract_article_of
from pipeline.read.files import iter_raw_pages

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ("corpora/samples", "corpora/constructions", "corpora/eras", "corpora/realistic")


def _articles(folder: Path) -> list:
    settings = default_settings()
    out = []
    for raw in iter_raw_pages([folder], settings.input.max_page_bytes):
        if isinstance(raw, Skip):
            continue
        try:
            out.append(extract_article_of([raw], settings))
        except Skip:
            continue
    return out


def _inputs(articles: list) -> list[tuple[str, str | None, list, list[int]]]:
    """(text as read, publication date, sentences, word starts): what the spaCy component hands
    the reader."""
    from spacy.attrs import IDX  # spaCy loads with the pipeline

    nlp = get_nlp()
    sentences = nlp.get_pipe("zh_sentences")
    out = []
    for article in articles:
        doc = sentences(nlp.make_doc(article.content))
        out.append((simplified(doc.text), article.published_at, doc._.sentence_spans, doc.to_array(IDX).tolist()))
    return out


def _both_ways(monkeypatch, text, published=None, sentences=None, word_starts=None):
    fast = reader.extract(text, published, sentences=sentences, word_starts=word_starts)
    with monkeypatch.context() as m:
        m.setattr(reader, "FAST_PATH", False)
        slow = reader.extract(text, published, sentences=sentences, word_starts=word_starts)
    return fast, slow


@pytest.fixture(scope="module")
def bundled_inputs():
    return _inputs([a for name in BUNDLED for a in _articles(ROOT / name)])


@pytest.fixture(scope="module")
def benchmark_inputs(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import corpus  # benchmarks/corpus.py: pages of 1,500-3,000 characters, dense with figures
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("bench") / "pages"
    corpus.build_corpus(folder, 40, seed=3)
    return _inputs(_articles(folder))


def test_bundled_pages_read_the_same_both_ways(monkeypatch, bundled_inputs):
    assert len(bundled_inputs) >= 60
    facts = 0
    for text, published, sentences, starts in bundled_inputs:
        fast, slow = _both_ways(monkeypatch, text, published, sentences, starts)
        assert fast == slow, text[:60]
        facts += len(fast[0])
    assert facts > 300  # the pages do have facts to compare


def test_benchmark_pages_read_the_same_both_ways(monkeypatch, benchmark_inputs):
    assert len(benchmark_inputs) == 40
    for text, published, sentences, starts in benchmark_inputs:
        fast, slow = _both_ways(monkeypatch, text, published, sentences, starts)
        assert fast == slow, text[:60]


EDGES = [
    # a sentence without figure or mention word between two that carry the project and the period
    "奥克斯智能空调项目在鄞州区开工。今年一季度，天气晴好。该项目计划总投资21.9亿元。",
    # the period named in a sentence without a figure reaches the figures of the next one
    "2016年上半年。全区实现地区生产总值300亿元，增长8%。",
    # a company named in a sentence without a figure: the next sentence's 公司 points to it
    "宁波圣龙汽车动力系统股份有限公司近日落户。公司计划投资5亿元。",
    # a new paragraph forgets the period; sentences after the last figure
    "今年1-4月，全市规上工业增加值增长8.1%。\n去年全年实现财政总收入128.4亿元。\n这是好消息。宁波市表示欢迎。",
    # regions at the edges of sentences, after a closing quote, at the end of the text
    "“鄞州区实现进出口总额297亿元。”慈溪市实现增长5%。宁波市鄞州区",
    # no figure at all, and an empty text
    "浙东建材集团进军建筑工业化PC构件领域，该项目已经正式启动。",
    "",
]


@pytest.mark.parametrize("text", EDGES)
def test_edge_texts_read_the_same_both_ways(monkeypatch, text):
    fast, slow = _both_ways(monkeypatch, text, "2017-05-15")
    assert fast == slow


def test_sentences_cut_inside_words_read_their_regions_themselves(monkeypatch):
    """Spans that do not start after punctuation (as a caller may pass): a place the article reads
    as part of a longer word (重庆江北区: 江北区 after 庆) starts the sentence cut before it, and is
    found there, as the sentence alone finds it."""
    text = "重庆江北区工业增加值增长8%，鄞州区增长9%"
    cuts = [(0, 2), (2, len(text))]
    fast, slow = _both_ways(monkeypatch, text, None, cuts)
    assert fast == slow
    assert [f.region for f in fast[0]] == ["江北区", "鄞州区"]
    article = tuple(mt.regions_in(text))
    assert [m.text for m in article] == ["鄞州区"]
    assert mt.regions_within(text, article, 2, len(text)) is None


def test_regions_read_off_the_article_are_those_of_the_sentence(bundled_inputs, benchmark_inputs):
    """Every sentence of every page: the regions read off the article's are those the sentence
    alone has; the article's can be used for (nearly) every sentence."""
    used = 0
    for text, _, sentences, _ in bundled_inputs + benchmark_inputs:
        article = tuple(mt.regions_in(text))
        for a, b in sentences:
            within = mt.regions_within(text, article, a, b)
            if within is not None:
                used += 1
                assert within == mt.regions_in(text[a:b]), text[a:b]
    assert used == sum(len(s) for _, _, s, _ in bundled_inputs + benchmark_inputs)


def test_pieces_cut_between_two_han_characters_are_read_themselves():
    text = "鄞州区增长8%，江北区委员会表示"
    article = tuple(mt.regions_in(text))
    assert [m.text for m in article] == ["鄞州区"]  # 江北区委: not the place
    end = text.index("委")
    assert mt.regions_within(text, article, 0, end) is None
    assert [m.text for m in mt.regions_in(text[:end])] == ["鄞州区", "江北区"]
    assert [m.text for m in mt.regions_within(text, article, 0, text.index("，") + 1)] == ["鄞州区"]


def test_mention_words_cover_every_mention_reader():
    """A sentence the shortcut passes over (no MENTION_WORD) has no project, company or venture."""
    for text in ("奥克斯智能空调项目", "重点工程", "宁波建设集团", "恒远电子有限公司", "进军新能源领域",
                 "投资建设光伏产业", "上马化工业务", "沙溪产业园", "精密齿轮生产线"):
        found = mt.projects_in(text, generic=True) + mt.companies_in(text) + mt.ventures_in(text)
        assert found and mt.MENTION_WORD.search(text), text
