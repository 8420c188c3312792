//! What trustlint knows of data sources without a provider: `aws_iam_policy_document` (its
//! JSON, built from the block) and Spacelift's `spacelift_aws_integration_attachment_external_id`
//! (the external id and trust statement it computes).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::input::InputOptions;
use crate::input::terraform::attrs::{attrs, find, flag};
use crate::input::terraform::eval::{DataSources, Eval};
use crate::input::terraform::module::Res;
use crate::input::terraform::policy::policy_document;
use crate::input::terraform::spanned::SpStr;
use crate::input::terraform::value::{Sv, V};
use crate::input::tree::{Member, Node, NodeKind};
use crate::model::terraform::{ExternalIdTemplate, Phase};
use crate::source::Span;

/// The data sources of one module, with what evaluating them learnt.
pub struct TerraformData<'o> {
    options: &'o InputOptions,
    /// Policy documents already built (`None` while one is being built: a cycle through
    /// `source_policy_documents` is unknown, not endless).
    docs: RefCell<HashMap<String, Option<Node>>>,
    /// External ids the Spacelift data source computes but that are not fully known here.
    templates: RefCell<Vec<ExternalIdTemplate>>,
}

impl<'o> TerraformData<'o> {
    pub fn new(options: &'o InputOptions) -> Self {
        TerraformData { options, docs: RefCell::default(), templates: RefCell::default() }
    }

    /// The partly known external ids met while evaluating, for the trust rules.
    pub fn into_templates(self) -> Vec<ExternalIdTemplate> {
        self.templates.into_inner()
    }

    fn record_template(&self, t: ExternalIdTemplate) {
        let mut templates = self.templates.borrow_mut();
        if !templates.iter().any(|x| x.span == t.span) {
            templates.push(t);
        }
    }

    fn document(&self, ev: &mut Eval, res: &Res, span: Span) -> Option<Sv> {
        let key = format!("{}.{}", res.ty, res.name);
        let cached = self.docs.borrow().get(&key).cloned();
        let doc = match cached {
            Some(d) => d,
            None => {
                self.docs.borrow_mut().insert(key.clone(), None);
                let d = policy_document(ev, res);
                self.docs.borrow_mut().insert(key, d.clone());
                d
            }
        };
        doc.map(|node| Sv { span, v: V::Json(Box::new(node)) })
    }

    /// The external id the Spacelift data source computes: the text when every part is known,
    /// and its shape either way.
    fn spacelift_external_id(
        &self,
        ev: &mut Eval,
        res: &Res,
        span: Span,
    ) -> (Option<String>, ExternalIdTemplate) {
        let list = attrs(ev, &res.block.body, res.src);
        let integration_id = find(&list, "integration_id").and_then(Sv::text);
        let stack = find(&list, "stack_id").or_else(|| find(&list, "module_id")).and_then(Sv::text);
        let phase = match flag(&list, "write", true).0 {
            Some(true) => Some(Phase::Write),
            Some(false) => Some(Phase::Read),
            None => None,
        };
        let account = self.options.spacelift_account.clone();
        let t = ExternalIdTemplate { span, account, integration_id, stack, phase, source: res.address(true) };
        let text = match (&t.account, &t.integration_id, &t.stack, t.phase) {
            (Some(a), Some(i), Some(s), Some(p)) => Some(crate::aws::spacelift::external_id(a, i, s, p)),
            _ => None,
        };
        (text, t)
    }

    /// The statement `assume_role_policy_statement` holds: Spacelift's account may assume the
    /// role with the external id of this attachment. Every part spans the expression that used it.
    fn spacelift_statement(&self, ev: &mut Eval, res: &Res, span: Span) -> Node {
        let (text, template) = self.spacelift_external_id(ev, res, span);
        let ext = match text {
            Some(t) => Node { span, kind: NodeKind::Str(t) },
            None => {
                self.record_template(template);
                Node { span, kind: NodeKind::Unknown }
            }
        };
        let s = |t: &str| Node { span, kind: NodeKind::Str(t.to_string()) };
        let m = |k: &str, v: Node| Member { key: k.to_string(), key_span: span, value: v };
        let obj = |members: Vec<Member>| Node { span, kind: NodeKind::Object(members) };
        let account = self.options.spacelift_environment.principal_account();
        obj(vec![
            m("Effect", s("Allow")),
            m("Action", s("sts:AssumeRole")),
            m("Principal", obj(vec![m("AWS", s(account))])),
            m("Condition", obj(vec![m("StringEquals", obj(vec![m("sts:ExternalId", ext)]))])),
        ])
    }
}

impl DataSources for TerraformData<'_> {
    fn attr(&self, ev: &mut Eval, res: &Res, attr: &str, span: Span) -> Option<Sv> {
        match (res.ty.as_str(), attr) {
            ("aws_iam_policy_document", "json" | "minified_json") => self.document(ev, res, span),
            ("spacelift_aws_integration_attachment_external_id", "assume_role_policy_statement") => {
                let node = self.spacelift_statement(ev, res, span);
                Some(Sv { span, v: V::Json(Box::new(node)) })
            }
            ("spacelift_aws_integration_attachment_external_id", "external_id") => {
                let (text, _) = self.spacelift_external_id(ev, res, span);
                text.map(|t| Sv { span, v: V::Str(SpStr::plain(t, span.src)) })
            }
            _ => None,
        }
    }
}
