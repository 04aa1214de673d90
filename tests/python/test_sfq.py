"""fluxon.sfq: SFQ circuits built in Python, run at pulse level, checked against hand-computed
pulse times (PyLSE v0.1.0 delays: JTL 5.7 ps, splitter 4.3 ps, XOR 6.5 ps, AND 9.2 ps, OR
8.0 ps), the run-file layout read with plain h5py, errors, determinism and the XOR network."""
import importlib.util
import pathlib

import h5py
import numpy as np
import pytest

import fluxon
from fluxon import sfq

ROOT = pathlib.Path(__file__).resolve().parents[2]
PHI0 = 2.067833848e-15


def jtl_chain(n, times, **settings):
    c = sfq.Circuit(**settings)
    c.input("a", times=times)
    prev = "a"
    for i in range(n):
        c.add(f"j{i}", "jtl")
        c.connect(prev, f"j{i}.a")
        prev = f"j{i}.q"
    c.output("q", prev)
    c.record("j0.q")
    return c


def test_a_jtl_chain_delays_by_n_times_5_7_ps(tmp_path):
    r = jtl_chain(4, [10e-12, 50e-12]).run(output=tmp_path / "jtl.h5")
    np.testing.assert_array_equal(r.outputs_fs["q"], [32_800, 72_800])
    np.testing.assert_array_equal(r.recorded_fs["j0.q"], [15_700, 55_700])
    assert r.outputs["q"] == pytest.approx([32.8e-12, 72.8e-12], rel=1e-12)
    assert (r.events, r.firings, r.cells, r.junctions) == (8, 8, 4, 8)
    assert r.energy["dynamic"] == pytest.approx(8 * 2 * 100e-6 * PHI0, rel=1e-9)
    assert r.energy["bias"] == pytest.approx(8 * 0.7 * 100e-6 * 2.5e-3 * 72.8e-12, rel=1e-9)
    assert r.energy["wall_plug"] == pytest.approx(501 * r.energy["chip"], rel=1e-12)
    # The run file, read with plain h5py as docs/run_file.md lays it out.
    with h5py.File(tmp_path / "jtl.h5", "r") as f:
        assert f.attrs["ticks_per_second"] == 10**15
        assert f["run/time_reached"][()] == pytest.approx(72.8e-12, rel=1e-12)  # until the last pulse
        g = f["devices/sfq"]
        assert g.attrs["family"] == "sfq"
        outputs = g["tables/outputs"]
        assert list(outputs["pin"].asstr()[()]) == ["q", "q"]
        np.testing.assert_array_equal(outputs["time_fs"][()], [32_800, 72_800])
        assert outputs["time_fs"].attrs["unit"] == "fs"
        np.testing.assert_array_equal(g["tables/recorded/time_fs"][()], [15_700, 55_700])
        assert g["stats"].attrs["events"] == 8 and g["stats"].attrs["end_time"] == pytest.approx(72.8e-12)
        assert g["stats"].attrs["energy_wall_plug"] == pytest.approx(r.energy["wall_plug"], rel=1e-12)
        assert len(g["tables/violations/instance"]) == 0
        comps = [c.decode() for c in f["ledger/component"][()]]
        assert comps == ["sfq/jtl", "sfq/cryocooler", "sfq/bias"]
        assert f["run/status"][()].decode() == "complete"
        assert "[circuit]" in g["tables/circuit/text"].asstr()[0]
    assert "3 rows" in fluxon.summarize_run(tmp_path / "jtl.h5")  # fluxon inspect reads it


def full_adder():
    fa = sfq.Subcircuit(inputs=["a", "b", "cin", "clk"], outputs=["s", "cout"])
    for name, cell in (("sa", "splitter"), ("sb", "splitter"), ("x1", "xor"), ("n1", "and"), ("d1", "dro"),
                       ("sx", "splitter"), ("sd", "splitter"), ("x2", "xor"), ("n2", "and"), ("d2", "dro"),
                       ("o", "or")):
        fa.add(name, cell)
    for w in ("a -> sa.a", "sa.l -> x1.a", "sa.r -> n1.a", "b -> sb.a", "sb.l -> x1.b", "sb.r -> n1.b",
              "cin -> d1.a", "x1.q -> sx.a", "sx.l -> x2.a", "sx.r -> n2.a", "d1.q -> sd.a", "sd.l -> x2.b",
              "sd.r -> n2.b", "n1.q -> d2.a", "x2.q -> s", "n2.q -> o.a", "d2.q -> o.b", "o.q -> cout"):
        fa.connect(*w.split(" -> "))
    fa.fanout("clk", ["x1.clk", "n1.clk", "d1.clk", "x2.clk", "n2.clk", "d2.clk", "o.clk"])
    return fa


