"""Layered networks (docs/layers.md) from Python and from config files, each checked bit for bit
against an independent numpy reference (layer_reference.py): a binarized MLP (BinaryNet, BN
folded into thresholds), an int8 MLP (TFLite requantisation), a conv layer; and NeuroBench's
counts by hand."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import fluxon
from fluxon import runfile

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import layer_reference as ref  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


def outputs_per_step(result, layer, size, steps):
    """Dense [steps, size] from a recorded layer's events."""
    times, ids, values = result.layer_events(layer)
    dt = result.simulation.dt
    out = np.zeros((steps, size))
    out[np.rint(times / dt).astype(int), ids] = values
    return out


def test_a_linear_layer_counts_synaptic_operations_by_hand():
    # x = [3, 0, 1] then [1, 1, 0]: W = [[1, 0, 2], [0, 0, -1]], b = [0.5, 0].
    net = fluxon.Network(dt="1 ms", duration="2 ms")
    net.layer("x", "input", data=np.array([[3.0, 0, 1], [1, 1, 0]]))
    net.layer("y", "linear", input="x", weight=np.array([[1.0, 0, 2], [0, 0, -1]]), bias=[0.5, 0.0], record=True)
    r = net.build().run()
    np.testing.assert_array_equal(outputs_per_step(r, "y", 2, 2), [[5.5, -1], [1.5, 0]])
    stats = r.layers["stats"]
    # Step 1: events x0 (1 non-zero weight) and x2 (2): 3 MACs. Step 2 binary: x0 (1) + x1 (0): 1 AC.
    assert (stats["effective_macs"], stats["effective_acs"], stats["dense_ops"]) == (3.0, 1.0, 12.0)
    assert stats["samples"] == 1 and stats["steps"] == 2
    assert stats["parameters"] == 8 and stats["footprint"] == 32
    assert stats["connection_sparsity"] == pytest.approx(3 / 6)
    table = r.layers["tables"]["layers"]
    assert list(table["name"]) == ["x", "y"] and list(table["events"]) == [4, 3]


def bnn_weights(rng, sizes):
    return [np.where(rng.random((n_out, n_in)) < 0.5, -1.0, 1.0) for n_in, n_out in zip(sizes, sizes[1:])]


def test_a_binarized_mlp_is_bit_exact_against_numpy():
    rng = np.random.default_rng(7)
    samples, sizes = 40, [64, 32, 10]
    x = np.where(rng.random((samples, sizes[0])) < 0.3, 1.0, -1.0)  # +-1 inputs
    w1, w2 = bnn_weights(rng, sizes)
    theta = rng.integers(-4, 5, size=sizes[1]).astype(float)  # BatchNorm folded: one threshold per unit
    net = fluxon.Network(dt="1 ms", duration=f"{samples} ms")
    net.layer("x", "input", data=x, steps_per_sample=1)
    net.layer("fc1", "linear", input="x", weight=w1)
    net.layer("s1", "sign", input="fc1", threshold=theta)
    net.layer("fc2", "linear", input="s1", weight=w2, record=True)
    r = net.build().run()
    got = outputs_per_step(r, "fc2", sizes[2], samples)
    expected = np.stack([ref.linear(ref.sign(ref.linear(xi, w1), theta), w2) for xi in x])
    np.testing.assert_array_equal(got, expected)
    # XNOR-popcount: a +-1 dot product of length N is 2 popcount(XNOR) - N, so it has N's parity.
    assert np.all((got - sizes[1]) % 2 == 0)
    # Every input and hidden entry is +-1, an event: the ops are the dense ones, as ACs.
    stats = r.layers["stats"]
    assert stats["effective_acs"] == stats["dense_ops"] == sizes[0] * sizes[1] + sizes[1] * sizes[2]
    assert stats["effective_macs"] == 0 and stats["samples"] == samples
    assert stats["activation_sparsity"] == 0.0


def test_an_int8_mlp_is_bit_exact_against_tflite_requantisation():
    rng = np.random.default_rng(11)
    samples, sizes = 30, [48, 24, 10]
    zx = -128
    q_in = rng.integers(-128, 128, size=(samples, sizes[0]))
    q_in[rng.random(q_in.shape) < 0.4] = zx  # zero activations: no events
    w1 = rng.integers(-127, 128, size=(sizes[1], sizes[0])).astype(float)
    w2 = rng.integers(-127, 128, size=(sizes[2], sizes[1])).astype(float)
    b1 = rng.integers(-2000, 2000, size=sizes[1]).astype(float)
    m1 = rng.uniform(1e-4, 4e-3, size=sizes[1])  # per-channel multipliers S_x S_w / S_y
    z1, m2, z2 = -5, 2.3e-3, 3
    net = fluxon.Network(dt="1 ms", duration=f"{samples} ms")
    net.layer("x", "input", data=(q_in - zx).astype(float), steps_per_sample=1)
    net.layer("fc1", "linear", input="x", weight=w1, bias=b1)
    net.layer("q1", "requantize", input="fc1", multiplier=m1, zero_point=z1, relu=1, record=True)
    net.layer("fc2", "linear", input="q1", weight=w2)
    net.layer("q2", "requantize", input="fc2", multiplier=[m2], zero_point=z2, record=True)
    r = net.build().run()
    h = np.stack([ref.requantize(ref.linear(xi - zx, w1, b1), m1, z1, relu=True) for xi in q_in])
    y = np.stack([ref.requantize(ref.linear(hi, w2), m2, z2) for hi in h])
    np.testing.assert_array_equal(outputs_per_step(r, "q1", sizes[1], samples), h)
    np.testing.assert_array_equal(outputs_per_step(r, "q2", sizes[2], samples), y)
    # Activation sparsity: the entries of q1 and q2 that were zero (q = zero point) over all.
    nonzero = np.count_nonzero(h) + np.count_nonzero(y)
    assert r.layers["stats"]["activation_sparsity"] == pytest.approx(1 - nonzero / (samples * (sizes[1] + sizes[2])))
    # MACs: every non-zero input entry times the non-zero weights of its column.
    macs = sum(np.count_nonzero(w1[:, xi - zx != 0]) for xi in q_in) + sum(np.count_nonzero(w2[:, hi != 0]) for hi in h)
    assert r.layers["stats"]["effective_macs"] * samples == macs


