"""Figures in words: ``describe`` says what a figure's curves do, from their data.

A screen reader cannot read a PNG, and a text-only view of a notebook shows
``<Figure size 640x480 with 1 Axes>``. So every figure the course draws carries a short text
generated from the numbers it plots, rounded to 3 significant digits (the same numbers on
every run, so nbval can compare them):

>>> history = {"loss": [0.69, 0.4, 0.2, 0.05], "val_loss": [0.7, 0.39, 0.45, 0.6]}
>>> print(describe(history))  # doctest: +NORMALIZE_WHITESPACE
loss over 4 epochs: training falls from 0.69 to 0.05; validation falls from 0.7 to its
lowest at epoch 2 (0.39), then rises to 0.6.

``describe`` takes a history (what ``model.fit`` returns, or a dict of them, as
``plot_history`` does), an Axes or a Figure. A history's words come from its curves
(``course_utils.histories.named_curves``, which ``plot_history`` draws from), so they are
the words ``plot_history`` attaches to the Axes it draws. ``plot_history`` and
``LiveLossPlot`` attach their text to their Axes; for any other figure,
``set_description(figure, text)`` attaches one, and the labelled lines nobody described (a
baseline, a point) are described from their data.

In a Jupyter kernel the text goes into the figure's output: as its ``text/plain`` (what
text-only viewers, the plain-text fallback and nbval see) and as the ``alt`` of its image
(``output.metadata["image/png"]["alt"]``, the key ``IPython.display.Image(alt=...)`` writes,
which nbconvert's classic HTML template and the course website read). JupyterLab does not
show either for an image: ``print(describe(ax.figure))`` prints it.
"""

import re
import weakref

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from course_utils import histories
from course_utils.course_kernel import in_jupyter_kernel

# Axes or Figure -> (text, the lines that text covers)
_DESCRIPTIONS = weakref.WeakKeyDictionary()
# image formats whose output gets the description as its alt text
_IMAGE_FORMATS = ("image/png", "image/jpeg", "image/svg+xml")


def describe(thing, metric="loss"):
    """Say in words what a figure shows, or what ``plot_history(thing, metric)`` would show.

    ``thing``: a Figure, an Axes, or a history in any form ``plot_history`` takes (its words
    are computed from its curves, ``runs_text``). Returns one paragraph ("" for a figure with
    nothing to describe).

    >>> history = {"accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.5, 0.7, 0.68]}
    >>> print(describe(history, "accuracy"))  # doctest: +NORMALIZE_WHITESPACE
    accuracy (higher is better) over 3 epochs: training rises from 0.5 to 0.9; validation
    rises from 0.5 to its highest at epoch 2 (0.7), then falls to 0.68.
    """
    if isinstance(thing, (Figure, SubFigure)):
        return _figure_text(thing)
    if isinstance(thing, Axes):
        return _axes_text(thing, with_title=True)
    return runs_text(histories.named_curves(thing, metric), metric)


def set_description(target, text, lines=()):
    """Attach ``text`` to a Figure or an Axes: ``describe`` and the notebook output use it.

    ``lines``: the Line2D the text covers (they are not described again). Text attached to an
    Axes is kept while one of those lines is still on it; a new text replaces the old one.
    Returns ``target``.
    """
    if not isinstance(target, (Figure, SubFigure, Axes)):
        raise TypeError(f"target must be a matplotlib Figure or Axes, got {type(target).__name__}.")
    if not isinstance(text, str) or not text.strip():
        raise TypeError("text must be a non-empty string: the figure in words.")
    _DESCRIPTIONS[target] = (text.strip(), [weakref.ref(line) for line in lines])
    register_formatters()
    return target


def number(value):
    """A value as the descriptions print it: 3 significant digits, no exponent from 0.0001 up
    to a million (whole numbers from 1,000 on, with all their digits); beyond, an exponent, so
    a loss that explodes is not printed to digits no run reproduces.

    >>> [number(value) for value in (0.69314, 0.05, 12.345, 1234.5, 0.0001234, 0.00001234, 0)]
    ['0.693', '0.05', '12.3', '1,234', '0.000123', '1.23e-05', '0']
    >>> [number(value) for value in (999_999.4, 2.0434e20)]
    ['999,999', '2.04e+20']
    """
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return f"{value:g}".replace("-0", "0")
    text = f"{value:.3g}"
    if "e" not in text or abs(value) >= 999_999.5:
        return text
    return f"{value:,.0f}" if abs(value) >= 1 else f"{value:.2e}"


