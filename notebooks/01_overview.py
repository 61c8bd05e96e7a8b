# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Overview of a run
#
# What a `newsfacts run` produced: the corpus (articles by site and month), duplicates and which
# sites copy which, investment by region and by month, the largest projects, growth rates by
# indicator, one indicator over time per region, and the facts by type.
#
# The notebook reads the tables of one outputs folder (`make run` writes `outputs/`). To read
# another folder, change `OUTPUTS` below or set the environment variable `NEWSFACTS_OUTPUTS`.
# It runs on any run: where a run has no facts, projects or duplicates, a line says so and the
# chart is left out.
#
# **Money** is shown in 亿元 (10⁸ yuan) on every axis. Amounts in USD, EUR or HKD are converted
# at one dated rate each, from `rates_2024.csv` (central parity of 2024-12-31); charts with
# converted amounts say so and hatch those bars. Amounts in a currency the table lacks are left
# out, with a line saying how many.
#
# **Confidence.** Charts that group by subject or project keep the rows with
# `confidence >= 0.8` (README "Confidence": about 95% right in full).

# %% tags=["parameters"]
import os

OUTPUTS = os.environ.get("NEWSFACTS_OUTPUTS", "../outputs")  # folder written by `newsfacts run … --out`
MIN_CONFIDENCE = 0.8  # facts below this are left out of charts by subject or project
TOP_PROJECTS = 15  # bars in the chart of the largest projects
TOP_INDICATORS = 12  # indicators in the chart of growth rates
INDICATOR = None  # indicator for the series over time; None: the one with the most points
TOP_REGIONS = 6  # lines in that chart

# %%
import pandas as pd
from matplotlib import pyplot as plt

import nbsupport

FONT = nbsupport.use_cjk_font()  # packaged Noto Sans CJK; a missing glyph is an error from here on
pd.set_option("display.max_colwidth", 60)
pd.set_option("display.max_rows", 80)

out_dir, tables = nbsupport.load_tables(OUTPUTS)
notes = nbsupport.check_tables(tables)
articles, facts, projects, duplicates = (tables[k] for k in ("articles", "facts", "projects", "duplicates"))
print(f"{out_dir}: {len(articles)} articles, {len(facts)} facts, {len(projects)} projects, "
      f"{len(duplicates)} duplicates; charts in {FONT}")

# %% [markdown]
# ## The corpus
#
# Articles by site and by month of publication (Beijing time). Duplicates keep their row in
# `articles`; `duplicate_of` names the original. Articles without a headline have no title.

# %%
articles["month"] = articles["published_at"].dt.strftime("%Y-%m").fillna("(no date)")
articles["is_duplicate"] = articles["duplicate_of"].notna()
articles["site"] = articles["site"].fillna("（未知网站）")
by_site = (
    articles.groupby("site")
    .agg(articles=("article_id", "size"), duplicates=("is_duplicate", "sum"),
         untitled=("title", lambda t: int(t.isna().sum())),
         first_month=("month", "min"), last_month=("month", "max"))
    .sort_values(["articles", "first_month"], ascending=[False, True])
)
assert by_site["articles"].sum() == len(articles)
by_site

# %%
by_month = articles.groupby("month").size().rename("articles").to_frame()
by_month["cumulative"] = by_month["articles"].cumsum()
by_month

# %%
fig, ax = plt.subplots(figsize=(7, 0.3 * len(by_site) + 1))
counts = by_site["articles"].iloc[::-1]
ax.barh(counts.index, counts.values, color="#4c72b0")
ax.set_xlabel("文章数")
ax.set_title("各网站的文章数")
nbsupport.show(fig)

# %% [markdown]
# ## Duplicates and syndication
#
# Duplicates by method: `url` (the same page under another URL, e.g. with tracking
# parameters), `exact` (the same body text) and `near` (a syndicated copy: MinHash Jaccard of
# character 5-grams above the threshold). Then which site copies which: the site of each
# duplicate against the site of its original (the earlier-published copy).

# %%
assert set(duplicates["method"]) <= {"url", "exact", "near"}, set(duplicates["method"])
dup_counts = duplicates["method"].value_counts().reindex(["url", "exact", "near"], fill_value=0)
dup_counts.rename("duplicates").to_frame()

# %%
sites = articles.set_index("article_id")[["title", "site"]]
pairs = (duplicates
         .merge(sites, left_on="article_id", right_index=True, how="left")
         .merge(sites, left_on="duplicate_of", right_index=True, how="left", suffixes=("", "_original"))
         [["method", "similarity", "site", "title", "site_original", "title_original"]]
         .sort_values(["method", "similarity"], ascending=[True, False]))
pairs

# %%
if pairs.empty:
    print("no duplicates in this run: no chart of syndication")
