"""The CUBA network mapped onto the Loihi preset, from Python; the same run as
examples/cuba_loihi.toml.

Run:  python3 examples/python/cuba_loihi.py [run_file]      (default cuba_loihi_py.h5; replaced if it exists)

METIS places the 4000 neurons on Loihi cores, the weights become 8-bit fixed point, and the
ledger charges every neuron update, spike message, link hop and synaptic op with the costs of
Davies et al. 2018, Table 2 (devices/neuromorphic/presets/loihi.toml; docs/hardware.md). The script prints
the chip's energy per synaptic event and where the energy goes. `fluxon run
examples/cuba_loihi.toml` gives bit-identical spikes and ledger.
"""
import sys

import fluxon
from fluxon import analysis

LIF = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")


def si(value, unit):
    """A value with the SI prefix that suits it: si(2.4e-3, "J") -> "2.4 mJ"."""
    for scale, prefix in ((1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")):
        if abs(value) >= scale:
            return f"{value / scale:.4g} {prefix}{unit}"
    return f"{value:.4g} {unit}"


def build(n_exc=3200, n_inh=800, duration="1 s", seed=1):
    net = fluxon.Network(dt="0.1 ms", duration=duration, seed=seed, threads=1)
    exc = net.population("exc", n_exc, "lif", **LIF)
    inh = net.population("inh", n_inh, "lif", **LIF)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    for pre, receptor, weight in ((exc, "exc", "1.62 mV"), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor=receptor,
                        connector=fluxon.fixed_probability(0.02), weight=weight, delay="0.1 ms")
    exc.record_spikes()
    inh.record_spikes()
    # costs only ("annotated"); each step takes as long as its work ("asap")
    net.hardware("loihi", fidelity="annotated", mapper="metis", step_period="asap")
    return net


def main(output):
    sim = build().build()
    result = sim.run(output=output, progress=True, overwrite=True)
    chip = result.devices["chip"]  # the [hardware] device: statistics, tables and ledger
    hw, energy = chip.stats, chip.ledger_attrs
    print(f"{result.n_spikes} spikes, {result.synaptic_events} synaptic events on "
          f"{hw['cores']} {chip.preset} cores")
    print(f"hardware time {si(hw['hardware_time'], 's')} for {result.time_reached:g} s simulated")
    print(f"energy {si(energy['total_energy'], 'J')} = {si(energy['dynamic_energy'], 'J')} dynamic"
          f" + {si(energy['static_energy'], 'J')} static")
    print(f"energy per synaptic event: {si(result.total_energy / result.synaptic_events, 'J')}")
    summary = analysis.energy_summary(output)       # the same numbers, from the run file
    print("breakdown (component type / action):")
    for (kind, action), energy in sorted(summary["breakdown"].items(), key=lambda kv: -kv[1]):
        print(f"  {kind + '/' + action:<24} {si(energy, 'J'):>10}  {100 * energy / summary['total']:5.1f} %")
    print(f"wrote {output} ({result.status}, {result.wall_time:.2f} s wall)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "cuba_loihi_py.h5")
