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
# # 10 · How much to trust a number
#
# **Time:** 45 minutes · **Prerequisites:** notebooks 04 and 06.
#
# **Questions**
# - A validation or test loss is measured on a few rows. How far would it move on other rows?
# - How do I get a validation score, and a number of epochs, that does not hang on one split?
# - After choosing, what do I train the final model on, and when do I look at the test set?
# - When does shuffling the rows before splitting give a validation loss that is too good?
#
# **Objectives**
# - Measure the spread of a loss over many test sets of 20, 100 and 1,000 rows, and see it
#   shrink like one over the square root of the number of rows.
# - Cross-validate a Keras model with scikit-learn's `KFold` and `StratifiedKFold`, a fresh
#   model per fold, and report a mean and a spread.
# - Retrain on the training and validation rows for the chosen number of epochs, then
#   evaluate on the test set once.
# - Split grouped rows with `GroupKFold` and time-ordered rows with `TimeSeriesSplit`.
#
# Epochs are counted from 1 here, as Keras prints them; `np.argmin` of a history counts from 0,
# so we add 1.

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
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    train_test_split,
)
from sklearn.preprocessing import StandardScaler

from course_utils import checks, plot_history, seed_everything, set_description
from course_utils.plots import legend_outside

tf.get_logger().setLevel("ERROR")  # every fold builds a new model: no retracing warnings

# %% [markdown]
# ## Rows from a known source
#
# To see how much a score moves from one test set to the next, we need many test sets from the
# same source. Real data gives one; a generator gives as many as we like. `make_rows` draws
# rows of five features in different units and a label 0 or 1, whose probability depends on
# the features (so even a perfect model makes mistakes). The same `seed` gives the same rows.


