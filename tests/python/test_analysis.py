"""fluxon.analysis and fluxon.runfile on synthetic run files, against hand-computed values."""
import json
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import LEDGER, make_run
from fluxon import analysis
from fluxon.analysis import RunFileError, open_run


# -- reading run files --------------------------------------------------------------------

def test_header_is_read_and_decoded(basic_run):
    with open_run(basic_run) as run:
        assert run.path == basic_run
        assert run.status == "complete" and isinstance(run.status, str)
        assert run.message == ""
        assert run.time_reached == 1.0
        assert run.config_text == "[run]\nduration = \"1 s\"\n"
        assert run.config_source == "examples/test.toml"
        assert run.config_format == "toml"
        assert run.seed == 42 and isinstance(run.seed, int)
        assert run.dt == 1e-4
        assert run.duration == 1.0
        assert run.attrs["format"] == "fluxon-run"
        assert run.attrs["ticks_per_second"] == 10**12
        assert run.populations == {
            "E": {"size": 4, "model": "lif", "kind": "neuron", "params": {"tau_m": 0.02, "v_th": -0.05}},
            "I": {"size": 3, "model": "lif", "kind": "neuron", "params": {"tau_m": 0.02, "v_th": -0.05}},
        }
        assert run.projections == {"EI": {"pre": "E", "post": "I", "receptor": "exc",
                                          "n_synapses": 12, "connector": "fixed_probability"}}
        assert run.counters == {"steps": 10000, "spikes": 6, "synaptic_events": 0, "events": 0,
                                "wall_time": 0.5, "build_time": 0.25,
                                "spikes_per_population": {"E": 5, "I": 1}}


def test_fixed_length_string_attributes_are_decoded(tmp_path):
    path = make_run(tmp_path / "r.h5", root_attrs={"format": np.bytes_(b"fluxon-run")})
    with open_run(path) as run:
        assert run.attrs["format"] == "fluxon-run"


def test_spikes_and_recorded_ids(basic_run):
    with open_run(basic_run) as run:
        assert run.spike_populations() == ["E", "I"]
        times, ids = run.spikes("E")
        assert times.dtype == np.float64 and ids.dtype == np.uint32
        assert times.tolist() == [0.1, 0.25, 0.3, 0.6, 0.75]
        assert ids.tolist() == [0, 2, 0, 0, 3]
        assert run.n_neurons("E") == 4
        assert run.recorded_ids("E").tolist() == [0, 1, 2, 3]
        assert run.recorded_ids("I").tolist() == [0, 2]


def test_probes(basic_run):
    with open_run(basic_run) as run:
        assert run.probes() == [("E", "v")]
        times, ids, values = run.probe("E", "v")
        assert times.tolist() == [0.0, 0.5, 1.0]
        assert ids.tolist() == [1, 3]
        assert values.shape == (3, 2)
        assert values[2, 1] == -0.045
        assert run.probe_info("E", "v") == {"units": "V", "interval": 0.5}


def test_ledger_columns(basic_run):
    with open_run(basic_run) as run:
        assert run.has_ledger
        ledger = run.ledger()
    assert list(ledger) == ["component", "action", "count", "energy", "latency", "source"]
    assert ledger["component"].tolist() == LEDGER["component"]
    assert ledger["action"].tolist() == LEDGER["action"]
    assert ledger["count"].dtype == np.int64 and ledger["count"].tolist() == [10, 30, 5, 7]
    assert ledger["energy"].tolist() == LEDGER["energy"]
    assert ledger["latency"].tolist() == LEDGER["latency"]


def test_empty_ledger_gives_empty_typed_columns(tmp_path):
    with open_run(make_run(tmp_path / "r.h5")) as run:
        assert not run.has_ledger
        ledger = run.ledger()
    assert {c: v.size for c, v in ledger.items()} == {c: 0 for c in LEDGER}
    assert ledger["count"].dtype == np.int64
    assert ledger["energy"].dtype == np.float64


