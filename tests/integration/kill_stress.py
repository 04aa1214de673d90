#!/usr/bin/env python3
"""Kills `fluxon run` with SIGKILL at random moments and checks every file it leaves.

Each kill starts the CUBA example (examples/cuba.toml) with a flush every few milliseconds,
so kills land before, during and between flushes, while other processes load the CPU and
the disk. A file left behind must open with plain h5py, every dataset in it must read, and it
must hold exactly what a complete run of the same config holds up to the file's
/run/time_reached: the same spikes (times and ids) and probe samples, nothing after it,
nothing missing before it. `fluxon inspect` must read it too. Nothing but the run's working
copy (killed.h5.writing) may be left beside it. A kill before the first flush leaves no file,
which is allowed.

    kill_stress.py FLUXON CONFIG [--kills N] [--duration "2 s"] [--flush S] [--set KEY=VALUE ...]
                   [--dir DIR] [--seed S] [--cpu-load N] [--disk-load N]

Exits 0 when every file is right, 1 otherwise (the wrong files are kept in DIR/wrong/).
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py

from run_file_check import check, read_run, text


def run_args(fluxon, config, output, duration, flush, overrides):
    args = [fluxon, "run", config, "-o", output, "-q", "--set", f'run.duration="{duration}"',
            "--set", f"run.flush_interval={flush}"]
    for override in overrides:
        args += ["--set", override]
    return args


def start_load(directory, cpu, disk):
    """Busy processes: `cpu` spinning, `disk` rewriting and syncing a 16 MiB file."""
    spin = "while True: pass"
    churn = ("import os, sys\n"
             "p = sys.argv[1]; block = os.urandom(1 << 20)\n"
             "while True:\n"
             "    with open(p, 'wb') as f:\n"
             "        for _ in range(16): f.write(block)\n"
             "        f.flush(); os.fsync(f.fileno())\n")
    procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(cpu)]
    procs += [subprocess.Popen([sys.executable, "-c", churn, os.path.join(directory, f"load{i}.bin")])
              for i in range(disk)]
    return procs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fluxon")
    parser.add_argument("config")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--duration", default="2 s", help="simulated time of each run")
    parser.add_argument("--flush", type=float, default=0.005, help="run.flush_interval, wall-clock s")
    parser.add_argument("--dir", help="where the runs write (default: a temporary directory)")
    parser.add_argument("--set", action="append", default=[], help="a config override for every run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu-load", type=int, default=1)
    parser.add_argument("--disk-load", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    directory = args.dir or tempfile.mkdtemp(prefix="fluxon_kill_")
    os.makedirs(directory, exist_ok=True)

    reference = os.path.join(directory, "reference.h5")
    if os.path.exists(reference):
        os.remove(reference)
    # When the file appears (after the network is built) and when the run ends, to aim the kills.
    start = time.monotonic()
    proc = subprocess.Popen(run_args(args.fluxon, args.config, reference, args.duration, args.flush, args.set))
    appears = None
    while proc.poll() is None:
        if appears is None and os.path.exists(reference):
            appears = time.monotonic() - start
        time.sleep(0.002)
    wall = time.monotonic() - start
    assert proc.returncode == 0, f"the complete run exits {proc.returncode}"
    appears = wall if appears is None else appears
    ref = read_run(reference)
    assert text(ref["run/status"]) == "complete"

    load = start_load(directory, args.cpu_load, args.disk_load)
    counts = {"right": 0, "wrong": 0, "no file": 0, "complete": 0}
    try:
        for k in range(args.kills):
            output = os.path.join(directory, "killed.h5")
            if os.path.exists(output):
                os.remove(output)
            proc = subprocess.Popen(run_args(args.fluxon, args.config, output, args.duration, args.flush, args.set))
            # Most kills land while the run writes, a few before its file exists or after it ended.
            if rng.random() < 0.1:
                time.sleep(rng.uniform(0, appears))
            else:
                started = time.monotonic()
                while not os.path.exists(output) and proc.poll() is None and time.monotonic() - started < 10 * wall:
                    time.sleep(0.001)
                time.sleep(rng.uniform(0, 1.1 * (wall - appears)))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            # The working copy a kill leaves is expected; anything else is not.
            leftovers = [n for n in os.listdir(directory) if n.startswith("killed.h5.") and n != "killed.h5.writing"]
            if not os.path.exists(output):
                counts["no file"] += 1
                problems = []
            else:
                problems = check(output, ref, args.fluxon, ("running", "complete"))
                with h5py.File(output, "r") as f:
                    if text(f["run/status"][()]) == "complete":
                        counts["complete"] += 1
            if leftovers:
                problems.append(f"left beside it: {leftovers}")
                for name in leftovers:
                    os.remove(os.path.join(directory, name))
            if problems:
                counts["wrong"] += 1
                wrong = os.path.join(directory, "wrong")
                os.makedirs(wrong, exist_ok=True)
                if os.path.exists(output):
                    shutil.copy(output, os.path.join(wrong, f"killed_{k}.h5"))
                print(f"kill {k}: WRONG: " + "; ".join(problems), flush=True)
            elif os.path.exists(output):
                counts["right"] += 1
    finally:
        for p in load:
            p.kill()
            p.wait()
        for i in range(args.disk_load):
            path = os.path.join(directory, f"load{i}.bin")
            if os.path.exists(path):
                os.remove(path)
    print(f"{args.kills} kills (a complete run takes {wall:.2f} s, its file appears after {appears:.2f} s): {counts['right']} files right "
          f"({counts['complete']} of them complete), {counts['no file']} killed before the file existed, "
          f"{counts['wrong']} wrong")
    if not args.dir and counts["wrong"] == 0:
        shutil.rmtree(directory)
    return 1 if counts["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
