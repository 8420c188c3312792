#!/usr/bin/env bash
# Benchmarks that print figures (never timed assertions in tests). CPU seconds (user + system of
# the whole process, from wait4) and peak RSS, so figures hold on a loaded machine; each case
# is also printed as a multiple of the parse floor (`trustlint parse-floor`: walk + read +
# parse with the same crates, nothing else) measured in the same run.
#
#   scripts/bench.sh            trustlint and the parse floor
#   scripts/bench.sh --peers    also Parliament (policies) and Checkov (Terraform, IAM checks
#                               only) from PyPI, in a venv under the worktree, on the same inputs
#
# Environment: BENCH_BIN (a binary to measure instead of building target/release; BENCH_FLOOR_BIN
# for the parse floor when that binary predates `parse-floor`), BENCH_FILES (size of the generated corpus, default 100000), RUNS (runs of the
# small cases, median taken, default 5), TRUSTLINT_CORPUS (the AWS managed policies, default
# ../shared/data/aws-managed-policies; cases skipped when absent).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
corpus="${TRUSTLINT_CORPUS:-$root/../shared/data/aws-managed-policies}"
runs="${RUNS:-5}"
files="${BENCH_FILES:-100000}"
peers=0
[ "${1:-}" = "--peers" ] && peers=1

if [ -n "${BENCH_BIN:-}" ]; then
  bin=$BENCH_BIN # another build (e.g. the reference of an A/B), used as it is
else
  cargo build --release --quiet --bin trustlint
  bin="$root/target/release/trustlint"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
floor_bin="${BENCH_FLOOR_BIN:-$bin}"

# `measure RUNS CMD...`: "cpu_seconds peak_rss_mb" of the median-CPU run (output discarded).
measure() {
  python3 - "$@" <<'PY'
import os, subprocess, sys
runs, cmd = int(sys.argv[1]), sys.argv[2:]
results = []
for _ in range(runs):
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, stdout=null, stderr=null)
        _, _, ru = os.wait4(p.pid, 0)
    results.append((ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024))
results.sort()
cpu, rss = results[len(results) // 2]
print(f"{cpu:.4f} {rss:.1f}")
PY
}

python3 scripts/gen_corpus.py "$work/corpus" "$files"
tenth=$(find "$work/corpus" -maxdepth 1 -mindepth 1 -type d | sort | head -n $(( (files + 9999) / 10000 )))
corpus_mb=$(find "$work/corpus" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s / 1048576}')
# shellcheck disable=SC2086 # a list of directories
tenth_files=$(find $tenth -type f | wc -l)

python3 - "$work/many-findings.json" <<'PY'
import json, sys
# 5000 statements, each with a bad Effect and a non-alphanumeric Sid: 10000 findings.
st = [{"Sid": f"s-{i}", "Effect": "allow", "Action": "s3:GetObject", "Resource": "*"} for i in range(5000)]
json.dump({"Version": "2012-10-17", "Statement": st}, open(sys.argv[1], "w"), indent=2)
PY
python3 - "$work/patterns.json" "$work/patterns-q.json" <<'PY'
import json, sys
# Issue 15's pathological trust policy: 28 statements of 20 wildcard external id patterns, as
# whole parts (answered from the text) and with a `?` in the stack part (left to the automata).
for out, q in zip(sys.argv[1:], ["", "?"]):
    sts = [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"sts:ExternalId": [f"acme@*@stack-{i}-{j}{q}@*" for j in range(20)]}}} for i in range(28)]
    json.dump({"Version": "2012-10-17", "Statement": sts}, open(out, "w"))
PY
cp examples/spacelift-trust.json "$work/one.json"
mkdir -p "$work/one-tf" && cp examples/terraform/main.tf "$work/one-tf/main.tf"
for i in $(seq -w 1 200); do
  mkdir -p "$work/tf/m$i"
  sed "s/spacelift-app/app-$i/; s/\"app\"/\"app-$i\"/g" examples/terraform/main.tf > "$work/tf/m$i/main.tf"
