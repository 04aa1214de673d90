"""The C++ extension through the Python package: builder, numpy round trips, parity with config
files, the error hierarchy, the GIL, Ctrl-C and the example scripts.

Run with PYTHONPATH=<build>/python (the package built next to the extension).
"""
import importlib.util
import tomllib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import h5py
import numpy as np
import pytest

import fluxon
from fluxon import analysis

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "python"

LIF = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")


def cuba(n_exc=320, n_inh=80, duration="200 ms", seed=1, threads=1):
    """The CUBA network of examples/cuba.toml at any size (cut into slices on more threads)."""
    net = fluxon.Network(dt="0.1 ms", duration=duration, seed=seed, threads=threads, min_slice=16)
    exc = net.population("exc", n_exc, "lif", **LIF)
    inh = net.population("inh", n_inh, "lif", **LIF)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    for pre, receptor, weight in ((exc, "exc", "1.62 mV"), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor=receptor,
                        connector=fluxon.fixed_probability(0.02), weight=weight, delay="0.1 ms")
    exc.record_spikes()
    inh.record_spikes()
    return net


CUBA_TOML = """
[run]
dt = "0.1 ms"
duration = "{duration}"
seed = {seed}

[populations.exc]
size = {n_exc}
model = "lif"
params = {{ tau_m = "20 ms", v_rest = "-49 mV", v_th = "-50 mV", v_reset = "-60 mV", t_ref = "5 ms", tau_syn_exc = "5 ms", tau_syn_inh = "10 ms" }}
initial = {{ v = {{ uniform = ["-60 mV", "-50 mV"] }} }}

[populations.inh]
size = {n_inh}
model = "lif"
params = {{ tau_m = "20 ms", v_rest = "-49 mV", v_th = "-50 mV", v_reset = "-60 mV", t_ref = "5 ms", tau_syn_exc = "5 ms", tau_syn_inh = "10 ms" }}
initial = {{ v = {{ uniform = ["-60 mV", "-50 mV"] }} }}

[projections.exc_exc]
pre = "exc"
post = "exc"
receptor = "exc"
connector = {{ type = "fixed_probability", p = 0.02 }}
weight = "1.62 mV"
delay = "0.1 ms"

[projections.exc_inh]
pre = "exc"
post = "inh"
receptor = "exc"
connector = {{ type = "fixed_probability", p = 0.02 }}
weight = "1.62 mV"
delay = "0.1 ms"

[projections.inh_exc]
pre = "inh"
post = "exc"
receptor = "inh"
connector = {{ type = "fixed_probability", p = 0.02 }}
weight = "-9 mV"
delay = "0.1 ms"

[projections.inh_inh]
pre = "inh"
post = "inh"
receptor = "inh"
connector = {{ type = "fixed_probability", p = 0.02 }}
weight = "-9 mV"
delay = "0.1 ms"

[record]
spikes = ["exc", "inh"]
"""


def small_net(duration="10 ms"):
    net = fluxon.Network(dt="0.1 ms", duration=duration)
    return net, net.population("exc", 10, "lif", **LIF)


