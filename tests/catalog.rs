//! Behaviour of the embedded catalog, and freshness of the committed generated data.

use std::path::Path;
use std::process::Command;

use trustlint::catalog::{AccessLevel, catalog};

#[test]
fn lookup_is_case_insensitive() {
    let c = catalog();
    for spelling in ["s3:GetObject", "S3:getobject", "s3:GETOBJECT"] {
        let a = c.lookup(spelling).expect(spelling);
        assert_eq!(a.service, "s3");
        assert_eq!(a.name, "GetObject");
        assert_eq!(a.access, AccessLevel::Read);
        assert!(a.resource_types.contains("object"), "{:?}", a.resource_types);
        assert!(!a.condition_keys.is_empty());
        assert_eq!(a.to_string(), "s3:GetObject");
    }
    assert_eq!(c.lookup("iam:PassRole").map(|a| a.access), Some(AccessLevel::PermissionsManagement));
    assert!(c.lookup("s3:GetObjct").is_none());
    assert!(c.lookup("nosuchservice:GetObject").is_none());
    assert!(c.lookup("s3:Get*").is_none());
    assert!(c.lookup("").is_none());
    assert!(c.has_service("S3") && c.has_service("ec2") && !c.has_service("s4"));
}

#[test]
fn expansion() {
    let c = catalog();
    let gets = c.expand("s3:Get*");
    assert!(gets.len() > 30, "{}", gets.len());
    assert!(gets.iter().all(|a| a.service == "s3" && a.name.starts_with("Get")));
    assert!(gets.iter().any(|a| a.name == "GetObject"));
    assert_eq!(c.expand("S3:get*").len(), gets.len());

    let inst = c.expand("ec2:*Instances");
    let names: Vec<_> = inst.iter().map(|a| a.name).collect();
    assert!(names.contains(&"DescribeInstances") && names.contains(&"RunInstances"));
    assert!(names.iter().all(|n| n.ends_with("Instances")));

    assert_eq!(c.expand("*").len(), c.action_count());
    assert_eq!(c.expand("*:*").len(), c.action_count());
    let s3_all = c.expand("s3:*");
    assert!(s3_all.iter().all(|a| a.service == "s3"));
    // whole-string matching: `s3*` spans the colon and reaches s3express etc.
    let s3ish = c.expand("s3*");
    assert!(s3ish.len() > s3_all.len());
    assert_eq!(c.expand("s3:GetObj?ct").len(), 1);
    assert!(c.expand("s3:Nope*").is_empty());
    assert!(c.expand("nosuch:*").is_empty());
    assert!(c.expand("").is_empty());
}

#[test]
fn access_levels() {
    use AccessLevel::*;
    assert!(List < Read && Read < Tagging && Tagging < Write && Write < PermissionsManagement);
    assert!(Write.is_write_like() && PermissionsManagement.is_write_like() && Tagging.is_write_like());
    assert!(!Read.is_write_like() && !List.is_write_like());
    let c = catalog();
    assert_eq!(c.max_access(["s3:List*"]), Some(List));
    assert_eq!(c.max_access(["s3:GetObject", "s3:ListBucket"]), Some(Read));
    assert_eq!(c.max_access(["iam:*"]), Some(PermissionsManagement));
    assert_eq!(c.max_access(["nosuch:*"]), None);
}

#[test]
fn suggestions() {
    let c = catalog();
    assert_eq!(c.suggest("s3:GetObjct").as_deref(), Some("s3:GetObject"));
    assert_eq!(c.suggest("S3:getobjct").as_deref(), Some("s3:GetObject"));
    assert_eq!(c.suggest("iam:PassRoles").as_deref(), Some("iam:PassRole"));
    assert_eq!(c.suggest("ec2:DescribeInstanse").as_deref(), Some("ec2:DescribeInstances"));
    // unknown service: nearest prefix, with the action when it exists there
    assert_eq!(c.suggest("ec22:RunInstances").as_deref(), Some("ec2:RunInstances"));
    assert_eq!(c.suggest("lamda:Whatever").as_deref(), Some("lambda"));
    assert_eq!(c.suggest("s3:CompletelyUnrelatedThing"), None);
    assert_eq!(c.suggest("zzzzzzzzzz:Foo"), None);
    // a pattern that matches nothing gets the nearest real action
    assert!(c.suggest("s3:Gett*").is_some_and(|s| s.starts_with("s3:Get")));
}

