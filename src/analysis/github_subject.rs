//! GitHub Actions OIDC subjects as a grammar over the automata, like the Spacelift external
//! id grammar: `repo:<owner>/<repo>:<context>` with the contexts `ref:refs/heads/<branch>`,
//! `ref:refs/tags/<tag>`, `environment:<name>` and `pull_request` (FACTS.md, "OIDC
//! providers"). Given the subjects a trust accepts, it proves whether they pin one owner, and
//! finds the subjects of pull requests and of every branch.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::analysis::reason::{Lang, ReasonError, Universe, escape};

/// GitHub user and organisation names: letters, digits and single hyphens, at most 39
/// characters, not starting or ending with a hyphen.
pub const OWNER: &str = "[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}";
/// Repository names: letters, digits, `.`, `_`, `-`, at most 100 characters.
pub const REPO: &str = "[A-Za-z0-9._-]{1,100}";
/// The documented contexts, for realistic witnesses (customised claims fall back to any text).
const CONTEXT: &str = "(?:ref:refs/heads/[A-Za-z0-9._/-]+|ref:refs/tags/[A-Za-z0-9._/-]+|environment:[A-Za-z0-9._-]+|pull_request)";
/// Claims an organisation or repository may put into a customised subject
/// (`include_claim_keys`) whose values do not identify the repository owner: any other owner
/// can customise its own subjects to the same keys and send the same values. (`repo`,
/// `repository`, `repository_owner`, `repository_owner_id`, `repository_id`, `workflow_ref`
/// and `enterprise` carry values GitHub sets from the caller's own identity.)
const FREE_CLAIMS: &str = "(?:context|environment|ref|ref_type|ref_protected|workflow|event_name|actor|actor_id|head_ref|base_ref|runner_environment|repository_visibility|job_workflow_ref|job_workflow_sha|workflow_sha|sha|run_id|run_number|run_attempt)";
/// An owner nobody has registered and an id nobody has: what an outsider's subjects carry.
const OUTSIDER: &str = "trustlint-unowned-org";
const OUTSIDER_ID: &str = "0";

/// `repo:<owner>/<repository>:` with any names that hold no `/` or `:`.
const LOOSE_REPO: &str = "repo:[^/:]+/[^/:]+:";

/// What a branch name may hold, for "every branch" questions (a representative superset).
const BRANCH: &str = "[A-Za-z0-9._/-]+";

/// What the accepted subjects admit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectAnalysis {
    /// The owner of the shortest accepted subject; `None` if no GitHub subject is accepted.
    pub owner: Option<String>,
    /// An accepted subject of the owner of `owner`.
    pub owner_subject: Option<String>,
    /// An accepted subject of another owner than `owner` (case-insensitively): the subjects
    /// do not pin one owner.
    pub foreign_owner: Option<String>,
    /// Every owner passes (an owner nobody can register is accepted).
    pub any_owner: bool,
    /// An accepted `pull_request` subject.
    pub pull_request: Option<String>,
    /// An accepted subject of a branch such that every branch of that repository is accepted.
    pub any_branch: Option<String>,
    /// `foreign_owner` is a customised subject (`include_claim_keys`) another owner can send.
    pub customised: bool,
}

/// Subjects an outsider's workflows can be made to send, customised claims included: each
/// `:`-separated item is the outsider's own identity (one of `names`, `ids`), a documented
/// context, or a claim whose value does not name the owner.
fn outsider_subjects(names: &[String], ids: &[String]) -> Result<Lang, ReasonError> {
    let name = format!("(?:{})", names.iter().map(|n| escape(n)).collect::<Vec<_>>().join("|"));
    let id = format!("(?:{})", ids.iter().map(|n| escape(n)).collect::<Vec<_>>().join("|"));
    let own = format!(
        "(?:repo:{name}/{REPO}|repository:{name}/{REPO}|repository_owner:{name}|repository_owner_id:{id}|repository_id:{id}|workflow_ref:{name}/[^:]+|enterprise:{name})"
    );
    let item = format!("(?:{own}|{CONTEXT}|{FREE_CLAIMS}:[^:]+)");
    regex(&format!("{item}(?::{item})*"))
}

/// The owner name and id a customised subject names (`repository_owner:acme`,
/// `repo:acme/infra`, `repository_owner_id:123`), for realistic outsiders next to it.
fn named_owner(subject: &str) -> (Option<&str>, Option<&str>) {
    let parts: Vec<&str> = subject.split(':').collect();
    let mut name = None;
    let mut id = None;
    for pair in parts.windows(2) {
        match pair[0] {
            "repository_owner" | "enterprise" => name = name.or(Some(pair[1])),
            "repo" | "repository" | "workflow_ref" => name = name.or(pair[1].split('/').next()),
            "repository_owner_id" => id = id.or(Some(pair[1])),
            _ => {}
        }
    }
    (name, id)
}

