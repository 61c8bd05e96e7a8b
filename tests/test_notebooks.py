"""The notebooks of notebooks/: they run headless on fresh runs of two corpora (corpora/samples,
and corpora/realistic: pages without titles, no projects, USD/EUR/HKD amounts, articles with no
facts) and on a run with no facts at all, print no warnings, their jupytext .py twins are in
sync, the committed .ipynb carry no outputs, and a chart whose font lacks a glyph fails instead
of drawing empty boxes.

Needs the `notebooks` extra, which `make test` installs; without it the imports below fail loudly
(a notebook test that skips itself would hide a broken install).
"""
from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import duckdb  # noqa: F401,E402  (notebook 04_sql)
import ipykernel  # noqa: F401,E402  (the kernel the notebooks run in)
import jupytext  # noqa: E402
import nbclient  # noqa: F401,E402
import nbformat  # noqa: E402
import noto_cjk_sans_otc  # noqa: F401,E402  (the CJK font the charts use)
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_overview", "02_evidence", "03_extend", "04_sql"]
REALISTIC = NOTEBOOKS.parent / "corpora" / "realistic"
sys.path.insert(0, str(NOTEBOOKS))
import build_report  # noqa: E402
import nbsupport  # noqa: E402

from tests.conftest import run_cli  # noqa: E402


def test_every_notebook_is_listed():
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) == NAMES
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.py")) == NAMES


