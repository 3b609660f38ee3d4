"""Record the labelled corpus of real Keras histories that ``diagnose`` is judged on.

Each case is a seeded Keras fit of a small model on data made with NumPy or scikit-learn,
or on the course's own data files; ``course_utils.experiments`` builds every model and fits
the grid's (notebook 06's runs are its ``run_experiment`` itself). The runs of notebooks 01,
02 and 08 are fitted as those lessons fit them, ``model.fit`` on the arrays. Its label says
what really happened in that run, decided from evidence that ``diagnose`` never sees, by the
rules in ``label``:

- a **reference curve**: the penalty-free loss after every epoch on a reference set of at
  least 200 held-out rows (the validation set itself when it is that large), so a small,
  noisy validation set does not decide the label;
- a **longer run**: the same fit (same seed, same start) for 3 times the epochs;
- **better models**: two larger networks (2 x 64 ReLU units, Adam at 0.01 and at 0.001)
  trained for 3 times the epochs on the same rows.

Each case is saved as tests/data/histories/<name>.json with the history, the label, the
evidence, the baseline (the validation loss of the best constant guess), the penalty-free
metric to read, and ``held_out``: held-out cases are never looked at while ``diagnose``'s
thresholds are tuned, and ``tools/corpus_agreement.py`` reports them apart.

    python tools/record_histories.py                  # rewrite tests/data/histories/
    python tools/record_histories.py --only reg_wave_good_s0 --plots /tmp/h

Run it in the course's fixed environment (``make corpus`` does) so the numbers repeat;
the whole corpus takes about half an hour on two cores.
"""

import argparse
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure
from sklearn.datasets import make_circles, make_classification, make_moons
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.baselines import baseline_loss
from course_utils.datasets import load_dataset
from course_utils.diagnosis import moving_average  # the smoothing diagnose uses
from course_utils.experiments import (
    Settings,
    build_network,
    explorer_data,
    fit_model,
    run_experiment,
)
from course_utils.lessons import lesson01, lesson02, lesson08
from course_utils.plots import plot_history
from course_utils.reproducibility import seed_everything

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "histories"
REFERENCE_ROWS = 200  # held-out rows; each case validates on the first n_val of them
REGRESSION, CLASSIFICATION = "regression", "binary classification"
LOSSES = {REGRESSION: "mse", CLASSIFICATION: "binary_crossentropy"}
LONGER = 3  # the longer run and the better models train this many times the epochs
BETTER_MODELS = ((64, 64, 0.01), (64, 64, 0.001))  # units, units, learning rate

# What "clearly" means in the labels: beyond these shares of the reference loss. The
# reference set has at least 200 rows, so its curve moves far less than these shares from
# one epoch to the next (the script prints each case's reference noise to show it).
CLEARLY_ABOVE_MINIMUM = 0.05  # overfitting: the reference loss ends 5 % above its minimum
CLEARLY_LONGER = 0.05  # still improving: 3x longer lowers the best loss by more than 5 %
CLEARLY_BETTER = 0.10  # underfitting: a better model reaches a loss 10 % lower
CLEARLY_BELOW_GUESS = 0.90  # good fit: the best loss is under 90 % of the constant guess
WELL_BELOW = 0.80  # memorising: training loss under 80 % of the reference loss
SMOOTHING = 5  # epochs in the centred moving average of the reference and training curves


@dataclass(frozen=True)
class Case:
    """One fit: which data, which model, how long, and whether it is kept out of tuning."""

    name: str
    task: str
    data: str  # a key of DATA, or "explorer" for notebook 06's runs
    n_train: int
    n_val: int
    noise: float = 0.0
    hidden: tuple = ()  # units of each hidden relu layer; () is a linear model
    l2: float = 0.0
    dropout: float = 0.0
    learning_rate: float = 0.01
    epochs: int = 100  # the longer run and the better models train LONGER times as many
    batch_size: int = 32
    seed: int = 0  # fixes the weights and the batch order (and the grid's data and split)
    patience: int = 0  # > 0: EarlyStopping(patience, restore_best_weights=True), as notebook 08
    held_out: bool = False
    lesson: str = ""  # the notebook that shows this run, if one does
    explorer: Settings | None = None  # notebook 06's runs: the explorer's Settings


