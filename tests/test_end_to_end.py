"""The CLI on the bundled corpus, checked table by table against the hand-written gold."""
from __future__ import annotations

import csv
import hashlib

import pandas as pd
import pytest

from pipeline.evaluate import evaluate
from pipeline.tables import TABLES
from tests.conftest import SAMPLES, run_cli

SCHEMA_COLUMNS = {
    "articles": "article_id location url site title original_title published_at source_name authors editor content "
                "tokens n_chars content_sha1 duplicate_of dup_similarity fetched_at economic published_precision".split(),
    "facts": "fact_id article_id fact_type subject project_id metric value value_max unit per product direction "
             "approx region period raw_text sentence char_start char_end region_code confidence".split(),
    "projects": "project_id article_id name company region status total_investment currency capacity "
                "capacity_unit product stage".split(),
    "duplicates": "article_id duplicate_of method similarity".split(),
}


def test_summary_and_exit_code(corpus_run):
    out, proc = corpus_run
    assert proc.returncode == 0
    assert "pages read: 42" in proc.stderr
    assert "pages skipped: 0" in proc.stderr
    assert "duplicates: url 1, exact 1, near 4" in proc.stderr


@pytest.mark.parametrize("name", sorted(SCHEMA_COLUMNS))
def test_tables_have_schema_columns_in_csv_and_parquet(corpus_run, corpus_tables, name):
    out, _ = corpus_run
    assert [c for c, _ in TABLES[name]] == SCHEMA_COLUMNS[name]
    raw = (out / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, strict=True))
    assert rows[0] == SCHEMA_COLUMNS[name]
    assert list(corpus_tables[name].columns) == SCHEMA_COLUMNS[name]
    assert len(rows) - 1 == len(corpus_tables[name])
    assert not any(p.name.startswith(".") and "tmp" in p.name for p in out.iterdir())


def test_metadata_and_duplicates_meet_the_bar(gold_records, corpus_tables):
    report = evaluate(gold_records, corpus_tables)
    assert report.missing_articles == []
    for field in ("title", "published_at", "source_name"):
        assert report.metadata[field] >= 0.95, (field, report.metadata_errors)
    for field in ("authors", "editor"):
        assert report.metadata[field] >= 0.90, (field, report.metadata_errors)
    assert report.body_f1 >= 0.97
    assert report.duplicates["precision"] == 1.0, report.duplicate_errors  # no false merges
    assert report.duplicates["recall"] == 1.0, report.duplicate_errors


def test_bodies_match_gold_paragraphs(gold_records, corpus_tables):
    arts = corpus_tables["articles"].set_index("location")
    for g in gold_records:
        content = arts.loc[g["location"], "content"]
        for paragraph in g["article"]["content"].split("\n"):
            assert content.count(paragraph) == 1, (g["location"], paragraph[:30])


def test_fact_extraction_meets_the_quality_bar(gold_records, corpus_tables):
    """F1 per fact type on the hand-written gold: >= 0.95 on type+value+unit, >= 0.90 with subject."""
    report = evaluate(gold_records, corpus_tables)
    assert report.facts["loose"]["all"]["gold"] >= 300
    for fact_type in ("investment", "capacity", "indicator", "percentage"):
        assert report.facts["loose"][fact_type]["f1"] >= 0.95, (fact_type, report.facts["loose"][fact_type])
        assert report.facts["strict"][fact_type]["f1"] >= 0.90, (fact_type, report.facts["strict"][fact_type])


