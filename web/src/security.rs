//! Security helpers: random tokens, cookies, CSRF tokens, curator
//! sessions, per-client rate limits and the response headers every page
//! carries.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::state::AppState;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// The strict Content-Security-Policy of every response: nothing but the
/// site's own style sheet and images; no script at all.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The cookie holding a visitor's random id: without a curator session,
/// the CSRF token is derived from it. Its `__Host-` prefix (host-only,
/// `Path=/`, `Secure`) keeps sibling hosts and plain-HTTP pages from
/// planting one; see [`cookie_name`].
pub const VISITOR_COOKIE: &str = "__Host-cdl_visitor";
/// The form field holding the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// The cookie holding a curator's session token (the CSRF token of a
/// curator is derived from it).
pub const SESSION_COOKIE: &str = "__Host-cdl_session";

/// The name a cookie is sent under: with `secure` cookies, the `__Host-`
/// name; without (plain-HTTP tests), browsers refuse that prefix, so the
/// name without it.
pub fn cookie_name(name: &'static str, secure: bool) -> &'static str {
    if secure {
        name
    } else {
        name.trim_start_matches("__Host-")
    }
}

/// The per-process secret CSRF tokens are derived with: a token is a keyed
/// BLAKE2b MAC of the session (or visitor) id, so it cannot be chosen by
/// the client, and a token of one session is worthless in another. A
/// restart makes new tokens (forms open at that moment are refused once).
pub struct CsrfKey([u8; 32]);

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(…)")
    }
}

impl CsrfKey {
    /// A fresh random key.
    pub fn random() -> CsrfKey {
        CsrfKey(random_bytes::<32>())
    }

    /// The CSRF token bound to `binding` (`session:…` or `visitor:…`):
    /// 32 hexadecimal digits, like [`new_token`].
    pub fn token(&self, binding: &str) -> String {
        use blake2::digest::{KeyInit, Mac};
        let Ok(mut mac) = <blake2::Blake2bMac512 as KeyInit>::new_from_slice(&self.0) else {
            // A 32-byte key is always valid for BLAKE2b; should it not be,
            // no form passes rather than every form.
            return String::new();
        };
        mac.update(b"cdl-csrf\0");
        mac.update(binding.as_bytes());
        let out = mac.finalize().into_bytes();
        hex(&out[..16])
    }
}
/// The cookie holding the chosen language.
pub const LANG_COOKIE: &str = "cdl_lang";

/// `N` random bytes from the operating system.
///
/// # Panics
/// When the operating system has no random source, which no supported
/// system lacks: a server without randomness must not run.
#[allow(clippy::expect_used)]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system provides random bytes");
    buf
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A fresh random token: 32 hexadecimal digits (128 bits).
pub fn new_token() -> String {
    hex(&random_bytes::<16>())
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// True for a token as [`new_token`] makes them.
pub fn is_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The value of cookie `name` in the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Path=/`, and
/// `Secure` when `secure`. `max_age` in seconds; `None` for a session cookie.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<u64>) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        s.push_str("; Secure");
    }
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The CSRF token of the current request (derived from its session or
/// visitor id), put in the request extensions by the cookies middleware.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The client's address: the peer address, or the first
/// `X-Forwarded-For` entry when the configuration trusts it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok())
        {
            return Ok(ClientIp(ip));
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}

/// The headers added to every response.
pub fn security_headers() -> [(HeaderName, HeaderValue); 5] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "interest-cohort=(), camera=(), microphone=(), geolocation=()",
            ),
        ),
    ]
}

/// Token buckets per key (a client address by default): `burst` requests
/// at once, refilled at `per_hour` per hour.
#[derive(Debug)]
pub struct RateLimiter<K = IpAddr> {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

/// The most keys tracked before full buckets are forgotten.
const MAX_TRACKED: usize = 100_000;

impl<K: std::hash::Hash + Eq + Clone> RateLimiter<K> {
    /// A limiter allowing `burst` at once and `per_hour` per hour.
    pub fn new(burst: u32, per_hour: u32) -> RateLimiter<K> {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_hour) / 3600.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`: `Ok` if allowed, else `Err(seconds to wait)`.
    pub fn check(&self, key: K) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_TRACKED {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| {
                *tokens + rate * now.duration_since(*at).as_secs_f64() < burst
            });
        }
        let (tokens, at) = buckets.entry(key).or_insert((self.burst, now));
        let refilled =
            (*tokens + self.per_second * now.duration_since(*at).as_secs_f64()).min(self.burst);
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            *at = now;
            Ok(())
        } else {
            *tokens = refilled;
            *at = now;
            let wait = if self.per_second > 0.0 {
                ((1.0 - refilled) / self.per_second).ceil()
            } else {
                3600.0
            };
            // A float of at most a few hours: the cast cannot truncate.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Err(wait.max(1.0) as u64)
        }
    }

    /// Gives back the token a [`check`](Self::check) of `key` took (an
    /// attempt that turned out not to count).
    pub fn refund(&self, key: &K) {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((tokens, _)) = buckets.get_mut(key) {
            *tokens = (*tokens + 1.0).min(self.burst);
        }
    }

    /// Forgets `key`: its bucket is full again.
    pub fn forget(&self, key: &K) {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }
}