# ---- data ------------------------------------------------------------------------------


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


def pure_noise(n, noise, seed):
    """5 features and a target that has nothing to do with them: there is no signal."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 5)), rng.normal(0, 1, size=n)


def coin_flips(n, noise, seed):
    """10 features and labels drawn by a fair coin: there is no signal."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 10)), rng.integers(0, 2, size=n)


def moons(n, noise, seed):
    return make_moons(n_samples=n, noise=noise, random_state=seed)


def circles(n, noise, seed):
    return make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)


def features(n, noise, seed):
    """The seed article's kind of table: 10 features; ``noise`` is the share of flipped labels."""
    return make_classification(
        n_samples=n, n_features=10, n_informative=5, flip_y=noise, random_state=seed
    )


def diabetes(n, noise, seed):
    """The course's diabetes data (442 rows); ``n`` is ignored."""
    return load_dataset("diabetes")


def breast_cancer(n, noise, seed):
    """The course's breast-cancer data (569 rows); ``n`` is ignored."""
    return load_dataset("breast_cancer")


LESSON_DATA = ("noisy_line", "classification", "capstone")  # split as notebooks 01, 02, 08 do
DATA = {
    "quadratic": quadratic,
    "wave": wave,
    "pure_noise": pure_noise,
    "coin_flips": coin_flips,
    "moons": moons,
    "circles": circles,
    "features": features,
    "diabetes": diabetes,
    "breast_cancer": breast_cancer,
}


# The grid. Designs on one data set share its set-up (task, rows, noise, batch size);
# each design adds its model and its fit, and is recorded with seeds 0 and 1.
WAVE = dict(task=REGRESSION, data="wave", n_train=300, n_val=200, noise=0.3)
QUADRATIC = dict(task=REGRESSION, data="quadratic", n_val=200, noise=0.5, batch_size=16)
PURE_NOISE = dict(task=REGRESSION, data="pure_noise", n_val=200)
DIABETES = dict(task=REGRESSION, data="diabetes", n_train=200, n_val=42)
MOONS = dict(task=CLASSIFICATION, data="moons", n_train=400, n_val=200, noise=0.3)
CIRCLES = dict(task=CLASSIFICATION, data="circles", n_train=400, n_val=200, noise=0.1)
FEATURES = dict(
    task=CLASSIFICATION, data="features", n_train=80, n_val=200, noise=0.05, batch_size=16
)
COINS = dict(task=CLASSIFICATION, data="coin_flips", n_val=200)
CANCER = dict(task=CLASSIFICATION, data="breast_cancer", n_train=200, n_val=57)
# the designs that also run validated on a handful of rows ("small_val")
WAVE_GOOD = dict(WAVE, hidden=(32, 32), epochs=120)
WAVE_SLOW = dict(WAVE, hidden=(16,), learning_rate=0.003, epochs=40)
QUADRATIC_MEMORISE = dict(QUADRATIC, n_train=15, hidden=(256, 256), epochs=400)
MOONS_GOOD = dict(MOONS, hidden=(8,))
FEATURES_MEMORISE = dict(FEATURES, hidden=(64, 64), epochs=200)
DESIGNS = {
    "reg_wave_good": WAVE_GOOD,
    "reg_wave_small_val": dict(WAVE_GOOD, n_val=10),
    "reg_wave_slow": WAVE_SLOW,
    "reg_wave_slow_small_val": dict(WAVE_SLOW, n_val=10),
    "reg_wave_linear": dict(WAVE, epochs=60),
    "reg_wave_dropout": dict(WAVE, hidden=(64, 64), dropout=0.3, epochs=150),
    "reg_quad_linear": dict(QUADRATIC, n_train=300, noise=0.3, batch_size=32, epochs=80),
    "reg_quad_memorise": QUADRATIC_MEMORISE,
    "reg_quad_memorise_small_val": dict(QUADRATIC_MEMORISE, n_val=10),
    "reg_quad_l2": dict(QUADRATIC, n_train=30, hidden=(128, 128), l2=0.01, epochs=200),
    "reg_noise_small": dict(PURE_NOISE, n_train=200, hidden=(4,), epochs=60),
    "reg_noise_big": dict(PURE_NOISE, n_train=60, hidden=(128, 128), epochs=200, batch_size=16),
    "reg_diabetes_good": dict(DIABETES, hidden=(8,), learning_rate=0.003),
    "reg_diabetes_big": dict(DIABETES, hidden=(128, 128), epochs=150),
    "clf_moons_good": MOONS_GOOD,
    "clf_moons_small_val": dict(MOONS_GOOD, n_val=12),
    "clf_moons_slow": dict(MOONS, hidden=(8,), learning_rate=0.001, epochs=30),
    "clf_moons_linear": dict(MOONS, epochs=60),
    "clf_circles_linear": dict(CIRCLES, epochs=60),
    "clf_circles_good": dict(CIRCLES, hidden=(16,), epochs=150),
    "clf_features_memorise": FEATURES_MEMORISE,
    "clf_features_memorise_small_val": dict(FEATURES_MEMORISE, n_val=12),
    "clf_features_l2": dict(FEATURES, hidden=(64,), l2=0.03, epochs=150),
    "clf_features_dropout": dict(FEATURES, hidden=(64,), dropout=0.5, epochs=150),
    "clf_coins_small": dict(COINS, n_train=300, hidden=(4,), epochs=60),
    "clf_coins_big": dict(COINS, n_train=100, hidden=(128,), epochs=150, batch_size=16),
    "clf_cancer_good": dict(CANCER, hidden=(8,), learning_rate=0.003, epochs=60),
    "clf_cancer_big": dict(CANCER, hidden=(128, 128), epochs=150),
}


