"""Tests of pipeline.extract.decode (RELIABILITY.md E01-E05, H01): real bytes, no mocks."""
from __future__ import annotations

import logging
import random

import pytest

from pipeline.errors import Skip
from pipeline.extract.decode import Decoded, decode_html, normalize_charset

NEWS = (
    "本报讯（记者 王喆 通讯员 李堃）昨日，宁波市鄞州区举行2017年重大项目集中开工仪式，"
    "共有32个项目开工，总投资达186.5亿元。其中，北仑区的新材料产业园项目投资45亿元，"
    "预计年产值可达120亿元。镇海区、慈溪市、余姚市和奉化区也分别有多个项目同步开工。"
    "市委书记在讲话中指出，要加快推进甬江两岸综合开发，打造高质量发展的新引擎。"
)
RARE = "朱镕基 喆 堃 € 𠀀"  # GBK-only hanzi, the euro sign and a GB18030 four-byte character


def page(text: str = NEWS, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>宁波新闻</title></head>"
        f"<body><div class=\"article\"><p>{text}</p></div></body></html>"
    )


def meta(charset: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'


# ---------------------------------------------------------------- declared and right


@pytest.mark.parametrize(
    "codec, label",
    [("utf-8", "utf-8"), ("gbk", "gbk"), ("gb18030", "gb18030"), ("gbk", "GB2312"), ("gbk", "x-gbk")],
)
def test_declared_charset_that_is_right(codec, label):
    html = page(head=meta(label))
    d = decode_html(html.encode(codec), "text/html")
    assert d.text == html
    assert d.flags == ()
    assert d.decode_errors == 0
    assert d.encoding == ("utf-8" if codec == "utf-8" else "gb18030")
    assert d.declared == d.encoding


def test_gb2312_declared_with_gbk_and_gb18030_only_characters():
    # E03: 镕/喆/堃 are GBK-only, 𠀀 needs GB18030's four-byte form, € is 0x80 in GBK.
    html = page(NEWS + RARE, head='<meta charset="gb2312">')
    d = decode_html(html.encode("gb18030"), None, "rare.html")
    assert d.text == html
    for ch in ["镕", "喆", "堃", "€", "𠀀"]:
        assert ch in d.text
    assert (d.encoding, d.declared, d.flags, d.decode_errors) == ("gb18030", "gb18030", (), 0)


def test_lone_0x80_is_the_euro_sign():
    body = page(head='<meta charset="gbk">').encode("gbk").replace(b"<p>", b"<p>\x80 ")
    d = decode_html(body)
    assert "<p>€ " in d.text and d.decode_errors == 0


def test_text_goes_to_bs4_as_str_not_bytes():
    # The probe in RELIABILITY.md: bs4 on raw gb2312-declared bytes lost the text.
    from bs4 import BeautifulSoup

    html = page("朱镕基总理考察宁波港" + NEWS, head='<meta charset="gb2312">')
    d = decode_html(html.encode("gb18030"))
    soup = BeautifulSoup(d.text, "lxml")
    assert "朱镕基总理考察宁波港" in soup.get_text()


# ---------------------------------------------------------------- declared and wrong


def test_header_utf8_with_gbk_body(caplog):
    # E01
    html = page(head=meta("gbk"))
    with caplog.at_level(logging.INFO, logger="pipeline.extract.decode"):
        d = decode_html(html.encode("gbk"), "text/html; charset=utf-8", "site/a.html")
    assert d.text == html
    assert (d.encoding, d.declared, d.decode_errors) == ("gb18030", "utf-8", 0)
    assert d.flags == ("charset_mismatch",)
    assert "charset_mismatch declared=utf-8 used=gb18030" in caplog.text
    assert "location=site/a.html" in caplog.text


def test_header_utf8_with_gbk_body_and_no_meta():
    html = page()
    d = decode_html(html.encode("gbk"), "text/html; charset=UTF-8")
    assert d.text == html and d.encoding == "gb18030" and "charset_mismatch" in d.flags


def test_meta_gbk_with_utf8_body(caplog):
    # E02: a body that is valid multibyte UTF-8 wins over the declaration.
    html = page(head=meta("gbk"))
    with caplog.at_level(logging.INFO, logger="pipeline.extract.decode"):
        d = decode_html(html.encode("utf-8"), "text/html")
    assert d.text == html
    assert (d.encoding, d.declared, d.flags) == ("utf-8", "gb18030", ("charset_mismatch",))
    assert "declared=gb18030 used=utf-8" in caplog.text


def test_header_gb2312_with_utf8_body():
    html = page(NEWS + "朱镕基")
    d = decode_html(html.encode("utf-8"), "text/html; charset=gb2312")
    assert d.text == html and d.encoding == "utf-8" and d.flags == ("charset_mismatch",)


def test_header_wins_over_meta_when_both_fit():
    html = page(head=meta("gbk"))
    d = decode_html(html.encode("utf-8"), "text/html; charset=utf-8")
    assert d.text == html and d.encoding == "utf-8" and d.flags == ()


def test_bom_wins_over_header(caplog):
    html = page(head=meta("gbk"))
    body = b"\xef\xbb\xbf" + html.encode("utf-8")
    with caplog.at_level(logging.INFO, logger="pipeline.extract.decode"):
        d = decode_html(body, "text/html; charset=gbk", "bom.html")
    assert d.text == html  # BOM stripped
    assert (d.encoding, d.declared) == ("utf-8", "utf-8")
    assert d.flags == ("charset_mismatch",)
    assert "overridden_by=bom" in caplog.text


def test_utf16_with_bom():
    html = page()
    d = decode_html(html.encode("utf-16"), None)
    assert d.text == html and d.encoding.startswith("utf-16")


def test_latin1_header_on_a_chinese_page_is_not_used():
    html = page(head=meta("iso-8859-1"))
    d = decode_html(html.encode("gbk"), "text/html; charset=ISO-8859-1")
    assert d.text == html
    assert d.encoding == "gb18030" and d.declared == "cp1252" and "charset_mismatch" in d.flags


def test_latin1_header_on_a_western_page_is_kept():
    html = "<html><body><p>Café crème, déjà vu — Ningbo trade fair à la française.</p></body></html>"
    d = decode_html(html.encode("cp1252"), "text/html; charset=iso-8859-1")
    assert d.text == html and d.encoding == "cp1252" and d.flags == ()


# ---------------------------------------------------------------- no declaration (E04)


@pytest.mark.parametrize("codec, expected", [("utf-8", "utf-8"), ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_no_declaration_at_all(codec, expected):
    html = page(NEWS + ("𠀀" if codec == "gb18030" else ""))
    d = decode_html(html.encode(codec), "text/html")
    assert d.text == html
    assert (d.encoding, d.declared, d.flags, d.decode_errors) == (expected, None, (), 0)
    assert d.encoding not in ("cp1252", "latin-1", "iso8859-1")


def test_ascii_page_without_declaration():
    d = decode_html(b"<html><body>plain</body></html>")
    assert d.encoding == "utf-8" and d.text == "<html><body>plain</body></html>"


def test_meta_beyond_first_4kb_is_not_read():
    html = "<html><head>" + "<!-- padding -->" * 300 + meta("utf-8") + "</head><body>" + NEWS + "</body></html>"
    d = decode_html(html.encode("gbk"))
    assert d.declared is None and d.encoding == "gb18030" and d.text == html


# ---------------------------------------------------------------- stray bytes and junk (E05)


def insert_stray(body: bytes, count: int, byte: bytes = b"\xff") -> bytes:
    """Insert ``byte`` before ``count`` ASCII '<' of the body (never inside a character)."""
    positions = [i for i, b in enumerate(body) if b == ord("<")][1:count + 1]
    for i in reversed(positions):
        body = body[:i] + byte + body[i:]
    return body


@pytest.mark.parametrize("codec, header", [("gbk", "text/html; charset=gbk"), ("gbk", None),
                                           ("utf-8", "text/html; charset=utf-8"), ("utf-8", None)])
def test_three_stray_bytes_are_replaced_and_counted(codec, header):
    html = page(NEWS * 3)
    d = decode_html(insert_stray(html.encode(codec), 3), header, "stray.html")
    assert d.decode_errors == 3
    assert d.text.count("\ufffd") == 3
    assert d.text.replace("\ufffd", "") == html
    assert d.encoding == ("utf-8" if codec == "utf-8" else "gb18030")


def test_heavy_junk_is_undecodable():
    rng = random.Random(7)
    body = bytearray(page(NEWS * 5, head=meta("gbk")).encode("gbk"))
    for _ in range(len(body) // 10):  # 10 % junk
        body.insert(rng.randrange(len(body)), 0xFF)
    with pytest.raises(Skip) as info:
        decode_html(bytes(body), "text/html; charset=gbk", "junk.html")
    assert info.value.reason == "undecodable"
    assert info.value.location == "junk.html"
    assert "could not be decoded" in info.value.detail and "check the source" in info.value.detail


def test_literal_replacement_character_is_not_a_decode_error():
    html = page("原文如此：\ufffd" + NEWS)
    d = decode_html(html.encode("utf-8"))
    assert d.decode_errors == 0 and d.text == html


# ---------------------------------------------------------------- truncation (H01)


def test_cut_in_the_middle_of_a_gbk_character():
    html = page(head=meta("gbk"))
    body = html.encode("gbk")
    cut = body[: body.index("引擎".encode("gbk")) + 3]  # 引 whole, half of 擎
    d = decode_html(cut)
    assert d.text.endswith("新引")
    assert d.decode_errors == 0
    assert "truncated_html" in d.flags


def test_cut_in_the_middle_of_a_utf8_character():
    body = page().encode("utf-8")
    d = decode_html(body[: body.index("引擎".encode()) + 4])
    assert d.text.endswith("新引") and "truncated_html" in d.flags and d.decode_errors == 0


# ---------------------------------------------------------------- mojibake (E05)


@pytest.mark.parametrize("garbage", ["锟斤拷锟斤拷", "烫烫烫烫烫", "屯屯屯屯"])
def test_garbage_markers_are_flagged(garbage):
    d = decode_html(page(NEWS + garbage).encode("utf-8"))
    assert "mojibake_suspected" in d.flags
    assert garbage in d.text  # not repairable: left as is


def test_utf8_read_as_gbk_upstream_is_flagged():
    mojibake = NEWS.encode("utf-8").decode("gbk", "replace")  # '鏈姤璁...' stored as UTF-8
    d = decode_html(page(mojibake).encode("utf-8"))
    assert d.encoding == "utf-8"
    assert "mojibake_suspected" in d.flags and "mojibake_repaired" not in d.flags


def test_utf8_read_as_latin1_upstream_is_repaired_when_lossless():
    html = page(NEWS)
    mojibake = html.encode("utf-8").decode("cp1252", "ignore")  # 'ä¸­æ–‡' style
    assert "ä" in mojibake or "å" in mojibake
    stored = html.encode("utf-8").decode("latin-1")  # lossless variant
    d = decode_html(stored.encode("utf-8"), "text/html; charset=utf-8")
    assert d.flags == ("mojibake_suspected", "mojibake_repaired")
    assert d.text == html


def test_latin1_mojibake_not_repaired_when_lossy():
    html = page(NEWS)
    lossy = html.encode("utf-8").decode("cp1252", "replace") + " · "
    d = decode_html(lossy.encode("utf-8"))
    assert "mojibake_suspected" in d.flags and "mojibake_repaired" not in d.flags


TRADITIONAL = ("香港特別行政區政府今日公布，本港經濟在第三季按年實質增長百分之二點九，"
               "出口貨值上升，零售業銷貨額亦錄得溫和增長。")
CLASSICAL = "臣亮言：先帝創業未半而中道崩殂，今天下三分，益州疲弊，此誠危急存亡之秋也。"


def test_clean_pages_are_not_flagged():
    for html in (page(), page(NEWS + RARE), page("Ningbo port handled 1.1 billion tonnes."),
                 page(TRADITIONAL * 3), page(CLASSICAL * 3)):
        assert decode_html(html.encode("utf-8")).flags == ()
    big5 = f'<html><head><meta charset="big5"><title>香港新聞</title></head><body>{TRADITIONAL}</body></html>'
    d = decode_html(big5.encode("big5"))
    assert (d.text, d.encoding, d.flags) == (big5, "big5hkscs", ())


# ---------------------------------------------------------------- API


def test_decoded_is_frozen_and_normalizes_labels():
    d = decode_html(b"<p>x</p>")
    assert isinstance(d, Decoded)
    with pytest.raises(AttributeError):
        d.text = "y"  # type: ignore[misc]
    assert [normalize_charset(x) for x in ["gbk", "GB2312", "x-gbk", "cp936", "zh-cn", "utf8"]] == [
        "gb18030", "gb18030", "gb18030", "gb18030", "gb18030", "utf-8"]
    assert normalize_charset("utf-7") is None  # w3lib refuses it: markup smuggling


# ---------------------------------------------------------------- the bytes the parser may take


def test_a_utf8_page_hands_on_its_own_bytes_as_the_text_in_utf8():
    body = page().encode("utf-8")
    d = decode_html(body)
    assert d.utf8 is body and d.text.encode("utf-8") == body


@pytest.mark.parametrize("why, body", [
    ("a BOM", b"\xef\xbb\xbf" + page().encode("utf-8")),
    ("another codec", page(head=meta("gbk")).encode("gbk")),
    ("a replaced byte", page(NEWS + "\ufffd").encode("utf-8").replace("\ufffd".encode(), b"\xff")),
    ("a cut character", page().encode("utf-8")[: page().encode("utf-8").index("引擎".encode()) + 4]),
    ("a repaired page", page(NEWS).encode("utf-8").decode("latin-1").encode("utf-8")),
])
def test_a_text_that_is_not_the_bytes_as_they_were_hands_on_no_bytes(why, body):
    d = decode_html(body, "text/html; charset=utf-8")
    assert d.utf8 is None, why
    assert d.text.encode("utf-8") != body or why == "another codec"


def test_the_bytes_handed_on_are_the_text_on_every_bundled_page():
    from tests.extract.built import REPO
    from pipeline.read.files import iter_raw_pages
    handed = 0
    for raw in iter_raw_pages([REPO / "corpora"], 50_000_000):
        if isinstance(raw, Skip):
            continue
        d = decode_html(raw.body, raw.content_type)
        if d.utf8 is not None:
            assert d.text.encode("utf-8") == d.utf8, raw.location
            handed += 1
    assert handed >= 10
