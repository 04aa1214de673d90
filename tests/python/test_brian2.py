"""fluxon against Brian2 where users port models from it (docs/models.md, "Timing conventions").

CUBA is built in Brian2 (numpy target, the network of bench/cuba/brian2_cuba.py) and in fluxon
with the same synapses (fluxon.from_arrays), the same initial voltages and the same written
parameters, Brian2 quantities passed to fluxon as they are; with convention="brian2" the spikes
must be identical, neuron for neuron and step for step. The rest checks that Brian2 quantities
are read with their units (a wrong dimension is an error naming the key) and that the sign
of inhibitory weights is enforced.
"""
import importlib.util
import pathlib

import numpy as np
import pytest

import fluxon

b2 = pytest.importorskip("brian2")
ms, mV, volt, nS = b2.ms, b2.mV, b2.volt, b2.nS

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("brian2_cuba", ROOT / "bench" / "cuba" / "brian2_cuba.py")
brian2_cuba = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brian2_cuba)

N, N_EXC, P = 1000, 800, 0.08
DT = 0.1 * ms
WE, WI = 1.62 * mV, -9 * mV


def cuba_connectivity(seed=3):
    rng = np.random.default_rng(seed)
    pre, post = np.nonzero(rng.random((N, N)) < P)
    exc = pre < N_EXC
    return (pre[exc], post[exc]), (pre[~exc], post[~exc]), rng.uniform(-60e-3, -50e-3, N)


def brian2_spikes(duration, delay, synapses, v0):
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT
    group, exc, inh = brian2_cuba.build(b2, N, WE, WI, delay=delay)
    exc.connect(i=synapses[0][0], j=synapses[0][1])
    inh.connect(i=synapses[1][0], j=synapses[1][1])
    group.v = v0 * volt
    monitor = b2.SpikeMonitor(group)
    b2.run(duration)
    return np.asarray(monitor.t / DT).round().astype(np.int64), np.asarray(monitor.i[:], dtype=np.int64)


def fluxon_spikes(duration, delay, synapses, v0, convention="brian2"):
    ns = brian2_cuba.namespace(b2)
    net = fluxon.Network(dt=DT, duration=duration, convention=convention)
    pop = net.population("cuba", N, "lif", tau_m=ns["taum"], v_rest=ns["El"], v_th=ns["Vt"], v_reset=ns["Vr"],
                         t_ref=5 * ms, tau_syn_exc=ns["taue"], tau_syn_inh=ns["taui"])
    pop.initialize(v=v0 * volt)  # an array of Brian2 quantities
    pop.record_spikes()
    (exc_pre, exc_post), (inh_pre, inh_post) = synapses
    net.project("exc", pop, pop, receptor="exc", connector=fluxon.from_arrays(exc_pre, exc_post), weight=WE,
                delay=delay)
    net.project("inh", pop, pop, receptor="inh", connector=fluxon.from_arrays(inh_pre, inh_post), weight=WI,
                delay=delay)
    times, ids = net.build().run().spikes("cuba")
    return np.round(np.asarray(times) / float(DT)).astype(np.int64), np.asarray(ids, dtype=np.int64)


def as_pairs(steps, ids, below):
    keep = steps < below
    return sorted(zip(steps[keep].tolist(), ids[keep].tolist()))


@pytest.mark.parametrize("delay", [DT, 1 * ms])
def test_cuba_spikes_are_identical_to_brian2(delay):
    exc, inh, v0 = cuba_connectivity()
    duration = 300 * ms
    theirs = brian2_spikes(duration, delay, (exc, inh), v0)
    ours = fluxon_spikes(duration, delay, (exc, inh), v0)
    # Brian2's last step stamps the spikes it finds at the run's end, which fluxon would find in
    # the next step: compare all but that step.
    last = int(round(float(duration / DT))) - 1
    expected, got = as_pairs(*theirs, last), as_pairs(*ours, last)
    print(f"delay {delay}: Brian2 {len(expected)} spikes, fluxon {len(got)}")
    assert len(expected) > 1000
    assert got == expected


def test_nest_convention_stamps_one_step_later_and_holds_t_ref_from_there():
    exc, inh, v0 = cuba_connectivity()
    steps, ids = fluxon_spikes(20 * ms, DT, (exc, inh), v0, convention="nest")
    b_steps, b_ids = fluxon_spikes(20 * ms, DT, (exc, inh), v0, convention="brian2")
    # Before any neuron fires twice or feels a spike, the two conventions find the same
    # crossings; the NEST stamp is the grid point after Brian2's.
    first = min(steps)
    assert first == min(b_steps) + 1
    assert sorted(ids[steps == first].tolist()) == sorted(b_ids[b_steps == first - 1].tolist())


