"""The small read-only records the fact readers make by the thousand (Quantity, Mention).

They are plain classes, not frozen dataclasses: mypyc compiles a plain class into a C struct with a
C constructor, while a frozen dataclass is built through ``object.__setattr__`` field by field (a
page has a quantity every few dozen characters).  Their fields are Final: mypy refuses a write, and
the compiled class raises AttributeError.  This base gives them what the dataclass gave: equality,
a hash and a repr, by the fields a subclass lists in ``FIELDS`` (mypyc drops ``__slots__``).
"""
from __future__ import annotations

from typing import ClassVar


class Value:
    """Equal, hashed and shown by the attributes named in ``FIELDS``.

    >>> class Point(Value):
    ...     FIELDS = ("x", "y")
    ...     def __init__(self, x, y):
    ...         self.x, self.y = x, y
    >>> Point(1, 2), Point(1, 2) == Point(1, 2), Point(1, 2) == Point(2, 1), hash(Point(1, 2)) == hash((1, 2))
    (Point(x=1, y=2), True, False, True)
    """

    FIELDS: ClassVar[tuple[str, ...]] = ()

    def _fields(self) -> tuple:
        return tuple([getattr(self, name) for name in self.FIELDS])

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return type(self).__name__ + "(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.FIELDS) + ")"
