"""Tests for course_utils.plots.plot_history."""

import matplotlib

matplotlib.use("Agg")  # no display needed; must come before pyplot is imported

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from course_utils.plots import (
    LEARNING_RATE_COLOUR,
    MARKERS,
    OKABE_ITO,
    legend_outside,
    plot_history,
)
from course_utils.reproducibility import seed_everything

HISTORY = {"loss": [0.9, 0.5, 0.4, 0.35, 0.3], "val_loss": [1.0, 0.6, 0.5, 0.55, 0.6]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def new_ax():
    return Figure().subplots()


def keras_history(history_dict):
    """A real keras.callbacks.History holding ``history_dict``, as model.fit returns it."""
    history = keras.callbacks.History()
    history.history = history_dict
    return history


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.lines}


def fitted_early_stopping(
    *, stopped_epoch, best_epoch, restore_best_weights=True, saved_weights=True
):
    """An EarlyStopping in the state model.fit leaves it in (Keras's 0-based epochs)."""
    callback = keras.callbacks.EarlyStopping(restore_best_weights=restore_best_weights)
    callback.on_train_begin()
    callback.stopped_epoch, callback.best_epoch = stopped_epoch, best_epoch
    if saved_weights:
        callback.best_weights = []  # Keras restores saved weights only if restore_best_weights
    return callback


# ---- the history forms --------------------------------------------------------------


@st.composite
def history_dicts(draw):
    epochs = draw(st.integers(min_value=1, max_value=12))
    values = st.lists(st.floats(0.01, 10), min_size=epochs, max_size=epochs)
    return {"loss": draw(values), "val_loss": draw(values)}


@settings(max_examples=40, deadline=None)
@given(
    dicts=st.lists(history_dicts(), min_size=1, max_size=4),
    as_keras_objects=st.booleans(),
    as_named_mapping=st.booleans(),
)
def test_every_history_form_draws_each_model_train_solid_val_dashed(
    dicts, as_keras_objects, as_named_mapping
):
    histories = [keras_history(d) if as_keras_objects else d for d in dicts]
    if as_named_mapping or len(histories) > 1:
        names = [f"model {i}" for i in range(len(histories))]
        history = dict(zip(names, histories, strict=True))
    else:
        names, history = [""], histories[0]

    ax = new_ax()
    assert plot_history(history, ax=ax) is ax

    assert len(ax.lines) == 3 * len(dicts)
    for i, (name, values) in enumerate(zip(names, dicts, strict=True)):
        train, val, best = ax.lines[3 * i : 3 * i + 3]
        prefix = f"{name}: " if name else ""
        epochs = list(range(1, len(values["loss"]) + 1))
        assert (train.get_label(), val.get_label()) == (f"{prefix}training", f"{prefix}validation")
        assert (train.get_linestyle(), val.get_linestyle()) == ("-", "--")
        assert list(train.get_xdata()) == epochs and list(val.get_xdata()) == epochs
        assert list(train.get_ydata()) == values["loss"]
        assert list(val.get_ydata()) == values["val_loss"]
        colour = OKABE_ITO[i]
        assert {to_hex(line.get_color()) for line in (train, val, best)} == {colour.lower()}
        assert best.get_xdata()[0] == int(np.argmin(values["val_loss"])) + 1


def test_models_get_distinct_okabe_ito_colours_and_named_legend_entries():
    ax = plot_history({"small": HISTORY, "large": keras_history(HISTORY)}, ax=new_ax())
    lines = lines_by_label(ax)
    assert to_hex(lines["small: training"].get_color()) == OKABE_ITO[0].lower()
    assert to_hex(lines["large: validation"].get_color()) == OKABE_ITO[1].lower()
    legend = legend_as_read(ax)
    assert legend[:3] == ["small: training", "small: validation", "small: best val_loss: epoch 3"]


def legend_as_read(ax):
    """The legend's texts as a reader reads them: row by row, left to right."""
    FigureCanvasAgg(ax.get_figure(root=True)).draw()  # Figure() alone places no text
    texts = ax.get_legend().get_texts()
    place = {id(text): text.get_window_extent() for text in texts}
    return [
        text.get_text()
        for text in sorted(texts, key=lambda t: (-round(place[id(t)].y0), place[id(t)].x0))
    ]


