"""Measuring helpers the side-by-side benches share (bench/cuba, bench/brunel, bench/chip):
whole-process wall time and peak RSS of a command, runs isolated in forked children so that
each run's peak memory is its own, medians and plain-text tables."""
import json
import os
import resource
import subprocess
import sys
import time


def measure(cmd, env=None):
    """Runs cmd; returns (stdout, wall seconds, peak RSS bytes of the process tree)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n{err[-2000:]}{out[-2000:]}")
    return out, wall, peak


def run_isolated(fn, *args):
    """Runs fn in a forked child so that RUSAGE_CHILDREN's maximum belongs to this run alone."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 1
        try:
            os.write(write, json.dumps(fn(*args)).encode())
            code = 0
        except SystemExit as e:
            print(e, file=sys.stderr)
        except Exception:  # noqa: BLE001 - the child must report whatever stopped it, then exit
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    _, status = os.waitpid(pid, 0)
    if not data or status != 0:
        sys.exit("bench: a measurement failed (its error is above)")
    return json.loads(data)


def median_run(runs):
    """The run of median simulation time (the lower middle one for an even count)."""
    return sorted(runs, key=lambda r: r["sim_wall"])[(len(runs) - 1) // 2]


def table(rows, headers):
    widths = [max(len(h), *(len(str(row[i])) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(str(c).rjust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)
