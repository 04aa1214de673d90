#!/usr/bin/env bash
# pip installs fluxon like any Python package (pyproject.toml): into a venv from the source
# tree, and as a wheel into a second venv; `import fluxon` then works from the venv's own
# site-packages and runs a network. FLUXON_BUILD_DIR reuses this build's CMake tree, so the
# test takes seconds. The source is copied first: pip builds in place, and the tests leave the
# tree as it was.
# Usage: test_pip_install.sh SOURCE_DIR BUILD_DIR PYTHON
set -euo pipefail
SOURCE=${1:?usage: test_pip_install.sh SOURCE_DIR BUILD_DIR PYTHON}
BUILD=${2:?}
PYTHON=${3:?}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/src"
tar -C "$SOURCE" --exclude='./build*' --exclude='./out' --exclude='.git' -cf - . | tar -C "$TMP/src" -xf -
export FLUXON_BUILD_DIR=$BUILD
check() {  # VENV: fluxon imports from the venv itself and runs
  "$1/bin/python" - "$1" <<'PY'
import pathlib, sys
import fluxon
venv = pathlib.Path(sys.argv[1]).resolve()
where = pathlib.Path(fluxon.__file__).resolve()
assert venv in where.parents, f"fluxon imported from {where}, not from {venv}"
net = fluxon.Network(dt="0.1 ms", duration="20 ms", seed=3)
net.poisson("p", 20, rate="200 Hz")
assert net.build().run().n_spikes > 0
print(f"ok: {where}")
PY
}
"$PYTHON" -m venv --system-site-packages "$TMP/venv"
"$TMP/venv/bin/pip" install -q --no-build-isolation --no-index "$TMP/src"
check "$TMP/venv"
"$PYTHON" -m pip wheel -q --no-build-isolation --no-index --no-deps "$TMP/src" -w "$TMP/wheels"
"$PYTHON" -m venv --system-site-packages "$TMP/venv2"
"$TMP/venv2/bin/pip" install -q --no-index "$TMP"/wheels/fluxon-*.whl
check "$TMP/venv2"
echo "pip install and wheel checks passed"
