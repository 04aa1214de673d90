"""NIR graphs (docs/nir.md) against the traces the NIR paper published for each framework and
against independent numpy implementations of NIR's definitions: the Norse LIF case, a
recurrent CuBa-LIF Braille network exported by snnTorch (flat and nested give identical
outputs), and the Sinabs N-MNIST CNN. The sample files are the NIR paper's (neuromorphs/NIR,
BSD-3-Clause), in ../shared/data/nir/."""
import os
import pathlib
import subprocess
import sys

import h5py
import numpy as np
import pytest

import fluxon

ROOT = pathlib.Path(__file__).resolve().parents[2]
NIR = ROOT.parent / "shared" / "data" / "nir"
LIF = NIR / "01_lif"
pytestmark = pytest.mark.skipif(not NIR.is_dir(), reason="the NIR sample files are not here")


def trace(name):
    """Columns (input spike, v, output spike) of a framework's trace, dt = 0.1 ms."""
    return np.loadtxt(LIF / f"lif_{name}.csv", delimiter=",")


def spike_steps(column):
    return list(np.nonzero(column)[0])


def node(path, name):
    with h5py.File(path, "r") as f:
        g = f["node"]["nodes"]
        for part in name.split("/"):
            g = g[part]
        return {k: np.asarray(g[k][()], dtype=np.float64) for k in g if k != "type" and not isinstance(g[k], h5py.Group)}


# -- the NIR paper's LIF case (01_lif): one LIF neuron exported by Norse -------------------

def test_norse_lif_spikes_as_norse_snntorch_spinnaker2_and_nengo_did():
    x = trace("norse")[:, :1]
    out = fluxon.nir.run(LIF / "lif_norse.nir", x, dt=1e-4)
    ours = spike_steps(out["output"][:, 0])
    assert ours == [460, 510, 710, 760]
    for framework in ("norse", "snntorch", "spinnaker2", "nengo"):
        assert spike_steps(trace(framework)[:, 2]) == ours, framework
    # The exact rule fires on the same steps (Nengo integrates exactly).
    exact = fluxon.nir.run(LIF / "lif_norse.nir", x, dt=1e-4, integration="exact")
    assert spike_steps(exact["output"][:, 0]) == ours


def euler_lif(x, tau, r, v_leak, threshold, dt):
    """NIR's LIF by forward Euler, v recorded after the reset (as the paper's traces are)."""
    v, vs, zs = 0.0, [], []
    for xt in x:
        v = v + dt / tau * ((v_leak - v) + r * xt)
        z = v > threshold
        if z:
            v = 0.0
        vs.append(v)
        zs.append(z)
    return np.array(vs), np.array(zs)


def test_norse_lif_voltage_is_nirs_euler_step_bit_for_bit_and_norses_trace_to_float32():
    x = trace("norse")[:, 0]
    p = node(LIF / "lif_norse.nir", "1")
    # The membrane without a threshold (nir_li, same ODE) equals the Euler reference exactly ...
    net = fluxon.Network(dt=1e-4, duration=None)
    net.layer("x", "input", data=x[:, None])
    net.layer("v", "nir_li", input="x", tau=p["tau"], r=p["r"], v_leak=p["v_leak"], record=True)
    r = net.build().run()
    times, ids, values = r.layer_events("v")
    li = np.zeros(len(x))
    li[np.rint(times / 1e-4).astype(int)] = values
    reference, _ = euler_lif(x, p["tau"][0], p["r"][0], p["v_leak"][0], np.inf, 1e-4)
    np.testing.assert_array_equal(li, reference)
    # ... and the Euler reference with the threshold is Norse's trace, to float32 precision
    # (Norse computes in float32); snnTorch and SpiNNaker 2 scale v by tau/dt = 25, Nengo by
    # 10 (its threshold is 1) with the exact rule.
    v, z = euler_lif(x, p["tau"][0], p["r"][0], p["v_leak"][0], p["v_threshold"][0], 1e-4)
    assert np.abs(trace("norse")[:, 1] - v).max() < 1e-7
    assert np.abs(trace("snntorch")[:, 1] / 25 - v).max() < 1e-7
    assert spike_steps(z) == [460, 510, 710, 760]


