"""Time one retraining of the shipped topic model on N reviewer answers (default 500) plus the existing data."""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=500, help="simulated reviewer answers")
    parser.add_argument("--epochs", type=int, default=None, help="epochs (default: RetrainConfig's)")
    parser.add_argument("--model", default=None, help="model to retrain from (default: the shipped one)")
    args = parser.parse_args()

    from models.topics import DEFAULT_MODEL_DIR
    from training.data import (
        corpus_dir,
        corpus_reports,
        load_gold,
        split_of,
        training_examples,
        weak_examples,
    )
    from training.retrain import Answer, RetrainConfig, frozen_test_set, retrain

    reports = [(f, r) for f, r in corpus_reports() if split_of(f) == "train"]
    if not reports:
        print(f"corpus not found at {corpus_dir()}: nothing to time")
        return
    # Stand-ins for reviewers' answers: gold labels where we have them, weak labels for the other sentences
    # of the train-split reports (never the frozen test reports), then template sentences.
    gold = {(g.file, g.start, g.end): g.label for g in load_gold() if split_of(g.file) == "train"}
    answers = []
    for file, report in reports:
        for s in report.sentences:
            if (file, s.start, s.end) in gold:
                answers.append(Answer(report.text[s.start : s.end], gold[(file, s.start, s.end)], key=file))
    answers.extend(Answer(w.text, w.label, key=w.file) for w in weak_examples(reports)
                   if (w.file, w.start, w.end) not in gold)
    if len(answers) < args.answers:
        # The corpus has fewer train-split sentences than that: template sentences not in the base data fill up.
        from training.synthetic_sentences import synthetic_sentences

        seen = {e.text for e in training_examples()} | {a.text for a in answers}
        fill = [Answer(t, lab, key="synth") for t, lab in synthetic_sentences(args.answers * 4) if t not in seen]
        answers.extend(fill[: args.answers - len(answers)])
    answers = answers[: args.answers]
    config = RetrainConfig() if args.epochs is None else RetrainConfig(epochs=args.epochs)
    base = training_examples()
    test = frozen_test_set()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        result = retrain(args.model or DEFAULT_MODEL_DIR, answers, out, "timing", test=test, base=base,
                         config=config)
    seconds = time.perf_counter() - started
    print(f"answers {result.n_answers} (+{len(base)} base examples, {result.n_train} training rows), "
          f"epochs {config.epochs}, threads {config.threads}")
    print(f"macro-F1 on the frozen split {result.old.macro_f1:.4f} -> {result.new.macro_f1:.4f} "
          f"({'promote' if result.promote else 'keep'}); label-error hints {len(result.hints)}")
    print(f"retraining wall time {seconds:.1f}s ({seconds / 60:.1f} min; target < 15 min)")


if __name__ == "__main__":
    main()
