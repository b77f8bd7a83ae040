"""Near-duplicate reports across a batch: LSH over MinHash signatures, kept when same year or same body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from service.batch.lsh import candidate_pairs
from service.batch.minhash import jaccard
from service.batch.pairing import row_body_key


@dataclass(frozen=True)
class Pair:
    """Two reports whose narrative text largely coincides."""

    a: str  # path
    b: str
    kind: str  # same_year (copied from another body) | across_years (the same body, 年年雷同)
    share: float  # estimated share of shared character 5-grams (Jaccard)
    agency_a: str | None = None
    agency_b: str | None = None
    year_a: int | None = None
    year_b: int | None = None


def _kind(ra: dict[str, Any], rb: dict[str, Any]) -> str | None:
    same_body = bool(ra.get("agency")) and row_body_key(ra) == row_body_key(rb)
    ya, yb = ra.get("year"), rb.get("year")
    if same_body and ya is not None and yb is not None and ya != yb:
        return "across_years"
    if not same_body and ya is not None and ya == yb:
        return "same_year"
    return None


def near_duplicates(rows: list[dict[str, Any]], signatures: dict[str, np.ndarray], threshold: float) -> list[Pair]:
    """Pairs of rows (keyed by path in `signatures`) at or above the threshold, in a stable order."""
    by_path = {r["path"]: r for r in rows}
    paths = sorted(p for p in signatures if p in by_path)
    pairs = []
    for i, j in sorted(candidate_pairs([signatures[p] for p in paths], threshold)):
        ra, rb = by_path[paths[i]], by_path[paths[j]]
        kind = _kind(ra, rb)
        if kind is None:
            continue
        share = jaccard(signatures[paths[i]], signatures[paths[j]])
        if share >= threshold:
            pairs.append(Pair(paths[i], paths[j], kind, round(share, 3), ra.get("agency"), rb.get("agency"),
                              ra.get("year"), rb.get("year")))
    return pairs


def flags(pairs: list[Pair]) -> dict[str, tuple[str, float, str]]:
    """Per path: the kind, share and partner of its closest duplicate."""
    best: dict[str, tuple[str, float, str]] = {}
    for pair in pairs:
        for me, other in ((pair.a, pair.b), (pair.b, pair.a)):
            current = best.get(me)
            if current is None or (pair.share, other) > (current[1], current[2]):
                best[me] = (pair.kind, pair.share, other)
    return best
