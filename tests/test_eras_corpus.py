"""The CLI on corpora/eras: pages written in the layouts of every era (2004-2007 portals with
<br> bodies in tables, a page-wide ASP form, a 2012 government page, dailies and finance pages with
chrome inside the article container, an app account page, a page with no date), scored against
their hand-written gold: metadata, bodies, and no fact from chrome."""
from __future__ import annotations

import json

import pytest

from pipeline.evaluate import evaluate
from tests.conftest import REPO, run_cli

PAGES = REPO / "corpora" / "eras"
GOLD = REPO / "corpora" / "gold" / "eras.jsonl"


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    from pipeline.store.export import load_outputs

    out = tmp_path_factory.mktemp("eras-out")
    proc = run_cli("run", str(PAGES), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "pages skipped: 0" in proc.stdout + proc.stderr
    return load_outputs(out)


def test_every_page_of_every_era_is_read(gold, tables):
    assert sorted(tables["articles"]["location"]) == sorted(g["location"] for g in gold)


def test_metadata_and_bodies_match_the_gold(gold, tables):
    report = evaluate(gold, tables)
    for name in ("title", "published_at", "source_name", "authors", "editor"):
        assert report.metadata[name] >= 0.95, (name, report.metadata_errors)
    assert report.body_f1 >= 0.99


def test_no_fact_from_tickers_lists_or_counters(gold, tables):
    arts = tables["articles"].set_index("location")
    facts = tables["facts"]
    for g in gold:
        raw = set(facts.loc[facts["article_id"] == arts.loc[g["location"], "article_id"], "raw_text"])
        assert not raw & set(g["negatives"]), (g["location"], raw & set(g["negatives"]))
        content = arts.loc[g["location"], "content"]
        for negative in g["negatives"]:
            if negative not in g["article"]["content"]:
                assert negative not in content, (g["location"], negative)


def test_facts_on_the_era_pages(gold, tables):
    report = evaluate(gold, tables)
    assert report.facts["strict"]["all"]["gold"] >= 80
    assert report.facts["strict"]["all"]["f1"] >= 0.85, report.misses + report.false_facts
    assert report.facts["loose"]["all"]["f1"] >= 0.95
