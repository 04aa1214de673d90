"""Runs mapped onto a digital neuromorphic chip (docs/hardware.md): Network.hardware and the generic
Network.device, the chip as a device (its statistics, mapping tables and ledger) from Python and in
run files, fluxon.analysis.energy_summary, the presets and the errors. Every network here is tiny
and short, so the suite stays fast.

Run with PYTHONPATH=<build>/python (the package built next to the extension).
"""
import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import fluxon
from fluxon import analysis

ROOT = Path(__file__).resolve().parents[2]
LIF = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")
STEPS = 500  # 50 ms at 0.1 ms
N = {"exc": 80, "inh": 20}
LOIHI_SYNAPSE_OP = 23.6e-12   # J, Davies et al. 2018, Table 2
LOIHI_HOP_EAST_WEST = 3.0e-12  # J, same table
LOIHI_CORE_POWER = 0.815e-3    # W, devices/neuromorphic/presets/loihi.toml


def cuba(duration="50 ms", threads=1, **hardware):
    """A 100-neuron CUBA network (p = 0.1), with net.hardware(**hardware) when given (cut into
    slices on more threads)."""
    net = fluxon.Network(dt="0.1 ms", duration=duration, seed=1, threads=threads, min_slice=16)
    exc = net.population("exc", N["exc"], "lif", **LIF)
    inh = net.population("inh", N["inh"], "lif", **LIF)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    for pre, receptor, weight in ((exc, "exc", "1.62 mV"), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor=receptor,
                        connector=fluxon.fixed_probability(0.1), weight=weight)
    exc.record_spikes()
    inh.record_spikes()
    if hardware:
        net.hardware(**hardware)
    return net


def undelivered_events(sim):
    """Synaptic events of the spikes in the last step: the chip processes them when they are
    sent, but their one-step delay lands them after the run, so the engine never delivers
    (nor counts) them."""
    last = sim.duration - sim.dt - sim.dt / 2
    events = 0
    for name, projection in sim.projections.items():
        times, ids = sim.spikes(projection["pre"])
        out_degree = np.bincount(sim.synapses(name)["pre"], minlength=N[projection["pre"]])
        events += int(out_degree[ids[times > last]].sum())
    return events


def chip_of(result):
    """The chip of a run (the device "chip": fluxon.runfile.Device)."""
    assert list(result.devices) == ["chip"]
    return result.devices["chip"]


def rows(ledger, action):
    """Indices of the ledger rows of one action."""
    return np.flatnonzero(ledger["action"] == action)


@pytest.fixture(scope="module")
def loihi_run(tmp_path_factory):
    """The CUBA network on the Loihi preset, run into a file: (sim, result, path)."""
    path = tmp_path_factory.mktemp("hw") / "loihi.h5"
    sim = cuba(preset="loihi").build()
    result = sim.run(output=str(path))
    return sim, result, path


