//! `trustlint verify` end to end, against real servers: moto (IAM + STS emulator, started by the
//! test; skipped with a notice when moto is missing, failed when `CI` is set) and the canned
//! local responder (error classification, known credentials, request counting). No mocks.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::moto::{KEY, Moto, attach, free_port};
use support::responder::{Reply, Responder, Route, assume_role_xml, caller_identity_xml, sts_error_xml};

const ROLE: &str = "arn:aws:iam::123456789012:role/deploy";
const CALLER_SECRET: &str = "CALLER-secret-value-never-printed";
/// What the responder's AssumeRole mints.
const KNOWN_SECRET: &str = "KNOWN-minted-secret-Zq8vR2xT7pLm";
const KNOWN_TOKEN: &str = "KNOWN-minted-session-token-Hq3nW9yB4cVd";
const INTEGRATION: &str = "01GE7K9SR2DQBCRQ90DH70JF6Y";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs the binary in `dir` with an isolated AWS environment: the caller's credentials are
/// `access_key`/`secret` from the environment (the standard chain), nothing else.
fn verify_in(dir: &Path, access_key: &str, secret: &str, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trustlint-verify"));
    cmd.current_dir(dir).args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_ACCESS_KEY_ID", access_key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_CONFIG_FILE", "/nonexistent/trustlint/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/trustlint/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let out: Output = cmd.output().expect("run trustlint");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    // The caller's secret never shows, whatever the run; the responder's known minted secrets
    // only on --export-env's stdout.
    assert!(!run.all().contains(CALLER_SECRET), "caller secret leaked:\n{}", run.all());
    let checked = if args.contains(&"--export-env") { &run.stderr } else { &run.all() };
    for s in [KNOWN_SECRET, KNOWN_TOKEN] {
        assert!(!checked.contains(s), "minted secret leaked:\n{checked}");
    }
    run
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn assert_no(text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!s.is_empty());
        assert!(!text.contains(s), "secret {s:?} leaked into:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Static errors: exit 2 before any network traffic.

#[test]
fn static_errors_exit_2_without_any_request() {
    let r = Responder::start(Reply::Canned(200, "text/xml", caller_identity_xml(ROLE, "123456789012")));
    let dir = tmp();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--external-id", "acme@x@stack@admin"], "TL201"),
        (vec!["--external-id", "has space"], "TL205"),
        (vec!["--external-id", "a"], "TL205"),
        (vec!["--spacelift-stack", "Stack-A", "--phase", "read", "--spacelift-account", "acme"], "TL201"),
        (
            vec![
                "--spacelift-stack",
                "stack-a",
                "--phase",
                "read",
                "--spacelift-account",
                "acme",
                "--integration-id",
                "01GE7K9SR2DQBCRQ90DH70JF6",
            ],
            "--integration-id",
        ),
        (vec!["--spacelift-stack", "stack-a", "--phase", "write"], "--spacelift-account"),
        (vec!["--external-id", "ok-id", "--session-name", "bad name"], "TL402"),
        (vec!["--external-id", "ok-id", "--session-name", "x"], "TL402"),
        (vec!["--external-id", "ok-id", "--duration", "600"], "900 to 43200"),
        (vec!["--external-id", "ok-id", "--duration", "50000"], "900 to 43200"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["--role-arn", ROLE, "--endpoint-url", &r.url, "--region", "us-east-1"];
        args.extend(&extra);
        let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &args);
        assert_eq!(run.code, 2, "{extra:?}:\n{}", run.all());
        assert!(run.stdout.contains(want), "{extra:?}: want {want:?} in\n{}", run.all());
        assert!(run.stdout.contains("failed"), "{}", run.all());
    }
    let bad_arn = verify_in(
        dir.path(),
        "AKIATESTING",
        CALLER_SECRET,
        &["--role-arn", "arn:aws:iam::123:user/x", "--external-id", "ok-id", "--endpoint-url", &r.url],
    );
    assert_eq!(bad_arn.code, 2, "{}", bad_arn.all());
    assert!(bad_arn.stdout.contains("TL007"), "{}", bad_arn.all());
    // JSON shape of a static failure.
    let json = verify_in(
        dir.path(),
        "AKIATESTING",
        CALLER_SECRET,
        &["--role-arn", ROLE, "--external-id", "has space", "--endpoint-url", &r.url, "--format", "json"],
    );
    assert_eq!(json.code, 2);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json report");
    assert_eq!(v["version"], 1);
    assert_eq!(v["result"], "failed");
    assert_eq!(v["external_id"], "has space");
    assert!(
        v["steps"].as_array().unwrap().iter().any(|s| s["name"] == "external-id" && s["status"] == "failed")
    );
    assert_eq!(r.hits(), 0, "static errors must not reach the network");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tmp();
    for args in [
        vec!["--role-arn", ROLE, "--external-id", "a-b", "--spacelift-stack", "s", "--phase", "read"],
        vec!["--role-arn", ROLE, "--spacelift-stack", "s"],
        vec!["--role-arn", ROLE, "--external-id", "a-b", "--expect-deny", "--export-env"],
    ] {
        let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.all());
    }
}

