use super::*;
use crate::analysis::reason::{PatternKind, VarMode};

fn grammar() -> Grammar {
    Grammar::spacelift().expect("default grammar builds")
}

fn like(p: &str) -> Lang {
    Lang::pattern(PatternKind::Like, p, VarMode::Literal).expect("pattern compiles")
}

fn analyse_like(p: &str) -> Analysis {
    analyse(&like(p), &grammar()).expect("analysis stays within budget")
}

const ULID: &str = "01GE7K9SR2DQBCRQ90DH70JF6Y";

#[test]
fn documented_shortest_parts_are_the_automata_witnesses() {
    let g = grammar();
    for part in [Part::Account, Part::IntegrationId, Part::Stack, Part::Phase] {
        let lang = g.part_lang(part);
        let w = lang.shortest_witness_in(&g.charset()).expect("decidable");
        assert_eq!(w.as_deref(), Some(documented::shortest(part)), "{part:?}");
        assert!(lang.contains(documented::shortest(part)));
    }
}

#[test]
fn common_shapes_are_answered_from_the_text() {
    for p in ["acme@*@stack-a@read", "acme@*@*@*", "*@*@*@write", "acme@stack_a", "a@b@c@d@e"] {
        assert!(Split::of(&like(p)).is_some(), "{p}");
    }
    // Wildcards inside a part: that part's own automata answer.
    for p in [&format!("acme@{ULID}@st?ck@read"), "acme@*@stack-*@read"] {
        assert!(Split::of(&like(p)).is_some(), "{p}");
    }
    // A `*` that may stand for `@`, or a `?` after a `*` (whose automaton is built eagerly, as
    // it may blow up): the automata of the whole pattern answer.
    for p in ["acme@*", "acme@*@st?ck@read"] {
        assert!(Split::of(&like(p)).is_none(), "{p}");
    }
    let a = analyse_like("acme@*@prod-*@*");
    assert_eq!(a.current.as_deref(), Some("acme@00000000000000000000000000@prod-@read"));
    assert!(a.any_stack.is_empty());
    let a = analyse_like("acme@*@stack-a@*");
    assert_eq!(a.current.as_deref(), Some("acme@00000000000000000000000000@stack-a@read"));
    assert_eq!(a.write.as_deref(), Some("acme@00000000000000000000000000@stack-a@write"));
    assert!(a.any_stack.is_empty());
}

#[test]
fn parses_current_and_legacy() {
    let g = grammar();
    assert_eq!(
        parse(&format!("acme@{ULID}@stack-a@read"), &g),
        Ok(ExternalId::Current {
            account: "acme".into(),
            integration_id: ULID.into(),
            stack: "stack-a".into(),
            phase: Phase::Read,
        })
    );
    let legacy = parse("acme@stack_a", &g).expect("legacy parses");
    assert_eq!((legacy.account(), legacy.stack(), legacy.format()), ("acme", "stack_a", Format::Legacy));
}

#[test]
fn parse_errors_name_the_part() {
    let g = grammar();
    let err = |id: &str| parse(id, &g).expect_err("invalid");
    assert_eq!(err("a@b@c"), GrammarError::PartCount { found: 3 });
    assert_eq!(err("acme"), GrammarError::PartCount { found: 1 });
    let e = err(&format!("acme@{ULID}@stack-a@admin"));
    assert!(matches!(&e, GrammarError::BadPart { part: Part::Phase, value, .. } if value == "admin"));
    assert!(e.to_string().contains("`read` or `write`"), "{e}");
    let e = err("acme@01GE7K9@stack@read");
    assert!(matches!(e, GrammarError::BadPart { part: Part::IntegrationId, .. }));
    assert!(e.to_string().contains("26-character ULID") && e.to_string().contains("7 characters"));
    // `I`, `L`, `O`, `U` are not Crockford base32.
    let e = err("acme@01GE7K9SR2DQBCRQ90DH70JF6I@s@read");
    assert!(matches!(e, GrammarError::BadPart { part: Part::IntegrationId, .. }));
    assert!(matches!(
        err(&format!("-acme@{ULID}@s@read")),
        GrammarError::BadPart { part: Part::Account, .. }
    ));
    assert!(matches!(err("a@s"), GrammarError::BadPart { part: Part::Account, .. }));
    assert!(matches!(err("acme@Stack"), GrammarError::BadPart { part: Part::Stack, .. }));
    assert!(matches!(err("acme@"), GrammarError::BadPart { part: Part::Stack, .. }));
    let long = format!("acme@{}", "s".repeat(1300));
    assert_eq!(err(&long), GrammarError::TooLong { length: 1305 });
    assert!(matches!(err("é@ü"), GrammarError::BadPart { part: Part::Account, .. }));
}

