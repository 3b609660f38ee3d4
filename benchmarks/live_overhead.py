"""What does drawing live curves cost? A check, not a test.

Times the course's lesson fit (the seed's example-1 model, 100 epochs, ``fit_data``) inside
a real Jupyter kernel, with and without ``callbacks=[LiveLossPlot()]``, and prints the extra
time as a percentage of the fit without it.

Exactly what is measured: each run starts a fresh ipykernel (as a learner's first training
cell) and drives it with nbclient, the library ``make notebooks`` and nbval use. A first cell
imports and builds the data and the model (not timed). A second cell times, with
``time.perf_counter`` inside the kernel, one statement: ``model.fit(...)``, which with the
callback also constructs ``LiveLossPlot`` and does all of its work: recording the logs,
drawing with matplotlib's Agg canvas, encoding the PNG and sending ``display_data`` /
``update_display_data`` messages over ZMQ to the client, which stores them as a notebook
would. The browser's own time to paint the image is not part of it (it runs in another
process and does not slow training). The runs with and without the callback alternate, each
``--repeats`` times; the medians are compared. Exits with status 1 if the overhead is above
``--max-overhead`` percent (10 by default).

    .venv/bin/python benchmarks/live_overhead.py --repeats 5
    .venv/bin/python benchmarks/live_overhead.py --redraw-interval 0   # worst case: every epoch
"""

import argparse
import os
import statistics
import subprocess
import sys

import nbformat
from fit_speed import FIXED_ENVIRONMENT
from nbclient import NotebookClient

SETUP = """\
import time
import keras
import numpy as np
from course_utils import LiveLossPlot, fit_data, seed_everything

rng = np.random.default_rng(0)
x = np.linspace(-1, 1, 100).reshape(-1, 1)
y = 2 * x + 1 + rng.normal(0, 0.2, size=(100, 1))
seed_everything(0)
model = keras.Sequential(
    [keras.Input(shape=(1,)), keras.layers.Dense(10, activation="relu"), keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
"""

TIMED_FIT = """\
start = time.perf_counter()
model.fit(
    **fit_data(
        x[:80], y[:80], validation_data=(x[80:], y[80:]), batch_size=32, seed=0, model=model
    ),
    epochs=100,
    verbose=0,
    callbacks={callbacks},
)
print(time.perf_counter() - start)
"""


def fit_seconds_in_fresh_kernel(callbacks):
    """Run the lesson fit in a new kernel and return the seconds its fit statement took."""
    cells = [SETUP, TIMED_FIT.format(callbacks=callbacks)]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    NotebookClient(notebook, kernel_name="python3", timeout=300).execute(stderr=subprocess.DEVNULL)
    printed = [out.text for out in notebook.cells[1].outputs if out.get("name") == "stdout"]
    return float(printed[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs with and without (default 5)")
    parser.add_argument(
        "--redraw-interval",
        type=float,
        default=None,
        help="seconds between redraws (default: LiveLossPlot's own default)",
    )
    parser.add_argument("--max-overhead", type=float, default=10.0, help="fail above this %%")
    args = parser.parse_args()
    os.environ.update(FIXED_ENVIRONMENT)  # the kernels inherit the course's fixed environment
    interval = "" if args.redraw_interval is None else f"redraw_interval={args.redraw_interval}"
    live = f"LiveLossPlot({interval})"
    runs = {"[]": [], f"[{live}]": []}

    print(f"{os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.2f}")
    for repeat in range(args.repeats):
        order = list(runs) if repeat % 2 == 0 else list(reversed(runs))
        for callbacks in order:
            runs[callbacks].append(fit_seconds_in_fresh_kernel(callbacks))
        latest = ", ".join(f"callbacks={c} {times[-1]:.3f} s" for c, times in runs.items())
        print(f"run {repeat + 1}: {latest}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")

    without, with_live = (statistics.median(times) for times in runs.values())
    overhead = 100 * (with_live - without) / without
    for callbacks, times in runs.items():
        print(
            f"callbacks={callbacks}: median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f})"
        )
    print(f"overhead of {live}: {overhead:+.1f} % of the fit time, allowed {args.max_overhead:g} %")
    if overhead > args.max_overhead:
        sys.exit(1)


if __name__ == "__main__":
    main()
