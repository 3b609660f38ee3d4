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
# # 03 · Early stopping, and the test set
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
# - Hold out a test set and evaluate it once, at the end.

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, fit_data, load_dataset, plot_history, seed_everything, split_data

# %% [markdown]
# ## Where we left off
#
# The set-up of notebook 02: 80 training rows, 20 validation rows, a 64-unit network that overfits.

# %%
X, y = load_dataset("classification")
parts = split_data(X, y, val_size=0.2, seed=2)


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


def train(callbacks=(), epochs=150, data=parts):
    """Seed, build and fit the classifier on `data`; return the fitted model and its History."""
    seed_everything(0)
    model = build_classifier()
    history = model.fit(
        **fit_data(
            data.x_train, data.y_train, validation_data=(data.x_val, data.y_val), model=model
        ),
        epochs=epochs,
        verbose=0,
        callbacks=list(callbacks),
    )
    return model, history


_, full_history = train()
val_loss = full_history.history["val_loss"]
lowest = int(np.argmin(val_loss))
print(
    f"150 epochs, no early stopping: lowest val_loss {val_loss[lowest]:.3f} at epoch {lowest + 1}, "
    f"last val_loss {val_loss[-1]:.3f}"
)
plot_history(full_history)
plt.show()

# %% [markdown]
# Every epoch after the lowest validation loss makes the model worse on new data. Early
# stopping watches the validation loss during training and stops when it stops improving.
#
# ## `EarlyStopping` as Keras 3 runs it
#
# Its defaults are `monitor="val_loss"`, `min_delta=0`, `patience=0`, `mode="auto"` (lower is better
# for a loss), `restore_best_weights=False` and `start_from_epoch=0`. After every epoch it compares
# the monitored value with the best so far:
#
# - **improvement** means `current < best - min_delta` (strictly lower, by more than `min_delta`):
#   the epoch becomes the new best and the waiting count resets to 0;
# - otherwise the waiting count goes up by one, and **training stops** once it reaches `patience`.
#
# With the default `patience=0`, the first epoch that does not improve ends training.
#
# ### Exercise 1: configure it
#
# Create an `EarlyStopping` callback that watches the validation loss, waits 10 epochs without
# improvement before stopping, and puts back the best weights at the end.

# %%
early_stopping = keras.callbacks.EarlyStopping()  # TODO: add the arguments

early_stopping = checks.exercise("03.1", early_stopping)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=10, restore_best_weights=True
)

early_stopping = checks.exercise("03.1", early_stopping)

# %% [markdown]
# ### Exercise 2: predict the stop
#
# The run above reached its lowest validation loss at the epoch printed under the first plot, and
# never beat it afterwards. Training is seeded, so a run with your callback follows exactly the same
# curve until it stops. At which epoch (as Keras prints it, counting from 1) will it stop?

# %%
stop_epoch = None  # TODO: a whole number
checks.exercise("03.2", stop_epoch, history=full_history)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
stop_epoch = lowest + 1 + 10  # best epoch (as printed, from 1) + patience
checks.exercise("03.2", stop_epoch, history=full_history)

# %% [markdown]
# Now run it, with your callback from exercise 1 (or the reference one, until yours passes). With
# `verbose=1`, the callback prints the stop itself; we read its attributes instead. `stopped_epoch` and `best_epoch` are **0-based**, like the indices of
# `history.history`; Keras *prints* them plus one.

# %% tags=["live"]
model, history = train([early_stopping])

print(f"epochs run: {len(history.history['loss'])}")
print(
    f"stopped_epoch = {early_stopping.stopped_epoch} (0-based), "
    f"printed by Keras as epoch {early_stopping.stopped_epoch + 1}"
)
print(
    f"best_epoch    = {early_stopping.best_epoch} (0-based), "
    f"printed by Keras as epoch {early_stopping.best_epoch + 1}"
)
plot_history(history, early_stopping=early_stopping)
plt.show()

# %% [markdown]
# The plot marks the best epoch (lowest validation loss), the epoch where training stopped,
# and the epoch whose weights were restored. Because `restore_best_weights=True`, the model we hold
# now has the weights from the end of the best epoch, not from the last one. Check: evaluating it
# gives the best validation loss, not the last.

# %%
val_now = model.evaluate(parts.x_val, parts.y_val, verbose=0)[0]
print(
    f"val_loss at the best epoch {min(history.history['val_loss']):.4f}, "
    f"at the last epoch {history.history['val_loss'][-1]:.4f}, model evaluated now {val_now:.4f}"
)

# %% [markdown]
# ## Stopping too soon
#
# Early stopping can also fail the other way: a validation curve that pauses, or wobbles, before
# falling further. Here is another random split of the same 100 rows, trained the same way:

# %%
bumpy = split_data(X, y, val_size=0.2, seed=3)
_, bumpy_history = train(data=bumpy)
bumpy_val = bumpy_history.history["val_loss"]
print(f"lowest val_loss {min(bumpy_val):.3f} at epoch {int(np.argmin(bumpy_val)) + 1} of 150")
plot_history(bumpy_history)
plt.show()

