"""fluxon.dram_trace: a trace-driven DRAM run from Python, checked by hand on DDR4-3200
(tCK 0.625 ns, tRCD = CL = 22, tBURST 4)."""
import h5py
import numpy as np
import pytest

import fluxon

TCK = 0.625e-9


def write(path, text):
    path.write_text(text)
    return path


def test_a_miss_then_a_hit(tmp_path):
    trace = write(tmp_path / "two.trace", "0x0 READ 0\n0x40 READ 100\n")
    r = fluxon.dram_trace(trace, preset="ddr4_3200", output=tmp_path / "two.h5")
    assert (r["requests"], r["reads"], r["writes"]) == (2, 2, 0)
    assert (r["row_misses"], r["row_hits"], r["row_conflicts"]) == (1, 1, 0)
    np.testing.assert_allclose(r["latency"], [(22 + 22 + 4) * TCK, (22 + 4) * TCK], rtol=1e-12)
    assert r["commands"]["ACT"] == 1 and r["commands"]["RD"] == 2
    assert r["peak_bandwidth"] == pytest.approx(64 / (4 * TCK), rel=1e-12)
    with h5py.File(tmp_path / "two.h5", "r") as f:
        np.testing.assert_array_equal(f["dram/latency"][()], r["latency"])
        assert f["ledger"].attrs["total_energy"] == pytest.approx(r["static_energy"] + r["dynamic_energy"],
                                                                  rel=1e-12)
    assert "dram:" in fluxon.summarize_run(tmp_path / "two.h5")


def test_every_shipped_dram_preset_serves_a_trace(tmp_path):
    trace = write(tmp_path / "mix.trace", "".join(f"0x{64 * i:x} {'WRITE' if i % 3 else 'READ'} {i}\n"
                                                  for i in range(200)))
    for preset in fluxon.dram_presets():
        r = fluxon.dram_trace(trace, preset=preset)
        assert r["requests"] == 200 and r["reads"] + r["writes"] == 200
        assert 0 < r["bandwidth"] <= r["peak_bandwidth"]
        assert r["energy_per_bit"] > 0


def test_bad_traces_name_their_line(tmp_path):
    trace = write(tmp_path / "bad.trace", "0x0 READ 0\n0x40 FETCH 4\n")
    with pytest.raises(fluxon.IoError, match="bad.trace:2"):
        fluxon.dram_trace(trace)
    with pytest.raises(fluxon.IoError, match="capacity"):
        fluxon.dram_trace(write(tmp_path / "far.trace", "0x200000000 READ 0\n"))
    with pytest.raises(fluxon.ConfigError, match="ddr4_3200"):
        fluxon.dram_trace(write(tmp_path / "ok.trace", "0x0 READ 0\n"), preset="ddr9")