def trend(label, values, lower_is_better=True, epochs=None):
    """One curve in words: where it starts, its best point (if not at an end), where it ends.

    ``values`` are one per epoch, at ``epochs`` (1, 2, 3... by default); the best is the
    lowest, or the highest when ``lower_is_better`` is False, the first one on ties. With
    ``lower_is_better=None`` (a metric of unknown direction) it names both extremes.

    >>> trend("validation", [1.0, 0.6, 0.55, 0.6])
    'validation falls from 1 to its lowest at epoch 3 (0.55), then rises to 0.6'
    >>> trend("validation", [0.3, 0.5, 0.7])
    'validation is lowest at epoch 1 (0.3), then rises to 0.7'
    """
    values = np.asarray(values, dtype=float)
    epochs = np.arange(1, len(values) + 1) if epochs is None else np.asarray(epochs)
    first, last = number(values[0]), number(values[-1])
    if len(values) == 1:
        return f"{label} is {first} (one epoch)"
    if all(number(value) == first for value in values):
        return f"{label} stays at {first}"
    if lower_is_better is None:
        low, high = int(np.argmin(values)), int(np.argmax(values))
        return (
            f"{label} goes from {first} to {last}, lowest at epoch {epochs[low]} "
            f"({number(values[low])}), highest at epoch {epochs[high]} ({number(values[high])})"
        )
    word, better, worse = (
        ("lowest", "falls", "rises") if lower_is_better else ("highest", "rises", "falls")
    )
    best = int(np.argmin(values) if lower_is_better else np.argmax(values))
    if best == len(values) - 1:
        return f"{label} {better} from {first} to {last}"
    best_value = number(values[best])
    then = f"and ends at {last}" if best_value == last else f"then {worse} to {last}"
    if best == 0:
        return f"{label} is {word} at epoch {epochs[0]} ({first}), {then}"
    at_best = f"its {word} at epoch {epochs[best]} ({best_value})"
    return f"{label} {better} from {first} to {at_best}, {then}"


def curves_text(runs, metric, lower_is_better=True, notes=(), val_epochs=None):
    """Curves in words, for ``runs_text`` and ``LiveLossPlot``: each run's, then ``notes``.

    ``runs``: {name: (training values, validation values or None)}; one run is named "".
    ``val_epochs``: the epochs of the validation values, when not every epoch has one.
    """
    heading = f"{metric} (higher is better)" if lower_is_better is False else metric
    parts = []
    for name, (train, val) in runs.items():
        clauses = [trend("training", train, lower_is_better)]
        if val is not None and len(val):
            clauses.append(trend("validation", val, lower_is_better, val_epochs))
        else:
            clauses.append("no validation curve: fit got no validation data")
        epochs = f"{len(train)} epoch" + ("" if len(train) == 1 else "s")
        if not name:
            lead = f"{heading} over {epochs}"
        elif len(runs) == 1:
            lead = f"{heading}, {name}, over {epochs}"
        else:
            lead = f"{name} ({epochs})"
        parts.append(f"{lead}: {'; '.join(clauses)}.")
    if len(runs) > 1:
        parts.insert(0, f"{heading}, {len(runs)} runs.")
    return " ".join(parts + [f"{note}." for note in notes])


def runs_text(runs, metric, notes=()):
    """The text ``plot_history`` attaches: each run's curves, each changing learning rate, then
    ``notes`` (what else the plot marks).

    ``runs``: {name: ``RunCurves``}, as ``course_utils.histories.named_curves`` reads them.

    >>> from course_utils.histories import named_curves
    >>> history = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7], "learning_rate": [0.1, 0.05]}
    >>> print(runs_text(named_curves(history), "loss", notes=["log scale"]))
    ... # doctest: +NORMALIZE_WHITESPACE
    loss over 2 epochs: training falls from 0.9 to 0.5; validation falls from 1 to 0.7.
    learning rate (right axis) from 0.1 to 0.05, lowered after epoch 1. log scale.
    """
    rate_notes = [
        (f"{name}: " if name else "") + learning_rate_note(run.learning_rates)
        for name, run in runs.items()
        if run.learning_rates is not None
    ]
    pairs = {name: (run.training, run.validation) for name, run in runs.items()}
    return curves_text(pairs, metric, histories.lower_is_better(metric), [*rate_notes, *notes])


def learning_rate_note(rates):
    """The learning rate drawn on the right-hand axis, in words.

    >>> learning_rate_note([0.1, 0.1, 0.05, 0.05, 0.025])
    'learning rate (right axis) from 0.1 to 0.025, lowered after epochs 2 and 4'
    """
    rates = np.asarray(rates, dtype=float)
    changes = [int(epoch) for epoch in np.flatnonzero(rates[1:] != rates[:-1]) + 1]
    verb = "lowered" if all(rates[1:] <= rates[:-1]) else "changed"
    if len(changes) > 4:
        when = f"{verb} after {len(changes)} of the {len(rates)} epochs"
    else:
        listed = ", ".join(map(str, changes[:-1]))
        epochs = f"epochs {listed} and {changes[-1]}" if listed else f"epoch {changes[-1]}"
        when = f"{verb} after {epochs}"
    return f"learning rate (right axis) from {number(rates[0])} to {number(rates[-1])}, {when}"


