"""Crossbars from Python: fluxon.crossbar_mvm against exact products and hand-computed costs,
net.crossbar() runs whose run files plain h5py reads, the zero-shot LSM example, and errors
that name the argument at fault."""
import os
import runpy
import sys

import h5py
import numpy as np
import pytest

import fluxon
from fluxon.runfile import open_run

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "examples", "python")


def test_ideal_preset_computes_the_exact_product():
    rng = np.random.default_rng(3)
    w = rng.uniform(-1, 1, size=(200, 70))
    x = rng.uniform(0, 1, size=(5, 200))
    r = fluxon.crossbar_mvm(w, x, preset="ideal")
    xq = np.round(x * 255) / 255  # 8-bit bit-serial inputs
    np.testing.assert_allclose(r["outputs"], xq @ w, rtol=0, atol=1e-12 * np.abs(xq @ w).max())
    assert (r["row_tiles"], r["column_tiles"], r["arrays"]) == (2, 2, 4)
    one = fluxon.crossbar_mvm(w, x[0], preset="ideal")
    assert one["outputs"].shape == (70,)


def test_noise_and_quantisation_move_the_result_reproducibly():
    rng = np.random.default_rng(4)
    w = rng.uniform(-1, 1, size=(64, 16))
    x = (rng.uniform(0, 1, size=(8, 64)) > 0.7).astype(float)
    a = fluxon.crossbar_mvm(w, x, preset="reram_neurosim", seed=2, read_sigma=0.05)
    b = fluxon.crossbar_mvm(w, x, preset="reram_neurosim", seed=2, read_sigma=0.05)
    c = fluxon.crossbar_mvm(w, x, preset="reram_neurosim", seed=3, read_sigma=0.05)
    np.testing.assert_array_equal(a["outputs"], b["outputs"])
    assert not np.array_equal(a["outputs"], c["outputs"])
    exact = x @ w
    error = np.abs(a["outputs"] - exact).max() / np.abs(exact).max()
    assert 1e-4 < error < 0.5


def test_sram_macro_reproduces_its_headline_figures():
    r = fluxon.crossbar_mvm(np.full((64, 32), 0.5), np.ones(64), preset="sram_cim_yin2022")
    ops = 2 * 64 * 32
    assert ops / r["energy_per_mvm"] == pytest.approx(10.3e12, rel=2e-3)
    assert ops / r["latency"] == pytest.approx(51.2e9, rel=1e-9)


def test_bad_arguments_name_what_is_wrong():
    with pytest.raises(fluxon.UserError, match="inputs\\[0, 1\\] is 2"):
        fluxon.crossbar_mvm(np.ones((3, 2)), np.array([0.5, 2.0, 0.0]))
    with pytest.raises(fluxon.UserError, match="2-D"):
        fluxon.crossbar_mvm(np.ones(3), np.ones(3))
    with pytest.raises(fluxon.UserError, match="4 entries per vector but weights have 3 rows"):
        fluxon.crossbar_mvm(np.ones((3, 2)), np.ones(4))
    with pytest.raises(fluxon.ConfigError, match="no_such_preset"):
        fluxon.crossbar_mvm(np.ones((3, 2)), np.ones(3), preset="no_such_preset")
    assert "reram_neurosim" in fluxon.crossbar_presets()


def small_network(crossbar=None):
    net = fluxon.Network(dt="0.1 ms", duration="50 ms", seed=5)
    inp = net.poisson("inp", 30, rate="200 Hz")
    out = net.population("out", 20, "lif", tau_m="20 ms", v_rest="-65 mV", v_th="-50 mV", v_reset="-65 mV",
                         t_ref="2 ms", tau_syn_exc="5 ms", tau_syn_inh="5 ms")
    net.project("inp_out", inp, out, receptor="exc", connector=fluxon.fixed_probability(0.5),
                weight=fluxon.uniform("0 mV", "4 mV"), delay="0.1 ms")
    out.record("v")
    if crossbar:
        net.crossbar(**crossbar)
    return net


