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
# # 02 · Evidence: where the numbers come from
#
# Every fact keeps the sentence it was read from and its offsets in the article body
# (`content[char_start:char_end] == raw_text`). This notebook puts that evidence in front of a
# reader:
#
# 1. one article with its facts highlighted in the text;
# 2. one cluster of duplicates side by side: the original and its copies;
# 3. a random sample of facts with their sentences, to spot-check by hand;
# 4. the run scored against the hand-annotated gold file with `newsfacts evaluate`.
#
# Only text extracted by the pipeline is shown, escaped: never the scraped HTML.

# %% tags=["parameters"]
import os

OUTPUTS = os.environ.get("NEWSFACTS_OUTPUTS", "../outputs")  # folder written by `newsfacts run … --out`
ARTICLE_ID = None  # article to highlight; None: an original article with facts of every type
SAMPLE_SIZE = 15  # facts in the spot-check sample
SEED = 20240601  # the sample is the same on every run with the same tables
GOLD = "../corpora/gold/samples.jsonl"  # gold of corpora/samples; None if OUTPUTS holds another corpus

# %%
import html
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display
from spacy import displacy

import nbsupport
import pipeline

pd.set_option("display.max_colwidth", 120)
out_dir = nbsupport.outputs_dir(OUTPUTS)
tables = pipeline.load_outputs(out_dir)
nbsupport.check_tables(tables)
articles, facts, duplicates = tables["articles"], tables["facts"], tables["duplicates"]
by_id = articles.set_index("article_id")
print(f"{out_dir}: {len(articles)} articles, {len(facts)} facts, {len(duplicates)} duplicates")

# %% [markdown]
# ## 1 · One article with its facts highlighted
#
# The article body goes through the same spaCy pipeline as in a run (`pipeline.get_nlp()`:
# jieba segmentation, sentences, the `newsfacts_facts` component), with its publication date so
# that relative periods (今年1至8月) resolve as they did in the run. The component puts its
# findings in the span group `doc.spans["facts"]`: the figures (MONEY, PERCENT, QUANTITY) and
# the names they are linked to (PROJECT, ORG, GPE). displacy draws the spans under the
# tokens; the spaces between words are jieba's token boundaries.

# %%
originals = articles[articles["duplicate_of"].isna()]
if ARTICLE_ID is None:
    # the article with facts of the most types, then with the most facts (ties: article_id order)
    per_article = (facts[facts["article_id"].isin(originals["article_id"])]
                   .groupby("article_id").agg(types=("fact_type", "nunique"), n=("fact_id", "size")))
    ARTICLE_ID = per_article.sort_values(["types", "n"], ascending=False, kind="stable").index[0]
article = by_id.loc[ARTICLE_ID]
article_facts = facts[facts["article_id"] == ARTICLE_ID].sort_values("char_start")
assert len(article_facts) > 0, f"article {ARTICLE_ID} has no facts"
print(f"{ARTICLE_ID}  {article['title']}  ({article['site']}, {article['published_at']}, {len(article_facts)} facts)")

# %%
nlp = pipeline.get_nlp()
doc = nlp(article["content"], component_cfg={"newsfacts_facts": {"published_at": article["published_at"]}})
spans = doc.spans["facts"]
# the pipeline run now must find what the run wrote to the table
assert len(doc._.facts) == len(article_facts), (len(doc._.facts), len(article_facts))
assert {(f.char_start, f.char_end) for f in doc._.facts} == set(zip(article_facts["char_start"], article_facts["char_end"]))
assert {"MONEY", "PERCENT", "QUANTITY"} & {s.label_ for s in spans}, "no figure span"
colors = {"MONEY": "#f4b183", "PERCENT": "#a9d18e", "QUANTITY": "#9dc3e6",
          "PROJECT": "#ffd966", "ORG": "#c9b3e6", "GPE": "#d9d9d9"}
rendered = displacy.render(doc, style="span", options={"spans_key": "facts", "colors": colors}, jupyter=False)
display(HTML(f"<h3>{html.escape(article['title'])}</h3>" + rendered))

# %%
pd.Series({label: sum(s.label_ == label for s in spans) for label in colors}, name="spans").to_frame().T

# %% [markdown]
# The same facts as rows of the `facts` table:

# %%
article_facts[["fact_type", "subject", "metric", "value", "unit", "per", "product", "direction",
               "region", "period", "raw_text"]]

# %% [markdown]
# ## 2 · A duplicate cluster side by side
#
# The original (the earliest-published copy) and every article marked as its duplicate, with
# the method and similarity that decided it. The cluster shown is the one with the most
# copies. Syndicated copies typically change the title, add an 编者按 or drop a paragraph.

