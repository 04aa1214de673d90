"""An N-MNIST recording through the Sinabs CNN of the NIR paper (imported from its NIR file)
on the Loihi and SpiNNaker 2 presets: the class it predicts, NeuroBench's counts and the
energy and hardware time per sample. The same run as examples/nir/nmnist_cnn_loihi.toml for
the Loihi preset.

Run:  python3 examples/python/nir_nmnist.py [recording.bin]

The model and the default recording are sample files of the NIR paper and of Tonic
(../shared/data/*/PROVENANCE.md). Layers are placed on cores like populations: input and IF
layers on cores, conv, pooling and affine weights as synapses (docs/hardware.md).
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
    print(f"{'chip':<12}{'class':>6}{'cores':>7}{'energy':>12}{'hardware time':>15}{'synaptic events':>17}")
    # TrueNorth does not take this network: a core accepts 256 presynaptic neurons and the
    # third conv layer's neurons each see 384 (the mapper's error says so).
    for preset in ("loihi", "spinnaker2"):
        net = fluxon.nir.load(MODEL, frames, dt=1e-3)
        net.hardware(preset)
        result = net.build().run()
        _, ids, _ = result.layer_events("output")
        votes = np.bincount(ids, minlength=10)
        chip = result.devices["chip"].stats
        print(f"{preset:<12}{int(votes.argmax()):>6}{int(chip['cores']):>7}"
              f"{si(result.total_energy, 'J'):>12}{si(chip['hardware_time'], 's'):>15}"
              f"{int(chip['synaptic_events']):>17}")
    stats = result.layers["stats"]
    print(f"NeuroBench per sample: {stats['effective_macs']:.4g} effective MACs, {stats['effective_acs']:.4g} "
          f"ACs, {stats['dense_ops']:.4g} dense ops, activation sparsity {stats['activation_sparsity']:.4f}")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else RECORDING)
