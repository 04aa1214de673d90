#!/usr/bin/python3
"""The sequence examples (examples/sequences/: an LMU reading digits pixel by pixel, a spiking
L2MU reading them row by row) run by fluxon on one thread against the same models computed
densely with numpy over all 360 images at once, side by side in one invocation.

    PYTHONPATH=build/python /usr/bin/python3 bench/layers/sequences.py [--repeats 3] [--json out.json]

fluxon's time is the engine's (building excluded), numpy's the forward pass of the batch, both
the best of `--repeats`. Events are the non-zero entries every layer emitted (the input's
included); operations the effective synaptic operations (NeuroBench's ACs + MACs). The ratio
is numpy's time over fluxon's: above 1, event-driven wins. Quote the figures with the BLAS the
first line names (bench/layers/bench.py says how to switch to OpenBLAS).
"""
import argparse
import json
import pathlib
import sys
import time

import numpy as np

import fluxon

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "sequences"
sys.path.insert(0, str(EXAMPLES))
sys.path.insert(0, str(ROOT / "bench" / "layers"))
import train_sequences as model  # noqa: E402  the numpy forward passes the models were trained with
from bench import blas_library  # noqa: E402


def best_of(repeats, fn):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def lmu_numpy(d):
    """Every step's h and readout for all images at once, as the config computes them."""
    a_d, b_d = model.ref.lmu_memory(model.LMU["order"], model.LMU["theta"])
    x = d["lmu_x"].astype(np.float64).reshape(360, 64)
    m = np.zeros((360, model.LMU["order"]))
    for t in range(64):
        m = m @ a_d.T + x[:, t:t + 1] * b_d
        scores = np.tanh(m @ d["lmu_wm"].T + d["lmu_b"]) @ d["lmu_wo"].T + d["lmu_bo"]
    return scores


def l2mu_numpy(d):
    a_d, b_d = model.ref.lmu_memory(model.L2MU["order"], model.L2MU["theta"])
    weights = {"e_x": d["l2mu_ex"], "w_x": d["l2mu_wx"], "w_m": d["l2mu_wm"], "w_o": d["l2mu_wo"], "b_o": d["l2mu_bo"]}
    return model.l2mu_forward(weights, d["l2mu_x"].astype(np.float64).reshape(360, 8, 16), a_d, b_d)[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    d = np.load(EXAMPLES / "sequences.npz")
    print(f"numpy BLAS: {blas_library()}; 360 images, fluxon on one thread")
    print(f"{'model':6} {'steps/img':>9} {'events/img':>10} {'ops/img':>9} {'fluxon us/img':>14} "
          f"{'numpy us/img':>13} {'fluxon events/s':>16} {'numpy/fluxon':>13} {'accuracy':>9}")
    rows = []
    for name, steps, layer, numpy_fn in (("lmu", 64, "fc", lmu_numpy), ("l2mu", 8, "score", l2mu_numpy)):
        runs = [fluxon.load_config(EXAMPLES / f"{name}_digits.toml").run() for _ in range(args.repeats)]
        r = runs[0]
        fluxon_s = min(run.wall_time for run in runs)
        numpy_s, scores = best_of(args.repeats, lambda: numpy_fn(d))
        s = r.layers["stats"]
        events = r.layers["tables"]["layers"]["events"].sum() / 360
        ops = s["effective_acs"] + s["effective_macs"]
        times, ids, values = r.layer_events(layer)
        got = np.zeros((360 * steps, 10))
        got[np.rint(times / r.simulation.dt).astype(int), ids] = values
        got = got[steps - 1::steps]
        np.testing.assert_allclose(got, scores, rtol=1e-9, atol=1e-9)
        accuracy = np.mean(got.argmax(1) == d["test_y"])
        row = {"model": name, "steps_per_image": steps, "events_per_image": events, "ops_per_image": ops,
               "fluxon_s": fluxon_s, "numpy_s": numpy_s, "fluxon_events_per_s": events * 360 / fluxon_s,
               "numpy_over_fluxon": numpy_s / fluxon_s, "accuracy": accuracy}
        rows.append(row)
        print(f"{name:6} {steps:9d} {events:10.1f} {ops:9.0f} {fluxon_s / 360 * 1e6:14.1f} "
              f"{numpy_s / 360 * 1e6:13.1f} {row['fluxon_events_per_s']:16.4g} {row['numpy_over_fluxon']:13.2f} "
              f"{accuracy:9.3f}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
