//! Every secret the tests' contributors and curators use, in one place,
//! so that the log test can look for each of them.

/// The e-mail address a contributor leaves as the author of a proposal
/// (the API's `x-author` header and the upload form's `author` field).
pub const CONTRIBUTOR_EMAIL: &str = "maraichere.discrete@example.org";

/// A wrong password tried at the curators' login.
pub const WRONG_PASSWORD: &str = "Mauvais-Mot-De-Passe-9431";

/// A bearer token a client sends (the server takes none, but must not log
/// the header either).
pub const BEARER_TOKEN: &str = "jeton-porteur-7f3a91c2d4e5";

/// A cookie of another site a browser might send along.
pub const FOREIGN_COOKIE: &str = "biscuit-etranger-55d1e0";

/// The secrets known before a run; the curator's password, the session,
/// visitor and CSRF values are added as the server hands them out.
pub fn fixed() -> Vec<String> {
    [
        CONTRIBUTOR_EMAIL,
        WRONG_PASSWORD,
        BEARER_TOKEN,
        FOREIGN_COOKIE,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The forms a secret may take in a request: as it is, and percent-encoded
/// as in a form body (`@` as `%40`).
pub fn spellings(secret: &str) -> Vec<String> {
    let encoded: String = secret
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if encoded == secret {
        vec![secret.to_owned()]
    } else {
        vec![secret.to_owned(), encoded]
    }
}
