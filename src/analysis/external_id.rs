//! Spacelift external id grammar (current and legacy formats) and the analysis of
//! `sts:ExternalId` condition patterns against it.
//!
//! Formats (Spacelift AWS integration docs, https://docs.spacelift.io/integrations/cloud-providers/aws):
//! current `<account>@<integration-id>@<stack-or-module>@<read|write>`, legacy
//! `<account>@<stack-or-module>`. The stack slug alphabet is unverified, hence [`GrammarConfig`].
//!
//! Every question is answered exactly by intersecting the condition's [`Lang`] with languages of
//! the grammar (see [`crate::analysis::reason`]), and every positive answer carries a witness id.

use std::fmt;
use std::sync::OnceLock;

mod documented;
mod fast;

use crate::analysis::reason::{self, Lang, ReasonError, Universe};
pub use crate::aws::spacelift::Phase;
use fast::Split;

/// One `@`-separated part of an external id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Account,
    IntegrationId,
    Stack,
    Phase,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Account => "account name",
            Part::IntegrationId => "integration id",
            Part::Stack => "stack or module id",
            Part::Phase => "last part",
        })
    }
}

/// Which of the two id formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `<account>@<integration-id>@<stack>@<read|write>`.
    Current,
    /// `<account>@<stack>`.
    Legacy,
}

impl Format {
    pub fn parts(self) -> &'static [Part] {
        match self {
            Format::Current => &[Part::Account, Part::IntegrationId, Part::Stack, Part::Phase],
            Format::Legacy => &[Part::Account, Part::Stack],
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Current => "<account>@<integration-id>@<stack>@<read|write>",
            Format::Legacy => "<account>@<stack>",
        })
    }
}

/// The language of each part, as regexes (full match) with the rule stated for users.
/// No part may contain `@`; [`Grammar::new`] checks that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrammarConfig {
    pub account: String,
    pub account_rule: String,
    pub integration_id: String,
    pub integration_id_rule: String,
    pub stack: String,
    pub stack_rule: String,
}

impl Default for GrammarConfig {
    fn default() -> Self {
        GrammarConfig {
            // Spacelift account names are lowercase (they are the subdomain of
            // `<account>.app.spacelift.io`).
            account: "[a-z0-9][a-z0-9_-]{1,37}".into(),
            account_rule: "the account name must start with a lowercase letter or digit and contain \
                           only lowercase letters, digits, `-` and `_` (2 to 38 characters)"
                .into(),
            // A ULID's first character is 0-7: 26 base32 characters hold 130 bits, of which the
            // 48-bit timestamp and 80 random bits use 128.
            integration_id: "[0-7][0-9A-HJKMNP-TV-Z]{25}".into(),
            integration_id_rule: "the integration id must be a 26-character ULID in Crockford \
                                  base32 (digits and capital letters except I, L, O, U; the first \
                                  character 0 to 7)"
                .into(),
            // Unverified (docs/facts.md, "Spacelift"): generated slugs have been seen with `_` as well as `-`.
            stack: "[a-z0-9_-]+".into(),
            stack_rule: "the stack or module id must contain only lowercase letters, digits, \
                         `-` and `_`"
                .into(),
        }
    }
}

/// Why a grammar configuration is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrammarConfigError {
    #[error("invalid {part} pattern: {source}")]
    Pattern { part: Part, source: ReasonError },
    #[error("the {part} pattern must not accept `@` (it separates the parts)")]
    ContainsAt { part: Part },
    #[error("the {part} pattern accepts nothing")]
    Empty { part: Part },
}

const PHASE_RE: &str = "read|write";
const ANY_PART_RE: &str = "[^@]*";

/// A compiled grammar: a handful of small DFAs, each compiled on first use (a pre-commit run
/// on one file asks for one or two of them); reuse it.
#[derive(Clone, Debug)]
pub struct Grammar {
    config: GrammarConfig,
    parts: [OnceLock<Lang>; 4],
    current: OnceLock<Lang>,
    legacy: OnceLock<Lang>,
    /// The configuration is the documented one, whose parts are checked without automata
    /// (see `documented.rs`): a pre-commit run then builds none for literal ids.
    documented: bool,
    /// Each part's shortest value (see [`Grammar::part_witness`]).
    part_witnesses: [OnceLock<Option<String>>; 4],
    universe: Universe,
}

