"""The duplicate score's fitting: the committed weights are the tool's, the flag score is
chosen on pairs the weights never saw (for recall, and for more while precision allows), and
evidence keeps its sign."""

import json

import numpy as np
import pytest

from app.dedup.scoring import FEATURES, MODEL_FILE
from tools import fit_dedup


def test_the_flag_score_flags_more_than_the_recall_while_precision_allows() -> None:
    # Nine of the ten duplicates (the recall wanted) are flagged at 0.6; down to 0.5, ten in
    # eleven of those flagged are still duplicates (at 0.3, ten in thirteen).
    duplicates = [0.99, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.5]
    scores = np.array([*duplicates, 0.88, 0.3, 0.3])
    labels = np.array([1.0] * 10 + [0.0] * 3)
    _, flag = fit_dedup.thresholds(scores, labels, all_duplicates=10)
    assert flag == 0.5


def test_the_flag_score_is_the_highest_that_reaches_the_recall() -> None:
    # Ten duplicates (two ruled out before scoring) and some look-alikes.
    scores = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.85, 0.45, 0.3])
    labels = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0], dtype=float)
    _, flag = fit_dedup.thresholds(scores, labels, all_duplicates=8)
    assert flag == 0.4  # 90% of 8 is 7.2: all eight scored duplicates, the lowest at 0.4
    merge, fallback = fit_dedup.thresholds(scores, labels, all_duplicates=10)
    # 90% of 10 is out of reach with two ruled out: the lowest score at which 82% of the
    # flagged are duplicates (at 0.45, 7 of 9; at 0.5, 7 of 8).
    assert fallback == 0.5
    assert merge == 0.98  # never below the floor, though every pair above 0.85 is one


def test_evidence_that_speaks_one_way_never_gets_the_other_sign() -> None:
    rng = np.random.default_rng(7)
    x = rng.random((200, len(FEATURES)))
    near = FEATURES.index("near")
    # Labels that nearer pairs are less often: a free fit would weigh `near` negatively.
    y = (rng.random(200) < 0.7 - 0.4 * x[:, near]).astype(float)
    _, weights = fit_dedup.fit(x, y, 0.1)
    for name, sign in fit_dedup.SIGNS.items():
        assert weights[FEATURES.index(name)] * sign >= 0
    assert weights[near] == 0.0


@pytest.mark.slow
def test_the_committed_model_is_what_the_tool_fits(capsys: pytest.CaptureFixture[str]) -> None:
    """model.json is never edited by hand: the tool, run again on the tuning pairs, writes
    the same weights and scores."""
    committed = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    x, y, ruled_out = fit_dedup.evidence(fit_dedup.TUNING)
    penalty = fit_dedup.cross_validated_penalty(x, y)
    intercept, weights = fit_dedup.fit(x, y, penalty)
    merge, flag = fit_dedup.thresholds(
        fit_dedup.out_of_fold(x, y, penalty), y, int(y.sum()) + ruled_out
    )
    assert committed["penalty"] == penalty
    assert committed["intercept"] == round(intercept, 4)
    assert committed["weights"] == {
        name: round(float(w), 4) for name, w in zip(FEATURES, weights, strict=True)
    }
    assert (committed["merge_score"], committed["flag_score"]) == (merge, flag)