def assert_bit_identical(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the package surface --------------------------------------------------------------------

def test_package_surface():
    assert isinstance(fluxon.__version__, str) and fluxon.__version__
    assert issubclass(fluxon.Simulation, fluxon._core.Simulation)
    assert isinstance(cuba().build(), fluxon.Simulation)


def test_models_lists_parameter_tables():
    models = fluxon.models()
    lif = models["lif"]
    assert lif["source"] is False
    assert lif["parameters"]["tau_m"]["unit"] == "s"
    assert lif["parameters"]["tau_m"]["dimension"] == "time"
    assert set(lif["receptors"]) == {"exc", "inh"}
    assert "v" in lif["state"]
    assert models["poisson"]["source"] is True
    assert models["poisson"]["parameters"]["rate"]["required"] is True


def test_simulation_describes_what_was_built():
    sim = cuba(duration="20 ms", seed=5, threads=2).build()
    assert sim.populations["exc"] == {"model": "lif", "size": 320, "source": False}
    assert sim.projections["inh_exc"]["pre"] == "inh" and sim.projections["inh_exc"]["receptor"] == "inh"
    assert sim.dt == pytest.approx(1e-4) and sim.duration == pytest.approx(0.02)
    assert (sim.seed, sim.threads, sim.has_run) == (5, 2, False)
    assert "2 populations" in repr(sim)


# -- numpy round trips ----------------------------------------------------------------------

def test_spikes_are_read_only_views_that_keep_the_simulation_alive():
    sim = cuba().build()
    result = sim.run()
    times, ids = result.spikes("exc")
    assert times.dtype == np.float64 and ids.dtype == np.uint32
    assert len(times) == len(ids) == result.spikes_per_population["exc"] > 0
    for array in (times, ids):
        assert array.base is not None and not array.flags.owndata and not array.flags.writeable
    again, _ = sim.spikes("exc")
    assert np.shares_memory(times, again)
    expected = times.copy()
    del sim, result, again
    assert np.array_equal(times, expected)  # the views hold the simulation
    with pytest.raises(ValueError):
        times[0] = 1.0


def test_probe_values_are_a_two_dimensional_view():
    net = fluxon.Network(duration="5 ms")
    quiet = dict(LIF, v_rest="-65 mV", v_reset="-70 mV")
    exc = net.population("exc", 10, "lif", **quiet)
    exc.record("v", ids=np.array([1, 3], dtype=np.int8), interval="1 ms")
    sim = net.build()
    sim.run()
    times, ids, values = sim.probe("exc", "v")
    assert times.dtype == np.float64 and ids.dtype == np.uint32 and values.dtype == np.float64
    assert ids.tolist() == [1, 3]
    assert values.shape == (len(times), 2) and len(times) == 5
    assert values.base is not None and not values.flags.writeable
    assert np.all(values == -0.065)  # v starts at v_rest and stays there without input
    with pytest.raises(fluxon.UserError, match="not probed"):
        sim.probe("exc", "i_exc")


@pytest.mark.parametrize("dtype", [np.int16, np.uint8, np.int64, np.uint64, np.float32])
def test_explicit_synapses_round_trip_from_any_numeric_dtype(dtype):
    net = fluxon.Network(duration="1 ms")
    src = net.spike_source("src", 4, times=np.array([0.0]), ids=np.array([0]))
    dst = net.population("dst", 5, "lif", **LIF)
    pre = np.array([0, 1, 3, 3], dtype=dtype)
    post = np.array([4, 0, 2, 1], dtype=dtype)
    weights = np.array([1e-3, -2e-3, 0.5e-3, 3e-3])
    delays = np.array([1e-4, 2e-4, 3e-4, 1e-4], dtype=np.float32)
    net.project("p", src, dst, receptor="exc", connector=fluxon.from_arrays(pre, post),
                weight=weights, delay=delays)
    syn = net.build().synapses("p")
    assert syn["pre"].dtype == np.uint32 and syn["weight"].dtype == np.float64
    got = sorted(zip(syn["pre"].tolist(), syn["post"].tolist(), syn["weight"].tolist()))
    stored = weights.astype(np.float32).astype(np.float64)  # the core keeps weights as float32
    assert got == sorted(zip(pre.astype(int).tolist(), post.astype(int).tolist(), stored.tolist()))
    assert np.allclose(sorted(syn["delay"]), sorted(delays.astype(np.float64)))
    assert syn["pre"].flags.owndata or syn["pre"].base is not None


def test_weights_recorded_on_request_are_the_synapses_as_run(tmp_path):
    import h5py

    net = fluxon.Network(duration="1 ms")
    src = net.spike_source("src", 4, times=np.array([0.0]), ids=np.array([0]))
    dst = net.population("dst", 5, "lif", **LIF)
    pre, post = np.array([0, 1, 3, 3]), np.array([4, 0, 2, 1])
    weights = np.array([1e-3, -2e-3, 0.5e-3, 3e-3])
    net.project("p", src, dst, receptor="exc", connector=fluxon.from_arrays(pre, post), weight=weights,
                delay="0.2 ms")
    net.project("q", src, dst, receptor="inh", connector=fluxon.all_to_all(), weight="-1 mV")
    net.record_weights("p")
    sim = net.build()
    syn = sim.synapses("p")
    sim.run(output=tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert list(f["weights"]) == ["p"]  # q was not asked for
        g = f["weights/p"]
        assert (g.attrs["pre"], g.attrs["post"], g.attrs["receptor"]) == ("src", "dst", "exc")
        for column in ("pre", "post", "weight", "delay"):
            assert g[column][()].tolist() == syn[column].tolist(), column
        assert g["weight"].attrs["units"] == "V" and g["delay"].attrs["units"] == "s"
        assert g["pre"].attrs["units"] == "1"
    net.record_weights()  # every projection
    net.build().run(output=tmp_path / "all.h5")
    with h5py.File(tmp_path / "all.h5", "r") as f:
        assert list(f["weights"]) == ["p", "q"] and f["weights/q/weight"].shape == (20,)


def test_spike_source_from_numpy_arrays():
    net = fluxon.Network(dt="0.1 ms", duration="10 ms")
    src = net.spike_source("stim", 3, times=np.array([1e-3, 2e-3, 2e-3], dtype=np.float32),
                           ids=np.array([2, 0, 1], dtype=np.uint16))
    src.record_spikes()
    sim = net.build()
    sim.run()
    times, ids = sim.spikes("stim")
    assert len(times) == 3
    assert ids[0] == 2 and sorted(ids[1:].tolist()) == [0, 1]
    assert times[1] == times[2] > times[0]


def test_initial_values_as_array_and_recorded_description():
    net = fluxon.Network(duration="1 ms")
    exc = net.population("exc", 10, "lif", r_m="100 MOhm", **LIF)
    exc.initialize(v=np.linspace(-0.06, -0.051, 10))
    exc.record("v", interval="1 ms")
    net.current("drive", exc, times=["0 ms", "0.5 ms"], amplitudes=["0 nA", "1 nA"], ids=[0])
    sim = net.build()
    description = tomllib.loads(sim.config_text)
    initial = description["populations"]["exc"]["initial"]["v"]
    # A config file: the SI values carry their SI unit, and every bit of them.
    assert [float(text.removesuffix(" V")) for text in initial] == np.linspace(-0.06, -0.051, 10).tolist()
    assert description["currents"]["drive"]["ids"] == [0]
    sim.run()
    assert sim.probe("exc", "v")[2].shape == (1, 10)


def test_subset_recording_and_poisson_source():
    net = fluxon.Network(duration="200 ms", seed=3)
    noise = net.poisson("noise", 50, rate="50 Hz")
    noise.record_spikes(ids=np.arange(0, 50, 2))
    sim = net.build()
    sim.run()
    _, ids = sim.spikes("noise")
    assert len(ids) > 0 and np.all(ids % 2 == 0)


# -- a config file and the equivalent script give the same run -----------------------------

def test_script_and_config_file_give_bit_identical_spikes(tmp_path):
    params = dict(n_exc=320, n_inh=80, duration="300 ms", seed=7)
    config = tmp_path / "cuba.toml"
    config.write_text(CUBA_TOML.format(**params))
    from_file = fluxon.load_config(config)
    from_script = cuba(**params).build()
    file_result = from_file.run(output=tmp_path / "file.h5")
    script_result = from_script.run(output=tmp_path / "script.h5")
    assert file_result.n_spikes == script_result.n_spikes > 0
    for pop in ("exc", "inh"):
        for a, b in zip(from_file.spikes(pop), from_script.spikes(pop)):
            assert_bit_identical(a, b)
    with analysis.open_run(tmp_path / "file.h5") as f, analysis.open_run(tmp_path / "script.h5") as s:
        assert (f.config_format, s.config_format) == ("toml", "toml")
        assert s.config_source == "python"
        assert tomllib.loads(s.config_text)["populations"]["exc"]["size"] == 320
        for a, b in zip(f.spikes("exc"), s.spikes("exc")):
            assert_bit_identical(np.asarray(a), np.asarray(b))


def test_recorded_text_of_a_script_run_reruns_bit_identically_with_the_cli(tmp_path):
    cli = os.environ.get("FLUXON_CLI")
    if not cli:
        pytest.skip("FLUXON_CLI (the fluxon command-line tool) is not set")
    rng = np.random.default_rng(5)
    net = cuba(n_exc=80, n_inh=20, duration="100 ms", seed=9)
    net.populations["exc"].initialize(v=rng.uniform(-0.06, -0.05, 80))
    # Floats that only survive the round trip if every bit is printed.
    drive = net.spike_source("drive", 80, times=rng.uniform(0, 0.05, 200).astype(np.float32),
                             ids=rng.integers(0, 80, 200))
    drive.record_spikes()
    net.populations["inh"].record("v", ids=np.array([0.0, 3.0]), interval=1e-3)  # whole-float ids
    net.project("drive_exc", drive, "exc", receptor="exc",
                connector=fluxon.one_to_one(), weight=rng.uniform(1e-3, 3e-3, 80), delay="0.1 ms")
    sim = net.build()
    sim.run(output=tmp_path / "script.h5")
    with analysis.open_run(tmp_path / "script.h5") as run:
        assert run.config_format == "toml"
        (tmp_path / "rerun.toml").write_text(run.config_text)
    done = subprocess.run([cli, "run", "-q", tmp_path / "rerun.toml", "-o", tmp_path / "cli.h5"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with analysis.open_run(tmp_path / "script.h5") as s, analysis.open_run(tmp_path / "cli.h5") as c:
        for pop in ("exc", "inh", "drive"):
            assert len(s.spikes(pop)[0]) > 0
            for a, b in zip(s.spikes(pop), c.spikes(pop)):
                assert_bit_identical(np.asarray(a), np.asarray(b))
        for a, b in zip(s.probe("inh", "v"), c.probe("inh", "v")):
            assert_bit_identical(np.asarray(a), np.asarray(b))


def test_entries_are_taken_in_name_order_like_config_files():
    description = cuba(seed=4).description()
    for section in ("populations", "projections"):
        description[section] = dict(reversed(list(description[section].items())))
    reordered = fluxon.Simulation(description)
    assert list(reordered.populations) == ["exc", "inh"]
    reference = cuba(seed=4).build()
    reordered.run()
    reference.run()
    for a, b in zip(reordered.spikes("inh"), reference.spikes("inh")):
        assert_bit_identical(a, b)


def test_thread_count_does_not_change_spikes():
    one = cuba(seed=2, threads=1).build()
    two = cuba(seed=2, threads=2).build()
    one.run()
    two.run()
    for a, b in zip(one.spikes("exc"), two.spikes("exc")):
        assert_bit_identical(a, b)


def test_example_script_matches_example_config():
    config = ROOT / "examples" / "cuba.toml"
    if not config.exists():
        pytest.skip("examples/cuba.toml is not there yet")
    from_file = fluxon.load_config(config, overrides=["run.duration=100 ms"])
    from_script = load_example("cuba").build(duration="100 ms").build()
    from_file.run()
    from_script.run()
    for pop in ("exc", "inh"):
        for a, b in zip(from_file.spikes(pop), from_script.spikes(pop)):
            assert_bit_identical(a, b)
    for a, b in zip(from_file.probe("exc", "v"), from_script.probe("exc", "v")):
        assert_bit_identical(a, b)


def test_load_config_applies_overrides(tmp_path):
    config = tmp_path / "cuba.toml"
    config.write_text(CUBA_TOML.format(n_exc=8, n_inh=2, duration="1 ms", seed=1))
    assert fluxon.load_config(config, overrides=["run.seed=3"]).seed == 3
    assert fluxon.load_config(str(config), "run.seed=4").seed == 4
    with pytest.raises(fluxon.ConfigError) as info:
        fluxon.load_config(config, overrides=["run.sed=3"])
    assert info.value.key == "run.sed"


# -- errors ---------------------------------------------------------------------------------

def test_error_hierarchy():
    for cls in (fluxon.ConfigError, fluxon.NetworkError, fluxon.IoError, fluxon.TimeError):
        assert issubclass(cls, fluxon.UserError)
    assert issubclass(fluxon.UserError, fluxon.Error) and issubclass(fluxon.Error, Exception)
    assert issubclass(fluxon.InternalError, fluxon.Error)
    assert not issubclass(fluxon.InternalError, fluxon.UserError)
    assert issubclass(fluxon.ConfigError, ValueError)
    assert not issubclass(fluxon.NetworkError, ValueError)


def test_errors_raised_from_python_format_like_cpp():
    e = fluxon.TimeError("too late", key="run.duration", node="x", file="a.toml", line=3)
    assert str(e) == "a.toml:3: key 'run.duration': node 'x': too late"
    assert (e.detail, e.file, e.line) == ("too late", "a.toml", 3)
    assert (e.key, e.node, e.resource) == ("run.duration", "x", None)
    plain = fluxon.InternalError("broken")
    assert (str(plain), plain.file, plain.line, plain.key) == ("broken", None, None, None)


def test_config_error_in_a_file_names_file_line_and_key(tmp_path):
    config = tmp_path / "bad.toml"
    text = CUBA_TOML.format(n_exc=8, n_inh=2, duration="1 ms", seed=1)
    text = text.replace('tau_m = "20 ms", v_rest', 'tau_mm = "20 ms", v_rest', 1)
    config.write_text(text)
    line = text.splitlines().index(next(l for l in text.splitlines() if "tau_mm" in l)) + 1
    with pytest.raises(fluxon.ConfigError) as info:
        fluxon.load_config(config)
    e = info.value
    assert (e.file, e.line, e.key, e.node) == (str(config), line, "populations.exc.params.tau_mm", "exc")
    assert "unknown parameter 'tau_mm'" in e.detail and str(e).startswith(f"{config}:{line}:")


def test_unknown_model_parameter_is_a_config_error_with_key():
    net, _ = small_net()
    net.population("inh", 3, "lif", tau_mm="20 ms")
    with pytest.raises(fluxon.ConfigError) as info:
        net.build()
    assert (info.value.key, info.value.node, info.value.file, info.value.line) == \
        ("populations.inh.params.tau_mm", "inh", None, None)


def test_a_description_nested_too_deep_is_a_config_error_not_a_crash():
    deep = "20 ms"
    for _ in range(30_000):
        deep = [deep]
    description = {"run": {"dt": "0.1 ms", "duration": "1 ms"},
                   "populations": {"exc": {"size": 1, "model": "lif", "params": {"tau_m": deep}}}}
    with pytest.raises(fluxon.ConfigError) as info:
        fluxon.Simulation(description)
    assert info.value.key.startswith("populations.exc.params.tau_m[0][0]")
    assert info.value.node == "exc"
    assert "nests more than 100 levels" in str(info.value)


def test_threads_beyond_the_bound_are_a_config_error():
    for threads in (1025, 2**31 - 1):
        net = fluxon.Network(dt="0.1 ms", duration="1 ms", threads=threads)
        net.population("exc", 2, "lif", **LIF)
        with pytest.raises(fluxon.ConfigError) as info:
            net.build()
        assert info.value.key == "run.threads"
        assert "between 1 and 1024" in str(info.value)


def test_unknown_population_is_a_network_error():
    net, exc = small_net()
    net.project("p", exc, "nope", receptor="exc", connector=fluxon.all_to_all(), weight="-1 mV")
    with pytest.raises(fluxon.NetworkError) as info:
        net.build()
    assert (info.value.node, info.value.key) == ("p", "projections.p")
    assert "'nope' is not a population" in str(info.value)


def test_names_are_checked_when_given():
    net, exc = small_net()
    with pytest.raises(fluxon.NetworkError) as info:
        net.population("exc", 3, "lif")
    assert info.value.node == "exc"
    other, foreign = small_net()
    with pytest.raises(fluxon.NetworkError, match="another Network"):
        net.project("p", foreign, exc, receptor="exc", connector=fluxon.all_to_all(), weight="-1 mV")


def test_io_errors_name_the_file(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(fluxon.IoError) as info:
        fluxon.load_config(missing)
    assert info.value.file == str(missing)
    net, _ = small_net()
    out = tmp_path / "no_such_dir" / "run.h5"
    with pytest.raises(fluxon.IoError) as info:
        net.build().run(output=out)
    assert info.value.file == str(out)
    with pytest.raises(fluxon.IoError):
        fluxon.summarize_run(tmp_path / "missing.h5")


def test_missing_array_file_in_a_config_is_located(tmp_path):
    config = tmp_path / "arrays.toml"
    config.write_text('[populations.exc]\nsize = 3\nmodel = "lif"\n'
                      'initial = { v = { file = "missing.npy" } }\n')
    # The config reader reports an unreadable array file at the key that names it.
    with pytest.raises((fluxon.IoError, fluxon.ConfigError)) as info:
        fluxon.load_config(config)
    assert (info.value.file, info.value.line) == (str(config), 4)
    assert info.value.key.startswith("populations.exc.initial.v")
    assert "missing.npy" in str(info.value) and "not found" in str(info.value)


def test_unrepresentable_dt_is_refused():
    net = fluxon.Network(dt="0.1 fs", duration="1 ms")
    net.population("exc", 1, "lif", **LIF)
    with pytest.raises((fluxon.TimeError, fluxon.ConfigError)) as info:
        net.build()
    assert info.value.key == "run.dt" and "time base" in str(info.value)


def make_bad_network(case):
    net, exc = small_net()
    if case == "2-D times":
        net.spike_source("src", 2, times=np.zeros((2, 2)), ids=[0, 1])
    elif case == "length mismatch":
        net.spike_source("src", 2, times=np.array([1e-3, 2e-3]), ids=np.array([0]))
    elif case == "weights of wrong length":
        net.project("p", exc, exc, receptor="exc", connector=fluxon.all_to_all(), weight=np.ones(7))
    elif case == "initial values of wrong length":
        exc.initialize(v=np.zeros(3))
    elif case == "string size":
        net.population("inh", "ten", "lif", **LIF)
    elif case == "bad quantity":
        net.population("inh", 3, "lif", **dict(LIF, tau_m="fast"))
    elif case == "string probability":
        net.project("p", exc, exc, receptor="exc", connector=fluxon.fixed_probability("0.1"), weight="1 mV")
    elif case == "nan weight":
        net.project("p", exc, exc, receptor="exc", connector=fluxon.all_to_all(), weight=float("nan"))
    elif case == "complex array":
        exc.initialize(v=np.zeros(10, dtype=complex))
    elif case == "unsupported type":
        exc.record_spikes(ids={1, 2})
    elif case == "negative id":
        exc.record_spikes(ids=np.array([-1, 2]))
    elif case == "fractional id":
        exc.record_spikes(ids=np.array([0.5]))
    elif case == "id out of range":
        exc.record_spikes(ids=[10])
    elif case == "unknown model":
        net.population("inh", 3, "lfi")
    elif case == "unknown receptor":
        net.project("p", exc, exc, receptor="ampa", connector=fluxon.all_to_all(), weight="-1 mV")
    return net


BAD_ARGUMENTS = {
    "2-D times": (fluxon.ConfigError, "populations.src.times[0]", "got an array"),
    "length mismatch": (fluxon.ConfigError, "populations.src.ids", "must match"),
    "weights of wrong length": (fluxon.NetworkError, "projections.p.weight", "7 values, expected 100"),
    "initial values of wrong length": (fluxon.NetworkError, "populations.exc.initial.v", "3 values"),
    "string size": (fluxon.ConfigError, "populations.inh.size", "got string \"ten\""),
    "bad quantity": (fluxon.ConfigError, "populations.inh.params.tau_m", "'fast'"),
    "string probability": (fluxon.ConfigError, "projections.p.connector.p", "got string \"0.1\""),
    "nan weight": (fluxon.ConfigError, "projections.p.weight", "finite"),
    "complex array": (fluxon.ConfigError, "populations.exc.initial.v", "numeric array"),
    "unsupported type": (fluxon.ConfigError, "record.spikes[0].ids", "got set"),
    "negative id": (fluxon.ConfigError, "record.spikes[0].ids[0]", "negative"),
    "fractional id": (fluxon.ConfigError, "record.spikes[0].ids[0]", "not a neuron index"),
    "id out of range": (fluxon.NetworkError, "record.spikes[0]", "out of range"),
    "unknown model": (fluxon.ConfigError, "populations.inh", "unknown model 'lfi'"),
    "unknown receptor": (fluxon.NetworkError, "projections.p", "no receptor 'ampa'"),
}


@pytest.mark.parametrize("case", list(BAD_ARGUMENTS))
def test_bad_arguments_raise_a_fluxon_error_with_its_key(case):
    cls, key, words = BAD_ARGUMENTS[case]
    with pytest.raises(cls) as info:
        make_bad_network(case).build()
    assert info.value.key == key
    assert words in str(info.value)
    assert isinstance(info.value, fluxon.UserError)


def test_unknown_names_in_a_description():
    description = cuba(duration="1 ms").description()
    description["projections"]["exc_exc"]["wieght"] = description["projections"]["exc_exc"].pop("weight")
    with pytest.raises(fluxon.ConfigError) as info:
        fluxon.Simulation(description)
    assert info.value.key == "projections.exc_exc.wieght" and info.value.node == "exc_exc"
    with pytest.raises(fluxon.ConfigError) as info:
        fluxon.Simulation({"run": {}, "populationz": {}})
    assert info.value.key == "populationz"
    with pytest.raises(fluxon.ConfigError, match="names must be strings"):
        fluxon.Simulation({"populations": {3: {"size": 1, "model": "lif"}}})


def test_results_are_refused_until_there_are_some():
    net, exc = small_net()
    exc.record_spikes()
    sim = net.build()
    with pytest.raises(fluxon.UserError, match="not been run"):
        sim.spikes("exc")
    sim.run()
    with pytest.raises(fluxon.UserError) as info:
        sim.spikes("inh")
    assert info.value.node == "inh"
    with pytest.raises(fluxon.UserError, match="no projection"):
        sim.synapses("nope")


def test_run_twice_is_a_user_error():
    net, _ = small_net()
    sim = net.build()
    sim.run()
    assert sim.has_run
    with pytest.raises(fluxon.UserError, match="already been run"):
        sim.run()


def test_keep_in_memory_false_leaves_results_in_the_file(tmp_path):
    sim = cuba(duration="50 ms").build()
    sim.run(output=tmp_path / "run.h5", keep_in_memory=False)
    with pytest.raises(fluxon.UserError, match="keep_in_memory"):
        sim.spikes("exc")
    with analysis.open_run(tmp_path / "run.h5") as run:
        assert len(run.spikes("exc")[0]) > 0


# -- running: progress, the GIL, Ctrl-C ----------------------------------------------------

def test_progress_callable_sees_simulated_time():
    seen = []
    sim = cuba(n_exc=3200, n_inh=800, duration="5 s").build()
    sim.run(progress=lambda t, t_end: seen.append((t, t_end)))
    assert seen and seen[-1] == (pytest.approx(5.0), pytest.approx(5.0))
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def test_progress_bar(capfd):
    cuba(duration="50 ms").build().run(progress=True)
    assert "simulated" in capfd.readouterr().err
    with pytest.raises(TypeError, match="progress"):
        cuba(duration="1 ms").build().run(progress="yes")


def test_gil_is_released_while_running():
    # Long enough (about a second) for a Python thread to make visible progress meanwhile.
    sim = cuba(n_exc=3200, n_inh=800, duration="50 s").build()
    counter = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter[0] += 1

    worker = threading.Thread(target=count)
    worker.start()
    try:
        before = counter[0]
        result = sim.run()
        during = counter[0] - before
    finally:
        stop.set()
        worker.join()
    assert result.n_spikes > 0
    assert during > 10000


def check_interrupted_file(path, sim):
    with analysis.open_run(path) as run:
        assert run.status == "interrupted"
        assert 0 < run.time_reached < run.duration
        times, ids = run.spikes("exc")
        assert len(times) > 0 and times.max() <= run.time_reached
        memory_times, memory_ids = sim.spikes("exc")
        assert np.array_equal(times, memory_times) and np.array_equal(ids, memory_ids)


def long_cuba():
    # Far longer than any test waits: every run here is interrupted within a second.
    return cuba(n_exc=3200, n_inh=800, duration="1000 s").build()


def test_an_existing_run_file_is_refused_unless_overwrite(tmp_path):
    net, _ = small_net()
    out = tmp_path / "run.h5"
    net.build().run(output=out)
    before = out.read_bytes()
    with pytest.raises(fluxon.IoError) as info:
        net.build().run(output=out)
    assert info.value.file == str(out)
    assert "already exists" in str(info.value) and "overwrite=True" in str(info.value)
    assert out.read_bytes() == before  # refused before anything was written
    result = net.build().run(output=out, overwrite=True)
    assert result.status == "complete"
    with analysis.open_run(out) as run:
        assert run.status == "complete"


def test_a_run_file_that_cannot_grow_is_a_named_error_and_keeps_its_last_flush(tmp_path):
    # In a child interpreter: a file size limit (ulimit -f) fails the writes as a full disk
    # does, and a crash at exit (HDF5 closing a file it failed to write) would show there.
    out = tmp_path / "limited.h5"
    script = f"""
import resource, signal, fluxon
sim = fluxon.load_config({str(ROOT / "tests/integration/data/full_disk.toml")!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 20, resource.RLIM_INFINITY))
try:
    sim.run(output={str(out)!r})
except fluxon.IoError as e:
    assert e.file == {str(out)!r}, e.file
    print(e)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ)
    assert done.returncode == 0, done.stderr
    assert "File too large" in done.stdout and "last flush" in done.stdout, done.stdout
    with h5py.File(out, "r") as f:
        assert f["run/status"].asstr()[()] == "failed"
        assert "File too large" in f["run/message"].asstr()[()]
        t = f["run/time_reached"][()]
        samples = f["probes/exc/v/times"][:]
        # Every step's sample up to the time reached, all of them readable.
        assert t > 0 and samples.size == round(t / 1e-4) and samples[-1] == pytest.approx(t)
        assert f["probes/exc/v/values"][:].shape == (samples.size, 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["limited.h5"]


def test_keyboard_interrupt_from_the_progress_callback(tmp_path):
    sim = long_cuba()
    seen = []

    def interrupt(t, t_end):
        seen.append(t)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.run(output=tmp_path / "run.h5", progress=interrupt)
    check_interrupted_file(tmp_path / "run.h5", sim)
    # Everything simulated before the callback raised is in the file (and the run stopped
    # within a step of it).
    with analysis.open_run(tmp_path / "run.h5") as run:
        assert seen[-1] <= run.time_reached <= seen[-1] + 1.5e-4


def test_sigint_during_a_run_stops_it_cleanly(tmp_path):
    sim = long_cuba()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            sim.run(output=tmp_path / "run.h5")
    finally:
        timer.cancel()
    check_interrupted_file(tmp_path / "run.h5", sim)


def test_sigint_sent_from_the_progress_callback(tmp_path):
    sim = long_cuba()
    with pytest.raises(KeyboardInterrupt):
        sim.run(output=tmp_path / "run.h5", progress=lambda t, t_end: os.kill(os.getpid(), signal.SIGINT))
    check_interrupted_file(tmp_path / "run.h5", sim)


def test_other_exceptions_in_the_callback_also_stop_the_run(tmp_path):
    sim = long_cuba()

    def fail(t, t_end):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        sim.run(output=tmp_path / "run.h5", progress=fail)
    check_interrupted_file(tmp_path / "run.h5", sim)


# -- the example scripts --------------------------------------------------------------------

def run_example(*args, cwd):
    done = subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cuba_and_analyze_examples(tmp_path):
    out = run_example(EXAMPLES / "cuba.py", "cuba.h5", cwd=tmp_path)
    assert "mean rate" in out and (tmp_path / "cuba.h5").exists()
    with analysis.open_run(tmp_path / "cuba.h5") as run:
        assert run.status == "complete" and run.config_source == "python"
    out = run_example(EXAMPLES / "analyze.py", tmp_path / "cuba.h5", tmp_path / "figures", cwd=tmp_path)
    assert "cv_isi" in out and "rate_hz" in out
    for name in ("exc_raster.png", "exc_rate.png", "inh_raster.png", "inh_rate.png"):
        assert (tmp_path / "figures" / name).stat().st_size > 0


def test_sweep_example(tmp_path):
    out = run_example(EXAMPLES / "sweep.py", "400", cwd=tmp_path)
    lines = out.strip().splitlines()
    assert lines[0].split()[:3] == ["w_exc", "seed", "rate_exc"]
    assert len(lines) == 2 + 6


def test_poisson_input_adds_binomial_counts_like_brian2s_poissoninput():
    """20 non-leaky integrators under 1000 inputs at 20 Hz (dt 0.1 ms): each step adds
    weight x Binomial(1000, 0.002), mean 2; a second run gives the same counts."""
    def network():
        net = fluxon.Network(dt="0.1 ms", duration="100 ms", seed=4)
        net.population("n", 20, "if", v_th="100 V", v_reset="0 mV").record("v")
        net.poisson_input("ext", "n", "in", rate="20 Hz", weight="1 mV", inputs=1000)
        return net

    def run():
        sim = network().build()
        sim.run()
        return np.array(sim.probe("n", "v")[2])
    v = run()
    counts = np.rint(np.diff(np.vstack([np.zeros(20), v]), axis=0) / np.float32(1e-3))
    assert counts.shape == (1000, 20)
    assert counts.mean() == pytest.approx(2.0, abs=0.1)
    np.testing.assert_array_equal(run(), v)
    with pytest.raises(fluxon.ConfigError, match="has no receptor 'exc'; it has: in"):
        net = fluxon.Network(dt="0.1 ms", duration="10 ms")
        net.population("n", 2, "if")
        net.poisson_input("ext", "n", "exc", rate="1 Hz", weight="1 mV")
        net.build()
