"""Figures of the hardware a saved run was mapped onto, one per device family, read from the
device groups every family writes alike (/devices/<instance>: statistics and tables).

Each function takes a Run or a run file path, the device's instance name and the PNG path to
write, and returns that path. They draw on matplotlib's Agg canvas as fluxon.plot does.
"""
import math
import re
import tomllib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .plot import _COLOURS, _as_run, _figure, _save, _si_scale
from .runfile import RunFileError

__all__ = ["noc_link_load", "crossbar_tiles", "dram_activity", "sfq_timing"]

_MESH_LINK = re.compile(r"^tile\((\d+),(\d+)\)->tile\((\d+),(\d+)\)$")


def _device(run, instance, family):
    device = run.device(instance)
    if device.family != family:
        raise RunFileError(f"{run.path}: device {instance!r} is of family {device.family!r}, not {family!r}")
    return device


def _table(run, device, name):
    if name not in device.tables:
        raise RunFileError(f"{run.path}: device {device.instance!r} has no table {name!r} "
                           f"(tables: {list(device.tables)})")
    return device.tables[name]


# -- neuromorphic chip: the network-on-chip ---------------------------------------------------

def noc_link_load(run, instance, path):
    """Messages that crossed each link of a chip's network-on-chip.

    On a mesh, the links are drawn where they are, between tiles at their (x, y), the two
    directions of a pair side by side, coloured by load; a tile is labelled with the neurons
    mapped onto it. Other topologies (a tree) have no grid to draw on, so their links are
    bars, busiest first. A chip that has not finished has only the mapping's estimate (the
    messages if every neuron spiked once), which is drawn instead, and the title says so.
    """
    with _as_run(run) as r:
        chip = _device(r, instance, "neuromorphic")
        if "link_traffic" in chip.tables:
            links = _table(r, chip, "link_traffic")
            names, load, what = links["name"], links["messages"], "messages"
        else:
            links = _table(r, chip, "links")
            names, load, what = links["name"], links["messages_per_round"], "messages if every neuron spiked once"
        cores = chip.tables.get("cores", {})
        neurons = {}
        for tile, n in zip(cores.get("tile", []), cores.get("neurons", [])):
            neurons[str(tile)] = neurons.get(str(tile), 0) + int(n)
    parsed = [_MESH_LINK.match(str(n)) for n in names]
    if names.size and all(parsed):
        ends = np.array([[int(g) for g in m.groups()] for m in parsed])
        return _draw_mesh(ends, np.asarray(load, dtype=float), neurons, what, instance, path)
    return _draw_link_bars(names, np.asarray(load, dtype=float), what, instance, path)


def _draw_mesh(ends, load, neurons, what, instance, path):
    x0, y0, x1, y1 = ends.T
    width, height = int(max(x0.max(), x1.max())) + 1, int(max(y0.max(), y1.max())) + 1
    # the mesh is drawn to scale, so the figure takes its aspect (plus room for labels and bar)
    fig_width = min(10.0, 3.0 + 1.2 * width)
    fig, ax = _figure(width=fig_width, height=min(9.0, 1.3 + (fig_width - 3.0) * (height + 0.2) / (width + 0.2)))
    # a link and its reverse would overlap: shift each to its right, seen along its direction
    direction = np.stack([x1 - x0, y1 - y0], axis=1).astype(float)
    normal = np.stack([direction[:, 1], -direction[:, 0]], axis=1) * 0.1
    start = np.stack([x0, y0], axis=1) + 0.22 * direction + normal
    stop = np.stack([x1, y1], axis=1) - 0.22 * direction + normal
    segments = np.stack([start, stop], axis=1)
    # idle links in grey, so the colour scale is spent on the links that carried something
    idle = load == 0
    ax.add_collection(LineCollection(segments[idle], colors="0.85", linewidths=2))
    norm = Normalize(vmin=0.0, vmax=max(load.max(), 1.0))
    lines = LineCollection(segments[~idle], array=load[~idle], cmap="viridis", norm=norm, linewidths=5)
    ax.add_collection(lines)
    for x in range(width):
        for y in range(height):
            ax.add_patch(_tile_patch(x, y))
            count = neurons.get(f"tile({x},{y})")
            ax.text(x, y, f"{count}\nneurons" if count else "", ha="center", va="center", fontsize="x-small")
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-0.6, height - 0.4)
    ax.set_aspect("equal")
    ax.set_xticks(range(width))
    ax.set_yticks(range(height))
    ax.set_xlabel("tile x")
    ax.set_ylabel("tile y")
    fig.colorbar(lines, ax=ax, label=what, shrink=0.8)
    ax.set_title(f"{instance}: NoC link load, {int(load.sum())} {what.split()[0]} in all "
                 f"({int(idle.sum())} idle links grey)", fontsize="medium")
    return _save(fig, path)


