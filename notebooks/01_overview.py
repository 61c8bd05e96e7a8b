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
# What a `newsfacts run` produced: the corpus (articles by site and month, duplicates by
# method), the projects with their investment and capacity, the largest projects, the economic
# indicators by region and period with their growth rates, and the facts by type.
#
# The notebook reads the tables of one outputs folder (`make run` writes `outputs/`). To read
# another folder, change `OUTPUTS` below or set the environment variable `NEWSFACTS_OUTPUTS`.

# %% tags=["parameters"]
import os

OUTPUTS = os.environ.get("NEWSFACTS_OUTPUTS", "../outputs")  # folder written by `newsfacts run … --out`
TOP_PROJECTS = 15  # bars in the chart of the largest projects
TOP_GROWTH = 25  # bars in the chart of growth rates

# %%
import pandas as pd
from matplotlib import pyplot as plt

import nbsupport
import pipeline

FONT = nbsupport.use_cjk_font()  # packaged Noto Sans CJK; a missing glyph is an error from here on
pd.set_option("display.max_colwidth", 60)
pd.set_option("display.max_rows", 80)

out_dir = nbsupport.outputs_dir(OUTPUTS)
tables = pipeline.load_outputs(out_dir)
nbsupport.check_tables(tables)
articles, facts, projects, duplicates = (tables[k] for k in ("articles", "facts", "projects", "duplicates"))
print(f"{out_dir}: {len(articles)} articles, {len(facts)} facts, {len(projects)} projects, "
      f"{len(duplicates)} duplicates; charts in {FONT}")

# %% [markdown]
# ## The corpus
#
# Articles by site and by month of publication (`published_at` is ISO 8601, with or without
# a time). Duplicates keep their row in `articles`; `duplicate_of` names the original.

