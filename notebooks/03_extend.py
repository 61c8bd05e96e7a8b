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
# # 03 · Extending the pipeline: dictionary words, site overrides and triggers
#
# Two things a researcher can change without touching the code, both through a config file
# given with `newsfacts run --config my.toml`:
#
# 1. **words for jieba**: a user dictionary (one `word [frequency] [part of speech]` a line)
#    keeps names and terms in one piece;
# 2. **a site override**: CSS selectors under `[sites."host"]` tell the extractor where the
#    title, body, date and source are on one site, and which blocks to remove.
#
# Then one page is run again through the whole per-page pipeline with the new config, to see
# what changes in its row, its tokens and its facts. Last, **a trigger word** (the word before a
# figure that makes it an investment): triggers are code, not configuration, so section 4
# shows the facts of a sentence before and after adding one, in this kernel only, and where to
# make the change for a run. Everything is written to a temporary
# folder: the repository and the outputs folder are not changed.

# %% tags=["parameters"]
import os

OUTPUTS = os.environ.get("NEWSFACTS_OUTPUTS", "../outputs")  # folder written by `newsfacts run … --out`
PAGE = "../corpora/samples/portal-163/DS7K2Q8R000189FH.html"  # a saved page (of the corpus, or not)
PAGE_URL = "https://news.163.com/18/0921/09/DS7K2Q8R000189FH.html"  # its URL when the outputs lack the page
CORPUS = "../corpora/samples"  # folder the run read (locations in the tables are relative to it)
NEW_WORDS = ["芯湃 1000 nz", "芯湃半导体 1000 nt", "大江东 1000 ns", "产业集聚区 1000 n", "晶圆制造 1000 n"]
SITE_HOST = "news.163.com"
SITE_RULES = '''
body = "div#endText"
# the portal's 编者按 and its footer are not part of the syndicated story
remove = ['div#endText p:-soup-contains("编者按")', "div.ep-source"]
'''
NEW_TRIGGER = "斥资"  # a word that, before an amount, makes it an investment
TRIGGER_TEXT = ("宁波恒远智能科技有限公司斥资12亿元，在北仑区建设智能仓储物流基地项目，预计明年投产。"
                "该公司去年营业收入8.6亿元，同比增长12.4%。")

# %%
import dataclasses
import tempfile
from pathlib import Path

import pandas as pd

import nbsupport
import pipeline
from pipeline.config import default_settings
from pipeline.nlp.language import segment
from pipeline.nlp.segmenter import load_user_dicts
from pipeline.records import RawPage
from pipeline.store.minhash import shingles

pd.set_option("display.max_colwidth", 120)
out_dir, tables = nbsupport.load_tables(OUTPUTS)
notes = nbsupport.check_tables(tables)
articles, facts = tables["articles"], tables["facts"]

page = Path(PAGE).resolve()
location = page.relative_to(Path(CORPUS).resolve()).as_posix()
raw = page.read_bytes()
row = articles[articles["location"] == location]
if len(row) == 1:
    row = row.iloc[0]
    url = row["url"] if isinstance(row["url"], str) else None
else:
    # outputs of another corpus: the page is run with the shipped defaults to stand for its row
    print(f"{location} is not in {out_dir} (a run of another corpus): its row comes from a run with the defaults")
    url = PAGE_URL
    stand_in = pipeline.process_page(RawPage(location=location, body=raw, url=url), default_settings()).article
    row = pd.Series({"article_id": stand_in.article_id, "url": url, "content": stand_in.content,
                     "tokens": list(stand_in.tokens), "n_chars": stand_in.n_chars, "duplicate_of": None})
work = Path(tempfile.mkdtemp(prefix="newsfacts-extend-"))
print(f"tables {out_dir}\npage {location} ({len(raw):,} bytes), url {url}\nscratch folder {work}")

# %% [markdown]
# ## 1 · Words for the jieba dictionary
#
# Company short names and place names that jieba does not know are cut into pieces
# (大江东 → 大 / 江东), and a fact's subject or a search over `tokens` then misses them. A user
# dictionary fixes that. `pipeline.nlp.segmenter.load_user_dicts` adds dictionaries to jieba in this
# process; in a run they come from `[segment] user_dicts` in the config.

# %%
sentences = [p for p in row["content"].split("\n") if any(w.split()[0] in p for w in NEW_WORDS)][:3]
assert sentences, "none of NEW_WORDS occurs in the page: choose words of this page"
seg_before = [segment(s) for s in sentences]

