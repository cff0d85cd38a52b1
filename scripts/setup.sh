#!/usr/bin/env bash
# One-step set-up on a fresh Debian/Ubuntu machine: the Debian packages `canvas` builds from
# source with, a CJK font for chart labels, the npm packages, and the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES="build-essential libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev pkg-config fonts-wqy-microhei"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for p in $DEB_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing Debian packages:$missing"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      echo "setup: canvas (for the charts) builds from source and needs these Debian packages. Run:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
      echo "then run this command again." >&2
      exit 1
    fi
  fi
else
  echo "setup: not a Debian system; make sure cairo, pango, libjpeg, giflib, librsvg (dev packages), pkg-config, a C++ toolchain and a CJK font are installed." >&2
fi

# npm ci only when the lockfile changed since the last install (it rebuilds canvas: about a minute).
stamp=node_modules/.setup-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ ! -f node_modules/canvas/build/Release/canvas.node ]; then
  npm ci --no-audit --no-fund
  touch "$stamp"
fi
npm run --silent build
echo "setup: ready."
