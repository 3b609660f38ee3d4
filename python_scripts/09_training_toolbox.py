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
# # 09 · The training toolbox
#
# **Time:** 45 minutes · **Prerequisites:** notebooks 04 and 06.
#
# **Questions**
# - How do I keep the best model of a run on disk, and how is that different from
#   `restore_best_weights`?
# - How can the learning rate change during training, and where do I see it?
# - How do I keep and compare the curves of many runs?
# - What do the curves look like when training goes wrong: too high a learning rate, NaN
#   losses, unscaled targets?
#
# **Objectives**
# - Save the best epoch's model with `ModelCheckpoint` and reload it with
#   `keras.models.load_model`.
# - Lower the learning rate with `ReduceLROnPlateau` or a schedule, and read the step it leaves
#   in the curves.
# - Log runs with `TensorBoard` and `CSVLogger`, and read them back.
# - Recognise oscillating, diverging and NaN losses, stop a NaN run with `TerminateOnNaN`, and
#   scale a regression target on the training rows.
#
# These are the tools of your first real project. Epochs are counted from 1 here, as Keras
# prints them; what Keras *stores* (the index of `history.history`, the CSV log, TensorBoard's
# steps) counts from 0.

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
import csv
import os
import tempfile

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import baseline_loss, checks, load_dataset, plot_history, seed_everything

tf.get_logger().setLevel("ERROR")  # every fit builds a new model: no retracing warnings

# %% [markdown]
# ## Keeping the best model
#
# The set-up of notebook 04: 80 training and 20 validation rows, scaled on the training rows,
# and the 64-unit network that overfits. `build_classifier` takes the learning rate and the
# optimizer as arguments, for the later sections.

# %%
X, y = load_dataset("classification")
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=2, stratify=y)
scaler = StandardScaler().fit(x_train)  # the training rows only
x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)


def build_classifier(learning_rate=0.003, optimizer=keras.optimizers.Adam):
    """64 ReLU units, 1 sigmoid output; binary cross-entropy, accuracy reported."""
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=optimizer(learning_rate=learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


# %% [markdown]
# `EarlyStopping(restore_best_weights=True)` (notebook 04) keeps the best weights in memory.
# `ModelCheckpoint` writes the model to a **file** instead: a **checkpoint**, a copy of the model
# saved during training. With `save_best_only=True` it saves
# only after an epoch whose `monitor` value is the best so far, so at the end the file holds the
# best epoch's model. The file name must end in `.keras`. We write it to a temporary folder;
# in a project, pick a folder you keep.

# %% tags=["live"]
folder = tempfile.mkdtemp()  # a new, empty folder
checkpoint_path = os.path.join(folder, "best.keras")
checkpoint = keras.callbacks.ModelCheckpoint(
    checkpoint_path, monitor="val_loss", save_best_only=True
)

# %%
seed_everything(0)
checkpointed_model = build_classifier()
checkpointed_history = checkpointed_model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=40,
    batch_size=32,
    callbacks=[checkpoint],
    verbose=0,
)
checkpointed_val = checkpointed_history.history["val_loss"]
best = int(np.argmin(checkpointed_val))
print(f"lowest val_loss {checkpointed_val[best]:.4f} at epoch {best + 1}")
print(f"last val_loss   {checkpointed_val[-1]:.4f} at epoch {len(checkpointed_val)}")
print(f"files in the folder: {sorted(os.listdir(folder))}")