/// The key of a curator account in the login limiter: its name as typed,
/// trimmed, lowercased and cut to 64 characters (a flood of long names
/// keeps bounded keys).
pub fn account_key(name: &str) -> String {
    name.trim().to_lowercase().chars().take(64).collect()
}

/// A curator's session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The curator's name.
    pub curator: String,
    /// When it ends unless used again.
    expires: Instant,
}

/// Curators' sessions, in memory: a restart logs everyone out.
#[derive(Debug)]
pub struct Sessions {
    idle: Duration,
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Sessions that end after `idle` without activity.
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            idle,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Opens a session for `curator` and returns its token.
    pub fn open(&self, curator: &str) -> String {
        let token = new_token();
        let now = Instant::now();
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, s| s.expires > now);
        map.insert(
            token.clone(),
            Session {
                curator: curator.to_owned(),
                expires: now + self.idle,
            },
        );
        token
    }

    /// The session of `token`, extended, if it is still open.
    pub fn get(&self, token: &str) -> Option<Session> {
        let now = Instant::now();
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.get_mut(token) {
            Some(s) if s.expires > now => {
                s.expires = now + self.idle;
                Some(s.clone())
            }
            Some(_) => {
                map.remove(token);
                None
            }
            None => None,
        }
    }

    /// Ends the session of `token`.
    pub fn close(&self, token: &str) {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limiter_allows_a_burst_then_refuses() {
        let limiter = RateLimiter::new(2, 1);
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        let wait = limiter.check(ip).unwrap_err();
        assert!(wait > 0);
        assert!(
            limiter
                .check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
                .is_ok()
        );
    }

    #[test]
    fn refunds_and_forgetting_give_tokens_back() {
        let limiter: RateLimiter<String> = RateLimiter::new(1, 0);
        let key = account_key("  Alice ");
        assert_eq!(key, "alice");
        assert!(limiter.check(key.clone()).is_ok());
        assert!(limiter.check(key.clone()).is_err());
        limiter.refund(&key);
        assert!(limiter.check(key.clone()).is_ok());
        limiter.forget(&key);
        assert!(limiter.check(key).is_ok());
    }

    #[test]
    fn cookies_are_found() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-cdl_visitor=xyz; b=2"),
        );
        assert_eq!(cookie(&headers, VISITOR_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn sessions_open_and_close() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let token = sessions.open("alice");
        assert!(is_token(&token));
        assert_eq!(sessions.get(&token).unwrap().curator, "alice");
        sessions.close(&token);
        assert!(sessions.get(&token).is_none());
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_id_and_key() {
        let key = CsrfKey::random();
        let a = key.token("visitor:0123");
        assert!(is_token(&a), "{a}");
        assert_eq!(a, key.token("visitor:0123"));
        assert_ne!(a, key.token("visitor:0124"));
        assert_ne!(a, key.token("session:0123"));
        assert_ne!(a, CsrfKey::random().token("visitor:0123"));
        assert_eq!(cookie_name(SESSION_COOKIE, true), "__Host-cdl_session");
        assert_eq!(cookie_name(SESSION_COOKIE, false), "cdl_session");
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
