//! GitHub Actions OIDC subjects as a grammar over the automata, like the Spacelift external
//! id grammar: `repo:<owner>/<repo>:<context>` with the contexts `ref:refs/heads/<branch>`,
//! `ref:refs/tags/<tag>`, `environment:<name>` and `pull_request` (FACTS.md, "OIDC
//! providers"). Given the subjects a trust accepts, it proves whether they pin one owner, and
//! finds the subjects of pull requests and of every branch.

use crate::analysis::reason::{Lang, ReasonError, Universe, escape};

/// GitHub user and organisation names: letters, digits and single hyphens, at most 39
/// characters, not starting or ending with a hyphen.
pub const OWNER: &str = "[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}";
/// Repository names: letters, digits, `.`, `_`, `-`, at most 100 characters.
pub const REPO: &str = "[A-Za-z0-9._-]{1,100}";
/// The documented contexts, for realistic witnesses (customised claims fall back to any text).
const CONTEXT: &str = "(?:ref:refs/heads/[A-Za-z0-9._/-]+|ref:refs/tags/[A-Za-z0-9._/-]+|environment:[A-Za-z0-9._-]+|pull_request)";
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
}

fn regex(r: &str) -> Result<Lang, ReasonError> {
    Lang::regex(r)
}

/// Analyses the subjects `lang` accepts.
pub fn analyse(lang: &Lang) -> Result<SubjectAnalysis, ReasonError> {
    let documented = lang.and(&regex(&format!("repo:{OWNER}/{REPO}:{CONTEXT}"))?);
    let accepted = lang.and(&regex(&format!("repo:{OWNER}/{REPO}:.+"))?);
    let Some(first) = witness(&documented, &accepted)? else { return Ok(SubjectAnalysis::default()) };
    let owner = first.strip_prefix("repo:").and_then(|r| r.split('/').next()).unwrap_or_default().to_string();
    let mut out = SubjectAnalysis {
        owner: Some(owner.clone()),
        owner_subject: Some(first),
        ..SubjectAnalysis::default()
    };
    // An owner nobody has registered: if it passes, every owner does.
    let unowned = regex("repo:trustlint-unowned-org/.*")?;
    out.any_owner = !accepted.and(&unowned).is_empty()?;
    let other = regex(&format!("repo:(?i:{})/.*", escape(&owner)))?.complement();
    // A realistic witness first: the owner's name with a suffix an attacker can register.
    let evil = if out.any_owner {
        regex("repo:attacker/.*")?
    } else {
        regex(&format!("repo:{}-evil/.*", escape(&owner)))?
    };
    out.foreign_owner = match witness(&documented.and(&evil), &accepted.and(&evil))? {
        Some(w) => Some(w),
        None => witness(&documented.and(&other), &accepted.and(&other))?,
    };
    out.pull_request =
        accepted.and(&regex(&format!("repo:{OWNER}/{REPO}:pull_request"))?).shortest_witness()?;
    let prefixes = regex(&format!("repo:{OWNER}/{REPO}:ref:refs/heads/"))?;
    out.any_branch = accepted
        .prefix_accepting_all_suffixes(&prefixes, &regex(BRANCH)?, &Universe::any())?
        .map(|p| format!("{p}any-branch"));
    Ok(out)
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

    #[test]
    fn any_owner() {
        let a = analyse(&like("repo:*/infra:*")).expect("decidable");
        assert!(a.any_owner);
        assert!(a.foreign_owner.is_some());
    }
}
