#!/usr/bin/env python3
"""Every fluxon command that writes files, on a full file system.

A small tmpfs is mounted in a private mount namespace (`unshare`, as root or through an
unprivileged user namespace), so the writes fail with ENOSPC as on a real full disk, and
nothing on the machine fills up. Where namespaces are not allowed, `run` is checked under
RLIMIT_FSIZE instead (writes past the limit fail with EFBIG, SIGXFSZ ignored); the other
commands are then skipped, saying so.

Each command must end with a named error (the file, and the system's reason), exit status 2,
and no signal. The run file of a run whose disk filled up must open, read whole, say
"failed" with the error, and hold exactly what a complete run holds up to its time reached.

    full_disk.py FLUXON SOURCE_DIR
"""
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

import h5py

from run_file_check import check, read_run, text

FAILURES = []


def expect(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL: " + what, flush=True)


def namespace_prefix():
    """The command that runs a shell script in a private mount namespace, or None."""
    for prefix in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        if shutil.which("unshare") is None:
            return None
        probe = subprocess.run(prefix + ["sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=64k none $d"],
                               capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


class FullDisk:
    """Runs commands with their working directory on a tmpfs of `size` bytes, `free` of them
    free (None: all); what they leave there is copied to `out` afterwards."""

    def __init__(self, prefix, work):
        self.prefix, self.work = prefix, work

    def run(self, name, argv, size, free=None, setup=""):
        out = os.path.join(self.work, name)
        mount = os.path.join(self.work, name + "_mnt")
        os.makedirs(out)
        os.makedirs(mount)
        fill = "" if free is None else (
            # dd stops at ENOSPC; the filler then gives back `free` bytes.
            f"dd if=/dev/zero of=filler bs=4096 2>/dev/null; truncate -s -{free} filler; ")
        script = (f"mount -t tmpfs -o size={size} fluxon_full '{mount}' || exit 97; cd '{mount}'; {setup}"
                  f"{fill}\"$@\" >'{out}/stdout' 2>'{out}/stderr'; echo $? >'{out}/rc'; "
                  f"rm -f filler; cp -a . '{out}/files'")
        subprocess.run(self.prefix + ["sh", "-c", script, "sh"] + argv, check=True)
        with open(os.path.join(out, "rc")) as f:
            rc = int(f.read())
        with open(os.path.join(out, "stderr")) as f:
            stderr = f.read()
        files = sorted(os.listdir(os.path.join(out, "files")))
        return rc, stderr, files, os.path.join(out, "files")


def named_error(name, rc, stderr, file_name, reason="No space left on device"):
    # 139 / 134 are what a shell reports for SIGSEGV / SIGABRT.
    expect(rc == 2, f"{name}: exit status {rc} (expected 2), stderr: {stderr.strip()[-300:]}")
    expect("fluxon: error:" in stderr and file_name in stderr and reason in stderr,
           f"{name}: the error does not name {file_name} and '{reason}': {stderr.strip()[-300:]}")


def check_failed_run(name, path, ref, fluxon, reason):
    problems = check(path, ref, fluxon, ("failed",))
    expect(not problems, f"{name}: the run file is wrong: {problems}")
    with h5py.File(path, "r") as f:
        message = text(f["run/message"][()])
        t = float(f["run/time_reached"][()])
    expect(reason in message, f"{name}: /run/message does not give the reason: {message!r}")
    return t


def main():
    fluxon, source = sys.argv[1], sys.argv[2]
    config = os.path.join(source, "tests/integration/data/full_disk.toml")
    work = tempfile.mkdtemp(prefix="fluxon_full_disk_")
    try:
        reference = os.path.join(work, "reference.h5")
        subprocess.run([fluxon, "run", config, "-o", reference, "-q"], check=True)
        ref = read_run(reference)
        prefix = namespace_prefix()
        if prefix is None:
            print("mount namespaces are not available (unshare): checking `fluxon run` under RLIMIT_FSIZE "
                  "only; sfq, dram, export-nir, sweep and report on a full disk are SKIPPED")
            run_under_file_size_limit(fluxon, config, work, ref)
        else:
            run_on_full_tmpfs(FullDisk(prefix, work), fluxon, source, config, ref)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} failures")
        return 1
    print("every command ends with a named error on a full disk; the run files hold their last flush")
    return 0


def run_on_full_tmpfs(disk, fluxon, source, config, ref):
    # The disk fills up during the run: the file holds everything up to its last flush.
    rc, err, files, where = disk.run("run", [fluxon, "run", config, "-o", "out.h5", "-q"], size=12 << 20)
    named_error("run", rc, err, "out.h5")
    expect(files == ["out.h5"], f"run: left {files}")
    if "out.h5" in files:
        t = check_failed_run("run", os.path.join(where, "out.h5"), ref, fluxon, "No space left on device")
        expect(t > 0, f"run: nothing flushed before the disk filled up (time reached {t})")
        print(f"run: stopped at t = {t} s, exit {rc}: {err.strip()[-200:]}")

    # No room for even the first version of the file: no file, nothing left behind.
    rc, err, files, _ = disk.run("run_no_room", [fluxon, "run", config, "-o", "out.h5", "-q"], size=1 << 20, free=0)
    named_error("run with no room", rc, err, "out.h5")
    expect(files == [], f"run with no room: left {files}")

    sfq = os.path.join(source, "examples/sfq/adder4.toml")
    rc, err, files, _ = disk.run("sfq", [fluxon, "sfq", sfq, "-o", "adder.h5", "-q"], size=1 << 20, free=0)
    named_error("sfq", rc, err, "adder.h5")
    expect(files == [], f"sfq: left {files}")

    trace = os.path.join(source, "tests/integration/data/small.trace")
    rc, err, files, _ = disk.run("dram", [fluxon, "dram", trace, "-o", "mem.h5", "-q"], size=1 << 20, free=0)
    named_error("dram", rc, err, "mem.h5")
    expect(files == [], f"dram: left {files}")

    graph = os.path.join(source, "examples/nir/nmnist_cnn_loihi.toml")
    rc, err, files, _ = disk.run("export_nir", [fluxon, "export-nir", graph, "-o", "net.nir", "-q"],
                                 size=1 << 20, free=8192)
    named_error("export-nir", rc, err, "net.nir")
    expect(files == [], f"export-nir: left {files}")

    tiny = os.path.join(source, "tests/integration/data/tiny.toml")
    rc, err, files, _ = disk.run("sweep", [fluxon, "sweep", tiny, "--set", "run.seed=1,2", "-d", "sw", "-q"],
                                 size=1 << 20, free=0, setup="mkdir sw; ")
    expect(rc == 2, f"sweep: exit status {rc} (expected 2): {err.strip()[-300:]}")
    expect("index.json" in err and "No space left on device" in err,
           f"sweep: the error does not name index.json and the reason: {err.strip()[-300:]}")
    expect(files == ["sw"], f"sweep: left {files}")

    run_file = os.path.join(disk.work, "tiny.h5")
    subprocess.run([fluxon, "run", tiny, "-o", run_file, "-q"], check=True)
    rc, err, files, _ = disk.run("report", [fluxon, "report", run_file, "-o", "rep"], size=1 << 20, free=0)
    expect(rc == 2, f"report: exit status {rc} (expected 2): {err.strip()[-300:]}")
    expect("No space left on device" in err, f"report: the error does not give the reason: {err.strip()[-300:]}")


def run_under_file_size_limit(fluxon, config, work, ref):
    output = os.path.join(work, "limited.h5")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    proc = subprocess.run([fluxon, "run", config, "-o", output, "-q"], preexec_fn=limit, capture_output=True,
                          text=True)
    named_error("run (file size limit)", proc.returncode, proc.stderr, output, "File too large")
    t = check_failed_run("run (file size limit)", output, ref, fluxon, "File too large")
    expect(t > 0, f"run (file size limit): nothing flushed (time reached {t})")


if __name__ == "__main__":
    sys.exit(main())