def test_energy_by_component_groups_by_last_segment(basic_run):
    assert analysis.component_type("chip0/core[12]/synapse_mem") == "synapse_mem"
    assert analysis.component_type("router") == "router"
    with open_run(basic_run) as run:
        totals = analysis.energy_by_component(run.ledger())
    assert totals == {("neuron", "update"): 1e-12, ("router", "hop"): 3.5e-12,
                      ("synapse_mem", "read"): 8e-12}


def test_energy_summary_sums_the_rows_of_a_ledger_without_totals(tmp_path):
    # 2 + 6 + 1 pJ dynamic and 11 pJ static over 40 synaptic events and 10 steps
    ledger = {c: list(v) for c, v in LEDGER.items() if c != "component"}
    ledger["component"] = LEDGER["component"][:3] + ["chip0/core[0]"]
    ledger["action"][3], ledger["energy"][3] = "static", 11e-12
    path = make_run(tmp_path / "e.h5", ledger=ledger, duration=1e-3,
                    counters={"synaptic_events": 40, "steps": 10})
    summary = analysis.energy_summary(path)
    assert summary["static"] == 11e-12
    assert summary["dynamic"] == pytest.approx(9e-12, rel=1e-15)
    assert summary["total"] == pytest.approx(20e-12, rel=1e-15)
    assert (summary["synaptic_events"], summary["steps"]) == (40, 10)
    assert summary["per_synaptic_event"] == pytest.approx(0.5e-12, rel=1e-15)
    assert summary["per_step"] == pytest.approx(2e-12, rel=1e-15)
    assert summary["breakdown"] == {("core", "static"): 11e-12, ("neuron", "update"): 1e-12,
                                    ("synapse_mem", "read"): 8e-12}


def test_energy_summary_without_events_or_ledger(basic_run, tmp_path):
    summary = analysis.energy_summary(basic_run)  # its counters hold no synaptic events
    assert summary["total"] == pytest.approx(12.5e-12, rel=1e-15)
    assert np.isnan(summary["per_synaptic_event"])
    with pytest.raises(RunFileError, match="no energy ledger"):
        analysis.energy_summary(make_run(tmp_path / "none.h5"))


def test_a_run_without_devices_has_no_chip(basic_run, tmp_path):
    with open_run(basic_run) as run:
        assert run.devices() == {}
        with pytest.raises(RunFileError, match=r"basic\.h5: no device 'chip'; devices in the run: \[\]"):
            run.device("chip")
    with open_run(make_run(tmp_path / "empty.h5", devices=[])) as run:  # format 2, an empty /devices
        assert run.format_version == 2 and run.devices() == {}
        with pytest.raises(RunFileError, match=r"empty\.h5: no device 'chip'; devices in the run: \[\]$"):
            run.device("chip")


def test_energy_summary_reads_no_device(tmp_path):
    """energy_summary and the breakdown need only /ledger and /counters, whatever devices filled
    them: a chip and a crossbar of made-up families give the same summary as no /devices."""
    ledger = {c: list(v) for c, v in LEDGER.items()}
    devices = {"chip": {"family": "made_up", "stats": [("", "synaptic_events", 999, ""), ("", "steps", 1, "")],
                        "ledger": ledger, "dynamic_energy": 12.5e-12},
               "xbar": {"family": "another", "status": "running"}}
    counters = {"synaptic_events": 25, "steps": 10}
    with_devices = make_run(tmp_path / "d.h5", ledger=ledger, counters=counters, devices=devices)
    without = make_run(tmp_path / "n.h5", ledger=ledger, counters=counters)
    summary = analysis.energy_summary(with_devices)
    assert summary == analysis.energy_summary(without)
    assert (summary["synaptic_events"], summary["steps"]) == (25, 10)  # the run's counters
    assert summary["total"] == pytest.approx(12.5e-12, rel=1e-15)
    assert summary["per_synaptic_event"] == pytest.approx(0.5e-12, rel=1e-15)


