"""How much faster is the course's ``fit`` than the seed's? A check, not a test.

Times a 100-epoch fit of the seed's example-1 model two ways, each in a fresh Python
process (so each is the first fit of its process, as in a learner's first training cell):

- ``seed``: the seed's code as written (``tf.keras``, ``input_shape=``, NumPy arrays
  passed straight to ``fit``);
- ``course``: the same model, data sizes, optimiser, loss, metric, batch size and epochs,
  written the course's way (``keras.Input``, ``seed_everything``, ``fit_data``).

Only the ``fit`` statement is timed: not the imports, not building the data or the model.
For the course that statement includes the ``fit_data(...)`` call, which builds the input
pipelines and creates the optimiser's and metrics' variables. The two ways run back to
back, alternating which goes first, ``--repeats`` times each, in the course's fixed
execution environment (the one the Makefile exports). The script prints every time, the
medians and their ratio, and exits with status 1 if the ratio is below ``--min-ratio`` (7
by default).

    .venv/bin/python benchmarks/fit_speed.py --repeats 5
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

from course_utils.course_kernel import read_course_env

# The course's fixed execution environment (course.env), so both ways run with the same threads.
FIXED_ENVIRONMENT = read_course_env()


def seed_fit():
    """The seed's example 1 as written (minus the plot); returns the seconds ``fit`` took."""
    import numpy as np
    import tensorflow as tf

    X = np.linspace(-1, 1, 100).reshape(-1, 1)
    y = 2 * X + 1 + np.random.normal(0, 0.2, size=(100, 1))
    X_train, X_val = X[:80], X[80:]
    y_train, y_val = y[:80], y[80:]
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(10, activation="relu", input_shape=(1,)),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    start = time.perf_counter()
    model.fit(X_train, y_train, epochs=100, validation_data=(X_val, y_val), verbose=0)
    return time.perf_counter() - start


def course_fit():
    """The same fit written the course's way; returns the seconds ``fit`` took."""
    import keras
    import numpy as np

    from course_utils import fit_data, seed_everything

    rng = np.random.default_rng(0)
    x = np.linspace(-1, 1, 100).reshape(-1, 1)
    y = 2 * x + 1 + rng.normal(0, 0.2, size=(100, 1))
    x_train, x_val, y_train, y_val = x[:80], x[80:], y[:80], y[80:]
    seed_everything(0)
    model = keras.Sequential(
        [keras.Input(shape=(1,)), keras.layers.Dense(10, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    start = time.perf_counter()
    model.fit(
        **fit_data(
            x_train, y_train, validation_data=(x_val, y_val), batch_size=32, seed=0, model=model
        ),
        epochs=100,
        verbose=0,
    )
    return time.perf_counter() - start


WAYS = {"seed": seed_fit, "course": course_fit}


def time_in_fresh_process(way):
    """Run one way in a new Python process and return the seconds its ``fit`` took."""
    done = subprocess.run(
        [sys.executable, __file__, "--one", way],
        env={**os.environ, **FIXED_ENVIRONMENT},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the {way} run failed:\n{done.stderr}")
    return float(done.stdout.split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each way (default 5)")
    parser.add_argument("--min-ratio", type=float, default=7.0, help="fail below this speed-up")
    parser.add_argument("--one", choices=sorted(WAYS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # child process: time one way, print the seconds
        print(WAYS[args.one]())
        return

    print(f"{os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.2f}")
    times = {way: [] for way in WAYS}
    for repeat in range(args.repeats):
        order = ["seed", "course"] if repeat % 2 == 0 else ["course", "seed"]
        for way in order:
            times[way].append(time_in_fresh_process(way))
        seed, course = times["seed"][-1], times["course"][-1]
        print(f"run {repeat + 1}: seed {seed:.2f} s, course {course:.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")

    seed, course = statistics.median(times["seed"]), statistics.median(times["course"])
    ratio = seed / course
    for way in WAYS:
        print(
            f"{way:>6}: median {statistics.median(times[way]):.2f} s "
            f"(min {min(times[way]):.2f}, max {max(times[way]):.2f}) for 100 epochs"
        )
    print(f"speed-up (median seed / median course): {ratio:.1f}x, required {args.min_ratio:g}x")
    if ratio < args.min_ratio:
        sys.exit(1)


if __name__ == "__main__":
    main()
