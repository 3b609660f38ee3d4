"""Turn one lever, watch the curves change: ``CurveExplorer`` and ``run_experiment``.

A lever is one setting of a training run: the model's capacity (``width``: units per
hidden layer, ``depth``: hidden layers), the data (``train_size``: training rows,
``label_noise``: the fraction of training labels flipped), regularisation (``l2``,
``dropout``) and the optimisation (``learning_rate``, ``epochs``). ``Settings`` holds one
value for each. ``run_experiment(settings)`` trains a small binary classifier on the
course's ``classification_large`` data with them and returns a ``Run``: the history, the
baseline loss and ``diagnose``'s verdict. ``CurveExplorer`` puts one slider per lever
above the curves: every change retrains and redraws the curves with the verdict, the new
run in blue and the run before it in orange, so you see what that one lever did.

Why it is fast enough to feel live (about 0.8 to 0.9 s from a slider change to the new
plot on a 2-core machine, measured by ``benchmarks/explorer_speed.py``):

- every run builds a new model (a new model means a fresh start, exactly as re-running a
  notebook cell); a large part of a run, about 0.25 s, is Keras tracing the training and
  validation functions for that model in its first epoch (once each: ``fit_data`` is given
  the model). The other 29 epochs take 0.3 to 0.4 s because the model is small and
  ``fit_data`` feeds it without rebuilding the input pipeline;
- the default run is short (30 epochs, 200 training rows), and the sliders only report a
  value when you let go of them (``continuous_update=False``), so dragging a slider
  trains once, not once per position;
- the figure is one matplotlib ``Figure`` redrawn into a PNG ``Image`` widget (about
  50 ms, with the legend placed beside the curves: searching for the "best" place inside
  them costs as much again); no interactive backend is needed.

Measured and left out: ``compile(steps_per_execution=...)`` runs several batches per
graph call, but with Keras 3.15 it changed the logged ``val_loss`` in our runs whenever
the validation batches were not a multiple of it, so the curves would no longer be those
of a plain ``fit``.

Heavier settings (more than ``LIVE_BATCHES`` batches, training and validation together,
such as 60 epochs or 800 training rows with the other levers at their defaults) do not
train when a slider moves: the message
under the sliders says so, and the **Train** button runs them (it runs any setting).

Without a live front end (nbval, a script) nothing needs a browser: ``explorer.run``
holds the last run, ``print(explorer.run.diagnosis)`` gives the verdict and
``explorer.plot(ax=ax)`` draws the curves on any Axes.
"""

import html
import io
import math
import numbers
from dataclasses import dataclass, fields
from functools import cache

import ipywidgets as widgets
import keras
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_utils.baselines import baseline_loss
from course_utils.datasets import load_dataset
from course_utils.diagnosis import MIN_EPOCHS, Diagnosis, diagnose
from course_utils.feeding import fit_data
from course_utils.plots import plot_history
from course_utils.reproducibility import seed_everything
from course_utils.splits import Split, split_data

BATCH_SIZE = 32
LIVE_BATCHES = 1000  # batches per run (training + validation) that still retrain at once

# The values each slider offers, for every field of Settings.
LEVER_OPTIONS = {
    "width": (1, 2, 4, 8, 16, 32, 64, 128),
    "depth": (0, 1, 2, 3),
    "train_size": (50, 100, 200, 400, 800, 1600),
    "label_noise": (0.0, 0.1, 0.2, 0.3, 0.4),
    "l2": (0.0, 0.0001, 0.001, 0.01, 0.1),
    "dropout": (0.0, 0.1, 0.2, 0.3, 0.5),
    "learning_rate": (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1),
    "epochs": (10, 20, 30, 60, 100, 200),
}
LEVER_LABELS = {  # the slider descriptions (stable: browser tests look for them)
    "width": "units per layer",
    "depth": "hidden layers",
    "train_size": "training rows",
    "label_noise": "label noise",
    "l2": "L2",
    "dropout": "dropout",
    "learning_rate": "learning rate",
    "epochs": "epochs",
}


