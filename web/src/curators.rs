//! Curators' accounts: names and argon2 password hashes in a TOML file
//! that lives beside the registry, never in a commit.
//!
//! ```toml
//! [[curator]]
//! name = "alice"
//! hash = "$argon2id$v=19$m=19456,t=2,p=1$..."
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

use crate::security::random_bytes;

/// The file name used inside the registry folder when none is configured.
pub const DEFAULT_FILE: &str = "cdl-curators.toml";

/// The length of generated passwords, in characters (about 115 bits).
pub const PASSWORD_LEN: usize = 20;

/// Characters of generated passwords: no look-alikes (0/O, 1/l/I).
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The error returned by [`add`] and [`Curators::load`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CuratorError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid curators file.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A curator of that name exists already.
    #[error("a curator named `{name}` exists already")]
    Exists {
        /// The name.
        name: String,
    },
    /// The name is empty, too long or has characters other than letters,
    /// digits, `-`, `_` and `.`.
    #[error("invalid curator name `{name}`: use 1 to 40 letters, digits, `-`, `_` or `.`")]
    BadName {
        /// The name.
        name: String,
    },
    /// Hashing failed (should not happen with valid parameters).
    #[error("cannot hash the password: {message}")]
    Hash {
        /// Why.
        message: String,
    },
}

/// One curator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    hash: String,
}

/// The curators file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    curator: Vec<Entry>,
}

/// The curators read from a file.
#[derive(Debug, Default, Clone)]
pub struct Curators {
    entries: Vec<(String, String)>,
}

impl Curators {
    /// Reads the curators file; a missing file means no curators.
    ///
    /// # Errors
    /// When the file cannot be read or is invalid.
    pub fn load(path: &Path) -> Result<Curators, CuratorError> {
        let file = read(path)?;
        Ok(Curators {
            entries: file.curator.into_iter().map(|e| (e.name, e.hash)).collect(),
        })
    }

    /// How many curators there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no curators.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks a name and password. Costs one argon2 verification (tens of
    /// milliseconds) whether or not the name exists, so that timing does
    /// not reveal names. Blocking: call it off the async executor.
    pub fn verify(&self, name: &str, password: &str) -> bool {
        let argon = Argon2::default();
        match self.entries.iter().find(|(n, _)| n == name) {
            Some((_, hash)) => PasswordHash::new(hash)
                .map(|h| argon.verify_password(password.as_bytes(), &h).is_ok())
                .unwrap_or(false),
            None => {
                // Same work as a real check, then refuse.
                if let Ok(salt) = SaltString::encode_b64(b"conservatoire-no-user") {
                    let _ = argon.hash_password(password.as_bytes(), &salt);
                }
                false
            }
        }
    }
}

fn read(path: &Path) -> Result<File, CuratorError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(File::default()),
        Err(source) => {
            return Err(CuratorError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    toml::from_str(&text).map_err(|e| CuratorError::Invalid {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Generates a password of [`PASSWORD_LEN`] characters.
pub fn generate_password() -> String {
    let mut out = String::with_capacity(PASSWORD_LEN);
    while out.len() < PASSWORD_LEN {
        for b in random_bytes::<32>() {
            // Rejection sampling keeps the distribution uniform.
            let limit = 256 - 256 % ALPHABET.len();
            if usize::from(b) < limit && out.len() < PASSWORD_LEN {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    out
}

/// Hashes a password with argon2id and a random salt.
///
/// # Errors
/// [`CuratorError::Hash`] if hashing fails.
pub fn hash_password(password: &str) -> Result<String, CuratorError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| CuratorError::Hash {
        message: e.to_string(),
    })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CuratorError::Hash {
            message: e.to_string(),
        })
}

/// Adds a curator named `name` to the file at `path` (created with mode
/// 0600 if absent) and returns the generated password, which is stored only
/// as an argon2 hash: show it once.
///
/// # Errors
/// When the name is invalid or taken, or the file cannot be written.
pub fn add(path: &Path, name: &str) -> Result<String, CuratorError> {
    let valid = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        return Err(CuratorError::BadName {
            name: name.to_owned(),
        });
    }
    let mut file = read(path)?;
    if file.curator.iter().any(|e| e.name == name) {
        return Err(CuratorError::Exists {
            name: name.to_owned(),
        });
    }
    let password = generate_password();
    file.curator.push(Entry {
        name: name.to_owned(),
        hash: hash_password(&password)?,
    });
    let text = toml::to_string(&file).map_err(|e| CuratorError::Invalid {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    write_private(path, text.as_bytes()).map_err(|source| CuratorError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(password)
}

/// Writes `bytes` to `path` through a temporary file readable by its owner
/// only, then renames it into place.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("toml.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_then_verify() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("curators.toml");
        let password = add(&path, "alice").unwrap();
        assert_eq!(password.len(), PASSWORD_LEN);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("$argon2id$"), "{text}");
        assert!(!text.contains(&password));
        let curators = Curators::load(&path).unwrap();
        assert!(curators.verify("alice", &password));
        assert!(!curators.verify("alice", "wrong"));
        assert!(!curators.verify("bob", &password));
        assert!(matches!(
            add(&path, "alice"),
            Err(CuratorError::Exists { .. })
        ));
        assert!(matches!(
            add(&path, "a b"),
            Err(CuratorError::BadName { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn passwords_differ() {
        assert_ne!(generate_password(), generate_password());
    }
}
