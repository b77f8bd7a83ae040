"""Active-learning simulation: from weak labels, how many annotations an uncertainty queue needs versus random order.

The learner is the TF-IDF + logistic-regression baseline (models/baseline.py): the transformer takes minutes per
fit on 2 cores and a simulation refits after every batch. The features are fitted once on all text (no labels),
so each round only refits the classifier. The oracle answers with the gold label; the pool is the gold sentences
of the train-split reports; macro-F1 is measured on the held-out gold reports (the frozen test split).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=10, help="annotations per round")
    parser.add_argument("--seeds", type=int, default=3, help="random-order runs to average")
    parser.add_argument("--target", type=float, default=None,
                        help="macro-F1 to reach (default: 97%% of the score with the whole pool annotated)")
    parser.add_argument("--synth", type=int, default=300, help="template examples added to the weak labels")
    args = parser.parse_args()

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from models.baseline import TfidfBaseline
    from training.active import diverse_order, uncertainty
    from training.data import corpus_dir, corpus_reports, heldout_examples, load_gold, split_of, weak_examples
    from training.evaluate import score
    from training.synthetic_sentences import synthetic_sentences

    gold = load_gold()
    if not gold:
        print(f"corpus not found at {corpus_dir()}: nothing to simulate")
        return
    test = heldout_examples()
    pool = [g for g in gold if split_of(g.file) == "train"]
    reports = [(f, r) for f, r in corpus_reports() if split_of(f) == "train"]
    weak = {(w.file, w.start, w.end): w for w in weak_examples(reports)}
    synth = [(t, lab) for t, lab in synthetic_sentences(args.synth)]
    # Start: every weakly labelled train sentence (pool sentences included, with their weak label) + templates.
    base_texts = [w.text for w in weak.values()] + [t for t, _ in synth]
    base_labels = [w.label for w in weak.values()] + [lab for _, lab in synth]
    base_keys = [(w.file, w.start, w.end) for w in weak.values()] + [None] * len(synth)
    pool_keys = [(g.file, g.start, g.end) for g in pool]

    started = time.perf_counter()
    features = TfidfBaseline().fit(base_texts + [g.text for g in pool], base_labels + [g.label for g in pool])
    vectorizer = features.pipeline[0]
    all_texts = base_texts + [g.text for g in pool if (g.file, g.start, g.end) not in weak]
    x_all = vectorizer.transform(all_texts)
    x_pool = vectorizer.transform([g.text for g in pool])
    x_test = vectorizer.transform([e.text for e in test])
    index = {k: i for i, k in enumerate(base_keys) if k is not None}
    extra = {k: len(base_texts) + n for n, k in enumerate(k for k in pool_keys if k not in weak)}
    gold_test = [e.label for e in test]

    def fit_and_score(annotated: Sequence[int]) -> tuple[float, np.ndarray, list[str]]:
        labels = list(base_labels) + [""] * len(extra)
        for i in annotated:
            key = pool_keys[i]
            labels[index[key] if key in index else extra[key]] = pool[i].label
        rows = [n for n, lab in enumerate(labels) if lab]
        clf = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=0)
        clf.fit(x_all[rows], [labels[n] for n in rows])
        f1 = score("sim", gold_test, [str(p) for p in clf.predict(x_test)]).macro_f1
        return f1, clf.predict_proba(x_pool), list(clf.classes_)

    def run(order_fn: str, seed: int = 0) -> list[tuple[int, float]]:
        rng = random.Random(seed)
        annotated: list[int] = []
        curve = []
        while True:
            f1, proba, classes = fit_and_score(annotated)
            curve.append((len(annotated), f1))
            left = [i for i in range(len(pool)) if i not in set(annotated)]
            if not left:
                return curve
            if order_fn == "random":
                rng.shuffle(left)
                annotated.extend(left[: args.batch])
            else:
                unc = [uncertainty(dict(zip(classes, proba[i], strict=True))) for i in left]
                annotated.extend(diverse_order(left, [pool[i].text for i in left], unc, args.batch))

    uncertain = run("uncertainty")
    randoms = [run("random", seed) for seed in range(args.seeds)]
    mean_random = [(n, sum(r[k][1] for r in randoms) / len(randoms)) for k, (n, _) in enumerate(randoms[0])]
    target = args.target if args.target is not None else round(0.97 * uncertain[-1][1], 3)

    def needed(curve: Sequence[tuple[int, float]]) -> int | None:
        return next((n for n, f in curve if f >= target), None)

    print(f"learner: TF-IDF + logistic regression (refit per round); pool {len(pool)} gold train sentences, "
          f"start {len(base_texts)} weak/template labels, test {len(test)} held-out gold sentences")
    print(f"{'annotations':>11}  {'uncertainty+diversity':>22}  {'random (mean of ' + str(args.seeds) + ')':>20}")
    for (n, fu), (_, fr) in zip(uncertain, mean_random, strict=True):
        print(f"{n:>11}  {fu:>22.4f}  {fr:>20.4f}")
    nu, nr = needed(uncertain), needed(mean_random)
    print(f"target macro-F1 {target:.3f}: uncertainty queue needs {nu} annotations, random order needs {nr}"
          + (f" (ratio {nu / nr:.2f})" if nu and nr else ""))
    print(f"simulation time {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
