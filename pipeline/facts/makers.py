"""How the fact reader makes its records: with a ``Maker`` of ``_slots.c`` (the slots filled in
C, a few hundred machine instructions per Fact) when that extension was built with the compiled
rules (pipeline/compiled.py), else with :func:`pipeline.records.new_fact` and
:func:`~pipeline.records.new_project`.  Both take every field, by position in the order of the
class's fields or by name, and make what the class makes (tests/facts/test_makers.py).

>>> made = make_fact("investment", 5e8, "CNY", "5亿元", 3, 6, "", "某某项目", None, None, None, None, None,
...                  "exact", None, None, None, None, None, None)
>>> made == Fact("investment", 5e8, "CNY", "5亿元", 3, 6, subject="某某项目")
True
"""
from __future__ import annotations

import importlib
from dataclasses import fields
from typing import Any, Callable, Final

from pipeline.records import Fact, Project, new_fact, new_project


def _maker(cls: type, fallback: Callable) -> Any:
    """The C maker of ``cls`` when ``pipeline.facts._slots`` was built, else ``fallback``."""
    try:
        slots = importlib.import_module("pipeline.facts._slots")
    except ImportError:
        return fallback
    return slots.Maker(cls, tuple(f.name for f in fields(cls)))


make_fact: Final[Callable[..., Fact]] = _maker(Fact, new_fact)
make_project: Final[Callable[..., Project]] = _maker(Project, new_project)
