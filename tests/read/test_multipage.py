"""Multi-page articles found among the pages of a batch input (pipeline.read.multipage), on real
files: saved pages written to a folder and WARC records written with warcio."""
from __future__ import annotations

import pytest

from pipeline.read.files import iter_raw_pages
from pipeline.read.multipage import JOIN_WINDOW, REACH, Joined, iter_articles, join_pages, unit_slots
from tests.multipage_pages import OTHER, page, pages, write_archive, write_folder, write_people_folder
from tests.read.conftest import MAX


def shape(items) -> list:
    """Articles as their pages' locations, Joined records as ('joined', page, into), Skips as reasons."""
    out = []
    for item in items:
        if isinstance(item, list):
            out.append([raw.location for raw in item])
        elif isinstance(item, Joined):
            out.append(("joined", item.location, item.into))
        else:
            out.append(("skip", item.reason, item.location))
    return out


JOINED_FOLDER = [
    ["0086.shtml", "0086_2.shtml", "0086_3.shtml"],
    ("joined", "0086_2.shtml", "0086.shtml"),
    ("joined", "0086_3.shtml", "0086.shtml"),
    ["0091.shtml"],
    ["0107_2.shtml"],  # its first page is not in the input: an article of its own
]


@pytest.mark.parametrize("with_urls", [True, False], ids=["canonical-urls", "file-names"])
def test_saved_pages_of_one_article_are_joined_in_page_order(tmp_path, with_urls):
    folder = write_folder(tmp_path / "saved", with_urls=with_urls)
    assert shape(iter_articles([folder], MAX)) == JOINED_FOLDER


def test_following_pages_saved_without_their_url_are_found_by_file_name(tmp_path):
    folder = write_folder(tmp_path / "saved")  # page 1 states its URL, pages 2 and 3 do not
    found = pages(with_urls=False)
    for name in ("0086_2.shtml", "0086_3.shtml"):
        (folder / name).write_bytes(found[name])
    assert shape(iter_articles([folder], MAX)) == JOINED_FOLDER


def test_named_files_of_one_folder_are_joined_too(tmp_path):
    folder = write_folder(tmp_path / "saved")
    named = [folder / n for n in ("0086.shtml", "0086_2.shtml", "0086_3.shtml", "0091.shtml")]
    assert shape(iter_articles(named, MAX))[:4] == JOINED_FOLDER[:4]


def test_warc_records_are_joined_by_target_uri_in_any_order(tmp_path):
    order = ["0086_3.shtml", "0091.shtml", "0086.shtml", "0107_2.shtml", "0086_2.shtml"]
    warc = write_archive(tmp_path / "night.warc.gz", order=order)
    where = {raw.url.rsplit("/", 1)[1]: raw.location for raw in iter_raw_pages([warc], MAX)}
    assert [where[name] for name in order] == sorted(where.values(), key=lambda loc: int(loc.split("#")[1]))
    first, second, third = where["0086.shtml"], where["0086_2.shtml"], where["0086_3.shtml"]
    # in the place of the first page; its following pages in page order, wherever they were
    assert shape(iter_articles([warc], MAX)) == [
        [where["0091.shtml"]],
        [first, second, third], ("joined", second, first), ("joined", third, first),
        [where["0107_2.shtml"]],
    ]


def test_an_article_holds_the_pages_found_and_the_rest_stays_as_it_was(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    found = pages()
    for name in ("0086.shtml", "0086_3.shtml", "0107_2.shtml"):  # page 2 of 0086 was not saved
        (folder / name).write_bytes(found[name])
    assert shape(iter_articles([folder], MAX)) == [
        ["0086.shtml", "0086_3.shtml"], ("joined", "0086_3.shtml", "0086.shtml"), ["0107_2.shtml"]]


def test_people_cn_pages_that_sort_before_their_first_page_are_joined(tmp_path):
    folder = write_people_folder(tmp_path / "people")
    stem = "c1004-40189999"
    assert [p.name for p in sorted(folder.iterdir())] == [f"{stem}-2.html", f"{stem}-3.html", f"{stem}.html"]
    assert shape(iter_articles([folder], MAX)) == [
        [f"{stem}.html", f"{stem}-2.html", f"{stem}-3.html"],
        ("joined", f"{stem}-2.html", f"{stem}.html"), ("joined", f"{stem}-3.html", f"{stem}.html")]


def test_a_following_page_is_looked_for_within_the_window_only(tmp_path):
    folder = write_folder(tmp_path / "saved")
    # four other articles sort between 0086.shtml and 0086_2.shtml ("0" < "_")
    for n in range(4):
        (folder / f"0086{n}.shtml").write_bytes(page("另一篇新闻", OTHER, day=23))
    units = [(i, str(p), p.name, "html") for i, p in enumerate(sorted(folder.iterdir()))]

    def entries():
        for unit in units:
            yield from unit_slots(*unit, MAX)

    near = shape(join_pages(entries(), window=JOIN_WINDOW))
    assert near[0] == ["0086.shtml", "0086_2.shtml", "0086_3.shtml"]
    far = shape(join_pages(entries(), window=3))  # 0086_2 is 5 positions after its first page
    assert far[0] == ["0086.shtml"]
    # page 2 is then read as an orphan page 2 is: the first page of what the input holds
    assert far[5:7] == [["0086_2.shtml", "0086_3.shtml"], ("joined", "0086_3.shtml", "0086_2.shtml")]


def test_pages_are_handed_on_after_a_bounded_lookahead(tmp_path):
    """Streaming: an article comes out once REACH more pages of its run are read, so a large
    input is never held (at most 4 x JOIN_WINDOW + 1 positions are kept)."""
    folder = tmp_path / "many"
    folder.mkdir()
    body = page("另一篇新闻", OTHER)
    for n in range(3 * REACH):
        (folder / f"a{n:04d}.html").write_bytes(body)
    read = 0

    def entries():
        nonlocal read
        for i, p in enumerate(sorted(folder.iterdir())):
            for entry in unit_slots(i, str(p), p.name, "html", MAX):
                read += 1
                yield entry

    for handed, item in enumerate(join_pages(entries())):
        assert read <= handed + REACH + 1
    assert handed == 3 * REACH - 1


def test_skips_keep_their_place_and_a_listing_skip_ends_the_run(tmp_path):
    folder = write_folder(tmp_path / "saved")
    (folder / "0086_0.shtml").write_bytes(b"")  # between page 1 and page 2: a skip, one position
    assert shape(iter_articles([folder], MAX)) == [
        JOINED_FOLDER[0], *JOINED_FOLDER[1:3], ("skip", "empty_file", "0086_0.shtml"), *JOINED_FOLDER[3:]]
    # the same files given one by one with a missing path between: the run ends there
    named = [folder / "0086.shtml", tmp_path / "missing.html", folder / "0086_2.shtml"]
    assert shape(iter_articles(named, MAX)) == [
        ["0086.shtml"], ("skip", "unreadable", str(tmp_path / "missing.html")), ["0086_2.shtml"]]


def test_a_page_holding_no_page_bar_costs_no_parse(monkeypatch, tmp_path):
    """Pages whose bytes name no numbered sibling are not parsed for links (most pages)."""
    import pipeline.read.multipage as multipage

    parsed = []
    monkeypatch.setattr(multipage, "following_pages", lambda body, url: parsed.append(url) or [])
    folder = write_folder(tmp_path / "saved")
    list(iter_articles([folder], MAX))
    assert sorted(u.rsplit("/", 1)[1] for u in parsed) == ["0086.shtml", "0086_2.shtml", "0086_3.shtml", "0107_2.shtml"]
