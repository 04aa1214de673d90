"""DRAM address traces from Python (docs/dram.md).

fluxon.dram_trace serves a trace on a modelled memory: the device "dram" of a run without a
network, exactly as `fluxon dram` and a config of [run] and [dram] run it.
"""
import os

__all__ = ["dram_trace"]


def dram_trace(trace, preset="ddr4_3200", output=None, dt="1 ps", overwrite=False, posted_writes=None,
               write_buffer_reads=None, merge_reads=None, merge_writes=None):
    """Serves a DRAMSim3-format address trace ("<address> <READ|WRITE> <cycle>" per line) on a
    modelled memory (a shipped DRAM preset name, fluxon.dram_presets(), or a preset file) and
    returns the RunResult. Its device "dram" (result.devices["dram"], a fluxon.runfile.Device)
    holds the statistics (requests, reads, writes, row_hits, row_misses, row_conflicts,
    bandwidth and peak_bandwidth in B/s, busy_until, trace_latency_p50/p99 from arrival and
    trace_latency_from_accept_p50/p99 from entering the controller's queue, as DRAMSim3 counts,
    merged_reads, buffered_reads, merged_writes, energy_per_bit), the tables "trace" (latency
    and latency_from_accept in s per request, in trace order) and "commands", and the
    ledger. The run lasts until the last completion, rounded up to a whole dt. output: also
    write a run file (an existing one only with overwrite=True). Bad traces raise fluxon.IoError naming the file and line; unknown
    presets fluxon.ConfigError listing the shipped ones. posted_writes, write_buffer_reads,
    merge_reads, merge_writes (bool): override the preset's controller (docs/dram.md)."""
    from .network import Simulation
    settings = {"preset": os.fspath(preset), "trace": os.fspath(trace)}
    flags = {"posted_writes": posted_writes, "write_buffer_reads": write_buffer_reads,
             "merge_reads": merge_reads, "merge_writes": merge_writes}
    settings.update({k: bool(v) for k, v in flags.items() if v is not None})
    simulation = Simulation({"run": {"dt": dt}, "dram": settings})
    return simulation.run(output=None if output is None else os.fspath(output), overwrite=overwrite)