else:
    flows = (pairs.assign(same=pairs["site"] == pairs["site_original"])
             .groupby(["site", "site_original", "method"]).size().unstack("method", fill_value=0))
    flows = flows.reindex(columns=[m for m in ("url", "exact", "near") if m in flows.columns])
    flows = flows.loc[flows.sum(axis=1).sort_values().index]
    labels = [f"{copy} ← {orig}" if copy != orig else f"{copy}（同站）" for copy, orig in flows.index]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(flows) + 1.3))
    left = pd.Series(0, index=flows.index)
    method_names = {"url": "同一网址", "exact": "全文相同", "near": "近似转载"}
    colors = {"url": "#8c8c8c", "exact": "#4c72b0", "near": "#dd8452"}
    for method in flows.columns:
        ax.barh(labels, flows[method], left=left, color=colors[method], label=f"{method_names[method]}（{method}）")
        left += flows[method]
    ax.set_xlabel("重复文章数")
    ax.set_title("谁转载谁：转载方 ← 原发方")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, flows.sum(axis=1).max() + 0.5)
    ax.legend(loc="lower right", fontsize=8)
    nbsupport.show(fig)

# %% [markdown]
# ## Investment
#
# Investment facts of original articles (a syndicated copy is counted once), with
# `confidence >= MIN_CONFIDENCE`, in 亿元. A **batch** (签约项目, 20个重大产业项目, 首批8个项目: the
# total of several projects) is kept apart from single projects: it is listed below and never
# added to them. A project counts once, with its largest amount (总投资 rather than 首期投资).

# %%
originals = set(articles.loc[~articles["is_duplicate"], "article_id"])
sure = nbsupport.confident(facts, MIN_CONFIDENCE)
investment = sure[(sure["fact_type"] == "investment") & sure["article_id"].isin(originals)].copy()
investment["yi"], investment["converted"] = nbsupport.to_cny_yi(investment["value"], investment["unit"])
unknown_money = investment[investment["yi"].isna()]
if len(unknown_money):
    print(f"left out: {len(unknown_money)} investment facts in currencies without a rate: "
          f"{sorted(unknown_money['unit'].unique())}")
investment = investment.dropna(subset=["yi"])
investment["batch"] = investment["project_id"].isna() | nbsupport.batch_mask(investment["subject"])
print(f"{len(investment)} investment facts with confidence >= {MIN_CONFIDENCE}: "
      f"{int((~investment['batch']).sum())} of single projects, {int(investment['batch'].sum())} batch totals; "
      f"{int(investment['converted'].sum())} converted from foreign currencies")

batches = investment[investment["batch"]].merge(articles[["article_id", "site", "month"]], on="article_id")
batches[["site", "month", "subject", "metric", "value", "unit", "yi", "region", "sentence"]].rename(
    columns={"yi": "亿元"}).round({"亿元": 2})

# %%
per_project = (investment[~investment["batch"]]
               .sort_values("yi", ascending=False)
               .drop_duplicates("project_id")
               .merge(articles[["article_id", "month", "site"]], on="article_id", how="left")
               .merge(projects[["project_id", "name", "company", "stage"]], on="project_id", how="left"))
per_project["region_name"] = nbsupport.region_names(per_project["region_code"]).fillna("（地区未定）")
# one project named in several stories: its largest amount once
per_project = per_project.assign(name=per_project["name"].fillna(per_project["subject"]))
per_project = per_project[~nbsupport.batch_mask(per_project["name"])].drop_duplicates("name")
per_project[["name", "company", "region_name", "metric", "value", "unit", "yi", "stage", "confidence"]].rename(
    columns={"yi": "亿元"}).round({"亿元": 2})


# %%
def money_caption(ax, frame, xlabel: str) -> None:
    """The axis label, and under it which amounts were converted and at what rates."""
    if frame["converted"].any():
        units = sorted(frame.loc[frame["converted"], "unit"].unique())
        ax.set_xlabel(f"{xlabel}\n斜线：由{'、'.join(units)}折算；{nbsupport.rate_note()}", fontsize=8.5)
    else:
        ax.set_xlabel(xlabel)


def amount(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 else f"{v:.2g}"


if per_project.empty:
    print("no project with an investment (confidence >= MIN_CONFIDENCE) in this run: no chart by region")
else:
    by_region = per_project.groupby("region_name").agg(yi=("yi", "sum"), projects=("project_id", "size"),
                                                       converted=("converted", "any")).sort_values("yi")
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(by_region) + 1.3))
    bars = ax.barh(by_region.index, by_region["yi"], color="#dd8452",
                   hatch=["//" if c else "" for c in by_region["converted"]], edgecolor="white")
    ax.bar_label(bars, labels=[f"{v:,.1f}（{n}个）" for v, n in zip(by_region["yi"], by_region["projects"])],
                 padding=3, fontsize=8)
    ax.set_title("各地区项目投资额（不含批量汇总）")
    ax.margins(x=0.2)
    money_caption(ax, per_project, "投资额（亿元）")
    nbsupport.show(fig)

