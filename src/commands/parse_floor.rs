//! `trustlint parse-floor` (hidden): what any linter of these files must at least do, with the
//! crates trustlint uses: walk the paths (honouring ignore files), read each `.json` and `.tf`
//! file, and parse it (trustlint's JSON reader, `input::tree::parse_json`, and hcl-edit), nothing more.
//! `scripts/bench.sh` prints every figure as a multiple of this one.

use std::process::ExitCode;

use crate::Error;
use crate::cli::ParseFloorArgs;
use crate::input::tree::parse_json;
use crate::source::SourceId;

pub fn run(args: &ParseFloorArgs) -> Result<ExitCode, Error> {
    let mut walk = ignore::WalkBuilder::new(args.paths.first().map_or(".".as_ref(), |p| p.as_path()));
    for p in args.paths.iter().skip(1) {
        walk.add(p);
    }
    let (mut files, mut bytes, mut failed) = (0usize, 0usize, 0usize);
    for entry in walk.build().flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !matches!(ext, "json" | "tf") || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            failed += 1;
            continue;
        };
        files += 1;
        bytes += text.len();
        let ok = if ext == "json" {
            parse_json(&text, SourceId(0), 0).is_ok()
        } else {
            hcl_edit::parser::parse_body(&text).is_ok()
        };
        failed += usize::from(!ok);
    }
    println!("{files} files, {bytes} bytes, {failed} unreadable or unparsable");
    Ok(ExitCode::SUCCESS)
}
