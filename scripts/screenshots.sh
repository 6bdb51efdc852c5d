#!/usr/bin/env bash
# Screenshots of every kiosk screen and dialog at 1024×600 and 1080×1920 (portrait), taken by the
# layout check (tests/ui/test_layout_check.py, which also fails on overlaps and cut text).
#
#   bash scripts/screenshots.sh [FOLDER]        every state into FOLDER (default build/screenshots)
#   bash scripts/screenshots.sh --update        also refresh the gallery in docs/screenshots/
#
# Why Xvfb: Kivy's offscreen SDL driver (the one the tests use) draws nothing beyond the first
# window's size, so a window resized to 1080×1920 would come out blank below 600 px. Under Xvfb
# (a virtual X display, no screen needed) SDL's x11 driver draws the whole resized window.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_common.sh
update=0
out=build/screenshots
for arg in "$@"; do
  case "$arg" in
    --update) update=1 ;;
    *) out="$arg" ;;
  esac
done
ensure_debs "${KIVY_DEBS[@]}" xvfb
ensure_venv test
rm -rf "$out" && mkdir -p "$out"
export SDL_VIDEODRIVER=x11 KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 KIVY_LOG_MODE=PYTHON KIVY_USE_DEFAULTCONFIG=1
LAYOUT_SHOTS="$(realpath "$out")" xvfb-run -a -s "-screen 0 2000x2000x24" \
  .venv/bin/python -m pytest tests/ui/test_layout_check.py -k "1024x600 or 1080x1920" -p no:cacheprovider -q
echo ">> $(ls "$out" | wc -l) screenshots in $out"
if [ "$update" = 1 ]; then
  .venv/bin/python scripts/screenshot_gallery.py "$out" docs/screenshots
fi