def test_energy_summary_per_device_divides_by_each_devices_own_events(tmp_path):
    """A network split between a chip and crossbar arrays: 25 synaptic events in all, 15 on the
    chip (its synapse ops 7.5 pJ of its 12.5 pJ) and 10 in the arrays (their reads 4 pJ of
    their 10 pJ). Each device's figure divides by its own events; the run-wide one by all."""
    chip_ledger = {c: list(v) for c, v in LEDGER.items()}
    xbar_ledger = {"component": ["crossbar/p/array[0,0]"] * 2, "action": ["adc", "program"], "count": [10, 10],
                   "energy": [4e-12, 6e-12], "latency": [0.0, 0.0], "source": ["test", "test"]}
    ledger = {c: chip_ledger[c] + xbar_ledger[c] for c in LEDGER}
    devices = {"chip": {"family": "neuromorphic", "ledger": chip_ledger, "dynamic_energy": 12.5e-12,
                        "stats": [("", "synaptic_events", 15, ""), ("", "synaptic_energy", 7.5e-12, "J"),
                                  ("", "energy_per_synaptic_event", 0.5e-12, "J")]},
               "crossbar": {"family": "crossbar", "ledger": xbar_ledger, "dynamic_energy": 10e-12,
                            "stats": [("", "synaptic_events", 10, ""), ("", "synaptic_energy", 4e-12, "J"),
                                      ("", "energy_per_synaptic_event", 0.4e-12, "J")]}}
    path = make_run(tmp_path / "m.h5", ledger=ledger, counters={"synaptic_events": 25, "steps": 10}, devices=devices)
    summary = analysis.energy_summary(path)
    assert summary["per_synaptic_event"] == pytest.approx(22.5e-12 / 25, rel=1e-15)  # all over all
    chip, xbar = summary["per_device"]["chip"], summary["per_device"]["crossbar"]
    assert (chip["family"], chip["synaptic_events"], xbar["synaptic_events"]) == ("neuromorphic", 15, 10)
    assert chip["per_synaptic_event"] == pytest.approx(0.5e-12, rel=1e-15)
    assert chip["total_per_synaptic_event"] == pytest.approx(12.5e-12 / 15, rel=1e-15)
    assert xbar["per_synaptic_event"] == pytest.approx(0.4e-12, rel=1e-15)
    assert xbar["total"] == pytest.approx(10e-12, rel=1e-15)
    # The old crossbar figure, its energy over every event of the network, is 2.5 x too low.
    assert xbar["total_per_synaptic_event"] / (xbar["total"] / 25) == pytest.approx(2.5, rel=1e-15)


def test_data_cannot_be_read_after_close(basic_run):
    with open_run(basic_run) as run:
        pass
    assert run.status == "complete"  # header facts stay available
    with pytest.raises(RunFileError, match="closed"):
        run.spikes("E")


# -- bad run files ------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(RunFileError, match=r"nope\.h5: no such file"):
        open_run(tmp_path / "nope.h5")