# %% [markdown]
# ### Exercise 1: which model is in memory?
#
# The run used only the checkpoint, no `EarlyStopping`. Before running the next cell: evaluated
# on the validation rows, `checkpointed_model`, the model in memory, gives
#
# - **A**: the lowest val_loss: the checkpoint kept the best epoch
# - **B**: the last epoch's val_loss
# - **C**: a value between the two

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("09.1", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "B"
checks.exercise("09.1", answer)

# %% [markdown]
# `keras.models.load_model` reads the file back: a new model, compiled, with the optimizer as it
# was when the file was written.

# %%
best_model = keras.models.load_model(checkpoint_path)
in_memory = checkpointed_model.evaluate(x_val, y_val, verbose=0)[0]
from_file = best_model.evaluate(x_val, y_val, verbose=0)[0]
print(f"model in memory: val loss {in_memory:.4f} (the last epoch's)")
print(f"model from file: val loss {from_file:.4f} (the best epoch's)")
print(
    f"optimizer updates: in memory {int(checkpointed_model.optimizer.iterations)}, "
    f"in the file {int(best_model.optimizer.iterations)}"
)

# %% [markdown]
# The file holds the best epoch's model: evaluated, it gives exactly the lowest `val_loss` of
# the history, 0.3540 at epoch 28, while the model in memory is the last epoch's, 0.3755. The
# optimizer's update count tells the same story: 3 batches per epoch, 84 updates by epoch 28,
# 120 by epoch 40.
#
# How the two tools differ:
#
# - **where the best model goes**: `ModelCheckpoint(save_best_only=True)` writes it to a file
#   on disk, which survives a crash or a closed kernel; `EarlyStopping(restore_best_weights=True)`
#   puts it back into the model in memory, at the end of training.
# - **what is kept**: the file holds the whole model, layers, weights and the optimizer as it
#   was at the best epoch; restoring puts back the weights only, and the optimizer stays where
#   the last epoch left it.
# - **stopping**: the checkpoint never stops training; `EarlyStopping` does, after `patience`
#   epochs without improvement.
#
# Use both together: `EarlyStopping` ends a run that no longer improves, and the checkpoint keeps
# the best model safe on disk even if the run dies halfway. Both watch `val_loss`, so they agree
# on the best epoch:

# %%
both_path = os.path.join(tempfile.mkdtemp(), "best.keras")  # a folder of its own
both_checkpoint = keras.callbacks.ModelCheckpoint(
    both_path, monitor="val_loss", save_best_only=True
)
both_stopping = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
seed_everything(0)
both_model = build_classifier()
both_history = both_model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=60,
    batch_size=32,
    callbacks=[both_checkpoint, both_stopping],
    verbose=0,
)
both_file_model = keras.models.load_model(both_path)
print(f"epochs run {len(both_history.epoch)}, best epoch {both_stopping.best_epoch + 1}")
print(
    f"val loss: in memory {both_model.evaluate(x_val, y_val, verbose=0)[0]:.4f}, "
    f"from file {both_file_model.evaluate(x_val, y_val, verbose=0)[0]:.4f}"
)
print(
    f"optimizer updates: in memory {int(both_model.optimizer.iterations)}, "
    f"in the file {int(both_file_model.optimizer.iterations)}"
)

# %% [markdown]
# Training stopped at epoch 38, ten epochs after the best, and the model in memory and the file
# now agree on the weights. They still differ in the optimizer: the restored model's optimizer
# has run all 114 updates; the file's stopped at 84. That matters only if you continue training
# from it (the file resumes exactly from the best epoch).
#
# ## Learning rate over time
#
# A learning rate that is large enough to make fast progress early is often too large to settle
# into a minimum later. Two ways to lower it during training:
#
# - `keras.callbacks.ReduceLROnPlateau` watches a value (here `val_loss`) and multiplies the
#   learning rate by `factor` after `patience` epochs without an improvement (an improvement
#   must beat the best by more than its default `min_delta=1e-4`);
# - a **schedule** from `keras.optimizers.schedules`, given to the optimizer in place of a
#   number, lowers it at every update by a fixed rule, whatever the curves do.
#
# These runs use `classification_large`: 2,000 rows of the same kind, 1,500 to train and 500 to
# validate. Batches of 64 rather than 32: 24 updates per epoch instead of 47, so each fit takes
# a few seconds, and the learning rate starts high on purpose, at 0.1.

# %%
X_large, y_large = load_dataset("classification_large")
x_train_large, x_val_large, y_train_large, y_val_large = train_test_split(
    X_large, y_large, test_size=0.25, random_state=0, stratify=y_large
)
scaler_large = StandardScaler().fit(x_train_large)
x_train_large = scaler_large.transform(x_train_large)
x_val_large = scaler_large.transform(x_val_large)
steps_per_epoch = int(np.ceil(len(x_train_large) / 64))
print(f"{len(x_train_large)} training rows in {steps_per_epoch} batches of up to 64")