def test_axes_are_labelled_with_integer_epoch_ticks():
    # Three epochs: matplotlib alone would put ticks at 1.5, 2.5...
    ax = plot_history({"loss": [1.0] * 3, "val_loss": [1.0] * 3}, ax=new_ax(), title="Run 1")
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("epoch", "loss", "Run 1")
    ticks = ax.get_xticks()
    assert len(ticks) > 1 and all(tick == round(tick) for tick in ticks)


# ---- the best epoch -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "values", "best_epoch"),
    [
        ("loss", [0.5, 0.3, 0.4, 0.3], 2),  # lowest; the first of a tie, as EarlyStopping
        ("mae", [0.5, 0.6, 0.2, 0.3], 3),  # an error metric: lowest
        ("accuracy", [0.5, 0.9, 0.8, 0.9], 2),  # accuracy: highest
        ("auc", [0.5, 0.6, 0.7, 0.65], 3),
        ("output_loss", [0.5, 0.6, 0.2, 0.3], 3),  # a multi-output model's loss
    ],
)
def test_best_epoch_marker_is_at_the_1_based_best_validation_value(metric, values, best_epoch):
    history = {metric: [1.0] * 4, f"val_{metric}": values}
    ax = plot_history(history, metric, ax=new_ax())
    best = lines_by_label(ax)[f"best val_{metric}: epoch {best_epoch}"]
    assert (best.get_xdata()[0], best.get_ydata()[0]) == (best_epoch, values[best_epoch - 1])
    higher = metric in ("accuracy", "auc")
    assert ax.get_ylabel() == (f"{metric} (higher is better)" if higher else metric)


def test_a_higher_is_better_metric_on_a_log_scale_says_both():
    history = {"auc": [0.6, 0.9], "val_auc": [0.5, 0.7]}
    ax = plot_history(history, "auc", ax=new_ax(), log_scale=True)
    assert ax.get_ylabel() == "auc (higher is better, log scale)"


def test_a_real_multi_class_fit_plots_its_accuracy_and_marks_the_highest():
    # Four classes, integer labels: Keras logs sparse_categorical_accuracy under its own name.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 4))
    y = np.argmax(x + rng.normal(scale=1.0, size=x.shape), axis=1)  # noisy: a real curve
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(4, "softmax")])
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    history = model.fit(x[:80], y[:80], validation_data=(x[80:], y[80:]), epochs=8, verbose=0)
    val = history.history["val_sparse_categorical_accuracy"]
    assert int(np.argmax(val)) != int(np.argmin(val))  # the two readings differ

    ax = plot_history(history, "sparse_categorical_accuracy", ax=new_ax())
    best = int(np.argmax(val)) + 1
    marker = lines_by_label(ax)[f"best val_sparse_categorical_accuracy: epoch {best}"]
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (best, val[best - 1])
    assert ax.get_ylabel() == "sparse_categorical_accuracy (higher is better)"
    loss_ax = plot_history(history, ax=new_ax())
    assert loss_ax.get_ylabel() == "loss" and len(loss_ax.lines) == 3


# ---- EarlyStopping ------------------------------------------------------------------


def test_stop_and_restore_markers_come_from_a_real_fit_1_based():
    # With a learning rate of 0 the loss never improves: epoch 0 is the best (0-based),
    # the wait reaches patience=2 at epoch 2, so Keras stops there and restores epoch 0.
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    x, y = np.ones((8, 2)), np.zeros(8)
    callback = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(x, y, validation_data=(x, y), epochs=20, callbacks=[callback], verbose=0)
    assert (len(history.history["loss"]), callback.stopped_epoch, callback.best_epoch) == (3, 2, 0)

    lines = lines_by_label(plot_history(history, ax=new_ax(), early_stopping=callback))
    assert lines["early stop: epoch 3"].get_xdata()[0] == 3
    assert lines["early stop: epoch 3"].get_linestyle() == ":"
    assert lines["weights restored: epoch 1"].get_xdata()[0] == 1
    assert lines["weights restored: epoch 1"].get_linestyle() == "-."


