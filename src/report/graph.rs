//! `trustlint graph` output: text (one hop a line), JSON, Graphviz DOT and Mermaid.

use crate::analysis::graph::{Edge, Graph, NodeKind, Side, Verdict};
use crate::source::{SourceMap, Span};

/// What a hop amounts to, in the words every format uses.
pub fn status(e: &Edge) -> &'static str {
    match (e.caller.verdict, e.trust.verdict) {
        (Verdict::No, _) => "fails: caller",
        (_, Verdict::No) => "fails: trust",
        (Verdict::Yes, Verdict::Yes) => "can assume",
        _ => "possible",
    }
}

fn location(span: Option<Span>, sources: &SourceMap) -> String {
    let Some(span) = span else { return String::new() };
    let Some(src) = sources.get(span.src) else { return String::new() };
    let lc = src.line_col(span.start);
    format!(" at {}:{}", src.name, lc.line)
}

fn side(label: &str, s: &Side, sources: &SourceMap) -> String {
    format!("{label}: {}{}", s.reason, location(s.span, sources))
}

pub fn text(g: &Graph, sources: &SourceMap) -> String {
    let mut out = String::new();
    for e in &g.edges {
        out.push_str(&format!(
            "{} -> {} [{}] {}; {}\n",
            g.nodes[e.from].id,
            g.nodes[e.to].id,
            status(e),
            side("caller", &e.caller, sources),
            side("trust", &e.trust, sources)
        ));
    }
    let possible = g.edges.iter().filter(|e| status(e) == "possible").count();
    let failing = g.edges.iter().filter(|e| status(e).starts_with("fails")).count();
    out.push_str(&format!(
        "{} nodes, {} hops ({possible} possible, {failing} failing)\n",
        g.nodes.len(),
        g.edges.len()
    ));
    out
}

pub fn json(g: &Graph, sources: &SourceMap) -> String {
    let nodes: Vec<serde_json::Value> =
        g.nodes.iter().map(|n| serde_json::json!({"id": n.id, "kind": n.kind})).collect();
    let side_json = |s: &Side| serde_json::json!({"verdict": s.verdict, "reason": s.reason, "location": location(s.span, sources).trim_start_matches(" at ")});
    let edges: Vec<serde_json::Value> = g
        .edges
        .iter()
        .map(|e| {
            serde_json::json!({
                "from": g.nodes[e.from].id,
                "to": g.nodes[e.to].id,
                "status": status(e),
                "caller": side_json(&e.caller),
                "trust": side_json(&e.trust),
            })
        })
        .collect();
    let doc = serde_json::json!({"version": 1, "nodes": nodes, "edges": edges});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn dot(g: &Graph) -> String {
    let mut out = String::from(
        "digraph trustlint {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for (i, n) in g.nodes.iter().enumerate() {
        let shape = match n.kind {
            NodeKind::Role => "box",
            NodeKind::ExternalRole => "box, style=dashed",
            NodeKind::Profile => "ellipse",
            NodeKind::AssumeRoleSetting => "cds",
            NodeKind::User => "egg",
            NodeKind::SpaceliftPhase => "hexagon",
        };
        out.push_str(&format!("  n{i} [label=\"{}\", shape={shape}];\n", dot_escape(&n.id)));
    }
    for e in &g.edges {
        let style = match status(e) {
            "can assume" => "solid, color=black",
            "possible" => "dashed, color=gray40",
            _ => "bold, color=red",
        };
        out.push_str(&format!("  n{} -> n{} [label=\"{}\", style={style}];\n", e.from, e.to, status(e)));
    }
    out.push_str("}\n");
    out
}

pub fn mermaid(g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let label = n.id.replace('"', "#quot;");
        out.push_str(&match n.kind {
            NodeKind::Profile => format!("  n{i}([\"{label}\"])\n"),
            NodeKind::AssumeRoleSetting => format!("  n{i}[/\"{label}\"/]\n"),
            NodeKind::User => format!("  n{i}>\"{label}\"]\n"),
            NodeKind::SpaceliftPhase => format!("  n{i}{{{{\"{label}\"}}}}\n"),
            _ => format!("  n{i}[\"{label}\"]\n"),
        });
    }
    for e in &g.edges {
        let arrow = match status(e) {
            "can assume" => "-->",
            "possible" => "-.->",
            _ => "--x",
        };
        out.push_str(&format!("  n{} {arrow}|{}| n{}\n", e.from, status(e), e.to));
    }
    out
}