def test_not_hdf5(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("hello")
    with pytest.raises(RunFileError, match=r"notes\.h5: not an HDF5 file"):
        open_run(path)


def test_hdf5_without_format_attribute(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=[1, 2])
    with pytest.raises(RunFileError, match=r"other\.h5: not a fluxon run file .*'format' is missing, expected 'fluxon-run'"):
        open_run(path)


def test_wrong_format_and_version(tmp_path):
    with pytest.raises(RunFileError, match="'format' is 'nir'"):
        open_run(make_run(tmp_path / "a.h5", root_attrs={"format": "nir"}))
    with pytest.raises(RunFileError, match="format_version 3 is not supported"):
        open_run(make_run(tmp_path / "b.h5", root_attrs={"format_version": 3}))
    with open_run(make_run(tmp_path / "c.h5", root_attrs={"format_version": 2})) as run:
        assert run.format_version == 2


def test_missing_required_dataset(tmp_path):
    path = make_run(tmp_path / "r.h5")
    with h5py.File(path, "a") as f:
        del f["run/status"]
    with pytest.raises(RunFileError, match=r"r\.h5: dataset /run/status is missing"):
        open_run(path)


def test_unknown_population_and_probe(basic_run):
    with open_run(basic_run) as run:
        with pytest.raises(RunFileError, match=r"basic\.h5: no population 'X'; spikes recorded for: \['E', 'I'\]"):
            run.spikes("X")
        with pytest.raises(RunFileError, match=r"no probe of 'g' on population 'E'; probes recorded: \[\('E', 'v'\)\]"):
            run.probe("E", "g")
        with pytest.raises(RunFileError, match="no probe of 'v' on population 'I'"):
            run.probe_info("I", "v")


def test_population_whose_spikes_were_not_recorded(tmp_path):
    path = make_run(tmp_path / "r.h5", spikes={"E": ([0.1], [0])}, sizes={"E": 1, "S": 5})
    with open_run(path) as run:
        with pytest.raises(RunFileError, match="population 'S' exists but its spikes were not recorded"):
            run.spikes("S")


def test_run_file_error_is_a_value_error():
    assert issubclass(RunFileError, ValueError)


# -- rates --------------------------------------------------------------------------------

def test_population_rate(basic_run):
    with open_run(basic_run) as run:
        times, _ = run.spikes("E")
    assert analysis.population_rate(times, 4, 0.0, 1.0) == 5 / 4
    # (0.6, 1.0]: 0.6 is on the left edge and excluded, so only 0.75 counts
    assert analysis.population_rate(times, 4, 0.6, 1.0) == 1 / (4 * 0.4)
    # (0.1, 0.3]: 0.3 on the right edge is included, 0.1 on the left is not
    assert analysis.population_rate(times, 4, 0.1, 0.3) == pytest.approx(2 / (4 * 0.2), rel=1e-12)
    assert analysis.population_rate([], 4, 0.0, 1.0) == 0.0


def test_window_edges_tolerate_decimal_rounding():
    assert 0.1 * 3 != 0.3
    assert analysis.population_rate([0.3], 1, 0.0, 0.1 * 3) == pytest.approx(1 / 0.3)
    assert analysis.population_rate([0.1 * 3], 1, 0.0, 0.3) == pytest.approx(1 / 0.3)
    assert analysis.population_rate([0.1 * 3], 1, 0.3, 0.6) == 0.0


def test_neuron_rates(basic_run):
    with open_run(basic_run) as run:
        times, ids = run.spikes("E")
    assert analysis.neuron_rates(times, ids, 4, 0.0, 1.0).tolist() == [3.0, 0.0, 1.0, 1.0]
    assert analysis.neuron_rates(times, ids, 4, 0.25, 0.75).tolist() == [4.0, 0.0, 0.0, 2.0]
    assert analysis.neuron_rates([], np.array([], dtype=np.uint32), 2, 0, 1).tolist() == [0.0, 0.0]


# -- intervals ----------------------------------------------------------------------------

CV_TIMES = [0.6, 0.1, 0.25, 0.3, 0.5, 0.75, 1.0, 0.2, 0.4]  # deliberately unsorted
CV_IDS = [0, 0, 1, 0, 1, 1, 1, 2, 2]


def test_isi_per_neuron_and_all():
    isis = analysis.isi_per_neuron(CV_TIMES, CV_IDS, 4)
    assert len(isis) == 4
    assert isis[0] == pytest.approx([0.2, 0.3], abs=1e-15)
    assert isis[1].tolist() == [0.25, 0.25, 0.25]
    assert isis[2] == pytest.approx([0.2], abs=1e-15)
    assert isis[3].size == 0
    assert analysis.isi_all(CV_TIMES, CV_IDS) == pytest.approx([0.2, 0.3, 0.25, 0.25, 0.25, 0.2], abs=1e-15)
    assert analysis.isi_all([], []).size == 0


def test_cv_isi():
    cv, mean = analysis.cv_isi(CV_TIMES, CV_IDS, 4)
    # neuron 0: ISIs 0.2, 0.3 -> mean 0.25, std 0.05, CV 0.2; neuron 1: regular, CV 0;
    # neurons 2 (2 spikes) and 3 (none) have fewer than min_spikes=3
    assert cv[0] == pytest.approx(0.2, rel=1e-12)
    assert cv[1] == 0.0
    assert np.isnan(cv[2]) and np.isnan(cv[3])
    assert mean == pytest.approx(0.1, rel=1e-12)
    cv2, mean2 = analysis.cv_isi(CV_TIMES, CV_IDS, 4, min_spikes=2)
    assert cv2[2] == 0.0 and np.isnan(cv2[3])
    assert mean2 == pytest.approx(0.2 / 3, rel=1e-12)


def test_cv_isi_without_valid_neurons_is_nan():
    cv, mean = analysis.cv_isi([0.1], [0], 2)
    assert np.isnan(cv).all() and np.isnan(mean)


# -- counts -------------------------------------------------------------------------------

def test_fano_factor():
    # bins (0, 0.5], (0.5, 1]: neuron 0 counts [1, 3] -> mean 2, var 1, F 0.5;
    # neuron 1 counts [2, 2] (0.5 and 1.0 are right edges) -> F 0; neuron 2 silent -> nan
    times = [0.25, 0.75, 0.875, 1.0, 0.125, 0.5, 0.625, 1.0]
    ids = [0, 0, 0, 0, 1, 1, 1, 1]
    fano, mean = analysis.fano_factor(times, ids, 3, 0.0, 1.0, 0.5)
    assert fano[0] == 0.5 and fano[1] == 0.0 and np.isnan(fano[2])
    assert mean == 0.25


def test_population_activity_counts_and_rates():
    times = [0.35, 0.05, 0.1, 0.15, 0.45]  # 0.45 is outside the window
    edges, counts = analysis.population_activity(times, 0.0, 0.4, 0.1)
    assert edges == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert edges[-1] == 0.4
    assert counts.dtype == np.int64 and counts.tolist() == [2, 1, 0, 1]
    _, rate = analysis.population_activity(times, 0.0, 0.4, 0.1, n_neurons=2)
    assert rate == pytest.approx([10.0, 5.0, 0.0, 5.0], rel=1e-12)


def test_population_activity_bins_grid_times_by_their_step():
    # 0.3 and 0.1*3 differ in the last bit; both are the end of bin 2, (0.2, 0.3]
    _, counts = analysis.population_activity([0.3, 0.1 * 3, 0.6], 0.0, 0.1 * 6, 0.1)
    assert counts.tolist() == [0, 0, 2, 0, 0, 1]


def test_spike_count_matrix():
    times = [0.9, 0.2, 0.1, 0.5, 0.2]
    ids = [0, 2, 0, 1, 1]
    windows = [(0.0, 0.2), (0.2, 0.6), (0.0, 1.0), (0.6, 0.8)]
    matrix = analysis.spike_count_matrix(times, ids, 3, windows)
    assert matrix.dtype == np.int64
    assert matrix.tolist() == [[1, 1, 1], [0, 1, 0], [2, 2, 1], [0, 0, 0]]
    assert analysis.spike_count_matrix(times, ids, 3, np.empty((0, 2))).shape == (0, 3)


# -- argument checks ----------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: analysis.population_rate([0.1], 1, 1.0, 1.0), r"t_stop \(1.0 s\) must be greater than t_start \(1.0 s\)"),
    (lambda: analysis.population_rate([0.1], 0, 0.0, 1.0), "n_neurons must be a positive integer, got 0"),
    (lambda: analysis.population_rate([[0.1]], 1, 0.0, 1.0), r"times must be a 1-D array, got shape \(1, 1\)"),
    (lambda: analysis.neuron_rates([0.1, 0.2], [0], 1, 0.0, 1.0), r"same shape, got \(2,\) and \(1,\)"),
    (lambda: analysis.neuron_rates([0.1], [5], 3, 0.0, 1.0), "id 5 is out of range for n_neurons=3"),
    (lambda: analysis.neuron_rates([0.1], [-1], 3, 0.0, 1.0), "ids must be non-negative"),
    (lambda: analysis.neuron_rates([0.1], [0.5], 3, 0.0, 1.0), "ids must be integers"),
    (lambda: analysis.population_activity([0.1], 0.0, 1.0, 0.0), "bin_size must be positive, got 0.0"),
    (lambda: analysis.population_activity([0.1], 0.0, 1.0, 0.3), "not a whole number of bins of 0.3 s"),
    (lambda: analysis.fano_factor([0.1], [0], 1, 0.0, 1.0, -1), "bin_size must be positive"),
    (lambda: analysis.cv_isi([0.1], [0], 1, min_spikes=1), "min_spikes must be an integer >= 2"),
    (lambda: analysis.spike_count_matrix([0.1], [0], 1, [0.0, 1.0]), r"windows must have shape \(n_samples, 2\)"),
    (lambda: analysis.spike_count_matrix([0.1], [0], 1, [(0.0, 1.0), (0.5, 0.5)]), r"window 1 has stop \(0.5 s\) not greater than start"),
])
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- sweeps -------------------------------------------------------------------------------

