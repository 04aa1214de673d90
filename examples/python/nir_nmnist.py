"""An N-MNIST recording through the Sinabs CNN of the NIR paper (imported from its NIR file)
on the Loihi and SpiNNaker 2 chip presets and in ReRAM and PCM crossbar arrays: the class it
predicts, NeuroBench's counts and the energy and hardware time per sample. The same run as examples/nir/nmnist_cnn_loihi.toml for
the Loihi preset.

Run:  python3 examples/python/nir_nmnist.py [recording.bin]

The model and the default recording are sample files of the NIR paper and of Tonic
(../shared/data/*/PROVENANCE.md). On a chip, input and IF layers sit on cores and the conv,
pooling and affine weights are synapses (docs/hardware.md); in arrays, the conv and affine
layers are unfolded matrices read once per output position with events (docs/crossbar.md).
"""
import pathlib
import sys

import numpy as np

import fluxon

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = ROOT.parent / "shared" / "data" / "nir" / "02_cnn" / "cnn_sinabs.nir"
RECORDING = ROOT.parent / "shared" / "data" / "events" / "sample_nmnist.bin"


def si(value, unit):
    for scale, prefix in ((1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p")):
        if abs(value) >= scale:
            return f"{value / scale:.4g} {prefix}{unit}"
    return f"{value:.4g} {unit}"


def main(path=RECORDING):
    recording = fluxon.events.read(path, format="nmnist")
    frames = fluxon.events.to_frames(recording.events, recording.sensor_size, dt=1e-3)
    print(f"{path.name}: {len(recording.events)} events, {frames.shape[0]} frames of 1 ms, "
          f"shape {frames.shape[1:]}")
    print(f"{'target':<26}{'class':>6}{'units':>7}{'energy':>12}{'hardware time':>15}{'events':>10}")
    # TrueNorth does not take this network: a core accepts 256 presynaptic neurons and the
    # third conv layer's neurons each see 384 (the mapper's error says so).
    exact = None
    for family, preset in (("chip", "loihi"), ("chip", "spinnaker2"), ("crossbar", "reram_neurosim"),
                           ("crossbar", "pcm_aihwkit")):
        net = fluxon.nir.load(MODEL, frames, dt=1e-3)
        if family == "chip":
            net.hardware(preset)
        else:
            net.crossbar(preset)
        result = net.build().run()
        exact = exact if family == "crossbar" else result  # the chips run the network's own numbers
        _, ids, _ = result.layer_events("output")
        votes = np.bincount(ids, minlength=10)
        device = result.devices[family].stats
        # A chip's units are cores and its events synaptic events; the arrays' are arrays and
        # reads (their ledger holds the arrays, not the digital neurons between them).
        units = device["cores"] if family == "chip" else device["arrays"]
        events = device["synaptic_events"] if family == "chip" else device["reads"]
        print(f"{family + ' ' + preset:<26}{int(votes.argmax()):>6}{int(units):>7}"
              f"{si(result.total_energy, 'J'):>12}{si(device['hardware_time'], 's'):>15}{int(events):>10}")
    stats = exact.layers["stats"]
    print(f"NeuroBench per sample: {stats['effective_macs']:.4g} effective MACs, {stats['effective_acs']:.4g} "
          f"ACs, {stats['dense_ops']:.4g} dense ops, activation sparsity {stats['activation_sparsity']:.4f}")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else RECORDING)