@pytest.fixture(scope="session")
def realistic_run(tmp_path_factory) -> tuple[Path, object]:
    """`newsfacts run corpora/realistic --out OUT`, once per test session."""
    out = tmp_path_factory.mktemp("realistic-out")
    proc = run_cli("run", str(REALISTIC), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.fixture(scope="session")
def zero_facts_run(tmp_path_factory) -> tuple[Path, object]:
    """A run of one non-economic page: one article, no facts, no projects, no duplicates."""
    pages = tmp_path_factory.mktemp("zero-facts-in")
    page = REALISTIC / "school-news" / "2023-05-12-sports.html"
    (pages / page.name).write_bytes(page.read_bytes())
    out = tmp_path_factory.mktemp("zero-facts-out")
    proc = run_cli("run", str(pages), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.fixture(scope="session")
def partitioned_run(tmp_path_factory) -> tuple[Path, object]:
    """The realistic corpus written as a dataset partitioned by month (a large output's layout)."""
    out = tmp_path_factory.mktemp("partitioned-out")
    config = out.parent / "partitioned.toml"
    config.write_text("[output]\npartition_above_articles = 0\n", encoding="utf-8")
    proc = run_cli("run", str(REALISTIC), "--out", str(out), "-c", str(config))
    assert proc.returncode == 0, proc.stderr
    assert list(out.glob("facts/month=*/facts.parquet")) and not (out / "facts.parquet").exists()
    return out, proc


@pytest.fixture(scope="module")
def executed() -> dict:
    """(corpus, name) -> (executed notebook or the error, seconds), filled as the tests ask."""
    return {}


@pytest.fixture
def runs(request) -> dict:
    """The outputs folder of each corpus, made only when a test asks for it."""
    fixtures = {"samples": "corpus_run", "realistic": "realistic_run", "zero_facts": "zero_facts_run",
                "partitioned": "partitioned_run"}
    return {corpus: (lambda f=fixture: request.getfixturevalue(f)[0]) for corpus, fixture in fixtures.items()}


def _execute(executed: dict, runs: dict, name: str, corpus: str = "samples"):
    if (corpus, name) not in executed:
        from nbclient.exceptions import CellExecutionError

        out = runs[corpus]()
        start = time.monotonic()
        try:
            result = build_report.execute_notebook(NOTEBOOKS / f"{name}.ipynb", out, timeout=180)
        except CellExecutionError as exc:
            result = exc
        executed[corpus, name] = (result, time.monotonic() - start, out)
    result, seconds, _ = executed[corpus, name]
    if isinstance(result, Exception):
        pytest.fail(f"{name}.ipynb on {corpus} failed after {seconds:.0f} s:\n{result}", pytrace=False)
    return result


def _printed(nb, stream: str = "stdout") -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream" and o.get("name") == stream)


@pytest.mark.parametrize("corpus", ["samples", "realistic", "zero_facts"])
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_a_fresh_run(name, corpus, executed, runs):
    nb = _execute(executed, runs, name, corpus)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was not executed"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    # the tables were read from the fresh run, not from outputs/
    assert str(executed[corpus, name][2]) in _printed(nb), "OUTPUTS not used"
    # no pandas or matplotlib warning printed into the report
    assert not _printed(nb, "stderr").strip(), _printed(nb, "stderr")[:2000]


@pytest.mark.parametrize("name", ["01_overview", "04_sql"])
def test_notebook_reads_a_partitioned_output_as_the_snapshot(name, executed, runs):
    """A large output is one folder per month: the notebooks print what they print on the same
    pages written as one file per table."""
    parted = _execute(executed, runs, name, "partitioned")
    whole = _execute(executed, runs, name, "realistic")
    strip = lambda nb: _printed(nb).replace(str(executed["partitioned", name][2]), "OUT").replace(  # noqa: E731
        str(executed["realistic", name][2]), "OUT")
    assert strip(parted) == strip(whole)


def test_realistic_run_is_what_the_corpus_promises(realistic_run):
    """The second corpus keeps the cases the notebooks must survive."""
    from pipeline.store.export import load_outputs

    tables = load_outputs(realistic_run[0])
    articles, facts = tables["articles"], tables["facts"]
    assert articles["title"].isna().any() and len(tables["projects"]) == 0
    assert {"USD", "EUR", "HKD", "CNY"} <= set(facts["unit"])
    assert (~articles["economic"]).sum() >= 1 and len(tables["duplicates"]) >= 1
    assert not set(articles.loc[~articles["economic"], "article_id"]) & set(facts["article_id"])


def test_notebooks_say_what_a_run_lacks(executed, runs):
    overview = _printed(_execute(executed, runs, "01_overview", "realistic"))
    assert "no projects in this run" in overview and "have no title" in overview
    assert "no chart of the largest projects" in overview
    for name in ("01_overview", "02_evidence"):
        assert "no facts in this run" in _printed(_execute(executed, runs, name, "zero_facts"))


def test_foreign_money_is_converted_and_said(executed, runs):
    """On the sample corpus the money charts convert USD/EUR/HKD and say at which dated rates."""
    nb = _execute(executed, runs, "01_overview")
    sources = "".join(c.source for c in nb.cells)
    assert "rate_note()" in sources
    rates = nbsupport.rates()
    assert {"USD", "EUR", "HKD"} <= set(rates.index) and rates["date"].notna().all()
    assert "2024-12-31" in nbsupport.rate_note()
    yi, converted = nbsupport.to_cny_yi([1e8, 1e8, 5.0], ["CNY", "USD", "吨"])
    assert yi.iloc[0] == 1.0 and yi.iloc[1] == rates.at["USD", "cny_per_unit"] and yi.isna().iloc[2]
    assert list(converted) == [False, True, False]


def test_published_at_as_text_or_datetime():
    import pandas as pd

    text = pd.Series(["2018-08-22T07:20:00+08:00", "2006-08-21", None])
    typed = pd.to_datetime(pd.Series(["2018-08-22T07:20:00+08:00", "2006-08-21T00:00:00+08:00", None]),
                           format="ISO8601", utc=True).dt.tz_convert("Asia/Shanghai")
    for values in (text, typed):
        got = nbsupport.published_datetime(values)
        assert str(got.dt.tz) == "Asia/Shanghai"
        assert got.dt.strftime("%Y-%m-%d %H:%M").tolist()[:2] == ["2018-08-22 07:20", "2006-08-21 00:00"]
        assert got.isna().iloc[2]
    assert nbsupport.published_precision(text).tolist() == ["minute", "day", None]
    assert nbsupport.region_code_text([330212, "330212", 330212.0, None]).tolist() == ["330212"] * 3 + [None]


def test_bar_labels_are_project_names():
    assert nbsupport.short_label("有限公司高端车载镜头项目", "宁波明瞳光学科技有限公司") == "明瞳光学·高端车载镜头项目"
    assert len(nbsupport.short_label("有限公司舟山液化天然气（LNG）接收站二期工程", "浙江东海能源有限公司")) <= 16
    assert nbsupport.is_batch("20个重大产业项目") and nbsupport.is_batch("“十大项目") and nbsupport.is_batch("签约项目")
    assert not nbsupport.is_batch("苍南1号海上风电项目") and not nbsupport.is_batch("年产20万吨高性能玻璃纤维项目")


def test_overview_draws_its_charts_with_the_packaged_font(executed, runs):
    nb = _execute(executed, runs, "01_overview")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 8, f"{len(images)} charts"
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Noto Sans CJK" in printed


@pytest.mark.parametrize("corpus", ["samples", "realistic"])
def test_evidence_highlights_escaped_text(executed, runs, corpus):
    nb = _execute(executed, runs, "02_evidence", corpus)
    htmls = ["".join(o["data"]["text/html"]) for c in nb.cells if c.cell_type == "code"
             for o in c.outputs if "text/html" in o.get("data", {})]
    spans = [h for h in htmls if 'class="spans"' in h]
    assert spans, "no displacy span rendering"
    assert "<script" not in "".join(spans).lower()


def test_report_embeds_the_cjk_font():
    """The report pages carry the packaged font, subset to their characters: no empty boxes in a
    browser without a CJK system font (seen in headless Chromium before the font was embedded)."""
    css = build_report.cjk_font_css("<p>北仑港航物流 abc</p>")
    assert "@font-face" in css and "data:font/woff;base64," in css and '"newsfacts CJK", system-ui' in css
    assert build_report.cjk_font_css("<p>ascii only</p>") == ""
    page = build_report.with_cjk_font("<html><head><title>t</title></head><body>宁波</body></html>")
    assert page.index("@font-face") < page.index("</head>")


def test_sql_answers_like_pandas(executed, runs):
    nb = _execute(executed, runs, "04_sql")
    sources = "".join(c.source for c in nb.cells)
    assert "read_parquet" in sources and "SQL and pandas disagree" in sources
    htmls = "".join("".join(o["data"]["text/html"]) for c in nb.cells if c.cell_type == "code"
                    for o in c.outputs if "text/html" in o.get("data", {}))
    assert "金港石化乙烯及下游深加工一体化项目" in htmls  # the largest project, as in 01


def test_report_export(executed, runs):
    nb = _execute(executed, runs, "01_overview")
    page = build_report.to_html(nb)
    assert page.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page


@pytest.mark.parametrize("name", NAMES)
def test_py_twin_in_sync(name):
    """`jupytext --sync` was run: the .py gives the same cells as the .ipynb."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    twin = jupytext.read(NOTEBOOKS / f"{name}.py")
    assert nb.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"

    def cells(notebook):
        return [(c.cell_type, c.source.strip(), c.metadata.get("tags", [])) for c in notebook.cells]

    assert cells(nb) == cells(twin), f"run `jupytext --sync notebooks/{name}.ipynb`"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code), "strip the outputs before committing"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "NEWSFACTS_OUTPUTS" in tagged[0].source and '"../outputs"' in tagged[0].source


def test_missing_glyph_is_an_error():
    """A character the font lacks (an Extension B ideograph of the corpus) fails the chart."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with warnings.catch_warnings(), matplotlib.rc_context():
        family = nbsupport.use_cjk_font()
        assert family.startswith("Noto Sans CJK")
        fig, ax = plt.subplots()
        ax.set_title("投资额（亿元）")
        fig.canvas.draw()  # the Chinese of the charts is in the font
        ax.set_title("王\U00020000")
        with pytest.raises(UserWarning, match="Glyph 131072 .* missing"):
            fig.canvas.draw()
        plt.close(fig)


def test_font_is_the_packaged_file():
    from matplotlib import font_manager

    path = nbsupport.cjk_font_path()
    assert path.suffix in {".otf", ".ttf", ".ttc", ".otc"} and path.stat().st_size > 5_000_000
    assert "site-packages" in path.parts or "dist-packages" in path.parts
    font_manager.fontManager.addfont(str(path))
    assert any(Path(f.fname) == path and f.name.startswith("Noto Sans CJK") for f in font_manager.fontManager.ttflist)


def test_outputs_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSFACTS_OUTPUTS", str(tmp_path))
    assert nbsupport.outputs_dir("../outputs") == tmp_path.resolve()
    monkeypatch.delenv("NEWSFACTS_OUTPUTS")
    assert nbsupport.outputs_dir("somewhere") == (Path.cwd() / "somewhere").resolve()
