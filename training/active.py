"""Which sentence a reviewer should see next: most uncertain first, near-duplicates of those already queued pushed back."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def uncertainty(scores: Mapping[str, float] | None) -> float:
    """1 minus the margin between the two most likely labels (1 = undecided); 1 when no scores are known."""
    if not scores:
        return 1.0
    top = sorted(scores.values(), reverse=True)
    second = top[1] if len(top) > 1 else 0.0
    return round(1.0 - (top[0] - second), 6)


def entropy(scores: Mapping[str, float]) -> float:
    """Shannon entropy of a label distribution, in nats."""
    return -sum(p * math.log(p) for p in scores.values() if p > 0)


def char_ngrams(text: str, n: int = 3) -> frozenset[str]:
    """Character n-grams of a sentence without whitespace (the whole text when shorter than n)."""
    t = "".join(text.split())
    if len(t) <= n:
        return frozenset([t]) if t else frozenset()
    return frozenset(t[i : i + n] for i in range(len(t) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two n-gram sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def diverse_order(items: Sequence[T], texts: Sequence[str], uncertainties: Sequence[float], limit: int,
                  penalty: float = 1.0, pool: int = 5) -> list[T]:
    """Up to `limit` items, greedily picking the highest uncertainty minus `penalty` times the largest
    character-trigram similarity to anything already picked (so twenty near-identical sentences do not
    come in a row). Only the `pool * limit` most uncertain candidates are considered, to bound the work."""
    order = sorted(range(len(items)), key=lambda i: -uncertainties[i])[: max(limit * pool, limit)]
    rank = {i: r for r, i in enumerate(order)}
    grams = {i: char_ngrams(texts[i]) for i in order}
    best_sim = dict.fromkeys(order, 0.0)
    picked: list[int] = []
    remaining = list(order)
    while remaining and len(picked) < limit:
        choice = max(remaining, key=lambda i: (uncertainties[i] - penalty * best_sim[i], -rank[i]))
        picked.append(choice)
        remaining.remove(choice)
        for i in remaining:
            sim = jaccard(grams[i], grams[choice])
            if sim > best_sim[i]:
                best_sim[i] = sim
    return [items[i] for i in picked]
