"""Figures of saved runs, each written to a PNG file whose path is returned.

Every function takes a Run or the path of a run file (a path is opened and closed here; a
Run is left open). Figures are drawn on matplotlib's Agg canvas directly, not through
pyplot, so plotting needs no display and leaves the caller's pyplot backend and figures
alone.
"""
import contextlib
import math
import os

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .analysis import Sweep, _check_window, _in_window, energy_by_component, load_sweep, population_activity
from .runfile import Run, RunFileError, open_run

__all__ = ["raster", "rate_histogram", "probe_traces", "energy_breakdown", "population_overview",
           "layer_events", "sweep_metrics", "report"]

_PREFIXES = [(1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"),
             (1e-12, "p"), (1e-15, "f")]
# Populations' colours, in the order of the figure; tab10 stays distinguishable up to ten.
_COLOURS = [f"C{i}" for i in range(10)]


def _as_run(run):
    """A context giving a Run; it closes only runs it opened itself."""
    return contextlib.nullcontext(run) if isinstance(run, Run) else open_run(run)


def _figure(width=7.0, height=4.0):
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _si_scale(largest, unit):
    """(scale, label): the SI prefix that shows magnitudes up to `largest` as 1 to 999 `unit`.

    Dimensionless quantities ("" or "1") are left unscaled: a prefix on a count misleads.
    """
    largest = abs(float(largest))
    if unit in ("", "1") or not math.isfinite(largest) or largest == 0:
        return 1.0, unit
    scale, prefix = next(((s, p) for s, p in _PREFIXES if largest >= s * (1 - 1e-9)), _PREFIXES[-1])
    return scale, prefix + unit


def _quantity_text(value, unit):
    scale, label = _si_scale(value, unit)
    return f"{value / scale:.3g} {label}"


def _legend_outside(ax, **kwargs):
    """A legend right of the axes, where it cannot cover data."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize="small", **kwargs)


def _save(fig, path):
    path = os.fspath(path)
    fig.savefig(path, format="png", dpi=100)
    return path


def _tick_size(n_rows):
    """Raster ticks as tall as a neuron's row when there are few rows, but never invisible."""
    return min(10.0, max(3.0, 250.0 / max(n_rows, 1)))


def raster(run_or_arrays, population, path, t_range=None, max_neurons=None):
    """Spike raster: one tick per spike at (time, neuron id).

    run_or_arrays is a Run, a run file path, or a (times, ids) pair of arrays; with arrays,
    population only labels the plot. t_range=(t0, t1) keeps spikes in (t0, t1]; max_neurons
    keeps neurons with id < max_neurons (useful for large populations).
    """
    if isinstance(run_or_arrays, (tuple, list)):
        times, ids = (np.asarray(a) for a in run_or_arrays)
        n_neurons = int(ids.max()) + 1 if ids.size else 1
        x_limits = None
    else:
        with _as_run(run_or_arrays) as run:
            times, ids = run.spikes(population)
            n_neurons = run.n_neurons(population)
            x_limits = (0.0, run.time_reached) if run.time_reached > 0 else None
    if times.shape != ids.shape:
        raise ValueError(f"times and ids must have the same shape, got {times.shape} and {ids.shape}")
    keep = np.ones(times.shape, dtype=bool)
    if t_range is not None:
        x_limits = _check_window(*t_range)
        keep &= _in_window(times, *x_limits)
    if max_neurons is not None:
        if int(max_neurons) < 1:
            raise ValueError(f"max_neurons must be a positive integer, got {max_neurons!r}")
        n_neurons = min(n_neurons, int(max_neurons))
        keep &= ids < n_neurons

    fig, ax = _figure()
    ax.plot(times[keep], ids[keep], linestyle="none", marker="|", markersize=_tick_size(n_neurons), color="black")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("neuron")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(-0.5, n_neurons - 0.5)
    if x_limits is not None:
        ax.set_xlim(*x_limits)
    ax.set_title(f"{population}: {int(np.count_nonzero(keep))} spikes")
    return _save(fig, path)


def rate_histogram(run, population, path, bin_size):
    """Population rate over time: mean rate per recorded neuron (Hz) in bins of bin_size s.

    Bins start at 0 and cover the time the run reached; a trailing part shorter than a bin
    is not drawn, since its rate would be biased low.
    """
    bin_size = float(bin_size)
    if not (math.isfinite(bin_size) and bin_size > 0):
        raise ValueError(f"bin_size must be positive, got {bin_size}")
    with _as_run(run) as r:
        times, _ = r.spikes(population)
        n_recorded = r.recorded_ids(population).size
        n_bins = math.floor(r.time_reached / bin_size * (1 + 1e-9))
        if n_bins < 1:
            raise ValueError(f"{r.path}: the run reached {r.time_reached} s, less than one bin of {bin_size} s")
    edges, rate = population_activity(times, 0.0, n_bins * bin_size, bin_size, n_neurons=n_recorded)

    fig, ax = _figure()
    ax.bar(edges[:-1], rate, width=bin_size, align="edge", color="tab:blue")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("rate per neuron (Hz)")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_title(f"{population}: population rate, {bin_size:g} s bins")
    return _save(fig, path)


def probe_traces(run, population, variable, path, neurons=None, mark_spikes=True):
    """Probed variable against time, one line per neuron (neurons: ids to draw, default all).

    Values are drawn in the SI prefix that suits them (a membrane potential in mV). With
    mark_spikes, each drawn neuron's recorded spikes are vertical strokes from its trace to
    above the highest value, as Brian2's and NEST's examples add them: a reset hides the
    spike in a sampled trace otherwise.
    """
    with _as_run(run) as r:
        times, ids, values = r.probe(population, variable)
        units = r.probe_info(population, variable)["units"]
        columns = list(range(ids.size))
        if neurons is not None:
            probed = ids.tolist()
            missing = [n for n in neurons if n not in probed]
            if missing:
                raise RunFileError(f"{r.path}: neuron(s) {missing} of {population!r} were not "
                                   f"probed for {variable!r}; probed ids: {probed}")
            columns = [probed.index(n) for n in neurons]
        spikes = _spikes_of(r, population, ids[columns]) if mark_spikes else {}

    scale, label = _si_scale(np.abs(values[:, columns]).max() if values.size and columns else 0.0, units)
    fig, ax = _figure()
    top = values[:, columns].max() / scale if values.size and columns else 0.0
    for c in columns:
        line, = ax.plot(times, values[:, c] / scale, linewidth=1, label=f"neuron {ids[c]}")
        _mark_spikes(ax, times, values[:, c] / scale, spikes.get(int(ids[c]), []), top, line.get_color())
    ax.set_xlabel("time (s)")
    ax.set_ylabel(f"{variable} ({label})")
    title = f"{population}.{variable}"
    if spikes:
        title += ", spikes as strokes"
    ax.set_title(title)
    if 0 < len(columns) <= 10:
        _legend_outside(ax)
    return _save(fig, path)


def _spikes_of(run, population, neurons):
    """{neuron: spike times} for the given neurons; empty when the population's spikes were
    not recorded, so traces are drawn without marks rather than refused."""
    if population not in run.spike_populations():
        return {}
    times, ids = run.spikes(population)
    return {int(n): times[ids == n] for n in neurons if np.any(ids == n)}


def _mark_spikes(ax, times, trace, spike_times, top, colour):
    if len(spike_times) == 0 or times.size == 0:
        return
    # a stroke rises from the last sample before the spike (a sample at the spike's time holds
    # the reset already) to a common height above every trace
    before = np.clip(np.searchsorted(times, spike_times, side="left") - 1, 0, times.size - 1)
    span = max(top - np.min(trace), 1e-12)
    ax.vlines(spike_times, trace[before], top + 0.15 * span, colors=colour, linewidth=1)


def energy_breakdown(run, path):
    """Stacked bars of energy per component type, one segment per action.

    The component type is the last segment of the ledger's component path, without an
    instance index ("chip0/core[12]/synapse_mem" -> "synapse_mem"), so all instances of a
    block add up in one bar; see fluxon.analysis.component_type. Energies are shown in the
    SI prefix that suits the largest bar.
    """
    with _as_run(run) as r:
        if not r.has_ledger:
            raise RunFileError(f"{r.path}: the run has no energy ledger (its status is 'empty': "
                               "no device that costs energy was attached)")
        totals = energy_by_component(r.ledger())
        if not totals:
            raise RunFileError(f"{r.path}: the energy ledger has no entries")
    per_type = {}
    for (ty, _), energy in totals.items():
        per_type[ty] = per_type.get(ty, 0.0) + energy
    types = sorted(per_type, key=lambda ty: -per_type[ty])  # the largest on top
    actions = sorted({a for _, a in totals})
    scale, unit = _si_scale(max(per_type.values()), "J")

    # horizontal bars: a mixed system's ledger has a dozen types with long names, which
    # upright bars would rotate and squeeze; the legend's rows set the height as well
    legend_columns = 1 if len(actions) <= 14 else 2
    height = max(3.0, 0.32 * len(types) + 1.3, 0.2 * math.ceil(len(actions) / legend_columns) + 1.2)
    fig, ax = _figure(width=9.0, height=height)
    colours = _action_colours(len(actions))
    left = np.zeros(len(types))
    for i, action in enumerate(actions):
        widths = np.array([totals.get((t, action), 0.0) for t in types]) / scale
        ax.barh(types, widths, left=left, label=action, color=colours[i])
        left += widths
    # a bar's number and share, since small components are slivers beside a dominant one
    total = left.sum()
    for y, width in enumerate(left):
        ax.text(width, y, f" {width:.3g} ({width / total:.1%})", va="center", fontsize="x-small")
    ax.set_xlim(0, left.max() * 1.3)
    ax.invert_yaxis()
    ax.set_xlabel(f"energy ({unit})")
    ax.set_title(f"energy by component: {total:.4g} {unit} in total")
    _legend_outside(ax, title="action", ncols=legend_columns)
    return _save(fig, path)


def _action_colours(n):
    """n distinct colours: tab10 up to ten, then tab20, then tab20 and tab20b together (a
    mixed system's ledger has over twenty actions)."""
    if n <= 10:
        return list(matplotlib.colormaps["tab10"].colors)[:n]
    colours = list(matplotlib.colormaps["tab20"].colors) + list(matplotlib.colormaps["tab20b"].colors)
    return [colours[i % len(colours)] for i in range(n)]


def _rate_bin(duration, dt):
    """A round bin size giving at most about 80 bins over `duration`, and no less than a step:
    finer bins of a population rate are mostly noise."""
    target = max(duration / 80.0, dt if dt > 0 else 0.0)
    for exponent in range(-6, 3):
        for mantissa in (1, 2, 5):
            size = mantissa * 10.0 ** exponent
            if size >= target * (1 - 1e-9):
                return size
    return target


def _neuron_populations(run):
    """Recorded populations in the order of /populations (layers record values, not spikes)."""
    recorded = set(run.spike_populations())
    return [p for p in run.populations if p in recorded]


def population_overview(run, path, bin_size=None, max_neurons=None):
    """Every recorded population's raster in one figure, one colour each, stacked one above
    the other as NEST and Brian2 users plot them, and below it each population's rate.

    bin_size (s) defaults to a round size giving at most about 80 bins; max_neurons keeps
    the first neurons of each population. A trailing part shorter than a bin has no rate.
    """
    with _as_run(run) as r:
        populations = _neuron_populations(r)
        if not populations:
            raise RunFileError(f"{r.path}: no population's spikes were recorded "
                               f"(populations: {sorted(r.populations)})")
        t_stop = r.time_reached
        bin_size = float(bin_size) if bin_size is not None else _rate_bin(t_stop, r.dt)
        data = [(p, *r.spikes(p), r.n_neurons(p), r.recorded_ids(p).size) for p in populations]

    fig = Figure(figsize=(8.0, 6.0), layout="constrained")
    FigureCanvasAgg(fig)
    raster_ax, rate_ax = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    n_rows = sum(min(n, max_neurons or n) for _, _, _, n, _ in data)
    offset, centres = 0, []
    n_bins = math.floor(t_stop / bin_size * (1 + 1e-9))
    for i, (population, times, ids, n_neurons, n_recorded) in enumerate(data):
        colour = _COLOURS[i % len(_COLOURS)]
        rows = min(n_neurons, max_neurons or n_neurons)
        keep = ids < rows
        raster_ax.plot(times[keep], ids[keep] + offset, linestyle="none", marker="|",
                       markersize=_tick_size(n_rows), color=colour)
        centres.append(offset + (rows - 1) / 2)
        offset += rows
        if n_bins >= 1:
            edges, rate = population_activity(times, 0.0, n_bins * bin_size, bin_size, n_neurons=max(n_recorded, 1))
            rate_ax.stairs(rate, edges, baseline=None, color=colour, label=population)
    raster_ax.set_ylim(-0.5, offset - 0.5)
    raster_ax.set_yticks(centres, [f"{p}\n({min(n, max_neurons or n)})" for p, _, _, n, _ in data])
    for label, i in zip(raster_ax.get_yticklabels(), range(len(data))):
        label.set_color(_COLOURS[i % len(_COLOURS)])
    raster_ax.set_ylabel("neurons")
    total = sum(t.size for _, t, _, _, _ in data)
    raster_ax.set_title(f"{total} spikes in {len(data)} population(s)")
    rate_ax.set_xlabel("time (s)")
    rate_ax.set_ylabel("rate (Hz)")
    rate_ax.set_title(f"population rate per neuron, {_quantity_text(bin_size, 's')} bins", fontsize="medium")
    if t_stop > 0:
        rate_ax.set_xlim(0.0, t_stop)
    _legend_outside(rate_ax)
    return _save(fig, path)


def layer_events(run, path, max_bins=80):
    """What a layered network sent: events per step of every recorded layer (/spikes/<layer>
    with values) over time, one line each, and beside it every layer's total events from the
    layers table (/layers/tables/layers), recorded or not.

    A graded layer emits an event per non-zero output entry, so its count is the traffic an
    event-driven core would see. Steps are grouped so that there are at most max_bins bins;
    counts stay per step either way, so layers compare at any grouping.
    """
    with _as_run(run) as r:
        recorded = [name for name in r.spike_populations() if name not in r.populations]
        table = (r.layers() or {}).get("tables", {}).get("layers", {})
        if not recorded and "events" not in table:
            raise RunFileError(f"{r.path}: no layer's events were recorded and the run has no layers table")
        if "name" in table:  # the network's order rather than the file's alphabetical one
            order = [str(n) for n in table["name"]]
            recorded.sort(key=lambda name: order.index(name) if name in order else len(order))
        dt, n_steps = r.dt, max(1, round(r.time_reached / r.dt))
        events = {name: r.layer_events(name)[0] for name in recorded}
    panels = (["time"] if events else []) + (["totals"] if "events" in table else [])
    fig = Figure(figsize=(5.0 * len(panels) + 2.0, 4.0), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    if events:
        _draw_layer_steps(axes[0], events, dt, n_steps, max_bins)
    if "events" in table:
        _draw_layer_totals(axes[-1], table)
    return _save(fig, path)


def _draw_layer_steps(ax, events, dt, n_steps, max_bins):
    # layer events are stamped with the start of their step (docs/layers.md), so they are
    # counted by step index rather than in (a, b] windows as spikes are
    group = math.ceil(n_steps / max_bins)
    starts = np.arange(0, n_steps, group)
    lengths = np.diff(np.append(starts, n_steps))
    edges = np.append(starts, n_steps) * dt
    for i, (name, times) in enumerate(events.items()):
        steps = np.clip(np.rint(times / dt).astype(np.int64), 0, n_steps - 1)
        counts = np.add.reduceat(np.bincount(steps, minlength=n_steps), starts)
        ax.stairs(counts / lengths, edges, baseline=None, color=_COLOURS[i % len(_COLOURS)], label=name)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("events per step")
    ax.set_xlim(0.0, n_steps * dt)
    ax.set_ylim(bottom=0)
    grouping = f"{group} steps" if group > 1 else "per step"
    ax.set_title(f"recorded layers over time ({grouping})", fontsize="medium")
    _legend_outside(ax, title="layer")


def _draw_layer_totals(ax, table):
    names = [str(n) for n in table["name"]]
    bars = ax.barh(np.arange(len(names)), table["events"], color="C0")
    ax.bar_label(bars, [f"{int(v)}" for v in table["events"]], fontsize="x-small", padding=2)
    ax.set_yticks(np.arange(len(names)), names)
    ax.invert_yaxis()  # the network's order, input first, top to bottom
    ax.set_xlabel("events in the run")
    ax.set_xlim(0, max(float(np.max(table["events"])), 1.0) * 1.15)
    ax.set_title("events per layer", fontsize="medium")


_SWEEP_PREFIXES = {"f": 1e-15, "p": 1e-12, "n": 1e-9, "u": 1e-6, "µ": 1e-6, "m": 1e-3, "": 1.0, "k": 1e3,
                   "M": 1e6, "G": 1e9}


def _quantity(value):
    """(number, unit) of a swept value as the sweep index holds it: a number, or a string
    "<number> <unit>" ("20 ms"); None for anything else (a topology name)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value), ""
    parts = str(value).split()
    if len(parts) in (1, 2):
        try:
            return float(parts[0]), parts[1] if len(parts) == 2 else ""
        except ValueError:
            return None
    return None


def _numeric_axis(values):
    """(numbers, axis unit) of one parameter's swept values, or None when they are not all
    quantities of one dimension. Mixed prefixes ("500 us", "1 ms") are brought to the unit
    with the largest prefix, so the axis stays numeric."""
    quantities = [_quantity(v) for v in values]
    if any(q is None for q in quantities):
        return None
    units = {u for _, u in quantities}
    if len(units) == 1:
        return np.array([n for n, _ in quantities]), units.pop()
    split = {u: (u[0], u[1:]) if len(u) > 1 and u[0] in _SWEEP_PREFIXES else ("", u) for u in units}
    if len({base for _, base in split.values()}) != 1:
        return None
    target = max(units, key=lambda u: _SWEEP_PREFIXES[split[u][0]])
    factor = {u: _SWEEP_PREFIXES[split[u][0]] / _SWEEP_PREFIXES[split[target][0]] for u in units}
    return np.array([n * factor[u] for n, u in quantities]), target


def _run_metrics(run, energy):
    """Figures of one finished run that a sweep's reader compares: rates, energy, wall time."""
    metrics = {}
    for population in _neuron_populations(run):
        if run.time_reached > 0:
            times, _ = run.spikes(population)
            n = max(run.recorded_ids(population).size, 1)
            metrics[f"{population} rate (Hz)"] = times.size / (n * run.time_reached)
    if energy is not None:
        metrics["energy (J)"] = float(energy)
        events = int(run.counters.get("synaptic_events", 0))
        if events:
            metrics["energy per synaptic event (J)"] = float(energy) / events
    if "wall_time" in run.counters:
        metrics["wall time (s)"] = float(run.counters["wall_time"])
    return metrics


def sweep_table(sweep):
    """One row per grid point: the swept values as given, the status, and _run_metrics of the
    runs that completed (the others are not opened: their numbers would silently differ)."""
    rows = []
    for i, entry in enumerate(sweep.runs):
        metrics = {}
        if entry["status"] == "complete":
            with sweep.open(i) as run:
                metrics = _run_metrics(run, entry.get("energy"))
        rows.append({**entry["values"], **metrics, "status": entry["status"]})
    return rows


def sweep_metrics(sweep, parameter, path, rows=None):
    """Each metric of a sweep against one swept parameter, on a numeric axis when its values
    are numbers or quantities ("20 ms"), one line per combination of the other parameters
    that vary.

    sweep is a Sweep or the path of its index.json; rows are sweep_table(sweep), passed when
    the caller already has them (each run is opened once then).
    """
    if not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep)
    if parameter not in sweep.parameters:
        raise ValueError(f"{sweep.path}: {parameter!r} is not swept (parameters: {sweep.parameters})")
    rows = sweep_table(sweep) if rows is None else rows
    metrics = [m for m in dict.fromkeys(k for row in rows for k in row)
               if m not in sweep.parameters and m != "status"]
    if not metrics:
        raise RunFileError(f"{sweep.path}: no run of the sweep completed, so there is nothing to plot")
    axis = _numeric_axis([row[parameter] for row in rows])
    if axis is None:
        labels = list(dict.fromkeys(str(row[parameter]) for row in rows))
        x, x_label = np.array([labels.index(str(row[parameter])) for row in rows], dtype=float), parameter
    else:
        x, unit = axis
        if not unit and getattr(sweep, "units", {}).get(parameter, "") not in ("", "1"):
            # a format 2 index holds quantities as SI numbers, their unit beside them
            unit = sweep.units[parameter]
            scale, unit = _si_scale(np.abs(x).max(), unit)
            x = x / scale
        x_label = f"{parameter} ({unit})" if unit else parameter
    # lines are told apart by the other keys that vary; one given a single value names none
    others = [p for p in sweep.parameters if p != parameter and len({str(row[p]) for row in rows}) > 1]
    groups = {}
    for i, row in enumerate(rows):
        # the values as typed ("1.2 mV") name a line better than their SI numbers
        given = sweep.runs[i].get("given", {}) if len(sweep.runs) == len(rows) else {}
        groups.setdefault(", ".join(f"{p}={given.get(p, row[p])}" for p in others), []).append(i)

    n_cols = min(2, len(metrics))
    n_rows = math.ceil(len(metrics) / n_cols)
    fig = Figure(figsize=(4.2 * n_cols + (2.5 if others else 0.0), 3.0 * n_rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols, squeeze=False)).ravel()
    for ax, metric in zip(axes, metrics):
        _draw_metric(ax, x, rows, metric, groups)
        ax.set_xlabel(x_label, fontsize="small")
        if axis is None:
            ax.set_xticks(range(len(labels)), labels)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    if others:
        _legend_outside(axes[n_cols - 1])  # one legend for all: every panel has the same lines
    fig.suptitle(f"{len(rows)} runs of {os.path.basename(str(sweep.config)) or 'the sweep'} against {parameter}")
    return _save(fig, path)


def _draw_metric(ax, x, rows, metric, groups):
    values = np.array([row.get(metric, np.nan) for row in rows], dtype=float)
    finite = values[np.isfinite(values)]
    unit = metric[metric.rfind("(") + 1:-1] if metric.endswith(")") else ""
    scale, label = _si_scale(np.abs(finite).max() if finite.size else 0.0, unit)
    for i, (group, members) in enumerate(groups.items()):
        members = sorted(members, key=lambda m: x[m])
        # shapes and shrinking sizes keep lines visible where they coincide
        ax.plot(x[members], values[members] / scale, marker="osD^v"[i % 5], markersize=max(3.0, 8.0 - i),
                color=_COLOURS[i % len(_COLOURS)], label=group or None)
    if np.all(x == np.round(x)):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    name = metric[:metric.rfind("(")].strip() if unit else metric
    ax.set_ylabel(f"{name} ({label})" if label else name, fontsize="small")
    ax.set_title(name, fontsize="medium")


def report(run, directory=None):
    """Every figure fluxon draws for a run or sweep, and an index.html showing them; returns the
    page's path. See fluxon.report.report (and `fluxon report` on the command line)."""
    from .report import report as write_report  # fluxon.report imports this module
    return write_report(run, directory)
