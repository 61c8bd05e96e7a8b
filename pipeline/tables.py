"""The output tables of ../shared/SCHEMA.md: column names, order and Parquet types.

This is the contract researchers and notebooks read; a column is renamed or
removed only with an entry in CHANGELOG.md.  Columns may be added at the end.
"""
from __future__ import annotations

# (column, type) with type one of: str, int, float, bool, tokens (list of str)
ARTICLES = [
    ("article_id", "str"), ("location", "str"), ("url", "str"), ("site", "str"), ("title", "str"),
    ("original_title", "str"), ("published_at", "str"), ("source_name", "str"), ("authors", "str"),
    ("editor", "str"), ("content", "str"), ("tokens", "tokens"), ("n_chars", "int"),
    ("content_sha1", "str"), ("duplicate_of", "str"), ("dup_similarity", "float"), ("fetched_at", "str"),
    ("economic", "bool"),
]
FACTS = [
    ("fact_id", "str"), ("article_id", "str"), ("fact_type", "str"), ("subject", "str"),
    ("project_id", "str"), ("metric", "str"), ("value", "float"), ("value_max", "float"), ("unit", "str"),
    ("per", "str"), ("product", "str"), ("direction", "str"), ("approx", "str"), ("region", "str"),
    ("period", "str"), ("raw_text", "str"), ("sentence", "str"), ("char_start", "int"), ("char_end", "int"),
    ("region_code", "str"), ("confidence", "float"),
]
PROJECTS = [
    ("project_id", "str"), ("article_id", "str"), ("name", "str"), ("company", "str"), ("region", "str"),
    ("status", "str"), ("total_investment", "float"), ("currency", "str"), ("capacity", "float"),
    ("capacity_unit", "str"), ("product", "str"), ("stage", "str"),
]
DUPLICATES = [("article_id", "str"), ("duplicate_of", "str"), ("method", "str"), ("similarity", "float")]

TABLES = {"articles": ARTICLES, "facts": FACTS, "projects": PROJECTS, "duplicates": DUPLICATES}
