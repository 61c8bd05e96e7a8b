"""jieba's prefix dictionary from a cache the project owns, built once per jieba dictionary.

jieba segments with a prefix dictionary (``jieba.dt.FREQ``: every word of its ``dict.txt`` with its
frequency, and every prefix of a word with 0) and the total frequency.  Building it from
``dict.txt`` takes about a second; jieba itself keeps it as a ``marshal`` file in the system's
temporary folder (``/tmp/jieba.cache``), where another user's file, or a file of another jieba
version, is read or fails without a word.  :func:`initialize` gives jieba the same dictionary
from a file of this project instead:

* **where**: ``$NEWSFACTS_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME/newsfacts``
  or ``~/.cache/newsfacts``; ``~/Library/Caches/newsfacts`` on macOS; ``%LOCALAPPDATA%\\newsfacts``
  on Windows), created for this user only (0700).  ``make install`` builds it
  (``python -m pipeline.nlp.dictionary``); otherwise the first run builds it.
* **keyed** by the format, jieba's version and the SHA-256 of jieba's ``dict.txt``: a file of any
  other jieba or dictionary has another name and is never read.  Files of other keys written
  more than 30 days ago are removed when a new one is written.
* **what it holds**: data only, no code and no pickle: a header (format, key, counts), the words
  as UTF-8 text one a line, their frequencies as 64-bit integers.  It is read only if this user
  owns it and nobody else may write it, and only if every count in the header matches; anything
  else is built again from ``dict.txt``.  It is not smaller than jieba's marshal file, but
  faster to read (the words are split in one call), and it can hold nothing but words and numbers.

The dictionary is exactly what jieba builds (``jieba.Tokenizer.gen_pfdict``, tested equal), set
on ``jieba.dt`` as jieba's own cache sets it.  The user dictionaries are added afterwards, as
before, by :func:`pipeline.nlp.segmenter.load_user_dicts` (a few milliseconds).  When the cache
folder cannot be written, jieba loads its dictionary its own way.
"""
from __future__ import annotations

import array
import hashlib
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from pipeline.nlp.libraries import import_jieba

log = logging.getLogger(__name__)

FORMAT = 1
MAGIC = b"newsfacts-jieba-prefix-dictionary"
UNUSED_DAYS = 30  # files of other keys older than this are removed when one is written

_lock = threading.Lock()


def cache_dir() -> Path:
    """The folder of the project's caches (see the module docstring)."""
    if os.environ.get("NEWSFACTS_CACHE_DIR"):
        return Path(os.environ["NEWSFACTS_CACHE_DIR"])
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsfacts"


def dict_file() -> Path:
    """jieba's own dictionary, ``dict.txt`` in its package folder."""
    jieba = import_jieba()
    return Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME


def cache_key(dictionary: bytes) -> str:
    jieba = import_jieba()
    digest = hashlib.sha256(dictionary).hexdigest()
    return hashlib.sha256(f"{FORMAT} {jieba.__version__} {digest}".encode()).hexdigest()[:24]


def cache_path(key: str) -> Path:
    return cache_dir() / f"jieba-{key}.dict"


def initialize() -> str:
    """Give jieba its prefix dictionary now, from the cache where it can; says how it went:
    ``"cache"``, ``"built"`` (from ``dict.txt``, and cached), ``"jieba"`` (jieba's own way: the
    cache folder cannot be written, or another main dictionary) or ``"already"``."""
    jieba = import_jieba()
    with _lock:
        dt = jieba.dt
        if dt.initialized:
            return "already"
        if dt.dictionary is not jieba.DEFAULT_DICT:  # someone set another main dictionary: jieba's way
            dt.initialize()
            return "jieba"
        try:
            key = cache_key(dict_file().read_bytes())
        except OSError as exc:
            log.debug("jieba's dict.txt cannot be read (%s): jieba loads its dictionary its own way", exc)
            dt.initialize()
            return "jieba"
        path = cache_path(key)
        how = "cache"
        loaded = read_cache(path, key)
        if loaded is None:
            if not _writable(path.parent):
                log.info("the cache folder %s cannot be written: jieba loads its dictionary its own way "
                         "(set NEWSFACTS_CACHE_DIR to a folder this user can write)", path.parent)
                dt.initialize()
                return "jieba"
            loaded = build()
            write_cache(path, key, *loaded)
            how = "built"
        with dt.lock:  # as jieba's own initialize() sets a dictionary it read from its cache
            if dt.initialized:
                return "already"
            dt.FREQ, dt.total = loaded
            dt.initialized = True
        return how


