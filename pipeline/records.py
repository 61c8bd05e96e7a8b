"""The records that flow between stages: RawPage -> Article -> Fact / Project.

They are small frozen dataclasses so that a stage can never change what an
earlier stage produced; a later stage makes a new record with
:func:`dataclasses.replace`.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.urls import identity_url


def short_sha1(text: str) -> str:
    """First 16 hex digits of the sha1 of ``text`` (UTF-8), the id format of SCHEMA.

    >>> short_sha1("http://news.example.cn/a.html")
    'def5c20bc698f4c5'
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _reduce_by_fields(self):
    """Pickle as the class's maker (:func:`new_fact`, :func:`new_project`; else the class) and its field values:
    rebuilding that way is several times cheaper than the per-field ``__setstate__`` of frozen
    slotted dataclasses, and the main process unpickles every result its workers send."""
    return _MAKERS.get(type(self), type(self)), tuple(getattr(self, name) for name in self.__dataclass_fields__)


_MAKERS: dict[type, Callable] = {}  # class -> its maker (below), for pickling


def _article(fields: dict, tokens: str) -> "Article":
    return Article(**fields, tokens=tuple(tokens.split(" ")))


def file_key(path: str | os.PathLike) -> str:
    """The :attr:`RawPage.key` of a saved page: its real path, the same however the input was
    named and different for files of the same name in two folders.

    >>> file_key("/tmp/../tmp/a.html")
    'file:/tmp/a.html'
    """
    return "file:" + os.fsencode(os.path.realpath(path)).decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class RawPage:
    """Bytes of one page as read from a file, a WARC record or the network."""

    __reduce__ = _reduce_by_fields

    location: str  # relative path, ``file.warc.gz#offset`` or fetched URL
    body: bytes  # already gunzipped / de-chunked
    url: str | None = None  # WARC target URI or fetched URL after redirects
    content_type: str | None = None  # HTTP Content-Type header, when there was one
    fetched_at: str | None = None  # ISO 8601 time of the fetch or archive record
    # Where the state database keeps the page (``location`` when empty): the real path of a saved
    # file, the WARC-Record-ID of an archive record.  The location is relative to the input, so two
    # inputs can hold the same one; the key tells them apart and stays the same when an input is
    # read again, so a rerun replaces its pages and new input adds.
    key: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, with the fields of the SCHEMA articles table."""

    location: str
    url: str | None = None
    site: str | None = None
    title: str | None = None
    original_title: str | None = None
    published_at: str | None = None
    source_name: str | None = None
    authors: tuple[str, ...] = ()
    editor: str | None = None
    content: str = ""
    fetched_at: str | None = None
    encoding: str | None = None
    flags: tuple[str, ...] = ()  # notes such as charset_mismatch, repeated_block_collapsed
    tokens: tuple[str, ...] = ()
    article_id: str = ""  # sha1 of the URL (http and https alike) or of the location, unless given
    economic: bool | None = None  # reports economic figures (facts are read only then); None: not yet judged

    def __post_init__(self) -> None:
        if not self.article_id:
            object.__setattr__(self, "article_id", short_sha1(identity_url(self.url) or self.location))

    def __reduce__(self):
        # The ~1,500 tokens travel as one string when that is lossless (no token empty or with a space).
        joined = " ".join(self.tokens)
        if not self.tokens or "" in self.tokens or joined.count(" ") != len(self.tokens) - 1:
            return _reduce_by_fields(self)
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "tokens"}
        return _article, (fields, joined)

    @property
    def n_chars(self) -> int:
        return len(self.content)

    @property
    def content_sha1(self) -> str:
        return hashlib.sha1(normalize_for_hash(self.content).encode("utf-8")).hexdigest()


def normalize_for_hash(text: str) -> str:
    """Content as compared for exact duplicates: whitespace and ASCII/full-width punctuation ignored.

    >>> normalize_for_hash("增长 12.9%，\\n 好。") == normalize_for_hash("增长12.9%,好.")
    True
    >>> normalize_for_hash("ｅ\u0301 ㅎㅏ①")  # combining marks and jamo compose: NFKC of the whole text
    'é하1'
    """
    if _CHARACTERWISE_NFKC.fullmatch(text):
        return text.translate(_NFKC_DROP_FOR_HASH)  # the same, in one pass (about 3x faster)
    return unicodedata.normalize("NFKC", text).translate(_DROP_FOR_HASH)


class _DropTable(dict):
    """str.translate table deleting whitespace and punctuation, filled per character on first sight.

    translate looks characters up in C; only a character never seen before costs a Python call.
    """

    def __missing__(self, point: int):
        ch = chr(point)
        value = None if ch.isspace() or unicodedata.category(ch).startswith("P") else point
        self[point] = value
        return value


_DROP_FOR_HASH = _DropTable()


class _NfkcDropTable(dict):
    """str.translate table giving, for each character, its NFKC form with whitespace and
    punctuation deleted (filled per character on first sight, as :class:`_DropTable`)."""

    def __missing__(self, point: int):
        value: str | int | None = unicodedata.normalize("NFKC", chr(point)).translate(_DROP_FOR_HASH) or None
        if value == chr(point):
            value = point
        self[point] = value
        return value


_NFKC_DROP_FOR_HASH = _NfkcDropTable()

# Characters whose NFKC form does not depend on their neighbours: the decomposition of each starts
# with a character that is no combining mark and never the second of a canonical composition
# (as the Hangul vowel and final jamo are).  A text made only of them is NFKC character by
# character, so NFKC and the deletions are one translate (tests/test_records.py checks every
# character of this class against the interpreter's Unicode data).  The usual Chinese page is.
_CHARACTERWISE_NFKC = re.compile(
    "[\x00-\u02ff\u0370-\u0482\u1e00-\u20cf\u20f1-\u2cee\u2e00-\u3029\u3030-\u3098\u309b-\u3132"
    "\u3164-\ua66e\uabee-\ud7ff\ue000-\ufb1d\ufe30-\uff9d\uffdd-\uffff\U0001e94b-\U0010ffff]*")


@dataclass(frozen=True, slots=True)
class Project:
    """A project named in an article (SCHEMA projects table, before totals)."""

    __reduce__ = _reduce_by_fields

    ordinal: int  # 1-based within the article
    name: str
    company: str | None = None
    region: str | None = None
    status: str | None = None
    stage: str | None = None  # status normalized: signed, approved, started, building, completed, operating


@dataclass(frozen=True, slots=True)
class Fact:
    """One extracted figure with its evidence (SCHEMA facts table)."""

    __reduce__ = _reduce_by_fields

    fact_type: str  # investment | capacity | indicator | percentage
    value: float
    unit: str
    raw_text: str
    char_start: int  # offsets in Article.content
    char_end: int
    sentence: str = ""
    subject: str | None = None
    metric: str | None = None
    value_max: float | None = None
    per: str | None = None
    product: str | None = None
    direction: str | None = None
    approx: str = "exact"
    region: str | None = None
    period: str | None = None
    project: int | None = None  # Project.ordinal within the same article
    region_code: str | None = None  # GB/T 2260 code of region, where it is one place
    confidence: float | None = None  # 0-1, how sure the reader is of the whole row
    subject_source: str | None = None  # how the subject was found (named, anaphora, carried ...): not a column


@dataclass(frozen=True, slots=True)
class PageResult:
    """Everything the per-page function learns about one page, ready for the store."""

    __reduce__ = _reduce_by_fields

    article: Article
    facts: tuple[Fact, ...] = ()
    projects: tuple[Project, ...] = ()
    signature: bytes | None = None  # MinHash signature (little-endian uint32s) of the body
    found_url_is_clean: bool = True  # the URL the page was found under had no tracking parameters
    content_sha1: str | None = None  # article.content_sha1, computed by the worker (the main process has enough to do)
    key: str = ""  # RawPage.key of the article's first page

    @property
    def page_key(self) -> str:
        return self.key or self.article.location

    @property
    def sha1(self) -> str:
        return self.content_sha1 or self.article.content_sha1


# Makers of the records made most often: the fact reader makes a Fact every few dozen characters
# of text, and the main process unpickles every Fact and Project its workers send.  A frozen
# dataclass's __init__ assigns each field through object.__setattr__ (its own __setattr__ refuses),
# which finds the field's slot again on every call; a maker sets each slot through the slot's own
# descriptor, taken once here, and costs about half as much (tests/test_records.py: the same
# arguments, defaults and result as the class).  Only for records whose __init__ does nothing but
# set the fields (no __post_init__, no default factory).
_NEW = object.__new__


def _slot_setter(cls: type, name: str) -> Callable:
    """The setter of the slot that holds field ``name`` of ``cls`` (its member descriptor's ``__set__``)."""
    return cls.__dict__[name].__set__


_set_fact_type = _slot_setter(Fact, "fact_type")
_set_value = _slot_setter(Fact, "value")
_set_unit = _slot_setter(Fact, "unit")
_set_raw_text = _slot_setter(Fact, "raw_text")
_set_char_start = _slot_setter(Fact, "char_start")
_set_char_end = _slot_setter(Fact, "char_end")
_set_sentence = _slot_setter(Fact, "sentence")
_set_subject = _slot_setter(Fact, "subject")
_set_metric = _slot_setter(Fact, "metric")
_set_value_max = _slot_setter(Fact, "value_max")
_set_per = _slot_setter(Fact, "per")
_set_product = _slot_setter(Fact, "product")
_set_direction = _slot_setter(Fact, "direction")
_set_approx = _slot_setter(Fact, "approx")
_set_region = _slot_setter(Fact, "region")
_set_period = _slot_setter(Fact, "period")
_set_project = _slot_setter(Fact, "project")
_set_region_code = _slot_setter(Fact, "region_code")
_set_confidence = _slot_setter(Fact, "confidence")
_set_subject_source = _slot_setter(Fact, "subject_source")
_set_ordinal = _slot_setter(Project, "ordinal")
_set_name = _slot_setter(Project, "name")
_set_company = _slot_setter(Project, "company")
_set_project_region = _slot_setter(Project, "region")
_set_status = _slot_setter(Project, "status")
_set_stage = _slot_setter(Project, "stage")


def new_fact(fact_type: str, value: float, unit: str, raw_text: str, char_start: int, char_end: int,
             sentence: str = "", subject: str | None = None, metric: str | None = None,
             value_max: float | None = None, per: str | None = None, product: str | None = None,
             direction: str | None = None, approx: str = "exact", region: str | None = None,
             period: str | None = None, project: int | None = None, region_code: str | None = None,
             confidence: float | None = None, subject_source: str | None = None) -> Fact:
    """``Fact(...)``, made at half the cost (see above).

    >>> made = new_fact("investment", 5e8, "CNY", "5亿元", 3, 6, subject="某某项目")
    >>> made == Fact("investment", 5e8, "CNY", "5亿元", 3, 6, subject="某某项目")
    True
    """
    fact = _NEW(Fact)
    _set_fact_type(fact, fact_type)
    _set_value(fact, value)
    _set_unit(fact, unit)
    _set_raw_text(fact, raw_text)
    _set_char_start(fact, char_start)
    _set_char_end(fact, char_end)
    _set_sentence(fact, sentence)
    _set_subject(fact, subject)
    _set_metric(fact, metric)
    _set_value_max(fact, value_max)
    _set_per(fact, per)
    _set_product(fact, product)
    _set_direction(fact, direction)
    _set_approx(fact, approx)
    _set_region(fact, region)
    _set_period(fact, period)
    _set_project(fact, project)
    _set_region_code(fact, region_code)
    _set_confidence(fact, confidence)
    _set_subject_source(fact, subject_source)
    return fact


def new_project(ordinal: int, name: str, company: str | None = None, region: str | None = None,
                status: str | None = None, stage: str | None = None) -> Project:
    """``Project(...)``, made at half the cost (see above)."""
    project = _NEW(Project)
    _set_ordinal(project, ordinal)
    _set_name(project, name)
    _set_company(project, company)
    _set_project_region(project, region)
    _set_status(project, status)
    _set_stage(project, stage)
    return project


_MAKERS.update({Fact: new_fact, Project: new_project})
