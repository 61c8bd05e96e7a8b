"""newsfacts: Chinese news pages in, research tables of investment and economic facts out.

The public names below are the ones notebooks and scripts use (``pipeline.extract_article``,
``pipeline.load_outputs`` ...); the stages live in sub-packages (see ARCHITECTURE.md).  Each
name is loaded from its module on first use (PEP 562), so that ``import pipeline`` and
``newsfacts --help`` do not load the whole pipeline.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> the module that defines it
_PUBLIC = {
    "Article": "pipeline.records",
    "Fact": "pipeline.records",
    "PageResult": "pipeline.records",
    "Project": "pipeline.records",
    "RawPage": "pipeline.records",
    "Settings": "pipeline.config",
    "Skip": "pipeline.errors",
    "decode_html": "pipeline.extract.decode",
    "extract_article": "pipeline.extract.article",
    "extract_facts": "pipeline.nlp.language",
    "get_nlp": "pipeline.nlp.language",
    "load_outputs": "pipeline.store.export",
    "load_settings": "pipeline.config",
    "parse_quantities": "pipeline.facts.quantities",
    "process_page": "pipeline.page",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
