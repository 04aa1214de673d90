#!/usr/bin/env bash
# `fluxon inspect` on damaged run files: the files that once crashed or hung libhdf5
# (damaged/crashers/) and a corpus generated from a real small run (damaged/make_corpus.py:
# truncated, bit-flipped, byte-inserted and zeroed copies). Every file gives either a summary
# (the damage hit bytes the summary does not read) or exit 2 with a message naming the file;
# never a signal, an internal error or a hang. The crashers must say "damaged run file".
# Usage: test_damaged_runs.sh FLUXON_BINARY DAMAGED_DIR PYTHON [COUNT]
set -u

FLUXON=${1:?usage: test_damaged_runs.sh FLUXON_BINARY DAMAGED_DIR PYTHON [COUNT]}
DAMAGED=${2:?usage: test_damaged_runs.sh FLUXON_BINARY DAMAGED_DIR PYTHON [COUNT]}
PYTHON=${3:?usage: test_damaged_runs.sh FLUXON_BINARY DAMAGED_DIR PYTHON [COUNT]}
COUNT=${4:-25}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/cli_checks.sh"
# A hang is detected after this long; healthy summaries of these files take milliseconds.
export FLUXON_READ_TIMEOUT=2

"$PYTHON" "$DAMAGED/make_corpus.py" "$DAMAGED/base.h5" "$TMP/corpus" --count "$COUNT" >/dev/null ||
    fail "make_corpus.py failed"

summaries=0
errors=0
for f in "$DAMAGED"/crashers/*.h5 "$TMP"/corpus/*.h5; do
    name=$(basename "$f")
    timeout -s KILL 20 "$FLUXON" inspect "$f" >"$TMP/out" 2>"$TMP/err"
    code=$?
    case $code in
        0) summaries=$((summaries + 1)) ;;
        2)
            errors=$((errors + 1))
            grep -qF -- "$f" "$TMP/err" || fail "$name: the error does not name the file: $(cat "$TMP/err")"
            ;;
        *) fail "$name: exit $code (a signal, an internal error or a hang); stderr: $(head -c 400 "$TMP/err")" ;;
    esac
    if [[ $f == */crashers/* ]]; then
        [[ $code -eq 2 ]] && grep -qF "damaged run file" "$TMP/err" && pass "$name: $(cat "$TMP/err")" ||
            fail "$name: expected exit 2 and 'damaged run file', got exit $code: $(cat "$TMP/err")"
    fi
done
echo "$summaries summaries, $errors named errors"
[[ $errors -gt 0 ]] || fail "no damaged file was refused: the corpus is not damaging anything"
exit $((failures > 0))
