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
# # 01 · Regression: training loss and validation loss with MSE
#
# **Time:** 35 minutes · **Prerequisites:** notebook 00.
#
# **Questions**
# - What exactly are the training loss and the validation loss that Keras prints?
# - How do I plot them and read the plot?
# - Why does the way I choose the validation rows matter so much?
#
# **Objectives**
# - Explain how Keras computes `loss` and `val_loss` in each epoch.
# - Compare MSE and MAE on the same fit.
# - Recognise a validation set that tests extrapolation, and fix it with a shuffled split.
# - Read a pair of curves as one of four verdicts (underfitting, overfitting, good fit, still
#   improving), and act on it.

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
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split

from course_utils import (
    LiveLossPlot,
    baseline_loss,
    checks,
    diagnose,
    load_dataset,
    plot_history,
    seed_everything,
    set_description,
)

# %% [markdown]
# ## The data: a noisy straight line
#
# 100 points on the line $y = 2x + 1$, with Gaussian noise of standard deviation 0.2 added to
# each $y$. The $x$ values are evenly spaced from −1 to 1 and **sorted**, as `np.linspace` makes them.

# %%
X, y = load_dataset("noisy_line")
print(
    f"X: {X.shape}, y: {y.shape}; x runs from {X[0, 0]:.0f} to {X[-1, 0]:.0f}, in increasing order"
)

fig, ax = plt.subplots(figsize=(5, 3))
ax.scatter(X[:, 0], y, s=10, color="#0072B2")
ax.set(xlabel="x", ylabel="y", title="y = 2x + 1 + noise")
slope, intercept = np.polyfit(X[:, 0], y, 1)  # the scatter in words, for a screen reader
spread = np.std(y - (slope * X[:, 0] + intercept))
set_description(
    fig,
    f"{len(y)} points, x from {X[0, 0]:.0f} to {X[-1, 0]:.0f}, y from {y.min():.1f} to "
    f"{y.max():.1f}, scattered around the straight line y = {slope:.1f}x + {intercept:.1f} "
    f"(typical distance from it {spread:.1f}).",
)
plt.show()

# %% [markdown]
# ## A first split, the quick way
#
# The quickest way to keep 20 % of the rows aside is to cut off the last 20 rows. Many tutorials
# (and the article this course grew from) do exactly this:

# %%
x_train_sorted, x_val_sorted = X[:80], X[80:]
y_train_sorted, y_val_sorted = y[:80], y[80:]
print(f"training x: {x_train_sorted.min():.2f} to {x_train_sorted.max():.2f}")
print(f"validation x: {x_val_sorted.min():.2f} to {x_val_sorted.max():.2f}")


# %% [markdown]
# The model: one hidden layer of 10 **ReLU** units (each outputs its weighted sum, or 0 when that
# is negative) and one output, trained on the mean squared error (MSE) with **Adam**, the
# optimiser most lessons use: it adapts the size of each weight's nudges as training goes. We also
# ask Keras to report the **mean absolute error** (MAE), the average size of the errors. A small
# function builds it, so every experiment below starts from the same recipe.