# %%
articles["month"] = articles["published_at"].str.slice(0, 7).fillna("(no date)")
articles["is_duplicate"] = articles["duplicate_of"].notna()
by_site = (
    articles.groupby("site", dropna=False)
    .agg(articles=("article_id", "size"), duplicates=("is_duplicate", "sum"),
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
ax.barh(counts.index.fillna("（未知）"), counts.values, color="#4c72b0")
ax.set_xlabel("文章数")
ax.set_title("各网站的文章数")
nbsupport.show(fig)

# %% [markdown]
# Duplicates by method: `url` (the same page under another URL, e.g. with tracking
# parameters), `exact` (the same body text) and `near` (a syndicated copy: MinHash Jaccard of
# character 5-grams above the threshold).

# %%
assert set(duplicates["method"]) <= {"url", "exact", "near"}, set(duplicates["method"])
dup_counts = duplicates["method"].value_counts().reindex(["url", "exact", "near"], fill_value=0)
dup_counts.rename("duplicates").to_frame()

# %%
titles = articles.set_index("article_id")[["title", "site"]]
(duplicates
 .join(titles, on="article_id")
 .join(titles, on="duplicate_of", rsuffix="_original")
 [["method", "similarity", "site", "title", "site_original", "title_original"]]
 .sort_values(["method", "similarity"], ascending=[True, False]))

# %% [markdown]
# ## Projects
#
# One row per project named with a figure: its largest investment (`total_investment`, in
# yuan) and its first capacity. Projects of duplicate articles are left out so that a
# syndicated story is counted once; a project named in several stories keeps its largest
# investment.

# %%
originals = set(articles.loc[~articles["is_duplicate"], "article_id"])
proj = projects[projects["article_id"].isin(originals)].copy()
proj["investment_yi"] = proj["total_investment"] / 1e8  # 亿元
proj = (proj.sort_values("total_investment", ascending=False, na_position="last")
        .drop_duplicates("name"))
assert proj["total_investment"].notna().any(), "no project has an investment"
proj[["name", "company", "region", "status", "investment_yi", "currency", "capacity", "capacity_unit", "product"]]

# %%
top = proj.dropna(subset=["total_investment"]).head(TOP_PROJECTS).iloc[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1))
bars = ax.barh(top["name"], top["investment_yi"], color="#dd8452")
ax.bar_label(bars, labels=[f"{v:,.1f}" for v in top["investment_yi"]], padding=3, fontsize=8)
ax.set_xlabel("投资额（亿元）")
ax.set_title(f"投资额最大的{len(top)}个项目")
ax.margins(x=0.12)
nbsupport.show(fig)

# %% [markdown]
# ## Indicators by region and period, with their growth rates
#
# An `indicator` fact is a level (规模以上工业增加值 1853.6亿元); its growth rate is the
# `percentage` fact in `%` with a direction (`up`/`down`) about the same subject, region and
# period of the same article. Percentage points (`pp`) and multiples (`x`) are not growth rates
# and are left out. Money is shown in 亿 of its currency.

# %%
keys = ["article_id", "subject", "region", "period"]
rates = facts[(facts["fact_type"] == "percentage") & (facts["unit"] == "%") & facts["direction"].isin(["up", "down"])]
rates = rates.assign(growth_pct=rates["value"].where(rates["direction"] == "up", -rates["value"]))
rates = rates.groupby(keys, dropna=False)["growth_pct"].first().reset_index()
indicators = facts[(facts["fact_type"] == "indicator") & facts["article_id"].isin(originals)]
indicators = indicators.merge(rates, on=keys, how="left")
money = indicators["unit"].isin(["CNY", "USD"])
indicators["amount"] = indicators["value"].where(~money, indicators["value"] / 1e8)
indicators["amount_unit"] = indicators["unit"].replace({"CNY": "亿元", "USD": "亿美元"})
assert len(indicators) > 0, "no indicators"
assert indicators["growth_pct"].notna().any(), "no indicator has a growth rate"
indicator_table = (indicators[["region", "period", "subject", "amount", "amount_unit", "growth_pct"]]
                   .sort_values(["region", "period", "subject"], na_position="last")
                   .reset_index(drop=True))
indicator_table

# %%
per_region = (indicators.assign(region=indicators["region"].fillna("（未标注）"))
              .groupby("region")
              .agg(indicators=("subject", "size"), periods=("period", "nunique"),
                   with_growth=("growth_pct", "count"), mean_growth_pct=("growth_pct", "mean"))
              .sort_values("indicators", ascending=False))
per_region.round(1)

# %%
with_growth = indicators.dropna(subset=["growth_pct"]).copy()
with_growth["label"] = (with_growth["subject"] + "（" + with_growth["region"].fillna("未标注地区") + "，"
                        + with_growth["period"].fillna("时期未知") + "）")
chart = with_growth.reindex(with_growth["growth_pct"].abs().sort_values(ascending=False).index).head(TOP_GROWTH)
chart = chart.sort_values("growth_pct")
fig, ax = plt.subplots(figsize=(9, 0.3 * len(chart) + 1.2))
colors = ["#c44e52" if g < 0 else "#55a868" for g in chart["growth_pct"]]
bars = ax.barh(chart["label"], chart["growth_pct"], color=colors)
ax.bar_label(bars, labels=[f"{g:+.1f}%" for g in chart["growth_pct"]], padding=3, fontsize=8)
ax.axvline(0, color="black", linewidth=0.8)
ax.set_xlabel("增速（%）")
ax.set_title(f"指标增速：按地区和时期（变化最大的{len(chart)}项）")
ax.margins(x=0.15)
nbsupport.show(fig)

# %% [markdown]
# ## Facts by type
#
# `investment` (amounts invested in a project), `capacity` (production capacities),
# `indicator` (levels of economic indicators) and `percentage` (rates, shares and changes).

# %%
fact_counts = facts["fact_type"].value_counts().rename("facts").to_frame()
fact_counts["articles"] = facts.groupby("fact_type")["article_id"].nunique()
fact_counts["with_subject"] = facts.dropna(subset=["subject"]).groupby("fact_type").size()
assert fact_counts["facts"].sum() == len(facts)
fact_counts

# %%
facts_sites = facts.merge(articles[["article_id", "site"]], on="article_id", how="left")
type_by_site = pd.crosstab(facts_sites["site"], facts_sites["fact_type"])
type_by_site.assign(total=type_by_site.sum(axis=1)).sort_values("total", ascending=False)

# %%
fig, ax = plt.subplots(figsize=(6, 3))
type_names = {"investment": "投资", "capacity": "产能", "indicator": "经济指标", "percentage": "百分比"}
labels = [f"{type_names.get(t, t)}\n{t}" for t in fact_counts.index]
bars = ax.bar(labels, fact_counts["facts"], color="#8172b3")
ax.bar_label(bars, padding=2)
ax.set_ylabel("事实数")
ax.set_title("各类型事实数")
ax.margins(y=0.15)
nbsupport.show(fig)