# %%
def make_rows(n, seed):
    """n rows of 5 features (in different units) and labels 0/1 (about 38 % of 1s)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 5))
    logit = 2 * z[:, 0] - z[:, 1] + 1.5 * z[:, 2] * z[:, 3] - 1
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    x = z * [1.0, 10.0, 0.1, 5.0, 1.0] + [0.0, 50.0, 1.0, 0.0, 3.0]  # units differ
    return x, y


def build_classifier():
    """64 ReLU units, 1 sigmoid output; Adam(0.02), binary cross-entropy."""
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="binary_crossentropy")
    return model


# %% [markdown]
# ## The spread of a score
#
# Train one model, once, on 200 rows. Then draw a pool of 100,000 new rows: its loss on the
# whole pool is, for all practical purposes, the model's true loss on new data.

# %%
x_train, y_train = make_rows(200, seed=1)
scaler = StandardScaler().fit(x_train)
seed_everything(0)
pool_model = build_classifier()
pool_model.fit(scaler.transform(x_train), y_train, epochs=10, batch_size=32, verbose=0)

x_pool, y_pool = make_rows(100_000, seed=2)
p_pool = pool_model.predict(scaler.transform(x_pool), batch_size=10_000, verbose=0)
row_loss = keras.losses.binary_crossentropy(y_pool[:, None], p_pool).numpy()  # one per row
print(f"{len(row_loss):,} rows, {row_loss.shape}: the loss of each row")
print(f"the model's loss on the whole pool: {row_loss.mean():.3f}")
on_1000 = pool_model.evaluate(scaler.transform(x_pool[:1000]), y_pool[:1000], verbose=0)
print(
    f"evaluate on the first 1,000 rows {on_1000:.4f}, mean of their row losses "
    f"{row_loss[:1000].mean():.4f}"
)

# %% [markdown]
# A loss is a mean over rows, so the loss of *any* test set drawn from the pool is the mean of
# its rows' losses: `evaluate` on the first 1,000 rows gives the same number as
# `row_loss[:1000].mean()`. We predicted once; each new test set is now a cheap NumPy mean.
# Draw 2,000 test sets of each size, 20, 100 and 1,000 rows, and look at their losses:

# %% tags=["live"]
rng = np.random.default_rng(0)
scores = {}
for n in (20, 100, 1000):
    rows = rng.integers(0, len(row_loss), size=(2000, n))  # 2,000 test sets of n rows
    scores[n] = row_loss[rows].mean(axis=1)

# %%
print(f"true loss (the pool): {row_loss.mean():.3f}")
print("  rows  middle 90 % of the scores   width  standard deviation  std × √rows")
for n, values in scores.items():
    low, high = np.percentile(values, [5, 95])
    print(
        f"{n:6,d}  {low:.3f} to {high:.3f}{'':15}{high - low:.3f}  {values.std():18.3f}"
        f"  {values.std() * np.sqrt(n):11.2f}"
    )
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.boxplot(list(scores.values()), whis=(5, 95), showfliers=False)
ax.set_xticks([1, 2, 3], [f"{n:,} rows" for n in scores])
ax.axhline(row_loss.mean(), color="#0072B2", linestyle="--", label="true loss (100,000 rows)")
ax.set(ylabel="loss (binary cross-entropy)", title="one model, 2,000 test sets of each size")
legend_outside(ax)
spreads = "; ".join(
    f"{n:,} rows: middle 90 % from {np.percentile(values, 5):.2f} to "
    f"{np.percentile(values, 95):.2f}, median {np.median(values):.2f}"
    for n, values in scores.items()
)
set_description(fig, f"box plot of the test losses, true loss {row_loss.mean():.3f}: {spreads}")
plt.show()

# %% [markdown]
# One model, one true loss (0.459), yet its score on a test set of 20 rows landed anywhere from
# 0.20 to 0.80 in 90 % of the draws (boxes: the middle half; whiskers: the middle 90 %). With
# 100 rows the middle 90 % still spans 0.33 to 0.61, from 0.13 below the true loss to 0.15
# above it, and only with 1,000 rows does it close in, to 0.42 to 0.50. Two models whose
# 100-row test losses differ by 0.05 may well be equally good.
#
# The last column, the standard deviation times √rows, is the same for every size (0.85): the
# spread shrinks like 1/√rows. Five times the rows (20 to 100) narrow the middle 90 % about
# 2.2-fold (√5 ≈ 2.24), ten times (100 to 1,000) about 3.1-fold (√10 ≈ 3.16). Over training
# seeds 0-9 the true loss was 0.44 to 0.48, and the middle 90 % was 0.53 to 0.63 wide for 20
# rows, 0.24 to 0.29 for 100 and 0.078 to 0.092 for 1,000.
#
# ### Exercise 1: halve the spread
#
# Your test set has 100 rows. How many rows would give a test loss with half the spread?
#
# - **A**: 200 rows
# - **B**: 400 rows
# - **C**: 1,000 rows

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("10.1", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "B"
checks.exercise("10.1", answer)

# %% [markdown]
# ## k-fold cross-validation of a Keras model
#
# Most projects have one dataset, not a generator. Here: 300 rows. Set 100 aside as the test
# set first (stratified: the same share of 1s as the rest), and do not look at them again until
# the end. The other 200 are for choosing.
#
# One validation split of the 200 gives one validation loss and one best epoch, both as noisy
# as a 40-row test set. **k-fold cross-validation** uses every row for validation once: cut the
# rows into k parts (folds), and train k models, each validated on one fold and trained on the
# other k - 1. scikit-learn's splitters give the row numbers (indices) of each part.

# %%
X, y = make_rows(300, seed=3)
x_dev, x_test, y_dev, y_test = train_test_split(X, y, test_size=100, random_state=0, stratify=y)
print(f"{len(x_dev)} rows to choose with, {len(x_test)} test rows; share of 1s {y_dev.mean():.3f}")
for splitter in (
    KFold(n_splits=5, shuffle=True, random_state=0),
    StratifiedKFold(n_splits=5, shuffle=True, random_state=0),
):
    shares = [y_dev[val_idx].mean() for _, val_idx in splitter.split(x_dev, y_dev)]
    sizes = [len(val_idx) for _, val_idx in splitter.split(x_dev, y_dev)]
    print(
        f"{type(splitter).__name__:>15}: validation rows per fold {sizes}, "
        f"share of 1s " + " ".join(f"{share:.3f}" for share in shares)
    )

# %% [markdown]
# Both give five folds of 40 validation rows (and 160 training rows each). `KFold` deals the
# shuffled rows out in order, so a fold's share of 1s is luck: from 0.350 to 0.600 here.
# `StratifiedKFold` deals each class out separately, so every fold holds the share of the
# whole, 0.450 (up to one row when the counts do not divide evenly). For classification, use
# `StratifiedKFold`: its `split` needs the labels for it (`split(x, y)`).
#
# Now the loop. Each fold gets a **fresh model** (`seed_everything` then `build_classifier`,
# so all five start from the same weights), and its own scaler, fitted on that fold's training
# rows only, as in every lesson. `fit` is the usual call, on the rows the indices pick. 15
# epochs each keeps it quick.

# %% tags=["live"]
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
fold_histories = {}
for fold, (train_idx, val_idx) in enumerate(folds.split(x_dev, y_dev), start=1):
    fold_scaler = StandardScaler().fit(x_dev[train_idx])  # this fold's training rows only
    x_fold_train = fold_scaler.transform(x_dev[train_idx])
    x_fold_val = fold_scaler.transform(x_dev[val_idx])
    seed_everything(0)
    fold_model = build_classifier()  # a fresh model for every fold
    fold_histories[f"fold {fold}"] = fold_model.fit(
        x_fold_train,
        y_dev[train_idx],
        validation_data=(x_fold_val, y_dev[val_idx]),
        epochs=15,
        batch_size=32,
        verbose=0,
    )

# %%
best_losses = [min(h.history["val_loss"]) for h in fold_histories.values()]
best_epochs = [int(np.argmin(h.history["val_loss"])) + 1 for h in fold_histories.values()]
for name, loss, epoch in zip(fold_histories, best_losses, best_epochs, strict=True):
    print(f"{name}: lowest val_loss {loss:.3f} at epoch {epoch}")
print(f"best val_loss: mean {np.mean(best_losses):.3f} ± {np.std(best_losses):.3f} (std)")
plot_history(fold_histories, title="five folds, one model each")
plt.show()

# %% [markdown]
# The same model on five splits of the same 200 rows: lowest validation losses from 0.31 to
# 0.48, best epochs from 4 to 9. Any one of these would have been "the" result of a single
# split. The honest summary is a mean and a spread: a best validation loss of 0.40 ± 0.06.
# (Over model seeds 0-9 the mean was 0.40 to 0.42 and the standard deviation 0.04 to 0.07;
# the best epochs lay between 4 and 11, never at the last epoch.)
#
# The standard deviation describes one fold, a 40-row validation set. The mean of the five is
# steadier than any one fold, but it is still a score on only 200 rows.
#
# ### Exercise 2: how many epochs for the final model?
#
# A common rule: train the final model for the mean of the folds' best epochs, rounded to a
# whole number. Compute it from `fold_histories` (a dict: fold name → the `History` of `fit`).

# %%
my_final_epochs = None  # TODO: a whole number, epochs counted from 1

# %%
final_epochs = checks.exercise("10.2", my_final_epochs, fold_histories=fold_histories)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
my_final_epochs = round(  # the mean of the best epochs, each counted from 1
    np.mean([np.argmin(h.history["val_loss"]) + 1 for h in fold_histories.values()])
)
final_epochs = checks.exercise("10.2", my_final_epochs, fold_histories=fold_histories)

# %% [markdown]
# The best epochs get the same summary, a mean and a spread:

# %%
print(f"best epoch: mean {np.mean(best_epochs):.1f} ± {np.std(best_epochs):.1f} (std)")

# %% [markdown]
# Epoch 7 ± 2: the rule's 7 epochs are a choice with a spread of its own.
#
# ## Retrain on all 200 rows, then test once
#
# The five fold models each saw 160 rows. With the number of epochs chosen, the validation
# rows have done their job: **retrain**, that is, train one new model on all 200 rows (its
# scaler too) for `final_epochs` epochs. There is no validation set left, so there is no curve
# to watch: the epochs come from the folds. (With 200 rows instead of 160, an epoch holds 7
# batches instead of 5; the rule is a rule of thumb.)
#
# Then, once, the test set.

# %%
final_scaler = StandardScaler().fit(x_dev)  # all 200 rows now
seed_everything(0)
final_model = build_classifier()
final_model.fit(
    final_scaler.transform(x_dev), y_dev, epochs=int(final_epochs), batch_size=32, verbose=0
)
test_loss = final_model.evaluate(final_scaler.transform(x_test), y_test, verbose=0)
print(f"trained for {int(final_epochs)} epochs on {len(x_dev)} rows")
print(f"cross-validation: best val_loss {np.mean(best_losses):.3f} ± {np.std(best_losses):.3f}")
print(f"test loss, 100 rows, evaluated once: {test_loss:.3f}")

# %% [markdown]
# With real data the story ends here. Our rows come from `make_rows`, so we can also look up
# what no project can: the final model's true loss, on the 100,000 pool rows of the first
# section (the same source; the model never saw them).

# %%
true_loss = final_model.evaluate(
    final_scaler.transform(x_pool), y_pool, batch_size=10_000, verbose=0
)
print(f"the final model's true loss (100,000 new rows): {true_loss:.3f}")

# %% [markdown]
# The test loss, 0.566, is well above the cross-validated 0.401 ± 0.063. With real data you
# could not say which is nearer the truth; here the pool says it: 0.508. Both missed, from
# opposite sides:
#
# - the test loss is one draw of 100 rows, and the first section showed 100-row scores landing
#   from 0.13 below to 0.15 above the true loss; these 100 rows happen to be hard ones;
# - the cross-validated loss is a score on 200 rows, lucky or not like any other, and each
#   fold's number is the lowest of its 15 epochs, picked *because* it was lowest, which can
#   only flatter it.
#
# (Over seeds 0-9: cross-validated 0.40 to 0.42, test 0.53 to 0.60, true loss 0.48 to 0.52,
# always between the two.) Report both numbers, each with its spread, and do not expect them
# to agree to the second decimal on a few hundred rows.
#
# ### Exercise 3: one more try
#
# The test loss disappoints you. You try four other sizes of network, retrain each on the 200
# rows, evaluate each on the test set and report the best of the five test losses. That
# reported number is
#
# - **A**: an honest estimate of the loss on new data
# - **B**: likely too optimistic: the test set chose the model
# - **C**: likely too pessimistic: five tries add noise

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("10.3", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "B"
checks.exercise("10.3", answer)

# %% [markdown]
# Why test only once? Everything the validation rows decided (epochs, the model, its size) was
# picked *because* it scored well on them, so their score flatters. The test rows took part in
# no choice, so their score is honest, but only the first time: if you change the model after
# seeing it and test again, the test set has started choosing too.
#
# ## When not to shuffle before splitting
#
# Shuffling before splitting assumes every row is a fresh draw from the source. Two common
# cases where it is not:
#
# - **groups**: several rows per patient, per hospital, per customer. The model will be used
#   on *new* patients, but a shuffled split puts rows of the same patient on both sides.
# - **time**: the rows are a series. The model will predict the future, but a shuffled split
#   asks it to fill gaps in the past.
#
# ### Several rows per patient
#
# 40 patients, 6 visits each. Each row holds the dose given at that visit and three numbers
# that describe the patient (say age, weight, height: the same at every visit). The response
# is 3 × dose plus the patient's own level, which the three descriptions do *not* predict,
# plus a little noise. For a new patient, the best any model can do is an MSE of about
# 0.49 + 0.04 (the spread of the levels plus the noise).

# %%
rng_patients = np.random.default_rng(4)
n_patients, visits = 40, 6
patient = np.repeat(np.arange(n_patients), visits)  # the group of each row: 0, 0, ..., 39
describes = rng_patients.normal(size=(n_patients, 3))  # age, weight, height (scaled)
level = rng_patients.normal(0, 0.7, size=n_patients)  # each patient's own level
dose = rng_patients.uniform(0, 1, size=len(patient))
x_visits = np.column_stack([dose, describes[patient]])
y_visits = 3 * dose + level[patient] + rng_patients.normal(0, 0.2, size=len(patient))
print(f"{len(x_visits)} rows, {n_patients} patients; first rows' patients: {patient[:8]}")

shuffled_split = KFold(n_splits=5, shuffle=True, random_state=0)
shuffled_train_idx, shuffled_val_idx = next(shuffled_split.split(x_visits))
print(
    f"first shuffled fold: {len(shuffled_train_idx)} training rows, "
    f"{len(shuffled_val_idx)} validation rows"
)

# %% [markdown]
# ### Exercise 4: patients on both sides
#
# In the first fold of the shuffled split (`shuffled_train_idx`, `shuffled_val_idx`), how many
# patients have rows both among the training rows and among the validation rows? `patient`
# gives each row's patient; `np.intersect1d` gives the values two arrays share.

# %%
shared_patients = None  # TODO: a whole number of patients

# %%
checks.exercise(
    "10.4",
    shared_patients,
    patient=patient,
    train_idx=shuffled_train_idx,
    val_idx=shuffled_val_idx,
)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
shared_patients = np.intersect1d(  # the patients found on both sides
    patient[shuffled_train_idx], patient[shuffled_val_idx]
).size
checks.exercise(
    "10.4",
    shared_patients,
    patient=patient,
    train_idx=shuffled_train_idx,
    val_idx=shuffled_val_idx,
)

# %% [markdown]
# `GroupKFold` takes the groups and keeps each group's rows together, a **grouped split**: every
# patient is in the validation fold of exactly one split, and then has no row in training.

# %%
grouped_split = GroupKFold(n_splits=5)
for fold, (train_idx, val_idx) in enumerate(grouped_split.split(x_visits, groups=patient), 1):
    both = np.intersect1d(patient[train_idx], patient[val_idx]).size
    print(
        f"grouped fold {fold}: {len(np.unique(patient[val_idx]))} validation patients, "
        f"{both} of them also in training"
    )

# %% [markdown]
# Now the same model, cross-validated both ways: a regression network (64 ReLU units, MSE),
# 30 epochs per fold, then `evaluate` on the fold's validation rows.


# %%
def cross_validated_mse(splits):
    """The validation MSE of each (train_idx, val_idx) pair of ``splits``: a fresh model per
    fold, its scaler fitted on the fold's training rows."""
    losses = []
    for train_idx, val_idx in splits:
        visit_scaler = StandardScaler().fit(x_visits[train_idx])
        seed_everything(0)
        visit_model = keras.Sequential(
            [
                keras.Input(shape=(4,)),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(1),
            ]
        )
        visit_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
        visit_model.fit(
            visit_scaler.transform(x_visits[train_idx]),
            y_visits[train_idx],
            epochs=30,
            batch_size=32,
            verbose=0,
        )
        x_fold = visit_scaler.transform(x_visits[val_idx])
        losses.append(visit_model.evaluate(x_fold, y_visits[val_idx], verbose=0))
    return np.array(losses)


