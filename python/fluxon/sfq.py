"""SFQ circuits from Python: build a circuit, run it at pulse level, read pulses and energy.

    from fluxon import sfq
    c = sfq.Circuit(seed=1)
    c.add("j1", "jtl")
    c.add("syn", "synapse", bias=72e-6)
    c.input("a", times=[10e-12, 60e-12])        # or period=..., count=... / bits="0101"
    c.connect("a", "j1.a")
    c.connect("j1.q", "syn.a")
    c.output("q", "syn.q")
    r = c.run()
    r.outputs["q"]                               # pulse times in s (numpy); r.outputs_fs in fs

A Circuit is the [circuit] table of a circuit file (docs/sfq.md) held as a dict; `to_toml()`
writes that file and `run()` hands the same text to the one engine as the device "sfq" of a
run without a network, so Python and config files share one reader, one validation and the
same errors. Times are in seconds, currents
in amperes; they are written in whole femtoseconds (the simulator's time base).
"""
import json
import math
import os

import numpy as np

__all__ = ["Circuit", "Subcircuit", "Result", "run_file", "run_text", "map_network", "Mapping"]

_FS = 1e15


def _fs(seconds, what):
    ticks = float(seconds) * _FS
    rounded = round(ticks)
    if not math.isfinite(ticks) or abs(ticks - rounded) > 1e-6 * max(1.0, abs(rounded)):
        raise ValueError(f"{what} = {seconds!r} s is not a whole number of femtoseconds")
    return f"{rounded} fs"


def _key(k):
    return k if k and all(c.isalnum() or c in "_-" for c in k) and k.isascii() else json.dumps(k)


def _value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a TOML basic string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} {v!r} to a circuit file")


def _table(lines, header, table):
    lines.append(f"[{header}]")
    for key, v in table.items():
        lines.append(f"{_key(key)} = {_value(v)}")
    lines.append("")


class _Body:
    """What circuits and subcircuits share: instances, wires, splitter trees, open ports."""

    def __init__(self):
        self._instances = {}
        self._wires = []
        self._fanout = {}
        self._fanin = {}
        self._open = []

    def add(self, name, cell=None, *, circuit=None, bias=None, p=None, threshold=None, inh_weight=None,
            delay=None, hold=None, setup=None):
        """Adds a cell instance (`cell`, a library cell name) or a subcircuit instance (`circuit`).
        bias (A) or p: a stochastic synapse's weight; threshold, inh_weight: a neuron's;
        delay, hold, setup (s): override the library's firing delay, hold window (PyLSE's
        transition_time) and setup time for this instance. Returns the name."""
        if name in self._instances:
            raise ValueError(f"instance '{name}' is already defined")
        entry = {}
        if circuit is not None:
            entry["circuit"] = circuit
        if cell is not None:
            entry["cell"] = cell
        if bias is not None:
            entry["bias"] = f"{float(bias) * 1e6!r} uA"
        if p is not None:
            entry["p"] = float(p)
        if threshold is not None:
            entry["threshold"] = int(threshold)
        if inh_weight is not None:
            entry["inh_weight"] = int(inh_weight)
        if delay is not None:
            entry["delay"] = _fs(delay, f"instance {name} delay")
        if hold is not None:
            entry["hold"] = _fs(hold, f"instance {name} hold")
        if setup is not None:
            entry["setup"] = _fs(setup, f"instance {name} setup")
        self._instances[name] = entry["cell"] if list(entry) == ["cell"] else entry
        return name

    def connect(self, source, dest):
        """A wire from an output ("inst.port", or a circuit input) to an input ("inst.port", or
        a circuit output). Each output drives one input: use fanout() to split."""
        self._wires.append(f"{source} -> {dest}")

    def fanout(self, source, dests):
        """A balanced splitter tree from `source` to every input in `dests` (clock trees)."""
        self._fanout[source] = list(dests)

    def fanin(self, dest, sources):
        """A balanced merger tree from every output in `sources` into input `dest`."""
        self._fanin[dest] = list(sources)

    def open(self, port):
        """Leaves a port unconnected on purpose ("d.rst")."""
        self._open.append(port)

    def _body(self):
        t = {}
        if self._wires:
            t["wires"] = self._wires
        if self._fanout:
            t["fanout"] = self._fanout
        if self._fanin:
            t["fanin"] = self._fanin
        if self._open:
            t["open"] = self._open
        return t


class Subcircuit(_Body):
    """A reusable circuit with named input and output pins; wires name them bare ("a -> x.a",
    "x.q -> s"). Define it on a Circuit with define(), instantiate with add(name, circuit=...)."""

    def __init__(self, inputs, outputs, description=None):
        super().__init__()
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.description = description


