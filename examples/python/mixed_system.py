"""One run on a system of several device families, from Python; the same run as
examples/mixed_system.toml.

Run:  python3 examples/python/mixed_system.py [run_file]      (default mixed_system_py.h5; replaced if it exists)

The CUBA network runs on a Loihi chip (devices/neuromorphic/presets/loihi.toml) whose synaptic
rows that do not fit a core's synapse memory live in DDR4 DRAM
(devices/dram/presets/ddr4_3200.toml); an extra input population reaches the excitatory
neurons through NeuroSim-like ReRAM crossbar arrays (devices/crossbar/presets/reram_neurosim.toml),
and two excitatory neurons drive a small SFQ circuit (examples/sfq/spike_pairs.toml) through
DC-to-SFQ converters, on the femtosecond time base the circuit needs.
net.device() maps onto any registered family (fluxon.device_families() lists them). The script
prints each device's energy and the run's total; `fluxon run examples/mixed_system.toml` gives
bit-identical spikes and ledger.
"""
import pathlib
import sys

import fluxon

CIRCUIT = pathlib.Path(__file__).resolve().parents[1] / "sfq" / "spike_pairs.toml"

LIF = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")


def si(value, unit):
    """A value with the SI prefix that suits it: si(2.4e-3, "J") -> "2.4 mJ"."""
    for scale, prefix in ((1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")):
        if abs(value) >= scale:
            return f"{value / scale:.4g} {prefix}{unit}"
    return f"{value:.4g} {unit}"


def build(duration="0.2 s", seed=1):
    net = fluxon.Network(dt="0.1 ms", duration=duration, seed=seed, threads=1, time_base="fs")
    exc = net.population("exc", 3200, "lif", **LIF)
    inh = net.population("inh", 800, "lif", **LIF)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    for pre, receptor, weight in ((exc, "exc", "1.62 mV"), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor=receptor,
                        connector=fluxon.fixed_probability(0.02), weight=weight, delay="0.1 ms")
    stim = net.population("stim", 200, "poisson", rate="10 Hz")
    net.project("stim_exc", stim, exc, receptor="exc", connector=fluxon.fixed_probability(0.05),
                weight="0.5 mV", delay="0.1 ms")
    exc.record_spikes()
    inh.record_spikes()
    exc.record("v", ids=[0, 1, 2, 3, 4], interval="1 ms")
    net.device("neuromorphic", preset="loihi", synapse_dram="ddr4_3200")
    net.device("crossbar", preset="reram_neurosim", projections=["stim_exc"])
    net.device("sfq", circuit=str(CIRCUIT), inputs={"exc[0]": "a", "exc[1]": "b"})
    return net


def main(output):
    result = build().build().run(output=output, progress=True, overwrite=True)
    print(f"{result.n_spikes} spikes, {result.synaptic_events} synaptic events")
    for name, device in result.devices.items():
        energy = device.ledger_attrs["total_energy"]
        # Each device's own figure: its synaptic actions over the synaptic events it processed.
        own = device.stats.get("energy_per_synaptic_event")
        per_event = f"  {si(own, 'J')} per own synaptic event" if own is not None and own == own else ""
        print(f"{name:<9} {device.family:<13} {device.preset:<15} {si(energy, 'J'):>10}{per_event}")
    chip = result.devices["chip"].stats
    print(f"chip: {chip['dram_reads']} bursts of synaptic rows read from DRAM, stalling {si(chip['dram_stall'], 's')}")
    print(f"crossbar: {result.devices['crossbar'].stats['reads']} array reads")
    sfq = result.devices["sfq"]
    print(f"sfq: {sfq.stats['conversions']} spikes converted, {len(sfq.tables['outputs']['pin'])} output pulses")
    print(f"total     {si(result.total_energy, 'J')}, "
          f"{si(result.total_energy / result.synaptic_events, 'J')} per synaptic event of the whole network")
    print(f"wrote {output} ({result.status}, {result.wall_time:.2f} s wall)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mixed_system_py.h5")
