"""Child jobs of bench_voc: data generation and one measured task each (JSON on stdout)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

STAGES = ("quote", "subscribe", "reimbursement", "complaint", "cancel")
CHANNELS = ("web", "app", "phone", "agency", "mail", "email")


def make_responses(n: int, path: str) -> None:
    """``n`` response rows (a third each NPS, CSAT, CES) over 5 stages x 6 channels."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    metric = rng.choice(["nps", "csat", "ces"], n)
    score = np.where(
        metric == "nps",
        rng.integers(0, 11, n),
        np.where(metric == "csat", rng.integers(1, 6, n), rng.integers(1, 6, n)),
    ).astype("float64")
    frame = pd.DataFrame(
        {
            "customer_id": rng.integers(0, max(1, n // 3), n).astype("int64"),
            "ts": pd.Timestamp("2025-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 365 * 86_400, n), unit="s"),
            "stage": rng.choice(STAGES, n),
            "channel": rng.choice(CHANNELS, n),
            "metric": metric,
            "score": score,
        }
    )
    frame.to_parquet(path, index=False)


def satisfaction_parcours(path: str) -> None:
    import ibis

    from parcours.voc import satisfaction

    con = ibis.duckdb.connect()
    table = con.read_parquet(path)
    started = time.perf_counter()
    result = satisfaction(table, ["stage", "channel"])
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": len(result)}))


def satisfaction_pandas(path: str) -> None:
    """Baseline: pandas reads the file and groups; the same interval maths per group."""
    import pandas as pd

    from parcours.voc._stats import ces_from_counts, csat_from_counts, nps_from_counts

    started = time.perf_counter()
    frame = pd.read_parquet(path, columns=["stage", "channel", "metric", "score"])
    rows = 0
    for (_stage, _channel, metric), group in frame.groupby(["stage", "channel", "metric"]):
        s = group["score"]
        if metric == "nps":
            nps_from_counts(
                int((s >= 9).sum()), int(((s >= 7) & (s <= 8)).sum()), int((s <= 6).sum())
            )
        elif metric == "csat":
            csat_from_counts(int((s >= 4).sum()), len(s), float(s.sum()), float((s * s).sum()))
        else:
            ces_from_counts(len(s), float(s.sum()), float((s * s).sum()), int((s <= 2).sum()))
        rows += 1
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows}))


def classify_lexicon(n: int, data: str) -> None:
    """Lexicon over ``n`` verbatims drawn from the labelled set, each made distinct."""
    import pandas as pd

    from parcours.voc import classify

    texts = pd.read_csv(data)["text"].tolist()
    corpus = [f"{texts[i % len(texts)]} ({i})" for i in range(n)]
    started = time.perf_counter()
    for text in corpus:
        classify(text)
    print(json.dumps({"seconds": time.perf_counter() - started, "n": n}))


def nested_cv(data: str) -> None:
    """Honest estimate of the model selection (parcours.voc's own nested cross-validation: each
    outer fold picks its settings by an inner CV on its own training part)."""
    import pandas as pd
    from sklearn.metrics import f1_score

    from parcours.voc._evaluate import nested_cross_validate

    frame = pd.read_csv(data)
    started = time.perf_counter()
    out: dict[str, object] = {}
    for lang in ("fr", "en"):
        predicted, chosen = nested_cross_validate(frame, lang=lang)
        rows = frame[frame["lang"] == lang]
        out[lang] = {
            "macro_f1": f1_score(rows["label"].astype(str), predicted.astype(str), average="macro"),
            "chosen": [str(c) for c in chosen],
        }
    out["seconds"] = time.perf_counter() - started
    print(json.dumps(out))


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    if job == "make-responses":
        make_responses(int(args[0]), args[1])
    elif job == "satisfaction-parcours":
        satisfaction_parcours(args[0])
    elif job == "satisfaction-pandas":
        satisfaction_pandas(args[0])
    elif job == "classify-lexicon":
        classify_lexicon(int(args[0]), args[1])
    elif job == "nested-cv":
        nested_cv(args[0])
    else:
        raise SystemExit(f"unknown job {job!r} in {Path(__file__).name}")
