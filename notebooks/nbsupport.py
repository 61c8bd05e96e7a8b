"""Small helpers shared by the notebooks in this folder.

* ``outputs_dir``: the folder of tables a notebook reads (``NEWSFACTS_OUTPUTS`` wins over the default);
* ``use_cjk_font``: registers the Noto Sans CJK font shipped by the ``noto-cjk-sans-otc`` package
  with matplotlib, by file path (no system font is looked up), and turns matplotlib's
  "Glyph … missing from font(s)" warning into an error, so a chart that would show empty boxes
  instead of Chinese characters fails instead;
* ``show``: draws a figure, renders it to PNG (where a missing glyph raises) and displays it;
* ``check_tables``: the assertions every notebook makes about the tables it reads.

Imported by the notebooks (their folder is their working directory), not by the package.
"""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent
REPO = NOTEBOOKS.parent

# matplotlib says: "Glyph 131072 (\N{CJK UNIFIED IDEOGRAPH-20000}) missing from font(s) Noto Sans CJK SC."
GLYPH_MISSING = r".*Glyph.*missing.*"
# Noto Sans CJK is one collection file with a face per region; the Simplified Chinese one is wanted.
CJK_FAMILY = "Noto Sans CJK SC"


def outputs_dir(default: str | os.PathLike) -> Path:
    """The outputs folder: ``$NEWSFACTS_OUTPUTS`` if set, else ``default`` (relative to the cwd)."""
    return Path(os.environ.get("NEWSFACTS_OUTPUTS") or default).expanduser().resolve()


def cjk_font_path() -> Path:
    """The font file shipped by the ``noto-cjk-sans-otc`` package (SIL Open Font License 1.1)."""
    try:
        import noto_cjk_sans_otc
    except ImportError:  # pragma: no cover - a set-up problem, said plainly
        raise ImportError(
            "the notebooks need the CJK font package: pip install -e '.[notebooks]' (or `make notebooks`)"
        ) from None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    if not path.is_file():
        raise FileNotFoundError(f"noto-cjk-sans-otc is installed but its font file {path} is missing")
    return path


def use_cjk_font() -> str:
    """Register the packaged CJK font with matplotlib and make missing glyphs an error.

    Returns the family name set as ``font.family``.  Only this file is used: the family is
    looked up with ``fallback_to_default=False`` and must resolve to the packaged file.
    """
    import matplotlib
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    # matplotlib >= 3.11 registers every face of a collection (… CJK JP, KR, SC, TC, HK);
    # older versions only the first one.  Take the SC face when there is one.
    names = [f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == path]
    family = CJK_FAMILY if CJK_FAMILY in names else names[0]
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    if Path(str(found)) != path:
        raise RuntimeError(f"font family {family!r} resolves to {found}, not to the packaged {path}")
    matplotlib.rcParams["font.family"] = [family]
    matplotlib.rcParams["axes.unicode_minus"] = True  # the font has U+2212 MINUS SIGN
    warnings.filterwarnings("error", message=GLYPH_MISSING)
    return family


def show(fig, dpi: int = 110) -> None:
    """Draw ``fig``, render it to PNG and display it; a missing glyph raises."""
    from IPython.display import Image, display
    from matplotlib import pyplot as plt

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_MISSING)
        fig.canvas.draw()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)  # displayed once, here, not again by the inline backend
    display(Image(data=buf.getvalue(), format="png"))


def check_tables(tables: dict) -> None:
    """Fail early on missing, empty or broken tables: every notebook starts with this."""
    from pipeline.tables import TABLES

    assert set(TABLES) <= set(tables), f"tables missing: {set(TABLES) - set(tables)}"
    for name, spec in TABLES.items():
        df = tables[name]
        expected = [column for column, _ in spec]
        # columns may be added at the end (pipeline/tables.py), never renamed or reordered
        assert list(df.columns[: len(expected)]) == expected, f"{name}: columns {list(df.columns)}"
    articles, facts, projects = tables["articles"], tables["facts"], tables["projects"]
    assert len(articles) > 0, "no articles: was `newsfacts run` pointed at the right folder?"
    assert len(facts) > 0, "no facts"
    assert len(projects) > 0, "no projects"
    assert articles["article_id"].is_unique, "article_id is not unique"
    assert articles["title"].notna().all(), "an article without a title"
    assert (articles["content"].str.len() > 0).all(), "an article without a body"
    for column in ("fact_type", "value", "unit", "raw_text", "sentence"):
        assert facts[column].notna().all(), f"facts.{column} has nulls"
    assert projects["total_investment"].notna().any(), "projects.total_investment is all null"
    assert projects["name"].notna().all(), "a project without a name"
    assert set(facts["article_id"]) <= set(articles["article_id"]), "facts of unknown articles"
    assert set(tables["duplicates"]["duplicate_of"]) <= set(articles["article_id"]), "duplicates of unknown articles"