// ---------------------------------------------------------------------------------------------
// The canned responder: error classes and known credentials.

fn caller_route() -> Route {
    Route::new(
        "GetCallerIdentity",
        200,
        caller_identity_xml("arn:aws:iam::123456789012:user/ci", "123456789012"),
    )
    .with_token(false)
}

fn denied(op: &str) -> String {
    sts_error_xml(
        "AccessDenied",
        "Sender",
        &format!("User: arn:aws:iam::123456789012:user/ci is not authorized to perform: {op}"),
    )
}

const ASSUMED: &str = "arn:aws:sts::123456789012:assumed-role/deploy/sess";

/// Caller identity, GetRole denied, AssumeRole minting the known credentials, and the minted
/// identity; `assume` decides what AssumeRole answers.
fn known_creds_routes(assume_status: u16, assume_body: String) -> Vec<Route> {
    vec![
        caller_route(),
        Route::new("GetCallerIdentity", 200, caller_identity_xml(ASSUMED, "123456789012")).with_token(true),
        Route::new("GetRole", 403, denied("iam:GetRole")),
        Route::new("AssumeRole", assume_status, assume_body),
    ]
}

fn minted_body() -> String {
    assume_role_xml(ASSUMED, "ASIAKNOWNACCESSKEY", KNOWN_SECRET, KNOWN_TOKEN, "2030-01-01T00:00:00Z")
}

fn responder_args<'a>(r: &'a Responder, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "--role-arn",
        ROLE,
        "--spacelift-stack",
        "stack-a",
        "--phase",
        "write",
        "--spacelift-account",
        "acme",
        "--integration-id",
        INTEGRATION,
        "--endpoint-url",
        &r.url,
        "--region",
        "us-east-1",
    ];
    v.extend(extra);
    v
}

#[test]
fn access_denied_on_assume_role_is_a_clear_failure() {
    let r = Responder::start(Reply::ByAction(known_creds_routes(403, denied("sts:AssumeRole"))));
    let dir = tmp();
    let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r, &[]));
    assert_eq!(run.code, 1, "{}", run.all());
    let out = &run.stdout;
    assert!(out.contains("skipped  get-role"), "{out}");
    assert!(out.contains("caller may not call iam:GetRole"), "{out}");
    assert!(out.contains("failed   assume-role"), "{out}");
    assert!(out.contains("access denied: sts:AssumeRole was denied (AccessDenied)"), "{out}");
    assert!(out.contains("is not authorized to perform: sts:AssumeRole"), "{out}");
    assert!(out.contains("result: failed"), "{out}");

    // With --expect-deny the same answer is the expected one, and the probes are denied too.
    let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r, &["--expect-deny"]));
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("denied, as expected"), "{}", run.stdout);
    assert!(run.stdout.contains("passed   probe-no-external-id"), "{}", run.stdout);
    assert!(run.stdout.contains("passed   probe-other-phase"), "{}", run.stdout);
}

