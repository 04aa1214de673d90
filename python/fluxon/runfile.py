"""Read fluxon run files (layout: docs/run_file.md) with plain h5py.

Nothing here needs the C++ extension, so saved runs can be analysed on any machine with
numpy and h5py.
"""
import dataclasses
import json
import os

import h5py
import numpy as np

from .file_check import DamagedFileError, check_readable

FORMAT = "fluxon-run"
FORMAT_VERSION = 2  # what this fluxon writes; 2 added /devices
READABLE_FORMAT_VERSIONS = (1, 2)
LEDGER_TEXT_COLUMNS = ("component", "action", "source")
LEDGER_NUMBER_COLUMNS = {"count": np.int64, "energy": np.float64, "latency": np.float64}
LEDGER_COLUMNS = ("component", "action", "count", "energy", "latency", "source")
# /devices/<instance>: one group per device, the same for every family.
DEVICE_ATTRS = ("family", "instance", "preset", "preset_origin", "status")
STATS_COLUMNS = {"path": str, "name": str, "unit": str, "kind": str, "integer": np.int64, "real": np.float64,
                 "text": str}


class RunFileError(ValueError):
    """A run file or sweep index that is missing, malformed, or lacks what was asked of it.

    The message always names the file, and says what was expected or what exists.
    """


def _plain(value):
    """An HDF5 attribute or scalar as a plain Python value (str, int, float) or numpy array.

    h5py 3 returns scalar string datasets and fixed-length string attributes as bytes.
    """
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return _plain(value[()])
        if value.dtype.kind in ("S", "O"):
            return np.array([_plain(v) for v in value.ravel()]).reshape(value.shape)
        return value
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _names(group):
    return sorted(group.keys()) if group is not None else []


def _in_order(group):
    """Member names in the order the writer created them (fluxon tracks creation order)."""
    return list(group.keys()) if group is not None else []


@dataclasses.dataclass
class Device:
    """One device of a run (/devices/<instance>), read the same way whatever its family.

    stats holds the device-level statistics (path "") by name, with their SI units in
    stats_units ("" for counts, fractions and text); stats_entries lists every statistic as
    (path, name, value, unit), values typed int, float or str as written. tables maps each
    table to its columns (numpy arrays; str arrays for text), in the order written, and
    table_units gives the unit of the columns that have one. ledger is this device's share
    of the run's ledger as Run.ledger() returns it, or None when the device reported none;
    ledger_attrs holds its status and static/dynamic/total energy (J). status is "running"
    until the device reported its results (a killed run leaves it so), then "complete".
    """
    family: str
    instance: str
    preset: str
    preset_origin: str
    status: str
    preset_text: str
    stats: dict
    stats_units: dict
    stats_entries: list
    tables: dict
    table_units: dict
    ledger: dict
    ledger_attrs: dict

    def __repr__(self):
        tables = ", ".join(self.tables) or "none"
        preset = f", preset {self.preset!r}" if self.preset else ""
        return (f"<fluxon Device {self.instance!r} ({self.family}{preset}): {self.status}, "
                f"{len(self.stats_entries)} statistics, tables: {tables}>")

    def stat(self, path, name):
        """The value of one statistic anywhere in the tree; KeyError naming what exists."""
        for p, n, value, _ in self.stats_entries:
            if p == path and n == name:
                return value
        raise KeyError(f"device {self.instance!r} has no statistic {name!r} at path {path!r} "
                       f"(it has: {[(p, n) for p, n, _, _ in self.stats_entries]})")


