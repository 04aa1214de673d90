"""fluxon.runfile on the generic device section (/devices/<instance>, format version 2).

The first test reads a file the C++ writer wrote (tests/unit/io/test_run_writer.cpp writes it
to $FLUXON_DEVICE_RUN_FILE), so the Python reader is held to what io/run_writer really writes;
the others use files written with h5py as docs/run_file.md lays them out (conftest.py).
"""
import math
import os
import subprocess

import h5py
import numpy as np
import pytest

from conftest import LEDGER, make_run
from fluxon.analysis import RunFileError, open_run

UNIT_TESTS = os.environ.get("FLUXON_UNIT_TESTS")


@pytest.mark.skipif(not UNIT_TESTS, reason="FLUXON_UNIT_TESTS (the C++ unit test binary) is not set")
def test_devices_written_by_the_cpp_writer(tmp_path):
    path = tmp_path / "devices.h5"
    subprocess.run([UNIT_TESTS, "-tc=io: device run file for fluxon.runfile", "--no-intro"], check=True,
                   env={**os.environ, "FLUXON_DEVICE_RUN_FILE": str(path)}, stdout=subprocess.DEVNULL)
    with open_run(path) as run:
        assert run.format_version == 2
        assert run.device_names() == ["chip", "dram0"]
        devices = run.devices()
        assert list(devices) == ["chip", "dram0"]
        chip = devices["chip"]
        assert (chip.family, chip.instance, chip.preset, chip.preset_origin, chip.status) == (
            "neuromorphic", "chip", "loihi", "builtin:loihi", "complete")
        assert chip.preset_text == 'name = "loihi"\n'
        assert chip.stats == {"messages": 1234, "hardware_time": 1.5e-3, "mode": "timed",
                              "energy_per_message": 2.5e-12}
        assert type(chip.stats["messages"]) is int and type(chip.stats["hardware_time"]) is float
        assert chip.stats_units == {"messages": "", "hardware_time": "s", "mode": "", "energy_per_message": "J"}
        assert chip.stats_entries == [
            ("", "messages", 1234, ""), ("", "hardware_time", 1.5e-3, "s"), ("", "mode", "timed", ""),
            ("", "energy_per_message", 2.5e-12, "J"), ("noc", "hops", 99, ""), ("noc", "bandwidth", 2.5e9, "B/s"),
            ("core[0]", "utilisation", 0.75, ""), ("core[1]", "label", "hot", "")]
        assert chip.stat("noc", "hops") == 99
        assert list(chip.tables) == ["placement", "links", "traffic"]
        placement = chip.tables["placement"]
        assert list(placement) == ["population", "core", "load"]
        assert placement["population"].tolist() == ["exc", "inp", "exc"]
        assert placement["population"].dtype.kind == "U"
        assert placement["core"].dtype == np.int64 and placement["core"].tolist() == [0, 1, 2]
        assert placement["load"].dtype == np.float64 and placement["load"].tolist() == [0.5, 0.25, 1.0]
        assert chip.tables["links"]["messages_per_round"].tolist() == [7, -3]
        assert chip.tables["traffic"]["busy"].tolist() == [1e-9, 0.0, 3e-9, 4e-9]
        assert chip.table_units == {"placement": {"load": "1"}, "links": {"length": "m"}, "traffic": {"busy": "s"}}
        assert chip.ledger["component"].tolist() == ["chip/core[0]/synapse", "chip/core[0]"]
        assert chip.ledger["count"].dtype == np.int64 and chip.ledger["count"].tolist() == [30, 1]
        assert chip.ledger["energy"].tolist() == [30e-12, 70e-12]
        assert chip.ledger_attrs["static_energy"] == 70e-12
        assert chip.ledger_attrs["total_energy"] == 70e-12 + 30e-12
        dram = run.device("dram0")
        assert dram.family == "dram" and dram.preset_text == "" and dram.tables == {}
        assert dram.stats == {"requests": 5}
        assert dram.ledger["source"].tolist() == ["JEDEC", "JEDEC"]
        # The run's ledger is the devices' ledgers together.
        ledger = run.ledger()
        assert ledger["component"].tolist() == ["chip/core[0]/synapse", "chip/core[0]", "dram/bank[0]", "dram"]
        assert run.ledger_attrs["dynamic_energy"] == 30e-12 + 7e-12


