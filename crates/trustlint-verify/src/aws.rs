//! AWS plumbing for `trustlint verify`: SDK configuration, `iam:GetRole`, `sts:AssumeRole`,
//! `sts:GetCallerIdentity`, and a classification of SDK errors into messages a user can act on.
//!
//! Design: the rest of trustlint is synchronous (clap, rayon), so [`Aws`] is a blocking facade that
//! owns a current-thread tokio runtime and drives the official AWS SDK for Rust on it. One runtime
//! per `Aws`, created once; every call is `block_on` of one SDK future. Do not call these methods
//! from inside another tokio runtime.
//!
//! Secrets: [`Secret`] never prints its value (`Debug`/`Display` show `<redacted>`); the only ways
//! to read it are [`Secret::expose`] and [`Minted::env_pairs`]. Error messages are built from error
//! codes, service messages and transport errors, and calls made with minted credentials scrub
//! those credential values from any message before returning it.

use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_sts::primitives::{DateTime, DateTimeFormat};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

pub use super::error::{AwsError, AwsErrorKind, Parts};

/// A secret string (secret access key, session token). Never printed by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret value. Only for handing it to a process environment or an SDK credential.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Explicit caller credentials, overriding the standard chain (tests, or a caller that already
/// holds credentials).
#[derive(Clone, Debug)]
pub struct CallerCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

/// How to reach AWS. `Default` gives the standard credential chain, the region from the chain
/// (`AWS_REGION`, profile, IMDS), SDK endpoint resolution (which honours `AWS_ENDPOINT_URL_STS`,
/// `AWS_ENDPOINT_URL_IAM` and `AWS_ENDPOINT_URL`), bounded timeouts and 3 attempts.
#[derive(Clone, Debug)]
pub struct AwsOptions {
    /// Region; decides the regional STS endpoint `sts.<region>.amazonaws.com`. `None`: from the
    /// chain, else `us-east-1`.
    pub region: Option<String>,
    /// Endpoint override for every service (STS and IAM), e.g. a moto or LocalStack server.
    /// Takes precedence over the `AWS_ENDPOINT_URL*` environment variables.
    pub endpoint_url: Option<String>,
    /// Named profile (`AWS_PROFILE` is honoured anyway when this is `None`).
    pub profile: Option<String>,
    /// Explicit caller credentials instead of the standard chain.
    pub credentials: Option<CallerCredentials>,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Time to wait for response data once the request is sent.
    pub read_timeout: Duration,
    /// Bound on one attempt, and on the whole operation (all attempts and backoff).
    pub attempt_timeout: Duration,
    pub operation_timeout: Duration,
    /// Total attempts, including the first (1 disables retries).
    pub max_attempts: u32,
    /// First retry backoff (exponential with jitter after that, capped at `max_backoff`).
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            region: None,
            endpoint_url: None,
            profile: None,
            credentials: None,
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(15),
            attempt_timeout: Duration::from_secs(20),
            operation_timeout: Duration::from_secs(60),
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// A role's identity policies: inline ones by name, attached ones by ARN with the default
/// version's document (`None` for AWS managed policies, which trustlint's catalog knows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RolePolicies {
    pub inline: Vec<(String, String)>,
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
    pub document: Option<String>,
}

/// Result of `iam:GetRole`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleInfo {
    pub arn: String,
    pub role_name: String,
    /// The trust policy as JSON text (IAM returns it URL-encoded; this is decoded).
    pub trust_policy_json: String,
    /// Maximum session duration in seconds, when IAM reports one.
    pub max_session_duration: Option<u32>,
}

/// Temporary credentials minted by `sts:AssumeRole`. `Debug`/`Display` never show the secret key
/// or the session token.
#[derive(Clone)]
pub struct Minted {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    pub expiration: SystemTime,
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub assumed_role_arn: String,
    pub assumed_role_id: Option<String>,
}

