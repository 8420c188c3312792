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
    let g = graph::build(&units);
    let text = match args.format {
        GraphFormat::Text => render::text(&g, &sources),
        GraphFormat::Json => render::json(&g, &sources),
        GraphFormat::Dot => render::dot(&g),
        GraphFormat::Mermaid => render::mermaid(&g),
    };
    write_stdout(&text)?;
    Ok(exit(EXIT_OK))
}
