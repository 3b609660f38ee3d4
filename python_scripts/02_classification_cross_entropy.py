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
# # 02 · Binary classification: cross-entropy, accuracy, and overfitting
#
# **Time:** 35 minutes · **Prerequisites:** notebook 01.
#
# **Questions**
# - What loss do I use for a yes/no target, and what does `from_logits=True` change?
# - Why read the loss curves *and* the accuracy curves?
# - How does a network that is too large for its data behave on these curves?
#
# **Objectives**
# - Build a classifier with a sigmoid output and binary cross-entropy.
# - Plot loss and accuracy side by side and read them together.
# - Explain what validation accuracy does while validation loss rises, and why.

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
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import checks, diagnose, load_dataset, plot_history, seed_everything

# %% [markdown]
# ## The data
#
# 100 rows, 10 numeric **features** (the input columns), two classes, made by scikit-learn's
# `make_classification`. Seven
# of the 10 features carry signal: 5 informative ones and 2 that are mixtures of those; the other 3
# are pure noise. The generator also gives 1 % of the rows (here, 1 row) a label drawn at random.
# scikit-learn's `train_test_split` shuffles the rows and keeps 20 % for validation;
# `stratify=y` gives both parts the same class balance as the whole. Then a `StandardScaler`
# learns each feature's mean and standard deviation from the training rows only, and standardises
# both parts with them.

# %%
X, y = load_dataset("classification")
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=2, stratify=y)
scaler = StandardScaler().fit(x_train)  # the training rows only
x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
print(f"training rows: {len(x_train)}, validation rows: {len(x_val)}")
print(f"share of class 1: training {y_train.mean():.2f}, validation {y_val.mean():.2f}")


# %% [markdown]
# ## Sigmoid output and binary cross-entropy
#
# The network ends in **one unit with a sigmoid**, which turns any number into a probability $p$ that
# the row is class 1. **Binary cross-entropy** (**cross-entropy** for short) scores that
# probability against the true label $t \in \{0, 1\}$:
#
# $$\text{loss} = -\big(t \log p + (1 - t) \log(1 - p)\big)$$
#
# Confident and right costs almost nothing; confident and wrong costs a lot (−log 0.01 ≈ 4.6).
#
# ### Exercise 1: build the classifier
#
# Complete `build_classifier`: 64 ReLU units, then an output layer for binary classification,
# compiled with the matching loss. (Adam's learning rate is set to 0.003, three times its default,
# so that the whole story fits in 150 epochs.)


# %%
def build_classifier():
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),  # TODO: fix the output layer
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="mse",  # TODO: and the loss
        metrics=["accuracy"],
    )
    return model


build_classifier = checks.exercise("02.1", build_classifier)


# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
def build_classifier():
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


build_classifier = checks.exercise("02.1", build_classifier)

# %% [markdown]
# ### What `from_logits=True` means
#
# A **logit** is the raw output before the sigmoid. You can leave the sigmoid out of the model and
# tell the loss that it receives logits: `keras.losses.BinaryCrossentropy(from_logits=True)` then
# applies the sigmoid itself. Computed from a logit, the loss is exact, even for very large logits.
#
# Computed from a probability, it may not be. In float32 the sigmoid of 20 is exactly 1.0, and
# log(1 − 1.0) is minus infinity, so before taking the log Keras clips probabilities to between
# 10⁻⁷ and 1 − 10⁻⁷. That caps the loss of one row at about 16. Compare four rows, the last one
# confidently wrong (a logit of 20 for a row of class 0), with the loss computed three ways: from the
# logits, from the output of Keras's own sigmoid (what a sigmoid output layer produces), and from
# the same probabilities as plain NumPy numbers (what `model.predict` returns).

# %%
logits = np.array([[-4.0], [0.3], [3.0], [20.0]], dtype="float32")  # float32, as in a model
labels = np.array([[0.0], [1.0], [0.0], [0.0]], dtype="float32")
keras_sigmoid = keras.ops.sigmoid(logits)  # what a sigmoid output layer hands to the loss
numpy_probabilities = 1 / (1 + np.exp(-logits))  # plain numbers, like model.predict returns