def test_restore_is_marked_even_when_no_early_stop_fired():
    # Keras 3 restores the best weights at the end of training even without a stop.
    callback = fitted_early_stopping(stopped_epoch=0, best_epoch=3)
    lines = lines_by_label(plot_history(HISTORY, ax=new_ax(), early_stopping=callback))
    assert lines["weights restored: epoch 4"].get_xdata()[0] == 4
    assert "no early stop: all 5 epochs ran" in lines
    assert not any(label.startswith("early stop") for label in lines)


@pytest.mark.parametrize(
    ("restore_best_weights", "saved_weights"),
    [(False, True), (True, False)],  # no restoring asked; nothing saved (monitor never seen)
)
def test_without_a_restore_only_the_stop_is_marked(restore_best_weights, saved_weights):
    callback = fitted_early_stopping(
        stopped_epoch=4,
        best_epoch=1,
        restore_best_weights=restore_best_weights,
        saved_weights=saved_weights,
    )
    lines = lines_by_label(plot_history(HISTORY, ax=new_ax(), early_stopping=callback))
    assert lines["early stop: epoch 5"].get_xdata()[0] == 5
    assert not any(label.startswith("weights restored") for label in lines)


@pytest.mark.parametrize(
    ("callback", "error", "words"),
    [
        ("patience=3", TypeError, "EarlyStopping"),
        (keras.callbacks.EarlyStopping(), ValueError, "callbacks=[early_stopping]"),
        (fitted_early_stopping(stopped_epoch=8, best_epoch=2), ValueError, "same fit"),
        (fitted_early_stopping(stopped_epoch=0, best_epoch=7), ValueError, "same fit"),
    ],
)
def test_wrong_early_stopping_is_refused(callback, error, words):
    with pytest.raises(error, match="early_stopping") as raised:
        plot_history(HISTORY, ax=new_ax(), early_stopping=callback)
    assert words in str(raised.value)


def test_early_stopping_with_several_models_is_refused():
    callback = fitted_early_stopping(stopped_epoch=4, best_epoch=2)
    with pytest.raises(ValueError, match="one fit"):
        plot_history({"a": HISTORY, "b": HISTORY}, ax=new_ax(), early_stopping=callback)


# ---- shift, log scale, ax -----------------------------------------------------------


def test_shift_training_moves_only_the_training_curve_half_an_epoch_earlier():
    ax = plot_history(HISTORY, ax=new_ax(), shift_training=True)
    train, val, _ = ax.lines
    assert list(train.get_xdata()) == [0.5, 1.5, 2.5, 3.5, 4.5]
    assert list(val.get_xdata()) == [1, 2, 3, 4, 5]
    assert "½ epoch earlier" in train.get_label()


def test_log_scale():
    ax = plot_history(HISTORY, ax=new_ax(), log_scale=True)
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "loss (log scale)"
    with pytest.raises(ValueError, match="log_scale"):
        plot_history({"loss": [1.0, 0.0], "val_loss": [1.0, 0.5]}, ax=new_ax(), log_scale=True)


def test_draws_into_the_given_axes_and_keeps_what_is_there():
    figure = Figure()
    ax = figure.subplots()
    ax.axhline(0.2, label="baseline")
    assert plot_history(HISTORY, ax=ax) is ax
    assert len(ax.lines) == 4 and figure.axes == [ax]


def test_without_ax_each_call_makes_a_new_figure():
    first, second = plot_history(HISTORY), plot_history(HISTORY)
    assert isinstance(first, Axes) and first.figure is not second.figure


# ---- the learning rate --------------------------------------------------------------


def fit_with_reduce_lr_on_plateau(**options):
    """A real fit logging learning_rate: a tiny regression with ReduceLROnPlateau(**options)."""
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    x, y = np.ones((8, 2)), np.zeros(8)
    callback = keras.callbacks.ReduceLROnPlateau(**options)
    return model.fit(x, y, validation_data=(x, y), epochs=5, callbacks=[callback], verbose=0)


def learning_rate_axes(ax):
    """The Axes plot_history added for the learning rate (a list: empty when none)."""
    return [other for other in ax.figure.axes if other is not ax]


def curves_and_legend(ax):
    """What a learner sees of the curves: each line's label, style, colour and data, and
    the legend's texts."""
    lines = [
        (line.get_label(), line.get_linestyle(), line.get_color(), *line.get_data())
        for line in ax.lines
    ]
    return lines, [text.get_text() for text in ax.get_legend().get_texts()]