TAU = "populations.P.params.tau_m"


def make_sweep(directory, statuses=("complete",) * 4):
    """A 2x2 sweep over tau_m and seed; run i holds i+1 spikes of a 2-neuron population."""
    runs = []
    grid = [(tau, seed) for tau in ("10 ms", "20 ms") for seed in (1, 2)]
    for i, ((tau, seed), status) in enumerate(zip(grid, statuses)):
        name = f"run_{i:04d}.h5"
        if status != "failed":
            make_run(directory / name, spikes={"P": ([0.1 * (k + 1) for k in range(i + 1)], [0] * (i + 1))},
                     sizes={"P": 2}, seed=seed, status=status)
        runs.append({"file": name, "values": {TAU: tau, "run.seed": seed}, "status": status,
                     "message": "boom" if status == "failed" else ""})
    index = {"format": "fluxon-sweep", "format_version": 1, "config": "examples/cuba.toml",
             "parameters": [TAU, "run.seed"], "runs": runs}
    path = directory / "index.json"
    path.write_text(json.dumps(index))
    return path


def rate(run):
    times, _ = run.spikes("P")
    return analysis.population_rate(times, run.n_neurons("P"), 0.0, run.duration)


def test_load_sweep(tmp_path):
    sweep = analysis.load_sweep(make_sweep(tmp_path))
    assert sweep.parameters == [TAU, "run.seed"]
    assert sweep.config == "examples/cuba.toml"
    assert len(sweep) == 4
    assert sweep.runs[3] == {"path": str(tmp_path / "run_0003.h5"),
                             "values": {TAU: "20 ms", "run.seed": 2},
                             "given": {TAU: "20 ms", "run.seed": "2"},
                             "status": "complete", "message": "", "energy": None}
    assert sweep.units == {} and sweep.links == []  # format 1: values as given
    with sweep.open(2) as run:
        assert run.seed == 1 and run.spikes("P")[0].size == 3


