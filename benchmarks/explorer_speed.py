"""How long from moving one of the explorer's sliders to the new plot? A check, not a test.

Drives ``CurveExplorer`` from code inside a real Jupyter kernel, the way a learner's
slider does it: setting a slider's ``.value`` runs the same handler a browser's change
message runs (retrain, redraw, PNG sent to the front end over ZMQ, verdict text). The
browser's own painting is not included (another process).

Exactly what is measured: a fresh ipykernel, driven with nbclient (what nbval and
``make notebooks`` use), in the course's fixed environment. A first cell imports, makes
the explorer with the default settings (its first run pays Keras's first-fit start-up,
reported but not in the median) and displays it. A second cell times, with
``time.perf_counter``, every change of the default ranges: each lever in turn is set to
each value its slider offers that retrains live from the default settings, then set back
to the default (both changes are timed). Heavier values (over ``LIVE_BATCHES``) only
print a "press Train" message: their reaction time is printed apart, and so is one press
of Train on a heavy setting. A last cell splits one default run into its parts.

Prints every change with its time, the median, the quartiles and the range, and exits
with status 1 when the median is above ``--max-median`` seconds (1 by default).

    .venv/bin/python benchmarks/explorer_speed.py
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

import nbformat
from fit_speed import FIXED_ENVIRONMENT
from nbclient import NotebookClient

SETUP = """\
import json, time
start = time.perf_counter()
from course_utils.explorer import CurveExplorer, LEVER_OPTIONS, Settings
explorer = CurveExplorer()
print(time.perf_counter() - start)
explorer
"""

DRIVE = """\
default = Settings()
live, heavy = [], []
val_size = len(explorer.data.y_val)

def timed_change(lever, value):
    start = time.perf_counter()
    explorer.controls[lever].value = value
    return time.perf_counter() - start

for lever, options in LEVER_OPTIONS.items():
    for value in options:
        if value == getattr(default, lever):
            continue
        trial = Settings(**{**vars(default), lever: value})
        back = getattr(default, lever)
        if trial.batches(val_size) <= explorer.live_batches:
            live.append([lever, value, timed_change(lever, value)])
            live.append([lever, back, timed_change(lever, back)])
        else:
            heavy.append([lever, value, timed_change(lever, value)])
            timed_change(lever, back)

explorer.controls["epochs"].value = 100
start = time.perf_counter()
explorer.train_button.click()
train_click = ["epochs", 100, time.perf_counter() - start]
print(json.dumps({"live": live, "heavy": heavy, "train_click": train_click}))
"""

PARTS = """\
import io
import keras
from course_utils import fit_data, seed_everything
from course_utils.experiments import build_model
data, settings = explorer.data, Settings()
parts = {}
start = time.perf_counter()
seed_everything(0)
model = build_model(settings, n_features=data.x_train.shape[1])
parts["build and compile"] = time.perf_counter() - start
feed = fit_data(data.x_train[:200], data.y_train[:200, None],
                validation_data=(data.x_val, data.y_val[:, None]), model=model)
start = time.perf_counter()
model.fit(**feed, epochs=1, verbose=0)
parts["first epoch (traces the train and test functions)"] = time.perf_counter() - start
start = time.perf_counter()
model.fit(**feed, epochs=settings.epochs - 1, verbose=0)
parts[f"the other {settings.epochs - 1} epochs"] = time.perf_counter() - start
start = time.perf_counter()
explorer.plot(ax=explorer.figure.axes[0])
explorer.figure.savefig(io.BytesIO(), format="png")
parts["draw and encode the PNG"] = time.perf_counter() - start
print(json.dumps(parts))
"""


def drive_in_fresh_kernel():
    """Run the three cells in a new kernel; return what each printed last."""
    cells = [nbformat.v4.new_code_cell(source) for source in (SETUP, DRIVE, PARTS)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(notebook, kernel_name="python3", timeout=600).execute(stderr=subprocess.DEVNULL)
    printed = []
    for cell in notebook.cells:
        for output in cell.outputs:
            if output.output_type == "error":
                sys.exit(f"a benchmark cell failed: {output.ename}: {output.evalue}")
        printed.append([out.text for out in cell.outputs if out.get("name") == "stdout"][-1])
    return float(printed[0]), json.loads(printed[1]), json.loads(printed[2])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-median", type=float, default=1.0, help="fail above (seconds)")
    args = parser.parse_args()
    os.environ.update(FIXED_ENVIRONMENT)  # the kernel inherits the course's fixed environment
    print(f"{os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.2f}")
    first, drives, parts = drive_in_fresh_kernel()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"making the explorer (imports + first run): {first:.3f} s (not in the median)")
    print("\nlive changes, from the default Settings() and back (lever = value: seconds)")
    for lever, value, seconds in drives["live"]:
        print(f"  {lever} = {value}: {seconds:.3f}")
    print("heavier values (message only, no training)")
    for lever, value, seconds in drives["heavy"]:
        print(f"  {lever} = {value}: {seconds:.3f}")
    lever, value, seconds = drives["train_click"]
    print(f"Train button with {lever} = {value}: {seconds:.3f} s")
    print("\none default run, part by part")
    for part, seconds in parts.items():
        print(f"  {part}: {seconds:.3f} s")

    times = [seconds for _, _, seconds in drives["live"]]
    quartiles = statistics.quantiles(times, n=4)
    median = statistics.median(times)
    print(
        f"\n{len(times)} live changes: median {median:.3f} s, quartiles {quartiles[0]:.3f} to "
        f"{quartiles[2]:.3f} s, range {min(times):.3f} to {max(times):.3f} s; "
        f"allowed median {args.max_median:g} s"
    )
    if median > args.max_median:
        sys.exit(1)


if __name__ == "__main__":
    main()
