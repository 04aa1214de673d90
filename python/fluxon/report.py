"""A report of a saved run or sweep: the figures people expect, and an index.html showing them.

    python3 -m fluxon.report RUN.h5 [-o DIR]        (what `fluxon report` runs)
    python3 -m fluxon.report SWEEP/index.json [-o DIR]

The page links its images by relative paths and loads nothing from the network, so the
directory can be copied, mailed or opened offline. Which figures a report holds depends on
what the file holds (docs/analysis.md, "Reports"); nothing here needs the C++ extension.
"""
import argparse
import html
import os
import re
import sys

from . import plot, plot_devices
from .analysis import Sweep, energy_summary, load_sweep
from .runfile import Run, RunFileError, open_run

__all__ = ["report", "main"]

# Device figures by family: a family without one gets its statistics table only.
_DEVICE_FIGURES = {
    "neuromorphic": ("NoC link load", plot_devices.noc_link_load),
    "crossbar": ("crossbar tiles", plot_devices.crossbar_tiles),
    "dram": ("DRAM activity", plot_devices.dram_activity),
    "sfq": ("SFQ pulse timing", plot_devices.sfq_timing),
}


_MAX_TRACES = 3


def report(source, directory=None):
    """Write the report of a run (a Run, or a run file path) or a sweep (a Sweep, its
    index.json, or the directory holding it) into `directory`, and return the path of its
    index.html. directory defaults to RUN_report/ beside a run file and report/ inside a
    sweep's directory. A file that is not a run or a sweep raises RunFileError naming it.
    """
    if isinstance(source, Sweep) or _is_sweep(source):
        sweep = source if isinstance(source, Sweep) else load_sweep(_sweep_index(source))
        directory = directory or os.path.join(os.path.dirname(sweep.path), "report")
        return _write_page(directory, f"sweep {sweep.path}", _sweep_sections(sweep, directory))
    run = source if isinstance(source, Run) else open_run(source)
    try:
        directory = directory or os.path.splitext(run.path)[0] + "_report"
        return _write_page(directory, f"run {run.path}", _run_sections(run, directory))
    finally:
        if run is not source:
            run.close()


def _is_sweep(source):
    path = os.fspath(source)
    return os.path.isdir(path) or path.endswith(".json")


def _sweep_index(source):
    path = os.fspath(source)
    return os.path.join(path, "index.json") if os.path.isdir(path) else path


# -- what a report holds: sections of figures and tables ---------------------------------

class _Section:
    """A heading and its items in page order: figures (file name, caption), tables, notes."""

    def __init__(self, title):
        self.title = title
        self.items = []

    def figure(self, directory, name, caption, draw):
        """Draw one figure into directory/name; a figure the file lacks the data for becomes
        a note saying why, so one missing table does not cost the rest of the report."""
        try:
            draw(os.path.join(directory, name))
        except RunFileError as e:
            self.items.append(("note", f"{caption}: not drawn, {e}"))
            return
        self.items.append(("figure", name, caption))

    def table(self, header, rows, caption=""):
        self.items.append(("table", header, rows, caption))


def _file_name(*parts):
    """A file name from population, layer or device names, which may hold any character."""
    return "_".join(re.sub(r"[^A-Za-z0-9_.-]+", "-", str(p)) for p in parts) + ".png"


def _run_sections(run, directory):
    os.makedirs(directory, exist_ok=True)
    sections = [_overview_section(run)]
    sections += [s for s in (_spikes_section(run, directory), _layers_section(run, directory),
                             _energy_section(run, directory)) if s.items]
    sections += [_device_section(run, instance, directory) for instance in run.device_names()]
    return sections


def _overview_section(run):
    section = _Section("Run")
    facts = [("file", run.path), ("status", run.status + (f": {run.message}" if run.message else "")),
             ("time reached", f"{run.time_reached:g} s of {run.duration:g} s"), ("dt", f"{run.dt:g} s"),
             ("seed", run.seed), ("config", run.config_source)]
    section.table(("", ""), facts)
    if run.populations:
        section.table(("population", "size", "model", "kind"),
                      [(name, p["size"], p["model"], p["kind"]) for name, p in run.populations.items()])
    return section


def _spikes_section(run, directory):
    section = _Section("Spikes and membranes")
    if plot._neuron_populations(run):
        section.figure(directory, "populations.png", "every population's raster, and its rate below",
                       lambda path: plot.population_overview(run, path))
    for population, variable in run.probes():
        # more than a few overlaid traces over a whole run are a tangle, whatever was probed
        probed = run.probe(population, variable)[1].tolist()
        shown = probed[:_MAX_TRACES]
        caption = f"{population}.{variable} of neuron(s) {shown}" + (f" of the {len(probed)} probed" if len(probed) > len(shown) else "")
        section.figure(directory, _file_name("probe", population, variable), caption,
                       lambda path, p=population, v=variable, n=shown: plot.probe_traces(run, p, v, path, neurons=n))
    return section


