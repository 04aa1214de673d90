#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from small real
files of the repository and the shared data, and a few arrays and event files built here.
The result is committed; rerun after a format gains a feature worth seeding.

    make_seeds.py REPO_ROOT
"""
import io
import os
import shutil
import struct
import sys

import numpy as np


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def copy(src, dst_dir):
    os.makedirs(dst_dir, exist_ok=True)
    shutil.copy(src, os.path.join(dst_dir, os.path.basename(src)))


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def main():
    root = os.path.abspath(sys.argv[1])
    shared = os.path.join(root, "..", "shared", "data")
    corpus = os.path.join(root, "tests", "fuzz", "corpus")
    for name in ("tiny.toml", "mixed.toml"):
        copy(os.path.join(root, "tests", "integration", "data", name), os.path.join(corpus, "config"))
    for name in ("cuba.toml", "sfq_network.toml", "cuba_loihi.toml", "lsm_crossbar.toml"):
        copy(os.path.join(root, "examples", name), os.path.join(corpus, "config"))
    for name in ("adder4.toml", "spike_pairs.toml", "xor_network.toml"):
        copy(os.path.join(root, "examples", "sfq", name), os.path.join(corpus, "sfq_circuit"))
    copy(os.path.join(root, "tests", "integration", "data", "small.trace"), os.path.join(corpus, "dram_trace"))
    write(os.path.join(corpus, "dram_trace", "mixed.trace"),
          b"# address op cycle\n0x0 READ 0\n0x40 WRITE 3\n\n1024 r 3\n0x7fffffc0 W 100\n")
    for kind, family in (("chip", "neuromorphic"), ("crossbar", "crossbar"), ("dram", "dram"), ("sfq", "sfq")):
        presets = os.path.join(root, "devices", family, "presets")
        for name in sorted(os.listdir(presets)):
            copy(os.path.join(presets, name), os.path.join(corpus, "preset_" + kind))
    arrays = {
        "f32_2x3.npy": np.arange(6, dtype=np.float32).reshape(2, 3),
        "i64.npy": np.array([0, 1, -5, 7], dtype=np.int64),
        "f8_big_endian.npy": np.array([1.5, -2.0], dtype=">f8"),
        "u1_3d.npy": np.arange(8, dtype=np.uint8).reshape(2, 2, 2),
        "fortran.npy": np.asfortranarray(np.arange(6, dtype=np.int16).reshape(2, 3)),
        "scalar.npy": np.array(3.0),
    }
    for name, array in arrays.items():
        write(os.path.join(corpus, "array_npy", name), npy(array))
    for name, compress in (("plain.npz", np.savez), ("compressed.npz", np.savez_compressed)):
        buffer = io.BytesIO()
        compress(buffer, x=np.arange(6, dtype=np.float64).reshape(3, 2), y=np.array([1, 2], dtype=np.int32))
        write(os.path.join(corpus, "array_npz", name), buffer.getvalue())
    copy(os.path.join(root, "tests", "integration", "damaged", "base.h5"), os.path.join(corpus, "run_file"))
    for name in ("lif_norse.nir", "two_lif_neurons.nir"):
        copy(os.path.join(shared, "nir", "01_lif", name), os.path.join(corpus, "nir_file"))
    # Event files: the first byte picks the format (tests/fuzz/event_file.cpp): 0 N-MNIST,
    # 1 AEDAT 2.0 (DVS128), 2 AEDAT 3.1, 3 Prophesee .dat, 4 EVT 2.0, 5 EVT 3.0, 6 AEDAT 4.0.
    events = os.path.join(corpus, "event_file")
    with open(os.path.join(shared, "events", "sample_nmnist.bin"), "rb") as f:
        write(os.path.join(events, "nmnist.bin"), b"\x00" + f.read()[:500])
    with open(os.path.join(shared, "events", "sample_ncars.dat"), "rb") as f:
        write(os.path.join(events, "ncars.dat"), b"\x03" + f.read()[:1500])
    be32 = lambda v: struct.pack(">I", v)
    le32 = lambda v: struct.pack("<I", v)
    le16 = lambda v: struct.pack("<H", v)
    write(os.path.join(events, "dvs128.aedat"),
          b"\x01#!AER-DAT2.0\r\n# HardwareInterface: DVS128\r\n" + be32(0x0515) + be32(100) + be32(0x1234) + be32(150))

    def aedat3_packet(type_, overflow, capacity):
        return le16(type_) + le16(1) + le32(8) + le32(4) + le32(overflow) + le32(capacity) * 3

    write(os.path.join(events, "aedat3.aedat"),
          b"\x02#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n"
          + aedat3_packet(1, 0, 2) + le32(3 << 17 | 4 << 2 | 1 << 1 | 1) + le32(10)
          + le32(127 << 17 | 127 << 2 | 1) + le32(12) + aedat3_packet(2, 0, 1) + le32(0xFFFF) + le32(11))
    write(os.path.join(events, "evt2.raw"),
          b"\x04% evt 2.0\n% format EVT2\n% geometry 640x480\n% end\n" + le32(0x10000000) + le32(0x80000010)
          + le32(0x114320C8) + le32(0xA0000001) + le32(0x0FD3F9DF))
    write(os.path.join(events, "evt3.raw"),
          b"\x05% evt 3.0\n% format EVT3;height=720;width=1280\n% end\n"
          + b"".join(le16(w) for w in (0x2005, 0x8001, 0x6010, 0x012C, 0x2807, 0x3064, 0x4805, 0x5081, 0x6020,
                                       0x8000, 0x24FF, 0xA000)))
    # AEDAT 4.0: uncompressed, LZ4 and Zstandard, with an IMU packet and a frame packet between
    # two event packets (the writer of tests/python, python3-flatbuffers and the lz4/zstd tools).
    sys.path.insert(0, os.path.join(root, "tests", "python"))
    import aedat4_writer as a4
    streams = a4.description([(0, "EVTS", 346, 260), (1, "FRME", 346, 260), (2, "IMUS", None, None)])
    for name, c in (("aedat4_none.aedat4", a4.NONE), ("aedat4_lz4.aedat4", a4.LZ4), ("aedat4_zstd.aedat4", a4.ZSTD)):
        write(os.path.join(events, name),
              b"\x06" + a4.header(c, streams)
              + a4.packet(0, a4.compress(c, a4.event_payload([(1605537493718345, 154, 204, 0), (1605537493718352, 0, 0, 1)])))
              + a4.packet(2, a4.compress(c, b"IMU samples")) + a4.packet(1, a4.compress(c, b"a frame"))
              + a4.packet(0, a4.compress(c, a4.event_payload([(1605537493719345, 345, 259, 1)]))))
    print("seed corpora in", corpus)


if __name__ == "__main__":
    main()
