#!/usr/bin/python3
"""fluxon against Brian2 (cpp_standalone) on the CUBA network, side by side in one invocation.

    /usr/bin/python3 bench/cuba/bench.py [--sizes 4000 40000 [400000]] [--duration 10] [--repeat 3] [--json out.json]

For each size it runs fluxon on 1 and 2 threads, fluxon on 1 thread in single precision
(`[run] precision = "single"`) and Brian2 cpp_standalone (its fastest mode on this machine), and
prints simulation wall time, start-up time, synaptic events per second, peak memory, and the
ratios. N=400000 (32 million synapses) is optional; `--brian2-max N` leaves Brian2 out above N.
Bytes per synapse come from the slope of peak RSS between K=80 and K=400 inputs per neuron at
N=40000 (0.2 s runs), for both simulators, and for fluxon both with CUBA's constant weights
(kept once per projection) and with the same weights drawn per synapse (uniform from w to w).

Definitions: "sim" is the simulation loop as each simulator times it (fluxon: /counters/
wall_time in the run file; Brian2: device._last_run_time). "start-up" for fluxon is process
start to first step: the whole process wall time minus the loop (it includes building the
network, and teardown). For Brian2 it is reported as code generation + compilation, which
every parameter change costs. Peak RSS is the largest resident set of the process tree.
"""
import argparse
import json
import pathlib
import sys
import tempfile

import h5py

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from measure import measure, median_run, run_isolated, table  # noqa: E402  (bench/measure.py)

BRIAN2_SCRIPT = pathlib.Path(__file__).with_name("brian2_cuba.py")

CONFIG = """
[run]
dt = "0.1 ms"
duration = "{duration} s"
seed = {seed}
threads = {threads}
precision = "{precision}"

[populations.exc]
size = {n_exc}
model = "lif"
params = {{ tau_m = "20 ms", v_rest = "-49 mV", v_th = "-50 mV", v_reset = "-60 mV", t_ref = "5 ms", tau_syn_exc = "5 ms", tau_syn_inh = "10 ms" }}
initial = {{ v = {{ uniform = ["-60 mV", "-50 mV"] }} }}

[populations.inh]
size = {n_inh}
model = "lif"
params = {{ tau_m = "20 ms", v_rest = "-49 mV", v_th = "-50 mV", v_reset = "-60 mV", t_ref = "5 ms", tau_syn_exc = "5 ms", tau_syn_inh = "10 ms" }}
initial = {{ v = {{ uniform = ["-60 mV", "-50 mV"] }} }}
"""
PROJECTION = """
[projections.{pre}_{post}]
pre = "{pre}"
post = "{post}"
receptor = "{pre}"
connector = {{ type = "fixed_probability", p = {p} }}
weight = {weight}
"""


def fluxon_run(fluxon, n, k, duration, threads, precision="double", per_synapse=False, seed=1):
    with tempfile.TemporaryDirectory() as tmp:
        n_exc = int(0.8 * n)
        text = CONFIG.format(duration=duration, seed=seed, threads=threads, precision=precision, n_exc=n_exc,
                             n_inh=n - n_exc)
        scale = 80.0 / k
        for pre, w in (("exc", 1.62 * scale), ("inh", -9.0 * scale)):
            # The same weight drawn per synapse takes the 8-byte layout (docs/engine.md).
            weight = f'{{ uniform = ["{w} mV", "{w} mV"] }}' if per_synapse else f'"{w} mV"'
            for post in ("exc", "inh"):
                text += PROJECTION.format(pre=pre, post=post, p=k / n, weight=weight)
        config = pathlib.Path(tmp, "cuba.toml")
        config.write_text(text)
        out_file = pathlib.Path(tmp, "run.h5")
        _, wall, peak = measure([fluxon, "run", str(config), "-o", str(out_file), "--quiet"])
        with h5py.File(out_file, "r") as f:
            c = f["counters"]
            sim = float(c["wall_time"][()])
            synapses = sum(int(g.attrs["n_synapses"]) for g in f["projections"].values())
            return dict(simulator="fluxon", threads=threads, precision=precision, N=n, K=k, duration=duration, sim_wall=sim,
                        startup=wall - sim, build=float(c["build_time"][()]), spikes=int(c["spikes"][()]),
                        synaptic_events=int(c["synaptic_events"][()]), synapses=synapses, peak_rss=peak)


