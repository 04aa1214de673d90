"""Running SANA-FE's standalone simulator (`sim`) and reading what it reports.

`sim [flags] <arch.yaml> <network.yaml> <timesteps>` prints its run summary and writes the same
to run_summary.yaml in its output directory (-o). The summary's lines are `key: value`, with a
nested block for energy and wall_time, and SANA-FE writes the energy entries without a space
after the colon (`synapse:1.2e-05`), which is not a YAML mapping: this reader takes any
`key:value` line, so it reads both.
"""
import os
import pathlib
import re

_LINE = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*?)\s*$")

# The simulation loop as SANA-FE times it: the sum of its wall_time entries (chip.cpp,
# update_simulator_timings). Loading the architecture and network, mapping and writing
# the summary are outside them. Its `setup` entry (clearing each step's buffers) is left out:
# at commit 8951ab0 its end is a time point that is never set (sim_hw_timestep sets a local
# setup_end_tm, not sim_timings.setup_end_tm, which stays TimePoint::min()), so the
# difference overflows and reads about 9.2e12 s; the work it stands for is small and falls
# into the process's wall time, so into set-up here.
WALL_TIME_PARTS = ("neuron_processing", "message_processing", "scheduler", "energy")


class SummaryError(ValueError):
    pass


def _number(text):
    text = text.strip().strip("'\"")
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def parse_summary(text, source="run_summary.yaml"):
    """The summary as a dict; nested blocks (energy, wall_time) as dicts."""
    out, block, block_indent = {}, None, None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise SummaryError(f"{source}:{number}: expected 'key: value', got {line.strip()[:60]!r}")
        indent, key, value = len(m.group(1)), m.group(2), m.group(3)
        if block is not None and indent > block_indent:
            block[key] = _number(value)
            continue
        block = None
        if value == "":
            block, block_indent = {}, indent
            out[key] = block
        else:
            out[key] = _number(value)
    return out


def summary_figures(summary, source="run_summary.yaml"):
    """What the bench compares, from a parsed summary: the loop's wall time, the counts, energy."""
    try:
        wall = summary["wall_time"]
        energy = summary["energy"]
        return dict(
            sim_wall=sum(float(wall[k]) for k in WALL_TIME_PARTS),
            steps=int(summary["timesteps_executed"]),
            synaptic_events=int(summary["total_spikes"]),
            spikes=int(summary["total_neurons_fired"]),
            messages=int(summary["total_messages_sent"]),
            neurons_updated=int(summary["total_neurons_updated"]),
            hardware_time=float(summary["sim_time"]),
            energy=float(energy["total"]),
            energy_parts={k: float(v) for k, v in energy.items() if k != "total"},
        )
    except (KeyError, TypeError, ValueError) as e:
        raise SummaryError(f"{source}: not a SANA-FE run summary ({e!r} missing or malformed)") from None


def find_sim(path):
    """The `sim` executable of a SANA-FE build: path itself, or path/sim."""
    p = pathlib.Path(path)
    candidate = p / "sim" if p.is_dir() else p
    if not (candidate.is_file() and os.access(candidate, os.X_OK)):
        raise FileNotFoundError(f"no SANA-FE simulator at {candidate} (give the build directory "
                                "holding `sim`, or the executable itself)")
    return candidate


def command(sim, arch, network, steps, out_dir, timing="detailed"):
    """One processing thread (-N 1), as fluxon's runs here; no traces."""
    return [str(sim), "-N", "1", "-t", timing, "-o", str(out_dir), str(arch), str(network), str(steps)]


def environment():
    """SANA-FE is built with OpenMP: without a limit its parallel loops take every core."""
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = "1"
    return env