#[test]
fn account_wildcard_accepts_both_formats_and_every_stack() {
    let a = analyse_like("acme@*");
    assert!(a.current.as_deref().is_some_and(|w| w.starts_with("acme@")));
    assert!(a.legacy.is_some() && !a.legacy_only() && a.invalid.is_none());
    assert_eq!(a.phases(), vec![Phase::Read, Phase::Write]);
    let formats: Vec<_> = a.any_stack.iter().map(|s| (s.format, s.phase)).collect();
    assert_eq!(
        formats,
        vec![
            (Format::Current, Some(Phase::Read)),
            (Format::Current, Some(Phase::Write)),
            (Format::Legacy, None)
        ]
    );
    let g = grammar();
    for s in &a.any_stack {
        assert!(s.prefix.starts_with("acme@"));
        for stack in ["x", "prod-db", "a_b"] {
            let id = s.example(stack);
            assert!(parse(&id, &g).is_ok() && like("acme@*").contains(&id), "{id}");
        }
    }
    let b = analyse_like("acme@*@*@*");
    assert!(b.legacy.is_none() && b.any_stack.len() == 2);
}

#[test]
fn stack_scoped_pattern() {
    let a = analyse_like("acme@*@stack-a@*");
    assert!(a.invalid.is_none() && a.any_stack.is_empty() && a.legacy.is_none());
    let zero = "0".repeat(26);
    assert_eq!(a.read, Some(format!("acme@{zero}@stack-a@read")));
    assert_eq!(a.write, Some(format!("acme@{zero}@stack-a@write")));
    let g = grammar();
    for w in [&a.read, &a.write].into_iter().flatten() {
        assert!(parse(w, &g).is_ok());
    }
}

#[test]
fn write_only_pattern() {
    let a = analyse_like("acme@*@stack-a@write");
    assert_eq!(a.phases(), vec![Phase::Write]);
    assert!(a.read.is_none());
    // Exact ids under StringEquals.
    let id = format!("acme@{ULID}@stack-a@read");
    let eq = Lang::pattern(PatternKind::Equals, &id, VarMode::Literal).expect("compiles");
    let a = analyse(&eq, &grammar()).expect("analysis");
    assert_eq!(a.read, Some(id));
    assert!(a.write.is_none() && a.any_stack.is_empty());
}

#[test]
fn star_accepts_everything() {
    let a = analyse_like("*");
    assert!(a.current.is_some() && a.legacy.is_some() && a.read.is_some() && a.write.is_some());
    assert!(!a.any_stack.is_empty());
    assert!(like("*").is_universal_over(&Universe::sts_external_id()).is_ok());
}

#[test]
fn legacy_only_pattern() {
    let a = analyse_like("acme@stack-a");
    assert!(a.legacy_only() && a.current.is_none() && a.invalid.is_none());
    assert!(a.any_stack.is_empty());
}

#[test]
fn diagnoses_wrong_last_part() {
    let a = analyse_like("acme@*@*@admin");
    let Some(Diagnosis::BadParts { format, problems }) = &a.invalid else {
        panic!("expected bad parts, got {:?}", a.invalid);
    };
    assert_eq!(*format, Format::Current);
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].part, problems[0].example.as_str()), (Part::Phase, "admin"));
    let msg = a.invalid.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(msg.contains("the last part must be `read` or `write`"), "{msg}");
}

#[test]
fn diagnoses_short_integration_id() {
    let a = analyse_like("acme@01GE7K9@stack@read");
    let Some(Diagnosis::BadParts { problems, .. }) = &a.invalid else {
        panic!("expected bad parts, got {:?}", a.invalid);
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].part, Part::IntegrationId);
    assert_eq!(problems[0].example, "01GE7K9");
}

