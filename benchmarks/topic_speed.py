"""Topic-classification speed on 2 threads: sentences/s (with and without context) and load time, vs TF-IDF."""

from __future__ import annotations

import argparse
import statistics
import time


def _inputs(n: int) -> list:
    """Gold sentences with their section and previous sentence as the service feeds them (written ones without
    the corpus), repeated to n."""
    from models.topics import TopicInput, report_inputs
    from training.data import corpus_reports, load_written

    items = [x for _, report in corpus_reports()[:12] for x in report_inputs(report) if x.text.strip()]
    items = items or [TopicInput(e.text) for e in load_written()]
    return (items * (n // max(1, len(items)) + 1))[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="sentences per run")
    parser.add_argument("--model", default=None, help="topic model directory (default: shipped)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads (default 1, as the classifier loads; 2 wait on each other on a busy machine)")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits

    threadpool_limits(args.threads)
    from models.baseline import TfidfBaseline
    from models.topics import TopicInput, load_classifier
    from training.data import training_examples

    items = _inputs(args.n)
    plain = [TopicInput(x.text) for x in items]
    texts = [x.text for x in items]
    print(f"{len(items)} sentences, mean {statistics.mean(map(len, texts)):.0f} chars, "
          f"previous sentence mean {statistics.mean(len(x.previous or '') for x in items):.0f} chars")
    loads = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        clf = load_classifier(args.model, threads=args.threads)
        loads.append(time.perf_counter() - t)
    print(f"model load (numpy, no torch): median {statistics.median(loads):.2f} s (first {loads[0]:.2f} s)")
    train = training_examples()
    tfidf = TfidfBaseline().fit([e.text for e in train], [e.label for e in train])
    print(f"model {clf.version}: {clf.mix}, context input {clf.encoder.context}, {args.threads} BLAS thread(s)")
    runs = (("mix, with context", lambda: clf.classify(items)), ("mix, text alone", lambda: clf.classify(plain)),
            ("network alone", lambda: clf.classify(items, component="network")),
            ("tfidf+logreg", lambda: tfidf.predict(texts)))
    rates = {}
    for name, run in runs:
        run()  # warm: jieba's dictionary, BLAS buffers
        best, best_cpu = 0.0, 0.0
        for _ in range(args.repeats):
            t, c = time.perf_counter(), time.process_time()
            run()
            best = max(best, len(items) / (time.perf_counter() - t))
            # CPU seconds spread over 2 cores: what 2 free cores would do when the machine is shared.
            best_cpu = max(best_cpu, len(items) / ((time.process_time() - c) / 2))
        rates[name] = (best, best_cpu)
    base_wall, base_cpu = rates["tfidf+logreg"]
    for name, (wall, cpu) in rates.items():
        print(f"{name:<18} {wall:8.0f} sentences/s wall  {cpu:8.0f} /s per 2 CPU-s   "
              f"ratio vs tfidf {wall / base_wall:.2f} (wall) {cpu / base_cpu:.2f} (cpu)")


if __name__ == "__main__":
    main()
