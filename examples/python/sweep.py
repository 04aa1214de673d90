"""A small parameter sweep from Python: the CUBA network's rate against the excitatory weight
and the seed, tabulated with fluxon.analysis.format_table.

Run:  python3 examples/python/sweep.py [n_neurons]     (default 1000; the full network is 4000)

Each point builds its own Network (a Simulation runs once); nothing is written to disk.
"""
import sys

import fluxon
from fluxon import analysis

LIF = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")


def cuba(n, w_exc, seed, duration="0.5 s"):
    net = fluxon.Network(dt="0.1 ms", duration=duration, seed=seed)
    exc = net.population("exc", n * 4 // 5, "lif", **LIF)
    inh = net.population("inh", n - n * 4 // 5, "lif", **LIF)
    # A smaller network keeps the full network's 80 inputs per neuron by connecting more densely.
    p = min(1.0, 0.02 * 4000 / n)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
        pop.record_spikes()
    for pre, receptor, weight in ((exc, "exc", w_exc), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor=receptor,
                        connector=fluxon.fixed_probability(p), weight=weight, delay="0.1 ms")
    return net


def point(n, w_exc, seed):
    sim = cuba(n, w_exc, seed).build()
    result = sim.run()
    times, ids = result.spikes("exc")
    size = sim.populations["exc"]["size"]
    _, mean_cv = analysis.cv_isi(times, ids, size)
    return {"w_exc": w_exc, "seed": seed,
            "rate_exc": analysis.population_rate(times, size, 0.0, result.time_reached),
            "cv_exc": mean_cv}


def main(n):
    rows = [point(n, w, seed) for w in ("1.0 mV", "1.62 mV", "2.5 mV") for seed in (1, 2)]
    print(analysis.format_table(rows))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
