"""Small helpers shared by the notebooks in this folder.

* ``outputs_dir``: the folder of tables a notebook reads (``NEWSFACTS_OUTPUTS`` wins over the default);
* ``use_cjk_font``: registers the Noto Sans CJK font shipped by the ``noto-cjk-sans-otc`` package
  with matplotlib, by file path (no system font is looked up), and turns matplotlib's
  "Glyph … missing from font(s)" warning into an error, so a chart that would show empty boxes
  instead of Chinese characters fails instead;
* ``show``: draws a figure, renders it to PNG (where a missing glyph raises) and displays it;
* ``load_tables``: ``pipeline.load_outputs`` with the columns the notebooks use in one form, whether
  the tables come typed or as text (``published_at`` as tz-aware datetimes in Asia/Shanghai);
* ``check_tables``: the assertions every notebook makes about the tables it reads (their shape,
  not their content: a run without titles, projects or facts is said so, not failed);
* ``confident``, ``to_cny_yi``, ``region_names``, ``short_label``, ``period_end``: what the charts
  share (the confidence cut, currencies converted with ``rates_2024.csv``, region codes named,
  bar labels of readable length, periods on a time axis).

Imported by the notebooks (their folder is their working directory), not by the package.
"""
from __future__ import annotations

import io
import os
import re
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


SHANGHAI = "Asia/Shanghai"
# README "Confidence": rows at or above this are about 95% right in full (type, value, unit, subject).
MIN_CONFIDENCE = 0.8
RATES = NOTEBOOKS / "rates_2024.csv"


def published_datetime(values) -> "pd.Series":
    """``published_at`` as tz-aware datetimes in Asia/Shanghai (NaT where unknown).

    Works on the text of the tables (``2018-08-22T07:20:00+08:00`` or a bare ``2006-08-21``) and
    on columns that are already datetimes (tz-aware or naive, naive taken as Beijing time).
    """
    import pandas as pd

    s = pd.Series(values)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert(SHANGHAI)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.dt.tz_localize(SHANGHAI)
    text = s.astype("object").where(s.notna(), None)
    # a bare date is a day in China, not midnight UTC
    text = text.map(lambda v: f"{v}T00:00:00+08:00" if isinstance(v, str) and len(v) == 10 else v)
    return pd.to_datetime(text, format="ISO8601", utc=True).dt.tz_convert(SHANGHAI)


def published_precision(values) -> "pd.Series":
    """``day`` for a date without a time, ``minute`` otherwise (None where unknown), from text."""
    import pandas as pd

    s = pd.Series(values)
    return pd.Series([None if not isinstance(v, str) or not v else "day" if len(v) == 10 else "minute" for v in s],
                     index=s.index, dtype="object")


def published_text(timestamp, precision: str | None) -> str | None:
    """The ISO 8601 text the pipeline takes as an article's publication time."""
    import pandas as pd

    if timestamp is None or pd.isna(timestamp):
        return None
    if isinstance(timestamp, str):
        return timestamp
    return timestamp.strftime("%Y-%m-%d") if precision == "day" else timestamp.isoformat()


