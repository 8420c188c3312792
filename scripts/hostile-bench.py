#!/usr/bin/env python3
"""Measures every case of the robustness issue's table on a built binary.

    scripts/hostile-bench.py [--trustlint BIN] [--limit-s 2] [--limit-mb 200]

Each case is generated into its own temp dir next to an ordinary policy with a known finding
(TL101), and run as `trustlint check --format json .` under /usr/bin/time. Prints one row per
case: wall time, CPU time (user + system), peak RSS, exit code, whether the ordinary file was
still reported, whether a secret put in the environment leaked into the output, and OK or OVER
against the issue's bounds (2 s, 200 MB, release build). Exits 1 when a case is over, lost the
ordinary file, leaked, or aborted. The tests in tests/hostile.rs and tests/terraform_bounds.rs
check the same cases on the debug build with generous time limits; this script is where the
release figures in the README come from.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SECRET = "trustlint-bench-secret-91c2e7"
OTHER = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
         '"Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole"}]}')


def role(expr):
    return f'resource "aws_iam_role" "r" {{\n  name = "r"\n  assume_role_policy = {expr}\n}}\n'


def self_reference(d):
    write(d, "main.tf", 'locals {\n  a = [local.a, local.a, local.a]\n}\n'
          + role('jsonencode({ Version = "2012-10-17", Statement = local.a })'))


def file_of(target):
    def make(d):
        os.symlink(target, os.path.join(d, "data.txt"))
        write(d, "main.tf", role('file("${path.module}/data.txt")'))
    return make


def fifo_file(d):
    os.mkfifo(os.path.join(d, "pipe.json"))
    write(d, "main.tf", role('file("${path.module}/pipe.json")'))


def long_action(d):
    write(d, "a.json", '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "'
          + "s3:" + "A" * 2_000_000 + '", "Resource": "*"}]}')


def many_statements(d):
    st = [('{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:Describe*", "s3:GetObject"], '
           f'"Resource": "arn:aws:s3:::b{i}/*"}}') for i in range(20_000)]
    st.append('{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"}')
    write(d, "many.json", '{"Version": "2012-10-17", "Statement": [' + ",".join(st) + "]}")


def wildcard_ids(d):
    st = []
    for i in range(28):
        ids = ", ".join(f'"acme@*@stack-{i}-{j}@*"' for j in range(20))
        st.append('{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, '
                  '"Action": "sts:AssumeRole", "Condition": {"StringLike": {"sts:ExternalId": ['
                  + ids + "]}}}")
    write(d, "patterns.json", '{"Version": "2012-10-17", "Statement": [' + ",".join(st) + "]}")


def duplicate_keys(d):
    sids = ",".join(['"Sid": "a"'] * 100_000)
    write(d, "dups.json", '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
          '"Action": "s3:GetObject", "Resource": "*", ' + sids + "}]}")


def one_line_plan(d):
    pad = ", ".join(f'{{"Sid": "Pad{i}", "Effect": "Deny", "Principal": {{"AWS": "111122223333"}}, '
                    '"Action": "sts:AssumeRole"}' for i in range(3000))
    write(d, "one-line.json", '{"Version": "2012-10-17", "Statement": [' + pad
          + ', {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, '
          '"Action": "sts:AssumeRole"}]}')


def unreadable(d):
    write(d, "secret.json", OTHER)
    os.chmod(os.path.join(d, "secret.json"), 0)
    os.makedirs(os.path.join(d, "closed"))
    os.chmod(os.path.join(d, "closed"), 0)


def utf16(d):
    with open(os.path.join(d, "utf16.json"), "wb") as f:
        f.write(b"\xff\xfe" + OTHER.encode("utf-16-le"))


def bom_and_invalid(d):
    with open(os.path.join(d, "bom.json"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + OTHER.encode())
    with open(os.path.join(d, "latin1.json"), "wb") as f:
        f.write(OTHER.replace("AssumeRole", "AssumeRole\xe9").encode("latin-1"))


CASES = [
    ("locals { a = [local.a, local.a, local.a] } in a policy", self_reference, []),
    ("file() of a FIFO inside the module", fifo_file, []),
    ("file() of a symlink to /dev/zero", file_of("/dev/zero"), []),
    ("file() of a symlink to /proc/self/environ", file_of("/proc/self/environ"), []),
    ("an unreadable file and directory", unreadable, []),
    ("a FIFO named on the command line", None, ["fifo"]),
    ("/dev/stdin named on the command line", None, ["stdin"]),
    ("a UTF-16 policy", utf16, []),
    ("a UTF-8 BOM; invalid UTF-8", bom_and_invalid, []),
    ("a 2 MB Action string", long_action, []),
    ("20,000 permission statements", many_statements, []),
    ("28 statements x 20 wildcard external ids", wildcard_ids, []),
    ("100,000 duplicate keys", duplicate_keys, []),
    ("a one-line file with 3,000 statements", one_line_plan, []),
    ("/dev/zero named on the command line", None, ["zero"]),
]


def write(d, name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)


def run_case(binary, make, special, limit_s, limit_mb):
    d = tempfile.mkdtemp(prefix="trustlint-hostile-")
    try:
        write(d, "ordinary.json", OTHER)
        args = [binary, "check", "--format", "json", "."]
        stdin, writer = subprocess.DEVNULL, None
        if make:
            make(d)
        elif special == ["fifo"]:
            fifo = os.path.join(d, "named.json")
            os.mkfifo(fifo)
            args = [binary, "check", "--format", "json", "ordinary.json", "named.json"]
            # The writer opens the FIFO once the binary reads it.
            writer = subprocess.Popen(["sh", "-c", f"printf '%s' '{OTHER}' > named.json"], cwd=d,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elif special == ["stdin"]:
            args = [binary, "check", "--format", "json", "ordinary.json", "/dev/stdin"]
            stdin = subprocess.PIPE
        elif special == ["zero"]:
            args = [binary, "check", "--format", "json", "ordinary.json", "/dev/zero"]
        prefix = []
        if make is unreadable and os.geteuid() == 0 and shutil.which("setpriv"):
            # Root reads everything: drop to nobody, who must still enter the dir.
            os.chmod(d, 0o755)
            os.chmod(os.path.join(d, "ordinary.json"), 0o644)
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        timed = ["/usr/bin/time", "-f", "%e %U %S %M"] + prefix + args
        env = dict(os.environ, TRUSTLINT_BENCH_SECRET=SECRET, NO_COLOR="1")
        p = subprocess.Popen(timed, cwd=d, stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        try:
            out, err = p.communicate(OTHER.encode() if stdin == subprocess.PIPE else None, timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            return ("hang", None, None, None, p.returncode, False, False)
        if writer and writer.poll() is None:
            writer.kill()  # the binary never opened the FIFO
        lines = err.decode(errors="replace").strip().splitlines()
        m = re.match(r"^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$", lines[-1]) if lines else None
        if not m:
            return ("no timing", None, None, None, p.returncode, False, False)
        wall, cpu, rss_mb = float(m[1]), float(m[2]) + float(m[3]), int(m[4]) / 1024
        text = out.decode(errors="replace")
        kept = False
        try:
            kept = any(f.get("code") == "TL101" and "ordinary.json" in json.dumps(f)
                       for f in json.loads(text).get("findings", []))
        except ValueError:
            pass
        leaked = SECRET in text or SECRET in err.decode(errors="replace")
        verdict = "OK" if wall < limit_s and rss_mb < limit_mb and kept and not leaked \
            and p.returncode in (0, 1) else "OVER"
        return (verdict, wall, cpu, rss_mb, p.returncode, kept, leaked)
    finally:
        for root, dirs, _ in os.walk(d):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o700)
        for root, _, files in os.walk(d):
            for x in files:
                try:
                    os.chmod(os.path.join(root, x), 0o600)
                except OSError:
                    pass
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trustlint", default="target/release/trustlint")
    ap.add_argument("--limit-s", type=float, default=2.0)
    ap.add_argument("--limit-mb", type=float, default=200.0)
    a = ap.parse_args()
    a.trustlint = os.path.abspath(a.trustlint)
    if not os.access(a.trustlint, os.X_OK):
        sys.exit(f"hostile-bench: no binary at {a.trustlint} (cargo build --release --bin trustlint)")
    bad = 0
    print(f"| case | wall s | CPU s | peak MB | exit | ordinary file reported | secret printed | "
          f"< {a.limit_s:g} s, < {a.limit_mb:g} MB |")
    print("|---|---|---|---|---|---|---|---|")
    for name, make, special in CASES:
        verdict, wall, cpu, rss, code, kept, leaked = run_case(a.trustlint, make, special,
                                                                a.limit_s, a.limit_mb)
        if wall is None:
            print(f"| {name} | | | | {code} | | | {verdict} |")
            bad += 1
            continue
        bad += verdict != "OK"
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {code} | {'yes' if kept else 'NO'} | "
              f"{'YES' if leaked else 'no'} | {verdict} |")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