def test_load_sweep_format_2_has_si_values_and_units(tmp_path):
    index = json.loads(make_sweep(tmp_path).read_text())
    index["format_version"] = 2
    index["units"] = {TAU: "s", "run.seed": "1"}
    index["links"] = [[TAU, "run.seed"]]
    for run in index["runs"]:
        run["given"] = {TAU: run["values"][TAU], "run.seed": str(run["values"]["run.seed"])}
        run["values"][TAU] = {"10 ms": 0.01, "20 ms": 0.02}[run["values"][TAU]]
    (tmp_path / "index.json").write_text(json.dumps(index))
    sweep = analysis.load_sweep(tmp_path / "index.json")
    assert sweep.units == {TAU: "s", "run.seed": "1"} and sweep.links == [[TAU, "run.seed"]]
    assert sweep.runs[3]["values"] == {TAU: 0.02, "run.seed": 2}
    assert sweep.runs[3]["given"] == {TAU: "20 ms", "run.seed": "2"}
    index["format_version"] = 3
    (tmp_path / "index.json").write_text(json.dumps(index))
    with pytest.raises(RunFileError, match="key 'format_version' is 3, this fluxon reads 1 and 2"):
        analysis.load_sweep(tmp_path / "index.json")


def test_tabulate_and_format_table(tmp_path):
    rows = analysis.load_sweep(make_sweep(tmp_path)).tabulate(rate)
    assert rows == [
        {TAU: "10 ms", "run.seed": 1, "rate": 0.5, "status": "complete"},
        {TAU: "10 ms", "run.seed": 2, "rate": 1.0, "status": "complete"},
        {TAU: "20 ms", "run.seed": 1, "rate": 1.5, "status": "complete"},
        {TAU: "20 ms", "run.seed": 2, "rate": 2.0, "status": "complete"},
    ]
    assert analysis.format_table(rows) == "\n".join([
        "populations.P.params.tau_m  run.seed  rate  status",
        "--------------------------  --------  ----  --------",
        "10 ms                              1   0.5  complete",
        "10 ms                              2     1  complete",
        "20 ms                              1   1.5  complete",
        "20 ms                              2     2  complete",
    ])


