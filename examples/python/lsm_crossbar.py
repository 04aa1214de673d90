"""A zero-shot liquid state machine on resistive memory: the reservoir's weights are the
devices' own variation, and only a linear readout is trained.

Run:  python3 examples/python/lsm_crossbar.py [run_file]      (default lsm_crossbar_py.h5; replaced if it exists)

Task: four classes of Poisson-coded inputs. Each class is a fixed profile of firing rates
over 40 input channels (5 to 20 Hz, drawn once); a sample is 100 ms of Poisson spikes from
its class's profile, followed by 50 ms of silence. All samples run back to back in one
simulation.

Network (examples/lsm_crossbar.toml is the same reservoir from a config file): the inputs
drive 200 LIF neurons, which also drive each other; both projections are computed in ReRAM
crossbars (preset reram_neurosim) whose differential pairs were never programmed to levels,
so each weight is a pair's device mismatch (random_weights, docs/crossbar.md).

Readout: the spike counts of the reservoir neurons in each sample, fitted to one-hot class
labels by ridge-regularised least squares on 75 % of the samples and scored on the rest.
The script prints the test accuracy next to two references: the same reservoir in software
(weights drawn from a normal distribution of the same spread, no crossbar) and the readout on
the input counts alone; and the crossbar energy per sample.
"""
import sys

import numpy as np

import fluxon

N_IN, N_RES, CLASSES = 40, 200, 4
SAMPLE, GAP = 0.100, 0.050  # s
LIF = dict(tau_m="20 ms", v_rest="-65 mV", v_th="-50 mV", v_reset="-65 mV", t_ref="2 ms",
           tau_syn_exc="5 ms", tau_syn_inh="5 ms")


def make_samples(per_class, seed):
    """Input spike times and ids for all samples, their labels and their start times."""
    rng = np.random.default_rng(seed)
    profiles = rng.uniform(5.0, 20.0, size=(CLASSES, N_IN))
    labels = np.repeat(np.arange(CLASSES), per_class)
    rng.shuffle(labels)
    times, ids, starts = [], [], []
    for k, label in enumerate(labels):
        start = k * (SAMPLE + GAP)
        starts.append(start)
        counts = rng.poisson(profiles[label] * SAMPLE)
        for channel, n in enumerate(counts):
            times.extend(start + rng.uniform(0, SAMPLE, size=n))
            ids.extend([channel] * n)
    order = np.argsort(times, kind="stable")
    return np.asarray(times)[order], np.asarray(ids)[order], labels, np.asarray(starts)


SPREAD = {"inp_res": "60 mV", "res_res": "5 mV"}  # of the random weights


def build(times, ids, duration, seed=1, crossbar=True):
    """The reservoir; with crossbar=False its weights are drawn in software instead."""
    net = fluxon.Network(dt="0.1 ms", duration=duration, seed=seed)
    inp = net.spike_source("inp", N_IN, times=times, ids=ids)
    res = net.population("res", N_RES, "lif", **LIF)
    weight = SPREAD if crossbar else {k: fluxon.normal("0 mV", v) for k, v in SPREAD.items()}
    net.project("inp_res", inp, res, receptor="exc", connector=fluxon.fixed_probability(0.3),
                weight=weight["inp_res"], delay="0.1 ms")
    net.project("res_res", res, res, receptor="exc", connector=fluxon.fixed_probability(0.2),
                weight=weight["res_res"], delay="1 ms")
    res.record_spikes()
    if crossbar:
        # analog pairs (weight_bits=0) of electroformed devices with a wide spread: the
        # weights above become the spreads of the device-random weights
        net.crossbar("reram_neurosim", random_weights=["inp_res", "res_res"], weight_bits=0, adc_bits=8,
                     d2d_sigma=0.5)
    return net


def counts_per_sample(times, ids, starts, n):
    """Spike counts of n neurons in each sample window (the 100 ms of input)."""
    out = np.zeros((len(starts), n))
    which = np.searchsorted(starts, times, side="right") - 1
    inside = (which >= 0) & (times < starts[np.clip(which, 0, None)] + SAMPLE)
    np.add.at(out, (which[inside], ids[inside].astype(int)), 1)
    return out


def readout_accuracy(features, labels, train, ridge=1.0):
    """Ridge least-squares linear readout onto one-hot labels; accuracy on the samples not in train."""
    x = np.hstack([features, np.ones((len(features), 1))])
    target = np.eye(CLASSES)[labels]
    gram = x[train].T @ x[train] + ridge * np.eye(x.shape[1])
    w = np.linalg.solve(gram, x[train].T @ target[train])
    predicted = np.argmax(x[~train] @ w, axis=1)
    return float(np.mean(predicted == labels[~train]))


def reservoir_counts(sim, starts):
    spike_times, spike_ids = sim.spikes("res")
    return counts_per_sample(np.asarray(spike_times), np.asarray(spike_ids), starts, N_RES)


def main(output, per_class=150, seed=1):
    times, ids, labels, starts = make_samples(per_class, seed)
    duration = f"{len(labels) * (SAMPLE + GAP)} s"
    sim = build(times, ids, duration, seed=seed).build()
    result = sim.run(output=output, overwrite=True)
    software = build(times, ids, duration, seed=seed, crossbar=False).build()
    software.run()
    train = np.zeros(len(labels), dtype=bool)
    train[: int(0.75 * len(labels))] = True
    accuracy = readout_accuracy(reservoir_counts(sim, starts), labels, train)
    in_software = readout_accuracy(reservoir_counts(software, starts), labels, train)
    baseline = readout_accuracy(counts_per_sample(times, ids, starts, N_IN), labels, train)

    ledger = sim.ledger()
    programming = float(np.sum(ledger["energy"][ledger["action"] == "program"]))
    xb = result.devices["crossbar"]  # the [crossbar] device: statistics, tables and ledger
    per_sample = (xb.ledger_attrs["dynamic_energy"] - programming) / len(labels)
    print(f"{len(labels)} samples ({CLASSES} classes), reservoir rate "
          f"{result.spikes_per_population['res'] / N_RES / result.time_reached:.1f} Hz")
    print(f"test accuracy {accuracy:.3f} on the crossbar reservoir (software reservoir {in_software:.3f}, "
          f"input counts alone {baseline:.3f}, chance {1 / CLASSES:.2f})")
    print(f"crossbar: {xb.stats['arrays']} arrays, energy per sample {per_sample * 1e9:.2f} nJ "
          f"(+ {programming * 1e9:.1f} nJ to program once), "
          f"{per_sample / max(1, result.synaptic_events / len(labels)) * 1e12:.2f} pJ per synaptic event")
    return accuracy, in_software, baseline, per_sample


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lsm_crossbar_py.h5")
