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
# # 04 · Early stopping, and the test set
#
# **Time:** 40 minutes · **Prerequisites:** notebook 02.
#
# **Questions**
# - How does Keras's `EarlyStopping` decide when to stop, and which weights does it keep?
# - What do `patience`, `min_delta` and `restore_best_weights` change?
# - Once the validation set has chosen the epoch, how good is the model really?
#
# **Objectives**
# - Configure `EarlyStopping` and predict the epoch at which it stops.
# - Read the best epoch and the stopped epoch, and convert Keras's 0-based attributes to the
#   1-based epochs it prints.
# - Say which score to report once the validation set has chosen the epoch, and hold out the
#   rows that give it.

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

from course_utils import checks, load_dataset, plot_history, seed_everything

tf.get_logger().setLevel("ERROR")  # every fit builds a new model: no retracing warnings

# %% [markdown]
# ## Where we left off
#
# The set-up of notebook 02: the same split into 80 training and 20 validation rows, scaled on the
# training rows, and the same 64-unit network that overfits.

# %%
X, y = load_dataset("classification")
x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=2, stratify=y)
scaler = StandardScaler().fit(x_train)  # the training rows only
x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)

# %% [markdown]
# `build_classifier` builds and compiles that network. The first runs fit it on the arrays, as
# notebook 02 did. The section "Stopping too soon" and the last one train it many times, so
# they feed `fit` the fast way from lesson 01's section "The fast way: a `tf.data` pipeline":
# `as_dataset` shuffles the training rows in a new order every epoch and cuts them into batches of
# 32, much as `fit` does with arrays (seeded, `fit` repeats one order), only quicker, and `train`
# seeds, builds and fits one network through it.


# %%
def build_classifier():
    """64 ReLU units, 1 sigmoid output; Adam; binary cross-entropy, accuracy reported."""
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


def as_dataset(x, y, shuffle=False):
    """The rows (x, y) in batches of 32; with shuffle=True, in a new order every epoch."""
    data = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        data = data.shuffle(len(x), seed=0, reshuffle_each_iteration=True)
    return data.batch(32)


def train(training_data, validation_data, callbacks=(), epochs=150):
    """Seed, build and fit the classifier on (x, y) pairs; return the model and its History."""
    seed_everything(0)
    model = build_classifier()
    history = model.fit(
        as_dataset(*training_data, shuffle=True),
        validation_data=as_dataset(*validation_data),
        epochs=epochs,
        callbacks=list(callbacks),
        shuffle=False,  # the dataset shuffles itself; Keras cannot shuffle one (and would warn)
        verbose=0,
    )
    return model, history


# %%
seed_everything(0)
full_model = build_classifier()
full_history = full_model.fit(
    x_train, y_train, validation_data=(x_val, y_val), epochs=150, batch_size=32, verbose=0
)
full_val_loss = full_history.history["val_loss"]
lowest = int(np.argmin(full_val_loss))
print(
    f"150 epochs, no early stopping: lowest val_loss {full_val_loss[lowest]:.3f} "
    f"at epoch {lowest + 1}, last val_loss {full_val_loss[-1]:.3f}"
)
plot_history(full_history)
plt.show()

# %% [markdown]
# Every epoch after the lowest validation loss makes the model worse on new data. **Early
# stopping** watches the validation loss during training and stops training when the validation
# loss stops improving.
#
# ## `EarlyStopping` as Keras 3 runs it
#
# Its defaults are `monitor="val_loss"`, `min_delta=0`, `patience=0`, `mode="auto"` (lower is better
# for a loss), `restore_best_weights=False` and `start_from_epoch=0`. After every epoch it compares
# the monitored value with the best so far:
#
# - **improvement** means `current < best - min_delta` (strictly lower, by more than `min_delta`):
#   the epoch becomes the new best and the waiting count resets to 0;
# - otherwise the waiting count goes up by one, and training stops once it reaches `patience`:
#   the **patience** is how many epochs in a row without improvement the callback accepts.
#
# With the default `patience=0`, the first epoch that does not improve ends training.
#
# ### Exercise 1: configure it
#
# Create an `EarlyStopping` callback that watches the validation loss, waits 10 epochs without
# improvement before stopping, and puts back the best weights at the end.

# %%
early_stopping = keras.callbacks.EarlyStopping()  # TODO: add the arguments

early_stopping = checks.exercise("04.1", early_stopping)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=10, restore_best_weights=True
)

