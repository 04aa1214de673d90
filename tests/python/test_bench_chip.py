"""The chip bench's own logic (bench/chip/), without SANA-FE: its YAML reader, SANA-FE's network
format both ways, the conv2d expansion, the run-summary parser, the CUBA neuron conversion and
the energy categories. Nothing here runs or times a simulator."""
import math
import pathlib
import subprocess
import sys

import numpy as np
import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench" / "chip"
sys.path.insert(0, str(BENCH))

import energy_categories  # noqa: E402
import sanafe_network  # noqa: E402
import sanafe_run  # noqa: E402
import workloads  # noqa: E402


def sanafe_conv2d_loops(w_in, h_in, c_in, kw, kh, kc, sw, sh, weights):
    """SANA-FE's conv2d expansion written as its loops (network.cpp): for each output channel,
    y, x; each input channel; each kernel y, x."""
    w_out, h_out = (w_in - kw) // sw + 1, (h_in - kh) // sh + 1
    out = []
    for co in range(kc):
        for yo in range(h_out):
            for xo in range(w_out):
                for ci in range(c_in):
                    for ky in range(kh):
                        for kx in range(kw):
                            src = ci * w_in * h_in + (yo * sh + ky) * w_in + xo * sw + kx
                            filt = ky * kw * c_in * kc + kx * c_in * kc + ci * kc + co
                            out.append((src, (co * h_out + yo) * w_out + xo, weights[filt]))
    return out


def test_conv2d_expansion_is_sanafes():
    # SANA-FE's snn/conv.yaml: 4x4 input, one 2x2 kernel [0, 1, 2, 3], stride 1. Output
    # neuron 0 sees inputs 0, 1, 4, 5 with weights 0, 1, 2, 3 (by hand: kernel (y, x) order).
    params = dict(input_width=4, input_height=4, input_channels=1, kernel_width=2, kernel_height=2,
                  kernel_count=1, stride_width=1, stride_height=1)
    pre, post, w = sanafe_network.conv2d(params, 16, 9, [0, 1, 2, 3], "t")
    assert pre[:4].tolist() == [0, 1, 4, 5] and post[:4].tolist() == [0, 0, 0, 0]
    assert w[:4].tolist() == [0, 1, 2, 3]
    assert pre[-4:].tolist() == [10, 11, 14, 15] and post[-1] == 8
    # Two input channels, three kernels, stride 2 and a non-square input, against the loops.
    params = dict(input_width=7, input_height=5, input_channels=2, kernel_width=3, kernel_height=2,
                  kernel_count=3, stride_width=2, stride_height=2)
    weights = np.arange(2 * 3 * 2 * 3) * 1.5 - 7
    pre, post, w = sanafe_network.conv2d(params, 2 * 7 * 5, 3 * 3 * 2, weights, "t")
    expected = sanafe_conv2d_loops(7, 5, 2, 3, 2, 3, 2, 2, weights)
    assert list(zip(pre.tolist(), post.tolist(), w.tolist())) == expected
    with pytest.raises(sanafe_network.NetworkFileError, match="needs 70 -> 18 neurons, the groups have 70 -> 17"):
        sanafe_network.conv2d(params, 70, 17, weights, "t")


