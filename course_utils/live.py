"""Loss curves drawn while ``fit`` runs: ``LiveLossPlot``.

In Jupyter the callback shows one figure under the cell and redraws it in place while the
model trains, then a last time when training ends, so a saved notebook keeps the final
curves. Drawing a figure takes a few tens of milliseconds, as long as several epochs of a
small model, so it redraws at most once per ``redraw_interval`` seconds of wall time.

Outside Jupyter (a script, a terminal) there is nothing to draw into: it prints one short
line instead, at the same pace, and keeps the final figure in ``.figure`` for you to save.

Each redraw also puts the curves in words (``course_utils.figure_text``) into the image's
``alt`` (output metadata, which the course website reads). Its ``text/plain`` stays the same
words whatever the curves (``FIGURE_TEXT``): nbval compares a fresh run's *first* display of
the figure, made at a moment that depends on the machine's speed, with the saved *last* one.
``describe(live.figure)`` says the final curves in words.
"""

import base64
import io
import time

import keras
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_utils.course_kernel import in_jupyter_kernel
from course_utils.figure_text import (
    curves_text,
    describe,
    learning_rate_note,
    set_description,
)
from course_utils.histories import LEARNING_RATE_KEYS, lower_is_better
from course_utils.plots import (
    draw_curves,
    draw_learning_rate,
    fixed_layout,
    learning_rate_axis,
    legend_outside,
    style_axes,
)

# What nbval and text-only viewers compare: the same words whatever the curves look like.
FIGURE_TEXT = "<LiveLossPlot figure: training and validation curves>"