impl Minted {
    /// Expiry as RFC 3339 (`2026-01-01T12:00:00Z`).
    pub fn expiration_rfc3339(&self) -> String {
        DateTime::from(self.expiration)
            .fmt(DateTimeFormat::DateTime)
            .unwrap_or_else(|_| format!("{:?}", self.expiration))
    }

    /// The environment variables a child process (or `--export-env`) needs, values exposed:
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_SECURITY_TOKEN`.
    pub fn env_pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("AWS_ACCESS_KEY_ID", self.access_key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_access_key.expose()),
            ("AWS_SESSION_TOKEN", self.session_token.expose()),
            ("AWS_SECURITY_TOKEN", self.session_token.expose()),
        ]
    }

    fn secrets(&self) -> [&str; 2] {
        [self.secret_access_key.expose(), self.session_token.expose()]
    }
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minted")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expiration", &self.expiration_rfc3339())
            .field("assumed_role_arn", &self.assumed_role_arn)
            .field("assumed_role_id", &self.assumed_role_id)
            .finish()
    }
}

impl fmt::Display for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (access key {}, expires {})",
            self.assumed_role_arn,
            self.access_key_id,
            self.expiration_rfc3339()
        )
    }
}

/// Result of `sts:GetCallerIdentity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub arn: String,
    pub account: String,
    pub user_id: String,
}

pub use trustlint::aws::arn::role_name as role_name_from_arn;

/// Blocking client for the calls `verify` makes. See the module docs.
pub struct Aws {
    rt: tokio::runtime::Runtime,
    sdk: SdkConfig,
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
}

impl fmt::Debug for Aws {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Aws")
            .field("region", &self.sdk.region())
            .field("endpoint_url", &self.sdk.endpoint_url())
            .finish_non_exhaustive()
    }
}

const OP_GET_ROLE: &str = "iam:GetRole";
const OP_ASSUME_ROLE: &str = "sts:AssumeRole";
const OP_GET_CALLER_IDENTITY: &str = "sts:GetCallerIdentity";
const OP_LIST_ROLE_POLICIES: &str = "iam:ListRolePolicies";
const OP_GET_ROLE_POLICY: &str = "iam:GetRolePolicy";
const OP_LIST_ATTACHED: &str = "iam:ListAttachedRolePolicies";
const OP_GET_POLICY: &str = "iam:GetPolicy";
const OP_GET_POLICY_VERSION: &str = "iam:GetPolicyVersion";
const OP_AUTH_DETAILS: &str = "iam:GetAccountAuthorizationDetails";

/// Pages of `iam:GetAccountAuthorizationDetails` read at most: 100 items each by default, so
/// ten million entities, far past IAM's quotas; an endpoint that never stops is cut off here.
pub const MAX_AUTH_PAGES: usize = 100_000;

pub use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput as AuthPage;

impl Aws {
    /// Builds the runtime and SDK configuration (this resolves region and profile settings but
    /// does not fetch credentials yet; a missing credential shows up on the first call as
    /// [`AwsErrorKind::NoCredentials`]).
    pub fn new(opts: &AwsOptions) -> Result<Self, AwsError> {
        if let Some(url) = &opts.endpoint_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(AwsError::config(format!("endpoint URL must start with http:// or https://: {url}")));
        }
        if opts.max_attempts == 0 {
            return Err(AwsError::config("max attempts must be at least 1"));
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| AwsError::config(format!("cannot start the async runtime: {e}")))?;

