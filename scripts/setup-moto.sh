#!/usr/bin/env bash
# Creates <repo>/.venv with moto's server (used by crates/trustlint-verify/tests as a real STS/IAM server).
# Idempotent: does nothing when the pinned moto is already installed.
set -euo pipefail
MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$MOTO_VERSION" <<'PYEOF' 2>/dev/null
import sys, importlib.metadata as m
import moto.server, flask, werkzeug  # noqa: F401  (server extras present)
sys.exit(0 if m.version("moto") == sys.argv[1] else 1)
PYEOF
then
  echo "setup-moto: moto $MOTO_VERSION already installed in $VENV"
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --disable-pip-version-check -q "moto[server]==$MOTO_VERSION"
"$VENV/bin/python" -c 'import moto, moto.server; print("setup-moto: installed moto", moto.__version__)'
