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
# # 00 · Welcome: how this course works
#
# **Time:** 15 minutes · **Prerequisites:** basic Python; no machine-learning background needed for this notebook.
#
# **Questions**
# - How do I use these notebooks, their exercises and their self-checks?
# - Is my computer ready for the course?
# - What do a training curve and a validation curve look like?
#
# **Objectives**
# - Run a notebook top to bottom, and restart it cleanly.
# - Run the environment check and read its result.
# - Train a first small Keras model and plot its training and validation loss.

# %% [markdown] learner_source="## How the course works\n\nEach lesson is a Jupyter notebook like this one. Text cells explain; code cells run. Select a code\ncell and press **Shift + Enter** to run it and move to the next one.\n\n- **Run cells from top to bottom.** Later cells use what earlier cells made.\n- **Restart when in doubt.** *Kernel \u2192 Restart Kernel and Run All Cells\u2026* gives you a clean\n  state. Every training cell **seeds** its own model: it fixes the random numbers the model\n  starts from (where training begins, the order of the rows), so re-running a cell gives the same numbers,\n  and the numbers you see match the ones stored in the notebook (up to the last digit or so on\n  some CPUs).\n- **Kernel.** The notebooks use the `Python 3 (loss course)` kernel (top right of JupyterLab).\n  It carries the course's fixed settings (seeds, one thread per operation).\n- **Exercises** end most sections. You write a short answer in a code cell and run the\n  **self-check** under it: it prints \u2705 when you are right, or \u274c with a hint when not. It never\n  crashes on a wrong answer, so try freely.\n- **Stuck?** Under each exercise is an empty cell for your own attempt. Run\n  `checks.solution(\"00.1\")` there (with the exercise's number: \"01.3\" is lesson 01, exercise 3)\n  and it prints a worked solution. Try first: each \u274c comes with a hint written to get you there.\n  If you skip an exercise, the cells after it still run: they use the solution's result and say so.\n- **Epochs** are counted from 1 everywhere in this course, exactly as Keras prints them\n  (`Epoch 1/100`). Keras stores them counted from 0; we convert for you and say so where it matters.\n\nThe helpers you will use live in `course_utils`, a small package that comes with the course.\nEvery function in it is short and documented. To see how one works, run its name followed by\ntwo question marks in a code cell: `plot_history??` shows the code of `plot_history`, once the\ncell that imports it has run. (`import course_utils; print(course_utils.__file__)` prints where\nthe package's files are on your computer.)"
# ## How the course works
#
# Each lesson is a Jupyter notebook like this one. Text cells explain; code cells run. Select a code
# cell and press **Shift + Enter** to run it and move to the next one.
#
# - **Run cells from top to bottom.** Later cells use what earlier cells made.
# - **Restart when in doubt.** *Kernel → Restart Kernel and Run All Cells…* gives you a clean
#   state. Every training cell **seeds** its own model: it fixes the random numbers the model
#   starts from (where training begins, the order of the rows), so re-running a cell gives the
#   same numbers, and the numbers you see match the ones stored in the notebook (up to the last
#   digit or so on some CPUs).
# - **Kernel.** The notebooks use the `Python 3 (loss course)` kernel (top right of JupyterLab).
#   It carries the course's fixed settings (seeds, one thread per operation).
# - **Exercises** end most sections. You write a short answer in a code cell and run the
#   **self-check** under it: it prints ✅ when you are right, or ❌ with a hint when not. It never
#   crashes on a wrong answer, so try freely.
# - **Solutions** sit in a folded cell after each exercise, marked `# Solution (try the exercise
#   first)`: click it to expand only after you have tried. (This is the lesson copy, in
#   `notebooks/`. In the learner copy, in `learner/`, `checks.solution("00.1")` prints the same
#   solution, with the exercise's number.)
# - **Epochs** are counted from 1 everywhere in this course, exactly as Keras prints them
#   (`Epoch 1/100`). Keras stores them counted from 0; we convert for you and say so where it matters.
#
# The helpers you will use live in `course_utils`, a small package that comes with the course.
# Every function in it is short and documented. To see how one works, run its name followed by
# two question marks in a code cell: `plot_history??` shows the code of `plot_history`, once the
# cell that imports it has run. (`import course_utils; print(course_utils.__file__)` prints where
# the package's files are on your computer.)