def test_a_conv_layer_matches_pytorch_semantics():
    rng = np.random.default_rng(3)
    x = rng.integers(-2, 3, size=(2, 2, 7, 6)).astype(float)  # [steps, C, H, W], many zeros
    w = rng.integers(-3, 4, size=(4, 1, 3, 2)).astype(float)  # groups = 2
    b = np.array([0.5, -1, 0, 2])
    net = fluxon.Network(dt="1 ms", duration="2 ms")
    net.layer("x", "input", data=x)
    net.layer("c", "conv2d", input="x", weight=w, bias=b, stride=2, padding=1, dilation=1, groups=2, record=True)
    r = net.build().run()
    expected = [ref.conv2d(x[t], w, b, stride=2, padding=1, groups=2) for t in range(2)]
    got = outputs_per_step(r, "c", expected[0].size, 2)
    np.testing.assert_array_equal(got, np.stack([e.ravel() for e in expected]))


def test_the_same_network_from_a_config_file_and_the_run_file(tmp_path):
    np.save(tmp_path / "w.npy", np.array([[1.0, -1], [2, 0]]))
    np.save(tmp_path / "x.npy", np.array([[1.0, 2], [0, 1], [3, 0]]))
    (tmp_path / "net.toml").write_text("""
[run]
dt = "1 ms"
duration = "3 ms"

[layers.x]
kind = "input"
data = { file = "x.npy" }

[layers.y]
kind = "linear"
input = "x"
weight = { file = "w.npy" }

[layers.t]
kind = "threshold"
input = "y"
threshold = [1.5]

[record]
layers = ["y", "t"]
""")
    out = subprocess.run([os.environ["FLUXON_CLI"], "run", str(tmp_path / "net.toml"), "-o", str(tmp_path / "r.h5")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "layers (NeuroBench, per sample)" in out.stdout and "effective_macs" in out.stdout
    with runfile.open_run(tmp_path / "r.h5") as run:
        times, ids, values = run.layer_events("y")
        # y = [-1, 2], [-1, 0], [3, 6]: the non-zero entries by step.
        np.testing.assert_array_equal(ids, [0, 1, 0, 0, 1])
        np.testing.assert_array_equal(values, [-1, 2, -1, 3, 6])
        np.testing.assert_allclose(times, [0, 0, 1e-3, 2e-3, 2e-3])
        _, t_ids, t_values = run.layer_events("t")
        np.testing.assert_array_equal(t_ids, [1, 0, 1])  # >= 1.5: 2 at step 0; 3 and 6 at step 2
        np.testing.assert_array_equal(t_values, [1, 1, 1])
        layers = run.layers()
        # Steps 0 and 2 carry non-binary inputs: x0 (2 non-zero weights) + x1 (1), then x0 (2): 5 MACs;
        # step 1 is binary: x1, 1 AC.
        assert (layers["stats"]["effective_macs"], layers["stats"]["effective_acs"]) == (5, 1)
        assert list(layers["tables"]["layers"]["kind"]) == ["input", "linear", "threshold"]


def test_bad_layered_networks_name_the_layer():
    def build(**layers):
        net = fluxon.Network(dt="1 ms", duration="1 ms")
        net.layer("x", "input", data=np.ones((1, 3)))
        for name, (kind, settings) in layers.items():
            net.layer(name, kind, **settings)
        return net.build()

    with pytest.raises(fluxon.ConfigError, match=r"layer 'y': 'weight' has shape \[2, 4\], expected \[2, 3\]"):
        build(y=("linear", {"input": "x", "weight": np.ones((2, 4))}))
    with pytest.raises(fluxon.ConfigError, match="unknown layer kind 'lnear'"):
        build(y=("lnear", {"input": "x"}))
    with pytest.raises(fluxon.NetworkError, match="takes 'z', which is no layer"):
        build(y=("linear", {"input": "z", "weight": np.ones((2, 3))}))
    with pytest.raises(fluxon.ConfigError, match="has no setting 'wieght'; it takes: bit_serial_bits, bbs, bit_serial_operand, weight, bias"):
        build(y=("linear", {"input": "x", "wieght": np.ones((2, 3))}))
    with pytest.raises(fluxon.NetworkError, match="takes only layers of a cycle"):
        build(a=("linear", {"input": "b", "weight": np.ones((3, 3))}),
              b=("linear", {"input": "a", "weight": np.ones((3, 3))}))
    with pytest.raises(fluxon.ConfigError, match=r"layers.y.weight\[0\]\[1\]': expected a finite number, got nan"):
        build(y=("linear", {"input": "x", "weight": np.array([[1.0, np.nan, 0]])}))


def test_the_digits_examples_classify_as_their_numpy_references():
    """examples/layers/*.toml on the 360 test digits: every score equal to numpy's, so the
    same predictions; the accuracies are those the training script reported."""
    d = np.load(ROOT / "examples" / "layers" / "digits.npz")
    labels = d["test_y"]
    bnn = fluxon.load_config(ROOT / "examples" / "layers" / "bnn_digits.toml").run()
    x = d["bnn_x"].astype(float)
    hidden = ref.sign(x @ d["bnn_w1"].T.astype(float), d["bnn_theta1"])
    expected = hidden @ d["bnn_w2"].T.astype(float)
    np.testing.assert_array_equal(outputs_per_step(bnn, "fc2", 10, 360), expected)
    assert np.mean(expected.argmax(1) == labels) == pytest.approx(304 / 360)

    int8 = fluxon.load_config(ROOT / "examples" / "layers" / "int8_digits.toml").run()
    h = np.stack([ref.requantize(ref.linear(xi, d["int8_w1"], d["int8_b1"]), d["int8_m1"], -128, relu=True)
                  for xi in d["test_x"].astype(float)])
    scores = h @ d["int8_w2"].T.astype(float) + d["int8_b2"]
    np.testing.assert_array_equal(outputs_per_step(int8, "fc2", 10, 360), scores)
    assert np.mean(scores.argmax(1) == labels) == pytest.approx(324 / 360)
    # Zero pixels are no events: fewer MACs than the dense layer would do.
    stats = int8.layers["stats"]
    assert stats["effective_macs"] < stats["dense_ops"] and stats["samples"] == 360

    ternary = fluxon.load_config(ROOT / "examples" / "layers" / "ternary_digits.toml").run()
    t_scores = []
    for xi in d["test_x"].astype(float):
        h1 = np.maximum(ref.bitlinear(xi, d["tern_w1"])[0], 0)
        t_scores.append(ref.bitlinear(h1, d["tern_w2"])[0])
    np.testing.assert_allclose(outputs_per_step(ternary, "fc2", 10, 360), t_scores, rtol=1e-12, atol=1e-12)
    assert np.mean(np.argmax(t_scores, 1) == labels) == pytest.approx(324 / 360)
    assert ternary.layers["stats"]["accumulate_only"] == ternary.layers["stats"]["effective_macs"]

    snn = fluxon.load_config(ROOT / "examples" / "layers" / "snn_digits.toml").run()
    steps = int(d["snn_steps"][0])
    got = outputs_per_step(snn, "score", 10, 360 * steps)[steps - 1::steps]
    theta = d["snn_theta"][0]
    expected = []
    for image in d["test_x"].astype(float).reshape(-1, 1, 8, 8) / 16:
        current = ref.conv2d(image, d["snn_k"], d["snn_bk"], padding=1)
        v, total = np.zeros_like(current), np.zeros(10)
        for _ in range(steps):
            v = v + current
            z = v > theta
            v = np.where(z, v - theta, v)
            pooled = z.astype(float).reshape(8, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1)
            total = total + d["snn_w"] @ pooled + d["snn_b"]
        expected.append(total)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    assert np.mean(got.argmax(1) == labels) == pytest.approx(325 / 360)


def test_a_convolutional_snn_over_time_steps_matches_spikingjelly_semantics():
    """conv2d -> LIF -> sum pool -> linear over 6 steps per sample, 3 samples: the LIF state
    starts from v_reset at every sample, as SpikingJelly's reset_net() between samples does."""
    rng = np.random.default_rng(5)
    samples, steps = 3, 6
    frames = (rng.random((samples * steps, 1, 6, 6)) < 0.3).astype(float)  # binary event frames
    w = rng.normal(0, 0.6, (4, 1, 3, 3))
    w2 = rng.normal(0, 1, (5, 4 * 2 * 2))
    net = fluxon.Network(dt="1 ms", duration=f"{samples * steps} ms")
    net.layer("x", "input", data=frames, steps_per_sample=steps)
    net.layer("c", "conv2d", input="x", weight=w, padding=1)
    net.layer("s", "lif", input="c", tau=2.0, v_threshold=1.0, record=True)
    net.layer("p", "sum_pool2d", input="s", kernel_size=3)
    net.layer("fc", "linear", input="p", weight=w2, record=True)
    r = net.build().run()
    spikes, scores = [], []
    for k in range(samples):
        conv = np.stack([ref.conv2d(f, w, padding=1) for f in frames[k * steps:(k + 1) * steps]])
        s = ref.lif_steps(conv, tau=2.0)
        pooled = s.reshape(steps, 4, 2, 3, 2, 3).sum(axis=(3, 5))
        spikes.append(s.reshape(steps, -1))
        scores.append(np.stack([ref.linear(p.ravel(), w2) for p in pooled]))
    np.testing.assert_array_equal(outputs_per_step(r, "s", 4 * 36, samples * steps), np.concatenate(spikes))
    np.testing.assert_allclose(outputs_per_step(r, "fc", 5, samples * steps), np.concatenate(scores),
                               rtol=1e-12, atol=1e-12)
    stats = r.layers["stats"]
    assert stats["samples"] == samples
    # Membrane updates: every neuron on a sample's first step, then those whose v changed.
    assert 0 < stats["membrane_updates"] <= 4 * 36 * steps


def test_a_layered_network_gives_identical_files_on_1_and_2_threads(tmp_path):
    data = (np.random.default_rng(9).random((20, 16)) < 0.5).astype(float)
    w = np.random.default_rng(10).normal(size=(8, 16))
    files = [tmp_path / "t1.h5", tmp_path / "t2.h5"]
    for threads, path in zip((1, 2), files):
        net = fluxon.Network(dt="1 ms", duration="20 ms", threads=threads)
        net.layer("x", "input", data=data)
        net.layer("fc", "linear", input="x", weight=w)
        net.layer("s", "lif", input="fc", record=True)
        net.build().run(output=path)
    with runfile.open_run(files[0]) as a, runfile.open_run(files[1]) as b:
        assert len(a.layer_events("s")[0]) > 0
        for got, want in zip(a.layer_events("s"), b.layer_events("s")):
            np.testing.assert_array_equal(got, want)
        assert a.layers()["stats"] == b.layers()["stats"]


def test_layer_kinds_describe_the_registry():
    kinds = fluxon.layer_kinds()
    assert list(kinds)[:5] == ["input", "linear", "bitlinear", "conv1d", "conv2d"]
    conv = kinds["conv2d"]
    assert conv["role"] == "connection" and conv["takes_input"]
    assert conv["arrays"]["weight"]["required"] and not conv["arrays"]["bias"]["required"]
    assert conv["parameters"]["stride"]["default"] == 1.0
    assert kinds["requantize"]["role"] == "activation" and kinds["max_pool2d"]["role"] == "structural"
    assert not kinds["input"]["takes_input"]


def test_a_linear_layer_in_ideal_crossbar_arrays_reads_quantised_inputs_exactly():
    """The ideal preset (analog weights, ideal converters, 8-bit bit-serial inputs): each step's
    inputs are scaled by their largest magnitude, rounded to 8-bit codes, positive and negative
    events read separately; the outputs are W times those inputs plus the bias, a read per bit
    plane that has a set bit (spike-like steps: one per sign)."""
    w = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    b = np.array([0.1, -0.2])
    x = np.array([[3.0, -1.0, 0.4], [1.0, 1.0, -1.0], [0.0, 0.0, 0.0]])
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x)
    net.layer("y", "linear", input="x", weight=w, bias=b, record=True)
    net.crossbar("ideal")
    r = net.build().run()
    got = outputs_per_step(r, "y", 2, 3)
    expected = []
    for row in x:
        s = np.abs(row).max()
        if s == 0:
            expected.append(b)
            continue
        codes = np.rint(np.abs(row) / s * 255) / 255 * s * np.sign(row)
        if np.all(np.abs(row[row != 0]) == s):
            codes = row
        expected.append(w @ codes + b)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    # A bit plane without a set bit costs no read. Step 0, positive codes 255 and 34: 8 planes;
    # negative code 85 = 0b01010101: 4 planes. Step 1, +-1 only: one read per sign. Step 2: none.
    assert r.devices["crossbar"].stats["reads"] == 8 + 4 + 2
    table = r.devices["crossbar"].tables["layers"]
    assert list(table["name"]) == ["y"]
    exact = np.array([w @ row + b for row in x])
    assert table["relative_rms_error"][0] == pytest.approx(
        np.sqrt(((got - exact) ** 2).sum() / (exact ** 2).sum()), rel=1e-9)
    # NeuroBench's counts are the layer's own: 3 + 3 events, each meeting 2 weights.
    assert r.layers["stats"]["effective_macs"] + r.layers["stats"]["effective_acs"] == 12
    with pytest.raises(fluxon.ConfigError, match="crossbar arrays compute linear, conv1d and conv2d layers"):
        net2 = fluxon.Network(dt="1 ms", duration=None)
        net2.layer("x", "input", data=np.ones((2, 1, 4, 4)))
        net2.layer("p", "sum_pool2d", input="x", kernel_size=2)
        net2.crossbar("ideal", layers=["p"])
        net2.build()


@pytest.mark.parametrize("groups", [1, 2])
def test_a_conv_layer_in_ideal_crossbar_arrays_is_the_unfolded_product(groups):
    """A conv2d (stride 2, padding 1, groups) computed in arrays by im2col: on the ideal preset
    the outputs are the exact conv of the inputs as the arrays see them (spike frames exactly;
    graded frames rounded to 8-bit codes of the step's largest magnitude)."""
    rng = np.random.default_rng(7)
    w = rng.normal(size=(4, 4 // groups, 3, 3))
    b = rng.normal(size=4)
    spikes = (rng.random((2, 4, 6, 6)) < 0.3).astype(float)
    graded = rng.integers(-3, 4, size=(2, 4, 6, 6)).astype(float)
    x = np.concatenate([spikes, graded])
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x)
    net.layer("c", "conv2d", input="x", weight=w, bias=b, stride=2, padding=1, groups=groups, record=True)
    net.crossbar("ideal")
    r = net.build().run()
    got = outputs_per_step(r, "c", 4 * 3 * 3, len(x))
    for step, frame in enumerate(x):
        s = np.abs(frame).max()
        seen = frame if np.all(np.abs(frame[frame != 0]) == s) else np.rint(np.abs(frame) / s * 255) / 255 * s * np.sign(frame)
        expected = ref.conv2d(seen, w, b, stride=2, padding=1, groups=groups).reshape(-1)
        np.testing.assert_allclose(got[step], expected, rtol=1e-10, atol=1e-10)
    assert r.devices["crossbar"].tables["layers"]["name"][0] == "c"


def test_the_bnn_digits_on_crossbar_presets_lose_accuracy_as_their_devices_say():
    """BinaryNet MLP on the 360 test digits with both linear layers in arrays: the ideal preset
    scores exactly as the exact network (304/360), the noisy ones lower."""
    d = np.load(ROOT / "examples" / "layers" / "digits.npz")
    scores = {}
    for preset in ("ideal", "reram_neurosim", "pcm_aihwkit"):
        sim = fluxon.load_config(ROOT / "examples" / "layers" / "bnn_digits.toml",
                                 overrides=[f'crossbar.preset="{preset}"'])
        out = outputs_per_step(sim.run(), "fc2", 10, 360)
        scores[preset] = np.mean(out.argmax(1) == d["test_y"])
    assert scores["ideal"] == pytest.approx(304 / 360)
    assert scores["pcm_aihwkit"] < scores["ideal"]


def test_bitlinear_is_bitnets_ternary_layer_and_counts_accumulate_only_operations():
    rng = np.random.default_rng(11)
    w = rng.normal(size=(6, 10))
    x = rng.normal(size=(5, 10)) * np.array([[1], [3], [0.2], [10], [1]])
    x[2, :4] = 0.0
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x)
    net.layer("y", "bitlinear", input="x", weight=w, record=True, bit_serial_bits=8)
    r = net.build().run()
    got = outputs_per_step(r, "y", 6, 5)
    ops = bit_ops = 0
    for step, row in enumerate(x):
        expected, w_t, x_q = ref.bitlinear(row, w)
        np.testing.assert_array_equal(got[step], expected)
        met = (w_t != 0).sum(axis=0)
        ops += met[x_q != 0].sum()
        bit_ops += sum(met[j] * bin(int(abs(x_q[j]))).count("1") for j in np.nonzero(x_q)[0])
    stats, table = r.layers["stats"], r.layers["tables"]["layers"]
    row = list(table["name"]).index("y")
    assert table["accumulate_only"][row] == table["effective_macs"][row] == ops
    assert table["bit_ops"][row] == bit_ops
    # Ternary weights take 2 bits each, plus the one scale.
    assert table["footprint"][row] == (2 * w.size + 7) // 8 + 4


def test_bit_serial_inputs_skip_zero_planes_and_bbs_sends_the_complement():
    """A linear layer with one weight of 1: int inputs 5 (0b101: 2 planes), 7 (3 planes; with
    BBS on 3 bits its complement is 0: 0 planes + 1), -6 (2 planes; BBS: complement 1, 1 + 1)."""
    def counts(**serial):
        net = fluxon.Network(dt="1 ms", duration=None)
        net.layer("x", "input", data=np.array([[5.0], [7.0], [-6.0]]))
        net.layer("y", "linear", input="x", weight=np.array([[1.0]]), **serial)
        return net.build().run().layers["tables"]["layers"]["bit_ops"][-1]
    assert counts(bit_serial_bits=3) == 2 + 3 + 2
    assert counts(bit_serial_bits=3, bbs=1) == 2 + 1 + 2
    assert counts() == 0

    # The weights as the bit-serial operand: weights 5 (2 planes) and -7 (3; BBS on 3 bits: 1),
    # every input event meets both: 3 events x 5 passes, or x 3 with BBS.
    def weight_counts(**serial):
        net = fluxon.Network(dt="1 ms", duration=None)
        net.layer("x", "input", data=np.array([[5.0], [7.0], [-6.0]]))
        net.layer("y", "linear", input="x", weight=np.array([[5.0], [-7.0]]), bit_serial_operand="weights",
                  **serial)
        return net.build().run().layers["tables"]["layers"]["bit_ops"][-1]
    assert weight_counts(bit_serial_bits=3) == 3 * (2 + 3)
    assert weight_counts(bit_serial_bits=3, bbs=1) == 3 * (2 + 1)
    with pytest.raises(fluxon.ConfigError, match="sends its weights bit-serially with 2 bits, but a weight is 5"):
        weight_counts(bit_serial_bits=2)
    with pytest.raises(fluxon.UserError, match="layer 'y' is bit-serial with 2 bits, but at step 0 an input event is 5"):
        counts(bit_serial_bits=2)


def test_an_lmu_cell_steps_as_voelkers_equations():
    """lmu (order 6, theta 10 steps, tanh) over 2 samples of 12 steps, every array given,
    against a numpy implementation of Voelker et al. 2019's cell with its own expm."""
    rng = np.random.default_rng(3)
    n_in, hidden, order, steps = 3, 5, 6, 12
    arrays = dict(input_encoders=rng.normal(size=n_in), hidden_encoders=rng.normal(size=hidden),
                  memory_encoders=rng.normal(size=order), input_kernel=rng.normal(size=(hidden, n_in)),
                  hidden_kernel=rng.normal(size=(hidden, hidden)) * 0.5,
                  memory_kernel=rng.normal(size=(hidden, order)), bias=rng.normal(size=hidden) * 0.1)
    x = rng.normal(size=(2 * steps, n_in)) * (rng.random((2 * steps, n_in)) < 0.6)
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x, steps_per_sample=steps)
    net.layer("lmu", "lmu", input="x", order=order, theta=10, record=True, **arrays)
    r = net.build().run()
    got = outputs_per_step(r, "lmu", hidden, 2 * steps)
    expected = np.concatenate([
        ref.lmu_steps(x[k * steps:(k + 1) * steps], order, 10.0, arrays["input_encoders"], arrays["hidden_encoders"],
                      arrays["memory_encoders"], arrays["input_kernel"], arrays["hidden_kernel"],
                      arrays["memory_kernel"], arrays["bias"]) for k in range(2)])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reset", ["output", "threshold"])
