#!/usr/bin/env bash
# Installs what StableNew needs to build and run on Debian or Ubuntu, and
# nothing that is already there: the C headers behind Fyne's GLFW driver,
# Xvfb, xdotool and ImageMagick (for the screenshot script and UI checks), and
# the Go modules. Safe to run again. Go itself (1.26 or newer) must be on PATH.
set -euo pipefail

packages=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth xdotool imagemagick)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed. Install Go 1.26 or newer (https://go.dev/doc/install) and run this again." >&2
  exit 1
fi
cd "$(dirname "$0")/.."
go mod download
