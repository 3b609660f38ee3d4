# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (loss course)
#     language: python
#     name: loss-course
# ---

# %% [markdown]
# # 06 · Reading curves
#
# **Time:** 45 minutes · **Prerequisites:** notebooks 01 to 04.
#
# **Questions**
# - What do underfitting, overfitting, a good fit and a run that is still improving look like?
# - Which lever fixes which shape: capacity, data, label noise, L2, dropout, learning rate, epochs?
# - What is the other "learning curve", the one over training-set size?
#
# **Objectives**
# - Name the shape of a pair of loss curves and check it with `diagnose`.
# - Predict what one lever will do to the curves, then test the prediction.
# - Read scikit-learn's learning curve over training-set size and say whether more data would help.
# - Use the explorer to move one lever at a time and watch the curves change.

# %%
# Colab, Kaggle or your own Python: install course_utils, the course's small library, when it
# is missing. In the course's environment it is installed already, and this cell does nothing.
import importlib.util
import subprocess
import sys

COURSE = ""  # where course_utils comes from: written by `make publish`

if importlib.util.find_spec("course_utils") is None:
    if not COURSE:
        raise RuntimeError(
            "This copy of the course is not published yet, so there is nowhere to install "
            "course_utils from. Open the lessons in the course folder (make lab), or ask your "
            "instructor for the course's published link."
        )
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", COURSE],
        capture_output=True,
        text=True,
    )
    if pip.returncode:
        raise RuntimeError(
            f"Installing course_utils from {COURSE} failed; pip said:\n{pip.stderr[-800:]}\n"
            "Check that this notebook may use the internet (Kaggle: Settings, Internet on), "
            "then run this cell again."
        )

# %%
import inspect

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LearningCurveDisplay
from sklearn.neural_network import MLPClassifier

from course_utils import CurveExplorer, checks, plot_history
from course_utils.experiments import build_network
from course_utils.explorer import Settings, explorer_data, run_experiment
from course_utils.plots import OKABE_ITO, legend_outside
from course_utils.reproducibility import seed_everything

# %% [markdown]
# ## The experiment
#
# All runs in this notebook train the same kind of model on the same data, and change one thing
# at a time. The data: 2,000 rows with 10 features and two balanced classes, split once into
# 1,600 training and 400 validation rows (scaled by a `StandardScaler` fitted on the training rows).
# The validation rows never change, so every validation curve below is measured on the same rows.

# %%
data = explorer_data()
print(
    f"training rows: {len(data.y_train)}, validation rows: {len(data.y_val)}, "
    f"features: {data.x_train.shape[1]}, share of class 1: {data.y_train.mean():.2f}"
)

# %% [markdown]
# `Settings` holds one value per lever; the defaults are a model with one hidden layer of 16
# ReLU units, trained with Adam (learning rate 0.01) on the first 200 training rows for 30 epochs:

# %%
print(Settings())

# %% [markdown]
# `run_experiment(settings)` does what the training cells of notebooks 01 to 04 did:
# `seed_everything(0)`, build the model, fit it with the validation rows, then `diagnose` the
# history against `baseline_loss` (the loss of always predicting the share of class 1). It returns
# a `Run` with `.history`, `.baseline` and `.diagnosis`. The model is plain Keras; here is the
# function that builds it (the levers are its arguments):

# %%
print(inspect.getsource(build_network))

# %% [markdown]
# Written out for the default settings, that is the model and the `fit` call of notebooks 01 to 04:

# %%
seed_everything(0)
plain_model = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
plain_model.compile(
    optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"]
)
plain_history = plain_model.fit(
    data.x_train[:200],
    data.y_train[:200],
    validation_data=(data.x_val, data.y_val),
    epochs=30,
    batch_size=32,
    verbose=0,
)
defaults_history = run_experiment(Settings()).history
for name, history in (("model.fit", plain_history.history), ("run_experiment", defaults_history)):
    val_loss = history["val_loss"]
    print(
        f"{name:>14}: lowest val_loss {min(val_loss):.3f} (epoch {np.argmin(val_loss) + 1}), "
        f"last {val_loss[-1]:.3f}"
    )

