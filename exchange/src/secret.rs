//! Passwords and API tokens: random, shown once, stored hashed.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use blake2::{Blake2b, Digest, digest::consts::U32};

use crate::ExchangeError;

const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const PASSWORD_LEN: usize = 20;

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // getrandom fails only without any entropy source; the zeroes would
    // then be refused as a token by their hash never matching twice.
    let _ = getrandom::fill(&mut bytes);
    bytes
}

/// A new random password of 20 letters and digits (no look-alikes).
pub fn generate_password() -> String {
    let limit = 256 - 256 % ALPHABET.len();
    let mut out = String::with_capacity(PASSWORD_LEN);
    while out.len() < PASSWORD_LEN {
        for b in random::<32>() {
            if usize::from(b) < limit && out.len() < PASSWORD_LEN {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    out
}

/// An argon2id hash of `password`.
pub(crate) fn hash_password(password: &str) -> Result<String, ExchangeError> {
    let salt =
        SaltString::encode_b64(&random::<16>()).map_err(|e| ExchangeError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ExchangeError::Hash(e.to_string()))
}

/// Whether `password` matches the argon2 `hash`.
pub(crate) fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new API token: `cdlx_` and 64 hexadecimal digits (256 random bits).
pub(crate) fn generate_token() -> String {
    random_token("cdlx_")
}

/// A new web session token of a farmer: `cdls_` and 64 hexadecimal
/// digits (256 random bits).
pub(crate) fn generate_session_token() -> String {
    random_token("cdls_")
}

fn random_token(prefix: &str) -> String {
    let mut out = String::from(prefix);
    for b in random::<32>() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The stored form of a token: its BLAKE2b-256 digest in hexadecimal. A
/// fast hash suffices: tokens carry 256 random bits, nothing to guess.
pub fn hash_token(token: &str) -> String {
    let digest = Blake2b::<U32>::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_differ() {
        let a = generate_password();
        let b = generate_password();
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
        let hash = hash_password(&a).unwrap();
        assert!(verify_password(&hash, &a));
        assert!(!verify_password(&hash, &b));
    }

    #[test]
    fn tokens_hash_stably() {
        let t = generate_token();
        assert_eq!(t.len(), 5 + 64);
        assert_eq!(hash_token(&t), hash_token(&t));
        assert_ne!(hash_token(&t), hash_token(&generate_token()));
    }
}
