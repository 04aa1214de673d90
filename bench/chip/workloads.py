"""The networks the chip bench runs on both simulators, each written for both.

cuba  The Vogels-Abbott CUBA network (examples/cuba_loihi.toml at any N). fluxon draws the
      connectivity and places the neurons (METIS); the bench exports both, and the initial
      membrane potentials, into SANA-FE's format, so the two run the same synapses on the
      same cores. The neuron becomes SANA-FE's Loihi LIF compartment (`cuba_to_loihi_lif`).
dvs   SANA-FE's own example, the DVS-gesture CNN of its snn/dvs.yaml on arch/loihi.yaml (its
      README's Loihi example), run on SANA-FE from its file as shipped, and on fluxon as
      populations of `if` neurons joined by the synapses SANA-FE expands from the file's
      conv2d and dense blocks (`dvs_config`), mapped by fluxon's own mapper.
"""
import math
import pathlib

import numpy as np

import sanafe_network

# SANA-FE's Loihi LIF keeps potentials in units that it truncates to 1/64 every step
# (models.cpp, loihi_quantize); in microvolts that truncation is 16 nV, far below anything
# CUBA resolves, while in millivolts it would eat most of the bias.
UNITS_PER_VOLT = 1e6

LIF = dict(tau_m=20e-3, v_rest=-49e-3, v_th=-50e-3, v_reset=-60e-3, t_ref=5e-3, tau_syn_exc=5e-3,
           tau_syn_inh=10e-3)
WEIGHTS = dict(exc=1.62e-3, inh=-9e-3)


def cuba_config(n, duration, seed=1, k=80, dt=1e-4, hardware=True, extra=""):
    """The config text of CUBA with n neurons and k inputs each (p = k/n), on fluxon's Loihi."""
    n_exc = int(0.8 * n)
    p = dict(LIF)
    params = ", ".join(f'{key} = "{value * 1e3:g} {"ms" if key.startswith(("tau", "t_")) else "mV"}"'
                       for key, value in p.items())
    text = (f'[run]\ndt = "{dt * 1e3:g} ms"\nduration = "{duration:g} s"\nseed = {seed}\nthreads = 1\n\n')
    for name, size in (("exc", n_exc), ("inh", n - n_exc)):
        text += (f"[populations.{name}]\nsize = {size}\nmodel = \"lif\"\nparams = {{ {params} }}\n"
                 f"initial = {{ v = {{ uniform = [\"-60 mV\", \"-50 mV\"] }} }}\n\n")
    for pre in ("exc", "inh"):
        for post in ("exc", "inh"):
            text += (f"[projections.{pre}_{post}]\npre = \"{pre}\"\npost = \"{post}\"\nreceptor = \"{pre}\"\n"
                     f"connector = {{ type = \"fixed_probability\", p = {k / n:g} }}\n"
                     f"weight = \"{WEIGHTS[pre] * 1e3:g} mV\"\ndelay = \"{dt * 1e3:g} ms\"\n\n")
    if hardware:
        text += '[hardware]\npreset = "loihi"\nfidelity = "annotated"\nmapper = "metis"\nstep_period = "asap"\n\n'
    return text + extra


