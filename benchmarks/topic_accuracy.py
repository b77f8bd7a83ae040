"""Topic accuracy on the held-out gold reports: macro-F1 of the model and keyword rules, as ratios to TF-IDF."""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None, help="topic model directory (default: shipped)")
    parser.add_argument("--full", action="store_true", help="print per-label tables and confusion matrices")
    args = parser.parse_args()

    from training.data import corpus_dir
    from training.evaluate import evaluate_all, format_scores

    results = evaluate_all(args.model)
    if not results:
        print(f"corpus not found at {corpus_dir()}: nothing to measure")
        return
    tfidf = next(s for s in results if s.name == "tfidf+logreg")
    n = sum(map(sum, tfidf.confusion))
    print(f"held-out gold sentences: {n}")
    for s in results:
        print(f"{s.name:<32} macro-F1 {s.macro_f1:.3f}  accuracy {s.accuracy:.3f}  ratio vs tfidf {s.macro_f1 / tfidf.macro_f1:.2f}")
        if args.full:
            print(format_scores(s) + "\n")


if __name__ == "__main__":
    main()
