#!/usr/bin/env bash
# Installs what fluxon needs from Debian's archive, only what is missing; quiet when all is there.
# --tests adds what only the test suite and the benchmarks use: Brian2 (with scipy, sympy and
# cython) for the side-by-side checks, and venv, pip, setuptools and wheel for the pip test.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libhdf5-dev libtbb-dev libboost-dev libboost-graph-dev libmetis-dev
  libtomlplusplus-dev libarchive-dev libeigen3-dev libcli11-dev libfmt-dev nlohmann-json3-dev doctest-dev
  libflatbuffers-dev flatbuffers-compiler liblz4-dev libzstd-dev libexpat1-dev
  pybind11-dev python3-dev python3-numpy python3-h5py python3-matplotlib python3-pytest python3-tqdm
)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(python3-brian python3-venv python3-pip python3-setuptools python3-wheel python3-yaml)
  # AEDAT 4.0 test files (tests/python/aedat4_writer.py): FlatBuffers for Python, the lz4 and zstd tools.
  packages+=(python3-flatbuffers lz4 zstd)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "fluxon setup: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
