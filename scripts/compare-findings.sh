#!/usr/bin/env bash
# "No finding changes": runs two trustlint binaries over the same inputs and diffs their JSON
# reports. Used to show that a performance change leaves every finding as it was.
#
#   scripts/compare-findings.sh REFERENCE_BIN [CANDIDATE_BIN]
#
# CANDIDATE_BIN defaults to target/release/trustlint. Inputs: every fixtures/<dir>/ (with its
# trustlint.toml when it has one, as tests/fixtures.rs does), examples/, 2,000 generated files
# (scripts/gen_corpus.py) and the AWS managed-policy corpus (../shared/data/aws-managed-policies
# or $TRUSTLINT_CORPUS; skipped with a message when absent). Exit status 0 when every report is identical, 1 when one differs (the diff is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
ref="${1:?usage: scripts/compare-findings.sh REFERENCE_BIN [CANDIDATE_BIN]}"
new="${2:-target/release/trustlint}"
corpus="${TRUSTLINT_CORPUS:-../shared/data/aws-managed-policies}"
for b in "$ref" "$new"; do
  [ -x "$b" ] || { echo "compare-findings: $b is not an executable" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One report per binary and case; the exit status (findings or not) is recorded with it, since
# it is part of what a user sees.
report() {
  local name=$1
  shift
  for side in ref new; do
    local bin=$ref
    [ "$side" = new ] && bin=$new
    local rc=0
    "$bin" check --format json --fail-on never "$@" >"$out/$side.$name.json" 2>"$out/$side.$name.err" || rc=$?
    echo "exit $rc" >>"$out/$side.$name.json"
  done
}

cases=0
for dir in fixtures/*/; do
  name=$(basename "$dir")
  if [ -f "$dir/trustlint.toml" ]; then
    report "$name" --config "$dir/trustlint.toml" "$dir"
  else
    report "$name" --no-config "$dir"
  fi
  cases=$((cases + 1))
done
report examples --no-config examples
cases=$((cases + 1))
# Generated input of every kind (the benchmark's generator, 2,000 files).
python3 scripts/gen_corpus.py "$out/generated" 2000
report generated --no-config "$out/generated"
cases=$((cases + 1))
if [ -d "$corpus" ]; then
  report managed --no-config "$corpus"
  cases=$((cases + 1))
else
  echo "compare-findings: corpus $corpus absent: managed-policy case skipped"
fi

status=0
findings=0
for f in "$out"/ref.*.json; do
  name=${f#"$out/ref."}
  name=${name%.json}
  n=$(grep -c '"code"' "$f" || true)
  findings=$((findings + n))
  if ! diff -u "$f" "$out/new.$name.json" >"$out/diff" || ! diff -q "$out/ref.$name.err" "$out/new.$name.err" >/dev/null; then
    echo "compare-findings: $name differs:"
    head -40 "$out/diff"
    diff -u "$out/ref.$name.err" "$out/new.$name.err" | head -20 || true
    status=1
  fi
done
if [ "$status" = 0 ]; then
  echo "compare-findings: $cases cases, $findings findings, identical reports"
fi
exit "$status"