class Run:
    """One run file, open for reading.

    Header facts (attrs, status, config, populations, projections, counters) are read when
    the file is opened; spikes, probes and the ledger are read on request, so a large file
    costs only what is asked of it. Use as a context manager, or call close().
    """

    def __init__(self, path):
        self.path = os.path.abspath(os.fspath(path))
        if not os.path.isfile(self.path):
            raise RunFileError(f"{self.path}: no such file (expected a fluxon run file)")
        try:
            check_readable(self.path)
        except DamagedFileError as e:
            raise RunFileError(str(e)) from None
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as e:
            raise RunFileError(f"{self.path}: not an HDF5 file, so not a fluxon run file ({e})") from None
        try:
            self._read_header()
        except RunFileError:
            self._file.close()
            raise
        except (OSError, RuntimeError, KeyError) as e:
            # h5py's errors on a damaged file name neither the file nor that it is damaged.
            self._file.close()
            raise RunFileError(f"{self.path}: damaged run file: {type(e).__name__}: {e}") from None
        except BaseException:
            self._file.close()
            raise

    def _read_header(self):
        self.attrs = {k: _plain(v) for k, v in self._file.attrs.items()}
        fmt = self.attrs.get("format")
        if fmt != FORMAT:
            found = "is missing" if fmt is None else f"is {fmt!r}"
            raise RunFileError(f"{self.path}: not a fluxon run file (root attribute 'format' "
                               f"{found}, expected {FORMAT!r})")
        version = self.attrs.get("format_version")
        if version not in READABLE_FORMAT_VERSIONS:
            raise RunFileError(
                f"{self.path}: run file format_version {version!r} is not supported "
                f"(this fluxon reads versions {READABLE_FORMAT_VERSIONS[0]} to {READABLE_FORMAT_VERSIONS[-1]})")
        self.format_version = int(version)
        self.seed = int(self._root_attr("seed"))
        self.dt = float(self._root_attr("dt"))
        self.duration = float(self._root_attr("duration"))
        self.status = self._scalar_text("run/status")
        self.message = self._scalar_text("run/message")
        self.time_reached = float(self._scalar("run/time_reached"))
        self.config_text = self._scalar_text("config/text")
        self.config_source = self._scalar_text("config/source")
        self.config_format = self._scalar_text("config/format")
        self.populations = self._read_populations()
        self.projections = self._read_projections()
        self.counters = self._read_counters()
        ledger = self._file.get("ledger")
        self.has_ledger = ledger is not None and _plain(ledger.attrs.get("status", "")) != "empty"
        self.ledger_attrs = {k: _plain(v) for k, v in ledger.attrs.items()} if ledger is not None else {}

    # -- header helpers -------------------------------------------------------------------

    def _root_attr(self, name):
        if name not in self.attrs:
            raise RunFileError(f"{self.path}: root attribute {name!r} is missing "
                               f"(present: {sorted(self.attrs)})")
        return self.attrs[name]

    def _scalar(self, name):
        if name not in self._file:
            raise RunFileError(f"{self.path}: dataset /{name} is missing "
                               "(every fluxon run file has it, see docs/run_file.md)")
        return _plain(self._file[name][()])

    def _scalar_text(self, name):
        return str(self._scalar(name))

    def _group_attr(self, group, name):
        if name not in group.attrs:
            raise RunFileError(f"{self.path}: {group.name} has no attribute {name!r} "
                               f"(present: {sorted(group.attrs)})")
        return _plain(group.attrs[name])

    def _read_populations(self):
        populations = {}
        group = self._file.get("populations")
        for name in _names(group):
            g = group[name]
            text = self._group_attr(g, "params_json")
            try:
                params = json.loads(text)
            except json.JSONDecodeError as e:
                raise RunFileError(f"{self.path}: {g.name} attribute params_json is not JSON ({e})") from None
            populations[name] = {
                "size": int(self._group_attr(g, "size")),
                "model": str(self._group_attr(g, "model")),
                "kind": str(self._group_attr(g, "kind")),
                "params": params,
            }
        return populations

    def _read_projections(self):
        projections = {}
        group = self._file.get("projections")
        for name in _names(group):
            g = group[name]
            projections[name] = {
                "pre": str(self._group_attr(g, "pre")),
                "post": str(self._group_attr(g, "post")),
                "receptor": str(self._group_attr(g, "receptor")),
                "n_synapses": int(self._group_attr(g, "n_synapses")),
                "connector": str(self._group_attr(g, "connector")),
            }
        return projections

    def _read_counters(self):
        """Scalar counters; `spikes_per_population` is a nested dict. A run killed before
        its counters were written has none, hence an empty dict rather than an error."""
        counters = {}
        group = self._file.get("counters")
        for name in _names(group):
            item = group[name]
            if isinstance(item, h5py.Group):
                counters[name] = {k: _plain(item[k][()]) for k in _names(item)}
            else:
                counters[name] = _plain(item[()])
        return counters

    # -- data on request ------------------------------------------------------------------

    def _open_file(self):
        if not self._file:
            raise RunFileError(f"{self.path}: the run file is closed (read data inside the "
                               "'with open_run(...)' block, or open the run again)")
        return self._file

    def _spike_group(self, population):
        spikes = self._open_file().get("spikes")
        recorded = _names(spikes)
        if population not in recorded:
            known = (f"population {population!r} exists but its spikes were not recorded"
                     if population in self.populations else f"no population {population!r}")
            raise RunFileError(f"{self.path}: {known}; spikes recorded for: {recorded}")
        return spikes[population]

    def spike_populations(self):
        """Names of the populations whose spikes were recorded, sorted."""
        return _names(self._open_file().get("spikes"))

    def spikes(self, population):
        """(times float64 [s], ids uint32) of every recorded spike, sorted by (time, id)."""
        g = self._spike_group(population)
        times = np.asarray(g["times"][()], dtype=np.float64)
        ids = np.asarray(g["ids"][()], dtype=np.uint32)
        if times.shape != ids.shape:
            raise RunFileError(f"{self.path}: {g.name}/times has {times.size} entries but "
                               f"{g.name}/ids has {ids.size}")
        return times, ids

    def layer_events(self, layer):
        """(times float64 [s], ids uint32, values float64) of a recorded layer: the flat index
        and value of every non-zero output entry, step by step (docs/layers.md)."""
        g = self._spike_group(layer)
        if "values" not in g:
            raise RunFileError(f"{self.path}: {g.name} holds spikes without values (a population); "
                               "read it with spikes()")
        times, ids = self.spikes(layer)
        values = np.asarray(g["values"][()], dtype=np.float64)
        if values.shape != times.shape:
            raise RunFileError(f"{self.path}: {g.name}/values has {values.size} entries but "
                               f"{g.name}/times has {times.size}")
        return times, ids, values

    def layers(self):
        """What the layered network did (/layers), as RunResult.layers gives it: {"stats",
        "stats_units", "tables", "table_units"}; None when the run has no layered network."""
        g = self._open_file().get("layers")
        if g is None:
            return None
        entries = self._device_stats(g["stats"]) if "stats" in g else []
        tables, units = {}, {}
        if "tables" in g:
            for table in _in_order(g["tables"]):
                tables[table], units[table] = self._device_table(g["tables"][table])
        return {"stats": {name: value for path, name, value, _ in entries if path == ""},
                "stats_units": {name: unit for path, name, _, unit in entries if path == ""},
                "tables": tables, "table_units": units}

    def n_neurons(self, population):
        """Size of the population whose spikes were recorded (the n_neurons attribute)."""
        return int(self._group_attr(self._spike_group(population), "n_neurons"))

    def recorded_ids(self, population):
        """The neurons whose spikes were recorded: all of them unless subset="list"."""
        g = self._spike_group(population)
        if str(self._group_attr(g, "subset")) == "list":
            return np.asarray(g["recorded_ids"][()], dtype=np.uint32)
        return np.arange(self.n_neurons(population), dtype=np.uint32)

    def probes(self):
        """Every recorded probe as a (population, variable) pair, sorted."""
        group = self._open_file().get("probes")
        return [(pop, var) for pop in _names(group) for var in _names(group[pop])]

    def _probe_group(self, population, variable):
        available = self.probes()
        if (population, variable) not in available:
            raise RunFileError(f"{self.path}: no probe of {variable!r} on population "
                               f"{population!r}; probes recorded: {available}")
        return self._file["probes"][population][variable]

    def probe(self, population, variable):
        """(times float64 [m], ids uint32 [k], values float64 [m, k]): one row per sample."""
        g = self._probe_group(population, variable)
        times = np.asarray(g["times"][()], dtype=np.float64)
        ids = np.asarray(g["ids"][()], dtype=np.uint32)
        values = np.asarray(g["values"][()], dtype=np.float64)
        if values.shape != (times.size, ids.size):
            raise RunFileError(f"{self.path}: {g.name}/values has shape {values.shape}, "
                               f"expected ({times.size}, {ids.size}) (samples, probed neurons)")
        return times, ids, values

    def probe_info(self, population, variable):
        """{'units': SI unit string, 'interval': sampling interval in s} of one probe."""
        g = self._probe_group(population, variable)
        return {"units": str(self._group_attr(g, "units")),
                "interval": float(self._group_attr(g, "interval"))}

    def ledger(self):
        """The energy/latency ledger as a dict of equal-length numpy columns.

        component, action, source are str arrays; count int64; energy float64 (J);
        latency float64 (s): the union of the devices' ledgers (each device's own share is
        in Run.device(name).ledger). A run without a device that costs energy (status
        "empty") gives empty columns of those types.
        """
        if not self.has_ledger:
            columns = {c: np.array([], dtype=str) for c in LEDGER_TEXT_COLUMNS}
            columns.update({c: np.array([], dtype=t) for c, t in LEDGER_NUMBER_COLUMNS.items()})
            return {c: columns[c] for c in LEDGER_COLUMNS}
        return self._ledger_columns(self._open_file()["ledger"])

    def _ledger_columns(self, g):
        missing = [c for c in LEDGER_COLUMNS if c not in g]
        if missing:
            raise RunFileError(f"{self.path}: {g.name} lacks column(s) {missing} "
                               f"(expected {list(LEDGER_COLUMNS)})")
        columns = {}
        for c in LEDGER_COLUMNS:
            if c in LEDGER_TEXT_COLUMNS:
                columns[c] = np.asarray(g[c].asstr()[()], dtype=str).reshape(-1)
            else:
                columns[c] = np.asarray(g[c][()], dtype=LEDGER_NUMBER_COLUMNS[c])
        lengths = {c: columns[c].size for c in LEDGER_COLUMNS}
        if len(set(lengths.values())) != 1:
            raise RunFileError(f"{self.path}: {g.name} columns differ in length: {lengths}")
        return columns

    def _column(self, group, name, dtype):
        if name not in group:
            raise RunFileError(f"{self.path}: {group.name} lacks the column {name!r} "
                               f"(present: {_names(group)})")
        if dtype is str:
            return np.asarray(group[name].asstr()[()], dtype=str).reshape(-1)
        return np.asarray(group[name][()], dtype=dtype).reshape(-1)

    def _table(self, group, columns):
        table = {c: self._column(group, c, t) for c, t in columns.items()}
        lengths = {c: v.size for c, v in table.items()}
        if len(set(lengths.values())) > 1:
            raise RunFileError(f"{self.path}: {group.name} columns differ in length: {lengths}")
        return table

    # -- devices (format version 2) -------------------------------------------------------

    def device_names(self):
        """Instances of the run's devices, in the order the run created them ([] in version 1 files)."""
        return _in_order(self._open_file().get("devices"))

    def devices(self):
        """Every device of the run: {instance: Device}, in the order the run created them.

        Files of format version 1 have no /devices and give {}.
        """
        return {name: self.device(name) for name in self.device_names()}

    def device(self, instance):
        """One device (a Device, see its documentation); RunFileError naming the devices there
        are when the run has no device `instance`."""
        names = self.device_names()
        if instance not in names:
            why = (" (format_version 1 files have no /devices)" if self.format_version < 2 else "")
            raise RunFileError(f"{self.path}: no device {instance!r}; devices in the run: {names}{why}")
        g = self._file["devices"][instance]
        attrs = {name: str(self._group_attr(g, name)) for name in DEVICE_ATTRS}
        entries = self._device_stats(g["stats"]) if "stats" in g else []
        top = [(name, value, unit) for path, name, value, unit in entries if path == ""]
        tables, units = {}, {}
        if "tables" in g:
            for table in _in_order(g["tables"]):
                tables[table], units[table] = self._device_table(g["tables"][table])
        ledger = g.get("ledger")
        return Device(
            **attrs,
            preset_text=self._scalar_text(f"devices/{instance}/preset_text") if "preset_text" in g else "",
            stats={name: value for name, value, _ in top},
            stats_units={name: unit for name, _, unit in top},
            stats_entries=entries,
            tables=tables,
            table_units=units,
            ledger=self._ledger_columns(ledger) if ledger is not None else None,
            ledger_attrs={k: _plain(v) for k, v in ledger.attrs.items()} if ledger is not None else {},
        )

    def _device_stats(self, g):
        columns = self._table(g, STATS_COLUMNS)
        entries = []
        for i, kind in enumerate(columns["kind"]):
            if kind == "integer":
                value = int(columns["integer"][i])
            elif kind == "real":
                value = float(columns["real"][i])
            elif kind == "text":
                value = str(columns["text"][i])
            else:
                raise RunFileError(f"{self.path}: {g.name}/kind[{i}] is {kind!r} "
                                   "(expected 'integer', 'real' or 'text')")
            entries.append((str(columns["path"][i]), str(columns["name"][i]), value, str(columns["unit"][i])))
        return entries

    def _device_table(self, g):
        """(columns, units) of one device table; a column's type is what was written."""
        columns, units = {}, {}
        for name in _in_order(g):
            d = g[name]
            if not isinstance(d, h5py.Dataset):
                raise RunFileError(f"{self.path}: {d.name} is a group, expected a table column")
            if h5py.check_string_dtype(d.dtype) is not None:
                columns[name] = np.asarray(d.asstr()[()], dtype=str).reshape(-1)
            else:
                columns[name] = np.asarray(d[()]).reshape(-1)
            if "unit" in d.attrs:
                units[name] = str(_plain(d.attrs["unit"]))
        lengths = {c: v.size for c, v in columns.items()}
        if len(set(lengths.values())) > 1:
            raise RunFileError(f"{self.path}: {g.name} columns differ in length: {lengths}")
        return columns, units

    # -- lifetime -------------------------------------------------------------------------

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return (f"<fluxon Run {self.path!r} status={self.status!r} "
                f"time_reached={self.time_reached:g} s populations={sorted(self.populations)}>")


def open_run(path):
    """Open a run file for reading; raises RunFileError if it is not a fluxon run."""
    return Run(path)
