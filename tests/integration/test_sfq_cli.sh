#!/usr/bin/env bash
# End-to-end checks of `fluxon sfq`: the shipped examples run and print their summary; bad
# circuits exit with code 2 and a message naming file, line, key and instance; a timing
# violation under policy "error" exits 2 and still leaves a run file marked "failed".
# Usage: test_sfq_cli.sh FLUXON_BINARY EXAMPLES_DIR
set -u

FLUXON=${1:?usage: test_sfq_cli.sh FLUXON_BINARY EXAMPLES_DIR}
EXAMPLES=${2:?usage: test_sfq_cli.sh FLUXON_BINARY EXAMPLES_DIR}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/cli_checks.sh"

if expect_exit 0 "sfq adder4.toml" "$FLUXON" sfq "$EXAMPLES/adder4.toml" -o "$TMP/adder.h5"; then
    contains "$TMP/out" "device sfq (sfq, preset sfq_default" "the circuit runs as the device sfq"
    contains "$TMP/out" "pulses/s0         128" "adder: every odd sum has bit 0"
    contains "$TMP/out" "pulses/cout       120" "adder: carries out"
    contains "$TMP/out" "violations        0" "adder: no violations"
    [[ -f $TMP/adder.h5 ]] && pass "adder run file written" || fail "adder run file missing"
    if expect_exit 0 "inspect an sfq run" "$FLUXON" inspect "$TMP/adder.h5"; then
        contains "$TMP/out" "cells             71" "inspect shows the cells"
        contains "$TMP/out" "junctions         401" "inspect shows the junctions"
        contains "$TMP/out" "energy_4k         952.3 fJ" "inspect shows the energy at 4 K"
    fi
fi
if expect_exit 0 "sfq xor_network.toml" "$FLUXON" sfq "$EXAMPLES/xor_network.toml"; then
    contains "$TMP/out" "pulses/out00      0" "xor: 00 silent"
    contains "$TMP/out" "energy_wall_plug" "xor: wall-plug energy"
fi

cat >"$TMP/fanout.toml" <<'TOML'
[circuit]
outputs = ["x", "y"]
wires = [
  "a -> j.a",
  "j.q -> x",
  "j.q -> k.a",
  "k.q -> y",
]
[circuit.instances]
j = "jtl"
k = "jtl"
[circuit.inputs.a]
times = ["1 ps"]
TOML
if expect_exit 2 "fan-out without a splitter exits 2" "$FLUXON" sfq "$TMP/fanout.toml"; then
    contains "$TMP/err" "fanout.toml:5: key 'circuit.wires[1]': node 'j': fan-out without a splitter" \
        "fan-out error names file, line, key and instance"
fi

cat >"$TMP/bad.toml" <<'TOML'
[circuit]
[circuit.instances]
d = { cell = "dro", delay = "5 parsecs" }
TOML
if expect_exit 2 "a bad delay exits 2" "$FLUXON" sfq "$TMP/bad.toml"; then
    contains "$TMP/err" "bad.toml:3: key 'circuit.instances.d.delay'" "bad delay names its key"
fi

expect_exit 2 "a missing circuit file exits 2" "$FLUXON" sfq "$TMP/none.toml"

cat >"$TMP/setup.toml" <<'TOML'
[circuit]
outputs = ["q"]
wires = ["a -> d.a", "clk -> d.clk", "d.q -> q"]
[circuit.instances]
d = "dro"
[circuit.inputs.a]
times = ["49 ps"]
[circuit.inputs.clk]
times = ["50 ps"]
TOML
if expect_exit 2 "a setup violation under policy error exits 2" "$FLUXON" sfq "$TMP/setup.toml" -o "$TMP/setup.h5"; then
    contains "$TMP/err" "node 'd': SFQ device 'sfq': setup violation at dro d (t = 50.000 ps)" "violation names the instance and time"
    if [[ -f $TMP/setup.h5 ]]; then
        "$FLUXON" inspect "$TMP/setup.h5" >"$TMP/inspect" 2>&1
        contains "$TMP/inspect" "status:         failed" "the run file says failed"
    else
        fail "no run file after a violation"
    fi
fi
sed -i 's/^\[circuit\]$/[circuit]\npolicy = "warn"/' "$TMP/setup.toml"
if expect_exit 0 "policy warn continues" "$FLUXON" sfq "$TMP/setup.toml"; then
    contains "$TMP/err" "warning: SFQ device 'sfq': setup violation at dro d" "warn prints the violation"
    contains "$TMP/out" "violations        1" "summary counts it"
    contains "$TMP/out" "policy            warn" "summary names the policy"
fi

# A library file named in a circuit file is relative to the circuit file, not the working directory.
mkdir -p "$TMP/lib"
"$FLUXON" presets sfq_default | sed 's/^name = .*/name = "mylib"/' >"$TMP/lib/mylib.toml"
sed '/^\[circuit\]/a library = "mylib.toml"' "$EXAMPLES/adder4.toml" >"$TMP/lib/adder.toml"
if expect_exit 0 "a circuit naming a library file beside it" "$FLUXON" sfq "$TMP/lib/adder.toml"; then
    contains "$TMP/out" "preset mylib" "the library file is found relative to the circuit"
fi

if expect_exit 0 "presets lists sfq libraries" "$FLUXON" presets; then
    contains "$TMP/out" "sfq_default      cell library, 19 cells" "presets lists the shipped cell library"
fi
if expect_exit 0 "presets sfq_default" "$FLUXON" presets sfq_default; then
    contains "$TMP/out" "PyLSE" "a printed cell library cites its sources"
fi

if [[ $failures -gt 0 ]]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all sfq CLI checks passed"
