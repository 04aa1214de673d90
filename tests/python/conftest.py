"""Synthetic run files for the Python tests, written with h5py as docs/run_file.md lays out.

make_run() is the layout in code: if docs/run_file.md changes, this is the one place the
tests learn of it.
"""
import json

import h5py
import numpy as np
import pytest

COLUMN = {"chunks": True, "maxshape": (None,), "compression": "gzip", "compression_opts": 4,
          "shuffle": True}  # how the C++ writer stores extendable columns


def _scalar_string(group, name, text):
    group.create_dataset(name, data=text, dtype=h5py.string_dtype())


def make_run(path, spikes=None, probes=None, ledger=None, sizes=None, recorded=None,
             status="complete", message="", duration=1.0, time_reached=None, dt=1e-4,
             seed=42, counters=None, projections=None, root_attrs=None, devices=None):
    """Write a fluxon run file and return its path: format version 1, or 2 with `devices`.

    spikes:   {pop: (times, ids)}
    probes:   {(pop, var): (times, ids, values [m, k], units)}
    ledger:   {column: list} with all six columns, or None for an empty ledger (status "empty")
    sizes:    {pop: size}; populations default to max id + 1 of their spikes
    recorded: {pop: ids} for populations recorded with subset="list"
    root_attrs: overrides (value None removes the attribute) for testing malformed files
    devices:  {instance: dict} written under /devices as write_device() does; [] for an empty
              /devices
    """
    spikes = spikes or {}
    probes = probes or {}
    sizes = dict(sizes or {})
    recorded = recorded or {}
    for pop, (_, ids) in spikes.items():
        sizes.setdefault(pop, int(np.max(ids)) + 1 if len(ids) else 1)
    with h5py.File(path, "w") as f:
        attrs = {"format": "fluxon-run", "format_version": 1 if devices is None else 2,
                 "fluxon_version": "0.1.0", "seed": np.uint64(seed), "ticks_per_second": np.int64(10**12), "dt": dt,
                 "duration": duration, "threads": 1, "created": "2024-01-01T00:00:00Z"}
        attrs.update(root_attrs or {})
        for key, value in attrs.items():
            if value is not None:
                f.attrs[key] = value

        run = f.create_group("run")
        _scalar_string(run, "status", status)
        _scalar_string(run, "message", message)
        run.create_dataset("time_reached", data=np.float64(duration if time_reached is None else time_reached))

        config = f.create_group("config")
        _scalar_string(config, "text", "[run]\nduration = \"1 s\"\n")
        _scalar_string(config, "source", "examples/test.toml")
        _scalar_string(config, "format", "toml")

        pops = f.create_group("populations")
        for pop, size in sizes.items():
            g = pops.create_group(pop)
            g.attrs["size"] = np.uint32(size)
            g.attrs["model"] = "lif"
            g.attrs["kind"] = "neuron"
            g.attrs["params_json"] = json.dumps({"tau_m": 0.02, "v_th": -0.05})

        projs = f.create_group("projections")
        for name, (pre, post, n) in (projections or {}).items():
            g = projs.create_group(name)
            g.attrs.update({"pre": pre, "post": post, "receptor": "exc",
                            "n_synapses": np.uint64(n), "connector": "fixed_probability"})

        spk = f.create_group("spikes")
        for pop, (times, ids) in spikes.items():
            g = spk.create_group(pop)
            g.create_dataset("times", data=np.asarray(times, dtype=np.float64), **COLUMN)
            g.create_dataset("ids", data=np.asarray(ids, dtype=np.uint32), **COLUMN)
            g.attrs["n_neurons"] = np.uint32(sizes[pop])
            g.attrs["subset"] = "list" if pop in recorded else "all"
            if pop in recorded:
                g.create_dataset("recorded_ids", data=np.asarray(recorded[pop], dtype=np.uint32))

        prb = f.create_group("probes")
        for (pop, var), (times, ids, values, units) in probes.items():
            g = prb.require_group(pop).create_group(var)
            g.create_dataset("times", data=np.asarray(times, dtype=np.float64), **COLUMN)
            g.create_dataset("ids", data=np.asarray(ids, dtype=np.uint32))
            g.create_dataset("values", data=np.asarray(values, dtype=np.float64),
                             chunks=True, maxshape=(None, len(ids)))
            g.attrs["units"] = units
            g.attrs["interval"] = float(times[1] - times[0]) if len(times) > 1 else dt

        cnt = f.create_group("counters")
        values = {"steps": round(duration / dt), "spikes": sum(len(t) for t, _ in spikes.values()),
                  "synaptic_events": 0, "events": 0}
        values.update(counters or {})
        for key, value in values.items():
            cnt.create_dataset(key, data=np.int64(value))
        cnt.create_dataset("wall_time", data=np.float64(0.5))
        cnt.create_dataset("build_time", data=np.float64(0.25))
        per_pop = cnt.create_group("spikes_per_population")
        for pop, (times, _) in spikes.items():
            per_pop.create_dataset(pop, data=np.int64(len(times)))

        led = f.create_group("ledger")
        led.attrs["status"] = "empty" if ledger is None else "complete"
        columns = ledger or {c: [] for c in ("component", "action", "count", "energy", "latency", "source")}
        _ledger_columns(led, columns)

        if devices is not None:
            group = f.create_group("devices", track_order=True)
            for instance, device in dict(devices).items():
                write_device(group, instance, **device)
    return str(path)