# %%
shuffled_mse = cross_validated_mse(KFold(n_splits=5, shuffle=True, random_state=0).split(x_visits))

# %%
grouped_mse = cross_validated_mse(GroupKFold(n_splits=5).split(x_visits, groups=patient))

# %%
print("split                validation MSE per fold           mean ± std")
for name, mse in (("shuffled (KFold)", shuffled_mse), ("by patient (GroupKFold)", grouped_mse)):
    print(f"{name:<23} {' '.join(f'{v:.2f}' for v in mse)}   {mse.mean():.2f} ± {mse.std():.2f}")

# %% [markdown]
# Side by side: the shuffled split says the validation MSE is 0.46, the grouped split 0.96,
# twice as much. Only the grouped number answers the real question, "how well does it do on a
# *new* patient?". The shuffled 0.46 is even below the 0.53 that a perfect model would get on
# new patients: no model can do that, so it measured memory. Its validation rows belonged to
# patients it had trained on (exercise 4), whose level it had learned from their description.
# For a stranger that learned link is no use, or worse: the grouped 0.96 is above 0.53. (Over
# model seeds 0-9: shuffled 0.41 to 0.46, grouped 0.95 to 1.09, always below and above 0.53.)
#
# ### Rows in time order
#
# With a series (sales per day, a sensor per minute) the model will forecast, so validate it
# on rows that come *after* its training rows. `TimeSeriesSplit` makes such a
# **time-ordered split**: each split trains on the start of the series and validates on the
# stretch that follows. On 12 time-ordered
# rows:

