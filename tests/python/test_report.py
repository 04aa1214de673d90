"""`fluxon report` and fluxon.plot.report: the figures and the index.html of every kind of run
fluxon writes, made here by the command line from the example configs with short durations.

Needs FLUXON_CLI (the fluxon command). This suite imports the package from the source tree,
where there is no C++ extension, so it also shows that reports do not need it.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from fluxon import plot

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("FLUXON_CLI")
pytestmark = pytest.mark.skipif(CLI is None, reason="needs the fluxon command (FLUXON_CLI)")

# name: (the command that makes the run, the figures its report must hold)
RUNS = {
    "cuba": (["run", "examples/cuba.toml", "--set", "run.duration=100 ms"],
             {"populations.png", "probe_exc_v.png"}),
    "cuba_loihi": (["run", "examples/cuba_loihi.toml", "--set", "run.duration=50 ms"],
                   {"populations.png", "energy.png", "device_chip.png"}),
    # a tree has no grid to draw links on: its links become bars
    "cuba_loihi_tree": (["run", "examples/cuba_loihi.toml", "--set", "run.duration=20 ms", "--set",
                         "hardware.topology=tree"], {"populations.png", "energy.png", "device_chip.png"}),
    "lsm_crossbar": (["run", "examples/lsm_crossbar.toml", "--set", "run.duration=100 ms"],
                     {"populations.png", "energy.png", "device_crossbar.png"}),
    "mixed_system": (["run", "examples/mixed_system.toml", "--set", "run.duration=20 ms"],
                     {"populations.png", "probe_exc_v.png", "energy.png", "device_chip.png", "device_crossbar.png",
                      "device_sfq.png"}),
    "sfq_network": (["run", "examples/sfq_network.toml", "--set", "run.duration=300 ms"],
                    {"populations.png", "energy.png", "device_sfq.png"}),
    "int8_digits": (["run", "examples/layers/int8_digits.toml", "--set", "run.duration=60 ms",
                     "--set", 'record.layers=["fc1", "h", "fc2"]'],
                    {"layer_events.png"}),
    "adder4": (["sfq", "examples/sfq/adder4.toml"], {"energy.png", "device_sfq.png"}),
    "dram": (["dram", "{trace}"], {"energy.png", "device_dram.png"}),
}


def fluxon(*args, check=True):
    return subprocess.run([CLI, *map(str, args)], cwd=ROOT, capture_output=True, text=True, check=check)


def write_trace(path):
    """Reads and writes over a few rows of two banks: hits, misses and conflicts all occur."""
    lines = [f"0x{(i % 7) * 0x40 + (i % 3) * 0x100000:x} {'WRITE' if i % 4 == 0 else 'READ'} {20 * i}"
             for i in range(300)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{name: run file} of every run kind in RUNS."""
    directory = tmp_path_factory.mktemp("runs")
    trace = write_trace(directory / "mix.trace")
    files = {}
    for name, (command, _) in RUNS.items():
        files[name] = directory / f"{name}.h5"
        fluxon(*[trace if word == "{trace}" else word for word in command], "-o", files[name], "-q")
    return files


@pytest.fixture(scope="module")
def reports(runs, tmp_path_factory):
    """{name: report directory} written by `fluxon report`."""
    directory = tmp_path_factory.mktemp("reports")
    made = {}
    for name, run in runs.items():
        made[name] = directory / name
        out = fluxon("report", run, "-o", made[name])
        assert out.stdout.strip() == str(made[name] / "index.html")
    return made


def images_in_page(directory):
    text = (directory / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<img src="([^"]+)"', text), text


