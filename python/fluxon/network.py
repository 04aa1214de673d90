"""Networks built from Python, run by the C++ core.

A Network collects populations, projections, currents and what to record, as a plain
description with the shape of a config file (docs/config.md): dicts and lists of numbers (SI),
strings with units ("20 ms") and numpy arrays. build() hands the description to the C++ core,
which checks every value (errors name the dotted key, e.g. populations.exc.params.tau_m) and
returns a Simulation. A script and the equivalent config file give bit-identical runs.

    net = fluxon.Network(dt="0.1 ms", duration="1 s", seed=1)
    exc = net.population("exc", 3200, "lif", tau_m="20 ms", v_th="-50 mV", ...)
    exc.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    net.project("ee", exc, exc, receptor="exc", connector=fluxon.fixed_probability(0.02),
                weight="1.62 mV", delay="0.1 ms")
    exc.record_spikes()
    result = net.build().run(output="run.h5", progress=True)
    times, ids = result.spikes("exc")

See docs/python.md for the whole guide.
"""
import sys

from . import _core

__all__ = [
    "Network", "Population", "Simulation", "load_config",
    "uniform", "normal",
    "all_to_all", "one_to_one", "fixed_probability", "fixed_indegree", "fixed_outdegree", "from_arrays",
]


# -- values and connectors: plain description entries -------------------------------------

def uniform(low, high):
    """Values drawn uniformly from [low, high] (seeded by the run seed), e.g. uniform("-60 mV", "-50 mV")."""
    return {"uniform": [low, high]}


def normal(mean, std):
    """Values drawn from a normal distribution (seeded by the run seed)."""
    return {"normal": [mean, std]}


def all_to_all(autapses=True):
    """Every presynaptic neuron to every postsynaptic one (autapses: i -> i when pre is post)."""
    return {"type": "all_to_all", "autapses": autapses}


def one_to_one(autapses=True):
    """Neuron i to neuron i; pre and post must have the same size."""
    return {"type": "one_to_one", "autapses": autapses}


def fixed_probability(p, autapses=True):
    """Each possible synapse exists with probability p, drawn from the run seed."""
    return {"type": "fixed_probability", "p": p, "autapses": autapses}


def fixed_indegree(n, autapses=True, multapses=True):
    """Each postsynaptic neuron receives n synapses from randomly chosen presynaptic ones."""
    return {"type": "fixed_indegree", "n": n, "autapses": autapses, "multapses": multapses}


def fixed_outdegree(n, autapses=True, multapses=True):
    """Each presynaptic neuron makes n synapses onto randomly chosen postsynaptic ones."""
    return {"type": "fixed_outdegree", "n": n, "autapses": autapses, "multapses": multapses}


def from_arrays(pre, post):
    """Exactly the synapses pre[k] -> post[k] (integer arrays or lists of equal length)."""
    return {"type": "explicit", "pre": pre, "post": post}


# -- the builder ---------------------------------------------------------------------------

class Population:
    """A population of a Network; made by Network.population, spike_source or poisson."""

    def __init__(self, network, name, size, model, params, arrays=None):
        self.network = network
        self.name = name
        self.size = size
        self.model = model
        self.params = dict(params)
        self.initial = {}
        self.arrays = dict(arrays or {})

    def initialize(self, **values):
        """Initial state per variable: a quantity, uniform(...), normal(...) or an array (SI)."""
        self.initial.update(values)
        return self

    def record_spikes(self, ids=None):
        """Records the spikes of every neuron, or of the neurons in ids."""
        entry = {"population": self.name}
        if ids is not None:
            entry["ids"] = ids
        self.network.recorded_spikes.append(entry)
        return self

    def record(self, variable, ids=None, interval=None):
        """Probes a state variable (e.g. "v") of every neuron or of ids, every step or every interval."""
        entry = {"population": self.name, "variable": variable}
        if ids is not None:
            entry["ids"] = ids
        if interval is not None:
            entry["interval"] = interval
        self.network.probes.append(entry)
        return self

    def description(self):
        entry = {"size": self.size, "model": self.model}
        if self.params:
            entry["params"] = dict(self.params)
        if self.initial:
            entry["initial"] = dict(self.initial)
        entry.update(self.arrays)
        return entry

    def __repr__(self):
        return f"<fluxon.Population {self.name!r}: {self.size} x {self.model}>"