@dataclass(frozen=True)
class Settings:
    """One value per lever; the defaults train in under a second (a good fit with seed 0).

    width: units in each hidden layer. depth: hidden layers (0: a logistic regression).
    train_size: training rows used (the validation rows never change).
    label_noise: fraction of those training labels flipped (0 to 0.5).
    l2: L2 penalty on the hidden layers' weights (it is part of both losses).
    dropout: fraction of hidden units dropped in training (0 to under 1).
    learning_rate: Adam's step size. epochs: passes over the training rows.

    >>> Settings(width=64).width, Settings().epochs
    (64, 30)
    >>> Settings(dropout=1.0)
    Traceback (most recent call last):
    ...
    ValueError: dropout must be at least 0 and below 1 (such as 0.2), got 1.0.
    """

    width: int = 16
    depth: int = 1
    train_size: int = 200
    label_noise: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    learning_rate: float = 0.01
    epochs: int = 30

    def __post_init__(self):
        _check_whole("width", self.width, minimum=1)
        _check_whole("depth", self.depth, minimum=0)
        _check_whole("train_size", self.train_size, minimum=2)
        _check_whole("epochs", self.epochs, minimum=MIN_EPOCHS)
        _check_fraction("label_noise", self.label_noise, top=0.5, example=0.1, top_allowed=True)
        _check_fraction("dropout", self.dropout, top=1, example=0.2, top_allowed=False)
        _check_real("l2", self.l2, example=0.001)
        _check_real("learning_rate", self.learning_rate, example=0.01)
        if self.learning_rate == 0:
            raise ValueError("learning_rate must be above 0 (such as 0.01): 0 never learns.")

    def batches(self, val_size):
        """Batches one run goes through: training and validation, over all epochs.

        >>> Settings().batches(val_size=400)  # 30 epochs x (7 training + 13 validation)
        600
        """
        _check_whole("val_size", val_size, minimum=1)
        per_epoch = math.ceil(self.train_size / BATCH_SIZE) + math.ceil(val_size / BATCH_SIZE)
        return self.epochs * per_epoch

    def changes_from(self, other):
        """The levers that differ from ``other``, as text such as ``"width 16 → 64"``.

        >>> Settings(width=64, l2=0.01).changes_from(Settings())
        'width 16 → 64, l2 0.0 → 0.01'
        """
        if not isinstance(other, Settings):
            raise TypeError(f"other must be Settings, got {type(other).__name__}.")
        return ", ".join(
            f"{lever.name} {getattr(other, lever.name)} → {getattr(self, lever.name)}"
            for lever in fields(self)
            if getattr(other, lever.name) != getattr(self, lever.name)
        )


@dataclass(frozen=True)
class Run:
    """What ``run_experiment`` returns: the settings, the fit's ``history`` dict (``loss``,
    ``val_loss``, ``accuracy``, ``val_accuracy``), the ``baseline`` loss of the best
    constant guess, ``diagnose``'s ``diagnosis`` and the trained ``model``."""

    settings: Settings
    history: dict
    baseline: float
    diagnosis: Diagnosis
    model: keras.Model


@cache
def explorer_data(seed=0):
    """The course's ``classification_large`` data, split 80 / 20 and scaled on training.

    1,600 training and 400 validation rows, 10 features, labels 0 and 1. Cached: every
    call with the same seed returns the same ``Split`` (do not change its arrays).

    >>> data = explorer_data()
    >>> data.x_train.shape, data.x_val.shape
    ((1600, 10), (400, 10))
    """
    _check_whole("seed", seed, minimum=0)
    X, y = load_dataset("classification_large")
    return split_data(X, y, val_size=0.2, seed=seed)


def flip_labels(y, fraction, seed=0):
    """A copy of the 0/1 labels ``y`` with ``round(fraction * len(y))`` of them flipped.

    Which labels flip is chosen at random, fixed by ``seed``. Only training labels should
    be flipped: the validation labels stay true, so the validation loss still measures
    how well the model predicts the truth.

    >>> flip_labels([0, 0, 0, 0, 1, 1, 1, 1], 0.25, seed=0).tolist()
    [0, 0, 0, 0, 1, 0, 1, 0]
    """
    _check_fraction("fraction", fraction, top=1, example=0.1, top_allowed=True)
    _check_whole("seed", seed, minimum=0)
    labels = np.array(y)
    if labels.ndim != 1 or not np.isin(labels, (0, 1)).all():
        raise ValueError("y must be a 1-D list of labels 0 and 1, one per training row.")
    flipped = np.random.default_rng(seed).choice(
        len(labels), round(fraction * len(labels)), replace=False
    )
    labels[flipped] = 1 - labels[flipped]
    return labels