# %% tags=["live"]
def build_line_model(learning_rate=0.001):
    """10 ReLU units and 1 output; Adam; loss MSE, MAE reported as a metric."""
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(10, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse", metrics=["mae"])
    return model


# %% [markdown]
# ### Exercise 1: predict the curves
#
# We will train on $x \in [-1, 0.6]$ and validate on $x \in [0.62, 1]$ for 100 epochs. Before
# running the training cell, predict what you will see at the end:
#
# - **A**: validation loss well above training loss
# - **B**: validation loss close to training loss
# - **C**: validation loss well below training loss

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("01.1", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "A"
checks.exercise("01.1", answer)

# %% [markdown]
# Now train. `LiveLossPlot` is a Keras **callback**: an object that `fit` calls at fixed moments
# of training (here, at the end of every epoch), so that it can act while `fit` runs. This one
# draws both curves as they grow (in JupyterLab the figure updates in place). Each experiment gets
# its own names (`sorted_model`, `sorted_history`), so re-running any cell later gives the same
# numbers again.

# %% tags=["live"]
seed_everything(0)
sorted_model = build_line_model()
sorted_history = sorted_model.fit(
    x_train_sorted,
    y_train_sorted,
    validation_data=(x_val_sorted, y_val_sorted),
    epochs=100,
    batch_size=32,
    verbose=0,
    callbacks=[LiveLossPlot()],
)

# %% [markdown]
# ## How Keras computes the two numbers
#
# In every epoch Keras goes through the 80 training rows in shuffled batches of 32 (so 3 batches:
# 32, 32 and 16 rows). For each batch it
#
# 1. predicts with the current weights, **in training mode**, the mode `fit` trains in, where
#    layers that only act during training are on (such as **dropout**, a layer that switches off
#    a random share of its units at each step; this model has none),
# 2. computes that batch's loss,
# 3. updates the weights.
#
# The `loss` it logs for the epoch is the mean of those batch losses, weighted by **batch size**
# (the number of rows in the batch). Each batch was measured *before* its update: the first with
# the weights the epoch started with, the second after one update, the third after two. On average, weighted by batch size, the training
# loss describes the weights of about a quarter of the way into the epoch, about 0.73 of an epoch
# before its end: that delay is the training loss's **lag**. (With n batches of equal size the lag
# is (n + 1)/(2n) epochs: half an epoch only when there are many batches.)
#
# After the last update of the epoch, Keras runs the validation rows through the model once, **in
# inference mode**, the mode for predicting, in which such layers are off (dropout drops
# nothing), with the final weights: that is `val_loss`.
#
# You can see the difference: evaluating the trained model now gives exactly the last `val_loss`,
# but not the last `loss`.

# %%
last = {key: values[-1] for key, values in sorted_history.history.items()}
train_now = sorted_model.evaluate(x_train_sorted, y_train_sorted, verbose=0)[0]
val_now = sorted_model.evaluate(x_val_sorted, y_val_sorted, verbose=0)[0]
print(f"training rows:   logged loss     {last['loss']:.4f}  evaluate now {train_now:.4f}")
print(f"validation rows: logged val_loss {last['val_loss']:.4f}  evaluate now {val_now:.4f}")

# %% [markdown]
# The validation numbers agree to the last digit. The training numbers differ: the logged
# `loss` averaged three batches measured while the weights were still moving. (Lesson 07 returns
# to this.)

# %% [markdown]
# ## MSE and MAE side by side
#
# MSE squares each error, so it is in *squared* units of $y$ and punishes large errors hard. MAE
# averages the absolute errors, in the units of $y$ itself. Same fit, two views:

# %%
fig, (ax_mse, ax_mae) = plt.subplots(1, 2, figsize=(10, 3.5))
plot_history(sorted_history, "loss", ax=ax_mse, title="MSE (the loss)")
plot_history(sorted_history, "mae", ax=ax_mae, title="MAE (a metric)")
plt.show()

# %% [markdown]
# Both tell the same story here: validation far above training. MSE exaggerates the gap
# (errors are squared); MAE is easier to read: it is the typical size of a miss, in units of $y$.

# %% [markdown]
# ## Flaw 1: the validation rows only test extrapolation
#
# The last 20 rows of sorted data are the 20 *largest* $x$. The model never saw that region, so the
# validation loss measures how well it **extrapolates**, predicting outside the range of $x$ it
# learned from, not how well it **generalises**, doing as well on new points from the same range
# as on its training rows. A validation set must look like the data the model will meet: shuffle
# before you split.
#
# ### Exercise 2: make a shuffled split
#
# Use scikit-learn's `train_test_split` to keep 20 % of the rows for validation, shuffled, with
# `random_state=0`. The four parts go into names of your own, `my_x_train`, `my_x_val`,
# `my_y_train` and `my_y_val`, so nothing you try here changes the lesson's cells.

# %%
my_x_train, my_x_val, my_y_train, my_y_val = X[:80], X[80:], y[:80], y[80:]  # TODO: shuffle

checks.exercise("01.2", (my_x_train, my_x_val, my_y_train, my_y_val), x=X, y=y)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
my_x_train, my_x_val, my_y_train, my_y_val = train_test_split(X, y, test_size=0.2, random_state=0)

checks.exercise("01.2", (my_x_train, my_x_val, my_y_train, my_y_val), x=X, y=y)

# %% [markdown]
# The rest of the lesson uses this split under the usual names, made here once so that every
# cell below sees the same rows whatever you typed in the exercise. The inputs already run from −1
# to 1, so they need no **scaling** (shifting and stretching each input to a mean of 0 and a
# standard deviation of 1, as lesson 00's `StandardScaler` did).

# %%
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)

# %% [markdown]
# Train the same model on the shuffled split and compare:

# %% tags=["live"]
seed_everything(0)
shuffled_model = build_line_model()
shuffled_history = shuffled_model.fit(
    x_train, y_train, validation_data=(x_val, y_val), epochs=100, batch_size=32, verbose=0
)
plot_history({"sorted split": sorted_history, "shuffled split": shuffled_history}, log_scale=True)
plt.show()

# %% [markdown]
# With a shuffled split the two curves of the shuffled model (same colour: solid training,
# dashed validation) run close together: the validation rows are now new points from the same
# range, and the model does about as well on them as on its training rows.

# %% [markdown]
# ## Reading a pair of curves: four verdicts
#
# Where the two curves end, and how they get there, says what to do next. The course names four
# cases, each a **verdict**:
#
# - **Underfitting**: both losses stay high, near what a model that learned nothing would score:
#   the model has not caught the pattern (too small, too few steps, or a learning rate too low).
# - **Overfitting**: the training loss keeps falling while the validation loss turns up: the model
#   learns details of its training rows that do not hold for new rows.
# - **Good fit**: both losses have levelled off, low and close to each other: more epochs would
#   not lower them.
# - **Still improving**: both losses are still falling at the last epoch: more epochs would lower
#   them further.
#
# `diagnose` reads a history and names its verdict, with the numbers behind it. We give it the
# **baseline**: the validation loss of always predicting the mean of the training **targets**
# (the $y$ values the model learns to predict), the score a model that learned nothing would get.
#
# ### Exercise 3: predict the verdict
#
# Before running the next cell: which verdict do you expect?
#
# - **A**: underfitting
# - **B**: overfitting
# - **C**: good fit
# - **D**: still improving

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("01.3", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "D"
checks.exercise("01.3", answer)

# %%
baseline = baseline_loss(y_train, y_val, "mse")
print(f"baseline (always predict the training mean): val MSE {baseline:.3f}")
print(diagnose(shuffled_history, baseline=baseline))

# %% [markdown]
# ## Flaw 2: stopped while still learning
#
# Look at the end of the shuffled curves: both are still going down at epoch 100. Training stopped
# while the model was still learning.
#
# Two ways out: train for more epochs, or take bigger steps with a larger learning rate. Adam's
# default learning rate, 0.001, is cautious for such a small problem. With 0.01, the same 100
# epochs get much further:

# %% tags=["live"]
seed_everything(0)
faster_model = build_line_model(learning_rate=0.01)
faster_history = faster_model.fit(
    x_train, y_train, validation_data=(x_val, y_val), epochs=100, batch_size=32, verbose=0
)
plot_history(
    {"learning rate 0.001": shuffled_history, "learning rate 0.01": faster_history}, log_scale=True
)
print(diagnose(faster_history, baseline=baseline))

# %% [markdown]
# Now the training loss levels off near 0.04, the noise floor (0.2², notebook 00), and the
# validation loss lower still, near 0.03: the model has learned the line. But look closely: the
# validation loss ends *below* the training loss, and below the noise floor. Is the model
# better on rows it never saw? Count the epochs, and measure the noise of each set: how far its
# rows lie from the true line $y = 2x + 1$, which is the MSE the perfect model would get on them.

# %%
h = faster_history.history
below = sum(val < train for train, val in zip(h["loss"], h["val_loss"]))
print(
    f"epoch 100: loss {h['loss'][-1]:.3f}, val_loss {h['val_loss'][-1]:.3f}; "
    f"val_loss below loss in {below} of {len(h['loss'])} epochs"
)
for name, x_part, y_part in (("training", x_train, y_train), ("validation", x_val, y_val)):
    print(
        f"the true line's MSE on the {len(y_part)} {name} rows: "
        f"{((y_part - (2 * x_part[:, 0] + 1)) ** 2).mean():.4f}"
    )

# %% [markdown]
# The perfect model would score 0.0407 on the training rows and only 0.0235 on the validation
# rows: these 20 validation rows happen to lie closer to the line. So the validation loss ending
# at 0.029, below the training loss at 0.037, does not mean that the model does better on new
# rows; it means that these 20 rows are easy. With so few rows, luck like this is common, and it
# depends on which rows land in validation: with `random_state` 1, 2 or 3 instead of 0, the same
# fit had its validation loss below its training loss in 32, 100 and 78 of the 100 epochs.
# Lesson 07 (Surprise 3) shows how much small validation sets differ.
#
# ### Exercise 4: reach the noise floor
#
# Train `build_line_model` on the shuffled split (`x_train`, `y_train`, validated on `x_val`,
# `y_val`) so that the final validation loss is below 0.05. Change the learning rate, the number
# of epochs, or both; keep `seed_everything(0)`. Your model and history have their own names,
# `my_model` and `my_history`, so the lesson's cells above still give their numbers.

# %%
seed_everything(0)
my_model = build_line_model(learning_rate=0.001)  # TODO: change the learning rate
my_history = my_model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=20,  # TODO: and/or the number of epochs
    batch_size=32,
    verbose=0,
)
checks.exercise("01.4", my_history)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
seed_everything(0)
my_model = build_line_model(learning_rate=0.01)
my_history = my_model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=50,  # the larger learning rate gets there in half the epochs
    batch_size=32,
    verbose=0,
)
checks.exercise("01.4", my_history)

