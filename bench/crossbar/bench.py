#!/usr/bin/python3
"""Crossbars in the loop: MVMs per second, and synaptic events per second of a network whose
projections run through the arrays, each next to a peer run in the same invocation.

    /usr/bin/python3 bench/crossbar/bench.py [--size 512] [--batch 64] [--n 1500] [--json out.json]

MVMs. A size x size weight matrix and --batch input vectors (0/1 spikes, 20 % active, as a
spiking layer drives its rows) run through fluxon.crossbar_mvm on reram_neurosim (8-bit weights
in 1-bit slices on differential pairs, 5-bit ADC, device variation) and on the ideal preset
(MVM/s from the time spent reading, programming timed apart), and through a NumPy implementation of the same bit-sliced differential model with the same
ADC (vectorised over the batch: every slice's column sums as one matrix product, then the
converter); the exact product (numpy @) is the accuracy reference. The table prints MVMs per
second, the ratio to the NumPy model, and each result's error relative to the exact product.

Network. The CUBA network (N neurons, 80 inputs each, 1 s) runs plain, with every projection on
the ideal crossbar, and on reram_neurosim; the table prints wall time, synaptic events per
second, the slowdown against the plain run and the crossbar's energy per synaptic event. It
uses the build in build/ (PYTHONPATH=build/python).
"""
import argparse
import json
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build" / "python"))
import fluxon  # noqa: E402


def numpy_bitsliced(w, x, bits=8, adc_bits=5, rows=128, full_scale=0.125):
    """The reram_neurosim model in NumPy without noise: weights to 8-bit magnitudes in 1-bit
    slices on differential pairs, row tiles of `rows`, each slice column's sum converted by a
    signed ADC of adc_bits with full scale full_scale x rows digits, then shifted and added."""
    top = 2 ** bits - 1
    scale = np.abs(w).max()
    code = np.rint(np.abs(w) / scale * top).astype(np.int64) * np.sign(w).astype(np.int64)
    lsb = full_scale * rows / (2 ** (adc_bits - 1) - 1)
    limit = 2 ** (adc_bits - 1) - 1
    y = np.zeros((x.shape[0], w.shape[1]))
    for r0 in range(0, w.shape[0], rows):
        xs = x[:, r0:r0 + rows]
        c = code[r0:r0 + rows]
        for s in range(bits):
            digits = ((np.abs(c) >> s) & 1) * np.sign(c)
            column = xs @ digits
            y += np.clip(np.rint(column / lsb), -limit, limit) * lsb * 2 ** s
    return y / top * scale


def timed(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_mvm(size, batch):
    rng = np.random.default_rng(1)
    w = rng.normal(0, 1, size=(size, size))
    x = (rng.uniform(size=(batch, size)) < 0.2).astype(float)
    exact = x @ w
    norm = np.abs(exact).max()
    rows = []
    for name, preset in (("fluxon reram_neurosim", "reram_neurosim"), ("fluxon ideal", "ideal")):
        # fluxon reports the time spent reading apart from programming the arrays
        total, r = timed(lambda: fluxon.crossbar_mvm(w, x, preset=preset, input_bits=1))
        rows.append({"name": name, "seconds": r["wall_time"], "programming_seconds": total - r["wall_time"],
                     "outputs": r["outputs"], "energy_per_mvm": r["energy_per_mvm"]})
    for name, fn in (("numpy bit-sliced model", lambda: numpy_bitsliced(w, x)), ("numpy exact (x @ w)", lambda: x @ w)):
        seconds, y = timed(fn)
        rows.append({"name": name, "seconds": seconds, "outputs": y})
    peer = next(r for r in rows if r["name"] == "numpy bit-sliced model")["seconds"]
    print(f"MVMs: {size} x {size} weights, {batch} spike vectors (20 % rows active)")
    print(f"  {'':<24}{'MVM/s':>10}{'vs numpy model':>16}{'max error':>11}{'program s':>11}{'J/MVM':>10}")
    for r in rows:
        y = r.pop("outputs")
        r["max_error"] = float(np.abs(y - exact).max() / norm)
        r["mvm_per_second"] = batch / r["seconds"]
        r["ratio_to_numpy_model"] = peer / r["seconds"]
        program = f"{r['programming_seconds']:.3f}" if "programming_seconds" in r else ""
        energy = f"{r['energy_per_mvm']:.3g}" if "energy_per_mvm" in r else ""
        print(f"  {r['name']:<24}{r['mvm_per_second']:>10.4g}{r['ratio_to_numpy_model']:>15.2f}x"
              f"{r['max_error']:>11.2e}{program:>11}{energy:>10}")
    return rows


def cuba(n, crossbar):
    net = fluxon.Network(dt="0.1 ms", duration="1 s", seed=1)
    lif = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
               tau_syn_exc="5 ms", tau_syn_inh="10 ms")
    exc = net.population("exc", n * 4 // 5, "lif", **lif)
    inh = net.population("inh", n // 5, "lif", **lif)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    for pre, receptor, weight in ((exc, "exc", "1.62 mV"), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor=receptor,
                        connector=fluxon.fixed_probability(80 / n), weight=weight, delay="0.1 ms")
    if crossbar:
        net.crossbar(crossbar)
    return net


def bench_network(n):
    rows = []
    for name, preset in (("plain synapses", None), ("ideal crossbar", "ideal"), ("reram_neurosim", "reram_neurosim")):
        sim = cuba(n, preset).build()
        result = sim.run()
        row = {"name": name, "wall_time": result.wall_time, "synaptic_events": result.synaptic_events,
               "events_per_second": result.synaptic_events / result.wall_time, "spikes": result.n_spikes}
        if "crossbar" in result.devices:
            row["arrays"] = result.devices["crossbar"].stats["arrays"]
            row["energy_per_synaptic_event"] = (result.total_energy / result.synaptic_events
                                                if result.synaptic_events else float("nan"))
        rows.append(row)
    plain = rows[0]["wall_time"]
    print(f"Network: CUBA N={n}, 80 inputs per neuron, 1 s")
    print(f"  {'':<18}{'wall s':>9}{'syn. events/s':>15}{'slowdown':>10}{'arrays':>8}{'J/syn. event':>14}{'spikes':>9}")
    for r in rows:
        r["slowdown"] = r["wall_time"] / plain
        print(f"  {r['name']:<18}{r['wall_time']:>9.3f}{r['events_per_second']:>15.4g}{r['slowdown']:>9.2f}x"
              f"{r.get('arrays', ''):>8}{r.get('energy_per_synaptic_event', float('nan')):>14.3g}{r['spikes']:>9}")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--batch", type=int, default=64)
    # reram_neurosim's 4096 arrays of 8 weights hold the CUBA matrices up to N = 1500 or so
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {"mvm": bench_mvm(args.size, args.batch), "network": bench_network(args.n)}
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
