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
# # 04 · The questions of 01 in SQL (DuckDB)
#
# The same questions as `01_overview`, asked in SQL with DuckDB straight over the Parquet files
# of a run (no pandas in between): articles by site and month, duplicates and which sites copy
# which, investment by region and by month, the largest projects, growth rates by indicator and
# facts by type. Two small lookup tables come from Python: the region names of the codes
# (GB/T 2260, the gazetteer the pipeline uses) and the dated exchange rates of `rates_2024.csv`.
# Rules as in 01: originals only, `confidence >= 0.8` where grouping by subject, batches
# (签约项目, 20个重大产业项目) apart from projects, money in 亿元.
#
# `published_at` may be text (ISO 8601) or a timestamp in the Parquet file: it is cast to
# `TIMESTAMPTZ` and read in Beijing time either way.

# %% tags=["parameters"]
import os

OUTPUTS = os.environ.get("NEWSFACTS_OUTPUTS", "../outputs")  # folder written by `newsfacts run … --out`
MIN_CONFIDENCE = 0.8
TOP_PROJECTS = 15

# %%
import duckdb
import pandas as pd

import nbsupport

pd.set_option("display.max_colwidth", 60)
out_dir, tables = nbsupport.load_tables(OUTPUTS)  # the checks of every notebook; SQL reads the files
notes = nbsupport.check_tables(tables)
con = duckdb.connect()
con.execute("SET TimeZone = 'Asia/Shanghai'")
for name in ("articles", "facts", "projects", "duplicates"):
    # one file per table, or one per month in a large (partitioned) output: a glob reads both
    path = nbsupport.parquet_files(out_dir, name).replace("'", "''")
    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
codes = sorted({c for c in tables["facts"]["region_code"] if isinstance(c, str)})
con.register("region_names", pd.DataFrame({"region_code": codes, "region_name": nbsupport.region_names(codes)}))
con.register("rates", nbsupport.rates().reset_index()[["currency", "cny_per_unit", "date"]])
# RE2 (DuckDB's regex engine) has no Unicode \w: a batch name is matched with "no punctuation" instead
con.execute("CREATE TEMP TABLE settings AS SELECT ? AS min_confidence, ? AS batch_pattern",
            [MIN_CONFIDENCE, nbsupport.BATCH.pattern.replace("\\w", "[^，。；、]")])


def sql(query: str) -> pd.DataFrame:
    return con.sql(query).df()


print(f"{out_dir}: DuckDB {duckdb.__version__}")
sql("SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM facts) AS facts, "
    "(SELECT count(*) FROM projects) AS projects, (SELECT count(*) FROM duplicates) AS duplicates")

# %% [markdown]
# ## Articles by site and by month

# %%
con.execute("""
CREATE TEMP VIEW art AS
SELECT *, strftime(CAST(published_at AS TIMESTAMPTZ), '%Y-%m') AS month,
       duplicate_of IS NOT NULL AS is_duplicate
FROM articles
""")
sql("""
SELECT coalesce(site, '（未知网站）') AS site, count(*) AS articles, count(*) FILTER (is_duplicate) AS duplicates,
       count(*) FILTER (title IS NULL) AS untitled, min(month) AS first_month, max(month) AS last_month
FROM art GROUP BY ALL ORDER BY articles DESC, first_month
""")

# %%
sql("""
SELECT coalesce(month, '(no date)') AS month, articles,
       CAST(sum(articles) OVER (ORDER BY month NULLS LAST) AS BIGINT) AS cumulative
FROM (SELECT month, count(*) AS articles FROM art GROUP BY month)
ORDER BY month NULLS LAST
""")

# %% [markdown]
# ## Duplicates, and which sites copy which

# %%
sql("""
SELECT m.method, count(d.method) AS duplicates
FROM (VALUES ('url', 1), ('exact', 2), ('near', 3)) m(method, pos) LEFT JOIN duplicates d ON d.method = m.method
GROUP BY m.method, m.pos ORDER BY m.pos
""")

# %%
sql("""
SELECT c.site AS copying_site, o.site AS original_site, d.method, count(*) AS copies,
       round(avg(d.similarity), 3) AS mean_similarity
FROM duplicates d JOIN articles c ON c.article_id = d.article_id JOIN articles o ON o.article_id = d.duplicate_of
GROUP BY ALL ORDER BY copies DESC, copying_site
""")

# %% [markdown]
# ## Investment
#
# Investment facts of original articles with `confidence >= 0.8`, in 亿元 (foreign money at the
# rates of `rates_2024.csv`); a batch total (no project, or a name like 签约项目) is kept apart.

