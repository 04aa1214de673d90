"""SANA-FE's mapped-network description (its YAML format, snn/README.md of SANA-FE), both ways.

Reading expands a file into plain arrays, what fluxon's explicit connectors take: per group its
size and per-neuron attributes, per edge block the (pre, post, weight) of every synapse, with
SANA-FE's own expansion of conv2d, dense and sparse blocks (channels-first neuron order,
filters laid out [y][x][input channel][kernel], no padding), and the mapping of neurons to
cores. Writing produces a file SANA-FE reads, from the same arrays.
"""
import re

import numpy as np

import yaml


class NetworkFileError(ValueError):
    pass


_RANGE = re.compile(r"^(\d+)(?:\.\.(\d+))?$")


def _ids(text, source):
    m = _RANGE.match(str(text).strip())
    if not m:
        raise NetworkFileError(f"{source}: expected a neuron id or range 'a..b', got {text!r}")
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) is not None else first
    if last < first:
        raise NetworkFileError(f"{source}: empty range {text!r}")
    return first, last


def attributes(value):
    """An attribute block as one dict: SANA-FE takes a mapping or a list of single-pair mappings;
    the unit-specific sections (soma, synapse, dendrite) are merged in, as they reach their unit."""
    if value is None:
        return {}
    items = value.items() if isinstance(value, dict) else (
        kv for entry in value for kv in (entry.items() if isinstance(entry, dict) else [(entry, None)]))
    out = {}
    for key, v in items:
        if key in ("soma", "synapse", "dendrite") and isinstance(v, (dict, list)):
            out.update(attributes(v))
        else:
            out[key] = v
    return out


class Group:
    def __init__(self, name, size, defaults, per_neuron):
        self.name, self.size, self.defaults, self.per_neuron = name, size, defaults, per_neuron

    def values(self, key, default=None):
        """One value per neuron: the neuron's own, else the group's, else default."""
        base = self.defaults.get(key, default)
        out = [base] * self.size
        for i, attrs in self.per_neuron.items():
            if key in attrs:
                out[i] = attrs[key]
        return out


class Edges:
    def __init__(self, pre, post, pre_ids, post_ids, weights, kind):
        self.pre, self.post, self.kind = pre, post, kind
        self.pre_ids = np.asarray(pre_ids, dtype=np.int64)
        self.post_ids = np.asarray(post_ids, dtype=np.int64)
        self.weights = np.asarray(weights, dtype=np.float64)


def conv2d(params, n_pre, n_post, weights, source):
    """SANA-FE's conv2d block as synapse arrays (network.cpp, connect_neurons_conv2d)."""
    get = lambda k: int(params[k])
    try:
        w_in, h_in, c_in = get("input_width"), get("input_height"), get("input_channels")
        kw, kh, kc = get("kernel_width"), get("kernel_height"), get("kernel_count")
        sw, sh = get("stride_width"), get("stride_height")
    except KeyError as e:
        raise NetworkFileError(f"{source}: conv2d block without {e.args[0]}") from None
    w_out, h_out = (w_in - kw) // sw + 1, (h_in - kh) // sh + 1
    if n_pre != c_in * w_in * h_in or n_post != kc * w_out * h_out:
        raise NetworkFileError(f"{source}: conv2d of {c_in}x{h_in}x{w_in} -> {kc}x{h_out}x{w_out} "
                               f"needs {c_in * w_in * h_in} -> {kc * w_out * h_out} neurons, "
                               f"the groups have {n_pre} -> {n_post}")
    if len(weights) != kh * kw * c_in * kc:
        raise NetworkFileError(f"{source}: conv2d needs {kh * kw * c_in * kc} weights, got {len(weights)}")
    co, yo, xo, ci, ky, kx = np.meshgrid(np.arange(kc), np.arange(h_out), np.arange(w_out), np.arange(c_in),
                                         np.arange(kh), np.arange(kw), indexing="ij")
    post = (co * h_out + yo) * w_out + xo
    pre = (ci * h_in + yo * sh + ky) * w_in + xo * sw + kx
    filt = ((ky * kw + kx) * c_in + ci) * kc + co
    w = np.asarray(weights, dtype=np.float64)[filt.ravel()]
    return pre.ravel(), post.ravel(), w


