"""Settings: built once from the shipped defaults, a user file and the flags; names and types checked."""
from __future__ import annotations

import dataclasses
import pickle
import tomllib

import pytest

from pipeline.config import DEFAULTS_PATH, Settings, SiteRules, default_settings, load_settings
from pipeline.errors import ConfigError
from tests.conftest import SAMPLES, run_cli


def write(tmp_path, text: str):
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_default_is_a_setting_and_every_setting_has_a_default():
    shipped = tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    settings = default_settings()
    for section, values in shipped.items():
        if section == "sites":
            continue
        fields = {f.name for f in dataclasses.fields(getattr(settings, section))}
        assert fields == set(values), section
    assert {f.name for f in dataclasses.fields(Settings)} == set(shipped)


def test_layers_overlay_in_order(tmp_path):
    user = write(tmp_path, "[dedupe]\nthreshold = 0.7\nmin_chars = 50\n[input]\nmax_page_bytes = 1000\n")
    settings = load_settings(user, {"dedupe": {"threshold": 0.6}})
    assert settings.dedupe.threshold == 0.6  # the flag beats the file
    assert settings.dedupe.min_chars == 50  # the file beats the defaults
    assert settings.input.max_page_bytes == 1000
    assert settings.dedupe.num_perm == default_settings().dedupe.num_perm  # the rest from the defaults


def test_settings_are_frozen_hashable_and_travel_to_workers():
    settings = default_settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.dedupe.threshold = 0.1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(settings)) == settings
    assert hash(settings.segment) == hash(load_settings().segment)


@pytest.mark.parametrize("text, named, nearest", [
    ("[dedup]\nthreshold = 0.6\n", "[dedup]", "'dedupe'"),
    ("[dedupe]\ntreshold = 0.6\n", "dedupe.treshold", "'threshold'"),
    ("[segment]\nuser_dict = []\n", "segment.user_dict", "'user_dicts'"),
    ('[sites."a.cn"]\nbodyy = "div"\n', "'bodyy'", "'body'"),
    ("[crawl]\nzzz = 1\n", "crawl.zzz", "valid:"),
])
def test_unknown_names_are_refused_with_the_nearest_valid_one(tmp_path, text, named, nearest):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert named in str(err.value) and nearest in str(err.value) and "my.toml" in str(err.value)


@pytest.mark.parametrize("text, key", [
    ("[dedupe]\nthreshold = \"high\"\n", "dedupe.threshold"),
    ("[dedupe]\nnum_perm = 1.5\n", "dedupe.num_perm"),
    ("[segment]\nfast = 1\n", "segment.fast"),
    ("[segment]\nuser_dicts = \"a.txt\"\n", "segment.user_dicts"),
    ('[sites."a.cn"]\nremove = "div"\n', 'sites."a.cn".remove'),
    ("dedupe = 3\n", "[dedupe]"),
])
def test_values_of_the_wrong_type_are_refused(tmp_path, text, key):
    with pytest.raises(ConfigError, match="my.toml") as err:
        load_settings(write(tmp_path, text))
    assert key in str(err.value)


def test_whole_numbers_are_numbers(tmp_path):
    assert load_settings(write(tmp_path, "[dedupe]\nthreshold = 1\n")).dedupe.threshold == 1.0


def test_site_rules_are_typed_and_found_with_or_without_www(tmp_path):
    settings = load_settings(write(tmp_path, '[sites."www.odd.cn"]\nbody = "div.x"\nremove = ["div.ad"]\n'))
    assert settings.site_rules("odd.cn") == SiteRules(body="div.x", remove=("div.ad",))
    assert settings.site_rules("other.cn") is None and settings.site_rules(None) is None


def test_a_misspelled_key_in_the_config_file_exits_2(tmp_path):
    cfg = write(tmp_path, "[dedupe]\ntreshold = 0.6\n")
    proc = run_cli("run", str(SAMPLES), "--out", str(tmp_path / "out"), "--config", str(cfg))
    assert proc.returncode == 2
    assert "dedupe.treshold" in proc.stderr and "did you mean 'threshold'?" in proc.stderr
    assert not (tmp_path / "out" / "articles.csv").exists()  # refused before anything ran
