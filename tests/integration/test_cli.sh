#!/usr/bin/env bash
# End-to-end checks of the `fluxon` command: run, errors with file/line/key, sweep and its
# index, inspect, models, and Ctrl-C leaving an "interrupted" run file with exit code 130.
# Usage: test_cli.sh FLUXON_BINARY DATA_DIR [PYTHON]  (PYTHON, with h5py: default python3)
set -u

FLUXON=${1:?usage: test_cli.sh FLUXON_BINARY DATA_DIR [PYTHON]}
DATA=${2:?usage: test_cli.sh FLUXON_BINARY DATA_DIR [PYTHON]}
PYTHON=${3:-python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/cli_checks.sh"

# interrupt_after_a_second PID WHAT: Ctrl-C for a background command after a second; returns
# its exit code (killed, and a failure, if it is still running 30 s later).
interrupt_after_a_second() {
    local pid=$1 what=$2
    sleep 1
    kill -INT "$pid"
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        fail "$what did not stop within 30 s of SIGINT"
    fi
    wait "$pid"
}

# A plain run.
if expect_exit 0 "run tiny.toml" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/tiny.h5"; then
    [[ -f $TMP/tiny.h5 ]] && pass "run file written" || fail "run file $TMP/tiny.h5 missing"
    contains "$TMP/out" "complete" "run prints the summary"
fi

# An existing run file is refused (named, with the way to replace it) unless --force.
if [[ -f $TMP/tiny.h5 ]]; then
    cp "$TMP/tiny.h5" "$TMP/tiny_before.h5"
    if expect_exit 2 "run onto an existing run file" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/tiny.h5"; then
        contains "$TMP/err" "$TMP/tiny.h5: the file already exists; pass --force to overwrite it" \
            "the refusal names the file and --force"
        cmp -s "$TMP/tiny.h5" "$TMP/tiny_before.h5" && pass "the refused file is untouched" ||
            fail "a refused run changed $TMP/tiny.h5"
    fi
    expect_exit 0 "run --force replaces it" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/tiny.h5" --force --quiet
fi

# --seed and --threads are applied and recorded.
if expect_exit 0 "run with --seed/--threads/--set" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/seeded.h5" \
    --seed 3 --threads 2 --set 'run.duration=20 ms' --quiet; then
    "$FLUXON" inspect "$TMP/seeded.h5" >"$TMP/out" 2>&1
    grep -Eq '^seed: +3$' "$TMP/out" && pass "--seed recorded" || fail "--seed not recorded: $(cat "$TMP/out")"
    grep -Eq '^threads: +2$' "$TMP/out" && pass "--threads recorded" || fail "--threads not recorded"
fi

# A config error names the file, the line and the key.
sed 's/^seed = 7$/seed = 7\ncolour = "blue"/' "$DATA/tiny.toml" >"$TMP/unknown_key.toml"
line=$(grep -n '^colour' "$TMP/unknown_key.toml" | cut -d: -f1)
if expect_exit 2 "unknown key is a user error" "$FLUXON" run "$TMP/unknown_key.toml" -o "$TMP/bad.h5"; then
    contains "$TMP/err" "unknown_key.toml:$line:" "error names file and line"
    contains "$TMP/err" "run.colour" "error names the key"
    contains "$TMP/err" "fluxon: error:" "error has the fluxon prefix"
    [[ ! -e $TMP/bad.h5 ]] && pass "nothing written for a bad config" || fail "bad config wrote a run file"
fi
printf '[run]\ndt = 0.1 ms\n' >"$TMP/syntax.toml"
if expect_exit 2 "TOML syntax error is a user error" "$FLUXON" run "$TMP/syntax.toml" -o "$TMP/bad.h5"; then
    contains "$TMP/err" "syntax.toml:2:" "syntax error names file and line"
fi
if expect_exit 2 "unknown --set key" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/bad.h5" --set run.sed=3; then
    contains "$TMP/err" "run.sed" "--set error names the key"
fi
expect_exit 2 "missing -o is a usage error" "$FLUXON" run "$DATA/tiny.toml"
expect_exit 2 "missing config file" "$FLUXON" run "$TMP/none.toml" -o "$TMP/bad.h5"
expect_exit 2 "inspect of a non-run file" "$FLUXON" inspect "$DATA/tiny.toml"

# A 2x2 sweep: four run files and an index with four entries.
if expect_exit 0 "sweep 2x2" "$FLUXON" sweep "$DATA/tiny.toml" --set run.seed=1,2 \
    --set 'projections.input.weight=10 mV,20 mV' -d "$TMP/sweep" --quiet; then
    n=$(ls "$TMP"/sweep/run_*.h5 2>/dev/null | wc -l)
    [[ $n -eq 4 ]] && pass "sweep wrote 4 run files" || fail "sweep wrote $n run files"
    if python3 - "$TMP/sweep/index.json" <<'PY'
import json, sys
index = json.load(open(sys.argv[1]))
assert index["format"] == "fluxon-sweep" and index["format_version"] == 2, index
assert index["parameters"] == ["run.seed", "projections.input.weight"], index["parameters"]
assert index["units"] == {"run.seed": "1", "projections.input.weight": "V"}, index["units"]
runs = index["runs"]
assert len(runs) == 4, runs
assert [r["file"] for r in runs] == ["run_%04d.h5" % i for i in range(4)], runs
assert runs[1]["values"] == {"run.seed": 1, "projections.input.weight": 0.02}, runs[1]
assert runs[1]["given"] == {"run.seed": "1", "projections.input.weight": "20 mV"}, runs[1]
assert all(r["status"] == "complete" and r["message"] == "" for r in runs), runs
PY
    then pass "index.json has 4 entries as docs/run_file.md says"; else fail "index.json: $(cat "$TMP/sweep/index.json")"; fi
    contains "$TMP/out" "run_0003.h5" "sweep prints the table"
    contains "$TMP/out" "exc Hz" "the table shows each population's rate"
fi
# The same sweep again into its directory is refused (the directory named) unless --force.
if expect_exit 2 "sweep onto an earlier sweep" "$FLUXON" sweep "$DATA/tiny.toml" --set run.seed=1,2 \
    --set 'projections.input.weight=10 mV,20 mV' -d "$TMP/sweep" --quiet; then
    contains "$TMP/err" "$TMP/sweep: the directory is not empty (it holds index.h5, index.json, run_0000.h5 and 3 more); pass --force" \
        "the refusal names the directory and what it holds"
fi
# --force leaves nothing of the earlier, larger sweep: 2 run files, not 4.
echo "kept" >"$TMP/sweep/notes.txt"
if expect_exit 0 "sweep --force replaces an earlier sweep" "$FLUXON" sweep "$DATA/tiny.toml" --set run.seed=1,2 \
    -d "$TMP/sweep" --quiet --force; then
    contains "$TMP/sweep/index.json" '"run.seed"' "the new index is written"
    left=$(cd "$TMP/sweep" && ls | tr '\n' ' ')
    [[ $left == "index.h5 index.json notes.txt run_0000.h5 run_0001.h5 " ]] && pass "no stale file of the earlier sweep survives" \
        || fail "after --force the directory holds: $left"
fi
# Linked keys step together: 3 points, not 9; index.h5 holds the numbers for h5py.
if expect_exit 0 "sweep with linked keys" "$FLUXON" sweep "$DATA/tiny.toml" \
    --set 'projections.input.weight=10 mV,15 mV,20 mV' --set 'populations.exc.params.tau_m=10 ms,20 ms,30 ms' \
    --link projections.input.weight,populations.exc.params.tau_m -d "$TMP/sweep_link" --quiet; then
    n=$(ls "$TMP"/sweep_link/run_*.h5 2>/dev/null | wc -l)
    [[ $n -eq 3 ]] && pass "linked keys give 3 points" || fail "linked sweep wrote $n run files"
    if "$PYTHON" - "$TMP/sweep_link/index.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    tau = f["parameters/populations.exc.params.tau_m"]
    assert tau.attrs["units"] == "s" and tau.dtype == np.float64, dict(tau.attrs)
    assert np.array_equal(tau[()], [0.01, 0.02, 0.03]), tau[()]
    assert np.array_equal(f["parameters/projections.input.weight"][()], [0.01, 0.015, 0.02])
    assert list(f["status"].asstr()[()]) == ["complete"] * 3
    assert f["metrics/rate/exc"].attrs["units"] == "Hz" and np.all(f["metrics/rate/exc"][()] >= 0)
    assert np.array_equal(f["metrics/rate/stim"][()], [60.0] * 3)  # 6 spikes of 2 neurons in 50 ms
    assert list(f["links/0"].asstr()[()]) == ["projections.input.weight", "populations.exc.params.tau_m"]
PY
    then pass "index.h5 holds SI values and rates"; else fail "linked sweep index.h5"; fi
fi
if expect_exit 2 "linked keys of different lengths" "$FLUXON" sweep "$DATA/tiny.toml" --set run.seed=1,2 \
    --set 'projections.input.weight=10 mV,15 mV,20 mV' --link run.seed,projections.input.weight -d "$TMP/sweep_badlink"; then
    contains "$TMP/err" "projections.input.weight has 3 values and run.seed has 2" "the error names both keys"
fi
# A point that cannot run (the crossbar does not fit its one array) fails before any runs.
if expect_exit 2 "a sweep with a point that does not fit" "$FLUXON" sweep "$DATA/tiny.toml" \
    --set crossbar.preset=sram_cim_yin2022 --set crossbar.replicas=1,1,1,2 -d "$TMP/sweep_nofit"; then
    [[ ! -e $TMP/sweep_nofit ]] && pass "nothing ran for a point that does not fit" || fail "the sweep ran points first"
    contains "$TMP/err" "sweep point 3 (crossbar.preset=sram_cim_yin2022, crossbar.replicas=2)" "the error names the point and key"
fi
# Commas inside brackets belong to the value: two grid points, recorded as given.
if expect_exit 0 "sweep over bracketed values" "$FLUXON" sweep "$DATA/tiny.toml" \
    --set 'record.spikes=["exc"],["stim","exc"]' -d "$TMP/sweep_lists" --quiet; then
    if python3 - "$TMP/sweep_lists/index.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
assert [r["values"]["record.spikes"] for r in runs] == ['["exc"]', '["stim","exc"]'], runs
PY
    then pass "bracketed values split at top-level commas only"; else fail "bracketed sweep index"; fi
fi
# A bad value at any grid point fails before anything runs.
if expect_exit 2 "sweep with a bad value" "$FLUXON" sweep "$DATA/tiny.toml" --set run.seed=1,abc -d "$TMP/sweep_bad"; then
    [[ ! -e $TMP/sweep_bad ]] && pass "nothing run for a bad sweep" || fail "a bad sweep created its directory"
    contains "$TMP/err" "run.seed" "sweep error names the key"
fi

# inspect
if expect_exit 0 "inspect" "$FLUXON" inspect "$TMP/tiny.h5"; then
    contains "$TMP/out" "complete" "inspect shows the status"
fi

# A run mapped onto a chip: the summary reports energy, and inspect reads it back.
if expect_exit 0 "run on loihi" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/loihi.h5" --set hardware.preset=loihi \
    --set hardware.topology=tree; then
    contains "$TMP/out" "device chip (neuromorphic, preset loihi from builtin:loihi)" "summary names the chip"
    contains "$TMP/out" "topology          tree" "summary names the topology"
    contains "$TMP/out" "per syn. event" "summary shows energy per synaptic event"
    contains "$TMP/out" "synapse/spike_op" "summary breaks energy down"
    expect_exit 0 "inspect a hardware run" "$FLUXON" inspect "$TMP/loihi.h5" &&
        contains "$TMP/out" "soma/update_inactive" "inspect shows the breakdown"
fi
if expect_exit 0 "sweep over chip settings" "$FLUXON" sweep "$DATA/tiny.toml" --set hardware.preset=loihi \
    --set hardware.topology=mesh,tree -d "$TMP/hw_sweep" -q; then
    contains "$TMP/out" "energy J" "the sweep table shows energy"
    contains "$TMP/hw_sweep/index.json" '"energy":' "the sweep index holds energy"
fi
if expect_exit 2 "unknown chip preset" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/bad.h5" --set hardware.preset=loihy; then
    contains "$TMP/err" "hardware.preset" "unknown preset names the key"
    contains "$TMP/err" "loihi" "unknown preset lists the shipped ones"
fi
if expect_exit 2 "timed without a step period" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/bad.h5" \
    --set hardware.preset=truenorth --set hardware.fidelity=timed; then
    contains "$TMP/err" "needs a fixed step_period" "timed fidelity asks for a step period"
fi
if expect_exit 2 "network beyond the fan-out of truenorth" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/bad.h5" \
    --set hardware.preset=truenorth --set populations.exc.size=300; then
    contains "$TMP/err" "fan_out_per_neuron" "fan-out error names the limit"
fi

# A chip preset file whose latency the hardware time cannot hold names the file, line and key.
"$FLUXON" presets loihi >"$TMP/slow_chip.toml"
sed -i 's/^synapse_op = { energy = \("[^"]*"\), latency = "[^"]*"/synapse_op = { energy = \1, latency = "1e10 s"/' \
    "$TMP/slow_chip.toml"
line=$(grep -n '^synapse_op = .*1e10 s' "$TMP/slow_chip.toml" | cut -d: -f1)
if [[ -z $line ]]; then
    fail "could not edit the loihi preset's synapse_op latency"
elif expect_exit 2 "a chip preset latency beyond the hardware time" "$FLUXON" run "$DATA/tiny.toml" \
    -o "$TMP/slow_chip.h5" --set hardware.preset="$TMP/slow_chip.toml"; then
    contains "$TMP/err" "slow_chip.toml:$line: key 'actions.synapse_op.latency'" "the error names the preset file, line and key"
    contains "$TMP/err" "1e+10 s is beyond the chip's hardware time" "the error says what does not fit"
fi

# Unbounded resources are refused by name, before anything runs.
if expect_exit 2 "threads beyond 1024" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/threads.h5" --threads 1025; then
    contains "$TMP/err" "key 'run.threads'" "the threads error names the key"
    contains "$TMP/err" "between 1 and 1024" "the threads error gives the bound"
fi
expect_exit 2 "threads = 2^31 - 1" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/threads.h5" --set run.threads=2147483647
# (4e9 LIF neurons hold at least 128 GiB of state: only a bigger machine would try to build them.)
available_kib=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
if [[ ${available_kib:-0} -gt $((128 * 1024 * 1024)) ]]; then
    pass "4e9 neurons: skipped, this machine has more than 128 GiB available"
elif expect_exit 2 "4e9 neurons" "$FLUXON" run "$DATA/tiny.toml" -o "$TMP/huge.h5" --set populations.exc.size=4000000000 \
    --set 'projections.input.connector={ type = "explicit", pre = [0], post = [0] }'; then
    contains "$TMP/err" "population 'exc' holds 4000000000 neurons" "the memory error names the population"
    if grep -q "internal error" "$TMP/err"; then fail "a memory error is not internal"; else pass "a memory error is a user error"; fi
fi

# DRAM traces
if expect_exit 0 "dram trace" "$FLUXON" dram "$DATA/small.trace" -o "$TMP/dram.h5"; then
    contains "$TMP/out" "device dram (dram, preset ddr4_3200" "the trace runs as the device dram"
    contains "$TMP/out" "requests          3" "dram summary counts the requests"
    contains "$TMP/out" "writes            1" "dram summary counts the writes"
    contains "$TMP/out" "row_hits          1" "dram summary reports row hits"
    contains "$TMP/out" "energy_per_bit" "dram summary reports energy per bit"
    contains "$TMP/out" "trace (3 rows)" "one latency per trace request"
    expect_exit 0 "inspect a dram run" "$FLUXON" inspect "$TMP/dram.h5" && contains "$TMP/out" "busy_until        72.5 ns" "inspect shows when the memory finished"
fi
if expect_exit 2 "dram onto an existing run file" "$FLUXON" dram "$DATA/small.trace" -o "$TMP/dram.h5"; then
    contains "$TMP/err" "$TMP/dram.h5: the file already exists; pass --force" "the dram refusal names the file"
fi
expect_exit 0 "dram --force replaces it" "$FLUXON" dram "$DATA/small.trace" -o "$TMP/dram.h5" --force --quiet
printf '0x0 READ 0\n0x40 FETCH 5\n' >"$TMP/bad.trace"
if expect_exit 2 "a malformed trace line" "$FLUXON" dram "$TMP/bad.trace" -o "$TMP/bad.h5"; then
    contains "$TMP/err" "bad.trace:2" "the error names the trace line"
fi
# An idle gap of 10^15 clocks is not simulated refresh by refresh; tREFI = 12480 clocks, so the
# REFs due before the last completion (10^15 + 48) number floor((10^15 + 47) / 12480).
printf '0x0 READ 0\n0x40 READ 1000000000000000\n' >"$TMP/gap.trace"
if expect_exit 0 "a dram trace with an idle gap of 10^15 clocks" "$FLUXON" dram "$TMP/gap.trace" -o "$TMP/gap.h5"; then
    contains "$TMP/out" "channel/refresh               80128205128" "every refresh of the gap is counted"
fi
printf '0x0 READ 0\n0x40 READ 9000000000000000000\n' >"$TMP/far.trace"
if expect_exit 2 "a dram cycle beyond 2^62 ps" "$FLUXON" dram "$TMP/far.trace" -o "$TMP/far.h5"; then
    contains "$TMP/err" "far.trace:2: cycle 9000000000000000000 is beyond cycle" "the error names the trace line"
fi
expect_exit 2 "an unknown dram preset" "$FLUXON" dram "$DATA/small.trace" -o "$TMP/bad.h5" --preset ddr9

# models: all, or one by name (a neuron model, a layer kind, or both)
if expect_exit 0 "models lif" "$FLUXON" models lif; then
    contains "$TMP/out" "lif: leaky integrate-and-fire" "the lif neuron model"
    contains "$TMP/out" "lif (layer, activation)" "and the lif layer kind"
    if grep -q "izhikevich" "$TMP/out"; then fail "models lif shows only lif"; else pass "models lif shows only lif"; fi
fi
if expect_exit 0 "models conv2d" "$FLUXON" models conv2d; then
    contains "$TMP/out" "array weight      required  [out_channels" "a layer kind shows its arrays"
fi
if expect_exit 2 "models of an unknown name" "$FLUXON" models lfi; then
    contains "$TMP/err" "no model or layer kind 'lfi'; the models are: lif" "the error lists the models"
fi

# presets
if expect_exit 0 "presets" "$FLUXON" presets; then
    contains "$TMP/out" "loihi" "presets lists loihi"
fi
if expect_exit 0 "presets loihi" "$FLUXON" presets loihi; then
    contains "$TMP/out" "Davies" "a printed preset cites its sources"
fi
expect_exit 2 "an unknown preset" "$FLUXON" presets loihy
if expect_exit 0 "presets --help" "$FLUXON" presets --help; then
    for family in neuromorphic crossbar dram sfq; do contains "$TMP/out" "$family" "presets --help names $family"; done
fi
if expect_exit 0 "models lif" "$FLUXON" models lif; then
    contains "$TMP/out" "tau_m" "models lif shows the model"
    if grep -q "izhikevich" "$TMP/out"; then fail "models lif shows other models too"; else pass "models lif shows only lif"; fi
fi
if expect_exit 2 "models of an unknown name" "$FLUXON" models lfi; then
    contains "$TMP/err" "no model or layer kind 'lfi'; the models are:" "the error lists the valid names"
fi
if expect_exit 0 "presets lists crossbars" "$FLUXON" presets; then
    contains "$TMP/out" "reram_neurosim" "presets lists the crossbar presets"
fi
if expect_exit 0 "presets pcm_aihwkit" "$FLUXON" presets pcm_aihwkit; then
    contains "$TMP/out" "PCMLikeNoiseModel" "a printed crossbar preset cites its sources"
fi

# [crossbar]: a run on the ideal array, then errors that name the file, line and key.
cp "$DATA/tiny.toml" "$TMP/xbar.toml"
printf '\n[crossbar]\npreset = "ideal"\n' >>"$TMP/xbar.toml"
if expect_exit 0 "a run on crossbars" "$FLUXON" run "$TMP/xbar.toml" -o "$TMP/xbar.h5"; then
    contains "$TMP/out" "device crossbar (crossbar, preset ideal from builtin:ideal)" "the summary reports the arrays"
fi
if expect_exit 0 "a sweep over crossbar presets" "$FLUXON" sweep "$TMP/xbar.toml" \
    --set crossbar.preset=ideal,reram_neurosim -d "$TMP/xbar_sweep" --quiet; then
    if python3 - "$TMP/xbar_sweep/index.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
energies = [r["energy"] for r in runs]
assert len(energies) == 2 and all(e > 0 for e in energies) and energies[0] != energies[1], energies
PY
    then pass "the sweep index has each crossbar run's energy"; else fail "crossbar sweep energies"; fi
fi
cp "$DATA/tiny.toml" "$TMP/xbar_bad.toml"
printf '\n[crossbar]\npreset = "ideal"\nadc_bits = 99\n' >>"$TMP/xbar_bad.toml"
line=$(grep -n "adc_bits" "$TMP/xbar_bad.toml" | cut -d: -f1)
if expect_exit 2 "a crossbar setting out of range" "$FLUXON" run "$TMP/xbar_bad.toml" -o "$TMP/xbar_bad.h5"; then
    contains "$TMP/err" "xbar_bad.toml:$line: key 'crossbar.adc_bits'" "the error names the file, line and key"
fi
cp "$DATA/tiny.toml" "$TMP/xbar_preset.toml"
printf '\n[crossbar]\npreset = "reram_neurosym"\n' >>"$TMP/xbar_preset.toml"
if expect_exit 2 "an unknown crossbar preset" "$FLUXON" run "$TMP/xbar_preset.toml" -o "$TMP/xbar_preset.h5"; then
    contains "$TMP/err" "reram_neurosim" "the error lists the shipped presets"
fi

# models
if expect_exit 0 "models" "$FLUXON" models; then
    contains "$TMP/out" "tau_m" "models lists parameters"
fi

# Ctrl-C: the run stops at a window end, the file is complete up to there, exit 130.
"$FLUXON" run "$DATA/long.toml" -o "$TMP/long.h5" >"$TMP/long.out" 2>"$TMP/long.err" &
interrupt_after_a_second $! "fluxon run"
rc=$?
[[ $rc -eq 130 ]] && pass "SIGINT exits 130" || fail "SIGINT: exit $rc, expected 130; $(cat "$TMP/long.err")"
if expect_exit 0 "inspect an interrupted run" "$FLUXON" inspect "$TMP/long.h5"; then
    contains "$TMP/out" "interrupted" "inspect shows interrupted"
fi

# Ctrl-C during a sweep: the running point is interrupted, the others are never started, and
# the index still records every point.
"$FLUXON" sweep "$DATA/long.toml" --set run.seed=1,2 -d "$TMP/sweep_int" -j 1 --quiet \
    >"$TMP/sweep_int.out" 2>"$TMP/sweep_int.err" &
interrupt_after_a_second $! "fluxon sweep"
rc=$?
[[ $rc -eq 130 ]] && pass "SIGINT stops a sweep with exit 130" || fail "sweep SIGINT: exit $rc; $(cat "$TMP/sweep_int.err")"
if python3 - "$TMP/sweep_int/index.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
assert [r["status"] for r in runs] == ["interrupted", "interrupted"], runs
assert runs[1]["message"].startswith("not started"), runs
PY
then pass "interrupted sweep index"; else fail "interrupted sweep index: $(cat "$TMP/sweep_int/index.json" 2>&1)"; fi

if [[ $failures -ne 0 ]]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all CLI checks passed"
