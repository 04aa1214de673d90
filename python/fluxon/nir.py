"""NIR graphs (the Neuromorphic Intermediate Representation) run in fluxon; docs/nir.md.

    out = fluxon.nir.run("model.nir", x, dt=1e-4)        # x: [steps, *input_shape]
    out["output"]                                         # [steps, *output_shape]

    net = fluxon.nir.load("model.nir", x, dt=1e-4)        # a Network: add devices, record more
    result = net.build().run(output="run.h5")

The graph is imported by the C++ core (the same code as a config file's [nir] section): each
node becomes a layer named as the node, nested graphs are inlined as "<graph>.<node>".
"""
import numpy as np

from . import _core
from .network import Network

__all__ = ["load", "run", "output_names", "save"]


def output_names(path):
    """The names of the Output nodes of the graph's top level, in the file's order."""
    import h5py
    with h5py.File(path, "r") as f:
        nodes = f["node"]["nodes"]
        names = []
        for name in nodes:
            kind = nodes[name]["type"][()]
            if (kind.decode() if isinstance(kind, bytes) else str(kind)) == "Output":
                names.append(name)
        return names


def load(path, input, dt, integration="euler", reset="hard", steps_per_sample=None, duration=None, seed=1,
         threads=1):
    """A Network holding the graph's layers, fed `input` (an array [steps, *shape], or a dict
    from Input node names to such arrays); without a duration it runs as many steps as the
    input has rows. dt is a number of seconds or a string with a unit ("0.1 ms"); NIR files do
    not say which dt they were trained with (docs/nir.md lists each exporter's)."""
    net = Network(dt=dt, duration=duration, seed=seed, threads=threads)
    return net.nir(path, input, integration=integration, reset=reset, steps_per_sample=steps_per_sample)


def _shape(text):
    inner = text.strip()[1:-1].strip()
    return tuple(int(d) for d in inner.split(",")) if inner else ()


def run(path, input, dt, integration="euler", reset="hard", steps_per_sample=None, output=None, overwrite=False):
    """Runs the graph on `input` ([steps, *shape], or a dict by Input node) and returns a dict
    from each Output node's name to an array [steps, *output_shape]: 1.0 where a spiking node
    fired, the value of v for LI, CubaLI and I nodes, 0 elsewhere (no event). `output` also
    writes the run file (an existing one only with overwrite=True)."""
    arrays = input if isinstance(input, dict) else {None: input}
    steps = max(np.shape(a)[0] for a in arrays.values())
    net = load(path, input, dt, integration=integration, reset=reset, steps_per_sample=steps_per_sample)
    sim = net.build()
    result = sim.run(output=output, overwrite=overwrite)
    table = result.layers["tables"]["layers"]
    shapes = dict(zip(table["name"], table["shape"]))
    outputs = {}
    for name in output_names(path):
        shape = _shape(shapes[name])
        dense = np.zeros((steps, int(np.prod(shape, dtype=np.int64))))
        times, ids, values = result.layer_events(name)
        rows = np.rint(np.asarray(times) / sim.dt).astype(np.int64)
        dense[rows, ids] = values
        outputs[name] = dense.reshape((steps,) + shape)
    return outputs


def save(network, path):
    """Writes the layers of `network` (a Network: its net.layer(...) layers and the graph of its
    net.nir(...)) to `path` as a NIR file that NIR's own reader opens (docs/nir.md, "Export").
    Input layers become Input nodes of their data's per-step shape (the data is not written);
    an identity layer nothing takes becomes an Output node, and any other layer nothing takes
    gets one named "output_<layer>". A kind NIR cannot express (relu, sign, requantize,
    max_pool2d, if, lif, threshold with strict=0, a subtractive reset) raises NetworkError
    naming the layer; the description is checked as build() checks it."""
    import os
    _core.save_nir(network.description(), os.fspath(path))
