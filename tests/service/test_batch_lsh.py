"""LSH bands follow the duplicate threshold, so pairs just above a lowered threshold are still found."""

from __future__ import annotations

import random
from itertools import combinations

import numpy as np
import pytest

from service.batch.dedup import near_duplicates
from service.batch.lsh import bands_and_rows, candidate_pairs, collision_probability
from service.batch.minhash import NUM_PERM, jaccard, shingles, signature


def _chars(rng: random.Random, n: int) -> str:
    """Random common CJK characters: their 5-grams almost never repeat by chance."""
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(n))


def _pair_at(similarity: float, seed: int) -> tuple[str, str]:
    """Two texts whose 5-gram sets have about this Jaccard similarity: a shared middle, own ends."""
    rng = random.Random(seed)
    shared = 400
    # J = shared / (shared + 2 × own), counting each text's own 5-grams and the ones that straddle a join.
    own = round(shared * (1 - similarity) / (2 * similarity))
    middle = _chars(rng, shared + 4)
    return _chars(rng, own // 2) + middle + _chars(rng, own - own // 2), \
        _chars(rng, own // 2) + middle + _chars(rng, own - own // 2)


def _true_jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_bands_and_rows_follow_the_threshold() -> None:
    assert bands_and_rows(0.8) == (16, 8)  # the default threshold keeps the banding it was tuned with
    assert bands_and_rows(0.5) == (26, 3)
    assert bands_and_rows(0.3) == (41, 2)
    for threshold in (0.3, 0.5, 0.8):
        bands, rows = bands_and_rows(threshold)
        assert bands * rows <= NUM_PERM
        assert collision_probability(threshold + 0.05, bands, rows) > 0.99
    # what the fixed 16 × 8 did at 0.5: a pair at 0.55 became a candidate one time in eight
    assert collision_probability(0.55, 16, 8) < 0.15
    with pytest.raises(ValueError):
        bands_and_rows(0.0)


@pytest.mark.parametrize("threshold", [0.5, 0.3])
def test_pairs_just_above_a_lowered_threshold_are_found(threshold: float) -> None:
    texts: dict[str, str] = {}
    for seed in range(12):
        a, b = _pair_at(threshold + 0.05, seed)
        assert threshold + 0.03 < _true_jaccard(a, b) < threshold + 0.07
        texts[f"p{seed:02}a"], texts[f"p{seed:02}b"] = a, b
    paths = sorted(texts)
    sigs = {p: signature(texts[p]) for p in paths}
    rows = [{"path": p, "agency": f"{p}县人民政府", "year": 2023} for p in paths]
    found = {(p.a, p.b) for p in near_duplicates(rows, sigs, threshold)}  # type: ignore[arg-type]
    # LSH loses nothing against comparing the signatures of every pair directly …
    every = {(a, b) for a, b in combinations(paths, 2) if jaccard(sigs[a], sigs[b]) >= threshold}  # type: ignore[arg-type]
    assert found == every
    # … and those are the made pairs: most estimates land above the threshold, none of the unrelated texts do
    assert len(found) >= 8
    assert all(a[:-1] == b[:-1] for a, b in found)


def test_unrelated_texts_are_not_candidates_at_the_default_threshold() -> None:
    rng = random.Random(7)
    sigs = [signature(_chars(rng, 500)) for _ in range(20)]
    assert all(isinstance(s, np.ndarray) for s in sigs)
    assert candidate_pairs(sigs, 0.8) == set()  # type: ignore[arg-type]
