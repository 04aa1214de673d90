#!/usr/bin/python3
"""Trains the small models of the layered-network examples on scikit-learn's 8x8 handwritten
digits (1797 images; the first 1437 train, the last 360 test) with numpy alone, and writes
their weights, already in the form fluxon runs, to examples/layers/digits.npz:

  bnn_*   a binarized MLP 64-128-10 (BinaryNet: +-1 weights and activations trained with the
          straight-through estimator; the hidden bias is folded into a threshold per unit, so
          the hidden layer is `sign` with `threshold` = -bias)
  int8_*  an int8 MLP 64-32-10 trained in float, then quantized after training as TFLite does:
          inputs uint8 with scale 1/16 and zero point -128 as int8; weights symmetric per output
          channel; biases int32; requantisation multipliers S_x S_w / S_y per channel
  tern_*  a ternary MLP 64-64-10 of BitLinear layers (BitNet b1.58: absmean ternary weights,
          absmax 8-bit activations, trained in float with the straight-through estimator);
          fluxon's `bitlinear` ternarises tern_w1 and tern_w2 as the training's forward pass did
  snn_*   a convolutional SNN by conversion: a CNN (conv 1->8 3x3 pad 1, ReLU, 2x2 average
          pool, linear 128->10) trained in float, its ReLUs replaced by integrate-and-fire
          neurons with subtractive reset whose thresholds are the 99.9th percentile of each
          ReLU's training activations (Rueckauer et al. 2017's robust normalisation); the
          image is a constant input current for snn_steps steps
  bnn_x   the test images binarized (+-1 at half range), the BNN's input rows
  test_x  the 360 test images (pixels 0..16: the int8 input q - Z), test_y their labels

Run once (needs python3-sklearn from Debian for the data); the tests and examples only read
the .npz. The float weights depend on the BLAS numpy uses (its rounding in training): the
committed file was written with numpy's reference BLAS for the bnn_ and int8_ models and
OpenBLAS for the tern_ and snn_ ones. The numbers it prints are float and simulated accuracies on the test set.
"""
import pathlib

import numpy as np
from sklearn.datasets import load_digits

OUT = pathlib.Path(__file__).resolve().parent / "digits.npz"


def split():
    d = load_digits()
    x, y = d.data.astype(np.float64), d.target.astype(np.int64)
    return x[:1437], y[:1437], x[1437:], y[1437:]


def softmax_grad(logits, y):
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


class adam:
    def __init__(self, params, lr):
        self.p, self.lr = params, lr
        self.m = [np.zeros_like(q) for q in params]
        self.v = [np.zeros_like(q) for q in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        for q, g, m, v in zip(self.p, grads, self.m, self.v):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            q -= self.lr * (m / (1 - 0.9 ** self.t)) / (np.sqrt(v / (1 - 0.999 ** self.t)) + 1e-8)


def train_bnn(xtr, ytr, rng, hidden=128, epochs=300):
    """BinaryNet with the straight-through estimator; inputs binarized at half range."""
    x = np.where(xtr >= 8, 1.0, -1.0)
    w1 = rng.normal(0, 0.1, (hidden, 64))
    b1 = np.zeros(hidden)
    w2 = rng.normal(0, 0.1, (10, hidden))
    scale = np.array([0.1])
    opt = adam([w1, b1, w2, scale], 0.01)
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), 12):
            xb, yb = x[batch], ytr[batch]
            a = xb @ np.sign(w1).T + b1
            h = np.where(a >= 0, 1.0, -1.0)
            s = h @ np.sign(w2).T
            g = softmax_grad(s * scale, yb)
            gs = g * scale
            gscale = np.array([(g * s).sum()])
            gw2 = gs.T @ h * (np.abs(w2) <= 1)
            gh = gs @ np.sign(w2) * (np.abs(a) <= 1)  # hardtanh's gradient
            gw1 = gh.T @ xb * (np.abs(w1) <= 1)
            opt.step([gw1, gh.sum(0), gw2, gscale])
            np.clip(w1, -1, 1, out=w1)
            np.clip(w2, -1, 1, out=w2)
    return np.sign(w1) + (w1 == 0), -b1, np.sign(w2) + (w2 == 0)