def test_rockpools_reexport_runs_by_nirs_definition():
    """Rockpool re-exported the neuron as Linear(0.04) + LIF(r = 24.02): by NIR's equations the
    input jump is dt/tau * r * 0.04 = 0.0384, and the neuron fires later than Rockpool's own
    simulator did (its trace jumps by 0.04 and fires at 450, 500, 710, 760)."""
    x = trace("rockpool")[:, 0]
    p = node(LIF / "lif_rockpool.nir", "1_LIFNeuronTorch")
    w = node(LIF / "lif_rockpool.nir", "0_LinearTorch")["weight"][0, 0]
    out = fluxon.nir.run(LIF / "lif_rockpool.nir", x[:, None], dt=1e-4)
    _, z = euler_lif(w * x, p["tau"][0], p["r"][0], p["v_leak"][0], p["v_threshold"][0], 1e-4)
    assert spike_steps(out["output"].reshape(len(x))) == spike_steps(z) == [460, 520, 720, 780]
    assert spike_steps(trace("rockpool")[:, 2]) == [450, 500, 710, 760]


# -- a recurrent CuBa-LIF network (03_rnn, snnTorch), flat and nested ----------------------

def braille_reference(path, x, reset, dt=1e-4):
    """The flat Braille graph by hand: fc1 -> lif1.lif <-> lif1.w_rec, lif1.lif -> fc2 -> lif2,
    Euler with dt, the recurrent edge carrying the previous step's spikes. Affine layers add
    each input event's column to the bias in index order, as an event-driven layer does."""
    fc1, fc2, rec = (node(path, n) for n in ("fc1", "fc2", "lif1.w_rec"))
    l1, l2 = node(path, "lif1.lif"), node(path, "lif2")

    def affine(p, s):
        acc = p["bias"].copy() if "bias" in p else np.zeros(p["weight"].shape[0])
        for i in np.nonzero(s)[0]:
            acc += p["weight"][:, i] * s[i]
        return acc

    def cuba(p, state, inp):
        i, v = state
        i = i + dt / p["tau_syn"] * (-i + p["w_in"] * inp)
        v = v + dt / p["tau_mem"] * ((p["v_leak"] - v) + p["r"] * i)
        z = v > p["v_threshold"]
        v = np.where(z, v - p["v_threshold"] if reset == "subtract" else 0.0, v)
        return (i, v), z.astype(float)

    s1 = (np.zeros(len(l1["r"])), np.zeros(len(l1["r"])))
    s2 = (np.zeros(len(l2["r"])), np.zeros(len(l2["r"])))
    z1 = None
    out = []
    for xt in x:
        inp = affine(fc1, xt) + (affine(rec, z1) if z1 is not None else 0.0)
        s1, z1 = cuba(l1, s1, inp)
        s2, z2 = cuba(l2, s2, affine(fc2, z1))
        out.append(z2)
    return np.array(out)


@pytest.mark.parametrize("model,reset", [("braille_noDelay_bias_zero", "hard"),
                                         ("braille_noDelay_noBias_subtract", "subtract")])
def test_braille_flat_and_nested_agree_exactly_and_with_numpy(model, reset):
    rng = np.random.default_rng(5)
    x = (rng.random((300, 12)) < 0.2).astype(float)
    flat = fluxon.nir.run(NIR / "03_rnn" / f"{model}.nir", x, dt=1e-4, reset=reset)["output"]
    nested = fluxon.nir.run(NIR / "03_rnn" / f"{model}_subgraph.nir", x, dt=1e-4, reset=reset)["output"]
    np.testing.assert_array_equal(flat, nested)
    np.testing.assert_array_equal(flat, braille_reference(NIR / "03_rnn" / f"{model}.nir", x, reset))
    assert flat.sum() > 10  # the network is active: the comparison means something


# -- the Sinabs CNN (02_cnn) ----------------------------------------------------------------

def conv2d(x, w, b, stride, padding):
    c_out, c_in, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    h = (xp.shape[1] - kh) // stride + 1
    wd = (xp.shape[2] - kw) // stride + 1
    out = np.empty((c_out, h, wd))
    for i in range(h):
        for j in range(wd):
            patch = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, i, j] = np.tensordot(w, patch, axes=3) + b
    return out


