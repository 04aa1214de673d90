"""NIR export (docs/nir.md, "Export"): fluxon.nir.save writes NIR's own layout (formats.md
§1.2), and what it writes runs as the network it came from, bit for bit: a Network built with
net.layer(...), and the NIR paper's sample files (../shared/data/nir/) after load -> save."""
import pathlib

import h5py
import numpy as np
import pytest

import fluxon

NIR = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nir"

pytestmark = pytest.mark.skipif(not NIR.is_dir(), reason="the NIR sample files are not here")


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def recurrent_network(x):
    """input -> Affine -> LIF <-> Linear (recurrent), LIF -> out."""
    rng = np.random.default_rng(11)
    net = fluxon.Network(dt=1e-4, duration=None)
    net.layer("x", "input", data=x)
    net.layer("fc", "linear", input="x", weight=rng.normal(0.0, 1.0, (4, 6)), bias=np.full(4, 0.05))
    net.layer("lif", "nir_lif", input=["fc", "rec"], tau=[2e-3], v_threshold=[0.3], v_leak=[0.0, 0.01, 0.0, 0.02])
    net.layer("rec", "linear", input="lif", weight=rng.normal(0.0, 0.5, (4, 4)))
    net.layer("out", "identity", input="lif", record=True)
    return net


def dense_events(result, name, steps, size, dt):
    out = np.zeros((steps, size))
    times, ids, values = result.layer_events(name)
    out[np.rint(np.asarray(times) / dt).astype(np.int64), ids] = values
    return out


def test_a_saved_network_has_nirs_layout(tmp_path):
    x = np.zeros((10, 6))
    path = tmp_path / "rnn.nir"
    fluxon.nir.save(recurrent_network(x), path)
    with h5py.File(path, "r") as f:
        assert set(f.keys()) == {"version", "node"}
        assert len(f.attrs) == 0  # the version is a dataset, not an attribute
        version = f["version"]
        assert version.shape == ()
        assert h5py.check_string_dtype(version.dtype).encoding == "utf-8"
        assert h5py.check_string_dtype(version.dtype).length is None  # variable length
        assert text(version[()]) == "1.0.7"
        top = f["node"]
        assert text(top["type"][()]) == "NIRGraph"
        edges = top["edges"]
        assert edges.ndim == 2 and edges.shape[1] == 2
        assert h5py.check_string_dtype(edges.dtype) is not None
        assert {(text(a), text(b)) for a, b in edges[()]} == {
            ("x", "fc"), ("fc", "lif"), ("rec", "lif"), ("lif", "rec"), ("lif", "out")}
        assert edges.shape[0] == 5
        nodes = top["nodes"]
        fields = {name: {k for k in nodes[name]} for name in nodes}
        assert fields == {
            "x": {"type", "shape"},
            "fc": {"type", "weight", "bias"},
            "lif": {"type", "tau", "r", "v_leak", "v_threshold", "v_reset"},
            "rec": {"type", "weight"},
            "out": {"type", "shape"},
        }
        types = {name: text(nodes[name]["type"][()]) for name in nodes}
        assert types == {"x": "Input", "fc": "Affine", "lif": "LIF", "rec": "Linear", "out": "Output"}
        np.testing.assert_array_equal(nodes["x"]["shape"][()], [6])
        np.testing.assert_array_equal(nodes["out"]["shape"][()], [4])
        assert nodes["x"]["shape"].dtype == np.int64
        lif = nodes["lif"]
        for name in ("tau", "r", "v_leak", "v_threshold", "v_reset"):
            assert lif[name].shape == (4,), name  # full arrays per neuron (NIR#176)
            assert lif[name].dtype == np.float64
            assert lif[name].compression == "gzip"
        np.testing.assert_array_equal(lif["tau"][()], [2e-3] * 4)
        np.testing.assert_array_equal(lif["r"][()], [1.0] * 4)
        np.testing.assert_array_equal(lif["v_leak"][()], [0.0, 0.01, 0.0, 0.02])
        np.testing.assert_array_equal(lif["v_reset"][()], [0.0] * 4)
        assert nodes["fc"]["weight"].shape == (4, 6)


