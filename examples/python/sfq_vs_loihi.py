"""One small spiking network, two substrates: a digital neuromorphic chip (the Loihi preset) and
a superconducting SFQ circuit (the SFQ mapper), with their ledgers side by side.

Run:  python3 examples/python/sfq_vs_loihi.py [run_file_prefix]      (writes PREFIX_loihi.h5 and PREFIX_sfq.h5, replacing them)

The network: 8 inputs spiking regularly (spike_times, 100 Hz for 200 ms), 16 hidden LIF
neurons (all-to-all, positive weights), 4 output neurons (half of the hidden neurons excite,
half inhibit). On the chip it runs in 0.1 ms steps with the costs of Davies et al. 2018
(devices/neuromorphic/presets/loihi.toml). fluxon.sfq.map_network turns the same description into an SFQ
circuit, rate coded: every neuron an integrate-and-fire SFQ neuron, every synapse a stochastic
synapse passing |w| / max|w| of the pulses, time compressed 10^7-fold (1 ms -> 100 ps); its
neurons count 9 pulses, as a hidden LIF neuron here fires about once per 9 input spikes.

The two do not compute the same function (the SFQ neurons do not leak: docs/sfq.md lists what
the mapper leaves out), so the script prints what each produced next to what each spent:
energy in total, per input spike and per output spike, with the SFQ circuit at 4 K and at the
wall plug (cryocooler included), and how long each took in hardware time.
"""
import sys

import numpy as np

import fluxon
from fluxon import sfq

LIF = dict(tau_m="20 ms", v_rest="-65 mV", v_th="-50 mV", v_reset="-65 mV", t_ref="2 ms",
           tau_syn_exc="5 ms", tau_syn_inh="5 ms")
DURATION = 0.2  # s
N_IN, N_HID, N_OUT = 8, 16, 4


def build():
    net = fluxon.Network(dt="0.1 ms", duration=f"{DURATION} s", seed=3)
    times = np.concatenate([np.arange(0.001 + 0.0007 * i, DURATION, 0.01) for i in range(N_IN)])
    ids = np.concatenate([np.full(len(np.arange(0.001 + 0.0007 * i, DURATION, 0.01)), i) for i in range(N_IN)])
    order = np.argsort(times, kind="stable")
    inp = net.spike_source("inp", N_IN, times=times[order], ids=ids[order])
    hid = net.population("hid", N_HID, "lif", **LIF)
    out = net.population("out", N_OUT, "lif", **LIF)
    net.project("inp_hid", inp, hid, receptor="exc", connector=fluxon.all_to_all(), weight="10 mV")
    pre = np.repeat(np.arange(N_HID), N_OUT)
    post = np.tile(np.arange(N_OUT), N_HID)
    net.project("hid_out_exc", hid, out, receptor="exc", connector=fluxon.from_arrays(pre[pre < 8], post[pre < 8]),
                weight="12 mV")
    net.project("hid_out_inh", hid, out, receptor="inh", connector=fluxon.from_arrays(pre[pre >= 8], post[pre >= 8]),
                weight="-4 mV")
    hid.record_spikes()
    out.record_spikes()
    return net, len(times)


def si(value, unit):
    for scale, prefix in ((1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f"), (1e-18, "a")):
        if abs(value) >= scale:
            return f"{value / scale:.4g} {prefix}{unit}"
    return f"{value:.4g} {unit}"


def main(prefix="sfq_vs_loihi"):
    net, input_spikes = build()
    net.hardware("loihi", mapper="sequential")
    chip_result = net.build().run(output=f"{prefix}_loihi.h5", overwrite=True)
    chip = chip_result.devices["chip"]
    chip_out = chip_result.spikes_per_population["out"]

    del net.device_settings["neuromorphic"]  # the same description, without the chip
    mapping = sfq.map_network(net, threshold=9)
    circuit = mapping.run(output=f"{prefix}_sfq.h5", overwrite=True)
    sfq_out = sum(len(circuit.recorded[f"out_{i}.q"]) for i in range(N_OUT))
    sfq_time = max((t[-1] for t in circuit.recorded.values() if len(t)), default=0.0)

    rows = (
        ("hidden spikes", f"{chip_result.spikes_per_population['hid']}",
         f"{sum(len(circuit.recorded[f'hid_{i}.q']) for i in range(N_HID))}"),
        ("output spikes", f"{chip_out}", f"{sfq_out}"),
        ("hardware time", si(chip.stats["hardware_time"], "s"), si(sfq_time, "s")),
        ("energy", si(chip.ledger_attrs["total_energy"], "J"),
         f"{si(circuit.energy['chip'], 'J')} at 4 K, {si(circuit.energy['wall_plug'], 'J')} wall plug"),
        ("per input spike", si(chip.ledger_attrs["total_energy"] / input_spikes, "J"),
         f"{si(circuit.energy['chip'] / input_spikes, 'J')} at 4 K, "
         f"{si(circuit.energy['wall_plug'] / input_spikes, 'J')} wall plug"),
    )
    print(f"{input_spikes} input spikes into {N_HID} hidden and {N_OUT} output neurons; SFQ circuit of "
          f"{mapping.utilization['cells']} cells")
    print(f"  {'':<18}{'Loihi (digital cores)':<26}SFQ (mapped, rate coded)")
    for name, a, b in rows:
        print(f"  {name:<18}{a:<26}{b}")
    return chip, circuit.energy, chip_out, sfq_out


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sfq_vs_loihi")
