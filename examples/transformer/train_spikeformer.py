#!/usr/bin/python3
"""Trains a small Meta-SpikeFormer (Spike-driven Transformer V2, Yao et al. ICLR 2024;
workloads.md §3.3) on scikit-learn's 8x8 handwritten digits (the first 1437 train, the last 360
test) with numpy alone, and writes its weights, in the form fluxon runs them, to
examples/transformer/spikeformer.npz. The model, at T = 1 (the paper's default) with
SpikingJelly's LIF (tau = 2, hard reset, v >= v_threshold; at T = 1 a neuron fires where x / 2
>= v_threshold), BatchNorms folded into the convolutions' biases:

  embed    conv 1 -> C, 3x3, stride 2, padding 1: 16 tokens of C = 32 channels (x0, real-valued)
  MS block (membrane shortcuts: every conv takes spikes, the residual adds real values)
           q, k, v = LIF(conv1x1(LIF(x0)));  a = LIF_0.5(Q (K^T V) / 8) per head (2 heads of 16
           channels: SDSA-3, the released code's linear attention);  x1 = x0 + conv1x1(a)
           x2 = x1 + conv1x1(LIF(conv1x1(LIF(x1))))      (MLP 32 -> 128 -> 32)
  head     mean over the tokens, LIF, linear 32 -> 10

Trained with SpikingJelly's default surrogate gradient (sigmoid, alpha = 4) and Adam. The released
code's RepConv (1x1, BN, depthwise 3x3, 1x1, BN) in Q, K and V is a plain 1x1 conv here.

Run once (needs python3-sklearn from Debian for the data); the tests and examples only read the
.npz. It prints the numpy accuracy on the test set, which fluxon reproduces.
"""
import pathlib
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent / "spikeformer.npz"
C, HEADS, HIDDEN, TOKENS, ALPHA, DECAY = 32, 2, 128, 16, 4.0, 0.02


def patches(images):
    """[B, 64] pixels -> [B, 16, 9]: each output position's 3x3 window (stride 2, padding 1)."""
    x = np.pad(images.reshape(-1, 8, 8), ((0, 0), (1, 1), (1, 1)))
    out = np.empty((len(images), 4, 4, 9))
    for dy in range(3):
        for dx in range(3):
            out[:, :, :, dy * 3 + dx] = x[:, dy:dy + 8:2, dx:dx + 8:2]
    return out.reshape(len(images), TOKENS, 9)


def spike(x, threshold):
    """SpikingJelly's LIF at its first step (v = 0, tau = 2): x / 2 >= threshold."""
    return (x / 2 >= threshold).astype(float)


def spike_grad(x, threshold):
    s = 1 / (1 + np.exp(-ALPHA * (x / 2 - threshold)))
    return 0.5 * ALPHA * s * (1 - s)


