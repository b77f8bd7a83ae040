"""Topic accuracy over the whole gold set by cross-validation across reporting bodies, as ratios to TF-IDF.

Every gold sentence is labelled by a model trained without its body's reports, so all ~460 gold sentences
count, not only the three held-out reports. The network sees each sentence with its section and previous
sentence unless `--no-context`. The network is fine-tuned once per body (about two minutes
each); `--cache DIR` keeps its out-of-fold probabilities. The shipped model averages the network's
probabilities with a TF-IDF head and the keyword rules (models.topics.Mix): the table of shares shows
what each mix scores, on the bodies of the training split (whose folds never see a held-out report) and
on all bodies.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARES = ((0.0, 0.0), (0.5, 0.0), (0.8, 0.0), (0.0, 1 / 3), (0.2, 0.2), (0.4, 0.2), (1 / 3, 1 / 3), (0.5, 0.2),
          (0.6, 0.1), (0.4, 0.4), (0.3, 0.2), (0.3, 0.1), (0.2, 0.1), (0.4, 0.1))  # (lexical, rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="out/charbert-mlm", help="pretrained checkpoint the network starts from")
    parser.add_argument("--context", action=argparse.BooleanOptionalAction, default=True,
                        help="feed the network each sentence's section and previous sentence (default: yes)")
    parser.add_argument("--layers", type=int, default=0, help="keep only the base's first layers (0: all)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads per fine-tune (1: two threads stall each other on a loaded machine)")
    parser.add_argument("--n-synth", type=int, default=100, help="template sentences per topic in each fold's training")
    parser.add_argument("--no-transformer", action="store_true", help="only TF-IDF and the keyword rules (seconds)")
    parser.add_argument("--epochs", type=int, default=None, help="fine-tuning epochs (default: FinetuneConfig's)")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the network's out-of-fold probabilities")
    parser.add_argument("--record", type=Path, default=None,
                        help="a model directory whose metrics.json gets these cross-validated scores (key crossval)")
    args = parser.parse_args()

    import numpy as np

    from models.topics import LABELS, Mix
    from nlp.vocabulary import LABEL_SET_VERSION
    from training.crossval import (
        folds_by_body,
        labels_of,
        out_of_fold,
        rules_system,
        tfidf_section_system,
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
    # Folds of bodies with no held-out report also leave the held-out reports out of training, so the
    # numbers on those bodies involve no held-out label at all.
    clean = [not (f.held_out & TEST_REPORTS) for f in folds]
    folds = [replace(f, held_out=f.held_out | TEST_REPORTS) if c else f for f, c in zip(folds, clean, strict=True)]
    truth = [e.label for f in folds for e in f.test]
    on_clean = np.array([c for f, c in zip(folds, clean, strict=True) for _ in f.test])
    print(f"gold sentences: {len(truth)} in {len(folds)} folds ({', '.join(f'{f.body} {len(f.test)}' for f in folds)}); "
          f"{int(on_clean.sum())} on training-split bodies")

    probs = {"tfidf+logreg": out_of_fold(tfidf_system, folds, n_synth=args.n_synth),
             "keyword rules": out_of_fold(rules_system, folds, n_synth=args.n_synth),
             "tfidf+section": out_of_fold(tfidf_section_system, folds, n_synth=args.n_synth)}
    if not args.no_transformer:
        # The network alone (transformer_system's output); the TF-IDF head and the rules are mixed in below.
        config = replace(FinetuneConfig(), context=args.context, layers=args.layers, threads=args.threads,
                         epochs=FinetuneConfig.epochs if args.epochs is None else args.epochs)
        variant = f"v{LABEL_SET_VERSION}-{'ctx' if args.context else 'text'}-l{args.layers}-e{config.epochs}-s{args.n_synth}"
        print(f"network: {args.base}, {variant}")
        cached = args.cache / f"network_{Path(args.base).name}_{variant}.npy" if args.cache else None
        if cached and cached.exists() and np.load(cached).shape == (len(truth), len(LABELS)):
            probs["network alone"] = np.load(cached)
        else:
            probs["network alone"] = out_of_fold(transformer_system(args.base, config), folds, n_synth=args.n_synth)
            if cached:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.save(cached, probs["network alone"])
        # The lexical part as the shipped head reads it: with the section mark when FinetuneConfig says so.
        lexical_part = "tfidf+section" if FinetuneConfig.lexical_context else "tfidf+logreg"
        print(f"mixes below take the lexical part from {lexical_part}")
        parts = (probs["network alone"], probs[lexical_part], probs["keyword rules"])
        shipped = Mix(FinetuneConfig.lexical_weight, FinetuneConfig.rules_weight)
        print("\nshares (network / tfidf / rules)   macro-F1 training-split bodies   all bodies")
        for lexical, rules in sorted({*SHARES, (shipped.lexical, shipped.rules)}):
            shares = Mix(lexical, rules)
            labels = labels_of(shares.apply(*parts))
            sub = score("", [t for t, c in zip(truth, on_clean, strict=True) if c],
                        [p for p, c in zip(labels, on_clean, strict=True) if c])
            mark = "  <- shipped" if shares == shipped else ""
            print(f"{shares.network:.2f} / {lexical:.2f} / {rules:.2f}{'':16}{sub.macro_f1:.3f}{'':22}"
                  f"{score('', truth, labels).macro_f1:.3f}{mark}")
        probs[f"shipped mix {shipped.network:.2f}/{shipped.lexical:.2f}/{shipped.rules:.2f}"] = shipped.apply(*parts)

    results = [score(name, truth, labels_of(p)) for name, p in probs.items()]
    tfidf = results[0]
    if args.record is not None:
        import json

        path = args.record / "metrics.json"
        metrics = json.loads(path.read_text(encoding="utf-8"))
        metrics["crossval"] = {
            "by": "reporting body", "folds": {f.body: len(f.test) for f in folds},
            "network": None if args.no_transformer else variant,
            "systems": {s.name: {"macro_f1": round(s.macro_f1, 4), "accuracy": round(s.accuracy, 4),
                                 "per_label_f1": {k: round(v[2], 4) for k, v in s.per_label.items()}}
                        for s in results},
        }
        path.write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    for s in results:
        print(f"{s.name:<34} macro-F1 {s.macro_f1:.3f}  accuracy {s.accuracy:.3f}  ratio vs tfidf {s.macro_f1 / tfidf.macro_f1:.2f}")
    for s in results:
        print("\n" + format_scores(s))


if __name__ == "__main__":
    main()
