"""Is the test loss higher than the validation loss of the chosen epoch? 30 splits, measured.

    set -a; . ./course.env; set +a
    .venv/bin/python tools/test_vs_validation.py 08    # the capstone's workflow (about 1 minute)
    .venv/bin/python tools/test_vs_validation.py 04    # lesson 04's test-set section (about 30 s)

For each split seed from 0 to 29, it runs the lesson's workflow exactly: two
train_test_split calls (20 % test rows, then 25 % of the rest for validation, stratified), a
StandardScaler fitted on the training rows, the lesson's classifier, EarlyStopping(patience=10,
restore_best_weights=True), fitted as the lesson fits it (08: arrays; 04: the tf.data pipeline
of its `train`); then it compares the test loss, evaluated once, with the validation loss at
the best epoch. Lessons 04 and 08 quote the summary line; split seed 1 is the lessons' own run.
"""

import sys

import keras
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import load_dataset, seed_everything
from course_utils.checks.answer_key import classifier_builder

LESSONS = {  # dataset, hidden units, largest number of epochs, fitted through tf.data
    "04": ("classification", 64, 150, True),
    "08": ("breast_cancer", 32, 300, False),
}


def split(X, y, seed):
    """The lessons' three parts, scaled on the training rows: (x, y) pairs."""
    x_rest, x_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.2, random_state=seed, stratify=y
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=0.25, random_state=seed, stratify=y_rest
    )
    scaler = StandardScaler().fit(x_train)
    return [
        (scaler.transform(x), y) for x, y in ((x_train, y_train), (x_val, y_val), (x_test, y_test))
    ]


def as_dataset(x, y, shuffle=False):
    """Lesson 04's pipeline: batches of 32, reshuffled every epoch when ``shuffle``."""
    data = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        data = data.shuffle(len(x), seed=0, reshuffle_each_iteration=True)
    return data.batch(32)


def run(parts, hidden_units, epochs, through_dataset):
    """Fit the lesson's classifier on ``parts``: (best epoch, its val_loss, test loss)."""
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = parts
    seed_everything(0)
    model = classifier_builder(x_train.shape[1], hidden_units)()  # the lessons' classifier
    early_stopping = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    if through_dataset:
        data = as_dataset(x_train, y_train, shuffle=True)
        fit = {"x": data, "validation_data": as_dataset(x_val, y_val), "shuffle": False}
    else:
        fit = {"x": x_train, "y": y_train, "validation_data": (x_val, y_val), "batch_size": 32}
    history = model.fit(**fit, epochs=epochs, verbose=0, callbacks=[early_stopping])
    best = early_stopping.best_epoch
    test_loss = model.evaluate(x_test, y_test, verbose=0)[0]
    return best + 1, history.history["val_loss"][best], test_loss


def main(lesson):
    dataset, hidden_units, epochs, through_dataset = LESSONS[lesson]
    X, y = load_dataset(dataset)
    ratios = []
    print("seed  best epoch  val_loss there  test_loss  test / val")
    for seed in range(30):
        parts = split(X, y, seed)
        best_epoch, val_loss, test_loss = run(parts, hidden_units, epochs, through_dataset)
        ratios.append(test_loss / val_loss)
        print(
            f"{seed:4d}  {best_epoch:10d}  {val_loss:14.3f}  {test_loss:9.3f}  {ratios[-1]:10.2f}"
        )
    ratios = np.array(ratios)
    print(
        f"lesson {lesson}, {len(parts[1][1])} validation and {len(parts[2][1])} test rows: "
        f"the test loss was higher in {(ratios > 1).sum()} of {len(ratios)} splits; "
        f"test / validation: median {np.median(ratios):.2f}, "
        f"from {ratios.min():.2f} to {ratios.max():.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in LESSONS:
        sys.exit(f"usage: python tools/test_vs_validation.py {{{','.join(LESSONS)}}}")
    main(sys.argv[1])
