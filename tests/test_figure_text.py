"""Tests for course_utils.figure_text: figures in words, worked out by hand from known curves,
and the words in a notebook's output (text/plain, and the image's alt) in a real kernel."""

import matplotlib

matplotlib.use("Agg")  # no display needed; must come before pyplot is imported

import keras
import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure
from nbclient import NotebookClient

from course_utils.figure_text import describe, learning_rate_note, number, set_description, trend
from course_utils.plots import legend_outside, plot_history

# lowest val_loss at epoch 3 (0.5), then up to 0.6
HISTORY = {"loss": [0.9, 0.5, 0.4, 0.35, 0.3], "val_loss": [1.0, 0.6, 0.5, 0.55, 0.6]}


def new_ax():
    return Figure().subplots()


def test_one_history_in_words():
    assert describe(HISTORY) == (
        "loss over 5 epochs: training falls from 0.9 to 0.3; validation falls from 1 to its "
        "lowest at epoch 3 (0.5), then rises to 0.6."
    )


def test_the_words_are_those_of_the_drawn_figure():
    ax = plot_history(HISTORY, ax=new_ax(), title="one run")
    assert describe(ax.figure) == describe(ax) == "one run: " + describe(HISTORY)


def test_a_learning_rate_with_a_legend_entry_is_told_once_with_its_curves():
    # plot_history labels the learning rate's line (a legend entry) on a second y axis; the
    # curves' text names it, so the figure is one plot in words, not two
    ax = plot_history(dict(HISTORY, learning_rate=[0.1, 0.1, 0.05, 0.05, 0.01]), ax=new_ax())
    words = describe(ax.figure)
    assert "Plot 2 of 2" not in words and words.count("learning rate") == 1
    assert words == describe(ax)


def test_an_exploding_loss_is_told_in_3_significant_digits():
    exploding = {"loss": [3.2, 1.2e3, 2.0434e20], "val_loss": [15.1, 7e3, 1.6104e21]}
    words = describe(plot_history(exploding, ax=new_ax(), log_scale=True))
    assert "2.04e+20" in words and "1.61e+21" in words and ",000,000" not in words


def keras_history(logged):
    history = keras.callbacks.History()
    history.history = logged
    return history


@pytest.mark.parametrize(
    ("history", "metric"),
    [
        (keras_history(HISTORY), "loss"),
        ({"accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.5, 0.7, 0.68]}, "accuracy"),
        (dict(HISTORY, lr=[0.1, 0.1, 0.05, 0.05, 0.01]), "loss"),
        (
            {"fast": dict(HISTORY, learning_rate=[0.1, 0.05, 0.05, 0.05, 0.05]), "slow": HISTORY},
            "loss",
        ),
    ],
    ids=["History", "accuracy", "learning rate", "two runs"],
)
def test_a_history_says_what_its_plot_says_without_drawing_a_figure(history, metric, monkeypatch):
    drawn = describe(plot_history(history, metric, ax=new_ax()))

    def no_figure(*args, **kwargs):
        raise AssertionError("describe(history) drew a figure")

    monkeypatch.setattr(Figure, "__init__", no_figure)
    assert describe(history, metric) == drawn


def test_a_higher_is_better_metric_names_its_highest_epoch():
    history = {"accuracy": [0.5, 0.7, 0.9, 0.95], "val_accuracy": [0.55, 0.8, 0.75, 0.7]}
    assert describe(history, "accuracy") == (
        "accuracy (higher is better) over 4 epochs: training rises from 0.5 to 0.95; "
        "validation rises from 0.55 to its highest at epoch 2 (0.8), then falls to 0.7."
    )


def test_several_runs_are_named_in_order():
    small = {"loss": [0.7, 0.6], "val_loss": [0.8, 0.7]}
    large = {"loss": [0.7, 0.2, 0.1], "val_loss": [0.6, 0.65, 0.9]}
    assert describe({"small": small, "large": large}) == (
        "loss, 2 runs. small (2 epochs): training falls from 0.7 to 0.6; validation falls from "
        "0.8 to 0.7. large (3 epochs): training falls from 0.7 to 0.1; validation is lowest at "
        "epoch 1 (0.6), then rises to 0.9."
    )


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ([0.3], "validation is 0.3 (one epoch)"),
        ([0.4, 0.4], "validation stays at 0.4"),
        (
            [1.0, 0.5, 0.5004],
            "validation falls from 1 to its lowest at epoch 2 (0.5), and ends at 0.5",
        ),
        ([0.2, 0.3, 0.25], "validation is lowest at epoch 1 (0.2), then rises to 0.25"),
    ],
)
def test_trend_cases(values, words):
    assert trend("validation", values) == words


