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
# # 07 · Surprises: when the curves do not say what you expect
#
# **Time:** 55 minutes · **Prerequisites:** notebooks 01 to 04 (03 for the digits).
#
# **Questions**
# - How can the validation loss be *lower* than the training loss?
# - Why can the validation loss rise while the validation accuracy holds?
# - Why is one validation curve smooth and another jumpy?
# - Which innocent-looking habits (`validation_split`, scaling first) bias the validation loss?
# - Why does `model.evaluate` on the training rows not give the last logged `loss`?
# - Why can a model with `BatchNormalization` or augmentation layers score so differently in `fit`
#   and in `evaluate`?
#
# **Objectives**
# - Explain ordinary reasons for `val_loss < loss`, starting with the training loss's lag, and show
#   that a weight penalty such as L2 is counted in both losses, separating it with `metrics=["mse"]`.
# - Tell a real trend from the noise of a small validation set.
# - Predict which rows `validation_split` validates on, and avoid leaking validation rows into
#   preprocessing.
# - Name the layers that act differently in training and in inference (`BatchNormalization`,
#   augmentation and others), and measure a model in both modes with `model(x, training=...)`.
#
# Each surprise below is a fact about Keras 3 or about data, shown by a cell you run. Epochs are
# counted from 1, as Keras prints them.

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
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import checks, load_dataset, plot_history, seed_everything, set_description
from course_utils.plots import legend_outside

# %% [markdown]
# ## The set-up
#
# The noisy line of notebook 01 ($y = 2x + 1$ plus noise of standard deviation 0.2), split at
# random with scikit-learn's `train_test_split` into 70 training rows and 30 validation rows ($x$
# already runs from −1 to 1, so there is nothing to scale). The model has 64 ReLU units;
# `build_line_model` can add a dropout layer after them, or an L2 penalty on the weights, and always
# reports the plain mean squared error as a metric too (`metrics=["mse"]`: you will see why).
# `train` builds it and fits it on the arrays for 60 epochs, in batches of 32.
#
# Surprises 2 and 3 feed `fit` through `as_dataset`, the `tf.data` pipeline of notebook 01's
# section "The fast way": the same kind of training (every row once per epoch, batches of 32, here
# in a new order each epoch where seeded `fit` on arrays repeats one) in a fraction of the time, and
# `shuffle=False` in `fit` because the pipeline shuffles.

# %%
X, y = load_dataset("noisy_line")
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=3)


def build_line_model(dropout=0.0, l2=0.0):
    """64 ReLU units, optional dropout after them, 1 output; optional L2 penalty on the
    weights; Adam; loss MSE, with the plain MSE reported as a metric too."""
    penalty = keras.regularizers.L2(l2) if l2 else None
    layers = [
        keras.Input(shape=(1,)),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=penalty),
    ]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(1, kernel_regularizer=penalty))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mse"])
    return model


def train(dropout=0.0, l2=0.0):
    """Seed, build and fit the line model for 60 epochs; return the fitted model and its History."""
    seed_everything(0)
    model = build_line_model(dropout, l2)
    history = model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=60, batch_size=32, verbose=0
    )
    return model, history


def as_dataset(x, y, shuffle=False):
    """The rows as a tf.data pipeline, in batches of 32; with `shuffle`, a new order each epoch."""
    data = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        data = data.shuffle(len(x), seed=0, reshuffle_each_iteration=True)
    return data.batch(32)


# %% [markdown]
# ## Surprise 1: which loss is lower, training or validation?
#
# The validation rows are new to the model, so we expect them to score worse. Early in training
# they often score better, and the first reason comes from how Keras measures the training loss.
# It is not a bug.
#
# ### Reason 1: the training loss lags behind
#
# Recall notebook 01: `loss` is the mean of the batch losses, each measured *before* its update, so
# it describes weights from earlier in the epoch. `val_loss` is measured once, *after* the epoch's
# last update. With n batches of equal size, the training loss lags (n + 1)/(2n) epochs behind.
# Here the 70 training rows make three batches, of 32, 32 and 6 rows; weighted by batch size, the
# lag is about 0.79 of an epoch. While the model improves fast, the end-of-epoch weights are
# clearly better than those earlier ones, and the validation loss comes out lower.

# %% tags=["live"]
plain_model, plain_history = train()
logged = plain_history.history
print("epoch   loss  val_loss")
for epoch in (1, 2, 3, 4, 5, 6, 60):
    print(f"{epoch:5d}  {logged['loss'][epoch - 1]:.3f}     {logged['val_loss'][epoch - 1]:.3f}")

# %% [markdown]
# `plot_history(..., shift_training=True)` draws each training value half an epoch earlier: the
# lag when there are many batches, and enough to show the effect here. Here are the first 12
# epochs, as logged and shifted. On the right, the two curves fall together: what looked like a gap
# was mostly the lag. (Drawn the full 0.79 of an epoch earlier, the training curve would move a
# little further left, and the validation curve would sit a little above it in most of these
# epochs, as new rows usually do.)