/// A grammar's regex compiled: the patterns were checked when the grammar was built (a user's
/// configuration eagerly, the documented one by its tests), so a failure here is a bug and
/// degrades to the empty language rather than a panic.
fn compiled(cell: &OnceLock<Lang>, re: impl FnOnce() -> String) -> &Lang {
    cell.get_or_init(|| {
        crate::analysis::reason::budget::outside(|| Lang::regex(&re())).unwrap_or_else(|_| Lang::nothing())
    })
}

impl Grammar {
    pub fn new(config: GrammarConfig) -> Result<Grammar, GrammarConfigError> {
        Grammar::build(config, true)
    }

    /// `validate`: check that no part accepts `@` and none is empty, which takes a search per
    /// part; the documented grammar is checked by its tests instead, not at every start.
    fn build(config: GrammarConfig, validate: bool) -> Result<Grammar, GrammarConfigError> {
        // Only validation asks about `@`: the documented grammar is built without that DFA.
        let at = if validate {
            Some(
                Lang::regex("(?s:.*@.*)")
                    .map_err(|source| GrammarConfigError::Pattern { part: Part::Account, source })?,
            )
        } else {
            None
        };
        let part = |p: Part, re: &str| -> Result<Lang, GrammarConfigError> {
            let l = Lang::regex(re).map_err(|source| GrammarConfigError::Pattern { part: p, source })?;
            let bad = |source| GrammarConfigError::Pattern { part: p, source };
            let Some(at) = &at else { return Ok(l) };
            if !l.and(at).is_empty().map_err(bad)? {
                return Err(GrammarConfigError::ContainsAt { part: p });
            }
            if l.is_empty().map_err(bad)? {
                return Err(GrammarConfigError::Empty { part: p });
            }
            Ok(l)
        };
        let g = Grammar {
            parts: Default::default(),
            current: OnceLock::new(),
            legacy: OnceLock::new(),
            part_witnesses: Default::default(),
            documented: config == GrammarConfig::default(),
            universe: Universe::sts_external_id(),
            config,
        };
        if !validate {
            return Ok(g);
        }
        // A user's grammar: every pattern compiled and checked now, so errors name the part.
        let config = &g.config;
        let parts = [
            part(Part::Account, &config.account)?,
            part(Part::IntegrationId, &config.integration_id)?,
            part(Part::Stack, &config.stack)?,
            part(Part::Phase, PHASE_RE)?,
        ];
        let current = Lang::regex(&g.current_re())
            .map_err(|source| GrammarConfigError::Pattern { part: Part::Account, source })?;
        let legacy = Lang::regex(&g.legacy_re())
            .map_err(|source| GrammarConfigError::Pattern { part: Part::Account, source })?;
        for (cell, l) in g.parts.iter().zip(parts) {
            let _ = cell.set(l);
        }
        let _ = g.current.set(current);
        let _ = g.legacy.set(legacy);
        Ok(g)
    }

    fn current_re(&self) -> String {
        let c = &self.config;
        join(&[&c.account, &c.integration_id, &c.stack, PHASE_RE])
    }

    fn legacy_re(&self) -> String {
        join(&[&self.config.account, &self.config.stack])
    }

    /// The documented Spacelift grammar ([`GrammarConfig::default`]).
    pub fn spacelift() -> Result<Grammar, GrammarConfigError> {
        Grammar::build(GrammarConfig::default(), false)
    }

    pub fn config(&self) -> &GrammarConfig {
        &self.config
    }

    /// Every valid id of the given format.
    pub fn language(&self, format: Format) -> &Lang {
        match format {
            Format::Current => compiled(&self.current, || self.current_re()),
            Format::Legacy => compiled(&self.legacy, || self.legacy_re()),
        }
    }

    fn part_lang(&self, part: Part) -> &Lang {
        compiled(&self.parts[part_index(part)], || self.part_re(part).to_string())
    }

    /// Whether `value` is a valid value of `part`.
    fn part_contains(&self, part: Part, value: &str) -> bool {
        match self.documented {
            true => documented::contains(part, value),
            false => self.part_lang(part).contains(value),
        }
    }

