use super::*;

#[test]
fn parses_cleanly() {
    let c = catalog();
    assert_eq!(c.malformed_lines(), 0);
    assert!(c.service_count() > 400, "{}", c.service_count());
    assert!(c.action_count() > 20_000, "{}", c.action_count());
    assert_eq!(c.date().len(), 10);
}

#[test]
fn services_and_actions_sorted_and_consistent() {
    for w in actions::SERVICES.windows(2) {
        assert_eq!(crate::wildcard::cmp_ignore_case(w[0].prefix(), w[1].prefix()), std::cmp::Ordering::Less);
    }
    for (si, s) in actions::SERVICES.iter().enumerate() {
        for w in s.actions().windows(2) {
            assert_eq!(crate::wildcard::cmp_ignore_case(w[0].name(), w[1].name()), std::cmp::Ordering::Less);
        }
        for x in s.actions() {
            assert_eq!(x.service as usize, si);
            // every index resolves
            let info = catalog().info(x).expect("info");
            assert_eq!(
                info.resource_types.len(),
                x.resource_types.get().split(',').filter(|i| !i.is_empty()).count()
            );
            assert_eq!(
                info.condition_keys.len(),
                x.condition_keys.get().split(',').filter(|i| !i.is_empty()).count()
            );
            // and the slot table finds every action under any spelling of its case
            for spelling in [
                info.full_name(),
                info.full_name().to_ascii_uppercase(),
                info.full_name().to_ascii_lowercase(),
            ] {
                let found = catalog().lookup(&spelling).expect("indexed");
                assert_eq!((found.service, found.name), (info.service, info.name), "{spelling}");
            }
            assert!(catalog().has_service(&s.prefix().to_ascii_uppercase()));
        }
    }
}

#[test]
fn the_build_time_table_is_the_parsed_file() {
    let tsv = include_str!("../../data/catalog/actions.tsv");
    let parsed = table::parse(tsv);
    assert_eq!(parsed.date, actions::DATE);
    assert_eq!(parsed.malformed, actions::MALFORMED);
    assert_eq!(parsed.services.len(), actions::SERVICES.len());
    for (p, s) in parsed.services.iter().zip(&actions::SERVICES) {
        assert_eq!(p.prefix, s.prefix());
        let names: Vec<&str> = s.resource_types().iter().chain(s.condition_keys()).map(|n| n.get()).collect();
        assert_eq!(names, p.resource_types.iter().chain(&p.condition_keys).collect::<Vec<_>>());
        let actions: Vec<_> = s
            .actions()
            .iter()
            .map(|a| (a.name(), Some(a.access), a.resource_types.get(), a.condition_keys.get()))
            .collect();
        let expected: Vec<_> = p
            .actions
            .iter()
            .map(|a| {
                let access = AccessLevel::from_code(&char::from(a.access).to_string());
                (a.name.as_str(), access, a.resource_types.as_str(), a.condition_keys.as_str())
            })
            .collect();
        assert_eq!(actions, expected, "{}", p.prefix);
    }
}

#[test]
fn malformed_input_degrades_gracefully() {
    let text = "# x\tdate=2020-01-01\n@svc\ta,b\tk\nGood\tR\t0,9\t0\nBad\tX\n\tW\nnoservice\n@\n";
    let p = table::parse(text);
    assert_eq!(p.date, "2020-01-01");
    assert_eq!(p.services.len(), 1);
    assert_eq!(p.services[0].actions.len(), 1);
    assert_eq!(p.malformed, 4); // Bad, "\tW", noservice, "@"
    assert_eq!(
        (p.services[0].resource_types.clone(), p.services[0].condition_keys.clone()),
        (vec!["a".to_string(), "b".to_string()], vec!["k".to_string()])
    );
    // Duplicates (case-insensitively) are dropped; a duplicate service counts as malformed.
    let p = table::parse("@S\n A\tR\nx\tR\nX\tW\n@s\ny\tR\n");
    assert_eq!(p.malformed, 1);
    assert_eq!(p.services.len(), 1);
    assert_eq!(p.services[0].actions.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), [" A", "x"]);
    let m = parse::managed("x\tQ\t1\t2\t3\nok\t-\t0\t0\t0\n");
    assert_eq!((m.policies.len(), m.malformed), (1, 1));
    let k = parse::accounts("12345\tX\tvendor\t1\n123456789012\tY\tvendor\t1\n");
    assert_eq!((k.accounts.len(), k.malformed), (1, 1));
}