def test_a_saved_network_runs_as_the_original(tmp_path):
    rng = np.random.default_rng(4)
    steps, dt = 300, 1e-4
    x = (rng.random((steps, 6)) < 0.3).astype(float)
    net = recurrent_network(x)
    original = dense_events(net.build().run(), "out", steps, 4, dt)
    assert original.sum() > 10  # the comparison means something
    fluxon.nir.save(net, tmp_path / "rnn.nir")
    exported = fluxon.nir.run(tmp_path / "rnn.nir", x, dt=dt)
    assert set(exported) == {"out"}
    np.testing.assert_array_equal(exported["out"], original)


@pytest.mark.parametrize("sample,shape,dt", [("02_cnn/cnn_sinabs.nir", (2, 34, 34), 1e-3),
                                             ("03_rnn/braille_noDelay_bias_zero_subgraph.nir", (12,), 1e-4)])
def test_samples_run_the_same_after_load_and_save(tmp_path, sample, shape, dt):
    rng = np.random.default_rng(9)
    x = (rng.random((40,) + shape) < 0.2).astype(float)
    before = fluxon.nir.run(NIR / sample, x, dt=dt)
    fluxon.nir.save(fluxon.nir.load(NIR / sample, x, dt=dt), tmp_path / "again.nir")
    after = fluxon.nir.run(tmp_path / "again.nir", x, dt=dt)
    assert set(after) == set(before)
    for name in before:
        np.testing.assert_array_equal(after[name], before[name])
    assert sum(a.sum() for a in before.values()) > 0


def test_what_nir_cannot_express_is_refused_naming_the_layer(tmp_path):
    net = fluxon.Network(dt=1e-3, duration=None)
    net.layer("x", "input", data=np.ones((3, 4)))
    net.layer("act", "relu", input="x")
    with pytest.raises(fluxon.NetworkError, match=r"layer 'act' \(kind relu\) cannot be exported to NIR") as e:
        fluxon.nir.save(net, tmp_path / "bad.nir")
    assert e.value.node == "act"
    net = fluxon.Network(dt=1e-3, duration=None)
    net.layer("x", "input", data=np.ones((3, 4)))
    net.layer("n", "nir_if", input="x", v_threshold=[1.0], reset="subtract")
    with pytest.raises(fluxon.NetworkError, match="subtract"):
        fluxon.nir.save(net, tmp_path / "bad.nir")
    net = fluxon.Network(dt=1e-3)
    net.population("p", 3, "lif")
    with pytest.raises(fluxon.NetworkError, match="layered networks"):
        fluxon.nir.save(net, tmp_path / "bad.nir")


def test_the_command_line_writes_what_python_saves(tmp_path):
    import os
    import subprocess
    x = np.zeros((5, 1))
    np.save(tmp_path / "x.npy", x)
    sample = NIR / "01_lif" / "lif_norse.nir"
    (tmp_path / "m.toml").write_text(f'[run]\ndt = "0.1 ms"\n[nir]\nfile = "{sample}"\ninput = {{ file = "x.npy" }}\n')
    root = pathlib.Path(__file__).resolve().parents[2]
    cli = os.environ.get("FLUXON_CLI", str(root / "build" / "io" / "cli" / "fluxon"))
    subprocess.run([cli, "export-nir", str(tmp_path / "m.toml"), "-o", str(tmp_path / "cli.nir"), "-q"], check=True)
    fluxon.nir.save(fluxon.nir.load(sample, x, dt=1e-4), tmp_path / "py.nir")

    def contents(path):
        out = {}
        with h5py.File(path, "r") as f:
            f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
        return out

    cli_file, py_file = contents(tmp_path / "cli.nir"), contents(tmp_path / "py.nir")
    assert cli_file.keys() == py_file.keys()
    for name in cli_file:
        np.testing.assert_array_equal(cli_file[name], py_file[name], err_msg=name)
    bad = tmp_path / "bad.toml"
    bad.write_text('[run]\ndt = "0.1 ms"\n[layers.x]\nkind = "input"\ndata = [[1.0, 2.0]]\n'
                   '[layers.r]\nkind = "relu"\ninput = "x"\n')
    done = subprocess.run([cli, "export-nir", str(bad), "-o", str(tmp_path / "bad.nir")], capture_output=True, text=True)
    assert done.returncode == 2
    assert "layer 'r' (kind relu) cannot be exported to NIR" in done.stderr
