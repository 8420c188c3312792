//! Reports that print only where findings are (JSON, concise, GitHub, Markdown) are the same
//! whether the run kept every text or gave each back once its findings were final, keeping
//! only the positions they point at (what `check` does for those formats).

use std::collections::HashSet;
use std::path::PathBuf;

use trustlint::report::{self, FixCounts, Format, RenderOptions, human::HumanOptions, paths::Rebase};
use trustlint::{CheckOptions, check};

fn rendered(positions_only: bool, format: Format) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Every fixture (suppression comments, Terraform modules in the role graph, plans) and the
    // examples, in one run.
    let opts = CheckOptions {
        paths: vec![root.join("fixtures"), root.join("examples")],
        release_texts: true,
        positions_only,
        ..CheckOptions::default()
    };
    let report = check(&opts).expect("the run succeeds");
    let render = RenderOptions {
        human: HumanOptions { color: false, width: 100, summary: false },
        links: false,
        statistics: false,
        root: Rebase::detect(Some(&root)),
        threshold: None,
        documented: HashSet::new(),
        fixes: FixCounts::default(),
    };
    let mut out = Vec::new();
    report::render(format, &report, &[], &render, &mut out).expect("renders into memory");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn position_reports_do_not_change_when_texts_are_given_back() {
    for format in [Format::Json, Format::Concise, Format::Github, Format::Markdown] {
        let kept = rendered(false, format);
        assert!(kept.lines().count() > 100, "{format:?}: the run has findings");
        assert_eq!(kept, rendered(true, format), "{format:?}");
    }
}
