"""Settings: the shipped defaults, overlaid by a user TOML file, overlaid by command-line flags.

Built once per run by :func:`load_settings` into :class:`Settings`, a frozen dataclass with one
frozen section per table of ``defaults.toml``, and passed to the stages.  ``defaults.toml`` is
the only place a default value is written; a section or key that it does not have is refused
with the nearest valid name.  Every value of every layer is checked when it is read, against the
type of its field (a TOML boolean for ``bool``, an integer but not a boolean for ``int``, an
integer or a float for ``float``, a string, an array of strings ...) and against its range
(:data:`_RANGES`: sizes, timeouts and counts are positive, thresholds between 0 and 1, no
``nan`` or ``inf``); a ConfigError (exit 2 on the command line) names the file, the key, the
type expected and the type given.  :func:`typed_value` is the same check for the crawl's
sources file.

>>> settings = load_settings(overrides={"dedupe": {"threshold": 0.6}})
>>> settings.dedupe.threshold, settings.input.max_page_bytes
(0.6, 20971520)
"""
from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class InputSettings:
    max_page_bytes: int  # pages larger than this after decompression are skipped as too_large


@dataclass(frozen=True)
class RunSettings:
    page_timeout_s: float  # an article taking longer is skipped as timeout (0: no limit)


@dataclass(frozen=True)
class OutputSettings:
    partition_above_articles: int  # more articles: tables partitioned by month (pipeline.store.partitions)


@dataclass(frozen=True)
class SegmentSettings:
    user_dicts: tuple[str, ...]  # jieba user dictionaries, relative to the repository or absolute
    fast: bool  # rjieba where it gives jieba's tokens (pipeline.nlp.segmenter)

    def dictionary_paths(self) -> tuple[Path, ...]:
        return tuple(resolve_path(p) for p in self.user_dicts)


@dataclass(frozen=True)
class DedupeSettings:
    shingle_size: int
    num_perm: int
    threshold: float  # Jaccard similarity of a near duplicate
    min_chars: int  # shorter bodies are never near-duplicate candidates


@dataclass(frozen=True)
class ExtractSettings:
    earliest_date: str  # dates before this are not publication dates


@dataclass(frozen=True)
class CrawlSettings:
    deadline_s: float
    connect_timeout_s: float
    read_timeout_s: float
    max_bytes: int
    max_crawl_delay_s: float
    concurrency: int  # hosts fetched at once (a sources file may set it for its crawl)
    revisit_min_days: float  # a known article is revisited after this, doubling while unchanged,
    revisit_max_days: float  # ... up to this


