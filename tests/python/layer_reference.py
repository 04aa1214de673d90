"""Independent numpy references for layered networks (docs/layers.md): plain dense arithmetic,
written from the definitions (BinaryNet, TFLite/gemmlowp requantisation, PyTorch conv), so the
event-driven engine is checked against code that shares nothing with it."""
import numpy as np


def linear(x, w, b=None):
    y = w.astype(np.float64) @ x.astype(np.float64)
    return y if b is None else y + b


def sign(x, threshold=0.0):
    """BinaryNet sign with BatchNorm folded into a threshold: +1 where x >= threshold."""
    return np.where(x >= threshold, 1.0, -1.0)


def _quantize_multiplier(m):
    """TFLite QuantizeMultiplier: m = q * 2^(shift - 31), q a Q31 integer in [2^30, 2^31)."""
    if m == 0:
        return 0, 0
    mantissa, shift = np.frexp(m)
    q = int(np.floor(mantissa * (1 << 31) + 0.5))  # std::round: half away from zero (mantissa > 0)
    if q == (1 << 31):
        q //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return q, int(shift)


def _srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul on Python ints (exact)."""
    if a == b == -(1 << 31):
        return (1 << 31) - 1
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    # C++ integer division truncates toward zero.
    total = ab + nudge
    q = abs(total) // (1 << 31)
    return q if total >= 0 else -q


def _rdbpot(x, exponent):
    """gemmlowp RoundingDivideByPOT: divide by 2^exponent, rounding half away from zero."""
    if exponent == 0:
        return x
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def requantize(acc, multiplier, zero_point=0, bits=8, relu=False):
    """int32 accumulators to q - zero_point, by TFLite's MultiplyByQuantizedMultiplier."""
    qmin, qmax = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    acc = np.asarray(acc)
    multiplier = np.broadcast_to(np.asarray(multiplier, dtype=np.float64), acc.shape)
    out = np.zeros(acc.shape, dtype=np.int64)
    for i, (a, m) in enumerate(zip(acc.ravel(), multiplier.ravel())):
        q0, shift = _quantize_multiplier(float(m))
        left, right = max(shift, 0), max(-shift, 0)
        v = _rdbpot(_srdhm(int(a) * (1 << left), q0), right)
        q = v + zero_point
        q = max(q, zero_point) if relu else q
        out.flat[i] = min(max(q, qmin), qmax) - zero_point
    return out.astype(np.float64)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """PyTorch nn.Conv2d (cross-correlation) on [C, H, W] by direct loops."""
    c_in, h, wd = x.shape
    c_out, c_per, kh, kw = w.shape
    xp = np.zeros((c_in, h + 2 * padding, wd + 2 * padding))
    xp[:, padding:padding + h, padding:padding + wd] = x
    ho = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    wo = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((c_out, ho, wo))
    per_out = c_out // groups
    for co in range(c_out):
        g = co // per_out
        for oy in range(ho):
            for ox in range(wo):
                s = 0.0
                for ci in range(c_per):
                    for ky in range(kh):
                        for kx in range(kw):
                            s += w[co, ci, ky, kx] * xp[g * c_per + ci, oy * stride + ky * dilation,
                                                        ox * stride + kx * dilation]
                out[co, oy, ox] = s + (0.0 if b is None else b[co])
    return out


def dense_from_events(ids, values, size):
    out = np.zeros(size)
    out[ids] = values
    return out


def lif_steps(x_steps, tau=2.0, v_threshold=1.0, v_reset=0.0, hard=True):
    """SpikingJelly LIFNode, multi-step, decay_input=True: v += (x - (v - v_reset)) / tau,
    spike where v >= v_threshold, then reset. x_steps: [T, ...]; returns spikes [T, ...]."""
    v = np.full(x_steps.shape[1:], v_reset, dtype=np.float64)
    out = np.zeros(x_steps.shape)
    for t, x in enumerate(x_steps):
        v = v + (x - (v - v_reset)) / tau
        s = v >= v_threshold
        out[t] = s
        v = np.where(s, v_reset if hard else v - v_threshold, v)
    return out


def bitlinear(x, w, activation_bits=8):
    """BitNet b1.58 BitLinear without RMSNorm: absmean ternary weights, absmax activations,
    round half to even (torch.round), y = (W_t x_q) / (s_x s_w)."""
    # The mean summed in C order, one term after another (numpy's pairwise sum rounds otherwise).
    total = 0.0
    for v in np.abs(w).ravel():
        total += float(v)
    s_w = 1.0 / max(total / w.size, 1e-5)
    w_t = np.clip(np.rint(w * s_w), -1, 1)
    q_max = 2.0 ** (activation_bits - 1) - 1
    s_x = q_max / max(np.abs(x).max(), 1e-5)
    x_q = np.clip(np.rint(x * s_x), -q_max - 1, q_max)
    return (w_t @ x_q) / (s_x * s_w), w_t, x_q


def expm(a):
    """Matrix exponential by scaling and squaring a 30-term Taylor series (numpy only)."""
    norm = np.abs(a).sum(axis=1).max()
    squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    scaled = a / 2.0 ** squarings
    term = np.eye(len(a))
    total = np.eye(len(a))
    for k in range(1, 30):
        term = term @ scaled / k
        total = total + term
    for _ in range(squarings):
        total = total @ total
    return total


