"""LiveLossPlot records what History records, draws it in the course's style, and redraws
in place in Jupyter at most once per redraw_interval (or prints lines outside Jupyter)."""

import base64
import contextlib
import io

import IPython.display
import keras
import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from nbclient import NotebookClient

from course_utils import live as live_module
from course_utils.feeding import fit_data
from course_utils.figure_text import describe
from course_utils.live import FIGURE_TEXT, LiveLossPlot
from course_utils.plots import plot_history
from course_utils.reproducibility import seed_everything

X = np.linspace(-1, 1, 40).reshape(-1, 1)
Y = 2 * X + 1


def small_model():
    seed_everything(0)
    hidden = keras.layers.Dense(4, activation="relu")
    model = keras.Sequential([keras.Input(shape=(1,)), hidden, keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


class FakeClock:
    """A clock that only moves when the test says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def run_epochs(live, epoch_end_times, with_validation=True, clock=None):
    """Drive the callback as fit would, each epoch ending at the given clock time."""
    live.set_params({"epochs": len(epoch_end_times)})
    live.on_train_begin()
    for epoch, seconds in enumerate(epoch_end_times):
        if clock is not None:
            clock.now = seconds
        logs = {"loss": 1 / (epoch + 1)}
        if with_validation:
            logs["val_loss"] = 2 / (epoch + 1)
        live.on_epoch_end(epoch, logs)
    live.on_train_end()


def printed_epochs(text):
    """The epoch numbers of the lines printed outside Jupyter ('epoch 3/10: ...')."""
    return [int(line.split()[1].split("/")[0]) for line in text.splitlines()]


def test_records_the_numbers_history_records_with_epochs_counted_from_1(capsys):
    live = LiveLossPlot(redraw_interval=0)
    data = fit_data(X[:32], Y[:32], validation_data=(X[32:], Y[32:]), batch_size=8)
    history = small_model().fit(**data, epochs=3, verbose=0, callbacks=[live])
    assert live.epochs == [1, 2, 3]
    assert live.history == {key: history.history[key] for key in ("loss", "val_loss")}
    assert printed_epochs(capsys.readouterr().out) == [1, 2, 3]  # redraw_interval=0: every epoch


def test_draws_training_solid_and_validation_dashed_in_one_okabe_ito_colour(capsys):
    live = LiveLossPlot(metric="mae", redraw_interval=0)
    data = {"x": X[:32], "y": Y[:32], "validation_data": (X[32:], Y[32:])}
    small_model().fit(**data, epochs=4, initial_epoch=1, verbose=0, callbacks=[live])
    axes = live.figure.axes[0]
    training, validation = axes.lines
    # Keras prints "Epoch 2/4" for the first epoch of this fit:
    assert list(training.get_xdata()) == list(validation.get_xdata()) == [2, 3, 4]
    assert list(training.get_ydata()) == live.history["mae"]
    assert list(validation.get_ydata()) == live.history["val_mae"]
    assert (training.get_linestyle(), validation.get_linestyle()) == ("-", "--")
    assert training.get_color() == validation.get_color() == "#0072B2"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("epoch", "mae")
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["training", "validation"]


def test_the_live_figure_looks_like_plot_history_of_the_same_history(capsys):
    live = LiveLossPlot(metric="mae", redraw_interval=0)
    data = fit_data(X[:32], Y[:32], validation_data=(X[32:], Y[32:]), batch_size=8)
    history = small_model().fit(**data, epochs=3, verbose=0, callbacks=[live])
    static = plot_history(history, "mae", ax=Figure().subplots())

    def look(axes, lines):
        drawn = [
            (line.get_color(), line.get_linestyle(), line.get_label(), list(line.get_xdata()))
            for line in lines
        ]
        legend = axes.get_legend()
        return drawn, axes.get_xlabel(), axes.get_ylabel(), legend._loc  # no public getter

    live_axes = live.figure.axes[0]
    # plot_history adds a third line, the best-epoch dot; the live figure has none
    assert look(live_axes, live_axes.lines) == look(static, static.lines[:2])


def test_the_loss_axis_names_the_loss_function(capsys):
    live = LiveLossPlot()
    small_model().fit(X, Y, epochs=1, verbose=0, callbacks=[live])
    assert live.figure.axes[0].get_ylabel() == "loss (mse)"


def test_without_validation_data_it_draws_training_only_and_says_why(capsys):
    live = LiveLossPlot(redraw_interval=0)
    history = small_model().fit(X, Y, epochs=2, verbose=0, callbacks=[live])
    axes = live.figure.axes[0]
    assert live.history == {"loss": history.history["loss"], "val_loss": []}
    assert len(axes.lines[1].get_xdata()) == 0
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["training"]
    assert "no validation_data" in axes.get_title()
    assert "val_loss" not in capsys.readouterr().out


def test_outside_jupyter_it_prints_one_short_line_per_redraw(capsys):
    clock = FakeClock()
    run_epochs(LiveLossPlot(redraw_interval=1.0, clock=clock), [0.4, 0.8, 1.2, 1.6], clock=clock)
    assert capsys.readouterr().out.splitlines() == [
        "epoch 3/4: loss 0.3333, val_loss 0.6667",
        "epoch 4/4: loss 0.25, val_loss 0.5",
    ]


def test_the_end_of_training_does_not_redraw_what_is_already_shown(capsys):
    clock = FakeClock()
    run_epochs(LiveLossPlot(redraw_interval=1.0, clock=clock), [0.5, 1.5], clock=clock)
    assert printed_epochs(capsys.readouterr().out) == [2]


@settings(max_examples=60, deadline=None)
@given(
    durations=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=30),
    redraw_interval=st.floats(0.0, 5.0),
)
def test_redraws_are_throttled_by_wall_time(durations, redraw_interval):
    clock = FakeClock()
    end_times = list(np.cumsum(durations))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        live = LiveLossPlot(redraw_interval=redraw_interval, clock=clock)
        run_epochs(live, end_times, clock=clock)
    shown = printed_epochs(out.getvalue())
    assert shown[-1] == len(end_times)  # the end is always shown
    last_redraw = 0.0
    for epoch, seconds in enumerate(end_times, start=1):
        due = seconds - last_redraw >= redraw_interval
        if epoch < len(end_times):  # before the end: redraw exactly when due
            assert (epoch in shown) == due
        if epoch in shown:
            last_redraw = seconds


class FakeNotebook:
    """Stands in for IPython.display: keeps the outputs a notebook would keep."""

    def __init__(self):
        self.outputs, self.updates = [], 0

    def display(self, bundle, raw=False, display_id=None, metadata=None):
        assert raw and display_id is True
        self.outputs.append(bundle)
        self.metadata = metadata
        return self  # the display handle

    def update(self, bundle, raw=False, metadata=None):
        assert raw
        self.outputs[-1] = bundle
        self.metadata = metadata
        self.updates += 1


def test_in_jupyter_it_updates_one_figure_in_place_and_prints_nothing(monkeypatch, capsys):
    notebook = FakeNotebook()
    monkeypatch.setattr(live_module, "in_jupyter_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", notebook.display)
    # clearing would also wipe what the cell printed before fit:
    monkeypatch.setattr(IPython.display, "clear_output", pytest.fail)
    clock = FakeClock()
    live = LiveLossPlot(redraw_interval=1.0, clock=clock)
    run_epochs(live, [1.0, 1.5, 2.0, 2.5, 3.0], clock=clock)  # redraws after epochs 1, 3, 5
    assert len(notebook.outputs) == 1 and notebook.updates == 2
    (bundle,) = notebook.outputs
    # the final curves in words, worked out by hand: loss 1/epoch, val_loss 2/epoch
    words = "loss over 5 epochs: training falls from 1 to 0.2; validation falls from 2 to 0.4."
    assert notebook.metadata == {"image/png": {"alt": words}}  # the site's alt text
    assert bundle["text/plain"] == FIGURE_TEXT  # what nbval compares: the same at every redraw
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert list(live.figure.axes[0].lines[0].get_xdata()) == [1, 2, 3, 4, 5]  # the final curves
    assert capsys.readouterr().out == ""


@pytest.mark.slow  # starts a kernel or a subprocess
def test_in_a_real_kernel_the_saved_notebook_keeps_one_final_figure(tmp_path):
    fit_cell = """\
seed_everything(0)
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
data = fit_data(x[:16], y[:16], validation_data=(x[16:], y[16:]), batch_size=4)
model.fit(**data, epochs=5, verbose=0, callbacks=[LiveLossPlot(redraw_interval={interval})]);
"""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import keras, numpy as np\n"
                "from course_utils import LiveLossPlot, fit_data, seed_everything\n"
                "x = np.linspace(-1, 1, 20).reshape(-1, 1)\ny = 2 * x + 1"
            ),
            nbformat.v4.new_code_cell(fit_cell.format(interval=0)),  # redraw every epoch
            nbformat.v4.new_code_cell(fit_cell.format(interval='float("inf")')),  # at the end only
        ]
    )
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(notebook, kernel_name="python3", timeout=120, resources=resources).execute()
    every_epoch, at_the_end = (cell.outputs for cell in notebook.cells[1:])
    assert [output.output_type for output in every_epoch] == ["display_data"]
    assert [output.output_type for output in at_the_end] == ["display_data"]
    assert every_epoch[0].data["text/plain"] == at_the_end[0].data["text/plain"] == FIGURE_TEXT
    # the alt text of the final figure: the curves of the whole fit, the same both ways
    words = every_epoch[0].metadata["image/png"]["alt"]
    assert at_the_end[0].metadata["image/png"]["alt"] == words
    assert words.startswith("loss (mse) over 5 epochs: training ")
    # the in-place updates leave the final curves in the saved notebook:
    assert every_epoch[0].data["image/png"] == at_the_end[0].data["image/png"]


def test_a_metric_fit_does_not_log_is_named_in_the_error(capsys):
    with pytest.raises(ValueError, match=r"metric='accuracy'.*\['loss', 'mae'\]"):
        small_model().fit(X, Y, epochs=1, verbose=0, callbacks=[LiveLossPlot(metric="accuracy")])


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"metric": 3}, TypeError, "metric must be the name"),
        ({"metric": ""}, ValueError, "metric must name a training log"),
        ({"metric": "val_loss"}, ValueError, "metric must name a training log"),
        ({"redraw_interval": "1"}, TypeError, "redraw_interval must be a number"),
        ({"redraw_interval": True}, TypeError, "redraw_interval must be a number"),
        ({"redraw_interval": -1}, ValueError, "redraw_interval must be 0 seconds or more"),
        ({"redraw_interval": float("nan")}, ValueError, "redraw_interval must be 0 seconds"),
        ({"clock": 5}, TypeError, "clock must be a function"),
    ],
)
def test_bad_arguments_are_named_in_the_error(arguments, error, message):
    with pytest.raises(error, match=message):
        LiveLossPlot(**arguments)


def test_a_learning_rate_that_changes_is_drawn_live_on_a_second_axis_as_plot_history_draws_it(
    capsys,
):
    # min_delta=1 makes every epoch after the first a non-improvement: the rate halves at the
    # end of every epoch from the 2nd on (1-based)
    live = LiveLossPlot(redraw_interval=0)
    lower = keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1, min_delta=1.0)
    model = small_model()
    history = model.fit(X, Y, validation_data=(X, Y), epochs=5, verbose=0, callbacks=[lower, live])
    rates = history.history["learning_rate"]
    assert len(set(rates)) == 4  # one first rate, lowered three times
    assert live.history["learning_rate"] == rates

    curves_axes, rate_axes = live.figure.axes
    static_axes = plot_history(history, ax=Figure().subplots())
    [static_rate_axes] = [ax for ax in static_axes.figure.axes if ax is not static_axes]
    [line], [static_line] = rate_axes.lines, static_rate_axes.lines
    assert list(line.get_xdata()) == [1, 2, 3, 4, 5] and list(line.get_ydata()) == rates
    for attribute in ("get_drawstyle", "get_linestyle", "get_color"):
        assert getattr(line, attribute)() == getattr(static_line, attribute)()
    assert rate_axes.get_ylabel() == "learning rate" and rate_axes.get_yscale() == "log"
    assert curves_axes.get_zorder() > rate_axes.get_zorder()  # the curves stay in front


def test_a_constant_learning_rate_is_logged_but_not_drawn(capsys):
    live = LiveLossPlot(redraw_interval=0)
    never = keras.callbacks.ReduceLROnPlateau(patience=100)  # logs the rate, never lowers it
    small_model().fit(X, Y, validation_data=(X, Y), epochs=3, verbose=0, callbacks=[never, live])
    assert live.history["learning_rate"] == pytest.approx([0.001] * 3)
    assert len(live.figure.axes) == 1


def test_the_figure_says_its_curves_in_words_with_a_changing_learning_rate(capsys):
    live = LiveLossPlot(redraw_interval=float("inf"))
    live.set_params({"epochs": 4})
    live.on_train_begin()
    losses = [(0.8, 0.9, 0.1), (0.5, 0.6, 0.1), (0.3, 0.65, 0.05), (0.2, 0.7, 0.05)]
    for epoch, (loss, val_loss, rate) in enumerate(losses):
        live.on_epoch_end(epoch, {"loss": loss, "val_loss": val_loss, "learning_rate": rate})
    live.on_train_end()
    assert describe(live.figure) == (
        "loss over 4 epochs: training falls from 0.8 to 0.2; validation falls from 0.9 to its "
        "lowest at epoch 2 (0.6), then rises to 0.7. learning rate (right axis) from 0.1 to "
        "0.05, lowered after epoch 2."
    )


def test_the_legend_is_outside_the_curves(capsys):
    live = LiveLossPlot(redraw_interval=0)
    run_epochs(live, [1.0, 2.0, 3.0])
    axes = live.figure.axes[0]
    live.figure.canvas.draw()
    legend = axes.get_legend().get_window_extent()
    assert legend.x0 > axes.get_window_extent().x1
    assert legend.x1 <= live.figure.bbox.x1  # and inside the saved image
