"""Do the lessons' claims hold for other seeds? (`make claims`)

A lesson shows one run and says what it shows ("L2 removes the rise", "dropout still
overfits"). This script re-runs each such claim with 10 seeds (the seed fixes the split,
the starting weights, the batch order and any flipped labels) and prints, per claim, in
how many seeds it held. A claim that holds in fewer than 8 of 10 is marked REWORD: the
lesson must say that the result depends on the seed, or show another demo.

    python tools/seed_claims.py            # print the table (about 5 minutes)
    python tools/seed_claims.py --write    # and save it to tests/data/seed_claims.md
    python tools/seed_claims.py --only 06  # only the claims of notebook 06
"""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.datasets import load_dataset
from course_utils.diagnosis import diagnose
from course_utils.experiments import (
    BATCH_SIZE,
    Settings,
    build_network,
    explorer_data,
    run_experiment,
)
from course_utils.reproducibility import seed_everything

TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "seed_claims.md"
SEEDS = range(10)
NEEDED = 8  # a claim must hold in at least 8 of the 10 seeds


@dataclass(frozen=True)
class Claim:
    """One sentence a lesson states, and a test of it for one seed: ``holds(seed) -> bool``."""

    notebook: str
    text: str
    holds: Callable[[int], bool]  # True when the claim held for that seed


def tally(claim, seeds=SEEDS):
    """How many of ``seeds`` the claim held in, and whether that is enough (8 of 10).

    >>> claim = Claim("00", "even seeds only", lambda seed: seed % 2 == 0)
    >>> tally(claim)
    (5, 10, False)
    """
    held = sum(bool(claim.holds(seed)) for seed in seeds)
    return held, len(seeds), held >= NEEDED * len(seeds) / 10


# ---- notebook 06: the explorer's runs --------------------------------------------------


@cache  # several claims read the same run
def explorer_run(settings, seed):
    """Notebook 06's run for ``settings``, on the split and weights that ``seed`` fixes."""
    return run_experiment(settings, data=explorer_data(seed), seed=seed)


def verdict_is(expected, **settings):
    return lambda seed: explorer_run(Settings(**settings), seed).diagnosis.verdict == expected


def overfits(settings):
    return verdict_is("overfitting", **settings)


BIG = dict(width=64, train_size=100, epochs=60)
# more rows, L2 and dropout: each leaves BIG overfitting, yet lowers its best val loss
MORE_ROWS = BIG | dict(train_size=400)
WITH_L2 = BIG | dict(l2=0.01)
WITH_DROPOUT = BIG | dict(dropout=0.5)


def lower_best(better, worse):
    """Claim: with the settings ``better``, the penalty-free validation loss reaches a lower
    minimum than with ``worse``."""

    def holds(seed):
        runs = [explorer_run(Settings(**settings), seed) for settings in (better, worse)]
        lowest = [min(run.history["val_binary_crossentropy"]) for run in runs]
        return lowest[0] < lowest[1]

    return holds


# ---- notebook 02 and 07: their own set-ups ----------------------------------------------


def fit_arrays(model, parts, epochs):
    """Fit ``model`` as the lessons do: arrays, validation data, batches of 32; the history."""
    x_train, x_val, y_train, y_val = parts
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=epochs,
        batch_size=BATCH_SIZE,
        verbose=0,
    )
    return history.history


@cache  # both of 02's claims read the same run
def classifier_history(seed):
    """02's classifier: 64 ReLU units on the 80 training rows, 150 epochs; its history.
    The split is 02's (stratified, scaled on the training rows) with ``seed`` as its
    random_state."""
    X, y = load_dataset("classification")
    x_train, x_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=seed, stratify=y
    )
    scaler = StandardScaler().fit(x_train)
    parts = scaler.transform(x_train), scaler.transform(x_val), y_train, y_val
    seed_everything(seed)
    model = build_network(10, (64,), learning_rate=0.003, metrics=["accuracy"])
    return fit_arrays(model, parts, epochs=150)


def classifier_overfits(seed):
    """02: diagnose calls the 150-epoch run overfitting."""
    return diagnose(classifier_history(seed)).verdict == "overfitting"


def classifier_accuracy_holds(seed):
    """02: the last val accuracy is no more than one validation row (of 20) below its value
    at the lowest val_loss."""
    history = classifier_history(seed)
    best = int(np.argmin(history["val_loss"]))
    return history["val_accuracy"][-1] >= history["val_accuracy"][best] - 0.05 - 1e-9


