//! Record identifiers: slugs that can never escape their folder.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest identifier accepted, in bytes.
pub const MAX_ID_LEN: usize = 80;

/// A record identifier: a slug of lower-case ASCII letters, digits and single
/// hyphens (`facil-familles`, `tomate-coeur-de-boeuf-2024`), 1 to
/// [`MAX_ID_LEN`] bytes, starting and ending with a letter or digit.
///
/// Because it has no `/`, no `.` and no control character, `records/<kind>/<id>.toml`
/// always names a file inside the kind's folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RecordId(String);

/// Why a string is not a valid [`RecordId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidId {
    /// The identifier is empty.
    #[error("the id is empty: use a slug such as `facil-familles`")]
    Empty,
    /// The identifier is longer than [`MAX_ID_LEN`].
    #[error("the id is {len} bytes long, more than the {MAX_ID_LEN} allowed: shorten it")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The identifier holds a character outside `a-z`, `0-9` and `-`.
    #[error(
        "the id contains {found:?}: use only lower-case letters a-z, digits and hyphens (try `{suggestion}`)"
    )]
    BadChar {
        /// The first offending character.
        found: char,
        /// A slug made from the given text.
        suggestion: String,
    },
    /// The identifier starts or ends with a hyphen, or has two in a row.
    #[error(
        "the id must start and end with a letter or digit and not contain `--` (try `{suggestion}`)"
    )]
    BadHyphen {
        /// A slug made from the given text.
        suggestion: String,
    },
}

impl InvalidId {
    /// What is wrong, in English (the `Display`) and in French.
    pub fn text(&self) -> crate::Text {
        let fr = match self {
            InvalidId::Empty => {
                "l’identifiant est vide : donnez un nom court comme « facil-familles »".to_owned()
            }
            InvalidId::TooLong { len } => format!(
                "l’identifiant fait {len} octets, plus que les {MAX_ID_LEN} permis : raccourcissez-le"
            ),
            InvalidId::BadChar { found, suggestion } => format!(
                "l’identifiant contient « {} » : n’utilisez que des lettres minuscules a-z, des chiffres et des tirets (essayez « {suggestion} »)",
                found.escape_debug()
            ),
            InvalidId::BadHyphen { suggestion } => format!(
                "l’identifiant doit commencer et finir par une lettre ou un chiffre, sans « -- » (essayez « {suggestion} »)"
            ),
        };
        crate::Text::new(self.to_string(), fr)
    }
}

impl RecordId {
    /// Checks and wraps an identifier.
    ///
    /// # Errors
    /// [`InvalidId`] says what is wrong and suggests a valid slug.
    pub fn new(s: impl Into<String>) -> Result<Self, InvalidId> {
        let s = s.into();
        if s.is_empty() {
            return Err(InvalidId::Empty);
        }
        if s.len() > MAX_ID_LEN {
            return Err(InvalidId::TooLong { len: s.len() });
        }
        if let Some(found) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(InvalidId::BadChar {
                found,
                suggestion: slugify(&s),
            });
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(InvalidId::BadHyphen {
                suggestion: slugify(&s),
            });
        }
        Ok(RecordId(s))
    }

    /// The identifier as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Makes a slug from free text: accents folded, lower-cased, every run of
/// other characters turned into one hyphen, cut to [`MAX_ID_LEN`].
/// Returns `"record"` when nothing usable is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let folded = fold_char(c);
        for f in folded.chars() {
            let f = f.to_ascii_lowercase();
            if f.is_ascii_lowercase() || f.is_ascii_digit() {
                out.push(f);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.len() > MAX_ID_LEN {
        out.truncate(MAX_ID_LEN);
        while out.ends_with('-') {
            out.pop();
        }
    }
    if out.is_empty() {
        out.push_str("record");
    }
    out
}

/// Folds the accented Latin letters of French and its neighbours to ASCII.
fn fold_char(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ß' => "ss",
        c if c.is_ascii_alphanumeric() => ascii_str(c),
        _ => "-",
    }
}

fn ascii_str(c: char) -> &'static str {
    const TABLE: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match TABLE.find(c) {
        Some(i) => &TABLE[i..i + 1],
        None => "-",
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RecordId {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordId::new(s)
    }
}

impl AsRef<str> for RecordId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RecordId::new(s).map_err(|e| {
            let text = e.text();
            serde::de::Error::custom(crate::values::InvalidValue::new(text.en, text.fr).for_serde())
        })
    }
}

impl schemars::JsonSchema for RecordId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RecordId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A slug: lower-case letters a-z, digits and single hyphens; it is also the file name.",
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            "minLength": 1,
            "maxLength": MAX_ID_LEN,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_slugs() {
        for ok in ["a", "facil-familles", "tomate-2024", "x1-y2-z3"] {
            assert_eq!(RecordId::new(ok).unwrap().as_str(), ok);
        }
        assert!(RecordId::new("a".repeat(MAX_ID_LEN)).is_ok());
    }

    #[test]
    fn rejects_escapes_and_oddities() {
        assert_eq!(RecordId::new(""), Err(InvalidId::Empty));
        assert!(matches!(
            RecordId::new(".."),
            Err(InvalidId::BadChar { found: '.', .. })
        ));
        assert!(matches!(
            RecordId::new("../etc/passwd"),
            Err(InvalidId::BadChar { .. })
        ));
        assert!(matches!(
            RecordId::new("a/b"),
            Err(InvalidId::BadChar { found: '/', .. })
        ));
        assert!(matches!(
            RecordId::new("Facil"),
            Err(InvalidId::BadChar { found: 'F', .. })
        ));
        assert!(matches!(
            RecordId::new("a\u{0}b"),
            Err(InvalidId::BadChar { .. })
        ));
        assert!(matches!(
            RecordId::new("a\nb"),
            Err(InvalidId::BadChar { .. })
        ));
        assert!(matches!(
            RecordId::new("-a"),
            Err(InvalidId::BadHyphen { .. })
        ));
        assert!(matches!(
            RecordId::new("a--b"),
            Err(InvalidId::BadHyphen { .. })
        ));
        assert!(matches!(
            RecordId::new("é"),
            Err(InvalidId::BadChar { found: 'é', .. })
        ));
        assert_eq!(
            RecordId::new("a".repeat(MAX_ID_LEN + 1)),
            Err(InvalidId::TooLong {
                len: MAX_ID_LEN + 1
            })
        );
    }

    #[test]
    fn slugify_makes_valid_ids() {
        assert_eq!(slugify("Facil'Familles"), "facil-familles");
        assert_eq!(
            slugify("Cœur de bœuf — Été 2024"),
            "coeur-de-boeuf-ete-2024"
        );
        assert_eq!(slugify("../../"), "record");
        for text in ["École", "  x  ", "🦀", &"é".repeat(200)] {
            assert!(RecordId::new(slugify(text)).is_ok(), "{text}");
        }
    }
}
