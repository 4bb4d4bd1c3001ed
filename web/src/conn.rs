//! Connection-level defences of [`crate::serve`]: a cap on open
//! connections per client address, an idle watchdog for each connection,
//! and bodies for the bare error answers hyper writes itself (400, 414,
//! 431) before a request ever reaches the router.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use hyper_util::server::graceful::GracefulConnection;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::i18n::Lang;

/// Open connections per client address, with a ceiling.
#[derive(Debug)]
pub(crate) struct PerClient {
    max: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One counted connection; the count goes down when it is dropped.
#[derive(Debug)]
pub(crate) struct Counted {
    owner: Arc<PerClient>,
    ip: IpAddr,
}

impl PerClient {
    /// At most `max` connections per address (0: no ceiling).
    pub(crate) fn new(max: usize) -> Arc<PerClient> {
        Arc::new(PerClient {
            max,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// Counts a new connection from `ip`, or `None` when that address has
    /// reached the ceiling.
    pub(crate) fn enter(self: &Arc<Self>, ip: IpAddr) -> Option<Counted> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(ip).or_insert(0);
        if self.max > 0 && *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Counted {
            owner: Arc::clone(self),
            ip,
        })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self
            .owner
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// What a connection is doing: requests in flight, and when the last one
/// started or ended.
#[derive(Debug)]
pub(crate) struct Activity {
    in_flight: AtomicUsize,
    last: Mutex<Instant>,
}

/// A request in flight; its end counts as activity.
#[derive(Debug)]
pub(crate) struct InFlight(Arc<Activity>);

impl Activity {
    pub(crate) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            last: Mutex::new(Instant::now()),
        })
    }

    /// Marks the start of a request.
    pub(crate) fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.touch();
        InFlight(Arc::clone(self))
    }

    fn touch(&self) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    /// True when no request is in flight and none started or ended within
    /// `idle`.
    fn is_idle(&self, idle: Duration) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0
            && self
                .last
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .elapsed()
                >= idle
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Drives one connection until it ends: it is asked to close gracefully
/// when it has been idle for `idle` (no request in flight and none
/// started: a silent client, an idle keep-alive, or an HTTP/2 client
/// holding an unfinished header block) or when `stop` fires; a connection
/// still open `grace` after that is dropped.
pub(crate) async fn drive<C: GracefulConnection>(
    conn: C,
    activity: Arc<Activity>,
    idle: Duration,
    grace: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut conn = std::pin::pin!(conn);
    let mut deadline: Option<Pin<Box<tokio::time::Sleep>>> = None;
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            changed = stop.changed(), if deadline.is_none() => {
                if changed.is_err() || *stop.borrow() {
                    conn.as_mut().graceful_shutdown();
                    deadline = Some(Box::pin(tokio::time::sleep(grace)));
                }
            }
            () = tokio::time::sleep(idle), if deadline.is_none() => {
                if activity.is_idle(idle) {
                    conn.as_mut().graceful_shutdown();
                    deadline = Some(Box::pin(tokio::time::sleep(idle)));
                }
            }
            () = async { if let Some(d) = deadline.as_mut() { d.await } }, if deadline.is_some() => return,
        }
    }
}

/// The status lines of the answers hyper writes itself, with an empty
/// body, when it cannot parse a request head.
const BARE: [(&[u8], StatusCode); 3] = [
    (b"HTTP/1.1 400 ", StatusCode::BAD_REQUEST),
    (b"HTTP/1.1 414 ", StatusCode::URI_TOO_LONG),
    (
        b"HTTP/1.1 431 ",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    ),
];

/// How many bytes of a request's start are kept to tell an API request
/// (`GET /api/…`) from a page.
const START: usize = 16;

/// A stream that replaces hyper's bare error answers (no body) with a
/// complete one: an `application/problem+json` document for `/api/`
/// addresses, the HTML error page otherwise. hyper writes those answers
/// only for request heads it cannot parse, then closes the connection, so
/// the replacement is the last thing written.
#[derive(Debug)]
pub(crate) struct Guarded<S> {
    inner: S,
    /// The first bytes of the current request.
    start: Vec<u8>,
    /// True when the next bytes read begin a request.
    at_start: bool,
    /// A replacement being written: (bytes, written so far).
    replacing: Option<(Vec<u8>, usize)>,
}

impl<S> Guarded<S> {
    pub(crate) fn new(inner: S) -> Guarded<S> {
        Guarded {
            inner,
            start: Vec::with_capacity(START),
            at_start: true,
            replacing: None,
        }
    }

