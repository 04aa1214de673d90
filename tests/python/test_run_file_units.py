"""Every dataset of real run files carries a `units` attribute (docs/run_file.md, "Units"), and
every string attribute reads back as str with plain h5py: a network with probes and recorded
weights, a chip, crossbars, DRAM, SFQ and a layered network, each as `fluxon` writes it."""
import os
import pathlib
import subprocess

import h5py
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY = str(ROOT / "tests/integration/data/tiny.toml")

RUNS = {
    "cuba": ["run", str(ROOT / "examples/cuba.toml"), "--set", "run.duration=50 ms",
             "--set", 'record.weights=["exc_inh"]'],
    "chip": ["run", TINY, "--set", "hardware.preset=loihi", "--set", "record.weights=all"],
    "crossbar": ["run", TINY, "--set", "crossbar.preset=reram_neurosim"],
    "dram": ["dram", str(ROOT / "tests/integration/data/small.trace")],
    "sfq": ["sfq", str(ROOT / "examples/sfq/adder4.toml")],
    "layers": ["run", str(ROOT / "examples/layers/int8_digits.toml")],
}


@pytest.fixture(scope="module", params=sorted(RUNS))
def run_file(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(request.param) / "run.h5"
    out = subprocess.run([os.environ["FLUXON_CLI"], *RUNS[request.param], "-o", str(path), "-q"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return request.param, path


def objects(f):
    found = [("/", f)]
    f.visititems(lambda name, obj: found.append(("/" + name, obj)))
    return found


def test_every_dataset_has_units_and_every_string_attribute_is_str(run_file):
    kind, path = run_file
    with h5py.File(path, "r") as f:
        datasets = 0
        for name, obj in objects(f):
            if isinstance(obj, h5py.Dataset):
                datasets += 1
                assert "units" in obj.attrs, f"{kind}: {name} has no units attribute"
            for key, value in obj.attrs.items():
                assert not isinstance(value, (bytes, np.bytes_)), f"{kind}: {name}.attrs[{key!r}] reads as bytes"
                if isinstance(value, np.ndarray) and value.dtype.kind in "OSU":
                    assert all(isinstance(v, str) for v in value.ravel()), f"{kind}: {name}.attrs[{key!r}]"
        assert datasets > 10


def test_units_say_what_the_numbers_are(run_file):
    kind, path = run_file
    with h5py.File(path, "r") as f:
        assert f["run/time_reached"].attrs["units"] == "s"
        assert f["run/status"].attrs["units"] == ""
        assert f["ledger/energy"].attrs["units"] == "J" and f["ledger/count"].attrs["units"] == "1"
        assert f["counters/wall_time"].attrs["units"] == "s" and f["counters/spikes"].attrs["units"] == "1"
        for instance, device in f["devices"].items():
            stats = device["stats"]
            assert stats["real"].attrs["units"] == "varies: see the unit column"
            for table in device.get("tables", {}).values():
                for column in table.values():
                    if "unit" in column.attrs:
                        assert column.attrs["units"] == column.attrs["unit"]
        if kind == "cuba":
            assert f["spikes/exc/times"].attrs["units"] == "s" and f["spikes/exc/ids"].attrs["units"] == "1"
            assert f["probes/exc/v/values"].attrs["units"] == "V"
            weights = f["weights/exc_inh"]
            assert weights.attrs["pre"] == "exc" and weights.attrs["post"] == "inh"
            assert weights["weight"].attrs["units"] == "V" and weights["delay"].attrs["units"] == "s"
            assert weights["pre"].shape == weights["weight"].shape and weights["weight"].shape[0] > 1000
            out = subprocess.run([os.environ["FLUXON_CLI"], "inspect", str(path)], capture_output=True, text=True)
            assert f"exc_inh          {weights['weight'].shape[0]} synapses" in out.stdout, out.stdout
            assert "not read" not in out.stdout
        if kind == "chip":
            stats = f["devices/chip/stats"].attrs
            assert stats["mesh_width"] * stats["mesh_height"] == stats["tiles"] > 1
            assert stats["cores_per_tile"] >= 1
            weights = f["weights/input"]
            # tiny.toml: 2 stimulus neurons all-to-all onto 4, at 20 mV, as the run used them: in
            # the chip's 8-bit fixed point (mantissa x 2^exponent), so 0.02 becomes 0.02001953
            w = weights["weight"][()]
            assert w.shape == (8,) and np.all(w == w[0]) and w[0] != 0.02 and abs(w[0] - 0.02) < 0.02 / 256
            assert sorted(zip(weights["pre"][()].tolist(), weights["post"][()].tolist())) == \
                [(i, j) for i in range(2) for j in range(4)]
