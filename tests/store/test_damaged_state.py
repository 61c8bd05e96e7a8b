"""A state database damaged inside (its header intact, its pages not) is one clear error line, not a
traceback (issue 14, point 14); it is never replaced silently."""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from tests.conftest import REPO, run_cli


def damage_pages(db: Path) -> None:
    """Overwrite parts of every other database page after the first few: the file still opens."""
    rng = random.Random(7)
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        for offset in range(3 * 4096, size, 2 * 4096):
            fh.seek(offset + 100)
            fh.write(bytes(rng.randrange(256) for _ in range(2000)))


def test_a_state_database_damaged_inside_is_one_error_line(tmp_path):
    pages = tmp_path / "in"
    shutil.copytree(REPO / "corpora" / "samples" / "cnnb", pages)
    out = tmp_path / "out"
    first = run_cli("run", str(pages), "--out", str(out), "-q")
    assert first.returncode == 0, first.stderr
    db = out / ".state" / "newsfacts.sqlite"
    damage_pages(db)
    damaged = db.read_bytes()

    again = run_cli("run", str(pages), "--out", str(out), "-q")
    assert again.returncode == 1
    assert "Traceback" not in again.stderr
    errors = [line for line in again.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, again.stderr
    assert str(db) in errors[0] and "damaged" in errors[0] and "move it away" in errors[0]
    assert db.read_bytes() == damaged  # kept for the user to look at, not rebuilt over
    assert os.path.exists(out / "articles.csv")  # the tables of the first run are still there