    /// The shortest value of a part (first in the search's order) within the characters STS
    /// allows.
    fn part_witness(&self, part: Part) -> Option<String> {
        if self.documented {
            return Some(documented::shortest(part).to_owned());
        }
        self.part_witnesses[part_index(part)]
            .get_or_init(|| {
                let lang = self.part_lang(part);
                reason::budget::outside(|| lang.shortest_witness_in(&self.charset())).ok().flatten()
            })
            .clone()
    }

    /// The characters of external ids, without the length bounds (which apply to whole ids).
    fn charset(&self) -> Universe {
        self.universe.without_length()
    }

    /// The stack part is the documented one, which has infinitely many values.
    fn documented_stack(&self) -> bool {
        self.config.stack == GrammarConfig::default().stack
    }

    fn part_re(&self, part: Part) -> &str {
        match part {
            Part::Account => &self.config.account,
            Part::IntegrationId => &self.config.integration_id,
            Part::Stack => &self.config.stack,
            Part::Phase => PHASE_RE,
        }
    }

    /// The rule a part must follow, in words.
    pub fn rule(&self, part: Part) -> &str {
        match part {
            Part::Account => &self.config.account_rule,
            Part::IntegrationId => &self.config.integration_id_rule,
            Part::Stack => &self.config.stack_rule,
            Part::Phase => "the last part must be `read` or `write`",
        }
    }
}

fn part_index(p: Part) -> usize {
    match p {
        Part::Account => 0,
        Part::IntegrationId => 1,
        Part::Stack => 2,
        Part::Phase => 3,
    }
}

/// Concatenates part regexes with `@`; each is grouped so its alternations and flags stay local.
fn join(parts: &[&str]) -> String {
    parts.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("@")
}

/// A parsed external id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternalId {
    Current { account: String, integration_id: String, stack: String, phase: Phase },
    Legacy { account: String, stack: String },
}

impl ExternalId {
    pub fn account(&self) -> &str {
        match self {
            ExternalId::Current { account, .. } | ExternalId::Legacy { account, .. } => account,
        }
    }

    pub fn stack(&self) -> &str {
        match self {
            ExternalId::Current { stack, .. } | ExternalId::Legacy { stack, .. } => stack,
        }
    }

    pub fn format(&self) -> Format {
        match self {
            ExternalId::Current { .. } => Format::Current,
            ExternalId::Legacy { .. } => Format::Legacy,
        }
    }
}

/// Why a literal external id is not one Spacelift produces.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrammarError {
    #[error(
        "expected 4 `@`-separated parts (`{}`) or 2 (legacy `{}`), found {found}",
        Format::Current,
        Format::Legacy
    )]
    PartCount { found: usize },
    #[error("{rule}, found `{value}`{detail}")]
    BadPart {
        part: Part,
        value: String,
        rule: String,
        /// Extra precision, such as the length of a wrong integration id.
        detail: String,
    },
    #[error("external ids are at most 1224 characters, found {length}")]
    TooLong { length: usize },
}

/// Parses a literal id, naming the first part that is wrong.
pub fn parse(id: &str, grammar: &Grammar) -> Result<ExternalId, GrammarError> {
    let pieces: Vec<&str> = id.split('@').collect();
    let format = match pieces.len() {
        4 => Format::Current,
        2 => Format::Legacy,
        found => return Err(GrammarError::PartCount { found }),
    };
    for (&part, &value) in format.parts().iter().zip(&pieces) {
        if !grammar.part_contains(part, value) {
            let n = value.chars().count();
            let detail = match part {
                Part::IntegrationId | Part::Account => format!(" ({n} characters)"),
                _ => String::new(),
            };
            return Err(GrammarError::BadPart {
                part,
                value: value.to_owned(),
                rule: grammar.rule(part).to_owned(),
                detail,
            });
        }
    }
    let length = id.chars().count();
    if length > 1224 {
        return Err(GrammarError::TooLong { length });
    }
    Ok(match pieces.as_slice() {
        [account, integration_id, stack, phase] => ExternalId::Current {
            account: (*account).to_owned(),
            integration_id: (*integration_id).to_owned(),
            stack: (*stack).to_owned(),
            phase: if *phase == "read" { Phase::Read } else { Phase::Write },
        },
        [account, stack] => ExternalId::Legacy { account: (*account).to_owned(), stack: (*stack).to_owned() },
        _ => {
            return Err(GrammarError::PartCount { found: pieces.len() });
        }
    })
}