/// An outsider's subject the language accepts: first an unregistered owner's, then (next to
/// the owner or id an accepted subject names) a look-alike name or a longer id.
fn outsider_witness(lang: &Lang) -> Result<Option<String>, ReasonError> {
    let mut names = vec![OUTSIDER.to_string()];
    let mut ids = vec![OUTSIDER_ID.to_string()];
    if let Some(w) = lang.shortest_witness()? {
        let (name, id) = named_owner(&w);
        names.extend(name.map(|n| format!("{n}-evil")));
        ids.extend(id.map(|i| format!("{i}0")));
    }
    lang.and(&outsider_subjects(&names, &ids)?).shortest_witness()
}

fn regex(r: &str) -> Result<Lang, ReasonError> {
    Lang::regex(r)
}

/// Analyses seen this run are kept up to this many; then the memo is dropped whole.
const MEMO_ENTRIES: usize = 4096;

/// Analyses the subjects `lang` accepts. Remembered per language across rules and files: every
/// trust of one repository's workflows asks about the same few subject patterns, and one
/// analysis is about twenty automaton questions.
pub fn analyse(lang: &Lang) -> Result<SubjectAnalysis, ReasonError> {
    static MEMO: OnceLock<Mutex<HashMap<String, SubjectAnalysis>>> = OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    let key = lang.key();
    if let Some(hit) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(hit.clone());
    }
    // Failures are not kept: "the budget is spent" depends on the file that asks.
    let found = analyse_anew(lang)?;
    let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
    if memo.len() >= MEMO_ENTRIES {
        memo.clear();
    }
    memo.insert(key, found.clone());
    Ok(found)
}

fn analyse_anew(lang: &Lang) -> Result<SubjectAnalysis, ReasonError> {
    analyse_with(lang, pinned_owner(lang).is_some())
}

/// The analysis, with the owner questions left out when `owner_pinned` says their answers are
/// known (see [`pinned_owner`]).
fn analyse_with(lang: &Lang, owner_pinned: bool) -> Result<SubjectAnalysis, ReasonError> {
    let documented = lang.and(&regex(&format!("repo:{OWNER}/{REPO}:{CONTEXT}"))?);
    let accepted = lang.and(&regex(&format!("repo:{OWNER}/{REPO}:.+"))?);
    let Some(first) = witness(&documented, &accepted)? else { return customised_only(lang) };
    let owner = first.strip_prefix("repo:").and_then(|r| r.split('/').next()).unwrap_or_default().to_string();
    let mut out = SubjectAnalysis {
        owner: Some(owner.clone()),
        owner_subject: Some(first),
        ..SubjectAnalysis::default()
    };
    if !owner_pinned {
        owner_questions(lang, &accepted, &documented, &owner, &mut out)?;
    }
    // Within `accepted`, whose owner and repository are valid, the loose `repo:X/Y:` splits a
    // subject at the same `/` and `:` (neither name holds either): the same language as with
    // OWNER and REPO spelt out, whose bounded repetitions take a one-file run half a
    // millisecond to determinise. (The every-branch prefixes keep them: loose names there add
    // candidates to the prefix search.)
    out.pull_request = accepted.and(&regex(&format!("{LOOSE_REPO}pull_request"))?).shortest_witness()?;
    let prefixes = regex(&format!("repo:{OWNER}/{REPO}:ref:refs/heads/"))?;
    out.any_branch = accepted
        .prefix_accepting_all_suffixes(&prefixes, &regex(BRANCH)?, &Universe::any())?
        .map(|p| format!("{p}any-branch"));
    Ok(out)
}

/// The owner every value names as its literal beginning `repo:<owner>/`, when they all name the
/// same registrable one (not the outsider's): then no accepted subject is another owner's, an
/// unregistered owner's or a customised one an outsider can send (none of those begins with
/// `repo:<owner>/`), and the owner questions need no automaton.
fn pinned_owner(lang: &Lang) -> Option<String> {
    let mut owners = lang.globs()?.iter().map(|g| {
        let prefix = g.literal_prefix();
        let owner = prefix.strip_prefix("repo:")?.split_once('/')?.0.to_string();
        is_owner_name(&owner).then_some(owner)
    });
    let first = owners.next()??;
    for other in owners {
        if other.as_deref() != Some(first.as_str()) {
            return None;
        }
    }
    (!first.eq_ignore_ascii_case(OUTSIDER)).then_some(first)
}

/// [`OWNER`] as a check on text.
fn is_owner_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 39
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && !s.contains("--")
}

