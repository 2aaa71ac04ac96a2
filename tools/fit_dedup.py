"""Fit the duplicate score's weights on the tuning pairs and choose its merge and flag scores.

    .venv/bin/python -m tools.fit_dedup [--write]

Chooses on `tests.dedup.pairs.TUNING` alone (the suite's even-indexed pairs and
pairs_a.jsonl); the held-out pairs are never read here. A logistic regression (L2-penalised,
Newton's method) over `app.dedup.scoring.FEATURES`; pairs the scorer rules out are left out,
as a search never scores them. The two scores are chosen on out-of-fold scores: each tuning
pair scored by weights fitted without it (the cross-validation's folds), since a pair scores
higher under weights that were fitted on it, and a new report is never one of those. The merge
score is the lowest score above which every tuning pair is a duplicate (and not below
MIN_MERGE_SCORE); the flag score the lowest at which FLAG_PRECISION of the flagged tuning
pairs are duplicates, and never above the highest that flags FLAG_RECALL of the tuning
duplicates. DEVELOPMENT's
precision and recall at those scores are printed as a check; they choose nothing.
`--write` writes app/dedup/data/model.json; without it, prints only."""

import argparse
import json
from datetime import timedelta

import numpy as np

from app.dedup.scoring import FEATURES, MODEL_FILE, Model, Scorer
from tests.dedup.pairs import DEVELOPMENT, TUNING, Pair, as_scored, demo_gazetteer, demo_taxonomy

RADIUS_M = 250.0
WINDOW = timedelta(days=30)
# L2 on the weights (not the intercept), which keeps rare evidence from running away: the
# one of these with the best log-loss in 5-fold cross-validation on the tuning pairs.
PENALTIES = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
# Issue 24 wants precision 0.80 at recall 0.85 at the flag score on pairs never seen. The
# flag score flags as much as the tuning pairs' out-of-fold precision allows, with 0.02 to
# spare (FLAG_PRECISION), and at least FLAG_RECALL of the tuning duplicates: 0.05 above
# 0.85, since the standard error of a recall near 0.85 measured on about 160 duplicates is
# 0.028, and 0.05 is a one-sided 95% margin for a set of the same size. (Stopping at
# FLAG_RECALL even where more could be flagged as precisely turned every better piece of
# evidence into a higher flag score, not into more duplicates found.)
FLAG_RECALL = 0.90
FLAG_PRECISION = 0.82
# The score is a probability: merging wants 98 in 100 merged pairs to be duplicates.
MIN_MERGE_SCORE = 0.98
NEUTRAL = Model(0.0, (0.0,) * len(FEATURES), 1.0, 1.0)
# Evidence that can only speak one way: nearer, more alike, the same place never lower the
# score; another place, another side, longer apart never raise it. Left free, a weight
# may take the wrong sign from a few pairs (in one fit, nearer pairs scored lower), so a
# weight that would is held at 0 instead.
SIGNS = {
    "near": 1,
    "text": 1,
    "words_shared": 1,
    "concepts_shared": 1,
    "place_same": 1,
    "area_same": 1,
    "no_common_place": -1,
    "concepts_apart": -1,
    "place_different": -1,
    "area_other": -1,
    "part_other": -1,
    "time_apart": -1,
}


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


def _folds(count: int) -> np.ndarray:
    return np.arange(count) % FOLDS  # fixed folds: the same answer every run


def probabilities(x: np.ndarray, intercept: float, weights: np.ndarray) -> np.ndarray:
    scores: np.ndarray = 1 / (1 + np.exp(-(intercept + x @ weights)))
    return scores


