#!/usr/bin/python3
"""fluxon's Loihi preset against SANA-FE's Loihi architecture, side by side in one invocation.

    /usr/bin/python3 bench/chip/bench.py --sanafe /path/to/sana-fe/build [--sanafe-src DIR]
        [--workloads cuba dvs] [--n 4000] [--duration 1] [--dvs-steps 1000] [--repeat 3]
        [--build build] [--json out.json]

SANA-FE (Boyle et al., IEEE TCAD 2025; github.com/SLAM-Lab/SANA-FE) is not part of fluxon:
build it yourself and give its build directory (the one holding `sim`) with --sanafe or the
environment variable SANAFE_BUILD. Its source tree (for arch/loihi.yaml and snn/dvs.yaml) is
found from the build's CMakeCache.txt, or given with --sanafe-src / SANAFE_SRC.

Workloads (bench/chip/workloads.py):
  cuba  CUBA (Vogels-Abbott) with N neurons, 80 inputs each, `--duration` s at dt = 0.1 ms;
        fluxon's own connectivity, initial potentials and METIS placement exported to SANA-FE
  dvs   SANA-FE's DVS-gesture CNN (snn/dvs.yaml, 18 678 neurons, 3.56 M synapses) for
        `--dvs-steps` steps, as shipped on SANA-FE, as populations of `if` neurons on fluxon

For each it runs both simulators `--repeat` times, interleaved, each run in its own process,
one thread each, and prints the median run (by simulation loop time) with the range:
synaptic events per second of the loop, set-up time, peak memory, the energy each model
reports (total and per synaptic event), the modelled chip's time for the run, and the ratios
fluxon / SANA-FE; then where each model's energy goes.

Definitions. "sim" is the simulation loop as each simulator times it (fluxon: /counters/
wall_time of the run file; SANA-FE: the sum of the wall_time entries of its run summary but
`setup`, which SANA-FE 8951ab0 mismeasures, see sanafe_run.py).
"set-up" is the process's wall time minus the loop: reading the description, building and
mapping the network, and writing results. Synaptic events are those the chip model processed
(fluxon: the chip's synaptic_events; SANA-FE: total_spikes, its synapse-unit count). Peak
memory is the largest resident set of the process tree.
"""
import argparse
import json
import os
import pathlib
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

import energy_categories  # noqa: E402
import sanafe_run  # noqa: E402
import workloads  # noqa: E402
from measure import measure, median_run, run_isolated, table  # noqa: E402  (bench/measure.py)


def fluxon_run(fluxon, config):
    import h5py
    with tempfile.TemporaryDirectory() as tmp:
        out_file = pathlib.Path(tmp, "run.h5")
        _, wall, peak = measure([fluxon, "run", str(config), "-o", str(out_file), "--quiet"])
        with h5py.File(out_file, "r") as f:
            c = f["counters"]
            chip = f["devices/chip"]
            stats = dict(chip["stats"].attrs.items())  # the device-level statistics by name
            ledger = f["ledger"]
            columns = {k: ledger[k][()] for k in ("component", "action", "count", "energy")}
            parts = energy_categories.fluxon_parts(
                [x.decode() if isinstance(x, bytes) else str(x) for x in columns["component"]],
                [x.decode() if isinstance(x, bytes) else str(x) for x in columns["action"]],
                columns["energy"])
            sim = float(c["wall_time"][()])
            return dict(simulator="fluxon", sim_wall=sim, process_wall=wall, startup=wall - sim,
                        steps=int(c["steps"][()]), spikes=int(c["spikes"][()]),
                        synaptic_events=int(stats["synaptic_events"]),
                        delivered_events=int(c["synaptic_events"][()]),
                        messages=int(stats["messages"]), hops=int(stats["hops"]),
                        hardware_time=float(stats["hardware_time"]), cores=int(stats["cores"]),
                        energy=float(ledger.attrs["total_energy"]),
                        static_energy=float(ledger.attrs["static_energy"]),
                        energy_parts=parts, peak_rss=peak)


def sanafe_run_once(sim, arch, network, steps, timing):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = sanafe_run.command(sim, arch, network, steps, tmp, timing)
        _, wall, peak = measure(cmd, env=sanafe_run.environment())
        summary_path = pathlib.Path(tmp, "run_summary.yaml")
        figures = sanafe_run.summary_figures(sanafe_run.parse_summary(summary_path.read_text(), str(summary_path)),
                                             str(summary_path))
        parts = energy_categories.sanafe_parts(figures.pop("energy_parts"))
        return dict(simulator="sanafe", process_wall=wall, startup=wall - figures["sim_wall"], peak_rss=peak,
                    energy_parts=parts, **figures)