early_stopping = checks.exercise("04.1", early_stopping)

# %% [markdown]
# ### Exercise 2: predict the stop
#
# The run above reached its lowest validation loss at the epoch printed under the first plot, and
# never beat it afterwards. Training is seeded, so a run with your callback follows exactly the same
# curve until it stops. At which epoch (as Keras prints it, counting from 1) will it stop?

# %%
stop_epoch = None  # TODO: a whole number

# %%
checks.exercise("04.2", stop_epoch, history=full_history)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
stop_epoch = lowest + 1 + 10  # best epoch (as printed, from 1) + patience
checks.exercise("04.2", stop_epoch, history=full_history)

# %% [markdown]
# Now run it, with your callback from exercise 1 (or the reference one, until yours passes). With
# `verbose=1`, the callback prints the stop itself; we read its attributes instead:
# `stopped_epoch`, the **stopped epoch** (the epoch at which the callback ended training), and
# `best_epoch`, the best epoch. Both are **0-based**, like the indices of `history.history`;
# Keras *prints* them plus one.

# %% tags=["live"]
seed_everything(0)
stopped_model = build_classifier()
stopped_history = stopped_model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=150,
    batch_size=32,
    callbacks=[early_stopping],
    verbose=0,
)

# %%
print(f"epochs run: {len(stopped_history.history['loss'])}")
print(f"stopped_epoch {early_stopping.stopped_epoch}, best_epoch {early_stopping.best_epoch}")
plot_history(stopped_history, early_stopping=early_stopping)
plt.show()

# %% [markdown]
# Add one to each: Keras would print the stop as epoch 38, the last of the 38 epochs run, and the
# best epoch as epoch 28, ten epochs earlier, as you predicted in exercise 2. The plot marks the
# best epoch (lowest validation loss), the epoch where training stopped, and the epoch whose
# weights were restored. Because `restore_best_weights=True`, the model we hold now has the
# weights from the end of the best epoch, not from the last one. Check: evaluating it gives the
# best validation loss, not the last.

# %%
stopped_val_loss = stopped_history.history["val_loss"]
stopped_val_now = stopped_model.evaluate(x_val, y_val, verbose=0)[0]
print(
    f"val_loss at the best epoch {min(stopped_val_loss):.4f}, "
    f"at the last epoch {stopped_val_loss[-1]:.4f}, model evaluated now {stopped_val_now:.4f}"
)

# %% [markdown]
# ## Stopping too soon
#
# Early stopping can also fail the other way: a validation curve that pauses, or wobbles, before
# falling further. Here is another random split of the same 100 rows (`random_state=3`), scaled
# and trained the same way, for 100 epochs:

# %%
x_train_bumpy, x_val_bumpy, y_train_bumpy, y_val_bumpy = train_test_split(
    X, y, test_size=0.2, random_state=3, stratify=y
)
scaler_bumpy = StandardScaler().fit(x_train_bumpy)
x_train_bumpy = scaler_bumpy.transform(x_train_bumpy)
x_val_bumpy = scaler_bumpy.transform(x_val_bumpy)
_, bumpy_history = train((x_train_bumpy, y_train_bumpy), (x_val_bumpy, y_val_bumpy), epochs=100)
bumpy_val = bumpy_history.history["val_loss"]
print(f"lowest val_loss {min(bumpy_val):.3f} at epoch {int(np.argmin(bumpy_val)) + 1} of 100")
plot_history(bumpy_history)
plt.show()

# %% [markdown]
# With the default `patience=0`, the first epoch that does not improve ends training. Compare
# a few patience values on this split:

# %% tags=["live"]
print("patience  stopped at epoch  best epoch  best val_loss")
for patience in (0, 1, 2, 5, 10, 20):
    callback = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
    _, run = train(
        (x_train_bumpy, y_train_bumpy), (x_val_bumpy, y_val_bumpy), [callback], epochs=100
    )
    stopped = callback.stopped_epoch + 1 if callback.stopped_epoch else "never"
    best_val = min(run.history["val_loss"])
    print(f"{patience:8d}  {stopped!s:>16}  {callback.best_epoch + 1:10d}  {best_val:13.3f}")