/// A hostile or broken server's 100 MB error message: the report keeps the start of it, says
/// how long it was, and holds no control characters from it.
#[test]
fn a_huge_server_message_is_cut_and_stripped_of_control_characters() {
    // C1 controls such as CSI (U+009B) are legal in XML 1.0 and steer many terminals.
    let huge = format!("\u{9b}2Jwiped\n\tnext{}", "A".repeat(100 * 1024 * 1024));
    let body = sts_error_xml("AccessDenied", "Sender", &huge);
    drop(huge);
    let r = Responder::start(Reply::ByAction(known_creds_routes(403, body)));
    let dir = tmp();
    let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r, &["--no-probes"]));
    assert_eq!(run.code, 1, "{}", &run.all()[..run.all().len().min(4000)]);
    assert!(run.all().len() < 20_000, "the report is {} bytes long", run.all().len());
    let line = run.stdout.lines().find(|l| l.contains("failed   assume-role")).expect("assume-role line");
    assert!(line.contains("2Jwiped  next"), "{line}");
    assert!(line.contains("[cut: the server sent"), "{line}");
    assert!(!run.all().contains('\u{9b}'), "control characters printed");
}

#[test]
fn throttling_is_a_clear_failure() {
    let r = Responder::start(Reply::Canned(
        400,
        "text/xml",
        sts_error_xml("Throttling", "Sender", "Rate exceeded"),
    ));
    let dir = tmp();
    let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r, &["--format", "json"]));
    assert_eq!(run.code, 1, "{}", run.all());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let step =
        v["steps"].as_array().unwrap().iter().find(|s| s["name"] == "caller-identity").unwrap().clone();
    assert_eq!(step["status"], "failed");
    let detail = step["detail"].as_str().unwrap();
    assert!(detail.starts_with("throttled by AWS"), "{detail}");
    assert!(detail.contains("Rate exceeded"), "{detail}");
    assert_eq!(v["result"], "failed");
}

#[test]
fn malformed_and_unreachable_endpoints_are_clear_failures() {
    let r = Responder::start(Reply::Canned(200, "text/xml", "<<<not xml".into()));
    let dir = tmp();
    let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r, &[]));
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("malformed response: sts:GetCallerIdentity"), "{}", run.stdout);

    let url = format!("http://127.0.0.1:{}", free_port());
    let run = verify_in(
        dir.path(),
        "AKIATESTING",
        CALLER_SECRET,
        &["--role-arn", ROLE, "--external-id", "ok-id", "--endpoint-url", &url, "--region", "us-east-1"],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("network error (cannot connect)"), "{}", run.stdout);
    assert!(run.stdout.contains(&url), "{}", run.stdout);
}

