"""``[run] page_timeout_s`` of the config reaches the engine: a batch run skips an article over it
as ``timeout`` and reads the others (issue 14, point 11)."""
from __future__ import annotations

from pipeline.config import load_settings
from pipeline.engines.run import run
from tests.engines.slow_pages import SLOW_PARAGRAPHS, SMALL_PARAGRAPHS, page


def test_the_configured_page_budget_skips_a_slow_article_in_a_batch_run(tmp_path):
    pages = tmp_path / "in"
    pages.mkdir()
    for name, paragraphs in (("a-small", SMALL_PARAGRAPHS), ("b-slow", SLOW_PARAGRAPHS)):
        (pages / f"{name}.html").write_bytes(page(name, paragraphs).body)
    settings = load_settings(overrides={"run": {"page_timeout_s": 1.0}})
    summary = run([str(pages)], tmp_path / "out", settings, workers=1)
    assert summary.skipped == {"timeout": 1}
    assert summary.articles == 1