def test_an_egru_cell_steps_as_subramoney_et_al(reset):
    """egru (8 units, 4 inputs) over 2 samples of 15 steps, every array given, against numpy;
    the units emit in some steps and not others (activity sparsity), and the operations are
    the input events' and the emitted events' column weights."""
    rng = np.random.default_rng(5)
    n_in, hidden, steps = 4, 8, 15
    w = {g: rng.normal(size=(hidden, n_in)) for g in ("update", "reset", "candidate")}
    u = {g: rng.normal(size=(hidden, hidden)) * (rng.random((hidden, hidden)) < 0.5) for g in ("update", "reset", "candidate")}
    b = {g: rng.normal(size=hidden) * 0.2 for g in ("update", "reset", "candidate")}
    threshold = rng.uniform(0.05, 0.3, size=hidden)
    x = rng.normal(size=(2 * steps, n_in)) * (rng.random((2 * steps, n_in)) < 0.5)
    arrays = {f"w_{g}": w[g] for g in w} | {f"u_{g}": u[g] for g in u} | {f"b_{g}": b[g] for g in b}
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x, steps_per_sample=steps)
    net.layer("egru", "egru", input="x", threshold=threshold, reset=reset, record=True, **arrays)
    r = net.build().run()
    got = outputs_per_step(r, "egru", hidden, 2 * steps)
    expected = np.concatenate([ref.egru_steps(x[k * steps:(k + 1) * steps], w, u, b, threshold, reset)
                               for k in range(2)])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    active = (expected != 0).sum(axis=1)
    assert 0 < active.sum() < expected.size  # some units emit, not all
    # Operations: each input event meets its column of the three W; each event of y[t-1]
    # (within a sample) its column of the three U.
    col_w = sum((w[g] != 0).sum(axis=0) for g in w)
    col_u = sum((u[g] != 0).sum(axis=0) for g in u)
    ops = sum(col_w[x[t] != 0].sum() for t in range(2 * steps))
    ops += sum(col_u[expected[t - 1] != 0].sum() for t in range(2 * steps) if t % steps != 0)
    assert r.layers["stats"]["effective_macs"] * 2 == ops  # the statistics are per sample