#[test]
fn diagnoses_several_parts_and_part_counts() {
    let a = analyse_like("-acme@x@Stack@read");
    let Some(Diagnosis::BadParts { problems, .. }) = &a.invalid else {
        panic!("expected bad parts, got {:?}", a.invalid);
    };
    let parts: Vec<_> = problems.iter().map(|p| p.part).collect();
    assert_eq!(parts, vec![Part::Account, Part::IntegrationId, Part::Stack]);
    let a = analyse_like("acme@x@y");
    assert!(matches!(a.invalid, Some(Diagnosis::PartCount { parts: 3, .. })), "{:?}", a.invalid);
    let a = analyse_like("acme");
    assert!(matches!(a.invalid, Some(Diagnosis::PartCount { parts: 1, .. })));
    let a = analyse_like("acme@ü*");
    assert!(matches!(a.invalid, Some(Diagnosis::NotAnExternalId { .. })), "{:?}", a.invalid);
    // A legacy-shaped pattern with an uppercase stack.
    let a = analyse_like("acme@Stack");
    assert!(
        matches!(&a.invalid, Some(Diagnosis::BadParts { format: Format::Legacy, problems }) if problems[0].part == Part::Stack)
    );
}

#[test]
fn account_mismatch() {
    let g = grammar();
    let w = |p: &str| foreign_account_witness(&like(p), &g, "acme").expect("analysis");
    assert_eq!(w("acme@*"), None);
    assert_eq!(w("acme@*@stack-a@*"), None);
    assert!(w("*@*").is_some_and(|x| !x.starts_with("acme@") && parse(&x, &g).is_ok()));
    assert!(w("other@*").is_some_and(|x| x.starts_with("other@")));
    // `acme*@...` also admits `acmex`.
    assert!(w("acme*@*").is_some_and(|x| x.starts_with("acme") && !x.starts_with("acme@")));
}

#[test]
fn documented_grammar_passes_the_checks_it_skips_at_start() {
    // Grammar::spacelift() builds without validating each part; Grammar::new validates.
    assert!(Grammar::new(GrammarConfig::default()).is_ok());
}

#[test]
fn custom_grammar() {
    let cfg = GrammarConfig { stack: "[a-z0-9_.-]+".into(), ..GrammarConfig::default() };
    let g = Grammar::new(cfg).expect("builds");
    assert!(parse("acme@stack.a", &g).is_ok());
    assert!(parse("acme@stack.a", &grammar()).is_err());
    let bad = GrammarConfig { stack: "[a-z@]+".into(), ..GrammarConfig::default() };
    assert_eq!(Grammar::new(bad).err(), Some(GrammarConfigError::ContainsAt { part: Part::Stack }));
    let broken = GrammarConfig { account: "(".into(), ..GrammarConfig::default() };
    assert!(matches!(Grammar::new(broken), Err(GrammarConfigError::Pattern { part: Part::Account, .. })));
}

