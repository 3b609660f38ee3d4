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
# # 08 · Capstone: the whole workflow on real data
#
# **Time:** 45 minutes · **Prerequisites:** notebooks 01 to 07.
#
# **Questions**
# - What does a careful practitioner do, step by step, from raw data to one honest score?
# - How do the loss curves guide the choices along the way?
#
# **Objectives**
# - Split real data into training, validation and test sets, and scale on the training rows only.
# - Compare a model with the baseline, train it with early stopping, and read its curves with
#   `diagnose`.
# - Report a single test score, and write a short conclusion backed by the numbers.
#
# The data: the Breast Cancer Wisconsin (Diagnostic) set, which ships inside scikit-learn (the
# course keeps a checksummed copy in its `data/` folder, installed with `course_utils`, so nothing
# is downloaded). 569 tumours, 30 measurements of cell nuclei from a microscope image; the label
# says whether the tumour was malignant (0) or benign (1). This is a teaching exercise, not a medical tool.

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
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import (
    baseline_loss,
    checks,
    diagnose,
    load_dataset,
    plot_history,
    seed_everything,
)
from course_utils.plots import legend_outside

# %% [markdown]
# ## Step 1: look at the data
#
# Before any model: how many rows, how many of each class, and what the features look like.

# %%
X, y = load_dataset("breast_cancer")
print(
    f"{X.shape[0]} rows, {X.shape[1]} features; benign (1): {y.mean():.2f} of the rows, "
    f"malignant (0): {1 - y.mean():.2f}"
)
print(
    f"feature ranges: 'mean area' from {X[:, 3].min():.0f} to {X[:, 3].max():.0f}, "
    f"'mean smoothness' from {X[:, 4].min():.3f} to {X[:, 4].max():.3f}"
)

# %% [markdown]
# The features live on wildly different scales: a network trains badly on such inputs, so we
# will standardise them. And the classes are not balanced: a model that always says "benign" is
# already right on most rows, so accuracy alone would flatter us. The baseline in step 3 tells us
# where "learned nothing" lies.
#
# ## Step 2: split, then scale on the training rows only
#
# Three parts: 60 % to train on, 20 % to validate on (it chooses the epoch), and 20 % for the
# test, looked at once, at the very end. scikit-learn's `train_test_split` cuts two parts, so we
# call it twice: first the test set (20 % of all rows), then the validation set from the rest
# (25 % of the remaining 80 %, which is 20 % of all). `random_state` fixes the shuffle, and
# `stratify` keeps the class proportions in every part. Then the scaler: fitted on the training
# rows only, and applied to all three (notebook 07, surprise 5).

# %% tags=["live"]
x_rest, x_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, random_state=1, stratify=y)
x_train, x_val, y_train, y_val = train_test_split(
    x_rest, y_rest, test_size=0.25, random_state=1, stratify=y_rest
)
scaler = StandardScaler().fit(x_train)
x_train = scaler.transform(x_train)
x_val = scaler.transform(x_val)
x_test = scaler.transform(x_test)
for name, features, labels in (
    ("training", x_train, y_train),
    ("validation", x_val, y_val),
    ("test", x_test, y_test),
):
    print(
        f"{name:>10}: {len(labels):3d} rows, benign {labels.mean():.2f}, "
        f"mean of the scaled features {features.mean():+.3f}"
    )

# %% [markdown]
# Only the training features have a mean of exactly 0: the scaler learned its numbers from
# them. The validation and test features come out near 0, not at 0, just as new data would.
#
# ## Step 3: the baseline
#
# The best constant guess for binary cross-entropy is to predict, for every row, the fraction of
# benign tumours in the training set. Its validation loss is the bar any model must clear.
#
# ### Exercise 1: compute the baseline
#
# Use `baseline_loss` with the training and validation labels and the loss name
# `"binary_crossentropy"`.

# %%
my_baseline = None  # TODO: use baseline_loss

# %%
baseline = checks.exercise("08.1", my_baseline, y_train=y_train, y_val=y_val)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
my_baseline = baseline_loss(y_train, y_val, "binary_crossentropy")
baseline = checks.exercise("08.1", my_baseline, y_train=y_train, y_val=y_val)

# %%
print(
    f"baseline validation loss: {baseline:.3f}; "
    f"always answering 'benign' is right on {y_val.mean():.2f} of the validation rows"
)