@pytest.mark.parametrize("a,b,cin", [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)])
def test_a_python_full_adder_subcircuit(a, b, cin):
    c = sfq.Circuit()
    c.define("fa", full_adder())
    c.add("fa0", circuit="fa")
    c.input("a", times=[25e-12] if a else [])
    c.input("b", times=[25e-12] if b else [])
    c.input("cin", times=[25e-12] if cin else [])
    c.input("clk", period=50e-12, start=50e-12, count=3)
    for pin in ("a", "b", "cin", "clk"):
        c.connect(pin, f"fa0.{pin}")
    c.output("s", "fa0.s")
    c.output("cout", "fa0.cout")
    r = c.run()
    assert not r.violations
    total = a + b + cin
    # The clock reaches x2 through 3 splitters (12.9 ps) at 100 ps; s fires 6.5 ps later.
    # cout: the OR at 150 + 12.9 + 8.0 ps.
    np.testing.assert_array_equal(r.outputs_fs["s"], [119_400] if total % 2 else [])
    np.testing.assert_array_equal(r.outputs_fs["cout"], [170_900] if total >= 2 else [])


def test_violations_are_reported_with_both_pulses_and_policy_error_raises():
    def dro(data, policy):
        c = sfq.Circuit(policy=policy)
        c.add("d", "dro")
        c.input("a", times=[data])
        c.input("clk", times=[50e-12])
        c.connect("a", "d.a")
        c.connect("clk", "d.clk")
        c.output("q", "d.q")
        return c.run()

    assert not dro(47.7e-12, "record").violations
    r = dro(48e-12, "record")
    assert r.violations == [{"instance": "d", "cell": "dro", "kind": "setup", "port": "clk", "time": 50e-12,
                             "other_port": "a", "other_time": 48e-12}]
    np.testing.assert_array_equal(r.outputs_fs["q"], [55_100])
    with pytest.raises(fluxon.UserError) as e:
        dro(48e-12, "error")
    assert e.value.node == "d" and "setup violation" in str(e.value)


def test_hold_and_setup_overrides_and_the_simultaneous_order():
    # PyLSE v0.1.0 (commit 5f7e65d): inv(a at 10, clk at 10 and 50, transition_time=0,
    # past_constraints=0) -> q [19.6] ps: clk is handled first (INV lists it first in idle).
    def inv(**settings):
        c = sfq.Circuit(policy="record", **settings)
        c.add("g", "not", hold=0.0, setup=0.0)
        c.input("a", times=[10e-12])
        c.input("clk", times=[10e-12, 50e-12])
        c.connect("a", "g.a")
        c.connect("clk", "g.clk")
        c.output("q", "g.q")
        return c.run()

    r = inv()
    assert not r.violations
    np.testing.assert_array_equal(r.outputs_fs["q"], [19_600])
    np.testing.assert_array_equal(inv(simultaneous="port").outputs_fs["q"], [59_600])  # a first
    assert r.device.stats["simultaneous"] == "priority"

    c = sfq.Circuit()
    c.add("j", "jtl", hold=1e-12)
    c.input("a", times=[1e-12])
    c.connect("a", "j.a")
    c.output("q", "j.q")
    with pytest.raises(fluxon.ConfigError) as e:
        c.run()
    assert e.value.key == "circuit.instances.j.hold" and "instance 'j'" in str(e.value)