def test_tabulate_gives_nan_for_runs_that_did_not_complete(tmp_path):
    sweep = analysis.load_sweep(make_sweep(tmp_path, ("complete", "failed", "interrupted", "complete")))
    rows = sweep.tabulate(lambda run: rate(run), name="hz")
    assert [r["hz"] for r in rows][::3] == [0.5, 2.0]
    assert np.isnan(rows[1]["hz"]) and np.isnan(rows[2]["hz"])
    assert [r["status"] for r in rows] == ["complete", "failed", "interrupted", "complete"]
    assert sweep.runs[1]["message"] == "boom"
    assert analysis.format_table(rows[1:2]).splitlines()[2] == "10 ms                              2  nan  failed"
    assert analysis.format_table([]) == ""


def test_load_sweep_errors(tmp_path):
    with pytest.raises(RunFileError, match=r"index\.json: no such file"):
        analysis.load_sweep(tmp_path / "index.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(RunFileError, match=r"bad\.json: not a JSON sweep index"):
        analysis.load_sweep(bad)
    bad.write_text(json.dumps({"format": "fluxon-run", "format_version": 1}))
    with pytest.raises(RunFileError, match="key 'format' is 'fluxon-run', expected 'fluxon-sweep'"):
        analysis.load_sweep(bad)
    bad.write_text(json.dumps({"format": "fluxon-sweep", "format_version": 1, "parameters": ["a"]}))
    with pytest.raises(RunFileError, match=r"bad\.json: the index has no key 'runs'"):
        analysis.load_sweep(bad)
    bad.write_text(json.dumps({"format": "fluxon-sweep", "format_version": 1, "parameters": ["a"],
                               "runs": [{"file": "r.h5", "values": {"b": 1}, "status": "complete"}]}))
    with pytest.raises(RunFileError, match=r"runs\[0\]\.values has no key 'a'"):
        analysis.load_sweep(bad)


def test_opening_a_failed_run_names_its_file(tmp_path):
    sweep = analysis.load_sweep(make_sweep(tmp_path, ("complete", "failed", "complete", "complete")))
    with pytest.raises(RunFileError, match=r"run_0001\.h5: no such file"):
        sweep.open(1)


# -- the package --------------------------------------------------------------------------

def test_package_imports_without_loading_plot_or_matplotlib():
    code = ("import sys, fluxon; "
            "assert 'fluxon.plot' not in sys.modules and 'matplotlib' not in sys.modules; "
            "assert fluxon.analysis.open_run is fluxon.runfile.open_run; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
