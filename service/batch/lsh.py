"""Locality-sensitive hashing of MinHash signatures: bands and rows chosen for the threshold, candidate pairs."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import numpy as np
from scipy.integrate import quad

from service.batch.minhash import NUM_PERM

# Every candidate is checked against the threshold on its full signature, so a false positive costs one
# comparison while a false negative loses a flag. Weighting them 1:19 gives back, at the default threshold 0.8,
# the 16 bands of 8 rows that were tuned by hand for it; lower thresholds get more, shorter bands.
FALSE_POSITIVE_WEIGHT = 0.05
FALSE_NEGATIVE_WEIGHT = 0.95


def collision_probability(similarity: float, bands: int, rows: int) -> float:
    """The chance that two sets with this Jaccard similarity share at least one band."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def _miss_probability(similarity: float, bands: int, rows: int) -> float:
    return (1.0 - similarity**rows) ** bands


@cache
def bands_and_rows(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """The (bands, rows) with bands × rows ≤ num_perm that minimise the weighted false positive and false
    negative probability mass around the threshold (datasketch's MinHashLSH does the same)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"a Jaccard threshold lies in (0, 1], not {threshold}")
    best, best_error = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive, _ = quad(collision_probability, 0.0, threshold, args=(bands, rows))
            false_negative, _ = quad(_miss_probability, threshold, 1.0, args=(bands, rows))
            error = FALSE_POSITIVE_WEIGHT * false_positive + FALSE_NEGATIVE_WEIGHT * false_negative
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def candidate_pairs(signatures: list[np.ndarray], threshold: float) -> set[tuple[int, int]]:
    """Index pairs (i < j) of signatures that share a band: the pairs worth comparing for this threshold."""
    bands, rows = bands_and_rows(threshold, NUM_PERM)
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, sig in enumerate(signatures):
        for band in range(bands):
            buckets[(band, sig[band * rows : (band + 1) * rows].tobytes())].append(i)
    candidates: set[tuple[int, int]] = set()
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                candidates.add((members[x], members[y]))
    return candidates
