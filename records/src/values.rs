//! Small validated value types used by records: dates, web addresses,
//! language tags, Software Heritage ids, DOIs, Wikidata ids, amounts.
//!
//! Each one checks its text when it is built (by [`FromStr`] or by serde), so a
//! record that holds one is known to be well formed, and a parse error is
//! reported by the TOML parser at the exact place of the bad value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Declares a string newtype with `FromStr`, `Display`, serde and JSON Schema,
/// whose text is checked by `$check` (a `fn(&str) -> Result<String, InvalidValue>`
/// returning the normalised text or an explanation).
macro_rules! checked_string {
    ($(#[$meta:meta])* $name:ident, $check:path, $schema:tt) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The text, as written in the record.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $check(s).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse()
                    .map_err(|e: InvalidValue| serde::de::Error::custom(e.for_serde()))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}

/// Why a value is malformed: a sentence that says what is wrong and how
/// to fix it, in English (its `Display`) and in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidValue {
    /// The explanation, in English.
    pub message: String,
    /// The explanation, in French.
    pub message_fr: String,
}

/// Between the English and the French text of an [`InvalidValue`] when it
/// crosses serde, which carries one string only
/// ([`InvalidValue::for_serde`]; the parser splits it again).
pub(crate) const LANGUAGE_SEPARATOR: char = '\u{1f}';

impl InvalidValue {
    /// An explanation in English and French.
    pub fn new(en: impl Into<String>, fr: impl Into<String>) -> InvalidValue {
        InvalidValue {
            message: en.into(),
            message_fr: fr.into(),
        }
    }

    /// Both texts.
    pub fn text(&self) -> crate::Text {
        crate::Text::new(self.message.clone(), self.message_fr.clone())
    }

    /// Both texts in one string, for `serde::de::Error::custom`.
    pub(crate) fn for_serde(&self) -> String {
        format!("{}{LANGUAGE_SEPARATOR}{}", self.message, self.message_fr)
    }
}

checked_string!(
    /// An absolute `http` or `https` address without credentials.
    WebUrl,
    check_web_url,
    {"type": "string", "format": "uri", "pattern": "^https?://", "description": "An absolute http:// or https:// address."}
);

fn check_web_url(s: &str) -> Result<String, InvalidValue> {
    let url = url::Url::parse(s).map_err(|e| {
        InvalidValue::new(
            format!("`{s}` is not a valid web address ({e}): write a full address such as https://example.org/page"),
            format!("« {s} » n’est pas une adresse web valide : écrivez une adresse complète, comme https://example.org/page"),
        )
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(InvalidValue::new(
            format!(
                "`{s}` uses the `{}` scheme: only http:// and https:// addresses are accepted",
                url.scheme()
            ),
            format!(
                "« {s} » n’est pas une adresse web : seules les adresses http:// et https:// sont acceptées"
            ),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(InvalidValue::new(
            format!(
                "`{s}` contains a user name or password: remove the credentials from the address"
            ),
            format!(
                "« {s} » contient un nom d’utilisateur ou un mot de passe : retirez-les de l’adresse"
            ),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(InvalidValue::new(
            format!("`{s}` has no host name"),
            format!("« {s} » n’a pas de nom de site"),
        ));
    }
    Ok(s.to_owned())
}

impl WebUrl {
    /// The parsed address.
    pub fn url(&self) -> Option<url::Url> {
        url::Url::parse(&self.0).ok()
    }
}

checked_string!(
    /// A language tag, a simplified BCP 47: `fr`, `en`, `oc`, `fr-FR`, `pt-BR`.
    LanguageTag,
    check_language,
    {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "description": "A BCP 47 language tag such as fr, en or fr-FR."}
);

fn check_language(s: &str) -> Result<String, InvalidValue> {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(s.to_owned())
    } else {
        Err(InvalidValue::new(
            format!("`{s}` is not a language tag: use a BCP 47 tag such as `fr`, `en` or `fr-FR`"),
            format!(
                "« {s} » n’est pas un code de langue : écrivez un code court comme fr, en ou fr-FR"
            ),
        ))
    }
}

checked_string!(
    /// A Software Heritage persistent identifier (SWHID), such as
    /// `swh:1:rev:309cf2674ee7a0749978cf8265ab91a60aea0f7d`, with optional
    /// qualifiers (`;origin=...;visit=...`).
    Swhid,
    check_swhid,
    {"type": "string", "pattern": "^swh:1:(cnt|dir|rev|rel|snp):[0-9a-f]{40}(;[a-z]+=[^;]+)*$", "description": "A Software Heritage identifier, e.g. swh:1:rev:<40 hex digits>."}
);

fn check_swhid(s: &str) -> Result<String, InvalidValue> {
    let help = "a SWHID looks like swh:1:rev:309cf2674ee7a0749978cf8265ab91a60aea0f7d (object type cnt, dir, rev, rel or snp, then 40 lower-case hex digits)";
    let aide = "un identifiant Software Heritage ressemble à swh:1:rev:309cf2674ee7a0749978cf8265ab91a60aea0f7d (type d’objet cnt, dir, rev, rel ou snp, puis 40 chiffres hexadécimaux en minuscules)";
    let mut parts = s.split(';');
    let core = parts.next().unwrap_or_default();
    let fields: Vec<&str> = core.split(':').collect();
    let [scheme, version, object, hash] = fields.as_slice() else {
        return Err(InvalidValue::new(
            format!("`{s}` is not a SWHID: {help}"),
            format!("« {s} » n’est pas un identifiant Software Heritage : {aide}"),
        ));
    };
    if *scheme != "swh" {
        return Err(InvalidValue::new(
            format!("`{s}` does not start with `swh:`: {help}"),
            format!("« {s} » ne commence pas par « swh: » : {aide}"),
        ));
    }
    if *version != "1" {
        return Err(InvalidValue::new(
            format!("`{s}` has version `{version}`, only version 1 exists: {help}"),
            format!("« {s} » a la version « {version} », seule la version 1 existe : {aide}"),
        ));
    }
    if !["cnt", "dir", "rev", "rel", "snp"].contains(object) {
        return Err(InvalidValue::new(
            format!("`{s}` has object type `{object}`: {help}"),
            format!("« {s} » a le type d’objet « {object} » : {aide}"),
        ));
    }
    if hash.len() != 40
        || !hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(InvalidValue::new(
            format!("`{s}` does not end with 40 lower-case hex digits: {help}"),
            format!("« {s} » ne finit pas par 40 chiffres hexadécimaux en minuscules : {aide}"),
        ));
    }
    for qualifier in parts {
        let Some((key, value)) = qualifier.split_once('=') else {
            return Err(InvalidValue::new(
                format!("the SWHID qualifier `{qualifier}` has no `=`: write it as `;key=value`"),
                format!(
                    "le qualificatif « {qualifier} » n’a pas de « = » : écrivez-le « ;clé=valeur »"
                ),
            ));
        };
        if !["origin", "visit", "anchor", "path", "lines"].contains(&key) {
            return Err(InvalidValue::new(
                format!(
                    "unknown SWHID qualifier `{key}`: expected origin, visit, anchor, path or lines"
                ),
                format!(
                    "qualificatif inconnu « {key} » : les qualificatifs possibles sont origin, visit, anchor, path et lines"
                ),
            ));
        }
        if value.is_empty() || value.chars().any(char::is_whitespace) {
            return Err(InvalidValue::new(
                format!("the SWHID qualifier `{key}` has an empty or spaced value"),
                format!("le qualificatif « {key} » a une valeur vide ou avec des espaces"),
            ));
        }
    }
    Ok(s.to_owned())
}

checked_string!(
    /// A Digital Object Identifier, written bare: `10.17504/protocols.io.bp2l6x8`.
    Doi,
    check_doi,
    {"type": "string", "pattern": "^10\\.[0-9]{4,9}/\\S+$", "description": "A DOI written without https://doi.org/, e.g. 10.5281/zenodo.123456."}
);

fn check_doi(s: &str) -> Result<String, InvalidValue> {
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "doi:",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return Err(InvalidValue::new(
                format!("write the DOI without `{prefix}`: `{rest}`"),
                format!("écrivez le DOI sans « {prefix} » : « {rest} »"),
            ));
        }
    }
    let ok = s
        .strip_prefix("10.")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(reg, suffix)| {
            (4..=9).contains(&reg.len())
                && reg.bytes().all(|b| b.is_ascii_digit())
                && !suffix.is_empty()
                && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
        });
    if ok {
        Ok(s.to_owned())
    } else {
        Err(InvalidValue::new(
            format!("`{s}` is not a DOI: a DOI looks like 10.5281/zenodo.123456"),
            format!("« {s} » n’est pas un DOI : un DOI ressemble à 10.5281/zenodo.123456"),
        ))
    }
}

checked_string!(
    /// A Wikidata item identifier, such as `Q90` (Paris).
    WikidataId,
    check_wikidata,
    {"type": "string", "pattern": "^Q[1-9][0-9]*$", "description": "A Wikidata item id such as Q90."}
);

fn check_wikidata(s: &str) -> Result<String, InvalidValue> {
    let ok = s.strip_prefix('Q').is_some_and(|d| {
        !d.is_empty()
            && d.len() <= 12
            && !d.starts_with('0')
            && d.bytes().all(|b| b.is_ascii_digit())
    });
    if ok {
        Ok(s.to_owned())
    } else {
        Err(InvalidValue::new(
            format!("`{s}` is not a Wikidata item id: it looks like Q90"),
            format!("« {s} » n’est pas un identifiant Wikidata : il ressemble à Q90"),
        ))
    }
}

/// A calendar date, written `YYYY-MM-DD` (a TOML string or a TOML local date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, checking the month and the day of the month.
    ///
    /// # Errors
    /// When the day does not exist in that month of that year.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, InvalidValue> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => {
                return Err(InvalidValue::new(
                    format!("month {month} does not exist: use 01 to 12"),
                    format!("le mois {month} n’existe pas : écrivez 01 à 12"),
                ));
            }
        };
        if day == 0 || day > days {
            return Err(InvalidValue::new(
                format!("day {day} does not exist in {year:04}-{month:02}: it has {days} days"),
                format!(
                    "le jour {day} n’existe pas en {year:04}-{month:02} : ce mois a {days} jours"
                ),
            ));
        }
        if year == 0 {
            return Err(InvalidValue::new(
                "year 0000 is not a valid year",
                "l’année 0000 n’existe pas",
            ));
        }
        Ok(Date { year, month, day })
    }

    /// The date `days` days after 1970-01-01 (before it when negative), in
    /// the proleptic Gregorian calendar; `None` outside years 1 to 9999.
    /// The format reads no clock: a caller turns its own clock's reading
    /// into a date with this.
    pub fn from_unix_days(days: i64) -> Option<Date> {
        // Howard Hinnant's `civil_from_days`.
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year)
                .ok()
                .filter(|y| (1..=9999).contains(y))?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
        .ok()
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl FromStr for Date {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            InvalidValue::new(
                format!("`{s}` is not a date: write it as YYYY-MM-DD, for example 2024-05-31"),
                format!(
                    "« {s} » n’est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2024-05-31"
                ),
            )
        };
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u16, InvalidValue> {
            let part = s.get(r).ok_or_else(bad)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let year = num(0..4)?;
        let month = u8::try_from(num(5..7)?).map_err(|_| bad())?;
        let day = u8::try_from(num(8..10)?).map_err(|_| bad())?;
        Date::new(year, month, day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> serde::de::Visitor<'de> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD, for example \"2024-05-31\"")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse()
                    .map_err(|e: InvalidValue| E::custom(e.for_serde()))
            }

            // A TOML local date (`created = 2024-05-31`) reaches serde as a
            // one-entry map holding its text.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let expected = || {
                    serde::de::Error::custom(
                        InvalidValue::new(
                            "expected a date written YYYY-MM-DD",
                            "il faut une date écrite AAAA-MM-JJ",
                        )
                        .for_serde(),
                    )
                };
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(expected());
                };
                if map.next_key::<String>()?.is_some() {
                    return Err(expected());
                }
                text.parse().map_err(|_| {
                    serde::de::Error::custom(
                        InvalidValue::new(
                            format!("`{text}` is not a plain date: write only YYYY-MM-DD, without a time or offset"),
                            format!("« {text} » n’est pas une simple date : écrivez seulement AAAA-MM-JJ, sans heure ni fuseau"),
                        )
                        .for_serde(),
                    )
                })
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "description": "A date written YYYY-MM-DD."})
    }
}

