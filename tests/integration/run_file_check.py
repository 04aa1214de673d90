"""Checks a run file left by an interrupted run (tests/integration/kill_stress.py, full_disk.py)
against a complete run of the same config."""
import subprocess

import h5py
import numpy as np


def read_run(path):
    """Every dataset of a run file, by path (reading each is part of the check)."""
    data = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data[name] = obj[()]
        f.visititems(visit)
        data["@n_neurons"] = {name: int(g.attrs["n_neurons"]) for name, g in f["spikes"].items()}
    return data


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def check(path, ref, fluxon, statuses):
    """What is wrong with the run file at `path` (empty: nothing): it must read whole, have one
    of `statuses`, and hold what the complete run `ref` (read_run) holds up to its time reached:
    the spikes before it, the probe samples up to it."""
    problems = []
    try:
        run = read_run(path)
    except Exception as e:  # noqa: BLE001 -- any failure to read is what we look for
        return [f"does not read: {type(e).__name__}: {e}"]
    status = text(run["run/status"])
    t = float(run["run/time_reached"])
    if status not in statuses:
        problems.append(f"status {status!r}")
    if not 0 <= t <= float(ref["run/time_reached"]) + 1e-12:
        problems.append(f"time_reached {t} outside the run")
    if status == "complete":
        for name in ref:
            if name.startswith("counters/") and name != "counters/wall_time" and name != "counters/build_time":
                if name not in run or run[name] != ref[name]:
                    problems.append(f"complete, but {name} differs")
    for pop, n in run["@n_neurons"].items():
        times, ids = run[f"spikes/{pop}/times"], run[f"spikes/{pop}/ids"]
        if times.dtype != np.float64 or ids.dtype != np.uint32 or times.shape != ids.shape:
            problems.append(f"spikes/{pop}: {times.dtype}{times.shape} times, {ids.dtype}{ids.shape} ids")
            continue
        # Reaching t means the steps before t ran: spikes are stamped with their step's start
        # (docs/engine.md), so they come before t; probe samples are stamped with its end.
        if times.size and (times.max() >= t or ids.max() >= n):
            problems.append(f"spikes/{pop}: a spike at or after t = {t} or an id >= {n}")
        order = np.lexsort((ids, times))
        if not np.array_equal(order, np.arange(times.size)):
            problems.append(f"spikes/{pop}: not sorted by (time, id)")
        ref_times, ref_ids = ref[f"spikes/{pop}/times"], ref[f"spikes/{pop}/ids"]
        keep = ref_times < t
        if not (np.array_equal(times, ref_times[keep]) and np.array_equal(ids, ref_ids[keep])):
            problems.append(f"spikes/{pop}: {times.size} spikes up to t = {t}, the complete run has "
                            f"{int(keep.sum())} (or they differ)")
    for name in ref:
        if not (name.startswith("probes/") and name.endswith("/times")):
            continue
        values_name = name[:-len("times")] + "values"
        times, values = run[name], run[values_name]
        keep = ref[name] <= t
        if values.shape[0] != times.shape[0]:
            problems.append(f"{name}: {times.shape[0]} times but {values.shape[0]} rows of values")
        elif not (np.array_equal(times, ref[name][keep]) and np.array_equal(values, ref[values_name][keep])):
            problems.append(f"{name}: {times.size} samples up to t = {t}, the complete run has "
                            f"{int(keep.sum())} (or they differ)")
    inspect = subprocess.run([fluxon, "inspect", path], capture_output=True, text=True)
    if inspect.returncode != 0:
        problems.append(f"fluxon inspect exits {inspect.returncode}: {inspect.stderr.strip()}")
    return problems