def dropout_val_below_training(seed):
    """07: with Dropout(0.5), the last val_loss is below the last training loss."""
    X, y = load_dataset("noisy_line")
    parts = train_test_split(X, y, test_size=0.3, random_state=seed)
    seed_everything(seed)
    model = build_network(
        1, (64,), learning_rate=0.01, dropout=0.5, output_activation=None, loss="mse", metrics=[]
    )
    history = fit_arrays(model, parts, epochs=60)
    return history["val_loss"][-1] < history["loss"][-1]


NOTEBOOK_06 = {  # claim: its test for one seed
    "the defaults: good fit": verdict_is("good fit"),
    "the defaults, 10 epochs: still improving": verdict_is("still improving", epochs=10),
    "3 layers, strong L2: underfitting": verdict_is("underfitting", depth=3, l2=0.1),
    "64 units, 100 rows: overfitting": overfits(BIG),
    "the defaults on 1,600 rows reach a lower val loss than on 200": lower_best(
        dict(train_size=1600), {}
    ),
    "4 units, 100 rows: good fit": verdict_is("good fit", **BIG | dict(width=4)),
    "4 units, 100 rows: not overfitting (good fit or still improving)": (
        lambda seed: not overfits(BIG | dict(width=4))(seed)
    ),
    "16 units, 100 rows: overfitting": overfits(BIG | dict(width=16)),
    "64 units, 400 rows: still overfitting": overfits(MORE_ROWS),
    "64 units: 400 rows reach a lower val loss than 100 rows": lower_best(MORE_ROWS, BIG),
    "64 units, 100 rows, L2 0.01: still overfitting (penalty-free)": overfits(WITH_L2),
    "L2 0.01 reaches a lower val loss than no regularisation": lower_best(WITH_L2, BIG),
    "64 units, 100 rows, dropout 0.5: still overfitting": overfits(WITH_DROPOUT),
    "dropout 0.5 reaches a lower val loss than no regularisation": lower_best(WITH_DROPOUT, BIG),
    "20 % flipped labels, 60 epochs: overfitting": overfits(dict(label_noise=0.2, epochs=60)),
    "40 % flipped labels, 60 epochs: overfitting": overfits(dict(label_noise=0.4, epochs=60)),
    "learning rate 0.001: still improving": verdict_is("still improving", learning_rate=0.001),
    "learning rate 0.1: overfitting": overfits(dict(learning_rate=0.1)),
    "64 units, 200 rows (the explorer cell): overfitting": overfits(dict(width=64)),
}
CLAIMS = [Claim("06", text, holds) for text, holds in NOTEBOOK_06.items()] + [
    Claim("02", "64 units on 80 rows, 150 epochs: overfitting", classifier_overfits),
    Claim(
        "02",
        "meanwhile val accuracy holds (within one of 20 rows) or rises",
        classifier_accuracy_holds,
    ),
    Claim(
        "07", "with dropout 0.5, val_loss ends below the training loss", dropout_val_below_training
    ),
]


def table(claims):
    """Run every claim for every seed; the Markdown table, one row per claim."""
    lines = [
        "# The lessons' claims, re-run with 10 seeds",
        "",
        "Made by `python tools/seed_claims.py --write` (`make claims`). Each seed fixes the split, "
        f"the starting weights, the batch order and any flipped labels. A claim that holds in "
        f"fewer than {NEEDED} of 10 seeds is marked REWORD: "
        "its lesson says it depends on the seed.",
        "",
        "| notebook | claim | held in | |",
        "| --- | --- | --- | --- |",
    ]
    for claim in claims:
        held, total, enough = tally(claim)
        lines.append(
            f"| {claim.notebook} | {claim.text} | {held}/{total} | {'ok' if enough else 'REWORD'} |"
        )
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"also save it to {TABLE.name}")
    parser.add_argument("--only", help="only the claims of this notebook, such as 06")
    args = parser.parse_args(argv)
    claims = [claim for claim in CLAIMS if not args.only or claim.notebook == args.only]
    if not claims:
        parser.error(f"no claims for notebook {args.only!r}")
    report = table(claims)
    if args.write:
        TABLE.write_text(report)


if __name__ == "__main__":
    main()