# %%
first_epochs = {name: values[:12] for name, values in plain_history.history.items()}
fig, (ax_plain, ax_shifted) = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
plot_history(first_epochs, ax=ax_plain, title="as logged")
plot_history(
    first_epochs, ax=ax_shifted, shift_training=True, title="training drawn half an epoch earlier"
)
plt.show()

# %% [markdown]
# By the end the curves are flat, the lag no longer matters, and the validation loss sits a little
# *above* the training loss, as expected for rows the model never trained on. (With only 30
# validation rows, that also depends on which rows landed there: with another split it can end a
# little below. Surprise 3 shows how much small validation sets differ.)
#
# ### Exercise 1: predict the effect of dropout
#
# Next we add `Dropout(0.5)` after the hidden layer: during training, each batch switches off a
# random half of the 64 units. Before running the next cell, predict where the two curves end:
#
# - **A**: validation loss well above training loss
# - **B**: validation loss about equal to training loss
# - **C**: validation loss well below training loss

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("07.1", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "C"
checks.exercise("07.1", answer)

# %% [markdown]
# ### Reason 2: dropout (and noise layers) act only in training
#
# `Dropout` and noise layers such as `GaussianNoise` are active in training mode only. Keras
# measures `loss` in training mode and `val_loss` in inference mode, with every unit on:

# %% tags=["live"]
dropout_model, dropout_history = train(dropout=0.5)
last = {name: values[-1] for name, values in dropout_history.history.items()}
print(f"last epoch, with dropout: loss {last['loss']:.3f}, val_loss {last['val_loss']:.3f}")
plot_history({"no dropout": plain_history, "dropout 0.5": dropout_history}, log_scale=True)
plt.show()

# %% [markdown]
# The solid vermillion curve (training, dropout on) stays far above the dashed one (validation,
# dropout off). Nothing is wrong: the two numbers measure two different networks. Surprise 6 below
# measures the training rows with dropout off.

# %% [markdown]
# ### Not a reason: the weight penalty
#
# An L2 penalty adds $\lambda \sum w^2$ (here $\lambda = 0.01$) to the loss, to keep the weights
# small. A popular explanation for `val_loss < loss` is that the penalty is added to the training
# loss only (the Keras FAQ still says penalties are off at test time). It is not: Keras adds it to
# **both** `loss` and `val_loss`, in Keras 2 as in Keras 3. The metric `"mse"` never includes it, so
# `val_loss - val_mse` is exactly the penalty. `model.losses` lists the penalty terms for
# the current weights.

# %% tags=["run"]
l2_model, l2_history = train(l2=0.01)
last = {name: values[-1] for name, values in l2_history.history.items()}
for part in ("", "val_"):
    loss, mse = last[part + "loss"], last[part + "mse"]
    print(f"{part}loss {loss:.4f} = {part}mse {mse:.4f} + {loss - mse:.4f}")
print(f"L2 penalty of the final weights, from model.losses: {float(sum(l2_model.losses)):.4f}")

# %% [markdown]
# The validation penalty is the penalty of the final weights, to the last digit. The training
# penalty is close but not equal: like the rest of `loss`, it is averaged over the epoch's batches
# while the weights move. The penalty depends on the weights, not on the rows, so it adds about
# the same amount to both losses; when the data part is small, it can dominate both. Compare
# models with different penalties on `val_mse`, not on `val_loss`.
#
# ### Exercise 2: the penalty inside `val_loss`
#
# Using `l2_history` only, compute how much of the validation loss at the **first** epoch is the
# L2 penalty.

# %%
first_penalty = None  # TODO: use l2_history.history

# %%
checks.exercise("07.2", first_penalty, history=l2_history)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
first_penalty = l2_history.history["val_loss"][0] - l2_history.history["val_mse"][0]
checks.exercise("07.2", first_penalty, history=l2_history)

# %% [markdown]
# ## Surprise 2: the validation loss rises while the validation accuracy holds
#
# Back to notebook 02's classifier: 64 units trained on 80 rows for 150 epochs, the rows split with
# `stratify=` (both parts keep the class shares) and scaled on the training rows. Read its loss and
# its accuracy together:

# %%
X_class, y_class = load_dataset("classification")
x_class_train, x_class_val, y_class_train, y_class_val = train_test_split(
    X_class, y_class, test_size=0.2, random_state=2, stratify=y_class
)
class_scaler = StandardScaler().fit(x_class_train)
x_class_train = class_scaler.transform(x_class_train)
x_class_val = class_scaler.transform(x_class_val)

seed_everything(0)
classifier = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
classifier.compile(
    optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy", metrics=["accuracy"]
)
classifier_history = classifier.fit(
    as_dataset(x_class_train, y_class_train, shuffle=True),
    validation_data=as_dataset(x_class_val, y_class_val),
    epochs=150,
    shuffle=False,  # as_dataset shuffles
    verbose=0,
)
curves = classifier_history.history
lowest = int(np.argmin(curves["val_loss"]))
for label, index in (("lowest val_loss", lowest), ("last", -1)):
    print(
        f"{label:>15}: epoch {range(1, 151)[index]:3d}  val_loss {curves['val_loss'][index]:.3f}  "
        f"val_accuracy {curves['val_accuracy'][index]:.2f}"
    )
fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(11, 3.8))
plot_history(classifier_history, "loss", ax=ax_loss)
plot_history(classifier_history, "accuracy", ax=ax_accuracy)
plt.show()