/// Every output of runs that mint the known credentials: the secret key and token appear only
/// on `--export-env`'s stdout and in a child's environment.
#[test]
fn minted_secrets_never_appear_outside_export_env_and_the_child() {
    let secrets = [KNOWN_SECRET, KNOWN_TOKEN];
    let dir = tmp();

    // Probes are accepted too (confused deputy): exit 1, and no secret anywhere.
    let r = Responder::start(Reply::ByAction(known_creds_routes(200, minted_body())));
    let mut runs = Vec::new();
    for extra in
        [vec![], vec!["--format", "json"], vec!["--no-probes"], vec!["--no-probes", "--format", "json"]]
    {
        let run = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r, &extra));
        assert_no(&run.all(), &secrets);
        runs.push(run);
    }
    assert_eq!(runs[0].code, 1, "{}", runs[0].all());
    assert!(runs[0].stdout.contains("confused deputy"), "{}", runs[0].stdout);
    assert!(runs[0].stdout.contains(ASSUMED), "{}", runs[0].stdout);
    assert!(runs[0].stdout.contains("2030-01-01T00:00:00Z"), "{}", runs[0].stdout);
    assert_eq!(runs[2].code, 0, "{}", runs[2].all());
    let v: serde_json::Value = serde_json::from_str(&runs[3].stdout).expect("json");
    assert_eq!(v["result"], "passed");
    assert_eq!(v["assumed_role_arn"], ASSUMED);
    assert_eq!(v["expiration"], "2030-01-01T00:00:00Z");

    // A failed run exports nothing.
    let failed = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r, &["--export-env"]));
    assert_eq!(failed.code, 1);
    assert_eq!(failed.stdout, "", "nothing to eval after a failed verification");
    assert_no(&failed.all(), &secrets);

    // --export-env: the secrets are on stdout only.
    let exp = verify_in(
        dir.path(),
        "AKIATESTING",
        CALLER_SECRET,
        &responder_args(&r, &["--no-probes", "--export-env"]),
    );
    assert_eq!(exp.code, 0, "{}", exp.all());
    assert_no(&exp.stderr, &secrets);
    assert!(exp.stderr.contains("result: passed"), "{}", exp.stderr);
    assert_eq!(
        exp.stdout,
        format!(
            "export AWS_ACCESS_KEY_ID='ASIAKNOWNACCESSKEY' AWS_SECRET_ACCESS_KEY='{KNOWN_SECRET}' \
             AWS_SESSION_TOKEN='{KNOWN_TOKEN}' AWS_SECURITY_TOKEN='{KNOWN_TOKEN}'\n"
        )
    );

    // -- COMMAND: the child sees them; the report (stderr) does not.
    let seen = dir.path().join("seen");
    let script = format!(
        "printf '%s %s %s' \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_SECURITY_TOKEN\" > '{}'",
        seen.display()
    );
    let child = verify_in(
        dir.path(),
        "AKIATESTING",
        CALLER_SECRET,
        &responder_args(&r, &["--no-probes", "--format", "json", "--", "sh", "-c", &script]),
    );
    assert_eq!(child.code, 0, "{}", child.all());
    assert_no(&child.all(), &secrets);
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        format!("{KNOWN_SECRET} {KNOWN_TOKEN} {KNOWN_TOKEN}")
    );
    let v: serde_json::Value = serde_json::from_str(&child.stderr).expect("json report on stderr");
    assert_eq!(v["result"], "passed");

    // A hostile server echoing the minted token back in an error: scrubbed.
    let r2 = Responder::start(Reply::ByAction(vec![
        caller_route(),
        Route::new("GetRole", 403, denied("iam:GetRole")),
        Route::new("AssumeRole", 200, minted_body()),
        Route::new(
            "GetCallerIdentity",
            403,
            sts_error_xml("AccessDenied", "Sender", &format!("token {KNOWN_TOKEN} is not allowed")),
        )
        .with_token(true),
    ]));
    let echo = verify_in(dir.path(), "AKIATESTING", CALLER_SECRET, &responder_args(&r2, &["--no-probes"]));
    assert_eq!(echo.code, 1, "{}", echo.all());
    assert!(echo.stdout.contains("failed   assumed-identity"), "{}", echo.stdout);
    assert_no(&echo.all(), &secrets);
}

// ---------------------------------------------------------------------------------------------
// moto: one server, every scenario in order.

const EXPECTED_ID: &str = "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@read";

/// Statement 1 lets the moto caller's account in with the expected id; statement 2 trusts
/// Spacelift without an external id, which the lint of the live policy reports (TL101).
fn trust_policy(external_id: &str) -> String {
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Effect": "Allow",
      "Principal": {{"AWS": "arn:aws:iam::123456789012:root"}},
      "Action": "sts:AssumeRole",
      "Condition": {{"StringEquals": {{"sts:ExternalId": "{external_id}"}}}}
    }},
    {{
      "Effect": "Allow",
      "Principal": {{"AWS": "arn:aws:iam::324880187172:root"}},
      "Action": "sts:AssumeRole"
    }}
  ]
}}"#
    )
}