def test_network_file_round_trip(tmp_path):
    groups = [("exc", 3, {"soma_hw_name": "loihi_lif", "threshold": 10000.0, "log_spikes": False},
               {"potential": np.array([1.5, 0.0, 9999.0])}),
              ("inh", 2, {"threshold": 5.0}, {})]
    edges = [("exc", "inh", np.array([0, 2]), np.array([1, 0]), np.array([0.25, -3.0])),
             ("inh", "exc", np.array([1]), np.array([2]), np.array([7.0]))]
    mapping = [("exc", 0, 1, "0.0"), ("exc", 2, 2, "4.1"), ("inh", 0, 1, "12.3")]
    path = tmp_path / "net.yaml"
    sanafe_network.write(path, "rt", groups, edges, mapping)
    g, e, m = sanafe_network.read(path)
    assert [(k, v.size) for k, v in g.items()] == [("exc", 3), ("inh", 2)]
    assert g["exc"].defaults["threshold"] == 10000.0 and g["exc"].defaults["log_spikes"] is False
    assert g["exc"].values("potential") == [1.5, 0.0, 9999.0]
    assert g["inh"].values("threshold") == [5.0, 5.0]
    assert [(x.pre, x.post, x.kind, x.pre_ids.tolist(), x.post_ids.tolist(), x.weights.tolist()) for x in e] == [
        ("exc", "inh", "sparse", [0, 2], [1, 0], [0.25, -3.0]), ("inh", "exc", "sparse", [1], [2], [7.0])]
    assert m["exc"].tolist() == ["0.0", "0.0", "4.1"] and m["inh"].tolist() == ["12.3", "12.3"]


SUMMARY = """build_git_version: '8951ab0'
timesteps_executed: 100
total_spikes: 1234
total_messages_sent: 56
total_neurons_updated: 400
total_neurons_fired: 7
sim_time: 1.250000e-04
energy:
  synapse:4.144400e-08
  dendrite:0.000000e+00
  soma:2.912000e-08
  network: 6.216000e-09
  total: 7.678000e-08
wall_time:
  neuron_processing: 0.010000
  message_processing: 0.020000
  scheduler: 0.003000
  setup: 9223343823641.609375
  energy: 0.001500
"""


def test_run_summary_parser():
    fig = sanafe_run.summary_figures(sanafe_run.parse_summary(SUMMARY))
    # SANA-FE's `setup` entry is garbage at 8951ab0 (an unset time point) and is left out.
    assert fig["sim_wall"] == pytest.approx(0.0345)
    assert (fig["steps"], fig["synaptic_events"], fig["spikes"], fig["messages"]) == (100, 1234, 7, 56)
    assert fig["energy"] == 7.678e-08 and fig["energy_parts"]["synapse"] == 4.1444e-08
    assert fig["hardware_time"] == 1.25e-4
    with pytest.raises(sanafe_run.SummaryError, match="not a SANA-FE run summary"):
        sanafe_run.summary_figures(sanafe_run.parse_summary("timesteps_executed: 3\n"))
    with pytest.raises(sanafe_run.SummaryError, match=r"x.yaml:2: expected 'key: value'"):
        sanafe_run.parse_summary("a: 1\n- b\n", "x.yaml")
    cmd = sanafe_run.command("/s/sim", "a.yaml", "n.yaml", 10, "/o")
    assert cmd == ["/s/sim", "-N", "1", "-t", "detailed", "-o", "/o", "a.yaml", "n.yaml", "10"]


