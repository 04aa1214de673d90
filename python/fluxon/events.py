"""Event-camera recordings as inputs (docs/events.md).

    rec = fluxon.events.read("sample.bin")             # N-MNIST, AEDAT 2.0/3.1/4.0, Prophesee .dat/.raw
    rec.events["t"], rec.events["x"], rec.sensor_size   # int64 us, uint16, (W, H, P)
    frames = fluxon.events.to_frames(rec.events, rec.sensor_size, dt="1 ms")   # [steps, P, H, W]
    net.layer("x", "input", data=frames)
    net.event_source("retina", "sample.bin")            # a spike_times population (Network)

Conventions are Tonic's: timestamps in microseconds, polarity 1 = ON, sensor_size = (W, H, P),
and the input entry of an event is p*H*W + y*W + x (channels first). The files are decoded by
the C++ readers (fluxon._core.read_events), the same ones config files use; selecting and
binning are numpy, and follow the C++ input forms exactly.
"""
import math
import re
from typing import NamedTuple, Optional, Tuple

import numpy as np

__all__ = ["EVENT_DTYPE", "Recording", "read", "select", "to_frames"]

#: The structured dtype of fluxon.events.read's events.
EVENT_DTYPE = np.dtype([("t", "<i8"), ("x", "<u2"), ("y", "<u2"), ("p", "u1")])


class Recording(NamedTuple):
    """What read() returns: events (structured array of EVENT_DTYPE, t non-decreasing),
    sensor_size ((W, H, P), or None when neither the file nor the caller gives it), the format
    name the file was read as, the number of records passed over (overflow markers,
    triggers, APS/IMU samples, invalid events, other AEDAT 3.1 packets, AEDAT 4.0 packets of
    other streams), and origin: the file's timestamp of t = 0 in microseconds (AEDAT 4.0: the
    Unix time of the first event, from which its events count; 0 for the other formats)."""
    events: np.ndarray
    sensor_size: Optional[Tuple[int, int, int]]
    format: str
    skipped: int
    origin: int = 0


def read(path, format=None, sensor=None, sensor_size=None):
    """Reads a recording. format: "nmnist", "aedat2", "aedat3", "aedat4", "dat", "evt2", "evt3"
    or "raw" (default: by extension, .raw and .aedat by their header). sensor: "dvs128" or "davis346", for
    AEDAT 2.0 files whose header does not name the camera. sensor_size: (W, H) or (W, H, P),
    replacing what the file says; every event must lie inside it. A malformed or truncated file
    raises fluxon.IoError naming the file and the byte offset."""
    from . import _core
    size = None if sensor_size is None else [int(v) for v in sensor_size]
    columns = _core.read_events(str(path), format, sensor, size)
    events = np.empty(len(columns["t"]), dtype=EVENT_DTYPE)
    for name in ("t", "x", "y", "p"):
        events[name] = columns[name]
    return Recording(events, columns["sensor_size"], columns["format"], int(columns["skipped"]),
                     int(columns["origin"]))


_TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


