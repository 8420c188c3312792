//! What the terminal can show: colour (flags and the NO_COLOR / FORCE_COLOR / CLICOLOR_FORCE
//! conventions), width and hyperlinks.

use crate::cli::ColorChoice;

/// The environment variables that decide colour, read once (tests pass their own).
#[derive(Debug, Default, Clone)]
pub struct ColorEnv {
    pub no_color: Option<String>,
    pub force_color: Option<String>,
    pub clicolor_force: Option<String>,
    pub pre_commit_color: Option<String>,
    pub term: Option<String>,
}

impl ColorEnv {
    pub fn from_process() -> ColorEnv {
        let var = |k: &str| std::env::var(k).ok();
        ColorEnv {
            no_color: var("NO_COLOR"),
            force_color: var("FORCE_COLOR"),
            clicolor_force: var("CLICOLOR_FORCE"),
            pre_commit_color: var("PRE_COMMIT_COLOR"),
            term: var("TERM"),
        }
    }
}

/// Set to something other than empty, `0` or `false` (FORCE_COLOR=0 means "no", as in Node).
fn truthy(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Whether to colour output going to a stream that `is_terminal` or not.
///
/// `--color always|never` win. Under `auto`: NO_COLOR (non-empty, per no-color.org) turns colour
/// off; FORCE_COLOR or CLICOLOR_FORCE turn it on; PRE_COMMIT_COLOR (`always`/`never`, what
/// pre-commit's `--color` resolved to) decides for a hook; otherwise a terminal that is not
/// `TERM=dumb` gets colour. This is the order of anstream, clap's colour crate.
pub fn use_color(choice: ColorChoice, is_terminal: bool, env: &ColorEnv) -> bool {
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    if env.no_color.as_deref().is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if truthy(&env.force_color) || truthy(&env.clicolor_force) {
        return true;
    }
    match env.pre_commit_color.as_deref() {
        Some("always") => return true,
        Some("never") => return false,
        _ => {}
    }
    is_terminal && env.term.as_deref() != Some("dumb")
}

/// Output width: the terminal's, else `COLUMNS`, else 100; never below 40 (frames need room).
pub fn width() -> usize {
    let from_terminal = terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0));
    let from_env = || std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok());
    from_terminal.filter(|w| *w > 0).or_else(from_env).unwrap_or(100).max(40)
}

/// OSC 8 hyperlinks: only with colour on (a terminal, or forced) and a terminal that says it
/// renders them (supports-hyperlinks reads FORCE_HYPERLINK and the known terminals' variables).
pub fn use_links(color: bool) -> bool {
    color && supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ColorEnv {
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        ColorEnv {
            no_color: get("NO_COLOR"),
            force_color: get("FORCE_COLOR"),
            clicolor_force: get("CLICOLOR_FORCE"),
            pre_commit_color: get("PRE_COMMIT_COLOR"),
            term: get("TERM"),
        }
    }

    #[test]
    fn flags_win_over_the_environment() {
        assert!(use_color(ColorChoice::Always, false, &env(&[("NO_COLOR", "1")])));
        assert!(!use_color(ColorChoice::Never, true, &env(&[("FORCE_COLOR", "1")])));
    }

    #[test]
    fn no_color_counts_only_when_non_empty() {
        assert!(!use_color(ColorChoice::Auto, true, &env(&[("NO_COLOR", "1")])));
        assert!(use_color(ColorChoice::Auto, true, &env(&[("NO_COLOR", "")])));
    }

    #[test]
    fn forcing_colours_a_pipe() {
        assert!(use_color(ColorChoice::Auto, false, &env(&[("FORCE_COLOR", "1")])));
        assert!(use_color(ColorChoice::Auto, false, &env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!use_color(ColorChoice::Auto, false, &env(&[("FORCE_COLOR", "0")])));
        assert!(!use_color(ColorChoice::Auto, false, &env(&[])));
    }

    #[test]
    fn pre_commit_color_decides_for_a_hook() {
        assert!(use_color(ColorChoice::Auto, false, &env(&[("PRE_COMMIT_COLOR", "always")])));
        assert!(!use_color(ColorChoice::Auto, true, &env(&[("PRE_COMMIT_COLOR", "never")])));
        assert!(!use_color(ColorChoice::Auto, true, &env(&[("TERM", "dumb")])));
    }
}