def _tile_patch(x, y):
    return Rectangle((x - 0.2, y - 0.2), 0.4, 0.4, facecolor="0.92", edgecolor="0.5", linewidth=0.8)


def _draw_link_bars(names, load, what, instance, path, limit=30):
    # idle links would fill the chart with empty rows; they are counted in the title instead
    busy = int(np.count_nonzero(load))
    order = np.argsort(-load, kind="stable")[:max(1, min(limit, busy))]
    fig, ax = _figure(width=8.0, height=max(3.0, 0.25 * order.size + 1.2))
    ax.barh(np.arange(order.size), load[order], color="C0")
    ax.set_yticks(np.arange(order.size), [str(n) for n in names[order]], fontsize="x-small")
    ax.invert_yaxis()
    ax.set_xlabel(what)
    shown = f"the {order.size} busiest of {names.size} links, {names.size - busy} idle"
    ax.set_title(f"{instance}: NoC link load, {shown}", fontsize="medium")
    return _save(fig, path)


# -- crossbar arrays ----------------------------------------------------------------------

def crossbar_tiles(run, instance, path):
    """Each mapped projection's tiles (arrays) on their grid of row and column tiles: the mean
    conductance programmed into each, and, once the run finished, the reads it served.

    A projection's tiles sit where its weight matrix was cut, so an uneven map shows which
    block of weights holds the large conductances and which inputs were active.
    """
    with _as_run(run) as r:
        device = _device(r, instance, "crossbar")
        tiles = _table(r, device, "tiles")
        activity = device.tables.get("tile_activity")
    projections = list(dict.fromkeys(str(p) for p in tiles["projection"]))
    maps = [("mean_conductance", tiles["mean_conductance"], "mean conductance")]
    if activity is not None and "reads" in activity:
        maps.append(("reads", activity["reads"], "reads"))
    g_scale, g_unit = _si_scale(np.max(tiles["mean_conductance"]) if tiles["mean_conductance"].size else 0.0, "S")

    fig = Figure(figsize=(3.4 * len(projections) + 1.2, 2.6 * len(maps) + 0.6), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(maps), len(projections), squeeze=False)
    for row, (column, values, label) in enumerate(maps):
        scale, unit = (g_scale, g_unit) if column == "mean_conductance" else (1.0, "")
        # the colours span the values there are: the map is read for differences between tiles
        low, high = float(np.min(values)) / scale, float(np.max(values)) / scale
        norm = Normalize(vmin=low, vmax=high if high > low else low + 1.0)
        for col, projection in enumerate(projections):
            image = _tile_map(axes[row, col], tiles, values / scale, projection, norm)
            axes[row, col].set_title(f"{projection}: {label}", fontsize="small")
        fig.colorbar(image, ax=axes[row, :].tolist(), label=f"{label} ({unit})" if unit else label, shrink=0.9)
    fig.suptitle(f"{instance}: {len(tiles['projection'])} arrays", fontsize="medium")
    return _save(fig, path)


def _tile_map(ax, tiles, values, projection, norm):
    mine = tiles["projection"] == projection
    rows, cols = tiles["row_tile"][mine].astype(int), tiles["column_tile"][mine].astype(int)
    grid = np.full((rows.max() + 1, cols.max() + 1), np.nan)
    grid[rows, cols] = values[mine]
    # square tiles unless the map is a long strip (a wide layer cut into hundreds of columns)
    long = max(grid.shape) > 8 * min(grid.shape)
    image = ax.imshow(grid, cmap="viridis", norm=norm, aspect="auto" if long else "equal", origin="upper",
                      interpolation="nearest")
    if grid.size <= 64:  # numbers in the cells only while they fit
        for r, c, v in zip(rows, cols, values[mine]):
            # dark text on the bright end of viridis, light on the dark end
            ax.text(c, r, f"{v:.3g}", ha="center", va="center", fontsize="x-small",
                    color="black" if norm(v) > 0.6 else "white")
    for axis, n in ((ax.xaxis, grid.shape[1]), (ax.yaxis, grid.shape[0])):
        if n <= 10:
            axis.set_ticks(range(n))
        else:
            axis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    ax.set_xlabel("column tile", fontsize="small")
    ax.set_ylabel("row tile", fontsize="small")
    return image


