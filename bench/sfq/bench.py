#!/usr/bin/python3
"""SFQ pulse simulation: pulse events per second of wall time on a large generated circuit,
against a plain-Python heapq simulator of the same circuit with PyLSE's semantics.

    PYTHONPATH=build/python /usr/bin/python3 bench/sfq/bench.py [--lanes 64] [--stages 32]
                                                                [--pulses 2000] [--json out.json]

The circuit: `lanes` independent lanes of `stages` stages, each stage a diamond of five cells
(splitter -> JTL on one side, two JTLs on the other -> C element, which fires on the last
arrival), so every input pulse makes 6 pulse events per stage; 64 x 32 x 5 = 10,240 cells.
Each lane is driven by a 30 ps periodic train of `pulses` pulses.

Both simulators run the same circuit: fluxon (fluxon.sfq, its C++ pulse simulator; the time
is its simulation loop, /counters/wall_time, not reading the file) and the reference, a
PyLSE-like discrete-event loop over heapq written here in plain Python: cells are dicts of
the library's transition tables (read from devices/sfq/presets/sfq_default.toml), times are
floats in ps, setup and hold windows are checked. The reference runs a tenth of the pulses
(it is slow); both must give the same output pulse times on that smaller run, and the table
prints the events per second of each and their ratio.
"""
import argparse
import heapq
import json
import pathlib
import sys
import time
import tomllib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "devices" / "sfq" / "presets" / "sfq_default.toml"
PERIOD_PS = 30


def circuit(lanes, stages):
    """(cells {name: cell}, wires [(src, port, dst, port)], inputs {lane: first cell port},
    outputs {lane: last cell port})."""
    cells, wires, inputs, outputs = {}, [], {}, {}
    for lane in range(lanes):
        prev = None
        for s in range(stages):
            p = f"l{lane}_s{s}_"
            for name, cell in (("sp", "splitter"), ("j0", "jtl"), ("j1", "jtl"), ("j2", "jtl"), ("c", "c")):
                cells[p + name] = cell
            wires += [(p + "sp", "l", p + "j0", "a"), (p + "sp", "r", p + "j1", "a"),
                      (p + "j1", "q", p + "j2", "a"), (p + "j0", "q", p + "c", "a"), (p + "j2", "q", p + "c", "b")]
            if prev is None:
                inputs[f"in{lane}"] = (p + "sp", "a")
            else:
                wires.append((prev, "q", p + "sp", "a"))
            prev = p + "c"
        outputs[f"out{lane}"] = (prev, "q")
    return cells, wires, inputs, outputs


def fluxon_run(spec, pulses):
    from fluxon import sfq
    cells, wires, inputs, outputs = spec
    c = sfq.Circuit(policy="record")
    for name, cell in cells.items():
        c.add(name, cell)
    for src, sp, dst, dp in wires:
        c.connect(f"{src}.{sp}", f"{dst}.{dp}")
    for pin, (dst, dp) in inputs.items():
        c.input(pin, period=PERIOD_PS * 1e-12, count=pulses)
        c.connect(pin, f"{dst}.{dp}")
    for pin, (src, sp) in outputs.items():
        c.output(pin, f"{src}.{sp}")
    r = c.run()
    return r.events, r.wall_time, {k: v / 1000.0 for k, v in r.outputs_fs.items()}, len(r.violations)


def reference_run(spec, pulses):
    """A PyLSE-like simulator: a heapq of (time, seq, cell, port), per-cell state and last
    arrival times, the library's transition tables as dicts."""
    lib = tomllib.loads(LIBRARY.read_text())["cells"]
    ps = lambda q: float(q["value"].split()[0])  # "5.7 ps"
    types = {}
    for name in {"splitter", "jtl", "c"}:
        spec_c = lib[name]
        table = {(t["from"], t["on"]): (t["to"], t.get("fire", []), t.get("setup", False), t.get("hold", False))
                 for t in spec_c["transitions"]}
        types[name] = {"table": table, "delay": ps(spec_c["delay"]), "setup": ps(spec_c.get("setup", {"value": "0 ps"})),
                       "hold": ps(spec_c.get("hold", {"value": "0 ps"})), "initial": spec_c["states"][0]}
    cells, wires, inputs, outputs = spec
    fanout = {(s, sp): (d, dp) for s, sp, d, dp in wires}
    out_of = {v: k for k, v in outputs.items()}
    state = {n: types[c]["initial"] for n, c in cells.items()}
    last = {n: {} for n in cells}
    hold_until = {n: -1e300 for n in cells}
    heap, seq = [], 0
    for pin, (dst, dp) in inputs.items():
        for i in range(pulses):
            heapq.heappush(heap, (round(i * PERIOD_PS, 6), seq, dst, dp))
            seq += 1
    out = {k: [] for k in outputs}
    events = violations = 0
    t0 = time.perf_counter()
    while heap:
        t, _, cell, port = heapq.heappop(heap)
        events += 1
        ty = types[cells[cell]]
        if t < hold_until[cell]:
            violations += 1
        dest, fire, setup, hold = ty["table"][(state[cell], port)]
        if setup and any(t - other < ty["setup"] for other in last[cell].values()):
            violations += 1
        last[cell][port] = t
        state[cell] = dest
        if hold:
            hold_until[cell] = t + ty["hold"]
        at = round(t + ty["delay"], 6)
        for o in fire:
            key = (cell, o)
            if key in fanout:
                d, dp = fanout[key]
                heapq.heappush(heap, (at, seq, d, dp))
                seq += 1
            else:
                out[out_of[key]].append(at)
    return events, time.perf_counter() - t0, out, violations


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lanes", type=int, default=64)
    ap.add_argument("--stages", type=int, default=32)
    ap.add_argument("--pulses", type=int, default=2000)
    ap.add_argument("--json", help="also write the numbers here")
    args = ap.parse_args()
    spec = circuit(args.lanes, args.stages)
    print(f"circuit: {args.lanes} lanes x {args.stages} stages = {len(spec[0])} cells, "
          f"{args.pulses} pulses per lane every {PERIOD_PS} ps")

    events, wall, _, viol = fluxon_run(spec, args.pulses)
    assert viol == 0, f"{viol} violations in the benchmark circuit"
    fluxon_rate = events / wall
    print(f"fluxon:    {events:>11,} events in {wall:8.3f} s = {fluxon_rate:12,.0f} events/s")

    small = max(1, args.pulses // 10)
    f_events, f_wall, f_out, _ = fluxon_run(spec, small)
    r_events, r_wall, r_out, r_viol = reference_run(spec, small)
    same = f_events == r_events and r_viol == 0 and all(
        np.allclose(f_out[k], r_out[k], rtol=0, atol=1e-6) and len(f_out[k]) == len(r_out[k]) for k in r_out)
    ref_rate = r_events / r_wall
    print(f"reference: {r_events:>11,} events in {r_wall:8.3f} s = {ref_rate:12,.0f} events/s "
          f"(plain-Python heapq, {small} pulses per lane)")
    print(f"ratio:     fluxon / reference = {fluxon_rate / ref_rate:,.0f}x; same output pulses: {same}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({
            "cells": len(spec[0]), "events": events, "wall_time": wall, "events_per_second": fluxon_rate,
            "reference_events_per_second": ref_rate, "ratio": fluxon_rate / ref_rate, "same_outputs": same}, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
