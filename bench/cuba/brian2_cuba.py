#!/usr/bin/python3
"""The CUBA network in Brian2, for side-by-side timing against fluxon (bench/cuba/bench.py).

Same model as examples/cuba.toml: LIF with exponential current synapses, exact integration,
dt = 0.1 ms, p = K/N, weights 1.62 mV / -9 mV. Prints one JSON line: simulation-loop wall time
as Brian2 measures it (device._last_run_time), spike and synaptic-event counts.
"""
import argparse
import json
import os
import shutil
import tempfile
import time

EQUATIONS = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""


def namespace(b2):
    """The constants of CUBA (examples/cuba.toml), as Brian2 quantities."""
    ms, mV = b2.ms, b2.mV
    return dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, El=-49 * mV, Vt=-50 * mV, Vr=-60 * mV)


def build(b2, n, we, wi, delay=None):
    """CUBA in Brian2 in the current device: the group and its two Synapses, not yet connected
    (connect them with Brian2's own connect). delay None keeps Brian2's default of none. Used by
    this script and by tests/python/test_brian2.py, which gives both simulators the same synapses."""
    ns = namespace(b2)
    group = b2.NeuronGroup(n, EQUATIONS, threshold="v>Vt", reset="v = Vr", refractory=5 * b2.ms,
                           method="exact", namespace=ns)
    syn_kwargs = {} if delay is None else {"delay": delay}
    exc = b2.Synapses(group, group, on_pre="ge += we", namespace={"we": we}, **syn_kwargs)
    inh = b2.Synapses(group, group, on_pre="gi += wi", namespace={"wi": wi}, **syn_kwargs)
    return group, exc, inh


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--N", type=int, required=True)
    parser.add_argument("--K", type=float, default=80.0)
    parser.add_argument("--duration", type=float, required=True, help="biological seconds")
    parser.add_argument("--target", default="cpp_standalone", choices=["cpp_standalone", "cython", "numpy"])
    parser.add_argument("--delay", type=float, default=0.0, help="synaptic delay in ms (0: Brian2's default)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t_start = time.time()
    import brian2 as b2  # noqa: E402

    build_dir = None
    if args.target == "cpp_standalone":
        build_dir = tempfile.mkdtemp(prefix="fluxon_bench_brian2_")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    else:
        b2.prefs.codegen.target = args.target
    b2.seed(args.seed)

    ms, mV = b2.ms, b2.mV
    b2.defaultclock.dt = 0.1 * ms
    scale = 80.0 / args.K
    group, exc, inh = build(b2, args.N, scale * 1.62 * mV, scale * -9 * mV,
                            delay=args.delay * ms if args.delay > 0 else None)
    group.v = "Vr + rand() * (Vt - Vr)"
    n_exc = int(0.8 * args.N)
    exc.connect(f"i<{n_exc}", p=args.K / args.N)
    inh.connect(f"i>={n_exc}", p=args.K / args.N)
    counter = b2.SpikeMonitor(group, record=False)
    b2.run(args.duration * b2.second, namespace=namespace(b2))

    compile_s = None
    if build_dir:
        t0 = time.time()
        b2.device.build(directory=build_dir, compile=True, run=False, with_output=False)
        compile_s = time.time() - t0
        b2.device.run(build_dir, with_output=False, run_args=[])

    import numpy as np  # noqa: E402

    counts = np.asarray(counter.count[:], dtype=np.int64)
    out_degree = (np.bincount(np.asarray(exc.i[:]), minlength=args.N)
                  + np.bincount(np.asarray(inh.i[:]), minlength=args.N)).astype(np.int64)
    result = dict(simulator="brian2", target=args.target, N=args.N, K=args.K, duration=args.duration,
                  sim_wall=float(b2.device._last_run_time), compile=compile_s,
                  spikes=int(counts.sum()), synapses=int(out_degree.sum()),
                  synaptic_events=int((counts * out_degree).sum()), script_wall=time.time() - t_start,
                  brian2=b2.__version__)
    print(json.dumps(result))
    if build_dir:
        shutil.rmtree(build_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
