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
    assert result.crossbar["arrays"] == 1 and result.crossbar["dynamic_energy"] > 0
    with h5py.File(tmp_path / "ideal.h5", "r") as f:
        g = f["crossbar"]
        assert g.attrs["preset"] == "ideal" and g.attrs["arrays"] == 1
        assert list(g["projections/name"].asstr()[()]) == ["inp_out"]
        assert g["tiles/reads"][0] == result.crossbar["reads"] > 0
        assert f["ledger"].attrs["total_energy"] == pytest.approx(result.crossbar["total_energy"], rel=1e-12)
    with open_run(tmp_path / "ideal.h5") as run:
        info = run.crossbar()
        assert info["tiles"]["rows"][0] == 30 and info["projections"]["name"][0] == "inp_out"
        assert "name = \"ideal\"" in info["preset_text"]


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