# %% [markdown]
# Too little patience stops at the first pause, around epoch 30, with a validation loss of 0.428;
# `patience=10` gets past one bump but stops at the next; `patience=20` trains all 100 epochs and
# reaches 0.309 (on this split the validation loss is still falling at epoch 100). More patience
# costs extra epochs but gets past the pauses. How much it matters depends on the split: on 12
# splits we tried, `patience=0` stopped within 0.02 of the lowest validation loss in 10, and this
# split is one of the other two. Choose the patience from how bumpy your validation curve is
# (small validation sets make it bumpier: lesson 07).
#
# Notice that `patience=0` and `patience=1` behave the same: Keras adds the non-improving epoch
# to its waiting count *before* comparing the count with `patience`, so both stop at the first
# epoch that does not improve.

# %% [markdown]
# ## `min_delta`: what counts as an improvement
#
# `min_delta` asks for a *clear* improvement: a new value must beat the best by more than
# `min_delta`. So the "best" epoch under `min_delta` is the last epoch that counted as an
# improvement, which is not always the epoch with the lowest value. To see the rule at work, we feed
# the callback a made-up validation curve directly, epoch by epoch, the way `fit` calls it.

# %% [markdown]
# ### Exercise 3: which epoch is "best"?
#
# With `min_delta=0.02`, which epoch (counting from 1) will the callback report as best for these
# validation losses? Work it out before running the next cell.
#
# | epoch | 1 | 2 | 3 | 4 | 5 | 6 |
# | --- | --- | --- | --- | --- | --- | --- |
# | val_loss | 1.00 | 0.80 | 0.79 | 0.785 | 0.83 | 0.84 |

# %%
made_up_val_loss = [1.00, 0.80, 0.79, 0.785, 0.83, 0.84]
best_under_min_delta = None  # TODO: a whole number, counting epochs from 1

# %%
checks.exercise("04.3", best_under_min_delta, val_loss=made_up_val_loss)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
made_up_val_loss = [1.00, 0.80, 0.79, 0.785, 0.83, 0.84]
best_under_min_delta = 2  # 0.79 and 0.785 are lower than 0.80, but not by more than 0.02

checks.exercise("04.3", best_under_min_delta, val_loss=made_up_val_loss)

# %%
made_up_stopping = keras.callbacks.EarlyStopping(min_delta=0.02, patience=3)
made_up_stopping.set_model(build_classifier())  # it needs a model to stop; never trained
made_up_stopping.on_train_begin()
for epoch, value in enumerate(made_up_val_loss):  # epoch counts from 0, as in fit
    made_up_stopping.on_epoch_end(epoch, {"val_loss": value})
    print(
        f"epoch {epoch + 1}: val_loss {value:.3f}  "
        f"best epoch so far {made_up_stopping.best_epoch + 1}  "
        f"waiting {made_up_stopping.wait}  stop: {made_up_stopping.model.stop_training}"
    )
print(
    f"lowest value at epoch {int(np.argmin(made_up_val_loss)) + 1}; "
    f"best under min_delta: epoch {made_up_stopping.best_epoch + 1}"
)

# %% [markdown]
# ## `restore_best_weights` works even without a stop
#
# In Keras 3, `restore_best_weights=True` puts the best weights back at the end of training even
# when the callback never stopped it (Keras 2 only restored after an early stop). Give it more
# patience than there are epochs, here `patience=100` for a fit of 60 epochs:

# %% tags=["live"]
never_stops = keras.callbacks.EarlyStopping(patience=100, restore_best_weights=True)
seed_everything(0)
kept_model = build_classifier()
kept_history = kept_model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=60,
    batch_size=32,
    callbacks=[never_stops],
    verbose=0,
)

# %%
print(f"stopped_epoch {never_stops.stopped_epoch}, epochs run {len(kept_history.history['loss'])}")

# %% [markdown]
# `stopped_epoch` 0 means the callback never stopped training. Yet the model holds the best
# epoch's weights, not the last one's:

# %%
kept_val_loss = kept_history.history["val_loss"]
kept_val_now = kept_model.evaluate(x_val, y_val, verbose=0)[0]
print(
    f"best val_loss {min(kept_val_loss):.4f} at epoch {never_stops.best_epoch + 1}; "
    f"last val_loss {kept_val_loss[-1]:.4f}; model evaluated now {kept_val_now:.4f}"
)

# %% [markdown]
# ## Which score do you report?
#
# The validation set has now made a choice for us: the epoch. It makes more of them whenever you
# compare settings on it (architecture, learning rate, patience). A third part of the data can be
# kept out of all that: a **test set**, rows that neither train the model nor take part in any
# choice. Once everything is chosen, which number tells how well the model does on new data?

