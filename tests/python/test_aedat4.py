"""fluxon.events on AEDAT 4.0 files built by aedat4_writer.py (python3-flatbuffers' Builder, the
lz4 and zstd tools): the events put in come back, times from the first event, the other streams
skipped, frames as counted by hand, and damaged files as fluxon.IoError naming file and offset.
"""
import struct

import numpy as np
import pytest

import fluxon
from fluxon import events

pytest.importorskip("flatbuffers", reason="the AEDAT 4.0 test files need python3-flatbuffers")
import aedat4_writer as a4  # noqa: E402

UNIX_US = 1605537493718345  # a DV timestamp: Unix time in microseconds
# (t, x, y, on) in two packets of stream 0, sensor 5 x 4; an IMU packet between them.
FIRST = [(UNIX_US, 4, 3, True), (UNIX_US + 250, 0, 1, False), (UNIX_US + 999, 4, 3, True)]
SECOND = [(UNIX_US + 1000, 2, 2, False), (UNIX_US + 2500, 1, 0, True)]
STREAMS = a4.description([(0, "EVTS", 5, 4), (2, "IMUS", None, None)])


def recording(compression):
    body = lambda payload: a4.compress(compression, payload)
    return (a4.header(compression, STREAMS) + a4.packet(0, body(a4.event_payload(FIRST)))
            + a4.packet(2, body(b"IMU samples, not read")) + a4.packet(0, body(a4.event_payload(SECOND))))


COMPRESSIONS = [a4.NONE] + ([a4.LZ4, a4.LZ4_HIGH, a4.ZSTD, a4.ZSTD_HIGH] if a4.can_compress() else [])


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_read_gives_the_events_put_in(tmp_path, compression):
    path = tmp_path / "rec.aedat4"
    path.write_bytes(recording(compression))
    rec = events.read(path)
    assert rec.format == "aedat4"
    assert rec.sensor_size == (5, 4, 2)
    assert rec.skipped == 1
    assert rec.origin == UNIX_US
    put = FIRST + SECOND
    np.testing.assert_array_equal(rec.events["t"], [t - UNIX_US for t, _, _, _ in put])
    np.testing.assert_array_equal(rec.events["x"], [x for _, x, _, _ in put])
    np.testing.assert_array_equal(rec.events["y"], [y for _, _, y, _ in put])
    np.testing.assert_array_equal(rec.events["p"], [int(on) for _, _, _, on in put])


def test_frames_of_an_aedat4_recording_by_hand(tmp_path):
    path = tmp_path / "rec.aedat4"
    path.write_bytes(recording(a4.NONE))
    rec = events.read(path, format="aedat4")
    frames = events.to_frames(rec.events, rec.sensor_size, dt="1 ms")
    # t 0, 250, 999 us in frame 0; 1000 in frame 1; 2500 in frame 2. Shape [3, P, H, W].
    want = np.zeros((3, 2, 4, 5))
    want[0, 1, 3, 4] = 2
    want[0, 0, 1, 0] = 1
    want[1, 0, 2, 2] = 1
    want[2, 1, 0, 1] = 1
    np.testing.assert_array_equal(frames, want)


def test_damaged_aedat4_files_raise_io_error_naming_file_and_offset(tmp_path):
    good = recording(a4.NONE)
    header_end = len(a4.header(a4.NONE, STREAMS))
    cut = tmp_path / "cut.aedat4"
    cut.write_bytes(good[:-3])
    last = header_end + 8 + len(a4.event_payload(FIRST)) + 8 + len(b"IMU samples, not read")
    with pytest.raises(fluxon.IoError, match=rf"cut\.aedat4.*AEDAT 4\.0 at byte offset {last}: packet of stream 0 says"):
        events.read(cut)
    unknown = tmp_path / "unknown.aedat4"
    unknown.write_bytes(good + a4.packet(7, b"x"))
    with pytest.raises(fluxon.IoError, match=rf"byte offset {len(good)}: packet of stream 7, which the description"):
        events.read(unknown)
    compression = tmp_path / "compression.aedat4"
    compression.write_bytes(a4.header(9, STREAMS) + good[header_end:])
    with pytest.raises(fluxon.IoError, match="byte offset 14: unknown compression 9"):
        events.read(compression)
    # The size prefix of the header is 4 little-endian bytes after the first line.
    assert struct.unpack("<I", good[14:18])[0] == header_end - 18
