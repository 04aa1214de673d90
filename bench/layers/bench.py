#!/usr/bin/python3
"""Layers as event streams against the same layers computed densely with numpy (BLAS), side by
side in one invocation, at activation densities 1 %, 10 % and 50 %.

    PYTHONPATH=build/python /usr/bin/python3 bench/layers/bench.py [--steps 200] [--json out.json]

Two int8 layers (integer values held in float64, as fluxon holds them): a linear layer
1024 -> 1024 and a conv2d 16 -> 32 channels, 3x3, padding 1, on 32x32 maps. The input is
`--steps` frames in which a share `density` of the entries is a non-zero int8 value. fluxon
runs input -> layer and reports its wall time (the engine's, building excluded) and the
synaptic operations it did (NeuroBench's effective MACs); numpy computes every frame densely,
the linear layer as one GEMM over all frames (the best case for BLAS) and the conv by im2col
and one GEMM per frame. The linear layer's outputs are checked equal. Quote the figures with
the BLAS the first line names: Debian's default libblas3 is the slow reference one;
`apt-get install libopenblas0-pthread` switches numpy to OpenBLAS, and OPENBLAS_NUM_THREADS=1
gives it one core as fluxon has. The ratio is numpy's
time over fluxon's: above 1, event-driven wins.
"""
import argparse
import json
import sys
import time

import numpy as np

import fluxon

DENSITIES = (0.01, 0.10, 0.50)


def frames(rng, steps, shape, density):
    x = rng.integers(-128, 128, size=(steps, *shape)).astype(np.float64)
    x[rng.random(x.shape) >= density] = 0.0
    return x


def run_fluxon(x, kind, settings, record):
    net = fluxon.Network(dt="1 ms", duration=f"{len(x)} ms")
    net.layer("x", "input", data=x)
    net.layer("y", kind, input="x", record=record, **settings)
    r = net.build().run()
    return r


def im2col(x, k, pad):
    """[C, H, W] -> [C*k*k, H*W] patches for a stride-1 conv with padding `pad`."""
    c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((c, k, k, h, w))
    for dy in range(k):
        for dx in range(k):
            cols[:, dy, dx] = xp[:, dy:dy + h, dx:dx + w]
    return cols.reshape(c * k * k, h * w)


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def bench_linear(rng, steps, density):
    w = rng.integers(-127, 128, size=(1024, 1024)).astype(np.float64)
    x = frames(rng, steps, (1024,), density)
    r = run_fluxon(x, "linear", {"weight": w}, record=True)
    numpy_time, dense = best_of(3, lambda: x @ w.T)
    times, ids, values = r.layer_events("y")
    check = np.zeros((steps, 1024))
    check[np.rint(times / r.simulation.dt).astype(int), ids] = values
    assert np.array_equal(check, dense), "fluxon and numpy differ"
    return r, numpy_time


def bench_conv(rng, steps, density):
    w = rng.integers(-127, 128, size=(32, 16, 3, 3)).astype(np.float64)
    x = frames(rng, steps, (16, 32, 32), density)
    r = run_fluxon(x, "conv2d", {"weight": w, "padding": 1}, record=False)
    w_mat = w.reshape(32, -1)
    numpy_time, dense = best_of(3, lambda: [w_mat @ im2col(f, 3, 1) for f in x])
    return r, numpy_time


def blas_library():
    """The BLAS numpy has loaded (Debian's reference libblas3 is ~30x slower than OpenBLAS;
    `apt-get install libopenblas0-pthread` makes OpenBLAS the system's libblas.so.3)."""
    np.ones((2, 2)) @ np.ones((2, 2))
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(p for p in paths if p.endswith(".so") or ".so." in p)) or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--json")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    rows = []
    print(f"numpy BLAS: {blas_library()}; {args.steps} steps, fluxon on one thread")
    print(f"{'layer':8} {'density':>8} {'eff. MACs/step':>15} {'fluxon s':>10} {'numpy s':>10} "
          f"{'fluxon MAC/s':>13} {'numpy dense MAC/s':>18} {'numpy/fluxon':>13}")
    for name, bench in (("linear", bench_linear), ("conv2d", bench_conv)):
        for density in DENSITIES:
            r, numpy_time = bench(rng, args.steps, density)
            s = r.layers["stats"]
            steps = s["steps"]
            eff, dense = s["effective_macs"] * s["samples"], s["dense_ops"] * s["samples"]
            row = {"layer": name, "density": density, "steps": steps, "effective_macs": eff, "dense_ops": dense,
                   "fluxon_s": r.wall_time, "numpy_s": numpy_time,
                   "fluxon_macs_per_s": eff / r.wall_time, "numpy_dense_macs_per_s": dense / numpy_time,
                   "numpy_over_fluxon": numpy_time / r.wall_time}
            rows.append(row)
            print(f"{name:8} {density:8.2f} {eff / steps:15.4g} {r.wall_time:10.4f} {numpy_time:10.4f} "
                  f"{row['fluxon_macs_per_s']:13.4g} {row['numpy_dense_macs_per_s']:18.4g} "
                  f"{row['numpy_over_fluxon']:13.2f}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
