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
GOLD = "../corpora/gold/samples.jsonl"  # gold of corpora/samples; skipped when OUTPUTS holds none of its pages

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
out_dir, tables = nbsupport.load_tables(OUTPUTS)
notes = nbsupport.check_tables(tables)
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
# the names they are linked to (PROJECT, ORG, GPE). They are handed to displacy in its manual
# format (tokens and token spans), which draws the spans under the tokens; the spaces between
# words are jieba's token boundaries. A run without facts has nothing to highlight and says so.

# %%
originals = articles[articles["duplicate_of"].isna()]
candidates = facts[facts["article_id"].isin(originals["article_id"])]
if ARTICLE_ID is None and len(candidates):
    # the article with facts of the most types, then with the most facts (ties: article_id order)
    per_article = candidates.groupby("article_id").agg(types=("fact_type", "nunique"), n=("fact_id", "size"))
    ARTICLE_ID = per_article.sort_values(["types", "n"], ascending=False, kind="stable").index[0]
if ARTICLE_ID is None:
    print("no facts in this run: no article to highlight")
    article_facts = facts.iloc[:0]
else:
    article = by_id.loc[ARTICLE_ID]
    title = article["title"] if isinstance(article["title"], str) else "（无标题）"
    article_facts = facts[facts["article_id"] == ARTICLE_ID].sort_values("char_start")
    print(f"{ARTICLE_ID}  {title}  ({article['site']}, {article['published_at']}, {len(article_facts)} facts)")

# %%
colors = {"MONEY": "#f4b183", "PERCENT": "#a9d18e", "QUANTITY": "#9dc3e6",
          "PROJECT": "#ffd966", "ORG": "#c9b3e6", "GPE": "#d9d9d9"}
spans = []
if ARTICLE_ID is not None:
    nlp = pipeline.get_nlp()
    published = nbsupport.published_text(article["published_at"], article["published_precision"])
    doc = nlp(article["content"], component_cfg={"newsfacts_facts": {"published_at": published}})
    spans = doc.spans["facts"]
    # the pipeline run now must find what the run wrote to the table
    assert len(doc._.facts) == len(article_facts), (len(doc._.facts), len(article_facts))
    assert ({(f.char_start, f.char_end) for f in doc._.facts}
            == set(zip(article_facts["char_start"], article_facts["char_end"])))
    assert {"MONEY", "PERCENT", "QUANTITY"} & {s.label_ for s in spans}, "no figure span"
    manual = {"text": doc.text, "tokens": [t.text for t in doc],
              "spans": [{"start_token": s.start, "end_token": s.end, "label": s.label_} for s in spans]}
    rendered = displacy.render(manual, style="span", manual=True, options={"colors": colors}, jupyter=False)
    display(HTML(f"<h3>{html.escape(title)}</h3>" + rendered))

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
def first_paragraphs(text: str, n: int = 3, width: int = 400) -> str:
    paras = [p.strip() for p in text.split("\n") if p.strip()][:n]
    joined = "\n\n".join(paras)
    return joined if len(joined) <= width else joined[:width] + "…"


side_by_side = pd.DataFrame()
if duplicates.empty:
    print("no duplicates in this run: nothing to compare")
else:
    cluster_sizes = duplicates.groupby("duplicate_of").size()
    original_id = cluster_sizes[cluster_sizes == cluster_sizes.max()].sort_index().index[0]
    copies = duplicates[duplicates["duplicate_of"] == original_id].sort_values("similarity", ascending=False)

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
    display(side_by_side.style
            .format(escape="html", na_rep="—")
            .set_properties(**{"white-space": "pre-wrap", "text-align": "left", "vertical-align": "top",
                               "min-width": "18em"}))

# %% [markdown]
# ## 3 · Facts to spot-check
#
# A random sample of facts (fixed seed, so the same rows come back for the same tables), each
# with its sentence; the figure is marked 【like this】 where it was read. Check that the value,
# unit and subject are what the sentence says. The offsets of every fact are checked first.

# %%
def figure_in_body(row) -> bool:
    return by_id.at[row["article_id"], "content"][row["char_start"]:row["char_end"]] == row["raw_text"]


if facts.empty:
    print("no facts in this run: nothing to spot-check")
else:
    bad_offsets = facts[~facts.apply(figure_in_body, axis=1).astype(bool)]
    assert bad_offsets.empty, f"{len(bad_offsets)} facts whose offsets do not give their raw_text"
    assert all(t in s for t, s in zip(facts["raw_text"], facts["sentence"])), "a raw_text not in its sentence"

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
gold = Path(GOLD).resolve() if GOLD else None
gold_locations = ({json.loads(line)["location"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()}
                  if gold else set())
if not gold_locations & set(articles["location"]):
    print(f"the gold file {GOLD} holds none of the pages of these outputs: nothing scored")
    scores = None
else:
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
