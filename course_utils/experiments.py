"""One training run of the course's small classifier: ``Settings`` in, a ``Run`` out.

A lever is one setting of a training run: the model's capacity (``width``: units per
hidden layer, ``depth``: hidden layers), the data (``train_size``: training rows,
``label_noise``: the fraction of training labels flipped), regularisation (``l2``,
``dropout``) and the optimisation (``learning_rate``, ``epochs``). ``Settings`` holds one
value for each. ``run_experiment(settings)`` trains a small binary classifier on the
course's ``classification_large`` data (``explorer_data``) with them and returns a
``Run``: the history, the baseline loss and ``diagnose``'s verdict.

The parts serve other fits too: ``build_network`` makes any of the course's small dense
networks (``build_model`` is the one for ``Settings``) and ``fit_model`` fits it through
``fit_data``; ``tools/record_histories.py`` records its corpus with them.
``CurveExplorer`` (in ``course_utils.explorer``) puts a slider on every lever; it keeps
its models in a ``ModelCache``, so a run need not wait for Keras to trace a new model.
"""

import math
import weakref
from collections import OrderedDict
from dataclasses import dataclass, fields
from functools import cache

import keras
import numpy as np

from course_utils._validation import check_fraction, check_non_negative, check_seed, check_whole
from course_utils.baselines import baseline_loss
from course_utils.datasets import load_dataset
from course_utils.diagnosis import MIN_EPOCHS, Diagnosis, diagnose
from course_utils.feeding import fit_data
from course_utils.reproducibility import seed_everything
from course_utils.splits import Split, split_data

BATCH_SIZE = 32


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
        check_whole("width", self.width, minimum=1)
        check_whole("depth", self.depth, minimum=0)
        check_whole("train_size", self.train_size, minimum=2)
        check_whole("epochs", self.epochs, minimum=MIN_EPOCHS)
        check_fraction("label_noise", self.label_noise, top=0.5, example=0.1, top_allowed=True)
        check_fraction("dropout", self.dropout, top=1, example=0.2, top_allowed=False)
        check_non_negative("l2", self.l2, example=0.001)
        check_non_negative("learning_rate", self.learning_rate, example=0.01)
        if self.learning_rate == 0:
            raise ValueError("learning_rate must be above 0 (such as 0.01): 0 never learns.")

    def batches(self, val_size):
        """Batches one run goes through: training and validation, over all epochs.

        >>> Settings().batches(val_size=400)  # 30 epochs x (7 training + 13 validation)
        600
        """
        check_whole("val_size", val_size, minimum=1)
        return self.epochs * (self.training_batches + math.ceil(val_size / BATCH_SIZE))

    @property
    def training_batches(self):
        """Batches in one epoch of training: ``train_size`` rows in batches of 32.

        >>> Settings(train_size=200).training_batches  # 6 batches of 32 and one of 8
        7
        """
        return math.ceil(self.train_size / BATCH_SIZE)

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
    check_seed(seed)
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
    check_fraction("fraction", fraction, top=1, example=0.1, top_allowed=True)
    check_seed(seed)
    labels = np.array(y)
    if labels.ndim != 1 or not np.isin(labels, (0, 1)).all():
        raise ValueError("y must be a 1-D list of labels 0 and 1, one per training row.")
    flipped = np.random.default_rng(seed).choice(
        len(labels), round(fraction * len(labels)), replace=False
    )
    labels[flipped] = 1 - labels[flipped]
    return labels


def build_network(
    n_features,
    hidden,
    *,
    learning_rate,
    l2=0.0,
    dropout=0.0,
    output_activation="sigmoid",
    loss="binary_crossentropy",
    metrics=("binary_crossentropy",),
    steps_per_execution=1,
):
    """A compiled dense network: one ReLU layer per entry of ``hidden`` (its units; L2 on
    its weights, dropout after it), one output unit, Adam at ``learning_rate``.

    ``output_activation``: ``"sigmoid"`` for 0/1 labels, ``None`` for a regression.
    ``steps_per_execution``: training batches per graph call (Keras's ``compile`` option);
    one call for all the batches of an epoch saves Keras's per-batch work, same training.
    Call ``seed_everything`` first: the starting weights come from the seed.

    >>> model = build_network(1, (8, 8), learning_rate=0.01, output_activation=None,
    ...                       loss="mse", metrics=["mse"])
    >>> [layer.units for layer in model.layers], model.loss
    ([8, 8, 1], 'mse')
    """
    check_whole("n_features", n_features, minimum=1)
    layers = [keras.Input(shape=(n_features,))]
    for units in hidden:
        penalty = keras.regularizers.L2(l2) if l2 else None
        layers.append(keras.layers.Dense(units, activation="relu", kernel_regularizer=penalty))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(1, activation=output_activation))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=loss,
        metrics=list(metrics),
        steps_per_execution=steps_per_execution,
    )
    return model


