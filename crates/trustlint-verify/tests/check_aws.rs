//! `trustlint check --aws` end to end against moto: the lint binary runs `trustlint-verify
//! fetch-authorization-details`, and what it reports on the live account is what `check`
//! reports on the saved dump file, finding for finding.
//!
//! Needs both binaries: `cargo test` at the workspace root builds `trustlint` next to
//! `trustlint-verify`; run alone (`-p trustlint-verify`) without it, the tests skip and say so.

mod support;

use support::lint::{trustlint, trustlint_bin};
use support::moto::{KEY, Moto, attach, create_role_with};

const ACCOUNT: &str = "123456789012";
/// Spacelift's account: trusted with no external id, TL101.
const PARTNER: &str = "324880187172";
const OTHER_ACCOUNT: &str = "111111111111";

const KEYS: [(&str, &str); 2] = [("AWS_ACCESS_KEY_ID", KEY), ("AWS_SECRET_ACCESS_KEY", KEY)];

/// (code, subject, path, line, column) of every finding of a JSON report.
fn findings(json: &str) -> Vec<(String, String, String, u64, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["findings"]
        .as_array()
        .expect("findings[]")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["subject"].as_str().unwrap_or_default().to_owned(),
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["span"]["start"]["line"].as_u64().unwrap_or_default(),
                f["span"]["start"]["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn trust(principal: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal},
        "Action": "sts:AssumeRole"}}]}}"#
    )
}

