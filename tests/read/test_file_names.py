"""A file name cannot plant lines in the log (issue 14, point 16): control characters in a
location are shown escaped, in the SKIP lines and in the tables alike."""
from __future__ import annotations

import shutil

import pandas as pd

from pipeline.read.files import display_path
from tests.conftest import REPO, run_cli


def test_control_characters_in_a_name_are_escaped():
    assert display_path("a\nb.html") == "a\\nb.html"
    assert display_path("dir/x\r\x1b[31m.html") == "dir/x\\r\\x1b[31m.html"
    assert display_path("宁波/新闻.html") == "宁波/新闻.html"


def test_a_file_name_with_a_newline_plants_no_log_line(tmp_path):
    pages = tmp_path / "in"
    pages.mkdir()
    (pages / "empty\nSKIP reason=planted location=fake.html").write_bytes(b"")
    shutil.copy(REPO / "corpora" / "samples" / "cnnb" / "beilun-20160920.html", pages / "good\nERROR forged.html")
    result = run_cli("run", str(pages), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert not [line for line in lines if line.startswith(("SKIP reason=planted", "ERROR forged"))]
    assert any("empty\\nSKIP reason=planted" in line for line in lines)
    articles = pd.read_csv(tmp_path / "out" / "articles.csv", dtype=str)
    assert list(articles["location"]) == ["good\\nERROR forged.html"]
