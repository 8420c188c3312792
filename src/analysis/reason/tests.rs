use proptest::prelude::*;

use super::*;

fn pat(kind: PatternKind, p: &str) -> Lang {
    Lang::pattern(kind, p, VarMode::Literal).expect("test pattern compiles")
}

fn like(p: &str) -> Lang {
    pat(PatternKind::Like, p)
}

fn witness(l: &Lang) -> Option<String> {
    l.shortest_witness().expect("search stays within budget")
}

/// Reference semantics: the textbook recursive glob matcher over Unicode scalar values.
fn glob_brute(p: &[char], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| glob_brute(rest, &s[i..])),
        Some(('?', rest)) => !s.is_empty() && glob_brute(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && glob_brute(rest, &s[1..]),
    }
}

fn brute(p: &str, s: &str) -> bool {
    glob_brute(&p.chars().collect::<Vec<_>>(), &s.chars().collect::<Vec<_>>())
}

#[test]
fn nested_wildcards() {
    let abc = like("a*b*c");
    let ac = like("a*c");
    assert!(abc.contains("abc") && abc.contains("aXbYc") && !abc.contains("ac"));
    assert!(ac.contains("ac") && ac.contains("abc"));
    // a*b*c is a strict subset of a*c.
    assert_eq!(witness(&abc.and(&ac.complement())), None);
    assert_eq!(witness(&ac.and(&abc.complement())).as_deref(), Some("ac"));
    assert_eq!(witness(&abc.and(&ac)).as_deref(), Some("abc"));
    assert!(like("*a*").contains("bab") && !like("*a*").contains("bbb"));
    assert!(like("**").contains("") && like("*?*").contains("x") && !like("*?*").contains(""));
}

#[test]
fn question_mark_is_one_scalar_value() {
    let q = like("a?b");
    assert!(q.contains("aéb"));
    assert!(q.contains("a😀b"));
    assert!(!q.contains("ab") && !q.contains("aééb"));
    let qq = like("??");
    assert!(qq.contains("é😀") && !qq.contains("é"));
    // The shortest witness of a pattern that forces a non-ASCII character is valid UTF-8.
    let w = witness(&like("a?b").and(&like("a[^a-zA-Z0-9]b").complement()));
    assert!(w.is_some_and(|w| w.chars().count() == 3));
    let e = witness(&like("?").and(&pat(PatternKind::Equals, "é")));
    assert_eq!(e.as_deref(), Some("é"));
}

#[test]
fn equals_is_literal_and_ignore_case_folds() {
    let eq = pat(PatternKind::Equals, "a*b?");
    assert!(eq.contains("a*b?") && !eq.contains("axbc"));
    let ci = pat(PatternKind::EqualsIgnoreCase, "Acme@Read");
    assert!(ci.contains("acme@read") && ci.contains("ACME@READ") && !ci.contains("acme@reaD!"));
    assert!(!pat(PatternKind::Equals, "Acme").contains("acme"));
    let lci = pat(PatternKind::LikeIgnoreCase, "ACME@*");
    assert!(lci.contains("acme@x") && !like("ACME@*").contains("acme@x"));
    // Metacharacters are literal.
    for s in ["(a|b)", "a.b", "[x]", "\\d", "{1,2}", "^$"] {
        let l = pat(PatternKind::Equals, s);
        assert!(l.contains(s), "{s}");
        assert!(like(s).contains(s), "{s}");
    }
    assert!(!pat(PatternKind::Equals, "a.b").contains("axb"));
}