# %% tags=["live"]
reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=3)

# %%
seed_everything(0)  # this cell builds the model it trains: running it again repeats the run
reduced_model = build_classifier(learning_rate=0.1)
reduced_history = reduced_model.fit(
    x_train_large,
    y_train_large,
    validation_data=(x_val_large, y_val_large),
    epochs=20,
    batch_size=64,
    callbacks=[reduce_lr],
    verbose=0,
)
reduced = reduced_history.history
print("epoch  learning_rate    loss  val_loss")
for epoch in range(6, 14):
    print(
        f"{epoch + 1:5d}  {reduced['learning_rate'][epoch]:13.4g}  "
        f"{reduced['loss'][epoch]:6.3f}  {reduced['val_loss'][epoch]:8.3f}"
    )
plot_history(reduced_history, title="Adam(0.1) with ReduceLROnPlateau")
plt.show()

# %% [markdown]
# `ReduceLROnPlateau` adds a `learning_rate` key to the history: the rate each epoch trained
# with (it is logged before the callback reduces it). `plot_history` draws it when it changes:
# the dotted black step line, read on the axis on the right. After three epochs without a new lowest validation loss, the rate dropped
# from 0.1 to 0.01, and both curves stepped down at once: the training loss from 0.183 at
# epoch 9 to 0.150 at epoch 10 and 0.127 at epoch 11, the validation loss from 0.241 to 0.209
# and 0.201. The large steps had kept the model bouncing around a minimum; the smaller ones let
# it settle. (Over seeds 0-9 the first reduction came after epoch 7 to 13; in the first epoch at
# the lower rate the validation loss fell in all 10 seeds, the training loss in 9.)
#
# ### Exercise 2: predict the first reduced epoch
#
# `ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=3)` watches this made-up
# validation curve, starting at a learning rate of 0.1. Which epoch (counting from 1) is the
# first one trained with 0.01?
#
# | epoch | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |
# | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
# | val_loss | 0.90 | 0.70 | 0.65 | 0.66 | 0.64995 | 0.67 | 0.66 | 0.68 | 0.60 |

# %%
first_reduced_epoch = None  # TODO: a whole number, counting epochs from 1

# %%
made_up_val_loss = [0.90, 0.70, 0.65, 0.66, 0.64995, 0.67, 0.66, 0.68, 0.60]
checks.exercise("09.2", first_reduced_epoch, val_loss=made_up_val_loss)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
made_up_val_loss = [0.90, 0.70, 0.65, 0.66, 0.64995, 0.67, 0.66, 0.68, 0.60]
first_reduced_epoch = 7  # epochs 4, 5, 6 do not improve by 1e-4; reduced at the end of 6

checks.exercise("09.2", first_reduced_epoch, val_loss=made_up_val_loss)

# %% [markdown]
# As in notebook 04, we feed the callback the made-up curve epoch by epoch, the way `fit` calls
# it, and read the optimizer's rate after each epoch.

# %%
made_up_model = build_classifier(learning_rate=0.1)  # never trained: it holds an optimizer
made_up_reduce = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=3)
made_up_reduce.set_model(made_up_model)
made_up_reduce.on_train_begin()
for epoch, value in enumerate(made_up_val_loss):  # epoch counts from 0, as in fit
    logs = {"val_loss": value}
    made_up_reduce.on_epoch_end(epoch, logs)
    print(
        f"epoch {epoch + 1}: val_loss {value:<7}  trained with {logs['learning_rate']:.3g}  "
        f"waiting {made_up_reduce.wait}  "
        f"rate after it {float(made_up_model.optimizer.learning_rate):.3g}"
    )

# %% [markdown]
# Epoch 5's 0.64995 is lower than 0.65, but not by more than `min_delta=1e-4`, so it counts as
# no improvement. At the end of epoch 6 the wait reaches 3 and the rate drops; epoch 7 is the
# first trained with 0.01. (The callback also resets its wait and, with the default
# `cooldown=0`, starts counting again at once.)
#
# ### A schedule
#
# A schedule is a function of the update number. `ExponentialDecay(0.1, decay_steps=24,
# decay_rate=0.8)` multiplies the rate by 0.8 every 24 updates, one epoch here, smoothly in
# between. Call it on an update number to see its value:

# %%
schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.1, decay_steps=steps_per_epoch, decay_rate=0.8
)
for epoch in (1, 5, 10, 20):
    step = (epoch - 1) * steps_per_epoch  # the first update of that epoch
    print(f"epoch {epoch:2d} starts at update {step:3d}: learning rate {float(schedule(step)):.4f}")

# %%
seed_everything(0)
scheduled_model = build_classifier(learning_rate=schedule)  # the schedule in place of a number
scheduled_history = scheduled_model.fit(
    x_train_large,
    y_train_large,
    validation_data=(x_val_large, y_val_large),
    epochs=20,
    batch_size=64,
    verbose=0,
)
print(f"history keys: {sorted(scheduled_history.history)}")
print(
    f"rate after {int(scheduled_model.optimizer.iterations)} updates: "
    f"{float(scheduled_model.optimizer.learning_rate):.5f}"
)
plot_history(scheduled_history, title="Adam with ExponentialDecay from 0.1")
plt.show()

# %% [markdown]
# The history holds no `learning_rate`: a schedule is part of the optimizer, not a callback, so
# nothing logs it (call the schedule, as above, or read `model.optimizer.learning_rate`, which
# gives the current value). The curves fall smoothly, with no step: the rate shrinks a little
# at every update.
#
# ### Exercise 3: a schedule and `ReduceLROnPlateau` together
#
# You give the optimizer the schedule above and also pass `ReduceLROnPlateau` to `fit`. What
# happens at the first plateau?
#
# - **A**: the callback multiplies the schedule's values by `factor` from then on
# - **B**: nothing: the callback sees a schedule and stays out of the way
# - **C**: `fit` stops with an error: a schedule's learning rate cannot be set

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("09.3", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "C"
checks.exercise("09.3", answer)

# %% [markdown]
# ## TensorBoard: many runs side by side
#
# `plot_history` compares the runs of one notebook. To keep the runs of a project, across days
# and kernels, log them to files. `keras.callbacks.TensorBoard(log_dir=...)` writes a run into
# its folder: `train` and `validation` subfolders, each with an `epoch_loss` per epoch (and the
# other metrics, and the learning rate). Give each run its own folder under one parent, and
# **TensorBoard**, the dashboard that reads these logs, shows them side by side. Here: two
# learning rates, 0.003 and 0.03, with `CSVLogger` logging the same runs to CSV files.

# %%
logs_folder = tempfile.mkdtemp()
logged_histories = {}
for learning_rate in (0.003, 0.03):
    run_name = f"lr_{learning_rate}"
    seed_everything(0)
    logged_model = build_classifier(learning_rate=learning_rate)
    logged_histories[run_name] = logged_model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=30,
        batch_size=32,
        callbacks=[
            keras.callbacks.TensorBoard(log_dir=os.path.join(logs_folder, run_name)),
            keras.callbacks.CSVLogger(os.path.join(logs_folder, f"{run_name}.csv")),
        ],
        verbose=0,
    )
for root, _, files in sorted(os.walk(logs_folder)):
    depth = os.path.relpath(root, logs_folder).count(os.sep)
    name = os.path.basename(root) if root != logs_folder else "logs_folder"
    print("  " * depth + name + "/", *sorted(f for f in files if f.endswith(".csv")))

# %% [markdown]
# Start TensorBoard inside the notebook. `%load_ext tensorboard` loads its magic once;
# `%tensorboard --logdir ...` starts a server in the background and shows its page below the
# cell. The first start takes a few seconds, more on a busy machine. Running this cell again
# reuses the server; running the fits above again writes to a new folder, and this cell then
# starts a second TensorBoard (each stops with the kernel). The page opens on *Time series*
# with every run ticked on the left; type `epoch_loss` into the tag filter (or scroll to its
# card, after `epoch_accuracy` and `epoch_learning_rate`): the training and validation curves
# of both runs, their steps counted from 0. (Its colours are its own: here the validation
# curve is not dashed.) On Binder or a remote JupyterHub the page may stay blank; the CSV
# files below work everywhere.

