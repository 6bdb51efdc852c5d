# Shared by scripts/demo.sh and scripts/test.sh: install what is missing, nothing more.
# Debian / Raspberry Pi OS. Uses sudo when not root.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ensure_debs PKG...: apt-get install the packages that are not installed yet.
ensure_debs() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo ">> installing Debian packages: ${missing[*]}"
  if [ -z "${_APT_UPDATED:-}" ]; then as_root apt-get update -qq; _APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_venv EXTRA: .venv with the package installed editable (with [EXTRA] if given).
ensure_venv() {
  local extra="${1:-}" py="${PYTHON:-python3}"
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "motcua-kiosk needs Python 3.11 or newer; found $("$py" --version 2>&1)" >&2; exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv 2>/dev/null || { ensure_debs python3-venv; rm -rf .venv; "$py" -m venv .venv; }
  fi
  local stamp=".venv/.installed-${extra:-base}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo ">> installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extra:+[$extra]}"
    touch "$stamp"
  fi
}

# Mesa GL/EGL for Kivy's SDL2 window; mtdev for touchscreens.
KIVY_DEBS=(libgl1 libegl1 libgles2 libmtdev1)
