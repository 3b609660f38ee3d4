"""Draw training and validation curves the course's way: ``plot_history``.

Training is solid and validation dashed, in one colour per model from the Okabe-Ito
palette (readable with every common colour-vision deficiency); when several models share a
plot, each also gets its own marker shape, so they can be told apart without colour. The
legend sits outside the Axes, where it never covers a curve: on the right, or below when it
has more than five entries. Epochs count
from 1, as Keras prints them ("Epoch 4/100"), although Keras stores them from 0. Every plot
carries its curves in words (``course_utils.figure_text.describe``).

The style lives in ``draw_curves`` (the two lines of one model), ``style_axes`` (the axis
labels and ticks) and ``legend_outside``; ``LiveLossPlot`` draws through them too, so a
live figure looks like ``plot_history``'s.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from course_utils.figure_text import runs_text, set_description
from course_utils.histories import lower_is_better, named_curves

# Okabe & Ito (2008), "Color Universal Design". Yellow comes last: it is faint on white.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
# one marker shape per model, in the order of the colours (drawn only when models share a plot)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
MARKERS_PER_CURVE = 10
# inches, when plot_history makes the figure: room for the legend beside the curves
FIGURE_SIZE = (8, 4.5)
# the legend's upper left corner, this far (inches) right of the Axes' upper right corner;
# further when a learning-rate axis's ticks and label are in the way
LEGEND_GAP, LEGEND_GAP_PAST_RIGHT_AXIS = 0.1, 0.85
# a legend of more entries than this goes below the Axes, in rows, so the curves keep the
# figure's width; its top this far (inches) below the Axes, clear of the ticks and the x label
LEGEND_BESIDE_MAX, LEGEND_GAP_BELOW = 5, 0.5
# the learning rate's step line: a colour of its own, never a loss curve's (black, unless
# seven models take it; then the first Okabe-Ito colour no model uses, or grey)
LEARNING_RATE_COLOUR = "#000000"


def plot_history(
    history,
    metric="loss",
    *,
    ax=None,
    early_stopping=None,
    shift_training=False,
    log_scale=False,
    title=None,
    mark_best=True,
):
    """Plot the training (solid) and validation (dashed) curves of ``metric``.

    ``history``: what ``model.fit`` returns, its ``.history`` dict, or a dict of names to
    either, to compare models (one colour each).
    ``metric``: ``"loss"`` or any metric the history holds (``"accuracy"``, ``"mae"``...),
    without ``val_``. The validation curve is required: without it there is nothing to
    compare, so a history fitted without validation data is an error, not a lone curve.
    ``ax``: the matplotlib Axes to draw on; by default a new figure is made.
    ``early_stopping``: the ``keras.callbacks.EarlyStopping`` used in this fit (one model
    only). A dotted line marks the epoch where it stopped training (``stopped_epoch + 1``;
    when it never stopped early, the legend says so) and a dash-dotted line the epoch
    whose weights it put back (``best_epoch + 1``; with ``restore_best_weights=True``
    Keras 3 does this at the end of training even when it never stopped early).
    ``shift_training``: draw the training curve half an epoch earlier. The training loss
    averages the epoch's batches, each measured before its update, so it lags behind the
    validation loss, measured at the end of the epoch: by (n + 1)/(2n) epochs for n equal
    batches (about 0.73 for batches of 32, 32 and 16 rows). Half an epoch is the lag when
    there are many batches; with few batches the true lag is larger.
    ``log_scale``: a logarithmic y axis (all values must be above 0).
    ``title``: a title for the Axes.
    ``mark_best``: mark each validation curve's best epoch with a dot (see below); False
    leaves it unmarked, for a panel whose best epoch is not the one that matters (the
    accuracy beside a run stopped on its loss) or is still to be found by the learner.

    When the history holds the learning rate of each epoch (``ReduceLROnPlateau`` and
    ``LearningRateScheduler`` log it as ``learning_rate``) and it changes during the run, a
    step line draws it on a second y axis, on the right, labelled "learning rate" (log
    scale, dotted, in a colour no loss curve has: ``LEARNING_RATE_COLOUR``), with its own
    legend entry, "learning rate (right axis)" (each model's with its name and marker shape
    when several models are drawn). It steps at the end of the epoch after which the rate
    changed. A constant learning rate draws nothing.

    The curves drawn are those ``course_utils.histories.named_curves`` reads, and the words
    attached (``course_utils.figure_text.runs_text``) are computed from them: the same text as
    ``describe(history, metric)``, plus what the options add (early stopping, log scale...).

    Several models get one colour and one marker shape each (circle, square, triangle...),
    the marker every few epochs along both curves. The legend goes outside the Axes
    (``legend_outside``): on the right, or below in rows of three (one model a row) when it
    has more than five entries; a figure without a layout engine gets matplotlib's
    "constrained" layout so the legend has room. The curves in words are attached to the
    Axes (``course_utils.figure_text``): in Jupyter they become the figure's text and alt text.

    A dot marks the best epoch of each validation curve: the lowest value for losses and
    error metrics, the highest for metrics such as accuracy, AUC, precision and recall,
    whose y axis then says "(higher is better)". Which direction is better is decided as
    Keras's ``EarlyStopping(mode="auto")`` does it (``course_utils.histories.lower_is_better``);
    for a name Keras does not know this is an error. On ties the first epoch wins, as with
    ``EarlyStopping``.

    Returns the Axes.

    >>> from matplotlib.figure import Figure
    >>> history = {"loss": [0.9, 0.5, 0.4, 0.35], "val_loss": [1.0, 0.6, 0.55, 0.6]}
    >>> ax = plot_history(history, ax=Figure().subplots())
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('epoch', 'loss')
    >>> [(line.get_label(), line.get_linestyle()) for line in ax.lines]
    [('training', '-'), ('validation', '--'), ('best val_loss: epoch 3', 'None')]
    >>> from course_utils.figure_text import describe
    >>> print(describe(ax))  # doctest: +NORMALIZE_WHITESPACE
    loss over 4 epochs: training falls from 0.9 to 0.35; validation falls from 1 to its
    lowest at epoch 3 (0.55), then rises to 0.6.
    >>> history = {"auc": [0.6, 0.8, 0.9, 0.95], "val_auc": [0.6, 0.75, 0.8, 0.78]}
    >>> ax = plot_history(history, "auc", ax=Figure().subplots())
    >>> ax.get_ylabel(), ax.lines[-1].get_label()
    ('auc (higher is better)', 'best val_auc: epoch 3')
    >>> history = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.7],
    ...            "learning_rate": [0.1, 0.1, 0.05]}
    >>> ax = plot_history(history, ax=Figure().subplots())
    >>> [(other.get_ylabel(), other.get_yscale()) for other in ax.figure.axes if other is not ax]
    [('learning rate', 'log')]
    >>> [text.get_text() for text in ax.get_legend().get_texts()][-1]
    'learning rate (right axis)'
    """
    runs = named_curves(history, metric)
    if len(runs) > len(OKABE_ITO):
        raise ValueError(
            f"history holds {len(runs)} models; one plot shows at most {len(OKABE_ITO)} "
            "in distinct colours. Split them over several plots."
        )
    lowest_is_best = lower_is_better(metric)
    for name, flag in (("shift_training", shift_training), ("log_scale", log_scale)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}.")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}.")
    if not isinstance(mark_best, bool):
        raise TypeError(f"mark_best must be True or False, got {mark_best!r}.")
    if log_scale and any(
        (run.training <= 0).any() or (run.validation <= 0).any() for run in runs.values()
    ):
        raise ValueError(f"log_scale=True needs every {metric} value above 0; use log_scale=False.")
    marks = []
    if early_stopping is not None:
        if len(runs) > 1:
            raise ValueError(
                "early_stopping belongs to one fit: plot that model's history alone to mark it."
            )
        [run] = runs.values()
        marks = _early_stopping_marks(early_stopping, epochs=len(run.training))
    if ax is None:
        _, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")

    offset, shifted = (0.5, " (drawn ½ epoch earlier)") if shift_training else (0.0, "")
    learning_rates = []  # (rates, name, marker) of each model whose learning rate changed
    # the lines the description covers; what it says after the curves (and learning rates)
    drawn, notes = [], []
    several = len(runs) > 1
    # zip stops at the last run: there are more colours than runs
    for index, ((name, (train, val, rates)), colour, marker) in enumerate(
        zip(runs.items(), OKABE_ITO, MARKERS, strict=False)
    ):
        epochs = np.arange(1, len(val) + 1)
        every = max(1, round(len(val) / MARKERS_PER_CURVE))
        drawn += draw_curves(
            ax,
            (epochs - offset, train),
            (epochs, val),
            colour,
            name,
            note=shifted,
            marker=marker if several else None,
            markevery=(index * every // len(runs), every),  # staggered between models
        )
        best = int(np.argmin(val) if lowest_is_best else np.argmax(val))
        prefix = f"{name}: " if name else ""
        if mark_best:
            drawn += ax.plot(
                best + 1,
                val[best],
                marker,
                color=colour,
                markersize=8,
                markeredgecolor="black",
                markeredgewidth=0.8,
                label=f"{prefix}best val_{metric}: epoch {best + 1}",
            )
        if rates is not None:
            learning_rates.append((rates, name, marker if several else None))
    if learning_rates:  # described with the curves (runs_text): covered by their text
        drawn += _draw_learning_rates(ax, learning_rates, used=OKABE_ITO[: len(runs)])
    for epoch, linestyle, label in marks:
        if epoch is None:  # EarlyStopping never fired: say so in the legend
            drawn += ax.plot([], [], " ", label=label)
        else:
            drawn.append(ax.axvline(epoch, color="0.35", linestyle=linestyle, label=label))
        notes.append(label)
    if shift_training:
        notes.append("the training curve is drawn half an epoch earlier")
    if log_scale:
        notes.append("log scale")

    label_notes = [] if lowest_is_best else ["higher is better"]
    label_notes += ["log scale"] if log_scale else []
    style_axes(ax, f"{metric} ({', '.join(label_notes)})" if label_notes else metric)
    if log_scale:
        ax.set_yscale("log")
    if title is not None:
        ax.set_title(title)
    legend_outside(ax)
    set_description(ax, runs_text(runs, metric, notes), lines=drawn)
    return ax


def legend_outside(ax, handles=None, labels=None, *, per_row=3, **kwargs):
    """Put the legend of ``ax`` outside it, where it never covers the data: on the right, or,
    when it has more than five entries (``LEGEND_BESIDE_MAX``), below the Axes in rows of
    ``per_row`` entries, read left to right, so a long legend does not take the curves' width.

    Call it instead of ``ax.legend()`` after adding lines to a ``plot_history`` plot (a
    baseline, say); ``handles``, ``labels`` and other keywords (``fontsize="small"``) go to
    ``ax.legend``. Without ``handles``, the legend holds the labelled lines of ``ax`` and then
    those of a second y axis drawn over it (``plot_history``'s learning rate). A figure without
    a layout engine gets the "constrained" layout, which makes room for the legend and keeps
    it off the neighbouring plots; a figure laid out by hand (``fixed_layout``) keeps the
    legend on the right, where its margins made room, however many entries it has. Returns
    the legend.

    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> _ = ax.plot([1, 2], [3, 4], label="data")
    >>> bool(legend_outside(ax).get_bbox_to_anchor().x0 > ax.get_window_extent().x1)
    True
    >>> for number in range(5):
    ...     _ = ax.plot([1, 2], [number, 4], label=f"line {number}")
    >>> bool(legend_outside(ax).get_bbox_to_anchor().y1 < ax.get_window_extent().y0)
    True
    """
    figure = ax.get_figure(root=True)
    if figure.get_layout_engine() is None:
        figure.set_layout_engine("constrained")
    # a learning-rate axis on the right (plot_history's twinx) has its ticks and label there
    twins = [
        other
        for other in ax.figure.axes
        if other is not ax and other.bbox.bounds == ax.bbox.bounds and other.yaxis.get_visible()
    ]
    if handles is None:
        handles, found = ax.get_legend_handles_labels()
        for twin in twins:
            more_handles, more_labels = twin.get_legend_handles_labels()
            handles, found = handles + more_handles, found + more_labels
        labels = found if labels is None else labels
    # a figure laid out by hand (fixed_layout) keeps its legend where its margins made room
    fixed = isinstance(figure.get_layout_engine(), PlaceHolderLayoutEngine)
    if len(handles) <= LEGEND_BESIDE_MAX or fixed:
        gap = LEGEND_GAP_PAST_RIGHT_AXIS if twins else LEGEND_GAP
        options = {
            "loc": "upper left",
            "bbox_to_anchor": (1, 1),
            "bbox_transform": ax.transAxes + ScaledTranslation(gap, 0, figure.dpi_scale_trans),
            "borderaxespad": 0,
        }
        given = {"handles": handles, "labels": labels}
        given = {key: value for key, value in given.items() if value is not None}
        return ax.legend(**given, **{**options, **kwargs})
    # below: as many entries a row as fit in the Axes' share of the figure's width
    gridspec = ax.get_subplotspec().get_gridspec() if ax.get_subplotspec() else None
    room = figure.bbox.width / (gridspec.ncols if gridspec else 1)
    for columns in range(max(1, min(per_row, len(handles))), 0, -1):
        legend = _legend_below(ax, handles, labels, columns, kwargs)
        if columns == 1 or _legend_width(legend) <= room:
            return legend
    return legend


def _legend_below(ax, handles, labels, columns, kwargs):
    """The legend of ``ax`` below it, ``columns`` entries a row, read left to right."""
    figure = ax.get_figure(root=True)
    # matplotlib fills a legend column by column: reorder so that it reads row by row
    handles = [handle for column in range(columns) for handle in handles[column::columns]]
    if labels is not None:
        labels = [label for column in range(columns) for label in labels[column::columns]]
    options = {
        "loc": "upper center",
        "bbox_to_anchor": (0.5, 0),
        "bbox_transform": ax.transAxes
        + ScaledTranslation(0, -LEGEND_GAP_BELOW, figure.dpi_scale_trans),
        "ncols": columns,
        "borderaxespad": 0,
    }
    given = {"handles": handles, "labels": labels}
    given = {key: value for key, value in given.items() if value is not None}
    return ax.legend(**given, **{**options, **kwargs})


def _legend_width(legend):
    """The legend's width in pixels, or 0 when the figure cannot measure text."""
    try:
        renderer = legend.get_figure(root=True)._get_renderer()
        return legend.get_window_extent(renderer).width
    except (AttributeError, TypeError, RuntimeError):
        return 0


def fixed_layout(figure, **margins):
    """Place the Axes of ``figure`` by hand (``subplots_adjust(**margins)``), for good.

    ``legend_outside`` then leaves the layout alone: a figure redrawn many times (the live
    plot, the explorer) keeps its margins instead of paying for "constrained" at every draw
    (it doubles the time of a redraw).
    """
    engine = PlaceHolderLayoutEngine(adjust_compatible=True, colorbar_gridspec=True)
    figure.set_layout_engine(engine)
    figure.subplots_adjust(**margins)


def draw_curves(
    ax,
    training,
    validation,
    colour=OKABE_ITO[0],
    name="",
    note="",
    marker=None,
    markevery=None,
):
    """Draw one model's curves on ``ax``: training solid, validation dashed, one colour.

    ``training`` and ``validation`` are ``(epochs, values)`` pairs (empty to fill in later
    with ``line.set_data``). ``name`` prefixes both labels ("small: training"); ``note`` is
    added to the training label. ``marker`` (a matplotlib marker such as ``"s"``) is drawn
    on both lines at ``markevery`` (every point by default), to tell models apart without
    colour. Returns the two ``Line2D``.

    >>> from matplotlib.figure import Figure
    >>> lines = draw_curves(Figure().subplots(), ([1, 2], [0.9, 0.5]), ([1, 2], [1.0, 0.7]))
    >>> [(line.get_label(), line.get_linestyle(), line.get_color()) for line in lines]
    [('training', '-', '#0072B2'), ('validation', '--', '#0072B2')]
    """
    prefix = f"{name}: " if name else ""
    style = {"color": colour, "marker": marker, "markevery": markevery, "markersize": 5}
    (training_line,) = ax.plot(*training, "-", label=f"{prefix}training{note}", **style)
    (validation_line,) = ax.plot(*validation, "--", label=f"{prefix}validation", **style)
    if marker is not None:
        validation_line.set_markerfacecolor("white")  # hollow on the dashed line
    return training_line, validation_line


def style_axes(ax, ylabel):
    """Label the axes ("epoch" and ``ylabel``) and tick the epochs at whole numbers only.

    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> style_axes(ax, "loss")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('epoch', 'loss')
    """
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _draw_learning_rates(ax, learning_rates, used=()):
    """Draw each (rates, name, marker) as a step line on a second y axis, on the right of
    ``ax``, in a colour none of the ``used`` colours (the loss curves') is, each with a legend
    entry. Returns the lines."""
    rate_ax = learning_rate_axis(ax)
    colour = learning_rate_colour(used)
    lines = []
    for rates, name, marker in learning_rates:
        line = draw_learning_rate(rate_ax, np.arange(1, len(rates) + 1), rates, colour)
        line.set_label(
            f"{name}: learning rate (right axis)" if name else "learning rate (right axis)"
        )
        if marker is not None:  # several models: the model's marker shape tells them apart
            every = max(1, round(len(rates) / MARKERS_PER_CURVE))
            line.set(marker=marker, markevery=every, markersize=4, markerfacecolor="white")
        lines.append(line)
    return lines


def learning_rate_colour(used=()):
    """The colour of the learning-rate line beside curves drawn in the ``used`` colours:
    ``LEARNING_RATE_COLOUR``, or the first Okabe-Ito colour none of them is, or grey.

    >>> learning_rate_colour(OKABE_ITO[:2])
    '#000000'
    >>> learning_rate_colour(OKABE_ITO[:7])
    '#F0E442'
    """
    used = {colour.lower() for colour in used}
    free = [c for c in (LEARNING_RATE_COLOUR, *OKABE_ITO) if c.lower() not in used]
    return free[0] if free else "0.5"


def learning_rate_axis(ax):
    """A second y axis on the right of ``ax`` for the learning rate, drawn behind the curves."""
    rate_ax = ax.twinx()
    rate_ax.set_ylabel("learning rate")
    # keep the curves' Axes (and its legend) in front of the learning rate's
    ax.set_zorder(rate_ax.get_zorder() + 1)
    ax.patch.set_visible(False)
    return rate_ax


def draw_learning_rate(rate_ax, epochs, rates, colour=LEARNING_RATE_COLOUR, line=None):
    """Draw one run's learning rate per epoch as a dotted step line; returns the line.

    Pass the returned ``line`` back to redraw it with new data (``LiveLossPlot`` does, every
    redraw). An epoch's rate holds until its end: the line steps at the end of the epoch after
    which the rate changed (ReduceLROnPlateau lowers it as that epoch ends). Rates shrink by
    factors, so the axis is logarithmic while every rate drawn on it is above 0.
    """
    if line is None:
        (line,) = rate_ax.plot([], [], drawstyle="steps-pre", linestyle=":", linewidth=1.2)
    line.set_data(epochs, rates)
    line.set_color(colour)
    positive = all((np.asarray(drawn.get_ydata()) > 0).all() for drawn in rate_ax.lines)
    rate_ax.set_yscale("log" if positive else "linear")
    rate_ax.relim()
    rate_ax.autoscale_view()
    return line


def _early_stopping_marks(callback, epochs):
    """(1-based epoch or None, line style, legend label) for each thing the callback did."""
    if not isinstance(callback, keras.callbacks.EarlyStopping):
        raise TypeError(
            "early_stopping must be the keras.callbacks.EarlyStopping passed to model.fit, "
            f"got {type(callback).__name__}."
        )
    if not hasattr(callback, "best_epoch"):  # set when training begins
        raise ValueError(
            "early_stopping has not been used yet: pass it to "
            "model.fit(..., callbacks=[early_stopping]) first, then plot."
        )
    marks = []
    if callback.stopped_epoch > 0:  # Keras keeps 0 when it never stopped early
        stopped = callback.stopped_epoch + 1
        if stopped != epochs:
            raise ValueError(
                f"early_stopping stopped training at epoch {stopped} but the history has "
                f"{epochs} epochs: pass the callback from the same fit as the history."
            )
        marks.append((stopped, ":", f"early stop: epoch {stopped}"))
    else:
        marks.append((None, "", f"no early stop: all {epochs} epochs ran"))
    if callback.restore_best_weights and callback.best_weights is not None:
        restored = callback.best_epoch + 1
        if restored > epochs:
            raise ValueError(
                f"early_stopping restored epoch {restored} but the history has only {epochs} "
                "epochs: pass the callback from the same fit as the history."
            )
        marks.append((restored, "-.", f"weights restored: epoch {restored}"))
    return marks