fn parse_export(line: &str) -> Vec<(String, String)> {
    // Let a real shell evaluate it, then print the four variables.
    let out = Command::new("sh")
        .arg("-c")
        .arg(
            "eval \"$1\" && for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN; \
             do eval \"printf '%s=%s\\n' $v \\\"\\$$v\\\"\"; done",
        )
        .arg("sh")
        .arg(line)
        .env_clear()
        .output()
        .expect("sh");
    assert!(out.status.success(), "eval failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// `verify ARGS` against moto as its default account's caller (`testing`/`testing`), with
/// moto's endpoint and region added.
fn verify_moto(dir: &Path, moto: &Moto, args: &[&str]) -> Run {
    // In front: anything after a `--` in ARGS is the command to run.
    let mut all = vec!["--endpoint-url", &moto.url, "--region", "us-east-1"];
    all.extend(args);
    verify_in(dir, KEY, KEY, &all)
}

/// A live role that trusts Spacelift for every phase of a stack and has AdministratorAccess
/// attached: the live lint reads its policies and reports TL111 for a read id, and the moto
/// caller (not Spacelift) is told why STS will refuse it and which `simulate` asks instead.
#[test]
fn moto_live_role_policies_feed_the_lint_and_an_untrusted_caller_is_told_why() {
    // moto knows AWS managed policies only when asked to load them.
    let Some(moto) =
        Moto::start_or_skip_with("moto_live_role_policies", &[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")])
    else {
        return;
    };
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}}]}"#;
    let role = moto.create_role("spacelift-app", trust);
    attach(&moto.aws(), "spacelift-app", "arn:aws:iam::aws:policy/AdministratorAccess");
    let dir = tmp();
    let args = [
        "--role-arn",
        &role,
        "--spacelift-stack",
        "stack-a",
        "--phase",
        "read",
        "--spacelift-account",
        "acme",
        "--integration-id",
        INTEGRATION,
    ];
    let run = verify_moto(dir.path(), &moto, &args);
    assert_eq!(run.code, 1, "{}", run.all());
    let out = &run.stdout;
    assert!(out.contains("passed   role-policies    0 inline and 1 attached policy"), "{out}");
    assert!(out.contains("in the live role and its policies"), "{out}");
    assert!(out.contains("TL111 error"), "{out}");
    assert!(out.contains("but can write: AWS managed policy AdministratorAccess is attached"), "{out}");
    assert!(out.contains("failed   evaluate"), "{out}");
    assert!(
        out.contains(
            "is not a principal this trust policy trusts (it trusts arn:aws:iam::324880187172:root)"
        ),
        "{out}"
    );
    let simulate = format!(
        "trustlint simulate --role-arn {role} --spacelift-stack stack-a --phase read --integration-id \
         {INTEGRATION} --spacelift-account acme"
    );
    assert!(out.contains(&simulate), "{out}");
    assert!(out.contains("skipped  assume-role"), "{out}");
}

/// No --external-id: a role that requires none is assumed without one, and the
/// no-external-id probe is that call. A role of another account is not read with IAM.
#[test]
fn moto_roles_without_external_id_and_roles_of_other_accounts() {
    let Some(moto) = Moto::start_or_skip("moto_roles_without_external_id") else { return };
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}"#;
    let role = moto.create_role("plain", trust);
    let aws = moto.aws();
    let inline =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
    aws.block_on(
        aws.iam_client()
            .put_role_policy()
            .role_name("plain")
            .policy_name("s3")
            .policy_document(inline)
            .send(),
    )
    .expect("put inline policy");
    let dir = tmp();
    let run = verify_moto(dir.path(), &moto, &["--role-arn", &role]);
    assert_eq!(run.code, 0, "{}", run.all());
    let id_line = run.stdout.lines().find(|l| l.contains(" external-id ")).expect("external-id line");
    assert!(
        id_line.starts_with("  passed") && id_line.contains("none: sts:AssumeRole is called without"),
        "{id_line}"
    );
    assert!(run.stdout.contains("1 inline and 0 attached policies"), "{}", run.stdout);
    assert!(run.stdout.contains("TL302 warning"), "the inline s3:* is linted:\n{}", run.stdout);
    assert!(run.stdout.contains("passed   assume-role"), "{}", run.stdout);
    assert!(run.stdout.contains("skipped  probe-no-external-id"), "{}", run.stdout);
    assert!(!run.stdout.contains("external id   "), "{}", run.stdout);

    let other = "arn:aws:iam::111122223333:role/elsewhere";
    let run = verify_moto(dir.path(), &moto, &["--role-arn", other, "--external-id", "xyz-1"]);
    let line = run.stdout.lines().find(|l| l.contains("get-role")).expect("get-role line");
    assert!(line.starts_with("  skipped"), "{}", run.stdout);
    assert!(line.contains("IAM reads only the caller's own account"), "{line}");
    assert!(line.contains("--profile NAME for credentials of account 111122223333"), "{line}");
    assert!(line.contains("trustlint simulate"), "{line}");
}

