"""Records survive the trip to and from worker processes (pickle) unchanged."""
from __future__ import annotations

import pickle

import pytest

from pipeline.records import Article, Fact, PageResult, Project, RawPage


@pytest.mark.parametrize("tokens", [(), ("计划", "总投资", "21.9", "亿元"), ("a b", "c"), ("", "c"), ("",)])
def test_article_round_trips_whatever_its_tokens(tokens):
    article = Article(location="a/b.html", url="http://x.cn/a.html", title="标题", content="正文", tokens=tokens,
                      authors=("张三",), flags=("joined_pages",))
    back = pickle.loads(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == article and back.tokens == tokens and back.article_id == article.article_id


def test_page_result_round_trips():
    fact = Fact("investment", 2.19e9, "CNY", "21.9亿元", 10, 16, sentence="计划总投资21.9亿元", project=1)
    result = PageResult(article=Article(location="x", content="计划总投资21.9亿元", tokens=("计划总投资", "21.9", "亿元")),
                        facts=(fact,), projects=(Project(1, "奥克斯智能空调项目"),), signature=b"\x01\x02",
                        content_sha1="abc")
    assert pickle.loads(pickle.dumps(result)) == result
    raw = RawPage(location="x.html", body=b"<html>", url=None, content_type="text/html")
    assert pickle.loads(pickle.dumps(raw)) == raw
