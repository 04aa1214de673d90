#!/usr/bin/python3
"""Mesh against tree network-on-chip on the Loihi preset, side by side in one invocation.

    /usr/bin/python3 bench/noc/bench.py [--duration 1] [--json out.json]

The seed question: is a tree NoC better for compact networks and a mesh for dense ones? Two
networks run on the same chip (Loihi, devices/neuromorphic/presets/loihi.toml), each once with the preset's
8x4 mesh and once with the same 32 tiles as the leaves of a 4-ary tree of routers:

  compact  a feed-forward chain of 12 layers of 1024 LIF neurons (fixed in-degree 32, each
           layer driving the next), fed by 1024 Poisson inputs: every layer fills one core and
           talks only to the next, which the mapper places on the next core.
  dense    the CUBA network (Vogels-Abbott) with 8000 neurons and 80 random inputs each:
           every core talks to every core.

For each it prints link hops per message, NoC energy (hops), the share of the NoC in the
dynamic energy, energy per synaptic event, the slowest step and the hardware time (as fast as
the chip allows), and the ratio tree / mesh of each. Tree hop costs are an estimate in the
preset (the mean of the mesh's two directions), so energy ratios follow the hop counts; the
step times also include link serialisation (Loihi's 3.44 Gspike/s per link).
"""
import argparse
import json
import sys

import numpy as np

import fluxon

LIF = dict(tau_m="20 ms", v_rest="-65 mV", v_th="-50 mV", v_reset="-65 mV", t_ref="2 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")
CUBA = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
            tau_syn_exc="5 ms", tau_syn_inh="10 ms")


def compact(duration, topology):
    net = fluxon.Network(dt="0.1 ms", duration=f"{duration} s", seed=3)
    previous = net.poisson("input", 1024, rate="40 Hz")
    for k in range(12):
        layer = net.population(f"layer{k}", 1024, "lif", **LIF)
        net.project(f"to_layer{k}", previous, layer, "exc", fluxon.fixed_indegree(32), weight="2.5 mV")
        previous = layer
    net.hardware("loihi", topology=topology)
    return net


def dense(duration, topology, n=8000):
    net = fluxon.Network(dt="0.1 ms", duration=f"{duration} s", seed=3)
    n_exc = n * 4 // 5
    exc = net.population("exc", n_exc, "lif", **CUBA)
    inh = net.population("inh", n - n_exc, "lif", **CUBA)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    p = 80.0 / n
    for pre, receptor, w in ((exc, "exc", "1.62 mV"), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor, fluxon.fixed_probability(p), weight=w)
    net.hardware("loihi", topology=topology)
    return net


def measure(net):
    sim = net.build()
    result = sim.run()
    chip = result.devices["chip"]
    hw, dynamic = chip.stats, chip.ledger_attrs["dynamic_energy"]
    ledger = sim.ledger()
    hops = sum(float(e) for c, e in zip(ledger["component"], ledger["energy"]) if "/noc/" in c)
    return {
        "cores": hw["cores"],
        "messages": hw["messages"],
        "hops_per_message": hw["hops"] / hw["messages"] if hw["messages"] else 0.0,
        "noc_energy_J": hops,
        "noc_share_of_dynamic": hops / dynamic if dynamic else 0.0,
        "energy_per_synaptic_event_J": (result.total_energy / result.synaptic_events
                                        if result.synaptic_events else float("nan")),
        "max_step_time_s": hw["max_step_time"],
        "hardware_time_s": hw["hardware_time"],
        "rate_hz": result.n_spikes / sum(p["size"] for p in sim.populations.values()) / result.time_reached,
    }


ROWS = [("cores", "{:.0f}"), ("hops_per_message", "{:.3f}"), ("noc_energy_J", "{:.4g}"),
        ("noc_share_of_dynamic", "{:.4f}"), ("energy_per_synaptic_event_J", "{:.4g}"),
        ("max_step_time_s", "{:.4g}"), ("hardware_time_s", "{:.4g}"), ("rate_hz", "{:.3f}")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1.0, help="biological seconds per run")
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()

    results = {}
    for name, make in (("compact", compact), ("dense", dense)):
        results[name] = {topology: measure(make(args.duration, topology)) for topology in ("mesh", "tree")}

    for name, by_topology in results.items():
        mesh, tree = by_topology["mesh"], by_topology["tree"]
        print(f"\n{name}: {mesh['cores']} cores, {mesh['messages']} messages, {mesh['rate_hz']:.2f} Hz")
        print(f"  {'':30} {'mesh':>12} {'tree':>12} {'tree/mesh':>10}")
        for key, fmt in ROWS:
            ratio = tree[key] / mesh[key] if mesh[key] else float("nan")
            print(f"  {key:30} {fmt.format(mesh[key]):>12} {fmt.format(tree[key]):>12} {ratio:>10.3f}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
