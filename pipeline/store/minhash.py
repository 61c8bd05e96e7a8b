"""Near-duplicate detection: MinHash over character 5-gram shingles, banded for LSH.

Signatures are computed here with numpy (128 multiply-shift hash functions over
64-bit shingle hashes), 4-5x faster than datasketch's MinHash with the same
accuracy (benchmarks/); the band layout for a Jaccard threshold is the one
datasketch's MinHashLSH chooses (tested against it), computed without
importing scipy.  The bands are kept in the state database (see ``state.py``)
so that duplicates are found across runs and the index never has to fit in
memory.  Which copy is the original is decided by ``store.assign_duplicates``.
"""
from __future__ import annotations

import hashlib
import struct
from functools import lru_cache

import numpy as np

from pipeline.records import normalize_for_hash


def shingles(text: str, k: int) -> set[bytes]:
    """Character k-grams of the normalized text (whitespace and punctuation removed).

    >>> sorted(shingles("增长12.9%，好", k=5))[:2] == sorted(shingles("增长 12.9% 好", k=5))[:2]
    True
    >>> len(shingles("一二三四五六", k=5))
    2
    """
    norm = normalize_for_hash(text)
    if len(norm) < k:
        return {norm.encode("utf-8")} if norm else set()
    return {norm[i : i + k].encode("utf-8") for i in range(len(norm) - k + 1)}


# Shingles are hashed and permuted with numpy, a whole text at a time: hashing them one by one
# in Python (datasketch's MinHash.update) cost more than segmenting the text.
_MIX1, _MIX2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)  # murmur3's 64-bit finalizer
_POLY = np.uint64(0x100000001B3)
_CHUNK = 4096  # shingles permuted at once: bounds the temporary (chunk x num_perm x 8 bytes)


def shingle_hashes(text: str, k: int, normalized: bool = False) -> np.ndarray:
    """Distinct 64-bit hashes of the character k-grams of the normalized text (sorted).

    The same shingles as ``shingles``: a k-gram's hash is a polynomial in its code points,
    mixed by murmur3's finalizer.

    >>> len(shingle_hashes("一二三四五六", 5)), len(shingle_hashes("增长 12.9%", 5)) == len(shingles("增长 12.9%", 5))
    (2, True)
    """
    norm = text if normalized else normalize_for_hash(text)
    if not norm:
        return np.zeros(0, dtype=np.uint64)
    points = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    k = min(k, len(points))  # a text shorter than k is one shingle
    n = len(points) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for i in range(k):
        h = h * _POLY + points[i : i + n]
    h ^= h >> np.uint64(33)
    h *= _MIX1
    h ^= h >> np.uint64(33)
    h *= _MIX2
    h ^= h >> np.uint64(33)
    return _distinct(h)


def _distinct(h: np.ndarray) -> np.ndarray:
    """``np.unique(h)`` (sorted, each value once) by a sort and a comparison with the neighbour:
    a third of np.unique's time on a page's ~2,500 hashes (numpy 2.4).

    >>> _distinct(np.array([5, 3, 5, 1, 3], dtype=np.uint64)).tolist()
    [1, 3, 5]
    """
    h = np.sort(h)
    keep = np.empty(len(h), dtype=np.bool_)
    keep[:1] = True
    np.not_equal(h[1:], h[:-1], out=keep[1:])
    return h[keep]


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of ``num_perm`` multiply-shift hash functions h(x) = (a*x + b mod 2**64) >> 32, a odd."""
    rng = np.random.Generator(np.random.PCG64(20170515))
    a = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False) | np.uint64(1)
    b = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False)
    return a, b


def signature(text: str, num_perm: int, k: int, normalized: bool = False) -> np.ndarray:
    """MinHash signature (uint64 array of ``num_perm`` 32-bit values) of the text's shingles.

    ``num_perm`` and ``k`` (the shingle size) come from the ``[dedupe]`` settings.
    ``normalized``: the text has been through ``normalize_for_hash`` already.

    >>> a = signature("鄞州区实现进出口总额297亿元，增长27.3%。", 128, 5)
    >>> b = signature("鄞州区实现进出口总额297亿元，增长27.3%！", 128, 5)
    >>> a.shape, bool((a == b).all()), bool((a <= 0xFFFFFFFF).all())
    ((128,), True, True)
    """
    a, b = _permutations(num_perm)
    out = np.full(num_perm, np.uint64(0xFFFFFFFF), dtype=np.uint64)  # an empty text's signature
    hashes = shingle_hashes(text, k, normalized)
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK, None]
        with np.errstate(over="ignore"):  # wrapping modulo 2**64 is the point
            permuted = np.multiply(chunk, a)  # one (chunk x num_perm) array, changed in place
            permuted += b
        # the shift keeps the order (x <= y: x >> 32 <= y >> 32), so the minimum is shifted alone
        np.minimum(out, permuted.min(axis=0) >> np.uint64(32), out=out)
    return out


@lru_cache(maxsize=8)
def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) for LSH at this Jaccard threshold, as datasketch's MinHashLSH picks them.

    Two pages are candidates when all ``rows`` values of some band agree, which happens with
    probability 1 - (1 - s**rows)**bands at similarity s.  The layout minimises the mean of the
    false positive area (that curve below the threshold) and the false negative area (one minus
    it above), over bands * rows <= num_perm.  Computed here (numpy, 2,001-point trapezoids)
    because importing datasketch's LSH pulls in scipy: most of a second on every run.

    >>> band_layout(0.5, 128), band_layout(0.8, 128)
    ((25, 5), (9, 13))
    """
    area = getattr(np, "trapezoid", None) or np.trapz  # renamed in numpy 2.0
    lo = np.linspace(0.0, threshold, 2001)
    hi = np.linspace(threshold, 1.0, 2001)
    best, best_error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_pos = area(1 - (1 - lo**rows) ** bands, lo)
            false_neg = area((1 - hi**rows) ** bands, hi)
            error = 0.5 * false_pos + 0.5 * false_neg
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def band_keys(sig: np.ndarray, bands: int, rows: int) -> list[int]:
    """One 63-bit key per band; pages sharing a key in some band are candidates."""
    keys = []
    for b in range(bands):
        chunk = sig[b * rows : (b + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=struct.pack("<Q", b)).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)  # fits SQLite's signed INTEGER
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures.

    >>> s = signature("鄞州区实现进出口总额297亿元，增长27.3%。" * 3, 128, 5)
    >>> similarity(s, s)
    1.0
    """
    return float(np.count_nonzero(a == b)) / len(a)


def to_blob(sig: np.ndarray) -> bytes:
    """A signature as stored: 4 little-endian bytes per value (the values are 32-bit)."""
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")
