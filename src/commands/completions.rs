//! `trustlint completions SHELL` and `trustlint man`: generated from the clap definitions, so
//! they never drift from the flags.

use std::process::ExitCode;

use clap::CommandFactory;

use crate::Error;
use crate::cli::{Cli, CompletionsArgs};
use crate::commands::{EXIT_OK, exit, write_stdout_bytes};

pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, Error> {
    let mut cmd = Cli::command();
    let mut out: Vec<u8> = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "trustlint", &mut out);
    write_stdout_bytes(&out)?;
    Ok(exit(EXIT_OK))
}

/// The manual page: `trustlint(1)` with every subcommand's options in it.
pub fn man() -> Result<ExitCode, Error> {
    let cmd = Cli::command();
    let mut out: Vec<u8> = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        out.extend_from_slice(format!(".SH \"TRUSTLINT {}\"\n", name.to_uppercase()).as_bytes());
        let sub_man = clap_mangen::Man::new(sub.clone().bin_name(format!("trustlint {name}")));
        let mut part: Vec<u8> = Vec::new();
        sub_man.render_synopsis_section(&mut part)?;
        sub_man.render_options_section(&mut part)?;
        // One page: a subcommand's synopsis and options are subsections of its section.
        for line in String::from_utf8_lossy(&part).lines() {
            let line =
                line.strip_prefix(".SH ").map(|rest| format!(".SS {rest}")).unwrap_or(line.to_string());
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    man.render_version_section(&mut out)?;
    write_stdout_bytes(&out)?;
    Ok(exit(EXIT_OK))
}
