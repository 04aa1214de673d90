"""Spike-train statistics on numpy arrays, and loaders for saved runs and sweeps.

Conventions shared by every function here:

* times are in seconds, ids are neuron indices within their population (0 .. n_neurons-1);
* a window (t_start, t_stop] is left-open, right-closed: fluxon stamps a spike with the end
  of the step it happened in, so the spikes stamped in (a, b] are exactly those of the steps
  inside [a, b]. Consecutive windows or bins therefore split a run's spikes without loss or
  double counting;
* a spike within 1e-9 of a window's (or bin's) length from a boundary counts as on it, so
  decimal rounding (0.1 * 3 != 0.3) does not move grid-stamped spikes across boundaries;
* variances are population variances (ddof=0).
"""
import contextlib
import json
import math
import os

import numpy as np

from .runfile import Run, RunFileError, open_run

__all__ = [
    "Run", "RunFileError", "open_run",
    "population_rate", "neuron_rates", "isi_per_neuron", "isi_all", "cv_isi", "fano_factor",
    "population_activity", "spike_count_matrix",
    "component_type", "energy_by_component", "energy_summary",
    "Sweep", "load_sweep", "format_table",
]

# Boundary tolerance as a fraction of the window or bin length (see module docstring).
_REL_TOL = 1e-9


# -- argument checks ----------------------------------------------------------------------

def _check_n_neurons(n_neurons):
    if isinstance(n_neurons, bool) or not isinstance(n_neurons, (int, np.integer)) or n_neurons < 1:
        raise ValueError(f"n_neurons must be a positive integer, got {n_neurons!r}")
    return int(n_neurons)


def _check_window(t_start, t_stop):
    t_start, t_stop = float(t_start), float(t_stop)
    if not (math.isfinite(t_start) and math.isfinite(t_stop)):
        raise ValueError(f"t_start and t_stop must be finite, got {t_start} and {t_stop}")
    if not t_stop > t_start:
        raise ValueError(f"t_stop ({t_stop} s) must be greater than t_start ({t_start} s)")
    return t_start, t_stop


def _check_times(times):
    times = np.asarray(times, dtype=np.float64)
    if times.ndim != 1:
        raise ValueError(f"times must be a 1-D array, got shape {times.shape}")
    return times


def _check_spikes(times, ids, n_neurons=None):
    """times as float64 and ids as intp, both 1-D of one length, ids within the population."""
    times = _check_times(times)
    ids = np.asarray(ids)
    if ids.shape != times.shape:
        raise ValueError(f"times and ids must have the same shape, got {times.shape} and {ids.shape}")
    if ids.size and ids.dtype.kind not in "iu":
        raise ValueError(f"ids must be integers, got dtype {ids.dtype}")
    ids = ids.astype(np.intp)
    if ids.size and ids.min() < 0:
        raise ValueError(f"ids must be non-negative, found {ids.min()}")
    if n_neurons is not None and ids.size and ids.max() >= n_neurons:
        raise ValueError(f"id {ids.max()} is out of range for n_neurons={n_neurons}")
    return times, ids


def _in_window(times, t_start, t_stop):
    tol = _REL_TOL * (t_stop - t_start)
    return (times > t_start + tol) & (times <= t_stop + tol)


def _bins(t_start, t_stop, bin_size):
    """Number of bins and their edges; the window must hold a whole number of bins, since a
    shorter last bin would bias every count, rate and variance computed from it."""
    t_start, t_stop = _check_window(t_start, t_stop)
    bin_size = float(bin_size)
    if not (math.isfinite(bin_size) and bin_size > 0):
        raise ValueError(f"bin_size must be positive, got {bin_size}")
    ratio = (t_stop - t_start) / bin_size
    n_bins = round(ratio)
    if n_bins < 1 or abs(ratio - n_bins) > _REL_TOL * max(1.0, ratio):
        raise ValueError(f"the window ({t_start} s, {t_stop} s] is {t_stop - t_start} s long, "
                         f"which is not a whole number of bins of {bin_size} s")
    edges = t_start + bin_size * np.arange(n_bins + 1)
    edges[-1] = t_stop
    return n_bins, edges


def _bin_index(times, t_start, bin_size, n_bins):
    """Bin of each spike (bin i is (edges[i], edges[i+1]]) and a mask of spikes inside."""
    position = (times - t_start) / bin_size
    index = np.ceil(position - _REL_TOL).astype(np.intp) - 1
    inside = (index >= 0) & (index < n_bins)
    return index, inside


