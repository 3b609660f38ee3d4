"""Record the labelled Keras histories that tests/test_diagnosis.py checks.

Each case below is a real, seeded Keras fit of a tiny model on data made with NumPy or
scikit-learn. Its label says what the fit really is: it was chosen when the case was
designed and confirmed by reading the curves (``--plots DIR`` draws them), never copied
from what ``diagnose`` says. Each case is saved as one JSON file,
tests/data/histories/<name>.json, holding the ``History.history`` dict, the label, the
task, a description, the settings and the baseline: the validation loss of the best
constant guess fitted on the training targets, from course_utils.baseline_loss.

    python tools/record_histories.py                 # rewrite tests/data/histories/
    python tools/record_histories.py --plots /tmp/h  # also save one PNG per case
    python tools/record_histories.py --only reg_overfitting

Run it in the course's fixed environment (see the Makefile) so the numbers repeat; all
cases take about a minute on two cores.
"""

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure
from sklearn.datasets import make_circles, make_classification, make_moons
from sklearn.model_selection import train_test_split

from course_utils.baselines import baseline_loss
from course_utils.plots import plot_history
from course_utils.reproducibility import seed_everything

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "histories"
VALIDATION_POOL = 200  # rows held out; each case validates on the first n_val of them
REGRESSION = "regression"
CLASSIFICATION = "binary classification"
LOSSES = {REGRESSION: "mse", CLASSIFICATION: "binary_crossentropy"}


@dataclass(frozen=True)
class Case:
    """One labelled fit: which data, which model, how long, and what it really is."""

    name: str
    label: str  # "underfitting", "overfitting", "good fit" or "still improving"
    description: str
    task: str
    data: str  # a key of DATA
    n_train: int
    n_val: int
    noise: float
    hidden: tuple = ()  # units of each hidden relu layer; () is a linear model
    l2: float = 0.0
    dropout: float = 0.0
    learning_rate: float = 0.01
    epochs: int = 100
    batch_size: int = 32
    seed: int = 0


def quadratic(n, noise, seed):
    """y = x**2 - 1 on x in [-2, 2] plus Gaussian noise: a straight line cannot follow it."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 1))
    return x, x[:, 0] ** 2 - 1 + rng.normal(0, noise, size=n)


def wave(n, noise, seed):
    """y = sin(2x) on x in [-2, 2] plus Gaussian noise: a smooth curve a small net can fit."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 1))
    return x, np.sin(2 * x[:, 0]) + rng.normal(0, noise, size=n)


def moons(n, noise, seed):
    return make_moons(n_samples=n, noise=noise, random_state=seed)


def circles(n, noise, seed):
    return make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)


def features(n, noise, seed):
    """The seed article's kind of table: 10 features, 5 informative; noise flips labels."""
    return make_classification(
        n_samples=n, n_features=10, n_informative=5, flip_y=noise, random_state=seed
    )


DATA = {"quadratic": quadratic, "wave": wave, "moons": moons, "circles": circles,
        "features": features}


CASES = [
    # ---- regression, mean squared error ------------------------------------------------
    Case("reg_good_fit", "good fit", "a 2x32 net fits sin(2x) down to the noise floor",
         REGRESSION, "wave", 300, 200, 0.3, hidden=(32, 32), epochs=120),
    Case("reg_underfitting", "underfitting", "a linear model on a parabola: about the mean",
         REGRESSION, "quadratic", 300, 200, 0.3, epochs=80),
    Case("reg_overfitting", "overfitting", "a 2x256 net chases the noise of 15 points",
         REGRESSION, "quadratic", 15, 200, 0.5, hidden=(256, 256), epochs=400, batch_size=16),
    Case("reg_still_improving", "still improving", "small learning rate, stopped too early",
         REGRESSION, "wave", 300, 200, 0.3, hidden=(16,), learning_rate=0.003, epochs=40),
    Case("reg_dropout_good_fit", "good fit", "dropout: validation below training is normal",
         REGRESSION, "wave", 300, 200, 0.3, hidden=(64, 64), dropout=0.3, epochs=150),
    Case("reg_noisy_good_fit", "good fit", "reg_good_fit with 8 validation points",
         REGRESSION, "wave", 300, 8, 0.3, hidden=(32, 32), epochs=120),
    Case("reg_noisy_underfitting", "underfitting", "reg_underfitting with 8 validation points",
         REGRESSION, "quadratic", 300, 8, 0.3, epochs=80),
    Case("reg_noisy_overfitting", "overfitting", "reg_overfitting with 8 validation points",
         REGRESSION, "quadratic", 15, 8, 0.5, hidden=(256, 256), epochs=400, batch_size=16),
    Case("reg_noisy_still_improving", "still improving",
         "reg_still_improving with 8 validation points",
         REGRESSION, "wave", 300, 8, 0.3, hidden=(16,), learning_rate=0.003, epochs=40),
    # ---- binary classification, cross-entropy ------------------------------------------
    Case("clf_good_fit", "good fit", "8 hidden units separate noisy moons",
         CLASSIFICATION, "moons", 400, 200, 0.3, hidden=(8,), epochs=100),
    Case("clf_underfitting", "underfitting", "a linear model on rings: a coin flip",
         CLASSIFICATION, "circles", 400, 200, 0.1, epochs=60),
    Case("clf_overfitting", "overfitting", "the seed's lesson: 64 units on 80 rows",
         CLASSIFICATION, "features", 80, 200, 0.05, hidden=(64, 64), epochs=200, batch_size=16),
    Case("clf_still_improving", "still improving", "small learning rate, stopped too early",
         CLASSIFICATION, "moons", 400, 200, 0.3, hidden=(8,), learning_rate=0.001, epochs=30),
    Case("clf_regularised_good_fit", "good fit", "L2 keeps a 64-unit net on 80 rows honest",
         CLASSIFICATION, "features", 80, 200, 0.05, hidden=(64,), l2=0.03, epochs=150,
         batch_size=16),
    Case("clf_noisy_good_fit", "good fit", "clf_good_fit with 12 validation rows",
         CLASSIFICATION, "moons", 400, 12, 0.3, hidden=(8,), epochs=100),
    Case("clf_noisy_underfitting", "underfitting", "clf_underfitting with 12 validation rows",
         CLASSIFICATION, "circles", 400, 12, 0.1, epochs=60),
    Case("clf_noisy_overfitting", "overfitting", "clf_overfitting with 12 validation rows",
         CLASSIFICATION, "features", 80, 12, 0.05, hidden=(64, 64), epochs=200, batch_size=16),
    Case("clf_noisy_still_improving", "still improving",
         "clf_still_improving with 12 validation rows",
         CLASSIFICATION, "moons", 400, 12, 0.3, hidden=(8,), learning_rate=0.001, epochs=30),
]