/// Three roles: one trusting Spacelift with no external id (TL101), one taking read runs'
/// external ids with AdministratorAccess attached (TL111), one clean.
fn three_roles(moto: &Moto) {
    let aws = moto.aws();
    create_role_with(&aws, "partner-access", &trust(&format!(r#"{{"AWS": "arn:aws:iam::{PARTNER}:root"}}"#)));
    let admin = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
        "Principal": {{"AWS": "arn:aws:iam::{PARTNER}:root"}}, "Action": "sts:AssumeRole",
        "Condition": {{"StringLike": {{"sts:ExternalId": "acme@*@stack-a@*"}}}}}}]}}"#
    );
    create_role_with(&aws, "admin", &admin);
    attach(&aws, "admin", "arn:aws:iam::aws:policy/AdministratorAccess");
    create_role_with(&aws, "ec2-app", &trust(r#"{"Service": "ec2.amazonaws.com"}"#));
}

#[test]
fn check_aws_reports_what_check_reports_on_the_saved_dump() {
    let Some(bin) = trustlint_bin("check_aws_same_findings") else { return };
    let Some(moto) =
        Moto::start_or_skip_with("check_aws_same_findings", &[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")])
    else {
        return;
    };
    three_roles(&moto);
    let dir = tempfile::tempdir().expect("tempdir");
    let live = trustlint(
        &bin,
        dir.path(),
        &KEYS,
        &[
            "check",
            "--aws",
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--save-dump",
            "d.json",
        ],
    );
    assert_eq!(live.code, 1, "{}\n{}", live.stdout, live.stderr);
    assert!(
        live.stderr.contains("fetched account 123456789012 (the default credentials): 3 roles"),
        "{}",
        live.stderr
    );
    let saved = std::fs::read_to_string(dir.path().join("d.json")).expect("the dump is saved");
    let dump: serde_json::Value = serde_json::from_str(&saved).expect("the dump is JSON");
    assert_eq!(dump["RoleDetailList"].as_array().map(Vec::len), Some(3), "{saved}");
    assert!(dump.get("IsTruncated").is_none() && dump.get("Marker").is_none());
    // moto lists its whole catalog of AWS managed policies (1,500 and more), unattached; a real
    // account's dump lists those in use only, and so does this one.
    let unused_aws = |p: &&serde_json::Value| {
        p["Arn"].as_str().is_some_and(|a| a.starts_with("arn:aws:iam::aws:")) && p["AttachmentCount"] == 0
    };
    assert_eq!(dump["Policies"].as_array().expect("Policies").iter().filter(unused_aws).count(), 0);

    let offline = trustlint(&bin, dir.path(), &[], &["check", "d.json", "--format", "json"]);
    assert_eq!(offline.code, 1, "{}", offline.stderr);
    let (live_f, offline_f) = (findings(&live.stdout), findings(&offline.stdout));
    assert_eq!(live_f, offline_f);
    let codes: Vec<(&str, &str)> = live_f.iter().map(|f| (f.0.as_str(), f.1.as_str())).collect();
    assert!(codes.contains(&("TL101", "role/partner-access")), "{codes:?}");
    assert!(codes.contains(&("TL111", "role/admin")), "{codes:?}");
    assert!(!live_f.iter().any(|f| f.1 == "role/ec2-app"), "{codes:?}");
    assert!(live_f.iter().all(|f| f.2 == "d.json" && f.3 > 1), "{live_f:?}");

    // Unsaved, the same findings name the account instead of a file.
    let mem = trustlint(
        &bin,
        dir.path(),
        &KEYS,
        &["check", "--aws", "--endpoint-url", &moto.url, "--region", "us-east-1", "--format", "json"],
    );
    assert_eq!(mem.code, 1, "{}", mem.stderr);
    let renamed: Vec<_> =
        offline_f.iter().map(|f| (f.0.clone(), f.1.clone(), format!("aws:{ACCOUNT}"), f.3, f.4)).collect();
    assert_eq!(findings(&mem.stdout), renamed);
    // The human report shows code frames from the fetched text.
    let human = trustlint(
        &bin,
        dir.path(),
        &KEYS,
        &["check", "--aws", "--endpoint-url", &moto.url, "--color", "never"],
    );
    assert!(human.stdout.contains(&format!("aws:{ACCOUNT}:")), "{}", human.stdout);
    assert!(human.stdout.contains(&format!("arn:aws:iam::{PARTNER}:root")), "{}", human.stdout);
}

/// A session of another account (moto maps an assumed role's keys to the role's account).
fn other_account_credentials(moto: &Moto) -> (String, String, String) {
    let aws = moto.aws();
    let m = aws
        .assume_role(&format!("arn:aws:iam::{OTHER_ACCOUNT}:role/scanner"), None, "scan", None)
        .expect("moto assume role");
    (m.access_key_id.clone(), m.secret_access_key.expose().to_owned(), m.session_token.expose().to_owned())
}

#[test]
fn several_profiles_scan_several_accounts_in_one_run() {
    let Some(bin) = trustlint_bin("check_aws_profiles") else { return };
    let Some(moto) = Moto::start_or_skip("check_aws_profiles") else { return };
    create_role_with(
        &moto.aws(),
        "partner-access",
        &trust(&format!(r#"{{"AWS": "arn:aws:iam::{PARTNER}:root"}}"#)),
    );
    let (key, secret, token) = other_account_credentials(&moto);
    let other = moto.aws_as(&key, &secret, Some(&token));
    create_role_with(&other, "vendor", &trust(&format!(r#"{{"AWS": "arn:aws:iam::{PARTNER}:root"}}"#)));
    let dir = tempfile::tempdir().expect("tempdir");
    let creds = dir.path().join("credentials");
    std::fs::write(
        &creds,
        format!(
            "[home]\naws_access_key_id = {KEY}\naws_secret_access_key = {KEY}\n\n[other]\naws_access_key_id = {key}\n\
             aws_secret_access_key = {secret}\naws_session_token = {token}\n\n[again]\naws_access_key_id = {KEY}\n\
             aws_secret_access_key = {KEY}\n"
        ),
    )
    .expect("write credentials");
    let creds = creds.to_string_lossy().into_owned();
    let env = [("AWS_SHARED_CREDENTIALS_FILE", creds.as_str())];
    let args = [
        "check",
        "--aws",
        "--profile",
        "home",
        "--profile",
        "other",
        "--profile",
        "again",
        "--endpoint-url",
        &moto.url,
        "--region",
        "us-east-1",
        "--format",
        "json",
        "--save-dump",
        "dumps",
    ];
    let run = trustlint(&bin, dir.path(), &env, &args);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("profile `again` is account 123456789012 again"), "{}", run.stderr);
    let f = findings(&run.stdout);
    let tl101: Vec<(&str, &str)> =
        f.iter().filter(|f| f.0 == "TL101").map(|f| (f.1.as_str(), f.2.as_str())).collect();
    assert_eq!(
        tl101,
        [("role/vendor", "dumps/111111111111.json"), ("role/partner-access", "dumps/123456789012.json")],
        "{f:?}"
    );
    for s in [&secret, &token] {
        assert!(!run.stdout.contains(s.as_str()) && !run.stderr.contains(s.as_str()), "secret printed");
    }

    // A profile that fails: the others are still reported, the run exits 2, and no baseline
    // is written that would miss an account.
    let args = [
        "check",
        "--aws",
        "--profile",
        "home",
        "--profile",
        "missing",
        "--endpoint-url",
        &moto.url,
        "--format",
        "concise",
    ];
    let run = trustlint(&bin, dir.path(), &env, &args);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("aws:123456789012:"), "{}", run.stdout);
    assert!(run.stderr.contains("profile `missing`"), "{}", run.stderr);
    let mut baseline = args.to_vec();
    baseline.extend(["--write-baseline", "b.json"]);
    let run = trustlint(&bin, dir.path(), &env, &baseline);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("b.json was not written"), "{}", run.stderr);
    assert!(!dir.path().join("b.json").exists());
}

#[test]
fn errors_exit_2_and_say_what_failed() {
    let Some(bin) = trustlint_bin("check_aws_errors") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // Nothing listens there: a clear network error from the fetch, exit 2, nothing linted.
    let port = support::moto::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let run = trustlint(&bin, dir.path(), &KEYS, &["check", "--aws", "--endpoint-url", &url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("network error"), "{}", run.stderr);
    assert!(run.stderr.contains("no account could be fetched"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    // An unknown profile.
    let run =
        trustlint(&bin, dir.path(), &[], &["check", "--aws", "--profile", "nope", "--endpoint-url", &url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    // No verify binary.
    let run = trustlint(
        &bin,
        dir.path(),
        &[("TRUSTLINT_VERIFY_BIN", "/nonexistent/trustlint-verify"), ("PATH", "/nonexistent")],
        &["check", "--aws"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot run /nonexistent/trustlint-verify"), "{}", run.stderr);
}

/// One page of `GetAccountAuthorizationDetails` with one role trusting Spacelift (no external
/// id), URL-encoded as IAM sends documents.
fn auth_page(role: &str, marker: Option<&str>) -> String {
    let doc = format!(
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C\
         %22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A{PARTNER}%3Aroot%22%7D%2C%22Action\
         %22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
    );
    let more = match marker {
        Some(m) => format!("<IsTruncated>true</IsTruncated><Marker>{m}</Marker>"),
        None => "<IsTruncated>false</IsTruncated>".into(),
    };
    format!(
        "<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
         <GetAccountAuthorizationDetailsResult>{more}<UserDetailList/><GroupDetailList/><Policies/>\
         <RoleDetailList><member><Path>/</Path><RoleName>{role}</RoleName><RoleId>AROA{role}</RoleId>\
         <Arn>arn:aws:iam::{ACCOUNT}:role/{role}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate>\
         <AssumeRolePolicyDocument>{doc}</AssumeRolePolicyDocument><InstanceProfileList/>\
         <RolePolicyList/><AttachedManagedPolicies/><Tags/></member></RoleDetailList>\
         </GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>1</RequestId>\
         </ResponseMetadata></GetAccountAuthorizationDetailsResponse>"
    )
}

#[test]
fn every_page_is_fetched_and_merged() {
    use support::responder::{Reply, Responder, Route, caller_identity_xml};
    let Some(bin) = trustlint_bin("check_aws_pages") else { return };
    let action = "GetAccountAuthorizationDetails";
    let r = Responder::start(Reply::ByAction(vec![
        Route::new(
            "GetCallerIdentity",
            200,
            caller_identity_xml(&format!("arn:aws:iam::{ACCOUNT}:user/ci"), ACCOUNT),
        ),
        Route::new(action, 200, auth_page("second", None)).when("Marker=page-2"),
        Route::new(action, 200, auth_page("first", Some("page-2"))),
    ]));
    let dir = tempfile::tempdir().expect("tempdir");
    let args = ["check", "--aws", "--endpoint-url", &r.url, "--format", "json", "--save-dump", "d.json"];
    let run = trustlint(&bin, dir.path(), &KEYS, &args);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("2 roles, 0 users, 0 groups, 0 managed policies (2 pages)"),
        "{}",
        run.stderr
    );
    let subjects: Vec<String> = findings(&run.stdout).into_iter().map(|f| f.1).collect();
    assert_eq!(subjects, ["role/first", "role/second"]);
    let saved = std::fs::read_to_string(dir.path().join("d.json")).expect("saved");
    assert!(saved.contains("\"CreateDate\": \"2026-01-01T00:00:00+00:00\""), "{saved}");
    assert!(saved.contains("\"AssumeRolePolicyDocument\": {\n"), "decoded into an object:\n{saved}");
    // An existing directory gets `<account id>.json`.
    std::fs::create_dir(dir.path().join("dumps")).expect("mkdir");
    let args = ["check", "--aws", "--endpoint-url", &r.url, "--format", "concise", "--save-dump", "dumps"];
    let run = trustlint(&bin, dir.path(), &KEYS, &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains(&format!("dumps/{ACCOUNT}.json:")), "{}", run.stdout);
    let again = std::fs::read_to_string(dir.path().join(format!("dumps/{ACCOUNT}.json"))).expect("saved");
    assert_eq!(again, saved);
}

#[test]
fn a_huge_denial_is_cut_and_names_the_permission() {
    use support::responder::{Reply, Responder, Route, caller_identity_xml, sts_error_xml};
    let Some(bin) = trustlint_bin("check_aws_denied") else { return };
    let huge = format!("not allowed\u{1b}[31m {}", "x".repeat(200_000));
    let r = Responder::start(Reply::ByAction(vec![
        Route::new(
            "GetCallerIdentity",
            200,
            caller_identity_xml(&format!("arn:aws:iam::{ACCOUNT}:user/ci"), ACCOUNT),
        ),
        Route::new("GetAccountAuthorizationDetails", 403, sts_error_xml("AccessDenied", "Sender", &huge)),
    ]));
    let dir = tempfile::tempdir().expect("tempdir");
    let run = trustlint(&bin, dir.path(), &KEYS, &["check", "--aws", "--endpoint-url", &r.url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.len() < 5_000, "capped: {} bytes", run.stderr.len());
    assert!(!run.stderr.contains('\u{1b}'), "control characters stripped");
    assert!(run.stderr.contains("access denied"), "{}", run.stderr);
    assert!(run.stderr.contains("needs iam:GetAccountAuthorizationDetails"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

/// Two accounts in one run feed one role graph: a read-phase Spacelift role of the home
/// account that may assume an admin role of the other account is TL702, which a scan of the
/// home account alone cannot see.
#[test]
fn the_role_graph_spans_the_scanned_accounts() {
    let Some(bin) = trustlint_bin("check_aws_graph") else { return };
    let Some(moto) =
        Moto::start_or_skip_with("check_aws_graph", &[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")])
    else {
        return;
    };
    let home = moto.aws();
    let hub_trust = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
        "Principal": {{"AWS": "arn:aws:iam::{PARTNER}:root"}}, "Action": "sts:AssumeRole",
        "Condition": {{"StringLike": {{"sts:ExternalId": "acme@*@app@*"}}}}}}]}}"#
    );
    create_role_with(&home, "hub", &hub_trust);
    let hop = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sts:AssumeRole",
        "Resource": "arn:aws:iam::{OTHER_ACCOUNT}:role/admin"}}]}}"#
    );
    home.block_on(
        home.iam_client().put_role_policy().role_name("hub").policy_name("hop").policy_document(hop).send(),
    )
    .expect("put inline policy");
    let (key, secret, token) = other_account_credentials(&moto);
    let other = moto.aws_as(&key, &secret, Some(&token));
    create_role_with(&other, "admin", &trust(&format!(r#"{{"AWS": "arn:aws:iam::{ACCOUNT}:role/hub"}}"#)));
    attach(&other, "admin", "arn:aws:iam::aws:policy/AdministratorAccess");
    let dir = tempfile::tempdir().expect("tempdir");
    let creds = dir.path().join("credentials");
    std::fs::write(
        &creds,
        format!(
            "[home]\naws_access_key_id = {KEY}\naws_secret_access_key = {KEY}\n\n[other]\naws_access_key_id = {key}\n\
             aws_secret_access_key = {secret}\naws_session_token = {token}\n"
        ),
    )
    .expect("write credentials");
    let creds = creds.to_string_lossy().into_owned();
    let env = [("AWS_SHARED_CREDENTIALS_FILE", creds.as_str())];
    let scan = |profiles: &[&str]| {
        let mut args = vec![
            "check",
            "--aws",
            "--endpoint-url",
            &moto.url,
            "--format",
            "json",
            "--spacelift-account",
            "acme",
        ];
        for p in profiles {
            args.extend(["--profile", p]);
        }
        let run = trustlint(&bin, dir.path(), &env, &args);
        assert!(run.code < 2, "{}\n{}", run.stdout, run.stderr);
        findings(&run.stdout)
    };
    let both = scan(&["home", "other"]);
    assert!(both.iter().any(|f| f.0 == "TL702" && f.2 == "aws:123456789012"), "{both:?}");
    let alone = scan(&["home"]);
    assert!(!alone.iter().any(|f| f.0 == "TL702"), "{alone:?}");
}