#[test]
fn moto_end_to_end() {
    let Some(moto) = Moto::start_or_skip("moto_end_to_end") else { return };
    let dir = tmp();
    let role = moto.create_role("spacelift-deploy", &trust_policy(EXPECTED_ID));
    assert_eq!(role, "arn:aws:iam::123456789012:role/spacelift-deploy");
    let v = |extra: &[&str]| -> Run {
        let mut args = vec![
            "--role-arn",
            role.as_str(),
            "--spacelift-stack",
            "stack-a",
            "--phase",
            "read",
            "--spacelift-account",
            "acme",
            "--integration-id",
            INTEGRATION,
        ];
        args.extend(extra);
        verify_moto(dir.path(), &moto, &args)
    };

    // Positive path, no probes: every step, the assumed-role ARN and expiry, exit 0.
    let ok = v(&["--no-probes", "--duration", "900"]);
    assert_eq!(ok.code, 0, "{}", ok.all());
    for step in [
        "passed   role-arn",
        "passed   external-id",
        "passed   session-name",
        "passed   duration",
        "passed   caller-identity",
        "passed   get-role",
        "passed   lint",
        "passed   evaluate",
        "passed   assume-role",
        "passed   assumed-identity",
        "skipped  probes",
    ] {
        assert!(ok.stdout.contains(step), "missing {step:?} in\n{}", ok.stdout);
    }
    assert!(ok.stdout.contains(&format!("external id   {EXPECTED_ID}")), "{}", ok.stdout);
    assert!(
        ok.stdout.contains("assumed role  arn:aws:sts::123456789012:assumed-role/spacelift-deploy/"),
        "{}",
        ok.stdout
    );
    assert!(ok.stdout.contains("expires       20"), "{}", ok.stdout);
    // The lint of the live trust policy, with its finding.
    assert!(ok.stdout.contains("TL101"), "{}", ok.stdout);
    assert!(ok.stdout.contains("result: passed"), "{}", ok.stdout);
    // Spacelift's session name: `<run-id>@<stack>@<account>`.
    let session = ok.stdout.lines().find_map(|l| l.trim().strip_prefix("session name")).unwrap().trim();
    assert!(session.ends_with("@stack-a@acme") && session.len() == 26 + "@stack-a@acme".len(), "{session}");

    // JSON, with the account from trustlint.toml instead of the flag.
    std::fs::write(dir.path().join("trustlint.toml"), "[spacelift]\naccount = \"acme\"\n").unwrap();
    let json = verify_moto(
        dir.path(),
        &moto,
        &[
            "--role-arn",
            &role,
            "--spacelift-stack",
            "stack-a",
            "--phase",
            "read",
            "--integration-id",
            INTEGRATION,
            "--no-probes",
            "--format",
            "json",
        ],
    );
    std::fs::remove_file(dir.path().join("trustlint.toml")).unwrap();
    assert_eq!(json.code, 0, "{}", json.all());
    let j: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(j["version"], 1);
    assert_eq!(j["role_arn"], role.as_str());
    assert_eq!(j["external_id"], EXPECTED_ID);
    assert_eq!(j["result"], "passed");
    assert!(j["assumed_role_arn"].as_str().unwrap().contains(":assumed-role/spacelift-deploy/"));
    assert!(j["expiration"].as_str().unwrap().ends_with('Z'));
    let steps = j["steps"].as_array().unwrap();
    for s in steps {
        assert!(s["name"].is_string() && s["detail"].is_string(), "{s}");
        assert!(["passed", "failed", "skipped"].contains(&s["status"].as_str().unwrap()), "{s}");
    }
    let lint = steps.iter().find(|s| s["name"] == "lint").unwrap();
    assert!(
        lint["messages"].as_array().unwrap().iter().any(|m| m.as_str().unwrap().starts_with("TL101")),
        "{lint}"
    );
    let key_order: Vec<&str> =
        ["\"version\"", "\"role_arn\"", "\"external_id\"", "\"steps\"", "\"result\""].into_iter().collect();
    let pos: Vec<usize> = key_order.iter().map(|k| json.stdout.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "keys out of order:\n{}", json.stdout);

    // --export-env: eval-able, four variables; the secrets only there.
    let exp = v(&["--no-probes", "--export-env"]);
    assert_eq!(exp.code, 0, "{}", exp.all());
    assert!(exp.stdout.starts_with("export AWS_ACCESS_KEY_ID="), "{}", exp.stdout);
    let vars = parse_export(exp.stdout.trim_end());
    let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]
    );
    assert!(vars.iter().all(|(_, v)| !v.is_empty()), "{vars:?}");
    assert_eq!(vars[2].1, vars[3].1);
    let (secret, token) = (vars[1].1.clone(), vars[2].1.clone());
    assert_no(&exp.stderr, &[&secret, &token]);
    assert!(exp.stderr.contains("result: passed"), "{}", exp.stderr);

    // -- COMMAND: its exit status comes back.
    let child = v(&["--no-probes", "--", "sh", "-c", "test -n \"$AWS_SESSION_TOKEN\" && exit 7"]);
    assert_eq!(child.code, 7, "{}", child.all());
    assert!(child.stderr.contains("result: passed"), "{}", child.stderr);
    assert_eq!(child.stdout, "");
    // The child's credentials are moto's fresh ones; the report shows none of them.
    let seen = dir.path().join("moto-seen");
    let script =
        format!("printf '%s\\n%s' \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" > '{}'", seen.display());
    let child = v(&["--no-probes", "--format", "json", "--", "sh", "-c", &script]);
    assert_eq!(child.code, 0, "{}", child.all());
    let seen = std::fs::read_to_string(&seen).unwrap();
    let (s, t) = seen.split_once('\n').unwrap();
    assert!(!s.is_empty() && !t.is_empty());
    assert_no(&child.all(), &[s, t]);

    // moto does not enforce trust policies: the probes are accepted, so this exits 1 by design.
    let probes = v(&[]);
    assert_eq!(probes.code, 1, "{}", probes.all());
    assert!(probes.stdout.contains("failed   probe-no-external-id"), "{}", probes.stdout);
    assert!(probes.stdout.contains("failed   probe-other-phase"), "{}", probes.stdout);
    assert!(probes.stdout.contains("confused deputy"), "{}", probes.stdout);
    assert!(probes.stdout.contains(&format!("{INTEGRATION}@stack-a@write")), "{}", probes.stdout);
    assert!(probes.stdout.contains("result: failed"), "{}", probes.stdout);

    // A role that requires another external id: predicted from GetRole + evaluation, and
    // AssumeRole is never called.
    let other =
        moto.create_role("other-stack", &trust_policy("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-b@read"));
    let deny =
        verify_moto(dir.path(), &moto, &["--role-arn", &other, "--external-id", EXPECTED_ID, "--no-probes"]);
    assert_eq!(deny.code, 1, "{}", deny.all());
    let out = &deny.stdout;
    assert!(out.contains("passed   get-role"), "{out}");
    assert!(out.contains("failed   evaluate"), "{out}");
    assert!(out.contains("predicts an implicit deny"), "{out}");
    assert!(out.contains("condition StringEquals on sts:ExternalId does not hold"), "{out}");
    assert!(out.contains("skipped  assume-role"), "{out}");
    assert!(out.contains("not called"), "{out}");
    assert!(!out.contains("assumed role"), "{out}");

    // A condition on a key trustlint cannot know: a predicted deny is not trusted, STS decides.
    let org_policy = trust_policy(EXPECTED_ID).replace(
        r#""StringEquals": {"sts:ExternalId""#,
        r#""StringEquals": {"aws:PrincipalOrgID": "o-abc123", "sts:ExternalId""#,
    );
    assert!(org_policy.contains("aws:PrincipalOrgID"));
    let org = moto.create_role("org-bound", &org_policy);
    let asked =
        verify_moto(dir.path(), &moto, &["--role-arn", &org, "--external-id", EXPECTED_ID, "--no-probes"]);
    assert_eq!(asked.code, 0, "{}", asked.all());
    assert!(asked.stdout.contains("skipped  evaluate"), "{}", asked.stdout);
    assert!(asked.stdout.contains("aws:PrincipalOrgID"), "{}", asked.stdout);
    assert!(asked.stdout.contains("passed   assume-role"), "{}", asked.stdout);

    // --expect-deny on that role: the prediction is the expected one; moto then accepts the
    // call (it does not enforce trust policies), which is reported as a failure.
    let expect = verify_moto(
        dir.path(),
        &moto,
        &["--role-arn", &other, "--external-id", EXPECTED_ID, "--no-probes", "--expect-deny"],
    );
    assert_eq!(expect.code, 1, "{}", expect.all());
    assert!(expect.stdout.contains("passed   evaluate"), "{}", expect.stdout);
    assert!(expect.stdout.contains("--expect-deny says this request must be denied"), "{}", expect.stdout);
}