#[test]
fn slot_tables_find_every_hash_and_stop_at_an_empty_slot() {
    let hashes: Vec<u64> = (0..1000).map(|i| hash::caseless_hash(3, &format!("name{i}"))).collect();
    let slots = table::slots(&hashes).expect("fits");
    assert!(slots.len() >= 2 * hashes.len() && slots.len().is_power_of_two());
    assert_eq!(slots.iter().filter(|&&s| s != hash::EMPTY_SLOT).count(), hashes.len());
    let many: Vec<u64> = (0..70_000u64).map(|i| hash::caseless_hash(i, "x")).collect();
    assert!(table::slots(&many).is_none(), "ids past 16 bits are refused, not truncated");
    let (rs, text) = table::emit(&table::parse("@svc\tr\tk\nGet\tR\t0\t0\n"), "t.txt").expect("emits");
    assert_eq!(text, "svcrkGet00");
    assert!(rs.contains("static SERVICES: [Service; 1] = [svc(0,3,0,1,1,0,1),"), "{rs}");
    assert!(rs.contains("static ACTIONS: [Action; 1] = [act(5,3,b'R',0,8,1,9,1),"), "{rs}");
}

#[test]
fn access_level_codes() {
    assert_eq!(AccessLevel::from_code("P"), Some(AccessLevel::PermissionsManagement));
    assert_eq!(AccessLevel::from_code("x"), None);
    assert_eq!(AccessLevel::PermissionsManagement.to_string(), "Permissions management");
}

#[test]
fn one_line_managed_look_up_agrees_with_the_sorted_table() {
    let text = MANAGED_TSV;
    let whole = parse::managed(text);
    assert!(whole.policies.len() > 1000, "the embedded table is read");
    for p in &whole.policies {
        assert_eq!(parse::managed_one(text, p.name), Some(*p), "{}", p.name);
        assert_eq!(parse::managed_one(text, &p.name.to_ascii_lowercase()), Some(*p), "{}", p.name);
    }
    assert_eq!(parse::managed_one(text, "NoSuchPolicyAnywhere"), None);
    assert_eq!(parse::managed_one("x\tQ\t1\t2\t3\nok\t-\t0\t0\t0\n", "x"), None, "malformed line");
    let c = catalog();
    let first = c.managed_policy("arn:aws:iam::aws:policy/ReadOnlyAccess");
    for _ in 0..MANAGED_SCANS + 2 {
        assert_eq!(
            c.managed_policy("ReadOnlyAccess"),
            first,
            "same answer before and after the table is sorted"
        );
    }
    assert!(first.is_some_and(|p| p.name == "ReadOnlyAccess"));
}

#[test]
fn the_length_bound_leaves_suggestions_as_measuring_every_name_gives() {
    let c = catalog();
    let brute = |si: usize, name: &str| -> Option<String> {
        let literal = name.bytes().filter(|&b| b != b'*' && b != b'?').count();
        let limit = (1 + literal / 6).min(4);
        let (best, dist) = c
            .service_actions(si)
            .iter()
            .map(|a| (a, crate::wildcard::wildcard_distance(name, a.name())))
            .min_by_key(|&(_, d)| d)?;
        (dist <= limit).then(|| c.info(best).map(|i| i.full_name())).flatten()
    };
    let mut checked = 0;
    for service in ["s3", "ec2", "iam", "lambda", "kms"] {
        let si = c.service_index(service).expect("a catalog service");
        for a in c.service_actions(si).iter().step_by(53) {
            let n = a.name();
            let typos = [
                n[1..].to_string(),
                format!("{n}x"),
                format!("{}{}", &n[..n.len() / 2], &n[n.len() / 2 + 1..]),
                format!("{}Zz", &n[..n.len() - 1]),
                format!("{}?", &n[..n.len() - 1]),
                format!("{}*", &n[..n.len() / 2]),
                "Q".repeat(n.len() + 6),
            ];
            for typo in typos {
                assert_eq!(c.nearest_action(si, &typo), brute(si, &typo), "{service}:{typo}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn matches_any_is_whether_the_expansion_is_empty() {
    let c = catalog();
    let patterns = [
        "*",
        "**",
        "*:*",
        "s3:*",
        "S3:get*",
        "s3:Gett*",
        "ec2:*Instances",
        "ec2:Describe?nstances",
        "s3*",
        "*:GetObject",
        "*:NoSuchActionAnywhere*",
        "nosuch:*",
        "s3:",
        "",
        ":",
        "iam:PassRole",
        "iam:passrole",
        "iam:PassRol",
        "?3:GetObject",
        "s3:GetObject*",
        "*Object",
        "a*b*c",
    ];
    for p in patterns {
        assert_eq!(c.matches_any(p), !c.expand(p).is_empty(), "{p:?}");
    }
}