def test_cuba_neuron_conversion_reproduces_fluxons_recurrence():
    dt = 1e-4
    lif = workloads.LIF
    attrs, factor = workloads.cuba_to_loihi_lif(dt)
    assert attrs["threshold"] == pytest.approx(10e-3 * 1e6)
    assert attrs["refractory_delay"] == 51
    # The bias holds v at v_rest: bias / (1 - leak) = v_rest - v_reset = 11 mV.
    assert attrs["bias"] / (1 - attrs["leak_decay"]) == pytest.approx(11e-3 * 1e6)
    steps = 400

    def fluxon_trace(w, tau_s, steps=steps):
        # docs/models.md, lif: v <- v_rest + (v - v_rest) P_vv + i P_vx; i <- i e^{-dt/tau_s}
        p_vv = math.exp(-dt / lif["tau_m"])
        p_vx = tau_s / (tau_s - lif["tau_m"]) * (math.exp(-dt / tau_s) - p_vv)
        v, i, out = 0.0, w, []
        for _ in range(steps):
            v = v * p_vv + i * p_vx
            i *= math.exp(-dt / tau_s)
            out.append(v)
        return np.array(out)

    def sanafe_trace(w_s, steps=steps):
        # models.cpp, LoihiLifModel: u <- u·input_decay; v <- v·leak_decay; u += in; v += u
        u, v, out = 0.0, 0.0, []
        for k in range(steps):
            u *= attrs["input_decay"]
            v *= attrs["leak_decay"]
            u += w_s if k == 0 else 0.0
            v += u
            out.append(v)
        return np.array(out) / 1e6

    exc = fluxon_trace(1.62e-3, lif["tau_syn_exc"])
    np.testing.assert_allclose(sanafe_trace(1.62e-3 * factor["exc"]), exc, rtol=1e-12)
    inh_f = fluxon_trace(-9e-3, lif["tau_syn_inh"])
    inh_s = sanafe_trace(-9e-3 * factor["inh"])
    # Inhibition decays with the excitatory time constant on SANA-FE: the same total charge
    # (the sum of the response, over 2 s, where the tails are gone), not the same shape.
    total_f = fluxon_trace(-9e-3, lif["tau_syn_inh"], 20000).sum()
    total_s = sanafe_trace(-9e-3 * factor["inh"], 20000).sum()
    assert total_s == pytest.approx(total_f, rel=1e-9)
    assert inh_s.min() < inh_f.min()  # a faster, deeper dip


def test_core_addresses_follow_sanafes_tile_numbering():
    cores = {"tile": np.array(["tile(0,0)", "tile(0,0)", "tile(1,0)", "tile(0,1)", "tile(7,3)"])}
    chunks = {"population": np.array(["exc", "exc", "inh", "inh", "exc"]), "first": np.array([0, 10, 0, 5, 20]),
              "size": np.array([10, 10, 5, 5, 1]), "core": np.array([0, 1, 2, 3, 4])}
    assert workloads.core_addresses(chunks, cores) == [
        ("exc", 0, 9, "0.0"), ("exc", 10, 19, "0.1"), ("inh", 0, 4, "4.0"), ("inh", 5, 9, "1.0"),
        ("exc", 20, 20, "31.0")]


def test_energy_categories():
    parts = energy_categories.fluxon_parts(
        ["chip/core[0]/soma", "chip/core[0]/soma", "chip/core[1]/synapse", "chip/core[0]/axon_out",
         "chip/noc/link[tile(0,0)->tile(1,0)]", "chip/core[0]", "dram/channel[0]"],
        ["update_inactive", "update_active", "spike_op", "message", "hop", "static", "read"],
        [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0])
    assert parts == {"synapse": 4.0, "dendrite": 0.0, "soma": 3.0, "network": 24.0, "static": 32.0, "other": 64.0}
    assert energy_categories.sanafe_parts({"synapse": 1.0, "soma": 2.0, "network": 3.0, "dendrite": 0.5}) == {
        "synapse": 1.0, "dendrite": 0.5, "soma": 2.0, "network": 3.0, "static": 0.0, "other": 0.0}


