"""newsfacts: Chinese news pages in, research tables of investment and economic facts out.

Heavy modules (spaCy, pandas, pyarrow) are imported only when the function
that needs them is first used, so that ``newsfacts --help`` stays fast.
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "extract_article": "pipeline.article",
    "decode_html": "pipeline.decode",
    "parse_quantities": "pipeline.quantities",
    "extract_facts": "pipeline.nlp",
    "get_nlp": "pipeline.nlp",
    "load_outputs": "pipeline.export",
    "RawPage": "pipeline.records",
    "Article": "pipeline.records",
    "Fact": "pipeline.records",
    "Project": "pipeline.records",
    "Skip": "pipeline.errors",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
