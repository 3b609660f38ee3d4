"""How much machine does a class need? A class simulated on the course's JupyterHub.

Starts the hub of hub/jupyterhub_config.py on free loopback ports (state and homes in a
temporary folder, removed afterwards), with a local git clone of this repository as the
course's upstream. N learners then, all at the same time, each in a thread: open the README's
nbgitpuller link, log in on the hub's form, wait for their server, pull the course, ask the
hub for an API token, and run learner notebooks 00, 01 and 02 cell by cell through Jupyter
Server's REST API and the kernel websocket, every request through the hub's proxy. Each
notebook gets its own kernel, shut down when the notebook is done (as the kernel culler does
for a notebook left behind).

A sampler reads every process the hub started (psutil, once a second): resident (RSS) and
proportional (PSS: shared pages divided among the processes sharing them) memory, CPU time.
Per learner it records the peak memory of the learner's processes together (server and
kernel), the kernel's own peak, CPU seconds per notebook, the time from opening notebook 00 to
its first figure, and failures. Then it prints a capacity table for 20, 40 and 100 learners.

    .venv/bin/python benchmarks/classroom_load.py                  # 8 learners
    .venv/bin/python benchmarks/classroom_load.py --learners 40 --write   # hub/measurements.json
    .venv/bin/python benchmarks/classroom_load.py --kernel-memory  # one kernel, allocator variants

Bounded: at most --max-learners (100) learners and --timeout seconds (default 1800) for the
whole class; everything listens on 127.0.0.1; every process of the hub is stopped at the end.
Exits with status 1 if any learner failed.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hub"))

from course_hub import CourseHub, Learner, hub_processes  # noqa: E402

NOTEBOOKS = [
    "learner/00_welcome.ipynb",
    "learner/01_regression_mse.ipynb",
    "learner/02_classification_cross_entropy.ipynb",
]
MEASUREMENTS = ROOT / "hub" / "measurements.json"
MIB = 1024 * 1024

# --- The sizing rules (tests/test_hub_config.py checks hub/config.yaml against them) ---------
KERNELS_PER_LEARNER = 2  # the notebook in use, and the last one until the culler (30 min) ends it
MEMORY_HEADROOM = 1.25  # lessons 03-09 and learners' own experiments go beyond 00-02
LEARNERS_PER_CORE = 4  # a cell all learners run at once takes 4 times as long as alone
HUB_OVERHEAD_GIB = 1.5  # the hub, the proxy, the operating system and its page cache


def round_up(value, step):
    return math.ceil(value / step) * step


def recommend(server_mib, kernel_mib):
    """Per-learner figures for a hub from the measured peaks (MiB): guarantee = the server and
    one working kernel; limit = the server and KERNELS_PER_LEARNER kernels, times the headroom.
    Rounded up to 128 MiB. CPU: guarantee 1/LEARNERS_PER_CORE of a core, limit 1 core (the
    course's kernels compute on one thread: course.env)."""
    guarantee = round_up(server_mib + kernel_mib, 128)
    limit = round_up((server_mib + KERNELS_PER_LEARNER * kernel_mib) * MEMORY_HEADROOM, 128)
    return {
        "memory_guarantee": f"{guarantee}M",
        "memory_limit": f"{limit}M",
        "cpu_guarantee": 1 / LEARNERS_PER_CORE,
        "cpu_limit": 1.0,
    }


# --- Sampling the hub's processes -------------------------------------------------------------
class Sampler(threading.Thread):
    """Reads the memory and CPU time of every process of the hub, once per interval."""

    def __init__(self, state_dir, interval=1.0):
        super().__init__(daemon=True)
        self.state_dir = str(state_dir)
        self.interval = interval
        self.stopping = threading.Event()
        self.roles = {}  # pid -> (role, user)
        self.peak = {}  # pid -> dict(rss, pss) peaks
        self.user_peak_pss = {}  # user -> peak of (server + kernels) PSS at one instant
        self.user_peak_rss = {}
        self.total_peak_pss = 0
        self.samples = 0

    def role(self, process):
        if process.pid not in self.roles:
            env = process.environ()
            if env.get("COURSE_HUB_STATE") != self.state_dir:
                self.roles[process.pid] = (None, None)
            else:
                cmdline = " ".join(process.cmdline())
                if "ipykernel" in cmdline:
                    role = "kernel"
                elif "jupyterhub-singleuser" in cmdline:
                    role = "server"
                elif "configurable-http-proxy" in cmdline:
                    role = "proxy"
                elif "jupyterhub" in cmdline:
                    role = "hub"
                else:
                    role = "other"
                self.roles[process.pid] = (role, env.get("JUPYTERHUB_USER"))
        return self.roles[process.pid]

    def sample(self):
        per_user_pss, per_user_rss, total = {}, {}, 0
        for process in psutil.process_iter(["pid"]):
            try:
                role, user = self.role(process)
                if role is None:
                    continue
                memory = process.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            peak = self.peak.setdefault(
                process.pid, {"rss": 0, "pss": 0, "role": role, "user": user}
            )
            peak["rss"] = max(peak["rss"], memory.rss)
            peak["pss"] = max(peak["pss"], memory.pss)
            total += memory.pss
            if user:
                per_user_pss[user] = per_user_pss.get(user, 0) + memory.pss
                per_user_rss[user] = per_user_rss.get(user, 0) + memory.rss
        for user, value in per_user_pss.items():
            self.user_peak_pss[user] = max(self.user_peak_pss.get(user, 0), value)
            self.user_peak_rss[user] = max(self.user_peak_rss.get(user, 0), per_user_rss[user])
        self.total_peak_pss = max(self.total_peak_pss, total)
        self.samples += 1

    def run(self):
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
        self.join(30)

    def peaks(self, role):
        return [p for p in self.peak.values() if p["role"] == role]


# --- One learner --------------------------------------------------------------------------------
def learner_session(hub, name, repo_url, notebooks, start_barrier):
    record = {"name": name, "failures": [], "notebooks": {}}
    learner = Learner(hub, name)
    try:
        start_barrier.wait()
        started = time.monotonic()
        learner.open_link(hub.pull_link(repo_url))
        record["server_ready_seconds"] = time.monotonic() - started
        pulled = time.monotonic()
        learner.pull(repo_url)
        record["pull_seconds"] = time.monotonic() - pulled
        learner.request_token()
        for notebook in notebooks:
            run = learner.run_notebook(f"loss-course/{notebook}")
            record["notebooks"][Path(notebook).stem[:2]] = {
                "seconds": run.seconds,
                "kernel_start_seconds": run.kernel_start_seconds,
                "first_plot_seconds": run.first_plot_seconds,
                "cpu_seconds": run.cpu_seconds,
                "slowest_cell_seconds": max(c["seconds"] for c in run.cells),
            }
            for index, ename, evalue in run.errors:
                record["failures"].append(f"{notebook} cell {index}: {ename}: {evalue}")
            if run.errors:
                break
        record["seconds"] = time.monotonic() - started
    except Exception as error:  # a learner's failure is a measurement, not a crash
        record["failures"].append(f"{type(error).__name__}: {error}")
    return record


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def run_class(args):
    base = Path(tempfile.mkdtemp(prefix="classroom-load-"))
    upstream = base / "upstream" / "loss-course"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(upstream)], check=True
    )
    subprocess.run(["git", "checkout", "--quiet", "-B", "main"], cwd=upstream, check=True)
    hub = CourseHub(base / "hub", start_timeout=args.timeout)
    sampler = Sampler(hub.state, args.interval)
    records = []
    wall = time.monotonic()
    try:
        hub.start()
        sampler.start()
        names = [f"learner{i:03d}" for i in range(args.learners)]
        barrier = threading.Barrier(args.learners)
        with ThreadPoolExecutor(args.learners) as pool:
            futures = [
                pool.submit(learner_session, hub, n, upstream.as_uri(), NOTEBOOKS, barrier)
                for n in names
            ]
            deadline = time.monotonic() + args.timeout
            for future in futures:
                records.append(future.result(timeout=max(1, deadline - time.monotonic())))
        wall = time.monotonic() - wall
    finally:
        sampler.stop()
        leftovers = hub.stop()
        if leftovers:
            print(f"killed {len(leftovers)} processes the hub left behind", file=sys.stderr)
        assert not hub_processes(hub.state)
        subprocess.run(["rm", "-rf", str(base)], check=False)
    return records, sampler, wall