done

row() { printf '%-58s %10s %9s %10s\n' "$@"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.1f}x' if b > 0 else '-')" "$1" "$2"; }
# `case NAME FLOOR_CPU CMD...`: one row, with CPU seconds as a multiple of FLOOR_CPU.
case_row() {
  local name=$1 floor=$2 n=$3
  shift 3
  read -r cpu rss < <(measure "$n" "$@")
  row "$name" "$cpu" "$rss" "$( [ "$floor" = - ] && echo - || ratio "$cpu" "$floor")"
  echo "$cpu $rss" >"$work/last"
}

echo "trustlint $("$bin" --version | awk '{print $2}') on $(nproc) cores, $(date -u +%Y-%m-%d), CPU seconds (median of $runs for small cases)"
row "case" "CPU-s" "RSS MB" "x floor"
read -r v_cpu _ < <(measure "$runs" "$bin" --version)
row "trustlint --version" "$v_cpu" "" ""
case_row "one trust policy (pre-commit)" - "$runs" "$bin" check "$work/one.json"
one_cpu=$(cut -d' ' -f1 "$work/last")
case_row "one small main.tf (pre-commit)" - "$runs" "$bin" check "$work/one-tf/main.tf"
tf_one_cpu=$(cut -d' ' -f1 "$work/last")
case_row "28 statements x 20 wildcard external ids" - 1 "$bin" check "$work/patterns.json"
patterns_cpu=$(cut -d' ' -f1 "$work/last")
case_row "28 x 20 wildcard external ids with a ? (automata)" - 1 "$bin" check "$work/patterns-q.json"
for fmt in json human sarif; do
  case_row "10000 findings, $fmt" - "$runs" "$bin" check --format "$fmt" --output "$work/out.$fmt" "$work/many-findings.json"
  read -r "f_cpu_$fmt" "f_rss_$fmt" <"$work/last"
done
row "  SARIF / JSON output bytes" "$(stat -c %s "$work/out.sarif")" "" "$(ratio "$(stat -c %s "$work/out.sarif")" "$(stat -c %s "$work/out.json")")"

read -r floor_tenth _ < <(measure 1 "$floor_bin" parse-floor $tenth)
read -r floor_all floor_rss < <(measure 1 "$floor_bin" parse-floor "$work/corpus")
row "parse floor, $tenth_files generated files" "$floor_tenth" "" "1.0x"
row "parse floor, $files generated files ($corpus_mb MB)" "$floor_all" "$floor_rss" "1.0x"
case_row "$tenth_files generated files, JSON" "$floor_tenth" 1 "$bin" check --no-config --format json $tenth
tenth_cpu=$(cut -d' ' -f1 "$work/last")
case_row "$files generated files, JSON" "$floor_all" 1 "$bin" check --no-config --format json "$work/corpus"
read -r big_cpu big_rss <"$work/last"
read -r floor_tf _ < <(measure 1 "$floor_bin" parse-floor "$work/tf")
case_row "200 Terraform modules" "$floor_tf" 1 "$bin" check --no-config "$work/tf"
tf_cpu=$(cut -d' ' -f1 "$work/last")
checkov_cpu=""
parliament_cpu=""
if [ "$peers" = 1 ]; then
  venv="$root/.venv-bench"
  [ -x "$venv/bin/checkov" ] && [ -x "$venv/bin/parliament" ] ||
    { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'checkov==3.3.30' 'parliament==1.6.4'; }
  # Checkov's IAM policy and trust checks only, as trustlint checks nothing else.
  iam_checks=CKV_AWS_1,CKV_AWS_40,CKV_AWS_60,CKV_AWS_61,CKV_AWS_62,CKV_AWS_63,CKV_AWS_107,CKV_AWS_108,CKV_AWS_109,CKV_AWS_110,CKV_AWS_111,CKV_AWS_274,CKV_AWS_286,CKV_AWS_287,CKV_AWS_288,CKV_AWS_289,CKV_AWS_290,CKV_AWS_355,CKV_AWS_356
  case_row "200 Terraform modules, checkov 3.3.30 (IAM checks)" "$floor_tf" 1 \
    "$venv/bin/checkov" --skip-download --quiet --compact --framework terraform --check "$iam_checks" -d "$work/tf"
  checkov_cpu=$(cut -d' ' -f1 "$work/last")