def build_model(settings, n_features):
    """A compiled binary classifier for ``settings``: ``depth`` hidden ReLU layers of
    ``width`` units (L2 on their weights, dropout after each), one sigmoid output, Adam;
    each epoch's ``settings.training_batches`` run in one graph call.

    >>> model = build_model(Settings(width=8, depth=2), n_features=10)
    >>> [layer.__class__.__name__ for layer in model.layers]
    ['Dense', 'Dense', 'Dense']
    """
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be Settings, got {type(settings).__name__}.")
    return build_network(
        n_features,
        (settings.width,) * settings.depth,
        learning_rate=settings.learning_rate,
        l2=settings.l2,
        dropout=settings.dropout,
        metrics=("accuracy", "binary_crossentropy"),
        steps_per_execution=settings.training_batches,
    )


def fit_model(model, x_train, y_train, validation_data, *, epochs, batch_size, seed, callbacks=()):
    """Fit ``model`` quietly through ``fit_data``, the labels given as one column (the
    shape of the model's output); returns the history dict.

    The validation set is measured as ``fit`` measures it, batch by batch in order, but in
    one graph call per epoch instead of one per batch (a twin of ``model``, the same
    layers compiled the same way, with ``steps_per_execution`` equal to the validation
    batches): the same numbers, in half the time for the explorer's runs. ``callbacks``
    see the ``val_`` logs at the end of each epoch as usual (not ``on_test_*`` calls).

    >>> import numpy as np
    >>> x = np.linspace(-1, 1, 20).reshape(-1, 1).astype("float32")
    >>> seed_everything(0)
    >>> model = build_network(1, (4,), learning_rate=0.01, output_activation=None,
    ...                       loss="mse", metrics=["mse"])
    >>> history = fit_model(model, x[:16], 2 * x[:16, 0], (x[16:], 2 * x[16:, 0]),
    ...                     epochs=3, batch_size=8, seed=0)
    >>> list(history), len(history["val_loss"])
    (['loss', 'mse', 'val_loss', 'val_mse'], 3)
    """
    x_val, y_val = validation_data
    feed = fit_data(
        x_train,
        y_train[:, None],
        validation_data=(x_val, y_val[:, None]),
        batch_size=batch_size,
        seed=seed,
        model=model,
    )
    validation = _Validation(model, feed.pop("validation_data"), feed.pop("validation_steps"))
    return model.fit(**feed, epochs=epochs, verbose=0, callbacks=[validation, *callbacks]).history


_TWINS = weakref.WeakKeyDictionary()  # model -> {validation batches: its twin}, while it lives


class _Validation(keras.callbacks.Callback):
    """Adds the ``val_`` logs at the end of each epoch, measured by ``model``'s twin."""

    def __init__(self, model, batches, steps):
        super().__init__()
        twins = _TWINS.setdefault(model, {})
        if steps not in twins:  # made and traced once per model
            twin = keras.Model(model.inputs, model.outputs)
            config = model.get_compile_config()
            twin.compile_from_config({**config, "steps_per_execution": steps})
            twins[steps] = twin
        self.twin, self.batches, self.steps = twins[steps], batches, steps

    def on_epoch_end(self, epoch, logs=None):
        measured = self.twin.evaluate(self.batches, steps=self.steps, verbose=0, return_dict=True)
        logs.update({f"val_{name}": value for name, value in measured.items()})


