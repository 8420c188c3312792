//! `trustlint graph`: the "can assume" graph of everything a run reads.

use std::process::ExitCode;

use crate::Error;
use crate::analysis::graph;
use crate::cli::{GraphArgs, GraphFormat};
use crate::commands::{EXIT_OK, exit, write_stdout};
use crate::config::file::{self as config_file, Date};
use crate::engine::{CheckOptions, load_units};
use crate::report::graph as render;

pub fn run(args: &GraphArgs) -> Result<ExitCode, Error> {
    let opts =
        CheckOptions { paths: args.paths.clone(), aws_config: args.aws_config.clone(), ..Default::default() };
    let (units, sources) = load_units(&opts)?;
    let start = std::time::Instant::now();
    let g = graph::build_with(&units, &options(args)?);
    if args.verbose > 0 {
        let roles: usize = units.iter().map(|u| u.roles.len()).sum();
        eprintln!(
            "graph of {roles} roles in {} units: {} nodes, {} hops, built in {:.3} s",
            units.len(),
            g.nodes.len(),
            g.edges.len(),
            start.elapsed().as_secs_f64()
        );
    }
    let text = match args.format {
        GraphFormat::Text => render::text(&g, &sources),
        GraphFormat::Json => render::json(&g, &sources),
        GraphFormat::Dot => render::dot(&g),
        GraphFormat::Mermaid => render::mermaid(&g),
    };
    write_stdout(&text)?;
    Ok(exit(EXIT_OK))
}

/// Spacelift settings from the nearest configuration file, then `--spacelift-account`.
fn options(args: &GraphArgs) -> Result<graph::GraphOptions, Error> {
    let mut s = crate::config::Settings::default();
    let found = if args.no_config { None } else { config_file::discover(std::path::Path::new(".")) };
    if let Some(path) = found {
        let rules = crate::rule_set(None)?;
        let names: Vec<(&str, &str)> = rules.iter().map(|r| (r.meta().code, r.meta().name)).collect();
        let date = Date::today().map_err(Error::Usage)?;
        let c = config_file::load(&path, &names, date).map_err(|e| Error::Usage(e.to_string()))?;
        c.apply_settings(&mut s);
    }
    Ok(graph::GraphOptions {
        spacelift_account: args.spacelift_account.clone().or(s.spacelift_account),
        spacelift_environment: s.spacelift_environment.unwrap_or_default(),
    })
}