# %%
assert len(duplicates) > 0, "no duplicates in this run: nothing to compare"
cluster_sizes = duplicates.groupby("duplicate_of").size()
original_id = cluster_sizes[cluster_sizes == cluster_sizes.max()].sort_index().index[0]
copies = duplicates[duplicates["duplicate_of"] == original_id].sort_values("similarity", ascending=False)


def first_paragraphs(text: str, n: int = 3, width: int = 400) -> str:
    paras = [p.strip() for p in text.split("\n") if p.strip()][:n]
    joined = "\n\n".join(paras)
    return joined if len(joined) <= width else joined[:width] + "…"


columns = {}
for role, aid, method, sim in [("original", original_id, "", 1.0)] + [
        (f"copy {i}", r.article_id, r.method, r.similarity) for i, r in enumerate(copies.itertuples(), 1)]:
    a = by_id.loc[aid]
    columns[f"{role}: {aid}"] = {
        "title": a["title"], "site": a["site"], "published_at": a["published_at"], "url": a["url"],
        "method": method or "—", "similarity": f"{sim:.3f}", "characters": a["n_chars"],
        "first paragraphs": first_paragraphs(a["content"]),
    }
side_by_side = pd.DataFrame(columns)
assert len(side_by_side.columns) >= 2
(side_by_side.style
 .format(escape="html")
 .set_properties(**{"white-space": "pre-wrap", "text-align": "left", "vertical-align": "top", "min-width": "18em"}))

# %% [markdown]
# ## 3 · Facts to spot-check
#
# A random sample of facts (fixed seed, so the same rows come back for the same tables), each
# with its sentence; the figure is marked 【like this】 where it was read. Check that the value,
# unit and subject are what the sentence says. The offsets of every fact are checked first.

# %%
def figure_in_body(row) -> bool:
    return by_id.at[row["article_id"], "content"][row["char_start"]:row["char_end"]] == row["raw_text"]


bad_offsets = facts[~facts.apply(figure_in_body, axis=1)]
assert bad_offsets.empty, f"{len(bad_offsets)} facts whose offsets do not give their raw_text"
assert facts.apply(lambda r: r["raw_text"] in r["sentence"], axis=1).all(), "a raw_text not in its sentence"

sample = facts.sample(n=min(SAMPLE_SIZE, len(facts)), random_state=SEED).copy()
sample["evidence"] = [s.replace(t, f"【{t}】", 1) for s, t in zip(sample["sentence"], sample["raw_text"])]
sample["title"] = sample["article_id"].map(by_id["title"])
review = sample[["fact_id", "fact_type", "subject", "metric", "value", "unit", "period", "evidence", "title"]]
review = review.assign(ok="").reset_index(drop=True)
review

# %% [markdown]
# ## 4 · Scoring the run against gold
#
# `newsfacts evaluate` compares the outputs with the hand annotations of `corpora/gold/`. A
# fact counts as found when type, value and unit match on the same page; **strict** also
# requires the subject, **loose** does not.

# %%
if GOLD is None:
    print("GOLD is None: no gold file for these outputs, nothing scored")
    scores = None
else:
    gold = Path(GOLD).resolve()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "evaluate", "--gold", str(gold), "--pred", str(out_dir), "--json"],
        capture_output=True, text=True, encoding="utf-8", cwd=nbsupport.REPO, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    scores = json.loads(proc.stdout)
    assert scores["n_articles"] > 0 and scores["facts"]["strict"]["all"]["gold"] > 0, "empty gold or predictions"
    assert scores["facts"]["loose"]["all"]["tp"] > 0, "no fact matches the gold: were these outputs made from corpora/samples?"
    per_type = pd.concat({mode: pd.DataFrame(scores["facts"][mode]).T for mode in ("strict", "loose")}, axis=1)
    per_type = per_type.astype({(m, c): int for m in ("strict", "loose") for c in ("tp", "pred", "gold")})
    display(per_type)

# %%
if scores is not None:
    summary = pd.Series({**{f"metadata: {k}": v for k, v in scores["metadata"].items()},
                         "body character F1": scores["body_f1"],
                         **{f"duplicates: {k}": v for k, v in scores["duplicates"].items()}}, name="score")
    display(summary.to_frame())

# %% [markdown]
# What the evaluation could not match, page by page: facts in the gold that the run missed, and
# facts the run found that the gold does not have.

# %%
if scores is not None:
    misses = pd.DataFrame(scores["misses"], columns=["location", "fact_type", "subject", "value", "unit", "evidence"])
    false_facts = pd.DataFrame(scores["false_facts"],
                               columns=["location", "fact_type", "subject", "value", "unit", "sentence"])
    display(HTML(f"<h4>missed ({len(misses)})</h4>"), misses, HTML(f"<h4>false ({len(false_facts)})</h4>"), false_facts)