def _cases():
    """The corpus: the grid of designs, each with seeds 0 and 1, then the lessons' runs."""
    R, C = REGRESSION, CLASSIFICATION
    cases = [
        # the real datasets and every second seed are kept out of tuning
        Case(
            f"{name}_s{seed}",
            seed=seed,
            held_out=seed == 1 or design["data"] in ("diabetes", "breast_cancer"),
            **design,
        )
        for name, design in DESIGNS.items()
        for seed in (0, 1)
    ]
    # notebooks 01, 02 and 08: their data, split, model and fit, as the lesson has them
    cases += [
        Case(
            "nb01_lr_0001",
            R,
            "noisy_line",
            80,
            20,
            hidden=(10,),
            learning_rate=0.001,
            lesson="01_regression_mse",
        ),
        Case(
            "nb01_lr_001",
            R,
            "noisy_line",
            80,
            20,
            hidden=(10,),
            learning_rate=0.01,
            lesson="01_regression_mse",
        ),
        Case(
            "nb02_64_units",
            C,
            "classification",
            80,
            20,
            hidden=(64,),
            learning_rate=0.003,
            epochs=150,
            lesson="02_classification_cross_entropy",
        ),
        Case(
            "nb08_capstone",
            C,
            "capstone",
            341,
            114,
            hidden=(32,),
            learning_rate=0.003,
            epochs=300,
            patience=10,
            lesson="08_capstone",
        ),
    ]
    for name, settings in LESSON_RUNS.items():
        cases.append(
            Case(
                f"nb06_{name}",
                CLASSIFICATION,
                "explorer",
                settings.train_size,
                400,
                noise=settings.label_noise,
                hidden=(settings.width,) * settings.depth,
                l2=settings.l2,
                dropout=settings.dropout,
                learning_rate=settings.learning_rate,
                epochs=settings.epochs,
                lesson="06_reading_curves",
                explorer=settings,
            )
        )
    return cases