# -- DRAM -----------------------------------------------------------------------------------

def dram_activity(run, instance, path):
    """What a DRAM did: how accesses met the row buffers (hits, misses on a closed bank,
    conflicts with another open row), the bandwidth it reached against its peak, the
    commands it issued, and, with a trace, the latency of its requests."""
    with _as_run(run) as r:
        device = _device(r, instance, "dram")
        stats = device.stats
        if "row_hits" not in stats:
            raise RunFileError(f"{r.path}: device {instance!r} has no row statistics yet (status "
                               f"{device.status!r}: the run did not finish)")
        commands = device.tables.get("commands")
        latency = device.tables.get("trace", {}).get("latency")
    panels = ["rows", "bandwidth"] + (["commands"] if commands is not None and len(commands["command"]) else [])
    panels += ["latency"] if latency is not None and latency.size else []
    n_cols = 2
    fig = Figure(figsize=(9.0, 3.2 * math.ceil(len(panels) / n_cols)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(math.ceil(len(panels) / n_cols), n_cols, squeeze=False).ravel()
    draw = {"rows": lambda ax: _row_outcomes(ax, stats),
            "bandwidth": lambda ax: _bandwidth(ax, stats),
            "commands": lambda ax: _commands(ax, commands),
            "latency": lambda ax: _latency(ax, latency)}
    for ax, panel in zip(axes, panels):
        draw[panel](ax)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(f"{instance}: {stats.get('requests', 0)} requests", fontsize="medium")
    return _save(fig, path)


def _row_outcomes(ax, stats):
    names = ["row_hits", "row_misses", "row_conflicts"]
    counts = np.array([int(stats.get(n, 0)) for n in names])
    total = max(counts.sum(), 1)
    bars = ax.bar(["hits", "misses", "conflicts"], counts, color=["C2", "C1", "C3"])
    ax.bar_label(bars, [f"{c / total:.1%}" for c in counts], fontsize="small")
    ax.set_ylabel("accesses")
    ax.set_ylim(0, counts.max() * 1.15 + 1)
    ax.set_title("row-buffer outcome", fontsize="small")


def _bandwidth(ax, stats):
    values = [float(stats.get("bandwidth", 0.0)), float(stats.get("peak_bandwidth", 0.0))]
    scale, unit = _si_scale(max(values), "B/s")
    bars = ax.bar(["reached", "peak"], np.array(values) / scale, color=["C0", "0.7"])
    ax.bar_label(bars, [f"{v / scale:.3g}" for v in values], fontsize="small")
    ax.set_ylabel(f"bandwidth ({unit})")
    ax.set_ylim(0, max(values) / scale * 1.15 + 1e-30)
    ax.set_title("bandwidth", fontsize="small")


def _commands(ax, commands):
    ax.bar([str(c) for c in commands["command"]], commands["count"], color="C4")
    ax.set_ylabel("commands")
    ax.tick_params(axis="x", labelsize="small")
    ax.set_title("commands issued", fontsize="small")


def _latency(ax, latency):
    scale, unit = _si_scale(latency.max(), "s")
    ax.hist(latency / scale, bins=min(50, max(5, latency.size // 4)), color="C0")
    ax.set_xlabel(f"latency ({unit})")
    ax.set_ylabel("requests")
    ax.set_title("trace request latency", fontsize="small")


# -- SFQ circuits -----------------------------------------------------------------------------

_TIME_UNITS = {"fs": 1e-15, "ps": 1e-12, "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def _seconds(text):
    """A time as circuit files write it ("50 ps", or a number of seconds)."""
    if isinstance(text, (int, float)):
        return float(text)
    number, unit = str(text).split()
    return float(number) * _TIME_UNITS[unit]


def _circuit_inputs(circuit):
    """{pin: pulse times (s)} of the trains a circuit file's [circuit] declares itself, as
    docs/sfq.md defines them: explicit times, period with count, or period with bits."""
    trains = {}
    for pin, spec in circuit.get("inputs", {}).items():
        start = _seconds(spec.get("start", 0.0))
        if "times" in spec:
            times = [_seconds(t) for t in spec["times"]]
        elif "bits" in spec:
            bits = str(spec["bits"]).replace("_", "").replace(" ", "")
            times = [start + i * _seconds(spec["period"]) for i, b in enumerate(bits) if b == "1"]
        else:
            times = [start + i * _seconds(spec["period"]) for i in range(int(spec.get("count", 0)))]
        trains[pin] = np.array(times)
    return trains


def _network_inputs(run, device):
    """{pin: pulse times (s)} of pins fed by network neurons: each recorded spike of a neuron
    reaches its pin through a DC-to-SFQ converter, converter_delay later."""
    inputs = device.tables.get("inputs")
    if inputs is None:
        return {}
    delay = float(device.stats.get("converter_delay", 0.0))
    recorded = set(run.spike_populations())
    trains = {}
    for population, neuron, pin in zip(inputs["population"], inputs["neuron"], inputs["pin"]):
        if str(population) in recorded:
            times, ids = run.spikes(str(population))
            trains[str(pin)] = np.sort(np.concatenate([trains.get(str(pin), []), times[ids == int(neuron)] + delay]))
    return trains


def sfq_timing(run, instance, path, max_pulses=5000):
    """A pulse timing diagram as PyLSE draws one: a line per wire (the circuit's inputs, its
    recorded wires, its outputs, top to bottom) with a tick at each pulse.

    Inputs are the trains the circuit file declares and, beside a network, the spikes of the
    neurons that feed its pins (recorded spikes only); wires with more than max_pulses
    pulses are thinned to their first max_pulses so the figure stays readable.
    """
    with _as_run(run) as r:
        device = _device(r, instance, "sfq")
        text = device.tables.get("circuit", {}).get("text")
        circuit = tomllib.loads(str(text[0])).get("circuit", {}) if text is not None and text.size else {}
        trains = _circuit_inputs(circuit)
        trains.update({pin: t for pin, t in _network_inputs(r, device).items() if t.size})
        wires = [(pin, times, "input") for pin, times in trains.items()]
        # declared wires first, so that one that never pulsed still has its (empty) line
        for table, kind in (("recorded", "recorded"), ("outputs", "output")):
            rows = device.tables.get(table, {"pin": np.array([], dtype=str), "time": np.array([])})
            declared = circuit.get("record" if table == "recorded" else "outputs", [])
            for pin in dict.fromkeys([*declared, *(str(p) for p in rows["pin"])]):
                wires.append((pin, rows["time"][rows["pin"] == pin], kind))
        violations = device.tables.get("violations", {}).get("time", np.array([]))
        t_end = r.time_reached
    if not wires:
        raise RunFileError(f"{r.path}: device {instance!r} recorded no pulses and has no inputs")
    t_end = max([t_end] + [t.max() for _, t, _ in wires if t.size])
    scale, unit = _si_scale(t_end, "s")
    fig, ax = _figure(width=9.0, height=min(12.0, 1.2 + 0.35 * len(wires)))
    colours = {"input": "C0", "recorded": "C7", "output": "C3"}
    for row, (pin, times, kind) in enumerate(wires):
        ax.plot(times[:max_pulses] / scale, np.full(min(times.size, max_pulses), row), linestyle="none",
                marker="|", markersize=9, color=colours[kind])
    for t in violations:
        ax.axvline(t / scale, color="red", linewidth=0.8, linestyle=":")
    ax.set_yticks(range(len(wires)), [f"{pin} ({len(t)})" for pin, t, _ in wires], fontsize="small")
    for label, (_, _, kind) in zip(ax.get_yticklabels(), wires):
        label.set_color(colours[kind])
    ax.set_ylim(len(wires) - 0.5, -0.5)
    ax.set_xlim(0.0, t_end / scale * 1.01 if t_end > 0 else 1.0)
    ax.set_xlabel(f"time ({unit})")
    title = f"{instance}: pulses per wire (inputs blue, recorded grey, outputs red)"
    if violations.size:
        title += f", {violations.size} violation(s) dotted"
    ax.set_title(title, fontsize="medium")
    return _save(fig, path)
