"""The notebooks of notebooks/: they run headless on a fresh run of the corpus, their jupytext
.py twins are in sync, the committed .ipynb carry no outputs, and a chart whose font lacks a
glyph fails instead of drawing empty boxes.

Needs the `notebooks` extra, which `make test` installs; without it the imports below fail loudly
(a notebook test that skips itself would hide a broken install).
"""
from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import ipykernel  # noqa: F401,E402  (the kernel the notebooks run in)
import jupytext  # noqa: E402
import nbclient  # noqa: F401,E402
import nbformat  # noqa: E402
import noto_cjk_sans_otc  # noqa: F401,E402  (the CJK font the charts use)
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_overview", "02_evidence", "03_extend"]
sys.path.insert(0, str(NOTEBOOKS))
import build_report  # noqa: E402
import nbsupport  # noqa: E402


def test_every_notebook_is_listed():
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) == NAMES
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.py")) == NAMES


@pytest.fixture(scope="module")
def executed(corpus_run) -> dict:
    """name -> (executed notebook or the error, seconds), filled as the tests ask."""
    return {}


def _execute(executed: dict, corpus_run, name: str):
    if name not in executed:
        from nbclient.exceptions import CellExecutionError

        start = time.monotonic()
        try:
            result = build_report.execute_notebook(NOTEBOOKS / f"{name}.ipynb", corpus_run[0], timeout=180)
        except CellExecutionError as exc:
            result = exc
        executed[name] = (result, time.monotonic() - start)
    result, seconds = executed[name]
    if isinstance(result, Exception):
        pytest.fail(f"{name}.ipynb failed after {seconds:.0f} s:\n{result}", pytrace=False)
    return result


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_a_fresh_run(name, executed, corpus_run):
    nb = _execute(executed, corpus_run, name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was not executed"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    # the tables were read from the fresh run, not from outputs/
    assert any(str(corpus_run[0]) in o.get("text", "") for c in code for o in c.outputs), "OUTPUTS not used"


def test_overview_draws_its_charts_with_the_packaged_font(executed, corpus_run):
    nb = _execute(executed, corpus_run, "01_overview")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4, f"{len(images)} charts"
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Noto Sans CJK" in printed


def test_evidence_highlights_escaped_text(executed, corpus_run):
    nb = _execute(executed, corpus_run, "02_evidence")
    htmls = ["".join(o["data"]["text/html"]) for c in nb.cells if c.cell_type == "code"
             for o in c.outputs if "text/html" in o.get("data", {})]
    spans = [h for h in htmls if 'class="spans"' in h]
    assert spans, "no displacy span rendering"
    assert "<script" not in "".join(spans).lower()


def test_report_export(executed, corpus_run):
    nb = _execute(executed, corpus_run, "01_overview")
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