# %% [markdown]
# ## Is your computer ready?
#
# The environment check prints one line per item: `OK`, or `FAIL` followed by how to fix it.
# It trains a tiny Keras model too, so it takes a few seconds. (From a terminal, `make check`
# runs the same check.)

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

# %% tags=["nbval-ignore-output"]
from course_utils.environment_check import run_environment_check

ready = run_environment_check()

# %%
ready  # True when every line above says OK

# %% [markdown]
# If you see `False`, follow the `fix:` lines above, then restart the kernel and run this
# notebook again. Ask your instructor if a line stays red.

# %% [markdown]
# ## Your first training and validation curves
#
# We will fit a straight line through 100 noisy points: $y = 2x + 1 + \text{noise}$, where the
# **noise**, a random scatter that nothing in $x$ predicts, has a standard deviation of 0.2.
# `load_dataset` reads the course's copy of the data and checks that the file is intact.
# scikit-learn's `train_test_split` then makes the **split**: it shuffles the rows and keeps 20 % of
# them aside as the **validation set**, rows the model never learns from; the other 80 %, the
# **training set**, are the rows it learns from (`random_state` fixes the shuffle, so you get the
# same split as we do).

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import checks, load_dataset, plot_history, seed_everything

X, y = load_dataset("noisy_line")
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=1)
print(f"training rows: {len(x_train)}, validation rows: {len(x_val)}")

# %% [markdown]
# Networks learn fastest when each input is centred on 0 with a standard deviation of about 1. A
# `StandardScaler` learns the mean and the standard deviation of $x$ from the **training** rows
# only, then shifts and stretches every part with those same two numbers: the validation rows
# must not influence anything the model uses.

# %%
scaler = StandardScaler().fit(x_train)
x_train_scaled = scaler.transform(x_train)
x_val_scaled = scaler.transform(x_val)
print(f"scaled training x: mean {x_train_scaled.mean():.2f}, std {x_train_scaled.std():.2f}")

# %% [markdown]
# The model learns from the **training** rows only: training makes its **loss**, a number that
# measures how far its predictions are from the truth, as small as it can on them. The loss here
# is the **mean squared error** (MSE): the average of (prediction − truth)². After every epoch (one
# pass over the training rows), Keras records the loss on the training rows, the **training
# loss**, and measures the loss on the **validation** rows, which the model never learns from: the
# **validation loss**.
#
# Before you run the next cell, answer the first exercise.

