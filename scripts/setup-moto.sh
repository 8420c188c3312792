#!/usr/bin/env bash
# Creates <repo>/.venv with the Python tools the tests drive for real: moto's server
# (tests/verify_aws.rs, a real STS/IAM server), pre-commit (tests/precommit.rs runs the hook) and
# xmlschema (tests/cli_gate.rs validates the JUnit report against tests/junit-windyroad.xsd).
# Idempotent: does nothing when the pinned versions are already installed.
set -euo pipefail
MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
PRE_COMMIT_VERSION="${PRE_COMMIT_VERSION:-4.7.0}"
XMLSCHEMA_VERSION="${XMLSCHEMA_VERSION:-4.3.2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$MOTO_VERSION" "$PRE_COMMIT_VERSION" "$XMLSCHEMA_VERSION" <<'PYEOF' 2>/dev/null
import sys, importlib.metadata as m
import moto.server, flask, werkzeug  # noqa: F401  (server extras present)
want = dict(zip(["moto", "pre-commit", "xmlschema"], sys.argv[1:]))
sys.exit(0 if all(m.version(k) == v for k, v in want.items()) else 1)
PYEOF
then
  echo "setup-moto: moto $MOTO_VERSION, pre-commit $PRE_COMMIT_VERSION, xmlschema $XMLSCHEMA_VERSION already in $VENV"
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --disable-pip-version-check -q "moto[server]==$MOTO_VERSION" \
  "pre-commit==$PRE_COMMIT_VERSION" "xmlschema==$XMLSCHEMA_VERSION"
"$VENV/bin/python" -c 'import moto, moto.server; print("setup-moto: installed moto", moto.__version__)'
"$VENV/bin/pre-commit" --version