def build_model(settings, n_features):
    """A compiled binary classifier for ``settings``: ``depth`` hidden ReLU layers of
    ``width`` units (L2 on their weights, dropout after each), one sigmoid output, Adam.

    >>> model = build_model(Settings(width=8, depth=2), n_features=10)
    >>> [layer.__class__.__name__ for layer in model.layers]
    ['Dense', 'Dense', 'Dense']
    """
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be Settings, got {type(settings).__name__}.")
    _check_whole("n_features", n_features, minimum=1)
    layers = [keras.Input(shape=(n_features,))]
    for _ in range(settings.depth):
        penalty = keras.regularizers.L2(settings.l2) if settings.l2 else None
        layers.append(
            keras.layers.Dense(settings.width, activation="relu", kernel_regularizer=penalty)
        )
        if settings.dropout:
            layers.append(keras.layers.Dropout(settings.dropout))
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy", "binary_crossentropy"],
    )
    return model


def run_experiment(settings=None, *, data=None, seed=0):
    """Train once with ``settings`` (default ``Settings()``) and diagnose the curves.

    ``data``: a ``Split`` from ``split_data`` with 0/1 labels; by default
    ``explorer_data()``. The first ``settings.train_size`` training rows are used, with
    ``settings.label_noise`` of their labels flipped; the validation rows are all used,
    unchanged. ``seed`` fixes the weights, the batch order and the flipped labels: the
    same settings and seed give the same curves. Returns a ``Run``.

    >>> run = run_experiment(Settings(epochs=5))
    >>> len(run.history["val_loss"]), run.diagnosis.verdict
    (5, 'still improving')
    """
    settings = Settings() if settings is None else settings
    if not isinstance(settings, Settings):
        raise TypeError(
            f"settings must be Settings, such as Settings(width=64), got {type(settings).__name__}."
        )
    _check_whole("seed", seed, minimum=0)
    data = explorer_data() if data is None else data
    if not isinstance(data, Split):
        raise TypeError(f"data must be a Split from split_data(X, y), got {type(data).__name__}.")
    available = len(data.y_train)
    if settings.train_size > available:
        raise ValueError(
            f"settings.train_size is {settings.train_size} but data has only "
            f"{available} training rows: use train_size={available} or less."
        )
    x_train = data.x_train[: settings.train_size]
    y_train = flip_labels(data.y_train[: settings.train_size], settings.label_noise, seed)
    seed_everything(seed)
    model = build_model(settings, n_features=x_train.shape[1])
    # labels as one column, the shape of the model's output, as the cross-entropy metric needs
    fitted = model.fit(
        **fit_data(
            x_train,
            y_train[:, None],
            validation_data=(data.x_val, data.y_val[:, None]),
            batch_size=BATCH_SIZE,
            seed=seed,
            model=model,
        ),
        epochs=settings.epochs,
        verbose=0,
    )
    baseline = baseline_loss(y_train, data.y_val, "binary_crossentropy")
    # judged on the penalty-free cross-entropy: "loss" includes L2, the baseline does not
    diagnosis = diagnose(fitted.history, baseline, metric="binary_crossentropy")
    return Run(settings, fitted.history, baseline, diagnosis, model)


