#!/usr/bin/env bash
# How fast `trustlint server` answers a change: didChange -> publishDiagnostics latency on a
# generated Terraform module, measured over the real binary's stdio as an editor drives it.
# Prints figures only (never a timed assertion in a test).
#
#   scripts/bench-lsp.sh                 release binary (built if needed), 2,000-line module
#   BIN=target/debug/trustlint scripts/bench-lsp.sh
#   LINES=5000 CHANGES=40 scripts/bench-lsp.sh
#
# The module is deterministic: LINES lines of Spacelift-trusting roles (jsonencode trust policies
# with external id conditions, some of them findings), attachments and variables, in four files.
# Each change edits one external id in main.tf (alternating a finding in and out), so the whole
# module is re-linted and its diagnostics published every time. Every change writes an id not
# written before (as typing does), so the changed policy's questions are new to the server;
# REPEAT=1 toggles between two texts instead (an undo/redo), where every answer is remembered.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="${BIN:-}"
[ -n "$bin" ] && bin=$(realpath "$bin")
if [ -z "$bin" ]; then
  cargo build --release --quiet --bin trustlint
  bin="$root/target/release/trustlint"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$bin" "$work" "${LINES:-2000}" "${CHANGES:-30}" <<'PY'
import json, os, statistics, subprocess, sys, threading, time, queue, urllib.parse

binary, work, target_lines, changes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def role(i, pattern):
    return f'''resource "aws_iam_role" "r{i}" {{
  name = "spacelift-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ AWS = "arn:aws:iam::324880187172:root" }}
      Action    = "sts:AssumeRole"
      Condition = {{ StringLike = {{ "sts:ExternalId" = "{pattern}" }} }}
    }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "r{i}" {{
  role       = aws_iam_role.r{i}.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}

'''

def variable(i):
    return f'variable "v{i}" {{\n  type    = string\n  default = "acme@*@stack-{i}@read"\n}}\n\n'

# Four files: main.tf (the one edited), roles.tf, more roles, variables.tf; filled to LINES.
files = {"main.tf": [], "roles.tf": [], "more.tf": [], "variables.tf": []}
lines = 0
i = 0
names = ["main.tf", "roles.tf", "more.tf", "variables.tf"]
while lines < target_lines:
    name = names[i % 4]
    if name == "variables.tf":
        block = variable(i)
    else:
        pattern = "acme@*" if i % 7 == 0 else f"acme@*@stack-{i}@read"
        block = role(i, pattern)
    files[name].append(block)
    lines += block.count("\n")
    i += 1
texts = {n: "".join(b) for n, b in files.items()}
for n, t in texts.items():
    with open(os.path.join(work, n), "w") as f:
        f.write(t)
total = sum(t.count("\n") for t in texts.values())

proc = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=work)
inbox = queue.Queue()

def reader():
    out = proc.stdout
    while True:
        length = None
        while True:
            line = out.readline()
            if not line:
                return
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        inbox.put(json.loads(out.read(length)))

threading.Thread(target=reader, daemon=True).start()

def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()

def wait(pred, timeout=120):
    end = time.monotonic() + timeout
    while True:
        m = inbox.get(timeout=max(0.01, end - time.monotonic()))
        if pred(m):
            return m

uri = "file://" + urllib.parse.quote(os.path.join(work, "main.tf"))
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
wait(lambda m: m.get("id") == 1)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
text = texts["main.tf"]
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}}})
first = wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)

# The edit: the first role's pattern, toggled between a finding and none.
needle = '"sts:ExternalId" = "'
at = text.index(needle) + len(needle)
end = text.index('"', at)
line = text[:at].count("\n")
col = at - (text[:at].rfind("\n") + 1)
old = text[at:end]
repeat = os.environ.get("REPEAT") == "1"
def value(n):
    # Odd changes: every stack of an account (TL204); even: one stack's read runs (no finding).
    k = n % 2 if repeat else n
    return f"acme{k}@*" if n % 2 else f"acme@*@stack-{k}@read"
def cpu_seconds():
    # utime + stime of the server, all threads (fields 14 and 15 of /proc/PID/stat).
    with open(f"/proc/{proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

times = []
counts = []
cpu_start = cpu_seconds()
for n in range(changes):
    new = value(n)
    change = {"range": {"start": {"line": line, "character": col},
                        "end": {"line": line, "character": col + len(old)}}, "text": new}
    old = new
    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": n + 2}, "contentChanges": [change]}})
    m = wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
             and m["params"]["uri"] == uri and m["params"].get("version") == n + 2)
    times.append((time.perf_counter() - start) * 1000)
    counts.append(len(m["params"]["diagnostics"]))

cpu = (cpu_seconds() - cpu_start) * 1000 / changes
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
wait(lambda m: m.get("id") == 2)
send({"jsonrpc": "2.0", "method": "exit"})
status = proc.wait(timeout=30)

times.sort()
def pct(q):
    # Nearest rank: the smallest time at least q of the changes took no longer than.
    return times[min(len(times) - 1, max(0, -(-len(times) * q // 100) - 1))]
print(f"module: {total} lines in 4 files, {i} blocks; binary {binary}; "
      + ("two texts toggled" if repeat else "a new id every change"))
print(f"diagnostics in main.tf after a change: {min(counts)}-{max(counts)}")
print(f"didChange -> publishDiagnostics over {changes} changes: median {statistics.median(times):.1f} ms, "
      f"p90 {pct(90):.1f} ms, p95 {pct(95):.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
print(f"server CPU time per change (user + system, all threads): {cpu:.1f} ms; "
      f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
print(f"server exit status {status}")
PY