# Notebook 06's runs: the explorer's Settings as the lesson uses them.
LESSON_RUNS = {
    "defaults": Settings(),
    "defaults_10_epochs": Settings(epochs=10),
    "deep_strong_l2": Settings(depth=3, l2=0.1),
    "big_100_rows": Settings(width=64, train_size=100, epochs=60),
    "4_units_100_rows": Settings(width=4, train_size=100, epochs=60),
    "16_units_100_rows": Settings(width=16, train_size=100, epochs=60),
    "big_400_rows": Settings(width=64, train_size=400, epochs=60),
    "big_100_rows_l2": Settings(width=64, train_size=100, epochs=60, l2=0.01),
    "big_100_rows_dropout": Settings(width=64, train_size=100, epochs=60, dropout=0.5),
    "1600_rows": Settings(train_size=1600),
    "60_epochs": Settings(epochs=60),
    "noise_20_60_epochs": Settings(label_noise=0.2, epochs=60),
    "noise_40_60_epochs": Settings(label_noise=0.4, epochs=60),
    "lr_0001": Settings(learning_rate=0.001),
    "lr_01": Settings(learning_rate=0.1),
    "64_units": Settings(width=64),
}


# ---- fitting -------------------------------------------------------------------------


def lesson_split(case):
    """Notebook 01's, 02's or 08's split, made by the lesson's own code (course_utils.lessons),
    and reference rows: for the noisy line 1,000 new rows from its generator (y = 2x + 1 +
    noise of sd 0.2 on [-1, 1]); for 02 the validation rows themselves (its 100 rows are all
    there is); for 08 the validation and the test rows together (228)."""
    if case.data == "noisy_line":
        x_train, x_val, y_train, y_val = lesson01.split(*load_dataset("noisy_line"))
        x_ref = np.random.default_rng(1).uniform(-1, 1, size=(1000, 1))
        y_ref = 2 * x_ref[:, 0] + 1 + np.random.default_rng(2).normal(0, 0.2, size=1000)
    elif case.data == "classification":
        x_train, x_val, y_train, y_val = lesson02.split()
        x_ref, y_ref = x_val, y_val
    else:
        parts = lesson08.split(*load_dataset("breast_cancer"))
        x_train, x_val, x_test, y_train, y_val, y_test = parts
        x_ref, y_ref = np.vstack([x_val, x_test]), np.r_[y_val, y_test]
    arrays = (x_train, y_train, x_val, y_val, x_ref, y_ref)
    return [np.asarray(part, dtype="float32") for part in arrays]


def make_split(case):
    """Training rows, the validation rows ``diagnose`` sees, and the reference rows.

    The reference rows are ``REFERENCE_ROWS`` held-out rows (a shuffled split, stratified by
    class); the validation set is the first ``case.n_val`` of them. Features (and the
    diabetes target) are standardised on the training rows. The lessons' own splits come
    from ``lesson_split``.
    """
    if case.data in LESSON_DATA:
        return lesson_split(case)
    x, y = DATA[case.data](case.n_train + REFERENCE_ROWS, case.noise, case.seed)
    stratify = y if case.task == CLASSIFICATION else None
    x_train, x_ref, y_train, y_ref = train_test_split(
        x,
        y,
        train_size=case.n_train,
        test_size=REFERENCE_ROWS,
        random_state=case.seed,
        stratify=stratify,
    )
    scaler = StandardScaler().fit(x_train)
    x_train, x_ref = scaler.transform(x_train), scaler.transform(x_ref)
    if case.data == "diabetes":
        mean, std = y_train.mean(), y_train.std()
        y_train, y_ref = (y_train - mean) / std, (y_ref - mean) / std
    parts = [part.astype("float32") for part in (x_train, y_train, x_ref, y_ref)]
    x_train, y_train, x_ref, y_ref = parts
    return x_train, y_train, x_ref[: case.n_val], y_ref[: case.n_val], x_ref, y_ref


def build_model(case, n_features, hidden=None, learning_rate=None, regularise=True):
    """The network for ``case`` (or with other ``hidden`` units, learning rate, no L2 and
    no dropout): relu layers, one output unit, Adam; the plain loss as a metric."""
    loss = LOSSES[case.task]
    return build_network(
        n_features,
        case.hidden if hidden is None else hidden,
        learning_rate=learning_rate or case.learning_rate,
        l2=case.l2 if regularise else 0.0,
        dropout=case.dropout if regularise else 0.0,
        output_activation="sigmoid" if case.task == CLASSIFICATION else None,
        loss=loss,
        metrics=[loss],
    )


