"""The two models' energies in common categories.

SANA-FE reports its energy split by pipeline unit (run_summary.yaml: synapse, dendrite, soma,
network, where network holds the axon-in and axon-out units and the NoC hops). fluxon's ledger
has one row per component and action (docs/hardware.md, The ledger). Both are put in:

  synapse   synaptic ops                    fluxon chip/core[c]/synapse
  dendrite  dendritic updates               (none in fluxon's chip)
  soma      neuron updates and spike out    fluxon chip/core[c]/soma
  network   messages out and in, NoC hops   fluxon chip/core[c]/axon_out, axon_in, chip/noc/...,
                                            chip/array_port[...]
  static    leakage of the used cores       fluxon chip/core[c] static (SANA-FE has none)
  other     anything else (DRAM, crossbar arrays beside the chip)
"""

CATEGORIES = ("synapse", "dendrite", "soma", "network", "static", "other")


def fluxon_category(component, action):
    if action == "static" and component.startswith("chip/"):
        return "static"
    if not component.startswith("chip/"):
        return "other"
    last = component.rsplit("/", 1)[-1]
    unit = last.split("[", 1)[0]
    if unit == "synapse":
        return "synapse"
    if unit == "soma":
        return "soma"
    if unit in ("axon_out", "axon_in", "link", "array_port") or component.startswith("chip/noc/"):
        return "network"
    return "other"


def fluxon_parts(components, actions, energies):
    out = {c: 0.0 for c in CATEGORIES}
    for component, action, energy in zip(components, actions, energies):
        out[fluxon_category(component, action)] += float(energy)
    return out


def sanafe_parts(energy):
    """SANA-FE's run-summary energy block (without 'total') in the categories."""
    out = {c: 0.0 for c in CATEGORIES}
    for key, value in energy.items():
        out[key if key in out else "other"] += float(value)
    return out