# %% [markdown]
# In this run the validation loss more than doubles after its lowest point, yet the validation
# accuracy does not drop. (How far the loss rises depends on which 20 rows land in validation: with
# other splits we saw it rise by a fifth, by a half or hardly at all, and the accuracy hold or lose
# one or two rows.) Accuracy only asks on which side of 0.5 each probability falls. Cross-entropy
# also asks how confident the model was: as it grows more confident on everything, the few rows it
# gets wrong become *confident* mistakes, and each one costs more and more loss. A rising validation
# loss is still a warning: the probabilities are becoming untrustworthy, and the next new rows may
# not be so kind.

# %% [markdown]
# ## Surprise 3: a small validation set gives a noisy curve
#
# The larger copy of the same data has 2,000 rows. Keep 1,000 of them as a pool of validation rows,
# train a small classifier on 200 others, and measure **one training run** on six validation sets:
# five different sets of 20 rows from the pool, and all 1,000. `fit` measures one validation set;
# a small callback measures the others. After each epoch Keras calls the callback's `on_epoch_end`,
# where `self.model` is the model being trained: the callback computes the model's loss on each
# set, as Keras computes `val_loss` (the model in inference mode, the loss averaged over the rows).
# Validation rows never affect training, so only the measurement differs.

# %%
X_large, y_large = load_dataset("classification_large")
x_small, x_pool, y_small, y_pool = train_test_split(
    X_large, y_large, train_size=200, test_size=1000, random_state=0, stratify=y_large
)
large_scaler = StandardScaler().fit(x_small)
x_small, x_pool = large_scaler.transform(x_small), large_scaler.transform(x_pool)
validation_sets = {
    f"rows {start}-{start + 19}": (x_pool[start : start + 20], y_pool[start : start + 20])
    for start in (0, 20, 40, 60, 80)
}
validation_sets["all 1,000 rows"] = (x_pool, y_pool)


class ValidationLosses(keras.callbacks.Callback):
    """After each epoch, the model's loss on each of several validation sets."""

    def __init__(self, validation_sets):
        super().__init__()
        self.validation_sets = validation_sets
        self.val_loss = {name: [] for name in validation_sets}
        self.loss_function = keras.losses.BinaryCrossentropy()

    def on_epoch_end(self, epoch, logs=None):
        for name, (x, y) in self.validation_sets.items():
            predicted = self.model(x, training=False)
            self.val_loss[name].append(float(self.loss_function(y, predicted)))


seed_everything(0)
pool_model = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
pool_model.compile(
    optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"]
)
measured = ValidationLosses(validation_sets)
pool_history = pool_model.fit(
    as_dataset(x_small, y_small, shuffle=True),
    validation_data=as_dataset(x_pool, y_pool),
    epochs=40,
    shuffle=False,  # as_dataset shuffles
    callbacks=[measured],
    verbose=0,
)
val_losses = measured.val_loss
same = np.allclose(val_losses["all 1,000 rows"], pool_history.history["val_loss"], atol=1e-5)
print(f"the callback's loss on all 1,000 rows matches Keras's val_loss: {same}\n")
print("validation set   lowest val_loss  median jump per epoch")
for name, val_loss in val_losses.items():
    val_loss = np.array(val_loss)
    print(f"{name:<15}  {val_loss.min():15.3f}  {np.median(np.abs(np.diff(val_loss))):21.3f}")

# %% [markdown]
# Plotted together (one model, so one training curve):

# %%
fig, ax = plt.subplots(figsize=(7, 4))
epochs = np.arange(1, len(pool_history.history["loss"]) + 1)
ax.plot(epochs, pool_history.history["loss"], "-", color="#0072B2", label="training")
for name, val_loss in val_losses.items():
    if name == "all 1,000 rows":
        ax.plot(
            epochs,
            val_loss,
            "--",
            color="#0072B2",
            linewidth=2.5,
            label="validation: all 1,000 rows",
        )
    else:
        first = name == "rows 0-19"  # one legend entry for the five small sets
        ax.plot(
            epochs,
            val_loss,
            ":",
            color="#D55E00",
            linewidth=1.2,
            label="validation: five sets of 20 rows" if first else None,
        )