# %% [markdown]
# With the default `patience=0`, the first epoch that does not improve ends training. Compare
# a few patience values on this split:

# %% tags=["live"]
print("patience  stopped at epoch  best epoch  best val_loss")
for patience in (0, 1, 2, 5, 10, 20, 50):
    callback = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
    _, run = train([callback], data=bumpy)
    stopped = callback.stopped_epoch + 1 if callback.stopped_epoch else "never"
    print(
        f"{patience:8d}  {stopped!s:>16}  {callback.best_epoch + 1:10d}"
        f"  {min(run.history['val_loss']):13.3f}"
    )

# %% [markdown]
# Too little patience stops at the first pause, long before the real minimum; more patience
# costs extra epochs but finds it. Choose the patience from how bumpy your validation curve is
# (small validation sets make it bumpier: lesson 05).
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

checks.exercise("03.3", best_under_min_delta, val_loss=made_up_val_loss)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
made_up_val_loss = [1.00, 0.80, 0.79, 0.785, 0.83, 0.84]
best_under_min_delta = 2  # 0.79 and 0.785 are lower than 0.80, but not by more than 0.02

checks.exercise("03.3", best_under_min_delta, val_loss=made_up_val_loss)

# %%
callback = keras.callbacks.EarlyStopping(min_delta=0.02, patience=3)
callback.set_model(
    build_classifier()
)  # the callback needs a model to stop; this one is never trained
callback.on_train_begin()
for epoch, value in enumerate(made_up_val_loss):  # epoch counts from 0, as in fit
    callback.on_epoch_end(epoch, {"val_loss": value})
    print(
        f"epoch {epoch + 1}: val_loss {value:.3f}  best epoch so far {callback.best_epoch + 1}  "
        f"waiting {callback.wait}  stop: {callback.model.stop_training}"
    )
print(
    f"lowest value at epoch {int(np.argmin(made_up_val_loss)) + 1}; "
    f"best under min_delta: epoch {callback.best_epoch + 1}"
)

# %% [markdown]
# ## `restore_best_weights` works even without a stop
#
# In Keras 3, `restore_best_weights=True` puts the best weights back at the end of training even
# when the callback never stopped it (Keras 2 only restored after an early stop). Give it more
# patience than there are epochs:

# %% tags=["live"]
never_stops = keras.callbacks.EarlyStopping(patience=500, restore_best_weights=True)
model, history = train([never_stops])
val_now = model.evaluate(parts.x_val, parts.y_val, verbose=0)[0]
print(
    f"stopped_epoch = {never_stops.stopped_epoch} (0 means it never stopped training); "
    f"epochs run: {len(history.history['loss'])}"
)
print(
    f"best val_loss {min(history.history['val_loss']):.4f} at epoch {never_stops.best_epoch + 1}; "
    f"last val_loss {history.history['val_loss'][-1]:.4f}; model evaluated now {val_now:.4f}"
)

# %% [markdown]
# ## The test set: an honest final score
#
# The validation set has now made a choice for us: the epoch. Among many epochs we kept the one
# whose validation loss happened to be lowest, noise included, so that lowest validation loss
# flatters the model. The same holds for every choice the validation set makes (architecture,
# learning rate, patience). For a score you can trust, keep a **test set** that no choice ever
# looks at, and evaluate it **once**, at the very end.
#
# With 100 rows: 60 to train, 20 to validate (and choose the epoch), 20 to test.

# %% tags=["live"]
three_parts = split_data(X, y, val_size=0.2, test_size=0.2, seed=1)
print(
    f"train {len(three_parts.x_train)}, validation {len(three_parts.x_val)}, "
    f"test {len(three_parts.x_test)} rows"
)

early_stopping = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
model, history = train([early_stopping], data=three_parts)
best = early_stopping.best_epoch
print(
    f"chosen epoch {best + 1}: val_loss {history.history['val_loss'][best]:.3f}, "
    f"val_accuracy {history.history['val_accuracy'][best]:.2f}"
)

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
checks.exercise("03.4", answer)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
# Solution (try the exercise first)
answer = "C"
checks.exercise("03.4", answer)

# %%
test_loss, test_accuracy = model.evaluate(three_parts.x_test, three_parts.y_test, verbose=0)
print(f"test set, evaluated once: loss {test_loss:.3f}, accuracy {test_accuracy:.2f}")

# %% [markdown]
# That is the number to report. Compare it with the validation loss at the chosen epoch above:
# here the test loss, 0.483, is higher than 0.357. Do not read that as a rule. Choosing the epoch
# does flatter the validation loss, but with 20 rows in each set, which rows happen to land where
# moves a loss by more. Run on 30 different splits of these 100 rows, this same workflow gave a
# higher test loss in 17 and a lower one in 13 (`python tools/test_vs_validation.py 03` repeats
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
#   not watched at all, the pause at epoch 40 included. Which patience values now get past the
#   pause, and how low does their best validation loss go?
# - Try `monitor="val_accuracy"`: which epoch does it choose, and why might that differ?
