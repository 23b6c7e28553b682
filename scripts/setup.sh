#!/usr/bin/env bash
# Prepare this machine for sohoa: Debian packages (as root) and a local virtual environment.
# Usage: scripts/setup.sh [--test]   (--test also installs what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Programs sohoa drives, with the Debian package that provides each.
packages=(tesseract-ocr tesseract-ocr-vie poppler-utils ffmpeg espeak-ng qpdf
          fonts-dejavu-core fonts-noto-core fonts-liberation2 fonts-freefont-ttf)
# The web tests drive Debian's Chromium through Playwright (Playwright cannot download its own here).
[ "$want_test" = 1 ] && packages+=(chromium)
# The catalog tests start a real PostgreSQL server of their own (tests/postgres.py).
[ "$want_test" = 1 ] && packages+=(postgresql)
# The bulletin tests decode the printed QR code with a real decoder (zbarimg).
[ "$want_test" = 1 ] && packages+=(zbar-tools)

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "sohoa: cài gói hệ thống / installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "sohoa: thiếu gói hệ thống / missing Debian packages: ${missing[*]}" >&2
        echo "       run as root:  apt-get install ${missing[*]}" >&2
        exit 3
    fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "sohoa: Python 3.11 or newer is needed (found $("$python" --version 2>&1))" >&2
    exit 3
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
# The exact versions the tests passed with, with their hashes (scripts/lock.sh makes the locks
# from the ranges in pyproject.toml): a fresh machine installs these, not the newest of the day.
lock=requirements.lock
[ "$want_test" = 1 ] && lock=requirements-test.lock
# Reinstall when the lock or the set of packages changes (an editable install maps the top-level
# packages that existed when it ran).
signature=$(cat pyproject.toml "$lock"; ls -d -- */__init__.py)
stamp=".venv/.installed-$lock"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(printf '%s' "$signature" | sha1sum)" ]; then
    # pip and setuptools print warnings (skipped mirror folders, editable-install notes) on every
    # run; show pip's output only when it fails.
    quiet_pip() {
        local log; log=$(mktemp)
        if ! .venv/bin/python -m pip "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; return 1; fi
        rm -f "$log"
    }
    echo "sohoa: cài gói Python / installing Python packages into .venv …"
    quiet_pip install -q --require-hashes -r "$lock"
    # sohoa itself, editable; its dependencies are all in the lock already.
    quiet_pip install -q --no-deps -e .
    printf '%s' "$signature" | sha1sum > "$stamp"
fi
