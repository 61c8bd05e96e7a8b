"""The scoring rule of SCHEMA: type and unit equal, value to 1e-6, subject containing a gold spelling."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.evaluate import evaluate, load_gold


def tables(facts: list[dict], dup_of: str | None = None) -> dict:
    arts = pd.DataFrame([
        {"article_id": "a1", "location": "x.html", "title": "鄞州", "published_at": "2017-05-15", "source_name": "宁波日报",
         "authors": "王博;杨磊", "editor": "赖小惠", "content": "计划总投资21.9亿元", "duplicate_of": None},
        {"article_id": "a2", "location": "y.html", "title": "转载", "published_at": "2017-05-16", "source_name": None,
         "authors": "", "editor": None, "content": "计划总投资21.9亿元", "duplicate_of": dup_of},
    ])
    fx = pd.DataFrame([{"article_id": "a1", **f} for f in facts], columns=["article_id", "fact_type", "subject", "value", "unit"])
    dups = pd.DataFrame([{"article_id": "a2", "duplicate_of": dup_of, "method": "near", "similarity": 0.8}] if dup_of else [],
                        columns=["article_id", "duplicate_of", "method", "similarity"])
    return {"articles": arts, "facts": fx, "duplicates": dups, "projects": pd.DataFrame()}


GOLD = [
    {"location": "x.html", "article": {"title": "鄞州", "published_at": "2017-05-15", "source_name": "宁波日报",
                                       "authors": ["王博", "杨磊"], "editor": "赖小惠", "content": "计划总投资21.9亿元"},
     "facts": [{"fact_type": "investment", "subject": ["奥克斯智能空调项目", "奥克斯"], "value": 2190000000, "unit": "CNY"}]},
    {"location": "y.html", "duplicate_of": "x.html", "article": {"title": "转载"}, "facts": []},
]


@pytest.mark.parametrize("pred, strict, loose", [
    ({"fact_type": "investment", "subject": "奥克斯智能空调项目", "value": 2190000000.001, "unit": "CNY"}, 1, 1),
    ({"fact_type": "investment", "subject": "宁波奥克斯集团", "value": 2.19e9, "unit": "CNY"}, 1, 1),
    ({"fact_type": "investment", "subject": "浙东建材集团", "value": 2.19e9, "unit": "CNY"}, 0, 1),
    ({"fact_type": "investment", "subject": "奥克斯", "value": 2.19e9, "unit": "USD"}, 0, 0),
    ({"fact_type": "indicator", "subject": "奥克斯", "value": 2.19e9, "unit": "CNY"}, 0, 0),
    ({"fact_type": "investment", "subject": "奥克斯", "value": 2.2e9, "unit": "CNY"}, 0, 0),
    ({"fact_type": "investment", "subject": None, "value": 2.19e9, "unit": "CNY"}, 0, 1),
])
def test_matching_rule(pred, strict, loose):
    report = evaluate(GOLD, tables([pred], dup_of="a1"))
    assert report.facts["strict"]["investment"]["tp"] == strict
    assert report.facts["loose"]["investment"]["tp"] == loose
    assert len(report.misses) == 1 - strict and len(report.false_facts) == 1 - strict


def test_a_gold_fact_is_matched_once():
    pred = {"fact_type": "investment", "subject": "奥克斯", "value": 2.19e9, "unit": "CNY"}
    report = evaluate(GOLD, tables([pred, pred], dup_of="a1"))
    assert report.facts["strict"]["investment"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1, "pred": 2, "gold": 1}


def test_metadata_body_and_duplicates():
    report = evaluate(GOLD, tables([], dup_of="a1"))
    assert report.metadata == {"title": 1.0, "published_at": 1.0, "source_name": 1.0, "authors": 1.0, "editor": 1.0}
    assert report.body_f1 == 1.0
    assert report.duplicates["precision"] == report.duplicates["recall"] == 1.0
    missed = evaluate(GOLD, tables([], dup_of=None))
    assert missed.duplicates["recall"] == 0.0 and missed.duplicate_errors == [{"pair": ["y.html", "x.html"], "kind": "missed"}]


def test_bad_gold_line_is_named(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text('{"location": "a"}\n{broken\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"g.jsonl:2"):
        load_gold(f)