/// A pattern that lets one account's ids through for every stack (TL204).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnyStack {
    pub format: Format,
    /// `None` for the legacy format, which has no phase.
    pub phase: Option<Phase>,
    /// Everything before the stack part, e.g. `acme@01GE7K9SR2DQBCRQ90DH70JF6Y@`.
    pub prefix: String,
}

impl AnyStack {
    /// A concrete accepted id for `stack`.
    pub fn example(&self, stack: &str) -> String {
        match self.phase {
            Some(p) => format!("{}{stack}@{p}", self.prefix),
            None => format!("{}{stack}", self.prefix),
        }
    }
}

/// Why a pattern accepts no valid external id (TL201).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Diagnosis {
    /// Not even STS would accept any string the pattern matches.
    NotAnExternalId { example: Option<String> },
    /// Every accepted string has the wrong number of `@`-separated parts.
    PartCount { example: String, parts: usize },
    /// These parts can never be valid, whatever the rest of the id is.
    BadParts { format: Format, problems: Vec<PartProblem> },
    /// Each part can be valid on its own, but never all of them in one id.
    Combination { format: Format, example: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartProblem {
    pub part: Part,
    pub rule: String,
    /// What the pattern puts in that part, from the shortest accepted string of the right shape.
    pub example: String,
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Diagnosis::NotAnExternalId { example: Some(e) } => write!(
                f,
                "the pattern only matches strings STS rejects as external ids (e.g. `{e}`): \
                 2 to 1224 characters of letters, digits and `_+=,.@:/-`"
            ),
            Diagnosis::NotAnExternalId { example: None } => {
                write!(f, "the pattern matches nothing")
            }
            Diagnosis::PartCount { example, parts } => write!(
                f,
                "the pattern only matches ids with the wrong number of `@`-separated parts \
                 (e.g. `{example}` has {parts}); expected 4 (`{}`) or 2 (legacy `{}`)",
                Format::Current,
                Format::Legacy
            ),
            Diagnosis::BadParts { problems, .. } => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    if p.example.is_empty() {
                        write!(f, "{}, but the pattern only allows other values, e.g. an empty one", p.rule)?;
                    } else {
                        write!(f, "{}, but the pattern only allows values like `{}`", p.rule, p.example)?;
                    }
                }
                Ok(())
            }
            Diagnosis::Combination { format, example } => write!(
                f,
                "no id matching the pattern has valid parts all at once (`{format}`; closest \
                 shape `{example}`)"
            ),
        }
    }
}

/// What a condition's external-id language accepts, with a witness for each positive answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    /// An accepted current-format id.
    pub current: Option<String>,
    /// An accepted legacy-format id.
    pub legacy: Option<String>,
    /// An accepted current-format id for the read phase.
    pub read: Option<String>,
    /// An accepted current-format id for the write phase.
    pub write: Option<String>,
    /// Account/integration prefixes for which every stack is accepted (TL204), per format and
    /// phase.
    pub any_stack: Vec<AnyStack>,
    /// Set when no valid id is accepted (TL201).
    pub invalid: Option<Diagnosis>,
}

impl Analysis {
    /// Only legacy ids match: breaks when the stack moves to a cloud integration (TL202).
    pub fn legacy_only(&self) -> bool {
        self.legacy.is_some() && self.current.is_none()
    }

    /// Phases for which a current-format id is accepted.
    pub fn phases(&self) -> Vec<Phase> {
        let mut v = Vec::new();
        if self.read.is_some() {
            v.push(Phase::Read);
        }
        if self.write.is_some() {
            v.push(Phase::Write);
        }
        v
    }
}

/// Analyses the ids `lang` accepts (within STS's external-id universe) against the grammar:
/// every question at once. Rules ask only the questions they need through [`Questions`].
pub fn analyse(lang: &Lang, grammar: &Grammar) -> Result<Analysis, ReasonError> {
    let q = Questions::new(lang.clone(), grammar);
    let current = q.current()?;
    let legacy = q.legacy()?;
    let read = q.phase(Phase::Read)?;
    let write = q.phase(Phase::Write)?;
    let any_stack = q.any_stack()?;
    let invalid = q.invalid()?;
    Ok(Analysis { current, legacy, read, write, any_stack, invalid })
}