# -- rates --------------------------------------------------------------------------------

def population_rate(times, n_neurons, t_start, t_stop):
    """Mean firing rate per neuron in Hz: spikes in (t_start, t_stop] / (n_neurons * duration).

    Example: 6 spikes from 3 neurons in (0, 2] s give 6 / (3 * 2) = 1.0 Hz.
    Pass as n_neurons the number of neurons that were recorded (len(run.recorded_ids(pop))).
    """
    n_neurons = _check_n_neurons(n_neurons)
    t_start, t_stop = _check_window(t_start, t_stop)
    count = np.count_nonzero(_in_window(_check_times(times), t_start, t_stop))
    return count / (n_neurons * (t_stop - t_start))


def neuron_rates(times, ids, n_neurons, t_start, t_stop):
    """Per-neuron firing rate in Hz, float64 [n_neurons], indexed by id.

    rates[i] = spikes of neuron i in (t_start, t_stop] / (t_stop - t_start).
    """
    n_neurons = _check_n_neurons(n_neurons)
    t_start, t_stop = _check_window(t_start, t_stop)
    times, ids = _check_spikes(times, ids, n_neurons)
    counts = np.bincount(ids[_in_window(times, t_start, t_stop)], minlength=n_neurons)
    return counts / (t_stop - t_start)


# -- inter-spike intervals ----------------------------------------------------------------

def isi_per_neuron(times, ids, n_neurons):
    """Inter-spike intervals of each neuron: a list of n_neurons float64 arrays, indexed by id.

    Neuron i's entry is np.diff of its spike times in increasing order (empty with fewer
    than two spikes). Example: spikes at 0.1, 0.3, 0.6 s give [0.2, 0.3].
    Input need not be sorted.
    """
    n_neurons = _check_n_neurons(n_neurons)
    times, ids = _check_spikes(times, ids, n_neurons)
    order = np.lexsort((times, ids))
    times, ids = times[order], ids[order]
    starts = np.searchsorted(ids, np.arange(n_neurons + 1))
    return [np.diff(times[starts[i]:starts[i + 1]]) for i in range(n_neurons)]


def isi_all(times, ids):
    """Every neuron's inter-spike intervals in one float64 array (neuron 0's first, then 1's...).

    Intervals are within a neuron, never between spikes of different neurons.
    """
    times, ids = _check_spikes(times, ids)
    if ids.size == 0:
        return np.array([], dtype=np.float64)
    return np.concatenate(isi_per_neuron(times, ids, int(ids.max()) + 1))


def cv_isi(times, ids, n_neurons, min_spikes=3):
    """Coefficient of variation of each neuron's ISIs, and their mean over valid neurons.

    Returns (cv float64 [n_neurons], mean_cv). cv[i] = std(ISI_i) / mean(ISI_i) (ddof=0), or
    nan when neuron i has fewer than min_spikes spikes; mean_cv is the mean of the non-nan
    entries (nan if there are none). Example: spikes at 0.1, 0.3, 0.6 s give ISIs 0.2, 0.3:
    mean 0.25, std 0.05, CV 0.2. A regular spike train has CV 0, a Poisson train CV 1.
    """
    if isinstance(min_spikes, bool) or not isinstance(min_spikes, (int, np.integer)) or min_spikes < 2:
        raise ValueError(f"min_spikes must be an integer >= 2 (one interval), got {min_spikes!r}")
    cv = np.full(_check_n_neurons(n_neurons), np.nan)
    for i, intervals in enumerate(isi_per_neuron(times, ids, n_neurons)):
        # all-zero intervals (a neuron stamped twice at one time) have no defined CV
        if intervals.size + 1 >= min_spikes and intervals.mean() > 0:
            cv[i] = intervals.std() / intervals.mean()
    return cv, _mean_of_valid(cv)


def _mean_of_valid(values):
    valid = values[~np.isnan(values)]
    return float(valid.mean()) if valid.size else float("nan")


# -- counts -------------------------------------------------------------------------------

