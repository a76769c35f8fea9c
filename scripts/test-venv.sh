#!/usr/bin/env bash
# Creates (once) the test venv .venv-test with scripts/test-requirements.txt and prints
# its python's absolute path. Idempotent: pip runs only when the requirements changed.
#   export SLUICE_TEST_PYTHON="$(bash scripts/test-venv.sh)"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="$PWD/.venv-test"
REQ="scripts/test-requirements.txt"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" >&2
fi
stamp="$VENV/.requirements"
if ! cmp -s "$REQ" "$stamp"; then
    echo "test-venv: installing $(grep -cv '^#' "$REQ") packages into .venv-test" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" >&2
    cp "$REQ" "$stamp"
fi
echo "$VENV/bin/python"
