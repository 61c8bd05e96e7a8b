"""Configuration: shipped defaults, overlaid by a user TOML file, overlaid by CLI flags."""
from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
REPO_ROOT = Path(__file__).resolve().parent.parent


def merge(base: dict, overlay: dict) -> dict:
    """Overlay ``overlay`` on ``base`` key by key, recursing into tables.

    >>> merge({"a": {"x": 1, "y": 2}, "b": 1}, {"a": {"y": 3}})
    {'a': {'x': 1, 'y': 3}, 'b': 1}
    """
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist: check the --config path") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}): fix the line named") from None


def load_config(user_file: str | Path | None = None, overrides: dict | None = None) -> dict[str, Any]:
    """Defaults, then ``user_file``, then ``overrides`` (from the command line)."""
    config = _read_toml(DEFAULTS_PATH)
    if user_file is not None:
        user = _read_toml(Path(user_file))
        unknown = set(user) - set(config)
        if unknown:
            raise ConfigError(
                f"config file {user_file}: unknown section(s) {sorted(unknown)}; "
                f"known sections are {sorted(config)}"
            )
        config = merge(config, user)
    if overrides:
        config = merge(config, overrides)
    return config


def resolve_path(path: str | Path) -> Path:
    """A config path: absolute as given, else relative to the repository root, else to the cwd."""
    p = Path(path)
    if p.is_absolute():
        return p
    in_repo = REPO_ROOT / p
    return in_repo if in_repo.exists() else Path.cwd() / p
