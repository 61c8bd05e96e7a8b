"""The CLI on corpora/constructions: pages written for the constructions of real news (anaphora,
investor vs project, lists, periods, units, ranges, Traditional script, non-economic stories),
scored against their hand-written gold."""
from __future__ import annotations

import json

import pytest

from pipeline.evaluate import evaluate
from pipeline.facts.places import gazetteer
from tests.conftest import REPO, run_cli

PAGES = REPO / "corpora" / "constructions"
GOLD = REPO / "corpora" / "gold" / "constructions.jsonl"


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    from pipeline.store.export import load_outputs

    out = tmp_path_factory.mktemp("constructions-out")
    proc = run_cli("run", str(PAGES), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return load_outputs(out)


def test_every_construction_page_is_read(gold, tables):
    assert sorted(tables["articles"]["location"]) == sorted(g["location"] for g in gold)


def test_facts_meet_the_bar_on_the_construction_pages(gold, tables):
    report = evaluate(gold, tables)
    assert report.facts["strict"]["all"]["gold"] >= 50
    assert report.facts["strict"]["all"]["f1"] >= 0.95, report.misses + report.false_facts
    assert report.facts["loose"]["all"]["f1"] >= 0.95


def test_non_economic_stories_are_marked_and_give_no_facts(gold, tables):
    arts = tables["articles"].set_index("location")
    facts = tables["facts"]
    for g in gold:
        row = arts.loc[g["location"]]
        assert bool(row["economic"]) is g["article"]["economic"], g["location"]
        if not g["article"]["economic"]:
            assert (facts["article_id"] == row["article_id"]).sum() == 0, g["location"]


def test_negatives_give_no_fact(gold, tables):
    arts = tables["articles"].set_index("location")
    facts = tables["facts"]
    for g in gold:
        raw = set(facts.loc[facts["article_id"] == arts.loc[g["location"], "article_id"], "raw_text"])
        assert not raw & set(g["negatives"]), (g["location"], raw & set(g["negatives"]))


def test_regions_are_places_with_their_codes(tables):
    facts = tables["facts"]
    regions = facts["region"].dropna().unique()
    assert len(regions) > 0
    for name in regions:
        assert gazetteer().places(name), name  # every region cell is a place of the gazetteer
    coded = facts.dropna(subset=["region_code"])
    assert set(coded.loc[coded["region"] == "德清县", "region_code"]) == {"330521"}
    assert coded["region_code"].str.fullmatch(r"\d{6}").all()


def test_traditional_page_keeps_its_own_characters(tables):
    arts = tables["articles"].set_index("location")
    facts = tables["facts"]
    own = facts[facts["article_id"] == arts.loc["hk-portal/20191120-qianhai.html", "article_id"]]
    assert "港幣15億元" in set(own["raw_text"])
    assert any("項目" in s for s in own["subject"].dropna())
