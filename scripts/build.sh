#!/usr/bin/env bash
# Configures and builds fluxon (Release) into ${FLUXON_BUILD_DIR:-build}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLUXON_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "$(nproc)"

# Make `import fluxon` work for Debian's /usr/bin/python3 (like an editable install): a .pth
# file in the site directory for local packages points at the build tree's package.
site=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null || true)
if [[ -n "$site" && -d "$build/python/fluxon" ]]; then
  pth="$site/fluxon.pth"
  if [[ "$(cat "$pth" 2>/dev/null)" != "$build/python" ]]; then
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo mkdir -p "$site" && echo "$build/python" | $sudo tee "$pth" >/dev/null
  fi
fi
