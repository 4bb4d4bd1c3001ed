//! The query language a person can guess: words, `"quoted phrases"`,
//! `-exclusion`, `field:value` filters and `OR`.
//!
//! ```text
//! semences tomate                 both words (stemmed, accents folded, one typo allowed)
//! "jardin partagé"                the phrase
//! potager -tomate                 potager but not tomate
//! kind:seed-lot tag:école         filters (exact, they do not change the ranking)
//! license:GPL-3.0-or-later        records whose expression names this licence
//! tomate OR courgette             either
//! ```
//!
//! Filters: `kind` (`type`), `license` (`licence`), `tag`, `lang`
//! (`langue`, `language`), `origin` (`origine`), `species` (`espece`),
//! `family` (`famille`), `verdict`, `id`. A word whose prefix before `:` is
//! not a filter name is an ordinary word. Parsing never panics; what cannot be
//! understood is a [`QueryError`] with a message in French and in English.

use std::fmt;

use cdl_licenses::{LicenceFamily, Verdict};
use cdl_records::Kind;

/// Longest query accepted, in characters (as JSON Schema's `maxLength`
/// counts them, so that the API's document can state it).
pub const MAX_QUERY_LEN: usize = 1_000;
/// Most words, phrases and filters in one query.
pub const MAX_TERMS: usize = 32;

/// A field that a filter restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterField {
    /// The kind of resource.
    Kind,
    /// A licence id named by the record's expression.
    License,
    /// A tag (accents and plurals folded).
    Tag,
    /// A language of the resource.
    Lang,
    /// The origin registry.
    Origin,
    /// The species of a seed or ferment lot.
    Species,
    /// The licence family.
    Family,
    /// The certification verdict.
    Verdict,
    /// The record id.
    Id,
}

impl FilterField {
    /// Every filter field.
    pub const ALL: [FilterField; 9] = [
        FilterField::Kind,
        FilterField::License,
        FilterField::Tag,
        FilterField::Lang,
        FilterField::Origin,
        FilterField::Species,
        FilterField::Family,
        FilterField::Verdict,
        FilterField::Id,
    ];

    /// The canonical name, as written before the `:`.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterField::Kind => "kind",
            FilterField::License => "license",
            FilterField::Tag => "tag",
            FilterField::Lang => "lang",
            FilterField::Origin => "origin",
            FilterField::Species => "species",
            FilterField::Family => "family",
            FilterField::Verdict => "verdict",
            FilterField::Id => "id",
        }
    }

    /// The filter named `name` (canonical, French or alias), without case.
    pub fn from_name(name: &str) -> Option<FilterField> {
        let lower = name.to_lowercase();
        Some(match lower.as_str() {
            "kind" | "type" => FilterField::Kind,
            "license" | "licence" => FilterField::License,
            "tag" | "tags" | "mot-clé" | "mot-cle" => FilterField::Tag,
            "lang" | "language" | "langue" => FilterField::Lang,
            "origin" | "origine" => FilterField::Origin,
            "species" | "espèce" | "espece" => FilterField::Species,
            "family" | "famille" => FilterField::Family,
            "verdict" => FilterField::Verdict,
            "id" => FilterField::Id,
            _ => return None,
        })
    }
}

impl fmt::Display for FilterField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// A word.
    Word(String),
    /// A quoted phrase: its words in this order.
    Phrase(String),
    /// A filter, with its value normalised (kinds, families and verdicts
    /// to their canonical names).
    Filter(FilterField, String),
}

/// A part of the query: one atom or several joined by `OR`, required or
/// excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Excluded (`-word`) rather than required.
    pub negated: bool,
    /// The atoms, any of which matches.
    pub any_of: Vec<Atom>,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The clauses, all of which must hold.
    pub clauses: Vec<Clause>,
}