# %% [markdown]
# `run_experiment` trains the same model on the same rows; it only feeds them faster, since the
# explorer at the end of this notebook trains a model for every slider move. It feeds the rows
# through the `tf.data` pipeline of notebook 01 (a dataset built once). On its first call, `fit` has
# TensorFlow record the operations of one training step as a **graph**, which it then runs for every
# batch; a model that has been through this is a **traced model**. `run_experiment` compiles the
# model with **`steps_per_execution`** (a `compile` argument, in `build_network` above: how many
# batches each call of the graph runs, 1 by default) set to the batches of one epoch: the seven
# batches of 200 rows take one call instead of seven. The explorer also keeps one traced model per
# architecture and resets its weights from the seed, instead of building a new model that TensorFlow
# would have to trace again. `run_experiment`'s batches come in another shuffled order, so its
# numbers differ a little from the plain fit's (two runs, two orders), not the shape of its curves.
#
# Some runs below add an **L2 penalty**, the sum of the squared weights times a small factor, to
# the loss, to keep the weights small; Keras adds that penalty to both `loss` and `val_loss`
# (notebook 07 shows it). A penalised `val_loss` cannot be compared with an unpenalised one, or
# with the baseline. So the model is compiled with the plain cross-entropy as a metric too
# (`metrics=["accuracy", "binary_crossentropy"]`), and every plot, table and verdict in this
# notebook reads that penalty-free curve, `val_binary_crossentropy`, as TensorFlow's own
# overfitting tutorial does. Without a penalty it equals `val_loss`.
#
# The same settings and seed always give the same curves, so `experiment` below keeps every run
# and never trains the same settings twice. That keeps this notebook fast.

# %%
runs = {}


def experiment(settings):
    """run_experiment(settings), trained once and then remembered."""
    if settings not in runs:
        runs[settings] = run_experiment(settings)
    return runs[settings]


# %% [markdown]
# ## A gallery of four shapes
#
# Four runs, each one or two settings away from the defaults. Each plot shows the training
# (solid) and validation (dashed) cross-entropy, the baseline (dotted grey) and `diagnose`'s
# verdict in the title. The four plots share one y axis, so the same height means the same loss
# in each of them.

# %%
GALLERY = {
    "3 layers, strong L2": Settings(depth=3, l2=0.1),
    "big model, 100 rows": Settings(width=64, train_size=100, epochs=60),
    "the defaults": Settings(),
    "the defaults, 10 epochs": Settings(epochs=10),
}
# one y axis for all four (the same loss), legends beside the plots
fig, axes = plt.subplots(2, 2, figsize=(13, 7), sharey=True, layout="constrained")
for ax, (name, settings) in zip(axes.flat, GALLERY.items()):
    run = experiment(settings)
    plot_history(
        run.history, "binary_crossentropy", ax=ax, title=f"{name}: {run.diagnosis.verdict}"
    )
    ax.axhline(run.baseline, color="0.5", linestyle=":", label="baseline (constant guess)")
    legend_outside(ax, fontsize="small")
plt.show()

print("run                       verdict           best epoch  lowest val  last val  baseline")
for name, settings in GALLERY.items():
    run = experiment(settings)
    val = run.history["val_binary_crossentropy"]
    print(
        f"{name:25} {run.diagnosis.verdict:17} {run.diagnosis.best_epoch:10}  "
        f"{min(val):10.3f}  {val[-1]:8.3f}  {run.baseline:8.3f}"
    )

# %% [markdown]
# How to read each shape, and what to do about it. Two words in the last column: a model's
# **capacity** is how complex a function it can fit (more units and more layers give more), and
# **regularisation** is anything that limits how closely a model can fit its training rows (an L2
# penalty, dropout, a smaller model, early stopping).
#
# | shape | what the curves do | what to try |
# | --- | --- | --- |
# | **underfitting** | both losses stay high, close to the baseline and to each other | more capacity (units, layers), less regularisation, a better learning rate; if a larger model does no better, the features may hold little signal |
# | **overfitting** | training loss keeps falling; validation loss reaches a minimum, then rises (or never gets clearly below the baseline while the training loss falls far below it) | keep the best epoch (early stopping), more training data, L2, dropout, a smaller model |
# | **good fit** | validation loss levels off below the baseline and stays there | nothing urgent; the curves cannot tell you whether a larger model or more data would go lower, only trying can |
# | **still improving** | the validation loss is still falling at the last epoch | more epochs (or a larger learning rate) before you judge |
#
# A "good fit" is a statement about the shape of the curves, not a promise that nothing better
# exists. The defaults' run is one: its validation cross-entropy levelled off. Here is what the
# same model reaches on the same validation rows when it learns from all 1,600 training rows:

# %%
defaults = experiment(Settings())
more_rows = experiment(Settings(train_size=1600))
for name, run in (("the defaults, 200 rows", defaults), ("the same model, 1,600 rows", more_rows)):
    print(
        f"{name:27} {run.diagnosis.verdict:10} lowest validation cross-entropy "
        f"{min(run.history['val_binary_crossentropy']):.3f}"
    )

# %% [markdown]
# It goes much lower, and levels off too. So "good fit" says the curves levelled off without
# turning back, not that the remaining loss is noise that no model could remove: the curves of
# one run cannot tell, only trying another model or more data can.
#
# A verdict near a threshold can also change with the seed. Re-run with 10 seeds (another split,
# other starting weights: `tests/data/seed_claims.md`), the other three gallery runs got the same
# verdict every time, but the defaults got "good fit" in only 6: on the other splits the same
# settings still improved a little at epoch 30, or had just started to turn upwards.
#
# The strong L2 penalty pushes every weight of the "3 layers, strong L2" run towards 0, until the
# model predicts the same value for every row: its cross-entropy settles on the baseline, on the
# training rows as on the validation rows.
#
# `diagnose` explains its verdict in words. Here is the overfitting run:

# %%
print(experiment(GALLERY["big model, 100 rows"]).diagnosis)


# %% [markdown]
# ## The levers, one at a time
#
# `compare` trains one run per setting, prints each verdict and draws all the curves on one plot,
# one colour per run. Each section below starts from a run in the gallery and changes one lever.


# %%
def compare(named_settings, title):
    """Train each setting (once), print the verdicts, plot all curves together."""
    print(f"{'run':22} {'verdict':17} {'best epoch':>10} {'lowest val':>11} {'last val':>9}")
    histories = {}
    for name, settings in named_settings.items():
        run = experiment(settings)
        histories[name] = run.history
        val = run.history["val_binary_crossentropy"]  # penalty-free, see above
        print(
            f"{name:22} {run.diagnosis.verdict:17} {run.diagnosis.best_epoch:10} "
            f"{min(val):11.3f} {val[-1]:9.3f}"
        )
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    plot_history(histories, "binary_crossentropy", ax=ax, title=title)
    legend_outside(ax, fontsize="small")
    plt.show()


OVERFIT = GALLERY["big model, 100 rows"]  # 64 units, 100 training rows, 60 epochs