def heads(a):
    return a.reshape(len(a), TOKENS, HEADS, C // HEADS).transpose(0, 2, 1, 3)


def merge(a):
    return a.transpose(0, 2, 1, 3).reshape(len(a), TOKENS, C)


def forward(p, images):
    f = {}
    f["x0"] = patches(images) @ p["embed_w"].T + p["embed_b"]
    f["s0"] = spike(f["x0"], 1)
    for n in "qkv":
        f[n + "_pre"] = f["s0"] @ p[n + "_w"].T + p[n + "_b"]
        f[n] = spike(f[n + "_pre"], 1)
    f["kv"] = heads(f["k"]).transpose(0, 1, 3, 2) @ heads(f["v"])
    f["a_pre"] = merge(heads(f["q"]) @ f["kv"]) * 0.125
    f["a"] = spike(f["a_pre"], 0.5)
    f["x1"] = f["x0"] + f["a"] @ p["proj_w"].T + p["proj_b"]
    f["s1"] = spike(f["x1"], 1)
    f["h_pre"] = f["s1"] @ p["fc1_w"].T + p["fc1_b"]
    f["h"] = spike(f["h_pre"], 1)
    f["x2"] = f["x1"] + f["h"] @ p["fc2_w"].T + p["fc2_b"]
    f["pooled"] = f["x2"].mean(1)
    f["sp"] = spike(f["pooled"], 1)
    f["logits"] = f["sp"] @ p["head_w"].T + p["head_b"]
    return f


def backward(p, images, y):
    f = forward(p, images)
    g = {}
    prob = np.exp(f["logits"] - f["logits"].max(1, keepdims=True))
    prob /= prob.sum(1, keepdims=True)
    prob[np.arange(len(y)), y] -= 1
    d_logits = prob / len(y)
    g["head_w"], g["head_b"] = d_logits.T @ f["sp"], d_logits.sum(0)
    d_pooled = (d_logits @ p["head_w"]) * spike_grad(f["pooled"], 1)
    d_x2 = np.repeat(d_pooled[:, None, :] / TOKENS, TOKENS, axis=1)
    d_x1 = d_x2.copy()
    g["fc2_w"], g["fc2_b"] = np.einsum("bno,bni->oi", d_x2, f["h"]), d_x2.sum((0, 1))
    d_h_pre = (d_x2 @ p["fc2_w"]) * spike_grad(f["h_pre"], 1)
    g["fc1_w"], g["fc1_b"] = np.einsum("bno,bni->oi", d_h_pre, f["s1"]), d_h_pre.sum((0, 1))
    d_x1 += ((d_h_pre @ p["fc1_w"]) * spike_grad(f["x1"], 1))
    d_x0 = d_x1.copy()
    g["proj_w"], g["proj_b"] = np.einsum("bno,bni->oi", d_x1, f["a"]), d_x1.sum((0, 1))
    d_a_pre = (d_x1 @ p["proj_w"]) * spike_grad(f["a_pre"], 0.5) * 0.125
    d_ah = heads(d_a_pre)
    d_q = merge(d_ah @ f["kv"].transpose(0, 1, 3, 2))
    d_kv = heads(f["q"]).transpose(0, 1, 3, 2) @ d_ah
    d_k = merge(heads(f["v"]) @ d_kv.transpose(0, 1, 3, 2))
    d_v = merge(heads(f["k"]) @ d_kv)
    d_s0 = np.zeros_like(f["s0"])
    for n, d in (("q", d_q), ("k", d_k), ("v", d_v)):
        d_pre = d * spike_grad(f[n + "_pre"], 1)
        g[n + "_w"], g[n + "_b"] = np.einsum("bno,bni->oi", d_pre, f["s0"]), d_pre.sum((0, 1))
        d_s0 += d_pre @ p[n + "_w"]
    d_x0 += d_s0 * spike_grad(f["x0"], 1)
    g["embed_w"], g["embed_b"] = np.einsum("bno,bni->oi", d_x0, patches(images)), d_x0.sum((0, 1))
    return [g[k] for k in p]


def init(rng, images):
    """He-normal weights, then each spiking layer's input scaled and shifted on the training
    images to mean 1 and deviation 2 per channel (a BatchNorm's role at the start: about a
    third of the neurons fire), the residual branches' outputs to deviation 0.5."""
    def w(o, i):
        return rng.normal(size=(o, i)) * np.sqrt(2.0 / i)
    p = {"embed_w": w(C, 9), "embed_b": np.zeros(C)}
    for n in "qkv":
        p[n + "_w"], p[n + "_b"] = w(C, C), np.zeros(C)
    p["proj_w"], p["proj_b"] = w(C, C), np.zeros(C)
    p["fc1_w"], p["fc1_b"] = w(HIDDEN, C), np.zeros(HIDDEN)
    p["fc2_w"], p["fc2_b"] = w(C, HIDDEN), np.zeros(C)
    p["head_w"], p["head_b"] = w(10, C), np.zeros(10)
    for layer, pre, mean, std in (("embed", "x0", 1.0, 2.0), ("q", "q_pre", 1.0, 2.0), ("k", "k_pre", 1.0, 2.0),
                                  ("v", "v_pre", 1.0, 2.0), ("proj", None, 0.0, 0.5), ("fc1", "h_pre", 1.0, 2.0),
                                  ("fc2", None, 0.0, 0.5)):
        f = forward(p, images)
        if pre is None:  # a residual branch: its own output, the sum's minus the shortcut's
            out = (f["x1"] - f["x0"]) if layer == "proj" else (f["x2"] - f["x1"])
        else:
            out = f[pre]
        out = out.reshape(-1, out.shape[-1])
        scale = std / np.maximum(out.std(0), 1e-3)
        p[layer + "_w"] *= scale[:, None]
        p[layer + "_b"] = p[layer + "_b"] * scale + mean - out.mean(0) * scale
    # The head's LIF fires for about half of the images per channel: the token mean at the threshold.
    p["fc2_b"] += 2.0 - np.median(forward(p, images)["pooled"], axis=0)
    return p


def train(x, y, rng, epochs):
    """Adam with decoupled weight decay (AdamW) and a cosine learning rate over the epochs."""
    p = init(rng, x)
    params = list(p.values())
    m = [np.zeros_like(q) for q in params]
    v = [np.zeros_like(q) for q in params]
    t, batches = 0, (len(x) + 31) // 32
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(order), 32):
            idx = order[i:i + 32]
            t += 1
            lr = 0.005 * 0.5 * (1 + np.cos(np.pi * (t - 1) / (epochs * batches)))
            for q, g, mq, vq in zip(params, backward(p, x[idx], y[idx]), m, v):
                mq *= 0.9
                mq += 0.1 * g
                vq *= 0.999
                vq += 0.001 * g * g
                q -= lr * ((mq / (1 - 0.9 ** t)) / (np.sqrt(vq / (1 - 0.999 ** t)) + 1e-8) + DECAY * q)
    return p


def main(epochs=25):
    from sklearn.datasets import load_digits  # only for training: the examples read the .npz

    d = load_digits()
    x, y = d.data / 16.0, d.target.astype(np.int64)
    p = train(x[:1437], y[:1437], np.random.default_rng(3), epochs)
    train_acc = np.mean(forward(p, x[:1437])["logits"].argmax(1) == y[:1437])
    test_acc = np.mean(forward(p, x[1437:])["logits"].argmax(1) == y[1437:])
    print(f"train {train_acc:.3f}, test (numpy) {test_acc:.3f}")
    conv = {k: v.reshape(*v.shape, 1, 1) for k, v in p.items() if k.endswith("_w") and k not in ("embed_w", "head_w")}
    np.savez(OUT, x=(x[1437:].reshape(-1, 1, 8, 8)).astype(np.float32), test_y=y[1437:].astype(np.uint8),
             embed_w=p["embed_w"].reshape(C, 1, 3, 3), head_w=p["head_w"],
             **conv, **{k: v for k, v in p.items() if k.endswith("_b")})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