@dataclass(frozen=True)
class SiteRules:
    """CSS selectors for one site where the generic extractor gets it wrong (``[sites."host"]``).

    A selector that is not given is None: the generic extractor decides that field.
    """

    title: str | None = None
    body: str | None = None
    published_at: str | None = None
    source_name: str | None = None
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    input: InputSettings
    run: RunSettings
    output: OutputSettings
    segment: SegmentSettings
    dedupe: DedupeSettings
    extract: ExtractSettings
    crawl: CrawlSettings
    sites: tuple[tuple[str, SiteRules], ...] = ()  # (host, rules), sorted by host

    def site_rules(self, host: str | None) -> SiteRules | None:
        """The rules for ``host`` (a host without ``www.``), also when written with ``www.``."""
        if not host:
            return None
        rules = dict(self.sites)
        return rules.get(host) or rules.get("www." + host)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for logs, fingerprints and comparing settings across processes)."""
        out = {f.name: dataclasses.asdict(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name != "sites"}
        out["sites"] = {host: dataclasses.asdict(rules) for host, rules in self.sites}
        return out


SECTIONS = {f.name: f.type for f in dataclasses.fields(Settings)}
_SECTION_CLASSES = {
    "input": InputSettings, "run": RunSettings, "output": OutputSettings, "segment": SegmentSettings, "dedupe": DedupeSettings,
    "extract": ExtractSettings, "crawl": CrawlSettings,
}
_SITE_KEYS = [f.name for f in dataclasses.fields(SiteRules)]


def load_settings(user_file: str | Path | None = None, overrides: dict | None = None) -> Settings:
    """The shipped defaults, then ``user_file``, then ``overrides`` (from the command line)."""
    data = _read_toml(DEFAULTS_PATH)
    layers = []
    if user_file is not None:
        layers.append((str(user_file), _read_toml(Path(user_file))))
    if overrides:
        layers.append(("the command line", overrides))
    for origin, layer in layers:
        _check_names(layer, data, origin)
        _check_values(layer, origin)  # here, so that an error names the layer it is in
        data = _merge(data, layer)
        check_revisit_days(data["crawl"]["revisit_min_days"], data["crawl"]["revisit_max_days"], origin)
    return _build(data, layers[-1][0] if layers else str(DEFAULTS_PATH))


@functools.cache
def default_settings() -> Settings:
    """The shipped defaults, read once per process."""
    return load_settings()


def resolve_path(path: str | Path) -> Path:
    """A configured path: absolute as given, else relative to the repository root, else to the cwd."""
    p = Path(path)
    if p.is_absolute():
        return p
    in_repo = REPO_ROOT / p
    return in_repo if in_repo.exists() else Path.cwd() / p


# --------------------------------------------------------------------------- reading and checking


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist: check the --config path") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}): fix the line named") from None


def _nearest(name: str, valid: list[str]) -> str:
    """' (did you mean X?)' for the closest valid name, or the list of valid names."""
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return "valid: " + ", ".join(repr(v) for v in sorted(valid))


def _check_names(layer: dict, defaults: dict, origin: str) -> None:
    """Refuse a section or key that the shipped defaults do not have, naming the nearest one."""
    for section, table in layer.items():
        if section not in SECTIONS:
            raise ConfigError(f"{origin}: unknown section [{section}]; {_nearest(section, list(SECTIONS))}")
        if not isinstance(table, dict):
            raise ConfigError(f"{origin}: [{section}] must be a table of settings, not {table!r}")
        if section == "sites":
            for host, rules in table.items():
                if not isinstance(rules, dict):
                    raise ConfigError(f'{origin}: [sites."{host}"] must be a table of CSS selectors')
                for key in rules:
                    if key not in _SITE_KEYS:
                        raise ConfigError(f'{origin}: unknown key {key!r} in [sites."{host}"]; '
                                          f"{_nearest(key, _SITE_KEYS)}")
            continue
        for key in table:
            if key not in defaults[section]:
                raise ConfigError(f"{origin}: unknown key {section}.{key}; "
                                  f"{_nearest(key, list(defaults[section]))}")


def _check_values(layer: dict, origin: str) -> None:
    """Check the type and range of every value of one layer (its names are already checked)."""
    for section, table in layer.items():
        if section == "sites":
            for host, rules in table.items():
                kinds = {f.name: f.type for f in dataclasses.fields(SiteRules)}
                for key, value in rules.items():
                    _typed(value, kinds[key], f'sites."{host}".{key}', origin)
            continue
        kinds = {f.name: f.type for f in dataclasses.fields(_SECTION_CLASSES[section])}
        for key, value in table.items():
            _typed(value, kinds[key], f"{section}.{key}", origin)


def _merge(base: dict, overlay: dict) -> dict:
    """Overlay ``overlay`` on ``base`` key by key, recursing into tables.

    >>> _merge({"a": {"x": 1, "y": 2}, "b": 1}, {"a": {"y": 3}})
    {'a': {'x': 1, 'y': 3}, 'b': 1}
    """
    out = dict(base)
    for key, value in overlay.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _build(data: dict, origin: str) -> Settings:
    sections = {name: _section(cls, data.get(name, {}), name, origin) for name, cls in _SECTION_CLASSES.items()}
    sites = tuple(sorted((str(host), _section(SiteRules, rules, f'sites."{host}"', origin))
                         for host, rules in (data.get("sites") or {}).items()))
    return Settings(**sections, sites=sites)


def _section(cls, values: dict, name: str, origin: str):
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in values:
            if f.default is dataclasses.MISSING:
                raise ConfigError(f"{origin}: {name}.{f.name} is missing (the shipped defaults.toml is damaged?)")
            continue
        kwargs[f.name] = _typed(values[f.name], f.type, f"{name}.{f.name}", origin)
    return cls(**kwargs)


# The values that must lie in a range: (lowest, whether the lowest itself is allowed, highest).
_RANGES: dict[str, tuple[float, bool, float]] = {
    "input.max_page_bytes": (0, False, math.inf),
    "run.page_timeout_s": (0, True, math.inf),
    "output.partition_above_articles": (0, True, math.inf),
    "dedupe.shingle_size": (0, False, math.inf),
    "dedupe.num_perm": (0, False, math.inf),
    "dedupe.threshold": (0, True, 1),
    "dedupe.min_chars": (0, True, math.inf),
    "crawl.deadline_s": (0, False, math.inf),
    "crawl.connect_timeout_s": (0, False, math.inf),
    "crawl.read_timeout_s": (0, False, math.inf),
    "crawl.max_bytes": (0, False, math.inf),
    "crawl.max_crawl_delay_s": (0, True, math.inf),
    "crawl.concurrency": (1, True, 256),
    "crawl.revisit_min_days": (0, False, 3650),
    "crawl.revisit_max_days": (0, False, 3650),
}

# What each field type asks for, as a TOML user reads it.
_EXPECTED = {
    "bool": "a boolean (true or false)",
    "int": "an integer",
    "float": "a number (an integer or a float)",
    "str": "a string",
    "str | None": "a string",
    "tuple[str, ...]": "an array of strings",
}


def toml_type(value: Any) -> str:
    """The TOML name of a value's type, for messages.

    >>> toml_type("false"), toml_type(True), toml_type(1), toml_type(1.5), toml_type([]), toml_type({})
    ('string', 'boolean', 'integer', 'float', 'array', 'table')
    """
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "float"), (str, "string"), (list, "array"),
                       (dict, "table"), (datetime.datetime, "datetime"), (datetime.date, "date"),
                       (datetime.time, "time")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _a(name: str) -> str:
    return ("an " if name[0] in "aeiou" else "a ") + name


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def typed_value(value: Any, kind: str, key: str, origin: str,
                bounds: tuple[float, bool, float] | None = None) -> Any:
    """``value`` checked against a field type (written as in an annotation) and an optional range.

    ``bounds`` is (lowest, whether the lowest is allowed, highest).  A ConfigError names
    ``origin`` (the file), ``key``, the type expected and the type given.

    >>> typed_value(3, "float", "s.x", "my.toml", (0, True, 10))
    3.0
    >>> typed_value("false", "bool", "s.x", "my.toml")
    Traceback (most recent call last):
    pipeline.errors.ConfigError: my.toml: s.x must be a boolean (true or false), not a string ('false')
    """
    expected = _EXPECTED.get(kind)
    if expected is None:
        raise TypeError(f"no reader for settings of type {kind}")  # a new field type: add it here

    def wrong(given: str | None = None) -> ConfigError:
        return ConfigError(f"{origin}: {key} must be {expected}, not {given or _a(toml_type(value))} ({_shown(value)})")

    if kind == "bool":
        if not isinstance(value, bool):
            raise wrong()
    elif kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float) if kind == "float" else int):
            raise wrong()
        if kind == "float":
            value = float(value)
            if not math.isfinite(value):
                raise ConfigError(f"{origin}: {key} must be a finite number, not {value}")
    elif kind in ("str", "str | None"):
        if not isinstance(value, str):
            raise wrong()
    elif kind == "tuple[str, ...]":
        if not isinstance(value, list):
            raise wrong()
        odd = next((v for v in value if not isinstance(v, str)), None)
        if odd is not None:
            raise wrong(f"an array holding {_a(toml_type(odd))}")
        value = tuple(value)
    if bounds is not None:
        low, low_ok, high = bounds
        if value < low or (value == low and not low_ok) or value > high:
            if high == math.inf:
                need = f"at least {low}" if low_ok else f"greater than {low}"
            else:
                need = f"between {low} and {high}"
            raise ConfigError(f"{origin}: {key} must be {need}, not {value}")
    return value


def setting_value(value: Any, section: str, key: str, origin: str, name: str | None = None) -> Any:
    """``value`` checked as the setting ``section.key`` is (its field's type, its range), for a
    setting that another file may set too (the crawl's sources file); a message calls it ``name``
    (default ``section.key``).

    >>> setting_value(0, "crawl", "concurrency", "sources.toml", "concurrency")
    Traceback (most recent call last):
    pipeline.errors.ConfigError: sources.toml: concurrency must be between 1 and 256, not 0
    """
    kinds = {f.name: f.type for f in dataclasses.fields(_SECTION_CLASSES[section])}
    return typed_value(value, kinds[key], name or f"{section}.{key}", origin, _RANGES.get(f"{section}.{key}"))


def check_revisit_days(shortest: float, longest: float, origin: str,
                       names: tuple[str, str] = ("crawl.revisit_min_days", "crawl.revisit_max_days")) -> None:
    """Refuse a first revisit interval longer than the last (each is checked alone when read).

    >>> check_revisit_days(8, 4, "my.toml")
    Traceback (most recent call last):
    pipeline.errors.ConfigError: my.toml: crawl.revisit_min_days (8) is more than crawl.revisit_max_days (4); the revisit interval grows from the first to the second
    """
    if shortest > longest:
        raise ConfigError(f"{origin}: {names[0]} ({shortest:g}) is more than {names[1]} ({longest:g}); "
                          "the revisit interval grows from the first to the second")


def _typed(value: Any, kind: str, key: str, origin: str) -> Any:
    """A settings value checked against its field's annotation (``from __future__`` keeps them as text)."""
    return typed_value(value, kind, key, origin, _RANGES.get(key))