class ReferenceLoss(keras.callbacks.Callback):
    """After every epoch, the plain loss (no penalty, inference mode) on the reference rows."""

    def __init__(self, x, y, loss):
        super().__init__()
        self.x, self.y, self.loss, self.values = x, y[:, None], keras.losses.get(loss), []

    def on_train_begin(self, logs=None):
        self.measure = tf.function(
            lambda: keras.ops.mean(self.loss(self.y, self.model(self.x, training=False)))
        )

    def on_epoch_end(self, epoch, logs=None):
        self.values.append(float(self.measure()))


def fit(case, split, epochs, stop_early=False, **model_options):
    """Fit one model for ``case``; returns (history dict, reference curve)."""
    x_train, y_train, x_val, y_val, x_ref, y_ref = split
    seed_everything(case.seed)
    model = build_model(case, x_train.shape[1], **model_options)
    reference = ReferenceLoss(x_ref, y_ref, LOSSES[case.task])
    callbacks = [reference]
    if stop_early:
        callbacks.append(
            keras.callbacks.EarlyStopping(patience=case.patience, restore_best_weights=True)
        )
    if case.lesson:  # as the lesson fits it: plain arrays, the same batches in the same order
        history = model.fit(
            x_train,
            y_train[:, None],  # a column: Keras 3's binary_crossentropy metric rejects 1-D labels
            validation_data=(x_val, y_val[:, None]),
            epochs=epochs,
            batch_size=case.batch_size,
            callbacks=callbacks,
            verbose=0,
        ).history
    else:  # the grid: the same kind of training, faster
        history = fit_model(
            model,
            x_train,
            y_train,
            (x_val, y_val),
            epochs=epochs,
            batch_size=case.batch_size,
            seed=case.seed,
            callbacks=callbacks,
        )
    return history, reference.values


def fit_explorer(settings):
    """Notebook 06's run for ``settings``: (history dict, reference curve, baseline)."""
    run = run_experiment(settings)
    return run.history, run.history["val_binary_crossentropy"], run.baseline


def evidence(case):
    """Fit ``case`` and the fits that label it; returns what its JSON file holds."""
    metric = LOSSES[case.task]
    if case.explorer is not None:
        settings = case.explorer
        history, reference, baseline = fit_explorer(settings)
        epochs = LONGER * settings.epochs
        longer = fit_explorer(replace(settings, epochs=epochs))[1]
        better = [
            fit_explorer(
                replace(
                    settings, width=a, depth=2, l2=0.0, dropout=0.0, learning_rate=lr, epochs=epochs
                )
            )[1]
            for a, _, lr in BETTER_MODELS
        ]
        reference_baseline, reference_rows = baseline, len(explorer_data().y_val)
    else:
        split = make_split(case)
        history, reference = fit(case, split, case.epochs, stop_early=case.patience > 0)
        epochs = LONGER * len(reference)  # 3x the epochs the run really had
        longer = fit(case, split, epochs)[1]
        better = [
            fit(case, split, epochs, hidden=(a, b), learning_rate=lr, regularise=False)[1]
            for a, b, lr in BETTER_MODELS
        ]
        y_train, y_val, y_ref = split[1], split[3], split[5]
        baseline = baseline_loss(y_train, y_val, metric)
        reference_baseline, reference_rows = baseline_loss(y_train, y_ref, metric), len(y_ref)
    return {
        "history": history,
        "metric": metric,
        "baseline": baseline,
        "evidence": {
            "reference": reference,
            "reference_rows": reference_rows,
            "reference_baseline": reference_baseline,
            "longer_best": min(longer),
            "better_best": min(min(curve) for curve in better),
        },
    }


# ---- labels --------------------------------------------------------------------------