    /// The replacement for `head` when it is one of hyper's bare answers.
    fn replacement(&self, head: &[u8]) -> Option<Vec<u8>> {
        let (_, status) = BARE.iter().find(|(line, _)| head.starts_with(line))?;
        let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
        let lower = head[..end + 4].to_ascii_lowercase();
        if !lower.windows(19).any(|w| w == b"content-length: 0\r\n") {
            return None;
        }
        let api = self
            .start
            .split(|b| *b == b' ')
            .nth(1)
            .is_some_and(|path| path.starts_with(b"/api/"));
        Some(bare_answer(*status, api))
    }
}

/// A complete answer for an error found before routing.
pub(crate) fn bare_answer(status: StatusCode, api: bool) -> Vec<u8> {
    let (content_type, body) = if api {
        let code = crate::error::code_of(status);
        let body = serde_json::json!({
            "type": format!("/api/v1/problems/{code}"),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "code": code,
        });
        ("application/problem+json", body.to_string())
    } else {
        let lang = Lang::Fr;
        let message = crate::error::generic_message(lang, status);
        (
            "text/html; charset=utf-8",
            crate::pages::error_page(lang, status, message, None),
        )
    };
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\ncache-control: no-cache\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len()
    );
    for (name, value) in crate::security::security_headers() {
        out.push_str(name.as_str());
        out.push_str(": ");
        out.push_str(value.to_str().unwrap_or(""));
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out.into_bytes()
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let new = &buf.filled()[before..];
            if this.at_start && !new.is_empty() {
                this.start.clear();
                this.at_start = false;
            }
            let room = START.saturating_sub(this.start.len());
            this.start.extend_from_slice(&new[..new.len().min(room)]);
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> Guarded<S> {
    /// Writes the pending replacement; `Ready(Ok(()))` once all of it is out.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.replacing {
            if *done >= bytes.len() {
                return Poll::Ready(Ok(()));
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*done..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *done += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none()
            && let Some(bytes) = this.replacement(buf)
        {
            this.replacing = Some((bytes, 0));
        }
        if this.replacing.is_some() {
            // hyper's bare answer is swallowed whole: it is told that all of
            // it was written once the replacement is out.
            return match this.poll_replacement(cx) {
                Poll::Ready(Ok(())) => Poll::Ready(Ok(buf.len())),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            };
        }
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = result
            && n > 0
        {
            this.at_start = true;
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs.iter().find(|b| !b.is_empty());
        let bare = this.replacing.is_some()
            || first.is_some_and(|b| BARE.iter().any(|(line, _)| b.starts_with(line)));
        if bare {
            // Rare: one contiguous buffer keeps the check simple.
            let joined: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
            return Pin::new(this).poll_write(cx, &joined);
        }
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = result
            && n > 0
        {
            this.at_start = true;
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.replacing.is_some() {
            match this.poll_replacement(cx) {
                Poll::Ready(Ok(())) => {}
                other => return other,
            }
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// Waits until `stream` has sent enough to tell an HTTP/2 client (prior
/// knowledge preface) from an HTTP/1 one, at most `within`: `Some(true)`
/// for HTTP/2, `Some(false)` for anything else, `None` when the client
/// sent nothing in time or closed.
pub(crate) async fn sniff_h2(stream: &tokio::net::TcpStream, within: Duration) -> Option<bool> {
    const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    let work = async {
        let mut buf = [0u8; 24];
        loop {
            let n = stream.peek(&mut buf).await.ok()?;
            if n == 0 {
                return None;
            }
            if buf[..n] != PREFACE[..n] {
                return Some(false);
            }
            if n == PREFACE.len() {
                return Some(true);
            }
            // Part of the preface: wait for the rest (peek would return
            // the same bytes at once).
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(within, work).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_counts_down_on_close() {
        let per = PerClient::new(2);
        let ip = IpAddr::from([127, 0, 0, 1]);
        let a = per.enter(ip).unwrap();
        let _b = per.enter(ip).unwrap();
        assert!(per.enter(ip).is_none(), "the third is refused");
        assert!(per.enter(IpAddr::from([10, 0, 0, 1])).is_some());
        drop(a);
        assert!(per.enter(ip).is_some(), "a closed one frees a place");
    }

    #[test]
    fn bare_answers_get_a_body() {
        let mut g = Guarded::new(());
        g.start = b"GET /api/v1/sea".to_vec();
        let bytes = g
            .replacement(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n")
            .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{text}");
        assert!(text.contains("application/problem+json"));
        assert!(text.contains("\"status\":414"));
        g.start = b"GET /search?q=".to_vec();
        let text = String::from_utf8(
            g.replacement(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
            )
            .unwrap(),
        )
        .unwrap();
        assert!(text.contains("text/html"), "{text}");
        assert!(text.contains("431"));
        // Our own answers have bodies: never replaced.
        assert!(
            g.replacement(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n")
                .is_none()
        );
        assert!(
            g.replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .is_none()
        );
    }
}