#[test]
fn arn_parts_do_not_cross_colons() {
    let p = pat(PatternKind::ArnLike, "arn:aws:iam::*:role/x");
    assert!(p.contains("arn:aws:iam::123456789012:role/x"));
    assert!(p.contains("arn:aws:iam:::role/x"));
    // The request splits into `1` and `2:role/x`; the resource part is not `role/x`.
    assert!(!p.contains("arn:aws:iam::1:2:role/x"));
    // In the resource part a wildcard may cross `:` and `/`.
    let r = pat(PatternKind::ArnLike, "arn:aws:s3:::bucket/*");
    assert!(r.contains("arn:aws:s3:::bucket/a:b/c"));
    let any = pat(PatternKind::ArnLike, "arn:*:*:*:*:*");
    assert!(any.contains("arn:aws:iam::1:role/a:b"));
    assert!(!any.contains("arn:aws:iam::1"));
    let q = pat(PatternKind::ArnLike, "arn:aws:iam::?:role/*");
    assert!(q.contains("arn:aws:iam::1:role/a") && !q.contains("arn:aws:iam:::role/a"));
    // `?` in parts 1-5 never matches `:` either.
    assert!(!pat(PatternKind::ArnLike, "arn:aws:iam:?:1:r").contains("arn:aws:iam:::1:r"));
    // `*` in the account part must not absorb the colon that starts the resource part.
    assert_eq!(witness(&p.and(&like("*:*:*:*:*:*:*"))), None);
    assert!(matches!(
        Lang::pattern(PatternKind::ArnLike, "*", VarMode::Literal),
        Err(ReasonError::MalformedArn { .. })
    ));
    assert!(pat(PatternKind::ArnEquals, "arn:aws:iam::*:root").contains("arn:aws:iam::1:root"));
}

#[test]
fn policy_variables() {
    let lit = Lang::pattern(PatternKind::Like, "${aws:username}@x", VarMode::Literal).expect("compiles");
    assert!(lit.contains("${aws:username}@x") && !lit.contains("bob@x"));
    let any = Lang::pattern(PatternKind::Like, "${aws:username}@x", VarMode::AnyValue).expect("compiles");
    assert!(any.contains("bob@x") && any.contains("@x"));
    let esc = Lang::pattern(PatternKind::Like, "a${*}b${?}${$}", VarMode::AnyValue).expect("compiles");
    assert!(esc.contains("a*b?$") && !esc.contains("axb?$") && !esc.contains("a*bx$"));
    // Under exact match the escapes still apply.
    let eq = Lang::pattern(PatternKind::Equals, "${*}", VarMode::AnyValue).expect("compiles");
    assert!(eq.contains("*") && !eq.contains("${*}"));
    let arn =
        Lang::pattern(PatternKind::ArnLike, "arn:aws:iam::${aws:PrincipalAccount}:role/x", VarMode::AnyValue)
            .expect("compiles");
    assert!(arn.contains("arn:aws:iam::1:role/x") && !arn.contains("arn:aws:iam::1:2:role/x"));
}

#[test]
fn unions_complements_and_universality() {
    let u = Lang::patterns(PatternKind::Like, &["acme@*", "*@read"], VarMode::Literal).expect("compiles");
    assert!(u.contains("acme@x") && u.contains("x@read") && !u.contains("x@write"));
    assert_eq!(
        Lang::patterns::<&str>(PatternKind::Like, &[], VarMode::Literal).expect("empty union").is_empty(),
        Ok(true)
    );
    let sts = Universe::sts_external_id();
    assert_eq!(like("*").is_universal_over(&sts), Ok(()));
    assert_eq!(like("?*").is_universal_over(&sts), Ok(()));
    // `??*` misses nothing in STS's universe, whose ids have at least 2 characters.
    assert_eq!(like("??*").is_universal_over(&sts), Ok(()));
    assert_eq!(like("???*").is_universal_over(&sts), Err(NotUniversal::Witness("aa".into())));
    assert_eq!(like("acme@*").is_universal_over(&sts), Err(NotUniversal::Witness("aa".into())));
    assert!(like("?*").is_universal_over(&Universe::any()).is_err());
    let not = like("a*").complement();
    assert!(not.contains("b") && !not.contains("ab"));
    assert_eq!(witness(&not).as_deref(), Some(""));
    assert_eq!(witness(&Lang::nothing()), None);
    assert_eq!(witness(&Lang::anything()).as_deref(), Some(""));
}

#[test]
fn universe_bounds_are_exact() {
    let sts = Universe::sts_external_id();
    // Characters outside STS's charset make a pattern unsatisfiable there.
    assert_eq!(like("a é*").shortest_witness_in(&sts), Ok(None));
    assert_eq!(like("*").shortest_witness_in(&sts), Ok(Some("aa".into())));
    let long = "x".repeat(1300);
    assert_eq!(like(&long).shortest_witness_in(&sts), Ok(None));
    let max = "y".repeat(1224);
    assert_eq!(like(&max).shortest_witness_in(&sts), Ok(Some(max.clone())));
    assert!(sts.contains(&max) && !sts.contains(&long) && !sts.contains("a"));
}