user_dict = work / "my-terms.txt"
user_dict.write_text("\n".join(NEW_WORDS) + "\n", encoding="utf-8")
loaded = load_user_dicts([user_dict])
assert loaded == [user_dict]
seg_after = [segment(s) for s in sentences]

segmentation = pd.DataFrame({"before": [" / ".join(t) for t in seg_before], "after": [" / ".join(t) for t in seg_after]})
assert (segmentation["before"] != segmentation["after"]).any(), "the dictionary changed nothing"
segmentation

# %%
new_terms = [w.split()[0] for w in NEW_WORDS]
pd.DataFrame({
    "word": new_terms,
    "whole before": [any(w in toks for toks in seg_before) for w in new_terms],
    "whole after": [any(w in toks for toks in seg_after) for w in new_terms],
})

# %% [markdown]
# ## 2 · A site override
#
# The generic extractor takes the largest text block of the page. On this portal page that
# block starts with the portal's own 编者按 (editor's note), which is not part of the story it
# syndicates. A site override names the body element and removes the note. Sites are matched
# by the host of the page URL (with or without `www.`); the selectors are those of
# BeautifulSoup (`:-soup-contains()` matches an element by its text).

# %%
config_path = work / "my-config.toml"
config_path.write_text(
    "[segment]\n"
    f"user_dicts = [{str(nbsupport.REPO / 'corpora/dicts/economy.txt')!r}, {str(user_dict)!r}]\n\n"
    f'[sites."{SITE_HOST}"]{SITE_RULES}',
    encoding="utf-8",
)
print(config_path.read_text(encoding="utf-8"))
settings = pipeline.load_settings(config_path)
assert settings.site_rules(SITE_HOST).body

# %%
default_article = pipeline.extract_article(raw, url, location=location, settings=default_settings())
site_article = pipeline.extract_article(raw, url, location=location, settings=settings)
fields = ["title", "original_title", "published_at", "source_name", "authors", "editor", "n_chars"]
comparison = pd.DataFrame({
    "default": [getattr(default_article, f) for f in fields] + [default_article.content.split("\n")[0]],
    "with the site override": [getattr(site_article, f) for f in fields] + [site_article.content.split("\n")[0]],
}, index=fields + ["first paragraph"])
comparison["changed"] = comparison["default"].astype(str) != comparison["with the site override"].astype(str)
assert comparison["changed"].any(), "the site override changed nothing"
assert default_article.content == row["content"], "extract_article no longer gives the body of the run"
comparison

# %%
removed = [p for p in default_article.content.split("\n") if p not in site_article.content.split("\n")]
added = [p for p in site_article.content.split("\n") if p not in default_article.content.split("\n")]
pd.DataFrame({"paragraph": removed + added, "": ["removed"] * len(removed) + ["added"] * len(added)})

# %% [markdown]
# ## 3 · The page run again
#
# `pipeline.process_page` is the whole per-page pipeline of a run (decode, extract,
# segment, facts, near-duplicate signature). Run with the new settings, it gives what
# `newsfacts run --config my-config.toml` would now store for this page; run with the shipped
# defaults, what the run stored. (The facts table keeps the facts of an original article only,
# so for a duplicate page like this one the defaults run stands in for the table.) The page's
# `tokens` before come from the outputs: jieba's dictionary is process-wide, so in this kernel
# the new words now apply to every pipeline.

# %%
raw_page = RawPage(location=location, body=raw, url=url)
before = pipeline.process_page(raw_page, default_settings())
after = pipeline.process_page(raw_page, settings)
assert before.article.article_id == after.article.article_id == row["article_id"], "the page changed its id"
assert before.article.content == row["content"], "the defaults no longer give the body of the run"
assert len(after.facts) > 0, "the rerun found no facts"

old_facts = pd.DataFrame([dataclasses.asdict(f) for f in before.facts])
new_facts = pd.DataFrame([dataclasses.asdict(f) for f in after.facts])
old_tokens, new_tokens = list(row["tokens"]), list(after.article.tokens)

def jaccard_to_original(text: str) -> float | None:
    """Jaccard of character 5-gram shingles with the original, when the page is a duplicate."""
    if not isinstance(row["duplicate_of"], str):
        return None
    k = default_settings().dedupe.shingle_size
    a, b = shingles(text, k), shingles(articles.set_index("article_id").at[row["duplicate_of"], "content"], k)
    return round(len(a & b) / len(a | b), 3)


