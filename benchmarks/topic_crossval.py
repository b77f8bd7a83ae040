"""Topic accuracy over the whole gold set by cross-validation across reporting bodies, as ratios to TF-IDF.

Every gold sentence is labelled by a model trained without its body's reports, so all ~470 gold sentences
count, not only the three held-out reports. The transformer is fine-tuned once per body (minutes each);
`--cache DIR` keeps its out-of-fold probabilities so the weight of the TF-IDF head can be studied without
retraining. The weight is chosen on the bodies of the training split only, then reported on all of them.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="out/charbert-mlm", help="pretrained checkpoint the transformer starts from")
    parser.add_argument("--no-transformer", action="store_true", help="only TF-IDF and the keyword rules (seconds)")
    parser.add_argument("--epochs", type=int, default=None, help="fine-tuning epochs (default: FinetuneConfig's)")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the transformer's out-of-fold probabilities")
    args = parser.parse_args()

    import numpy as np

    from training.crossval import (
        folds_by_body,
        labels_of,
        mix,
        out_of_fold,
        rules_system,
        tfidf_system,
        transformer_system,
    )
    from training.data import TEST_REPORTS, corpus_dir, corpus_reports, load_gold
    from training.evaluate import format_scores, score
    from training.finetune import FinetuneConfig

    gold = load_gold()
    if not gold:
        print(f"corpus not found at {corpus_dir()}: nothing to measure")
        return
    folds = folds_by_body(gold, [f for f, _ in corpus_reports()])
    # Bodies with no held-out report form the selection set, and their folds never train on the held-out
    # reports either, so the weight is chosen without any held-out label; the other bodies only report.
    selecting = [not (f.held_out & TEST_REPORTS) for f in folds]
    folds = [replace(f, held_out=f.held_out | TEST_REPORTS) if sel else f for f, sel in zip(folds, selecting, strict=True)]
    truth = [e.label for f in folds for e in f.test]
    selection = np.array([sel for f, sel in zip(folds, selecting, strict=True) for _ in f.test])
    print(f"gold sentences: {len(truth)} in {len(folds)} folds ({', '.join(f'{f.body} {len(f.test)}' for f in folds)})")

    probs = {"tfidf+logreg": out_of_fold(tfidf_system, folds), "keyword rules": out_of_fold(rules_system, folds)}
    if not args.no_transformer:
        config = FinetuneConfig() if args.epochs is None else FinetuneConfig(epochs=args.epochs)
        cached = args.cache / "transformer_oof.npy" if args.cache else None
        if cached and cached.exists() and np.load(cached).shape == (len(truth), 4):
            probs["transformer"] = np.load(cached)
        else:
            probs["transformer"] = out_of_fold(transformer_system(args.base, config), folds)
            if cached:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.save(cached, probs["transformer"])
        chosen_f1 = {w: score("", [t for t, s in zip(truth, selection, strict=True) if s],
                              labels_of(mix(probs["transformer"], probs["tfidf+logreg"], w)[selection])).macro_f1
                     for w in WEIGHTS}
        print("lexical weight -> macro-F1 on the training-split bodies: "
              + "  ".join(f"{w:.1f}:{f:.3f}" for w, f in chosen_f1.items()))
        best = max(WEIGHTS, key=lambda w: (round(chosen_f1[w], 4), -abs(w - 0.5)))
        probs[f"hybrid (lexical weight {best:.1f})"] = mix(probs["transformer"], probs["tfidf+logreg"], best)

    results = [score(name, truth, labels_of(p)) for name, p in probs.items()]
    tfidf = results[0]
    for s in results:
        print(f"{s.name:<34} macro-F1 {s.macro_f1:.3f}  accuracy {s.accuracy:.3f}  ratio vs tfidf {s.macro_f1 / tfidf.macro_f1:.2f}")
    for s in results:
        print("\n" + format_scores(s))


if __name__ == "__main__":
    main()
