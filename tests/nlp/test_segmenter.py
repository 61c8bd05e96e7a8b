"""The fast segmenter gives jieba's tokens, and the linear tokenizer spaCy's Doc."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import jieba
import pytest
import spacy

from pipeline.config import default_settings
from pipeline.nlp.language import get_nlp
from pipeline.nlp.segmenter import FastJieba, block_is_safe
from pipeline.nlp.tokenizer import words_and_spaces

ROOT = Path(__file__).resolve().parents[2]

TRICKY = [
    "1-4月，全市实现工业增加值1.2.3亿元；V2.0.1版；C919；A&B；12%3；5_6；.5；%增长",
    "  前导空格与  两个空格\r\n换行\n\n双换行\t制表\u3000全角空格 结尾 ",
    "㐀扩展区汉字𠀀与鄞州区，Ｆｕｌｌ－ｗｉｄｔｈ１２３４，全角数字２０１７年",
    "2017年1-3月份，增长12.9%，同比提高0.5个百分点；总投资21.9亿元（其中一期8.6亿元）",
    "",
    "。",
    "abc DEF 123 4.5 6% 7.8%",
]


def _bodies() -> list[str]:
    from pipeline.errors import Skip
    from pipeline.extract.article import extract_article
    from pipeline.read.files import iter_raw_pages

    settings = default_settings()
    out = []
    for raw in iter_raw_pages([str(ROOT / "corpora" / "samples")], settings.input.max_page_bytes):
        if isinstance(raw, Skip):
            continue
        try:
            out.append(extract_article(raw.body, raw.url, location=raw.location, settings=settings).content)
        except Skip:
            pass
    return out


@pytest.fixture(scope="module")
def fast():
    get_nlp()  # loads the shipped user dictionary into jieba (and the mirror)
    return FastJieba()


def test_fast_tokens_equal_jieba_on_the_bundled_corpus(fast):
    bodies = _bodies()
    assert len(bodies) >= 40
    different = [b[:40] for b in bodies if fast.cut(b) != jieba.lcut(b)]
    assert different == []
    assert fast.blocks > 1000 and fast.fallback_blocks < fast.blocks / 10  # the fast path does the work


@pytest.mark.parametrize("text", TRICKY)
def test_fast_tokens_equal_jieba_on_tricky_text(fast, text):
    assert fast.cut(text) == jieba.lcut(text)


def test_fast_tokens_equal_jieba_on_the_reference_page(fast):
    seed = ROOT.parent / "shared" / "seed"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed.glob("*")) if p.suffix in (".txt", ".md", ".json", ".jsonl")]
    if not texts:
        pytest.skip("../shared/seed is not here")
    for text in texts:
        assert fast.cut(text) == jieba.lcut(text)


REWEIGH = r"""
import jieba, sys
from pipeline.nlp.language import get_nlp
from pipeline.nlp.segmenter import FastJieba, load_user_dicts
get_nlp()
load_user_dicts([sys.argv[1]])
fast = FastJieba()
texts = [line for line in open(sys.argv[2], encoding="utf-8").read().split("\n---\n")]
bad = [t[:30] for t in texts if fast.cut(t) != jieba.lcut(t)]
assert not bad, bad
assert "新材料产业园" in fast.cut("建设新材料产业园")
print("ok", len(texts))
"""


def test_reweighted_user_words_keep_tokens_equal(tmp_path):
    # Words jieba already knows, given other frequencies: jieba and rjieba total them differently,
    # and the total enters every path score.  In a subprocess: this changes jieba's global dictionary.
    import subprocess
    import sys

    jieba.initialize()
    common = sorted(((f, w) for w, f in jieba.dt.FREQ.items()), reverse=True)[:40]  # 的 了 是 在 ...
    d = tmp_path / "reweigh.txt"
    # common words listed again with their own frequencies (jieba's total grows by ~18%, rjieba's would not)
    d.write_text("".join(f"{w} {f}\n" for f, w in common)
                 + "经济 5\n增长 900000\n项目 3\n新材料产业园 2000 n\n新材料产业园 2500 n\n", encoding="utf-8")
    texts = tmp_path / "texts.txt"
    texts.write_text("\n---\n".join(["全市经济增长较快，新材料产业园项目投资增长12.9%。", *TRICKY, *_bodies()]),
                     encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", REWEIGH, str(d), str(texts)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok")


def test_unsafe_blocks_are_recognised():
    assert not block_is_safe("1-4月") and not block_is_safe("1_4") and not block_is_safe("1.2.3")
    assert block_is_safe("增长12.9%") and block_is_safe("C919大飞机") and block_is_safe("鄞州区")


@pytest.mark.parametrize("text", TRICKY + ["今年第一季度，鄞州主要经济指标增长稳健。\n 下一段 ", "  "])
@pytest.mark.parametrize("fast_path", [True, False])
def test_linear_tokenizer_makes_spacys_doc(text, fast_path):
    ours = get_nlp(dataclasses.replace(default_settings().segment, fast=fast_path)).make_doc(text)
    reference = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}).make_doc(text)
    assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in reference]
    assert ours.text == text


def test_words_that_do_not_tile_the_text_are_refused():
    with pytest.raises(ValueError, match="do not tile"):
        words_and_spaces(["增长"], "增长率")
