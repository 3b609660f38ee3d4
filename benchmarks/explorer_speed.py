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

The reference is the course's fast 100-epoch fit (``fit_speed.py``'s ``course`` way,
each in a fresh Python process, as a learner's first training cell): half of
``--reference-repeats`` runs before the kernel, half after. Machines differ about 3x in
speed; the ratio of the median change to the median reference fit does not.

Prints every change with its time, the median, the quartiles and the range, the reference
and the ratio, and exits with status 1 when the ratio is above ``--max-ratio`` (0.67 by
default: 0.4 s per change where the reference fit takes 0.6 s).

    .venv/bin/python benchmarks/explorer_speed.py
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

import nbformat
from fit_speed import FIXED_ENVIRONMENT, time_in_fresh_process
from nbclient import NotebookClient

SETUP = """\
import json, time
start = time.perf_counter()
from course_utils.explorer import CurveExplorer, LEVER_OPTIONS, Settings, run_experiment
explorer = CurveExplorer()
print(time.perf_counter() - start)
explorer
"""

DRIVE = """\
default = Settings()
live, heavy = [], []
val_size = len(explorer.data.y_val)

def architecture(settings):  # what the graph depends on: a new one means a new model
    return settings.width, settings.depth, settings.dropout, settings.l2, settings.training_batches

traced = {architecture(default)}

def timed_change(lever, value):
    settings = Settings(**{**vars(explorer.settings), lever: value})
    new = architecture(settings) not in traced
    if settings.batches(val_size) <= explorer.live_batches:
        traced.add(architecture(settings))
    start = time.perf_counter()
    explorer.controls[lever].value = value
    return [time.perf_counter() - start, new]

for lever, options in LEVER_OPTIONS.items():
    for value in options:
        if value == getattr(default, lever):
            continue
        trial = Settings(**{**vars(default), lever: value})
        back = getattr(default, lever)
        if trial.batches(val_size) <= explorer.live_batches:
            live.append([lever, value, *timed_change(lever, value)])
            live.append([lever, back, *timed_change(lever, back)])
        else:
            heavy.append([lever, value, *timed_change(lever, value)])
            timed_change(lever, back)

explorer.controls["epochs"].value = 100
start = time.perf_counter()
explorer.train_button.click()
train_click = ["epochs", 100, time.perf_counter() - start, False]
print(json.dumps({"live": live, "heavy": heavy, "train_click": train_click}))
"""

PARTS = """\
import io
from course_utils.experiments import ModelCache, build_model
from course_utils.reproducibility import seed_everything
data, settings = explorer.data, Settings()
parts = {}
start = time.perf_counter()
seed_everything(0)
build_model(settings, n_features=data.x_train.shape[1])
parts["build and compile a new model"] = time.perf_counter() - start
models = ModelCache()
models.model(settings, n_features=data.x_train.shape[1], seed=0)
start = time.perf_counter()
models.model(settings, n_features=data.x_train.shape[1], seed=0)
parts["restart a kept model instead"] = time.perf_counter() - start
start = time.perf_counter()
run = run_experiment(settings, data=data, models=models)
parts["a new model's run (its first epoch traces it)"] = time.perf_counter() - start
start = time.perf_counter()
run = run_experiment(settings, data=data, models=models)
parts["the same run on the kept, traced model"] = time.perf_counter() - start
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
    parser.add_argument(
        "--max-ratio", type=float, default=0.67, help="fail above this median / reference"
    )
    parser.add_argument(
        "--reference-repeats", type=int, default=4, help="reference fits (default 4)"
    )
    args = parser.parse_args()
    os.environ.update(FIXED_ENVIRONMENT)  # the kernel inherits the course's fixed environment
    print(f"{os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.2f}")
    before = args.reference_repeats // 2
    references = [time_in_fresh_process("course") for _ in range(before)]
    first, drives, parts = drive_in_fresh_kernel()
    references += [time_in_fresh_process("course") for _ in range(args.reference_repeats - before)]
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"making the explorer (imports + first run): {first:.3f} s (not in the median)")
    print("\nlive changes, from the default Settings() and back (lever = value: seconds)")
    for lever, value, seconds, new in drives["live"]:
        print(f"  {lever} = {value}: {seconds:.3f}{'  (a new model: traced)' if new else ''}")
    print("heavier values (message only, no training)")
    for lever, value, seconds, _ in drives["heavy"]:
        print(f"  {lever} = {value}: {seconds:.3f}")
    lever, value, seconds, _ = drives["train_click"]
    print(f"Train button with {lever} = {value}: {seconds:.3f} s")
    print("\none default run, part by part (not in the median)")
    for part, seconds in parts.items():
        print(f"  {part}: {seconds:.3f} s")

    times = [seconds for _, _, seconds, _ in drives["live"]]
    new = [seconds for _, _, seconds, new in drives["live"] if new]
    kept = [seconds for _, _, seconds, new in drives["live"] if not new]
    quartiles = statistics.quantiles(times, n=4)
    median = statistics.median(times)
    reference = statistics.median(references)
    ratio = median / reference
    summary = [
        f"{len(times)} live changes: median {median:.3f} s, quartiles {quartiles[0]:.3f} to "
        f"{quartiles[2]:.3f} s, range {min(times):.3f} to {max(times):.3f} s",
        f"  {len(new)} needed a new model (median {statistics.median(new):.3f} s), "
        f"{len(kept)} ran on a kept one (median {statistics.median(kept):.3f} s)",
        f"reference: the course's 100-epoch fit, median {reference:.3f} s of "
        + ", ".join(f"{seconds:.3f}" for seconds in references),
        f"median change / reference fit: {ratio:.2f}, allowed {args.max_ratio:g}",
    ]
    print("\n" + "\n".join(summary))
    sys.exit(1 if ratio > args.max_ratio else 0)


if __name__ == "__main__":
    main()
