"""Figures of saved runs, each written to a PNG file whose path is returned.

Every function takes a Run or the path of a run file (a path is opened and closed here; a
Run is left open). Figures are drawn on matplotlib's Agg canvas directly, not through
pyplot, so plotting needs no display and leaves the caller's pyplot backend and figures
alone.
"""
import contextlib
import math
import os

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .analysis import _check_window, _in_window, energy_by_component, population_activity
from .runfile import Run, RunFileError, open_run

__all__ = ["raster", "rate_histogram", "probe_traces", "energy_breakdown"]

_ENERGY_UNITS = [(1.0, "J"), (1e-3, "mJ"), (1e-6, "µJ"), (1e-9, "nJ"), (1e-12, "pJ"), (1e-15, "fJ")]


def _as_run(run):
    """A context giving a Run; it closes only runs it opened itself."""
    return contextlib.nullcontext(run) if isinstance(run, Run) else open_run(run)


def _figure(width=7.0, height=4.0):
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _save(fig, path):
    path = os.fspath(path)
    fig.savefig(path, format="png", dpi=100)
    return path


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
    # ticks as tall as a neuron's row when there are few rows, but never invisible
    tick = min(10.0, max(2.0, 250.0 / n_neurons))
    ax.plot(times[keep], ids[keep], linestyle="none", marker="|", markersize=tick, color="black")
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


def probe_traces(run, population, variable, path, neurons=None):
    """Probed variable against time, one line per neuron (neurons: ids to draw, default all)."""
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

    fig, ax = _figure()
    for c in columns:
        ax.plot(times, values[:, c], linewidth=1, label=f"neuron {ids[c]}")
    ax.set_xlabel("time (s)")
    ax.set_ylabel(f"{variable} ({units})")
    ax.set_title(f"{population}.{variable}")
    if 0 < len(columns) <= 10:
        ax.legend(fontsize="small")
    return _save(fig, path)


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
    types = sorted({t for t, _ in totals})
    actions = sorted({a for _, a in totals})
    per_type = [sum(e for (t, _), e in totals.items() if t == ty) for ty in types]
    scale, unit = next(((s, u) for s, u in _ENERGY_UNITS if max(per_type) >= s), _ENERGY_UNITS[-1])

    fig, ax = _figure(width=max(5.0, 1.2 * len(types) + 3.0))
    bottom = np.zeros(len(types))
    for action in actions:
        heights = np.array([totals.get((t, action), 0.0) for t in types]) / scale
        ax.bar(types, heights, bottom=bottom, label=action)
        bottom += heights
    ax.set_ylabel(f"energy ({unit})")
    ax.set_title(f"energy by component: {sum(per_type) / scale:.4g} {unit} in total")
    ax.legend(title="action", fontsize="small")
    ax.tick_params(axis="x", labelrotation=30)
    return _save(fig, path)