def out_of_fold(x: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """Each pair's score under weights fitted on the other folds, as a new pair would score."""
    folds, scores = _folds(len(y)), np.zeros(len(y))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        intercept, weights = fit(x[train], y[train], penalty)
        scores[test] = probabilities(x[test], intercept, weights)
    return scores


def cross_validated_penalty(x: np.ndarray, y: np.ndarray) -> float:
    losses = {}
    for penalty in PENALTIES:
        p = np.clip(out_of_fold(x, y, penalty), 1e-6, 1 - 1e-6)
        losses[penalty] = -float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return min(losses, key=lambda penalty: losses[penalty])


def _newton(design: np.ndarray, y: np.ndarray, strength: float) -> np.ndarray:
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
    return beta


def fit(x: np.ndarray, y: np.ndarray, strength: float) -> tuple[float, np.ndarray]:
    """The intercept and weights; a weight of SIGNS that takes the wrong sign is held at 0
    and the rest fitted again, until none does."""
    signs = np.array([SIGNS.get(name, 0) for name in FEATURES])
    free = np.ones(len(FEATURES), dtype=bool)
    while True:
        design = np.hstack([np.ones((len(x), 1)), x[:, free]])
        beta = _newton(design, y, strength)
        weights = np.zeros(len(FEATURES))
        weights[free] = beta[1:]
        wrong = weights * signs < 0
        if not wrong.any():
            return float(beta[0]), weights
        free &= ~wrong


def thresholds(scores: np.ndarray, y: np.ndarray, all_duplicates: int) -> tuple[float, float]:
    """The merge and flag scores chosen on `scores` (rounded as the service rounds them),
    `all_duplicates` counting the duplicates ruled out before scoring as missed."""
    scores = np.round(scores, 3)
    order = np.argsort(-scores)
    merge = 1.0
    for score in scores[order]:
        if y[scores >= score].min() < 1:
            break
        merge = float(score)
    merge = max(MIN_MERGE_SCORE, merge)
    candidates = sorted(set(scores.tolist()), reverse=True)
    precise = min(s for s in candidates if y[scores >= s].mean() >= FLAG_PRECISION)
    recalled = next(
        (s for s in candidates if y[scores >= s].sum() >= FLAG_RECALL * all_duplicates), precise
    )
    return round(merge, 3), round(float(min(precise, recalled)), 3)


def precision_recall(
    scores: np.ndarray, y: np.ndarray, all_duplicates: int, threshold: float
) -> tuple[float, float]:
    chosen = np.round(scores, 3) >= threshold
    hits = float(y[chosen].sum())
    return (hits / chosen.sum() if chosen.any() else 0.0), hits / all_duplicates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write app/dedup/data/model.json")
    arguments = parser.parse_args()
    x, y, ruled_out = evidence(TUNING)
    penalty = cross_validated_penalty(x, y)
    intercept, weights = fit(x, y, penalty)
    merge, flag = thresholds(out_of_fold(x, y, penalty), y, int(y.sum()) + ruled_out)
    document = {
        "about": "Weights of the duplicate evidence, fitted by tools/fit_dedup.py on the tuning "
        "pairs only (tests/dedup/pairs.py TUNING), the two scores chosen on their out-of-fold "
        "scores. Do not edit by hand: run the tool.",
        "tuning_pairs": len(TUNING),
        "candidates": len(y),
        "penalty": penalty,
        "intercept": round(intercept, 4),
        "weights": {name: round(float(w), 4) for name, w in zip(FEATURES, weights, strict=True)},
        "merge_score": merge,
        "flag_score": flag,
    }
    print(json.dumps(document, ensure_ascii=False, indent=1))
    # The check: the development pairs, scored with the weights as written.
    x_dev, y_dev, dev_ruled_out = evidence(DEVELOPMENT)
    dev_scores = probabilities(x_dev, round(intercept, 4), np.round(weights, 4))
    dev_duplicates = int(y_dev.sum()) + dev_ruled_out
    for name, threshold in (("flag", flag), ("merge", merge)):
        precision, recall = precision_recall(dev_scores, y_dev, dev_duplicates, threshold)
        print(
            f"development at the {name} score {threshold}: precision {precision:.3f}, "
            f"recall {recall:.3f}"
        )
    if arguments.write:
        MODEL_FILE.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