# %% [markdown]
# ### Capacity: width and depth
#
# ### Exercise 1: predict the curves
#
# The overfitting run has 64 units and only 100 training rows. Keep everything else and give the
# hidden layer **4 units** instead. Before you run the next cells, predict what happens to the
# validation curve:
#
# - **A**: no more overfitting: the validation loss no longer turns upwards within the 60 epochs
# - **B**: still overfitting, and worse
# - **C**: underfitting: 4 units are too few to learn anything

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("06.1", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "A"
checks.exercise("06.1", answer)

# %% tags=["run"]
compare(
    {
        "4 units": Settings(width=4, train_size=100, epochs=60),
        "16 units": Settings(width=16, train_size=100, epochs=60),
        "64 units": OVERFIT,
    },
    title="capacity, 100 training rows",
)

# %% [markdown]
# More capacity lets the training loss fall further and faster; with only 100 rows to learn
# from, the extra capacity goes into memorising them, and the validation loss turns upwards.
# The 16-unit run turns too, later and less: its validation cross-entropy is lowest at epoch 42
# (0.406) and ends 12 % higher, at 0.457. The 4-unit run is slower still and does not turn
# within the 60 epochs. (Re-run with 10 seeds, the 16-unit run overfits in 8; the 4-unit run
# overfits in none, but `diagnose` calls it a good fit in only 3 and "still improving" in the
# others: a model that small learns slowly. See `tests/data/seed_claims.md`.) Depth (the
# "hidden layers" slider in the explorer below) adds capacity too.

# %% [markdown]
# ### Training-set size
#
# The same 64-unit model, trained on more rows (the validation rows stay the same):

# %% tags=["run"]
compare(
    {
        "100 rows": OVERFIT,
        "400 rows": Settings(width=64, train_size=400, epochs=60),
    },
    title="training rows, 64 units",
)

# %% [markdown]
# More data is the most reliable cure: the lowest validation loss drops a long way. It does
# not remove the turn upwards on its own: 400 rows still do not stop a 64-unit model overfitting
# after enough epochs. Data size, capacity and training time act together (the last section of
# this notebook looks at data size on its own axis).

# %% [markdown]
# ### Regularisation: L2 and dropout
#
# L2 adds a penalty for large weights to the loss (so `loss` and `val_loss` both include it, see
# notebook 07); dropout switches off a random share of the hidden units at every training step
# (only in training, so the training loss is measured on a handicapped model). As everywhere in
# this notebook, the runs are compared on the penalty-free cross-entropy.

# %% tags=["run"]
compare(
    {
        "no regularisation": OVERFIT,
        "L2 0.01": Settings(width=64, train_size=100, epochs=60, l2=0.01),
        "dropout 0.5": Settings(width=64, train_size=100, epochs=60, dropout=0.5),
    },
    title="regularisation, 64 units, 100 rows",
)

# What the penalty does to val_loss: the same L2 run, read both ways
l2_history = experiment(Settings(width=64, train_size=100, epochs=60, l2=0.01)).history
for name in ("val_loss", "val_binary_crossentropy"):
    values = np.array(l2_history[name])
    print(
        f"L2 0.01, {name:24} lowest {values.min():.3f} at epoch {values.argmin() + 1}, "
        f"last {values[-1]:.3f} ({values[-1] / values.min() - 1:+.0%})"
    )

# %% [markdown]
# Both keep the training loss away from 0, and both reach a lower validation cross-entropy than
# the unregularised run (0.392 with L2, 0.404 with dropout, against 0.447). Neither removes the
# rise here: after its best epoch each penalty-free curve turns upwards again, by 13 % with L2
# and 20 % with dropout. How often that holds depends on the seed (with L2 in 7 and with dropout
# in 6 of 10 seeds, so on some splits one of them is enough).
#
# The last two lines show why the L2 run must be read on the penalty-free curve. Its `val_loss`
# rises only 9 %, and its lowest point is 7 epochs later: the penalty in it shrinks while the
# model trains, and that fall hides part of the rise in the cross-entropy. Ranked by `val_loss`,
# the L2 run would even look worse than dropout. Dropout's training curve is jumpy, because every
# step drops different units. Too much regularisation underfits: the gallery's "3 layers, strong
# L2" run learned nothing beyond the constant guess.

# %% [markdown]
# ### Exercise 2: fix the overfitting run
#
# Change **one** lever of the overfitting run so that `diagnose` calls it a good fit. The cell
# below holds the overfitting run's settings: change one of them there, then run the check cell
# after it. (The check reads the penalty-free curve, `val_binary_crossentropy`, as `diagnose` does
# everywhere in this notebook.)

# %%
my_settings = Settings(width=64, train_size=100, epochs=60)  # TODO: change one lever

# %%
my_run = experiment(my_settings)
checks.exercise("06.2", my_run)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
my_settings = Settings(width=4, train_size=100, epochs=60)  # too few units to memorise
my_run = experiment(my_settings)
checks.exercise("06.2", my_run)

# %% [markdown]
# ### Label noise
#
# Flipping a share of the *training* labels (the validation labels stay true) adds
# **label noise**, labels that are wrong, and makes the training rows contradict each other. Starting from the defaults, trained for 60 epochs so that each run
# has time to show what it does with the flipped labels:

# %%
compare(
    {
        "no noise": Settings(epochs=60),
        "20 % flipped": Settings(label_noise=0.2, epochs=60),
        "40 % flipped": Settings(label_noise=0.4, epochs=60),
    },
    title="label noise, default model, 60 epochs",
)
for noise in (0.2, 0.4):
    run = experiment(Settings(label_noise=noise, epochs=60))
    print(
        f"{noise:.0%} flipped: training cross-entropy ends at "
        f"{run.history['binary_crossentropy'][-1]:.3f}, validation at "
        f"{run.history['val_binary_crossentropy'][-1] / run.baseline:.0%} of the baseline"
    )

# %% [markdown]
# With noisy labels the training loss cannot go as low (some labels are simply wrong), and the
# validation loss, measured against the true labels, ends higher too. By epoch 60 all three runs
# overfit, each in its own way. Without noise the validation loss turns upwards after epoch 29:
# the model starts to learn details of its 200 rows. With 20 % flipped, the best validation loss
# is far higher (0.467) and comes later. With 40 % flipped, the validation cross-entropy never gets
# clearly below the baseline (it ends at 123 % of it) while the training cross-entropy falls to
# 0.525: the model learns the flipped labels by heart. That is overfitting, not underfitting, and
# more capacity would make it worse. No lever on the model fixes noise; cleaner labels or more
# rows do.

# %% [markdown]
# ### Learning rate and epochs
#
# The learning rate sets the size of each step; the number of epochs, how many steps are taken.

# %%
compare(
    {
        "lr 0.001": Settings(learning_rate=0.001),
        "lr 0.01": Settings(),
        "lr 0.1": Settings(learning_rate=0.1),
    },
    title="learning rate, default model",
)

# %% [markdown]
# A small learning rate learns slowly: after 30 epochs that run is still improving, and
# needs more epochs, not a different model. A large one learns fast, reaches its best validation
# loss within a few epochs and then overfits: the same 30 epochs are far too many for it.
#
# Training for 10 epochs instead of 30 is the same run stopped earlier: with the same seed, its
# 10 epochs are the first 10 of the 30-epoch run, to the last digit. Drawn as two runs, one would
# hide under the other, so the plot shows the 30-epoch run and marks where the 10-epoch run stops:

# %%
ten_epochs, thirty_epochs = experiment(Settings(epochs=10)), experiment(Settings())
same = all(
    np.array_equal(values, thirty_epochs.history[name][:10])
    for name, values in ten_epochs.history.items()
)
print(f"the 10-epoch run is the 30-epoch run's first 10 epochs: {same}")
print(f"{'run':22} {'verdict':17} {'best epoch':>10} {'lowest val':>11} {'last val':>9}")
for name, run in (("10 epochs", ten_epochs), ("30 epochs", thirty_epochs)):
    val = run.history["val_binary_crossentropy"]
    print(
        f"{name:22} {run.diagnosis.verdict:17} {run.diagnosis.best_epoch:10} "
        f"{min(val):11.3f} {val[-1]:9.3f}"
    )
ax = plot_history(thirty_epochs.history, "binary_crossentropy", title="epochs, default model")
ax.axvline(10, color="0.5", linestyle=":", label="the 10-epoch run stops here")
legend_outside(ax, fontsize="small")
plt.show()

# %% [markdown]
# Stopping after 10 epochs cuts the default run off while it is still improving.

# %% [markdown]
# ## The other learning curve: loss against training-set size
#
# So far every curve had **epochs** on the x axis: one training run, measured after each epoch.
# A **learning curve**, as scikit-learn draws it with `LearningCurveDisplay`, puts the **number of
# training rows** on the x axis instead: each point is a whole training run on the first *n*
# training rows, measured at the end of it. We give
# it exactly our split (the same 1,600 training and 400 validation rows), so each point is one
# setting of our `train_size` lever.
#
# Two scikit-learn models, both trained to convergence: a logistic regression (a straight
# boundary) and scikit-learn's own small neural network (16 ReLU units, like our default model,
# plus a small L2 penalty, `alpha=0.01`, that our default model does not have).

# %%
x_all = np.vstack([data.x_train, data.x_val])
y_all = np.concatenate([data.y_train, data.y_val])
our_split = [(np.arange(len(data.y_train)), np.arange(len(data.y_train), len(y_all)))]

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True, layout="constrained")
for ax, (name, model) in zip(
    axes,
    {
        "logistic regression": LogisticRegression(),
        "neural network, 16 units": MLPClassifier(
            hidden_layer_sizes=(16,), alpha=0.01, max_iter=2000, random_state=0
        ),
    }.items(),
):
    display = LearningCurveDisplay.from_estimator(
        model,
        x_all,
        y_all,
        train_sizes=[50, 100, 200, 400, 800, 1600],
        cv=our_split,
        scoring="neg_log_loss",
        negate_score=True,
        score_name="loss (cross-entropy)",
        score_type="both",
        std_display_style=None,
        ax=ax,
    )
    for line, style, label in zip(display.lines_, ("-", "--"), ("training", "validation")):
        line.set(color=OKABE_ITO[0], linestyle=style, marker="o", label=label)
    ax.set(title=name, xlabel="training rows")
    legend_outside(ax)