class ModelCache:
    """Compiled models kept for reuse, one per architecture and seed: faster runs, same curves.

    A new model costs its first epoch about 0.3 s of Keras tracing the training and
    validation steps. ``run_experiment(..., models=cache)`` takes its model from here: a
    kept model is put back exactly where ``seed_everything(seed)`` and ``build_model``
    would start a new one (the same starting weights and dropout seeds, a new optimiser at
    ``settings.learning_rate``) and is already traced, so the history is the same to the
    last digit, sooner. The architecture is what the graph depends on: ``width``,
    ``depth``, ``dropout``, ``l2``, the number of features and the training batches per
    epoch (one graph call runs them all). Runs that share a kept model
    share ``run.model``: each retrains it. At most ``size`` models are kept, the least
    recently used dropped first.

    >>> cache = ModelCache(size=2)
    >>> model = cache.model(Settings(), n_features=10, seed=0)
    >>> cache.model(Settings(learning_rate=0.1, epochs=10), n_features=10, seed=0) is model
    True
    >>> cache.model(Settings(width=8), n_features=10, seed=0) is model
    False
    """

    def __init__(self, size=16):
        check_whole("size", size, minimum=1)
        self.size = size
        self._kept = OrderedDict()  # architecture -> (model, its starting values)

    def __len__(self):
        return len(self._kept)

    def model(self, settings, n_features, seed):
        """A compiled model for ``settings``, as ``seed_everything(seed)`` and then
        ``build_model(settings, n_features)`` make it: seeds everything first, like them."""
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be Settings, got {type(settings).__name__}.")
        check_seed(seed)
        architecture = (
            n_features,
            seed,
            settings.width,
            settings.depth,
            settings.dropout,
            settings.l2,
            settings.training_batches,
        )
        seed_everything(seed)
        if architecture in self._kept:
            model, start = self._kept.pop(architecture)
            _restart(model, start, settings.learning_rate)
        else:
            model = build_model(settings, n_features)
            start = [variable.numpy() for variable in model.variables]
        self._kept[architecture] = model, start
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return model


def _restart(model, start, learning_rate):
    """Put ``model`` back to its ``start`` values with a new optimiser's state."""
    for variable, value in zip(model.variables, start, strict=True):
        variable.assign(value)  # weights and the dropout layers' seed states
    for variable in model.optimizer.variables:  # 0 steps taken, no moments yet
        variable.assign(keras.ops.zeros_like(variable))
    model.optimizer.learning_rate = learning_rate


def run_experiment(settings=None, *, data=None, seed=0, models=None):
    """Train once with ``settings`` (default ``Settings()``) and diagnose the curves.

    ``data``: a ``Split`` from ``split_data`` with 0/1 labels; by default
    ``explorer_data()``. The first ``settings.train_size`` training rows are used, with
    ``settings.label_noise`` of their labels flipped; the validation rows are all used,
    unchanged. ``seed`` fixes the weights, the batch order and the flipped labels: the
    same settings and seed give the same curves. ``models``: a ``ModelCache`` to take the
    model from (the same curves, faster when its architecture ran before). Returns a ``Run``.

    >>> run = run_experiment(Settings(epochs=5))
    >>> len(run.history["val_loss"]), run.diagnosis.verdict
    (5, 'still improving')
    """
    settings = Settings() if settings is None else settings
    if not isinstance(settings, Settings):
        raise TypeError(
            f"settings must be Settings, such as Settings(width=64), got {type(settings).__name__}."
        )
    check_seed(seed)
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
    if models is None:
        seed_everything(seed)
        model = build_model(settings, n_features=x_train.shape[1])
    elif isinstance(models, ModelCache):
        model = models.model(settings, n_features=x_train.shape[1], seed=seed)
    else:
        raise TypeError(f"models must be a ModelCache or None, got {type(models).__name__}.")
    history = fit_model(
        model,
        x_train,
        y_train,
        (data.x_val, data.y_val),
        epochs=settings.epochs,
        batch_size=BATCH_SIZE,
        seed=seed,
    )
    baseline = baseline_loss(y_train, data.y_val, "binary_crossentropy")
    # judged on the penalty-free cross-entropy: "loss" includes L2, the baseline does not
    diagnosis = diagnose(history, baseline, metric="binary_crossentropy")
    return Run(settings, history, baseline, diagnosis, model)
