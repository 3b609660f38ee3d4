"""Is the test loss higher than the validation loss of the chosen epoch? 30 splits, measured.

    set -a; . ./course.env; set +a
    .venv/bin/python tools/test_vs_validation.py 06    # the capstone's workflow (about 1 minute)
    .venv/bin/python tools/test_vs_validation.py 03    # lesson 03's test-set section (about 30 s)

For each split seed from 0 to 29, it runs the lesson's workflow exactly: split_data with 20 %
validation and 20 % test rows, the lesson's classifier, EarlyStopping(patience=10,
restore_best_weights=True); then it compares the test loss, evaluated once, with the
validation loss at the best epoch. Lessons 03 and 06 quote the summary line.
"""

import sys

import keras
import numpy as np

from course_utils import fit_data, load_dataset, seed_everything, split_data

LESSONS = {  # dataset, hidden units, largest number of epochs
    "03": ("classification", 64, 150),
    "06": ("breast_cancer", 32, 300),
}


def run(parts, hidden_units, epochs):
    """Fit the lesson's classifier on ``parts``: (best epoch, its val_loss, test loss)."""
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(parts.x_train.shape[1],)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy", metrics=["accuracy"]
    )
    early_stopping = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    history = model.fit(
        **fit_data(
            parts.x_train, parts.y_train, validation_data=(parts.x_val, parts.y_val), model=model
        ),
        epochs=epochs,
        verbose=0,
        callbacks=[early_stopping],
    )
    best = early_stopping.best_epoch
    test_loss = model.evaluate(parts.x_test, parts.y_test, verbose=0)[0]
    return best + 1, history.history["val_loss"][best], test_loss


def main(lesson):
    dataset, hidden_units, epochs = LESSONS[lesson]
    X, y = load_dataset(dataset)
    ratios = []
    print("seed  best epoch  val_loss there  test_loss  test / val")
    for seed in range(30):
        parts = split_data(X, y, val_size=0.2, test_size=0.2, seed=seed)
        best_epoch, val_loss, test_loss = run(parts, hidden_units, epochs)
        ratios.append(test_loss / val_loss)
        print(
            f"{seed:4d}  {best_epoch:10d}  {val_loss:14.3f}  {test_loss:9.3f}  {ratios[-1]:10.2f}"
        )
    ratios = np.array(ratios)
    print(
        f"lesson {lesson}, {len(parts.y_val)} validation and {len(parts.y_test)} test rows: "
        f"the test loss was higher in {(ratios > 1).sum()} of {len(ratios)} splits; "
        f"test / validation: median {np.median(ratios):.2f}, "
        f"from {ratios.min():.2f} to {ratios.max():.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in LESSONS:
        sys.exit(f"usage: python tools/test_vs_validation.py {{{','.join(LESSONS)}}}")
    main(sys.argv[1])