def _current(ax):
    """The (text, lines) attached to ``ax``, or None if none or none of its lines is left."""
    entry = _DESCRIPTIONS.get(ax)
    if entry is None:
        return None
    text, refs = entry
    lines = [ref() for ref in refs]
    lines = [line for line in lines if line is not None and line.axes is ax]
    if refs and not lines:  # the Axes was cleared since
        del _DESCRIPTIONS[ax]
        return None
    return text, lines


def _axes_text(ax, with_title):
    entry = _current(ax)
    # lines a description covers, on this Axes or on a second y axis drawn over another one
    covered = (entry[1] if entry else []) + _covered_by_others(ax)
    sentences = [entry[0]] if entry else []
    others = [_line_text(ax, line) for line in ax.lines if line not in covered]
    others = [text for text in others if text]
    if others:
        sentences.append("; ".join(others) + ".")
    if not sentences:
        return ""
    title = ax.get_title() if with_title else ""
    return (f"{title}: " if title else "") + " ".join(sentences)


def _covered_by_others(ax):
    """The lines that the descriptions of the other Axes of ``ax``'s figure cover (such as a
    learning rate that ``plot_history`` draws on a second y axis and its curves' text names)."""
    covered = []
    for other in ax.get_figure(root=True).axes:
        if other is not ax and _current(other):
            covered += [ref() for ref in _DESCRIPTIONS[other][1]]
    return [line for line in covered if line is not None]


def _line_text(ax, line):
    """A labelled line drawn by hand, in words; "" for an unlabelled one."""
    label = line.get_label()
    if not label or label.startswith("_"):
        return ""
    x = np.asarray(line.get_xdata(), dtype=float)
    y = np.asarray(line.get_ydata(), dtype=float)
    # the axis labels without their notes: "epoch (from 1)" says "epoch"
    xlabel = re.sub(r"\s*\(.*\)$", "", ax.get_xlabel()) or "x"
    ylabel = re.sub(r"\s*\(.*\)$", "", ax.get_ylabel()) or "y"
    if len(x) == 0:
        return label
    if line.get_transform() == ax.get_yaxis_transform():  # axhline: y in data units
        return f"{label}: {ylabel} {number(y[0])}"
    if line.get_transform() == ax.get_xaxis_transform():  # axvline
        return f"{label}: {xlabel} {number(x[0])}"
    if len(x) == 1:
        return f"{label}: {ylabel} {number(y[0])} at {xlabel} {number(x[0])}"
    low, high = int(np.nanargmin(y)), int(np.nanargmax(y))
    return (
        f"{label}: {ylabel} from {number(y[0])} at {xlabel} {number(x[0])} to {number(y[-1])} "
        f"at {xlabel} {number(x[-1])}; lowest {number(y[low])} at {xlabel} {number(x[low])}, "
        f"highest {number(y[high])} at {xlabel} {number(x[high])}"
    )


def _figure_text(figure):
    entry = _DESCRIPTIONS.get(figure)
    if entry is not None:
        return entry[0]
    described = [(ax, text) for ax in figure.axes if (text := _axes_text(ax, with_title=False))]
    if len(described) == 1:
        return _axes_text(described[0][0], with_title=True)
    return " ".join(
        f"{ax.get_title() or f'Plot {index} of {len(described)}'}: {text}"
        for index, (ax, text) in enumerate(described, start=1)
    )


def _plain_text(figure, printer, cycle):
    """IPython's text/plain of a Figure: its description, or matplotlib's own repr."""
    printer.text(_figure_text(figure) or repr(figure))


def _with_alt(format_image):
    """Wrap an image formatter so the output's metadata carries the description as ``alt``."""

    def format_with_alt(figure):
        data = format_image(figure)
        text = _figure_text(figure)
        if data is None or not text or isinstance(data, tuple):
            return data
        return data, {"alt": text}

    format_with_alt.course_alt_text = True
    return format_with_alt


def register_formatters():
    """In a Jupyter kernel, make a Figure's output carry its description; elsewhere nothing.

    Safe to call many times: the plotting functions call it. The inline backend registers its
    image formatters again when it is set up (``%matplotlib inline``); the next plot wraps them
    again.
    """
    if not in_jupyter_kernel():
        return
    from IPython import get_ipython  # imported already: this is a Jupyter kernel

    formatters = get_ipython().display_formatter.formatters
    formatters["text/plain"].for_type(Figure, _plain_text)
    for mime in _IMAGE_FORMATS:
        try:
            current = formatters[mime].lookup_by_type(Figure)
        except (KeyError, TypeError):
            continue  # this format is not produced for figures
        if not getattr(current, "course_alt_text", False):
            formatters[mime].for_type(Figure, _with_alt(current))
