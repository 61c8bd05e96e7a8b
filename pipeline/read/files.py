"""Saved pages and folders of them: the inputs a user names on the command line.

:func:`iter_raw_pages` yields one :class:`~pipeline.records.RawPage` per page and one
:class:`~pipeline.errors.Skip` per input that cannot be used, never raising for a bad input.
:func:`input_files` lists what it reads (the Dask engine hands that listing to its workers, which
read each file with :func:`read_file`), so both engines see the same files in the same order.
Skip reasons emitted here and in :mod:`pipeline.read.warc`:

``empty_file``
    a zero-byte (or whitespace-only) file
``empty_body``
    a 200 HTML response record whose payload is empty
``unreadable``
    the path does not exist, is not a regular file, or cannot be opened/listed
``too_large``
    more than ``max_bytes`` after decompression (checked while streaming)
``truncated_gzip`` / ``corrupt_gzip``
    a gzip stream that ends early / has bad data
``non_html``
    a PDF, image, archive or binary file, or a non-HTML response record
``symlink_outside_root``
    a symlink in a folder that points outside the folder (not followed)
``warc_revisit`` / ``http_status_<code>`` / ``warc_error``
    see :mod:`pipeline.read.warc`

Folders are walked depth-first in sorted order with one :func:`os.scandir` listing per
directory, so huge trees stream.  Files other than ``.html .htm .shtml`` (optionally ``.gz``)
and ``.warc .warc.gz .arc .arc.gz`` are ignored in folders; a file named explicitly is always
tried.
"""
from __future__ import annotations

import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pipeline.errors import Skip
from pipeline.read.limits import (
    CHUNK,
    GZIP_MAGIC,
    SNIFF_BYTES,
    GzipTruncated,
    TooLarge,
    gunzip_capped,
    mib,
    sniff_non_html,
)
from pipeline.read.warc import NotRegularFile, file_kind, iter_pages_in_warc, open_regular
from pipeline.records import RawPage, file_key

HTML_SUFFIXES = (".html", ".htm", ".shtml")
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_SAVED_FROM_RE = re.compile(rb"<!--\s*saved from url=\(\s*\d+\s*\)\s*(\S+?)\s*-->", re.IGNORECASE)


def classify(name: str) -> str | None:
    """``'html'``, ``'archive'`` or None (ignored in folders), by file name.

    >>> [classify(n) for n in ["a.HTML", "b.htm.gz", "c.shtml", "d.warc.gz", "e.arc", "f.pdf", "g.gz"]]
    ['html', 'html', 'html', 'archive', 'archive', None, None]
    """
    low = name.lower()
    if low.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    if low.endswith(".gz"):
        low = low[:-3]
    if low.endswith(HTML_SUFFIXES):
        return "html"
    return None



def saved_from_url(head: bytes) -> str | None:
    """URL of a browser's ``<!-- saved from url=(NNNN)... -->`` comment in the first 1 KB.

    >>> saved_from_url(b"<!DOCTYPE html>\\r\\n<!-- saved from url=(0037)http://news.cnnb.com.cn/a/1.html -->\\r\\n<html>")
    'http://news.cnnb.com.cn/a/1.html'
    >>> saved_from_url(b"<!-- saved from url=(0014)about:internet -->") is None
    True
    """
    match = _SAVED_FROM_RE.search(head[:SNIFF_BYTES])
    if match is None:
        return None
    url = match.group(1).decode("ascii", "replace")
    return url if url.lower().startswith(("http://", "https://")) else None



def display_path(rel: str) -> str:
    """A printable location for a relative path; non-UTF-8 names (e.g. GBK bytes from an
    old zip) are decoded as GB18030 when possible, else shown with escapes.  Control characters
    are shown escaped: a name holding a newline must not start a line of its own in the log.

    >>> display_path("a\\nSKIP.html")
    'a\\\\nSKIP.html'
    """
    try:
        rel.encode("utf-8")
        text = rel
    except UnicodeEncodeError:
        raw = os.fsencode(rel)
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "backslashreplace")
    return _CONTROL_RE.sub(_escape_control, text) if _CONTROL_RE.search(text) else text


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_control(m: re.Match) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(m.group(), m.group().encode("unicode_escape").decode("ascii"))


def _read_chunks(fh: BinaryIO) -> Iterator[bytes]:
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            return
        yield chunk


def read_capped(fh: BinaryIO, size: int, max_bytes: int) -> bytes | None:
    """The rest of ``fh``, whose size was ``size`` when looked at, or None when it holds more than
    ``max_bytes``.  Asks for the size (and a byte more, to see the file grew), not for max_bytes:
    a read allocates what it is asked for first, 20 MiB per page by default.

    >>> import io
    >>> len(read_capped(io.BytesIO(b"x" * 100), 100, 200)), len(read_capped(io.BytesIO(b"x" * 100), 50, 200))
    (100, 100)
    >>> read_capped(io.BytesIO(b"x" * 100), 50, 80) is None
    True
    """
    body = fh.read(size + 1)
    if len(body) > size:  # it grew while read: the rest, up to the limit
        body += fh.read(max_bytes + 1 - len(body))
    return None if len(body) > max_bytes else body


# --------------------------------------------------------------------------- saved files