# %%
if per_project.empty:
    print("no project with an investment in this run: no chart by month")
else:
    by_month_yi = per_project.groupby("month").agg(yi=("yi", "sum"), projects=("project_id", "size"),
                                                   converted=("converted", "any"))
    fig, ax = plt.subplots(figsize=(max(5, 0.55 * len(by_month_yi) + 2), 3.6))
    bars = ax.bar(by_month_yi.index, by_month_yi["yi"], color="#dd8452",
                  hatch=["//" if c else "" for c in by_month_yi["converted"]], edgecolor="white")
    ax.bar_label(bars, labels=[amount(v) for v in by_month_yi["yi"]], padding=2, fontsize=8)
    ax.set_ylabel("投资额（亿元）")
    ax.set_title("各月报道的项目投资额（按文章发布月份）")
    ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    ax.margins(y=0.15)
    money_caption(ax, per_project, "发布月份")
    nbsupport.show(fig)

# %% [markdown]
# ## The largest projects
#
# Single projects only (batches are above), labelled with the project's name from the
# `projects` table: the company's short name is put back where the name read from the
# sentence starts with 有限公司, and long names are cut with "…".

# %%
if per_project.empty:
    print("no project with an investment in this run: no chart of the largest projects")
else:
    top = per_project.head(TOP_PROJECTS).copy()
    top["label"] = [nbsupport.short_label(n, c) for n, c in zip(top["name"], top["company"])]
    clash = top["label"].duplicated(keep=False)
    top.loc[clash, "label"] = top.loc[clash, "label"] + "（" + top.loc[clash, "region_name"] + "）"
    top = top.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.3))
    bars = ax.barh(top["label"], top["yi"], color="#dd8452",
                   hatch=["//" if c else "" for c in top["converted"]], edgecolor="white")
    ax.bar_label(bars, labels=[f"{v:,.1f}" + (f"（{u}）" if c else "") for v, u, c in
                               zip(top["yi"], top["unit"], top["converted"])], padding=3, fontsize=8)
    ax.set_title(f"投资额最大的{len(top)}个项目（置信度≥{MIN_CONFIDENCE}）")
    ax.margins(x=0.15)
    money_caption(ax, top, "投资额（亿元）")
    nbsupport.show(fig)

# %% [markdown]
# ## Growth rates by indicator
#
# A growth rate is a `percentage` fact in `%` with a direction (`up` +, `down` −). Percentage
# points (`pp`) and multiples (`x`) are not growth rates and are left out; so are shares
# (占比, 比重: no direction). One dot per fact; the bar is the median.

# %%
growth = sure[(sure["fact_type"] == "percentage") & (sure["unit"] == "%") & sure["direction"].isin(["up", "down"])
              & sure["article_id"].isin(originals)].copy()
growth["growth_pct"] = growth["value"].where(growth["direction"] == "up", -growth["value"])
growth["indicator"] = growth["subject"].fillna("（未标注）")
growth["region_name"] = nbsupport.region_names(growth["region_code"])
growth = growth.merge(articles[["article_id", "published_at"]], on="article_id", how="left")
print(f"{len(growth)} growth rates of {growth['indicator'].nunique()} indicators")
growth.groupby("indicator")["growth_pct"].describe().sort_values("count", ascending=False).head(20).round(1)

# %%
if growth.empty:
    print("no growth rates in this run: no chart")
else:
    order = growth["indicator"].value_counts().head(TOP_INDICATORS)
    order = growth[growth["indicator"].isin(order.index)].groupby("indicator")["growth_pct"].median().sort_values()
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(order) + 1.3))
    for y, name in enumerate(order.index):
        values = growth.loc[growth["indicator"] == name, "growth_pct"]
        jitter = [((i % 5) - 2) * 0.06 for i in range(len(values))]
        ax.scatter(values, [y + j for j in jitter], s=18, alpha=0.75,
                   color=["#c44e52" if v < 0 else "#55a868" for v in values], zorder=3)
        ax.plot([values.median()] * 2, [y - 0.3, y + 0.3], color="black", linewidth=1.5, zorder=4)
    ax.set_yticks(range(len(order)), [nbsupport.short_label(n, width=14) for n in order.index])
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("增速（%，下降为负）")
    shown = int(growth["indicator"].isin(order.index).sum())
    ax.set_title(f"各指标增速分布（报道最多的{len(order)}个指标，{shown}个数值）")
    nbsupport.show(fig)

