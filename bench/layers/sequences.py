#!/usr/bin/python3
"""The sequence examples (examples/sequences/: an LMU reading digits pixel by pixel, a spiking
L2MU reading them row by row, an EGRU predicting characters of text) run by fluxon on one thread
against the same models computed densely with numpy over all samples at once, side by side in
one invocation.

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
import train_egru as egru  # noqa: E402  the numpy forward passes the models were trained with
import train_sequences as model  # noqa: E402
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


def egru_numpy(d):
    """Every step's logits for all windows of text at once."""
    weights = {k: d[k] for k in d.files if k not in ("x", "next", "threshold")}
    inputs = d["x"].argmax(1).reshape(-1, egru.WINDOW)
    ids = np.concatenate([inputs, d["next"].reshape(-1, egru.WINDOW)[:, -1:]], axis=1)
    return egru.forward(weights, ids)[0].reshape(len(d["x"]), -1)


def accuracy(scores, d):
    return np.mean(scores.argmax(1) == d["test_y"])


def bits_per_char(logits, d):
    logp = logits - logits.max(1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(1, keepdims=True))
    return -logp[np.arange(len(logits)), d["next"]].mean() / np.log(2)


# name, config, npz, samples, steps per sample, output layer and width, rows compared (the last
# step of each sample, or every step), numpy's outputs, the quality figure
MODELS = (("lmu", "lmu_digits", "sequences", 360, 64, "fc", 10, "last", lmu_numpy, "accuracy", accuracy),
          ("l2mu", "l2mu_digits", "sequences", 360, 8, "score", 10, "last", l2mu_numpy, "accuracy", accuracy),
          ("egru", "egru_text", "egru", 84, 40, "fc", 29, "all", egru_numpy, "bits/char", bits_per_char))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    print(f"numpy BLAS: {blas_library()}; fluxon on one thread; per sample: an image, or 40 characters")
    print(f"{'model':6} {'samples':>7} {'steps':>5} {'events/smp':>10} {'ops/smp':>9} {'fluxon us/smp':>14} "
          f"{'numpy us/smp':>13} {'fluxon events/s':>16} {'numpy/fluxon':>13} {'quality':>17}")
    rows = []
    for name, config, data, samples, steps, layer, width, compared, numpy_fn, quality, score in MODELS:
        d = np.load(EXAMPLES / f"{data}.npz")
        runs = [fluxon.load_config(EXAMPLES / f"{config}.toml").run() for _ in range(args.repeats)]
        r = runs[0]
        fluxon_s = min(run.wall_time for run in runs)
        numpy_s, expected = best_of(args.repeats, lambda: numpy_fn(d))
        s = r.layers["stats"]
        events = r.layers["tables"]["layers"]["events"].sum() / samples
        ops = s["effective_acs"] + s["effective_macs"]
        times, ids, values = r.layer_events(layer)
        got = np.zeros((samples * steps, width))
        got[np.rint(times / r.simulation.dt).astype(int), ids] = values
        if compared == "last":
            got = got[steps - 1::steps]
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
        figure = score(got, d)
        row = {"model": name, "samples": samples, "steps_per_sample": steps, "events_per_sample": events,
               "ops_per_sample": ops, "fluxon_s": fluxon_s, "numpy_s": numpy_s,
               "fluxon_events_per_s": events * samples / fluxon_s, "numpy_over_fluxon": numpy_s / fluxon_s,
               quality: figure}
        rows.append(row)
        print(f"{name:6} {samples:7d} {steps:5d} {events:10.1f} {ops:9.0f} {fluxon_s / samples * 1e6:14.1f} "
              f"{numpy_s / samples * 1e6:13.1f} {row['fluxon_events_per_s']:16.4g} {row['numpy_over_fluxon']:13.2f} "
              f"{figure:7.3f} {quality:>9}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