fi
managed_cpu=""
if [ -d "$corpus" ]; then
  n=$(find "$corpus" -name '*.json' | wc -l)
  read -r floor_m _ < <(measure 1 "$floor_bin" parse-floor "$corpus")
  case_row "$n AWS managed policies, JSON" "$floor_m" "$runs" "$bin" check --no-config --format json "$corpus"
  managed_cpu=$(cut -d' ' -f1 "$work/last")
  if [ "$peers" = 1 ]; then
    case_row "$n AWS managed policies, parliament 1.6.4" "$floor_m" 1 "$venv/bin/parliament" --directory "$corpus"
    parliament_cpu=$(cut -d' ' -f1 "$work/last")
  fi
else
  echo "(corpus $corpus absent: managed-policy cases skipped)"
fi

echo
echo "Issue 16, done when:"
printf '%-44s %-26s %s\n' "target" "trustlint" "met"
met() { python3 -c "import sys; print('yes' if eval(sys.argv[1]) else 'no')" "$1"; }
if [ -n "$parliament_cpu" ]; then
  r=$(python3 -c "print(f'{$parliament_cpu / $managed_cpu:.0f}x')")
  printf '%-44s %-26s %s\n' "managed policies: >= 200x Parliament" "$r ($managed_cpu vs $parliament_cpu CPU-s)" "$(met "$parliament_cpu / $managed_cpu >= 200")"
fi
mbps=$(python3 -c "print(f'{$corpus_mb / $big_cpu:.1f}')")
printf '%-44s %-26s %s\n' "$files files: >= 30 MB per CPU-second" "$mbps MB/CPU-s ($(ratio "$big_cpu" "$floor_all") floor)" "$(met "$corpus_mb / $big_cpu >= 30")"
printf '%-44s %-26s %s\n' "$files files: peak RSS <= 150 MB" "$big_rss MB" "$(met "$big_rss <= 150")"
printf '%-44s %-26s %s\n' "cost linear from $tenth_files to $files files" "$(ratio "$big_cpu" "$tenth_cpu") for $(ratio "$files" "$tenth_files") the files" "$(met "$big_cpu / $tenth_cpu <= 1.2 * $files / $tenth_files")"
printf '%-44s %-26s %s\n' "one trust policy: <= 5 ms CPU" "$(python3 -c "print(f'{$one_cpu * 1000:.1f} ms')")" "$(met "$one_cpu <= 0.005")"
printf '%-44s %-26s %s\n' "one small main.tf: <= 5 ms CPU" "$(python3 -c "print(f'{$tf_one_cpu * 1000:.1f} ms')")" "$(met "$tf_one_cpu <= 0.005")"
if [ -n "$checkov_cpu" ]; then
  printf '%-44s %-26s %s\n' "Checkov, IAM checks only: >= 1000x" "$(python3 -c "print(f'{$checkov_cpu / $tf_cpu:.0f}x')")" "$(met "$checkov_cpu / $tf_cpu >= 1000")"
fi
# shellcheck disable=SC2154 # set by `read` above
printf '%-44s %-26s %s\n' "SARIF within 1.5x of JSON (time, memory)" "$(ratio "$f_cpu_sarif" "$f_cpu_json") time, $(ratio "$f_rss_sarif" "$f_rss_json") memory" "$(met "$f_cpu_sarif <= 1.5 * $f_cpu_json and $f_rss_sarif <= 1.5 * $f_rss_json")"
printf '%-44s %-26s %s\n' "28 x 20 wildcard external ids: < 2 s" "$patterns_cpu CPU-s" "$(met "$patterns_cpu < 2")"