def assert_same_curves(ax, other, rate_entries=0):
    """The curves of ``ax`` and ``other`` are the same; the legend of ``ax`` has
    ``rate_entries`` more entries at its end (its learning rates)."""
    (lines, legend), (other_lines, other_legend) = curves_and_legend(ax), curves_and_legend(other)
    assert legend[: len(legend) - rate_entries] == other_legend
    assert len(lines) == len(other_lines)
    for line, other_line in zip(lines, other_lines, strict=True):
        assert line[:3] == other_line[:3]
        assert np.array_equal(line[3], other_line[3]) and np.array_equal(line[4], other_line[4])


def test_a_changing_learning_rate_gets_a_log_step_line_on_a_right_hand_axis():
    # min_delta=1 makes every epoch after the first a non-improvement: with patience=1
    # the rate halves at the end of every epoch from the 2nd on (1-based)
    history = fit_with_reduce_lr_on_plateau(factor=0.5, patience=1, min_delta=1.0)
    rates = history.history["learning_rate"]
    assert rates == pytest.approx([0.01, 0.01, 0.005, 0.0025, 0.00125])

    ax = plot_history(history, ax=new_ax())
    [rate_ax] = learning_rate_axes(ax)
    assert rate_ax.get_ylabel() == "learning rate" and rate_ax.get_yscale() == "log"
    assert rate_ax.yaxis.get_label_position() == "right"
    assert rate_ax.get_shared_x_axes().joined(ax, rate_ax)
    [step] = rate_ax.lines
    assert step.get_drawstyle() == "steps-pre" and step.get_linestyle() == ":"
    assert list(step.get_xdata()) == [1, 2, 3, 4, 5] and list(step.get_ydata()) == rates
    assert ax.get_zorder() > rate_ax.get_zorder()  # the curves and legend stay in front

    without_rate = {key: values for key, values in history.history.items() if key in HISTORY}
    assert_same_curves(ax, plot_history(without_rate, ax=new_ax()), rate_entries=1)


def legend_entries(ax):
    """(text, handle) of each entry of the legend of ``ax``."""
    legend = ax.get_legend()
    texts = [text.get_text() for text in legend.get_texts()]
    return list(zip(texts, legend.legend_handles, strict=True))


@pytest.mark.parametrize("models", [1, 2, 6])
def test_the_learning_rate_has_a_colour_of_its_own_and_a_legend_entry(models):
    histories = {
        f"run {index}": dict(HISTORY, learning_rate=[0.1, 0.1, 0.05, 0.05, 0.025])
        for index in range(models)
    }
    ax = plot_history(histories if models > 1 else histories["run 0"], ax=new_ax())
    [rate_ax] = learning_rate_axes(ax)
    curve_colours = {to_hex(line.get_color()) for line in ax.lines}
    for step in rate_ax.lines:  # not the blue (or any colour) of a loss curve
        assert to_hex(step.get_color()) not in curve_colours
        assert to_hex(step.get_color()) == LEARNING_RATE_COLOUR.lower()
    entries = dict(legend_entries(ax))
    names = [f"run {index}: " for index in range(models)] if models > 1 else [""]
    for name, step in zip(names, rate_ax.lines, strict=True):
        handle = entries[f"{name}learning rate (right axis)"]
        assert to_hex(handle.get_color()) == to_hex(step.get_color())
        assert handle.get_linestyle() == ":"


def test_a_constant_learning_rate_adds_no_axis():
    history = fit_with_reduce_lr_on_plateau(patience=100)  # logs the rate, never lowers it
    assert history.history["learning_rate"] == pytest.approx([0.01] * 5)
    figure = Figure()
    ax = plot_history(history, ax=figure.subplots())
    assert figure.axes == [ax]
    without_rate = {key: values for key, values in history.history.items() if key in HISTORY}
    assert_same_curves(ax, plot_history(without_rate, ax=new_ax()))


def test_keras_2s_lr_key_is_read_too_and_a_rate_of_0_keeps_a_linear_axis():
    ax = plot_history(dict(HISTORY, lr=[0.1, 0.1, 0.01, 0.01, 0.001]), ax=new_ax())
    [rate_ax] = learning_rate_axes(ax)
    assert rate_ax.get_yscale() == "log"
    assert list(rate_ax.lines[0].get_ydata()) == [0.1, 0.1, 0.01, 0.01, 0.001]
    warm_up = dict(HISTORY, learning_rate=[0.0, 0.05, 0.1, 0.1, 0.1])
    [rate_ax] = learning_rate_axes(plot_history(warm_up, ax=new_ax()))
    assert rate_ax.get_yscale() == "linear"


