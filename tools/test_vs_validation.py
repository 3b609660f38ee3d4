"""Is the test loss higher than the validation loss of the chosen epoch? 30 splits, measured.

    set -a; . ./course.env; set +a
    .venv/bin/python tools/test_vs_validation.py 08    # the capstone's workflow (about 1 minute)
    .venv/bin/python tools/test_vs_validation.py 04    # lesson 04's test-set section (about 30 s)

For each split seed from 0 to 29, it runs the lesson's workflow exactly, with the lesson's own
code (course_utils.lessons): its three-way split (20 % test rows, then 25 % of the rest for
validation, stratified, scaled on the training rows) with the split seed as random_state, its
classifier and its EarlyStopping(patience=10, restore_best_weights=True), fitted as the lesson
fits it (08: arrays; 04: the tf.data pipeline of its `train`); then it compares the test loss,
evaluated once, with the validation loss at the best epoch. Lessons 04 and 08 quote the summary
line; split seed 1 is the lessons' own run.
"""

import sys

import numpy as np

from course_utils import load_dataset
from course_utils.lessons import lesson04, lesson08


def run_04(X, y, seed):
    """Lesson 04's test-set section on the split ``seed``: the best epoch (from 1), its
    val_loss, the test loss, and the numbers of validation and test rows."""
    x_train, x_val, x_test, y_train, y_val, y_test = lesson04.three_way_split(
        X, y, random_state=seed
    )
    model, history, early_stopping = lesson04.final_run(x_train, y_train, x_val, y_val)
    return outcome(model, history, early_stopping, y_val, (x_test, y_test))


def run_08(X, y, seed):
    """The capstone's workflow on the split ``seed``: as ``run_04``."""
    x_train, x_val, x_test, y_train, y_val, y_test = lesson08.split(X, y, random_state=seed)
    early_stopping = lesson08.early_stopping()
    model, history = lesson08.fit_classifier(x_train, y_train, x_val, y_val, early_stopping)
    return outcome(model, history, early_stopping, y_val, (x_test, y_test))


def outcome(model, history, early_stopping, y_val, test):
    """What ``main`` prints of one run: ``test`` (x, y) is evaluated once, here."""
    best = early_stopping.best_epoch
    test_loss = model.evaluate(*test, verbose=0)[0]
    return best + 1, history.history["val_loss"][best], test_loss, (len(y_val), len(test[1]))


LESSONS = {"04": ("classification", run_04), "08": ("breast_cancer", run_08)}


def main(lesson):
    dataset, run = LESSONS[lesson]
    X, y = load_dataset(dataset)
    ratios = []
    print("seed  best epoch  val_loss there  test_loss  test / val")
    for seed in range(30):
        best_epoch, val_loss, test_loss, rows = run(X, y, seed)
        ratios.append(test_loss / val_loss)
        print(
            f"{seed:4d}  {best_epoch:10d}  {val_loss:14.3f}  {test_loss:9.3f}  {ratios[-1]:10.2f}"
        )
    ratios = np.array(ratios)
    print(
        f"lesson {lesson}, {rows[0]} validation and {rows[1]} test rows: "
        f"the test loss was higher in {(ratios > 1).sum()} of {len(ratios)} splits; "
        f"test / validation: median {np.median(ratios):.2f}, "
        f"from {ratios.min():.2f} to {ratios.max():.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in LESSONS:
        sys.exit(f"usage: python tools/test_vs_validation.py {{{','.join(LESSONS)}}}")
    main(sys.argv[1])