def brian2_run(n, k, duration):
    out, wall, peak = measure([sys.executable, str(BRIAN2_SCRIPT), "--N", str(n), "--K", str(k),
                               "--duration", str(duration), "--target", "cpp_standalone"])
    r = json.loads(out.strip().splitlines()[-1])
    r.update(startup=r["compile"], peak_rss=peak, process_wall=wall)
    return r


def rate(r):
    return r["spikes"] / r["N"] / r["duration"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--fluxon", default=str(ROOT / "build" / "io" / "cli" / "fluxon"))
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each simulator and size, interleaved; the median is reported")
    parser.add_argument("--brian2-max", type=int, default=10**9, help="run Brian2 only up to this N")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--json", help="also write all results here")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")

    results, rows = [], []
    for n in args.sizes:
        # Interleaved, so that a change in the machine's speed falls on all three alike; each
        # is then represented by its run of median simulation time.
        runs = {"f1": [], "f1s": [], "f2": [], "b": []}
        with_brian2 = n <= args.brian2_max
        for _ in range(args.repeat):
            runs["f1"].append(run_isolated(fluxon_run, args.fluxon, n, 80.0, args.duration, 1))
            runs["f1s"].append(run_isolated(fluxon_run, args.fluxon, n, 80.0, args.duration, 1, "single"))
            runs["f2"].append(run_isolated(fluxon_run, args.fluxon, n, 80.0, args.duration, 2))
            if with_brian2:
                runs["b"].append(run_isolated(brian2_run, n, 80.0, args.duration))
        med = {key: median_run(r) for key, r in runs.items() if r}
        f1, f1s, f2 = med["f1"], med["f1s"], med["f2"]
        b = med.get("b")
        for key in runs:
            results += runs[key]
        for key, r in med.items():
            if r["simulator"] == "fluxon":
                name = f"fluxon ({r['threads']} thr{', single' if r['precision'] == 'single' else ''})"
            else:
                name = "brian2 cpp_standalone (1 thr)"
            walls = sorted(x["sim_wall"] for x in runs[key])
            rows.append([n, name, f"{r['sim_wall']:.3f}", f"{walls[0]:.3f}-{walls[-1]:.3f}",
                         f"{r['startup']:.2f}", f"{r['synaptic_events'] / r['sim_wall']:.3g}",
                         f"{r['peak_rss'] / 2**20:.0f}", f"{rate(r):.2f}",
                         f"{b['sim_wall'] / r['sim_wall']:.2f}" if b else "-"])
        line = f"N={n}: "
        if b:
            line += (f"fluxon 1 thread is {b['sim_wall'] / f1['sim_wall']:.2f}x Brian2's speed "
                     f"({b['sim_wall'] / f1s['sim_wall']:.2f}x in single precision), ")
        line += f"2 threads {f1['sim_wall'] / f2['sim_wall']:.2f}x 1 thread; rate {rate(f1):.2f} Hz"
        if b:
            line += f" / Brian2 {rate(b):.2f} Hz ({100 * (rate(f1) / rate(b) - 1):+.1f} %)"
        print(line, flush=True)
    print()
    print(f"CUBA, {args.duration:g} s of biological time, K=80 inputs per neuron")
    print(f"medians of {args.repeat} interleaved runs each (sim s range: fastest-slowest)")
    print(table(rows, ["N", "simulator", "sim s", "sim s range", "start-up s", "events/s", "peak MiB",
                       "rate Hz", "Brian2/this"]))

    if not args.skip_memory:
        mem = {}
        for name, fn in (("fluxon", lambda k: fluxon_run(args.fluxon, 40000, k, 0.2, 1)),
                         ("fluxon per-synapse", lambda k: fluxon_run(args.fluxon, 40000, k, 0.2, 1, per_synapse=True)),
                         ("brian2", lambda k: brian2_run(40000, k, 0.2))):
            lo, hi = run_isolated(fn, 80.0), run_isolated(fn, 400.0)
            mem[name] = (hi["peak_rss"] - lo["peak_rss"]) / (hi["synapses"] - lo["synapses"])
            results += [lo, hi]
        print()
        print(f"bytes per synapse (RSS slope, N=40000, K=80 -> 400): fluxon {mem['fluxon']:.1f} (constant weights), "
              f"{mem['fluxon per-synapse']:.1f} (per-synapse weights); Brian2 {mem['brian2']:.1f}")
        results.append({"bytes_per_synapse": mem})
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
