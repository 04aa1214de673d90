"""An SFQ neuromorphic XOR network built in Python: the network of examples/sfq/xor_network.toml
(stochastic synapses weighted by bias current, merger trees, integrate-and-fire neurons),
run once per input pattern.

Run:  python3 examples/python/sfq_xor.py [seed]

Prints, per input pattern, the output pulse rate and the class it decodes to, then the energy
of one classification at 4 K and at the wall plug (with the cryocooler).
"""
import sys

from fluxon import sfq

PERIOD = 50e-12   # an active input: a pulse every 50 ps (20 GHz)
PULSES = 40       # for 2 ns
WINDOW = PERIOD * PULSES
THRESHOLD_RATE = 2.5e9  # output pulses per second above which the class is 1


def xor_net():
    """Two hidden neurons (OR-like, AND-like with a leak) and an output neuron."""
    net = sfq.Subcircuit(inputs=["a", "b", "leak"], outputs=["q"])
    for name in ("sa", "sb"):
        net.add(name, "splitter")
    # Weights are bias currents: 73 uA passes 93% of fluxons, 75 uA 99.4%.
    for name, bias in (("wa_or", 73e-6), ("wb_or", 73e-6), ("wa_and", 75e-6), ("wb_and", 75e-6), ("w_out", 73e-6)):
        net.add(name, "synapse", bias=bias)
    net.add("m_or", "merger")
    net.add("m_and", "merger")
    net.add("h_or", "neuron", threshold=1)
    net.add("h_and", "neuron", threshold=2, inh_weight=1)
    net.add("out", "neuron", threshold=4, inh_weight=8)
    for src, dst in (("a", "sa.a"), ("b", "sb.a"), ("sa.l", "wa_or.a"), ("sa.r", "wa_and.a"),
                     ("sb.l", "wb_or.a"), ("sb.r", "wb_and.a"), ("wa_or.q", "m_or.a"), ("wb_or.q", "m_or.b"),
                     ("m_or.q", "h_or.exc"), ("wa_and.q", "m_and.a"), ("wb_and.q", "m_and.b"),
                     ("m_and.q", "h_and.exc"), ("leak", "h_and.inh"), ("h_or.q", "w_out.a"),
                     ("w_out.q", "out.exc"), ("h_and.q", "out.inh"), ("out.q", "q")):
        net.connect(src, dst)
    net.open("h_or.inh")
    return net


def classify(a, b, seed=2024, output=None):
    """Runs the network on input pattern (a, b); returns the sfq.Result."""
    c = sfq.Circuit(seed=seed, policy="record")
    c.define("xor_net", xor_net())
    c.add("net", circuit="xor_net")
    # Rate coding: 1 is a 20 GHz train, 0 is silence; b is offset by half a period so the
    # mergers never see coincident pulses.
    c.input("a", times=[i * PERIOD for i in range(PULSES)] if a else [])
    c.input("b", times=[i * PERIOD + PERIOD / 2 for i in range(PULSES)] if b else [])
    c.input("leak", period=40e-12, start=10e-12, count=50)
    for pin in ("a", "b", "leak"):
        c.connect(pin, f"net.{pin}")
    c.output("q", "net.q")
    return c.run(output=output)


def main(seed=2024):
    results = {}
    print(f"{'a':>2} {'b':>2} {'pulses':>7} {'rate (GHz)':>11} {'class':>6}")
    for a in (0, 1):
        for b in (0, 1):
            r = classify(a, b, seed)
            rate = r.rate("q", WINDOW)
            results[(a, b)] = r
            print(f"{a:>2} {b:>2} {len(r.outputs['q']):>7} {rate / 1e9:>11.2f} {int(rate > THRESHOLD_RATE):>6}")
    chip = sum(r.energy["chip"] for r in results.values()) / 4
    wall = sum(r.energy["wall_plug"] for r in results.values()) / 4
    print(f"energy per classification: {chip * 1e15:.2f} fJ at 4 K, {wall * 1e12:.2f} pJ at the wall plug")
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2024)