/// Whether the accepted subjects admit another owner than `owner`, an unregistered one, or an
/// outsider's customised subject.
fn owner_questions(
    lang: &Lang,
    accepted: &Lang,
    documented: &Lang,
    owner: &str,
    out: &mut SubjectAnalysis,
) -> Result<(), ReasonError> {
    let unowned = regex("repo:trustlint-unowned-org/.*")?;
    // An owner nobody has registered: if it passes, every owner does.
    out.any_owner = !accepted.and(&unowned).is_empty()?;
    let other = regex(&format!("repo:(?i:{})/.*", escape(owner)))?.complement();
    // A realistic witness first: the owner's name with a suffix an attacker can register.
    let evil = if out.any_owner {
        regex("repo:attacker/.*")?
    } else {
        regex(&format!("repo:{}-evil/.*", escape(owner)))?
    };
    out.foreign_owner = match witness(&documented.and(&evil), &accepted.and(&evil))? {
        Some(w) => Some(w),
        None => witness(&documented.and(&other), &accepted.and(&other))?,
    };
    if out.foreign_owner.is_none()
        && let Some(w) = outsider_witness(lang)?
    {
        (out.any_owner, out.foreign_owner, out.customised) = (true, Some(w), true);
    }
    Ok(())
}

/// No subject of the default `repo:` form is accepted: the subjects are customised ones (or
/// not GitHub's). They pin an owner unless an outsider can send one of them.
fn customised_only(lang: &Lang) -> Result<SubjectAnalysis, ReasonError> {
    let foreign_owner = outsider_witness(lang)?;
    let found = foreign_owner.is_some();
    Ok(SubjectAnalysis { any_owner: found, customised: found, foreign_owner, ..SubjectAnalysis::default() })
}