ax.set(xlabel="epoch", ylabel="loss (binary cross-entropy)")
legend_outside(ax)
small = {name: np.array(loss) for name, loss in val_losses.items() if name != "all 1,000 rows"}
pool_loss = np.array(val_losses["all 1,000 rows"])
set_description(
    fig,
    f"one training run over {len(epochs)} epochs: training loss falls from "
    f"{pool_history.history['loss'][0]:.3g} to {pool_history.history['loss'][-1]:.3g}; "
    f"validation on all 1,000 rows is lowest at epoch {pool_loss.argmin() + 1} "
    f"({pool_loss.min():.3g}); the five 20-row sets wiggle, each at its own level, and end "
    f"between {min(loss[-1] for loss in small.values()):.3g} and "
    f"{max(loss[-1] for loss in small.values()):.3g}.",
)
plt.show()

# %% [markdown]
# The 1,000-row curve is close to the model's true validation loss. The 20-row curves spread far
# from it: each small set happens to hold easier or harder rows, so each gives its own level, its
# own wiggles, and its own "best epoch" (Exercise 3 measures how far apart).
# Here four of the five sets scored below the 1,000 rows. Small sets look lucky a little more often
# than unlucky: a few confidently wrong rows carry much of a cross-entropy average, and 20 rows
# often miss them. An early-stopping rule watching one of them would stop wherever its noise says.
# With a small validation set: read the trend, not single epochs; give `EarlyStopping` more
# `patience` or a `min_delta`; use more validation rows if you can; or average over several splits
# (**k-fold cross-validation**: k models, each validated on a different k-th of the rows; notebook
# 10 shows it).
#
# ### Exercise 3: how far apart are the "best" epochs?
#
# Using `val_losses` (a list of 40 validation losses for each set's name), compute how many epochs
# separate the earliest and the latest best epoch (lowest validation loss) among the five 20-row
# sets.

# %%
best_epoch_spread = None  # TODO: a whole number

# %%
checks.exercise("07.3", best_epoch_spread, val_losses=val_losses)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
best_epochs = [
    int(np.argmin(val_loss)) + 1
    for name, val_loss in val_losses.items()
    if name != "all 1,000 rows"
]
best_epoch_spread = max(best_epochs) - min(best_epochs)
checks.exercise("07.3", best_epoch_spread, val_losses=val_losses)

# %% [markdown]
# Each set's best epoch, to compare with your answer:

# %%
for name, val_loss in val_losses.items():
    print(f"{name:<15}  best epoch {np.argmin(val_loss) + 1}")

# %% [markdown]
# One training run, six measurements of it: the five 20-row sets put its best epoch anywhere
# from epoch 24 to epoch 40, the last one, 16 epochs apart.