class Network:
    """A network description under construction; build() turns it into a Simulation.

    dt and duration are strings with units or numbers in seconds (duration=None: a run without
    populations lasts until its input layers' data and its devices' work end); the seed draws
    connectivity, initial values and noise; threads (and min_slice, the fewest neurons of a
    population's per-thread slice) do not change results. convention ("nest" or "brian2";
    None: the run's default, "nest") picks how spikes are stamped and how long t_ref holds the
    membrane (docs/models.md, "Timing conventions"). precision ("double" or "single"; None:
    "double") is the precision of neuron state: single is about twice as fast for LIF networks
    and changes spike trains by rounding (docs/models.md, "Single precision").
    """

    def __init__(self, dt="0.1 ms", duration="1 s", seed=1, threads=1, time_base="ps",
                 flush_interval=2.0, min_slice=2048, convention=None, precision=None):
        self.dt = dt
        self.duration = duration
        self.seed = seed
        self.threads = threads
        self.min_slice = min_slice
        self.time_base = time_base
        self.flush_interval = flush_interval
        self.convention = convention
        self.precision = precision
        self.populations = {}
        self.projections = {}
        self.currents = {}
        self.drives = {}
        self.recorded_spikes = []
        self.probes = []
        self.layers = {}           # name -> {"kind", "input", settings...}, as [layers.<name>] holds it
        self.recorded_layers = []
        self.recorded_weights = None  # None: no weights; [] with record_weights(): every projection
        self.device_settings = {}  # family name -> settings, as Network.device() wrote them
        self.nir_section = None    # the [nir] section Network.nir() wrote

    def population(self, name, size, model, **params):
        """A population of `size` neurons of `model` (fluxon.models() lists them and their
        parameters); parameters are strings with units or numbers in SI."""
        return self._add_population(Population(self, name, size, model, params))

    def spike_source(self, name, size, times, ids):
        """Neurons that spike at times[k] (s) for neuron ids[k] (model spike_times)."""
        return self._add_population(Population(self, name, size, "spike_times", {},
                                               {"times": times, "ids": ids}))

    def event_source(self, name, path, size=None, format=None, sensor=None, sensor_size=None, crop=None,
                     downsample=None, merge_polarity=None, start=None, stop=None, offset=None, on_same_step=None):
        """A spike_times population whose spikes are the events of a recording (docs/events.md):
        input entry p*H*W + y*W + x spikes at each event's exact time (from `start`, plus
        `offset`). The arguments are the keys of a config file's
        populations.<name>.events table: format, sensor, sensor_size (W, H) or (W, H, P), crop
        (x0, y0, width, height), downsample, merge_polarity, start, stop, offset (times in s or
        strings such as "10 ms") and on_same_step ("keep_first": one spike per input per step, the
        default; "error"). size defaults to P*H*W of the selection (reading the file once here);
        the core reads the file when the network is built and checks size against it."""
        import os
        events = {"file": os.path.abspath(os.fspath(path))}
        for key, value in (("format", format), ("sensor", sensor), ("sensor_size", sensor_size), ("crop", crop),
                           ("downsample", downsample), ("merge_polarity", merge_polarity), ("start", start),
                           ("stop", stop), ("offset", offset), ("on_same_step", on_same_step)):
            if value is not None:
                events[key] = list(value) if key in ("sensor_size", "crop") else value
        if size is None:
            from . import events as event_files
            rec = event_files.read(events["file"], format, sensor, sensor_size)
            _, _, (w, h, p) = event_files.select(rec.events, rec.sensor_size, crop, downsample or 1,
                                                 bool(merge_polarity), start or 0, stop)
            size = w * h * p
        return self._add_population(Population(self, name, size, "spike_times", {}, {"events": events}))

    def poisson(self, name, size, rate):
        """Independent Poisson spike trains at `rate` each (model poisson)."""
        return self._add_population(Population(self, name, size, "poisson", {"rate": rate}))

    def project(self, name, pre, post, receptor, connector, weight, delay=None):
        """Synapses from pre to the `receptor` of post. weight and delay are quantities, uniform(...),
        normal(...) or arrays with one value per synapse (SI); the delay defaults to one step."""
        self._check_new(self.projections, "projections", name)
        entry = {"pre": self._population_name(pre), "post": self._population_name(post),
                 "receptor": receptor, "connector": connector, "weight": weight}
        if delay is not None:
            entry["delay"] = delay
        self.projections[name] = entry
        return entry

    def record_weights(self, *projections):
        """Write the synapses of these projections (every projection without a name) into the
        run file as the run uses them (on a chip, rounded to its fixed point):
        /weights/<projection>/pre, post, weight (SI) and delay (s), as
        `[record] weights` does (docs/run_file.md)."""
        for name in projections:
            if not isinstance(name, str):
                raise TypeError(f"record_weights takes projection names, got {name!r}")
        self.recorded_weights = (self.recorded_weights or []) + list(projections) if projections else []

    def current(self, name, target, amplitude=None, times=None, amplitudes=None, ids=None):
        """An external current into target (every neuron, or ids): a constant `amplitude` from
        t = 0, or a step function that is amplitudes[k] from times[k] on."""
        self._check_new(self.currents, "currents", name)
        entry = {"target": self._population_name(target)}
        if ids is not None:
            entry["ids"] = ids
        if amplitude is not None:
            entry["amplitude"] = amplitude
        if times is not None:
            entry["times"] = times
        if amplitudes is not None:
            entry["amplitudes"] = amplitudes
        self.currents[name] = entry
        return entry

    def poisson_input(self, name, target, receptor, rate, weight, inputs=1):
        """Independent Poisson inputs onto every neuron of target, added to `receptor` without
        spikes or synapses, as Brian2's PoissonInput(target, var, N=inputs, rate, weight): per
        neuron and step, weight times a Binomial(inputs, rate dt) count (docs/models.md,
        "Poisson drives"). rate is of each input; weight in the receptor's unit."""
        self._check_new(self.drives, "drives", name)
        entry = {"target": self._population_name(target), "receptor": receptor, "rate": rate, "weight": weight,
                 "inputs": inputs}
        self.drives[name] = entry
        return entry

    def layer(self, name, kind, input=None, record=False, **settings):
        """A node of a layered network (docs/layers.md): a layer of `kind` (fluxon.layer_kinds()
        lists them with their settings) taking the output of the layer `input` (a name, a list of
        names whose outputs are summed, or None for an input layer). Settings are the kind's
        parameters (numbers) and arrays (numpy arrays or nested lists of any shape, or
        {"file": "w.npz:name"}), exactly as the [layers.<name>] section of a config file holds
        them; the core checks them when the network is built (a ConfigError names the layer, the
        array and the shapes). record=True records its events: RunResult.layer_events(name) gives the
        flat index and value of every non-zero output entry. Returns the name."""
        self._check_new(self.layers, "layers", name)
        entry = {"kind": kind}
        if input is not None:
            entry["input"] = input if isinstance(input, str) else list(input)
        for key, value in settings.items():
            if value is not None:
                entry[key] = value
        self.layers[name] = entry
        if record:
            self.recorded_layers.append(name)
        return name

    def nir(self, path, input, integration="euler", reset="hard", steps_per_sample=None):
        """Adds the layers of the NIR graph in `path` (docs/nir.md), named as its nodes (nested
        graphs as "<graph>.<node>"), exactly as a config file's [nir] section: `input` is the data
        of its Input node, an array [steps, *shape] (or a dict from Input node names to arrays
        when it has several); `integration` is "euler" or "exact", `reset` "hard" (NIR's) or
        "subtract" (snnTorch's default). Its Output nodes are recorded (RunResult.layer_events).
        fluxon.nir.run does this and returns the outputs as dense arrays."""
        import os
        if self.nir_section is not None:
            raise _core.NetworkError("a Network holds one NIR graph; this one already has one", key="nir")
        section = {"file": os.path.abspath(os.fspath(path)), "input": input, "integration": integration,
                   "reset": reset}
        if steps_per_sample is not None:
            section["steps_per_sample"] = steps_per_sample
        self.nir_section = section
        return self

    def device(self, family, **settings):
        """Maps the network, or some of its projections, onto a device of a registered family
        (fluxon.device_families() lists them with their settings and shipped presets).

        The settings become the family's config section in the description (its name comes
        from the registry: "hardware" for "neuromorphic", "crossbar" for "crossbar"), exactly
        as a config file would give them; settings that are None are left out, and a list-like
        value (tuple, set, generator) becomes a list. The core checks them when the network is
        built: a ConfigError names the key at fault (such as "hardware.fidelity"), an unknown
        setting among them. One device per family: a second call for a family replaces the
        first. The run reports the device under the family's default instance name ("chip",
        "crossbar"): RunResult.devices, Simulation.devices() and Run.device() in run files.
        Returns the settings as written. An unknown family is a ConfigError (a ValueError)
        naming it and the known families.
        """
        families = _core.device_families()
        if family not in families:
            raise _core.ConfigError(f"unknown device family {family!r}; the known families are: "
                                    f"{', '.join(repr(name) for name in families)} (fluxon.device_families())")
        section = {}
        for key, value in settings.items():
            if value is None:
                continue
            if not isinstance(value, (str, bytes, dict, list)) and not hasattr(value, "__array__") \
                    and hasattr(value, "__iter__"):
                value = list(value)
            section[key] = value
        self.device_settings[family] = section
        return section

    def hardware(self, preset, fidelity="annotated", topology=None, weight_bits=None,
                 step_period="asap", mapper="metis", chunk_neurons=None, synapse_dram=None,
                 bytes_per_synapse=None):
        """Maps the network onto a digital neuromorphic chip (docs/hardware.md): shorthand for
        device("neuromorphic", ...), reported as the device "chip". `preset` is a shipped preset
        name (fluxon.chip_presets() lists them) or the path of a preset file.
        fidelity "annotated" charges costs only; "timed" also lets late messages arrive in
        later steps, which needs a fixed step_period (such as "0.1 ms"). topology "mesh" or
        "tree" replaces the preset's; weight_bits replaces its fixed-point precision (0:
        exact). mapper "metis" minimises messages between cores, "sequential" fills cores in
        population order. synapse_dram, a DRAM preset name (fluxon.dram_presets()) or path, holds
        the synaptic rows that do not fit on chip, bytes_per_synapse bytes a synapse (default 4);
        spikes then fetch them from DRAM."""
        return self.device("neuromorphic", preset=preset, fidelity=fidelity, step_period=step_period,
                           mapper=mapper, topology=topology, weight_bits=weight_bits,
                           chunk_neurons=chunk_neurons, synapse_dram=synapse_dram,
                           bytes_per_synapse=bytes_per_synapse)

    def crossbar(self, preset, projections=None, random_weights=None, weight_bits=None, adc_bits=None,
                 d2d_sigma=None, programming_sigma=None, read_sigma=None, drift_age=None, replicas=None,
                 layers=None):
        """Computes projections in modelled crossbar arrays (docs/crossbar.md): shorthand for
        device("crossbar", ...), reported as the device "crossbar". `preset` is a
        shipped preset name (fluxon.crossbar_presets() lists them) or the path of a preset file.
        projections: names; their weight matrices are tiled onto the arrays and every step's
        spikes drive the rows, so targets receive the converted column sums. layers: linear
        layers computed in the arrays the same way, their graded inputs through the preset's
        input encoding. Without projections and layers: every projection and linear layer;
        with one of them, only what it names. random_weights: projections whose weights are the devices' own mismatch (their
        weight is the spread; needs weight_bits=0). The other arguments override the preset:
        weight_bits (0: analog), adc_bits (0: ideal), d2d_sigma, programming_sigma, read_sigma
        (relative), drift_age (time since programming, "1 day"), replicas (copies per tile)."""
        return self.device("crossbar", preset=preset, projections=projections, random_weights=random_weights,
                           weight_bits=weight_bits, adc_bits=adc_bits, d2d_sigma=d2d_sigma,
                           programming_sigma=programming_sigma, read_sigma=read_sigma, drift_age=drift_age,
                           replicas=replicas, layers=layers)

    def description(self):
        """The plain description build() hands to the C++ core (the run file records it as JSON):
        the network, and each device's settings under its family's config section."""
        described = self._network_description()
        if self.device_settings:
            families = _core.device_families()
            for family, settings in self.device_settings.items():
                described[families[family]["section"]] = dict(settings)
        return described

    def _network_description(self):
        run = {"dt": self.dt, "duration": self.duration, "seed": self.seed, "threads": self.threads,
               "min_slice": self.min_slice, "time_base": self.time_base, "flush_interval": self.flush_interval}
        if self.duration is None:
            del run["duration"]
        if self.convention is not None:
            run["convention"] = self.convention
        if self.precision is not None:
            run["precision"] = self.precision
        described = {
            "run": run,
            "populations": {name: pop.description() for name, pop in self.populations.items()},
            "projections": {name: dict(entry) for name, entry in self.projections.items()},
            "currents": {name: dict(entry) for name, entry in self.currents.items()},
            "drives": {name: dict(entry) for name, entry in self.drives.items()},
            "record": {"spikes": list(self.recorded_spikes), "probes": list(self.probes),
                       "layers": list(self.recorded_layers)},
            "layers": {name: dict(entry) for name, entry in self.layers.items()},
        }
        if self.recorded_weights is not None:
            described["record"]["weights"] = list(self.recorded_weights) or "all"
        if self.nir_section is not None:
            described["nir"] = dict(self.nir_section)
        return described

    def build(self):
        """Checks the whole description and builds the network: a Simulation ready to run."""
        return Simulation(self.description())

    def _add_population(self, population):
        self._check_new(self.populations, "populations", population.name)
        self.populations[population.name] = population
        return population

    def _check_new(self, table, section, name):
        if name in table:
            raise _core.NetworkError(f"the name {name!r} is already used in {section}",
                                     key=f"{section}.{name}", node=str(name))

    def _population_name(self, population):
        if not isinstance(population, Population):
            return population  # a name; the core checks that it exists
        if population.network is not self:
            raise _core.NetworkError(f"population {population.name!r} belongs to another Network",
                                     node=population.name)
        return population.name

    def __repr__(self):
        return (f"<fluxon.Network: {len(self.populations)} populations, {len(self.projections)} "
                f"projections, dt={self.dt!r}, duration={self.duration!r}, seed={self.seed!r}>")


