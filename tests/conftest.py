"""Shared fixtures: paths of the bundled corpus, the reference page, one CLI run of the corpus."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpora" / "samples"
GOLD = REPO / "corpora" / "gold" / "samples.jsonl"


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """The real command line, as a user runs it (python -m pipeline == newsfacts)."""
    # one worker unless a test asks for more: starting worker processes costs seconds per run
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NEWSFACTS_WORKERS=os.environ.get("NEWSFACTS_WORKERS", "1"))
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd or REPO, capture_output=True, text=True,
        timeout=timeout, env=env,
    )


@pytest.fixture(scope="session")
def gold_records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """`newsfacts run corpora/samples --out OUT`, once per test session."""
    out = tmp_path_factory.mktemp("corpus-out")
    proc = run_cli("run", str(SAMPLES), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.fixture(scope="session")
def corpus_tables(corpus_run) -> dict:
    from pipeline.export import load_outputs

    return load_outputs(corpus_run[0])