def cuba_to_loihi_lif(dt, lif=LIF):
    """SANA-FE Loihi LIF attributes (models.cpp, LoihiLifModel) for fluxon's CUBA `lif`, and the
    factors that turn a fluxon weight (V) into a SANA-FE one, per receptor.

    Potentials are counted from v_reset, so the hard reset to 0 is fluxon's reset and the leak
    towards 0 with a constant bias is the leak towards v_rest:
        SANA-FE:  u <- d u + input;  v <- L v + bias + u
        fluxon:   v <- v_rest + (v - v_rest) L + i P;  i <- d i  (+ input)
    With L = e^(-dt/tau_m), bias = (v_rest - v_reset)(1 - L), d = e^(-dt/tau_syn) and a weight
    w·P, the two are the same linear recurrence, one step apart: the excitatory path is exact.
    A compartment has one input decay, so inhibition decays with tau_syn_exc too; its weight
    is scaled to deliver the same total charge (the sum of the membrane's response), w·P_vi·
    (1 - d_exc)/(1 - d_inh). Refractoriness: SANA-FE blocks refractory_delay - 1 steps after
    the firing step, fluxon holds t_ref/dt steps from it, and SANA-FE drops the inputs that
    arrive meanwhile where fluxon's currents keep them."""
    tau_m, tau_e, tau_i = lif["tau_m"], lif["tau_syn_exc"], lif["tau_syn_inh"]
    leak = math.exp(-dt / tau_m)
    d_e, d_i = math.exp(-dt / tau_e), math.exp(-dt / tau_i)

    def propagator(tau_s):
        return tau_s / (tau_s - tau_m) * (math.exp(-dt / tau_s) - math.exp(-dt / tau_m))

    attributes = dict(
        leak_decay=leak,
        input_decay=d_e,
        bias=(lif["v_rest"] - lif["v_reset"]) * (1 - leak) * UNITS_PER_VOLT,
        threshold=(lif["v_th"] - lif["v_reset"]) * UNITS_PER_VOLT,
        reset=0.0,
        refractory_delay=int(round(lif["t_ref"] / dt)) + 1,
    )
    weight_factor = dict(exc=propagator(tau_e) * UNITS_PER_VOLT,
                         inh=propagator(tau_i) * (1 - d_e) / (1 - d_i) * UNITS_PER_VOLT)
    return attributes, weight_factor


def core_addresses(chunks, cores):
    """'tile.core' addresses in SANA-FE's Loihi (arch/loihi.yaml: 8 x 4 tiles, tile id x·4 + y,
    four cores each) for fluxon's chip tables: chunks (population, first, size, core) and cores
    (tile 'tile(x,y)', one row per used core by core id). A core's offset in its tile is its rank
    among the tile's used cores."""
    tiles = [str(t) for t in cores["tile"]]
    address, used = {}, {}
    for core_id, tile in enumerate(tiles):
        inner = tile[tile.index("(") + 1:tile.index(")")]
        x, y = (int(v) for v in inner.split(","))
        tile_id = x * 4 + y
        address[core_id] = f"{tile_id}.{used.get(tile_id, 0)}"
        used[tile_id] = used.get(tile_id, 0) + 1
    out = []
    for pop, first, size, core in zip(chunks["population"], chunks["first"], chunks["size"], chunks["core"]):
        out.append((str(pop), int(first), int(first) + int(size) - 1, address[int(core)]))
    return out


def write_cuba_sanafe(path, dt, populations, synapses, initial_v, mapping, synapse_hw="loihi_sparse_synapse"):
    """SANA-FE's file of fluxon's CUBA: populations {name: size}, synapses {projection: (pre
    population, post population, receptor, pre ids, post ids, weights in V)}, initial_v
    {population: V per neuron}, mapping as core_addresses gives it."""
    attrs, factor = cuba_to_loihi_lif(dt)
    groups = []
    for name, size in populations.items():
        group_attrs = dict(soma_hw_name="loihi_lif", synapse_hw_name=synapse_hw, log_spikes=False,
                           log_potential=False, **attrs)
        potential = (np.asarray(initial_v[name]) - LIF["v_reset"]) * UNITS_PER_VOLT
        groups.append((name, size, group_attrs, {"potential": potential}))
    edges = [(pre, post, pre_ids, post_ids, np.asarray(w) * factor[receptor])
             for pre, post, receptor, pre_ids, post_ids, w in synapses.values()]
    sanafe_network.write(path, "cuba", groups, edges, mapping)


def _name(group):
    return f"g{group}"