#[test]
fn managed_policies() {
    let c = catalog();
    assert!(c.managed_policy_count() > 1600);
    let admin = c.managed_policy("AdministratorAccess").expect("AdministratorAccess");
    assert!(admin.grants_all);
    assert!(admin.max_access.is_some_and(AccessLevel::is_write_like));
    let power = c.managed_policy("arn:aws:iam::aws:policy/PowerUserAccess").expect("PowerUserAccess");
    assert!(!power.grants_all);
    assert!(power.max_access.is_some_and(AccessLevel::is_write_like));

    let view =
        c.managed_policy("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").expect("ViewOnlyAccess");
    assert_eq!(view.name, "ViewOnlyAccess");
    assert!(view.max_access.is_some_and(|a| a <= AccessLevel::Read));
    assert_eq!(view.write_like_count, 0);

    // What the data really says: ReadOnlyAccess grants a few actions the catalog classifies
    // above Read (e.g. billing:GetResourcePolicy = Permissions management,
    // athena:GetSessionEndpoint = Write via athena:Get*). Pinned so a change is noticed.
    let ro = c.managed_policy("ReadOnlyAccess").expect("ReadOnlyAccess");
    assert!(!ro.grants_all);
    assert!(ro.write_like_count > 0 && ro.write_like_count < 20, "{ro:?}");
    assert_eq!(ro.max_access, Some(AccessLevel::PermissionsManagement));
    assert_eq!(
        c.lookup("billing:GetResourcePolicy").map(|a| a.access),
        Some(AccessLevel::PermissionsManagement)
    );

    for arn in [
        "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
        "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
        "readonlyaccess",
    ] {
        assert_eq!(c.managed_policy(arn).map(|p| p.name), Some("ReadOnlyAccess"), "{arn}");
    }
    assert!(c.managed_policy("arn:aws:iam::123456789012:policy/ReadOnlyAccess").is_none());
    assert!(c.managed_policy("arn:aws:iam::aws:role/ReadOnlyAccess").is_none());
    assert!(c.managed_policy("arn:aws").is_none());
    assert!(c.managed_policy("NoSuchPolicy").is_none());
}

#[test]
fn gaps() {
    let c = catalog();
    let (actions, services) = c.gap_counts();
    assert!(actions > 0 && services > 0);
    // every gap action is absent from the catalog
    assert!(c.is_known_gap_service("deepracer") && c.is_known_gap_service("DeepRacer"));
    assert!(!c.has_service("deepracer"));
    assert!(c.is_catalog_gap("acm:DescribeAcmeAccount") && c.is_catalog_gap("ACM:describeacmeaccount"));
    assert!(c.lookup("acm:DescribeAcmeAccount").is_none());
    assert!(!c.is_catalog_gap("s3:GetObject"));
    assert!(!c.is_known_gap_service("s3"));
}

#[test]
fn known_accounts() {
    let c = catalog();
    assert!(c.known_account_count() > 400);
    assert_eq!(c.known_vendor("464622532012"), Some("Datadog"));
    assert_eq!(c.known_vendor("454464851268"), Some("Cloudhealth"));
    // AWS service account: listed, but not a vendor
    assert!(c.known_account("127311923021").is_some_and(|k| k.is_aws));
    assert_eq!(c.known_vendor("127311923021"), None);
    // disabled upstream
    assert!(c.known_account("068664126052").is_some_and(|k| !k.enabled));
    assert_eq!(c.known_vendor("068664126052"), None);
    assert_eq!(c.known_vendor("000000000000"), None);
    assert_eq!(c.known_vendor("not-an-id"), None);
}

/// The catalog date comes from the mtime of `iam-definition.json` (the JSON carries none), which
/// a fresh copy of `../shared` changes without changing the data: compare everything but the
/// date fields of the `#` header lines.
fn without_dates(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with('#') {
                line.split('\t')
                    .filter(|f| !f.split('=').next().unwrap_or("").contains("date"))
                    .collect::<Vec<_>>()
                    .join("\t")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Re-runs the generator into a temp dir and compares with the committed files.
#[test]
fn generated_data_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/data");
    if !shared.join("iam-definition.json").exists() {
        eprintln!(
            "skipping generated_data_is_up_to_date: {} not found (source data only exists on the dev machine)",
            shared.display()
        );
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipping generated_data_is_up_to_date: python3 not available");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = Command::new("python3")
        .arg(root.join("scripts/gen_catalog.py"))
        .arg("--out")
        .arg(tmp.path())
        .output()
        .expect("run generator");
    assert!(out.status.success(), "generator failed: {}", String::from_utf8_lossy(&out.stderr));
    for file in [
        "catalog/actions.tsv",
        "catalog/managed-policies.tsv",
        "catalog/catalog-gaps.txt",
        "known-aws-accounts.tsv",
        "known-aws-accounts.yaml",
    ] {
        let fresh = std::fs::read_to_string(tmp.path().join(file)).expect(file);
        let committed = std::fs::read_to_string(root.join("data").join(file)).expect(file);
        assert!(
            without_dates(&fresh) == without_dates(&committed),
            "data/{file} is stale; refresh with `python3 scripts/gen_catalog.py`"
        );
    }
}