class CurveExplorer:
    """Sliders for the levers above the training (solid) and validation (dashed) curves.

    Show it by ending a cell with it. Each slider change retrains with the new settings
    (``run_experiment``) and redraws: the new run in blue, the run before in orange, and
    the verdict below the sliders. Settings heavier than ``live_batches`` batches wait for
    the **Train** button. ``settings`` must use values the sliders offer
    (``LEVER_OPTIONS``). The first run trains when the explorer is made.

    ``.controls`` maps each lever to its slider, ``.train_button``, ``.message`` (the
    verdict, an HTML widget) and ``.image`` (the PNG) are the widgets; ``.runs`` lists
    every run so far and ``.run`` is the last one. ``plot(ax=...)`` draws the curves for
    a saved notebook or a script.

    >>> explorer = CurveExplorer(Settings(epochs=10))
    >>> explorer.controls["width"].value = 64  # what moving the slider does
    >>> [run.settings.width for run in explorer.runs]
    [16, 64]
    >>> explorer.controls["epochs"].value = 200  # heavier: waits for Train
    >>> len(explorer.runs), "press Train" in explorer.message.value
    (2, True)
    """

    def __init__(self, settings=None, *, data=None, seed=0, live_batches=LIVE_BATCHES):
        settings = Settings() if settings is None else settings
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be Settings or None, got {type(settings).__name__}.")
        for lever, options in LEVER_OPTIONS.items():
            if getattr(settings, lever) not in options:
                raise ValueError(
                    f"settings.{lever}={getattr(settings, lever)!r} is not on its "
                    f"slider: pick one of {options}."
                )
        _check_whole("live_batches", live_batches, minimum=1)
        self.data = explorer_data() if data is None else data
        self.seed = seed
        self.live_batches = live_batches
        self.runs = []
        self.controls = {
            lever: widgets.SelectionSlider(
                options=options,
                value=getattr(settings, lever),
                description=LEVER_LABELS[lever],
                continuous_update=False,
                style={"description_width": "110px"},
            )
            for lever, options in LEVER_OPTIONS.items()
        }
        self.train_button = widgets.Button(description="Train", tooltip="train these settings")
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.figure = Figure(figsize=(8, 3.6))
        FigureCanvasAgg(self.figure)  # render with Agg, whatever backend pyplot uses
        self.figure.subplots_adjust(left=0.08, right=0.7, bottom=0.14, top=0.9)  # legend right
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.train_button.on_click(lambda _button: self.train())
        sliders = list(self.controls.values())
        self.widget = widgets.VBox(
            [
                widgets.HBox([widgets.VBox(sliders[:4]), widgets.VBox(sliders[4:])]),
                widgets.HBox([self.train_button, self.message]),
                self.image,
            ]
        )
        self.train()

    @property
    def settings(self):
        """The settings the sliders show now."""
        return Settings(**{lever: control.value for lever, control in self.controls.items()})

    @property
    def run(self):
        """The last run."""
        return self.runs[-1]

    def train(self):
        """Train with the sliders' settings, record the run, redraw; returns the run."""
        self.message.value = "Training…"
        self.train_button.button_style = ""
        run = run_experiment(self.settings, data=self.data, seed=self.seed)
        self.runs.append(run)
        self.plot(ax=self.figure.axes[0] if self.figure.axes else self.figure.subplots())
        png = io.BytesIO()
        self.figure.savefig(png, format="png")
        self.image.value = png.getvalue()
        self.message.value = self._verdict_html()
        return run

    def plot(self, ax=None):
        """Draw the last run (and the one before it) on ``ax``; returns the Axes."""
        if ax is not None and not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
        if ax is not None:
            ax.clear()
        curves = {"now": self.run.history}
        if len(self.runs) > 1:
            curves["before"] = self.runs[-2].history
        ax = plot_history(curves, "binary_crossentropy", ax=ax, title=self.run.diagnosis.verdict)
        # beside the curves: never covers them, and much faster to draw than loc="best";
        # "best epoch N" without the metric's long name, so the legend fits beside the plot
        handles, labels = ax.get_legend_handles_labels()
        labels = [
            label.replace("best val_binary_crossentropy: epoch", "best epoch") for label in labels
        ]
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
        return ax

    def _on_change(self, change):
        batches = self.settings.batches(val_size=len(self.data.y_val))
        if batches <= self.live_batches:
            self.train()
        else:
            self.train_button.button_style = "warning"
            self.message.value = (
                f"<b>Heavier setting</b> ({batches} batches, over {self.live_batches}): "
                "press Train to run it."
            )

    def _verdict_html(self):
        diagnosis = self.run.diagnosis
        changed = ""
        if len(self.runs) > 1:
            difference = self.run.settings.changes_from(self.runs[-2].settings)
            changed = f"<br>changed: {html.escape(difference or 'nothing (same run again)')}"
        return (
            f"<b>{html.escape(diagnosis.verdict)}</b>: "
            f"{html.escape(diagnosis.explanation)}{changed}"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{self!r}: the sliders show in a live Jupyter kernel."
        return bundle

    def __repr__(self):
        return f"CurveExplorer({self.settings!r}, runs: {len(self.runs)})"


def _check_whole(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, got {value}.")


def _check_real(name, value, example):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a number such as {example}, got {type(value).__name__} {value!r}."
        )
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"{name} must be a finite number, 0 or more (such as {example}), got {value}."
        )


def _check_fraction(name, value, top, example, top_allowed):
    _check_real(name, value, example)
    if value > top or (value == top and not top_allowed):
        limit = f"at most {top}" if top_allowed else f"below {top}"
        raise ValueError(f"{name} must be at least 0 and {limit} (such as {example}), got {value}.")
