"""fluxon.events: the readers against independent numpy decodes of the sample files' bytes, the
frames against numpy histograms, and recordings as inputs of networks.

The samples in ../shared/data/events come from neuromorphs/tonic (GPL-3.0), test input only;
see PROVENANCE.md there.
"""
import math
import os
from pathlib import Path

import numpy as np
import pytest

import fluxon
from fluxon import events

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "events"
NMNIST = SHARED / "sample_nmnist.bin"
NCARS = SHARED / "sample_ncars.dat"

pytestmark = pytest.mark.skipif(not NMNIST.exists(), reason=f"no sample recordings in {SHARED}")


def decode_nmnist(path):
    """The 5-byte Orchard records, decoded here without fluxon: x, y, p | ts[22:16], ts[15:8], ts[7:0]."""
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 5).astype(np.int64)
    overflow = np.cumsum(raw[:, 1] == 240) * 2 ** 13
    keep = raw[:, 1] != 240
    t = ((raw[:, 2] & 0x7F) << 16) | (raw[:, 3] << 8) | raw[:, 4]
    return (t + overflow)[keep], raw[keep, 0], raw[keep, 1], (raw[keep, 2] >> 7)


def test_read_matches_a_numpy_decode_of_the_nmnist_bytes():
    rec = events.read(NMNIST)
    t, x, y, p = decode_nmnist(NMNIST)
    assert rec.format == "nmnist" and rec.sensor_size == (34, 34, 2) and rec.skipped == 0
    assert rec.events.dtype == events.EVENT_DTYPE
    assert len(rec.events) == 4325
    np.testing.assert_array_equal(rec.events["t"], t)
    np.testing.assert_array_equal(rec.events["x"], x)
    np.testing.assert_array_equal(rec.events["y"], y)
    np.testing.assert_array_equal(rec.events["p"], p)
    assert (rec.events["t"].min(), rec.events["t"].max()) == (654, 311175)
    assert int(rec.events["p"].sum()) == 2145


def test_read_matches_a_numpy_decode_of_the_ncars_bytes():
    data = NCARS.read_bytes()
    words = np.frombuffer(data[93:], dtype="<u4").reshape(-1, 2)  # 91-byte header, type and size bytes
    rec = events.read(NCARS)
    assert rec.format == "dat" and rec.sensor_size is None
    np.testing.assert_array_equal(rec.events["t"], words[:, 0])
    np.testing.assert_array_equal(rec.events["x"], words[:, 1] & 0x3FFF)
    np.testing.assert_array_equal(rec.events["y"], (words[:, 1] >> 14) & 0x3FFF)
    np.testing.assert_array_equal(rec.events["p"], words[:, 1] >> 28)
    assert events.read(NCARS, sensor_size=(120, 100)).sensor_size == (120, 100, 2)


def test_to_frames_counts_match_a_numpy_histogram():
    rec = events.read(NMNIST)
    frames = events.to_frames(rec.events, rec.sensor_size, dt="1 ms")
    e = rec.events
    steps = int(e["t"].max()) // 1000 + 1
    assert frames.shape == (steps, 2, 34, 34)
    sample = np.stack([e["t"] // 1000, e["p"], e["y"], e["x"]], axis=1).astype(float)
    hist, _ = np.histogramdd(sample, bins=[np.arange(steps + 1), np.arange(3), np.arange(35), np.arange(35)])
    np.testing.assert_array_equal(frames, hist)
    assert frames.sum() == 4325


def test_selection_crop_downsample_merge_and_window_by_hand():
    rec = events.read(NMNIST)
    e = rec.events
    frames = events.to_frames(e, rec.sensor_size, dt=0.01, crop=(2, 4, 30, 28), downsample=3,
                              merge_polarity=True, start="50 ms", stop="250 ms")
    assert frames.shape == (20, 1, 10, 10)  # ceil(28 / 3) x ceil(30 / 3); 200 ms / 10 ms
    keep = (e["t"] >= 50_000) & (e["t"] < 250_000) & (e["x"] >= 2) & (e["x"] < 32) & (e["y"] >= 4) & (e["y"] < 32)
    want = np.zeros((20, 1, 10, 10))
    for t, x, y in zip(e["t"][keep], e["x"][keep], e["y"][keep]):
        want[(t - 50_000) // 10_000, 0, (y - 4) // 3, (x - 2) // 3] += 1
    np.testing.assert_array_equal(frames, want)
    assert frames.sum() == keep.sum() > 0


def test_malformed_files_raise_io_error_naming_file_and_offset(tmp_path):
    cut = tmp_path / "cut.bin"
    cut.write_bytes(NMNIST.read_bytes()[:23])  # four records and three bytes
    with pytest.raises(fluxon.IoError, match=r"cut\.bin.*byte offset 20: truncated record #4"):
        events.read(cut)
    with pytest.raises(fluxon.IoError, match="outside the sensor"):
        events.read(NMNIST, sensor_size=(20, 20))
    with pytest.raises(fluxon.ConfigError, match="unknown event format"):
        events.read(NMNIST, format="mp4")


def test_an_event_source_spikes_once_per_input_and_step_at_the_event_times():
    rec = events.read(NMNIST)
    dt = 1e-3
    net = fluxon.Network(dt=dt, duration="0.4 s")
    retina = net.event_source("retina", NMNIST)
    assert retina.size == 2 * 34 * 34
    retina.record_spikes()
    times, ids = net.build().run().spikes("retina")
    e = rec.events
    entry = e["p"].astype(np.int64) * 34 * 34 + e["y"].astype(np.int64) * 34 + e["x"]
    step = np.ceil(e["t"] / 1e6 / dt - 1e-9).astype(np.int64)  # spike_times emits at the next step
    pairs = sorted(set(zip(step.tolist(), entry.tolist())))  # one spike per input per step
    assert len(times) == len(pairs) < len(e)
    got = sorted(zip(np.rint(np.asarray(times) / dt).astype(np.int64).tolist(), np.asarray(ids).tolist()))
    assert got == pairs


def test_a_size_that_does_not_match_the_recording_names_the_key():
    net = fluxon.Network(dt="1 ms", duration="10 ms")
    net.event_source("retina", NMNIST, size=100, downsample=2)
    with pytest.raises(fluxon.ConfigError, match=r"populations\.retina\.size.*size is 100.*gives 578 inputs"):
        net.build()


def test_input_layer_frames_from_the_config_form_match_to_frames():
    rec = events.read(NMNIST)
    want = events.to_frames(rec.events, rec.sensor_size, dt="5 ms", downsample=2, stop="100 ms")
    net = fluxon.Network(dt="5 ms", duration="100 ms")
    net.layer("x", "input", data={"events": str(NMNIST), "downsample": 2, "stop": "100 ms"}, record=True)
    result = net.build().run()
    times, ids, values = result.layer_events("x")
    got = np.zeros((want.shape[0], want[0].size))
    got[np.rint(np.asarray(times) / 5e-3).astype(int), np.asarray(ids)] = values
    np.testing.assert_array_equal(got, want.reshape(want.shape[0], -1))
    assert got.sum() > 0