# %%
for train_idx, val_idx in TimeSeriesSplit(n_splits=4).split(np.arange(12)):
    print(
        f"train on rows {train_idx.min()}-{train_idx.max()}, "
        f"validate on rows {val_idx.min()}-{val_idx.max()}"
    )

# %% [markdown]
# The training part grows and the validation rows always lie after it, never among it. With a
# trend in the series, a shuffled split lets the model interpolate between neighbours it has
# seen, on both sides of every validation row, and its validation loss is too good for the same
# reason as with the patients. Never shuffle a series before splitting it (not with
# `train_test_split`, whose default is `shuffle=True`, not with `KFold(shuffle=True)`).
#
# ## Key points
#
# - A loss on n rows is a mean of n row losses: its spread shrinks like 1/√n. On 100 rows a
#   test loss can sit 0.13 from the true loss here; four times the rows halve that.
# - k-fold cross-validation (`StratifiedKFold` for classes) trains a fresh model per fold, with
#   the scaler fitted inside the fold; report the mean **and** the spread of the folds' best
#   validation losses and best epochs.
# - Then retrain on all the training and validation rows for the chosen number of epochs, and
#   evaluate on the test set once. A test set used to choose is a validation set.
# - Rows that belong together (patients, sites) go to one side: `GroupKFold(...).split(x,
#   groups=...)`. Series are split in time order: `TimeSeriesSplit`. A shuffled split of such
#   rows gives a validation loss that is too good.
#
# ## Try next
#
# - Replace `StratifiedKFold` with `KFold(n_splits=5, shuffle=True, random_state=0)`: does the
#   spread of the best validation losses grow?
# - Use `n_splits=10`: what happens to the spread of the folds, and to the run time?
# - In the patients' data, drop the three descriptions (`x_visits[:, :1]`): what do the shuffled
#   and the grouped validation MSE become, and why are they now close?