def report(args, records, sampler, wall):
    cores = psutil.cpu_count()
    kernels = sampler.peaks("kernel")
    servers = sampler.peaks("server")
    hub_mib = sum(p["rss"] for p in sampler.peaks("hub") + sampler.peaks("proxy")) / MIB
    print(
        f"\n{args.learners} learners, notebooks 00-02, on {cores} cores; whole class {wall:.0f} s"
    )
    header = ("learner", "ready s", "pull s", "1st plot s", "00 s", "01 s", "02 s", "CPU s")
    print(" ".join(f"{h:>10}" for h in header), "peak PSS MiB", "peak RSS MiB", " failures")
    nan = float("nan")
    for r in records:
        nbs = r["notebooks"]
        r["cpu_seconds"] = sum(n["cpu_seconds"] or 0 for n in nbs.values())
        first = nbs.get("00", {}).get("first_plot_seconds")
        cells = [
            r.get("server_ready_seconds", nan),
            r.get("pull_seconds", nan),
            nan if first is None else first,
            *(nbs.get(k, {}).get("seconds", nan) for k in ("00", "01", "02")),
            r["cpu_seconds"],
        ]
        print(
            f"{r['name']:>10} " + " ".join(f"{c:>10.1f}" for c in cells),
            f"{sampler.user_peak_pss.get(r['name'], 0) / MIB:>12.0f}",
            f"{sampler.user_peak_rss.get(r['name'], 0) / MIB:>12.0f}",
            f" {'; '.join(r['failures']) or '-'}",
        )
    failed = [r for r in records if r["failures"]]
    kernel_rss = max(p["rss"] for p in kernels) / MIB if kernels else float("nan")
    kernel_pss = median(p["pss"] for p in kernels) / MIB if kernels else float("nan")
    server_rss = max(p["rss"] for p in servers) / MIB if servers else float("nan")
    learner_pss = median(sampler.user_peak_pss.values()) / MIB
    learner_pss_max = max(sampler.user_peak_pss.values(), default=0) / MIB
    cpu = {
        k: median(r["notebooks"].get(k, {}).get("cpu_seconds") for r in records)
        for k in ("00", "01", "02")
    }
    first_plot = median(r["notebooks"].get("00", {}).get("first_plot_seconds") for r in records)
    print(
        f"\nkernels: peak RSS {kernel_rss:.0f} MiB (largest), peak PSS {kernel_pss:.0f} MiB "
        f"(median); servers: peak RSS {server_rss:.0f} MiB; hub + proxy {hub_mib:.0f} MiB"
    )
    print(
        f"per learner (server + kernel at one instant): peak PSS median {learner_pss:.0f} MiB, "
        f"largest {learner_pss_max:.0f} MiB; "
        f"all processes together {sampler.total_peak_pss / MIB:.0f} MiB"
    )
    print(
        "CPU seconds per notebook (median): "
        + ", ".join(f"{k}: {v:.1f}" for k, v in cpu.items())
        + f"; time to first plot in 00 (median): {first_plot:.1f} s; failures: {len(failed)}"
    )  # fmt: skip

    measurements = {
        "command": f"benchmarks/classroom_load.py --learners {args.learners}",
        "learners": args.learners,
        "cores": cores,
        "failures": len(failed),
        "kernel_peak_rss_mib": round(kernel_rss),
        "kernel_peak_pss_mib": round(kernel_pss),
        "server_peak_rss_mib": round(server_rss),
        "learner_peak_pss_mib": round(learner_pss),
        "hub_and_proxy_rss_mib": round(hub_mib),
        "cpu_seconds_per_notebook": {k: round(v, 1) for k, v in cpu.items()},
        "first_plot_seconds_00": round(first_plot, 1),
        "recommended": recommend(server_rss, kernel_rss),
    }
    capacity_table(measurements)
    return measurements, failed


