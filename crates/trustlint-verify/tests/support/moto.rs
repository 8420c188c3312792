//! Starts `python -m moto.server -H 127.0.0.1 -p PORT` from the repo's `.venv` (made by
//! `scripts/setup-moto.sh`) or from `TRUSTLINT_MOTO_PYTHON`, and kills it on drop.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use trustlint_verify::{Aws, AwsOptions, CallerCredentials, Secret};

pub struct Moto {
    child: Child,
    pub url: String,
    log: PathBuf,
}

/// The python interpreter that has moto's server, if any.
pub fn moto_python() -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match std::env::var_os("TRUSTLINT_MOTO_PYTHON") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"),
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/Scripts/python.exe"),
        ],
    };
    for py in &candidates {
        let ok = Command::new(py)
            .args(["-c", "import moto.server, flask"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            return Ok(py.clone());
        }
    }
    Err(format!(
        "no python with moto[server] found (tried {candidates:?}); run scripts/setup-moto.sh \
         or set TRUSTLINT_MOTO_PYTHON"
    ))
}

impl Moto {
    /// Starts moto, or returns `None` after printing a skip notice. Under CI (`CI=true`) a missing
    /// moto is a test failure instead.
    pub fn start_or_skip(test: &str) -> Option<Moto> {
        Moto::start_or_skip_with(test, &[])
    }

    /// [`Moto::start_or_skip`] with extra environment variables for the server.
    pub fn start_or_skip_with(test: &str, env: &[(&str, &str)]) -> Option<Moto> {
        match Moto::start_with(env) {
            Ok(m) => Some(m),
            Err(e) if super::in_ci() => panic!("{test}: moto is required under CI: {e}"),
            Err(e) => {
                // Straight to stderr, past the test harness's output capture, so it is seen.
                let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {e}");
                None
            }
        }
    }

    pub fn start() -> Result<Moto, String> {
        Moto::start_with(&[])
    }

    pub fn start_with(env: &[(&str, &str)]) -> Result<Moto, String> {
        let py = moto_python()?;
        let port = free_port();
        let log = std::env::temp_dir().join(format!("trustlint-moto-{}-{port}.log", std::process::id()));
        let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let child = Command::new(&py)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", py.display()))?;
        let mut moto = Moto { child, url: format!("http://127.0.0.1:{port}"), log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = moto.child.try_wait() {
                return Err(format!(
                    "moto exited early ({status}); log:\n{}",
                    std::fs::read_to_string(&moto.log).unwrap_or_default()
                ));
            }
            if answers(port) {
                return Ok(moto);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto did not answer on port {port} within 60s; log:\n{}",
                    std::fs::read_to_string(&moto.log).unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The credentials every fixture call uses: moto maps unknown access keys to its default
/// account, 123456789012.
pub const KEY: &str = "testing";

impl Moto {
    /// A client of the default account (`testing`/`testing`), for setting the server up.
    pub fn aws(&self) -> Aws {
        self.aws_as(KEY, KEY, None)
    }

    /// A client with the given credentials (a session from another account, say).
    pub fn aws_as(&self, key: &str, secret: &str, token: Option<&str>) -> Aws {
        Aws::new(&AwsOptions {
            region: Some("us-east-1".into()),
            endpoint_url: Some(self.url.clone()),
            credentials: Some(CallerCredentials {
                access_key_id: key.into(),
                secret_access_key: Secret::new(secret),
                session_token: token.map(Secret::new),
            }),
            ..AwsOptions::default()
        })
        .expect("SDK config for moto")
    }

    /// Creates a role of the default account with this trust policy; its ARN.
    pub fn create_role(&self, name: &str, trust: &str) -> String {
        create_role_with(&self.aws(), name, trust)
    }
}

/// Creates a role with `aws`'s credentials (so in that client's account); its ARN.
pub fn create_role_with(aws: &Aws, name: &str, trust: &str) -> String {
    let out = aws
        .block_on(aws.iam_client().create_role().role_name(name).assume_role_policy_document(trust).send())
        .expect("create role in moto");
    out.role().expect("created role").arn().to_owned()
}

/// Attaches a managed policy (by ARN) to a role.
pub fn attach(aws: &Aws, role: &str, policy_arn: &str) {
    aws.block_on(aws.iam_client().attach_role_policy().role_name(role).policy_arn(policy_arn).send())
        .expect("attach role policy in moto");
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a loopback port")
}

/// True when an HTTP request to the port gets an HTTP status line back.
fn answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500))
    else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let req = "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.")
}
