"""Fast input pipelines for ``model.fit``: ``fit_data``.

Handing NumPy arrays to ``model.fit`` is the simplest way to train, but with the course's
tiny models Keras then spends most of every epoch building a new input pipeline, not doing
maths. ``fit_data`` builds the pipelines once and gives ``fit`` the keyword arguments that
let Keras keep a single iterator for the whole run. Given the model too, it also gets the
model ready for a quick first epoch. You still write the ``fit`` call:

    history = model.fit(
        **fit_data(x_train, y_train, validation_data=(x_val, y_val), model=model),
        epochs=100,
        verbose=0,
    )

Training is the same as with arrays: every epoch sees every training row exactly once, in a
fresh random order; the last, smaller batch is kept; the validation set is measured whole,
in inference mode, once per epoch; the history has the same keys and the same meaning.
"""

import math

import keras
import numpy as np
import tensorflow as tf

from course_utils._validation import check_seed, check_whole


def fit_data(x, y, *, validation_data=None, batch_size=32, seed=0, model=None):
    """Return the keyword arguments that feed ``(x, y)`` to ``model.fit`` fast.

    ``x`` and ``y`` are arrays with one row per sample (NumPy arrays, lists, DataFrames).
    ``validation_data`` is ``None`` or a pair ``(x_val, y_val)``. Rows are cut into batches
    of ``batch_size``; the training rows are reshuffled every epoch, in an order fixed by
    ``seed`` (and by the seed given to ``seed_everything``). Floats become Keras's float
    type (float32), exactly as ``fit`` does with arrays.

    The result holds ``x`` (an endless ``tf.data.Dataset``), ``steps_per_epoch`` (batches
    in one pass over the data), ``shuffle=False`` (the pipeline shuffles, so Keras must
    not) and, with validation data, ``validation_data`` and ``validation_steps``. Pass it
    to ``fit`` with ``**`` and add ``epochs``, ``callbacks`` and so on as usual.

    ``model`` (optional) is the compiled model you are about to fit. Given it, ``fit_data``
    also creates the optimiser's and the metrics' variables now, from one row of ``x``.
    Keras would create them inside the first training step, and a step that creates
    variables is traced by TensorFlow twice; this saves the second trace (about 0.2 s per
    fit here). The weights and the training do not change.

    >>> import keras, numpy as np
    >>> from course_utils.reproducibility import seed_everything
    >>> x = np.linspace(-1, 1, 10).reshape(-1, 1)
    >>> y = 2 * x + 1
    >>> data = fit_data(x[:8], y[:8], validation_data=(x[8:], y[8:]), batch_size=3, seed=0)
    >>> sorted(data)
    ['shuffle', 'steps_per_epoch', 'validation_data', 'validation_steps', 'x']
    >>> data["steps_per_epoch"], data["validation_steps"]  # 8 rows = 3 + 3 + 2; 2 rows
    (3, 1)
    >>> seed_everything(0)
    >>> model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> data = fit_data(x[:8], y[:8], validation_data=(x[8:], y[8:]), batch_size=3, model=model)
    >>> history = model.fit(**data, epochs=2, verbose=0)
    >>> sorted(history.history), len(history.history["loss"])
    (['loss', 'val_loss'], 2)
    """
    check_whole("batch_size", batch_size, minimum=1)
    check_seed(seed)
    batch_size = int(batch_size)
    x, y = _as_arrays(x, y, names=("x", "y"))
    arguments = {
        "x": _endless_batches(x, y, batch_size, shuffle_seed=seed),
        "steps_per_epoch": math.ceil(len(x) / batch_size),
        "shuffle": False,  # the pipeline reshuffles every epoch; Keras cannot shuffle a Dataset
    }
    if validation_data is not None:
        x_val, y_val = _as_validation_arrays(validation_data, like=(x, y))
        arguments["validation_data"] = _endless_batches(x_val, y_val, batch_size)
        arguments["validation_steps"] = math.ceil(len(x_val) / batch_size)
    if model is not None:
        _create_training_variables(model, x, y)
    return arguments


