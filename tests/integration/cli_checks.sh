# What the command-line test scripts share (sourced, after they set TMP): counting failures,
# running a command into $TMP/out and $TMP/err and checking its exit code, and looking for text.
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

pass() { echo "ok: $*"; }

# expect_exit CODE DESCRIPTION COMMAND...: runs COMMAND (at most 60 s) with stdout/stderr in
# $TMP/out, $TMP/err.
expect_exit() {
    local want=$1 what=$2
    shift 2
    timeout 60 "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [[ $got -ne $want ]]; then
        fail "$what: exit $got, expected $want; stderr: $(cat "$TMP/err")"
        return 1
    fi
    pass "$what"
}

contains() {  # contains FILE TEXT DESCRIPTION
    if grep -qF -- "$2" "$1"; then pass "$3"; else fail "$3: '$2' not in: $(cat "$1")"; fi
}
