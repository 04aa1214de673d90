#!/usr/bin/python3
"""The layered-network examples on the 8x8 digits (examples/layers/): runs the binarized MLP
and the int8 MLP from their config files, classifies each test image by the argmax of the last
layer's outputs at its step, and prints the accuracy with NeuroBench's figures per sample.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/layers_digits.py
"""
import pathlib

import numpy as np

import fluxon

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "layers"


def predictions(result, layer, classes, samples):
    """argmax per step of the layer's outputs (entries without an event are 0)."""
    times, ids, values = result.layer_events(layer)
    scores = np.zeros((samples, classes))
    scores[np.rint(times / result.simulation.dt).astype(int), ids] = values
    return scores.argmax(1)


def main():
    labels = np.load(EXAMPLES / "digits.npz")["test_y"]
    print(f"{'model':8} {'accuracy':>9} {'eff. ACs':>10} {'eff. MACs':>10} {'dense':>8} {'act. sparsity':>14} "
          f"{'footprint':>10}")
    for model in ("bnn", "int8"):
        result = fluxon.load_config(EXAMPLES / f"{model}_digits.toml").run()
        s = result.layers["stats"]
        accuracy = np.mean(predictions(result, "fc2", 10, len(labels)) == labels)
        print(f"{model:8} {accuracy:9.3f} {s['effective_acs']:10.0f} {s['effective_macs']:10.0f} "
              f"{s['dense_ops']:8.0f} {s['activation_sparsity']:14.3f} {s['footprint']:8d} B")


if __name__ == "__main__":
    main()