def sum_pool(x, k):
    c, h, w = x.shape
    return x.reshape(c, h // k, k, w // k, k).sum(axis=(2, 4))


def cnn_reference(path, frames):
    p = {n: node(path, n) for n in ("0", "1", "2", "3", "5", "6", "9", "10", "11", "12")}
    v = {n: np.zeros(p[n]["r"].shape) for n in ("1", "3", "6", "10", "12")}

    def if_step(n, inp):
        v[n] = v[n] + p[n]["r"] * inp
        z = v[n] > p[n]["v_threshold"]
        v[n][z] = 0.0
        return z.astype(float)

    out = []
    for x in frames:
        a = if_step("1", conv2d(x, p["0"]["weight"], p["0"]["bias"], 2, 1))
        a = if_step("3", conv2d(a, p["2"]["weight"], p["2"]["bias"], 1, 1))
        a = sum_pool(a, 2)
        a = if_step("6", conv2d(a, p["5"]["weight"], p["5"]["bias"], 1, 1))
        a = sum_pool(a, 2).reshape(-1)
        a = if_step("10", p["9"]["weight"] @ a + p["9"]["bias"])
        out.append(if_step("12", p["11"]["weight"] @ a + p["11"]["bias"]))
    return np.array(out)


def test_sinabs_cnn_runs_as_its_numpy_reference():
    rng = np.random.default_rng(3)
    frames = (rng.random((30, 2, 34, 34)) < 0.15).astype(float)
    path = NIR / "02_cnn" / "cnn_sinabs.nir"
    out = fluxon.nir.run(path, frames, dt=1e-3)["output"]
    assert out.shape == (30, 10)
    np.testing.assert_array_equal(out, cnn_reference(path, frames))
    assert out.sum() > 0


# -- config, command line, errors -----------------------------------------------------------

def test_the_command_line_and_a_config_file_give_the_python_result(tmp_path):
    x = trace("norse")[:, :1]
    np.save(tmp_path / "x.npy", x)
    cli = os.environ.get("FLUXON_CLI", str(ROOT / "build" / "io" / "cli" / "fluxon"))
    subprocess.run([cli, "nir", str(LIF / "lif_norse.nir"), "--input", str(tmp_path / "x.npy"), "--dt", "0.1 ms",
                    "-o", str(tmp_path / "cli.h5"), "-q"], check=True)
    (tmp_path / "run.toml").write_text(f'[run]\ndt = "0.1 ms"\n[nir]\nfile = "{LIF / "lif_norse.nir"}"\n'
                                       'input = { file = "x.npy" }\n')
    config = fluxon.load_config(tmp_path / "run.toml").run()
    for times in (fluxon.runfile.Run(tmp_path / "cli.h5").layer_events("output")[0],
                  config.layer_events("output")[0]):
        np.testing.assert_array_equal(np.rint(times / 1e-4), [460, 510, 710, 760])


def test_bad_inputs_and_files_name_the_culprit(tmp_path):
    with pytest.raises(fluxon.ConfigError, match=r"the data has shape \[5, 3\]; the NIR Input node 'input' takes "
                                                 r"\[steps, 2, 34, 34\]"):
        fluxon.nir.load(NIR / "02_cnn" / "cnn_sinabs.nir", np.zeros((5, 3)), dt=1e-3).build()
    with pytest.raises(fluxon.IoError, match="not a NIR file"):
        with h5py.File(tmp_path / "empty.nir", "w") as f:
            f["version"] = "1.0.0"
        fluxon.nir.load(tmp_path / "empty.nir", np.zeros((5, 1)), dt=1e-3).build()
    bad = tmp_path / "bad.nir"
    with h5py.File(bad, "w") as f:
        g = f.create_group("node")
        g["type"] = "NIRGraph"
        g["edges"] = np.array([["in", "n"], ["n", "out"]], dtype=object)
        nodes = g.create_group("nodes")
        for name, kind in (("in", "Input"), ("out", "Output"), ("n", "Softmax")):
            nodes.create_group(name)["type"] = kind
        nodes["in"]["shape"] = np.array([2])
        nodes["out"]["shape"] = np.array([2])
    with pytest.raises(fluxon.IoError, match=r"NIR node 'n' \(Softmax\): unknown node type 'Softmax'"):
        fluxon.nir.load(bad, np.zeros((5, 2)), dt=1e-3).build()
    with pytest.raises(fluxon.ConfigError, match=r"one of euler, exact"):
        fluxon.nir.load(LIF / "lif_norse.nir", np.zeros((5, 1)), dt=1e-3, integration="rk4").build()


def test_the_nmnist_example_runs_the_cnn_on_chips_and_arrays_and_agrees_with_its_config(tmp_path):
    script = ROOT / "examples" / "python" / "nir_nmnist.py"
    out = subprocess.run([sys.executable, "-B", str(script)], check=True, capture_output=True, text=True,
                         cwd=tmp_path).stdout
    rows = {" ".join(line.split()[:2]): line.split() for line in out.splitlines()
            if line.startswith(("chip", "crossbar"))}
    assert set(rows) == {"chip loihi", "chip spinnaker2", "crossbar reram_neurosim", "crossbar pcm_aihwkit"}
    # The chips run the network's own numbers: the same class and synaptic events on both.
    assert rows["chip loihi"][2] == rows["chip spinnaker2"][2]
    assert rows["chip loihi"][-1] == rows["chip spinnaker2"][-1] == "2827262"
    config = fluxon.load_config(ROOT / "examples" / "nir" / "nmnist_cnn_loihi.toml").run()
    assert f"{config.total_energy * 1e6:.4g} uJ" == " ".join(rows["chip loihi"][4:6])
    assert "1.204e+06 effective MACs" in out


def write_graph(path, nodes, edges):
    """A NIR file as nir.write lays it out: nodes {name: {field: value}}, edges [(src, dst)]."""
    with h5py.File(path, "w") as f:
        f["version"] = "1.0.0"
        g = f.create_group("node")
        g["type"] = "NIRGraph"
        g["edges"] = np.array(edges, dtype=object)
        group = g.create_group("nodes")
        for name, fields in nodes.items():
            n = group.create_group(name)
            for key, value in fields.items():
                n[key] = value


def test_damaged_and_inconsistent_graphs_name_the_node_and_the_field(tmp_path):
    truncated = tmp_path / "truncated.nir"
    truncated.write_bytes((LIF / "lif_norse.nir").read_bytes()[:1500])
    with pytest.raises(fluxon.IoError, match="truncated.nir"):
        fluxon.nir.load(truncated, np.zeros((3, 1)), dt=1e-4).build()

    io = {"in": {"type": "Input", "shape": np.array([2])}, "out": {"type": "Output", "shape": np.array([3])}}
    text_weight = tmp_path / "text.nir"
    write_graph(text_weight, {**io, "fc": {"type": "Linear", "weight": "ones"}}, [("in", "fc"), ("fc", "out")])
    with pytest.raises(fluxon.IoError, match=r"NIR node 'fc' \(Linear\): 'weight' holds text where numbers were "
                                             r"expected"):
        fluxon.nir.load(text_weight, np.zeros((3, 2)), dt=1e-3).build()

    mismatch = tmp_path / "mismatch.nir"
    write_graph(mismatch, {**io, "fc": {"type": "Linear", "weight": np.ones((3, 4))}}, [("in", "fc"), ("fc", "out")])
    with pytest.raises(fluxon.ConfigError, match=r"layer 'fc': 'weight' has shape \[3, 4\], expected \[3, 2\]"):
        fluxon.nir.load(mismatch, np.zeros((3, 2)), dt=1e-3).build()

    strides = tmp_path / "strides.nir"
    conv = {"type": "Conv2d", "weight": np.ones((1, 1, 3, 3)), "bias": np.zeros(1), "stride": np.array([1, 2]),
            "padding": np.array([0, 0]), "dilation": np.array([1, 1]), "groups": 1}
    write_graph(strides, {"in": {"type": "Input", "shape": np.array([1, 6, 6])}, "c": conv,
                          "out": {"type": "Output", "shape": np.array([1, 4, 2])}}, [("in", "c"), ("c", "out")])
    with pytest.raises(fluxon.IoError, match=r"NIR node 'c' \(Conv2d\): 'stride' is 1, 2; fluxon's conv and pool "
                                             r"layers take one whole number >= 0 for every axis"):
        fluxon.nir.load(strides, np.zeros((3, 1, 6, 6)), dt=1e-3).build()

    dangling = tmp_path / "dangling.nir"
    write_graph(dangling, {**io, "fc": {"type": "Linear", "weight": np.ones((3, 2))}}, [("in", "fc"), ("fc", "outt")])
    with pytest.raises(fluxon.IoError, match=r"an edge to 'outt', which is no node; the nodes are: fc, in, out"):
        fluxon.nir.load(dangling, np.zeros((3, 2)), dt=1e-3).build()