per_row = keras.losses.BinaryCrossentropy(reduction=None)  # one loss per row, not their mean
per_row_from_logits = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)
table = np.column_stack(
    [
        keras.ops.convert_to_numpy(keras_sigmoid)[:, 0],
        per_row_from_logits(labels, logits),
        per_row(labels, keras_sigmoid),
        per_row(labels, numpy_probabilities),
    ]
)
print("logit  class  probability  from logits  from Keras's sigmoid  from NumPy probabilities")
for z, t, (p, from_z, from_sigmoid, from_numpy) in zip(logits[:, 0], labels[:, 0], table):
    print(
        f"{z:5.1f}  {t:5.0f}  {p:11.4f}  {from_z:11.4f}  {from_sigmoid:20.4f}  {from_numpy:24.4f}"
    )

# %% [markdown]
# The first three rows agree. The last costs 20.0 computed from its logit, and from Keras's
# sigmoid too, but only 15.94 from the NumPy probability: the clip capped it.
#
# Keras's sigmoid gets the exact answer because, on the TensorFlow backend this course uses, its
# output remembers the logits it came from, and the loss uses them. So a model with a sigmoid output
# and `loss="binary_crossentropy"` trains on exactly the same loss as a linear output with
# `from_logits=True`. The clip only bites when you compute a loss from probabilities as plain
# numbers, such as those `model.predict` returns. (One combination to avoid: a sigmoid output *and*
# `from_logits=True`. TensorFlow notices, warns and still computes the right loss, but on Keras's
# JAX and PyTorch backends the sigmoid is then applied twice and the loss is wrong.)
#
# A linear output changes one more thing: **accuracy**, the share of rows whose predicted class is
# the true class. For a model with one output unit, Keras turns
# `metrics=["accuracy"]` into `keras.metrics.BinaryAccuracy()`, which counts a row as class 1 when
# the output is above 0.5. For a probability that is the right line. For a logit, 0.5 means a
# probability of 0.62, so rows with probabilities between 0.5 and 0.62 count as class 0. With
# logits, draw the line at 0 instead: `keras.metrics.BinaryAccuracy(threshold=0.0)`. The row with
# logit 0.3 (probability 0.57, class 1) shows the difference:

# %%
accuracies = {
    '"accuracy" on the probabilities': (keras.metrics.BinaryAccuracy(), numpy_probabilities),
    '"accuracy" on the logits': (keras.metrics.BinaryAccuracy(), logits),
    "BinaryAccuracy(threshold=0.0) on the logits": (
        keras.metrics.BinaryAccuracy(threshold=0.0),
        logits,
    ),
}
for name, (metric, outputs) in accuracies.items():
    metric.update_state(labels, outputs)
    print(f"{name:<44} {float(metric.result()):.2f}")

# %% [markdown]
# ## A network too large for its data
#
# 64 hidden units means 769 weights to fit 80 rows. Train your `build_classifier` for 150 epochs
# and record accuracy too. (The numbers quoted below are those of the solution's; a different
# hidden layer or learning rate in yours gives other numbers.)

# %% [markdown]
# ### Exercise 2: predict the curves
#
# After some epochs the network starts to memorise its 80 training rows. When the validation loss
# starts rising, what do you expect the validation **accuracy** to do?
#
# - **A**: stay about level
# - **B**: fall just as clearly as the loss rises
# - **C**: rise sharply

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("02.2", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "A"
checks.exercise("02.2", answer)

# %% tags=["live"]
seed_everything(0)
model = build_classifier()
history = model.fit(
    x_train, y_train, validation_data=(x_val, y_val), epochs=150, batch_size=32, verbose=0
)

# %% [markdown]
# ### Exercise 3: the best epoch
#
# Before you plot the curves, read the numbers: at which epoch was the validation loss lowest?
# Answer with the epoch number as Keras prints it (`Epoch 1/150` is the first). Work it out from
# `history.history["val_loss"]`, the list of the 150 validation losses, one per epoch.

# %%
best_epoch = None  # TODO: a whole number

# %%
checks.exercise("02.3", best_epoch, history=history)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
best_epoch = int(np.argmin(history.history["val_loss"])) + 1  # argmin counts from 0
checks.exercise("02.3", best_epoch, history=history)

# %% [markdown]
# Now plot the loss and the accuracy side by side. On each validation curve a dot marks its
# **best epoch**, the epoch with the lowest loss (or the highest accuracy).

# %% tags=["live"]
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.8))
plot_history(history, "loss", ax=ax_loss, title="binary cross-entropy")
plot_history(history, "accuracy", ax=ax_acc, title="accuracy")
plt.show()