def fano_factor(times, ids, n_neurons, t_start, t_stop, bin_size):
    """Fano factor of each neuron's spike counts in consecutive bins, and their mean.

    (t_start, t_stop] is cut into bins of bin_size (it must hold a whole number of them).
    For neuron i with counts c_i over the bins, F_i = var(c_i) / mean(c_i) (ddof=0), nan for
    a neuron with no spikes in the window. Returns (F float64 [n_neurons], mean of the
    non-nan F_i). Example: counts [1, 3] give mean 2, variance 1, F = 0.5; a Poisson
    process has F = 1.
    """
    n_neurons = _check_n_neurons(n_neurons)
    n_bins, edges = _bins(t_start, t_stop, bin_size)
    times, ids = _check_spikes(times, ids, n_neurons)
    index, inside = _bin_index(times, edges[0], float(bin_size), n_bins)
    flat = ids[inside] * n_bins + index[inside]
    counts = np.bincount(flat, minlength=n_neurons * n_bins).reshape(n_neurons, n_bins)
    mean = counts.mean(axis=1)
    fano = np.full(n_neurons, np.nan)
    active = mean > 0
    fano[active] = counts[active].var(axis=1) / mean[active]
    return fano, _mean_of_valid(fano)


def population_activity(times, t_start, t_stop, bin_size, n_neurons=None):
    """Spikes per time bin: (edges float64 [n_bins + 1], activity [n_bins]).

    Bin i is (edges[i], edges[i+1]]; (t_start, t_stop] must hold a whole number of bins.
    Without n_neurons, activity is the int64 spike count per bin; with it, the mean rate per
    neuron in Hz: count / (n_neurons * bin_size).
    """
    n_bins, edges = _bins(t_start, t_stop, bin_size)
    times = _check_times(times)
    index, inside = _bin_index(times, edges[0], float(bin_size), n_bins)
    counts = np.bincount(index[inside], minlength=n_bins).astype(np.int64)
    if n_neurons is None:
        return edges, counts
    return edges, counts / (_check_n_neurons(n_neurons) * float(bin_size))


def spike_count_matrix(times, ids, n_neurons, windows):
    """Spike counts per sample window and neuron: int64 [n_samples, n_neurons].

    windows is an array [n_samples, 2] of (start, stop) in s; entry [s, i] counts neuron i's
    spikes in (start_s, stop_s]. Windows may overlap or leave gaps. This is the usual
    readout for classifying samples presented one after another.
    """
    n_neurons = _check_n_neurons(n_neurons)
    times, ids = _check_spikes(times, ids, n_neurons)
    windows = np.asarray(windows, dtype=np.float64)
    if windows.ndim != 2 or windows.shape[1] != 2:
        raise ValueError(f"windows must have shape (n_samples, 2), got {windows.shape}")
    bad = np.flatnonzero(~(windows[:, 1] > windows[:, 0]))
    if bad.size:
        start, stop = windows[bad[0]]
        raise ValueError(f"window {bad[0]} has stop ({stop} s) not greater than start ({start} s)")
    order = np.argsort(times, kind="stable")
    times, ids = times[order], ids[order]
    tol = _REL_TOL * (windows[:, 1] - windows[:, 0])
    lo = np.searchsorted(times, windows[:, 0] + tol, side="right")
    hi = np.searchsorted(times, windows[:, 1] + tol, side="right")
    matrix = np.zeros((windows.shape[0], n_neurons), dtype=np.int64)
    for s in range(windows.shape[0]):
        matrix[s] = np.bincount(ids[lo[s]:hi[s]], minlength=n_neurons)
    return matrix


# -- energy ledger ------------------------------------------------------------------------

def component_type(component):
    """The type of a ledger component: the last '/'-separated segment of its path, without
    an instance index in brackets. "chip0/core[12]/synapse_mem" -> "synapse_mem".

    The last segment names the hardware block, whereas leading segments name instances
    (chip, core, tile), so grouping by it sums all cores' synapse memories together.
    """
    last = str(component).rstrip("/").rsplit("/", 1)[-1]
    bracket = last.find("[")
    return last[:bracket] if bracket > 0 else last


def energy_by_component(ledger):
    """Energy in J summed per (component type, action) from a ledger dict (Run.ledger()).

    Returns a dict {(type, action): energy}, keys sorted.
    """
    totals = {}
    for component, action, energy in zip(ledger["component"], ledger["action"], ledger["energy"]):
        key = (component_type(component), str(action))
        totals[key] = totals.get(key, 0.0) + float(energy)
    return dict(sorted(totals.items()))