def test_a_leaky_layer_steps_as_snntorch_leaky():
    """snnTorch's Leaky on graded input: the threshold is subtracted at the step after a spike
    and is not decayed, and a membrane exactly at the threshold does not fire (strict)."""
    rng = np.random.default_rng(9)
    steps, n = 30, 6
    x = rng.normal(0.3, 0.5, size=(steps, n))
    x[0, 0] = 0.5  # u = 0.5 = threshold: no spike
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x)
    net.layer("s", "leaky", input="x", beta=0.8, threshold=0.5, record=True)
    got = outputs_per_step(net.build().run(), "s", n, steps)
    u, expected = np.zeros(n), []
    for t in range(steps):
        u, s = ref.leaky_step(u, x[t], 0.8, 0.5)
        expected.append(s)
    np.testing.assert_array_equal(got, np.array(expected))
    assert got[0, 0] == 0
    assert 0 < got.sum() < got.size


def l2mu_arrays(rng, n_in, memory, order, hidden):
    dense = lambda rows, cols, p: rng.normal(size=(rows, cols)) * (rng.random((rows, cols)) < p)  # noqa: E731
    enc = {"x": dense(memory, n_in, 0.8), "h": dense(memory, hidden, 0.5), "m": dense(memory, memory * order, 0.3)}
    ker = {"x": dense(hidden, n_in, 0.8), "h": dense(hidden, hidden, 0.5), "m": dense(hidden, memory * order, 0.5)}
    return enc, ker