/// A positive, finite quantity, written as a TOML integer or float.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Amount(f64);

impl Amount {
    /// One unit.
    pub const ONE: Amount = Amount(1.0);

    /// Checks that the amount is finite and greater than zero.
    ///
    /// # Errors
    /// When it is not.
    pub fn new(value: f64) -> Result<Self, InvalidValue> {
        if value.is_finite() && value > 0.0 && value < 1e12 {
            Ok(Amount(value))
        } else {
            Err(InvalidValue::new(
                format!(
                    "the quantity {value} must be a number greater than 0 and below one trillion"
                ),
                format!(
                    "la quantité {value} doit être un nombre plus grand que 0 et inférieur à mille milliards"
                ),
            ))
        }
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Whole amounts are written as integers, so `250` stays `250`.
        if self.0.fract() == 0.0 && self.0 < 1e12 {
            #[allow(clippy::cast_possible_truncation)]
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AmountVisitor;
        impl serde::de::Visitor<'_> for AmountVisitor {
            type Value = Amount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number greater than 0, such as 250 or 1.5")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
                #[allow(clippy::cast_precision_loss)]
                Amount::new(v as f64).map_err(|e| E::custom(e.for_serde()))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
                #[allow(clippy::cast_precision_loss)]
                Amount::new(v as f64).map_err(|e| E::custom(e.for_serde()))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
                Amount::new(v).map_err(|e| E::custom(e.for_serde()))
            }
        }
        d.deserialize_any(AmountVisitor)
    }
}

