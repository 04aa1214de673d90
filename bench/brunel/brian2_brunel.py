#!/usr/bin/python3
"""The Brunel (2000) balanced network in Brian2, for side-by-side timing against fluxon
(bench/brunel/bench.py).

Model A of Brunel (2000), J. Comput. Neurosci. 8:183, in its asynchronous irregular regime
(g = 5, eta = 2): N_E = 0.8 N excitatory and N_I = 0.2 N inhibitory LIF neurons (tau_m = 20 ms,
threshold 20 mV, reset 10 mV, refractory 2 ms, rest 0), connection probability 0.1 from every
population, delay 1.5 ms, inhibitory weight -g J, and each neuron driven by an external Poisson
train of C_E eta nu_thr (nu_thr = theta / (J C_E tau_m)). Brunel's synapses are voltage jumps;
fluxon's LIF has exponential current synapses, so both simulators here use currents with
tau_syn = 0.5 ms and a weight J tau_m / tau_syn, which puts the same charge into the membrane
(the PSP area of Brunel's jump J). Prints one JSON line like brian2_cuba.py; its synaptic
events are the recurrent ones (spikes times out-degree), without the external drive.
"""
import argparse
import json
import shutil
import tempfile
import time

EQUATIONS = """
dv/dt  = (ge+gi-v)/taum : volt (unless refractory)
dge/dt = -ge/taus : volt
dgi/dt = -gi/taus : volt
"""

J_MV, G, ETA, EPSILON, DELAY_MS, TAU_M_MS, TAU_S_MS, THETA_MV, RESET_MV, T_REF_MS = (
    0.1, 5.0, 2.0, 0.1, 1.5, 20.0, 0.5, 20.0, 10.0, 2.0)


def external_rate_hz(n):
    """C_E eta nu_thr, the rate of each neuron's external Poisson drive."""
    c_e = EPSILON * int(0.8 * n)
    nu_thr = THETA_MV / (J_MV * c_e * TAU_M_MS * 1e-3)
    return c_e * ETA * nu_thr


def weights_mv():
    """Excitatory and inhibitory current jumps that carry Brunel's charge J tau_m."""
    w = J_MV * TAU_M_MS / TAU_S_MS
    return w, -G * w


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--N", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True, help="biological seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t_start = time.time()
    import brian2 as b2  # noqa: E402

    build_dir = tempfile.mkdtemp(prefix="fluxon_bench_brunel_")
    b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    b2.seed(args.seed)
    ms, mV, Hz = b2.ms, b2.mV, b2.Hz
    b2.defaultclock.dt = 0.1 * ms
    ns = dict(taum=TAU_M_MS * ms, taus=TAU_S_MS * ms)
    group = b2.NeuronGroup(args.N, EQUATIONS, threshold=f"v>{THETA_MV}*mV", reset=f"v={RESET_MV}*mV",
                           refractory=T_REF_MS * ms, method="exact", namespace=ns)
    group.v = f"rand() * {THETA_MV}*mV"
    n_exc = int(0.8 * args.N)
    we, wi = weights_mv()
    exc = b2.Synapses(group, group, on_pre="ge += we", delay=DELAY_MS * ms, namespace={"we": we * mV})
    inh = b2.Synapses(group, group, on_pre="gi += wi", delay=DELAY_MS * ms, namespace={"wi": wi * mV})
    exc.connect(f"i<{n_exc}", p=EPSILON)
    inh.connect(f"i>={n_exc}", p=EPSILON)
    # C_E external inputs at eta nu_thr each: Brian2 and fluxon ([drives]) draw their binomial
    # count per neuron and step.
    c_e = int(EPSILON * n_exc)
    # Kept referenced: Brian2's run collects the objects that are alive, through weak references.
    drive = b2.PoissonInput(group, "ge", N=c_e, rate=external_rate_hz(args.N) / c_e * Hz, weight=we * mV)
    counter = b2.SpikeMonitor(group, record=False)
    b2.run(args.duration * b2.second, namespace=ns)
    t0 = time.time()
    b2.device.build(directory=build_dir, compile=True, run=False, with_output=False)
    compile_s = time.time() - t0
    b2.device.run(build_dir, with_output=False, run_args=[])

    import numpy as np  # noqa: E402

    counts = np.asarray(counter.count[:], dtype=np.int64)
    out_degree = (np.bincount(np.asarray(exc.i[:]), minlength=args.N)
                  + np.bincount(np.asarray(inh.i[:]), minlength=args.N)).astype(np.int64)
    result = dict(simulator="brian2", target="cpp_standalone", N=args.N, duration=args.duration,
                  sim_wall=float(b2.device._last_run_time), compile=compile_s,
                  spikes=int(counts.sum()), synapses=int(out_degree.sum()),
                  synaptic_events=int((counts * out_degree).sum()), script_wall=time.time() - t_start,
                  brian2=b2.__version__)
    print(json.dumps(result))
    shutil.rmtree(build_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
