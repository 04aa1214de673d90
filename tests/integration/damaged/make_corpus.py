#!/usr/bin/env python3
"""Writes damaged copies of a small, real run file: truncated, bit-flipped, byte-inserted and
zeroed, each a deterministic function of the base file and its index (docs/testing.md).

    make_corpus.py BASE.h5 OUT_DIR [--count N]

Names say what was done: trunc_<length>.h5, flip_<offset>_<bit>.h5, insert_<offset>_<n>.h5,
zero_<offset>_<n>.h5. The same arguments always give the same files.
"""
import argparse
import os
import random


def variants(data, count):
    """(name, bytes) pairs, `count` of each kind, spread over the whole file."""
    rng = random.Random(20)  # issue 20
    size = len(data)
    # Truncations: every header region is hit by short ones, the rest spread evenly.
    lengths = sorted({0, 1, 7, 8, 64, 96, 512, 800, 1024, 2047, 2048, 4096}
                     | {size * (i + 1) // (count + 1) for i in range(count)} | {size - 1})
    for n in lengths:
        yield f"trunc_{n}.h5", data[:n]
    for _ in range(count):
        offset = rng.randrange(size)
        bit = rng.randrange(8)
        damaged = bytearray(data)
        damaged[offset] ^= 1 << bit
        yield f"flip_{offset}_{bit}.h5", bytes(damaged)
    for _ in range(count):
        offset = rng.randrange(size)
        n = rng.choice((1, 3, 8, 64))
        yield f"insert_{offset}_{n}.h5", data[:offset] + bytes(rng.randrange(256) for _ in range(n)) + data[offset:]
    for _ in range(count // 2):
        offset = rng.randrange(size)
        n = rng.choice((4, 16, 256))
        yield f"zero_{offset}_{n}.h5", data[:offset] + bytes(min(n, size - offset)) + data[offset + n:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="a small, complete run file")
    parser.add_argument("out", help="directory for the damaged copies (created)")
    parser.add_argument("--count", type=int, default=100, help="variants of each kind (default 100)")
    args = parser.parse_args()
    with open(args.base, "rb") as f:
        data = f.read()
    os.makedirs(args.out, exist_ok=True)
    n = 0
    for name, damaged in variants(data, args.count):
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(damaged)
        n += 1
    print(f"{n} damaged copies of {args.base} in {args.out}")


if __name__ == "__main__":
    main()
