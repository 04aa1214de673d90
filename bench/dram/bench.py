#!/usr/bin/python3
"""Trace-driven DRAM: simulated requests per second of wall time, on 10^6-request traces.

    /usr/bin/python3 bench/dram/bench.py [--requests 1000000] [--preset ddr4_3200] [--json out.json]
                                         [--dramsim3 BIN --dramsim3-config INI]

Three traces in DRAMSim3's text format, all of `--requests` 64-byte requests:

  sequential  reads of consecutive addresses, all issued at once. With DDR4's default mapping
              (columns lowest) consecutive bursts stay in one bank group, so tCCD_L, not the
              data bus, bounds the stream
  random      uniformly random addresses, 2 reads : 1 write, one request every 4 clocks: more
              than the part can serve (tFAW bounds the activates), so queues fill and latency grows
  conflict    reads alternating between two rows of one bank, all issued at once: FR-FCFS
              serves the queued hits of one row before switching, so most become row hits

For each it runs `fluxon dram` and prints the simulation's wall time (the run file's
/counters/wall_time, which excludes reading the trace), requests per second, the bandwidth
reached as a share of the preset's peak, mean latency, row-hit rate and energy per bit, read
from the device /devices/dram of the run file.

No DRAM simulator is packaged in Debian, so none runs by default. Given a DRAMSim3 build
(--dramsim3 path/to/dramsim3main --dramsim3-config path/to/DDR4_8Gb_x8_3200.ini), the same
traces also run through it for the number of clocks fluxon needed, and the table adds its
process wall time, the ratio of wall times, the share of the requests it completed in those
clocks and its bandwidth as a share of the same peak (a cross-check of the two models; DRAMSim3's
DDR4 config has two ranks where the preset has one).
"""
import argparse
import json
import pathlib
import random
import subprocess
import sys
import tempfile
import time

import h5py

ROOT = pathlib.Path(__file__).resolve().parents[2]


def write_trace(path, kind, n, seed=1):
    rng = random.Random(seed)
    with open(path, "w") as out:
        if kind == "sequential":
            out.writelines(f"0x{64 * i:x} READ 0\n" for i in range(n))
        elif kind == "random":
            # Addresses within 1 GiB, 64-byte aligned; a request every 4 clocks.
            out.writelines(f"0x{64 * rng.randrange(1 << 24):x} {'WRITE' if rng.random() < 1 / 3 else 'READ'} {4 * i}\n"
                           for i in range(n))
        elif kind == "conflict":
            # Rows are the top address bits in DDR4's default mapping (ro first): 1 GiB apart
            # keeps channel, rank, bank group, bank and column and changes the row.
            out.writelines(f"0x{(i % 2) << 30:x} READ 0\n" for i in range(n))
        else:
            raise ValueError(kind)


def run_fluxon(fluxon, trace, preset, output):
    started = time.perf_counter()
    subprocess.run([fluxon, "dram", str(trace), "--preset", preset, "-o", str(output), "--quiet"], check=True)
    process = time.perf_counter() - started
    with h5py.File(output, "r") as f:
        d = f["devices/dram"]
        stats = d["stats"].attrs
        requests = int(stats["requests"])
        wall = float(f["counters/wall_time"][()])
        return {
            "requests": requests,
            "sim_wall_s": wall,
            "process_wall_s": process,
            "requests_per_s": requests / wall if wall > 0 else float("nan"),
            "clocks": round(float(stats["busy_until"]) / float(stats["tck"])),
            "bandwidth_share": float(stats["bandwidth"]) / float(stats["peak_bandwidth"]),
            "peak_bandwidth": float(stats["peak_bandwidth"]),
            "mean_latency_ns": float(d["tables/trace/latency"][()].mean()) * 1e9,
            "row_hit_rate": int(stats["row_hits"]) / requests,
            "pj_per_bit": float(d["ledger"].attrs["total_energy"]) / (requests * 64 * 8) * 1e12,
        }


def run_dramsim3(binary, config, trace, clocks, workdir):
    """DRAMSim3's process wall time for `clocks` cycles of `trace`, and what it completed."""
    outdir = pathlib.Path(workdir, "dramsim3")
    outdir.mkdir(exist_ok=True)
    started = time.perf_counter()
    subprocess.run([binary, config, "-c", str(clocks), "-t", str(trace), "-o", str(outdir)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    stats = json.loads(pathlib.Path(outdir, "dramsim3.json").read_text())
    channel = stats.get("0", stats)
    done = int(channel["num_reads_done"]) + int(channel["num_writes_done"])
    return wall, done, float(channel["average_bandwidth"]) * 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--preset", default="ddr4_3200")
    parser.add_argument("--fluxon", default=str(ROOT / "build" / "io" / "cli" / "fluxon"))
    parser.add_argument("--dramsim3", help="a DRAMSim3 dramsim3main binary to run side by side")
    parser.add_argument("--dramsim3-config", help="the DRAMSim3 .ini matching --preset")
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("sequential", "random", "conflict"):
            trace = pathlib.Path(tmp, f"{kind}.trace")
            write_trace(trace, kind, args.requests)
            r = run_fluxon(args.fluxon, trace, args.preset, pathlib.Path(tmp, f"{kind}.h5"))
            if args.dramsim3:
                wall, done, bandwidth = run_dramsim3(args.dramsim3, args.dramsim3_config, trace, r["clocks"], tmp)
                r["dramsim3_process_wall_s"] = wall
                r["dramsim3_over_fluxon"] = wall / r["process_wall_s"]
                r["dramsim3_completed_share"] = done / r["requests"]
                r["dramsim3_bandwidth_share"] = bandwidth / r["peak_bandwidth"]
            results[kind] = r

    columns = ["requests_per_s", "sim_wall_s", "process_wall_s", "bandwidth_share", "mean_latency_ns",
               "row_hit_rate", "pj_per_bit"]
    if args.dramsim3:
        columns += ["dramsim3_process_wall_s", "dramsim3_over_fluxon", "dramsim3_completed_share",
                    "dramsim3_bandwidth_share"]
    print(f"fluxon dram, preset {args.preset}, {args.requests} requests per trace")
    print(f"  {'trace':12}" + "".join(f"{c:>28}" for c in columns))
    for kind, r in results.items():
        print(f"  {kind:12}" + "".join(f"{r[c]:>28.4g}" for c in columns))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
