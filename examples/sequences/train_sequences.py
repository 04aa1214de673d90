#!/usr/bin/python3
"""Trains the two sequence models of examples/sequences/ on scikit-learn's 8x8 handwritten digits
read as sequences (1797 images; the first 1437 train, the last 360 test), with numpy alone, and
writes their weights, in the form fluxon runs them, to examples/sequences/sequences.npz:

  lmu_*   a Legendre Memory Unit (Voelker et al. 2019) reading an image pixel by pixel (64 steps
          of one value, pixel / 16, row-major: sequential digits, the small sibling of sequential
          MNIST). Its memory (order 24, theta = 64 steps, e_x = 1) is the LMU's fixed linear
          system; the hidden state h = tanh(W_m m + b) (32 units) and a linear readout of h at
          the image's last step are trained (keras-lmu's configuration without hidden-to-memory
          and hidden-to-hidden connections, as its psMNIST example uses).
  l2mu_*  a spiking LMU (L2MU, Fra et al. 2024) reading an image row by row (8 steps of 16 input
          spikes: the row's pixels >= 4 and >= 10), with the Braille task's neuron parameters of
          the L2MU code, order 6, theta = 8 steps, 32 memory units and 64 hidden neurons; E_x, W_x,
          W_m and the readout (the hidden spike counts summed over the 8 steps through a linear
          layer) are trained by backpropagation through time with snnTorch's default surrogate
          gradient (arctan, alpha = 2) and its detached reset.
  *_x     the 360 test sequences, one row per step; test_y their labels.

Run once (needs python3-sklearn from Debian for the data); the tests and examples only read
the .npz. It prints the float (numpy) accuracies on the test set, which fluxon reproduces.
"""
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "python"))
import layer_reference as ref  # noqa: E402  the LMU's (A_d, B_d) and snnTorch's Leaky

OUT = HERE / "sequences.npz"
LMU = dict(order=24, theta=64.0, hidden=32)
L2MU = dict(order=6, theta=8.0, memory=32, hidden=64, u=(0.8, 0.2), m=(0.2, 0.4), h=(0.45, 0.65))


class adam:
    def __init__(self, params, lr, decay=0.0):
        self.p, self.lr, self.decay, self.t = params, lr, decay, 0
        self.m = [np.zeros_like(q) for q in params]
        self.v = [np.zeros_like(q) for q in params]

    def step(self, grads):
        self.t += 1
        for q, g, m, v in zip(self.p, grads, self.m, self.v):
            g = g + self.decay * q
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            q -= self.lr * (m / (1 - 0.9 ** self.t)) / (np.sqrt(v / (1 - 0.999 ** self.t)) + 1e-8)


def cross_entropy_grad(logits, y):
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


def pixel_sequences(images):
    """[N, 64, 1]: pixel / 16, row-major."""
    return (images / 16.0)[:, :, None]


def lmu_memory_after(seqs, a_d, b_d):
    """The memory at each sequence's last step: m = A_d m + B_d u with u = x (e_x = 1)."""
    m = np.zeros((len(seqs), len(b_d)))
    for t in range(seqs.shape[1]):
        m = m @ a_d.T + seqs[:, t, :1] * b_d[None, :]
    return m


def train_lmu(x_train, y_train, rng):
    a_d, b_d = ref.lmu_memory(LMU["order"], LMU["theta"])
    m = lmu_memory_after(pixel_sequences(x_train), a_d, b_d)
    hidden = LMU["hidden"]
    w_m = rng.normal(size=(hidden, LMU["order"])) / np.sqrt(LMU["order"])
    b = np.zeros(hidden)
    w_o = rng.normal(size=(10, hidden)) / np.sqrt(hidden)
    b_o = np.zeros(10)
    opt = adam([w_m, b, w_o, b_o], lr=0.01, decay=1e-4)
    for _ in range(300):
        order = rng.permutation(len(m))
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            h = np.tanh(m[idx] @ w_m.T + b)
            g = cross_entropy_grad(h @ w_o.T + b_o, y_train[idx])
            gh = g @ w_o * (1 - h ** 2)
            opt.step([gh.T @ m[idx], gh.sum(0), g.T @ h, g.sum(0)])
    return dict(w_m=w_m, b=b, w_o=w_o, b_o=b_o)


def lmu_predict(model, images):
    a_d, b_d = ref.lmu_memory(LMU["order"], LMU["theta"])
    m = lmu_memory_after(pixel_sequences(images), a_d, b_d)
    return (np.tanh(m @ model["w_m"].T + model["b"]) @ model["w_o"].T + model["b_o"]).argmax(1)


def row_spikes(images):
    """[N, 8, 16]: per row, its 8 pixels >= 4 then its 8 pixels >= 10."""
    rows = images.reshape(-1, 8, 8)
    return np.concatenate([rows >= 4, rows >= 10], axis=-1).astype(float)


def surrogate(u, threshold):
    """snnTorch's arctan surrogate (alpha = 2): d spike / d u = 1 / (1 + (pi (u - threshold))^2)."""
    return 1.0 / (1.0 + (np.pi * (u - threshold)) ** 2)