# %% [markdown]
# ## Surprise 4: which rows does `validation_split` validate on?
#
# `model.fit(x, y, validation_split=0.2)` is the shortest way to get a validation curve: Keras
# keeps 20 % of the rows out of training and validates on them. `validation_split` works with
# arrays only, NumPy arrays or tensors (given a `tf.data.Dataset`, `fit` raises an error). And if
# you also pass `validation_data`, Keras uses that and silently ignores `validation_split`.
#
# Our noisy line is stored sorted by $x$, from −1 to 1.
#
# ### Exercise 4: predict the validation rows
#
# Before running the next cell: which rows will `validation_split=0.2` validate on?
#
# - **A**: 20 rows picked at random from all over the line
# - **B**: the 20 rows with the largest $x$, from about 0.6 to 1
# - **C**: the 20 rows with the smallest $x$, from −1 to about −0.6

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("07.4", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "B"
checks.exercise("07.4", answer)

# %% [markdown]
# Check it: fit with `validation_split=0.2`, then evaluate the model on the last 20 rows and on a
# random 20. The last logged `val_loss` is the loss on the last 20 rows.

# %% tags=["run"]
seed_everything(0)
split_model = build_line_model()
split_history = split_model.fit(
    X, y, validation_split=0.2, shuffle=True, epochs=20, batch_size=32, verbose=0
)

random_rows = np.random.default_rng(0).choice(len(X), size=20, replace=False)
last_rows_loss = split_model.evaluate(X[-20:], y[-20:], verbose=0)[0]
random_rows_loss = split_model.evaluate(X[random_rows], y[random_rows], verbose=0)[0]
print(f"last logged val_loss:                         {split_history.history['val_loss'][-1]:.4f}")
print(
    f"evaluate on the last 20 rows (x from {X[-20, 0]:.2f} to {X[-1, 0]:.2f}): {last_rows_loss:.4f}"
)
print(f"evaluate on 20 random rows:                   {random_rows_loss:.4f}")

# %% [markdown]
# Keras takes the validation rows from the **end** of the arrays, before any shuffling, and
# `shuffle=True` shuffles only the training part. The fix is the one from notebook 01 and the
# set-up above: shuffle *before* you split (scikit-learn's `train_test_split`) and pass
# `validation_data=(x_val, y_val)`. If you must use `validation_split`, shuffle the arrays
# yourself first.
#
# ## Surprise 5: scaling before splitting leaks the validation rows
#
# Networks train best on standardised inputs (mean 0, standard deviation 1 per feature). The
# tempting order is: scale all the data, then split. But the scaler's mean and standard deviation
# are then computed partly from the validation rows, so the inputs the model trains on depend on
# rows it is supposed never to have seen. Information from the validation rows that reaches
# training like this is a **leak**.
#
# To see the leak, take the set-up's split, change one validation row (say a measurement error
# makes one $x$ ten times larger) and look at what happens to the *training* inputs:

# %%
x_val_changed = x_val.copy()
x_val_changed[0] *= 10


def change_in_training_inputs(fit_scaler_on):
    """Largest change of a scaled training input when one validation row changes."""
    before = fit_scaler_on(x_val).transform(x_train)
    after = fit_scaler_on(x_val_changed).transform(x_train)
    return np.abs(after - before).max()


leaky = change_in_training_inputs(
    lambda validation: StandardScaler().fit(np.vstack([x_train, validation]))
)
clean = change_in_training_inputs(lambda validation: StandardScaler().fit(x_train))
print(f"scaler fitted on all rows:           training inputs move by up to {leaky:.3f}")
print(f"scaler fitted on training rows only: training inputs move by up to {clean:.3f}")

# %% [markdown]
# With the scaler fitted on all rows, a validation row reaches into training. With scaling alone
# the effect on the validation loss is usually small, but the validation rows are no longer
# unseen. With heavier preprocessing fitted the same way (choosing features, filling in missing values,
# encoding categories by their average target) the same mistake can make a useless model look good.
#
# ### Exercise 5: the right order
#
# Which order keeps the validation rows unseen?
#
# - **A**: split, fit a scaler on the training rows, then transform the training and validation rows with it
# - **B**: fit a scaler on all rows, transform all rows, then split
# - **C**: split, then fit one scaler on the training rows and another on the validation rows

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("07.5", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "A"
checks.exercise("07.5", answer)

# %% [markdown]
# One rule covers scaling and every other preprocessing step: **split first, fit every
# preprocessing step on the training rows only, then apply it to every part.** Surprises 2 and 3
# above do exactly that: a `StandardScaler` fitted on the training rows alone
# (`StandardScaler().fit(x_class_train)`), then its `transform` applied to every part.

# %% [markdown]
# ## Surprise 6: `evaluate` on the training rows is not the last logged `loss`
#
# After `fit`, `model.evaluate(x_train, y_train)` measures the training rows again. It rarely gives
# the last logged `loss`, for the two reasons met above: it uses the **final** weights (the logged
# loss averaged weights that changed during the epoch), and it runs in **inference mode** (the
# logged loss had dropout on). The next cell trains Surprise 1's two runs again (`train` seeds
# them, so they are the same runs, number for number) and measures their training rows both ways.

# %% tags=["run"]
plain_model, plain_history = train()
dropout_model, dropout_history = train(dropout=0.5)
rows = ["model        last logged loss  evaluate(training rows)  last val_loss"]
for name, model, history in (
    ("no dropout", plain_model, plain_history),
    ("dropout 0.5", dropout_model, dropout_history),
):
    evaluated = model.evaluate(x_train, y_train, verbose=0)[0]
    rows.append(
        f"{name:<11}  {history.history['loss'][-1]:16.4f}  {evaluated:23.4f}"
        f"  {history.history['val_loss'][-1]:13.4f}"
    )
print("\n".join(rows))

# %% [markdown]
# Without dropout the two training numbers differ a little (the weights moved during the last
# epoch). With dropout they differ a lot: measured like the validation rows, in inference mode, the
# training rows score about as well as the validation rows (here a little better; with only 30
# validation rows, another split can put them a little worse). When you want to compare
# training and validation performance like for like, evaluate both with `model.evaluate` after
# training.
#
# ## Surprise 7: BatchNormalization and augmentation also act only in training
#
# Dropout is not the only layer that behaves differently in `fit` and in `evaluate`. Two more
# that learners meet early: `BatchNormalization`, and the data-augmentation layers.
#
# ### BatchNormalization: batch statistics in training, moving averages in inference
#
# `keras.layers.BatchNormalization` normalises each of its inputs to mean 0 and variance 1, then
# scales and shifts it with two trained weights. In **training mode** (each batch of `fit`) it
# uses the mean and variance of the current batch. It also keeps a running estimate of them for
# later, `moving_mean` and `moving_variance`, which start at 0 and 1; after each training batch,
# each moves 1 % of the way towards that batch's value (`momentum=0.99`, the default). In
# **inference mode** (`val_loss`, `evaluate`, `predict`) it uses those moving averages.
#
# Below is the line model with a `BatchNormalization` layer between the hidden layer and its
# ReLU, trained as before (60 epochs, batches of 32), next to the plain model of Surprise 1.


# %% tags=["run"]
def train_batch_norm(momentum=0.99):
    """The line model with BatchNormalization before the ReLU, seeded and fitted as `train` does."""
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(64),
            keras.layers.BatchNormalization(momentum=momentum),
            keras.layers.Activation("relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mse"])
    history = model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=60, batch_size=32, verbose=0
    )
    return model, history


