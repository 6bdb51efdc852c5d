#!/bin/sh
# `kiosk` for the installer on the Pi: runs /opt/motcua-kiosk/venv/bin/kiosk the way
# kiosk.service does (user kiosk, /etc/kiosk/kiosk.toml, state in /var/lib/motcua-kiosk),
# so `sudo kiosk doctor` checks the same devices, config and database as the service.
# Installed by scripts/install-pi.sh to /usr/local/bin/kiosk.
set -eu
if [ "$(id -u)" != 0 ]; then
  exec sudo "$0" "$@"
fi
if [ -f /etc/kiosk/kiosk.env ]; then
  # The installer's own KEY=value file, exported to the kiosk as the service does.
  set -a
  # shellcheck disable=SC1091
  . /etc/kiosk/kiosk.env
  set +a
fi
exec runuser -u kiosk -- env \
  STATE_DIRECTORY=/var/lib/motcua-kiosk \
  KIVY_HOME=/var/lib/motcua-kiosk/kivy KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 \
  SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-kmsdrm}" KIVY_WINDOW="${KIVY_WINDOW:-sdl2}" \
  /opt/motcua-kiosk/venv/bin/kiosk --config /etc/kiosk/kiosk.toml "$@"
