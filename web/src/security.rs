//! Security helpers: random tokens, cookies, CSRF tokens, curator
//! sessions, per-client rate limits and the response headers every page
//! carries.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::Quota;
use governor::clock::{Clock, MonotonicClock};
use governor::nanos::Nanos;
use governor::state::StateStore;
use lru::LruCache;

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
/// The cookie holding a farmer's session token at the exchange (stored
/// hashed in the exchange's database; the farmer's CSRF token is derived
/// from it).
pub const FARMER_COOKIE: &str = "__Host-cdl_farmer";

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

/// Rate limits per key (a client address by default): `burst` requests at
/// once, refilled at `per_hour` per hour.
///
/// The arithmetic is governor's (GCRA, one timestamp per key). The state
/// store is this crate's own, for two things governor's keyed stores lack:
/// a hard bound on memory (at most [`MAX_TRACKED`] keys, the least recently
/// seen forgotten first, each step O(1) whatever the number of keys) and
/// the login's needs to give a token back ([`refund`](Self::refund)) and to
/// clear a key ([`forget`](Self::forget)).
pub struct RateLimiter<K: Hash + Eq + Clone = IpAddr> {
    limiter: governor::RateLimiter<K, BoundedStore<K>, MonotonicClock>,
    store: BoundedStore<K>,
    /// The time one token takes to come back.
    interval: Nanos,
}

impl<K: Hash + Eq + Clone> std::fmt::Debug for RateLimiter<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("tracked", &self.tracked())
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// The most keys a limiter remembers: past it, the least recently seen is
/// forgotten (its bucket refills at once). About 64 bytes each.
pub const MAX_TRACKED: usize = 100_000;

/// The most burst a limiter allows, so that its arithmetic in nanoseconds
/// cannot overflow with the longest refill period.
const MAX_BURST: u32 = 10_000;

/// A key's state: governor's "theoretical arrival time", in nanoseconds
/// since the limiter's start, in a least-recently-used map.
struct BoundedStore<K: Hash + Eq>(Arc<Mutex<LruCache<K, Nanos>>>);

impl<K: Hash + Eq> Clone for BoundedStore<K> {
    fn clone(&self) -> Self {
        BoundedStore(Arc::clone(&self.0))
    }
}

impl<K: Hash + Eq> BoundedStore<K> {
    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<K, Nanos>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<K: Hash + Eq + Clone> StateStore for BoundedStore<K> {
    type Key = K;

    fn measure_and_replace<T, F, E>(&self, key: &K, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        // One lock around read and write: no lost update, so no retry loop.
        let mut map = self.lock();
        let (result, next) = f(map.get(key).copied())?;
        map.put(key.clone(), next);
        Ok(result)
    }
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// A limiter allowing `burst` at once and `per_hour` per hour (0: a
    /// token comes back after a year).
    pub fn new(burst: u32, per_hour: u32) -> RateLimiter<K> {
        RateLimiter::with_capacity(burst, per_hour, MAX_TRACKED)
    }

    /// The same, remembering at most `capacity` keys.
    pub fn with_capacity(burst: u32, per_hour: u32, capacity: usize) -> RateLimiter<K> {
        let period = match per_hour {
            0 => Duration::from_secs(365 * 24 * 3600),
            n => Duration::from_secs(3600) / n,
        };
        let burst = NonZeroU32::new(burst.clamp(1, MAX_BURST)).unwrap_or(NonZeroU32::MIN);
        // `period` is at least 3600 s / u32::MAX, so never zero.
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_hour(NonZeroU32::MIN))
            .allow_burst(burst);
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        let store = BoundedStore(Arc::new(Mutex::new(LruCache::new(capacity))));
        RateLimiter {
            limiter: governor::RateLimiter::new(quota, store.clone(), MonotonicClock),
            store,
            interval: Nanos::from(quota.replenish_interval()),
        }
    }

    /// Takes one token for `key`: `Ok` if allowed, else `Err(seconds to wait)`.
    pub fn check(&self, key: K) -> Result<(), u64> {
        self.limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(MonotonicClock.now());
            wait.as_secs()
                .saturating_add(u64::from(wait.subsec_nanos() > 0))
                .max(1)
        })
    }

    /// Gives back the token a [`check`](Self::check) of `key` took (an
    /// attempt that turned out not to count).
    pub fn refund(&self, key: &K) {
        let mut map = self.store.lock();
        if let Some(tat) = map.get_mut(key) {
            *tat = tat.saturating_sub(self.interval);
        }
    }

    /// Forgets `key`: its bucket is full again.
    pub fn forget(&self, key: &K) {
        self.store.lock().pop(key);
    }

    /// How many keys are remembered.
    pub fn tracked(&self) -> usize {
        self.store.lock().len()
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
    fn the_wait_is_the_time_a_token_takes_to_come_back() {
        // One per minute: refused at once, the answer says up to 60 s.
        let limiter: RateLimiter<u32> = RateLimiter::new(1, 60);
        assert!(limiter.check(7).is_ok());
        let wait = limiter.check(7).unwrap_err();
        assert!((59..=60).contains(&wait), "{wait}");
        // A refused attempt takes nothing: the wait does not grow.
        assert!(limiter.check(7).unwrap_err() <= 60);
    }

    #[test]
    fn memory_is_bounded_and_the_least_recent_key_goes_first() {
        let limiter: RateLimiter<u32> = RateLimiter::with_capacity(1, 0, 1_000);
        for key in 0..5_000 {
            assert!(limiter.check(key).is_ok(), "{key}");
        }
        assert_eq!(limiter.tracked(), 1_000);
        // The last thousand are remembered (and limited), the first forgotten.
        assert!(limiter.check(4_999).is_err());
        assert!(limiter.check(4_000).is_err());
        assert!(limiter.check(0).is_ok());
        assert_eq!(limiter.tracked(), 1_000);
    }

    #[test]
    fn a_flood_of_addresses_stays_within_the_bound() {
        // Past the bound each check is one map step, not a scan: 150,000
        // addresses, each limited once, the map never larger.
        let limiter = RateLimiter::new(1, 0);
        for n in 0u32..150_000 {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | n));
            assert!(limiter.check(ip).is_ok());
            assert!(limiter.check(ip).is_err());
        }
        assert_eq!(limiter.tracked(), MAX_TRACKED);
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
