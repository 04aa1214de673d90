"""fluxon.sweep: the same grid, validation and numbers as `fluxon sweep`, as a table of numpy
arrays; each point equal to a single run with its values, bit for bit."""
import os
import subprocess

import h5py
import numpy as np
import pytest

import fluxon

NETWORK = """[run]
dt = "0.1 ms"
duration = "200 ms"
seed = 3

[populations.noise]
size = 40
model = "poisson"
params = { rate = "40 Hz" }

[populations.exc]
size = 30
model = "lif"
params = { tau_m = "20 ms", v_rest = "-65 mV", v_th = "-50 mV", v_reset = "-65 mV", t_ref = "2 ms" }

[projections.drive]
pre = "noise"
post = "exc"
receptor = "exc"
connector = { type = "fixed_probability", p = 0.5 }
weight = "2 mV"
delay = "1 ms"

[projections.recurrent]
pre = "exc"
post = "exc"
receptor = "exc"
connector = { type = "fixed_probability", p = 0.2 }
weight = "1 mV"
delay = "1 ms"
"""

DRIVE, RECURRENT = "projections.drive.weight", "projections.recurrent.weight"


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text(NETWORK)
    return path


def single_rate(config, overrides, population="exc"):
    sim = fluxon.load_config(config, overrides)
    result = sim.run()
    return result.spikes_per_population[population] / (sim.populations[population]["size"] * result.time_reached)


def test_each_point_equals_a_single_run_bit_for_bit(config):
    table = fluxon.sweep(config, {DRIVE: ["3 mV", "4 mV"]})
    assert isinstance(table, fluxon.SweepTable) and table.points == 2
    rates = [single_rate(config, [f"{DRIVE}={w}"]) for w in ("3 mV", "4 mV")]
    assert table["rate/exc"].tolist() == rates  # exact equality: the same doubles
    assert rates[1] > rates[0] > 0
    assert table[DRIVE].tolist() == [0.003, 0.004] and table.units[DRIVE] == "V"
    assert table.given[DRIVE].tolist() == ["3 mV", "4 mV"]
    assert table.units["rate/exc"] == "Hz" and table.units["spikes"] == "1" and table.units["wall_time"] == "s"
    assert table["spikes"].dtype == np.int64 and np.all(table["synaptic_events"] > 0)
    assert list(table["status"]) == ["complete", "complete"]
    assert "energy" not in table  # no device, no energy column
    assert list(table["file"]) == ["", ""]  # no directory, no files


def test_linked_keys_give_n_points_not_n_squared(config):
    grid = {DRIVE: ["2 mV", "3 mV", "4 mV"], "run.seed": [1, 2], RECURRENT: ["0.5 mV", "1 mV", "1.5 mV"]}
    table = fluxon.sweep(config, grid, link=[DRIVE, RECURRENT], jobs=2)
    assert table.points == 6
    assert table[DRIVE].tolist() == [0.002, 0.002, 0.003, 0.003, 0.004, 0.004]
    assert table[RECURRENT].tolist() == [0.0005, 0.0005, 0.001, 0.001, 0.0015, 0.0015]
    assert table["run.seed"].tolist() == [1, 2, 1, 2, 1, 2] and table.units["run.seed"] == "1"
    rate = single_rate(config, [f"{DRIVE}=4 mV", "run.seed=1", f"{RECURRENT}=1.5 mV"])
    assert table["rate/exc"][4] == rate > 0
    as_text = fluxon.sweep(config, {DRIVE: ["3 mV", "4 mV"], RECURRENT: ["1 mV", "1.5 mV"]}, link=f"{DRIVE},{RECURRENT}")
    assert as_text.points == 2
    assert as_text["rate/exc"][1] == single_rate(config, [f"{DRIVE}=4 mV", f"{RECURRENT}=1.5 mV"])
    with pytest.raises(fluxon.UserError, match="has 2 values and"):
        fluxon.sweep(config, {DRIVE: ["1 mV", "2 mV", "3 mV"], RECURRENT: ["1 mV", "2 mV"]}, link=[(DRIVE, RECURRENT)])