        // rustls with ring: no OpenSSL, no aws-lc (cmake/nasm) build requirement.
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();

        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http_client)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(opts.connect_timeout)
                    .read_timeout(opts.read_timeout)
                    .operation_attempt_timeout(opts.attempt_timeout)
                    .operation_timeout(opts.operation_timeout)
                    .build(),
            )
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(opts.max_attempts)
                    .with_initial_backoff(opts.initial_backoff)
                    .with_max_backoff(opts.max_backoff),
            );
        if let Some(region) = &opts.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &opts.endpoint_url {
            loader = loader.endpoint_url(url.clone());
        }
        if let Some(profile) = &opts.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(c) = &opts.credentials {
            loader = loader.credentials_provider(Credentials::new(
                c.access_key_id.clone(),
                c.secret_access_key.expose().to_owned(),
                c.session_token.as_ref().map(|t| t.expose().to_owned()),
                None,
                "trustlint-explicit",
            ));
        }
        let mut sdk = rt.block_on(loader.load());
        if sdk.region().is_none() {
            // STS needs a region to pick an endpoint; us-east-1 is where the global one lives.
            sdk = sdk.into_builder().region(Region::from_static("us-east-1")).build();
        }
        let sts = aws_sdk_sts::Client::new(&sdk);
        let iam = aws_sdk_iam::Client::new(&sdk);
        Ok(Aws { rt, sdk, sts, iam })
    }

    /// The resolved region.
    pub fn region(&self) -> Option<&str> {
        self.sdk.region().map(|r| r.as_ref())
    }

    /// The shared SDK configuration (for building other clients).
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk
    }

    /// The IAM client (caller credentials), e.g. for test fixtures.
    pub fn iam_client(&self) -> &aws_sdk_iam::Client {
        &self.iam
    }

    /// Runs a future on this client's runtime (for ad-hoc SDK calls, e.g. test fixtures).
    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    /// `iam:GetRole` with the caller's credentials. Accepts a role name or a role ARN.
    pub fn get_role(&self, role_name_or_arn: &str) -> Result<RoleInfo, AwsError> {
        let name = role_name_from_arn(role_name_or_arn).unwrap_or(role_name_or_arn);
        let rec = EndpointRecorder::default();
        let out = self
            .rt
            .block_on(self.iam.get_role().role_name(name).customize().interceptor(rec.clone()).send())
            .map_err(|e| classify(OP_GET_ROLE, &rec, self.fallback_endpoint("iam"), e, &[]))?;
        let malformed = |what: &str| {
            let endpoint = rec.get().unwrap_or_else(|| self.fallback_endpoint("iam"));
            AwsError::new(AwsErrorKind::MalformedResponse, OP_GET_ROLE, Parts::transport(endpoint, what), &[])
        };
        let role = out.role().ok_or_else(|| malformed("response has no Role"))?;
        let doc = role
            .assume_role_policy_document()
            .ok_or_else(|| malformed("role has no AssumeRolePolicyDocument"))?;
        let trust_policy_json = decode_policy_document(doc)
            .ok_or_else(|| malformed("AssumeRolePolicyDocument is not valid URL-encoded UTF-8"))?;
        Ok(RoleInfo {
            arn: role.arn().to_owned(),
            role_name: role.role_name().to_owned(),
            trust_policy_json,
            max_session_duration: role.max_session_duration().and_then(|d| u32::try_from(d).ok()),
        })
    }

    /// The role's inline policies (`iam:ListRolePolicies`, `iam:GetRolePolicy`) and attached
    /// ones (`iam:ListAttachedRolePolicies`; for customer managed policies `iam:GetPolicy` and
    /// `iam:GetPolicyVersion` of the default version).
    pub fn role_policies(&self, role_name: &str) -> Result<RolePolicies, AwsError> {
        let names = self
            .rt
            .block_on(
                self.iam
                    .list_role_policies()
                    .role_name(role_name)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .map_err(|e| self.iam_error(OP_LIST_ROLE_POLICIES, e))?;
        let mut out = RolePolicies::default();
        for name in names {
            let got = self
                .rt
                .block_on(self.iam.get_role_policy().role_name(role_name).policy_name(&name).send())
                .map_err(|e| self.iam_error(OP_GET_ROLE_POLICY, e))?;
            out.inline.push((name, self.document(OP_GET_ROLE_POLICY, got.policy_document())?));
        }
        let attached = self
            .rt
            .block_on(
                self.iam
                    .list_attached_role_policies()
                    .role_name(role_name)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .map_err(|e| self.iam_error(OP_LIST_ATTACHED, e))?;
        for a in attached {
            let (Some(name), Some(arn)) = (a.policy_name(), a.policy_arn()) else { continue };
            let document =
                if arn.contains(":iam::aws:policy/") { None } else { Some(self.default_version(arn)?) };
            out.attached.push(AttachedPolicy { name: name.to_owned(), arn: arn.to_owned(), document });
        }
        Ok(out)
    }

    /// Every page of `iam:GetAccountAuthorizationDetails` (all entity types, as the AWS CLI asks
    /// with no `--filter`), `on_page` told the count after each one.
    pub fn authorization_details(
        &self,
        mut on_page: impl FnMut(usize, &AuthPage),
    ) -> Result<Vec<AuthPage>, AwsError> {
        self.rt.block_on(async {
            let mut stream = self.iam.get_account_authorization_details().into_paginator().send();
            let mut pages = Vec::new();
            while let Some(page) = stream.next().await {
                let page = page.map_err(|e| self.iam_error(OP_AUTH_DETAILS, e))?;
                on_page(pages.len() + 1, &page);
                pages.push(page);
                if pages.len() >= MAX_AUTH_PAGES {
                    let what = format!("still truncated after {MAX_AUTH_PAGES} pages; stopped");
                    let parts = Parts::transport(self.fallback_endpoint("iam"), what);
                    return Err(AwsError::new(AwsErrorKind::MalformedResponse, OP_AUTH_DETAILS, parts, &[]));
                }
            }
            Ok(pages)
        })
    }

    /// The default version's document of a customer managed policy.
    fn default_version(&self, arn: &str) -> Result<String, AwsError> {
        let policy = self
            .rt
            .block_on(self.iam.get_policy().policy_arn(arn).send())
            .map_err(|e| self.iam_error(OP_GET_POLICY, e))?;
        let version = policy.policy().and_then(|p| p.default_version_id()).unwrap_or("v1");
        let got = self
            .rt
            .block_on(self.iam.get_policy_version().policy_arn(arn).version_id(version).send())
            .map_err(|e| self.iam_error(OP_GET_POLICY_VERSION, e))?;
        self.document(OP_GET_POLICY_VERSION, got.policy_version().and_then(|v| v.document()).unwrap_or(""))
    }

    /// An IAM read made with the caller's credentials (paginated calls have no interceptor, so
    /// the endpoint named is the configured one).
    fn iam_error<E>(&self, operation: &'static str, e: SdkError<E, HttpResponse>) -> AwsError
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        classify(operation, &EndpointRecorder::default(), self.fallback_endpoint("iam"), e, &[])
    }

    /// A URL-encoded policy document from IAM, decoded.
    fn document(&self, operation: &'static str, doc: &str) -> Result<String, AwsError> {
        decode_policy_document(doc).ok_or_else(|| {
            let what = "policy document is not valid URL-encoded UTF-8";
            AwsError::new(
                AwsErrorKind::MalformedResponse,
                operation,
                Parts::transport(self.fallback_endpoint("iam"), what),
                &[],
            )
        })
    }

    /// `sts:AssumeRole` with the caller's credentials.
    pub fn assume_role(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
        session_name: &str,
        duration_secs: Option<u32>,
    ) -> Result<Minted, AwsError> {
        self.assume_role_mfa(role_arn, external_id, session_name, duration_secs, None)
    }

    /// `sts:AssumeRole` with an MFA device's serial number and code (`SerialNumber`,
    /// `TokenCode`), as a profile with `mfa_serial` asks for.
    pub fn assume_role_mfa(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
        session_name: &str,
        duration_secs: Option<u32>,
        mfa: Option<(&str, &str)>,
    ) -> Result<Minted, AwsError> {
        let rec = EndpointRecorder::default();
        let mut req = self.sts.assume_role().role_arn(role_arn).role_session_name(session_name);
        if let Some(id) = external_id {
            req = req.external_id(id);
        }
        if let Some((serial, code)) = mfa {
            req = req.serial_number(serial).token_code(code);
        }
        if let Some(d) = duration_secs {
            req = req.duration_seconds(i32::try_from(d).unwrap_or(i32::MAX));
        }
        let out = self
            .rt
            .block_on(req.customize().interceptor(rec.clone()).send())
            .map_err(|e| classify(OP_ASSUME_ROLE, &rec, self.fallback_endpoint("sts"), e, &[]))?;
        let malformed = |what: &str| {
            let endpoint = rec.get().unwrap_or_else(|| self.fallback_endpoint("sts"));
            AwsError::new(
                AwsErrorKind::MalformedResponse,
                OP_ASSUME_ROLE,
                Parts::transport(endpoint, what),
                &[],
            )
        };
        let creds = out.credentials().ok_or_else(|| malformed("response has no Credentials"))?;
        let user = out.assumed_role_user().ok_or_else(|| malformed("response has no AssumedRoleUser"))?;
        let expiration = SystemTime::try_from(*creds.expiration())
            .map_err(|_| malformed("credential expiration is out of range"))?;
        if creds.access_key_id().is_empty() || creds.secret_access_key().is_empty() {
            return Err(malformed("response has empty credentials"));
        }
        Ok(Minted {
            access_key_id: creds.access_key_id().to_owned(),
            secret_access_key: Secret::new(creds.secret_access_key()),
            session_token: Secret::new(creds.session_token()),
            expiration,
            assumed_role_arn: user.arn().to_owned(),
            assumed_role_id: Some(user.assumed_role_id().to_owned()).filter(|s| !s.is_empty()),
        })
    }

    /// `sts:GetCallerIdentity` with the caller's own credentials.
    pub fn caller_identity(&self) -> Result<Identity, AwsError> {
        self.get_caller_identity_with(&self.sts, &[])
    }

    /// `sts:GetCallerIdentity` signed with the minted credentials (static provider).
    pub fn get_caller_identity(&self, with: &Minted) -> Result<Identity, AwsError> {
        let conf = aws_sdk_sts::config::Builder::from(&self.sdk)
            .credentials_provider(Credentials::new(
                with.access_key_id.clone(),
                with.secret_access_key.expose().to_owned(),
                Some(with.session_token.expose().to_owned()),
                Some(with.expiration),
                "trustlint-minted",
            ))
            .build();
        let client = aws_sdk_sts::Client::from_conf(conf);
        self.get_caller_identity_with(&client, &with.secrets())
    }

    fn get_caller_identity_with(
        &self,
        client: &aws_sdk_sts::Client,
        secrets: &[&str],
    ) -> Result<Identity, AwsError> {
        let rec = EndpointRecorder::default();
        let out = self
            .rt
            .block_on(client.get_caller_identity().customize().interceptor(rec.clone()).send())
            .map_err(|e| classify(OP_GET_CALLER_IDENTITY, &rec, self.fallback_endpoint("sts"), e, secrets))?;
        match (out.arn(), out.account(), out.user_id()) {
            (Some(arn), Some(account), Some(user_id)) => {
                Ok(Identity { arn: arn.to_owned(), account: account.to_owned(), user_id: user_id.to_owned() })
            }
            _ => Err(AwsError::new(
                AwsErrorKind::MalformedResponse,
                OP_GET_CALLER_IDENTITY,
                Parts::transport(
                    rec.get().unwrap_or_else(|| self.fallback_endpoint("sts")),
                    "response lacks Arn, Account or UserId",
                ),
                secrets,
            )),
        }
    }

    /// Endpoint description when the request never got as far as being sent.
    fn fallback_endpoint(&self, service: &str) -> String {
        if let Some(url) = self.sdk.endpoint_url() {
            return url.to_owned();
        }
        let region = self.region().unwrap_or("us-east-1");
        match service {
            "iam" => "https://iam.amazonaws.com".into(),
            _ => format!("https://{service}.{region}.amazonaws.com"),
        }
    }
}

/// URL-decodes an IAM policy document (IAM returns `AssumeRolePolicyDocument` percent-encoded
/// per RFC 3986; like botocore's `unquote`, `+` stays `+`). A document that already starts with `{` is returned unchanged, so a literal
/// `%` in a decoded document is never decoded twice.
pub(crate) fn decode_policy_document(doc: &str) -> Option<String> {
    if doc.trim_start().starts_with('{') {
        return Some(doc.to_owned());
    }
    let bytes = doc.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Records the URL of the last request sent (for error messages). Query strings are dropped.
#[derive(Clone, Debug, Default)]
struct EndpointRecorder(Arc<Mutex<Option<String>>>);

impl EndpointRecorder {
    fn get(&self) -> Option<String> {
        self.0.lock().ok().and_then(|g| g.clone())
    }
}

impl Intercept for EndpointRecorder {
    fn name(&self) -> &'static str {
        "trustlint-endpoint-recorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let uri = context.request().uri();
        let uri = uri.split(['?', '#']).next().unwrap_or(uri).to_owned();
        if let Ok(mut g) = self.0.lock() {
            *g = Some(uri);
        }
        Ok(())
    }
}

const ACCESS_DENIED_CODES: &[&str] =
    &["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess"];

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

fn error_chain<'a>(err: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |e: &&'a (dyn StdError + 'static)| (*e).source())
}

fn is_credentials_error(err: &(dyn StdError + 'static)) -> bool {
    error_chain(err).any(|e| {
        e.is::<CredentialsError>() || {
            let text = e.to_string().to_ascii_lowercase();
            text.contains("no credentials")
                || text.contains("credentials provider was not enabled")
                || text.contains("failed to load credentials")
        }
    })
}

fn connect_failure(err: &(dyn StdError + 'static)) -> bool {
    use std::io::ErrorKind as K;
    error_chain(err).any(|e| {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                K::ConnectionRefused
                    | K::AddrNotAvailable
                    | K::HostUnreachable
                    | K::NetworkUnreachable
                    | K::NotFound
            )
        {
            return true;
        }
        let text = e.to_string().to_ascii_lowercase();
        text.contains("dns error")
            || text.contains("failed to lookup address")
            || text.contains("connection refused")
            || text.contains("client error (connect)")
    })
}

/// The messages of the error's causes, joined with `: ` (the SDK's own `DisplayErrorContext`
/// also prints the raw response with `Debug`, which is noisy and may echo response bodies).
fn detail_of(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in error_chain(err).skip(1) {
        let text = e.to_string();
        if text.is_empty() || parts.last().is_some_and(|p| p.ends_with(&text)) {
            continue;
        }
        parts.push(text);
    }
    if parts.is_empty() { err.to_string() } else { parts.join(": ") }
}

/// Sorts an SDK error into an [`AwsError`]; `secrets` are the credential values of the call.
fn classify<E>(
    operation: &'static str,
    rec: &EndpointRecorder,
    fallback_endpoint: String,
    err: SdkError<E, HttpResponse>,
    secrets: &[&str],
) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    use AwsErrorKind as K;
    let endpoint = rec.get().unwrap_or(fallback_endpoint);
    let (kind, parts) = match &err {
        SdkError::ConstructionFailure(_) if is_credentials_error(&err) => {
            (K::NoCredentials, Parts::message(detail_of(&err)))
        }
        SdkError::ConstructionFailure(_) => {
            (K::Other, Parts::service("RequestConstructionFailed", detail_of(&err)))
        }
        SdkError::TimeoutError(_) => (K::Timeout, Parts::transport(endpoint, detail_of(&err))),
        SdkError::DispatchFailure(d) => {
            let detail = detail_of(&err);
            if is_credentials_error(&err) {
                (K::NoCredentials, Parts::message(detail))
            } else if d.is_timeout() {
                (K::Timeout, Parts::transport(endpoint, detail))
            } else if connect_failure(&err) {
                (K::Connect, Parts::transport(endpoint, detail))
            } else {
                (K::Network, Parts::transport(endpoint, detail))
            }
        }
        SdkError::ResponseError(r) => (
            K::MalformedResponse,
            Parts::transport(endpoint, format!("HTTP {}: {}", r.raw().status().as_u16(), detail_of(&err))),
        ),
        SdkError::ServiceError(s) => {
            let status = s.raw().status().as_u16();
            let message = s.err().message().unwrap_or("(no message)");
            match s.err().code() {
                Some(code) if ACCESS_DENIED_CODES.contains(&code) => {
                    (K::AccessDenied, Parts::service(code, message))
                }
                Some(code) if THROTTLING_CODES.contains(&code) => {
                    (K::Throttled, Parts::service(code, message))
                }
                Some(code) => (K::Other, Parts::service(code, message)),
                None if (200..300).contains(&status) => (
                    K::MalformedResponse,
                    Parts::transport(endpoint, format!("HTTP {status}: {}", detail_of(&err))),
                ),
                None if status == 429 => (K::Throttled, Parts::service("HTTP 429", message)),
                None if status == 403 => (K::AccessDenied, Parts::service("HTTP 403", message)),
                None => (
                    K::Other,
                    Parts::service(
                        format!("HTTP {status}"),
                        format!("unrecognised error response from {endpoint}"),
                    ),
                ),
            }
        }
        _ => (K::Other, Parts::service("Unknown", detail_of(&err))),
    };
    AwsError::new(kind, operation, parts, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_iam_policy_documents() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(decode_policy_document(enc).unwrap(), r#"{"Version":"2012-10-17","Statement":[]}"#);
        let plain = r#"{"a":"100%25"}"#;
        assert_eq!(decode_policy_document(plain).unwrap(), plain);
        assert!(decode_policy_document("%7").is_none());
        assert!(decode_policy_document("%FF%FE").is_none());
    }

    #[test]
    fn role_names_from_arns() {
        assert_eq!(role_name_from_arn("arn:aws:iam::123456789012:role/path/to/name"), Some("name"));
        assert_eq!(role_name_from_arn("arn:aws-cn:iam::123456789012:role/r"), Some("r"));
        assert_eq!(role_name_from_arn("arn:aws:iam::123456789012:user/u"), None);
        assert_eq!(role_name_from_arn("just-a-name"), None);
    }

    #[test]
    fn secrets_are_redacted() {
        let m = Minted {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("s3cr3t-value"),
            session_token: Secret::new("t0k3n-value"),
            expiration: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            assumed_role_arn: "arn:aws:sts::123456789012:assumed-role/r/s".into(),
            assumed_role_id: None,
        };
        for s in [format!("{m:?}"), m.to_string(), format!("{m:#?}")] {
            assert!(!s.contains("s3cr3t-value") && !s.contains("t0k3n-value"), "{s}");
        }
        assert_eq!(m.expiration_rfc3339(), "2027-01-15T08:00:00Z");
        let env = m.env_pairs();
        assert_eq!(env[1], ("AWS_SECRET_ACCESS_KEY", "s3cr3t-value"));
        assert_eq!(env[3], ("AWS_SECURITY_TOKEN", "t0k3n-value"));
        let e = AwsError::new(
            AwsErrorKind::Other,
            OP_GET_CALLER_IDENTITY,
            Parts::service("X", "echo s3cr3t-value"),
            &m.secrets(),
        );
        assert!(!e.to_string().contains("s3cr3t-value"));
    }
}
