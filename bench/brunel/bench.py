#!/usr/bin/python3
"""fluxon against Brian2 (cpp_standalone) on the Brunel (2000) balanced network, side by side.

    /usr/bin/python3 bench/brunel/bench.py [--sizes 12500] [--duration 1] [--repeat 3]

The network (brian2_brunel.py says what and why): 80/20 LIF neurons, connection probability 0.1,
1.5 ms delays (15 steps, so every input goes through fluxon's delay ring and a window holds 15
steps), external Poisson drive (Brian2's PoissonInput; fluxon's [drives], the same binomial law). For each size it runs fluxon on 1 thread in double and single
precision and on 2 threads, and Brian2 cpp_standalone, interleaved; prints simulation wall
times (medians and ranges), recurrent synaptic events per second, rates and the ratios.
"""
import argparse
import pathlib
import sys
import tempfile

import h5py

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from measure import measure, median_run, run_isolated, table  # noqa: E402  (bench/measure.py)
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import brian2_brunel as model  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
BRIAN2_SCRIPT = pathlib.Path(__file__).with_name("brian2_brunel.py")

CONFIG = """
[run]
dt = "0.1 ms"
duration = "{duration} s"
seed = {seed}
threads = {threads}
precision = "{precision}"
"""
DRIVE = """
[drives.ext_{post}]
target = "{post}"
receptor = "exc"
rate = "{rate} Hz"
inputs = {inputs}
weight = "{w} mV"
"""
POPULATION = """
[populations.{name}]
size = {size}
model = "lif"
params = {{ tau_m = "{tau_m} ms", v_rest = "0 mV", v_th = "{theta} mV", v_reset = "{reset} mV", t_ref = "{t_ref} ms", tau_syn_exc = "{tau_s} ms", tau_syn_inh = "{tau_s} ms" }}
initial = {{ v = {{ uniform = ["0 mV", "{theta} mV"] }} }}
"""
PROJECTION = """
[projections.{pre}_{post}]
pre = "{pre}"
post = "{post}"
receptor = "{receptor}"
connector = {connector}
weight = "{w} mV"
delay = "{delay} ms"
"""


def config_text(n, duration, threads, precision, seed=1):
    n_exc = int(0.8 * n)
    sizes = {"exc": n_exc, "inh": n - n_exc}
    text = CONFIG.format(duration=duration, seed=seed, threads=threads, precision=precision)
    for name, size in sizes.items():
        text += POPULATION.format(name=name, size=size, tau_m=model.TAU_M_MS, theta=model.THETA_MV,
                                  reset=model.RESET_MV, t_ref=model.T_REF_MS, tau_s=model.TAU_S_MS)
    we, wi = model.weights_mv()
    for pre, w in (("exc", we), ("inh", wi)):
        for post in sizes:
            text += PROJECTION.format(pre=pre, post=post, receptor=pre, w=w, delay=model.DELAY_MS,
                                      connector=f'{{ type = "fixed_probability", p = {model.EPSILON} }}')
    # C_E external inputs per neuron, each at eta nu_thr: Brian2's PoissonInput, fluxon's drive.
    c_e = int(model.EPSILON * n_exc)
    for post in sizes:
        text += DRIVE.format(post=post, rate=model.external_rate_hz(n) / c_e, inputs=c_e, w=we)
    return text


def fluxon_run(fluxon, n, duration, threads, precision):
    with tempfile.TemporaryDirectory() as tmp:
        config = pathlib.Path(tmp, "brunel.toml")
        config.write_text(config_text(n, duration, threads, precision))
        out_file = pathlib.Path(tmp, "run.h5")
        _, wall, peak = measure([fluxon, "run", str(config), "-o", str(out_file), "--quiet"])
        with h5py.File(out_file, "r") as f:
            c = f["counters"]
            spikes_pop = {name: int(d[()]) for name, d in c["spikes_per_population"].items()}
            sim = float(c["wall_time"][()])
            recurrent = int(c["synaptic_events"][()])  # drives are not synaptic events
            return dict(simulator="fluxon", threads=threads, precision=precision, N=n, duration=duration,
                        sim_wall=sim, startup=wall - sim, spikes=spikes_pop["exc"] + spikes_pop["inh"],
                        synaptic_events=recurrent, peak_rss=peak)


def brian2_run(n, duration):
    import json
    out, wall, peak = measure([sys.executable, str(BRIAN2_SCRIPT), "--N", str(n), "--duration", str(duration)])
    r = json.loads(out.strip().splitlines()[-1])
    r.update(startup=r["compile"], peak_rss=peak, process_wall=wall)
    return r


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[12500])
    parser.add_argument("--duration", type=float, default=1.0)
    parser.add_argument("--fluxon", default=str(ROOT / "build" / "io" / "cli" / "fluxon"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    rows = []
    variants = {"f1": (1, "double"), "f1s": (1, "single"), "f2": (2, "double")}
    for n in args.sizes:
        runs = {key: [] for key in (*variants, "b")}
        for _ in range(args.repeat):
            for key, (threads, precision) in variants.items():
                runs[key].append(run_isolated(fluxon_run, args.fluxon, n, args.duration, threads, precision))
            runs["b"].append(run_isolated(brian2_run, n, args.duration))
        med = {key: median_run(r) for key, r in runs.items()}
        b = med["b"]
        for key, r in med.items():
            walls = sorted(x["sim_wall"] for x in runs[key])
            name = "brian2 cpp_standalone" if key == "b" else f"fluxon ({r['threads']} thr, {r['precision']})"
            rows.append([n, name, f"{r['sim_wall']:.3f}", f"{walls[0]:.3f}-{walls[-1]:.3f}", f"{r['startup']:.2f}",
                         f"{r['synaptic_events'] / r['sim_wall']:.3g}", f"{r['peak_rss'] / 2**20:.0f}",
                         f"{r['spikes'] / n / args.duration:.2f}", f"{b['sim_wall'] / r['sim_wall']:.2f}"])
        print(f"N={n}: fluxon 1 thread is {b['sim_wall'] / med['f1']['sim_wall']:.2f}x Brian2's speed "
              f"({b['sim_wall'] / med['f1s']['sim_wall']:.2f}x in single precision), 2 threads "
              f"{med['f1']['sim_wall'] / med['f2']['sim_wall']:.2f}x 1 thread", flush=True)
    print()
    print(f"Brunel (2000) model A, g=5, eta=2, 1.5 ms delays, {args.duration:g} s of biological time")
    print(f"medians of {args.repeat} interleaved runs each (sim s range: fastest-slowest; events: recurrent)")
    print(table(rows, ["N", "simulator", "sim s", "sim s range", "start-up s", "events/s", "peak MiB", "rate Hz",
                       "Brian2/this"]))


if __name__ == "__main__":
    main()
