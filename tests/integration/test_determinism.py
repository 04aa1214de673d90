"""Same config and seed give bit-identical run files on 1, 2 and 3 threads.

Runs tests/integration/data/mixed.toml (Poisson input, four models, every connector kind,
random weights and delays, step currents, probes) with the `fluxon` command and compares every
dataset under /spikes and /probes exactly, and the counters of the model's work (steps, spikes,
synaptic events). Wall times and the count of engine events (one per population slice per
step, so it grows with the number of slices) describe the execution, not the result.
"""
import os
import pathlib
import subprocess

import h5py
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLUXON = pathlib.Path(os.environ.get("FLUXON_CLI", ROOT / "build" / "io" / "cli" / "fluxon"))
CONFIG = ROOT / "tests" / "integration" / "data" / "mixed.toml"


def run(tmp_path, threads):
    out = tmp_path / f"run_{threads}.h5"
    subprocess.run([str(FLUXON), "run", str(CONFIG), "-o", str(out), "--quiet", "--threads", str(threads)],
                   check=True)
    return out


def datasets(path):
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and name.split("/")[0] in ("spikes", "probes"):
                found[name] = obj[()]
        f.visititems(visit)
        for name in ("steps", "spikes", "synaptic_events"):
            found["counters/" + name] = f["counters"][name][()]
    return found


@pytest.fixture(scope="module")
def one_thread(tmp_path_factory):
    return datasets(run(tmp_path_factory.mktemp("det"), 1))


@pytest.mark.parametrize("threads", [2, 3])
def test_run_files_are_bit_identical_across_thread_counts(tmp_path, one_thread, threads):
    other = datasets(run(tmp_path, threads))
    assert sorted(other) == sorted(one_thread)
    for name, values in one_thread.items():
        assert np.array_equal(values, other[name]), name
    # The network must be active enough for the comparison to mean something.
    for population in ("exc", "inh", "adapt", "noise"):
        assert one_thread[f"spikes/{population}/ids"].size > 50, population


def test_crossbar_runs_are_bit_identical_across_thread_counts(tmp_path):
    """The zero-shot reservoir on ReRAM arrays (device-random weights, ADC, variation): the
    spikes, what every array did and the ledger do not depend on the number of threads."""
    config = ROOT / "examples" / "lsm_crossbar.toml"
    found = []
    for threads in (1, 2):
        out = tmp_path / f"xbar_{threads}.h5"
        subprocess.run([str(FLUXON), "run", str(config), "-o", str(out), "--quiet", "--threads", str(threads),
                        "--set", "run.duration=0.3 s", "--set", "run.min_slice=16"], check=True)
        with h5py.File(out, "r") as f:
            activity = "devices/crossbar/tables/tile_activity/"
            found.append({name: f[name][()] for name in ("spikes/res/times", "spikes/res/ids", activity + "reads",
                                                         activity + "conversions", "ledger/count", "ledger/energy")})
    assert found[0]["spikes/res/ids"].size > 100
    for name, values in found[0].items():
        assert np.array_equal(values, found[1][name]), name