pd.DataFrame({
    "before": [row["n_chars"], len(old_tokens), sum(t in old_tokens for t in new_terms), len(old_facts),
               jaccard_to_original(before.article.content)],
    "after": [after.article.n_chars, len(new_tokens), sum(t in new_tokens for t in new_terms), len(new_facts),
              jaccard_to_original(after.article.content)],
}, index=["characters", "tokens", "new words found whole", "facts", "similarity to the original"], dtype=object)

# %%
print("tokens new in the rerun:", sorted(set(new_tokens) - set(old_tokens)))
print("tokens gone:", sorted(set(old_tokens) - set(new_tokens)))

# %% [markdown]
# The facts themselves: the figures are the same (the 编者按 has none), but their evidence
# offsets moved with the body, and `content[char_start:char_end] == raw_text` still holds.

# %%
for result in (before, after):
    assert all(result.article.content[f.char_start:f.char_end] == f.raw_text for f in result.facts)
key = ["fact_type", "subject", "metric", "value", "unit", "raw_text"]
facts_diff = old_facts[key + ["char_start"]].merge(
    new_facts[key + ["char_start"]], on=key, how="outer", suffixes=(" before", " after"), indicator="in")
facts_diff["in"] = facts_diff["in"].map({"left_only": "only before", "right_only": "only after", "both": "both"})
facts_diff.sort_values(["in", "char_start after"])

# %% [markdown]
# ## 4 · A trigger word
#
# Whether an amount is an investment is decided by the words right before it, matched by the
# regular expression `INVEST_TRIGGER` in `pipeline/facts/rules.py` (计划总投资, 总投资, 首期投入,
# 投资, 注资 …; capacities by `CAPACITY_TRIGGER`, growth rates by `RATE_TRIGGER` in
# `pipeline/facts/phrases.py`). They are not read from the config: to change them for a run,
# add the word to the regex in `rules.py`, with a line in its doctests or in `tests/facts/` (see
# ARCHITECTURE.md "Where to go for a change"). Here the module's regex is replaced in this kernel
# only, to see what the word changes, and put back afterwards.
#
# Without the trigger, 斥资12亿元 is read as an indicator of a subject cut out of the company
# name; with it, an investment of the project named in the clause.

# %%
import re

import pipeline.facts.rules as rules

fact_columns = ["fact_type", "subject", "metric", "value", "unit", "direction", "confidence", "raw_text"]


def facts_of(text: str) -> pd.DataFrame:
    found = pipeline.extract_facts(text, "2023-05-01")
    return pd.DataFrame([dataclasses.asdict(f) for f in found], columns=fact_columns)[fact_columns]


shipped_trigger = rules.INVEST_TRIGGER
assert not shipped_trigger.search(NEW_TRIGGER), f"{NEW_TRIGGER} is a trigger already"
trigger_before = facts_of(TRIGGER_TEXT)
try:
    rules.INVEST_TRIGGER = re.compile(shipped_trigger.pattern.replace("(", f"({re.escape(NEW_TRIGGER)}|", 1))
    trigger_after = facts_of(TRIGGER_TEXT)
finally:
    rules.INVEST_TRIGGER = shipped_trigger  # the kernel is as it was
assert facts_of(TRIGGER_TEXT).equals(trigger_before), "the shipped trigger was not put back"

trigger_diff = trigger_before.merge(trigger_after, on=["raw_text", "value", "unit"], how="outer",
                                    suffixes=(" before", " after"))
trigger_diff["changed"] = ((trigger_diff["fact_type before"] != trigger_diff["fact_type after"])
                           | (trigger_diff["subject before"] != trigger_diff["subject after"]))
assert trigger_diff["changed"].any(), f"adding {NEW_TRIGGER} changed no fact"
print(TRIGGER_TEXT)
trigger_diff[["raw_text", "fact_type before", "fact_type after", "subject before", "subject after",
              "metric before", "metric after", "confidence before", "confidence after", "changed"]]

# %% [markdown]
# The scratch folder (dictionary and config) is removed; copy the two files from the cells
# above into your own config to keep them.

# %%
import shutil

shutil.rmtree(work)
assert not work.exists()