def test_bad_circuits_name_the_key_and_instance():
    c = sfq.Circuit()
    c.add("g", "and")
    c.input("a", times=[1e-12])
    c.connect("a", "g.a")
    c.output("q", "g.q")
    with pytest.raises(fluxon.NetworkError) as e:
        c.run()
    assert e.value.node == "g" and "unconnected input g.b" in str(e.value)

    c = sfq.Circuit()
    c.add("x", "flipflop")
    with pytest.raises(fluxon.ConfigError) as e:
        c.run()
    assert e.value.key == "circuit.instances.x" and e.value.file == "python"

    c = sfq.Circuit()
    c.add("j", "jtl")
    c.add("k", "jtl")
    c.add("m", "jtl")
    c.input("a", times=[1e-12])
    c.connect("a", "j.a")
    c.connect("j.q", "k.a")
    c.connect("j.q", "m.a")
    with pytest.raises(fluxon.NetworkError, match="fan-out without a splitter"):
        c.run()
    with pytest.raises(ValueError, match="whole number of femtoseconds"):
        sfq.Circuit().input("a", times=[1.5e-16])


def test_same_seed_same_pulses_different_seed_different():
    def run(seed):
        c = sfq.Circuit(seed=seed, jitter=True)
        c.add("s", "synapse", p=0.5)
        c.add("j", "jtl")
        c.input("a", period=20e-12, count=500)
        c.connect("a", "s.a")
        c.connect("s.q", "j.a")
        c.output("q", "j.q")
        return c.run().outputs_fs["q"]

    np.testing.assert_array_equal(run(3), run(3))
    assert len(run(3)) != len(run(4)) or not np.array_equal(run(3), run(4))


def test_the_adder_example_file_runs_from_python():
    r = sfq.run_file(ROOT / "examples" / "sfq" / "adder4.toml")
    assert not r.violations
    assert [len(r.outputs_fs[k]) for k in ("s0", "s1", "s2", "s3", "cout")] == [128, 128, 128, 128, 120]
    assert r.events_per_second > 0


def test_xor_network_config_separates_the_classes():
    r = sfq.run_file(ROOT / "examples" / "sfq" / "xor_network.toml")
    counts = {k: len(v) for k, v in r.outputs_fs.items()}
    assert counts["out00"] == 0 and counts["out11"] <= 2
    assert min(counts["out01"], counts["out10"]) >= 6
    # Energy per classification: four network copies classify in parallel over one run.
    per_class = r.energy["chip"] / 4
    assert 1e-15 < per_class < 1e-13
    assert r.energy["wall_plug"] / 4 == pytest.approx(501 * per_class, rel=1e-12)


def test_xor_network_python_example_separates_the_classes_for_several_seeds():
    spec = importlib.util.spec_from_file_location("sfq_xor", ROOT / "examples" / "python" / "sfq_xor.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    for seed in (1, 2, 3):
        rates = {p: example.classify(*p, seed=seed).rate("q", example.WINDOW) for p in
                 ((0, 0), (0, 1), (1, 0), (1, 1))}
        positive = min(rates[(0, 1)], rates[(1, 0)])
        negative = max(rates[(0, 0)], rates[(1, 1)])
        assert negative < example.THRESHOLD_RATE < positive, rates
        assert positive >= 6 / example.WINDOW
    r = example.classify(1, 0)
    # RSFQ: static bias dominates; ERSFQ would remove it.
    assert r.energy["bias"] > r.energy["dynamic"] > 0
    assert r.energy["wall_plug"] == pytest.approx(501 * r.energy["chip"], rel=1e-12)


def test_same_circuit_and_seed_give_bit_identical_run_files(tmp_path):
    """Everything a run file holds besides wall-clock times and the creation stamp."""
    def datasets(path):
        out = {}
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset) and not name.startswith("counters/wall") \
                        and not name.startswith("counters/build"):
                    value = obj[()]
                    # Exact: integer fs and the float64 bit patterns of the energies (NaN too,
                    # which marks the statistics that are not real numbers).
                    if isinstance(value, np.ndarray):
                        value = value.tolist() if value.dtype.kind in "OSU" else value.tobytes()
                    out[name] = value
            f.visititems(visit)
        return out

    example = ROOT / "examples" / "sfq" / "xor_network.toml"
    jittered = tmp_path / "jitter.toml"
    jittered.write_text(example.read_text().replace('policy = "record"', 'policy = "record"\njitter = true'))
    for circuit in (example, jittered):
        sfq.run_file(circuit, output=tmp_path / "one.h5", overwrite=True)
        sfq.run_file(circuit, output=tmp_path / "two.h5", overwrite=True)
        one, two = datasets(tmp_path / "one.h5"), datasets(tmp_path / "two.h5")
        assert one.keys() == two.keys() and "devices/sfq/tables/outputs/time_fs" in one
        assert all(one[k] == two[k] for k in one)