def _layers_section(run, directory):
    section = _Section("Layers")
    layers = run.layers()
    if layers is not None or any(name not in run.populations for name in run.spike_populations()):
        section.figure(directory, "layer_events.png", "events of the recorded layers per step, and of every layer in all",
                       lambda path: plot.layer_events(run, path))
    if layers is None:
        return section
    stats, units = layers["stats"], layers["stats_units"]
    section.table(("NeuroBench (per sample)", "value", "unit"),
                  [(name, _number(value), units.get(name, "")) for name, value in stats.items()])
    for table, columns in layers["tables"].items():
        header = tuple(f"{c} ({layers['table_units'][table][c]})" if c in layers["table_units"][table] else c
                       for c in columns)
        section.table(header, list(zip(*[[_number(v) for v in col] for col in columns.values()])),
                      caption=f"table {table}")
    return section


def _energy_section(run, directory):
    section = _Section("Energy")
    if not run.has_ledger:
        return section
    section.figure(directory, "energy.png", "energy by component type and action (the ledger)",
                   lambda path: plot.energy_breakdown(run, path))
    summary = energy_summary(run)
    rows = [("total", f"{summary['total']:.4g} J"), ("static", f"{summary['static']:.4g} J"),
            ("dynamic", f"{summary['dynamic']:.4g} J"),
            ("per synaptic event (all devices, whole network)", f"{summary['per_synaptic_event']:.4g} J")]
    rows += [(f"per synaptic event of {instance} (its synaptic actions)", f"{d['per_synaptic_event']:.4g} J")
             for instance, d in summary["per_device"].items()]
    section.table(("", "value"), rows)
    return section


def _device_section(run, instance, directory):
    device = run.device(instance)
    section = _Section(f"Device {instance} ({device.family}{', preset ' + device.preset if device.preset else ''})")
    if device.family in _DEVICE_FIGURES:
        caption, draw = _DEVICE_FIGURES[device.family]
        section.figure(directory, _file_name("device", instance), caption,
                       lambda path: draw(run, instance, path))
    rows = [(name, _number(value), device.stats_units.get(name, "")) for name, value in device.stats.items()]
    section.table(("statistic", "value", "unit"), rows, caption=f"status {device.status}")
    return section


def _sweep_sections(sweep, directory):
    os.makedirs(directory, exist_ok=True)
    rows = plot.sweep_table(sweep)
    section = _Section(f"Sweep of {len(sweep)} runs")
    header = list(dict.fromkeys(k for row in rows for k in row))
    section.table(header, [[_number(row.get(k, "")) for k in header] for row in rows])
    # a key given one value is a setting of the whole sweep, not an axis to plot against
    varied = [p for p in sweep.parameters if len({str(row[p]) for row in rows}) > 1]
    for parameter in varied:
        section.figure(directory, _file_name("sweep", parameter), f"every metric against {parameter}",
                       lambda path, p=parameter: plot.sweep_metrics(sweep, p, path, rows=rows))
    return [section]


def _number(value):
    return f"{value:.6g}" if isinstance(value, float) else value


# -- the page ---------------------------------------------------------------------------------

_STYLE = """body { font-family: sans-serif; margin: 2em; max-width: 1100px; }
img { max-width: 100%; } figure { margin: 1em 0; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 90%; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
.note { color: #a33; }"""


def _write_page(directory, title, sections):
    path = os.path.join(directory, "index.html")
    body = "\n".join(_section_html(s) for s in sections)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fluxon report: "
                f"{html.escape(title)}</title>\n<style>{_STYLE}</style></head>\n<body>\n"
                f"<h1>fluxon report</h1>\n<p>{html.escape(title)}</p>\n{body}\n</body></html>\n")
    return path


def _section_html(section):
    parts = [f"<h2>{html.escape(section.title)}</h2>"]
    for item in section.items:
        if item[0] == "figure":
            _, name, caption = item
            parts.append(f'<figure><img src="{html.escape(name)}" alt="{html.escape(caption)}">'
                         f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        elif item[0] == "table":
            _, header, rows, caption = item
            parts.append(_table_html(header, rows, caption))
        else:
            parts.append(f'<p class="note">{html.escape(item[1])}</p>')
    return "\n".join(parts)


def _table_html(header, rows, caption):
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header) if any(header) else ""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>\n" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}{'<tr>' + head + '</tr>' if head else ''}\n{body}</table>"


# -- command line -----------------------------------------------------------------------------

def main(argv=None):
    """`fluxon report`: exit 0 and print the page's path, or 2 and a named error."""
    parser = argparse.ArgumentParser(prog="fluxon report",
                                     description="Figures and an index.html of a run file or a sweep")
    parser.add_argument("source", help="run file (HDF5), or a sweep's index.json or directory")
    parser.add_argument("-o", "--output", help="directory to write (default: RUN_report/ beside a run "
                                               "file, report/ in a sweep's directory)")
    args = parser.parse_args(argv)
    try:
        index = report(args.source, args.output)
    except (RunFileError, OSError) as e:
        print(f"fluxon: error: {e}", file=sys.stderr)
        return 2
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