/// A shortest subject of `preferred`, else of `fallback`.
fn witness(preferred: &Lang, fallback: &Lang) -> Result<Option<String>, ReasonError> {
    match preferred.shortest_witness()? {
        Some(w) => Ok(Some(w)),
        None => fallback.shortest_witness(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::reason::{PatternKind, VarMode};
    use proptest::prelude::*;

    fn like(p: &str) -> Lang {
        Lang::pattern(PatternKind::Like, p, VarMode::Literal).expect("pattern")
    }

    #[test]
    fn owner_prefix_wildcard_admits_other_owners() {
        let a = analyse(&like("repo:alice*/infra:ref:refs/heads/main")).expect("decidable");
        assert_eq!(a.owner.as_deref(), Some("alice"));
        let w = a.foreign_owner.expect("a foreign owner");
        assert!(w.starts_with("repo:alice-evil/infra:"), "{w}");
        assert!(!a.any_owner);
    }

    #[test]
    fn single_character_wildcard_in_owner() {
        let a = analyse(&like("repo:alic?/infra:*")).expect("decidable");
        let w = a.foreign_owner.expect("a foreign owner");
        assert!(w.starts_with("repo:alic") && !w.to_ascii_lowercase().starts_with("repo:alice/"), "{w}");
    }

    #[test]
    fn customised_subjects_that_pin_the_owner_are_fine() {
        for p in [
            "repository_owner_id:123456:*",
            "repository_owner:acme:*",
            "repository_owner_id:123456:repository_id:987654:environment:prod",
            "repo:acme/infra:environment:prod:job_workflow_ref:acme/workflows/.github/workflows/deploy.yml@refs/heads/main",
            "workflow_ref:acme/infra/.github/workflows/deploy.yml@refs/heads/main",
        ] {
            let a = analyse(&like(p)).expect("decidable");
            assert_eq!(a.foreign_owner, None, "{p}");
        }
    }

    #[test]
    fn customised_subjects_without_an_owner_admit_outsiders() {
        for (p, start) in [
            ("repository_owner_id:*", "repository_owner_id:0"),
            ("context:*", "context:"),
            ("environment:prod", "environment:prod"),
            ("repository_owner:acme*:*", "repository_owner:acme-evil"),
            ("repository_owner_id:12*", "repository_owner_id:12"),
            (
                "job_workflow_ref:acme/workflows/.github/workflows/deploy.yml@refs/heads/main",
                "job_workflow_ref:",
            ),
        ] {
            let a = analyse(&like(p)).expect("decidable");
            let w = a.foreign_owner.unwrap_or_else(|| panic!("{p}: expected an outsider's subject"));
            assert!(a.any_owner && a.customised && w.starts_with(start), "{p}: {w}");
        }
    }

    #[test]
    fn pinned_owner_with_any_repository_is_fine() {
        let a = analyse(&like("repo:acme/*:ref:refs/heads/main")).expect("decidable");
        assert_eq!(a.foreign_owner, None);
        assert_eq!(a.pull_request, None);
        assert_eq!(a.any_branch, None);
    }

    #[test]
    fn wildcard_context_admits_pull_requests_and_every_branch() {
        let a = analyse(&like("repo:acme/infra:*")).expect("decidable");
        assert_eq!(a.foreign_owner, None);
        assert_eq!(a.pull_request.as_deref(), Some("repo:acme/infra:pull_request"));
        assert_eq!(a.any_branch.as_deref(), Some("repo:acme/infra:ref:refs/heads/any-branch"));
    }

    fn owner_part() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "acme",
            "Acme",
            "a-b",
            "trustlint-unowned-org",
            "acme-evil",
            "ac*",
            "a?me",
            "",
            "a--b",
        ])
        .prop_map(str::to_string)
    }

    fn rest_part() -> impl Strategy<Value = String> {
        let repo = prop::sample::select(vec!["infra", "*", "app-?", "", "x.y"]);
        let context = prop::sample::select(vec![
            "",
            ":*",
            ":ref:refs/heads/main",
            ":ref:refs/heads/*",
            ":pull_request",
            ":environment:prod",
            ":environment:*",
            ":repository_owner:acme",
            "*",
        ]);
        (repo, context).prop_map(|(r, c)| format!("{r}{c}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// Values that all begin with the same literal `repo:<owner>/` get from the text the
        /// answers the automata give to the owner questions.
        #[test]
        fn pinned_owner_answers_as_the_automata(
            values in prop::collection::vec((owner_part(), rest_part(), any::<bool>()), 1..4),
            equals in any::<bool>(),
        ) {
            let texts: Vec<String> = values
                .iter()
                .map(|(o, r, second)| {
                    let owner = if *second { o.clone() } else { values[0].0.clone() };
                    format!("repo:{owner}/{r}")
                })
                .collect();
            let kind = if equals { PatternKind::Equals } else { PatternKind::Like };
            let lang = Lang::patterns(kind, &texts, VarMode::Literal).expect("pattern");
            if pinned_owner(&lang).is_some() {
                let fast = analyse_with(&lang, true).expect("decidable");
                let full = analyse_with(&lang, false).expect("decidable");
                prop_assert_eq!(fast, full, "{:?}", texts);
            }
        }
    }

    /// The documented, pull-request and every-branch answers as first written, with OWNER and
    /// REPO spelt out in every language.
    fn spelt_out(lang: &Lang) -> (Option<String>, Option<String>, Option<String>) {
        let full = |tail: &str| regex(&format!("repo:{OWNER}/{REPO}:{tail}")).expect("regex");
        let accepted = lang.and(&full(".+"));
        let documented = lang.and(&full(CONTEXT)).shortest_witness().expect("decidable");
        let pull_request = accepted.and(&full("pull_request")).shortest_witness().expect("decidable");
        let any_branch = accepted
            .prefix_accepting_all_suffixes(
                &full("ref:refs/heads/"),
                &regex(BRANCH).expect("regex"),
                &Universe::any(),
            )
            .expect("decidable");
        (documented, pull_request, any_branch)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The loose `repo:X/Y:` languages give the answers the spelt-out ones give.
        #[test]
        fn loose_names_answer_as_spelt_out_ones(
            values in prop::collection::vec((owner_part(), rest_part()), 1..3),
            equals in any::<bool>(),
        ) {
            let texts: Vec<String> = values.iter().map(|(o, r)| format!("repo:{o}/{r}")).collect();
            let kind = if equals { PatternKind::Equals } else { PatternKind::Like };
            let lang = Lang::patterns(kind, &texts, VarMode::Literal).expect("pattern");
            let a = analyse_with(&lang, true).expect("decidable");
            let (documented, pull_request, any_branch) = spelt_out(&lang);
            if documented.is_some() {
                prop_assert_eq!(a.owner_subject, documented, "{:?}", texts);
            }
            prop_assert_eq!(a.pull_request, pull_request, "{:?}", texts);
            prop_assert_eq!(a.any_branch, any_branch.map(|p| format!("{p}any-branch")), "{:?}", texts);
        }
    }

    #[test]
    fn pinned_owner_needs_one_literal_owner() {
        let owner = |texts: &[&str]| {
            pinned_owner(&Lang::patterns(PatternKind::Like, texts, VarMode::Literal).expect("pattern"))
        };
        assert_eq!(owner(&["repo:acme/app:*", "repo:acme/*"]).as_deref(), Some("acme"));
        assert_eq!(owner(&["repo:acme/app:*", "repo:other/app:*"]), None);
        assert_eq!(owner(&["repo:acme*/app:*"]), None);
        assert_eq!(owner(&["repo:trustlint-unowned-org/app:*"]), None);
        assert_eq!(owner(&["repository_owner:acme:*"]), None);
    }

    #[test]
    fn any_owner() {
        let a = analyse(&like("repo:*/infra:*")).expect("decidable");
        assert!(a.any_owner);
        assert!(a.foreign_owner.is_some());
    }
}
