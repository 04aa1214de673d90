"""The Vogels-Abbott CUBA network from Python; the same network as examples/cuba.toml.

Run:  python3 examples/python/cuba.py [run_file]      (default cuba_py.h5; replaced if it exists)

`fluxon run examples/cuba.toml` and this script give bit-identical spikes: both describe
the same experiment, and the seed fixes connectivity and initial state.
"""
import sys

import fluxon
from fluxon import analysis

LIF = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")


def build(n_exc=3200, n_inh=800, duration="1 s", seed=1):
    net = fluxon.Network(dt="0.1 ms", duration=duration, seed=seed, threads=1)
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
    exc.record("v", ids=[0, 1, 2, 3, 4], interval="1 ms")
    return net


def main(output):
    sim = build().build()
    result = sim.run(output=output, progress=True, overwrite=True)
    for name, pop in sim.populations.items():
        times, _ = result.spikes(name)
        rate = analysis.population_rate(times, pop["size"], 0.0, result.time_reached)
        print(f"{name}: {len(times)} spikes, mean rate {rate:.2f} Hz")
    print(f"wrote {output} ({result.status}, {result.wall_time:.2f} s wall)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "cuba_py.h5")