def test_each_model_whose_rate_changes_gets_a_step_line_with_its_marker_shape():
    changing = dict(HISTORY, learning_rate=[0.1, 0.1, 0.05, 0.05, 0.025])
    constant = dict(HISTORY, learning_rate=[0.1] * 5)
    ax = plot_history({"plateau": changing, "fixed": constant, "again": changing}, ax=new_ax())
    [rate_ax] = learning_rate_axes(ax)
    assert [line.get_marker() for line in rate_ax.lines] == [MARKERS[0], MARKERS[2]]
    assert [line.get_label() for line in rate_ax.lines] == [
        "plateau: learning rate (right axis)",
        "again: learning rate (right axis)",
    ]
    assert len(ax.lines) == 9  # three models' curves and markers, as without the rates


@pytest.mark.parametrize("rates", [[0.1, 0.05], [0.1, 0.1, float("nan"), 0.1, 0.1], ["a"] * 5])
def test_a_learning_rate_that_does_not_fit_the_curves_is_explained(rates):
    with pytest.raises(ValueError, match=r"history\['learning_rate'\] must hold one learning"):
        plot_history(dict(HISTORY, learning_rate=rates), ax=new_ax())


# ---- errors -------------------------------------------------------------------------


@pytest.mark.parametrize("history", [None, 3, "loss", [0.5, 0.4], ({"loss": [1]},)])
def test_a_history_of_the_wrong_type_says_what_is_accepted(history):
    with pytest.raises(TypeError, match="keras.callbacks.History"):
        plot_history(history, ax=new_ax())


def test_a_dict_mixing_histories_and_values_is_refused():
    with pytest.raises(TypeError, match="mixes"):
        plot_history({"a": HISTORY, "loss": [0.5]}, ax=new_ax())


def test_a_missing_metric_lists_the_available_ones():
    history = dict(HISTORY, accuracy=[0.5] * 5, val_accuracy=[0.5] * 5)
    with pytest.raises(ValueError, match="has no 'mae'. It has: 'loss', 'accuracy'"):
        plot_history(history, "mae", ax=new_ax())


def test_missing_validation_says_fit_needs_validation_data():
    with pytest.raises(ValueError, match="validation_data=.*validation_split"):
        plot_history({"loss": [0.5, 0.4]}, ax=new_ax())


@pytest.mark.parametrize(
    ("history", "metric", "error", "words"),
    [
        (HISTORY, "val_loss", ValueError, "without 'val_'"),
        (HISTORY, 3, TypeError, "metric"),
        ({"loss": [1, 2], "val_loss": [1]}, "loss", ValueError, "one value per epoch"),
        ({"loss": [1, float("nan")], "val_loss": [1, 2]}, "loss", ValueError, "diverged"),
        ({"loss": ["a"], "val_loss": [1]}, "loss", TypeError, "numbers"),
        ({"loss": [], "val_loss": []}, "loss", ValueError, "non-empty"),
        ({"f1": [1.0], "val_f1": [1.0]}, "f1", ValueError, "higher or a lower"),
        ({f"m{i}": HISTORY for i in range(9)}, "loss", ValueError, "at most 8"),
        ({1: HISTORY}, "loss", TypeError, "name"),
    ],
)
def test_bad_histories_and_metrics_are_explained(history, metric, error, words):
    with pytest.raises(error) as raised:
        plot_history(history, metric, ax=new_ax())
    assert words in str(raised.value)


@pytest.mark.parametrize(
    ("option", "error"),
    [
        ({"ax": "left"}, TypeError),
        ({"shift_training": 1}, TypeError),
        ({"log_scale": "yes"}, TypeError),
        ({"title": 3}, TypeError),
    ],
)
def test_bad_options_are_named_in_the_error(option, error):
    (name,) = option
    with pytest.raises(error, match=name):
        plot_history(HISTORY, **option)


# ---- told apart without colour; legend beside the curves --------------------------