# %%
con.execute("""
CREATE TEMP VIEW investment AS
SELECT f.*, f.value * (CASE WHEN f.unit = 'CNY' THEN 1 ELSE r.cny_per_unit END) / 1e8 AS yi,
       f.unit <> 'CNY' AS converted,
       f.project_id IS NULL OR regexp_matches(coalesce(f.subject, ''), s.batch_pattern) AS batch
FROM facts f CROSS JOIN settings s LEFT JOIN rates r ON r.currency = f.unit
WHERE f.fact_type = 'investment' AND f.confidence >= s.min_confidence
  AND f.article_id IN (SELECT article_id FROM articles WHERE duplicate_of IS NULL)
  AND (f.unit = 'CNY' OR r.cny_per_unit IS NOT NULL)
""")
con.execute("""
CREATE TEMP VIEW per_project AS
SELECT * FROM (
  SELECT i.*, coalesce(p.name, i.subject) AS name, p.company, a.month,
         coalesce(n.region_name, '（地区未定）') AS region_name
  FROM investment i LEFT JOIN projects p ON p.project_id = i.project_id
       LEFT JOIN art a ON a.article_id = i.article_id LEFT JOIN region_names n ON n.region_code = i.region_code
  WHERE NOT i.batch
  QUALIFY row_number() OVER (PARTITION BY i.project_id ORDER BY i.yi DESC) = 1
) CROSS JOIN settings s
WHERE NOT regexp_matches(name, s.batch_pattern)
QUALIFY row_number() OVER (PARTITION BY name ORDER BY yi DESC) = 1
""")
sql("""
SELECT count(*) FILTER (NOT batch) AS project_facts, count(*) FILTER (batch) AS batch_totals,
       count(*) FILTER (converted) AS converted, (SELECT count(*) FROM per_project) AS projects
FROM investment
""")

# %%
sql("SELECT subject, metric, value, unit, round(yi, 2) AS 亿元, region FROM investment WHERE batch ORDER BY yi DESC")

# %% [markdown]
# By region and by month of publication (single projects, each once at its largest amount):

# %%
sql("""
SELECT region_name, round(sum(yi), 1) AS 亿元, count(*) AS projects, bool_or(converted) AS with_converted
FROM per_project GROUP BY ALL ORDER BY 亿元 DESC
""")

# %%
sql("""
SELECT month, round(sum(yi), 2) AS 亿元, count(*) AS projects
FROM per_project GROUP BY ALL ORDER BY month NULLS LAST
""")

# %% [markdown]
# ## The largest projects

# %%
sql(f"""
SELECT name, company, region_name, metric, value, unit, round(yi, 2) AS 亿元, confidence
FROM per_project ORDER BY yi DESC, name LIMIT {int(TOP_PROJECTS)}
""")

# %% [markdown]
# ## Growth rates by indicator
#
# `percentage` facts in `%` with a direction (`down` negative), confident, of original articles.

# %%
con.execute("""
CREATE TEMP VIEW growth AS
SELECT f.*, CASE WHEN f.direction = 'up' THEN f.value ELSE -f.value END AS growth_pct,
       coalesce(f.subject, '（未标注）') AS indicator, n.region_name
FROM facts f CROSS JOIN settings s LEFT JOIN region_names n ON n.region_code = f.region_code
WHERE f.fact_type = 'percentage' AND f.unit = '%' AND f.direction IN ('up', 'down')
  AND f.confidence >= s.min_confidence
  AND f.article_id IN (SELECT article_id FROM articles WHERE duplicate_of IS NULL)
""")
sql("""
SELECT indicator, count(*) AS n, round(min(growth_pct), 1) AS min, round(median(growth_pct), 1) AS median,
       round(max(growth_pct), 1) AS max
FROM growth GROUP BY ALL ORDER BY n DESC, indicator LIMIT 20
""")

# %% [markdown]
# One indicator over time per region: the indicator reported for the most region-and-period pairs.

# %%
sql("""
WITH counts AS (
  SELECT indicator, count(DISTINCT (region_name, coalesce(period, ''))) AS points
  FROM growth WHERE region_name IS NOT NULL GROUP BY ALL ORDER BY points DESC, indicator LIMIT 1
)
SELECT g.indicator, g.region_name, g.period, g.growth_pct
FROM growth g JOIN counts USING (indicator) WHERE g.region_name IS NOT NULL
ORDER BY g.region_name, g.period NULLS LAST
""")

# %% [markdown]
# ## Facts by type, checked against pandas

# %%
by_type = sql("""
SELECT fact_type, count(*) AS facts, count(DISTINCT article_id) AS articles,
       count(*) FILTER (confidence >= (SELECT min_confidence FROM settings)) AS confident
FROM facts GROUP BY ALL ORDER BY facts DESC, fact_type
""")
pandas_counts = tables["facts"]["fact_type"].value_counts()
assert dict(zip(by_type["fact_type"], by_type["facts"])) == pandas_counts.to_dict(), "SQL and pandas disagree"
if by_type.empty:
    print("no facts in this run")
by_type
