//! A registry's key pair, its public key and the fingerprint people compare.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{KeyError, KeyFileError};

/// How a key file starts, so that a file of another kind is not taken for
/// a key.
const KEY_FILE_HEADER: &str = "conservatoire-federation-key/1 ed25519\n";

/// A registry's signing identity: its Ed25519 key pair.
///
/// The secret half never leaves this type except into the key file, whose
/// permissions are the owner's only.
pub struct Identity {
    key: SigningKey,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret.
        f.debug_struct("Identity")
            .field("fingerprint", &self.public().fingerprint())
            .finish()
    }
}

impl Identity {
    /// A new key pair from the operating system's random source.
    pub fn generate() -> Result<Identity, KeyError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Identity::from_secret(secret))
    }

    /// The key pair of a 32-byte secret (tests use fixed secrets).
    pub fn from_secret(secret: [u8; 32]) -> Identity {
        Identity {
            key: SigningKey::from_bytes(&secret),
        }
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }

    /// Signs `message` (the DSSE pre-authentication encoding, in practice).
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    /// Reads the key file at `path`, or makes a new key pair and writes it
    /// there, readable by its owner only, when there is none. Returns the
    /// identity and whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(Identity, bool), KeyFileError> {
        match fs::read_to_string(path) {
            Ok(text) => Ok((Identity::parse_file(path, &text)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let identity = Identity::generate().map_err(|source| KeyFileError::Key {
                    path: path.to_owned(),
                    source,
                })?;
                identity.write_new(path)?;
                Ok((identity, true))
            }
            Err(source) => Err(KeyFileError::Io {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Reads the key file at `path`.
    pub fn load(path: &Path) -> Result<Identity, KeyFileError> {
        let text = fs::read_to_string(path).map_err(|source| KeyFileError::Io {
            path: path.to_owned(),
            source,
        })?;
        Identity::parse_file(path, &text)
    }

    fn parse_file(path: &Path, text: &str) -> Result<Identity, KeyFileError> {
        check_private(path)?;
        let body = text
            .strip_prefix(KEY_FILE_HEADER)
            .ok_or_else(|| KeyFileError::NotAKeyFile {
                path: path.to_owned(),
            })?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| KeyFileError::NotAKeyFile {
                path: path.to_owned(),
            })?;
        Ok(Identity::from_secret(bytes))
    }

    /// Writes a new key file; refuses to replace an existing one, so that
    /// a key is never lost by accident.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyFileError> {
        let io = |source| KeyFileError::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io)?;
        let text = format!(
            "{KEY_FILE_HEADER}{}\n",
            URL_SAFE_NO_PAD.encode(self.key.to_bytes())
        );
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)
    }
}

/// Refuses a key file that others can read or write.
fn check_private(path: &Path) -> Result<(), KeyFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path).map_err(|source| KeyFileError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyFileError::NotPrivate {
                path: path.to_owned(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// An Ed25519 public key, written as 43 characters of unpadded base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey(pub(crate) [u8; 32]);

impl PublicKey {
    /// The key's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The short form people compare: `ed25519:` and the first 32 hex
    /// digits of the SHA-256 of the key.
    pub fn fingerprint(&self) -> Fingerprint {
        let digest = Sha256::digest(self.0);
        let mut short = [0u8; 16];
        short.copy_from_slice(&digest[..16]);
        Fingerprint(short)
    }

    /// Whether `signature` is this key's signature of `message` (strict
    /// verification: no malleable or small-order forms).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.0) else {
            return false;
        };
        key.verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl FromStr for PublicKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<PublicKey, KeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| KeyError::BadPublicKey(s.chars().take(60).collect()))?;
        Ok(PublicKey(bytes))
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PublicKey, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A key's fingerprint: `ed25519:` and 32 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 16]);

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ed25519:")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl FromStr for Fingerprint {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Fingerprint, KeyError> {
        let bad = || KeyError::BadFingerprint(s.chars().take(60).collect());
        let hex = s.trim().strip_prefix("ed25519:").ok_or_else(bad)?;
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let mut out = [0u8; 16];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Fingerprint(out))
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Fingerprint, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_back_and_refuse_other_forms() {
        let key = Identity::from_secret([7; 32]).public();
        let fp = key.fingerprint();
        let shown = fp.to_string();
        assert!(
            shown.starts_with("ed25519:") && shown.len() == 40,
            "{shown}"
        );
        assert_eq!(shown.parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(
            shown
                .to_uppercase()
                .replace("ED25519", "ed25519")
                .parse::<Fingerprint>()
                .unwrap(),
            fp
        );
        for bad in [
            "",
            "ed25519:",
            "rsa:00",
            &shown[..39],
            &format!("{shown}0"),
            "ed25519:zz000000000000000000000000000000",
        ] {
            assert!(bad.parse::<Fingerprint>().is_err(), "{bad}");
        }
        // Different keys, different fingerprints.
        assert_ne!(Identity::from_secret([8; 32]).public().fingerprint(), fp);
    }

    #[test]
    fn public_keys_read_back() {
        let key = Identity::from_secret([1; 32]).public();
        let text = key.to_string();
        assert_eq!(text.len(), 43);
        assert_eq!(text.parse::<PublicKey>().unwrap(), key);
        assert!(text[..42].parse::<PublicKey>().is_err());
        assert!("not base64!".parse::<PublicKey>().is_err());
    }

    #[test]
    fn key_files_are_private_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("federation").join("key");
        let (made, created) = Identity::load_or_create(&path).unwrap();
        assert!(created);
        let (again, created) = Identity::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(made.public(), again.public());
        // Writing a new key over it is refused.
        assert!(Identity::generate().unwrap().write_new(&path).is_err());
        assert_eq!(Identity::load(&path).unwrap().public(), made.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            let err = Identity::load(&path).unwrap_err();
            assert!(
                matches!(err, KeyFileError::NotPrivate { mode: 0o644, .. }),
                "{err}"
            );
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        // A file that is not a key is named as such.
        let other = dir.path().join("other");
        fs::write(&other, "hello").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&other, fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(matches!(
            Identity::load(&other),
            Err(KeyFileError::NotAKeyFile { .. })
        ));
        // The debug form shows no secret.
        let secret = fs::read_to_string(&path).unwrap();
        let secret = secret.lines().nth(1).unwrap();
        let shown = format!("{made:?}");
        assert!(
            shown.contains("ed25519:") && !shown.contains(secret),
            "{shown}"
        );
    }
}