# %%
h = history.history
best = int(np.argmin(h["val_loss"]))  # 0-based index of the lowest validation loss
for label, i in (("lowest val_loss", best), ("last", len(h["val_loss"]) - 1)):
    print(
        f"{label:>15}: epoch {i + 1:3d}  loss {h['loss'][i]:.3f}  val_loss {h['val_loss'][i]:.3f}  "
        f"accuracy {h['accuracy'][i]:.2f}  val_accuracy {h['val_accuracy'][i]:.2f}"
    )

# %% [markdown]
# Read the two plots together:
#
# - **Training loss** keeps falling towards 0 and training accuracy reaches 1.00: the network
#   memorises its 80 rows.
# - **Validation loss** reaches its lowest point early, then climbs: from there on, every epoch
#   makes the model worse on new rows, as measured by cross-entropy. That is **overfitting**.
# - **Validation accuracy** does not fall with it: it holds, here at 0.85 from the lowest
#   validation loss to the end.
#
# Why do the two validation curves disagree? Look at the validation rows the final model gets wrong.

# %% tags=["live"]
p_val = model.predict(x_val, verbose=0)[:, 0]  # the probability of class 1
wrong = (p_val > 0.5) != y_val
row_loss = keras.losses.binary_crossentropy(y_val[:, None], p_val[:, None]).numpy()
print(f"{wrong.sum()} of {len(wrong)} validation rows are misclassified")
print(f"their share of the validation loss: {row_loss[wrong].sum() / row_loss.sum():.0%}")
for p, t in zip(p_val[wrong], y_val[wrong]):
    print(f"p = {p:.3f}, true class {t}")

# %% [markdown]
# The misclassified rows are predicted with high confidence, and cross-entropy charges each of
# them $-\log$ of the probability given to the true class: together they make up most of the
# validation loss. As training goes on, the network becomes ever more sure of its answers, right
# or wrong. Accuracy counts only *whether* each answer is right, so it stays flat; cross-entropy
# sees the confident mistakes growing, so it rises.
#
# So is the model getting worse? At its yes/no answers, no: validation accuracy is 0.85 at the
# lowest validation loss and still 0.85 at the end. What got worse are its probabilities: it has
# become over-confident, so sure of itself that it gives a row of class 0 a probability of 1.000
# of being class 1. Which curve matters depends on what you will use. If you act on the
# probabilities (a risk score, or a rule such as "act when p is above 0.9"), the rising loss is
# the warning to heed; if you only use the yes/no answers, accuracy (or whichever error matters
# to you) is the curve to judge by.
#
# How far the validation loss climbs depends on which 20 rows validate. Re-run on 10 other splits
# of these 100 rows (`tests/data/seed_claims.md`), `diagnose` called the run overfitting in 9, but
# the last validation loss ended anywhere from 3 % to 185 % above its lowest point; this split
# (152 %) shows one of the steepest climbs. Validation accuracy held (within one row of 20) or
# rose in 9 of the 10.

# %%
print(diagnose(history))


# %% [markdown]
# ## Key points
#
# - For two classes: one sigmoid output and binary cross-entropy, or a linear output with
#   `BinaryCrossentropy(from_logits=True)`. On TensorFlow both compute the loss from the logits, so
#   it is the same. The second model outputs logits: measure its accuracy with
#   `keras.metrics.BinaryAccuracy(threshold=0.0)`, since `"accuracy"` cuts at 0.5 (p = 0.62 for a
#   logit).
# - A loss computed from probabilities as plain numbers (such as `model.predict`'s) is clipped: one
#   confidently wrong row costs at most about 16.
# - Plot loss and accuracy side by side. Loss sees confidence; accuracy sees only right or wrong.
# - Validation loss can rise while validation accuracy holds (here at 0.85) or even rises: the
#   model grows over-confident, confidently wrong on a few rows. Its probabilities get worse,
#   its yes/no answers do not. Whether that matters depends on which of the two you will use.
# - A network much larger than its data memorises it: training loss → 0, validation loss turns up.
#
# ## Try next
#
# - Shrink the hidden layer to 4 units: does the validation loss still turn up?
# - Train on `load_dataset("classification_large")` (2,000 rows): what happens to the gap?
# - Lesson 04 stops training at the best epoch automatically.
