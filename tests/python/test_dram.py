"""fluxon.dram_trace: a trace served by the device "dram" of a run without a network, checked by
hand on DDR4-3200 (tCK 0.625 ns, tRCD = CL = 22, tBURST 4)."""
import numpy as np
import pytest

import fluxon
from fluxon import runfile

TCK = 0.625e-9


def write(path, text):
    path.write_text(text)
    return path


def commands(device):
    table = device.tables["commands"]
    return dict(zip(table["command"], table["count"]))


def test_a_miss_then_a_hit(tmp_path):
    trace = write(tmp_path / "two.trace", "0x0 READ 0\n0x40 READ 100\n")
    r = fluxon.dram_trace(trace, preset="ddr4_3200", output=tmp_path / "two.h5")
    d = r.devices["dram"]
    assert (d.stats["requests"], d.stats["reads"], d.stats["writes"]) == (2, 2, 0)
    assert (d.stats["row_misses"], d.stats["row_hits"], d.stats["row_conflicts"]) == (1, 1, 0)
    np.testing.assert_allclose(d.tables["trace"]["latency"], [(22 + 22 + 4) * TCK, (22 + 4) * TCK], rtol=1e-12)
    assert commands(d)["ACT"] == 1 and commands(d)["RD"] == 2
    assert d.stats["peak_bandwidth"] == pytest.approx(64 / (4 * TCK), rel=1e-12)
    # The run lasts until the hit completes: clock 100 + CL + tBURST = 126.
    assert r.time_reached == pytest.approx(126 * TCK, rel=1e-12)
    with runfile.open_run(tmp_path / "two.h5") as run:
        saved = run.device("dram")
        np.testing.assert_array_equal(saved.tables["trace"]["latency"], d.tables["trace"]["latency"])
        assert saved.ledger_attrs["total_energy"] == pytest.approx(r.total_energy, rel=1e-12)
    assert "device dram (dram, preset ddr4_3200" in fluxon.summarize_run(tmp_path / "two.h5")


def test_reads_of_queued_bursts_and_posted_writes(tmp_path):
    """Two reads of one burst share one RD; a read of a burst with a queued write takes its data
    one clock after entering; posted_writes=True completes the write once queued."""
    trace = write(tmp_path / "q.trace", "0x0 READ 0\n0x20 READ 3\n0x1000 WRITE 10\n0x1000 READ 15\n")
    d = fluxon.dram_trace(trace).devices["dram"]
    assert (d.stats["merged_reads"], d.stats["buffered_reads"], commands(d)["RD"]) == (1, 1, 1)
    # 0x0: ACT 0, RD 22, data at 48 for both reads; then the write of 0x1000 (the open row, another
    # column) after the read's bus turnaround, RD + CL + tBURST + 2 - CWL = 34, written at 54; the
    # read of it answered at 15 + 1.
    latency = d.tables["trace"]["latency"]
    np.testing.assert_allclose(latency, [48 * TCK, 45 * TCK, 44 * TCK, 1 * TCK], rtol=1e-12)
    posted = fluxon.dram_trace(trace, posted_writes=True).devices["dram"]
    assert posted.tables["trace"]["latency"][2] == pytest.approx(1 * TCK, rel=1e-12)
    unmerged = fluxon.dram_trace(trace, merge_reads=False, write_buffer_reads=False).devices["dram"]
    assert (unmerged.stats["merged_reads"], unmerged.stats["buffered_reads"], commands(unmerged)["RD"]) == (0, 0, 3)


def test_latency_from_arrival_and_from_acceptance(tmp_path):
    """DRAMSim3 counts latency from acceptance into the queue; both are reported. With a
    one-entry read queue the second read enters at the first's RD (tRCD = 22): 71 clocks from
    arrival, 49 from acceptance."""
    text = fluxon.dram_trace(write(tmp_path / "one.trace", "0x0 READ 0\n")).devices["dram"].preset_text
    preset = write(tmp_path / "one.toml", text.replace("read_queue = { value = 32,", "read_queue = { value = 1,"))
    trace = write(tmp_path / "full.trace", "0x0 READ 0\n0x2000 READ 0\n")
    d = fluxon.dram_trace(trace, preset=preset).devices["dram"]
    np.testing.assert_allclose(d.tables["trace"]["latency"], [48 * TCK, 71 * TCK], rtol=1e-12)
    np.testing.assert_allclose(d.tables["trace"]["latency_from_accept"], [48 * TCK, 49 * TCK], rtol=1e-12)
    assert d.stats["mean_latency_from_accept"] == pytest.approx(48.5 * TCK, rel=1e-12)
    assert d.stats["trace_latency_from_accept_p99"] == pytest.approx(49 * TCK, rel=1e-12)