impl ParsedQuery {
    /// Whether the query has no clause (it then lists every record).
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

/// The error returned by [`parse`]: what is wrong and where (a byte offset
/// in the query), with messages for people in French and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The query is longer than [`MAX_QUERY_LEN`].
    #[error("{}", self.bilingual())]
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// More than [`MAX_TERMS`] words, phrases and filters.
    #[error("{}", self.bilingual())]
    TooManyTerms,
    /// A `"` opens a phrase that is never closed.
    #[error("{}", self.bilingual())]
    UnclosedQuote {
        /// Where the phrase opens.
        at: usize,
    },
    /// A `-` is followed by nothing to exclude.
    #[error("{}", self.bilingual())]
    DanglingMinus {
        /// Where the `-` is.
        at: usize,
    },
    /// A filter has no value, as in `kind:`.
    #[error("{}", self.bilingual())]
    EmptyFilter {
        /// The filter.
        field: FilterField,
        /// Where it is.
        at: usize,
    },
    /// A filter's value is not one of those allowed.
    #[error("{}", self.bilingual())]
    BadValue {
        /// The filter.
        field: FilterField,
        /// The value given.
        value: String,
        /// The values allowed, comma-separated.
        expected: String,
    },
    /// `OR` with nothing on one side, or next to an exclusion.
    #[error("{}", self.bilingual())]
    MisplacedOr {
        /// Where the `OR` is.
        at: usize,
    },
}

impl QueryError {
    /// The message in French.
    pub fn message_fr(&self) -> String {
        match self {
            QueryError::TooLong { len } => format!(
                "La recherche est trop longue ({len} caractères, {MAX_QUERY_LEN} au plus) : raccourcissez-la."
            ),
            QueryError::TooManyTerms => {
                format!("La recherche compte trop de mots ou de filtres ({MAX_TERMS} au plus).")
            }
            QueryError::UnclosedQuote { at } => format!(
                "Il manque le guillemet fermant de l'expression ouverte au caractère {}.",
                at + 1
            ),
            QueryError::DanglingMinus { at } => format!(
                "Le signe « - » (caractère {}) doit être collé au mot à exclure, par exemple -tomate.",
                at + 1
            ),
            QueryError::EmptyFilter { field, .. } => format!(
                "Le filtre « {field}: » n'a pas de valeur : écrivez par exemple {}.",
                example(*field)
            ),
            QueryError::BadValue {
                field,
                value,
                expected,
            } => format!(
                "« {value} » n'est pas une valeur possible du filtre « {field} » : choisissez parmi {expected}."
            ),
            QueryError::MisplacedOr { at } => format!(
                "« OR » (caractère {}) doit se trouver entre deux mots, filtres ou expressions, sans exclusion.",
                at + 1
            ),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            QueryError::TooLong { len } => format!(
                "The query is too long ({len} characters, at most {MAX_QUERY_LEN}): shorten it."
            ),
            QueryError::TooManyTerms => {
                format!("The query has too many words or filters (at most {MAX_TERMS}).")
            }
            QueryError::UnclosedQuote { at } => format!(
                "The phrase opened at character {} has no closing quote.",
                at + 1
            ),
            QueryError::DanglingMinus { at } => format!(
                "The \"-\" at character {} must be attached to the word to exclude, e.g. -tomato.",
                at + 1
            ),
            QueryError::EmptyFilter { field, .. } => format!(
                "The filter \"{field}:\" has no value: write for example {}.",
                example(*field)
            ),
            QueryError::BadValue {
                field,
                value,
                expected,
            } => format!(
                "\"{value}\" is not a value of the filter \"{field}\": use one of {expected}."
            ),
            QueryError::MisplacedOr { at } => format!(
                "\"OR\" at character {} must stand between two words, filters or phrases, without exclusion.",
                at + 1
            ),
        }
    }

    /// Both messages, French first.
    fn bilingual(&self) -> String {
        format!("{} / {}", self.message_fr(), self.message_en())
    }
}

/// An example of a filter, for messages.
fn example(field: FilterField) -> &'static str {
    match field {
        FilterField::Kind => "kind:seed-lot",
        FilterField::License => "license:GPL-3.0-or-later",
        FilterField::Tag => "tag:école",
        FilterField::Lang => "lang:fr",
        FilterField::Origin => "origin:paris",
        FilterField::Species => "species:\"Solanum lycopersicum\"",
        FilterField::Family => "family:copyleft",
        FilterField::Verdict => "verdict:certified",
        FilterField::Id => "id:facil-familles",
    }
}

/// Opening quote characters and their closing counterparts.
fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '\u{201C}' => Some('\u{201D}'),
        '\u{00AB}' => Some('\u{00BB}'),
        _ => None,
    }
}

/// Whether `c` ends a bare word.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || closing_quote(c).is_some()
}

/// A lexical item of the query.
enum Item {
    Atom { negated: bool, atom: Atom },
    Or { at: usize },
}