def lmu_memory(order, theta):
    """Voelker et al. 2019's (A, B) with theta folded in, discretised by zero-order hold."""
    i = np.arange(order)[:, None]
    j = np.arange(order)[None, :]
    r = (2 * np.arange(order) + 1)[:, None] / theta
    a = r * np.where(i < j, -1.0, (-1.0) ** (i - j + 1))
    b = r[:, 0] * (-1.0) ** np.arange(order)
    m = np.zeros((order + 1, order + 1))
    m[:order, :order] = a
    m[:order, order] = b
    e = expm(m)
    return e[:order, :order], e[:order, order]


def lmu_steps(x_steps, order, theta, e_x, e_h, e_m, w_x, w_h, w_m, bias, f=np.tanh):
    a_d, b_d = lmu_memory(order, theta)
    m = np.zeros(order)
    h = np.zeros(len(bias))
    out = []
    for x in x_steps:
        u = e_x @ x + e_h @ h + e_m @ m
        m = a_d @ m + b_d * u
        h = f(w_x @ x + w_h @ h + w_m @ m + bias)
        out.append(h)
    return np.array(out)


def egru_steps(x_steps, w, u, b, threshold, reset="output"):
    """Subramoney et al. 2023's EGRU cell (cuDNN form: r after U_z); w, u, b: dicts by gate."""
    sigmoid = lambda a: 1.0 / (1.0 + np.exp(-a))  # noqa: E731
    c = np.zeros(len(threshold))
    y = np.zeros(len(threshold))
    out = []
    for x in x_steps:
        gate_u = sigmoid(w["update"] @ x + u["update"] @ y + b["update"])
        gate_r = sigmoid(w["reset"] @ x + u["reset"] @ y + b["reset"])
        z = np.tanh(w["candidate"] @ x + gate_r * (u["candidate"] @ y) + b["candidate"])
        subtract = y if reset == "output" else np.where(y != 0, threshold, 0.0)
        c = gate_u * z + (1 - gate_u) * c - subtract
        y = np.where(c > threshold, c, 0.0)
        out.append(y)
    return np.array(out)


def leaky_step(u, current, beta, threshold):
    """snnTorch Leaky (subtract reset, reset_delay): the reset comes from the previous membrane."""
    u = beta * u + current - np.where(u > threshold, threshold, 0.0)
    return u, (u > threshold).astype(float)


def l2mu_steps(x_steps, order, theta, enc, ker, neurons, transition="paper"):
    """Fra et al. 2024's L2MU cell; enc/ker: dicts x, h, m of [out, in] matrices; neurons: dict
    u, m, h of (beta, threshold). Memory neurons are unit-major, as the L2MU code reshapes them."""
    a_d, b_d = lmu_memory(order, theta)
    t = a_d if transition == "paper" else a_d.T
    memory, hidden = enc["x"].shape[0], ker["x"].shape[0]
    u_u, u_m, u_h = np.zeros(memory), np.zeros((memory, order)), np.zeros(hidden)
    s_m, s_h = np.zeros((memory, order)), np.zeros(hidden)
    out, counts = [], []
    for x in x_steps:
        u_u, s_u = leaky_step(u_u, enc["x"] @ x + enc["h"] @ s_h + enc["m"] @ s_m.ravel(), *neurons["u"])
        u_m, s_m = leaky_step(u_m, s_m @ t.T + s_u[:, None] * b_d[None, :], *neurons["m"])
        u_h, s_h = leaky_step(u_h, ker["x"] @ x + ker["h"] @ s_h + ker["m"] @ s_m.ravel(), *neurons["h"])
        out.append(s_h)
        counts.append(s_u.sum() + s_m.sum() + s_h.sum())
    return np.array(out), np.array(counts)


def lmuformer_block(x_steps, w, order, theta):
    """LMUFormer's spiking block on one sequence (workloads.md §2.5; its code's
    forward_recurrent, tokens as steps, every LIF SpikingJelly's along the tokens): x [N, C];
    w: dict of the arrays by layer name (linear weight/bias, batch norm mean/var/gamma/beta)."""
    def bn(name, x):
        return (x - w[name + ".mean"]) / np.sqrt(w[name + ".var"] + 1e-5) * w[name + ".gamma"] + w[name + ".beta"]

    def lin(name, x):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    a = lif_steps(bn("bn0", x_steps), v_threshold=0.5)
    u = lif_steps(bn("bn_u", lin("w_u", a)))
    a_d, b_d = lmu_memory(order, theta)
    m, memory = np.zeros(order), []
    for u_t in u:
        m = a_d @ m + b_d * u_t[0]
        memory.append(m)
    s_m = lif_steps(bn("bn_m", np.array(memory)))
    h = lif_steps(bn("bn_h", lin("w_hm", s_m) + lin("w_hx", a)))
    x1 = x_steps + bn("bn_o", lin("proj", h))
    f = lif_steps(bn("bn_f2", lin("fc1", lif_steps(bn("bn_f1", x1)))))
    return x1 + bn("bn_f3", lin("fc2", f))