def _endless_batches(x, y, batch_size, shuffle_seed=None):
    """Batches of ``(x, y)``, one pass after another, reshuffled each pass if seeded.

    Repeating forever and telling ``fit`` the steps per pass lets Keras reuse one iterator
    for the whole run instead of building one per epoch. Batching before repeating keeps
    every pass aligned: each pass ends with its own last, smaller batch.
    """
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).repeat().with_options(_lean_options())


def _create_training_variables(model, x, y):
    """Create ``model``'s optimiser and metric variables now, before ``fit`` traces its step.

    Inside ``fit``, TensorFlow traces the training step into a graph. If that trace creates
    variables (Keras makes the optimiser's and the metrics' ones on first use), TensorFlow
    traces the step a second time. One eager prediction and metric update on one row creates
    the metrics' variables (their values are reset at once); ``optimizer.build`` creates the
    optimiser's. The model starts from the same weights and trains the same way.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be the Keras model you are about to fit, got {type(model).__name__}. "
            "Leave model out to get the data only."
        )
    if not model.compiled:
        raise ValueError(
            "model has not been compiled: call model.compile(optimizer=..., loss=...) "
            "before fit_data(..., model=model)."
        )
    if model.optimizer.built:  # fitted before: Keras reuses the traced step, nothing to save
        return
    try:
        predictions = model(x[:1])
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"model cannot take the rows of x, which have shape {x.shape[1:]} ({error}). "
            "Check the shape given to keras.Input, or pass the matching x."
        ) from None
    model.compute_metrics(x[:1], y[:1], predictions)
    model.reset_metrics()
    model.optimizer.build(model.trainable_variables)


def _lean_options():
    """tf.data options for tiny in-memory data: skip the tuning meant for big pipelines.

    Graph rewrites and autotuning cost milliseconds each time an iterator is made (Keras
    makes one for validation every epoch) and buy nothing for a few hundred rows.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    options.experimental_optimization.apply_default_optimizations = False
    options.threading.private_threadpool_size = 1  # one own thread: halves iterator start-up
    return options


def _as_arrays(x, y, names):
    """Check ``x`` and ``y`` and return them as arrays, floats cast as ``fit`` casts them."""
    x_name, y_name = names
    x, y = _as_array(x, x_name), _as_array(y, y_name)
    if len(x) != len(y):
        raise ValueError(
            f"{x_name} has {len(x)} rows but {y_name} has {len(y)}: they need one row per "
            f"sample, in the same order. Check that {x_name} and {y_name} come from the same split."
        )
    return x, y


def _as_array(value, name):
    if value is None:
        raise TypeError(f"{name} is None: pass an array with one row per sample.")
    if isinstance(value, tf.data.Dataset):
        raise TypeError(
            f"{name} is already a tf.data.Dataset: pass it to model.fit directly. "
            "fit_data builds the Dataset from arrays."
        )
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} cannot be read as an array of numbers ({error}).") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got an array of dtype {array.dtype}.")
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(f"{name} has no rows (shape {array.shape}): pass at least one sample.")
    if array.dtype.kind == "f":
        array = array.astype(keras.config.floatx(), copy=False)
    return array


def _as_validation_arrays(validation_data, like):
    if not isinstance(validation_data, (tuple, list)):
        raise TypeError(
            f"validation_data must be a pair (x_val, y_val), got {type(validation_data).__name__}."
        )
    if len(validation_data) != 2:
        raise ValueError(
            f"validation_data must be a pair (x_val, y_val), got {len(validation_data)} items. "
            "fit_data takes no sample weights: pass arrays to model.fit if you need them."
        )
    arrays = _as_arrays(*validation_data, names=("x_val", "y_val"))
    pairs = zip(("x_val", "y_val"), arrays, ("x", "y"), like, strict=True)
    for name, array, train_name, train_array in pairs:
        if array.shape[1:] != train_array.shape[1:]:
            raise ValueError(
                f"{name} rows have shape {array.shape[1:]} but {train_name} rows have shape "
                f"{train_array.shape[1:]}: validation rows must look like training rows."
            )
    return arrays