def _seconds(value, what):
    """A time in seconds from a number (s) or a string such as "1 ms"."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([a-zµ]+)\s*", value)
        if not match or match.group(2) not in _TIME_UNITS:
            raise ValueError(f"{what}: {value!r} is not a time such as \"1 ms\" (units: s, ms, us, ns)")
        return float(match.group(1)) * _TIME_UNITS[match.group(2)]
    return float(value)


def _microseconds(value, what):
    if value is None:
        return None
    us = _seconds(value, what) * 1e6
    if us < 0 or abs(us - round(us)) > 1e-6 * max(1.0, abs(us)):
        raise ValueError(f"{what} must be a whole number of microseconds >= 0, got {value!r}")
    return int(round(us))


def select(events, sensor_size, crop=None, downsample=1, merge_polarity=False, start=0, stop=None):
    """The events kept by a selection, as (entry, t, sensor_size): each event's input entry
    p*H*W + y*W + x on the sensor left, its time in us from `start`, and that sensor (W, H, P).

    crop: (x0, y0, width, height), whose corner becomes (0, 0). downsample: an integer f, so that
    f x f pixels become one entry (the sensor becomes ceil(W / f) x ceil(H / f)).
    merge_polarity: every event counts as polarity 0 (P becomes 1). start, stop: times of the
    recording (s, or strings such as "100 ms"): earlier events and those at or after stop are
    left out. The same selection as the config keys of docs/events.md."""
    if sensor_size is None:
        raise ValueError("the recording does not give its sensor size; pass sensor_size=(W, H) to read()")
    width, height = int(sensor_size[0]), int(sensor_size[1])
    polarities = int(sensor_size[2]) if len(sensor_size) > 2 else 2
    downsample = int(downsample)
    if downsample < 1:
        raise ValueError(f"downsample must be an integer >= 1, got {downsample}")
    x0 = y0 = 0
    if crop is not None:
        x0, y0, cw, ch = (int(v) for v in crop)
        if cw < 1 or ch < 1 or x0 < 0 or y0 < 0 or x0 + cw > width or y0 + ch > height:
            raise ValueError(f"crop {tuple(crop)} does not fit inside the sensor of {width} x {height}")
        width, height = cw, ch
    start_us = _microseconds(start, "start") or 0
    stop_us = _microseconds(stop, "stop")
    t = events["t"].astype(np.int64)
    x = events["x"].astype(np.int64) - x0
    y = events["y"].astype(np.int64) - y0
    keep = (t >= start_us) & (x >= 0) & (y >= 0) & (x < width) & (y < height)
    if stop_us is not None:
        keep &= t < stop_us
    out_w, out_h = -(-width // downsample), -(-height // downsample)
    out_p = 1 if merge_polarity else polarities
    p = np.zeros(int(keep.sum()), dtype=np.int64) if merge_polarity else events["p"][keep].astype(np.int64)
    entry = p * out_h * out_w + (y[keep] // downsample) * out_w + x[keep] // downsample
    return entry, t[keep] - start_us, (out_w, out_h, out_p)


def _frame_of(t_seconds, dt):
    """floor(t / dt), an event at exactly k*dt opening frame k despite decimal round-off."""
    r = np.asarray(t_seconds, dtype=np.float64) / dt
    nearest = np.rint(r)
    on_grid = np.abs(r - nearest) <= 1e-9 * np.maximum(1.0, nearest)
    return np.where(on_grid, nearest, np.floor(r)).astype(np.int64)


def to_frames(events, sensor_size, dt, crop=None, downsample=1, merge_polarity=False, start=0, stop=None):
    """Event counts per input entry per step: an int64 array [steps, P, H, W] whose frame k
    counts the events with k*dt <= t - start < (k+1)*dt (Tonic's ToFrame with time_window = dt,
    but with frames from `start` rather than from the first event, and the last, partial frame
    kept). steps is (stop - start) / dt rounded up when stop is given, else up to the last event.
    dt in s or a string such as "1 ms"; the other arguments as select(). The input layer's
    data = { events = ... } in a config file makes the same frames."""
    dt = _seconds(dt, "dt")
    if not dt > 0:
        raise ValueError(f"dt must be > 0, got {dt}")
    entry, t, (w, h, p) = select(events, sensor_size, crop, downsample, merge_polarity, start, stop)
    frame = _frame_of(t / 1e6, dt)
    if stop is not None:
        span = (_microseconds(stop, "stop") - (_microseconds(start, "start") or 0)) / 1e6
        steps = math.ceil(span / dt - 1e-9)
    elif len(t):
        steps = int(frame[-1]) + 1
    else:
        raise ValueError("no events are left to bin into frames (check start, stop and crop), and no stop says "
                         "how many frames to make")
    frames = np.zeros(steps * p * h * w, dtype=np.int64)
    inside = frame < steps
    np.add.at(frames, frame[inside] * (p * h * w) + entry[inside], 1)
    return frames.reshape(steps, p, h, w)
