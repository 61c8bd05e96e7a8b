"""Near-duplicate detection: MinHash over character 5-gram shingles, banded for LSH.

datasketch computes the signatures and picks the band layout for a Jaccard
threshold; the bands are kept in the state database (see ``store.py``) so
that duplicates are found across runs and the index never has to fit in
memory.  Which copy is the original is decided by ``store.assign_duplicates``.
"""
from __future__ import annotations

import hashlib
import struct
from functools import lru_cache

import numpy as np

from pipeline.records import normalize_for_hash


def shingles(text: str, k: int = 5) -> set[bytes]:
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


@lru_cache(maxsize=8)
def _template(num_perm: int):
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1)


def signature(text: str, num_perm: int = 128, k: int = 5) -> np.ndarray:
    """MinHash signature (uint64 array of ``num_perm`` values) of the text's shingles."""
    mh = _template(num_perm).copy()
    mh.update_batch(list(shingles(text, k)))
    return mh.hashvalues.astype(np.uint64)


@lru_cache(maxsize=8)
def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH chooses for this threshold.

    >>> band_layout(0.5, 128)
    (25, 5)
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


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

    >>> s = signature("鄞州区实现进出口总额297亿元，增长27.3%。" * 3)
    >>> similarity(s, s)
    1.0
    """
    return float(np.count_nonzero(a == b)) / len(a)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8")