def test_evaluate_command_lists_scores_and_misses(corpus_run):
    out, _ = corpus_run
    proc = run_cli("evaluate", "--gold", str(SAMPLES.parent / "gold" / "samples.jsonl"), "--pred", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "investment" in proc.stdout and "metadata accuracy" in proc.stdout and "duplicates: precision" in proc.stdout
    js = run_cli("evaluate", "--gold", str(SAMPLES.parent / "gold" / "samples.jsonl"), "--pred", str(out), "--json")
    import json

    data = json.loads(js.stdout)
    assert set(data["facts"]) == {"strict", "loose"} and "misses" in data and "false_facts" in data


def test_fact_evidence_offsets_point_into_content(corpus_tables):
    arts = corpus_tables["articles"].set_index("article_id")
    facts = corpus_tables["facts"]
    assert len(facts) > 200
    for row in facts.itertuples():
        content = arts.loc[row.article_id, "content"]
        assert content[row.char_start:row.char_end] == row.raw_text
        assert row.raw_text in row.sentence
        assert row.fact_id.startswith(row.article_id + "-")


def test_duplicates_keep_their_row_and_get_no_facts(corpus_tables):
    arts, dups, facts = corpus_tables["articles"], corpus_tables["duplicates"], corpus_tables["facts"]
    dup_ids = set(dups["article_id"])
    assert dup_ids <= set(arts["article_id"])
    assert dup_ids.isdisjoint(set(facts["article_id"]))
    assert dup_ids.isdisjoint(set(corpus_tables["projects"]["article_id"]))
    marked = arts[arts["duplicate_of"].notna()]
    assert set(marked["article_id"]) == dup_ids
    assert set(dups["method"]) == {"url", "exact", "near"}
    assert arts["article_id"].is_unique


def test_tokens_column_is_jieba_segmentation(corpus_tables):
    arts = corpus_tables["articles"]
    for row in arts.itertuples():
        tokens = list(row.tokens)
        assert "".join(tokens) == "".join(row.content.split())
    assert any("计划总投资" in list(t) for t in arts["tokens"]), "user dictionary terms stay whole"


def test_same_input_twice_gives_byte_identical_csvs(corpus_run, tmp_path):
    first, _ = corpus_run
    proc = run_cli("run", str(SAMPLES), "--out", str(tmp_path), "-q")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("run", str(SAMPLES), "--out", str(tmp_path), "-q")  # again into the same folder
    assert proc.returncode == 0, proc.stderr
    for name in SCHEMA_COLUMNS:
        a = hashlib.sha1((first / f"{name}.csv").read_bytes()).hexdigest()
        b = hashlib.sha1((tmp_path / f"{name}.csv").read_bytes()).hexdigest()
        assert a == b, name


def test_bundled_warc_gives_the_same_articles_as_the_saved_pages(corpus_tables, tmp_path):
    warc = SAMPLES.parent / "warc" / "ningbo-pages.warc.gz"
    proc = run_cli("run", str(warc), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "pages read: 8" in proc.stderr and "http_status_404 1" in proc.stderr
    from pipeline.store.export import load_outputs

    from_warc = load_outputs(tmp_path)["articles"].set_index("article_id")
    from_files = corpus_tables["articles"].set_index("article_id")
    assert len(from_warc) == 7
    for article_id, row in from_warc.iterrows():
        assert row["location"].startswith("ningbo-pages.warc.gz#")
        assert row["fetched_at"], "the WARC-Date is the fetch time"
        same = from_files.loc[article_id]  # same canonical URL, so same id
        for field in ("title", "published_at", "source_name", "authors", "editor", "content", "url"):
            assert row[field] == same[field] or (pd.isna(row[field]) and pd.isna(same[field])), (article_id, field)


def test_damaged_warc_keeps_the_good_records(tmp_path):
    data = (SAMPLES.parent / "warc" / "ningbo-pages.warc.gz").read_bytes()
    damaged = tmp_path / "in" / "night.warc.gz"
    damaged.parent.mkdir()
    # junk between records, then the file cut in the middle of a later record
    cut = data.index(b"\x1f\x8b\x08", 40000 if len(data) > 40000 else len(data) // 2)
    damaged.write_bytes(data[:cut] + b"JUNK" * 100 + data[cut : cut + (len(data) - cut) // 2])
    proc = run_cli("run", str(damaged.parent), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "reason=warc_error" in proc.stderr and "night.warc.gz#" in proc.stderr
    from pipeline.store.export import load_outputs

    arts = load_outputs(tmp_path / "out")["articles"]
    assert 2 <= len(arts) < 7 and arts["article_id"].is_unique


def test_regions_are_places_of_the_gazetteer_with_codes(corpus_tables):
    from pipeline.facts.places import gazetteer

    facts = corpus_tables["facts"]
    regions = facts["region"].dropna().unique()
    assert len(regions) > 10
    assert [r for r in regions if not gazetteer().places(r)] == []  # never a zone, a noun or a fragment
    coded = facts.dropna(subset=["region_code"])
    assert len(coded) > 0.8 * facts["region"].notna().sum()
    for name, code in coded[["region", "region_code"]].drop_duplicates().itertuples(index=False):
        assert code in {p.code for p in gazetteer().places(name)}, (name, code)