def test_a_metric_of_unknown_direction_names_both_extremes():
    assert trend("training", [3, 1, 4, 2], lower_is_better=None, epochs=[2, 4, 6, 8]) == (
        "training goes from 3 to 2, lowest at epoch 4 (1), highest at epoch 6 (4)"
    )


def test_early_stopping_shift_and_log_scale_are_said_after_the_curves():
    callback = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    callback.on_train_begin()
    callback.stopped_epoch, callback.best_epoch, callback.best_weights = 4, 2, []
    ax = plot_history(
        HISTORY, ax=new_ax(), early_stopping=callback, shift_training=True, log_scale=True
    )
    assert describe(ax).endswith(
        "then rises to 0.6. early stop: epoch 5. weights restored: epoch 3. the training curve "
        "is drawn half an epoch earlier. log scale."
    )


def test_a_changing_learning_rate_is_said_too():
    history = dict(HISTORY, learning_rate=[0.1, 0.1, 0.05, 0.05, 0.025])
    assert describe(history).endswith(
        "learning rate (right axis) from 0.1 to 0.025, lowered after epochs 2 and 4."
    )
    assert learning_rate_note(np.geomspace(1, 0.01, 7)) == (
        "learning rate (right axis) from 1 to 0.01, lowered after 6 of the 7 epochs"
    )


def test_lines_added_by_hand_are_described_from_their_data():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    plot_history(HISTORY, ax=left, title="loss")
    left.axhline(0.69, label="baseline")
    left.plot(0, 2.3, "o", label="untrained network")
    legend_outside(left)
    right.plot([1, 2, 3], [0.2, 0.1, 0.3], label="digit 8")
    right.plot([1, 2, 3], [0.5, 0.5, 0.5])  # no label: not described
    right.set(xlabel="epoch (from 1)", ylabel="loss")  # the note in brackets is left out
    assert describe(fig) == (
        "loss: " + describe(HISTORY) + " baseline: loss 0.69; untrained network: loss 2.3 at "
        "epoch 0. Plot 2 of 2: digit 8: loss from 0.2 at epoch 1 to 0.3 at epoch 3; lowest "
        "0.1 at epoch 2, highest 0.3 at epoch 3."
    )


def test_a_description_set_by_hand_wins_and_a_cleared_axes_has_none():
    ax = plot_history(HISTORY, ax=new_ax())
    ax.clear()
    assert describe(ax.figure) == ""
    set_description(ax.figure, "ten digits, 8 by 8 pixels")
    assert describe(ax.figure) == "ten digits, 8 by 8 pixels"
    with pytest.raises(TypeError, match="non-empty string"):
        set_description(ax, " ")


def test_numbers_keep_three_significant_digits():
    values = (0.69314, 0.0500, 2.0, 12.345, 999.6, 1234.5, 0.00012, -0.5, 3e-6)
    assert [number(value) for value in values] == [
        "0.693", "0.05", "2", "12.3", "1,000", "1,234", "0.00012", "-0.5", "3.00e-06"
    ]  # fmt: skip


@pytest.mark.slow  # starts a kernel or a subprocess
def test_in_a_kernel_the_output_carries_the_words_as_text_and_alt(tmp_path):
    """What the inline backend stores for plt.show(): the description as text/plain and as
    the image's alt; a figure the course never described keeps matplotlib's text."""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import matplotlib.pyplot as plt\n"
                "from course_utils import plot_history\n"
                f"plot_history({HISTORY!r}, title='one run')\nplt.show()"
            ),
            nbformat.v4.new_code_cell("plt.plot([1, 2], [3, 4])\nplt.show()"),
            nbformat.v4.new_code_cell(f"%matplotlib inline\nplot_history({HISTORY!r})\nplt.show()"),
        ]
    )
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(notebook, kernel_name="python3", timeout=120, resources=resources).execute()
    described, plain, again = (cell.outputs for cell in notebook.cells)
    words = "one run: " + describe(HISTORY)
    assert [output.output_type for output in described] == ["display_data"]
    assert described[0].data["text/plain"] == words
    assert described[0].metadata["image/png"]["alt"] == words
    assert described[0].data["image/png"]  # the figure is still there
    assert plain[0].data["text/plain"].startswith("<Figure size")
    assert "alt" not in plain[0].metadata.get("image/png", {})
    # the inline backend set up again: the next plot wraps its formatter again
    assert again[-1].metadata["image/png"]["alt"] == describe(HISTORY)
