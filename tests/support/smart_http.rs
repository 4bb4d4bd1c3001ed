//! A tiny HTTP/1.1 server on loopback that serves Git repositories with
//! the smart HTTP protocol, by running the stock `git http-backend` as a
//! CGI program for each request.
//!
//! It exists so that tests can exercise a registry's HTTP transport
//! without network access or extra packages. It handles one connection at
//! a time, closes every connection after its response (`Connection:
//! close`), accepts `Content-Length` and `Transfer-Encoding: chunked`
//! request bodies, and passes every other request header to the CGI
//! program as `HTTP_*` (so `Git-Protocol: version=2` reaches it as
//! `HTTP_GIT_PROTOCOL`, and a `Content-Encoding: gzip` body is
//! decompressed by `git http-backend` itself). It stops when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Largest request header section and body the server reads.
const MAX_HEADER_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// A connection that stays silent this long is dropped.
const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// One request the server answered: method, path (with query) and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// `GET`, `POST`...
    pub method: String,
    /// The request target, e.g. `/contrib.git/info/refs?service=git-upload-pack`.
    pub target: String,
    /// The status code sent back.
    pub status: u16,
    /// Request headers, lower-case names, in order.
    pub headers: Vec<(String, String)>,
    /// The request body, decoded from chunks if it came in chunks (but
    /// still compressed if it was sent with a `Content-Encoding`).
    pub body: Vec<u8>,
}

/// A smart-HTTP Git server on `127.0.0.1`, serving every repository under
/// a folder (`GIT_PROJECT_ROOT`) at `http://127.0.0.1:PORT/<name>`.
/// Dropping it stops the server thread and waits for it.
pub struct GitHttpServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    served: Arc<Mutex<Vec<Served>>>,
    thread: Option<JoinHandle<()>>,
}

impl GitHttpServer {
    /// Serves the repositories under `root` on a free loopback port.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    #[allow(clippy::expect_used)]
    pub fn serve(root: &Path) -> GitHttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(Mutex::new(Vec::new()));
        let root = root.to_owned();
        let thread = {
            let stop = Arc::clone(&stop);
            let served = Arc::clone(&served);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    if let Ok(Some(s)) = handle(stream, &root)
                        && let Ok(mut log) = served.lock()
                    {
                        log.push(s);
                    }
                }
            })
        };
        GitHttpServer {
            addr,
            stop,
            served,
            thread: Some(thread),
        }
    }

    /// The URL of the repository `name` (a path under the root, e.g.
    /// `contrib.git`).
    pub fn url(&self, name: &str) -> String {
        format!("http://{}/{name}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request answered so far.
    pub fn served(&self) -> Vec<Served> {
        self.served.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for GitHttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A parsed request head.
struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn bad(msg: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg.to_owned())
}

/// Answers one request on `stream`; `None` when the peer sent nothing
/// (the wake-up connection of [`Drop`]).
fn handle(stream: TcpStream, root: &Path) -> std::io::Result<Option<Served>> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let Some(head) = read_head(&mut reader)? else {
        return Ok(None);
    };
    let mut out = stream;
    if head
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = if head
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        read_chunked(&mut reader)?
    } else {
        let len: usize = head
            .header("content-length")
            .map(|v| v.trim().parse().map_err(|_| bad("bad Content-Length")))
            .transpose()?
            .unwrap_or(0);
        if len > MAX_BODY_BYTES {
            return Err(bad("body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        body
    };
    let (status, headers, payload) = run_cgi(&head, &body, root)?;
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Status",
    };
    let mut response = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in &headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    ));
    out.write_all(response.as_bytes())?;
    out.write_all(&payload)?;
    out.flush()?;
    let _ = out.shutdown(std::net::Shutdown::Write);
    Ok(Some(Served {
        method: head.method,
        target: head.target,
        status,
        headers: head.headers,
        body,
    }))
}

fn read_head(reader: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        if n == 0 {
            if lines.is_empty() {
                return Ok(None);
            }
            return Err(bad("connection closed inside the request head"));
        }
        total += n;
        if total > MAX_HEADER_BYTES {
            return Err(bad("request head too large"));
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(line);
    }
    let mut request_line = lines[0].split(' ');
    let (Some(method), Some(target)) = (request_line.next(), request_line.next()) else {
        return Err(bad("bad request line"));
    };
    let headers = lines[1..]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Some(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
    }))
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line)?;
        let size_text = size_line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size line"))?;
        if body.len() + size > MAX_BODY_BYTES {
            return Err(bad("body too large"));
        }
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// A CGI program's answer: status, headers, body.
type CgiResponse = (u16, Vec<(String, String)>, Vec<u8>);

/// Runs `git http-backend` for the request; returns the status, the
/// response headers and the body.
fn run_cgi(head: &Head, body: &[u8], root: &Path) -> std::io::Result<CgiResponse> {
    let (path, query) = head
        .target
        .split_once('?')
        .unwrap_or((head.target.as_str(), ""));
    let mut cmd = Command::new("git");
    cmd.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_PROJECT_ROOT", PathBuf::from(root))
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REQUEST_METHOD", &head.method)
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(t) = head.header("content-type") {
        cmd.env("CONTENT_TYPE", t);
    }
    for (name, value) in &head.headers {
        if matches!(
            name.as_str(),
            "content-type" | "content-length" | "transfer-encoding" | "connection"
        ) {
            continue;
        }
        let var = format!("HTTP_{}", name.to_ascii_uppercase().replace('-', "_"));
        cmd.env(var, value);
    }
    let mut child = cmd.spawn()?;
    let mut stdin = child.stdin.take().ok_or_else(|| bad("no stdin"))?;
    let input = body.to_vec();
    // Feed the body from another thread: the program may write before it
    // has read everything.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output()?;
    let _ = feeder.join();
    let raw = output.stdout;
    let split = find(&raw, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| find(&raw, b"\n\n").map(|i| (i, 2)));
    let Some((end, sep)) = split else {
        return Ok((
            500,
            Vec::new(),
            b"the CGI program sent no headers\n".to_vec(),
        ));
    };
    let mut status = 200;
    let mut headers = Vec::new();
    for line in String::from_utf8_lossy(&raw[..end]).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("status") {
            status = value
                .split(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(500);
        } else if !name.eq_ignore_ascii_case("content-length") {
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    Ok((status, headers, raw[end + sep..].to_vec()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