class LiveLossPlot(keras.callbacks.Callback):
    """Draw the training (solid) and validation (dashed) curves while ``model.fit`` runs.

    In a notebook: ``model.fit(x, y, validation_data=(x_val, y_val), epochs=100,
    callbacks=[LiveLossPlot()])``.

    ``metric`` is the log to draw: ``"loss"`` or a metric given to ``compile`` (``"mae"``);
    its validation twin (``"val_loss"``) is drawn too. Without validation data only the
    training curve is drawn, and the title says that ``fit`` got no validation data. When
    ``fit`` logs a learning rate (``ReduceLROnPlateau`` and ``LearningRateScheduler`` do) and
    it changes, it is drawn as a dotted step line on a second axis, as ``plot_history`` does.
    ``redraw_interval`` is the least number of seconds between two redraws (``0`` redraws
    every epoch, ``float("inf")`` only once at the end); the end of training always redraws.
    A redraw takes about 25 ms, so the default of 1 s costs a few percent of the fit.
    ``clock`` returns the time in seconds; tests pass a fake one.

    After ``fit``, ``.epochs`` holds the epoch numbers (counted from 1, as Keras prints
    them), ``.history`` the values drawn (``{"loss": [...], "val_loss": [...]}``, the
    numbers ``History`` records, with ``"learning_rate"`` too when fit logs it) and
    ``.figure`` the matplotlib figure; ``describe(live.figure)`` (``course_utils.figure_text``)
    says in words what it shows.

    Outside Jupyter it prints lines instead, and ``live.figure.savefig("curves.png")``
    saves the final curves:

    >>> import keras, numpy as np
    >>> from course_utils.reproducibility import seed_everything
    >>> x = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> seed_everything(0)
    >>> model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> live = LiveLossPlot(redraw_interval=float("inf"))  # no redraw before the end
    >>> history = model.fit(x[:16], 2 * x[:16], validation_data=(x[16:], 2 * x[16:]),
    ...                     epochs=3, verbose=0, callbacks=[live])  # doctest: +ELLIPSIS
    epoch 3/3: loss ..., val_loss ...
    >>> live.epochs, live.history["val_loss"] == history.history["val_loss"]
    ([1, 2, 3], True)
    """

    def __init__(self, metric="loss", redraw_interval=1.0, clock=time.monotonic):
        super().__init__()
        if not isinstance(metric, str):
            raise TypeError(f"metric must be the name of a log such as 'loss', got {metric!r}.")
        if not metric or metric.startswith("val_"):
            raise ValueError(
                f"metric must name a training log such as 'loss' or 'mae', got {metric!r}. "
                "Its validation twin ('val_loss') is drawn for you."
            )
        if isinstance(redraw_interval, bool) or not isinstance(redraw_interval, (int, float)):
            raise TypeError(
                f"redraw_interval must be a number of seconds, got {redraw_interval!r}."
            )
        if not redraw_interval >= 0:  # also rejects NaN
            raise ValueError(f"redraw_interval must be 0 seconds or more, got {redraw_interval}.")
        if not callable(clock):
            raise TypeError(f"clock must be a function that returns seconds, got {clock!r}.")
        self.metric = metric
        self.redraw_interval = redraw_interval
        self.clock = clock
        self.epochs, self.history, self.figure = [], {}, None

    @property
    def _val_metric(self):
        return f"val_{self.metric}"

    def on_train_begin(self, logs=None):
        self.epochs, self.history = [], {self.metric: [], self._val_metric: []}
        self.figure = None  # a new figure for every fit
        self._rate_axes = self._rate_line = None
        self._val_epochs, self._shown_epochs = [], 0
        self._display, self._in_kernel = None, in_jupyter_kernel()
        self._last_redraw = self.clock()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.metric not in logs:
            raise ValueError(
                f"LiveLossPlot(metric={self.metric!r}): fit logged only {sorted(logs)}. "
                "Pick one of those, or add the metric to model.compile(metrics=[...])."
            )
        self.epochs.append(epoch + 1)  # Keras counts from 0 and prints from 1
        self.history[self.metric].append(float(logs[self.metric]))
        if self._val_metric in logs:
            self._val_epochs.append(epoch + 1)
            self.history[self._val_metric].append(float(logs[self._val_metric]))
        rate_key = next((key for key in LEARNING_RATE_KEYS if key in logs), None)
        if rate_key is not None:
            self.history.setdefault(rate_key, []).append(float(logs[rate_key]))
        if self.clock() - self._last_redraw >= self.redraw_interval:
            self._show()

    def on_train_end(self, logs=None):
        if self._shown_epochs < len(self.epochs):
            self._show()

    def _show(self):
        """Redraw the curves, then show them in Jupyter or print a line."""
        self._draw()
        if self._in_kernel:
            self._send_to_notebook()
        else:
            print(self._summary_line())
        self._shown_epochs = len(self.epochs)
        self._last_redraw = self.clock()

    def _draw(self):
        if self.figure is None:
            self._create_figure()
        axes = self.figure.axes[0]
        self._train_line.set_data(self.epochs, self.history[self.metric])
        self._val_line.set_data(self._val_epochs, self.history[self._val_metric])
        lines = [line for line in (self._train_line, self._val_line) if len(line.get_xdata())]
        axes.set_title("" if self._val_epochs else "training only: fit got no validation_data")
        axes.relim()
        axes.autoscale_view()
        rates = self._draw_learning_rate(axes)
        legend_outside(axes, handles=lines)
        notes = [] if rates is None else [learning_rate_note(rates)]
        try:
            lower = lower_is_better(self.metric)
        except ValueError:  # a metric whose better direction Keras does not know
            lower = None
        val = self.history[self._val_metric]
        runs = {"": (self.history[self.metric], val or None)}
        text = curves_text(runs, self._axis_label(), lower, notes, val_epochs=self._val_epochs)
        set_description(axes, text, lines=[self._train_line, self._val_line])

    def _draw_learning_rate(self, axes):
        """The learning rate on a second axis, once it has changed (a constant one is not drawn)."""
        rates = next((self.history[key] for key in LEARNING_RATE_KEYS if key in self.history), [])
        if len(set(rates)) < 2 or len(rates) != len(self.epochs):
            return None
        if self._rate_line is None:
            self.figure.subplots_adjust(right=0.66)  # room for the second axis and the legend
            self._rate_axes = learning_rate_axis(axes)
        self._rate_line = draw_learning_rate(
            self._rate_axes, self.epochs, rates, line=self._rate_line
        )
        return rates

    def _create_figure(self):
        self.figure = Figure(figsize=(8, 3.5))
        FigureCanvasAgg(self.figure)  # render with Agg, whatever backend pyplot uses
        # the legend goes on the right, outside the curves (past a learning-rate axis if any)
        fixed_layout(self.figure, left=0.1, right=0.78, bottom=0.15, top=0.9)
        axes = self.figure.add_subplot()
        style_axes(axes, self._axis_label())
        # plot_history's style: one Okabe-Ito colour, training solid, validation dashed
        self._train_line, self._val_line = draw_curves(axes, ([], []), ([], []))

    def _axis_label(self):
        if self.metric != "loss":
            return self.metric
        loss = getattr(self.model, "loss", None)
        name = loss if isinstance(loss, str) else getattr(loss, "name", None)
        return f"loss ({name})" if name else "loss"

    def _send_to_notebook(self):
        """Show the figure under the cell: the first time as a new output, then in place."""
        from IPython.display import display

        png = io.BytesIO()
        self.figure.savefig(png, format="png")
        text = describe(self.figure)
        bundle = {
            "image/png": base64.b64encode(png.getvalue()).decode("ascii"),
            "text/plain": FIGURE_TEXT,
        }
        metadata = {"image/png": {"alt": text}}  # the key IPython.display.Image(alt=) writes
        if self._display is None:
            self._display = display(bundle, raw=True, metadata=metadata, display_id=True)
        else:
            self._display.update(bundle, raw=True, metadata=metadata)

    def _summary_line(self):
        values = [f"{self.metric} {self.history[self.metric][-1]:.4g}"]
        if self._val_epochs:
            values.append(f"{self._val_metric} {self.history[self._val_metric][-1]:.4g}")
        return f"epoch {self.epochs[-1]}/{self.params['epochs']}: " + ", ".join(values)