# %% [markdown]
# ## One indicator over time, per region
#
# The growth rate of one indicator (`INDICATOR`; by default the one reported for the most
# region-and-period pairs), one line per region (`region_code` named with the gazetteer). A point
# sits at the end of the period it covers (`2018-01/2018-08` → 2018-08-31, `2018-H1` →
# 2018-06-30); a fact without a period sits at its article's publication date.

# %%
series = growth.dropna(subset=["region_name"]).copy()
series["when"] = [nbsupport.period_end(p, t) for p, t in zip(series["period"], series["published_at"])]
series = series.dropna(subset=["when"])
if series.empty:
    print("no growth rate with a region in this run: no series over time")
else:
    if INDICATOR is None:
        # the indicator with the most points in regions reported at two times or more, then the most points
        distinct = series.drop_duplicates(["indicator", "region_name", "when"])
        per_region = distinct.groupby(["indicator", "region_name"]).size()
        score = pd.DataFrame({"in_lines": per_region.where(per_region >= 2, 0).groupby(level=0).sum(),
                              "points": per_region.groupby(level=0).sum()})
        INDICATOR = score.sort_values(["in_lines", "points"], ascending=False, kind="stable").index[0]
    one = (series[series["indicator"] == INDICATOR].sort_values("when")
           .drop_duplicates(["region_name", "when"]))
    regions = one["region_name"].value_counts().head(TOP_REGIONS).index
    if one["region_name"].value_counts().max() < 2:
        print(f"{INDICATOR}: every region is reported at one time only: points, no lines")
    fig, ax = plt.subplots(figsize=(8, 4))
    for region in regions:
        line = one[one["region_name"] == region]
        ax.plot(line["when"], line["growth_pct"], marker="o", label=region)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylabel("增速（%）")
    ax.set_title(f"{INDICATOR}增速：各地区随时间变化")
    ax.legend(fontsize=8, loc="best")
    fig.autofmt_xdate()
    nbsupport.show(fig)
    display(one[["region_name", "period", "when", "growth_pct", "sentence"]])

# %% [markdown]
# ## Indicators by region and period, with their growth rates
#
# An `indicator` fact is a level (规模以上工业增加值 1853.6亿元); its growth rate is the
# `percentage` fact of the same subject, region and period in the same article. Money is in
# 亿元, converted where it was in another currency (`converted`).

# %%
keys = ["article_id", "subject", "region", "period"]
rates_by_key = growth.groupby(keys, dropna=False)["growth_pct"].first().reset_index()
indicators = facts[(facts["fact_type"] == "indicator") & facts["article_id"].isin(originals)].copy()
indicators = indicators.merge(rates_by_key, on=keys, how="left")
yi, converted = nbsupport.to_cny_yi(indicators["value"], indicators["unit"])
indicators["amount"] = yi.where(yi.notna(), indicators["value"])
indicators["amount_unit"] = indicators["unit"].where(yi.isna(), "亿元")
indicators["converted_from"] = indicators["unit"].where(converted)
indicators = indicators.drop(columns=[c for c in indicators.columns if c == "money"])
print(f"{len(indicators)} indicator levels, {int(indicators['growth_pct'].notna().sum())} with a growth rate")
(indicators[["region", "period", "subject", "amount", "amount_unit", "converted_from", "growth_pct", "confidence"]]
 .sort_values(["region", "period", "subject"], na_position="last").reset_index(drop=True).round(2))

# %% [markdown]
# ## Facts by type
#
# `investment` (amounts invested in a project), `capacity` (production capacities),
# `indicator` (levels of economic indicators) and `percentage` (rates, shares and changes).

# %%
fact_counts = facts["fact_type"].value_counts().rename("facts").to_frame()
fact_counts["articles"] = facts.groupby("fact_type")["article_id"].nunique()
fact_counts["confident"] = sure.groupby("fact_type").size().reindex(fact_counts.index, fill_value=0)
assert fact_counts["facts"].sum() == len(facts)
print(f"economic articles: {int(articles['economic'].sum())} of {len(articles)}; "
      f"articles with facts: {facts['article_id'].nunique()}")
fact_counts

# %%
if facts.empty:
    print("no facts in this run: no chart of facts by type")
else:
    fig, ax = plt.subplots(figsize=(6, 3))
    type_names = {"investment": "投资", "capacity": "产能", "indicator": "经济指标", "percentage": "百分比"}
    labels = [f"{type_names.get(t, t)}\n{t}" for t in fact_counts.index]
    bars = ax.bar(labels, fact_counts["facts"], color="#8172b3")
    ax.bar_label(bars, padding=2)
    ax.set_ylabel("事实数")
    ax.set_title("各类型事实数")
    ax.margins(y=0.15)
    nbsupport.show(fig)