def single_neuron_spikes(convention, t_ref):
    """One lif neuron driven far above threshold: it fires as soon as t_ref lets it."""
    net = fluxon.Network(dt=DT, duration=3 * ms, convention=convention)
    pop = net.population("n", 1, "lif", v_rest=100 * mV, tau_m=1 * ms, t_ref=t_ref)
    pop.initialize(v=-65 * mV)
    pop.record_spikes()
    times, _ = net.build().run().spikes("n")
    return np.round(np.asarray(times) / float(DT)).astype(int).tolist()


def test_refractory_period_under_each_convention():
    # Brian2: a spike at step n holds v while timestep(t - lastspike) < timestep(t_ref); v
    # integrates again at step n + 5 and crosses during it, stamped n + 5.
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT
    group = b2.NeuronGroup(1, "dv/dt = (100*mV - v)/(1*ms) : volt (unless refractory)", threshold="v > -50*mV",
                           reset="v = -65*mV", refractory=0.5 * ms, method="exact")
    group.v = -65 * mV
    monitor = b2.SpikeMonitor(group)
    b2.run(3 * ms)
    brian = np.round(np.asarray(monitor.t / DT)).astype(int).tolist()
    assert single_neuron_spikes("brian2", 0.5 * ms) == brian
    # NEST: the spike is stamped at the grid point where v is above threshold; v is held for
    # t_ref from there, then one step of integration crosses again: t_ref/dt + 1 steps apart.
    nest = single_neuron_spikes("nest", 0.5 * ms)
    assert np.diff(nest).tolist() == [6] * (len(nest) - 1)
    assert nest[0] == brian[0] + 1


def test_zero_delay_is_refused_with_the_reason():
    net = fluxon.Network(duration=1 * ms)
    pop = net.population("p", 2, "lif")
    net.project("e", pop, pop, receptor="exc", connector=fluxon.from_arrays([0], [1]), weight=1 * mV,
                delay=0 * ms)
    with pytest.raises(fluxon.ConfigError, match="Brian2"):
        net.build()


# -- Brian2 quantities in fluxon's builder --------------------------------------------------

def lif_network(**params):
    net = fluxon.Network(dt=DT, duration=1 * ms)
    pop = net.population("p", 3, "lif", **params)
    return net, pop


def test_quantities_with_the_right_dimension_are_taken_in_si():
    net, pop = lif_network(tau_m=20 * ms, v_th=-50 * mV, t_ref=2 * ms)
    pop.initialize(v=-65 * mV, i_exc=np.array([0.0, 1.0, 2.0]) * mV)
    net.project("w", pop, pop, receptor="exc", connector=fluxon.from_arrays([0, 1], [1, 2]), weight=1.62 * mV,
                delay=np.array([1.0, 2.0]) * ms)
    syn = net.build().synapses("w")
    assert syn["weight"].tolist() == [float(np.float32(1.62e-3))] * 2
    assert np.allclose(sorted(syn["delay"]), [1e-3, 2e-3])


def test_a_quantity_of_the_wrong_dimension_is_an_error_naming_the_key():
    net, _ = lif_network(tau_m=20 * mV)
    with pytest.raises(fluxon.ConfigError) as info:
        net.build()
    assert info.value.key == "populations.p.params.tau_m"
    assert "time" in str(info.value)


def test_a_wrong_dimension_in_an_array_of_quantities_names_the_element():
    net, pop = lif_network()
    pop.initialize(v=np.array([-65.0, -60.0, -55.0]) * ms)
    with pytest.raises(fluxon.ConfigError) as info:
        net.build()
    assert info.value.key.startswith("populations.p.initial.v")


def test_a_quantity_fluxon_has_no_unit_for_is_refused():
    net, _ = lif_network(tau_m=20 * ms * mV)
    with pytest.raises(fluxon.ConfigError, match="no unit") as info:
        net.build()
    assert info.value.key == "populations.p.params.tau_m"


def test_conductances_and_currents_convert():
    net = fluxon.Network(dt=DT, duration=1 * ms)
    pop = net.population("c", 2, "coba_lif", c_m=200 * b2.pF, g_l=10 * nS, t_ref=5 * ms)
    net.project("g", pop, pop, receptor="exc", connector=fluxon.from_arrays([0], [1]), weight=6 * nS)
    net.current("i", pop, amplitude=0.1 * b2.nA)
    assert net.build().synapses("g")["weight"].tolist() == [float(np.float32(6e-9))]


def test_a_positive_inhibitory_weight_is_refused_naming_the_projection():
    net, pop = lif_network()
    net.project("inh_proj", pop, pop, receptor="inh", connector=fluxon.from_arrays([0], [1]), weight=9 * mV)
    with pytest.raises(fluxon.ConfigError, match="negative") as info:
        net.build()
    assert info.value.node == "inh_proj"
    assert "-0.009 V" in str(info.value)