def capacity_table(m):
    """The per-learner figures and the table for 20, 40 and 100 learners, from measurements
    (a report's, or hub/measurements.json's with --table)."""
    rec = m["recommended"]
    cpu = m["cpu_seconds_per_notebook"]
    print(
        f"\nPer learner, for Kubernetes (per-pod, RSS: a pod may be the first to load "
        f"TensorFlow's libraries on its node): guarantee {rec['memory_guarantee']} (server + "
        f"one working kernel), limit {rec['memory_limit']} (server + {KERNELS_PER_LEARNER} "
        f"kernels, x {MEMORY_HEADROOM}); CPU {rec['cpu_guarantee']:.2f} guaranteed, "
        f"{rec['cpu_limit']:.0f} at most"
    )
    # On one machine the libraries are loaded once: PSS adds up to what the learners use.
    one_server_mib = (
        m["learner_peak_pss_mib"] + (KERNELS_PER_LEARNER - 1) * m["kernel_peak_pss_mib"]
    ) * MEMORY_HEADROOM
    print(
        f"Per learner, on one server (PSS: shared libraries counted once): "
        f"{one_server_mib:.0f} MiB (server + {KERNELS_PER_LEARNER} kernels, x {MEMORY_HEADROOM})"
    )
    limit_gib = int(rec["memory_limit"][:-1]) / 1024
    print(
        f"\n{'learners':>8} {'one server':>11} {'Kubernetes':>11} {'cores':>6} "
        f"{'Run All of 00':>14} {'on half':>8} {'a 1 s cell':>11}"
    )
    print(
        f"{'':>8} {'RAM GiB':>11} {'limits GiB':>11} {'':>6} {'all at once':>14} "
        f"{'the cores':>8} {'all at once':>11}"
    )
    for n in (20, 40, 100):
        ram = n * one_server_mib / 1024 + HUB_OVERHEAD_GIB
        cores = math.ceil(n / LEARNERS_PER_CORE) + 1  # +1: hub, proxy, servers, the OS
        run_all = max(cpu["00"], n * cpu["00"] / (cores - 1))
        run_half = max(cpu["00"], n * cpu["00"] / max(1, (cores - 1) // 2))
        print(
            f"{n:>8} {math.ceil(ram):>11} {math.ceil(n * limit_gib):>11} {cores:>6} "
            f"{run_all:>12.0f} s {run_half:>6.0f} s {n / (cores - 1):>9.0f} s"
        )
    print(
        f"\nRAM: {KERNELS_PER_LEARNER} kernels per learner (JupyterLab keeps the previous "
        f"notebook's kernel until the culler ends it after 30 idle minutes), x "
        f"{MEMORY_HEADROOM} for lessons 03-09 and learners' own experiments, + "
        f"{HUB_OVERHEAD_GIB} GiB for the hub, the proxy and the system: memory is the hard "
        "limit, since a kernel that does not fit is killed and the learner loses every "
        f"variable. Cores: 1 per {LEARNERS_PER_CORE} learners + 1. A kernel computes on one "
        f"thread and is busy only while a cell runs ({sum(cpu.values()):.0f} CPU s for lessons "
        "00-02 per learner, over about an hour of class), but 'run this cell now' makes all "
        "kernels busy together: each cell then takes learners/cores times its CPU time, as "
        "the last columns show (Run All of 00 alone: "
        f"{cpu['00']:.0f} CPU s). The learner waits; nothing fails."
    )


# --- One kernel, with and without allocator settings -------------------------------------------
SANITIZE = [
    (re.compile(r"\d+(\.\d+)?(s|ms|us|µs)/(step|epoch)"), "TIME/STEP"),
    (re.compile(r"\b\d+(\.\d+)? ?(seconds|s|ms)\b(?= \(timing\))"), "TIME"),
    (re.compile(r"0x[0-9a-fA-F]{6,16}"), "0xADDRESS"),
]


IMPORTS = "import keras\nimport matplotlib.pyplot\nimport sklearn\nimport course_utils"


def kernel_memory(args):
    """Run notebooks 00-02 in one course kernel per variant (the same kernel a learner gets,
    started by jupyter_client), sampling its memory; compare every printed text with the
    baseline's, so no variant changes a lesson's number."""
    import nbformat
    from nbclient import NotebookClient

    variants = {
        "course.env only": {},
        "MALLOC_ARENA_MAX=2": {"MALLOC_ARENA_MAX": "2"},
        "MALLOC_ARENA_MAX=1": {"MALLOC_ARENA_MAX": "1"},
        "MALLOC_ARENA_MAX=2, MALLOC_TRIM_THRESHOLD_=128K": {
            "MALLOC_ARENA_MAX": "2",
            "MALLOC_TRIM_THRESHOLD_": "131072",
        },
    }
    texts = {}
    print("RSS counts TensorFlow's shared libraries in full in every kernel; PSS shares them out")
    print("among the processes mapping them; USS is what this kernel alone holds (MiB).")
    print(f"{'variant':<44} {'idle':>5} {'imports RSS/USS':>16} {'peak RSS':>8} "
          f"{'end RSS/PSS/USS':>16}  same text")  # fmt: skip
    for label, extra in variants.items():
        env = {**os.environ, **extra}
        peak, phases = [0], {}
        kernel_text = []
        for notebook in NOTEBOOKS:
            nb = nbformat.read(ROOT / notebook, as_version=4)
            client = NotebookClient(nb, kernel_name="loss-course", timeout=900)
            with client.setup_kernel(env=env, cwd=str(ROOT / "learner")):
                process = psutil.Process(client.km.provisioner.process.pid)
                if "idle" not in phases:
                    time.sleep(1)
                    phases["idle"] = process.memory_full_info()
                    client.execute_cell(nbformat.v4.new_code_cell(IMPORTS), 0)
                    phases["imports"] = process.memory_full_info()
                stop = threading.Event()

                def watch(process=process, stop=stop, peak=peak):
                    while not stop.is_set():
                        try:
                            peak[0] = max(peak[0], process.memory_info().rss)
                        except psutil.NoSuchProcess:
                            return
                        stop.wait(0.2)

                watcher = threading.Thread(target=watch, daemon=True)
                watcher.start()
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    client.execute_cell(cell, index)
                    for out in cell.outputs:
                        text = out.get("text") or out.get("data", {}).get("text/plain", "")
                        for pattern, replacement in SANITIZE:
                            text = pattern.sub(replacement, text)
                        if "time" not in cell.source:
                            kernel_text.append(text)
                phases["end"] = process.memory_full_info()
                stop.set()
                watcher.join()
        texts[label] = kernel_text
        same = kernel_text == texts["course.env only"]
        if not same:
            baseline = texts["course.env only"]
            pairs = zip(kernel_text, baseline, strict=False)
            first = next((p for p in pairs if p[0] != p[1]), (len(kernel_text), len(baseline)))
            print(f"  first difference (this variant, course.env only): {first!r}")
        idle, imports, end = phases["idle"], phases["imports"], phases["end"]
        print(
            f"{label:<44} {idle.rss / MIB:>5.0f} "
            f"{imports.rss / MIB:>8.0f}/{imports.uss / MIB:<7.0f} "
            f"{peak[0] / MIB:>8.0f} {end.rss / MIB:>6.0f}/{end.pss / MIB:.0f}/{end.uss / MIB:<6.0f}"
            f"  {same}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=8)
    parser.add_argument("--max-learners", type=int, default=100)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds for the whole class")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--write", action="store_true", help=f"write {MEASUREMENTS.name}")
    parser.add_argument("--kernel-memory", action="store_true", help="one kernel, variants")
    parser.add_argument("--table", action="store_true", help=f"the table from {MEASUREMENTS.name}")
    args = parser.parse_args()
    if args.table:
        capacity_table(json.loads(MEASUREMENTS.read_text()))
        return 0
    if args.kernel_memory:
        kernel_memory(args)
        return 0
    if not 1 <= args.learners <= args.max_learners:
        parser.error(f"--learners must be between 1 and {args.max_learners}")
    # A learner's server and working kernel (PSS, measured; 600 MiB before any measurement),
    # with 20 % to spare, and the hub: refuse a class that would not fit in 80 % of free RAM.
    learner_mib = 600
    if MEASUREMENTS.exists():
        learner_mib = json.loads(MEASUREMENTS.read_text())["learner_peak_pss_mib"]
    need = (args.learners * learner_mib * 1.2 + 512) / 1024
    available = psutil.virtual_memory().available / 1024**3
    if need > available * 0.8:
        parser.error(
            f"{args.learners} learners need about {need:.0f} GiB; {available:.0f} GiB are free"
        )
    records, sampler, wall = run_class(args)
    measurements, failed = report(args, records, sampler, wall)
    if args.write:
        MEASUREMENTS.write_text(json.dumps(measurements, indent=2) + "\n")
        print(f"\nwrote {MEASUREMENTS.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