@pytest.fixture(scope="module")
def small_preset(tmp_path_factory):
    """Loihi's costs on chips with 25 neurons a core and one core a tile, so that the
    100 neurons spread over several tiles and messages cross links."""
    text = (ROOT / "devices" / "neuromorphic" / "presets" / "loihi.toml").read_text()
    for old, new in (('name = "loihi"', 'name = "small"'),
                     ("neurons_per_core = { value = 1024", "neurons_per_core = { value = 25"),
                     ("cores_per_tile = { value = 4", "cores_per_tile = { value = 1")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path_factory.mktemp("preset") / "small.toml"
    path.write_text(text)
    return path


# -- the run and its result -----------------------------------------------------------------

def test_hardware_round_trips_into_the_run_file(loihi_run, tmp_path):
    sim, result, path = loihi_run
    with analysis.open_run(path) as run:
        assert run.device_names() == ["chip"] and run.has_ledger
        chip = run.device("chip")
        assert "[hardware]" in run.config_text
        config_text = run.config_text
    assert (chip.family, chip.instance, chip.status) == ("neuromorphic", "chip", "complete")
    assert (chip.preset, chip.preset_origin) == ("loihi", "builtin:loihi")
    assert {k: chip.stats[k] for k in ("fidelity", "topology", "mapper", "step_period", "weight_bits")} == {
        "fidelity": "annotated", "topology": "mesh", "mapper": "metis", "step_period": 0.0, "weight_bits": 8}
    assert chip.stats_units["step_period"] == "s"
    assert chip.preset_text == fluxon.chip_presets()["loihi"]["text"]
    # the recorded config text is a config file that repeats the run, ledger included
    config = tmp_path / "again.toml"
    config.write_text(config_text)
    again = fluxon.load_config(config)
    again.run()
    first, second = sim.ledger(), again.ledger()
    for column in ("component", "action", "count", "energy", "latency"):
        assert np.array_equal(first[column], second[column]), column


def test_total_energy_is_static_plus_dynamic(loihi_run):
    sim, result, _ = loihi_run
    chip = chip_of(result)
    hw, energy = chip.stats, chip.ledger_attrs
    assert chip.preset == "loihi" and hw["cores"] == 1
    assert energy["static_energy"] > 0 and energy["dynamic_energy"] > 0
    assert energy["total_energy"] == energy["static_energy"] + energy["dynamic_energy"]
    assert result.total_energy == energy["total_energy"]  # the run's only device
    assert hw["synaptic_events"] == result.synaptic_events + undelivered_events(sim) > 0
    # no spike in the last step here, so per synaptic event the run and the chip agree
    assert result.total_energy / result.synaptic_events == energy["total_energy"] / hw["synaptic_events"]
    # every spike sends one message to its one destination core (all neurons share a core)
    assert hw["messages"] == result.n_spikes and hw["hops"] == 0
    assert hw["late_messages"] == 0 and hw["overrun_steps"] == 0


def test_ledger_rows_follow_loihi_table_2(loihi_run):
    sim, result, _ = loihi_run
    ledger = sim.ledger()
    ops = rows(ledger, "spike_op")
    assert ledger["component"][ops].tolist() == ["chip/core[0]/synapse"]
    assert undelivered_events(sim) == 0  # this run has no spike in its last step, so:
    assert ledger["count"][ops].sum() == result.synaptic_events
    for i in ops:
        assert ledger["energy"][i] == ledger["count"][i] * LOIHI_SYNAPSE_OP
        assert "Davies" in ledger["source"][i]
    # every neuron is updated every step, as active (it received input) or inactive
    updates = np.concatenate([rows(ledger, "update_active"), rows(ledger, "update_inactive")])
    assert ledger["count"][updates].sum() == STEPS * sum(N.values())
    # static power for the hardware time, once per used core
    static = rows(ledger, "static")
    assert len(static) == 1
    hardware_time = chip_of(result).stats["hardware_time"]
    assert ledger["latency"][static[0]] == pytest.approx(hardware_time, rel=1e-12)
    assert ledger["energy"][static[0]] == pytest.approx(LOIHI_CORE_POWER * hardware_time, rel=1e-12)
    # the chip's own ledger is the run's: it is the only device
    for column in ("component", "action", "count", "energy", "latency", "source"):
        assert np.array_equal(chip_of(result).ledger[column], ledger[column]), column


def test_ledger_sum_matches_the_file_totals(loihi_run):
    sim, result, path = loihi_run
    with analysis.open_run(path) as run:
        ledger = run.ledger()
        attrs = run.ledger_attrs
        chip = run.device("chip")
    assert attrs["status"] == "complete"
    assert math.fsum(ledger["energy"]) == pytest.approx(attrs["total_energy"], rel=1e-12)
    assert attrs["total_energy"] == chip_of(result).ledger_attrs["total_energy"]
    assert attrs["static_energy"] == chip_of(result).ledger_attrs["static_energy"]
    # /devices/chip/ledger: the chip's share, here all of /ledger
    assert chip.ledger_attrs["total_energy"] == attrs["total_energy"]
    for column in ("component", "action", "count", "energy", "latency", "source"):
        assert np.array_equal(chip.ledger[column], ledger[column]), column
    in_memory = sim.ledger()
    for column in ("component", "action", "count", "energy", "latency", "source"):
        assert np.array_equal(ledger[column], in_memory[column]), column


def test_chip_mapping_and_statistics_from_the_file(loihi_run):
    sim, result, path = loihi_run
    with analysis.open_run(path) as run:
        chip = run.device("chip")
    mapping, hardware = chip.tables, chip.stats
    chunks, cores = mapping["chunks"], mapping["cores"]
    for pop, size in N.items():
        assert chunks["size"][chunks["population"] == pop].sum() == size
    assert cores["neurons"].tolist() == [sum(N.values())]
    assert cores["tile"].tolist() == ["tile(0,0)"]
    assert cores["synapses"].sum() == sum(p["n_synapses"] for p in sim.projections.values())
    assert cores["messages_in"].tolist() == [0]  # nothing comes from another core
    assert (hardware["neurons_per_core"], hardware["synapses_per_core"], hardware["fan_in_per_core"]) == \
        (1024, 58254, 4096)
    assert mapping["links"]["messages_per_round"].sum() == 0
    before = sim.devices()
    assert list(before) == ["chip"]
    in_memory = before["chip"]
    for table in ("chunks", "cores"):
        for column, values in in_memory.tables[table].items():
            assert np.array_equal(mapping[table][column], values), (table, column)
    assert mapping["weights"]["projection"].tolist() == sorted(sim.projections)
    assert hardware["steps"] == STEPS
    in_run = chip_of(result).stats
    assert hardware["synaptic_events"] == in_run["synaptic_events"]
    assert hardware["messages"] == in_run["messages"]
    assert hardware["hardware_time"] == in_run["hardware_time"]
    assert hardware["barrier"] == pytest.approx(113e-9)  # one tile: Table 2's first point
    assert hardware["hops"] == mapping["link_traffic"]["messages"].sum() == 0


def test_energy_summary(loihi_run):
    _, result, path = loihi_run
    summary = analysis.energy_summary(path)
    chip = chip_of(result)
    hw, energy = chip.stats, chip.ledger_attrs
    assert summary["total"] == energy["total_energy"] == result.total_energy
    assert summary["static"] == energy["static_energy"] and summary["dynamic"] == energy["dynamic_energy"]
    # the run's synaptic events, which are the chip's here (no spike in the last step)
    assert summary["synaptic_events"] == result.synaptic_events == hw["synaptic_events"]
    assert summary["steps"] == STEPS
    assert summary["per_synaptic_event"] == energy["total_energy"] / hw["synaptic_events"]
    assert summary["per_step"] == energy["total_energy"] / STEPS
    breakdown = summary["breakdown"]
    assert breakdown[("synapse", "spike_op")] == hw["synaptic_events"] * LOIHI_SYNAPSE_OP
    assert set(breakdown) >= {("soma", "update_active"), ("soma", "update_inactive"),
                              ("axon_out", "message"), ("core", "static")}
    assert math.fsum(breakdown.values()) == pytest.approx(summary["total"], rel=1e-12)
    with analysis.open_run(path) as run:  # a Run works as well as a path, and stays open
        assert analysis.energy_summary(run) == summary
        assert run.device("chip").preset == "loihi"


def test_spikes_of_the_last_step_cost_synaptic_ops_the_engine_never_delivers():
    # a source spiking at t_k = 9 ms and 8 ms of a 10 ms run, 5 synapses each, delay one step:
    # the spike of the last step (k = 9) would arrive after the run
    net = fluxon.Network(dt="1 ms", duration="10 ms")
    net.spike_source("src", 2, times=[0.008, 0.009], ids=[0, 1])
    net.population("post", 5, "lif")
    net.project("p", "src", "post", receptor="exc", connector=fluxon.all_to_all(), weight="1 mV")
    net.hardware("loihi")
    sim = net.build()
    result = sim.run()
    assert result.synaptic_events == 5
    hw = chip_of(result).stats
    assert hw["synaptic_events"] == hw["messages"] * 5 == 10
    ledger = sim.ledger()
    assert ledger["count"][rows(ledger, "update_active")].sum() == 5  # only delivered input activates


def test_fixed_point_weights():
    sim = cuba(preset="loihi").build()
    # 8-bit mantissas, largest 127: 1.62 mV needs the scale 2^-16 V, so it becomes 106 * 2^-16
    assert np.unique(sim.synapses("exc_exc")["weight"]).tolist() == [106 * 2.0 ** -16]
    assert np.unique(sim.synapses("inh_exc")["weight"]).tolist() == [-74 * 2.0 ** -13]
    exact = cuba(preset="loihi", weight_bits=0).build()
    assert np.unique(exact.synapses("exc_exc")["weight"]).tolist() == [np.float32(1.62e-3)]


def test_annotated_with_exact_weights_leaves_the_spikes_alone():
    plain = cuba().build()
    plain.run()
    mapped = cuba(preset="loihi", weight_bits=0, step_period="10 us").build()
    result = mapped.run()
    assert chip_of(result).stats["hardware_time"] == pytest.approx(STEPS * 10e-6, rel=1e-12)
    for pop in N:
        for a, b in zip(plain.spikes(pop), mapped.spikes(pop)):
            assert np.array_equal(a, b)
    with pytest.raises(fluxon.UserError, match="no device"):
        plain.ledger()
    assert plain.devices() == {}


def test_timed_fidelity_delivers_late_messages_later(tmp_path):
    # A step period far below the work of a step (100 neuron updates of 5.3 ns or more): every
    # message arrives late; annotated fidelity counts them, timed fidelity delays the inputs.
    annotated = cuba(preset="loihi", step_period="200 ns").build()
    a = annotated.run()
    timed = cuba(preset="loihi", fidelity="timed", step_period="200 ns").build()
    t = timed.run(output=str(tmp_path / "timed.h5"))
    a_hw, t_hw = chip_of(a).stats, chip_of(t).stats
    assert a_hw["late_messages"] == a_hw["messages"] > 0
    assert t_hw["late_messages"] > 0
    assert a_hw["overrun_steps"] == t_hw["overrun_steps"] == STEPS
    assert a_hw["hardware_time"] == pytest.approx(STEPS * 200e-9, rel=1e-12)
    assert any(not np.array_equal(x, y) for x, y in zip(annotated.spikes("exc"), timed.spikes("exc")))
    with analysis.open_run(tmp_path / "timed.h5") as run:
        chip = run.device("chip")
        assert chip.stats["fidelity"] == "timed"
        assert chip.stats["step_period"] == pytest.approx(200e-9)
        assert chip.stats["max_extra_steps"] >= 1
    # at a real-time period nothing is late, and timed gives the annotated spikes
    slow = cuba(preset="loihi", fidelity="timed", step_period="0.1 ms").build()
    assert chip_of(slow.run()).stats["late_messages"] == 0
    reference = cuba(preset="loihi").build()
    reference.run()
    for a, b in zip(reference.spikes("exc"), slow.spikes("exc")):
        assert np.array_equal(a, b)


def test_messages_go_once_to_each_destination_core(small_preset, tmp_path):
    sim = cuba(preset=str(small_preset)).build()
    result = sim.run(output=str(tmp_path / "small.h5"))
    mapping = sim.devices()["chip"].tables
    cores = mapping["cores"]
    assert len(cores["neurons"]) >= 4 and cores["neurons"].max() <= 25
    assert len(set(cores["tile"])) == len(cores["tile"])  # one core a tile
    core_of = {pop: np.empty(size, dtype=np.int64) for pop, size in N.items()}
    chunks = mapping["chunks"]
    for pop, first, size, core in zip(chunks["population"], chunks["first"], chunks["size"], chunks["core"]):
        core_of[pop][first:first + size] = core
    destinations = {pop: [set() for _ in range(size)] for pop, size in N.items()}
    for name, projection in sim.projections.items():
        synapses = sim.synapses(name)
        for pre, post in zip(synapses["pre"], synapses["post"]):
            destinations[projection["pre"]][pre].add(int(core_of[projection["post"]][post]))
    # tile(x,y) of each core; XY routing crosses |dx| + |dy| links
    xy = [tuple(map(int, re.fullmatch(r"tile\((\d+),(\d+)\)", t).groups())) for t in cores["tile"]]

    def distance(a, b):
        return abs(xy[a][0] - xy[b][0]) + abs(xy[a][1] - xy[b][1])

    # the mapping's expected traffic: the links crossed if every neuron spiked once
    per_round = sum(distance(core_of[pop][i], d) for pop in N for i in range(N[pop]) for d in destinations[pop][i])
    with analysis.open_run(tmp_path / "small.h5") as run:
        chip = run.device("chip")
        assert chip.tables["links"]["messages_per_round"].sum() == per_round > 0
        assert chip.stats["neurons_per_core"] == 25
        links = chip.tables["link_traffic"]
    messages = hops = 0
    for pop in N:
        _, ids = sim.spikes(pop)
        for i in ids:
            for d in destinations[pop][i]:
                messages += 1
                hops += distance(core_of[pop][i], d)
    assert chip_of(result).stats["messages"] == messages > result.n_spikes
    assert chip_of(result).stats["hops"] == hops == links["messages"].sum() > 0
    ledger = sim.ledger()
    out = rows(ledger, "message")
    out = out[np.char.endswith(ledger["component"][out], "/axon_out")]
    assert ledger["count"][out].sum() == messages
    hop_rows = rows(ledger, "hop")
    assert ledger["count"][hop_rows].sum() == hops
    assert all(y == 0 for _, y in xy)  # fewer cores than the mesh is wide: one row, so
    for i in hop_rows:                  # every hop is east-west
        assert ledger["energy"][i] == ledger["count"][i] * LOIHI_HOP_EAST_WEST


def test_synaptic_rows_that_do_not_fit_are_read_from_dram(small_preset, tmp_path):
    # 50 synapses a core against about 250 per core of 25 neurons: most rows live in DRAM
    few_synapses = tmp_path / "few_synapses.toml"
    text = small_preset.read_text()
    assert "synapses_per_core = { value = 58254" in text
    few_synapses.write_text(text.replace("synapses_per_core = { value = 58254", "synapses_per_core = { value = 50"))
    net = cuba(duration="20 ms", preset=str(few_synapses), synapse_dram="ddr4_3200", bytes_per_synapse=2)
    assert net.description()["hardware"]["synapse_dram"] == "ddr4_3200"
    sim = net.build()
    result = sim.run(output=str(tmp_path / "dram.h5"))
    hardware = chip_of(result).stats
    assert hardware["dram_reads"] > 0 and hardware["dram_stall"] > 0
    assert chip_of(result).stats_units["dram_stall"] == "s"
    assert (hardware["synapse_dram"], hardware["bytes_per_synapse"]) == ("builtin:ddr4_3200", 2)
    cores = sim.devices()["chip"].tables["cores"]
    assert (cores["synapses"] - cores["synapses_off_chip"]).max() <= 50
    assert cores["synapses_off_chip"].sum() > 0
    ledger = sim.ledger()
    dram = np.char.startswith(ledger["component"], "dram/channel[0]")
    reads = dram & (ledger["action"] == "read")
    assert ledger["count"][reads].sum() == hardware["dram_reads"]
    assert dram.sum() >= 3 and ledger["energy"][dram].sum() > 0
    with analysis.open_run(tmp_path / "dram.h5") as run:
        chip = run.device("chip")
        assert chip.stats["dram_reads"] == hardware["dram_reads"]
        assert np.array_equal(chip.tables["cores"]["synapses_off_chip"], cores["synapses_off_chip"])
    # without the DRAM, synapses_per_core binds the mapper: more cores, none over the limit
    on_chip = cuba(duration="20 ms", preset=str(few_synapses)).build().devices()["chip"].tables["cores"]
    assert on_chip["synapses"].max() <= 50 and len(on_chip["synapses"]) > len(cores["synapses"])
    assert on_chip["synapses_off_chip"].sum() == 0


def test_ledger_does_not_depend_on_threads(small_preset):
    one, two = cuba(preset=str(small_preset)).build(), cuba(threads=2, preset=str(small_preset)).build()
    one.run()
    two.run()
    for column in ("component", "action", "count", "energy", "latency"):
        assert np.array_equal(one.ledger()[column], two.ledger()[column]), column


def test_example_script_matches_example_config():
    spec = importlib.util.spec_from_file_location("cuba_loihi", ROOT / "examples" / "python" / "cuba_loihi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from_file = fluxon.load_config(ROOT / "examples" / "cuba_loihi.toml", overrides=["run.duration=20 ms"])
    from_script = module.build(duration="20 ms").build()
    from_file.run()
    from_script.run()
    for pop in ("exc", "inh"):
        for a, b in zip(from_file.spikes(pop), from_script.spikes(pop)):
            assert np.array_equal(a, b)
    for column in ("component", "action", "count", "energy"):
        assert np.array_equal(from_file.ledger()[column], from_script.ledger()[column]), column


def test_example_script_prints_energy(tmp_path):
    out = subprocess.run([sys.executable, ROOT / "examples" / "python" / "cuba_loihi.py", "run.h5"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True).stdout
    assert "energy per synaptic event" in out and "synapse/spike_op" in out
    assert analysis.energy_summary(tmp_path / "run.h5")["total"] > 0


# -- the generic device API -------------------------------------------------------------------

def test_device_families_describe_the_registry():
    families = fluxon.device_families()
    assert sorted(families) == ["crossbar", "dram", "neuromorphic", "sfq"]
    assert families["sfq"]["keys"] == ["circuit", "circuit_text", "inputs", "converter_delay"]
    assert families["dram"]["keys"] == ["preset", "trace", "projections", "bytes_per_synapse", "posted_writes",
                                        "write_buffer_reads", "merge_reads", "merge_writes"]
    chip = families["neuromorphic"]
    assert (chip["section"], chip["default_instance"]) == ("hardware", "chip")
    assert "neuromorphic" in chip["description"]
    assert chip["keys"] == ["preset", "fidelity", "topology", "weight_bits", "step_period", "mapper",
                            "chunk_neurons", "synapse_dram", "bytes_per_synapse"]
    assert chip["presets"] == sorted(fluxon.chip_presets()) == ["loihi", "spinnaker2", "truenorth"]
    crossbar = families["crossbar"]
    assert (crossbar["section"], crossbar["default_instance"]) == ("crossbar", "crossbar")
    assert sorted(crossbar["presets"]) == sorted(fluxon.crossbar_presets())
    assert "preset" in crossbar["keys"] and "random_weights" in crossbar["keys"]


def test_hardware_is_shorthand_for_device():
    by_shorthand = cuba(preset="loihi", weight_bits=4, topology="tree")
    generic = cuba()
    settings = generic.device("neuromorphic", preset="loihi", fidelity="annotated", step_period="asap",
                              mapper="metis", weight_bits=4, topology="tree", chunk_neurons=None)
    assert "chunk_neurons" not in settings  # None leaves a setting out
    assert generic.description() == by_shorthand.description()
    assert generic.description()["hardware"] == {"preset": "loihi", "fidelity": "annotated", "step_period": "asap",
                                                 "mapper": "metis", "weight_bits": 4, "topology": "tree"}
    a, b = generic.build(), by_shorthand.build()
    ra, rb = a.run(), b.run()
    assert chip_of(ra).stats == chip_of(rb).stats
    for column in ("component", "action", "count", "energy"):
        assert np.array_equal(a.ledger()[column], b.ledger()[column]), column
    # a second device of the family replaces the first
    generic.device("neuromorphic", preset="truenorth")
    assert generic.description()["hardware"] == {"preset": "truenorth"}


def test_device_of_an_unknown_family_names_it_and_the_known_ones():
    net = cuba()
    with pytest.raises(ValueError, match=r"unknown device family 'loihi'; the known families are: ") as info:
        net.device("loihi", preset="loihi")
    assert isinstance(info.value, fluxon.ConfigError)
    assert "'neuromorphic'" in str(info.value) and "'crossbar'" in str(info.value)
    assert "hardware" not in net.description()


def test_an_unknown_device_setting_names_its_key_and_the_allowed_ones():
    net = cuba()
    net.device("neuromorphic", preset="loihi", fidelty="timed")
    with pytest.raises(fluxon.ConfigError, match="fidelity, topology") as info:
        net.build()
    assert info.value.key == "hardware.fidelty"


# -- presets and errors ----------------------------------------------------------------------

def test_chip_presets():
    presets = fluxon.chip_presets()
    assert sorted(presets) == ["loihi", "spinnaker2", "truenorth"]
    loihi = presets["loihi"]
    assert loihi["cores"] == 128 and loihi["neurons_per_core"] == 1024 and loihi["weight_bits"] == 8
    assert loihi["actions"]["synapse_op"]["energy"] == LOIHI_SYNAPSE_OP
    assert loihi["actions"]["synapse_op"]["latency"] == 3.5e-9
    assert "Davies" in loihi["actions"]["synapse_op"]["source"]
    assert presets["truenorth"]["cores"] == 4096
    for preset in presets.values():
        for name, cost in preset["actions"].items():
            assert cost["source"].strip(), name


def test_unknown_preset_names_the_key_and_the_shipped_presets():
    with pytest.raises(fluxon.ConfigError) as info:
        cuba(preset="loihi3").build()
    assert info.value.key == "hardware.preset"
    assert "loihi3" in str(info.value)
    assert all(name in str(info.value) for name in ("loihi", "spinnaker2", "truenorth"))


def test_timed_fidelity_needs_a_fixed_step_period():
    with pytest.raises(fluxon.ConfigError, match="step_period") as info:
        cuba(preset="loihi", fidelity="timed", step_period="asap").build()
    assert info.value.key == "hardware.fidelity"
    assert isinstance(info.value, fluxon.UserError)


@pytest.mark.parametrize("setting, key", [
    (dict(fidelity="exact"), "hardware.fidelity"),
    (dict(topology="ring"), "hardware.topology"),
    (dict(weight_bits=25), "hardware.weight_bits"),
    (dict(step_period="0 s"), "hardware.step_period"),
    (dict(step_period="1 mV"), "hardware.step_period"),
    (dict(mapper="greedy"), "hardware.mapper"),
    (dict(chunk_neurons=0), "hardware.chunk_neurons"),
])
def test_bad_settings_name_their_key(setting, key):
    with pytest.raises(fluxon.ConfigError) as info:
        cuba(preset="loihi", **setting).build()
    assert info.value.key == key


def test_a_network_that_does_not_fit_names_population_and_limit(small_preset, tmp_path):
    # TrueNorth: 256 input axons per core, but every neuron here hears 300
    net = fluxon.Network(dt="0.1 ms", duration="1 ms")
    net.population("big", 300, "lif", **LIF)
    net.project("all", "big", "big", receptor="exc", connector=fluxon.all_to_all(), weight="0.1 mV")
    net.hardware("truenorth")
    with pytest.raises(fluxon.NetworkError) as info:
        net.build()
    assert info.value.node == "big" and info.value.resource == "fan_in_per_core"
    assert "256" in str(info.value)
    # a one-core chip with 25 neurons a core cannot hold 100 neurons
    one_core = tmp_path / "one_core.toml"
    one_core.write_text(small_preset.read_text().replace("mesh_width = { value = 8", "mesh_width = { value = 1")
                        .replace("mesh_height = { value = 4", "mesh_height = { value = 1"))
    with pytest.raises(fluxon.NetworkError) as info:
        cuba(preset=str(one_core)).build()
    assert info.value.node == "exc" and info.value.resource == "cores"


def test_a_missing_preset_file_is_an_io_error(tmp_path):
    with pytest.raises(fluxon.IoError):
        cuba(preset=str(tmp_path / "nowhere.toml")).build()


def test_runs_without_hardware(tmp_path):
    sim = cuba().build()
    result = sim.run(output=str(tmp_path / "plain.h5"))
    assert result.devices == {} and result.total_energy == 0
    with analysis.open_run(tmp_path / "plain.h5") as run:
        assert run.devices() == {} and not run.has_ledger
        with pytest.raises(analysis.RunFileError, match=r"plain\.h5: no device 'chip'; devices in the run: \[\]"):
            run.device("chip")
    with pytest.raises(analysis.RunFileError, match="no energy ledger"):
        analysis.energy_summary(tmp_path / "plain.h5")


@pytest.mark.skipif("FLUXON_CLI" not in os.environ, reason="needs the fluxon command (FLUXON_CLI)")
def test_a_sweep_over_chip_settings_records_each_runs_energy(tmp_path):
    out = subprocess.run([os.environ["FLUXON_CLI"], "sweep", str(ROOT / "tests/integration/data/tiny.toml"),
                          "--set", "hardware.preset=loihi", "--set", "hardware.weight_bits=0,4",
                          "-d", str(tmp_path), "-q"], capture_output=True, text=True, check=True)
    assert "energy J" in out.stdout
    sweep = analysis.load_sweep(tmp_path / "index.json")
    assert len(sweep) == 2
    for entry in sweep.runs:
        assert entry["energy"] == analysis.energy_summary(entry["path"])["total"]
