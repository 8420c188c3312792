//! `trustlint graph`: the "can assume" graph of everything a run reads.

use std::process::ExitCode;

use crate::Error;
use crate::analysis::graph;
use crate::cli::{GraphArgs, GraphFormat};
use crate::commands::{EXIT_OK, exit, write_stdout};
use crate::engine::{CheckOptions, load_units};
use crate::report::graph as render;

pub fn run(args: &GraphArgs) -> Result<ExitCode, Error> {
    let opts =
        CheckOptions { paths: args.paths.clone(), aws_config: args.aws_config.clone(), ..Default::default() };
    let (units, sources) = load_units(&opts)?;
    let start = std::time::Instant::now();
    let g = graph::build(&units);
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
