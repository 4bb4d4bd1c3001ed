//! SHA-256 digests as the protocol writes them, and the catalogue digest a
//! checkpoint signs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// A SHA-256 digest, written `sha256:` and 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    /// The 64 hex digits, without the `sha256:` prefix.
    pub fn hex(&self) -> String {
        // A table rather than `format!` per byte: every record of a feed
        // page has its digest written.
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for b in self.0 {
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
        out
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

/// A text that is not `sha256:` and 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a digest: `sha256:` and 64 lower-case hex digits are expected")]
pub struct BadDigest(String);

impl FromStr for Digest {
    type Err = BadDigest;
    fn from_str(s: &str) -> Result<Digest, BadDigest> {
        let bad = || BadDigest(s.chars().take(80).collect());
        let hex = s.strip_prefix("sha256:").ok_or_else(bad)?;
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Digest(out))
    }
}

impl Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The digest of a whole catalogue: SHA-256 over the lines
/// `<path> SP <hex SHA-256 of the file> LF`, sorted by path in byte order.
///
/// Order of insertion does not matter; a path given twice is a mistake of
/// the caller and makes [`CatalogueDigest::finish`] answer `None`.
#[derive(Debug, Clone, Default)]
pub struct CatalogueDigest {
    entries: Vec<(String, Digest)>,
}

impl CatalogueDigest {
    /// An empty catalogue.
    pub fn new() -> CatalogueDigest {
        CatalogueDigest::default()
    }

    /// Adds a record file by its path and the digest of its bytes.
    pub fn add(&mut self, path: impl Into<String>, digest: Digest) {
        self.entries.push((path.into(), digest));
    }

    /// How many files were added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no file was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The digest, or `None` when a path was added twice.
    pub fn finish(mut self) -> Option<Digest> {
        self.entries
            .sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        if self.entries.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        let mut hasher = Sha256::new();
        for (path, digest) in &self.entries {
            hasher.update(path.as_bytes());
            hasher.update(b" ");
            hasher.update(digest.hex().as_bytes());
            hasher.update(b"\n");
        }
        Some(Digest(hasher.finalize().into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_read_back_and_refuse_other_forms() {
        let d = Digest::of(b"abc");
        assert_eq!(
            d.to_string(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(d.to_string().parse::<Digest>().unwrap(), d);
        for bad in [
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
            "sha256:ba78",
            "sha1:ba7816bf8f01cfea414140de5dae2223b00361a3",
        ] {
            assert!(bad.parse::<Digest>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_catalogue_digest_is_the_digest_of_its_sorted_lines() {
        let a = Digest::of(b"a");
        let b = Digest::of(b"b");
        let mut one = CatalogueDigest::new();
        one.add("records/software/b.toml", b);
        one.add("records/software/a.toml", a);
        let mut two = CatalogueDigest::new();
        two.add("records/software/a.toml", a);
        two.add("records/software/b.toml", b);
        let expected = Digest::of(
            format!(
                "records/software/a.toml {}\nrecords/software/b.toml {}\n",
                a.hex(),
                b.hex()
            )
            .as_bytes(),
        );
        assert_eq!(one.finish(), Some(expected));
        assert_eq!(two.finish(), Some(expected));
        // Swapping the contents of two records changes it (mix-and-match).
        let mut swapped = CatalogueDigest::new();
        swapped.add("records/software/a.toml", b);
        swapped.add("records/software/b.toml", a);
        assert_ne!(swapped.finish(), Some(expected));
        // Empty: the digest of nothing.
        assert_eq!(CatalogueDigest::new().finish(), Some(Digest::of(b"")));
        // The same path twice is refused.
        let mut twice = CatalogueDigest::new();
        twice.add("records/software/a.toml", a);
        twice.add("records/software/a.toml", b);
        assert_eq!(twice.finish(), None);
    }
}