# %% tags=["nbval-ignore-output"]
logdir = logs_folder  # all runs under one folder
# %load_ext tensorboard
# %tensorboard --logdir {logdir}

# %% [markdown]
# `CSVLogger` writes one row per epoch, `epoch` first (counted from 0, as stored, not as
# printed), then the logged values in alphabetical order. Python's `csv` module reads it back:

# %%
with open(os.path.join(logs_folder, "lr_0.03.csv"), newline="") as file:
    rows = list(csv.DictReader(file))
print(f"columns: {list(rows[0])}")
for row in rows[:3]:
    print({name: round(float(value), 3) for name, value in row.items()})
logged = logged_histories["lr_0.03"].history
from_csv = [float(row["val_loss"]) for row in rows]
print(f"{len(rows)} rows; val_loss equal to the history's: {from_csv == logged['val_loss']}")
plot_history(logged_histories, title="two learning rates, logged to files")
plt.show()

# %% [markdown]
# The file holds exactly the history's numbers, so a run that crashed at epoch 20 still leaves
# its first 20 epochs on disk. At 0.03 the validation loss is lowest by epoch 2 to 4, at 0.003
# only at epoch 21 to 30 (seeds 0-9; in one of them it still falls at epoch 30): the larger
# rate reaches the overfitting sooner.
#
# ## When the loss goes wrong
#
# ### A learning rate far too high
#
# Plain SGD on the 80 rows, at three learning rates. (SGD, not Adam, because Adam's steps are
# capped near its learning rate, so it oscillates but seldom explodes.) The losses span many
# powers of ten, so the plots use a log scale. The left plot leaves out the run at 10: with it
# (right), the axis climbs past 10²⁰ and the jumps of the run at 5 look flat.

# %%
sgd_histories = {}
for learning_rate in (0.5, 5.0, 10.0):
    seed_everything(0)
    sgd_model = build_classifier(learning_rate=learning_rate, optimizer=keras.optimizers.SGD)
    sgd_histories[f"SGD({learning_rate})"] = sgd_model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=20, batch_size=32, verbose=0
    )
for name, history in sgd_histories.items():
    h = history.history
    print(
        f"{name:>9}: loss " + " ".join(f"{v:.2g}" for v in h["loss"][:8]) + " ... "
        f"last {h['loss'][-1]:.2g}; last val_loss {h['val_loss'][-1]:.2g}"
    )
fig, (ax_jumps, ax_all) = plt.subplots(1, 2, figsize=(11, 5.5))
two_rates = {name: sgd_histories[name] for name in ("SGD(0.5)", "SGD(5.0)")}
plot_history(two_rates, ax=ax_jumps, log_scale=True, title="0.5 and 5: the jumps")
plot_history(sgd_histories, ax=ax_all, log_scale=True, title="all three: the explosion")
plt.show()

# %% [markdown]
# - At 0.5 the curves look as usual: the training loss falls, the validation loss falls, then
#   rises as the network overfits.
# - At 5 the training loss jumps **up and down** in the first epochs: each step overshoots the
#   minimum it aims for. It settles once the network has memorised its 80 rows, but the
#   validation loss ends at 3.7, far above the constant guess's 0.69 (above it in 9 of the 10
#   seeds we tried): the jumps threw the weights somewhere that does not generalise.
# - At 10 both losses **grow by orders of magnitude**: every step overshoots further than the last.
#   Cross-entropy can do that because Keras computes it from the logits (notebook 07), so it
#   has no ceiling.
#
# The cure for both is a smaller learning rate (or `ReduceLROnPlateau` once the oscillation
# starts). A rising training loss, or one that jumps between epochs, always points at the
# optimisation, never at overfitting: overfitting needs a training loss that falls.
#
# ### NaN losses and `TerminateOnNaN`
#
# Grow far enough and a loss overflows float32 to `inf`; one more step gives **NaN** (not a
# number, `nan` in Python), and every weight it touches becomes `nan` for good. Nothing learns
# after that, yet `fit` runs on to the last epoch. `keras.callbacks.TerminateOnNaN()` checks
# the loss after every batch and stops at the first `nan` or `inf`.
#
# The regression data of notebook 08's kind: `diabetes`, 442 patients, a measure of disease
# progression from 25 to 346. The features are scaled on the training rows as usual; the
# target is left as it is. Plain SGD at 0.01, a learning rate that is small for scaled data:

# %%
X_diabetes, y_diabetes = load_dataset("diabetes")
x_train_d, x_val_d, y_train_d, y_val_d = train_test_split(
    X_diabetes, y_diabetes, test_size=0.2, random_state=0
)
scaler_d = StandardScaler().fit(x_train_d)
x_train_d, x_val_d = scaler_d.transform(x_train_d), scaler_d.transform(x_val_d)
print(f"target from {y_train_d.min():.0f} to {y_train_d.max():.0f}, {len(x_train_d)} training rows")


def build_regressor(learning_rate=0.01, optimizer=keras.optimizers.SGD):
    """32 ReLU units, 1 linear output; mean squared error."""
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizer(learning_rate=learning_rate), loss="mse")
    return model


# %% tags=["live"]
seed_everything(0)
nan_model = build_regressor()
nan_history = nan_model.fit(
    x_train_d,
    y_train_d,
    validation_data=(x_val_d, y_val_d),
    epochs=20,
    batch_size=32,
    callbacks=[keras.callbacks.TerminateOnNaN()],
    verbose=0,
)

# %%
print(f"epochs run: {len(nan_history.epoch)} of 20; history: {nan_history.history}")
print(f"weights still finite: {all(np.isfinite(w).all() for w in nan_model.get_weights())}")

# %% [markdown]
# Within the first epoch the loss went from about 30,000 to `inf` in a few batches, and
# `TerminateOnNaN` stopped there (its message names the 0-based batch). The first epoch is
# still closed, so the history holds one epoch with an infinite training loss and an invalid
# (`nan` or `inf`) validation loss. In all ten seeds we tried, it stopped in the first epoch.
# A `nan` can also come from the data: one missing value in an input row is enough. Check
# with `np.isnan(x).any()` before blaming the learning rate.
#
# Why did this run explode? The output starts near 0 and the targets are around 150, so the
# first errors are about 150 and the MSE about 30,000: its **gradients** (how fast the loss
# changes with each weight; SGD steps by the learning rate times them) are hundreds of times
# larger than for a target of size 1, and so is every SGD step.
#
# ### Unscaled regression targets
#
# The cure is to scale the target as you scale the features: on the training rows, with
# `StandardScaler` (it wants a column, hence `y[:, None]`). The network then predicts
# (y - mean) / std, and `scaler.inverse_transform` turns its predictions back into the target's
# units. The same SGD at 0.01 now trains:

# %%
target_scaler = StandardScaler().fit(y_train_d[:, None])  # the training rows only
z_train_d = target_scaler.transform(y_train_d[:, None])[:, 0]
z_val_d = target_scaler.transform(y_val_d[:, None])[:, 0]
target_std = target_scaler.scale_[0]
print(f"training target: mean {target_scaler.mean_[0]:.1f}, std {target_std:.1f}")
seed_everything(0)
scaled_sgd_model = build_regressor()
scaled_sgd_history = scaled_sgd_model.fit(
    x_train_d,
    z_train_d,
    validation_data=(x_val_d, z_val_d),
    epochs=20,
    batch_size=32,
    callbacks=[keras.callbacks.TerminateOnNaN()],
    verbose=0,
)
print(
    f"epochs run: {len(scaled_sgd_history.epoch)}; "
    f"last val_loss {scaled_sgd_history.history['val_loss'][-1]:.3f} (in std² units)"
)

# %% [markdown]
# Adam does not explode on raw targets: its steps are about the size of its learning rate,
# whatever the size of the gradient. But then it needs many steps to move an output from 0 to
# 150. Compare Adam at 0.01 on the raw and on the scaled target, 30 epochs each:

# %%
adam_histories = {}
for name, (target_train, target_val) in {
    "raw target": (y_train_d, y_val_d),
    "scaled target": (z_train_d, z_val_d),
}.items():
    seed_everything(0)
    adam_model = build_regressor(optimizer=keras.optimizers.Adam)
    adam_histories[name] = adam_model.fit(
        x_train_d,
        target_train,
        validation_data=(x_val_d, target_val),
        epochs=30,
        batch_size=32,
        verbose=0,
    )
