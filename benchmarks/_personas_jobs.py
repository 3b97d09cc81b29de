"""Child jobs of bench_personas.py (each run in its own process for time and peak RSS).

    python _personas_jobs.py score ROWS [boosting|logistic]   5 persona models, batched scoring
    python _personas_jobs.py full-width ROWS                  same, models not compacted
    python _personas_jobs.py unbatched ROWS                   one predict_proba per model, full width
    python _personas_jobs.py per-row ROWS                     one predict_proba call per customer

The feature matrix is synthetic with the shape of the demo's (118 model columns, float32, 10%
missing). It is generated in blocks of BLOCK rows (one block kept in memory at a time, as features
read in batches from the warehouse would be); generation time is measured apart and not counted.
Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from parcours.personas import PersonaModel

COLUMNS = 118
PERSONAS = 5
BLOCK = 1_000_000
TRAIN = 30_000


def _block(rng: np.random.Generator, rows: int) -> np.ndarray:
    x = rng.standard_normal((rows, COLUMNS), dtype=np.float32)
    x[rng.random((rows, COLUMNS), dtype=np.float32) < 0.1] = np.nan
    return x


def _models(estimator: str, compact: bool = True) -> list[PersonaModel]:
    """Five personas, each defined by a rule on a few columns, fitted as parcours fits them."""
    rng = np.random.default_rng(0)
    x = _block(rng, TRAIN)
    filled = np.nan_to_num(x)
    models = []
    for k in range(PERSONAS):
        cols = rng.choice(COLUMNS, 3, replace=False)
        persona = filled[:, cols].sum(axis=1) > 1.5
        labelled = persona & (rng.random(TRAIN) < 0.6)
        model = PersonaModel(estimator, compact=compact, random_state=k)
        models.append(model.fit(x, labelled.astype(int)))
    return models


def main() -> None:
    job, rows = sys.argv[1], int(sys.argv[2])
    estimator = sys.argv[3] if len(sys.argv) > 3 else "boosting"
    started = time.perf_counter()
    models = _models(estimator, compact=job != "full-width")
    fit_seconds = time.perf_counter() - started
    rng = np.random.default_rng(1)
    scoring = generating = cpu = 0.0
    done = 0
    checksum = 0.0
    while done < rows:
        n = min(BLOCK, rows - done)
        t = time.perf_counter()
        x = _block(rng, n)
        generating += time.perf_counter() - t
        t, c = time.perf_counter(), time.process_time()
        if job in ("score", "full-width"):
            scores = np.column_stack([m.resemblance(x) for m in models])
        elif job == "unbatched":
            scores = np.column_stack([m.predict_proba(x)[:, 1] for m in models])
        elif job == "per-row":
            scores = np.array([[m.predict_proba(row[None, :])[0, 1] for m in models] for row in x])
        else:
            raise SystemExit(f"unknown job {job}")
        scoring += time.perf_counter() - t
        cpu += time.process_time() - c
        checksum += float(scores.sum())
        done += n
    print(
        json.dumps(
            {
                "rows": rows,
                "scoring": scoring,
                "generating": generating,
                "fit": fit_seconds,
                "cpu": cpu,
                "features_used": [int(m.features_.size) for m in models],
                "checksum": checksum,
            }
        )
    )


if __name__ == "__main__":
    main()
