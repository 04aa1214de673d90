"""A damaged HDF5 file can crash libhdf5 (a segmentation fault on a corrupt B-tree, a division
by zero on a corrupt chunk layout) or make it loop for ever (a corrupt global heap), taking the
Python interpreter with it. check_readable() touches every object of a file in a forked child
process first, so such a file gives an exception naming it instead (docs/run_file.md).
"""
import faulthandler
import os
import select
import signal
import time

import h5py

DEFAULT_TIMEOUT = 30.0  # s; FLUXON_READ_TIMEOUT overrides it, as for `fluxon inspect`
# Datasets up to this many stored bytes are read whole in the child; larger ones only at both
# ends (their chunk index), so checking a large run costs little beside reading it.
WHOLE_READ_BYTES = 16 << 20


class DamagedFileError(ValueError):
    """libhdf5 crashed or hung on the file: its internal structures are corrupt."""


def read_timeout():
    """FLUXON_READ_TIMEOUT in seconds, or DEFAULT_TIMEOUT; ValueError naming the variable."""
    text = os.environ.get("FLUXON_READ_TIMEOUT", "")
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1e6:
        raise ValueError(f"environment variable FLUXON_READ_TIMEOUT is {text!r}, expected a number of "
                         "seconds above 0 (and at most 1e6)")
    return value


def _touch(obj):
    dict(obj.attrs)  # reads every attribute's value, strings from the global heap included
    if isinstance(obj, h5py.Dataset):
        if obj.shape is None or obj.size == 0:
            return
        if obj.shape == () or obj.id.get_storage_size() <= WHOLE_READ_BYTES:
            obj[()]
        else:
            first = tuple(0 for _ in obj.shape)
            last = tuple(n - 1 for n in obj.shape)
            obj[first], obj[last]


def _walk(group, seen):
    """Touches every object below `group`, going on past objects that raise (h5py's visit
    stops at the first one, and a crash may hide behind it)."""
    try:
        names = list(group.keys())
    except Exception:
        return
    for name in names:
        try:
            obj = group[name]
            address = obj.id.__hash__()
            if address in seen:
                continue
            seen.add(address)
            _touch(obj)
            if isinstance(obj, h5py.Group):
                _walk(obj, seen)
        except Exception:
            continue


def _child(path):
    """Exits 0 once every object was touched (h5py's exceptions are left for the parent's
    own read, with h5py's message); a crash shows as a signal."""
    try:
        # A crash here is the expected outcome for a damaged file, not one to dump a traceback of.
        faulthandler.disable()
        with h5py.File(path, "r") as f:
            _touch(f)
            _walk(f, set())
    except BaseException:
        pass
    os._exit(0)


def check_readable(path, what="run file", timeout=None):
    """Raise DamagedFileError naming `path` when reading it crashes libhdf5 or does not finish
    within `timeout` seconds (default: read_timeout()). Exceptions h5py raises are left for the
    caller's own read. Without os.fork (not POSIX) there is nothing to isolate the read in, and
    nothing is checked."""
    if not hasattr(os, "fork"):
        return
    timeout = read_timeout() if timeout is None else timeout
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        _child(path)
    os.close(w)
    try:
        # The child holds the pipe's write end until it exits: readable (EOF) means done.
        deadline = time.monotonic() + timeout
        finished = False
        while not finished:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            finished = bool(select.select([r], [], [], left)[0])
    finally:
        os.close(r)
    if not finished:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise DamagedFileError(f"{path}: damaged {what}: reading it did not finish within {timeout:g} s "
                               "(libhdf5 loops on a corrupt structure; FLUXON_READ_TIMEOUT sets the limit)")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        raise DamagedFileError(f"{path}: damaged {what}: libhdf5 crashed reading it "
                               f"({signal.Signals(sig).name}); its internal structures are corrupt")
