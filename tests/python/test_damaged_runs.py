"""fluxon.analysis on damaged run files (issue 20): the files that once crashed or hung
libhdf5 (tests/integration/damaged/crashers) raise RunFileError saying "damaged run file", and
a generated corpus of damaged copies of a real run either reads or raises an exception; the
interpreter never dies of a signal and nothing hangs.
"""
import os
import pathlib
import subprocess
import sys

import pytest

from fluxon import analysis
from fluxon.file_check import check_readable, DamagedFileError, read_timeout

DAMAGED = pathlib.Path(__file__).resolve().parent.parent / "integration" / "damaged"
CRASHERS = sorted((DAMAGED / "crashers").glob("*.h5"))


def read_everything(path):
    with analysis.open_run(path) as run:
        for population in run.spike_populations():
            run.spikes(population)
        for population, variable in run.probes():
            run.probe(population, variable)
        run.ledger()
        run.devices()


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setenv("FLUXON_READ_TIMEOUT", "2")


def test_the_base_file_reads_whole():
    read_everything(DAMAGED / "base.h5")
    check_readable(DAMAGED / "base.h5")


@pytest.mark.parametrize("path", CRASHERS, ids=[p.name for p in CRASHERS])
def test_crashers_raise_a_named_error(path):
    assert CRASHERS, "no crashers found"
    with pytest.raises(analysis.RunFileError, match=r"damaged run file") as e:
        read_everything(path)
    assert str(path) in str(e.value)


def test_a_crash_and_a_hang_are_told_apart():
    crash = DAMAGED / "crashers" / "zero_16506_16.h5"  # SIGFPE on a chunked layout
    with pytest.raises(DamagedFileError, match=r"crashed reading it \(SIGFPE\)"):
        check_readable(crash)
    hang = DAMAGED / "crashers" / "insert_3021_1.h5"  # the global heap reader loops
    with pytest.raises(DamagedFileError, match=r"did not finish within 2 s"):
        check_readable(hang)


def test_a_bad_timeout_is_named(monkeypatch):
    monkeypatch.setenv("FLUXON_READ_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="FLUXON_READ_TIMEOUT is 'soon'"):
        read_timeout()


def test_generated_corpus_never_kills_the_interpreter(tmp_path):
    # In a child interpreter, so that a crash shows as its exit status rather than ending pytest.
    subprocess.run([sys.executable, str(DAMAGED / "make_corpus.py"), str(DAMAGED / "base.h5"), str(tmp_path),
                    "--count", "6"], check=True, capture_output=True)
    script = (
        "import sys, pathlib\n"
        "from test_damaged_runs import read_everything\n"
        "from fluxon import analysis\n"
        "read = refused = 0\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.h5')):\n"
        "    try:\n"
        "        read_everything(p); read += 1\n"
        "    except (analysis.RunFileError, OSError, RuntimeError, KeyError, ValueError, TypeError):\n"
        "        refused += 1\n"
        "print(read, refused)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(pathlib.Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, env=env,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    read, refused = map(int, done.stdout.split())
    assert read + refused == len(list(tmp_path.glob("*.h5")))
    assert refused > 0