def train_float_mlp(xtr, ytr, rng, hidden=32, epochs=400):
    x = xtr / 16
    w1 = rng.normal(0, 0.3, (hidden, 64))
    b1 = np.zeros(hidden)
    w2 = rng.normal(0, 0.3, (10, hidden))
    b2 = np.zeros(10)
    opt = adam([w1, b1, w2, b2], 0.01)
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), 12):
            xb, yb = x[batch], ytr[batch]
            a = xb @ w1.T + b1
            h = np.maximum(a, 0)
            g = softmax_grad(h @ w2.T + b2, yb)
            gh = g @ w2 * (a > 0)
            opt.step([gh.T @ xb, gh.sum(0), g.T @ h, g.sum(0)])
    return w1, b1, w2, b2


def quantize(w1, b1, w2, b2, xtr):
    """Post-training quantization, TFLite conventions (workloads.md 4.2)."""
    s_x = 1 / 16  # pixels 0..16 are q - Z with Z = -128: x = (q - Z) / 16
    s_w1 = np.abs(w1).max(1) / 127
    q_w1 = np.round(w1 / s_w1[:, None])
    h = np.maximum(xtr / 16 @ w1.T + b1, 0)
    s_h = h.max() / 255  # int8 with zero point -128 holds 0..255 x s_h
    s_w2 = np.abs(w2).max(1) / 127
    q_w2 = np.round(w2 / s_w2[:, None])
    logits = h @ w2.T + b2
    s_y = np.abs(logits).max() / 127
    return {
        "int8_w1": q_w1, "int8_b1": np.round(b1 / (s_x * s_w1)), "int8_m1": s_x * s_w1 / s_h, "int8_z1": np.array([-128.0]),
        "int8_w2": q_w2, "int8_b2": np.round(b2 / (s_h * s_w2)), "int8_m2": s_h * s_w2 / s_y,
    }


def bitnet_weights(w):
    s = 1 / max(np.abs(w).mean(), 1e-5)
    return np.clip(np.rint(w * s), -1, 1) / s


def bitnet_activations(x):
    s = 127 / np.maximum(np.abs(x).max(1, keepdims=True), 1e-5)
    return np.clip(np.rint(x * s), -128, 127) / s


def train_ternary(xtr, ytr, rng, hidden=64, epochs=300):
    """BitLinear 64-64, ReLU, BitLinear 64-10; quantized forward, straight-through backward."""
    x = xtr / 16
    w1 = rng.normal(0, 0.3, (hidden, 64))
    w2 = rng.normal(0, 0.3, (10, hidden))
    opt = adam([w1, w2], 0.005)
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), 12):
            xb, yb = bitnet_activations(x[batch]), ytr[batch]
            a = xb @ bitnet_weights(w1).T
            h = np.maximum(a, 0)
            hq = bitnet_activations(h)
            g = softmax_grad(hq @ bitnet_weights(w2).T, yb)
            gh = g @ bitnet_weights(w2) * (a > 0)
            opt.step([gh.T @ xb, g.T @ hq])
    return w1, w2


def im2col(x):
    """[n, 1, 8, 8] padded by 1 -> [n, 64 positions, 9 taps]."""
    p = np.pad(x[:, 0], ((0, 0), (1, 1), (1, 1)))
    return np.stack([p[:, i:i + 8, j:j + 8].reshape(len(x), 64) for i in range(3) for j in range(3)], axis=2)


def cnn_forward(cols, k, bk, w, b):
    a = cols @ k.reshape(8, 9).T + bk  # [n, 64, 8]
    h = np.maximum(a, 0).reshape(len(cols), 8, 8, 8)  # [n, y, x, c]
    pooled = h.reshape(len(cols), 4, 2, 4, 2, 8).mean(axis=(2, 4))  # [n, 4, 4, 8]
    flat = pooled.transpose(0, 3, 1, 2).reshape(len(cols), 128)  # C order [c, y, x]
    return a, h, flat, flat @ w.T + b


