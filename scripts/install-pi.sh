#!/usr/bin/env bash
# Install motcua-kiosk on a Raspberry Pi (Raspberry Pi OS Bookworm Lite, 64-bit), as root:
#
#   sudo scripts/install-pi.sh             install or update, from this checkout
#   sudo scripts/install-pi.sh --dry-run   only say what it would do
#
# Every step checks first and says "unchanged" when there is nothing to do, so running it
# again (e.g. after `git pull`) is safe. It never overwrites /etc/kiosk/kiosk.toml or
# /etc/kiosk/kiosk.env once they exist. It does not start the kiosk: reboot, or
# `systemctl restart kiosk`, when it is done. See docs/DEPLOY.md.
#
# --root DIR installs into a throwaway root instead of this system (for tests): files land
# under DIR; useradd and systemctl enable/disable act on DIR's files (--root); commands that
# need the running system (apt-get, pip, udevadm, systemctl daemon-reload) are printed only.
set -euo pipefail

PREFIX=/opt/motcua-kiosk
UNIT=kiosk.service
RULES=99-motcua-kiosk.rules
KIOSK_USER=kiosk
KIOSK_GROUPS=(video render input dialout lp audio)
# libusb: python-escpos talks to usb:VID:PID printers through pyusb.
DEBS=(python3-venv libgl1 libegl1 libgles2 libgbm1 libdrm2 libmtdev1 libusb-1.0-0)
# espeak-ng renders the voice (kiosk prompts, board calls); alsa-utils gives aplay, which plays it
SPEECH_DEBS=(espeak-ng alsa-utils)

