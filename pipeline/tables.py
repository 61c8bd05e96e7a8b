"""The output tables of ../shared/SCHEMA.md: column names, order and types.

This is the contract researchers and notebooks read; a column is renamed or
removed only with an entry in CHANGELOG.md.  Columns may be added at the end.
Every column is described in docs/tables.md (tests/test_data_dictionary.py checks both ways).
"""
from __future__ import annotations

# (column, kind).  The kind gives the Parquet type and the dtype ``load_outputs`` returns; the CSV
# holds every column as text.
#   str       text                                 Arrow string             pandas str
#   category  text from a small vocabulary         dictionary<int32,string> category
#   datetime  ISO 8601 text, +08:00 or a bare date  timestamp[us, +08:00]    datetime64[us, UTC+08:00]
#   tokens    list of str (CSV: joined by spaces)   list<string>             object (arrays of str)
#   int       integer, never empty                 int64                    int64
#   float     number, never empty                  double                   float64
#   float?    number or empty                      double                   Float64
#   bool      true/false or empty                  bool                     boolean
ARTICLES = [
    ("article_id", "str"), ("location", "str"), ("url", "str"), ("site", "str"), ("title", "str"),
    ("original_title", "str"), ("published_at", "datetime"), ("source_name", "str"), ("authors", "str"),
    ("editor", "str"), ("content", "str"), ("tokens", "tokens"), ("n_chars", "int"),
    ("content_sha1", "str"), ("duplicate_of", "str"), ("dup_similarity", "float?"), ("fetched_at", "str"),
    ("economic", "bool"), ("published_precision", "category"),
]
FACTS = [
    ("fact_id", "str"), ("article_id", "str"), ("fact_type", "category"), ("subject", "str"),
    ("project_id", "str"), ("metric", "str"), ("value", "float"), ("value_max", "float?"), ("unit", "category"),
    ("per", "category"), ("product", "str"), ("direction", "category"), ("approx", "category"), ("region", "str"),
    ("period", "str"), ("raw_text", "str"), ("sentence", "str"), ("char_start", "int"), ("char_end", "int"),
    ("region_code", "str"), ("confidence", "float?"),
]
PROJECTS = [
    ("project_id", "str"), ("article_id", "str"), ("name", "str"), ("company", "str"), ("region", "str"),
    ("status", "str"), ("total_investment", "float?"), ("currency", "category"), ("capacity", "float?"),
    ("capacity_unit", "category"), ("product", "str"), ("stage", "category"),
]
DUPLICATES = [("article_id", "str"), ("duplicate_of", "str"), ("method", "category"), ("similarity", "float")]

TABLES = {"articles": ARTICLES, "facts": FACTS, "projects": PROJECTS, "duplicates": DUPLICATES}

# The closed vocabularies of the category columns, in this order as categories (a value outside
# them, from a newer extractor, is kept and added after them).  unit, currency and capacity_unit
# are open (any unit of facts/units.py): their categories are the values present, sorted.
VOCABULARIES = {
    "published_precision": ("day", "minute"),
    "fact_type": ("investment", "capacity", "indicator", "percentage"),
    "per": ("year", "month", "day"),
    "direction": ("up", "down"),
    "approx": ("exact", "about", "over", "under", "at_least"),
    "stage": ("signed", "approved", "started", "building", "completed", "operating"),
    "method": ("url", "exact", "near"),
}

# The +08:00 of published_at, the offset every date of the tables is in (China Standard Time).
UTC_OFFSET = "+08:00"