# -- running -------------------------------------------------------------------------------

class _ProgressBar:
    """A tqdm bar over simulated time, made at the first report (when t_end is known)."""

    def __init__(self, tqdm):
        self._tqdm = tqdm
        self._bar = None

    def __call__(self, t_reached, t_end):
        if self._bar is None:
            self._bar = self._tqdm(total=t_end, unit="s", desc="simulated",
                                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.3f}/{total:.3f} s "
                                              "[{elapsed}<{remaining}]")
        self._bar.update(t_reached - self._bar.n)

    def close(self):
        if self._bar is not None:
            self._bar.close()


class _ProgressLine:
    """A single stderr line rewritten in place, for when tqdm is not installed."""

    def __init__(self):
        self._written = False

    def __call__(self, t_reached, t_end):
        share = t_reached / t_end if t_end > 0 else 1.0
        sys.stderr.write(f"\rsimulated {t_reached:.3f} / {t_end:.3f} s ({100 * share:3.0f}%)")
        sys.stderr.flush()
        self._written = True

    def close(self):
        if self._written:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _progress_reporter(progress):
    """(callback for the core, close function) for run(progress=...)."""
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True:
        try:
            from tqdm import tqdm
        except ImportError:
            reporter = _ProgressLine()
        else:
            reporter = _ProgressBar(tqdm)
        return reporter, reporter.close
    if callable(progress):
        return progress, lambda: None
    raise TypeError(f"progress must be True, False, None or a callable (t_reached, t_end), got {progress!r}")


class Simulation(_core.Simulation):
    __doc__ = _core.Simulation.__doc__

    def run(self, output=None, progress=None, keep_in_memory=True, overwrite=False):
        """Runs for the configured duration; a Simulation runs once.

        output: path of the run file to write (None: no file); an existing file raises
        fluxon.IoError before anything runs unless overwrite=True. progress: True for a progress
        bar (tqdm if installed, else a stderr line), or a callable (t_reached, t_end) called
        at most every ~0.1 s of wall time. keep_in_memory: keep spikes and probes for
        spikes()/probe(). The GIL is released while the core runs. Ctrl-C (or an exception in
        the progress callable) stops the run cleanly: the run file is complete up to there
        with status "interrupted", and the exception is raised once run() has stopped.
        """
        callback, close = _progress_reporter(progress)
        try:
            return super().run(output, callback, keep_in_memory, overwrite)
        finally:
            close()


def load_config(path, overrides=()):
    """A Simulation from a config file (docs/config.md), with "dotted.key=value" overrides
    as `fluxon run --set` takes them."""
    if isinstance(overrides, str):
        overrides = [overrides]
    return Simulation(config=path, overrides=list(overrides))
