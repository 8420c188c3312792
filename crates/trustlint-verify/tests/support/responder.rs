//! A tiny HTTP/1.1 server on 127.0.0.1 that answers every request with one canned response and
//! counts requests. std only: a `TcpListener` in a thread.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, content type, body.
    Canned(u16, &'static str, String),
    /// An STS-style AccessDenied whose message echoes the request's `X-Amz-Security-Token`
    /// header (a hostile server; the client must scrub it).
    EchoSessionToken,
    /// Read the request, then never answer (until the responder is dropped, at most 10 s).
    Hang,
    /// Answers by the query API `Action=` of the form body: the first route whose action matches
    /// and whose `token` (whether the request carries `X-Amz-Security-Token`, `None`: either)
    /// fits; a request no route matches gets a 400 `InvalidAction`.
    ByAction(Vec<Route>),
}

/// One answer of [`Reply::ByAction`].
#[derive(Clone, Debug)]
pub struct Route {
    pub action: &'static str,
    pub token: Option<bool>,
    /// Text the form body must contain (e.g. `Marker=page-2`), `None`: any.
    pub needle: Option<&'static str>,
    pub status: u16,
    pub body: String,
}

impl Route {
    pub fn new(action: &'static str, status: u16, body: String) -> Route {
        Route { action, token: None, needle: None, status, body }
    }

    /// Only for requests whose form body contains `needle`.
    pub fn when(mut self, needle: &'static str) -> Route {
        self.needle = Some(needle);
        self
    }

    pub fn with_token(mut self, token: bool) -> Route {
        self.token = Some(token);
        self
    }
}

/// A successful `sts:GetCallerIdentity` answer.
pub fn caller_identity_xml(arn: &str, account: &str) -> String {
    format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
         <GetCallerIdentityResult>\n    <Arn>{arn}</Arn>\n    <UserId>AIDAEXAMPLEUSERID</UserId>\n    \
         <Account>{account}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    \
         <RequestId>4f7b1c2e-0000-4000-8000-000000000001</RequestId>\n  </ResponseMetadata>\n\
         </GetCallerIdentityResponse>\n"
    )
}

/// A successful `sts:AssumeRole` answer with the given credentials.
pub fn assume_role_xml(arn: &str, access_key: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>\n    \
         <Credentials>\n      <AccessKeyId>{access_key}</AccessKeyId>\n      \
         <SecretAccessKey>{secret}</SecretAccessKey>\n      <SessionToken>{token}</SessionToken>\n      \
         <Expiration>{expiration}</Expiration>\n    </Credentials>\n    <AssumedRoleUser>\n      \
         <Arn>{arn}</Arn>\n      <AssumedRoleId>AROAEXAMPLEROLEID:session</AssumedRoleId>\n    \
         </AssumedRoleUser>\n  </AssumeRoleResult>\n  <ResponseMetadata>\n    \
         <RequestId>4f7b1c2e-0000-4000-8000-000000000002</RequestId>\n  </ResponseMetadata>\n\
         </AssumeRoleResponse>\n"
    )
}

pub struct Responder {
    pub url: String,
    addr: std::net::SocketAddr,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

pub fn sts_error_xml(code: &str, typ: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    \
         <Type>{typ}</Type>\n    <Code>{code}</Code>\n    <Message>{message}</Message>\n  \
         </Error>\n  <RequestId>4f7b1c2e-0000-4000-8000-000000000000</RequestId>\n</ErrorResponse>\n"
    )
}

impl Responder {
    pub fn start(reply: Reply) -> Responder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (h, s, reply) = (h.clone(), s.clone(), reply.clone());
                std::thread::spawn(move || serve(conn, &reply, &h, &s));
            }
        });
        Responder { url: format!("http://{addr}"), addr, hits, stop, thread: Some(thread) }
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(conn: TcpStream, reply: &Reply, hits: &AtomicUsize, stop: &AtomicBool) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(conn.try_clone().expect("clone stream"));
    let mut conn = conn;
    // Keep-alive: answer requests on this connection until the client closes it.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0usize;
        let mut token = String::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    content_length = v.trim().parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("x-amz-security-token") {
                    token = v.trim().to_owned();
                }
            }
        }
        let mut body = vec![0u8; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        hits.fetch_add(1, Ordering::SeqCst);
        let (status, ctype, body) = match reply {
            Reply::Canned(status, ctype, body) => (*status, *ctype, body.clone()),
            Reply::EchoSessionToken => (
                403,
                "text/xml",
                sts_error_xml("AccessDenied", "Sender", &format!("token {token} is not allowed")),
            ),
            Reply::ByAction(routes) => {
                let text = String::from_utf8_lossy(&body);
                let action =
                    text.split('&').find_map(|kv| kv.strip_prefix("Action=")).unwrap_or("").to_owned();
                match routes.iter().find(|r| {
                    r.action == action
                        && r.token.is_none_or(|t| t != token.is_empty())
                        && r.needle.is_none_or(|n| text.contains(n))
                }) {
                    Some(r) => (r.status, "text/xml", r.body.clone()),
                    None => (
                        400,
                        "text/xml",
                        sts_error_xml("InvalidAction", "Sender", &format!("no route for {action}")),
                    ),
                }
            }
            Reply::Hang => {
                let until = Instant::now() + Duration::from_secs(10);
                while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                }
                return;
            }
        };
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            _ => "Status",
        };
        let resp = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
             x-amzn-RequestId: 4f7b1c2e-0000-4000-8000-000000000000\r\n\r\n{body}",
            body.len()
        );
        if conn.write_all(resp.as_bytes()).is_err() {
            return;
        }
    }
}