raw_val = np.array(adam_histories["raw target"].history["val_loss"])
scaled_val = np.array(adam_histories["scaled target"].history["val_loss"]) * target_std**2
for epoch in (1, 5, 10, 30):
    print(
        f"epoch {epoch:2d}: validation MSE raw {raw_val[epoch - 1]:7.0f}, "
        f"scaled {scaled_val[epoch - 1]:5.0f} (both in the target's units²)"
    )
print(f"constant guess: {baseline_loss(y_train_d, y_val_d, 'mse'):.0f}")
fig, (ax_raw, ax_scaled) = plt.subplots(1, 2, figsize=(11, 3.8))
plot_history(adam_histories["raw target"], ax=ax_raw, title="raw target (MSE in units²)")
plot_history(adam_histories["scaled target"], ax=ax_scaled, title="scaled target (MSE in std²)")
plt.show()

# %% [markdown]
# The raw-target curves start at about 28,000 and fall for many epochs: a slow, steady decline
# that looks like a model still learning. It is mostly the output layer climbing towards the
# targets' mean, about 150. The scaled run is near its lowest within about five epochs. Read in
# the same units (the scaled losses times the std², 78.3² ≈ 6,130): after 5 epochs the scaled
# run is at 3,461, the raw one still at 22,012, and even after 30 epochs the raw one (4,388) has
# not reached the scaled run's epoch 5. Across ten seeds the raw run got there within 30 epochs
# in only 3, at epochs 23 to 29. Two more things to notice:
#
# - The scaled loss is in units of the target's variance: 1.0 is the constant guess, so you can
#   read the curve without knowing the target's units.
# - Scale the target on the **training rows** only, like the features (notebook 01): the
#   validation rows use the training mean and std.
#
# ### Exercise 4: back to the target's units
#
# The scaled run's lowest validation loss is in units of std². What is it in the target's own
# units (an MSE in units², comparable with the raw run's)? Compute it from the history and
# `target_std`.

# %%
scaled_history = adam_histories["scaled target"]
lowest_in_units = None  # TODO: from scaled_history.history["val_loss"] and target_std

# %%
checks.exercise("09.4", lowest_in_units, history=scaled_history, target_std=target_std)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
scaled_history = adam_histories["scaled target"]
lowest_in_units = min(scaled_history.history["val_loss"]) * target_std**2  # MSE scales by std²
checks.exercise("09.4", lowest_in_units, history=scaled_history, target_std=target_std)

# %% [markdown]
# ## Key points
#
# - `ModelCheckpoint(path.keras, monitor="val_loss", save_best_only=True)` keeps the best
#   epoch's model in a file; `keras.models.load_model` gives it back, its validation loss the
#   best epoch's, its optimizer as it was then. `EarlyStopping(restore_best_weights=True)` puts
#   the best weights back in memory only. Use both.
# - `ReduceLROnPlateau` lowers the learning rate after `patience` epochs without improvement;
#   both curves often step down right after. It logs `learning_rate` in the history, and
#   `plot_history` draws it. A schedule lowers the rate by a rule at every update; it is not
#   logged, and `ReduceLROnPlateau` cannot change it.
# - `TensorBoard(log_dir=parent/run_name)` and `CSVLogger(path)` keep every run's curves in
#   files; the CSV's `epoch` counts from 0.
# - A training loss that jumps up and down, or grows, means the learning rate is too high; a
#   `nan` or `inf` loss stops nothing unless you add `TerminateOnNaN()`.
# - Scale a regression target on the training rows, as you scale the features: raw targets in
#   the hundreds make SGD explode and Adam crawl.
#
# ## Try next
#
# - Add `min_lr=1e-3` to `ReduceLROnPlateau`: how many reductions are left?
# - Give `ModelCheckpoint` a file name with the epoch in it,
#   `os.path.join(folder, "epoch_{epoch:02d}.keras")`, and drop `save_best_only`: how many files
#   do you get, and which epoch numbers do their names use?
# - Train the raw-target regression with SGD at 1e-4 or 1e-5: does it explode? How far does
#   it get in 20 epochs?
