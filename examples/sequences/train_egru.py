#!/usr/bin/python3
"""Trains an event-based GRU (EGRU, Subramoney et al. ICLR 2023; workloads.md §6) as a
character-level language model on a plain-text file every Debian system ships
(/usr/share/common-licenses/GPL-3: lower-cased, letters, space, full stop and comma; 29
symbols), with numpy alone, and writes its weights, in the form fluxon runs them, to
examples/sequences/egru.npz. The first 90 % of the text trains, the last 10 % tests.

Model: one-hot characters -> egru (96 units, the paper's reset: c loses y[t-1], thresholds
0.1) -> linear readout of y to 29 logits predicting the next character. Samples are windows of
40 characters starting from zero state, as the config runs them (steps_per_sample = 40).
Trained by backpropagation through time with a triangular pseudo-derivative for the event
threshold (width 0.5, height 1: d y / d c = H(c - threshold) + c max(0, 1 - |c - threshold| / 0.5)),
Adam, 30 epochs.

Run once (reads the licence text; numpy only). It prints the test bits per character and the
share of units that emit per step (activity sparsity), which fluxon reproduces.
"""
import pathlib
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent / "egru.npz"
TEXT = pathlib.Path("/usr/share/common-licenses/GPL-3")
SYMBOLS = "abcdefghijklmnopqrstuvwxyz .,"
HIDDEN, WINDOW, THRESHOLD = 96, 40, 0.1


def encode(text):
    text = " ".join(text.lower().split())
    return np.array([SYMBOLS.index(ch) for ch in text if ch in SYMBOLS])


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def forward(p, ids):
    """ids [B, L+1]: inputs are ids[:, :-1], targets ids[:, 1:]. Returns logits and the steps' state."""
    b, steps = ids.shape[0], ids.shape[1] - 1
    c, y = np.zeros((b, HIDDEN)), np.zeros((b, HIDDEN))
    trace, logits = [], []
    for t in range(steps):
        x = np.eye(len(SYMBOLS))[ids[:, t]]
        u = sigmoid(x @ p["w_update"].T + y @ p["u_update"].T + p["b_update"])
        r = sigmoid(x @ p["w_reset"].T + y @ p["u_reset"].T + p["b_reset"])
        g = y @ p["u_candidate"].T
        z = np.tanh(x @ p["w_candidate"].T + r * g + p["b_candidate"])
        c_prev, y_prev = c, y
        c = u * z + (1 - u) * c_prev - y_prev
        y = np.where(c > THRESHOLD, c, 0.0)
        trace.append((x, u, r, g, z, c_prev, y_prev, c, y))
        logits.append(y @ p["w_out"].T + p["b_out"])
    return np.stack(logits, 1), trace


def grads(p, ids):
    logits, trace = forward(p, ids)
    b, steps = logits.shape[:2]
    prob = np.exp(logits - logits.max(-1, keepdims=True))
    prob /= prob.sum(-1, keepdims=True)
    targets = ids[:, 1:]
    loss = -np.log(np.take_along_axis(prob, targets[..., None], -1)).mean()
    d_logits = prob
    np.put_along_axis(d_logits, targets[..., None], np.take_along_axis(prob, targets[..., None], -1) - 1, -1)
    d_logits /= b * steps
    g = {k: np.zeros_like(v) for k, v in p.items()}
    d_y_next = np.zeros((b, HIDDEN))   # from step t+1 through the recurrent weights and the reset
    d_c_next = np.zeros((b, HIDDEN))   # d loss / d c[t+1] times (1 - u[t+1])
    for t in reversed(range(steps)):
        x, u, r, gate_in, z, c_prev, y_prev, c, y = trace[t]
        g["w_out"] += d_logits[:, t].T @ y
        g["b_out"] += d_logits[:, t].sum(0)
        d_y = d_logits[:, t] @ p["w_out"] + d_y_next
        pseudo = (c > THRESHOLD) + c * np.maximum(0, 1 - np.abs(c - THRESHOLD) / 0.5)
        d_c = d_y * pseudo + d_c_next
        d_a_u = d_c * (z - c_prev) * u * (1 - u)
        d_a_z = d_c * u * (1 - z ** 2)
        d_a_r = d_a_z * gate_in * r * (1 - r)
        d_gate = d_a_z * r
        for gate, d_a, d_rec in (("update", d_a_u, d_a_u), ("reset", d_a_r, d_a_r), ("candidate", d_a_z, d_gate)):
            g["w_" + gate] += d_a.T @ x
            g["u_" + gate] += d_rec.T @ y_prev
            g["b_" + gate] += d_a.sum(0)
        d_y_next = d_a_u @ p["u_update"] + d_a_r @ p["u_reset"] + d_gate @ p["u_candidate"] - d_c
        d_c_next = d_c * (1 - u)
    return [g[k] for k in p], loss


def windows(ids, length):
    n = (len(ids) - 1) // length
    return np.stack([ids[i * length:i * length + length + 1] for i in range(n)])


def bits_per_char(p, ids):
    w = windows(ids, WINDOW)
    logits, _ = forward(p, w)
    logp = logits - logits.max(-1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(-1, keepdims=True))
    return -np.take_along_axis(logp, w[:, 1:, None], -1).mean() / np.log(2)


def train(ids, rng, epochs):
    v = len(SYMBOLS)
    p = {}
    for gate in ("update", "reset", "candidate"):
        p["w_" + gate] = rng.normal(size=(HIDDEN, v)) * 0.5
        p["u_" + gate] = rng.normal(size=(HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)
        p["b_" + gate] = np.zeros(HIDDEN)
    p["w_out"], p["b_out"] = rng.normal(size=(v, HIDDEN)) / np.sqrt(HIDDEN), np.zeros(v)
    params = list(p.values())
    m = [np.zeros_like(q) for q in params]
    s = [np.zeros_like(q) for q in params]
    t = 0
    for _ in range(epochs):
        # Windows at a random offset each epoch, so every character starts a window sometimes.
        w = windows(ids[rng.integers(WINDOW):], WINDOW)
        order = rng.permutation(len(w))
        for i in range(0, len(order), 32):
            t += 1
            for q, gq, mq, sq in zip(params, grads(p, w[order[i:i + 32]])[0], m, s):
                mq *= 0.9
                mq += 0.1 * gq
                sq *= 0.999
                sq += 0.001 * gq * gq
                q -= 0.005 * (mq / (1 - 0.9 ** t)) / (np.sqrt(sq / (1 - 0.999 ** t)) + 1e-8)
    return p


def main(epochs=30):
    ids = encode(TEXT.read_text())
    split = int(0.9 * len(ids))
    train_ids, test_ids = ids[:split], ids[split:]
    p = train(train_ids, np.random.default_rng(4), epochs)
    w = windows(test_ids, WINDOW)
    _, trace = forward(p, w)
    active = np.mean([(step[-1] != 0).mean() for step in trace])
    print(f"test: {bits_per_char(p, test_ids):.3f} bits per character over {w.shape[0] * WINDOW} characters, "
          f"{active:.3f} of the units emit per step (train {bits_per_char(p, train_ids):.3f})")
    inputs = w[:, :-1].reshape(-1)
    np.savez(OUT, x=np.eye(len(SYMBOLS), dtype=np.uint8)[inputs], next=w[:, 1:].reshape(-1).astype(np.uint8),
             threshold=np.full(HIDDEN, THRESHOLD), **p)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
