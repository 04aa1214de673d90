"""fluxon.plot writes real PNG files from synthetic runs."""
import pytest

from conftest import make_run
from fluxon import plot
from fluxon.analysis import RunFileError, open_run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 1000


def test_raster_from_run_path_and_arrays(basic_run, tmp_path):
    with open_run(basic_run) as run:
        out = plot.raster(run, "E", tmp_path / "a.png")
        assert out == str(tmp_path / "a.png")
        assert_png(out)
        run.spikes("E")  # a Run passed in stays open
    assert_png(plot.raster(basic_run, "I", tmp_path / "b.png", t_range=(0.2, 0.8), max_neurons=2))
    assert_png(plot.raster(([0.1, 0.2], [0, 1]), "arrays", tmp_path / "c.png"))


def test_raster_errors(basic_run, tmp_path):
    with pytest.raises(RunFileError, match="no population 'X'"):
        plot.raster(basic_run, "X", tmp_path / "x.png")
    with pytest.raises(ValueError, match="t_stop"):
        plot.raster(basic_run, "E", tmp_path / "x.png", t_range=(0.5, 0.1))
    with pytest.raises(ValueError, match="max_neurons"):
        plot.raster(basic_run, "E", tmp_path / "x.png", max_neurons=0)


def test_rate_histogram(basic_run, tmp_path):
    assert_png(plot.rate_histogram(basic_run, "E", tmp_path / "rate.png", bin_size=0.1))
    assert_png(plot.rate_histogram(basic_run, "E", tmp_path / "rate3.png", bin_size=0.3))
    with pytest.raises(ValueError, match="bin_size must be positive"):
        plot.rate_histogram(basic_run, "E", tmp_path / "x.png", bin_size=0)
    with pytest.raises(ValueError, match="less than one bin"):
        plot.rate_histogram(basic_run, "E", tmp_path / "x.png", bin_size=2.0)


def test_probe_traces(basic_run, tmp_path):
    assert_png(plot.probe_traces(basic_run, "E", "v", tmp_path / "v.png"))
    assert_png(plot.probe_traces(basic_run, "E", "v", tmp_path / "v3.png", neurons=[3]))
    with pytest.raises(RunFileError, match=r"neuron\(s\) \[0\] of 'E' were not probed for 'v'; probed ids: \[1, 3\]"):
        plot.probe_traces(basic_run, "E", "v", tmp_path / "x.png", neurons=[0])
    with pytest.raises(RunFileError, match="no probe of 'w'"):
        plot.probe_traces(basic_run, "E", "w", tmp_path / "x.png")


def test_energy_breakdown(basic_run, tmp_path):
    assert_png(plot.energy_breakdown(basic_run, tmp_path / "energy.png"))


def test_energy_breakdown_without_ledger(tmp_path):
    path = make_run(tmp_path / "r.h5", spikes={"E": ([0.1], [0])})
    with pytest.raises(RunFileError, match=r"r\.h5: the run has no energy ledger"):
        plot.energy_breakdown(path, tmp_path / "x.png")