# %% [markdown]
# ### Exercise 1: predict the curves
#
# The model is small and the data is a noisy straight line. After training, which picture do you
# expect?
#
# - **A**: training loss far below validation loss
# - **B**: validation loss far below training loss
# - **C**: both losses low and close to each other
#
# Put your letter in `answer` and run the cell.

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("00.1", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "C"
checks.exercise("00.1", answer)

# %% [markdown]
# ### Keras in one cell
#
# The training cell below uses these pieces of Keras, each in one line:
#
# - `keras.Sequential([...])`: a model made of **layers**, steps that each transform what the one
#   before hands them, run one after another, in order.
# - `keras.Input(shape=(1,))`: what one row looks like going in; here a single number, $x$.
# - `keras.layers.Dense(16)`: 16 units, each a weighted sum of its inputs plus a bias; those
#   **weights** (and the biases) are the numbers training adjusts.
# - `activation="relu"`: bends each unit's output (negatives become 0) so the units together can
#   draw curves; the last layer, `Dense(1)`, has none and outputs the prediction.
# - loss, `loss="mse"`: the number training makes small, here the mean squared error.
# - **optimiser**, `keras.optimizers.Adam(learning_rate=0.01)`: the rule that nudges the weights
#   to lower the loss; the **learning rate** sets the size of each nudge.
# - `model.compile(optimizer=..., loss=...)`: gives the model its optimiser and its loss.
# - `model.fit(...)`: trains for `epochs=60` passes over the training rows, one nudge per
#   **batch**, a group of `batch_size=32` rows, and measures the loss on `validation_data` after
#   each epoch.
# - `History`: what `fit` returns; `history.history["loss"]` and `["val_loss"]` hold one number
#   per epoch.
#
# `seed_everything(0)` fixes every random choice (initial weights, batch order), so the cell
# gives the same curves each time you run it. `verbose=0` turns off the progress bar.

# %% tags=["live"]
seed_everything(0)
model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
history = model.fit(
    x_train_scaled,
    y_train,
    validation_data=(x_val_scaled, y_val),
    epochs=60,
    batch_size=32,
    verbose=0,
)
plot_history(history, log_scale=True)
plt.show()

# %% [markdown]
# Read the plot: the **solid** line is the training loss, the **dashed** line the validation loss,
# one colour per model. Both fall fast. Between epochs 12 and 20 both bump up, the validation loss
# more, then both settle, close to each other. The marker shows the epoch with the
# lowest validation loss. (The y axis is logarithmic so that the flat end is visible.)
#
# Every figure in the course also says what it shows in words, computed from its numbers: for a
# screen reader, or wherever the image does not show. In JupyterLab, `from course_utils import
# describe` then `print(describe(history))` prints it; on the course website it is the image's
# alternative text.

# %% [markdown]
# ### Exercise 2: the noise floor
#
# The noise added to the line has a standard deviation of 0.2. Even a model that knew the true
# line exactly would be off by that noise. What MSE would that perfect model get, on average?
# Write it as a number.

# %%
noise_floor = None  # TODO: a number

# %%
checks.exercise("00.2", noise_floor)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
noise_floor = 0.2**2  # MSE averages squared errors: the noise variance
checks.exercise("00.2", noise_floor)

# %% [markdown]
# ## The curves and the noise floor
#
# Now put the floor next to the curves. The cell below prints the last epoch's losses, counts the
# epochs in which the validation loss was below 0.04, and measures the noise itself: how far the
# rows of each part lie from the true line $y = 2x + 1$ (the MSE the perfect model gets on them).

# %%
loss, val_loss = np.array(history.history["loss"]), np.array(history.history["val_loss"])
lowest = int(np.argmin(val_loss))
highest_after = lowest + int(np.argmax(val_loss[lowest:]))
print(f"after epoch 60: training loss {loss[-1]:.3f}, validation loss {val_loss[-1]:.3f}")
print(
    f"validation loss below 0.04 in {np.sum(val_loss < 0.04)} of {len(val_loss)} epochs: "
    f"lowest {val_loss[lowest]:.3f} (epoch {lowest + 1}), then up to {val_loss[highest_after]:.3f} "
    f"(epoch {highest_after + 1})"
)

# the raw x, not the scaled one: the true line is y = 2x + 1 in the data's own units
for name, x_part, y_part in (("training", x_train, y_train), ("validation", x_val, y_val)):
    print(
        f"the true line's MSE on the {len(y_part)} {name} rows: "
        f"{np.mean((y_part - (2 * x_part[:, 0] + 1)) ** 2):.3f}"
    )

# %% [markdown]
# The validation loss spends more than half of the epochs, 35 of 60, *below* the **noise floor**,
# 0.04: the loss that even the perfect model gets **on average, on new data**. Has the model beaten
# the noise? No. Twenty rows are not an average: these 20 happen to lie close to the line,
# and the perfect model itself would score only 0.026 on them. Another split draws other rows: with
# `random_state=5` the 20 validation rows lie farther from the line than average (the perfect
# model scores 0.047 on them), and the same model's validation loss never goes below 0.04. The
# training loss can dip below the floor too, by fitting some of the noise of the very rows it
# learns from: this model ends at 0.036, a little under the 0.040 of its training rows (as it did
# on all ten splits we tried, `random_state` 0 to 9). So a curve that levels off near the floor is
# a **good fit**, but where exactly the floor lies for your rows, the curve alone cannot tell.
# Lesson 07 shows how much small validation sets vary.

# %% [markdown]
# ## Key points
#
# - Run notebooks top to bottom; restart the kernel for a clean state. Training cells seed their
#   own model, so re-running them reproduces their numbers.
# - `python -m course_utils check` (or `make check`) tells you whether your machine is ready.
# - Training loss is measured on the rows the model learns from; validation loss on rows it never
#   learns from. Plot both, every time.
# - The noise in the data sets a floor for the loss on new data, on average (here 0.2² = 0.04).
#   A curve that levels off near it is a good fit. A training loss can go below it by memorising,
#   and a small validation set by luck: here 20 validation rows did, in 35 of 60 epochs.
#
# ## Try next
#
# - Change `epochs=60` to `epochs=5` and re-run the training cell: what do the curves say now?
# - Lesson 01 looks closely at how Keras computes each of the two losses.
