#!/usr/bin/python3
"""The layered-network examples on the 8x8 digits (examples/layers/): the binarized MLP, the
int8 MLP, the ternary (BitLinear) MLP and the converted convolutional SNN, each from its config
file, alone and on two modelled hardware targets (the Loihi chip preset; ReRAM crossbar arrays
for the linear and conv layers). Prints the accuracy, NeuroBench's figures per sample and the
energy per inference on each target.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/layers_digits.py
"""
import pathlib

import numpy as np

import fluxon

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "layers"
# model: (config, output layer, steps per image: the score is the output at an image's last step)
MODELS = {"bnn": ("bnn_digits", "fc2", 1), "int8": ("int8_digits", "fc2", 1),
          "ternary": ("ternary_digits", "fc2", 1), "snn": ("snn_digits", "score", 16)}
TARGETS = {"chip": ('hardware.preset="loihi"',), "crossbar": ('crossbar.preset="reram_neurosim"',)}


def predictions(result, layer, classes, images, steps):
    """argmax of the layer's outputs at each image's last step (entries without an event are 0)."""
    times, ids, values = result.layer_events(layer)
    scores = np.zeros((images * steps, classes))
    scores[np.rint(times / result.simulation.dt).astype(int), ids] = values
    return scores[steps - 1::steps].argmax(1)


def si(value, unit):
    for scale, prefix in ((1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p")):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def main():
    labels = np.load(EXAMPLES / "digits.npz")["test_y"]
    print(f"{'model':8} {'accuracy':>9} {'eff. ACs':>10} {'eff. MACs':>10} {'adds only':>10} {'dense':>8} "
          f"{'act. sparsity':>14} {'footprint':>10} {'chip (acc.)':>20} {'crossbar (acc.)':>20}")
    refusals = []
    for model, (config, layer, steps) in MODELS.items():
        result = fluxon.load_config(EXAMPLES / f"{config}.toml").run()
        s = result.layers["stats"]
        accuracy = np.mean(predictions(result, layer, 10, len(labels), steps) == labels)
        per_target = []
        for target, overrides in TARGETS.items():
            try:
                on = fluxon.load_config(EXAMPLES / f"{config}.toml", overrides=list(overrides)).run()
            except fluxon.UserError as e:
                # The int8 model's requantize takes whole int32 accumulators; the arrays give
                # analog column sums: the run is refused, naming the layer and the value.
                per_target.append("refused")
                refusals.append(f"{model} on {target}: {e.detail}")
                continue
            acc = np.mean(predictions(on, layer, 10, len(labels), steps) == labels)
            per_target.append(f"{si(on.total_energy / len(labels), 'J')} ({acc:.3f})")
        print(f"{model:8} {accuracy:9.3f} {s['effective_acs']:10.0f} {s['effective_macs']:10.0f} "
              f"{s['accumulate_only']:10.0f} {s['dense_ops']:8.0f} {s['activation_sparsity']:14.3f} "
              f"{s['footprint']:8d} B {per_target[0]:>20} {per_target[1]:>20}")
    print("energy per image; the crossbar's counts the arrays only (docs/crossbar.md), the chip's "
          "the whole chip (docs/hardware.md)")
    for line in refusals:
        print(line)


if __name__ == "__main__":
    main()
