//! The pages of `iam:GetAccountAuthorizationDetails` as one JSON document in the shape
//! `aws iam get-account-authorization-details` prints: the four lists merged over the pages, no
//! `IsTruncated`/`Marker`, members in the API's order, dates as `2026-01-01T00:00:00+00:00`,
//! policy documents URL-decoded into JSON objects (keys in the document's own order), indented
//! by four spaces. trustlint reads that file as any other dump, so a saved copy is one a user
//! could have made with the AWS CLI.

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput as Page;
use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types as t;
use serde::{Serialize, Serializer};

use crate::aws::decode_policy_document;

/// How many of each the dump holds (for the progress and summary lines).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub policies: usize,
}

impl Counts {
    pub fn of(pages: &[Page]) -> Counts {
        let mut c = Counts::default();
        for p in pages {
            c.users += p.user_detail_list().len();
            c.groups += p.group_detail_list().len();
            c.roles += p.role_detail_list().len();
            c.policies += p.policies().iter().filter(|m| listed(m)).count();
        }
        c
    }

    pub fn plus(self, o: &Counts) -> Counts {
        Counts {
            users: self.users + o.users,
            groups: self.groups + o.groups,
            roles: self.roles + o.roles,
            policies: self.policies + o.policies,
        }
    }
}

/// The dump of `pages`, as the AWS CLI prints it (with a final newline).
pub fn render(pages: &[Page]) -> String {
    let dump = Dump {
        users: pages.iter().flat_map(|p| p.user_detail_list()).map(user).collect(),
        groups: pages.iter().flat_map(|p| p.group_detail_list()).map(group).collect(),
        roles: pages.iter().flat_map(|p| p.role_detail_list()).map(role).collect(),
        policies: pages.iter().flat_map(|p| p.policies()).filter(|m| listed(m)).map(managed).collect(),
    };
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    // Every value is a string, number, bool or an already validated document: this cannot fail.
    if dump.serialize(&mut ser).is_err() {
        return String::from("{}\n");
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}

/// AWS managed policies are listed where the account uses them, as in a dump of the real API
/// (an emulator may list its whole catalog); customer managed ones always.
fn listed(p: &t::ManagedPolicyDetail) -> bool {
    let aws_managed = p.arn.as_deref().is_some_and(|a| a.contains(":iam::aws:policy/"));
    !aws_managed || p.attachment_count.unwrap_or(1) > 0
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Dump<'a> {
    #[serde(rename = "UserDetailList")]
    users: Vec<User<'a>>,
    #[serde(rename = "GroupDetailList")]
    groups: Vec<Group<'a>>,
    #[serde(rename = "RoleDetailList")]
    roles: Vec<RoleDetail<'a>>,
    policies: Vec<Managed<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct User<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_policy_list: Option<Vec<Inline<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_list: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attached_managed_policies: Option<Vec<Attached<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary: Option<Boundary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<Tag<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Group<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_policy_list: Option<Vec<Inline<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attached_managed_policies: Option<Vec<Attached<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RoleDetail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assume_role_policy_document: Option<Document<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance_profile_list: Option<Vec<InstanceProfile<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_policy_list: Option<Vec<Inline<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attached_managed_policies: Option<Vec<Attached<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary: Option<Boundary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<Tag<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_last_used: Option<LastUsed<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceProfile<'a> {
    path: &'a str,
    instance_profile_name: &'a str,
    instance_profile_id: &'a str,
    arn: &'a str,
    create_date: Date,
    roles: Vec<Role<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<Tag<'a>>>,
}

/// A role inside an instance profile (the `Role` shape, not `RoleDetail`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Role<'a> {
    path: &'a str,
    role_name: &'a str,
    role_id: &'a str,
    arn: &'a str,
    create_date: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    assume_role_policy_document: Option<Document<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_session_duration: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary: Option<Boundary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<Tag<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_last_used: Option<LastUsed<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Managed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_version_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attachment_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary_usage_count: Option<i32>,
    is_attachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_version_list: Option<Vec<Version<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Version<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<Document<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_id: Option<&'a str>,
    is_default_version: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_date: Option<Date>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Inline<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_document: Option<Document<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Attached<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_arn: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Boundary<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary_arn: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Tag<'a> {
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LastUsed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

/// A timestamp as botocore prints it (`+00:00`, not `Z`).
struct Date(DateTime);

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.0.fmt(DateTimeFormat::DateTime).unwrap_or_default();
        let text = match text.strip_suffix('Z') {
            Some(head) => format!("{head}+00:00"),
            None => text,
        };
        s.serialize_str(&text)
    }
}

