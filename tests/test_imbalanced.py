"""Keras and scikit-learn behaviours lesson 05 (imbalanced classes) states that
tests/test_keras_facts.py does not pin: the metrics in ``metrics=[...]`` ignore class and
sample weights, the rare-class metrics accept 1-D labels, a stratified split keeps the share
of the rare class, and the constant-guess cross-entropy is the entropy of the share.

(Pinned in test_keras_facts.py and only used here: the weighted training loss is divided by
the number of rows, validation weights weight val_loss the same way, EarlyStopping on an AUC
maximises it, and the binary_crossentropy metric needs labels as a column.)
"""

import keras
import numpy as np
import pytest
from sklearn.metrics import precision_recall_curve, roc_auc_score
from sklearn.model_selection import train_test_split

from course_utils import baseline_loss
from course_utils.reproducibility import seed_everything

X = np.array([[1.0], [2.0], [3.0], [4.0], [-1.0], [0.5]], dtype="float32")
Y = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0], dtype="float32")
KERNEL, BIAS = 0.3, -1.0
CLASS_WEIGHT = {0: 1.0, 1: 6.0}


def frozen_model(metrics=(), weighted_metrics=()):
    """A sigmoid unit with known weights and learning rate 0: its outputs never change."""
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(
                1,
                activation="sigmoid",
                kernel_initializer=keras.initializers.Constant(KERNEL),
                bias_initializer=keras.initializers.Constant(BIAS),
            ),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.0),
        loss="binary_crossentropy",
        metrics=list(metrics),
        weighted_metrics=list(weighted_metrics),
    )
    return model


def row_losses():
    p = 1 / (1 + np.exp(-(KERNEL * X[:, 0] + BIAS)))
    return -(Y * np.log(p) + (1 - Y) * np.log(1 - p))


def test_metrics_ignore_class_weight_and_validation_weights_but_weighted_metrics_use_them():
    """Lesson 05: with class_weight and validation weights, the loss is weighted but a
    metric in metrics=[...] (here BinaryCrossentropy) is the plain, unweighted mean on both
    sides; the same metric in weighted_metrics=[...] is the weighted mean sum(w l) / sum(w)."""
    weights = np.where(Y == 1, CLASS_WEIGHT[1], CLASS_WEIGHT[0])
    losses = row_losses()
    model = frozen_model(
        metrics=[keras.metrics.BinaryCrossentropy(name="plain")],
        weighted_metrics=[keras.metrics.BinaryCrossentropy(name="weighted")],
    )
    history = model.fit(
        X,
        Y[:, None],
        validation_data=(X, Y[:, None], weights),
        class_weight=CLASS_WEIGHT,
        batch_size=3,
        shuffle=False,
        epochs=1,
        verbose=0,
    ).history

    for prefix in ("", "val_"):
        assert history[prefix + "loss"][0] == pytest.approx(np.sum(weights * losses) / len(Y))
        assert history[prefix + "plain"][0] == pytest.approx(losses.mean(), rel=1e-5)
        assert history[prefix + "weighted"][0] == pytest.approx(
            np.sum(weights * losses) / np.sum(weights), rel=1e-5
        )


def test_precision_recall_and_auc_metrics_accept_1d_labels():
    """Lesson 05 passes y[:, None] only because of the cross-entropy metric: Precision,
    Recall and AUC work with 1-D labels and a (n, 1) sigmoid output. (Named, as the lesson
    names them: an unnamed metric object's name depends on how many came before it in the
    process, such as "precision_4".)"""
    model = frozen_model(
        metrics=[
            keras.metrics.Precision(name="precision"),
            keras.metrics.Recall(name="recall"),
            keras.metrics.AUC(name="auc"),
        ]
    )
    history = model.fit(X, Y, epochs=1, verbose=0).history
    # learning rate 0: every row is scored with the known weights, as in one pass by hand
    scores = 1 / (1 + np.exp(-(KERNEL * X[:, 0] + BIAS)))
    predicted = scores > 0.5
    assert history["precision"][0] == pytest.approx(np.sum(predicted & (Y == 1)) / predicted.sum())
    assert history["recall"][0] == pytest.approx(np.sum(predicted & (Y == 1)) / Y.sum())
    assert history["auc"][0] == pytest.approx(roc_auc_score(Y, scores), abs=1e-3)


def test_precision_recall_curve_has_one_more_precision_and_recall_than_thresholds():
    """Lesson 05, exercise 3: precision_recall_curve's precision and recall end with an extra
    pair (1, 0) that belongs to no threshold; recall[:-1] lines up with thresholds."""
    y = np.array([0, 0, 1, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    precision, recall, thresholds = precision_recall_curve(y, scores)
    assert len(precision) == len(recall) == len(thresholds) + 1
    assert (precision[-1], recall[-1]) == (1.0, 0.0)
    for t, r in zip(thresholds, recall[:-1], strict=True):
        assert r == np.sum((scores >= t) & (y == 1)) / y.sum()


def test_stratify_keeps_the_share_of_the_rare_class_and_a_random_split_does_not():
    """Lesson 05: with stratify=y every validation part holds the same number of 1s; without,
    the number varies from split to split and can be 0."""
    y = np.array([1] * 26 + [0] * 374)
    random_counts = {
        int(train_test_split(y, test_size=40, random_state=seed)[1].sum()) for seed in range(200)
    }
    stratified_counts = {
        int(train_test_split(y, test_size=40, random_state=seed, stratify=y)[1].sum())
        for seed in range(200)
    }
    assert len(stratified_counts) == 1
    assert 0 in random_counts and len(random_counts) > 4


def test_constant_guess_cross_entropy_is_the_entropy_of_the_share():
    """Lesson 05: the binary cross-entropy baseline for a share s of 1s is
    -(s log s + (1 - s) log(1 - s)), far below log 2 for a rare class."""
    y = np.array([1] * 11 + [0] * 189)
    share = y.mean()
    entropy = -(share * np.log(share) + (1 - share) * np.log(1 - share))
    assert baseline_loss(y, y, "binary_crossentropy") == pytest.approx(entropy, rel=1e-5)
    assert entropy < 0.25 < np.log(2)