def assert_non_blank_png(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", path
    pixels = image.imread(path)
    assert pixels.ndim == 3 and pixels[..., :3].var() > 0, f"{path} is blank"


@pytest.mark.parametrize("name", RUNS)
def test_report_holds_the_figures_of_its_run_kind(reports, name):
    sources, text = images_in_page(reports[name])
    assert RUNS[name][1] <= set(sources), f"{name}: missing {RUNS[name][1] - set(sources)}"
    assert 'class="note"' not in text, f"{name}: a figure was not drawn"


@pytest.mark.parametrize("name", RUNS)
def test_page_links_exactly_the_images_there_are_offline(reports, name):
    sources, text = images_in_page(reports[name])
    on_disk = {p.name for p in reports[name].glob("*.png")}
    assert sorted(sources) == sorted(on_disk)
    assert all("/" not in s for s in sources)  # relative, beside the page
    assert "http" not in text and "<script" not in text  # nothing loaded from elsewhere
    for source in sources:
        assert_non_blank_png(reports[name] / source)


def test_layered_run_shows_neurobench_as_a_table(reports):
    _, text = images_in_page(reports["int8_digits"])
    assert "<th>NeuroBench (per sample)</th>" in text
    for figure in ("effective_macs", "dense_ops", "activation_sparsity"):
        assert f"<td>{figure}</td>" in text


def test_python_api_writes_the_same_report_without_the_extension(runs, reports, tmp_path):
    index = plot.report(runs["mixed_system"], tmp_path / "r")
    assert index == str(tmp_path / "r" / "index.html")
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == sorted(p.name for p in reports["mixed_system"].iterdir())
    if not list(Path(plot.__file__).parent.glob("_core*")):  # the source tree, as CMake runs this suite
        assert "fluxon._core" not in sys.modules


def test_default_directory_is_beside_the_run(runs, tmp_path):
    run = tmp_path / "cuba.h5"
    shutil.copy(runs["cuba"], run)
    out = fluxon("report", run)
    assert out.stdout.strip() == str(tmp_path / "cuba_report" / "index.html")
    assert (tmp_path / "cuba_report" / "populations.png").is_file()


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sweep")
    fluxon("sweep", "tests/integration/data/tiny.toml", "--set", "populations.exc.params.tau_m=10 ms,20 ms,40 ms",
           "--set", "hardware.preset=loihi", "--set", "run.seed=1,2", "-d", directory, "-q", "-j", "1")
    return directory


def test_sweep_report_plots_each_swept_parameter_with_more_than_one_value(sweep):
    out = fluxon("report", sweep)
    index = sweep / "report" / "index.html"
    assert out.stdout.strip() == str(index)
    sources, text = images_in_page(index.parent)
    assert sorted(sources) == ["sweep_populations.exc.params.tau_m.png", "sweep_run.seed.png"]
    for source in sources:
        assert_non_blank_png(index.parent / source)
    assert text.count("<td>complete</td>") == 6
    assert "<th>exc rate (Hz)</th>" in text and "<th>energy (J)</th>" in text


def test_swept_quantities_become_numbers():
    numbers, unit = plot._numeric_axis(["500 us", "1 ms"])  # mixed prefixes: one axis unit
    np.testing.assert_allclose(numbers, [0.5, 1.0])
    assert unit == "ms"
    assert plot._numeric_axis([0, 4, 8])[1] == ""
    assert plot._numeric_axis(["mesh", "tree"]) is None


def missing(path):
    return path


def corrupt(path):
    path.write_bytes(b"not hdf5 at all")
    return path


def empty_directory(path):
    path.mkdir()
    return path


def not_a_sweep_index(path):
    path.write_text("{}")
    return path


@pytest.mark.parametrize("name, make, message", [
    ("missing.h5", missing, r"missing\.h5: no such file \(expected a fluxon run file\)"),
    ("bad.h5", corrupt, r"bad\.h5: not an HDF5 file"),
    ("empty", empty_directory, r"empty/index\.json: no such file \(expected a fluxon sweep index\.json\)"),
    ("index.json", not_a_sweep_index, r"index\.json: the index has no key 'format'"),
])
def test_bad_input_is_a_named_error(tmp_path, name, make, message):
    out = fluxon("report", make(tmp_path / name), "-o", tmp_path / "out", check=False)
    assert out.returncode == 2
    assert re.search(r"^fluxon: error: .*" + message, out.stderr), out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_an_hdf5_file_that_is_not_a_run(tmp_path):
    import h5py
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = 1
    out = fluxon("report", tmp_path / "other.h5", check=False)
    assert out.returncode == 2
    assert "other.h5: not a fluxon run file (root attribute 'format' is missing" in out.stderr


@pytest.mark.skipif("FLUXON_BUILD_DIR" not in os.environ or not shutil.which(os.environ.get("FLUXON_CMAKE", "cmake")),
                    reason="needs the build tree (FLUXON_BUILD_DIR) and cmake to install it")
def test_installed_command_finds_its_package(runs, tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run([os.environ.get("FLUXON_CMAKE", "cmake"), "--install", os.environ["FLUXON_BUILD_DIR"],
                    "--prefix", prefix], check=True, capture_output=True)
    moved = tmp_path / "moved"
    prefix.rename(moved)  # the command finds the package relative to itself, wherever it is
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([moved / "bin" / "fluxon", "report", runs["cuba_loihi"], "-o", tmp_path / "r"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r" / "device_chip.png").is_file()