plt.show()

# %% [markdown]
# ### Exercise 3: would more data help?
#
# Look at the two plots above. If you could collect 10 times more training rows, which model's
# validation loss would you expect to improve the most?
#
# - **A**: the logistic regression
# - **B**: the neural network
# - **C**: neither: both validation curves have levelled off

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("06.3", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "B"
checks.exercise("06.3", answer)

# %% [markdown]
# The two kinds of learning curve answer different questions. Over **epochs**: has this run
# trained long enough, or too long? Over **training-set size**: is this model limited by its
# data (the validation loss still falls and the gap is still closing: get more rows) or by its
# capacity (both curves flat, close together and high: change the model)? The x axis is
# logarithmic: each point has about twice the rows of the one before.
#
# ## The explorer
#
# `CurveExplorer` puts one slider per lever above the curves. Move a slider and let go: it
# trains again with the new setting (about a second) and redraws, the new run in blue and the run
# before it in orange, with `diagnose`'s verdict and what changed under the sliders. Settings
# that take longer (many epochs, many rows) wait for the **Train** button.
#
# The explorer needs a live Jupyter kernel; in a static copy of this notebook (on GitHub, say)
# you see the saved result of the cell after it instead.

# %% tags=["nbval-ignore-output", "live"]
explorer = CurveExplorer(Settings())
explorer

# %% [markdown]
# Moving a slider is the same as setting its value from code. This cell moves "units per
# layer" from 16 to 64 (in a live notebook you see the widget above change too), then prints
# what changed and the verdict, and draws the last two runs:

# %%
explorer.controls["width"].value = 64
print("changed:", explorer.run.settings.changes_from(explorer.runs[-2].settings))
print("verdict:", explorer.run.diagnosis.verdict)
explorer.plot()
plt.show()

# %% [markdown]
# Things to try with the explorer, one lever at a time:
#
# - From the overfitting settings above, which single lever gives a good fit with the fewest
#   changes? Does "L2" or "dropout" work better here?
# - Set "label noise" to 0.4. Does any lever on the model bring the validation loss back down?
# - Set "learning rate" to 0.0001. Which verdict, and which other slider rescues it?
# - Set "hidden layers" to 0 (a logistic regression). What happens when you then add rows?
#
# ## Key points
#
# - Underfitting: both curves high, near the baseline. Overfitting: validation turns up while
#   training keeps falling, or never gets clearly below the baseline while training falls far
#   below it (memorising). Good fit: validation levels off below the baseline; whether another
#   model or more data would go lower, one run's curves cannot say. Still improving: validation
#   still falling at the end.
# - Each lever moves the curves in a predictable direction: capacity and learning rate speed
#   up learning (and overfitting); more data, L2 and dropout slow overfitting; label noise raises
#   the floor that no model lever can lower; epochs decide where on the curve you stop.
# - Change one lever at a time, and compare against the run before, on the same validation rows
#   and on a penalty-free metric (`val_binary_crossentropy`), never on a `val_loss` that includes
#   an L2 penalty.
# - A verdict read off one run can change with the seed (another split, other starting
#   weights): re-run a close call with a few seeds before you act on it.
# - A learning curve over epochs asks "trained long enough?"; a learning curve over
#   training-set size asks "would more data help?".
#
# ## Try next
#
# - In the explorer, find the smallest "training rows" at which the default model still gives a
#   good fit.
# - Re-run the `LearningCurveDisplay` cell with `MLPClassifier(hidden_layer_sizes=(64,), alpha=0.0001, ...)`:
#   how does the gap change?