def test_bench_without_sanafe_says_what_it_needs(tmp_path):
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, str(BENCH / "bench.py")], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "no SANA-FE build given" in done.stderr and "--sanafe DIR or SANAFE_BUILD=DIR" in done.stderr
    done = subprocess.run([sys.executable, str(BENCH / "bench.py"), "--sanafe", str(tmp_path)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 2 and f"no SANA-FE simulator at {tmp_path}/sim" in done.stderr


def test_dvs_config_expresses_a_sanafe_network_as_if_populations(tmp_path):
    (tmp_path / "net.yaml").write_text("""network:
  name: small
  groups:
    - name: 0
      attributes: {soma_hw_name: loihi_lif, threshold: 5, reset: 0, leak_decay: 0.99975585937}
      neurons:
        - {0: {bias: 0}}
        - {1: {bias: 6}}
        - {2: {bias: 2.5}}
        - {3: {bias: 6}}
    - name: 1
      attributes: {threshold: 7, reset: 0}
      neurons:
        - 0..0: {}
  edges:
  - 0 -> 1:
      type: conv2d
      input_width: 2
      input_height: 2
      input_channels: 1
      kernel_width: 2
      kernel_height: 2
      kernel_count: 1
      stride_width: 1
      stride_height: 1
      weight: [1, -2, 3, -4]
mappings:
- {'0.0': {core: '0.0'}}
""")
    text, n = workloads.dvs_config(tmp_path / "net.yaml", tmp_path, 20, preset="p.toml")
    assert n == 4
    assert '[populations.g0]\nsize = 4\nmodel = "if"\nparams = { v_th = "5 mV", v_reset = "0 mV", c_m = "1 pF" }' in text
    assert '[populations.g1]\nsize = 1\nmodel = "if"' in text and 'duration = "20 ms"' in text
    # The biases, 2.5 and 6 units a step, as currents of bias·c_m/dt on their neurons.
    assert np.load(tmp_path / "bias_0_0.npy").tolist() == [2]
    assert np.load(tmp_path / "bias_0_1.npy").tolist() == [1, 3]
    assert 'amplitude = "2.5 pA"' in text and 'amplitude = "6 pA"' in text
    assert np.load(tmp_path / "edges0_pre.npy").tolist() == [0, 1, 2, 3]
    assert np.load(tmp_path / "edges0_post.npy").tolist() == [0, 0, 0, 0]
    np.testing.assert_allclose(np.load(tmp_path / "edges0_w.npy"), [1e-3, -2e-3, 3e-3, -4e-3])
    assert 'preset = "p.toml"' in text


def test_unlimited_synapse_memory_keeps_the_costs():
    preset = ('name = "loihi"\n[capacity]\nneurons_per_core = { value = 1024, source = "a" }\n'
              'synapses_per_core = { value = 58254, source = "b" }\nfan_in_per_core = { value = 4096, source = "c" }\n'
              '[actions]\nsynapse_op = { energy = "23.6 pJ", latency = "3.5 ns", source = "d" }\n')
    out = workloads.unlimited_synapse_memory(preset)
    assert 'name = "loihi_unlimited_synapses"' in out
    assert "synapses_per_core = { value = 0, source = " in out and "fan_in_per_core = { value = 0, source = " in out
    assert 'neurons_per_core = { value = 1024, source = "a" }' in out and 'energy = "23.6 pJ"' in out
    with pytest.raises(ValueError, match="were not found"):
        workloads.unlimited_synapse_memory('name = "x"\n')


def test_cuba_export_writes_the_converted_network(tmp_path):
    dt = 1e-4
    attrs, factor = workloads.cuba_to_loihi_lif(dt)
    synapses = {"exc_inh": ("exc", "inh", "exc", np.array([0, 1]), np.array([0, 0]), np.array([1.6e-3, 1.6e-3])),
                "inh_exc": ("inh", "exc", "inh", np.array([0]), np.array([1]), np.array([-9e-3]))}
    initial = {"exc": np.array([-0.06, -0.055]), "inh": np.array([-0.05])}
    mapping = [("exc", 0, 1, "0.0"), ("inh", 0, 0, "0.1")]
    workloads.write_cuba_sanafe(tmp_path / "c.yaml", dt, {"exc": 2, "inh": 1}, synapses, initial, mapping)
    g, e, m = sanafe_network.read(tmp_path / "c.yaml")
    assert g["exc"].values("potential") == pytest.approx([0.0, 5000.0])
    assert g["inh"].defaults["leak_decay"] == attrs["leak_decay"] and g["inh"].defaults["refractory_delay"] == 51
    assert g["exc"].defaults["synapse_hw_name"] == "loihi_sparse_synapse"
    assert e[0].weights.tolist() == pytest.approx([1.6e-3 * factor["exc"]] * 2)
    assert e[1].weights.tolist() == pytest.approx([-9e-3 * factor["inh"]])
    assert m["inh"].tolist() == ["0.1"]