# %% [markdown]
# ## Step 4: a model
#
# A small network is plenty for 30 features: one hidden layer of 32 ReLU units, and an output for
# two classes.
#
# ### Exercise 2: build the classifier
#
# Complete `build_classifier`: its output layer and its loss are wrong for a yes/no target.


# %%
def build_classifier():
    model = keras.Sequential(
        [
            keras.Input(shape=(30,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1),  # TODO: fix the output layer
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="mse",  # TODO: and the loss
        metrics=["accuracy"],
    )
    return model


build_classifier = checks.exercise("08.2", build_classifier)


# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
def build_classifier():
    model = keras.Sequential(
        [
            keras.Input(shape=(30,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


build_classifier = checks.exercise("08.2", build_classifier)

# %% [markdown]
# ## Step 5: early stopping
#
# We do not know in advance how many epochs this model needs, so we let the validation loss decide:
# allow up to 300 epochs, stop after 10 epochs without improvement, and keep the best weights.
#
# ### Exercise 3: configure `EarlyStopping`
#
# Watch the validation loss, wait 10 epochs without improvement, and restore the best weights.

# %%
early_stopping = keras.callbacks.EarlyStopping()  # TODO: add the arguments

early_stopping = checks.exercise("08.3", early_stopping)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=10, restore_best_weights=True
)

early_stopping = checks.exercise("08.3", early_stopping)

# %% [markdown]
# ## Step 6: train, and plot
#
# With your `build_classifier` and `early_stopping` (or the reference ones, until yours pass).
# The numbers the text quotes are those of the solutions.

# %% tags=["live"]
seed_everything(0)
model = build_classifier()
history = model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=300,
    batch_size=32,
    callbacks=[early_stopping],
    verbose=0,
)
best_epoch = early_stopping.best_epoch  # counted from 0
print(
    f"ran {len(history.history['loss'])} epochs; best epoch {best_epoch + 1}: "
    f"val_loss {history.history['val_loss'][best_epoch]:.3f}, "
    f"val_accuracy {history.history['val_accuracy'][best_epoch]:.2f}"
)
fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(11, 3.8))
plot_history(history, "loss", ax=ax_loss, early_stopping=early_stopping)
ax_loss.axhline(baseline, color="#000000", linewidth=0.8, label="baseline (constant guess)")
ax_loss.set_ylim(0, 1.1 * baseline)
legend_outside(ax_loss)
plot_history(history, "accuracy", ax=ax_accuracy, mark_best=False)  # the loss chose the epoch
plt.show()

# %% [markdown]
# ## Step 7: read the curves
#
# `diagnose` names what the loss curves show, using the baseline to tell a good fit from a model
# that learned too little.

# %% tags=["live"]
diagnosis = diagnose(history, baseline=baseline)
print(diagnosis)

# %% [markdown]
# Both curves dropped far below the baseline within a few epochs. The validation loss then
# levelled off while the training loss kept creeping down; early stopping ended the run
# 10 epochs after the best one and put its weights back. Nothing in the curves asks for a bigger
# model, a smaller one, or more epochs, so we stop tuning here.
#
# ## Step 8: one test score
#
# The validation set chose the epoch, so the validation loss at that epoch flatters the model a
# little (notebook 04). But the validation and test sets hold only 114 rows each.
#
# ### Exercise 4: predict the test loss
#
# Before running the evaluation below: compared with the validation loss at the best epoch, what
# should you expect of the test loss?
#
# - **A**: higher, because the validation set chose the epoch
# - **B**: it can land on either side of the validation loss
# - **C**: lower, because early stopping kept the best weights

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("08.4", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "B"
checks.exercise("08.4", answer)

# %% [markdown]
# Now, once, and only after every choice is made:

# %% tags=["live"]
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test set, evaluated once: loss {test_loss:.3f}, accuracy {test_accuracy:.2f}")
val_at_best = {name: values[best_epoch] for name, values in history.history.items()}
print(
    f"for comparison, validation at the best epoch: loss {val_at_best['val_loss']:.3f}, "
    f"accuracy {val_at_best['val_accuracy']:.2f}"
)

# %% [markdown]
# That is the model's score. Here it came out a little higher than the validation loss; with
# another split it could as easily have come out lower. Do not go back and tune on it: the moment
# the test score steers a choice, it stops being honest.
#
# **What lesson 05 (imbalanced classes) changes here.** Malignant tumours, class 0, are 37 % of
# the rows: a minority, not a rare class. The split is already right: `stratify` gives each part
# the same share, give or take a row, so the 114 validation rows hold 43 malignant tumours. The
# baseline, 0.663, sits close to log 2 = 0.693 because 37 % is not far from half, yet always
# answering "benign" is still right on 0.62 of the validation rows: read the loss, not the
# accuracy. `class_weight` has nothing to fix: without it the model already reaches a validation
# accuracy of 0.98, and weights would make `loss` and `val_loss` measure different things. What
# would change is the decision. Keras's `Precision()` and `Recall()` count class 1 (benign) as
# the positive class, so to follow the malignant tumours, train on `1 - y` (malignant = 1) or
# compute the recall of class 0 from `model.predict`. And if a missed malignant tumour costs more
# than a false alarm, choose the threshold on the validation rows for the recall you need, not
# 0.5, then evaluate the test set once, at that threshold. With 43 malignant validation tumours,
# one tumour moves that recall by 2.3 points: do not tune to the last digit.
#
# ## Step 9: your conclusion
#
# First the numbers, checked; then a few sentences in your own words.
#
# ### Exercise 5: the numbers behind the conclusion
#
# Fill in, from the outputs above: the verdict of `diagnose` (a letter), the best epoch (as Keras
# prints it, counting from 1), and the test accuracy rounded to 2 decimals. The verdicts, by letter:
# **A** underfitting, **B** overfitting, **C** good fit, **D** still improving.

# %%
my_verdict = None  # TODO: a letter, in quotes
my_best_epoch = None  # TODO: a whole number
my_test_accuracy = None  # TODO: a number such as 0.91

# %%
checks.exercise("08.5a", my_verdict, diagnosis=diagnosis)
checks.exercise("08.5b", my_best_epoch, history=history)
checks.exercise("08.5c", my_test_accuracy, test_accuracy=test_accuracy)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
my_verdict = {"underfitting": "A", "overfitting": "B", "good fit": "C", "still improving": "D"}[
    diagnosis.verdict
]
my_best_epoch = best_epoch + 1  # best_epoch counts from 0
my_test_accuracy = round(test_accuracy, 2)

checks.exercise("08.5a", my_verdict, diagnosis=diagnosis)
checks.exercise("08.5b", my_best_epoch, history=history)
checks.exercise("08.5c", my_test_accuracy, test_accuracy=test_accuracy)

# %% [markdown]
# ### Your written conclusion (not checked)
#
# Double-click this cell and replace the brackets. No check can judge your reasoning: compare it
# with a neighbour's, or with the key points below.
#
# > On the breast cancer data (569 tumours, 30 features), a network with one hidden layer of 32
# > units was trained on [number] rows, chose its epoch on [number] validation rows, and was tested
# > once on [number] rows. The baseline loss was [number]. Training stopped at epoch [number]; the
# > best epoch was [number]. The curves show [a good fit / overfitting / ...], because [...].
# > On the test set it reached a loss of [number] and an accuracy of [number], [higher / lower]
# > than on the validation set, because [...]. Next I would try [...], because [...].

# %% [markdown]
# ## Key points
#
# - The workflow: look at the data; split into training, validation and test; fit the scaler on
#   the training rows only; compute the baseline; train with early stopping; read the curves; then
#   evaluate the test set once.
# - The baseline says where "learned nothing" lies; accuracy alone flatters a model on unbalanced
#   classes.
# - The validation set makes choices (here: the epoch), so its best score is optimistic; the test
#   score is the one to report. With about 100 rows per set, the test score can still land on
#   either side of the validation score: which rows land where matters more than that optimism.
# - A conclusion names the numbers it rests on, and says what the curves show and why.
#
# ## Try next
#
# - The same workflow on regression: `load_dataset("diabetes")` (442 patients, 10 features; the
#   target is disease progression one year later). Use `loss="mse"`, `baseline_loss(..., "mse")`,
#   and report the test MAE (the typical error, in the target's units).
# - Split with another `random_state`: how much do the best epoch and the test score move? What
#   does that say about trusting a single split of 569 rows? (`python tools/test_vs_validation.py
#   08` runs this notebook's workflow on 30 splits.)
# - Replace the hidden layer with 4 units, or with 256: what does `diagnose` say now?