def _plain(df: "pd.DataFrame") -> "pd.DataFrame":
    """Categoricals back to text and nullable numbers to numpy ones where nothing is missing."""
    import pandas as pd

    df = df.copy()
    for column in df.columns:
        dtype = df[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            df[column] = df[column].astype("object").astype("str")
            df[column] = df[column].where(df[column] != "nan")
        elif isinstance(dtype, pd.Float64Dtype | pd.Float32Dtype):
            df[column] = df[column].astype("float64")
        elif pd.api.types.is_extension_array_dtype(dtype) and pd.api.types.is_integer_dtype(dtype):
            df[column] = df[column].astype("int64" if df[column].notna().all() else "float64")
        elif isinstance(dtype, pd.BooleanDtype) and df[column].notna().all():
            df[column] = df[column].astype(bool)
    return df


def region_code_text(values) -> "pd.Series":
    """``region_code`` as six-digit text, whether it was read as text or as a number."""
    import pandas as pd

    def one(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        text = str(int(v)) if isinstance(v, (int, float)) else str(v).strip()
        text = text.removesuffix(".0")
        return text.zfill(6) if text.isdigit() else None

    values = pd.Series(values)
    return pd.Series([one(v) for v in values], index=values.index, dtype="object")


def parquet_files(out_dir: Path, name: str) -> str:
    """The Parquet file of table ``name`` as a path for SQL readers: ``OUT/name.parquet``, or the
    glob of its month files when the output is partitioned (pipeline.store.partitions)."""
    if (out_dir / name).is_dir() and any((out_dir / name).glob(f"month=*/{name}.parquet")):
        return (out_dir / name).as_posix() + f"/month=*/{name}.parquet"
    return (out_dir / f"{name}.parquet").as_posix()


def load_tables(outputs: str | os.PathLike) -> tuple[Path, dict]:
    """``(folder, tables)``: ``pipeline.load_outputs`` with the columns in one form.

    ``articles.published_at`` becomes tz-aware datetimes (Asia/Shanghai) and
    ``articles.published_precision`` is there (``day``/``minute``), whether ``load_outputs``
    gives text or typed columns; ``facts.region_code`` is six-digit text; categoricals are text.
    """
    import pipeline

    out_dir = outputs_dir(outputs)
    tables = {name: _plain(df) for name, df in pipeline.load_outputs(out_dir).items()}
    articles = tables["articles"]
    if "published_precision" not in articles.columns:
        articles["published_precision"] = published_precision(articles["published_at"]).values
    articles["published_at"] = published_datetime(articles["published_at"])
    tables["facts"]["region_code"] = region_code_text(tables["facts"]["region_code"]).values
    return out_dir, tables


def check_tables(tables: dict) -> list[str]:
    """Fail early on missing or broken tables: every notebook starts with this.

    Only the shape is asserted. What a run may well lack (titles, projects, facts, duplicates)
    is printed as a line and returned, so the notebooks say so where it matters.
    """
    from pipeline.tables import TABLES

    assert set(TABLES) <= set(tables), f"tables missing: {set(TABLES) - set(tables)}"
    for name, spec in TABLES.items():
        df = tables[name]
        expected = [column for column, _ in spec]
        # columns may be added at the end (pipeline/tables.py), never renamed or reordered
        assert list(df.columns[: len(expected)]) == expected, f"{name}: columns {list(df.columns)}"
    articles, facts, projects = tables["articles"], tables["facts"], tables["projects"]
    assert len(articles) > 0, "no articles: was `newsfacts run` pointed at the right folder?"
    assert articles["article_id"].is_unique, "article_id is not unique"
    for column in ("fact_type", "value", "unit", "raw_text", "sentence"):
        assert facts[column].notna().all(), f"facts.{column} has nulls"
    assert set(facts["article_id"]) <= set(articles["article_id"]), "facts of unknown articles"
    assert set(tables["duplicates"]["duplicate_of"]) <= set(articles["article_id"]), "duplicates of unknown articles"
    notes = []
    untitled = int(articles["title"].isna().sum())
    if untitled:
        notes.append(f"{untitled} of {len(articles)} articles have no title (no headline on the page)")
    undated = int(articles["published_at"].isna().sum())
    if undated:
        notes.append(f"{undated} of {len(articles)} articles have no publication time")
    if len(facts) == 0:
        notes.append("no facts in this run (no economic article, or none with a figure)")
    if len(projects) == 0:
        notes.append("no projects in this run")
    if len(tables["duplicates"]) == 0:
        notes.append("no duplicates in this run")
    for note in notes:
        print("note:", note)
    return notes


def confident(facts: "pd.DataFrame", threshold: float = MIN_CONFIDENCE) -> "pd.DataFrame":
    """The rows whose subject can be trusted (README "Confidence"); all rows if the column is empty."""
    return facts[facts["confidence"].fillna(0) >= threshold]


def rates() -> "pd.DataFrame":
    """The exchange rates shipped in ``rates_2024.csv``: yuan per unit of each currency."""
    import pandas as pd

    table = pd.read_csv(RATES, comment="#", dtype={"currency": "str"})
    return table.set_index("currency")


def to_cny_yi(values, units) -> tuple["pd.Series", "pd.Series"]:
    """``(亿元, converted)``: money in 亿 yuan, foreign currencies at the rates of ``rates_2024.csv``.

    ``converted`` is True where a foreign amount was converted; amounts in a currency the table
    lacks (and non-money units) are NaN.
    """
    import pandas as pd

    values, units = pd.Series(values, dtype="float64"), pd.Series(units).astype("object")
    per_unit = units.map({"CNY": 1.0, **rates()["cny_per_unit"].to_dict()}).astype("float64")
    return values * per_unit.values / 1e8, (units != "CNY") & per_unit.notna()


def rate_note() -> str:
    """One line saying which rates converted foreign money, for chart captions."""
    table = rates()
    dates = sorted(set(table["date"]))
    pairs = "，".join(f"1 {c} = {r:g} 元" for c, r in table["cny_per_unit"].items())
    return f"外币按{'、'.join(dates)}人民币汇率中间价折算（{pairs}）"


def region_names(codes) -> "pd.Series":
    """``region_code`` -> the name of the division (GB/T 2260, the gazetteer the pipeline uses).

    A code of a county is shown with its prefecture (鄞州区 -> 宁波市鄞州区) so that two
    counties of one name stay apart.
    """
    import pandas as pd

    from pipeline.facts.places import gazetteer

    by_code = gazetteer().by_code

    def name(code):
        if not isinstance(code, str) or code not in by_code:
            return None
        place = by_code[code]
        if place.level == 3:
            parent = place.parent_at(2)
            if parent is not None and parent.code != place.code:
                return parent.name + place.name
        return place.name

    return pd.Series(codes).astype("object").map(name)


# a total of several projects, not one project: 签约项目, 20个重大产业项目, 首批8个项目, 十大项目
BATCH = re.compile(r"(\d+|[一二两三四五六七八九十百]+)[个大批项]|首批|一批|签约项目|重点项目|重大项目|重大产业项目|在建产业项目|"
                   r"外资项目|产业项目$|亿元以上项目|重点工程|重点\w{0,4}项目$")
# words a name read from a sentence starts with that are no part of the name
LEADING_NOISE = re.compile(r"^(股份有限公司|有限责任公司|有限公司|集团|公司|[“”\"「」])+")


def is_batch(name) -> bool:
    """Whether a subject or project name stands for several projects (a batch total)."""
    return isinstance(name, str) and bool(BATCH.search(name))


def batch_mask(values) -> "pd.Series":
    """``is_batch`` of each value, as a boolean Series (also when ``values`` is empty)."""
    import pandas as pd

    values = pd.Series(values)
    return pd.Series([is_batch(v) for v in values], index=values.index, dtype=bool)


def short_label(name, company=None, width: int = 16) -> str:
    """A project name fit for a bar label: noise cut, the company's short name put back, truncated.

    ``有限公司高端车载镜头项目`` with company ``宁波明瞳光学科技有限公司`` -> ``明瞳光学·高端车载镜头项目``.
    """
    if not isinstance(name, str) or not name.strip():
        return "（未命名）"
    text = name.strip().strip("“”\"「」")
    if LEADING_NOISE.match(text) and isinstance(company, str) and company:
        short = re.sub(r"(股份有限公司|有限责任公司|有限公司|集团)$", "", company)
        short = re.sub(r"^(浙江|宁波|嘉兴|杭州|温州|绍兴|湖州|中国)", "", short)
        short = re.sub(r"(科技|新材料|电子|电器|光电)?$", "", short)[:6]
        text = (short + "·" if short else "") + LEADING_NOISE.sub("", text)
    else:
        text = LEADING_NOISE.sub("", text) or text
    return text if len(text) <= width else text[: width - 1] + "…"


def period_end(period, published=None):
    """A period of the facts table (``2018``, ``2018-H1``, ``2019-Q1``, ``2018-01/2018-08``,
    ``2018-06``) as the last day it covers; else the publication time's date; else NaT."""
    import pandas as pd

    if isinstance(period, str) and period:
        last = period.split("/")[-1]
        m = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?(?:-\d{2})?", last)
        if m:
            year, part = int(m.group(1)), m.group(2)
            month = (12 if part is None else {"H1": 6, "H2": 12}.get(part)
                     or (int(part[1]) * 3 if part.startswith("Q") else int(part)))
            return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)
    if published is not None and not pd.isna(published):
        return pd.Timestamp(published).tz_localize(None).normalize() if pd.Timestamp(published).tzinfo else pd.Timestamp(published).normalize()
    return pd.NaT