#[test]
fn witnesses_are_readable() {
    let w = witness(&like("acme@*").and(&like("*@?????")));
    assert_eq!(w.as_deref(), Some("acme@aaaaa"));
}

#[test]
fn prefix_accepting_all_suffixes() {
    let stacks = Lang::regex("[a-z0-9_-]+").expect("compiles");
    let accounts = Lang::regex("[a-z]{2,5}@").expect("compiles");
    let sts = Universe::sts_external_id();
    let l = like("acme@*");
    assert_eq!(l.prefix_accepting_all_suffixes(&accounts, &stacks, &sts), Ok(Some("acme@".into())));
    let scoped = like("acme@stack-a");
    assert_eq!(scoped.prefix_accepting_all_suffixes(&accounts, &stacks, &sts), Ok(None));
    // Rejects only stacks starting with `x`: not every stack.
    let almost = like("acme@*").and(&like("acme@x*").complement());
    assert_eq!(almost.prefix_accepting_all_suffixes(&accounts, &stacks, &sts), Ok(None));
    // A wildcard account with a fixed stack is still not "every stack".
    assert_eq!(like("*@s").prefix_accepting_all_suffixes(&accounts, &stacks, &sts), Ok(None));
}

#[test]
fn hostile_patterns_do_not_panic() {
    let huge = "?".repeat(5000);
    let _ = Lang::pattern(PatternKind::Like, &huge, VarMode::Literal);
    for p in ["${", "${}", "$${*}}", "\u{0}*\u{10FFFF}", "arn:::::", "arn:*:*:*:*:*:*:*"] {
        for k in [PatternKind::Like, PatternKind::Equals, PatternKind::ArnLike] {
            if let Ok(l) = Lang::pattern(k, p, VarMode::AnyValue) {
                let _ = l.contains(p);
                let _ = l.shortest_witness();
            }
        }
    }
}

fn alphabet() -> impl Strategy<Value = char> {
    prop::sample::select(vec!['a', 'b', '@', 'é', '😀'])
}

fn pattern_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!['a', 'b', '@', 'é', '*', '?']), 0..7)
        .prop_map(|v| v.into_iter().collect())
}

fn string_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(alphabet(), 0..8).prop_map(|v| v.into_iter().collect())
}