def test_network_on_an_ideal_crossbar_matches_the_synapses(tmp_path):
    plain = small_network().build()
    plain.run()
    ideal = small_network({"preset": "ideal"}).build()
    result = ideal.run(output=tmp_path / "ideal.h5")
    np.testing.assert_allclose(ideal.probe("out", "v")[2], plain.probe("out", "v")[2], rtol=1e-12)
    assert list(result.devices) == ["crossbar"]
    xb = result.devices["crossbar"]
    assert (xb.family, xb.preset) == ("crossbar", "ideal")
    assert xb.stats["arrays"] == 1 and xb.ledger_attrs["dynamic_energy"] > 0
    assert result.total_energy == xb.ledger_attrs["total_energy"]
    assert ideal.devices()["crossbar"].tables["tiles"]["rows"].tolist() == [30]  # before the run
    with h5py.File(tmp_path / "ideal.h5", "r") as f:
        assert "crossbar" not in f and "mapping" not in f  # format 2: everything under /devices
        g = f["devices/crossbar"]
        assert g.attrs["family"] == "crossbar" and g.attrs["preset"] == "ideal"
        stats = {name: i for i, name in enumerate(g["stats/name"].asstr()[()])}
        assert g["stats/integer"][stats["arrays"]] == 1
        assert list(g["tables/projections/name"].asstr()[()]) == ["inp_out"]
        assert g["tables/tile_activity/reads"][0] == xb.stats["reads"] > 0
        assert f["ledger"].attrs["total_energy"] == pytest.approx(xb.ledger_attrs["total_energy"], rel=1e-12)
        assert g["ledger"].attrs["total_energy"] == f["ledger"].attrs["total_energy"]
    with open_run(tmp_path / "ideal.h5") as run:
        info = run.device("crossbar")
        assert info.tables["tiles"]["rows"][0] == 30 and info.tables["projections"]["name"][0] == "inp_out"
        assert info.table_units["tiles"]["mean_conductance"] == "S"
        assert "name = \"ideal\"" in info.preset_text


def test_crossbar_is_shorthand_for_device():
    by_shorthand = small_network({"preset": "reram_neurosim", "projections": ("inp_out",), "adc_bits": 6})
    generic = small_network()
    generic.device("crossbar", preset="reram_neurosim", projections=("inp_out",), adc_bits=6, read_sigma=None)
    assert generic.description() == by_shorthand.description()
    assert generic.description()["crossbar"] == {"preset": "reram_neurosim", "projections": ["inp_out"],
                                                 "adc_bits": 6}


def test_a_chip_beside_a_crossbar_is_one_more_device(tmp_path):
    net = small_network()
    net.device("crossbar", preset="ideal")
    net.device("neuromorphic", preset="loihi", weight_bits=0)
    sim = net.build()
    assert sorted(sim.devices()) == ["chip", "crossbar"]
    result = sim.run(output=tmp_path / "both.h5")
    chip, xb = result.devices["chip"], result.devices["crossbar"]
    assert (chip.family, xb.family) == ("neuromorphic", "crossbar")
    assert result.total_energy == pytest.approx(
        chip.ledger_attrs["total_energy"] + xb.ledger_attrs["total_energy"], rel=1e-12)
    with open_run(tmp_path / "both.h5") as run:
        assert sorted(run.device_names()) == ["chip", "crossbar"]
        # /ledger is the union of the devices' ledgers
        assert len(run.ledger()["energy"]) == len(chip.ledger["energy"]) + len(xb.ledger["energy"])
        assert run.ledger_attrs["total_energy"] == pytest.approx(result.total_energy, rel=1e-12)
        assert run.device("crossbar").stats["reads"] == xb.stats["reads"] > 0


def test_crossbar_settings_are_checked_where_they_are_given():
    with pytest.raises(fluxon.ConfigError, match="no projection is called 'nope'"):
        small_network({"preset": "ideal", "projections": ["nope"]}).build()
    with pytest.raises(fluxon.ConfigError, match="random_weights needs analog weights"):
        small_network({"preset": "reram_neurosim", "random_weights": ["inp_out"]}).build()
    with pytest.raises(fluxon.ConfigError, match="crossbar.weight_bits"):
        small_network({"preset": "ideal", "weight_bits": 40}).build()


def test_zero_shot_lsm_example_beats_chance(tmp_path):
    sys.path.insert(0, EXAMPLES)
    try:
        lsm = runpy.run_path(os.path.join(EXAMPLES, "lsm_crossbar.py"))
    finally:
        sys.path.remove(EXAMPLES)
    accuracy, in_software, baseline, per_sample = lsm["main"](str(tmp_path / "lsm.h5"))
    assert accuracy > 0.6  # chance is 0.25
    assert in_software > 0.6
    assert 0 < per_sample < 1e-6  # J
