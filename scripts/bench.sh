#!/usr/bin/env bash
# Benchmarks that print figures (never timed assertions in tests).
#
#   scripts/bench.sh            trustlint alone
#   scripts/bench.sh --peers    also parliament (policies) and checkov (Terraform), from PyPI,
#                               on the same inputs, in the same run
#
# Cases: the 1641 AWS managed policies (../shared/data/aws-managed-policies), one trust policy
# (the pre-commit case), a synthetic policy with thousands of findings (report rendering), and a
# generated tree of 200 Terraform modules (roles, attachments, Spacelift wiring).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
corpus="${TRUSTLINT_CORPUS:-$root/../shared/data/aws-managed-policies}"
runs="${RUNS:-5}"
peers=0
[ "${1:-}" = "--peers" ] && peers=1

cargo build --release --quiet
bin="$root/target/release/trustlint"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Median wall time in milliseconds of $runs runs of a command (output discarded).
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

python3 - "$work/many-findings.json" <<'PY'
import json, sys
# 5000 statements, each with a bad Effect and a non-alphanumeric Sid: 10000 findings.
st = [{"Sid": f"s-{i}", "Effect": "allow", "Action": "s3:GetObject", "Resource": "*"} for i in range(5000)]
json.dump({"Version": "2012-10-17", "Statement": st}, open(sys.argv[1], "w"), indent=2)
PY
python3 - "$work/patterns.json" <<'PY'
import json, random, sys
# A pathological trust condition: 100 wildcard-heavy external id patterns, 50 of them negated.
random.seed(1)
vals = ["*".join(random.choice("ab@c") for _ in range(12)) + "*" for _ in range(100)]
cond = {"StringLike": {"sts:ExternalId": vals}, "StringNotLike": {"sts:ExternalId": vals[:50]}}
st = {"Effect": "Allow", "Principal": {"AWS": "324880187172"}, "Action": "sts:AssumeRole", "Condition": cond}
json.dump({"Version": "2012-10-17", "Statement": [st]}, open(sys.argv[1], "w"))
PY
cp examples/spacelift-trust.json "$work/one.json"
for i in $(seq -w 1 200); do
  mkdir -p "$work/tf/m$i"
  sed "s/spacelift-app/app-$i/; s/\"app\"/\"app-$i\"/g" examples/terraform/main.tf > "$work/tf/m$i/main.tf"
done

echo "trustlint $("$bin" --version | awk '{print $2}') on $(nproc) cores, median of $runs runs"
printf '%-52s %8s\n' "case" "ms"
printf '%-52s %8s\n' "one trust policy (pre-commit)" "$(median_ms "$bin" check "$work/one.json")"
printf '%-52s %8s\n' "100 wildcard external id patterns in one condition" "$(median_ms "$bin" check "$work/patterns.json")"
printf '%-52s %8s\n' "10000 findings in one file, human output" "$(median_ms "$bin" check "$work/many-findings.json")"
printf '%-52s %8s\n' "10000 findings in one file, JSON output" "$(median_ms "$bin" check --format json "$work/many-findings.json")"
printf '%-52s %8s\n' "200 Terraform modules" "$(median_ms "$bin" check "$work/tf")"
if [ "$peers" = 1 ]; then
  venv="$root/.venv-bench"
  [ -x "$venv/bin/checkov" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'checkov==3.3.30'; }
  printf '%-52s %8s\n' "200 Terraform modules, checkov 3.3.30" \
    "$(median_ms "$venv/bin/checkov" --skip-download --quiet --compact --framework terraform -d "$work/tf")"
fi
if [ -d "$corpus" ]; then
  n=$(ls "$corpus" | wc -l)
  printf '%-52s %8s\n' "$n AWS managed policies, JSON output" "$(median_ms "$bin" check --format json "$corpus")"
  if [ "$peers" = 1 ]; then
    venv="$root/.venv-bench"
    [ -x "$venv/bin/parliament" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'parliament==1.6.4'; }
    printf '%-52s %8s\n' "$n AWS managed policies, parliament 1.6.4" "$(median_ms "$venv/bin/parliament" --directory "$corpus")"
  fi
else
  echo "(corpus $corpus absent: corpus cases skipped)"
fi
