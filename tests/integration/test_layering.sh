#!/usr/bin/env bash
# The build's layering check (scripts/check_layering.cmake): the source tree passes, and each
# kind of back edge in a small tree of its own is refused with the file and the header named.
set -euo pipefail
root=$1
check=$root/scripts/check_layering.cmake
cmake -DROOT="$root" -P "$check"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
refused() {  # file, include line, expected message part
  rm -rf "$tmp/tree" && mkdir -p "$tmp/tree/$(dirname "$1")"
  printf '#include "%s"\n' "$2" >"$tmp/tree/$1"
  if out=$(cmake -DROOT="$tmp/tree" -P "$check" 2>&1); then
    echo "FAIL: $1 including $2 was accepted"; exit 1
  fi
  grep -qF "$3" <<<"$out" || { echo "FAIL: message lacks '$3':"; echo "$out"; exit 1; }
}
accepted() {
  rm -rf "$tmp/tree" && mkdir -p "$tmp/tree/$(dirname "$1")"
  printf '#include "%s"\n' "$2" >"$tmp/tree/$1"
  cmake -DROOT="$tmp/tree" -P "$check" || { echo "FAIL: $1 including $2 was refused"; exit 1; }
}
refused engine/simulation.cpp io/run_writer.hpp "engine/simulation.cpp (engine) includes io/run_writer.hpp (io)"
refused engine/simulation.cpp devices/neuromorphic/chip_model.hpp "(device_models)"
refused engine/network_builder.cpp devices/crossbar/plugin/crossbar_binding.hpp "(device_plugins)"
refused devices/neuromorphic/chip_model.hpp mappers/core_mapper.hpp "(device_models) includes mappers/core_mapper.hpp"
refused engine/base/ledger.hpp neurons/model.hpp "(base) includes neurons/model.hpp (neurons)"
refused mappers/core_mapper.cpp engine/simulation.hpp "(mappers) includes engine/simulation.hpp (engine)"
refused io/config.cpp io/cli/commands.hpp "(io) includes io/cli/commands.hpp (app)"
accepted devices/neuromorphic/plugin/chip_binding.cpp engine/network_builder.hpp
accepted io/cli/main.cpp io/config.hpp
accepted engine/simulation.cpp mappers/thread_partition.hpp
echo "layering: 7 back edges refused, 3 allowed edges accepted, the source tree passes"