def build() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary built from its ``dict.txt``, by jieba (about a second)."""
    jieba = import_jieba()
    t0 = time.perf_counter()
    freq, total = jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())
    log.info("built jieba's prefix dictionary from dict.txt in %.1f s", time.perf_counter() - t0)
    return freq, total


def read_cache(path: Path, key: str) -> tuple[dict[str, int], int] | None:
    """The dictionary of a cache file, or None when there is none, or it is not ours, or not whole."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                log.warning("%s is not this user's own file (or others may write it): not read; "
                            "remove it, or set NEWSFACTS_CACHE_DIR", path)
                return None
            data = fh.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.debug("cannot read %s: %s", path, exc)
        return None
    try:
        start = data.index(b"\n") + 1
        magic, version, file_key, count, total, text_bytes = data[:start - 1].split(b" ")
        count, total, text_bytes = int(count), int(total), int(text_bytes)
        if (magic != MAGIC or int(version) != FORMAT or file_key.decode() != key
                or len(data) != start + text_bytes + 8 * count):
            raise ValueError("the header does not match")
        words = data[start:start + text_bytes].decode("utf-8").split("\n")
        freqs = array.array("q")
        freqs.frombytes(data[start + text_bytes:])
        if sys.byteorder != "little":
            freqs.byteswap()
        if len(words) != count or len(freqs) != count:
            raise ValueError("counts do not match")
        return dict(zip(words, freqs)), total
    except (ValueError, UnicodeDecodeError) as exc:
        log.info("the cached jieba dictionary %s is not whole (%s): building it again", path, exc)
        return None


def write_cache(path: Path, key: str, freq: dict[str, int], total: int) -> bool:
    """Write the dictionary to ``path`` (atomically); False when the folder cannot be written."""
    if any("\n" in word for word in freq):  # never in jieba's dictionary; the format needs it
        return False
    text = "\n".join(freq).encode("utf-8")
    freqs = array.array("q", freq.values())
    if sys.byteorder != "little":
        freqs.byteswap()
    header = b"%s %d %s %d %d %d\n" % (MAGIC, FORMAT, key.encode(), len(freq), total, len(text))
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(header)
                fh.write(text)
                fh.write(freqs.tobytes())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.info("cannot write the jieba dictionary cache %s (%s): set NEWSFACTS_CACHE_DIR to a folder "
                 "this user can write, or each run builds it again", path, exc)
        return False
    _remove_unused(path)
    return True


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _remove_unused(keep: Path) -> None:
    cutoff = time.time() - UNUSED_DAYS * 86400
    for other in keep.parent.glob("jieba-*.dict"):
        try:
            if other != keep and other.stat().st_mtime < cutoff:
                other.unlink()
        except OSError:
            pass


def build_cache() -> Path:
    """Build the cache file of the installed jieba now, if it is missing (``make install``)."""
    key = cache_key(dict_file().read_bytes())
    path = cache_path(key)
    if read_cache(path, key) is None and not write_cache(path, key, *build()):
        raise OSError(f"cannot write {path}")
    return path


if __name__ == "__main__":  # python -m pipeline.nlp.dictionary (make install)
    try:
        print(f"jieba dictionary cache: {build_cache()}")
    except OSError as exc:
        sys.exit(f"cannot write the jieba dictionary cache ({exc}); runs load jieba's dictionary its own way "
                 f"(set NEWSFACTS_CACHE_DIR to a folder this user can write)")
