#!/usr/bin/env bash
# Run the whole kiosk in demo mode: embedded office service on SQLite, simulated printer
# (PNG previews) and simulated scanner (a pseudo-terminal). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_common.sh
ensure_debs "${KIVY_DEBS[@]}"
ensure_venv
exec .venv/bin/kiosk demo "$@"