class Circuit(_Body):
    """A top-level SFQ circuit: instances, wires, input pulse trains, outputs, what to record,
    and how to run (library, technology "rsfq" | "ersfq", seed, policy "error" | "warn" |
    "record", jitter, stop time in s, and the order of pulses reaching one cell in one
    femtosecond: simultaneous "priority" (PyLSE's, the default) | "port")."""

    def __init__(self, library=None, technology="rsfq", seed=0, policy="error", jitter=False, stop=None,
                 simultaneous="priority"):
        super().__init__()
        self.settings = {"technology": technology, "seed": int(seed), "policy": policy, "jitter": bool(jitter),
                         "simultaneous": simultaneous}
        if library is not None:
            self.settings["library"] = str(library)
        if stop is not None:
            self.settings["stop"] = _fs(stop, "stop")
        self._inputs = {}
        self._outputs = []
        self._record = []
        self._subcircuits = {}

    def input(self, name, times=None, *, period=None, count=None, start=0.0, bits=None):
        """A circuit input driven by a pulse train: explicit `times` (s), or a periodic generator
        (`period` with `count` pulses, or with a `bits` string "0110": a pulse where a bit is 1),
        starting at `start`."""
        if (times is None) == (period is None):
            raise ValueError(f"input '{name}': give either times or period")
        if times is not None:
            entry = {"times": [_fs(t, f"input {name} time") for t in np.asarray(times, dtype=float).ravel()]}
        else:
            entry = {"period": _fs(period, f"input {name} period"), "start": _fs(start, f"input {name} start")}
            if (count is None) == (bits is None):
                raise ValueError(f"input '{name}': a periodic input needs exactly one of count and bits")
            if count is not None:
                entry["count"] = int(count)
            else:
                entry["bits"] = str(bits)
        self._inputs[name] = entry
        return name

    def output(self, name, source=None):
        """Declares a circuit output (always recorded); with `source`, also wires it."""
        self._outputs.append(name)
        if source is not None:
            self.connect(source, name)
        return name

    def record(self, port):
        """Records the pulses leaving an output port ("x.q"; "fa0/x1.q" inside subcircuit fa0)."""
        self._record.append(port)

    def define(self, name, sub):
        """Makes Subcircuit `sub` available as add(..., circuit=name)."""
        self._subcircuits[name] = sub

    def to_toml(self):
        """The circuit as a circuit file (docs/sfq.md)."""
        top = dict(self.settings)
        if self._outputs:
            top["outputs"] = self._outputs
        if self._record:
            top["record"] = self._record
        top.update(self._body())
        lines = []
        _table(lines, "circuit", top)
        if self._instances:
            _table(lines, "circuit.instances", self._instances)
        for name, entry in self._inputs.items():
            _table(lines, f"circuit.inputs.{_key(name)}", entry)
        for name, sub in self._subcircuits.items():
            t = {"inputs": sub.inputs, "outputs": sub.outputs}
            if sub.description:
                t["description"] = sub.description
            t.update(sub._body())
            _table(lines, f"subcircuits.{_key(name)}", t)
            if sub._instances:
                _table(lines, f"subcircuits.{_key(name)}.instances", sub._instances)
        return "\n".join(lines)

    def run(self, output=None, overwrite=False):
        """Simulates the circuit; output: also write a run file (an existing one only with
        overwrite=True). Returns a Result. Raises
        fluxon.ConfigError / NetworkError / UserError naming the key and instance at fault."""
        return run_text(self.to_toml(), output=output, overwrite=overwrite)


def _run(sfq_section, output, overwrite):
    """The circuit alone as the device "sfq" of a run without a network or duration: it runs
    on its own input trains to its last pulse (fs time base, dt = 1 fs)."""
    from .network import Simulation
    description = {"run": {"time_base": "fs", "dt": "1 fs"}, "sfq": dict(sfq_section, inputs={})}
    result = Simulation(description).run(output=None if output is None else os.fspath(output), overwrite=overwrite)
    return Result(result.devices["sfq"], result.wall_time, result)


def run_file(path, output=None, overwrite=False):
    """Runs a circuit file (docs/sfq.md); returns a Result. An existing output file is
    refused (fluxon.IoError) unless overwrite=True."""
    return _run({"circuit": os.fspath(path)}, output, overwrite)


def run_text(text, output=None, origin="python", overwrite=False):
    """Runs circuit-file text (docs/sfq.md); returns a Result. Errors name the text as
    "python" (`origin` is kept for callers that named it otherwise)."""
    return _run({"circuit_text": text}, output, overwrite)


class Mapping:
    """A spiking network mapped onto an SFQ circuit: `text` (a circuit file), utilization
    (neurons, inputs, synapses, mergers, splitters, cells), `recorded` (one "<pop>_<i>.q" per
    neuron); run() simulates it."""

    def __init__(self, raw):
        self.text = raw["text"]
        self.recorded = list(raw["recorded"])
        self.utilization = {k: raw[k] for k in ("neurons", "inputs", "synapses", "mergers", "splitters", "cells")}

    def run(self, output=None, overwrite=False):
        return run_text(self.text, output=output, origin="mapped network", overwrite=overwrite)

    def __repr__(self):
        return f"<sfq.Mapping {self.utilization}>"


