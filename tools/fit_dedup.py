"""Fit the duplicate score's weights on the tuning pairs and choose its merge and flag scores.

    .venv/bin/python -m tools.fit_dedup [--write]

Reads only `tests.dedup.pairs.TUNING` (the suite's even-indexed pairs and pairs_a.jsonl):
the held-out half is never seen here. A logistic regression (L2-penalised, Newton's method)
over `app.dedup.scoring.FEATURES`; pairs the scorer rules out are left out, as a search never
scores them. The merge score is the lowest score above which every tuning pair is a duplicate
(and not below MIN_MERGE_SCORE); the flag score the highest that still flags FLAG_RECALL of
the tuning duplicates (else the lowest at which FLAG_PRECISION of the flagged are). `--write`
writes app/dedup/data/model.json; without it, prints only."""

import argparse
import json
from datetime import timedelta

import numpy as np

from app.dedup.scoring import FEATURES, MODEL_FILE, Model, Scorer
from tests.dedup.pairs import TUNING, Pair, as_scored, demo_gazetteer, demo_taxonomy

RADIUS_M = 250.0
WINDOW = timedelta(days=30)
# L2 on the weights (not the intercept), which keeps rare evidence from running away: the
# one of these with the best log-loss in 5-fold cross-validation on the tuning pairs.
PENALTIES = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
FLAG_RECALL = 0.88
FLAG_PRECISION = 0.82
# The score is a probability: merging wants 98 in 100 merged pairs to be duplicates.
MIN_MERGE_SCORE = 0.98
NEUTRAL = Model(0.0, (0.0,) * len(FEATURES), 1.0, 1.0)


def evidence(pairs: tuple[Pair, ...]) -> tuple[np.ndarray, np.ndarray, int]:
    """Each candidate pair's features and label; and how many duplicates were ruled out."""
    taxonomy, gazetteer = demo_taxonomy(), demo_gazetteer()
    related = taxonomy.related
    rows, labels, ruled_out = [], [], 0
    for labelled in pairs:
        new = as_scored(labelled.pair.second, taxonomy, gazetteer)
        old = as_scored(labelled.pair.first, taxonomy, gazetteer)
        scorer = Scorer(new, radius_m=RADIUS_M, window=WINDOW, related=related, model=NEUTRAL)
        found = scorer.evidence(old)
        if found is None:
            ruled_out += labelled.pair.duplicate
            continue
        rows.append(found[0])
        labels.append(float(labelled.pair.duplicate))
    return np.array(rows), np.array(labels), ruled_out


def cross_validated_penalty(x: np.ndarray, y: np.ndarray) -> float:
    folds = np.arange(len(y)) % FOLDS  # fixed folds: the same answer every run
    losses = {}
    for penalty in PENALTIES:
        loss = 0.0
        for fold in range(FOLDS):
            train, test = folds != fold, folds == fold
            intercept, weights = fit(x[train], y[train], penalty)
            p = 1 / (1 + np.exp(-(intercept + x[test] @ weights)))
            p = np.clip(p, 1e-6, 1 - 1e-6)
            loss -= float(np.sum(y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p)))
        losses[penalty] = loss
    return min(losses, key=lambda penalty: losses[penalty])


def fit(x: np.ndarray, y: np.ndarray, strength: float) -> tuple[float, np.ndarray]:
    design = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * strength
    penalty[0, 0] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (p - y) + penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(beta[0]), beta[1:]


def thresholds(scores: np.ndarray, y: np.ndarray, all_duplicates: int) -> tuple[float, float]:
    order = np.argsort(-scores)
    merge = 1.0
    for score in scores[order]:
        if y[scores >= score].min() < 1:
            break
        merge = float(score)
    merge = max(MIN_MERGE_SCORE, merge)
    candidates = sorted(set(scores.tolist()), reverse=True)
    flag = next(
        (s for s in candidates if y[scores >= s].sum() >= FLAG_RECALL * all_duplicates), None
    )
    if flag is None:  # the recall is out of reach: flag all that are still precise enough
        flag = min(s for s in candidates if y[scores >= s].mean() >= FLAG_PRECISION)
    return round(merge, 3), round(float(flag), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write app/dedup/data/model.json")
    arguments = parser.parse_args()
    x, y, ruled_out = evidence(TUNING)
    penalty = cross_validated_penalty(x, y)
    intercept, weights = fit(x, y, penalty)
    design = np.hstack([np.ones((len(x), 1)), x])
    scores = np.round(1 / (1 + np.exp(-design @ np.concatenate([[intercept], weights]))), 3)
    merge, flag = thresholds(scores, y, int(y.sum()) + ruled_out)
    document = {
        "about": "Weights of the duplicate evidence, fitted by tools/fit_dedup.py on the tuning "
        "pairs only (tests/dedup/pairs.py TUNING). Do not edit by hand: run the tool.",
        "tuning_pairs": len(TUNING),
        "candidates": len(y),
        "penalty": penalty,
        "intercept": round(intercept, 4),
        "weights": {name: round(float(w), 4) for name, w in zip(FEATURES, weights, strict=True)},
        "merge_score": merge,
        "flag_score": flag,
    }
    print(json.dumps(document, ensure_ascii=False, indent=1))
    if arguments.write:
        MODEL_FILE.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