def test_an_existing_run_file_is_replaced_only_with_overwrite(tmp_path):
    trace = write(tmp_path / "one.trace", "0x0 READ 0\n")
    fluxon.dram_trace(trace, output=tmp_path / "one.h5")
    with pytest.raises(fluxon.IoError, match="overwrite=True") as info:
        fluxon.dram_trace(trace, output=tmp_path / "one.h5")
    assert info.value.file == str(tmp_path / "one.h5")
    assert fluxon.dram_trace(trace, output=tmp_path / "one.h5", overwrite=True).status == "complete"


def test_every_shipped_dram_preset_serves_a_trace(tmp_path):
    trace = write(tmp_path / "mix.trace", "".join(f"0x{64 * i:x} {'WRITE' if i % 3 else 'READ'} {i}\n"
                                                  for i in range(200)))
    for preset in fluxon.dram_presets():
        d = fluxon.dram_trace(trace, preset=preset).devices["dram"]
        assert d.stats["requests"] == 200 and d.stats["reads"] + d.stats["writes"] == 200
        assert 0 < d.stats["bandwidth"] <= d.stats["peak_bandwidth"]
        assert d.stats["energy_per_bit"] > 0


def test_a_trace_in_a_network_description(tmp_path):
    """The same trace named in a Network's device("dram", ...) is served beside the network."""
    trace = write(tmp_path / "late.trace", "0x0 READ 0\n0x40 READ 800000\n")  # clock 800000 = 0.5 ms
    net = fluxon.Network(dt="0.1 ms", duration="0.2 ms")
    net.spike_source("src", 1, times=[1e-4], ids=[0])
    net.device("dram", preset="ddr4_3200", trace=str(trace), projections=[])
    d = net.build().run().devices["dram"]
    assert (d.stats["requests"], d.stats["trace_after_end"]) == (1, 1)


def test_bad_traces_name_their_line(tmp_path):
    trace = write(tmp_path / "bad.trace", "0x0 READ 0\n0x40 FETCH 4\n")
    with pytest.raises(fluxon.IoError, match="bad.trace:2"):
        fluxon.dram_trace(trace)
    with pytest.raises(fluxon.IoError, match="capacity"):
        fluxon.dram_trace(write(tmp_path / "far.trace", "0x200000000 READ 0\n"))
    with pytest.raises(fluxon.ConfigError, match="ddr4_3200"):
        fluxon.dram_trace(write(tmp_path / "ok.trace", "0x0 READ 0\n"), preset="ddr9")
    with pytest.raises(fluxon.ConfigError, match="dram.trace"):
        fluxon.dram_trace(tmp_path / "missing.trace")


def test_per_bank_refresh_from_a_preset_file(tmp_path):
    """controller.refresh = "bank": one REFB every refi_pb (1000 clocks here), bank group fastest;
    the fifth, at 5000, refreshes bank group 0 bank 1 until 5100, so a read of it arriving at 5000
    opens its row at 5100 and has its data at 5100 + tRCD + CL + tBURST = 5148."""
    text = fluxon.dram_trace(write(tmp_path / "one.trace", "0x0 READ 0\n")).devices["dram"].preset_text
    text = text.replace("rfc = {", 'refi_pb = { value = 1000, source = "test" }\n'
                        'rfc_pb = { value = 100, source = "test" }\nrfc = {')
    text = text.replace("io_energy_per_bit = {", 'idd5pb = { value = "100 mA", source = "test" }\nio_energy_per_bit = {')
    preset = write(tmp_path / "per_bank.toml", text + 'refresh = { value = "bank", source = "test" }\n')
    # Bank group 0, bank 1, row 1 under rochrababgco with 128 bursts of 64 B a row.
    d = fluxon.dram_trace(write(tmp_path / "pb.trace", "0x28000 READ 5000\n"), preset=preset).devices["dram"]
    assert d.tables["trace"]["latency"][0] == pytest.approx(148 * TCK, rel=1e-12)
    assert (commands(d)["REFB"], commands(d)["REF"]) == (5, 0)
