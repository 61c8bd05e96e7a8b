"""The capped inflater shared by the file reader, the sitemap reader and the fetcher."""
from __future__ import annotations

import gzip
import zlib

import pytest

from pipeline.read.limits import GzipTruncated, Inflater, TooLarge, gunzip_capped, media_type, sniff_non_html

TEXT = "鄞州区实现进出口总额297亿元，增长27.3%。".encode("utf-8") * 50


def inflate(encoding: str, data: bytes, cap: int, piece: int) -> tuple[bytes, bool]:
    out, inflater = bytearray(), Inflater(encoding, cap)
    for i in range(0, len(data), piece):
        inflater.feed(data[i:i + piece], out)
    return bytes(out), inflater.complete()


@pytest.mark.parametrize("piece", [1, 2, 7, 4096])
def test_members_are_joined_whatever_the_chunking(piece):
    data = gzip.compress(TEXT, mtime=0) + gzip.compress(b"tail", mtime=0)
    assert inflate("gzip", data, 10**6, piece) == (TEXT + b"tail", True)


@pytest.mark.parametrize("piece", [1, 3, 4096])
def test_junk_after_the_last_member_ends_the_data(piece):
    data = gzip.compress(TEXT, mtime=0) + b"\0\0junk" + gzip.compress(b"after junk", mtime=0)
    assert inflate("gzip", data, 10**6, piece) == (TEXT, True)
    assert gunzip_capped([data[i:i + piece] for i in range(0, len(data), piece)], 10**6) == TEXT


@pytest.mark.parametrize("wrap", [zlib.compress, lambda b: zlib.compress(b)[2:-4]])  # zlib, raw deflate
def test_deflate_with_or_without_the_zlib_wrapper(wrap):
    assert inflate("deflate", wrap(TEXT), 10**6, 1)[0] == TEXT


def test_a_bomb_stops_at_the_cap():
    bomb = gzip.compress(b"\0" * (50 * 2**20), mtime=0)
    with pytest.raises(TooLarge):
        inflate("gzip", bomb, 2**20, 65536)
    with pytest.raises(TooLarge):
        gunzip_capped([bomb], 2**20)


def test_a_cut_stream_is_told():
    data = gzip.compress(TEXT, mtime=0)
    assert inflate("gzip", data[:-10], 10**6, 100)[1] is False
    with pytest.raises(GzipTruncated):
        gunzip_capped([data[:-10]], 10**6)
    with pytest.raises(zlib.error):
        gunzip_capped([b"\x1f\x8b\x08\x00" + b"\xff" * 20], 10**6)


def test_one_reading_of_content_types_and_magic_numbers():
    assert media_type(" text/HTML ; charset=gbk") == "text/html" and media_type(None) == ""
    assert sniff_non_html(b"%PDF-1.7") == "a PDF document" and sniff_non_html(b"<html>") is None
