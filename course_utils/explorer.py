"""Turn one lever, watch the curves change: ``CurveExplorer``.

``CurveExplorer`` puts one slider per lever of ``Settings`` (see
``course_utils.experiments``) above the curves: every change retrains with
``run_experiment`` and redraws the curves with the verdict, the new run in blue and the
run before it in orange, so you see what that one lever did. ``Settings``,
``explorer_data`` and ``run_experiment`` can be imported from here too, as notebook 06 does.

Why it is fast enough to feel live (``benchmarks/explorer_speed.py``, on a shared 2-core
machine where the course's 100-epoch reference fit took 0.76 s: median 0.45 s from a
slider change to the new plot, 0.60 times that fit; expect about 0.36 s where that fit
takes 0.6 s):

- the explorer keeps one traced model per architecture (``ModelCache``: width, depth,
  dropout, L2 and the training batches per epoch; not the learning rate, a variable). A
  setting whose architecture ran before restarts that model from the seed's starting
  weights, dropout seeds and a new optimiser state: the same curves to the last digit as a
  new model, without Keras tracing it again (a new architecture's first run takes about
  0.8 s, the others 0.45 s);
- ``build_model`` compiles with ``steps_per_execution`` equal to the training batches of
  one epoch (7 by default), so Keras runs each epoch in one graph call instead of seven:
  about a fifth of a kept model's run saved. Keras runs exactly ``steps_per_execution``
  batches per call, so it must equal the batches of an epoch (a new trace for each
  training size); for the same reason ``fit_model`` measures the 13 validation batches in
  one call on a twin compiled with exactly that many;
- ``fit_data`` feeds the training batches without rebuilding the input pipeline each
  epoch;
- the default run is short (30 epochs, 200 training rows), and the sliders only report a
  value when you let go of them (``continuous_update=False``), so dragging a slider
  trains once, not once per position;
- the figure is one matplotlib ``Figure`` redrawn into a PNG ``Image`` widget (about
  70 ms, with the legend placed beside the curves: searching for the "best" place inside
  them costs as much again); no interactive backend is needed.

The curves are told apart by marker as well as colour (the new run circles, the one before
squares), and the curves in words (``course_utils.figure_text``) sit under the figure, in a
"The curves in words" block a screen reader can open.

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

import ipywidgets as widgets
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_utils._validation import check_whole
from course_utils.experiments import ModelCache, Settings, explorer_data, run_experiment
from course_utils.figure_text import describe
from course_utils.plots import fixed_layout, legend_outside, plot_history

__all__ = ["CurveExplorer", "LEVER_LABELS", "LEVER_OPTIONS", "LIVE_BATCHES"]
__all__ += ["Settings", "explorer_data", "run_experiment"]  # where notebook 06 imports them

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


class CurveExplorer:
    """Sliders for the levers above the training (solid) and validation (dashed) curves.

    Show it by ending a cell with it. Each slider change retrains with the new settings
    (``run_experiment``) and redraws: the new run in blue, the run before in orange, and
    the verdict below the sliders. Settings heavier than ``live_batches`` batches wait for
    the **Train** button. ``settings`` must use values the sliders offer
    (``LEVER_OPTIONS``). The first run trains when the explorer is made.

    ``.controls`` maps each lever to its slider, ``.train_button``, ``.message`` (the
    verdict, an HTML widget), ``.image`` (the PNG) and ``.words`` (the curves in words, an
    HTML widget under the image) are the widgets; ``.runs`` lists
    every run so far and ``.run`` is the last one (runs of one architecture share one
    kept model, ``.models``: a run's ``.model`` is retrained by the next such run).
    ``plot(ax=...)`` draws the curves for a saved notebook or a script.

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
        check_whole("live_batches", live_batches, minimum=1)
        self.data = explorer_data() if data is None else data
        self.seed = seed
        self.live_batches = live_batches
        self.models = ModelCache()  # traced models, reused: the same runs, sooner
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
        self.words = widgets.HTML()
        self.figure = Figure(figsize=(8, 3.6))
        FigureCanvasAgg(self.figure)  # render with Agg, whatever backend pyplot uses
        # room for the legend on the right; fixed, faster than a layout engine at every redraw
        fixed_layout(self.figure, left=0.08, right=0.7, bottom=0.14, top=0.9)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.train_button.on_click(lambda _button: self.train())
        sliders = list(self.controls.values())
        self.widget = widgets.VBox(
            [
                widgets.HBox([widgets.VBox(sliders[:4]), widgets.VBox(sliders[4:])]),
                widgets.HBox([self.train_button, self.message]),
                self.image,
                self.words,
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
        run = run_experiment(self.settings, data=self.data, seed=self.seed, models=self.models)
        self.runs.append(run)
        self.plot(ax=self.figure.axes[0] if self.figure.axes else self.figure.subplots())
        png = io.BytesIO()
        self.figure.savefig(png, format="png")
        self.image.value = png.getvalue()
        self.message.value = self._verdict_html()
        self.words.value = (
            "<details><summary>The curves in words</summary>"
            f"<p>{html.escape(describe(self.figure))}</p></details>"
        )
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
        legend_outside(ax, handles, labels, fontsize="small")
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
        bundle["text/plain"] = (
            f"{self!r}: the sliders show in a live Jupyter kernel. {describe(self.figure)}"
        )
        return bundle

    def __repr__(self):
        return f"CurveExplorer({self.settings!r}, runs: {len(self.runs)})"
