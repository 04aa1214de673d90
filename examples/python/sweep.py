"""A small parameter sweep from Python: the CUBA network's rates against the excitatory weight
(on both excitatory projections at once: linked keys) and the seed, with fluxon.sweep.

Run:  python3 examples/python/sweep.py [n_neurons]     (default 1000; the full network is 4000)

fluxon.sweep checks every grid point before the first runs, runs them in parallel and returns
a table of numpy arrays; nothing is written to disk (pass directory=... for run files and the
sweep's index.h5). The numbers are those `fluxon sweep` gives for the same grid.
"""
import sys

import fluxon
from fluxon import analysis

LIF = dict(tau_m="20 ms", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV", t_ref="5 ms",
           tau_syn_exc="5 ms", tau_syn_inh="10 ms")


def cuba(n, duration="0.5 s"):
    net = fluxon.Network(dt="0.1 ms", duration=duration)
    exc = net.population("exc", n * 4 // 5, "lif", **LIF)
    inh = net.population("inh", n - n * 4 // 5, "lif", **LIF)
    # A smaller network keeps the full network's 80 inputs per neuron by connecting more densely.
    p = min(1.0, 0.02 * 4000 / n)
    for pop in (exc, inh):
        pop.initialize(v=fluxon.uniform("-60 mV", "-50 mV"))
    for pre, receptor, weight in ((exc, "exc", "1.62 mV"), (inh, "inh", "-9 mV")):
        for post in (exc, inh):
            net.project(f"{pre.name}_{post.name}", pre, post, receptor=receptor,
                        connector=fluxon.fixed_probability(p), weight=weight, delay="0.1 ms")
    return net


def main(n):
    weights = ["1.0 mV", "1.62 mV", "2.5 mV"]
    table = fluxon.sweep(cuba(n), {"projections.exc_exc.weight": weights,
                                   "projections.exc_inh.weight": weights,
                                   "run.seed": [1, 2]},
                         link=["projections.exc_exc.weight", "projections.exc_inh.weight"])
    rows = [{"w_exc": table.given["projections.exc_exc.weight"][i], "seed": int(table["run.seed"][i]),
             "rate_exc": float(table["rate/exc"][i]), "rate_inh": float(table["rate/inh"][i]),
             "synaptic_events": int(table["synaptic_events"][i])} for i in range(table.points)]
    print(analysis.format_table(rows))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
