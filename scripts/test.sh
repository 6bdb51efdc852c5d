#!/usr/bin/env bash
# Run the whole test suite: installs what it needs, then runs pytest offscreen (no display needed).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k cccd`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_common.sh
ensure_debs "${KIVY_DEBS[@]}" chromium espeak-ng
ensure_venv test
export SDL_VIDEODRIVER=offscreen KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 KIVY_LOG_MODE=PYTHON KIVY_USE_DEFAULTCONFIG=1
exec .venv/bin/python -m pytest "$@"
