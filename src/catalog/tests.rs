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
    let a = catalog().a();
    for w in a.services.windows(2) {
        assert_eq!(crate::wildcard::cmp_ignore_case(w[0].prefix, w[1].prefix), std::cmp::Ordering::Less);
    }
    for (si, s) in a.services.iter().enumerate() {
        for x in &a.actions[s.start as usize..s.end as usize] {
            assert_eq!(x.service as usize, si);
            // every index resolves
            let info = catalog().info(x).expect("info");
            // and the hash index finds every action under any spelling of its case
            for spelling in [
                info.full_name(),
                info.full_name().to_ascii_uppercase(),
                info.full_name().to_ascii_lowercase(),
            ] {
                let found = catalog().lookup(&spelling).expect("indexed");
                assert_eq!((found.service, found.name), (info.service, info.name), "{spelling}");
            }
            assert!(catalog().has_service(&s.prefix.to_ascii_uppercase()));
            assert_eq!(
                info.resource_types.len(),
                x.resource_types.split(',').filter(|i| !i.is_empty()).count()
            );
            assert_eq!(
                info.condition_keys.len(),
                x.condition_keys.split(',').filter(|i| !i.is_empty()).count()
            );
        }
    }
}

#[test]
fn malformed_input_degrades_gracefully() {
    let text = "# x\tdate=2020-01-01\n@svc\ta,b\tk\nGood\tR\t0,9\t0\nBad\tX\n\tW\nnoservice\n@\n";
    let a: &'static Actions = Box::leak(Box::new(parse::actions(text)));
    assert_eq!(a.date, "2020-01-01");
    assert_eq!(a.actions.len(), 1);
    assert_eq!(a.malformed, 4); // Bad, "\tW", noservice, "@"
    let s = &a.services[0];
    let rts = NameList { indices: a.actions[0].resource_types, table: &s.resource_types };
    assert_eq!(rts.iter().collect::<Vec<_>>(), ["a"]); // index 9 is out of range: skipped
    let m = parse::managed("x\tQ\t1\t2\t3\nok\t-\t0\t0\t0\n");
    assert_eq!((m.policies.len(), m.malformed), (1, 1));
    let k = parse::accounts("12345\tX\tvendor\t1\n123456789012\tY\tvendor\t1\n");
    assert_eq!((k.accounts.len(), k.malformed), (1, 1));
}

#[test]
fn access_level_codes() {
    assert_eq!(AccessLevel::from_code("P"), Some(AccessLevel::PermissionsManagement));
    assert_eq!(AccessLevel::from_code("x"), None);
    assert_eq!(AccessLevel::PermissionsManagement.to_string(), "Permissions management");
}

#[test]
fn one_line_managed_look_up_agrees_with_the_sorted_table() {
    let text = inflate(MANAGED_DEFLATED);
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