@pytest.mark.parametrize("transition", ["paper", "l2mu_code"])
def test_an_l2mu_cell_spikes_as_fra_et_al(transition):
    """l2mu (3 inputs, 4 memory units of order 3, 5 hidden) over 2 samples of 25 steps of input
    spikes, with the Braille task's neuron parameters (workloads.md §2.4), against numpy: the
    same hidden spikes step for step, and every population's spikes counted."""
    rng = np.random.default_rng(11)
    n_in, memory, order, hidden, steps = 3, 4, 3, 5, 25
    enc, ker = l2mu_arrays(rng, n_in, memory, order, hidden)
    neurons = {"u": (0.8, 0.2), "m": (0.2, 0.4), "h": (0.45, 0.65)}
    x = (rng.random((2 * steps, n_in)) < 0.4).astype(float)
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x, steps_per_sample=steps)
    net.layer("l2mu", "l2mu", input="x", order=order, theta=6, transition=transition, record=True,
              input_encoders=enc["x"], hidden_encoders=enc["h"], memory_encoders=enc["m"],
              input_kernel=ker["x"], hidden_kernel=ker["h"], memory_kernel=ker["m"],
              **{f"{key}_{pop}": value for pop, (beta, th) in neurons.items()
                 for key, value in (("beta", beta), ("threshold", th))})
    r = net.build().run()
    got = outputs_per_step(r, "l2mu", hidden, 2 * steps)
    runs = [ref.l2mu_steps(x[k * steps:(k + 1) * steps], order, 6, enc, ker, neurons, transition) for k in range(2)]
    expected = np.concatenate([spikes for spikes, _ in runs])
    np.testing.assert_array_equal(got, expected)
    assert 0 < expected.sum() < expected.size
    fired = sum(counts.sum() for _, counts in runs)
    stats = r.layers["stats"]
    # Activations: every neuron of the three populations at every step.
    assert stats["activation_sparsity"] == pytest.approx(1 - fired / (2 * steps * (memory + memory * order + hidden)),
                                                         rel=1e-12)
    # Spikes everywhere: the synaptic operations are all accumulates.
    assert stats["effective_macs"] == 0 and stats["effective_acs"] > 0


