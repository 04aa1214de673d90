"""DRAM address traces from Python (docs/dram.md).

fluxon.dram_trace serves a trace on a modelled memory: the device "dram" of a run without a
network, exactly as `fluxon dram` and a config of [run] and [dram] run it.
"""
import os

__all__ = ["dram_trace"]


def dram_trace(trace, preset="ddr4_3200", output=None, dt="1 ps", overwrite=False):
    """Serves a DRAMSim3-format address trace ("<address> <READ|WRITE> <cycle>" per line) on a
    modelled memory (a shipped DRAM preset name, fluxon.dram_presets(), or a preset file) and
    returns the RunResult. Its device "dram" (result.devices["dram"], a fluxon.runfile.Device)
    holds the statistics (requests, reads, writes, row_hits, row_misses, row_conflicts,
    bandwidth and peak_bandwidth in B/s, busy_until, trace_latency_p50/p99, energy_per_bit),
    the tables "trace" (latency in s per request, in trace order) and "commands", and the
    ledger. The run lasts until the last completion, rounded up to a whole dt. output: also
    write a run file (an existing one only with overwrite=True). Bad traces raise fluxon.IoError naming the file and line; unknown
    presets fluxon.ConfigError listing the shipped ones."""
    from .network import Simulation
    settings = {"preset": os.fspath(preset), "trace": os.fspath(trace)}
    simulation = Simulation({"run": {"dt": dt}, "dram": settings})
    return simulation.run(output=None if output is None else os.fspath(output), overwrite=overwrite)