/// The questions [`analyse`] answers, each asked only when a caller needs it. Answers are
/// remembered per language across rules, files and threads (`reason`'s memo), so asking the same
/// question of an equal language again costs a hash lookup.
#[derive(Clone, Debug)]
pub struct Questions<'g> {
    pub lang: Lang,
    grammar: &'g Grammar,
    /// The patterns split on `@`, when they line up with the formats (see `fast.rs`).
    split: OnceLock<Option<Split>>,
}

impl<'g> Questions<'g> {
    pub fn new(lang: Lang, grammar: &'g Grammar) -> Questions<'g> {
        Questions { lang, grammar, split: OnceLock::new() }
    }

    /// The same questions answered by the automata alone, for tests that compare both ways.
    #[cfg(test)]
    fn automata_only(lang: Lang, grammar: &'g Grammar) -> Questions<'g> {
        Questions { lang, grammar, split: OnceLock::from(None) }
    }

    fn split(&self) -> Option<&Split> {
        self.split.get_or_init(|| Split::of(&self.lang)).as_ref()
    }

    /// An accepted current-format id.
    pub fn current(&self) -> Result<Option<String>, ReasonError> {
        if let Some(s) = self.split() {
            return Ok(s.witness(self.grammar, Format::Current, None, None));
        }
        self.lang.and(self.grammar.language(Format::Current)).shortest_witness_in(&self.grammar.universe)
    }

    /// An accepted legacy-format id.
    pub fn legacy(&self) -> Result<Option<String>, ReasonError> {
        if let Some(s) = self.split() {
            return Ok(s.witness(self.grammar, Format::Legacy, None, None));
        }
        self.lang.and(self.grammar.language(Format::Legacy)).shortest_witness_in(&self.grammar.universe)
    }

    /// Only legacy ids match: breaks when the stack moves to a cloud integration (TL202).
    pub fn legacy_only(&self) -> Result<Option<String>, ReasonError> {
        let Some(legacy) = self.legacy()? else { return Ok(None) };
        Ok(self.current()?.is_none().then_some(legacy))
    }

    /// Whether any valid id (either format) is accepted.
    pub fn accepts_valid(&self) -> Result<bool, ReasonError> {
        Ok(self.current()?.is_some() || self.legacy()?.is_some())
    }

    /// An accepted current-format id for phase `p`.
    pub fn phase(&self, p: Phase) -> Result<Option<String>, ReasonError> {
        // The current-format witness comes first: when there is none, neither phase has one,
        // and that question is the one every other rule asks too.
        if self.current()?.is_none() {
            return Ok(None);
        }
        if let Some(s) = self.split() {
            return Ok(s.witness(self.grammar, Format::Current, Some(p), None));
        }
        self.lang
            .and(self.grammar.language(Format::Current))
            .and(&phase_suffix(p)?)
            .shortest_witness_in(&self.grammar.universe)
    }

    /// Account/integration prefixes for which every stack is accepted (TL204), per format and
    /// phase.
    pub fn any_stack(&self) -> Result<Vec<AnyStack>, ReasonError> {
        let (lang, grammar, u) = (&self.lang, self.grammar, &self.grammar.universe);
        let mut any_stack = Vec::new();
        if let Some(found) = self.any_stack_from_text() {
            return Ok(found);
        }
        if self.current()?.is_some() {
            // Exact for "some account and integration id whose every stack is accepted": see
            // Lang::prefix_accepting_all_suffixes. Checked per phase, since `acme@*@*@read`
            // already lets every stack of acme plan with the role.
            let prefixes = Lang::regex(&format!(
                "{}@",
                join(&[grammar.part_re(Part::Account), grammar.part_re(Part::IntegrationId)])
            ))?;
            for p in Phase::ALL {
                let suffixes = Lang::regex(&format!("(?:{})@{}", grammar.part_re(Part::Stack), p))?;
                if let Some(prefix) = lang.prefix_accepting_all_suffixes(&prefixes, &suffixes, u)? {
                    any_stack.push(AnyStack { format: Format::Current, phase: Some(p), prefix });
                }
            }
        }
        if self.legacy()?.is_some() {
            let prefixes = Lang::regex(&format!("(?:{})@", grammar.part_re(Part::Account)))?;
            if let Some(prefix) =
                lang.prefix_accepting_all_suffixes(&prefixes, grammar.part_lang(Part::Stack), u)?
            {
                any_stack.push(AnyStack { format: Format::Legacy, phase: None, prefix });
            }
        }
        Ok(any_stack)
    }

    /// TL204's answer from the split patterns, when they line up.
    fn any_stack_from_text(&self) -> Option<Vec<AnyStack>> {
        let s = self.split()?;
        let g = self.grammar;
        let mut found = Vec::new();
        if s.witness(g, Format::Current, None, None).is_some() {
            for p in Phase::ALL {
                if let Some(prefix) = s.any_stack_prefix(g, Format::Current, Some(p))? {
                    found.push(AnyStack { format: Format::Current, phase: Some(p), prefix });
                }
            }
        }
        if s.witness(g, Format::Legacy, None, None).is_some()
            && let Some(prefix) = s.any_stack_prefix(g, Format::Legacy, None)?
        {
            found.push(AnyStack { format: Format::Legacy, phase: None, prefix });
        }
        Some(found)
    }

    /// Why no valid id is accepted (TL201), or `None` when one is.
    pub fn invalid(&self) -> Result<Option<Diagnosis>, ReasonError> {
        if self.accepts_valid()? {
            return Ok(None);
        }
        diagnose(&self.lang, self.grammar).map(Some)
    }
}

fn phase_suffix(p: Phase) -> Result<Lang, ReasonError> {
    Lang::regex(&format!("(?s:.*)@{p}"))
}

/// Whether `lang` accepts some current-format id whose parts are `known` where given (as
/// written) and any valid value elsewhere, when the patterns line up with the parts (`None`:
/// ask the automata).
pub fn accepts_some_current_id(lang: &Lang, grammar: &Grammar, known: [Option<&str>; 4]) -> Option<bool> {
    Split::of(lang)?.accepts_current(grammar, known)
}

/// An accepted valid id (either format) whose account part is not `account` (TL203).
pub fn foreign_account_witness(
    lang: &Lang,
    grammar: &Grammar,
    account: &str,
) -> Result<Option<String>, ReasonError> {
    if let Some(s) = Split::of(lang) {
        let ids = [Format::Current, Format::Legacy].map(|f| s.witness(grammar, f, None, Some(account)));
        return Ok(reason::globs::least(ids.into_iter().flatten()));
    }
    let own = Lang::regex(&format!("{}@(?s:.*)", reason::escape(account)))?;
    lang.and(&grammar.language(Format::Current).or(grammar.language(Format::Legacy)))
        .and(&own.complement())
        .shortest_witness_in(&grammar.universe)
}

/// Finds the part that makes the pattern reject every valid id, by intersecting with grammars in
/// which all parts but one are relaxed to "anything without `@`": a part whose strict language
/// alone already empties the intersection is wrong whatever the others are.
fn diagnose(lang: &Lang, grammar: &Grammar) -> Result<Diagnosis, ReasonError> {
    let u = &grammar.universe;
    if lang.is_empty_in(u)? {
        return Ok(Diagnosis::NotAnExternalId { example: lang.shortest_witness()? });
    }
    for format in [Format::Current, Format::Legacy] {
        let parts = format.parts();
        let shape = vec![ANY_PART_RE; parts.len()];
        let Some(example) = lang.and(&Lang::regex(&join(&shape))?).shortest_witness_in(u)? else {
            continue;
        };
        let mut problems = Vec::new();
        for (i, &part) in parts.iter().enumerate() {
            let mut only = shape.clone();
            only[i] = grammar.part_re(part);
            if lang.and(&Lang::regex(&join(&only))?).is_empty_in(u)? {
                problems.push(PartProblem {
                    part,
                    rule: grammar.rule(part).to_owned(),
                    example: example.split('@').nth(i).unwrap_or_default().to_owned(),
                });
            }
        }
        return Ok(if problems.is_empty() {
            Diagnosis::Combination { format, example }
        } else {
            Diagnosis::BadParts { format, problems }
        });
    }
    let example = lang.shortest_witness_in(u)?.unwrap_or_default();
    let parts = example.split('@').count();
    Ok(Diagnosis::PartCount { example, parts })
}

#[cfg(test)]
mod tests;