def test_l2mu_transition_follows_the_paper_or_the_released_code():
    """The two transitions give different spikes for the same weights (A_d is not symmetric),
    so weights trained with the released code need transition = "l2mu_code"."""
    rng = np.random.default_rng(12)
    enc, ker = l2mu_arrays(rng, 3, 4, 3, 5)
    neurons = {"u": (0.8, 0.2), "m": (0.2, 0.4), "h": (0.45, 0.65)}
    x = (rng.random((40, 3)) < 0.4).astype(float)
    paper, _ = ref.l2mu_steps(x, 3, 6, enc, ker, neurons, "paper")
    code, _ = ref.l2mu_steps(x, 3, 6, enc, ker, neurons, "l2mu_code")
    assert (paper != code).any()


@pytest.mark.parametrize("kind", ["lmu", "egru", "l2mu"])
def test_a_chip_refuses_recurrent_cells_whose_weights_it_would_not_count(kind):
    """The chip places connection layers as synapses; a cell's own matrices would be missed,
    so its energy would be silently low: the run is refused, naming the layer."""
    arrays = {"lmu": dict(order=2, theta=4, input_encoders=np.ones(3), input_kernel=np.ones((2, 3))),
              "egru": dict(w_update=np.ones((2, 3)), threshold=np.ones(2)),
              "l2mu": dict(order=2, theta=4, input_encoders=np.ones((2, 3)), input_kernel=np.ones((2, 3)),
                           beta_u=0.5, threshold_u=1, beta_m=0.5, threshold_m=1, beta_h=0.5, threshold_h=1)}
    net = fluxon.Network(dt="1 ms", duration="2 ms")
    net.layer("x", "input", data=np.ones((2, 3)))
    net.layer("cell", kind, input="x", **arrays[kind])
    net.hardware("loihi")
    with pytest.raises(fluxon.NetworkError, match=f"layer 'cell' \\({kind}\\) applies weight matrices inside"):
        net.build()


def lmuformer_layers(net, w, order, theta):
    """LMUFormer's spiking block from layer kinds (docs/layers.md, "LMUFormer's block"): the
    token mixer (BN, LIF 0.5, the spiking LMU cell, 1x1 projection, BN, residual) and the conv
    FFN (BN, LIF, 1x1 to 4C, BN, LIF, 1x1 to C, BN, residual)."""
    def bn(name, input):
        net.layer(name, "batch_norm", input=input, running_mean=w[name + ".mean"], running_var=w[name + ".var"],
                  weight=w[name + ".gamma"], bias=w[name + ".beta"])

    def lin(name, input):
        net.layer(name, "linear", input=input, weight=w[name + ".weight"], bias=w[name + ".bias"])

    bn("bn0", "x")
    net.layer("a", "lif", input="bn0", v_threshold=0.5)
    lin("w_u", "a")
    bn("bn_u", "w_u")
    net.layer("u", "lif", input="bn_u")
    # The Legendre memory alone: an lmu whose hidden state is its memory (W_m = I, linear).
    net.layer("memory", "lmu", input="u", order=order, theta=theta, activation="linear",
              input_encoders=np.ones(1), input_kernel=np.zeros((order, 1)), memory_kernel=np.eye(order))
    bn("bn_m", "memory")
    net.layer("s_m", "lif", input="bn_m")
    lin("w_hm", "s_m")
    lin("w_hx", "a")
    bn("bn_h", ["w_hm", "w_hx"])  # W_h [m; x]: the two halves summed
    net.layer("h", "lif", input="bn_h")
    lin("proj", "h")
    bn("bn_o", "proj")
    net.layer("x1", "identity", input=["x", "bn_o"])
    bn("bn_f1", "x1")
    net.layer("f1", "lif", input="bn_f1")
    lin("fc1", "f1")
    bn("bn_f2", "fc1")
    net.layer("f2", "lif", input="bn_f2")
    lin("fc2", "f2")
    bn("bn_f3", "fc2")
    net.layer("x2", "identity", input=["x1", "bn_f3"], record=True)


def test_lmuformers_spiking_block_from_layer_kinds_matches_its_recurrent_form():
    """The block over 2 sequences of 12 tokens (C = 8, memory order 6, theta = 12 tokens), every
    array random, against numpy's reading of LMUFormer's forward_recurrent: the same outputs,
    and activity in every LIF (the comparison would be empty otherwise)."""
    rng = np.random.default_rng(21)
    c, order, tokens = 8, 6, 12
    sizes = {"w_u": (1, c), "w_hm": (c, order), "w_hx": (c, c), "proj": (c, c), "fc1": (4 * c, c), "fc2": (c, 4 * c)}
    w = {}
    for name, (o, i) in sizes.items():
        w[name + ".weight"] = rng.normal(size=(o, i)) * 2 / np.sqrt(i)
        w[name + ".bias"] = rng.normal(size=o) * 0.5
    for name, n in (("bn0", c), ("bn_u", 1), ("bn_m", order), ("bn_h", c), ("bn_o", c), ("bn_f1", c), ("bn_f2", 4 * c),
                    ("bn_f3", c)):
        w[name + ".mean"], w[name + ".var"] = rng.normal(size=n) * 0.1, rng.uniform(0.5, 2, size=n)
        w[name + ".gamma"], w[name + ".beta"] = rng.uniform(0.8, 2.5, size=n), rng.normal(size=n) * 0.5 + 0.5
    x = rng.normal(size=(2 * tokens, c))
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x, steps_per_sample=tokens)
    lmuformer_layers(net, w, order, tokens)
    r = net.build().run()
    got = outputs_per_step(r, "x2", c, 2 * tokens)
    expected = np.concatenate([ref.lmuformer_block(x[k * tokens:(k + 1) * tokens], w, order, tokens)
                               for k in range(2)])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    table = r.layers["tables"]["layers"]
    for lif in ("a", "u", "s_m", "h", "f1", "f2"):
        at = list(table["name"]).index(lif)
        assert 0 < table["events"][at] < table["activations"][at], lif


