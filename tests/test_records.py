"""Records survive the trip to and from worker processes (pickle) unchanged."""
from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from pipeline.records import Article, Fact, PageResult, Project, RawPage, new_fact, new_project


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


@pytest.mark.parametrize("cls, maker", [(Fact, new_fact), (Project, new_project)])
def test_a_maker_takes_the_arguments_of_its_class_and_makes_the_same_record(cls, maker):
    """new_fact and new_project set the slots themselves: the same parameters (names, order,
    defaults) as the class's __init__, and an equal record, field by field, for distinct values."""
    init = inspect.signature(cls)
    made = inspect.signature(maker)
    assert [(p.name, p.default) for p in made.parameters.values()] == \
        [(p.name, p.default) for p in init.parameters.values()]
    assert not hasattr(cls, "__post_init__")  # a maker skips __init__: it may do nothing more
    values = {f.name: f"value of {f.name}" for f in dataclasses.fields(cls)}  # each field its own value
    record = maker(**values)
    assert type(record) is cls and record == cls(**values)
    assert all(getattr(record, name) == value for name, value in values.items())
    required = [p.name for p in init.parameters.values() if p.default is inspect.Parameter.empty]
    assert maker(*[values[n] for n in required]) == cls(*[values[n] for n in required])  # the defaults
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, required[0], "changed")


def test_facts_and_projects_are_unpickled_through_their_makers():
    fact = Fact("percentage", 12.9, "%", "12.9%", 3, 8, subject="财政总收入", direction="up")
    data = pickle.dumps(fact)
    assert b"new_fact" in data and pickle.loads(data) == fact
    project = Project(2, "某某项目", company="某某公司")
    assert b"new_project" in pickle.dumps(project) and pickle.loads(pickle.dumps(project)) == project