def l2mu_forward(model, spikes, a_d, b_d, keep=False):
    """The L2MU cell (paper transition) and the summed readout; returns logits and, with keep,
    every step's inputs, membranes and spikes for the backward pass."""
    n, steps, _ = spikes.shape
    memory, order, hidden = L2MU["memory"], L2MU["order"], L2MU["hidden"]
    u_u, u_m, u_h = np.zeros((n, memory)), np.zeros((n, memory, order)), np.zeros((n, hidden))
    s_m = np.zeros((n, memory, order))
    counts = np.zeros((n, hidden))
    trace = []
    for t in range(steps):
        x = spikes[:, t]
        u_u, s_u = ref.leaky_step(u_u, x @ model["e_x"].T, *L2MU["u"])
        u_m, s_m = ref.leaky_step(u_m, s_m @ a_d.T + s_u[:, :, None] * b_d, *L2MU["m"])
        u_h, s_h = ref.leaky_step(u_h, x @ model["w_x"].T + s_m.reshape(n, -1) @ model["w_m"].T, *L2MU["h"])
        counts += s_h
        if keep:
            trace.append((x, u_u, u_m, s_m, u_h))
    return counts @ model["w_o"].T + steps * model["b_o"], counts, trace


def l2mu_grads(model, spikes, y, a_d, b_d):
    n, steps, _ = spikes.shape
    logits, counts, trace = l2mu_forward(model, spikes, a_d, b_d, keep=True)
    g = cross_entropy_grad(logits, y)
    grads = {k: np.zeros_like(v) for k, v in model.items()}
    grads["w_o"], grads["b_o"] = g.T @ counts, steps * g.sum(0)
    g_spike_h = g @ model["w_o"]
    (beta_u, th_u), (beta_m, th_m), (beta_h, th_h) = L2MU["u"], L2MU["m"], L2MU["h"]
    g_u_u = g_u_m = g_u_h = 0.0
    g_u_m_next = np.zeros((n, L2MU["memory"], L2MU["order"]))
    for t in reversed(range(steps)):
        x, u_u, u_m, s_m, u_h = trace[t]
        g_u_h = g_spike_h * surrogate(u_h, th_h) + beta_h * g_u_h
        grads["w_x"] += g_u_h.T @ x
        grads["w_m"] += g_u_h.T @ s_m.reshape(n, -1)
        g_spike_m = (g_u_h @ model["w_m"]).reshape(s_m.shape) + g_u_m_next @ a_d
        g_u_m = g_spike_m * surrogate(u_m, th_m) + beta_m * g_u_m
        g_u_u = (g_u_m @ b_d) * surrogate(u_u, th_u) + beta_u * g_u_u
        grads["e_x"] += g_u_u.T @ x
        g_u_m_next = g_u_m
    return [grads[k] for k in model]


def train_l2mu(x_train, y_train, rng, epochs):
    a_d, b_d = ref.lmu_memory(L2MU["order"], L2MU["theta"])
    memory, order, hidden, inputs = L2MU["memory"], L2MU["order"], L2MU["hidden"], 16
    model = dict(e_x=rng.normal(size=(memory, inputs)) * 0.5,
                 w_x=rng.normal(size=(hidden, inputs)) * 0.5,
                 w_m=rng.normal(size=(hidden, memory * order)) / np.sqrt(memory * order),
                 w_o=rng.normal(size=(10, hidden)) * 0.1 / np.sqrt(hidden),
                 b_o=np.zeros(10))
    spikes = row_spikes(x_train)
    opt = adam(list(model.values()), lr=0.01, decay=1e-3)
    for _ in range(epochs):
        order_ = rng.permutation(len(spikes))
        for i in range(0, len(order_), 32):
            idx = order_[i:i + 32]
            opt.step(l2mu_grads(model, spikes[idx], y_train[idx], a_d, b_d))
    return model


def l2mu_predict(model, images):
    a_d, b_d = ref.lmu_memory(L2MU["order"], L2MU["theta"])
    return l2mu_forward(model, row_spikes(images), a_d, b_d)[0].argmax(1)


def main(epochs=30):
    from sklearn.datasets import load_digits  # only for training: the examples read the .npz

    d = load_digits()
    x, y = d.data.astype(np.float64), d.target.astype(np.int64)
    x_train, y_train, x_test, y_test = x[:1437], y[:1437], x[1437:], y[1437:]
    lmu = train_lmu(x_train, y_train, np.random.default_rng(1))
    print(f"lmu  (float): {np.mean(lmu_predict(lmu, x_test) == y_test):.3f}")
    l2mu = train_l2mu(x_train, y_train, np.random.default_rng(2), epochs)
    print(f"l2mu (numpy): {np.mean(l2mu_predict(l2mu, x_test) == y_test):.3f}")
    np.savez(OUT,
             lmu_x=pixel_sequences(x_test).reshape(-1, 1).astype(np.float32), lmu_ex=np.ones(1),
             lmu_wx=np.zeros((LMU["hidden"], 1)), lmu_wm=lmu["w_m"], lmu_b=lmu["b"],
             lmu_wo=lmu["w_o"], lmu_bo=lmu["b_o"],
             l2mu_x=row_spikes(x_test).reshape(-1, 16).astype(np.uint8), l2mu_ex=l2mu["e_x"], l2mu_wx=l2mu["w_x"],
             l2mu_wm=l2mu["w_m"], l2mu_wo=l2mu["w_o"], l2mu_bo=l2mu["b_o"], test_y=y_test.astype(np.uint8))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