def test_several_models_get_one_marker_shape_each_and_one_model_none():
    small, large = HISTORY, {"loss": [0.8, 0.4, 0.3], "val_loss": [0.9, 0.7, 0.8]}
    ax = plot_history({"small": small, "large": large}, ax=new_ax())
    by_label = lines_by_label(ax)
    for name, marker in zip(("small", "large"), MARKERS, strict=False):
        drawn = [by_label[f"{name}: {curve}"] for curve in ("training", "validation")]
        assert [line.get_marker() for line in drawn] == [marker, marker]
        assert [line.get_linestyle() for line in drawn] == ["-", "--"]  # as before
    assert by_label["small: best val_loss: epoch 3"].get_marker() == "o"
    assert by_label["large: best val_loss: epoch 2"].get_marker() == "s"
    assert len(set(MARKERS)) == len(MARKERS) == len(OKABE_ITO)
    alone = plot_history(HISTORY, ax=new_ax())
    assert [line.get_marker() for line in alone.lines[:2]] == ["None", "None"]


def legend_and_axes_extents(ax):
    figure = ax.get_figure(root=True)
    figure.canvas.draw()
    return ax.get_legend().get_window_extent(), ax.get_tightbbox()


@pytest.mark.parametrize("learning_rate", [None, [0.1, 0.1, 0.05, 0.05, 0.01]])
def test_the_legend_sits_outside_the_curves_and_any_learning_rate_axis(learning_rate):
    history = dict(HISTORY) if learning_rate is None else dict(HISTORY, learning_rate=learning_rate)
    ax = plot_history(history, ax=new_ax())
    assert ax.get_figure(root=True).get_layout_engine() is not None  # room is made for it
    legend, _ = legend_and_axes_extents(ax)
    beside = [other.get_tightbbox().x1 for other in ax.figure.axes if other is not ax]
    assert len(beside) == (0 if learning_rate is None else 1)
    assert legend.x0 > max([ax.get_window_extent().x1, *beside])


def test_a_legend_of_more_than_five_entries_goes_below_the_curves_one_model_a_row():
    histories = {f"fold {index}": HISTORY for index in range(1, 6)}
    figure = plt.figure(figsize=(8, 4.5))
    ax = plot_history(histories, ax=figure.subplots())
    legend, _ = legend_and_axes_extents(ax)
    axes = ax.get_window_extent()
    assert legend.y1 < axes.y0  # below the Axes (and its x label), not beside it
    assert legend.x0 >= axes.x0 - axes.width and legend.x1 <= figure.bbox.width
    assert legend_as_read(ax)[:4] == [
        "fold 1: training",
        "fold 1: validation",
        "fold 1: best val_loss: epoch 3",
        "fold 2: training",
    ]  # one model a row
    few = plot_history({"a": HISTORY}, ax=new_ax())  # 3 entries: on the right, as before
    legend, _ = legend_and_axes_extents(few)
    assert legend.x0 > few.get_window_extent().x1


def test_a_narrow_panel_gets_fewer_entries_a_row():
    figure = plt.figure(figsize=(11, 4.5))
    left, right = figure.subplots(1, 2)
    plot_history({f"learning rate {index}": HISTORY for index in range(3)}, ax=left)
    legend, _ = legend_and_axes_extents(left)
    assert legend.y1 < left.get_window_extent().y0
    assert legend.width <= figure.bbox.width / 2
    assert legend.x1 < right.get_tightbbox().x0


def test_mark_best_false_leaves_the_best_epoch_unmarked():
    ax = plot_history(HISTORY, ax=new_ax(), mark_best=False)
    assert [line.get_label() for line in ax.lines] == ["training", "validation"]
    with pytest.raises(TypeError, match="mark_best"):
        plot_history(HISTORY, ax=new_ax(), mark_best="no")


def test_side_by_side_plots_keep_their_legends_off_each_other():
    fig = plt.figure(figsize=(11, 3.8))  # pyplot's figure, as the lessons make it
    left, right = fig.subplots(1, 2)
    plot_history(HISTORY, ax=left)
    left.axhline(0.7, label="baseline")
    legend_outside(left)
    plot_history(HISTORY, ax=right)
    legend, _ = legend_and_axes_extents(left)
    assert legend.x1 < right.get_tightbbox().x0
    assert "baseline" in [text.get_text() for text in left.get_legend().get_texts()]
