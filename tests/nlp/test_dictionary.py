"""jieba's prefix dictionary from the project's cache: jieba's own dictionary, the same tokens as a
fresh jieba, and a cache file that is not whole, not ours or not writable never used."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import jieba
import pytest

from pipeline.nlp import dictionary
from tests.conftest import REPO


@pytest.fixture(scope="module")
def built() -> tuple[dict, int]:
    return dictionary.build()


def _python(code: str, cache: os.PathLike, *args: str) -> str:
    env = dict(os.environ, NEWSFACTS_CACHE_DIR=str(cache), PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_cache_holds_jiebas_own_dictionary(tmp_path, built):
    freq, total = built
    key = "k" * 24
    path = tmp_path / f"jieba-{key}.dict"
    assert dictionary.write_cache(path, key, freq, total)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    read = dictionary.read_cache(path, key)
    assert read is not None
    assert read[1] == total and read[0] == freq and list(read[0]) == list(freq)  # same words, counts, order
    assert dictionary.read_cache(path, "x" * 24) is None  # another key: never read


def test_a_cache_file_not_whole_or_writable_by_others_is_not_read(tmp_path, built):
    freq, total = built
    key = "k" * 24
    path = tmp_path / f"jieba-{key}.dict"
    assert dictionary.write_cache(path, key, freq, total)
    whole = path.read_bytes()
    path.write_bytes(whole[:-8])  # cut short
    assert dictionary.read_cache(path, key) is None
    header, rest = whole.split(b"\n", 1)
    for damaged in (header.replace(b"newsfacts", b"newsfact5"), header + b" 1", header.replace(b" ", b"  ", 1),
                    b"\n" + rest, header[:40]):
        path.write_bytes(damaged + b"\n" + rest)  # the header damaged
        assert dictionary.read_cache(path, key) is None, damaged
    words = rest.index(b"\n")
    path.write_bytes(header + b"\n" + rest[:words] + b"\xff" + rest[words + 1:])  # not UTF-8
    assert dictionary.read_cache(path, key) is None
    path.write_bytes(whole)
    if hasattr(os, "getuid"):
        path.chmod(0o666)
        assert dictionary.read_cache(path, key) is None
        path.chmod(0o600)
    assert dictionary.read_cache(path, key) is not None


CACHED_TOKENS = r"""
import json, sys
from pipeline.nlp import dictionary
how = dictionary.initialize()
import jieba
from pipeline.nlp.language import get_nlp, segment
nlp = get_nlp()
bodies = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps({"how": how, "nlp": [segment(b, nlp) for b in bodies],
                  "jieba": [jieba.lcut(b) for b in bodies], "total": jieba.dt.total,
                  "pkg_resources": "pkg_resources" in sys.modules}))
"""

FRESH_TOKENS = r"""
import json, sys, tempfile, logging
import jieba
jieba.setLogLevel(logging.WARNING)
jieba.dt.tmp_dir = tempfile.mkdtemp()  # no cache of jieba's own either: built from dict.txt
jieba.initialize()
jieba.load_userdict(sys.argv[2])
bodies = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps({"jieba": [jieba.lcut(b) for b in bodies], "total": jieba.dt.total}))
"""


def test_the_cached_dictionary_gives_the_tokens_of_a_fresh_jieba_on_the_bundled_corpus(tmp_path):
    from tests.nlp.test_segmenter import _bodies

    bodies = _bodies()
    assert len(bodies) >= 40
    texts = tmp_path / "bodies.json"
    texts.write_text(json.dumps(bodies, ensure_ascii=False), encoding="utf-8")
    cache = tmp_path / "cache"
    first = json.loads(_python(CACHED_TOKENS, cache, str(texts)))  # builds the cache
    second = json.loads(_python(CACHED_TOKENS, cache, str(texts)))  # reads it
    assert (first["how"], second["how"]) == ("built", "cache")
    assert len(list(cache.glob("jieba-*.dict"))) == 1
    fresh = json.loads(_python(FRESH_TOKENS, tmp_path / "unused", str(texts),
                               str(REPO / "corpora" / "dicts" / "economy.txt")))
    assert second["total"] == first["total"] == fresh["total"]
    assert second["jieba"] == first["jieba"] == fresh["jieba"]  # jieba itself, dictionary from the cache
    # the pipeline's tokens (the fast path: rjieba where it cuts as jieba) are fresh jieba's, spaces dropped
    assert second["nlp"] == [[t for t in tokens if t.strip()] for tokens in fresh["jieba"]]
    assert not second["pkg_resources"]


def test_an_unwritable_cache_folder_leaves_jieba_its_own_way(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = _python("from pipeline.nlp import dictionary; import jieba\n"
                  "print(dictionary.initialize(), jieba.dt.initialized, len(jieba.dt.FREQ) > 300000)",
                  blocker / "cache")
    assert out.split() == ["jieba", "True", "True"]


def test_make_install_builds_the_cache(tmp_path):
    out = _python("import runpy; runpy.run_module('pipeline.nlp.dictionary', run_name='__main__')", tmp_path)
    assert out.startswith("jieba dictionary cache: ") and len(list(tmp_path.glob("jieba-*.dict"))) == 1


def test_a_process_that_initialized_jieba_keeps_it():
    jieba.initialize()
    assert dictionary.initialize() == "already"


def test_the_cache_is_keyed_by_jiebas_version_and_dictionary():
    text = dictionary.dict_file().read_bytes()
    assert dictionary.cache_key(text) == dictionary.cache_key(text)
    assert dictionary.cache_key(text) != dictionary.cache_key(text + b"\xe6\x96\xb0 3 n\n")