/// Parses a query.
///
/// # Errors
/// A [`QueryError`] saying what is wrong and where.
pub fn parse(query: &str) -> Result<ParsedQuery, QueryError> {
    let len = query.chars().count();
    if len > MAX_QUERY_LEN {
        return Err(QueryError::TooLong { len });
    }
    let items = lex(query)?;
    let mut clauses: Vec<Clause> = Vec::new();
    let mut pending_or: Option<usize> = None;
    let mut count = 0usize;
    for item in items {
        match item {
            Item::Or { at } => {
                let joinable = clauses.last().is_some_and(|c| !c.negated);
                if pending_or.is_some() || !joinable {
                    return Err(QueryError::MisplacedOr { at });
                }
                pending_or = Some(at);
            }
            Item::Atom { negated, atom } => {
                count += 1;
                if count > MAX_TERMS {
                    return Err(QueryError::TooManyTerms);
                }
                if let Some(at) = pending_or.take() {
                    if negated {
                        return Err(QueryError::MisplacedOr { at });
                    }
                    if let Some(last) = clauses.last_mut() {
                        last.any_of.push(atom);
                    }
                } else {
                    clauses.push(Clause {
                        negated,
                        any_of: vec![atom],
                    });
                }
            }
        }
    }
    if let Some(at) = pending_or {
        return Err(QueryError::MisplacedOr { at });
    }
    Ok(ParsedQuery { clauses })
}

/// Cuts the query into items.
fn lex(query: &str) -> Result<Vec<Item>, QueryError> {
    let mut items = Vec::new();
    let mut rest = query.char_indices().peekable();
    while let Some(&(at, c)) = rest.peek() {
        if c.is_whitespace() {
            rest.next();
            continue;
        }
        let mut negated = false;
        let mut start = at;
        if c == '-' {
            rest.next();
            match rest.peek() {
                Some(&(next_at, next)) if !next.is_whitespace() && next != '-' => {
                    negated = true;
                    start = next_at;
                }
                _ => return Err(QueryError::DanglingMinus { at }),
            }
        }
        let Some(&(_, first)) = rest.peek() else {
            return Err(QueryError::DanglingMinus { at });
        };
        if let Some(close) = closing_quote(first) {
            rest.next();
            let text = read_until(query, &mut rest, close)
                .ok_or(QueryError::UnclosedQuote { at: start })?;
            if !text.trim().is_empty() {
                items.push(Item::Atom {
                    negated,
                    atom: Atom::Phrase(text.trim().to_owned()),
                });
            }
            continue;
        }
        // A bare word, up to white space or a quote.
        let mut end = query.len();
        while let Some(&(i, ch)) = rest.peek() {
            if ends_word(ch) {
                end = i;
                break;
            }
            rest.next();
        }
        let word = &query[start..end];
        if !negated && (word == "OR" || word == "OU") {
            items.push(Item::Or { at: start });
            continue;
        }
        if !negated && (word == "AND" || word == "ET") {
            continue;
        }
        if let Some((name, value)) = word.split_once(':')
            && let Some(field) = FilterField::from_name(name)
        {
            let value = if value.is_empty() {
                // `tag:"jardin partagé"`: the value is the quoted text.
                match rest.peek() {
                    Some(&(_, q)) if closing_quote(q).is_some() && end < query.len() => {
                        rest.next();
                        let close = closing_quote(q).unwrap_or('"');
                        read_until(query, &mut rest, close)
                            .ok_or(QueryError::UnclosedQuote { at: end })?
                            .trim()
                            .to_owned()
                    }
                    _ => String::new(),
                }
            } else {
                value.to_owned()
            };
            if value.is_empty() {
                return Err(QueryError::EmptyFilter { field, at: start });
            }
            let value = normalise(field, &value)?;
            items.push(Item::Atom {
                negated,
                atom: Atom::Filter(field, value),
            });
            continue;
        }
        items.push(Item::Atom {
            negated,
            atom: Atom::Word(word.to_owned()),
        });
    }
    Ok(items)
}

/// Reads up to the closing quote `close`, consuming it. `None` if absent.
fn read_until(
    query: &str,
    rest: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    close: char,
) -> Option<String> {
    let start = rest.peek().map_or(query.len(), |&(i, _)| i);
    for (i, ch) in rest.by_ref() {
        if ch == close {
            return Some(query[start..i].to_owned());
        }
    }
    None
}