def label(history, metric, evidence):
    """What happened in a run, from the evidence; the rules, in this order:

    The reference and training curves are first smoothed (centred mean over 5 epochs); the
    reference curve's noise is the standard deviation of its distance from that mean.

    1. overfitting: the reference loss ends (mean of the last 5 epochs) above its smoothed
       minimum by more than 5 % and by more than twice its noise, while the training loss
       ends more than 5 % below where it was at that minimum; or the reference loss never
       gets clearly below the constant guess (90 % of it) while the training loss ends
       well below the reference loss (under 80 % of it): the model memorises its rows.
    2. still improving: the 3x longer run reaches a best reference loss more than 5 % lower.
    3. underfitting: a better model reaches a best reference loss more than 10 % lower than
       the longer run's, and this run's training loss ends no lower than that better loss.
    4. good fit: the best reference loss is clearly below the constant guess (under 90 %).
    5. otherwise "no signal": no model here learns anything the constant guess does not know.
    """
    reference = np.asarray(evidence["reference"])
    smooth_reference = moving_average(reference, SMOOTHING)
    smooth_train = moving_average(np.asarray(history[metric]), SMOOTHING)
    noise = np.std(reference - smooth_reference)
    guess = evidence["reference_baseline"]
    lowest = int(np.argmin(smooth_reference))
    rise = reference[-5:].mean() - smooth_reference[lowest]
    train_end = smooth_train[-1]
    rises = (
        rise > max(CLEARLY_ABOVE_MINIMUM * smooth_reference[lowest], 2 * noise)
        and train_end < (1 - CLEARLY_ABOVE_MINIMUM) * smooth_train[lowest]
    )
    memorises = (
        smooth_reference.min() >= CLEARLY_BELOW_GUESS * guess
        and train_end < WELL_BELOW * smooth_reference[-1]
    )
    if rises or memorises:
        return "overfitting"
    if evidence["longer_best"] < (1 - CLEARLY_LONGER) * reference.min():
        return "still improving"
    better = evidence["better_best"]
    if better < (1 - CLEARLY_BETTER) * evidence["longer_best"] and train_end >= better:
        return "underfitting"
    if smooth_reference.min() < CLEARLY_BELOW_GUESS * guess:
        return "good fit"
    return "no signal"


def record(case):
    recorded = evidence(case)
    return {
        "name": case.name,
        "label": label(recorded["history"], recorded["metric"], recorded["evidence"]),
        "task": case.task,
        "held_out": case.held_out,
        "lesson": case.lesson,
        "settings": {
            k: v
            for k, v in asdict(case).items()
            if k not in ("name", "task", "held_out", "lesson", "explorer")
        },
        "keras_version": keras.__version__,
        **recorded,
    }


def save_plot(recorded, directory):
    """Draw one case's curves, its reference curve and its baseline to DIRECTORY/<name>.png."""
    ax = Figure(figsize=(6, 4)).subplots()
    plot_history(
        recorded["history"],
        recorded["metric"],
        ax=ax,
        title=f"{recorded['name']}: {recorded['label']}",
    )
    ax.plot(
        range(1, len(recorded["evidence"]["reference"]) + 1),
        recorded["evidence"]["reference"],
        color="0.3",
        linestyle="-.",
        label="reference",
    )
    ax.axhline(recorded["baseline"], color="grey", linestyle=":", label="baseline")
    ax.legend()
    ax.figure.savefig(directory / f"{recorded['name']}.png", dpi=80)


CASES = _cases()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=Path, help="also save one PNG per case here")
    parser.add_argument("--only", nargs="+", help="record only these case names")
    parser.add_argument(
        "--relabel",
        action="store_true",
        help="fit nothing: apply the label rules again to the stored evidence",
    )
    args = parser.parse_args(argv)
    if args.relabel:
        for path in sorted(OUTPUT_DIR.glob("*.json")):
            recorded = json.loads(path.read_text())
            recorded["label"] = label(recorded["history"], recorded["metric"], recorded["evidence"])
            path.write_text(json.dumps(recorded, indent=1) + "\n")
            print(f"{recorded['name']:38} {recorded['label']}")
        return
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
        print(
            f"{case.name:38} {recorded['label']:16} {len(recorded['history']['loss']):4} "
            f"epochs{' (held out)' if case.held_out else ''}",
            flush=True,
        )


if __name__ == "__main__":
    main()