bn_model, bn_history = train_batch_norm()
bn_logged = bn_history.history
print("epoch   loss  val_loss   (with BatchNormalization)")
for bn_epoch in (1, 2, 5, 10, 20, 40, 60):
    bn_loss, bn_val_loss = bn_logged["loss"][bn_epoch - 1], bn_logged["val_loss"][bn_epoch - 1]
    print(f"{bn_epoch:5d}  {bn_loss:.3f}     {bn_val_loss:.3f}")
bn_runs = {"no BatchNormalization": plain_history, "BatchNormalization": bn_history}
plot_history(bn_runs, log_scale=True)
plt.show()

# %% [markdown]
# The training loss falls about as fast as the plain model's, but the validation loss falls to
# about 1 within 5 epochs and then stays there, bumping up and down, far above the plain model's
# 0.04 (Surprise 1's table). (Over seeds 0 to 9 and
# their splits, after 60 epochs: validation loss between 1.0 and 2.9 with BatchNormalization,
# training loss between 0.03 and 0.15; without it, validation loss between 0.02 and 0.05.) This is
# not overfitting. The two curves measure two different networks: the training loss one normalised
# with each batch's own statistics, the validation loss one normalised with the moving averages.
#
# The next cell measures the *same* 30 validation rows both ways. `model(x, training=False)` runs
# the model in inference mode, as `val_loss` and `evaluate` do; `model(x, training=True)` in
# training mode, as `fit` does. Careful: a training-mode call also moves the moving averages, as a
# training batch would, so the cell keeps a copy of the weights (the moving averages are among
# them) and puts it back.

# %%
saved_weights = bn_model.get_weights()
mse_loss = keras.losses.MeanSquaredError()
for training in (False, True):
    mode_loss = float(mse_loss(y_val, bn_model(x_val, training=training)))
    print(f"validation rows, training={training!s:<5}:  loss {mode_loss:.4f}")
bn_model.set_weights(saved_weights)
bn_evaluated = bn_model.evaluate(x_val, y_val, verbose=0)[0]
print(f"evaluate on the validation rows:    loss {bn_evaluated:.4f}")
print(f"last logged val_loss:               loss {bn_history.history['val_loss'][-1]:.4f}")

moving_variance = np.asarray(bn_model.layers[1].moving_variance)
hidden = bn_model.layers[0](x_train).numpy()  # what BatchNormalization receives: the 64 units
print("\nhidden unit                    1      2      3      4   median of the 64")
for label, variance in (
    ("moving_variance", moving_variance),
    ("variance, training rows", hidden.var(axis=0)),
):
    print(
        f"{label:<23}" + "".join(f"{v:7.3f}" for v in variance[:4]) + f"{np.median(variance):11.3f}"
    )

# %% [markdown]
# Same rows, same weights: in training mode the loss is about ten times lower than in inference
# mode, the mode of `val_loss` and `evaluate` (which agree to the last digit). (Over seeds 0 to 9,
# always more than 5 times lower.) The last lines say why. The 64 hidden units vary far less than
# the starting variance 1, and the moving averages have not forgotten that start: each training
# batch keeps 99 % of them, and 60 epochs of 3 batches are only 180 batches, which leave
# $0.99^{180} = 0.16$ of the starting 1 in every moving variance. So the median moving variance is
# about 20 times the units' real variance (over seeds 0 to 9, always more than 5 times). In
# inference the units are divided by too large a number, squeezed towards 0, and the output
# barely depends on $x$.
#
# This is extreme because the training set is tiny: with thousands of rows an epoch holds many
# batches, and the moving averages catch up within the first epochs (the gap then shows only
# there). With few batches, a smaller `momentum` lets them follow faster. Here is the same model
# with `momentum=0.9` (each batch moves them 10 % of the way):