def train_cnn(xtr, ytr, rng, epochs=150):
    cols = im2col(xtr.reshape(-1, 1, 8, 8) / 16)
    k = rng.normal(0, 0.3, (8, 1, 3, 3))
    bk = np.zeros(8)
    w = rng.normal(0, 0.1, (10, 128))
    b = np.zeros(10)
    opt = adam([k, bk, w, b], 0.005)
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(cols)), 12):
            cb, yb = cols[batch], ytr[batch]
            a, h, flat, logits = cnn_forward(cb, k, bk, w, b)
            g = softmax_grad(logits, yb)
            gflat = (g @ w).reshape(len(cb), 8, 4, 4).transpose(0, 2, 3, 1)  # [n, 4, 4, c]
            gh = np.repeat(np.repeat(gflat, 2, axis=1), 2, axis=2) / 4  # [n, 8, 8, c]
            ga = gh.reshape(len(cb), 64, 8) * (a > 0)
            gk = np.einsum("npc,npt->ct", ga, cb).reshape(8, 1, 3, 3)
            opt.step([gk, ga.sum(axis=(0, 1)), g.T @ flat, g.sum(0)])
    return k, bk, w, b


def convert_to_snn(k, bk, w, b, xtr):
    """Thresholds: the 99.9th percentile of the conv's ReLU outputs on the training set. A spike
    stands for theta of activation, so the output layer, fed spikes, gets its bias over theta:
    its sum over the steps is then steps / theta times the CNN's logits."""
    a, _, _, _ = cnn_forward(im2col(xtr.reshape(-1, 1, 8, 8) / 16), k, bk, w, b)
    theta = np.percentile(np.maximum(a, 0), 99.9)
    return {"snn_k": k, "snn_bk": bk, "snn_theta": np.array([theta]), "snn_w": w, "snn_b": b / theta}


def main():
    rng = np.random.default_rng(2026)
    xtr, ytr, xte, yte = split()
    bw1, btheta, bw2 = train_bnn(xtr, ytr, rng)
    xb = np.where(xte >= 8, 1.0, -1.0)
    bnn_pred = (np.where(xb @ bw1.T >= btheta, 1.0, -1.0) @ bw2.T).argmax(1)
    w1, b1, w2, b2 = train_float_mlp(xtr, ytr, rng)
    float_pred = (np.maximum(xte / 16 @ w1.T + b1, 0) @ w2.T + b2).argmax(1)
    arrays = {"bnn_x": xb, "bnn_w1": bw1, "bnn_theta1": btheta, "bnn_w2": bw2, "test_x": xte,
              "test_y": yte.astype(np.float64)}
    arrays.update(quantize(w1, b1, w2, b2, xtr))
    # Trained after the two above, so that their weights do not change with these.
    tw1, tw2 = train_ternary(xtr, ytr, rng)
    tern_pred = (bitnet_activations(np.maximum(bitnet_activations(xte / 16) @ bitnet_weights(tw1).T, 0))
                 @ bitnet_weights(tw2).T).argmax(1)
    arrays.update({"tern_w1": tw1, "tern_w2": tw2})
    k, bk, cw, cb = train_cnn(xtr, ytr, rng)
    cnn_pred = cnn_forward(im2col(xte.reshape(-1, 1, 8, 8) / 16), k, bk, cw, cb)[3].argmax(1)
    arrays.update(convert_to_snn(k, bk, cw, cb, xtr))
    steps = 16
    arrays["snn_steps"] = np.array([steps])
    arrays["snn_x"] = np.repeat(xte.reshape(-1, 1, 8, 8) / 16, steps, axis=0)
    # Stored at their own precision (fluxon reads every dtype as exact doubles).
    for name in ("bnn_x", "bnn_w1", "bnn_w2", "int8_w1", "int8_w2"):
        arrays[name] = arrays[name].astype(np.int8)
    for name in ("test_x", "test_y"):
        arrays[name] = arrays[name].astype(np.uint8)
    for name in ("int8_b1", "int8_b2"):
        arrays[name] = arrays[name].astype(np.int32)
    np.savez_compressed(OUT, **arrays)
    print(f"bnn accuracy {np.mean(bnn_pred == yte):.3f}, float mlp {np.mean(float_pred == yte):.3f}, "
          f"ternary mlp {np.mean(tern_pred == yte):.3f}, float cnn {np.mean(cnn_pred == yte):.3f} -> {OUT}")


if __name__ == "__main__":
    main()
