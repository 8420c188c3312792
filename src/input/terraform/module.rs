//! One Terraform module as the evaluator sees it: its locals, variables, resources, data
//! sources, providers and `terraform` blocks, gathered from every file of the directory.

use std::collections::HashMap;
use std::path::PathBuf;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use crate::source::{SourceId, Span};

/// The block types [`Module::add_body`] reads.
fn is_read(ident: &str) -> bool {
    matches!(
        ident,
        "locals" | "variable" | "resource" | "data" | "module" | "output" | "provider" | "terraform"
    )
}

/// A `resource` or `data` block of the module.
#[derive(Debug, Clone)]
pub struct Res {
    pub ty: String,
    pub name: String,
    pub src: SourceId,
    pub block: Block,
    pub span: Span,
}

impl Res {
    /// `count` / `for_each`: one block stands for several objects.
    pub fn repeated(&self) -> bool {
        self.block.body.has_attribute("count") || self.block.body.has_attribute("for_each")
    }

    pub fn address(&self, data: bool) -> String {
        if data { format!("data.{}.{}", self.ty, self.name) } else { format!("{}.{}", self.ty, self.name) }
    }
}

/// Everything the evaluator and extractors look up across the files of one module.
#[derive(Debug, Default)]
pub struct Module {
    pub dir: PathBuf,
    pub display: String,
    pub locals: HashMap<String, (SourceId, Expression)>,
    /// Variable defaults.
    pub variables: HashMap<String, (SourceId, Expression)>,
    /// Every declared variable, with its `type` as written (`None`: no type constraint).
    pub declared: HashMap<String, Option<String>>,
    /// Every declared variable's `type` expression, for the `optional()` attributes it fills in.
    pub types: HashMap<String, (SourceId, Expression)>,
    /// Values set for the root module (`--var`, `--var-file`, `terraform.tfvars`,
    /// `*.auto.tfvars`): they win over defaults.
    pub assigned: HashMap<String, (SourceId, Expression)>,
    /// Canonical directories `file()` and `templatefile()` may read inside.
    pub roots: Vec<PathBuf>,
    pub resources: Vec<Res>,
    pub data: Vec<Res>,
    /// `module "NAME" { ... }` calls (`ty` is `module`).
    pub calls: Vec<Res>,
    /// `output "NAME" { value = ... }`.
    pub outputs: Vec<(String, SourceId, Expression)>,
    /// `provider` blocks and `terraform` blocks, with their file.
    pub providers: Vec<(SourceId, Block)>,
    pub terraform: Vec<(SourceId, Block)>,
    /// `.tf.json` files are read as generated HCL: for every byte of it, the byte range of the
    /// JSON file it stands for.
    pub span_maps: HashMap<SourceId, Vec<(usize, usize)>>,
}

impl Module {
    pub fn resource(&self, ty: &str, name: &str) -> Option<&Res> {
        self.resources.iter().find(|r| r.ty == ty && r.name == name)
    }

    /// The expression a variable takes: the value assigned to it, else its default.
    pub fn variable_value(&self, name: &str) -> Option<&(SourceId, Expression)> {
        self.assigned.get(name).or_else(|| self.variables.get(name))
    }

    pub fn data(&self, ty: &str, name: &str) -> Option<&Res> {
        self.data.iter().find(|r| r.ty == ty && r.name == name)
    }

    /// The span of an HCL range of file `src` (mapped into the JSON file for `.tf.json`);
    /// `fallback` when the range is unknown.
    pub fn hspan(&self, src: SourceId, r: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
        let Some(r) = r else { return fallback };
        let Some(map) = self.span_maps.get(&src) else { return Span::new(src, r.start, r.end) };
        let (Some(first), Some(last)) = (map.get(r.start), map.get(r.end.saturating_sub(1).max(r.start)))
        else {
            return fallback;
        };
        let start = first.0;
        let end = if r.end > r.start { last.1.max(start) } else { start };
        Span::new(src, start, end)
    }

    /// The blocks of a tree that others hold too (kept for module calls): the ones read are
    /// copied.
    pub fn add_body(&mut self, src: SourceId, body: &Body) {
        for block in body.blocks().filter(|b| is_read(b.ident.as_str())) {
            self.add_block(src, block.clone());
        }
    }

    /// The blocks of a tree no one else holds, moved into the module.
    pub fn add_body_from(&mut self, src: SourceId, body: Body) {
        for structure in body {
            if let hcl_edit::structure::Structure::Block(block) = structure {
                self.add_block(src, block);
            }
        }
    }

    fn add_block(&mut self, src: SourceId, block: Block) {
        use hcl_edit::Span as _;
        let labels: Vec<String> = block.labels.iter().map(|l| l.as_str().to_string()).collect();
        let span = self.hspan(src, block.span(), Span::new(src, 0, 0));
        let res = |ty: &str, name: &str, block: Block| Res {
            ty: ty.to_string(),
            name: name.to_string(),
            src,
            block,
            span,
        };
        match (block.ident.as_str(), labels.as_slice()) {
            ("locals", _) => {
                for a in block.body.into_attributes() {
                    self.locals.insert(a.key.as_str().to_string(), (src, a.value));
                }
            }
            ("variable", [name]) => {
                let ty = block.body.get_attribute("type").map(|t| t.value.to_string().trim().to_string());
                if let Some(t) = block.body.get_attribute("type") {
                    self.types.insert(name.to_string(), (src, t.value.clone()));
                }
                self.declared.insert(name.to_string(), ty);
                if let Some(d) = block.body.get_attribute("default") {
                    self.variables.insert(name.to_string(), (src, d.value.clone()));
                }
            }
            ("resource", [ty, name]) => self.resources.push(res(ty, name, block)),
            ("data", [ty, name]) => self.data.push(res(ty, name, block)),
            ("module", [name]) => self.calls.push(res("module", name, block)),
            ("output", [name]) => {
                if let Some(v) = block.body.get_attribute("value") {
                    self.outputs.push((name.to_string(), src, v.value.clone()));
                }
            }
            ("provider", _) => self.providers.push((src, block)),
            ("terraform", _) => self.terraform.push((src, block)),
            _ => {}
        }
    }
}