/// Checks and normalises a filter's value.
pub(crate) fn normalise(field: FilterField, value: &str) -> Result<String, QueryError> {
    let lower = value.to_lowercase();
    let bad = |expected: String| QueryError::BadValue {
        field,
        value: value.to_owned(),
        expected,
    };
    match field {
        FilterField::Kind => {
            let alias = match lower.as_str() {
                "logiciel" => "software",
                "oeuvre" | "œuvre" => "cultural-work",
                "methode" | "méthode" => "method",
                "donnees" | "données" => "dataset",
                "semences" | "semence" => "seed-lot",
                "ferments" | "ferment" => "ferment-lot",
                other => other,
            };
            let alias = alias.replace('_', "-");
            alias
                .parse::<Kind>()
                .map(|k| k.as_str().to_owned())
                .map_err(|_| {
                    bad(Kind::ALL
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", "))
                })
        }
        FilterField::Family => LicenceFamily::ALL
            .into_iter()
            .find(|f| f.as_str() == lower || f.as_str().replace('-', " ") == lower)
            .map(|f| f.as_str().to_owned())
            .ok_or_else(|| {
                bad(LicenceFamily::ALL
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", "))
            }),
        FilterField::Verdict => {
            let alias = match lower.as_str() {
                "certifié" | "certifie" => "certified",
                "refusé" | "refuse" | "rejeté" | "rejete" => "rejected",
                "inconnu" => "unknown",
                other => other,
            };
            [Verdict::Certified, Verdict::Rejected, Verdict::Unknown]
                .into_iter()
                .find(|v| v.as_str() == alias)
                .map(|v| v.as_str().to_owned())
                .ok_or_else(|| bad("certified, rejected, unknown".to_owned()))
        }
        _ => Ok(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<Atom> {
        parse(q)
            .unwrap_or_default()
            .clauses
            .into_iter()
            .flat_map(|c| c.any_of)
            .collect()
    }

    #[test]
    fn words_phrases_and_filters() {
        let q = parse("semences \"jardin partagé\" -tomate kind:seed-lot tag:\"jardin partagé\"")
            .unwrap_or_default();
        assert_eq!(q.clauses.len(), 5);
        assert_eq!(q.clauses[0].any_of, [Atom::Word("semences".into())]);
        assert_eq!(q.clauses[1].any_of, [Atom::Phrase("jardin partagé".into())]);
        assert!(q.clauses[2].negated);
        assert_eq!(
            q.clauses[3].any_of,
            [Atom::Filter(FilterField::Kind, "seed-lot".into())]
        );
        assert_eq!(
            q.clauses[4].any_of,
            [Atom::Filter(FilterField::Tag, "jardin partagé".into())]
        );
    }

    #[test]
    fn or_joins_atoms() {
        let q = parse("tomate OR courgette potager").unwrap_or_default();
        assert_eq!(q.clauses.len(), 2);
        assert_eq!(q.clauses[0].any_of.len(), 2);
    }

    #[test]
    fn syntax_errors_are_typed() {
        assert_eq!(parse("\"jardin"), Err(QueryError::UnclosedQuote { at: 0 }));
        assert_eq!(parse("a - b"), Err(QueryError::DanglingMinus { at: 2 }));
        assert_eq!(parse("-"), Err(QueryError::DanglingMinus { at: 0 }));
        assert!(matches!(
            parse("kind:"),
            Err(QueryError::EmptyFilter { .. })
        ));
        assert!(matches!(
            parse("kind:banana"),
            Err(QueryError::BadValue { .. })
        ));
        assert!(matches!(parse("OR a"), Err(QueryError::MisplacedOr { .. })));
        assert!(matches!(parse("a OR"), Err(QueryError::MisplacedOr { .. })));
        assert!(matches!(
            parse("a OR -b"),
            Err(QueryError::MisplacedOr { .. })
        ));
        let long = "a ".repeat(600);
        assert!(matches!(parse(&long), Err(QueryError::TooLong { .. })));
    }

    #[test]
    fn messages_are_bilingual() {
        let e = parse("\"jardin")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("guillemet"), "{e}");
        assert!(e.contains("closing quote"), "{e}");
    }

    #[test]
    fn unknown_prefixes_and_hyphens_are_words() {
        assert_eq!(words("http://x"), [Atom::Word("http://x".into())]);
        assert_eq!(words("porte-monnaie"), [Atom::Word("porte-monnaie".into())]);
        assert_eq!(
            words("kind:semences"),
            [Atom::Filter(FilterField::Kind, "seed-lot".into())]
        );
        assert_eq!(words("«jardin»"), [Atom::Phrase("jardin".into())]);
    }
}
