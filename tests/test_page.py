"""The per-page function: the stages in order, the same result with or without settings given."""
from __future__ import annotations

import dataclasses

import pytest

from pipeline.config import default_settings, load_settings
from pipeline.errors import Skip
from pipeline.page import process_page, process_pages, safe_process
from pipeline.records import RawPage

PAGE = ("<html><head><meta charset='utf-8'><title>鄞州项目开工</title></head><body><h1>鄞州项目开工</h1>"
        "<div class='content'><p>由区委主要领导联系的奥克斯智能空调项目传来好消息，该项目计划总投资21.9亿元，"
        "投产后计划年产700万套智能空调，实现规模以上工业增加值186.4亿元。</p></div></body></html>").encode("utf-8")


def test_without_settings_the_shipped_settings_are_used_user_dictionary_included():
    raw = RawPage(location="a.html", body=PAGE)
    result = process_page(raw)
    assert result == process_page(raw, default_settings())
    assert "计划总投资" in result.article.tokens and "规模以上工业增加值" in result.article.tokens  # economy.txt
    assert [(f.fact_type, f.value) for f in result.facts][:2] == [("investment", 2190000000.0), ("capacity", 7000000.0)]
    assert result.signature and result.content_sha1


def test_settings_reach_every_stage(tmp_path):
    raw = RawPage(location="a.html", body=PAGE)
    config = tmp_path / "c.toml"
    config.write_text('[dedupe]\nnum_perm = 64\n[sites."x.cn"]\nbody = "p"\n', encoding="utf-8")
    settings = load_settings(config)
    assert len(process_page(raw, settings).signature) == 64 * 4  # the signature stage read [dedupe]
    segment = dataclasses.replace(settings.segment, fast=False)  # jieba only: the same tokens
    assert process_page(raw, dataclasses.replace(settings, segment=segment)).article.tokens == \
        process_page(raw, settings).article.tokens


def test_pages_of_one_article_are_joined_in_order():
    first = RawPage(location="a.html", body=PAGE, url="http://x.cn/a/0086.shtml")
    second = RawPage(location="a_2.html", body=PAGE.replace("鄞州".encode(), "宁波".encode()))
    joined = process_pages([first, second])
    assert joined.article.content.count("\n") == 1 and "joined_pages" in joined.article.flags
    assert joined.article.location == "a.html"


def test_a_page_without_an_article_is_a_skip_naming_it():
    with pytest.raises(Skip, match="empty_body"):
        process_page(RawPage(location="menu.html", body="<html><body><a href=x>首页</a></body></html>".encode()))
    assert safe_process(RawPage("menu.html", b"<html></html>"), default_settings()).location == "menu.html"
