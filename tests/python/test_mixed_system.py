"""A run on several device families (examples/mixed_system.toml and .py): a chip whose synaptic
rows spill into DRAM, crossbar arrays for one projection and an SFQ circuit fed by two neurons'
spikes, in one run, one time base, one ledger, one file."""
import importlib.util
import os
import pathlib
import subprocess
import sys

import h5py
import numpy as np
import pytest

import fluxon

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIG = ROOT / "examples" / "mixed_system.toml"
SHORT = "run.duration=40 ms"


def example_module():
    spec = importlib.util.spec_from_file_location("mixed_system", ROOT / "examples" / "python" / "mixed_system.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_and_config_give_the_same_run():
    from_file = fluxon.load_config(CONFIG, overrides=[SHORT])
    from_script = example_module().build(duration="40 ms").build()
    a, b = from_file.run(), from_script.run()
    assert sorted(a.devices) == sorted(b.devices) == ["chip", "crossbar", "sfq"]
    for pop in ("exc", "inh"):
        for x, y in zip(from_file.spikes(pop), from_script.spikes(pop)):
            assert np.array_equal(x, y)
    for column in ("component", "action", "count", "energy"):
        assert np.array_equal(from_file.ledger()[column], from_script.ledger()[column]), column
    chip = a.devices["chip"]
    # 80 inputs per neuron do not fit a Loihi core's 58254 synapses at 1024 neurons a core.
    assert chip.tables["cores"]["synapses_off_chip"].sum() > 0
    assert chip.stats["dram_reads"] > 0 and chip.stats["synapse_dram"] == "builtin:ddr4_3200"
    # The arrays take stim_exc: the chip holds every other synapse and no synapse of it.
    n_synapses = {name: p["n_synapses"] for name, p in from_file.projections.items()}
    assert chip.tables["cores"]["synapses"].sum() == sum(n_synapses.values()) - n_synapses["stim_exc"]
    assert list(a.devices["crossbar"].tables["projections"]["name"]) == ["stim_exc"]
    # Every spike of exc[0] and exc[1] is one DC-to-SFQ conversion into the circuit.
    times, ids = from_file.spikes("exc")
    sfq = a.devices["sfq"]
    assert sfq.stats["conversions"] == np.count_nonzero(ids < 2) > 0
    assert list(b.devices["sfq"].tables["outputs"]["time_fs"]) == list(sfq.tables["outputs"]["time_fs"])
    assert a.total_energy == pytest.approx(sum(d.ledger_attrs["total_energy"] for d in a.devices.values()), rel=1e-12)


def test_the_run_file_holds_both_devices_and_is_the_same_on_two_threads(tmp_path):
    cli = os.environ["FLUXON_CLI"]
    files = []
    for threads in (1, 2):
        out = tmp_path / f"mixed_{threads}.h5"
        subprocess.run([cli, "run", str(CONFIG), "-o", str(out), "--quiet", "--threads", str(threads),
                        "--set", SHORT, "--set", "run.min_slice=512"], check=True)
        files.append(out)
    with h5py.File(files[0], "r") as one, h5py.File(files[1], "r") as two:
        assert sorted(one["devices"]) == ["chip", "crossbar", "sfq"]
        assert one["devices/chip"].attrs["family"] == "neuromorphic"
        total = sum(one[f"devices/{d}/ledger"].attrs["total_energy"] for d in ("chip", "crossbar", "sfq"))
        assert one["ledger"].attrs["total_energy"] == pytest.approx(total, rel=1e-12)
        for name in ("spikes/exc/ids", "spikes/inh/times", "ledger/count", "ledger/energy",
                     "devices/crossbar/tables/tile_activity/reads", "devices/chip/tables/link_traffic/messages",
                     "devices/sfq/tables/outputs/time_fs"):
            assert np.array_equal(one[name][()], two[name][()]), name


def test_the_example_script_prints_every_device(tmp_path):
    out = subprocess.run([sys.executable, ROOT / "examples" / "python" / "mixed_system.py", "run.h5"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, check=True).stdout
    assert "chip      neuromorphic" in out and "crossbar  crossbar" in out and "bursts of synaptic rows" in out
    assert "sfq       sfq" in out and "spikes converted" in out