def _run_context(run_or_path):
    """A context giving a Run; it closes only a run it opened itself."""
    return contextlib.nullcontext(run_or_path) if isinstance(run_or_path, Run) else open_run(run_or_path)


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def energy_summary(run_or_path):
    """The energy a run's devices spent together, from its ledger (the union of the devices'
    ledgers, whatever their families): a dict with

    total, static, dynamic   J; static is the rows with action "static" (power x hardware
                             time), dynamic all others. Taken from the /ledger attributes
                             total_energy, static_energy, dynamic_energy when the file has them
                             (fluxon writes them), else summed from the rows;
    synaptic_events, steps   the run's counters (/counters): the synaptic events the engine
                             delivered and the steps it ran, as `fluxon inspect` divides by;
    per_synaptic_event       total / synaptic_events (nan without synaptic events): every
                             device's energy over every synaptic event of the network, also
                             those of projections no device computes. On a network whose
                             projections are split between devices it describes none of them:
                             use per_device;
    per_step                 total / steps (nan without steps);
    breakdown                {(component type, action): J}, as energy_by_component;
    per_device               {instance: dict} for each device that reports its synaptic
                             events (statistics synaptic_events and synaptic_energy): family;
                             synaptic_events, those the device processed; synaptic_energy (J),
                             the energy of its synaptic actions (a chip's synaptic operations;
                             a crossbar's array reads, not their programming);
                             per_synaptic_event = synaptic_energy / synaptic_events (nan
                             without events); total (J), all the device's energy, and
                             total_per_synaptic_event = total / synaptic_events.

    run_or_path is a Run or a run file path. Raises RunFileError when the run has no ledger.
    Example: 1000 synaptic events, 10 steps and 2 uJ in all give 2 nJ per synaptic event
    and 200 nJ per step; if 400 of those events went through crossbar arrays whose reads cost
    0.4 uJ, per_device["crossbar"]["per_synaptic_event"] is 1 nJ.
    """
    with _run_context(run_or_path) as run:
        if not run.has_ledger:
            raise RunFileError(f"{run.path}: the run has no energy ledger (its /ledger status is "
                               "'empty': no device that costs energy was attached, or the run did not finish)")
        ledger = run.ledger()
        totals = ("static_energy", "dynamic_energy", "total_energy")
        if all(k in run.ledger_attrs for k in totals):
            static, dynamic, total = (float(run.ledger_attrs[k]) for k in totals)
        else:
            is_static = ledger["action"] == "static"
            static = math.fsum(ledger["energy"][is_static])
            dynamic = math.fsum(ledger["energy"][~is_static])
            total = static + dynamic
        events = int(run.counters.get("synaptic_events", 0))
        steps = int(run.counters.get("steps", 0))
        per_device = {}
        for instance, device in run.devices().items():
            if "synaptic_events" not in device.stats or "synaptic_energy" not in device.stats:
                continue
            n = int(device.stats["synaptic_events"])
            synaptic = float(device.stats["synaptic_energy"])
            device_total = float(device.ledger_attrs.get("total_energy", float("nan")))
            per_device[instance] = {
                "family": device.family, "synaptic_events": n, "synaptic_energy": synaptic,
                "per_synaptic_event": _ratio(synaptic, n), "total": device_total,
                "total_per_synaptic_event": _ratio(device_total, n),
            }
    return {
        "total": total, "static": static, "dynamic": dynamic,
        "synaptic_events": events, "steps": steps,
        "per_synaptic_event": _ratio(total, events), "per_step": _ratio(total, steps),
        "breakdown": energy_by_component(ledger), "per_device": per_device,
    }


# -- sweeps -------------------------------------------------------------------------------

SWEEP_FORMAT = "fluxon-sweep"
SWEEP_FORMAT_VERSION = 2
_SWEEP_FORMAT_VERSIONS = (1, 2)


