"""Every value of the config file is checked: its TOML type, and its range, when it is read."""
from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError
from tests.conftest import SAMPLES, run_cli


def write(tmp_path, text: str):
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, key, expected, given", [
    ('[segment]\nfast = "false"\n', "segment.fast", "boolean", "string"),
    ("[segment]\nfast = 0\n", "segment.fast", "boolean", "integer"),
    ("[dedupe]\nnum_perm = true\n", "dedupe.num_perm", "integer", "boolean"),
    ("[dedupe]\nnum_perm = 64.0\n", "dedupe.num_perm", "integer", "float"),
    ('[dedupe]\nthreshold = "0.6"\n', "dedupe.threshold", "number", "string"),
    ("[dedupe]\nthreshold = true\n", "dedupe.threshold", "number", "boolean"),
    ("[crawl]\ndeadline_s = [30]\n", "crawl.deadline_s", "number", "array"),
    ("[extract]\nearliest_date = 1995-01-01\n", "extract.earliest_date", "string", "date"),
    ("[segment]\nuser_dicts = [1]\n", "segment.user_dicts", "array of strings", "array"),
    ("[segment]\nuser_dicts = { a = 1 }\n", "segment.user_dicts", "array of strings", "table"),
    ('[sites."a.cn"]\nbody = 3\n', 'sites."a.cn".body', "string", "integer"),
    ('[crawl]\nconcurrency = "8"\n', "crawl.concurrency", "integer", "string"),
    ("[crawl]\nconcurrency = 2.5\n", "crawl.concurrency", "integer", "float"),
    ("[crawl]\nconcurrency = true\n", "crawl.concurrency", "integer", "boolean"),
    ('[crawl]\nrevisit_min_days = "1"\n', "crawl.revisit_min_days", "number", "string"),
    ("[crawl]\nrevisit_max_days = [30]\n", "crawl.revisit_max_days", "number", "array"),
])
def test_a_value_of_the_wrong_type_names_key_expected_and_given_type_and_file(tmp_path, text, key, expected, given):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    message = str(err.value)
    assert key in message and expected in message and given in message and "my.toml" in message, message


def test_the_file_is_named_also_when_flags_overlay_it(tmp_path):
    with pytest.raises(ConfigError, match="my.toml") as err:
        load_settings(write(tmp_path, '[segment]\nfast = "no"\n'), overrides={"dedupe": {"threshold": 0.6}})
    assert "segment.fast" in str(err.value)


@pytest.mark.parametrize("text, key, why", [
    ("[crawl]\ndeadline_s = -1\n", "crawl.deadline_s", ""),
    ("[crawl]\nconnect_timeout_s = 0\n", "crawl.connect_timeout_s", ""),
    ("[crawl]\nread_timeout_s = -0.5\n", "crawl.read_timeout_s", ""),
    ("[crawl]\nmax_bytes = -1\n", "crawl.max_bytes", ""),
    ("[crawl]\nmax_crawl_delay_s = -3\n", "crawl.max_crawl_delay_s", ""),
    ("[crawl]\ndeadline_s = nan\n", "crawl.deadline_s", ""),
    ("[crawl]\ndeadline_s = inf\n", "crawl.deadline_s", ""),
    ("[input]\nmax_page_bytes = 0\n", "input.max_page_bytes", ""),
    ("[dedupe]\nshingle_size = 0\n", "dedupe.shingle_size", ""),
    ("[dedupe]\nnum_perm = -128\n", "dedupe.num_perm", ""),
    ("[dedupe]\nmin_chars = -1\n", "dedupe.min_chars", ""),
    ("[dedupe]\nthreshold = 1.5\n", "dedupe.threshold", ""),
    ("[dedupe]\nthreshold = -0.1\n", "dedupe.threshold", ""),
    ("[crawl]\nconcurrency = 0\n", "crawl.concurrency", "between 1 and 256"),
    ("[crawl]\nconcurrency = 257\n", "crawl.concurrency", "between 1 and 256"),
    ("[crawl]\nrevisit_min_days = 0\n", "crawl.revisit_min_days", "between 0 and 3650"),
    ("[crawl]\nrevisit_min_days = nan\n", "crawl.revisit_min_days", "finite"),
    ("[crawl]\nrevisit_max_days = 3651\n", "crawl.revisit_max_days", "between 0 and 3650"),
    ("[crawl]\nrevisit_min_days = 8\nrevisit_max_days = 4\n", "crawl.revisit_min_days (8)", "more than"),
    ("[crawl]\nrevisit_min_days = 40\n", "crawl.revisit_max_days (30)", "more than"),  # over the shipped 30 days
])
def test_a_value_out_of_range_is_refused_when_read(tmp_path, text, key, why):
    with pytest.raises(ConfigError, match="my.toml") as err:
        load_settings(write(tmp_path, text))
    assert key in str(err.value) and why in str(err.value), str(err.value)


def test_values_in_range_are_kept(tmp_path):
    s = load_settings(write(tmp_path, "[crawl]\nmax_crawl_delay_s = 0\n[dedupe]\nmin_chars = 0\nthreshold = 1\n"))
    assert s.crawl.max_crawl_delay_s == 0.0 and s.dedupe.min_chars == 0 and s.dedupe.threshold == 1.0


def test_a_config_value_of_the_wrong_type_exits_2_with_one_line(tmp_path):
    cfg = write(tmp_path, '[segment]\nfast = "false"\n')
    proc = run_cli("run", str(SAMPLES), "--out", str(tmp_path / "out"), "--config", str(cfg))
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "segment.fast" in lines[0] and "boolean" in lines[0] and "string" in lines[0] and "my.toml" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "articles.csv").exists()