impl schemars::JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "number", "exclusiveMinimum": 0})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            "2024-02-29".parse::<Date>().unwrap().to_string(),
            "2024-02-29"
        );
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2024-13-01".parse::<Date>().is_err());
        assert!("2024-1-01".parse::<Date>().is_err());
        assert!("2024-01-01T00:00:00".parse::<Date>().is_err());
        assert!("+024-01-01".parse::<Date>().is_err());
        assert!("0000-01-01".parse::<Date>().is_err());
        assert!("२०२४-01-01".parse::<Date>().is_err());
    }

    #[test]
    fn dates_from_days_since_the_epoch() {
        let d = |days| Date::from_unix_days(days).map(|d| d.to_string());
        assert_eq!(d(0).as_deref(), Some("1970-01-01"));
        assert_eq!(d(-1).as_deref(), Some("1969-12-31"));
        assert_eq!(d(19_782).as_deref(), Some("2024-02-29"));
        assert_eq!(d(20_789).as_deref(), Some("2026-12-02"));
        assert_eq!(d(i64::MAX), None);
        assert_eq!(d(-800_000), None);
    }

    #[test]
    fn urls() {
        assert!("https://paris.fr/".parse::<WebUrl>().is_ok());
        assert!("ftp://paris.fr/".parse::<WebUrl>().is_err());
        assert!("javascript:alert(1)".parse::<WebUrl>().is_err());
        assert!("https://user:pw@paris.fr/".parse::<WebUrl>().is_err());
        assert!("paris.fr".parse::<WebUrl>().is_err());
    }

    #[test]
    fn identifiers() {
        assert!(
            "swh:1:rev:309cf2674ee7a0749978cf8265ab91a60aea0f7d"
                .parse::<Swhid>()
                .is_ok()
        );
        assert!(
            "swh:1:dir:309cf2674ee7a0749978cf8265ab91a60aea0f7d;origin=https://example.org/x"
                .parse::<Swhid>()
                .is_ok()
        );
        assert!(
            "swh:2:rev:309cf2674ee7a0749978cf8265ab91a60aea0f7d"
                .parse::<Swhid>()
                .is_err()
        );
        assert!(
            "swh:1:rev:309CF2674ee7a0749978cf8265ab91a60aea0f7d"
                .parse::<Swhid>()
                .is_err()
        );
        assert!(
            "swh:1:foo:309cf2674ee7a0749978cf8265ab91a60aea0f7d"
                .parse::<Swhid>()
                .is_err()
        );
        assert!("swh:1:rev:309cf".parse::<Swhid>().is_err());
        assert!("10.5281/zenodo.123".parse::<Doi>().is_ok());
        assert!("https://doi.org/10.5281/zenodo.123".parse::<Doi>().is_err());
        assert!("Q90".parse::<WikidataId>().is_ok());
        assert!("Q090".parse::<WikidataId>().is_err());
        assert!("fr".parse::<LanguageTag>().is_ok());
        assert!("fr-FR".parse::<LanguageTag>().is_ok());
        assert!("French".parse::<LanguageTag>().is_err());
    }

    #[test]
    fn amounts() {
        assert!(Amount::new(0.0).is_err());
        assert!(Amount::new(f64::NAN).is_err());
        assert!(Amount::new(-1.0).is_err());
        assert!(Amount::new(2.5).is_ok());
    }
}
