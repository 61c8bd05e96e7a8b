"""The spaCy zh pipeline: blank, jieba segmenter, Chinese sentence splitting, user dictionary."""
from __future__ import annotations

import jieba

from pipeline.nlp import get_nlp, load_user_dicts


def test_blank_zh_with_jieba_and_sentences():
    nlp = get_nlp()
    assert nlp.lang == "zh" and nlp.tokenizer.segmenter == "jieba"
    assert nlp.pipe_names == ["zh_sentences"]
    doc = nlp("今年第一季度，鄞州主要经济指标增长稳健。财政总收入128.4亿元，增长12.9%！“好。”他说？\n下一段")
    assert [s.text for s in doc.sents] == [
        "今年第一季度，鄞州主要经济指标增长稳健。", "财政总收入128.4亿元，增长12.9%！", "“好。”", "他说？\n", "下一段"]


def test_pipeline_is_built_once_per_process():
    assert get_nlp() is get_nlp()


def test_user_dictionary_keeps_economic_terms_whole():
    tokens = [t.text for t in get_nlp()("实现规模以上工业增加值186.4亿元，计划总投资21.9亿元，装机容量60兆瓦")]
    for term in ("规模以上工业增加值", "计划总投资", "装机容量", "兆瓦"):
        assert term in tokens


def test_extra_user_dictionary(tmp_path):
    word = "甬江科创走廊"
    assert word not in jieba.lcut(f"建设{word}的目标")
    d = tmp_path / "mine.txt"
    d.write_text(f"{word} 1000 n\n", encoding="utf-8")
    assert load_user_dicts([d, tmp_path / "missing.txt"]) == [d]
    assert word in [t.text for t in get_nlp()(f"建设{word}的目标")]