#[test]
fn role_chaining_callers_are_warned_about_the_one_hour_limit() {
    let r = Responder::start(Reply::ByAction(vec![
        Route::new(
            "GetCallerIdentity",
            200,
            caller_identity_xml("arn:aws:sts::123456789012:assumed-role/ci-runner/run-1", "123456789012"),
        )
        .with_token(false),
        Route::new("GetCallerIdentity", 200, caller_identity_xml(ASSUMED, "123456789012")).with_token(true),
        Route::new("GetRole", 403, denied("iam:GetRole")),
        Route::new("AssumeRole", 200, minted_body()),
    ]));
    let dir = tmp();
    let run = verify_in(
        dir.path(),
        "AKIATESTING",
        CALLER_SECRET,
        &responder_args(&r, &["--no-probes", "--duration", "7200", "--format", "json"]),
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("role chaining") && w.as_str().unwrap().contains("1 hour")),
        "{}",
        run.stdout
    );
    assert_no(&run.all(), &[KNOWN_SECRET, KNOWN_TOKEN]);
}

/// `--profile` through a two-hop chain: `app` -> `hub` -> the key profile `base`. Each hop is
/// assumed here, against `--endpoint-url`, and shown in the report; the last one is the caller.
#[test]
fn moto_profile_chain_assumes_each_hop() {
    let Some(moto) = Moto::start_or_skip("moto_profile_chain") else { return };
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}"#;
    let hub = moto.create_role("hub", trust);
    let app = moto.create_role("app", trust);
    let target = moto.create_role("target", trust);
    let dir = tmp();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\nregion = us-east-1\n\n[profile hub]\nrole_arn = {hub}\nsource_profile = base\n\n\
             [profile app]\nrole_arn = {app}\nsource_profile = hub\nexternal_id = app-ext-1\nrole_session_name = chain-app\n"
        ),
    )
    .expect("write config");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!("[base]\naws_access_key_id = testing\naws_secret_access_key = {CALLER_SECRET}\n"),
    )
    .expect("write credentials");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trustlint-verify"));
    cmd.current_dir(dir.path());
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "--role-arn",
            &target,
            "--profile",
            "app",
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1",
        ])
        .output()
        .expect("run trustlint-verify");
    let all = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains(CALLER_SECRET), "the base profile's secret leaked:\n{all}");
    let hops: Vec<&str> = all.lines().filter(|l| l.contains("profile-hop")).collect();
    assert_eq!(hops.len(), 2, "{all}");
    assert!(
        hops[0].contains("passed") && hops[0].contains("profile hub: assumed") && hops[0].contains(&hub),
        "{all}"
    );
    assert!(
        hops[1].contains("profile app: assumed") && hops[1].contains("assumed-role/app/chain-app"),
        "{all}"
    );
    assert!(
        all.contains("passed   assume-role"),
        "the target is assumed with the last hop's credentials:\n{all}"
    );
    assert_eq!(out.status.code(), Some(0), "{all}");
}
