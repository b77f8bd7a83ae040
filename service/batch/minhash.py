"""MinHash signatures of character shingles, stable across processes (no salted `hash()`)."""

from __future__ import annotations

import re
import zlib

import numpy as np

NUM_PERM = 128
SHINGLE = 5
_PRIME = np.uint64((1 << 61) - 1)
_MAX = np.uint64(0xFFFFFFFF)
# Fixed seed: signatures from different workers and runs must be comparable.
_RNG = np.random.default_rng(20240531)
_A = _RNG.integers(1, 1 << 31, size=NUM_PERM, dtype=np.uint64)
_B = _RNG.integers(0, 1 << 31, size=NUM_PERM, dtype=np.uint64)
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as compared for reuse: numbers masked (a copied report updates them), whitespace dropped."""
    return _SPACE.sub("", _DIGITS.sub("0", text))


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """The set of k-character substrings of the normalised text."""
    norm = normalise(text)
    return {norm[i : i + k] for i in range(max(0, len(norm) - k + 1))}


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32 values), or None for text too short to compare."""
    grams = shingles(text)
    if len(grams) < 20:
        return None
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in sorted(grams)), dtype=np.uint64, count=len(grams))
    # a < 2**31 and h < 2**32 keep a*h + b inside uint64, so no silent wrap-around.
    values = (np.outer(hashes, _A) + _B) % _PRIME & _MAX
    return values.min(axis=0).astype(np.uint32)


def to_hex(sig: np.ndarray | None) -> str:
    """A signature as text for the journal ('' for none)."""
    return "" if sig is None else sig.astype(">u4").tobytes().hex()


def from_hex(text: str) -> np.ndarray | None:
    """The signature that `to_hex` wrote."""
    return np.frombuffer(bytes.fromhex(text), dtype=">u4").astype(np.uint32) if text else None


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.mean(a == b))