#[test]
fn many_values_stay_fast() {
    let values: Vec<String> = (0..40)
        .map(|i| format!("acme@*@stack-{i}-*@*"))
        .chain(["other@*".to_owned(), "*@*@*@read".to_owned()])
        .collect();
    let l = Lang::patterns(PatternKind::Like, &values, VarMode::Literal).expect("compiles");
    let start = std::time::Instant::now();
    let a = analyse(&l, &grammar()).expect("analysis");
    assert!(a.read.is_some() && a.write.is_some());
    // `*@*@*@read` lets every stack of any account plan.
    assert!(a.any_stack.iter().any(|s| s.phase == Some(Phase::Read)));
    assert!(!a.any_stack.iter().any(|s| s.phase == Some(Phase::Write)
        && s.format == Format::Current
        && !s.prefix.starts_with("other@")));
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec!["acme", "@", "*", "?", "read", "write", "s", "0", "-", "A", ULID]),
            0..8,
        )
        .prop_map(|v| v.concat())
    }

    /// Ids split on `@` the way users write them: whole parts, with wildcards here and there.
    fn id_pattern() -> impl Strategy<Value = String> {
        let part = prop::sample::select(vec![
            "acme", "*", "a", "x*", "?", "stack-a", ULID, "read", "write", "Acme", "", "st?ck-a", "re*",
            "*a", "?*", "a*",
        ]);
        prop::collection::vec(part, 1..6).prop_map(|v| v.join("@"))
    }

    fn part_value() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a", "z", "0", "7", "8", "A", "I", "Z", "-", "_", "@", ".", "é", "read", "write", ULID,
        ]);
        prop::collection::vec(piece, 0..5).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(384))]

        /// The documented parts checked by hand agree with the automata of their regexes.
        #[test]
        fn documented_parts_agree_with_automata(s in part_value()) {
            let g = grammar();
            for part in [Part::Account, Part::IntegrationId, Part::Stack, Part::Phase] {
                prop_assert_eq!(documented::contains(part, &s), g.part_lang(part).contains(&s), "{:?} {}", part, s);
            }
        }

        /// Questions answered from the split patterns agree with the automata, witness for
        /// witness.
        #[test]
        fn split_answers_agree_with_automata(values in prop::collection::vec(id_pattern(), 1..4), equals in any::<bool>()) {
            let g = grammar();
            let kind = if equals { PatternKind::Equals } else { PatternKind::Like };
            let lang = Lang::patterns(kind, &values, VarMode::Literal).expect("values compile");
            let fast = Questions::new(lang.clone(), &g);
            let slow = Questions::automata_only(lang.automaton_form(), &g);
            prop_assert_eq!(fast.current(), slow.current(), "{:?}", values);
            prop_assert_eq!(fast.legacy(), slow.legacy(), "{:?}", values);
            for p in Phase::ALL {
                prop_assert_eq!(fast.phase(p), slow.phase(p), "{:?} {:?}", values, p);
            }
            prop_assert_eq!(fast.any_stack(), slow.any_stack(), "{:?}", values);
            prop_assert_eq!(fast.invalid(), slow.invalid(), "{:?}", values);
            let cfg = g.config();
            let knowns: [[Option<&str>; 4]; 4] = [
                [Some("acme"), None, Some("stack-a"), Some("read")],
                [None, None, Some("x"), None],
                [Some("a"), Some(ULID), Some("stack-a"), Some("write")],
                [Some("Acme"), Some("x"), Some("read"), Some("write")],
            ];
            for known in knowns {
                let Some(fast) = accepts_some_current_id(&lang, &g, known) else { continue };
                let re: Vec<String> = known
                    .iter()
                    .zip([cfg.account.as_str(), cfg.integration_id.as_str(), cfg.stack.as_str(), PHASE_RE])
                    .map(|(k, rule)| k.map_or_else(|| format!("(?:{rule})"), reason::escape))
                    .collect();
                let ids = Lang::regex(&re.join("@")).expect("template compiles");
                let slow = !lang.automaton_form().and(&ids).is_empty().expect("decidable");
                prop_assert_eq!(fast, slow, "{:?} {:?}", values, known);
            }
            for account in ["acme", "a", "aa"] {
                prop_assert_eq!(
                    foreign_account_witness(&lang, &g, account),
                    foreign_account_witness(&lang.automaton_form(), &g, account),
                    "{:?} {}", values, account
                );
            }
        }

        #[test]
        fn witnesses_are_valid_and_accepted(p in pattern()) {
            let g = grammar();
            let l = like(&p);
            let a = analyse(&l, &g).expect("analysis stays within budget");
            for w in [&a.current, &a.read, &a.write].into_iter().flatten() {
                let id = parse(w, &g);
                prop_assert!(l.contains(w), "{} {}", p, w);
                prop_assert!(matches!(id, Ok(ExternalId::Current { .. })), "{} {}", p, w);
            }
            if let Some(w) = &a.legacy {
                let legacy = matches!(parse(w, &g), Ok(ExternalId::Legacy { .. }));
                prop_assert!(l.contains(w) && legacy, "{} {}", p, w);
            }
            prop_assert!(a.read.as_deref().is_none_or(|w| w.ends_with("@read")));
            prop_assert!(a.write.as_deref().is_none_or(|w| w.ends_with("@write")));
            prop_assert_eq!(a.current.is_some(), a.read.is_some() || a.write.is_some());
            prop_assert_eq!(a.invalid.is_none(), a.current.is_some() || a.legacy.is_some());
            for s in &a.any_stack {
                for stack in ["a", "zz-9", "x_y"] {
                    let id = s.example(stack);
                    prop_assert!(l.contains(&id) && parse(&id, &g).is_ok(), "{} {}", p, id);
                }
            }
            if let Some(Diagnosis::BadParts { problems, .. }) = &a.invalid {
                prop_assert!(!problems.is_empty());
            }
        }
    }
}