def map_network(network, full_weight=None, threshold=1, inh_weight=1, time_scale=1e-7, technology="rsfq", seed=0,
                max_cells=1_000_000):
    """Maps a fluxon.Network onto an SFQ neuromorphic circuit (mappers/sfq_mapper.hpp): each
    neuron an integrate-and-fire SFQ neuron counting `threshold` pulses, each synapse a
    stochastic synapse passing |weight| / full_weight of the pulses (SI units; default the
    largest |weight|; negative weights inhibit by inh_weight counts), merger trees for
    fan-in, splitter trees for fan-out, spike_times sources as input trains with times x
    time_scale. Membrane dynamics (leak, time constants) are not carried over. Returns a
    Mapping; raises fluxon.NetworkError naming the population or resource that does not fit."""
    from . import _core
    return Mapping(_core.sfq_map(network.description(), 0.0 if full_weight is None else float(full_weight),
                                 int(threshold), int(inh_weight), float(time_scale), technology, int(seed),
                                 int(max_cells)))


class Result:
    """What an SFQ run produced, from its device "sfq" (device: the fluxon.runfile.Device;
    run: the RunResult). outputs / recorded: {name: pulse times in s}; outputs_fs /
    recorded_fs: the same in integer femtoseconds; violations: a list of dicts (instance,
    cell, kind, port, time, other_port, other_time; times in s); energy: dynamic, bias, chip
    (at 4 K), cooling, wall_plug (J) and cryo_factor; ledger: columns; events, firings,
    cells, junctions, technology, library, seed; end: the last pulse (s); wall_time (s,
    simulating included); events_per_second."""

    def __init__(self, device, wall_time, run=None):
        self.device = device
        self.run = run
        stats, tables = device.stats, device.tables
        self.outputs_fs = {name: np.zeros(0, dtype=np.int64) for name in _pulse_counts(device)}
        self.outputs_fs.update(_by_pin(tables["outputs"]))
        self.recorded_fs = _by_pin(tables["recorded"])
        self.outputs = {k: v.astype(np.float64) / _FS for k, v in self.outputs_fs.items()}
        self.recorded = {k: v.astype(np.float64) / _FS for k, v in self.recorded_fs.items()}
        v = tables["violations"]
        self.violations = [
            {"instance": str(v["instance"][i]), "cell": str(v["cell"][i]), "kind": str(v["kind"][i]),
             "port": str(v["port"][i]), "time": float(v["time_fs"][i]) / _FS,
             "other_port": str(v["other_port"][i]), "other_time": float(v["other_time_fs"][i]) / _FS}
            for i in range(len(v["instance"]))]
        self.ledger = device.ledger
        rows = list(zip(self.ledger["component"], self.ledger["action"], self.ledger["energy"]))
        self.energy = {
            "dynamic": float(sum(e for _, action, e in rows if action == "fire")),
            "bias": float(sum(e for component, _, e in rows if component == "sfq/bias")),
            "chip": stats["energy_4k"],
            "cooling": float(sum(e for component, _, e in rows if component == "sfq/cryocooler")),
            "wall_plug": stats["energy_wall_plug"],
            "cryo_factor": stats["cryo_factor"],
        }
        for key in ("events", "firings", "cells", "junctions", "technology", "seed"):
            setattr(self, key, stats[key])
        self.library = device.preset
        self.end = stats["end_time"]
        self.wall_time = wall_time

    @property
    def events_per_second(self):
        return self.events / self.wall_time if self.wall_time > 0 else float("inf")

    def rate(self, name, duration):
        """Pulses per second on output or recorded wire `name` over `duration` s."""
        times = self.outputs.get(name, self.recorded.get(name))
        if times is None:
            raise KeyError(name)
        return len(times) / duration

    def __repr__(self):
        return (f"<sfq.Result {self.cells} cells, {self.events} pulse events, {len(self.violations)} violations, "
                f"{self.energy['chip']:.3g} J at 4 K, {self.energy['wall_plug']:.3g} J wall plug>")


def _pulse_counts(device):
    """The circuit's outputs in file order (the device counts each one's pulses)."""
    return [name for path, name, _, _ in device.stats_entries if path == "pulses"]


def _by_pin(table):
    """{pin: int64 fs times} from a table of (pin, time_fs) rows."""
    out = {}
    pins, times = table["pin"], table["time_fs"]
    for pin in dict.fromkeys(str(p) for p in pins):
        out[pin] = np.asarray(times[pins == pin], dtype=np.int64)
    return out