/// A policy document: decoded JSON written as a JSON value in its own key order, or, when IAM
/// sent something that does not decode to JSON, the string as it came (trustlint then reports
/// it at that string).
enum Document<'a> {
    Json(String),
    Raw(&'a str),
}

impl<'a> Document<'a> {
    fn of(raw: &'a str) -> Document<'a> {
        match decode_policy_document(raw) {
            Some(text) if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() => {
                Document::Json(text)
            }
            _ => Document::Raw(raw),
        }
    }
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Document::Json(text) => {
                let mut de = serde_json::Deserializer::from_str(text);
                serde_transcode::transcode(&mut de, s)
            }
            Document::Raw(raw) => s.serialize_str(raw),
        }
    }
}

fn date(d: Option<&DateTime>) -> Option<Date> {
    d.map(|d| Date(*d))
}

fn doc(d: Option<&str>) -> Option<Document<'_>> {
    d.map(Document::of)
}

fn inline(list: &Option<Vec<t::PolicyDetail>>) -> Option<Vec<Inline<'_>>> {
    list.as_ref().map(|l| {
        l.iter()
            .map(|p| Inline {
                policy_name: p.policy_name.as_deref(),
                policy_document: doc(p.policy_document.as_deref()),
            })
            .collect()
    })
}

fn attached(list: &Option<Vec<t::AttachedPolicy>>) -> Option<Vec<Attached<'_>>> {
    list.as_ref().map(|l| {
        l.iter()
            .map(|a| Attached { policy_name: a.policy_name.as_deref(), policy_arn: a.policy_arn.as_deref() })
            .collect()
    })
}

fn boundary(b: &Option<t::AttachedPermissionsBoundary>) -> Option<Boundary<'_>> {
    b.as_ref().map(|b| Boundary {
        permissions_boundary_type: b.permissions_boundary_type.as_ref().map(|t| t.as_str()),
        permissions_boundary_arn: b.permissions_boundary_arn.as_deref(),
    })
}

fn tags(list: &Option<Vec<t::Tag>>) -> Option<Vec<Tag<'_>>> {
    list.as_ref().map(|l| l.iter().map(|t| Tag { key: &t.key, value: &t.value }).collect())
}

fn last_used(l: &Option<t::RoleLastUsed>) -> Option<LastUsed<'_>> {
    l.as_ref()
        .map(|l| LastUsed { last_used_date: date(l.last_used_date.as_ref()), region: l.region.as_deref() })
}

fn user(u: &t::UserDetail) -> User<'_> {
    User {
        path: u.path.as_deref(),
        user_name: u.user_name.as_deref(),
        user_id: u.user_id.as_deref(),
        arn: u.arn.as_deref(),
        create_date: date(u.create_date.as_ref()),
        user_policy_list: inline(&u.user_policy_list),
        group_list: u.group_list.as_deref(),
        attached_managed_policies: attached(&u.attached_managed_policies),
        permissions_boundary: boundary(&u.permissions_boundary),
        tags: tags(&u.tags),
    }
}

fn group(g: &t::GroupDetail) -> Group<'_> {
    Group {
        path: g.path.as_deref(),
        group_name: g.group_name.as_deref(),
        group_id: g.group_id.as_deref(),
        arn: g.arn.as_deref(),
        create_date: date(g.create_date.as_ref()),
        group_policy_list: inline(&g.group_policy_list),
        attached_managed_policies: attached(&g.attached_managed_policies),
    }
}