def read_html_file(path: str | os.PathLike, location: str, max_bytes: int) -> RawPage | Skip:
    """One saved page as a RawPage, or the Skip that says why it cannot be used."""
    try:
        with open_regular(path, location) as fh:  # never a FIFO: opening one blocks
            info = os.fstat(fh.fileno())
            if info.st_size == 0:
                return Skip("empty_file", location, "the file is empty (0 bytes); re-save or re-fetch the page")
            magic = fh.read(2)
            fh.seek(0)
            if magic == GZIP_MAGIC:
                try:
                    body = gunzip_capped(_read_chunks(fh), max_bytes)
                except TooLarge:
                    return Skip("too_large", location,
                                f"more than {mib(max_bytes)} after gunzip (gzip bomb or huge page); "
                                "raise max_bytes if the page is genuine")
                except GzipTruncated:
                    return Skip("truncated_gzip", location,
                                "the gzip stream ends before its end marker (file cut short); re-download it")
                except zlib.error as exc:
                    return Skip("corrupt_gzip", location, f"gzip data is corrupt ({exc}); re-download it")
            else:
                if info.st_size > max_bytes:
                    return Skip("too_large", location,
                                f"{mib(info.st_size)} is more than the {mib(max_bytes)} limit; "
                                "raise max_bytes if the page is genuine")
                body = read_capped(fh, info.st_size, max_bytes)
                if body is None:
                    return Skip("too_large", location, f"more than {mib(max_bytes)} (file grew while read)")
    except NotRegularFile as exc:
        return Skip("unreadable", location, str(exc))
    except PermissionError as exc:
        return Skip("unreadable", location, f"permission denied ({exc.strerror}); fix the file's permissions")
    except FileNotFoundError:
        return Skip("unreadable", location, "no such file (removed while reading?)")
    except OSError as exc:
        return Skip("unreadable", location, f"cannot read: {exc.strerror or exc}")
    if not body.strip():
        return Skip("empty_file", location, "the file holds no text (only whitespace)")
    head = body[:SNIFF_BYTES]
    what = sniff_non_html(head)
    if what is not None:
        return Skip("non_html", location, f"the file is {what}, not HTML (first bytes {head[:8]!r})")
    return RawPage(location=location, body=body, url=saved_from_url(head), key=file_key(path))


# --------------------------------------------------------------------------- folders


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_file(path: str, location: str, kind: str, max_bytes: int) -> Iterator[RawPage | Skip]:
    """The pages of one input file: a saved page (``kind`` "html") or a WARC/ARC ("archive")."""
    if kind == "archive":
        yield from iter_pages_in_warc(path, location, max_bytes)
    else:
        yield read_html_file(path, location, max_bytes)


def walk_folder(root: str) -> Iterator[tuple[str, str, str] | Skip]:
    """(path, location, kind) of the input files under ``root``, sorted, depth first, or Skips."""
    real_root = os.path.realpath(root)
    # A stack of (sorted listing of one directory, its relative prefix); only the
    # listings of the directories on the current path are held at once.
    stack: list[tuple[Iterator[os.DirEntry], str]] = []

    def listing(path: str, prefix: str) -> Skip | None:
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            return Skip("unreadable", display_path(prefix.rstrip("/") or "."),
                        f"cannot list directory: {exc.strerror or exc}")
        stack.append((iter(entries), prefix))
        return None

    problem = listing(root, "")
    if problem is not None:
        yield problem
    while stack:
        entries, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        rel = prefix + entry.name
        location = display_path(rel)
        kind = classify(entry.name)
        try:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not _inside(target, real_root):
                    if kind is not None or os.path.isdir(entry.path):
                        yield Skip("symlink_outside_root", location,
                                   "symlink points outside the input folder; not followed")
                    continue
                if os.path.isdir(target):
                    continue  # its target is inside the root and is walked there
                if kind is None:
                    continue
                try:
                    mode = os.stat(entry.path).st_mode  # the target's: a FIFO must not be opened
                except FileNotFoundError:
                    yield Skip("unreadable", location, "dangling symlink (its target does not exist)")
                    continue
                if not stat.S_ISREG(mode):
                    yield Skip("unreadable", location,
                               f"{location} is a symlink to {file_kind(mode)}, not a regular file; not read")
                    continue
                yield entry.path, location, kind
                continue
            if entry.is_dir(follow_symlinks=False):
                problem = listing(entry.path, rel + "/")
                if problem is not None:
                    yield problem
                continue
            if kind is None:
                continue
            if not entry.is_file(follow_symlinks=False):
                yield Skip("unreadable", location, f"{location} is not a regular file (device, FIFO or socket); not read")
                continue
        except OSError as exc:
            yield Skip("unreadable", location, f"cannot stat: {exc.strerror or exc}")
            continue
        yield entry.path, location, kind


def input_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, str, str] | Skip]:
    """(path, location, kind) of every input file in the paths a user gave, or the Skip of a path
    that cannot be used.  A folder is walked (:func:`walk_folder`); a file named explicitly is
    read whatever its name (as a page unless it is named like an archive).

    ``location`` is relative to the folder given (or to a single file's parent folder, i.e. the
    file name), with ``/`` separators.
    """
    for given in paths:
        path = os.fspath(given)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            yield Skip("unreadable", path, "no such file or directory")
            continue
        except OSError as exc:
            yield Skip("unreadable", path, f"cannot stat: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from walk_folder(path)
            continue
        name = display_path(os.path.basename(path.rstrip(os.sep)) or path)
        if not stat.S_ISREG(info.st_mode):
            yield Skip("unreadable", name, f"{path} is {file_kind(info.st_mode)}, not a regular file; not read")
            continue
        yield path, name, classify(name) or "html"


def iter_raw_pages(paths: Iterable[str | os.PathLike], max_bytes: int) -> Iterator[RawPage | Skip]:
    """Pages and skips for files, folders (recursive, sorted) and WARC/ARC files, in that order;
    WARC records add ``#offset`` to the location of their file."""
    for item in input_files(paths):
        if isinstance(item, Skip):
            yield item
        else:
            yield from read_file(*item, max_bytes)
