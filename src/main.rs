use clap::Parser;
use trustlint::cli::{Cli, Command};
use trustlint::commands;

fn main() {
    let cli = Cli::parse();
    let status = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Rules(args) => commands::rules::list(args).unwrap_or_else(io_status),
        Command::Explain(args) => commands::rules::explain(args).unwrap_or_else(io_status),
        Command::ExternalId(args) => commands::external_id::run(args).unwrap_or_else(io_status),
        Command::Verify(args) => commands::verify::run(args),
        Command::Simulate(args) => commands::simulate::run(args),
    };
    std::process::exit(status);
}

fn io_status(e: std::io::Error) -> i32 {
    if commands::is_broken_pipe(&e) {
        commands::EXIT_OK
    } else {
        eprintln!("error: {e}");
        commands::EXIT_USAGE
    }
}