# %% [markdown]
# ## The fast way: a `tf.data` pipeline
#
# Every fit in this lesson took several seconds for 80 rows. Given arrays, `fit` wraps them in an
# input pipeline made for big data (it shuffles row numbers and gathers each batch in parallel
# threads) and starts that pipeline afresh in every epoch, for the training rows and again for the
# validation rows: for 80 rows, starting it takes longer than the training step itself. A plain
# `tf.data.Dataset` that you build once costs far less to start each epoch, so the same 100 epochs
# run several times faster.
#
# - `from_tensor_slices((x, y))`: one element per row, each $x$ with its $y$.
# - `.shuffle(len(x), seed=0, reshuffle_each_iteration=True)`: a full shuffle, in a new order every
#   epoch; the seed makes the orders repeatable. (`fit` shuffles arrays too, but once the global
#   seed is set, as `seed_everything` does, it repeats one shuffled order in every epoch.)
# - `.batch(32)`: batches of 32 rows (the last one smaller), so `fit` gets no `batch_size`.
# - The validation rows need no shuffle: their loss is a mean over all of them.
# - `shuffle=False` in `fit`: the Dataset shuffles itself; Keras cannot shuffle a Dataset, and
#   warns if its default `shuffle=True` is left on.
#
# The same fit as `faster_history` above, timed, first with arrays, then with a Dataset. Each cell
# builds its model (and the second its Datasets) afresh, so each can be re-run on its own. Your
# seconds will differ from ours.

