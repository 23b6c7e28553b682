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
# The test suite also starts a real PostgreSQL server of its own (tests/postgres.py).
[ "$want_test" = 1 ] && packages+=(postgresql)

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
extra=""
[ "$want_test" = 1 ] && extra="[test]"
stamp=".venv/.installed$extra"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    # pip warns about local mirror folders it skips; only real errors are worth showing.
    quiet_pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "is ignored: it is neither" >&2); }
    quiet_pip install -q --upgrade pip >/dev/null
    quiet_pip install -q -e ".$extra"
    touch "$stamp"
fi