def _ledger_columns(led, columns):
    for c in ("component", "action", "source"):
        led.create_dataset(c, data=np.asarray(columns[c], dtype=object),
                           dtype=h5py.string_dtype(), chunks=True, maxshape=(None,))
    led.create_dataset("count", data=np.asarray(columns["count"], dtype=np.int64), **COLUMN)
    for c in ("energy", "latency"):
        led.create_dataset(c, data=np.asarray(columns[c], dtype=np.float64), **COLUMN)


def write_device(devices, instance, family, preset="", preset_origin="", preset_text="", status="complete",
                 stats=None, tables=None, ledger=None, static_energy=0.0, dynamic_energy=0.0):
    """One /devices/<instance> group as docs/run_file.md lays it out.

    stats:  [(path, name, value, unit)], value int, float or str (typed by its Python type)
    tables: {table: {column: (values, unit)}}, values a list of int, float or str
    ledger: {column: list} with all six columns, or None for a device without one
    """
    g = devices.create_group(instance, track_order=True)
    for key, value in (("family", family), ("instance", instance), ("preset", preset),
                       ("preset_origin", preset_origin), ("status", status)):
        g.attrs[key] = value
    if preset_text:
        _scalar_string(g, "preset_text", preset_text)
    if stats is not None:
        st = g.create_group("stats")
        kinds = {int: "integer", float: "real", str: "text"}
        rows = [(p, n, kinds[type(v)], v, u) for p, n, v, u in stats]
        text = h5py.string_dtype()
        st.create_dataset("path", data=np.array([r[0] for r in rows], dtype=object), dtype=text)
        st.create_dataset("name", data=np.array([r[1] for r in rows], dtype=object), dtype=text)
        st.create_dataset("unit", data=np.array([r[4] for r in rows], dtype=object), dtype=text)
        st.create_dataset("kind", data=np.array([r[2] for r in rows], dtype=object), dtype=text)
        st.create_dataset("integer", data=np.array([r[3] if r[2] == "integer" else 0 for r in rows], dtype=np.int64))
        st.create_dataset("real", data=np.array([r[3] if r[2] == "real" else np.nan for r in rows], dtype=np.float64))
        st.create_dataset("text", data=np.array([r[3] if r[2] == "text" else "" for r in rows], dtype=object),
                          dtype=text)
        for p, n, kind, v, _ in rows:
            if p == "":
                st.attrs[n] = {"integer": np.int64, "real": np.float64, "text": str}[kind](v)
    tg = g.create_group("tables", track_order=True)
    for table, columns in (tables or {}).items():
        t = tg.create_group(table, track_order=True)
        for column, (values, unit) in columns.items():
            if values and isinstance(values[0], str):
                d = t.create_dataset(column, data=np.array(values, dtype=object), dtype=h5py.string_dtype())
            elif values and isinstance(values[0], float):
                d = t.create_dataset(column, data=np.array(values, dtype=np.float64))
            else:
                d = t.create_dataset(column, data=np.array(values, dtype=np.int64))
            if unit:
                d.attrs["unit"] = unit
    if ledger is not None:
        led = g.create_group("ledger")
        led.attrs.update({"status": "complete", "static_energy": static_energy, "dynamic_energy": dynamic_energy,
                          "total_energy": static_energy + dynamic_energy})
        _ledger_columns(led, ledger)


LEDGER = {
    "component": ["chip0/core[0]/synapse_mem", "chip0/core[1]/synapse_mem",
                  "chip0/core[0]/neuron", "chip0/noc/router[3]"],
    "action": ["read", "read", "update", "hop"],
    "count": [10, 30, 5, 7],
    "energy": [2e-12, 6e-12, 1e-12, 3.5e-12],
    "latency": [1e-9, 3e-9, 2e-9, 7e-9],
    "source": ["Davies 2018", "Davies 2018", "Davies 2018", "Davies 2018"],
}


@pytest.fixture
def basic_run(tmp_path):
    """Population E (4 neurons, all recorded) and I (3 neurons, 0 and 2 recorded), a probe of
    E.v on neurons 1 and 3, a filled ledger, one projection."""
    return make_run(
        tmp_path / "basic.h5",
        spikes={"E": ([0.1, 0.25, 0.3, 0.6, 0.75], [0, 2, 0, 0, 3]),
                "I": ([0.5], [2])},
        sizes={"E": 4, "I": 3},
        recorded={"I": [0, 2]},
        probes={("E", "v"): ([0.0, 0.5, 1.0], [1, 3],
                             [[-0.07, -0.065], [-0.06, -0.055], [-0.05, -0.045]], "V")},
        ledger=LEDGER,
        projections={"EI": ("E", "I", 12)},
    )