/// All strings over the alphabet up to `n` characters.
fn all_strings(n: usize) -> Vec<String> {
    let alpha = ['a', 'b', '@', 'é'];
    let mut out = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..n {
        layer = layer.iter().flat_map(|s| alpha.iter().map(move |c| format!("{s}{c}"))).collect();
        out.extend(layer.iter().cloned());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn contains_agrees_with_brute_force(p in pattern_strategy(), s in string_strategy()) {
        prop_assert_eq!(like(&p).contains(&s), brute(&p, &s));
        // StringEquals treats wildcards literally.
        prop_assert_eq!(pat(PatternKind::Equals, &p).contains(&s), p == s);
    }

    #[test]
    fn intersection_witness_is_in_both(p in pattern_strategy(), q in pattern_strategy()) {
        let (a, b) = (like(&p), like(&q));
        match witness(&a.and(&b)) {
            Some(w) => {
                prop_assert!(brute(&p, &w) && brute(&q, &w), "{} {} {}", p, q, w);
            }
            None => {
                // Any common string can be shortened to at most max(len) + 1 characters over
                // {a, b, @, é, one other}; these alphabets suffice for literals in the patterns.
                let n = p.chars().count().max(q.chars().count()) + 1;
                for s in all_strings(n.min(5)) {
                    prop_assert!(!(brute(&p, &s) && brute(&q, &s)), "{} {} {}", p, q, s);
                }
            }
        }
    }

    #[test]
    fn emptiness_agrees_with_enumeration(p in pattern_strategy(), q in pattern_strategy()) {
        // Intersection with a complement: emptiness means inclusion.
        let l = like(&p).and(&like(&q).complement());
        let w = witness(&l);
        if let Some(w) = &w {
            prop_assert!(brute(&p, w) && !brute(&q, w));
        }
        let found = all_strings(4).into_iter().find(|s| brute(&p, s) && !brute(&q, s));
        if found.is_some() {
            prop_assert!(w.is_some());
        }
        if let (Some(f), Some(w)) = (found, &w) {
            prop_assert!(w.chars().count() <= f.chars().count());
        }
    }
}

/// Reference ARN matcher: split both at the first five colons and glob each part.
fn arn_brute(p: &str, s: &str) -> bool {
    let pp: Vec<&str> = p.splitn(6, ':').collect();
    let sp: Vec<&str> = s.splitn(6, ':').collect();
    pp.len() == 6 && sp.len() == 6 && pp.iter().zip(&sp).all(|(a, b)| brute(a, b))
}

#[test]
fn langs_are_shareable_across_threads() {
    fn check<T: Send + Sync>() {}
    check::<Lang>();
    check::<Universe>();
    let l = like("a*");
    let h = std::thread::spawn(move || l.contains("ab"));
    assert!(h.join().unwrap_or(false));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arn_like_agrees_with_part_matcher(
        p in prop::collection::vec(prop::sample::select(vec!['a', ':', '*', '?', '/']), 5..12),
        s in prop::collection::vec(prop::sample::select(vec!['a', ':', '/', 'é']), 5..12),
    ) {
        let p: String = p.into_iter().collect();
        let s: String = s.into_iter().collect();
        match Lang::pattern(PatternKind::ArnLike, &p, VarMode::Literal) {
            Ok(l) => prop_assert_eq!(l.contains(&s), arn_brute(&p, &s), "{} {}", p, s),
            Err(ReasonError::MalformedArn { .. }) => prop_assert!(p.matches(':').count() < 5),
            Err(e) => prop_assert!(false, "{}", e),
        }
    }

    #[test]
    fn witnesses_in_sts_universe_are_valid(p in pattern_strategy(), q in pattern_strategy()) {
        let sts = Universe::sts_external_id();
        let l = like(&p).and(&like(&q));
        if let Some(w) = l.shortest_witness_in(&sts).expect("small search") {
            prop_assert!(sts.contains(&w) && brute(&p, &w) && brute(&q, &w), "{}", w);
        }
    }
}

#[test]
fn exponential_patterns_fail_cleanly() {
    // `*a` followed by n `?` needs 2^n DFA states: the size limit must turn that into an error.
    let p = format!("*a{}", "?".repeat(24));
    let start = std::time::Instant::now();
    let r = Lang::pattern(PatternKind::Like, &p, VarMode::Literal);
    assert!(matches!(r, Err(ReasonError::Build { .. })), "{r:?}");
    assert!(start.elapsed().as_secs() < 60);
}

/// Values as rules see them: a few characters of ids, subjects and wildcards.
fn glob_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "b", "Z", "0", "-", "@", ":", "*", "?", "é", "ab"]),
        0..7,
    )
    .prop_map(|v| v.concat())
}

fn universe_strategy() -> impl Strategy<Value = Universe> {
    prop::sample::select(vec![
        Universe::any(),
        Universe::sts_external_id(),
        Universe::ascii("ab0@", 0, Some(3)),
        Universe::ascii("b-", 2, None),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The answers read from the text of plain values are the automata's, witness for witness.
    #[test]
    fn text_answers_agree_with_automata(
        values in prop::collection::vec(glob_strategy(), 1..4),
        u in universe_strategy(),
        s in string_strategy(),
    ) {
        for kind in [PatternKind::Like, PatternKind::Equals] {
            let text = Lang::patterns(kind, &values, VarMode::Literal).expect("values compile");
            let dfa = text.automaton_form();
            prop_assert_eq!(text.shortest_witness_in(&u), dfa.shortest_witness_in(&u), "{:?} {:?}", kind, values);
            prop_assert_eq!(
                text.complement().shortest_witness_in(&u),
                dfa.complement().shortest_witness_in(&u),
                "complement {:?} {:?}", kind, values
            );
            prop_assert_eq!(text.contains(&s), dfa.contains(&s), "{:?} {:?} {}", kind, values, s);
        }
    }
}

#[test]
fn sts_external_id_universe_is_the_documented_charset() {
    let mut set = String::from("+=,.@:/-_");
    set.extend('a'..='z');
    set.extend('A'..='Z');
    set.extend('0'..='9');
    assert_eq!(Universe::sts_external_id(), Universe::ascii(&set, 2, Some(1224)));
    assert!(!Universe::sts_external_id().contains("a b"));
}
