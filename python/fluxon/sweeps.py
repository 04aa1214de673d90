"""fluxon.sweep: a parameter sweep from Python, with the machinery of `fluxon sweep`.

    table = fluxon.sweep("examples/cuba.toml",
                         {"projections.exc_exc.weight": ["1.2 mV", "1.62 mV"],
                          "projections.exc_inh.weight": ["1.2 mV", "1.62 mV"],
                          "run.seed": [1, 2]},
                         link=[("projections.exc_exc.weight", "projections.exc_inh.weight")])
    table["rate/exc"]          # numpy array, one entry per grid point, in Hz
    table.units["projections.exc_exc.weight"]   # "V": the swept values are SI numbers

The grid, its order, the validation of every point before any runs, and the numbers are those
of `fluxon sweep` (docs/config.md, "Sweeps"); the table is the one its index.h5 holds
(docs/run_file.md, "The sweep index").
"""
import numbers
import os

import numpy as np

from . import _core
from .analysis import format_table

__all__ = ["sweep", "SweepTable"]


class SweepTable(dict):
    """A sweep's numbers: a dict of numpy arrays, one entry per grid point in grid order.

    Keys: every swept key (float64 in SI units when its values are quantities or numbers,
    else str), then the metrics time_reached (s), wall_time (s), spikes and synaptic_events
    (int64), energy (J; only when a point has a device), rate/<population> (Hz), then
    status, message (str) and file (the run file's path, "" without a directory).
    Reals are NaN and counts -1 for a point that did not complete.

    Attributes: units ({column: unit}: SI symbol, "1" for numbers without a unit, "" for
    text), parameters (the swept keys), given ({key: the values as given, str}).
    """

    def __init__(self, columns, units, parameters, given):
        super().__init__(columns)
        self.units = dict(units)
        self.parameters = list(parameters)
        self.given = dict(given)

    @property
    def points(self):
        """The number of grid points (len() counts the columns, as for any dict)."""
        return len(self["status"])

    def rows(self):
        """One dict per grid point: {column: value}, for analysis.format_table and the like."""
        return [{key: column[i].item() if hasattr(column[i], "item") else column[i] for key, column in self.items()
                 if key not in ("message", "file")} for i in range(self.points)]

    def __repr__(self):
        return format_table(self.rows())


def _value_text(key, value):
    """A swept value as --set spells it: quantities as strings with units ("1.2 mV"), numbers
    and booleans as TOML writes them."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{key}: swept values must be finite, got {value}")
        return repr(value)
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(f"{key}: empty value in the list")
        return value
    raise TypeError(f"{key}: a swept value must be a string (\"1.2 mV\"), a number or a boolean, "
                    f"got {type(value).__name__}")


def sweep(source, parameters, link=(), directory=None, jobs=None, threads=None, force=False):
    """Run every point of a parameter grid and return its numbers as a SweepTable.

    source: a config file (docs/config.md) or a fluxon.Network. parameters: {dotted key:
    values}, the keys and values `fluxon sweep --set` takes (quantities as strings with units,
    "1.2 mV"; numbers for dimensionless values); the grid is the Cartesian product, the first
    key varying slowest. link: groups of keys that step together (each group is one dimension,
    its keys with as many values each), as `--link`. directory: write run_NNNN.h5, index.json
    and index.h5 there, as `fluxon sweep -d` does (None: no files); a directory that is not
    empty is refused (fluxon.IoError) unless force=True, which removes an earlier sweep's
    files. jobs: runs at once (default: cores / threads per run); threads: threads per run.

    Every point is loaded and its network and devices built before the first one runs: a
    point that cannot run raises fluxon.ConfigError (or another fluxon error) naming it and
    its key. A point that fails while running is recorded with status "failed". Ctrl-C stops
    the running points cleanly (status "interrupted") and raises KeyboardInterrupt.
    """
    if not isinstance(parameters, dict) or not parameters:
        raise ValueError("parameters must be a non-empty dict {dotted key: [values]}")
    axes = []
    for key, values in parameters.items():
        if not isinstance(key, str):
            raise TypeError(f"parameter keys are dotted config keys (str), got {key!r}")
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = [values]
        texts = [_value_text(key, v) for v in values]
        if not texts:
            raise ValueError(f"{key}: no values to sweep")
        axes.append((key, texts))
    if isinstance(link, str):
        link = [k.strip() for k in link.split(",")]  # "a,b", as --link takes it
    if link and all(isinstance(k, str) for k in link):
        link = [link]  # one group given flat: ("a", "b")
    links = [[str(k) for k in group] for group in link]
    config = description = None
    if isinstance(source, (str, os.PathLike)):
        config = source
    elif hasattr(source, "description"):
        description = source.description()
    else:
        raise TypeError(f"source must be a config file path or a fluxon.Network, got {type(source).__name__}")
    columns, units, given = _core.sweep(config, description, axes, links,
                                        None if directory is None else os.fspath(directory),
                                        int(jobs or 0), int(threads or 0), bool(force))
    if directory is not None:
        base = os.path.abspath(os.fspath(directory))
        columns["file"] = np.array([os.path.join(base, f) if f else "" for f in columns["file"]], dtype=str)
    return SweepTable(columns, units, [key for key, _ in axes], given)