def test_the_papers_45nm_energy_convention_is_4_6_pj_per_mac_and_0_9_pj_per_ac():
    net = fluxon.Network(dt="1 ms", duration="2 ms")
    net.layer("x", "input", data=np.array([[3.0, 0, 1], [1, 1, 0]]))
    net.layer("y", "linear", input="x", weight=np.array([[1.0, 0, 2], [0, 0, -1]]))
    stats = net.build().run().layers["stats"]
    # 3 MACs (step 1, graded) and 1 AC (step 2, binary), one sample.
    assert stats["energy_45nm"] == pytest.approx(3 * 4.6e-12 + 1 * 0.9e-12, rel=1e-15)


def attention_network(mode, q, k, v, steps_per_sample=0, **params):
    net = fluxon.Network(dt="1 ms", duration=None)
    for name, data in (("q", q), ("k", k), ("v", v)):
        net.layer(name, "input", data=data, steps_per_sample=steps_per_sample)
    net.layer("a", "spiking_attention", input=["q", "k", "v"], mode=mode, record=True, **params)
    return net


def test_spiking_attention_linear_is_q_kt_v_scaled_with_dynamic_operands():
    """Spikformer's SSA without its LIFs: A = Q (K^T V) 0.125 per head, over spike streams that
    change every step; ACs are the pair products of K^T V plus Q's adds."""
    rng = np.random.default_rng(4)
    heads, tokens, d, steps = 2, 5, 4, 3
    q, k, v = ((rng.random((steps, heads, tokens, d)) < 0.4).astype(float) for _ in range(3))
    r = attention_network("linear", q, k, v).build().run()
    got = outputs_per_step(r, "a", heads * tokens * d, steps)
    expected = np.stack([np.einsum("hnd,hde->hne", q[t], np.einsum("hnd,hne->hde", k[t], v[t])) * 0.125
                         for t in range(steps)]).reshape(steps, -1)
    np.testing.assert_array_equal(got, expected)
    acs = 0
    for t in range(steps):
        acs += int((k[t].sum(-1) * v[t].sum(-1)).sum())
        kv = np.einsum("hnd,hne->hde", k[t], v[t])
        acs += int(sum((kv[h, i] != 0).sum() for h in range(heads) for n in range(tokens) for i in range(d)
                       if q[t, h, n, i]))
    row = list(r.layers["tables"]["layers"]["name"]).index("a")
    assert r.layers["tables"]["layers"]["effective_acs"][row] == acs


def test_spiking_attention_mask_is_sdt_v1s_sdsa_with_a_stateful_talking_heads_lif():
    rng = np.random.default_rng(8)
    tokens, d, steps = 6, 5, 4
    q, k, v = ((rng.random((steps, tokens, d)) < 0.5).astype(float) for _ in range(3))
    r = attention_network("mask", q, k, v, steps_per_sample=2).build().run()
    got = outputs_per_step(r, "a", tokens * d, steps)
    expected, mem = [], np.zeros(d)
    for t in range(steps):
        if t % 2 == 0:
            mem = np.zeros(d)
        kv = (k[t] * v[t]).sum(0)
        h = mem + (kv - mem) / 2.0
        fired = h >= 0.5
        mem = np.where(fired, 0.0, h)
        expected.append((q[t] * fired).reshape(-1))
    np.testing.assert_array_equal(got, np.array(expected))
    with pytest.raises(fluxon.ConfigError, match="Q has shape \\[6, 5\\] but K has \\[6, 4\\]"):
        attention_network("mask", q, k[..., :4], v).build()
    with pytest.raises(fluxon.ConfigError, match="takes 3 inputs, in order; it names 2"):
        net = fluxon.Network(dt="1 ms", duration=None)
        net.layer("q", "input", data=q)
        net.layer("a", "spiking_attention", input=["q", "q"])
        net.build()
    with pytest.raises(fluxon.NetworkError, match="multiplies activation streams"):
        net = attention_network("linear", q, k, v)
        net.hardware("loihi")
        net.build()


@pytest.mark.parametrize("mode", ["linear", "mask"])
def test_spiking_attention_takes_conv_layout_operands_split_into_heads(mode):
    """Operands [C, H, W] as conv layers make them (layout "channels_tokens", 2 heads of 3
    channels, 2 x 3 tokens): the same numbers as the [heads, tokens, channels] operands they are
    once reshaped and transposed as the Spike-driven Transformers' code does, in [C, H, W]."""
    rng = np.random.default_rng(13)
    steps, heads, d, h, w = 4, 2, 3, 2, 3
    q, k, v = ((rng.random((steps, heads * d, h, w)) < 0.5).astype(float) for _ in range(3))
    to_heads = lambda a: a.reshape(steps, heads, d, h * w).transpose(0, 1, 3, 2)  # noqa: E731
    conv = attention_network(mode, q, k, v, steps_per_sample=2, layout="channels_tokens", heads=heads)
    got = outputs_per_step(conv.build().run(), "a", heads * d * h * w, steps)
    ref_net = attention_network(mode, to_heads(q), to_heads(k), to_heads(v), steps_per_sample=2)
    expected = outputs_per_step(ref_net.build().run(), "a", heads * d * h * w, steps)
    back = expected.reshape(steps, heads, h * w, d).transpose(0, 1, 3, 2).reshape(steps, -1)
    np.testing.assert_array_equal(got, back)
    assert back.any()
    with pytest.raises(fluxon.ConfigError, match="6 channels do not split into 4 heads"):
        attention_network(mode, q, k, v, layout="channels_tokens", heads=4).build()
    with pytest.raises(fluxon.ConfigError, match="heads is for layout"):
        attention_network(mode, to_heads(q), to_heads(k), to_heads(v), heads=2).build()


def test_batch_norm_is_pytorch_eval_per_channel_and_zero_inputs_still_shift():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 2, 2, 2)) * (rng.random((3, 2, 2, 2)) < 0.5)
    mean, var = np.array([0.5, -1.0]), np.array([4.0, 0.25])
    gamma, beta = np.array([2.0, -1.0]), np.array([0.0, 0.5])
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=x)
    net.layer("bn", "batch_norm", input="x", running_mean=mean, running_var=var, weight=gamma, bias=beta,
              record=True)
    got = outputs_per_step(net.build().run(), "bn", 8, 3)
    c = (slice(None), None, None)
    expected = np.stack([((f - mean[c]) / np.sqrt(var[c] + 1e-5) * gamma[c] + beta[c]).reshape(-1) for f in x])
    np.testing.assert_array_equal(got, expected)