def test_python_and_the_command_line_give_the_same_table(config, tmp_path):
    grid = {DRIVE: ["3 mV", "4 mV"], "run.seed": [1, 2]}
    out = subprocess.run([os.environ["FLUXON_CLI"], "sweep", str(config), "--set", f"{DRIVE}=3 mV,4 mV",
                          "--set", "run.seed=1,2", "-d", str(tmp_path / "cli"), "-q", "-j", "1"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    table = fluxon.sweep(config, grid, directory=tmp_path / "py", jobs=2)
    for directory in ("cli", "py"):
        with h5py.File(tmp_path / directory / "index.h5", "r") as f:
            assert f.attrs["format"] == "fluxon-sweep-table"
            for key in grid:
                assert f["parameters"][key][()].tolist() == table[key].tolist()
                assert f["parameters"][key].attrs["units"] == table.units[key]
            for name in ("spikes", "synaptic_events", "time_reached", "rate/exc", "rate/noise"):
                assert f["metrics"][name][()].tolist() == table[name].tolist(), name
                assert f["metrics"][name].attrs["units"] == table.units[name]
            assert list(f["status"].asstr()[()]) == ["complete"] * 4
    assert [os.path.basename(p) for p in table["file"]] == [f"run_{i:04d}.h5" for i in range(4)]
    with fluxon.analysis.open_run(table["file"][3]) as run:
        assert run.counters["spikes"] == table["spikes"][3]


def test_a_network_is_swept_as_its_config(tmp_path):
    def network(weight="2 mV"):
        net = fluxon.Network(dt="0.1 ms", duration="200 ms", seed=3)
        noise = net.poisson("noise", 40, "40 Hz")
        exc = net.population("exc", 30, "lif", tau_m="20 ms", v_rest="-65 mV", v_th="-50 mV", v_reset="-65 mV",
                             t_ref="2 ms")
        net.project("drive", noise, exc, receptor="exc", connector=fluxon.fixed_probability(0.5), weight=weight,
                    delay="1 ms")
        return net

    table = fluxon.sweep(network(), {DRIVE: ["3 mV", "4 mV"]})
    assert table["rate/exc"][1] > table["rate/exc"][0] > 0
    for i, weight in enumerate(("3 mV", "4 mV")):
        sim = network(weight).build()
        result = sim.run()
        assert table["spikes"][i] == result.n_spikes
        assert table["rate/exc"][i] == result.spikes_per_population["exc"] / (30 * result.time_reached)


def test_every_point_is_checked_before_any_runs(config, tmp_path):
    with pytest.raises(fluxon.UserError, match=r"sweep point 1 \(projections.drive.weight=2\)"):
        fluxon.sweep(config, {DRIVE: ["1 mV", "2"]}, directory=tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


def test_force_replaces_an_earlier_sweep(config, tmp_path):
    directory = tmp_path / "sweep"
    fluxon.sweep(config, {"run.seed": [1, 2, 3]}, directory=directory)
    with pytest.raises(fluxon.IoError, match="the directory is not empty"):
        fluxon.sweep(config, {"run.seed": [1]}, directory=directory)
    fluxon.sweep(config, {"run.seed": [4]}, directory=directory, force=True)
    assert sorted(os.listdir(directory)) == ["index.h5", "index.json", "run_0000.h5"]
    sweep = fluxon.analysis.load_sweep(directory / "index.json")
    assert [run["values"]["run.seed"] for run in sweep.runs] == [4]


def test_bad_arguments():
    with pytest.raises(ValueError, match="non-empty dict"):
        fluxon.sweep("x.toml", {})
    with pytest.raises(TypeError, match="string"):
        fluxon.sweep("x.toml", {"run.seed": [object()]})
    with pytest.raises(TypeError, match="config file path or a fluxon.Network"):
        fluxon.sweep(3, {"run.seed": [1]})
