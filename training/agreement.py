"""Inter-annotator agreement: Cohen's kappa per reviewer pair and per label (one label against the rest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

from sklearn.metrics import cohen_kappa_score

from models.topics import LABELS


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when there are no items, 1.0 when chance
    agreement is already perfect and they agree."""
    if len(a) != len(b):
        raise ValueError("both raters must label the same items")
    if not a:
        return None
    if len(set(a) | set(b)) == 1:
        # Both raters used one and the same label throughout: kappa is undefined (0/0); agreement is total.
        return 1.0
    return float(cohen_kappa_score(a, b))


def agreement(labels: Mapping[Any, Mapping[str, str]], label_set: Sequence[str] = LABELS) -> dict[str, Any]:
    """Agreement of every reviewer pair over the items both labelled, and per label pooled over pairs.

    `labels` maps an item to {reviewer: label}. Per-label kappa treats each label as yes/no.
    """
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for answers in labels.values():
        for r1, r2 in combinations(sorted(answers), 2):
            pairs.setdefault((r1, r2), []).append((answers[r1], answers[r2]))
    pair_rows = []
    pooled_a: list[str] = []
    pooled_b: list[str] = []
    for (r1, r2), items in sorted(pairs.items()):
        xs, ys = [x for x, _ in items], [y for _, y in items]
        pooled_a.extend(xs)
        pooled_b.extend(ys)
        pair_rows.append({
            "reviewers": [r1, r2], "n": len(items), "kappa": _round(cohen_kappa(xs, ys)),
            "agreement": round(sum(x == y for x, y in items) / len(items), 4),
            "per_label": {lab: _round(cohen_kappa([str(x == lab) for x in xs], [str(y == lab) for y in ys]))
                          for lab in label_set},
        })
    per_label = {lab: _round(cohen_kappa([str(x == lab) for x in pooled_a], [str(y == lab) for y in pooled_b]))
                 for lab in label_set}
    return {"pairs": pair_rows, "per_label": per_label, "n_items": len(pooled_a),
            "kappa": _round(cohen_kappa(pooled_a, pooled_b))}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