def _edge_blocks(name, value, groups, source):
    where = f"{source}: edge {name!r}"
    m = re.match(r"^\s*(.+?)\s*->\s*(.+?)\s*$", str(name))
    if not m:
        raise NetworkFileError(f"{where}: expected 'pre -> post'")
    params = attributes(value)
    pre_g, post_g = m.group(1), m.group(2)
    if pre_g in groups and post_g in groups:
        n_pre, n_post = groups[pre_g].size, groups[post_g].size
        kind = params.get("type", "dense")
        weights = params.get("weight", params.get("w"))
        if kind == "conv2d":
            pre, post, w = conv2d(params, n_pre, n_post, weights or [], where)
        elif kind == "dense":
            weights = np.broadcast_to(np.asarray(weights, dtype=np.float64), (n_pre * n_post,))
            pre, post = np.divmod(np.arange(n_pre * n_post), n_post)
            w = weights
        elif kind == "sparse":
            pairs = np.asarray(params.get("source_target_pairs", []), dtype=np.int64).reshape(-1, 2)
            pre, post = pairs[:, 0], pairs[:, 1]
            w = np.broadcast_to(np.asarray(weights, dtype=np.float64), (len(pre),))
        else:
            raise NetworkFileError(f"{where}: edge type {kind!r} is not one the bench expands "
                                   "(conv2d, dense, sparse)")
        return Edges(pre_g, post_g, pre, post, w, kind)
    # A single synapse, "g.i -> h.j"
    try:
        (pg, pi), (qg, qi) = (s.rsplit(".", 1) for s in (pre_g, post_g))
        pi, qi = int(pi), int(qi)
    except ValueError:
        raise NetworkFileError(f"{where}: neither two groups nor 'group.id -> group.id'") from None
    if pg not in groups or qg not in groups:
        raise NetworkFileError(f"{where}: unknown group")
    return Edges(pg, qg, [pi], [qi], [float(params.get("weight", params.get("w", 1.0)))], "single")


def read(path):
    """(groups by name in file order, edge blocks merged per (pre, post) in file order, mapping)
    where mapping maps a group name to an int array of core addresses 'tile.core' per neuron."""
    source = str(path)
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except yaml.YAMLError as e:
        raise NetworkFileError(f"{source}: not YAML SANA-FE reads: {e}") from None
    if not isinstance(doc, dict) or "network" not in doc:
        raise NetworkFileError(f"{source}: no 'network' section")
    net = doc["network"]
    groups = {}
    for g in net.get("groups") or []:
        name = str(g["name"])
        per_neuron, size = {}, 0
        for entry in g.get("neurons") or []:
            if isinstance(entry, dict):
                (ids, attrs), = entry.items()
            else:
                ids, attrs = entry, None
            first, last = _ids(ids, f"{source}: group {name!r}")
            size = max(size, last + 1)
            a = attributes(attrs)
            if a:
                for i in range(first, last + 1):
                    per_neuron.setdefault(i, {}).update(a)
        groups[name] = Group(name, size, attributes(g.get("attributes")), per_neuron)
    edges = []
    for entry in net.get("edges") or []:
        (name, value), = entry.items()
        edges.append(_edge_blocks(name, value, groups, source))
    mapping = {name: np.full(g.size, "", dtype=object) for name, g in groups.items()}
    for entry in doc.get("mappings") or []:
        (target, attrs), = entry.items()
        m = re.match(r"^(.*?)\.(\d+(?:\.\.\d+)?)$", str(target))
        gname, ids = (m.group(1), m.group(2)) if m and m.group(1) in groups else (str(target), None)
        if gname not in groups:
            raise NetworkFileError(f"{source}: mapping of unknown group {target!r}")
        core = str(attributes(attrs).get("core"))
        if ids is None:
            mapping[gname][:] = core
        else:
            first, last = _ids(ids, f"{source}: mapping {target!r}")
            mapping[gname][first:last + 1] = core
    return groups, edges, mapping


def _fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _flow_map(d):
    return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in d.items()) + "}"


def write(path, name, groups, edges, mapping):
    """Writes a SANA-FE network file.

    groups: list of (name, size, group attributes dict, per-neuron attributes {attr: array} or {})
    edges: list of (pre group, post group, pre ids, post ids, weights): sparse blocks
    mapping: list of (group, first, last, 'tile.core'): consecutive neurons on one core
    """
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"network:\n  name: {name}\n  groups:\n")
        for gname, size, attrs, per_neuron in groups:
            f.write(f"    - name: {gname}\n      attributes: {_flow_map(attrs)}\n      neurons:\n")
            if per_neuron:
                columns = list(per_neuron.items())
                for i in range(size):
                    f.write(f"        - {i}: {_flow_map({k: float(col[i]) for k, col in columns})}\n")
            else:
                f.write(f"        - 0..{size - 1}: {{}}\n")
        f.write("  edges:\n")
        for pre, post, pre_ids, post_ids, weights in edges:
            pairs = ", ".join(f"[{a}, {b}]" for a, b in zip(pre_ids.tolist(), post_ids.tolist()))
            w = ", ".join(repr(float(x)) for x in weights)
            f.write(f"    - {pre} -> {post}:\n        type: sparse\n"
                    f"        source_target_pairs: [{pairs}]\n        weight: [{w}]\n")
        f.write("mappings:\n")
        for gname, first, last, core in mapping:
            f.write(f"  - {gname}.{first}..{last}: {{core: '{core}'}}\n")
