"""The spaCy zh pipeline: blank, jieba segmenter, Chinese sentence splitting, user dictionary."""
from __future__ import annotations

import dataclasses

import jieba

from pipeline.config import default_settings
from pipeline.nlp.language import get_nlp
from pipeline.nlp.segmenter import load_user_dicts


def test_blank_zh_with_jieba_and_sentences():
    nlp = get_nlp()
    assert nlp.lang == "zh"
    jieba_only = dataclasses.replace(default_settings().segment, fast=False)
    assert get_nlp(jieba_only).tokenizer.segmenter is jieba.dt  # jieba itself, or jieba's tokens faster
    assert type(nlp.tokenizer.segmenter).__name__ in ("FastJieba", "Tokenizer")
    assert nlp.pipe_names == ["zh_sentences", "newsfacts_facts"]
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


def test_facts_are_spans_on_the_doc_for_displacy():
    from spacy import displacy

    text = "由区委主要领导联系的奥克斯智能空调项目，计划总投资21.9亿元，投产后计划年产700万套智能空调。鄞州区实现财政总收入128.4亿元，增长12.9%。"
    doc = get_nlp()(text, component_cfg={"newsfacts_facts": {"published_at": "2017-05-15"}})
    labels = {(s.text, s.label_) for s in doc.spans["facts"]}
    assert {("21.9亿元", "MONEY"), ("700万套", "QUANTITY"), ("12.9%", "PERCENT"), ("128.4亿元", "MONEY"),
            ("奥克斯智能空调项目", "PROJECT"), ("鄞州区", "GPE")} <= labels
    assert [f.fact_type for f in doc._.facts] == ["investment", "capacity", "indicator", "percentage"]
    assert doc._.projects[0].name == "奥克斯智能空调项目"
    html = displacy.render(doc, style="span", options={"spans_key": "facts"})
    assert "MONEY" in html and "奥克斯" in html


def test_public_extract_facts_goes_through_spacy():
    import pipeline

    facts = pipeline.extract_facts("今年第一季度，全区实现进出口总额297亿元，增长27.3%。", published_at="2017-05-15T17:32:00+08:00")
    assert [(f.fact_type, f.subject, f.period) for f in facts] == [
        ("indicator", "进出口总额", "2017-Q1"), ("percentage", "进出口总额", "2017-Q1")]


def test_a_run_reads_the_same_facts_without_the_span_group():
    text = "奥克斯智能空调项目计划总投资21.9亿元，投产后计划年产700万套智能空调。全县实现财政总收入128.4亿元，增长12.9%。"
    nlp = get_nlp()
    with_spans = nlp(text, component_cfg={"newsfacts_facts": {"published_at": "2017-05-15"}})
    without = nlp(text, component_cfg={"newsfacts_facts": {"published_at": "2017-05-15", "spans": False}})
    assert without._.facts == with_spans._.facts and without._.projects == with_spans._.projects
    assert len(with_spans._.facts) == 4 and len(with_spans.spans["facts"]) >= 4
    assert "facts" not in without.spans