def si(value, unit):
    if value == 0:
        return f"0 {unit}"
    for factor, prefix in ((1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")):
        if abs(value) >= factor:
            return f"{value / factor:.4g} {prefix}{unit}"
    return f"{value:.4g} {unit}"


def sanafe_source(args):
    if args.sanafe_src:
        return pathlib.Path(args.sanafe_src)
    cache = pathlib.Path(args.sanafe) / "CMakeCache.txt"
    if cache.is_file():
        for line in cache.read_text(errors="replace").splitlines():
            if line.startswith("CMAKE_HOME_DIRECTORY:"):
                return pathlib.Path(line.split("=", 1)[1])
    sys.exit("bench: SANA-FE's source tree is needed (arch/loihi.yaml, snn/dvs.yaml) and the build "
             "has no CMakeCache.txt naming it: give --sanafe-src DIR or set SANAFE_SRC")


def prepare_cuba(args, tmp, fluxon_module):
    """fluxon's config, and SANA-FE's file of the same network (connectivity, initial potentials
    and placement exported from fluxon's build of it)."""
    dt = 1e-4
    config = tmp / "cuba.toml"
    config.write_text(workloads.cuba_config(args.n, args.duration, seed=args.seed, dt=dt))
    # The export: the same network for one step, probing v at t = 0 (the initial values);
    # connectivity and initial values depend only on the network and the seed.
    probe = "".join(f'[[record.probes]]\npopulation = "{p}"\nvariable = "v"\n\n' for p in ("exc", "inh"))
    export = tmp / "cuba_export.toml"
    export.write_text(workloads.cuba_config(args.n, dt, seed=args.seed, dt=dt, extra=probe))
    sim = fluxon_module.load_config(str(export))
    chip = sim.devices()["chip"]
    mapping = workloads.core_addresses(chip.tables["chunks"], chip.tables["cores"])
    synapses = {}
    for name, p in sim.projections.items():
        s = sim.synapses(name)
        synapses[name] = (p["pre"], p["post"], p["receptor"], s["pre"], s["post"], s["weight"])
    sim.run()
    # The probe samples v after the first step; no input has arrived and nothing has spiked
    # by then, so one step of the leak, inverted, gives the initial value.
    leak = np.exp(-dt / workloads.LIF["tau_m"])
    v_rest = workloads.LIF["v_rest"]
    initial = {}
    for pop in ("exc", "inh"):
        t, ids, v = sim.probe(pop, "v")
        if len(t) != 1 or abs(t[0] - dt) > 1e-12:
            sys.exit(f"bench: expected one probe sample at t = dt, got {t}")
        initial[pop] = v_rest + (np.asarray(v[0])[np.argsort(ids)] - v_rest) / leak
    populations = {name: info["size"] for name, info in sorted(sim.populations.items())}
    network = tmp / "cuba_sanafe.yaml"
    workloads.write_cuba_sanafe(network, dt, populations, synapses, initial, mapping)
    steps = int(round(args.duration / dt))
    n_syn = sum(len(s[3]) for s in synapses.values())
    return dict(name=f"cuba N={args.n}", config=config, network=network, steps=steps, synapses=n_syn,
                cores=len(set(m[3] for m in mapping)))


def prepare_dvs(args, tmp, src, fluxon_module):
    network = src / "snn" / "dvs.yaml"
    if not network.is_file():
        sys.exit(f"bench: SANA-FE's DVS example {network} is missing")
    preset = tmp / "loihi_unlimited_synapses.toml"
    preset.write_text(workloads.unlimited_synapse_memory(fluxon_module.chip_presets()["loihi"]["text"]))
    text, n_syn = workloads.dvs_config(network, tmp, args.dvs_steps, preset=preset.name)
    config = tmp / "dvs.toml"
    config.write_text(text)
    return dict(name="dvs (SANA-FE)", config=config, network=network, steps=args.dvs_steps, synapses=n_syn)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sanafe", default=os.environ.get("SANAFE_BUILD"),
                        help="SANA-FE's build directory (holding `sim`) or the `sim` executable; "
                             "default $SANAFE_BUILD")
    parser.add_argument("--sanafe-src", default=os.environ.get("SANAFE_SRC"),
                        help="SANA-FE's source tree; default $SANAFE_SRC, else read from the build's CMakeCache.txt")
    parser.add_argument("--sanafe-timing", default="detailed", choices=["simple", "detailed"],
                        help="SANA-FE's timing model (its default: detailed)")
    parser.add_argument("--workloads", nargs="+", default=["cuba", "dvs"], choices=["cuba", "dvs"])
    parser.add_argument("--n", type=int, default=4000, help="CUBA's neurons")
    parser.add_argument("--duration", type=float, default=1.0, help="CUBA's biological time, s")
    parser.add_argument("--dvs-steps", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each simulator and workload, interleaved; the median is reported")
    parser.add_argument("--build", default=str(ROOT / "build"), help="fluxon's build directory")
    parser.add_argument("--json", help="also write every run here")
    args = parser.parse_args()
    if not args.sanafe:
        parser.exit(2, "bench: no SANA-FE build given. SANA-FE is not part of fluxon: build it "
                       "(github.com/SLAM-Lab/SANA-FE) outside this repository and pass its build "
                       "directory with --sanafe DIR or SANAFE_BUILD=DIR\n")
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    if args.n < 10 or args.duration <= 0 or args.dvs_steps < 1:
        parser.error("--n must be >= 10, --duration > 0 and --dvs-steps >= 1")
    try:
        sim_exe = sanafe_run.find_sim(args.sanafe)
    except FileNotFoundError as e:
        parser.exit(2, f"bench: {e}\n")
    src = sanafe_source(args)
    arch = src / "arch" / "loihi.yaml"
    if not arch.is_file():
        sys.exit(f"bench: SANA-FE's Loihi architecture {arch} is missing")
    build = pathlib.Path(args.build)
    fluxon_cli = build / "io" / "cli" / "fluxon"
    if not fluxon_cli.is_file():
        sys.exit(f"bench: no fluxon command at {fluxon_cli} (build fluxon, or give --build)")
    sys.path.insert(0, str(build / "python"))
    import fluxon as fluxon_module

    results, rows, energy_rows, ratio_lines = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = pathlib.Path(tmp_name)
        for workload in args.workloads:
            w = prepare_cuba(args, tmp, fluxon_module) if workload == "cuba" else prepare_dvs(args, tmp, src, fluxon_module)
            runs = {"fluxon": [], "sanafe": []}
            for _ in range(args.repeat):
                runs["fluxon"].append(run_isolated(fluxon_run, str(fluxon_cli), str(w["config"])))
                runs["sanafe"].append(run_isolated(sanafe_run_once, str(sim_exe), str(arch), str(w["network"]),
                                                   w["steps"], args.sanafe_timing))
            f, s = median_run(runs["fluxon"]), median_run(runs["sanafe"])
            for key in runs:
                for r in runs[key]:
                    r["workload"] = w["name"]
                results += runs[key]
            for r, key in ((f, "fluxon"), (s, "sanafe")):
                walls = sorted(x["sim_wall"] for x in runs[key])
                starts = sorted(x["startup"] for x in runs[key])
                rows.append([w["name"], "fluxon loihi" if key == "fluxon" else "SANA-FE loihi",
                             f"{r['sim_wall']:.3f}", f"{walls[0]:.3f}-{walls[-1]:.3f}",
                             f"{r['startup']:.2f}", f"{starts[0]:.2f}-{starts[-1]:.2f}",
                             f"{r['synaptic_events']:,}", f"{r['synaptic_events'] / r['sim_wall']:.3g}",
                             f"{r['peak_rss'] / 2**20:.0f}", f"{r['spikes']:,}", f"{r['messages']:,}",
                             si(r["energy"], "J"), si(r["energy"] / max(r["synaptic_events"], 1), "J"),
                             si(r["hardware_time"], "s")])
                energy_rows.append([w["name"], key] + [si(r["energy_parts"].get(c, 0.0), "J")
                                                        for c in energy_categories.CATEGORIES] + [si(r["energy"], "J")])
            eps = lambda r: r["synaptic_events"] / r["sim_wall"]
            per_event = lambda r: r["energy"] / max(r["synaptic_events"], 1)
            ratio_lines.append(
                f"{w['name']}: fluxon/SANA-FE events/s {eps(f) / eps(s):.1f}x, set-up {f['startup']:.2f} s / "
                f"{s['startup']:.2f} s ({f['startup'] / s['startup']:.2f}x), peak memory "
                f"{f['peak_rss'] / s['peak_rss']:.2f}x, energy {f['energy'] / s['energy']:.2f}x, "
                f"energy/event {per_event(f) / per_event(s):.2f}x; synaptic events {f['synaptic_events']:,} / "
                f"{s['synaptic_events']:,}, spikes {f['spikes']:,} / {s['spikes']:,}")
            print(ratio_lines[-1], flush=True)

    print()
    print(f"medians of {args.repeat} interleaved runs each, one thread each (ranges: fastest-slowest); "
          f"SANA-FE timing model '{args.sanafe_timing}'")
    print(table(rows, ["workload", "simulator", "sim s", "sim s range", "set-up s", "set-up range",
                       "syn. events", "events/s", "peak MiB", "spikes", "messages", "energy", "per event",
                       "chip time"]))
    print()
    print("energy by category (the median run's)")
    print(table(energy_rows, ["workload", "model"] + list(energy_categories.CATEGORIES) + ["total"]))
    print()
    print("ratios fluxon / SANA-FE (median runs)")
    for line in ratio_lines:
        print("  " + line)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