fn role(r: &t::RoleDetail) -> RoleDetail<'_> {
    RoleDetail {
        path: r.path.as_deref(),
        role_name: r.role_name.as_deref(),
        role_id: r.role_id.as_deref(),
        arn: r.arn.as_deref(),
        create_date: date(r.create_date.as_ref()),
        assume_role_policy_document: doc(r.assume_role_policy_document.as_deref()),
        instance_profile_list: r
            .instance_profile_list
            .as_ref()
            .map(|l| l.iter().map(instance_profile).collect()),
        role_policy_list: inline(&r.role_policy_list),
        attached_managed_policies: attached(&r.attached_managed_policies),
        permissions_boundary: boundary(&r.permissions_boundary),
        tags: tags(&r.tags),
        role_last_used: last_used(&r.role_last_used),
    }
}

fn instance_profile(p: &t::InstanceProfile) -> InstanceProfile<'_> {
    InstanceProfile {
        path: &p.path,
        instance_profile_name: &p.instance_profile_name,
        instance_profile_id: &p.instance_profile_id,
        arn: &p.arn,
        create_date: Date(p.create_date),
        roles: p
            .roles
            .iter()
            .map(|r| Role {
                path: &r.path,
                role_name: &r.role_name,
                role_id: &r.role_id,
                arn: &r.arn,
                create_date: Date(r.create_date),
                assume_role_policy_document: doc(r.assume_role_policy_document.as_deref()),
                description: r.description.as_deref(),
                max_session_duration: r.max_session_duration,
                permissions_boundary: boundary(&r.permissions_boundary),
                tags: tags(&r.tags),
                role_last_used: last_used(&r.role_last_used),
            })
            .collect(),
        tags: tags(&p.tags),
    }
}

fn managed(p: &t::ManagedPolicyDetail) -> Managed<'_> {
    Managed {
        policy_name: p.policy_name.as_deref(),
        policy_id: p.policy_id.as_deref(),
        arn: p.arn.as_deref(),
        path: p.path.as_deref(),
        default_version_id: p.default_version_id.as_deref(),
        attachment_count: p.attachment_count,
        permissions_boundary_usage_count: p.permissions_boundary_usage_count,
        is_attachable: p.is_attachable,
        description: p.description.as_deref(),
        create_date: date(p.create_date.as_ref()),
        update_date: date(p.update_date.as_ref()),
        policy_version_list: p.policy_version_list.as_ref().map(|l| {
            l.iter()
                .map(|v| Version {
                    document: doc(v.document.as_deref()),
                    version_id: v.version_id.as_deref(),
                    is_default_version: v.is_default_version,
                    create_date: date(v.create_date.as_ref()),
                })
                .collect()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        let trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A210987654321%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        Page::builder()
            .role_detail_list(
                t::RoleDetail::builder()
                    .path("/")
                    .role_name("deploy")
                    .arn("arn:aws:iam::123456789012:role/deploy")
                    .create_date(DateTime::from_secs(1_767_225_600))
                    .assume_role_policy_document(trust)
                    .role_policy_list(
                        t::PolicyDetail::builder().policy_name("bad").policy_document("%7Bnot json").build(),
                    )
                    .build(),
            )
            .build()
    }

    #[test]
    fn prints_the_cli_shape() {
        let text = render(&[page()]);
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["UserDetailList"], serde_json::json!([]));
        assert!(v.get("IsTruncated").is_none());
        let role = &v["RoleDetailList"][0];
        assert_eq!(role["CreateDate"], "2026-01-01T00:00:00+00:00");
        assert_eq!(role["AssumeRolePolicyDocument"]["Statement"][0]["Effect"], "Allow");
        // Undecodable documents stay the string IAM sent.
        assert_eq!(role["RolePolicyList"][0]["PolicyDocument"], "%7Bnot json");
        // The document keeps its own key order, indented as the AWS CLI indents.
        let version = text.find("\"Version\"").unwrap();
        assert!(version < text.find("\"Statement\"").unwrap(), "{text}");
        assert!(
            text.contains("\n            \"AssumeRolePolicyDocument\": {\n                \"Version\""),
            "{text}"
        );
        assert_eq!(Counts::of(&[page(), page()]).roles, 2);
    }
}