# %%
seed_everything(0)
arrays_model = build_line_model(learning_rate=0.01)
start = time.perf_counter()
arrays_history = arrays_model.fit(
    x_train, y_train, validation_data=(x_val, y_val), epochs=100, batch_size=32, verbose=0
)
print(
    f"arrays:  {time.perf_counter() - start:.1f} s (timing); "
    f"final val_loss {arrays_history.history['val_loss'][-1]:.4f}"
)

# %%
seed_everything(0)
train_data = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(len(x_train), seed=0, reshuffle_each_iteration=True)
    .batch(32)
)
val_data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(32)

dataset_model = build_line_model(learning_rate=0.01)
start = time.perf_counter()
dataset_history = dataset_model.fit(
    train_data, validation_data=val_data, epochs=100, shuffle=False, verbose=0
)
print(
    f"tf.data: {time.perf_counter() - start:.1f} s (timing); "
    f"final val_loss {dataset_history.history['val_loss'][-1]:.4f}"
)

# %% [markdown]
# Same model, same rows, same 100 epochs: the final validation losses differ by less than 0.001,
# because the two runs shuffle the rows into batches in different orders. The lessons keep
# passing arrays, the form you will meet most; when a small model on a small data set trains
# slowly, a `tf.data` pipeline like this one is the first thing to try.

# %% [markdown]
# ## Key points
#
# - `loss` is the batch-size-weighted mean of the epoch's batch losses, each measured before its
#   update, in training mode. `val_loss` is measured once after the epoch's last update, in
#   inference mode.
# - MSE is in squared units and punishes big misses; MAE is in the units of the target.
# - Validate on rows that look like the data the model will meet: shuffle before splitting. The last
#   rows of sorted data only test extrapolation.
# - Curves still falling at the last epoch mean the model was stopped too early: train longer or
#   raise the learning rate, then read the curves again.
# - Compare the validation loss with the baseline (predict the mean) and with the noise floor.
# - For small data, a `tf.data.Dataset` built once (shuffled, batched) trains several times faster
#   than arrays: the pipeline Keras makes for arrays costs more to restart, every epoch, than the
#   training itself.
#
# ## Try next
#
# - Run the sorted split with `learning_rate=0.01`: does the extrapolation gap close completely?
# - Replace `"mse"` with `"mae"` as the loss in `build_line_model`: how do the curves change?