class Sweep:
    """A parameter sweep read from its index.json (see docs/run_file.md, "The sweep index").

    Attributes: path (absolute path of the index), config, parameters (swept keys, in
    order), units ({key: unit of its values}: an SI symbol, "1" for plain numbers, "" for
    text), links (groups of keys that stepped together), runs (list of dicts: path = absolute
    path of the run file, energy = the total energy of the run's devices in J, or None for a
    run without a device, values = {key: value}, given = {key: value as given on the command
    line}, status, message). In format 2 a value is a number in `units` when the key's values
    are quantities or numbers; in format 1 files (older fluxon) values are as given
    ("20 ms") and units are empty.
    """

    def __init__(self, path, config, parameters, runs, units=None, links=()):
        self.path = path
        self.config = config
        self.parameters = parameters
        self.runs = runs
        self.units = dict(units or {})
        self.links = [list(group) for group in links]

    def __len__(self):
        return len(self.runs)

    def open(self, i):
        """Open run i of the sweep (a Run; close it or use it in a with-block)."""
        return open_run(self.runs[i]["path"])

    def tabulate(self, metric, name=None):
        """One row per run: the swept values, metric(run) under `name`, and the status.

        metric is a callable Run -> float; name defaults to the callable's __name__. Runs
        whose status is not "complete" are not opened: their metric is nan, since a partial
        run would give a silently different number.
        """
        name = name or getattr(metric, "__name__", "metric")
        if name == "<lambda>":
            name = "metric"
        rows = []
        for i, entry in enumerate(self.runs):
            value = float("nan")
            if entry["status"] == "complete":
                with self.open(i) as run:
                    value = float(metric(run))
            rows.append({**entry["values"], name: value, "status": entry["status"]})
        return rows

    def __repr__(self):
        return f"<fluxon Sweep {self.path!r}: {len(self.runs)} runs over {self.parameters}>"


def _index_key(index, key, where, path):
    if not isinstance(index, dict) or key not in index:
        raise RunFileError(f"{path}: {where} has no key {key!r}")
    return index[key]


def load_sweep(index_path):
    """Read a sweep's index.json; run file paths are resolved against its directory."""
    path = os.path.abspath(os.fspath(index_path))
    try:
        with open(path, encoding="utf-8") as f:
            index = json.load(f)
    except FileNotFoundError:
        raise RunFileError(f"{path}: no such file (expected a fluxon sweep index.json)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise RunFileError(f"{path}: not a JSON sweep index ({e})") from None
    fmt = _index_key(index, "format", "the index", path)
    if fmt != SWEEP_FORMAT:
        raise RunFileError(f"{path}: key 'format' is {fmt!r}, expected {SWEEP_FORMAT!r}")
    version = _index_key(index, "format_version", "the index", path)
    if version not in _SWEEP_FORMAT_VERSIONS:
        raise RunFileError(f"{path}: key 'format_version' is {version!r}, this fluxon reads "
                           f"{' and '.join(map(str, _SWEEP_FORMAT_VERSIONS))}")
    parameters = _index_key(index, "parameters", "the index", path)
    entries = _index_key(index, "runs", "the index", path)
    if not isinstance(parameters, list) or not isinstance(entries, list):
        raise RunFileError(f"{path}: keys 'parameters' and 'runs' must be lists")
    directory = os.path.dirname(path)
    runs = []
    for i, entry in enumerate(entries):
        where = f"runs[{i}]"
        values = _index_key(entry, "values", where, path)
        file = _index_key(entry, "file", where, path)
        if not isinstance(file, str):
            raise RunFileError(f"{path}: {where}.file must be a string, got {file!r}")
        for key in parameters:
            _index_key(values, key, f"{where}.values", path)
        given = entry.get("given", values)
        runs.append({
            "path": os.path.join(directory, file),
            "values": {key: values[key] for key in parameters},
            "given": {key: str(given.get(key, values[key])) for key in parameters},
            "status": _index_key(entry, "status", where, path),
            "message": entry.get("message", ""),
            "energy": entry.get("energy"),  # J, for runs with a device
        })
    units = index.get("units", {}) if version >= 2 else {}
    return Sweep(path, index.get("config", ""), list(parameters), runs, units, index.get("links", []))


def format_table(rows):
    """Render rows (list of dicts, e.g. from Sweep.tabulate) as a plain-text table.

    Columns appear in first-seen key order; floats are shown with 6 significant digits;
    columns holding only numbers are right-aligned, others left-aligned; a missing cell is
    blank.
    """
    columns = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    if not columns:
        return ""

    def cell(value):
        if isinstance(value, float):
            return f"{value:.6g}"
        return "" if value is None else str(value)

    def numeric(column):
        return all(isinstance(row[column], (int, float, np.number)) and not isinstance(row[column], bool)
                   for row in rows if row.get(column) is not None)

    table = [list(columns)] + [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(r[j]) for r in table) for j in range(len(columns))]
    align = [str.rjust if numeric(c) else str.ljust for c in columns]
    lines = ["  ".join(a(text, w) for a, text, w in zip(align, cells, widths)).rstrip()
             for cells in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
