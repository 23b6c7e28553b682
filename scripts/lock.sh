#!/usr/bin/env bash
# Regenerate the locks that scripts/setup.sh installs from: the exact versions, with their hashes,
# resolved from the ranges in pyproject.toml.
#   requirements.lock       sohoa's runtime dependencies (make run)
#   requirements-test.lock  the same versions plus the test extra (make test, CI)
# Usage: scripts/lock.sh [--upgrade]
#   By default the versions already locked are kept and only what pyproject.toml no longer allows
#   (or newly asks for) is resolved again; --upgrade takes the newest versions the ranges allow.
# The locks are universal: environment markers pick the wheels for x86_64 and aarch64 Linux (and
# the other platforms uv knows) and for each Python from 3.11 on.
set -euo pipefail
cd "$(dirname "$0")/.."

uv=$(command -v uv || true)
if [ -z "$uv" ]; then
    # uv is a tool of this script only, not a dependency of sohoa: a throw-away venv of its own.
    tools=$(mktemp -d)
    trap 'rm -rf "$tools"' EXIT
    "${PYTHON:-python3}" -m venv "$tools"
    "$tools/bin/python" -m pip install -q 'uv>=0.9,<1' 2>/dev/null
    uv="$tools/bin/uv"
fi
compile() {
    "$uv" pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
        --custom-compile-command "scripts/lock.sh" --quiet "$@"
}
compile "$@" -o requirements.lock
# Constrained by the runtime lock, so that both install the very same version of every shared package.
compile --extra test -c requirements.lock "$@" -o requirements-test.lock
for lock in requirements.lock requirements-test.lock; do
    echo "sohoa: $lock: $(grep -c '^[A-Za-z0-9]' "$lock") packages pinned with hashes"
done