def make_split(case):
    """Training and validation arrays for ``case``.

    The rows are drawn once, with VALIDATION_POOL rows held out by a shuffled split
    (stratified by class); ``case.n_val`` of those form the validation set. So two cases that
    differ only in ``n_val`` train on the same rows and show the same training curve.
    """
    x, y = DATA[case.data](case.n_train + VALIDATION_POOL, case.noise, case.seed)
    stratify = y if case.task == CLASSIFICATION else None
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=VALIDATION_POOL, random_state=case.seed, stratify=stratify
    )
    x_val, y_val = x_val[: case.n_val], y_val[: case.n_val]
    return [part.astype("float32") for part in (x_train, y_train, x_val, y_val)]


def build_model(case, n_features):
    """A Sequential model: ``case.hidden`` relu layers, then one output unit."""
    regularizer = keras.regularizers.L2(case.l2) if case.l2 else None
    layers = [keras.Input(shape=(n_features,))]
    for units in case.hidden:
        layers.append(keras.layers.Dense(units, activation="relu",
                                         kernel_regularizer=regularizer))
        if case.dropout:
            layers.append(keras.layers.Dropout(case.dropout))
    output_activation = "sigmoid" if case.task == CLASSIFICATION else None
    layers.append(keras.layers.Dense(1, activation=output_activation))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(case.learning_rate), loss=LOSSES[case.task])
    return model


def batches(x, y, batch_size, shuffle_seed=None):
    """A tf.data pipeline (much faster per epoch than NumPy arrays); shuffled every epoch."""
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size)


def record(case):
    """Fit ``case`` and return what its JSON file holds."""
    x_train, y_train, x_val, y_val = make_split(case)
    seed_everything(case.seed)
    model = build_model(case, x_train.shape[1])
    history = model.fit(
        batches(x_train, y_train, case.batch_size, shuffle_seed=case.seed),
        validation_data=batches(x_val, y_val, case.batch_size),
        epochs=case.epochs,
        shuffle=False,  # the pipeline shuffles every epoch
        verbose=0,
    )
    return {
        "name": case.name,
        "label": case.label,
        "task": case.task,
        "description": case.description,
        "baseline": baseline_loss(y_train, y_val, LOSSES[case.task]),
        "settings": {k: v for k, v in asdict(case).items()
                     if k not in ("name", "label", "task", "description")},
        "keras_version": keras.__version__,
        "history": history.history,
    }


def save_plot(recorded, directory):
    """Draw one case's curves and its baseline to DIRECTORY/<name>.png."""
    ax = Figure(figsize=(6, 4)).subplots()
    plot_history(recorded["history"], ax=ax, title=f"{recorded['name']}: {recorded['label']}")
    ax.axhline(recorded["baseline"], color="grey", linestyle=":", label="baseline")
    ax.legend()
    ax.figure.savefig(directory / f"{recorded['name']}.png", dpi=80)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=Path, help="also save one PNG per case here")
    parser.add_argument("--only", nargs="+", help="record only these case names")
    args = parser.parse_args(argv)
    names = [case.name for case in CASES]
    unknown = sorted(set(args.only or ()) - set(names))
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)}; the cases are: {', '.join(names)}")
    cases = [case for case in CASES if not args.only or case.name in args.only]
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    if args.plots:
        args.plots.mkdir(parents=True, exist_ok=True)
    for case in cases:
        recorded = record(case)
        path = OUTPUT_DIR / f"{case.name}.json"
        path.write_text(json.dumps(recorded, indent=1) + "\n")
        if args.plots:
            save_plot(recorded, args.plots)
        print(f"{case.name:26} {case.label:16} {len(recorded['history']['loss']):4} epochs "
              f"-> {path.relative_to(OUTPUT_DIR.parents[2])}")


if __name__ == "__main__":
    main()