CHIP = {
    "family": "neuromorphic", "preset": "loihi", "preset_origin": "builtin:loihi", "preset_text": "x = 1\n",
    "stats": [("", "messages", 1234, ""), ("", "hardware_time", 1.5e-3, "s"), ("", "topology", "mesh", ""),
              ("noc", "hops", 77, "")],
    "tables": {"placement": {"population": (["E", "I"], ""), "core": ([0, 3], ""), "load": ([0.5, 0.125], "1")}},
    "ledger": LEDGER, "static_energy": 0.0, "dynamic_energy": 12.5e-12,
}


def test_devices_from_h5py(tmp_path):
    path = make_run(tmp_path / "d.h5", ledger=LEDGER,
                    devices={"chip": CHIP, "xbar": {"family": "crossbar", "status": "running"}})
    with open_run(path) as run:
        assert run.device_names() == ["chip", "xbar"]
        chip = run.device("chip")
        assert chip.preset_text == "x = 1\n"
        assert chip.stats == {"messages": 1234, "hardware_time": 1.5e-3, "topology": "mesh"}
        assert chip.stats_units["hardware_time"] == "s"
        assert chip.stat("noc", "hops") == 77
        with pytest.raises(KeyError, match="no statistic 'hops' at path ''"):
            chip.stat("", "hops")
        assert chip.tables["placement"]["core"].tolist() == [0, 3]
        assert chip.table_units == {"placement": {"load": "1"}}
        assert chip.ledger["count"].tolist() == LEDGER["count"]
        assert chip.ledger_attrs["total_energy"] == 12.5e-12
        # A device that never reported its end: no statistics, tables or ledger yet.
        xbar = run.devices()["xbar"]
        assert (xbar.family, xbar.status, xbar.preset) == ("crossbar", "running", "")
        assert xbar.stats == {} and xbar.stats_entries == [] and xbar.tables == {}
        assert xbar.ledger is None and xbar.ledger_attrs == {}


def test_unknown_device_names_the_file_and_the_devices(tmp_path):
    path = make_run(tmp_path / "d.h5", devices={"chip": CHIP})
    with open_run(path) as run:
        with pytest.raises(RunFileError, match=r"d\.h5: no device 'dram'; devices in the run: \['chip'\]"):
            run.device("dram")
    old = make_run(tmp_path / "v1.h5")
    with open_run(old) as run:
        assert run.format_version == 1
        assert run.devices() == {}
        with pytest.raises(RunFileError, match=r"v1\.h5: no device 'chip'; devices in the run: \[\] "
                                               r"\(format_version 1 files have no /devices\)"):
            run.device("chip")


def test_malformed_device_groups(tmp_path):
    path = make_run(tmp_path / "d.h5", devices={"chip": CHIP})
    with h5py.File(path, "a") as f:
        kind = f["devices/chip/stats/kind"]
        kind[1] = "complex"
    with open_run(path) as run, pytest.raises(RunFileError, match=r"d\.h5: /devices/chip/stats/kind\[1\] is 'complex'"):
        run.device("chip")

    path = make_run(tmp_path / "e.h5", devices={"chip": CHIP})
    with h5py.File(path, "a") as f:
        del f["devices/chip/tables/placement/core"]
        f["devices/chip/tables/placement"].create_dataset("core", data=np.arange(3))
    with open_run(path) as run, pytest.raises(RunFileError, match=r"e\.h5: .*placement columns differ in length"):
        run.device("chip")

    path = make_run(tmp_path / "f.h5", devices={"chip": CHIP})
    with h5py.File(path, "a") as f:
        del f["devices/chip"].attrs["family"]
    with open_run(path) as run, pytest.raises(RunFileError, match=r"f\.h5: /devices/chip has no attribute 'family'"):
        run.device("chip")


def test_real_statistics_keep_nan_out_of_other_kinds(tmp_path):
    """Rows of one kind hold 0 / NaN / "" in the other kinds' columns; only the right one is read."""
    path = make_run(tmp_path / "d.h5", devices={"chip": {"family": "x", "stats": [
        ("", "n", 0, ""), ("", "r", 0.0, "J"), ("", "t", "", "")]}})
    with open_run(path) as run:
        stats = run.device("chip").stats
        assert stats == {"n": 0, "r": 0.0, "t": ""}
        assert not math.isnan(stats["r"])