# %% [markdown]
# ### Exercise 4: which score do you report?
#
# You have tuned everything you wanted. Which number goes in your report as the model's
# performance on new data?
#
# - **A**: the lowest validation loss reached during training
# - **B**: the training loss at the chosen epoch
# - **C**: the loss on the test set, evaluated once with the final model

# %%
answer = None  # TODO: your letter, in quotes

# %%
checks.exercise("04.4", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "C"
checks.exercise("04.4", answer)

# %% [markdown]
# ## The test set: an honest final score
#
# Among many epochs we kept the one whose validation loss happened to be lowest, noise included,
# so that lowest validation loss flatters the model. The same holds for every choice the
# validation set makes. For a score you can trust, report the loss on the test set, evaluated
# **once**, at the very end.
#
# With 100 rows: 60 to train, 20 to validate (and choose the epoch), 20 to test. Two calls to
# `train_test_split` make the three parts: the first sets the 20 test rows aside, the second
# splits the other 80 into training and validation rows. The scaler again learns from the
# training rows only. The names end in `_3way`, so they do not replace the split above.

# %%
x_rest, x_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, random_state=1, stratify=y)
x_train_3way, x_val_3way, y_train_3way, y_val_3way = train_test_split(
    x_rest, y_rest, test_size=0.25, random_state=1, stratify=y_rest
)  # 25 % of the other 80 rows: 20 rows
scaler_3way = StandardScaler().fit(x_train_3way)
x_train_3way = scaler_3way.transform(x_train_3way)
x_val_3way = scaler_3way.transform(x_val_3way)
x_test = scaler_3way.transform(x_test)
print(f"train {len(x_train_3way)}, validation {len(x_val_3way)}, test {len(x_test)} rows")

# %% tags=["live"]
final_stopping = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
final_model, final_history = train(
    (x_train_3way, y_train_3way), (x_val_3way, y_val_3way), [final_stopping]
)
chosen = final_stopping.best_epoch
print(
    f"chosen epoch {chosen + 1}: val_loss {final_history.history['val_loss'][chosen]:.3f}, "
    f"val_accuracy {final_history.history['val_accuracy'][chosen]:.2f}"
)

# %% [markdown]
# The epoch is chosen, and nothing else will be. Now, and only now, the test set, once:

# %%
test_loss, test_accuracy = final_model.evaluate(x_test, y_test, verbose=0)
print(f"test set, evaluated once: loss {test_loss:.3f}, accuracy {test_accuracy:.2f}")

# %% [markdown]
# That is the number to report. Compare it with the validation loss at the chosen epoch above:
# here the test loss, 0.479, is higher than 0.361. Do not read that as a rule. Choosing the epoch
# does flatter the validation loss, but with 20 rows in each set, which rows happen to land where
# moves a loss by more. Run on 30 different splits of these 100 rows, this same workflow gave a
# higher test loss in 16 and a lower one in 14 (`python tools/test_vs_validation.py 04` repeats
# it). The test score is honest because no choice looked at it, not because it is higher. Do not
# go back and tune on the test set: the moment the test score
# influences a choice, it stops being an honest estimate, and you need a new test set.
#
# ## Key points
#
# - `EarlyStopping` stops after `patience` epochs without an improvement, where improvement means
#   `current < best - min_delta`. The default `patience=0` stops at the first non-improving epoch.
# - "Best" is the last epoch that counted as an improvement; with `min_delta > 0` that may not be
#   the lowest value.
# - `stopped_epoch` and `best_epoch` are 0-based (`stopped_epoch == 0` means no early stop); Keras
#   prints epochs from 1.
# - With `restore_best_weights=True`, Keras 3 restores the best weights at the end of training,
#   whether or not it stopped early. Without it you keep the last epoch's weights.
# - The validation set chooses; its best score is optimistic. Report a test set, evaluated once.
#   With small sets, the test score can land on either side of the validation score.
#
# ## Try next
#
# - Add `start_from_epoch=60` to the callback in the patience table: the first 60 epochs are then
#   not watched at all, the pause between epochs 30 and 50 included. Which patience values now get
#   past the pause, and how low does their best validation loss go?
# - Try `monitor="val_accuracy"`: which epoch does it choose, and why might that differ?