def test_bit_serial_weights_of_a_conv_count_each_tap_an_event_meets():
    """One input channel, one output channel, 2x2 kernel [[1, 2], [3, 0]] (passes 1, 1, 2, 0)
    on a 2x2 input with padding 0: the one output window holds every input, so an event at
    (y, x) meets only the tap (y, x); events at (0,0), (1,0) and (1,1) cost 1 + 2 + 0 passes."""
    net = fluxon.Network(dt="1 ms", duration=None)
    net.layer("x", "input", data=np.array([[[[1.0, 0], [4, 9]]]]))
    net.layer("c", "conv2d", input="x", weight=np.array([[[[1.0, 2], [3, 0]]]]), bit_serial_bits=2,
              bit_serial_operand="weights")
    assert net.build().run().layers["tables"]["layers"]["bit_ops"][-1] == 1 + 2 + 0


def test_the_sequence_examples_classify_as_their_numpy_references():
    """examples/sequences/*.toml on the 360 test digits read as sequences: the LMU's scores at
    each image's last step equal numpy's within rounding, the L2MU's spike-count scores exactly
    the numpy reference's; the accuracies are those the training script reported."""
    d = np.load(ROOT / "examples" / "sequences" / "sequences.npz")
    labels = d["test_y"]
    lmu = fluxon.load_config(ROOT / "examples" / "sequences" / "lmu_digits.toml").run()
    got = outputs_per_step(lmu, "fc", 10, 360 * 64)[63::64]
    x = d["lmu_x"].reshape(360, 64, 1)
    zeros = np.zeros
    expected = np.stack([ref.lmu_steps(seq, 24, 64, d["lmu_ex"], zeros(32), zeros(24), d["lmu_wx"], zeros((32, 32)),
                                       d["lmu_wm"], d["lmu_b"])[-1] @ d["lmu_wo"].T + d["lmu_bo"] for seq in x])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    assert np.mean(got.argmax(1) == labels) == pytest.approx(329 / 360)

    l2mu = fluxon.load_config(ROOT / "examples" / "sequences" / "l2mu_digits.toml").run()
    got = outputs_per_step(l2mu, "score", 10, 360 * 8)[7::8]
    enc = {"x": d["l2mu_ex"], "h": np.zeros((32, 64)), "m": np.zeros((32, 192))}
    ker = {"x": d["l2mu_wx"], "h": np.zeros((64, 64)), "m": d["l2mu_wm"]}
    neurons = {"u": (0.8, 0.2), "m": (0.2, 0.4), "h": (0.45, 0.65)}
    expected = np.stack([ref.l2mu_steps(seq, 6, 8, enc, ker, neurons)[0].sum(0) @ d["l2mu_wo"].T + 8 * d["l2mu_bo"]
                         for seq in d["l2mu_x"].reshape(360, 8, 16)])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    assert np.mean(got.argmax(1) == labels) == pytest.approx(295 / 360)
    stats = l2mu.layers["stats"]
    assert stats["effective_macs"] == 0 and stats["samples"] == 360


def test_the_spiking_transformer_example_classifies_as_its_numpy_reference():
    """examples/transformer/spikeformer_digits.toml (a Meta-SpikeFormer block at T = 1) on the
    360 test digits: every class score equal to the numpy forward pass the model was trained
    with, so the same predictions and the accuracy the training script reported; all of the
    block's synaptic operations are accumulates, the embedding's MACs (real pixels)."""
    sys.path.insert(0, str(ROOT / "examples" / "transformer"))
    import train_spikeformer as model
    d = np.load(ROOT / "examples" / "transformer" / "spikeformer.npz")
    r = fluxon.load_config(ROOT / "examples" / "transformer" / "spikeformer_digits.toml").run()
    got = outputs_per_step(r, "head", 10, 360)
    p = {k: d[k].reshape(d[k].shape[0], -1) if k.endswith("_w") else d[k] for k in d.files if k not in ("x", "test_y")}
    expected = model.forward(p, d["x"].astype(np.float64).reshape(360, 64))["logits"]
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    assert np.mean(got.argmax(1) == d["test_y"]) == pytest.approx(252 / 360)
    # MACs: each non-zero pixel meets the 32 channels of every 3x3 window (stride 2, padding 1)
    # holding it: along a row or column, 2 windows for 1, 3, 5, and 1 for the others (the last,
    # 7, lies in window 3 only).
    assert (d["embed_w"] != 0).all()
    per_axis = np.array([1, 2, 1, 2, 1, 2, 1, 1])
    windows = np.outer(per_axis, per_axis)
    macs = ((d["x"].reshape(360, 8, 8) != 0) * windows).sum() * 32
    assert r.layers["stats"]["effective_macs"] * 360 == macs


def test_the_egru_text_example_predicts_as_its_numpy_reference():
    """examples/sequences/egru_text.toml on the held-out text: every logit equal to the numpy
    forward pass the model was trained with, the same bits per character, and the units'
    activity (the share that emit per step) counted by the layer's events."""
    sys.path.insert(0, str(ROOT / "examples" / "sequences"))
    import train_egru as model
    d = np.load(ROOT / "examples" / "sequences" / "egru.npz")
    r = fluxon.load_config(ROOT / "examples" / "sequences" / "egru_text.toml").run()
    steps = len(d["x"])
    got = outputs_per_step(r, "fc", len(model.SYMBOLS), steps)
    p = {k: d[k] for k in d.files if k not in ("x", "next", "threshold")}
    inputs = d["x"].argmax(1).reshape(-1, model.WINDOW)
    ids = np.concatenate([inputs, d["next"].reshape(-1, model.WINDOW)[:, -1:]], axis=1)
    logits, trace = model.forward(p, ids)
    np.testing.assert_allclose(got, logits.reshape(steps, -1), rtol=1e-9, atol=1e-9)
    logp = got - got.max(1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(1, keepdims=True))
    bits = -logp[np.arange(steps), d["next"]].mean() / np.log(2)
    assert bits == pytest.approx(2.403, abs=5e-4)
    table = r.layers["tables"]["layers"]
    egru = list(table["name"]).index("egru")
    emitted = sum((step[-1] != 0).sum() for step in trace)
    assert table["nonzero_activations"][egru] == emitted
    assert table["activations"][egru] == steps * 96