# %% tags=["run"]
fast_bn_model, fast_bn_history = train_batch_norm(momentum=0.9)
plot_history(
    {
        "no BatchNormalization": plain_history,
        "momentum 0.99": bn_history,
        "momentum 0.9": fast_bn_history,
    },
    log_scale=True,
)
plt.show()
print("epoch  val_loss: no BatchNormalization  momentum 0.99  momentum 0.9")
for bn_epoch in (1, 5, 10, 20, 40, 60):
    compared = (plain_history, bn_history, fast_bn_history)
    values = [run.history["val_loss"][bn_epoch - 1] for run in compared]
    print(f"{bn_epoch:5d}  {values[0]:30.3f}  {values[1]:13.3f}  {values[2]:12.3f}")
same_training = bn_history.history["loss"] == fast_bn_history.history["loss"]
print(f"\ntraining loss, momentum 0.99 and 0.9: the same at every epoch: {same_training}")

# %% [markdown]
# The two BatchNormalization runs share one training curve, to the last digit (the orange squares
# sit on the green line): in training mode the layer uses each batch's own statistics, so
# `momentum` changes only the moving averages, which only inference mode uses.
#
# With `momentum=0.9` the validation loss catches up by the end, but in the first epochs it is
# still several times the plain model's: the moving averages still lag while the weights change
# fast. (Over seeds 0 to 9 and their splits: at epoch 10, more than 4 times the plain model's
# validation loss; after 60 epochs, between 0.03 and 0.11, against 0.02 to 0.05 without
# BatchNormalization.) When a model with BatchNormalization shows a validation loss far above its
# training loss, check the two modes on the same rows, as above, before calling it overfitting.
#
# ### Exercise 6: how much of the start is left?
#
# Each training batch keeps 99 % of the moving averages and adds 1 % of the batch's value, so
# after k batches the starting values still make up $0.99^k$ of them. The model above trains on 3
# batches an epoch. At the end of epoch 5, what share of the moving averages still comes from the
# starting values? (A number between 0 and 1.)

# %%
starting_share = None  # TODO: a number between 0 and 1

# %%
checks.exercise("07.6", starting_share)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
starting_share = 0.99 ** (5 * 3)  # 5 epochs of 3 batches: 15 updates, each keeping 99 %
checks.exercise("07.6", starting_share)

# %% [markdown]
# ### Augmentation layers: harder rows in training, the plain rows in inference
#
# Data augmentation shows the model altered copies of its training rows (shifted, rotated, noisy),
# so that it learns what does not depend on those changes. Keras does it with layers such as
# `RandomTranslation`, `RandomRotation`, `RandomZoom` or `GaussianNoise`, placed at the start of
# the model. They change their inputs in training mode only; in inference mode they pass them
# through unchanged.
#
# Take the 8×8 handwritten digits of notebook 03, 1,437 training and 360 validation rows, and
# divide the pixels (0 to 16) by 16. For images, one scale for every pixel keeps a shifted image
# meaningful; notebook 03's `StandardScaler` scaled each pixel on its own. The augmented model
# turns each row back into an 8×8 image (`Reshape`), moves it by up to one pixel in each direction
# (`RandomTranslation`, the uncovered edge filled with blank pixels), and flattens it again.

# %%
X_digits, y_digits = load_dataset("digits")
x_digits_train, x_digits_val, y_digits_train, y_digits_val = train_test_split(
    X_digits / 16, y_digits, test_size=0.2, random_state=0, stratify=y_digits
)
print(f"pixels from {X_digits.min():.0f} to {X_digits.max():.0f}, now 0 to 1")
print(f"training rows: {len(x_digits_train)}, validation rows: {len(x_digits_val)}")


def shift_layer(seed=None):
    """Moves each 8x8 image by up to one pixel up or down and left or right, in training only."""
    return keras.layers.RandomTranslation(
        0.125, 0.125, fill_mode="constant", interpolation="nearest", seed=seed
    )


shift = shift_layer(seed=0)
images = x_digits_train[:8].reshape(-1, 8, 8, 1)
shifted = np.asarray(shift(images, training=True))
unchanged = np.asarray(shift(images, training=False))
print(f"training=False: every image unchanged: {np.array_equal(unchanged, images)}")
moved = [not np.array_equal(image, before) for image, before in zip(shifted, images)]
print(f"training=True:  {sum(moved)} of {len(images)} images moved")
fig, axes = plt.subplots(2, 8, figsize=(11, 3))
for column, (image, after) in enumerate(zip(images, shifted)):
    axes[0, column].imshow(image[:, :, 0], cmap="gray_r")
    axes[1, column].imshow(after[:, :, 0], cmap="gray_r")
axes[0, 0].set_title("as stored", loc="left")
axes[1, 0].set_title("training=True", loc="left")
for ax in axes.flat:
    ax.axis("off")
set_description(
    fig,
    f"the first {len(images)} training digits, 8 by 8 pixels: top row as stored, bottom row "
    f"after RandomTranslation with training=True; {sum(moved)} of {len(images)} moved",
)
plt.show()