usage() {
  cat <<EOF
Usage: $0 [--dry-run] [--root DIR] [--source DIR] [--no-speech]
  --dry-run     print what would be done, change nothing
  --root DIR    install into DIR instead of / (a throwaway root, for tests)
  --source DIR  the motcua-kiosk checkout to install (default: this script's repository)
  --no-speech   do not install espeak-ng and alsa-utils (the kiosk's voice, spoken queue calls)
EOF
}

DRY_RUN=0
R=""        # target root; empty = this system
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEECH=1
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --root) [ $# -ge 2 ] || { usage >&2; exit 2; }; R="$(cd "$2" && pwd)" || exit 2; shift ;;
    --source) [ $# -ge 2 ] || { usage >&2; exit 2; }; SRC="$(cd "$2" && pwd)" || exit 2; shift ;;
    --no-speech) SPEECH=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[ "$R" = "/" ] && R=""
LIVE=1; [ -n "$R" ] && LIVE=0

die() { echo "install-pi: $*" >&2; exit 1; }

if [ "$LIVE" = 1 ] && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
  die "run me as root: sudo $0"
fi
if [ "$LIVE" = 1 ] && ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  die "motcua-kiosk needs Python 3.11 or newer (Raspberry Pi OS Bookworm has it)"
fi
for f in kiosk.service kiosk.example.toml "deploy/$RULES" deploy/kiosk.env deploy/kiosk-cli.sh pyproject.toml; do
  [ -f "$SRC/$f" ] || die "$SRC/$f is missing: is --source a motcua-kiosk checkout?"
done

# ---------------------------------------------------------------- reporting
CHANGED=0 UNCHANGED=0 SKIPPED=0
DID=0  # whether the last step changed (or would change) something

step() { echo "== $*"; DID=0; }
unchanged() { echo "   unchanged: $*"; UNCHANGED=$((UNCHANGED + 1)); }

# show CMD...: the command line, unless CMD is one of this script's functions.
show() { declare -F "$1" >/dev/null || echo "     \$ $*"; }

# act WHAT CMD...: make a change (in --dry-run only say so).
act() {
  local what=$1; shift
  if [ "$DRY_RUN" = 1 ]; then
    echo "   would $what"
    show "$@"
  else
    echo "   changed: $what"
    "$@"
  fi
  CHANGED=$((CHANGED + 1)); DID=1
}

# system WHAT CMD...: like act, for commands that need the running system; under --root
# they are printed, not run.
system() {
  if [ "$LIVE" = 0 ]; then
    echo "   skipped (--root): $1"
    shift; show "$@"
    SKIPPED=$((SKIPPED + 1))
    return 0
  fi
  act "$@"
}

# put_file SRC DEST MODE [keep]: install SRC at DEST; "keep" never replaces an existing DEST.
put_file() {
  local src=$1 dest=$2 mode=$3 policy=${4:-replace}
  if [ -e "$dest" ] || [ -L "$dest" ]; then
    if [ "$policy" = keep ]; then
      unchanged "$dest exists (kept as it is, never overwritten)"
    elif cmp -s "$src" "$dest" && [ "$(stat -c %a "$dest")" = "${mode#0}" ]; then
      unchanged "$dest"
    else
      act "update $dest" install -D -m "$mode" "$src" "$dest"
    fi
  else
    act "create $dest" install -D -m "$mode" "$src" "$dest"
  fi
}

# --root for useradd, groupadd, usermod and systemctl enable/disable: they edit DIR's files.
ROOT_ARGS=(); [ "$LIVE" = 1 ] || ROOT_ARGS=(--root "$R")

echo "motcua-kiosk installer: source $SRC, target ${R:-/}$([ "$DRY_RUN" = 1 ] && echo ', dry run')"

# ---------------------------------------------------------------- 1. Debian packages
step "Debian packages"
want=("${DEBS[@]}"); [ "$SPEECH" = 1 ] && want+=("${SPEECH_DEBS[@]}")
if [ "$LIVE" = 0 ]; then
  system "install Debian packages ${want[*]}" apt-get install -y --no-install-recommends "${want[@]}"
else
  missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    unchanged "${want[*]} installed"
  else
    system "apt-get update" apt-get update -q
    system "install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# ---------------------------------------------------------------- 2. the kiosk user
step "system user $KIOSK_USER (groups ${KIOSK_GROUPS[*]})"
# Read the target's own files, so --root works on a throwaway /etc.
has_user() { if [ "$LIVE" = 1 ]; then getent passwd "$1" >/dev/null; else grep -q "^$1:" "$R/etc/passwd"; fi; }
has_group() { if [ "$LIVE" = 1 ]; then getent group "$1" >/dev/null; else grep -q "^$1:" "$R/etc/group"; fi; }
in_group() {  # in_group USER GROUP: USER is a supplementary member of GROUP
  local line
  if [ "$LIVE" = 1 ]; then line=$(getent group "$2" || true); else line=$(grep "^$2:" "$R/etc/group" || true); fi
  [[ ",${line##*:}," == *",$1,"* ]]
}
if [ "$LIVE" = 0 ] && [ ! -f "$R/etc/passwd" ]; then
  system "create user $KIOSK_USER ($R/etc/passwd does not exist)" useradd --system "$KIOSK_USER"
else
  for g in "${KIOSK_GROUPS[@]}"; do
    has_group "$g" && continue
    act "create group $g" groupadd "${ROOT_ARGS[@]}" --system "$g"
  done
  if has_user "$KIOSK_USER"; then
    unchanged "user $KIOSK_USER exists"
  else
    act "create user $KIOSK_USER" useradd "${ROOT_ARGS[@]}" --system --user-group \
      --home-dir /var/lib/motcua-kiosk --no-create-home --shell /usr/sbin/nologin \
      --comment "motcua-kiosk" --groups "$(IFS=,; echo "${KIOSK_GROUPS[*]}")" "$KIOSK_USER"
  fi
  if [ "$DID" = 0 ]; then  # an existing user: make sure it is in every group
    absent=()
    for g in "${KIOSK_GROUPS[@]}"; do in_group "$KIOSK_USER" "$g" || absent+=("$g"); done
    if [ ${#absent[@]} -eq 0 ]; then
      unchanged "$KIOSK_USER is in ${KIOSK_GROUPS[*]}"
    else
      act "add $KIOSK_USER to ${absent[*]}" usermod "${ROOT_ARGS[@]}" --append \
        --groups "$(IFS=,; echo "${absent[*]}")" "$KIOSK_USER"
    fi
  fi
fi

# ---------------------------------------------------------------- 3. the program
step "program files in $PREFIX/src"
# The checkout's files (git's view when it is a repository), without build leftovers.
list_source() {
  if [ -d "$SRC/.git" ] && command -v git >/dev/null; then
    # safe.directory: the checkout usually belongs to the pi user, and we run as root.
    git -c safe.directory="$SRC" -C "$SRC" ls-files -z --cached --others --exclude-standard
  else
    (cd "$SRC" && find . -type f -print0 | sed -z 's#^\./##')
  fi | grep -zvE '(^|/)(\.git|\.venv|__pycache__|[^/]*\.egg-info|\.pytest_cache|\.hypothesis)(/|$)|\.pyc$' \
     | sort -zu
}
DEST="$R$PREFIX/src"
declare -A wanted=()
copy=() remove=()
while IFS= read -r -d '' rel; do
  [ -f "$SRC/$rel" ] || continue  # deleted but not yet committed
  wanted["$rel"]=1
  mode=644; [ -x "$SRC/$rel" ] && mode=755
  if ! cmp -s "$SRC/$rel" "$DEST/$rel" || [ "$(stat -c %a "$DEST/$rel")" != "$mode" ]; then
    copy+=("$rel")
  fi
done < <(list_source)
[ -n "${wanted[pyproject.toml]:-}" ] || die "could not list the files of $SRC"
if [ -d "$DEST" ]; then
  while IFS= read -r -d '' rel; do
    [ -n "${wanted[$rel]:-}" ] || remove+=("$rel")
  done < <(cd "$DEST" && find . -type f -print0 | sed -z 's#^\./##' \
             | grep -zvE '(^|/)(__pycache__|[^/]*\.egg-info)(/|$)|\.pyc$' | sort -z)
fi
if [ ${#copy[@]} -eq 0 ] && [ ${#remove[@]} -eq 0 ]; then
  unchanged "$DEST (${#wanted[@]} files)"
else
  sync_files() {
    local rel mode
    for rel in "${copy[@]}"; do
      mode=644; [ -x "$SRC/$rel" ] && mode=755
      install -D -m "$mode" "$SRC/$rel" "$DEST/$rel"
    done
    for rel in "${remove[@]}"; do rm -f -- "$DEST/$rel"; done
  }
  act "copy ${#copy[@]} files to $DEST, remove ${#remove[@]} stale ones" sync_files
fi

# ---------------------------------------------------------------- 4. Python environment
step "Python environment $PREFIX/venv"
VENV="$R$PREFIX/venv"
STAMP="$R$PREFIX/.installed-pyproject.sha256"
if [ -x "$VENV/bin/python" ]; then
  unchanged "$VENV exists"
else
  system "create $VENV" python3 -m venv "$VENV"
fi
# The install is editable, so code updates need no pip run; only a changed pyproject.toml
# (dependencies, entry points) does.
want_sum=$(sha256sum "$SRC/pyproject.toml" | cut -d' ' -f1)
if [ -x "$VENV/bin/kiosk" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want_sum" ]; then
  unchanged "motcua-kiosk installed in $VENV"
else
  pip_install() {
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e "$DEST"
    echo "$want_sum" > "$STAMP"
  }
  system "pip install motcua-kiosk (editable, from $DEST) into $VENV" pip_install
fi

step "command /usr/local/bin/kiosk (runs kiosk as the service does, e.g. sudo kiosk doctor)"
put_file "$SRC/deploy/kiosk-cli.sh" "$R/usr/local/bin/kiosk" 0755

# ---------------------------------------------------------------- 5. configuration
step "configuration in /etc/kiosk"
put_file "$SRC/kiosk.example.toml" "$R/etc/kiosk/kiosk.toml" 0640 keep
if [ "$DID" = 1 ]; then  # the kiosk user reads it; others do not see the API key
  # By number from the target's group file, so it works under --root too.
  if [ "$LIVE" = 1 ]; then gid=$(getent group "$KIOSK_USER" | cut -d: -f3 || true)
  else gid=$(grep "^$KIOSK_USER:" "$R/etc/group" 2>/dev/null | cut -d: -f3 || true); fi
  act "let group $KIOSK_USER read /etc/kiosk/kiosk.toml" chgrp "${gid:-$KIOSK_USER}" "$R/etc/kiosk/kiosk.toml"
fi
put_file "$SRC/deploy/kiosk.env" "$R/etc/kiosk/kiosk.env" 0644 keep

# ---------------------------------------------------------------- 6. udev rules
step "udev rules (/dev/kiosk-scanner, /dev/kiosk-printer)"
put_file "$SRC/deploy/$RULES" "$R/etc/udev/rules.d/$RULES" 0644
if [ "$DID" = 1 ]; then
  system "reload udev rules" udevadm control --reload
  system "apply them to devices already plugged in" \
    udevadm trigger --action=change --subsystem-match=tty --subsystem-match=usb --subsystem-match=usbmisc
fi

# ---------------------------------------------------------------- 7. systemd unit
step "systemd unit $UNIT"
put_file "$SRC/kiosk.service" "$R/etc/systemd/system/$UNIT" 0644
if [ "$DID" = 1 ]; then
  system "reload systemd" systemctl daemon-reload
fi
state=$(systemctl "${ROOT_ARGS[@]}" is-enabled "$UNIT" 2>/dev/null || true)
if [ "$state" = enabled ]; then
  unchanged "$UNIT enabled"
else
  act "enable $UNIT (start at boot)" systemctl "${ROOT_ARGS[@]}" enable --quiet "$UNIT"
fi
state=$(systemctl "${ROOT_ARGS[@]}" is-enabled getty@tty1.service 2>/dev/null || true)
if [ "$state" = enabled ]; then
  act "disable getty@tty1.service (the kiosk uses tty1)" systemctl "${ROOT_ARGS[@]}" disable --quiet getty@tty1.service
else
  unchanged "getty@tty1.service not enabled (${state:-not installed})"
fi

# ---------------------------------------------------------------- done
echo
if [ "$DRY_RUN" = 1 ]; then
  echo "Dry run: $CHANGED would change, $UNCHANGED unchanged, $SKIPPED skipped. Nothing was changed."
else
  echo "Done: $CHANGED changed, $UNCHANGED unchanged, $SKIPPED skipped."
  if [ "$CHANGED" -gt 0 ] && [ "$LIVE" = 1 ]; then
    echo "Edit /etc/kiosk/kiosk.toml if needed, then reboot (or: systemctl restart $UNIT)."
    echo "Logs: journalctl -u $UNIT -b"
  fi
fi