def test_a_spiking_network_maps_onto_an_sfq_circuit_and_runs():
    net = fluxon.Network(dt="0.1 ms", duration="10 ms", seed=1)
    src = net.spike_source("in", 2, times=[0.0, 1e-3, 2e-3, 3e-3, 0.5e-3, 1.5e-3], ids=[0, 0, 0, 0, 1, 1])
    hid = net.population("hid", 1, "if")
    net.project("w", src, hid, receptor="in", connector=fluxon.all_to_all(), weight="2 mV")
    m = sfq.map_network(net, threshold=2)
    assert m.utilization == {"neurons": 1, "inputs": 2, "synapses": 2, "mergers": 1, "splitters": 0, "cells": 4}
    r = m.run()
    # Inputs at 0..300 ps and 50, 150 ps (1 ms -> 100 ps), each 5.7 + 8.2 ps to the neuron,
    # which fires on every second one 8.0 ps later.
    np.testing.assert_array_equal(r.recorded_fs["hid_0.q"], [71_900, 171_900, 321_900])
    with pytest.raises(fluxon.NetworkError) as e:
        sfq.map_network(net, threshold=2, max_cells=3)
    assert e.value.resource == "cells"


def test_the_same_network_on_loihi_and_as_sfq(tmp_path):
    """examples/python/sfq_vs_loihi.py: both substrates run the network with similar activity,
    and the SFQ circuit's wall-plug energy (cryocooler included) is below the chip's."""
    import os
    import runpy
    examples = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python")
    example = runpy.run_path(os.path.join(examples, "sfq_vs_loihi.py"))
    chip, energy, chip_out, sfq_out = example["main"](str(tmp_path / "svl"))
    assert chip_out > 10 and sfq_out > 10
    assert 0.5 < sfq_out / chip_out < 2
    assert chip.family == "neuromorphic" and chip.preset == "loihi"
    assert 0 < energy["chip"] < energy["wall_plug"] < chip.ledger_attrs["total_energy"]
    assert energy["wall_plug"] == pytest.approx(energy["chip"] * (1 + energy["cryo_factor"]), rel=1e-9)


def test_a_network_feeds_an_sfq_circuit_as_a_device(tmp_path):
    # Spikes at 1 and 3 ms enter pin a through the DC-to-SFQ converter (11.4 ps, sfq_default's
    # estimate) and leave after two JTL stages (2 x 5.7 ps).
    (tmp_path / "chain.toml").write_text('[circuit]\noutputs = ["y"]\nwires = ["a -> j0.a", "j0.q -> j1.a", '
                                         '"j1.q -> y"]\n[circuit.instances]\nj0 = "jtl"\nj1 = "jtl"\n'
                                         '[circuit.inputs.a]\ntimes = []\n')
    net = fluxon.Network(dt="0.1 ms", duration="10 ms", time_base="fs")
    net.spike_source("stim", 1, times=["1 ms", "3 ms"], ids=[0, 0])
    net.device("sfq", circuit=str(tmp_path / "chain.toml"), inputs={"stim[0]": "a"})
    r = net.build().run(output=str(tmp_path / "run.h5"))
    d = r.devices["sfq"]
    assert d.stats["conversions"] == 2
    assert list(d.tables["outputs"]["time_fs"]) == [10**12 + 11400 + 11400, 3 * 10**12 + 11400 + 11400]
    stored = fluxon.runfile.Run(str(tmp_path / "run.h5")).device("sfq")
    assert stored.family == "sfq" and list(stored.tables["outputs"]["pin"]) == ["y", "y"]
    convert = [i for i, a in enumerate(d.ledger["action"]) if a == "convert"]
    assert [d.ledger["component"][i] for i in convert] == ["sfq/dc_sfq[a]"]
    assert d.ledger["energy"][convert[0]] == pytest.approx(2 * 3 * 100e-6 * PHI0)

    net = fluxon.Network(dt="0.1 ms", duration="10 ms")
    net.spike_source("stim", 1, times=["1 ms"], ids=[0])
    net.device("sfq", circuit=str(tmp_path / "chain.toml"), inputs={"stim[0]": "a"})
    with pytest.raises(fluxon.ConfigError, match="time_base"):
        net.build().run()
