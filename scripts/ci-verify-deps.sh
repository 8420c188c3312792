#!/usr/bin/env bash
# What CI runs before `cargo test` so the tests that drive real tools (moto, pre-commit, xmlschema)
# have them:
#   bash scripts/ci-verify-deps.sh
# Installs Debian's python3-venv when `python3 -m venv` cannot work, then makes <repo>/.venv with
# moto[server], pre-commit and xmlschema (scripts/setup-moto.sh; idempotent). With CI=true the tests
# that need them fail, not skip, when they are missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  else
    echo "ci-verify-deps: python3 venv/ensurepip missing and no apt-get" >&2
    exit 1
  fi
fi
command -v dot >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; } || echo "ci-verify-deps: no graphviz; tests/graph.rs skips its dot -Tsvg test" >&2
bash "$ROOT/scripts/setup-moto.sh"
