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

# venv_has EXTRA: .venv holds an install, newer than pyproject.toml, that covers [EXTRA] (EXTRA may
# be a comma list; empty: the base install). Each install leaves a stamp .venv/.installed-<extras>
# ("base" without extras); any install includes the base one, so a venv installed with [test] also
# satisfies a plain `pip install -e .` and scripts/demo.sh does not install again after test.sh.
venv_has() {
  local want="${1:-}" stamp have e ok
  for stamp in .venv/.installed-*; do
    [ -f "$stamp" ] && [ ! pyproject.toml -nt "$stamp" ] || continue
    have=",${stamp#.venv/.installed-},"
    ok=1
    for e in ${want//,/ }; do [[ "$have" == *",$e,"* ]] || ok=0; done
    [ "$ok" = 1 ] && return 0
  done
  return 1
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
  if ! venv_has "$extra"; then
    echo ">> installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extra:+[$extra]}"
    touch ".venv/.installed-${extra:-base}"
  fi
}

# Mesa GL/EGL for Kivy's SDL2 window; mtdev for touchscreens.
KIVY_DEBS=(libgl1 libegl1 libgles2 libmtdev1)