def unlimited_synapse_memory(preset_text):
    """fluxon's Loihi preset with SANA-FE's capacity limits: arch/loihi.yaml limits a core to
    1024 neurons and nothing else, where fluxon's preset stores every synapse as one entry
    (58 254 per core) and takes 4096 presynaptic neurons per core. Loihi's convolutional
    synapses share their weights, which fluxon does not model, so the DVS CNN's 3.56 M
    synapses need 212 cores of 128 under fluxon's limits. Costs are unchanged."""
    import re
    reason = ('"bench/chip: unlimited, as in SANA-FE arch/loihi.yaml, which bounds only neurons per '
              'core; Loihi conv synapses share weights"')
    text, n = re.subn(r'(?m)^(synapses_per_core|fan_in_per_core) = \{ value = \d+, source = "[^"]*" \}',
                      lambda m: f"{m.group(1)} = {{ value = 0, source = {reason} }}", preset_text)
    if n != 2:
        raise ValueError("the loihi preset's synapses_per_core and fan_in_per_core lines were not found")
    return re.sub(r'(?m)^name = "loihi"', 'name = "loihi_unlimited_synapses"', text)


def dvs_config(sanafe_file, out_dir, steps, preset="loihi", dt=1e-3, hardware=True):
    """fluxon's config for a SANA-FE network of Loihi LIF groups (snn/dvs.yaml), and the
    synapse count. One SANA-FE potential unit is 1 mV; the groups' leak_decay (0.99976 in
    dvs.yaml, there only because Loihi cannot integrate without leak, as the file says) is left
    out: `if` neurons integrate exactly, with v += w per input and the bias as a constant
    current of bias·c_m/dt. Its arrays go to out_dir as .npy files."""
    groups, edges, _ = sanafe_network.read(sanafe_file)
    out_dir = pathlib.Path(out_dir)
    c_m = 1e-12
    text = f'[run]\ndt = "{dt * 1e3:g} ms"\nduration = "{steps * dt * 1e3:g} ms"\nseed = 1\nthreads = 1\n\n'
    for name, g in groups.items():
        thresholds = set(g.values("threshold", 0.0))
        resets = set(g.values("reset", 0.0))
        if len(thresholds) != 1 or len(resets) != 1:
            raise ValueError(f"group {name}: per-neuron thresholds or resets are not expressed here")
        v_th, v_reset = thresholds.pop(), resets.pop()
        if g.defaults.get("input_decay", 0.0) not in (0, 0.0, None):
            raise ValueError(f"group {name}: input_decay is not expressed with `if` neurons")
        text += (f"[populations.{_name(name)}]\nsize = {g.size}\nmodel = \"if\"\n"
                 f"params = {{ v_th = \"{float(v_th):g} mV\", v_reset = \"{float(v_reset):g} mV\", "
                 f"c_m = \"{c_m * 1e12:g} pF\" }}\n\n")
        biases = np.asarray(g.values("bias", 0.0), dtype=np.float64)
        for k, value in enumerate(sorted(set(biases[biases != 0].tolist()))):
            ids = np.flatnonzero(biases == value)
            ids_file = out_dir / f"bias_{name}_{k}.npy"
            np.save(ids_file, ids.astype(np.int64))
            amplitude_pa = value * (c_m * 1e12) / (dt * 1e3)  # mV · pF / ms = pA
            text += (f"[currents.bias_{name}_{k}]\ntarget = \"{_name(name)}\"\n"
                     f"ids = {{ file = \"{ids_file.name}\" }}\namplitude = \"{amplitude_pa:.17g} pA\"\n\n")
    synapses = 0
    for k, e in enumerate(edges):
        stem = out_dir / f"edges{k}"
        np.save(f"{stem}_pre.npy", e.pre_ids)
        np.save(f"{stem}_post.npy", e.post_ids)
        np.save(f"{stem}_w.npy", e.weights * 1e-3)
        synapses += len(e.weights)
        text += (f"[projections.e{k}_{_name(e.pre)}_{_name(e.post)}]\npre = \"{_name(e.pre)}\"\n"
                 f"post = \"{_name(e.post)}\"\nreceptor = \"in\"\n"
                 f"connector = {{ type = \"explicit\", pre = {{ file = \"edges{k}_pre.npy\" }}, "
                 f"post = {{ file = \"edges{k}_post.npy\" }} }}\nweight = {{ file = \"edges{k}_w.npy\" }}\n\n")
    if hardware:
        text += (f'[hardware]\npreset = "{preset}"\nfidelity = "annotated"\nmapper = "metis"\n'
                 'step_period = "asap"\n\n')
    return text, synapses
