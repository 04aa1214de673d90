"""fluxon: event-driven simulator for neuromorphic and spiking systems."""
try:
    from ._core import *  # noqa: F401,F403  (C++ extension; absent when only analysing files)
    from ._core import __version__  # noqa: F401
    from .network import *  # noqa: F401,F403  (after _core: its Simulation adds progress bars)
    from .dram import dram_trace  # noqa: F401
    from . import nir  # noqa: F401  (NIR graphs: fluxon.nir.run, fluxon.nir.load)
    from .sweeps import sweep, SweepTable  # noqa: F401  (parameter sweeps, as `fluxon sweep`)
except ImportError as _e:  # analysis of saved runs works without the extension
    _core_import_error = _e
from . import analysis  # noqa: E402
from . import events  # noqa: E402,F401  (event-camera recordings; reading needs the extension)
from . import sfq  # noqa: E402,F401  (SFQ circuits; needs the extension only to run)