# %% [markdown]
# Now train the same small classifier (64 ReLU units, 10 softmax units) with and without the
# shifts, 20 epochs each:


# %% tags=["run"]
def train_digits(augment):
    """Seed, build and fit a digits classifier, with or without random shifts; its History."""
    seed_everything(0)
    layers = [keras.Input(shape=(64,))]
    if augment:
        layers += [keras.layers.Reshape((8, 8, 1)), shift_layer(), keras.layers.Flatten()]
    layers += [
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_digits_train,
        y_digits_train,
        validation_data=(x_digits_val, y_digits_val),
        epochs=20,
        batch_size=32,
        verbose=0,
    )
    return model, history


digit_runs = {"no augmentation": train_digits(False), "random shifts": train_digits(True)}
print("model              last loss  evaluate(training rows)  last val_loss")
for run_name, (digits_model, digits_history) in digit_runs.items():
    digits_evaluated = digits_model.evaluate(x_digits_train, y_digits_train, verbose=0)[0]
    print(
        f"{run_name:<17}  {digits_history.history['loss'][-1]:9.3f}  {digits_evaluated:23.3f}"
        f"  {digits_history.history['val_loss'][-1]:13.3f}"
    )
plot_history({run_name: run[1] for run_name, run in digit_runs.items()}, log_scale=True)
plt.show()

# %% [markdown]
# Without augmentation, the training loss ends far below the validation loss (over seeds 0 to 9,
# always below a quarter of it): the model has learned its 1,437 training images almost by heart.
# With the shifts, the training loss is measured on moved images, harder than the stored ones, and
# here it ends *above* the validation loss (in 8 of seeds 0 to 9; in the other two, just below).
# It is not the model's loss on its training rows: `evaluate`, in inference mode, measures those
# unmoved and gets 0.117, not 0.211 (over seeds 0 to 9, the logged loss is always more than 1.3
# times `evaluate`'s). As with dropout, compare like with like: `evaluate` both sets after
# training.
#
# One trap with the image layers: called directly without `training=`, a layer takes its own
# default, and for `RandomTranslation`, `RandomRotation`, `RandomZoom` and the other image
# augmentation layers that default is `training=True` (for `Dropout` and `GaussianNoise` it is
# `False`). So `model(x)` on the augmented model shifts the images; `model(x, training=False)`,
# `predict` and `evaluate` do not. Pass `training=False` whenever you call a model directly.
#
# ## Key points
#
# - `val_loss < loss` is normal when the model is still improving fast (the training loss lags
#   (n + 1)/(2n) epochs for n equal batches, about half an epoch when there are many:
#   `plot_history(..., shift_training=True)`), with dropout or noise layers (on only
#   in training), or when a small validation set happens to hold easy rows (Surprise 3 shows how
#   much small sets differ).
# - Weight penalties (L1, L2) are in **both** `loss` and `val_loss`; add `metrics=["mse"]` (or the
#   metric matching your loss) to see the error without the penalty. For a binary classifier that
#   is `metrics=["binary_crossentropy"]`, and then the labels must be a column, `y[:, None]`:
#   Keras 3 accepts 1-D labels for the loss but not for that metric (it raises a rank error).
# - Validation loss can rise while validation accuracy holds: cross-entropy punishes confident
#   mistakes that accuracy counts only once.
# - A small validation set gives a noisy curve: read trends, use patience or `min_delta`, more
#   validation rows, or k-fold cross-validation.
# - `validation_split` takes the last rows, unshuffled. Shuffle first, or pass `validation_data`.
# - Fit scalers and every other preprocessing step on the training rows only.
# - `model.evaluate` on the training rows uses the final weights in inference mode; the logged
#   `loss` does not.
# - `BatchNormalization` normalises with each batch's statistics in training and with moving
#   averages in inference (`val_loss`, `evaluate`, `predict`). The moving averages move
#   `1 - momentum` of the way per training batch, so with few batches they lag and the validation
#   loss can sit far above the training loss without any overfitting. Compare
#   `model(x, training=True)` with `model(x, training=False)` on the same rows; a smaller
#   `momentum` or more batches help.
# - Augmentation layers alter the rows in training only: the training loss is measured on harder
#   rows and can end above the validation loss. Called directly, the image layers default to
#   `training=True`: pass `training=False`.
#
# ## Try next
#
# - Replace `Dropout(0.5)` by `keras.layers.GaussianNoise(0.5)` in `build_line_model`: does the
#   same surprise appear?
# - In Surprise 3, use sets of 100 rows instead of 20: how far apart are the curves now?
# - In Surprise 4, shuffle `X` and `y` together (`np.random.default_rng(0).permutation(len(X))`)
#   before `fit`, and compare the validation loss.
# - In Surprise 7, train the BatchNormalization model with `batch_size=8` (9 batches an epoch):
#   do the moving averages catch up? What happens to the training loss?
