"""A page's rows are the same whether the state store or a Dask worker makes them (one definition)."""
from __future__ import annotations

from pipeline.config import default_settings
from pipeline.engines.dask import dataset_rows
from pipeline.page import process_page
from pipeline.records import Fact, PageResult, Project, RawPage
from pipeline.store.state import Store
from tests.conftest import SAMPLES


def stored_rows(tmp_path, result: PageResult) -> dict[str, list[dict]]:
    with Store(tmp_path / "state.sqlite", default_settings().dedupe) as store:
        store.put(result, "run-1")
        store.assign_duplicates()
        return {"articles": list(store.iter_articles()), "facts": list(store.iter_facts()),
                "projects": list(store.iter_projects())}


def test_store_and_dataset_rows_agree_on_a_real_page(tmp_path):
    page = next(p for p in sorted(SAMPLES.rglob("*.shtml")))
    result = process_page(RawPage(location=page.name, body=page.read_bytes()))
    assert result.facts and result.projects
    stored, dataset = stored_rows(tmp_path, result), dataset_rows(result)
    for table in ("facts", "projects"):
        assert [{k: v for k, v in row.items() if k != "location"} for row in dataset[table]] == stored[table], table
    article = stored["articles"][0]
    assert {k: article[k] for k in dataset["articles"][0]} == dataset["articles"][0]


def test_project_totals_largest_investment_first_capacity(tmp_path):
    def fact(kind, value, unit, ordinal_project=1, product=None):
        return Fact(kind, value, unit, "x", 0, 1, project=ordinal_project, product=product)

    facts = (fact("capacity", 5.0, "万吨", product="钢"), fact("investment", 2e9, "CNY"), fact("investment", 3e9, "CNY"),
             fact("investment", 3e9, "USD"), fact("capacity", 9.0, "万吨", product="铁"), fact("investment", 9e9, "CNY", 2))
    result = PageResult(article=process_page(RawPage("p.html", next(SAMPLES.rglob("*.shtml")).read_bytes())).article,
                        facts=facts, projects=(Project(1, "甲项目"), Project(2, "乙项目")))
    stored, dataset = stored_rows(tmp_path, result)["projects"], dataset_rows(result)["projects"]
    first = stored[0]
    assert (first["total_investment"], first["currency"]) == (3e9, "CNY")  # the first of the equal largest
    assert (first["capacity"], first["capacity_unit"], first["product"]) == (5.0, "万吨", "钢")
    assert stored[1]["total_investment"] == 9e9 and stored[1]["capacity"] is None
    assert [{k: v for k, v in row.items() if k != "location"} for row in dataset] == stored


def test_project_totals_stay_with_their_own_article(tmp_path):
    """Each article's project 1 gets the facts of that article only (the facts are read per article)."""
    pages = sorted(SAMPLES.rglob("*.shtml"))[:3]
    with Store(tmp_path / "state.sqlite", default_settings().dedupe) as store:
        for i, page in enumerate(pages):
            article = process_page(RawPage(page.name, page.read_bytes())).article
            facts = (Fact("investment", float(i + 1), "CNY", "x", 0, 1, project=1),
                     Fact("capacity", 10.0 * (i + 1), "吨", "x", 2, 3, project=2))
            store.put(PageResult(article=article, facts=facts, projects=(Project(1, "甲项目"), Project(2, "乙项目"))),
                      "run-1")
        store.assign_duplicates()
        rows = list(store.iter_projects())
    by_article: dict = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    assert len(by_article) >= 2 and all(len(r) == 2 for r in by_article.values())  # duplicates have no rows
    for first, second in by_article.values():  # page i: investment i in project 1, capacity 10 * i in project 2
        assert first["capacity"] is None and second["total_investment"] is None
        assert second["capacity"] == 10 * first["total_investment"]
    assert len({first["total_investment"] for first, _ in by_article.values()}) == len(by_article)
