"""The makers of the fact reader's records (pipeline/facts/makers.py): the C ``Maker`` of
pipeline/facts/_slots.c, loaded from the build of the current sources, makes what the class
makes, field by field and object by object; it refuses calls and classes it cannot serve; and
the suite's Python modules fall back to records.new_fact / new_project."""
from __future__ import annotations

import gc
import pickle
import sys
from dataclasses import dataclass, fields

import pytest

from pipeline.facts import makers
from pipeline.records import Fact, Project, new_fact, new_project
from tests.extract.built import built_extension


@pytest.fixture(scope="module")
def slots():
    return built_extension("_slots", "pipeline.facts")


def _names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _distinct_values(cls) -> dict:
    """A value of its own for every field (strings made at run time: no two fields share one)."""
    return {f.name: "".join(["value of ", f.name]) for f in fields(cls)}


@pytest.mark.parametrize("cls", [Fact, Project])
def test_a_maker_makes_what_the_class_makes(slots, cls):
    make = slots.Maker(cls, _names(cls))
    values = _distinct_values(cls)
    by_class = cls(**values)
    for made in (make(**values), make(*values.values()), make(*list(values.values())[:3], **dict(list(values.items())[3:]))):
        assert type(made) is cls and made == by_class and hash(made) == hash(by_class)
        for name, value in values.items():
            assert getattr(made, name) is value  # the very object given, in its own field
        assert pickle.loads(pickle.dumps(made)) == by_class
        assert gc.is_tracked(made) == gc.is_tracked(by_class)
        with pytest.raises(AttributeError):
            made.__setattr__(_names(cls)[0], "changed")  # still frozen


def test_a_made_record_holds_its_values_and_lets_them_go(slots):
    make = slots.Maker(Project, _names(Project))
    name = "".join(["某某", "项目"])
    before = sys.getrefcount(name)
    project = make(1, name, None, None, None, None)
    assert sys.getrefcount(name) == before + 1
    del project
    assert sys.getrefcount(name) == before


def test_a_maker_refuses_calls_it_cannot_serve(slots):
    make = slots.Maker(Project, _names(Project))
    with pytest.raises(TypeError, match="missing the field 'stage'"):
        make(1, "甲项目", None, None, None)
    with pytest.raises(TypeError, match="unexpected keyword argument 'budget'"):
        make(1, "甲项目", None, None, None, None, budget=1)
    with pytest.raises(TypeError, match="multiple values for 'name'"):
        make(1, "甲项目", None, None, None, None, name="乙项目")
    with pytest.raises(TypeError, match="takes 6 arguments, 7 given"):
        make(1, "甲项目", None, None, None, None, None)


@dataclass(frozen=True)
class _WithDict:
    a: int


@dataclass(frozen=True, slots=True)
class _Pair:
    a: int
    b: int


class _OwnNew(_Pair):
    __slots__ = ()

    def __new__(cls, *args):
        return super().__new__(cls)


def test_a_maker_refuses_classes_it_cannot_serve(slots):
    with pytest.raises(TypeError, match="not a slot"):
        slots.Maker(_WithDict, ("a",))  # fields in a __dict__, not in slots
    with pytest.raises(TypeError, match="not a slot"):
        slots.Maker(_Pair, ("a", "c"))
    with pytest.raises(ValueError, match="2 slots, 1 are named"):
        slots.Maker(_Pair, ("a",))  # b would be left unset
    with pytest.raises(ValueError, match="named twice"):
        slots.Maker(_Pair, ("a", "a"))
    with pytest.raises(TypeError, match="__new__ of its own"):
        slots.Maker(_OwnNew, ("a", "b"))
    assert slots.Maker(_Pair, ("b", "a"))(1, 2) == _Pair(2, 1)  # the names say which slot is which


def test_the_python_modules_make_records_with_the_record_makers():
    """The suite imports the Python modules (no build on their path): the fallbacks, which
    tests/test_records.py holds to the classes."""
    assert makers.make_fact is new_fact and makers.make_project is new_project
