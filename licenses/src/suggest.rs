//! Suggestions of valid SPDX expressions for what people actually write
//! (`Apache 2`, `GPLv3`, `MIT License`, `Licence Ouverte`, `MPL 2.0 et EPL 1.0`).

use std::collections::{BTreeMap, HashMap};

use spdx::Expression;

use crate::policy::{Policy, RawAlias};

/// Inputs longer than this get no suggestion (the fuzzy match is quadratic).
const MAX_SUGGEST_LEN: usize = 512;
/// At most this many pieces (terms, operators, parentheses) are rewritten.
const MAX_PIECES: usize = 48;
/// The most suggestions offered.
const MAX_SUGGESTIONS: usize = 4;
/// The least similarity for a fuzzy match of normalised names.
const MIN_SIMILARITY: f64 = 0.85;
/// Words dropped when names are normalised.
const NOISE_WORDS: [&str; 9] = [
    "license", "licence", "licensed", "lizenz", "version", "v", "ver", "the", "gnu",
];

/// Lookup tables built once per [`Policy`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Suggester {
    /// lowercase licence id -> id (deprecated ones included).
    licences_ci: HashMap<String, &'static str>,
    /// lowercase exception id -> id.
    exceptions_ci: HashMap<String, &'static str>,
    /// lowercase `LicenseRef-*` id -> id, for the refs the policy knows.
    refs_ci: HashMap<String, String>,
    /// normalised name -> suggested terms, for licences.
    licence_keys: BTreeMap<String, Vec<String>>,
    /// normalised name -> exception ids.
    exception_keys: BTreeMap<String, Vec<String>>,
}

/// Normalises a licence name: lowercase, letters and numbers only, noise words
/// dropped, `2.0` written `2`. `Apache License, Version 2.0`, `apache-2.0` and
/// `Apache 2` all give `apache2`.
pub(crate) fn key(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut out = String::new();
    let mut chars = lower.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if !c.is_alphabetic() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            // "gplv3", "lgpl-v2.1": a `v` glued to a version number is noise.
            if word.len() > 1
                && chars.peek().is_some_and(char::is_ascii_digit)
                && let Some(stem) = word.strip_suffix('v')
            {
                word = stem.to_owned();
            }
            if !NOISE_WORDS.contains(&word.as_str()) {
                out.push_str(&word);
            }
        } else if c.is_ascii_digit() {
            let mut number = String::new();
            while let Some(&c) = chars.peek() {
                if !(c.is_ascii_digit() || c == '.') {
                    break;
                }
                number.push(c);
                chars.next();
            }
            let mut number = number.trim_end_matches('.');
            while let Some(shorter) = number.strip_suffix(".0") {
                number = shorter;
            }
            out.push_str(number);
        } else {
            chars.next();
        }
    }
    out
}

fn add(map: &mut BTreeMap<String, Vec<String>>, key: String, targets: &[String]) {
    if key.is_empty() {
        return;
    }
    let entry = map.entry(key).or_default();
    for target in targets {
        if !entry.contains(target) {
            entry.push(target.clone());
        }
    }
}

/// One piece of a messy expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Open,
    Close,
    And,
    Or,
    With,
    Term { text: String, or_later: bool },
}

fn operator(word: &str) -> Option<Piece> {
    let lower = word.to_lowercase();
    match lower.as_str() {
        "and" | "et" | "&" => Some(Piece::And),
        "or" | "ou" | "/" | "|" => Some(Piece::Or),
        "with" | "avec" => Some(Piece::With),
        _ => None,
    }
}

/// Words that, after `or`, say "or any later version".
fn is_later(word: &str) -> bool {
    ["later", "newer", "ultérieure", "ultérieur", "supérieure"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w) || word.to_lowercase() == *w)
}

fn pieces(text: &str) -> Vec<Piece> {
    let mut words: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let mut current = String::new();
        for c in raw.chars() {
            if matches!(c, '(' | ')' | '/' | '|') {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
                words.push(c.to_string());
            } else {
                current.push(c);
            }
        }
        if !current.is_empty() {
            words.push(current);
        }
    }

    let mut pieces = Vec::new();
    let mut term: Vec<String> = Vec::new();
    let flush = |term: &mut Vec<String>, pieces: &mut Vec<Piece>| {
        if !term.is_empty() {
            let mut text = term.join(" ");
            let or_later = text.ends_with('+');
            if or_later {
                text = text.trim_end_matches('+').trim_end().to_owned();
            }
            pieces.push(Piece::Term { text, or_later });
            term.clear();
        }
    };
    let mut index = 0;
    while let Some(word) = words.get(index) {
        index += 1;
        match word.as_str() {
            "(" => {
                flush(&mut term, &mut pieces);
                pieces.push(Piece::Open);
            }
            ")" => {
                flush(&mut term, &mut pieces);
                pieces.push(Piece::Close);
            }
            _ => match operator(word) {
                Some(Piece::Or) if words.get(index).is_some_and(|w| is_later(w)) => {
                    // "GPL 2.0 or later": mark the term, skip "later".
                    index += 1;
                    flush(&mut term, &mut pieces);
                    if let Some(Piece::Term { or_later, .. }) = pieces.last_mut() {
                        *or_later = true;
                    }
                }
                Some(Piece::Or)
                    if words
                        .get(index)
                        .is_some_and(|w| w.eq_ignore_ascii_case("any"))
                        && words.get(index + 1).is_some_and(|w| is_later(w)) =>
                {
                    // "or any later version".
                    index += 2;
                    if words
                        .get(index)
                        .is_some_and(|w| w.eq_ignore_ascii_case("version"))
                    {
                        index += 1;
                    }
                    flush(&mut term, &mut pieces);
                    if let Some(Piece::Term { or_later, .. }) = pieces.last_mut() {
                        *or_later = true;
                    }
                }
                Some(op) => {
                    flush(&mut term, &mut pieces);
                    pieces.push(op);
                }
                None => term.push(word.clone()),
            },
        }
    }
    flush(&mut term, &mut pieces);
    pieces
}

fn with_or_later(term: &str, or_later: bool) -> String {
    if !or_later || term.contains(' ') || term.starts_with("LicenseRef-") {
        return term.to_owned();
    }
    if let Some(base) = term.strip_suffix("-only") {
        format!("{base}-or-later")
    } else if term.ends_with("-or-later") || term.ends_with('+') {
        term.to_owned()
    } else {
        format!("{term}+")
    }
}

impl Suggester {
    /// Builds the tables from the SPDX list of the `spdx` crate and the policy.
    pub(crate) fn build(policy: &Policy, aliases: &[RawAlias]) -> Suggester {
        let mut suggester = Suggester::default();

        // Aliases first: they are curated, so they come before guesses.
        for alias in aliases {
            for name in &alias.names {
                add(&mut suggester.licence_keys, key(name), &alias.suggest);
            }
        }

        for licence in spdx::identifiers::LICENSES {
            let Some(id) = crate::policy::exact_license_id(licence.name) else {
                continue;
            };
            suggester
                .licences_ci
                .entry(licence.name.to_ascii_lowercase())
                .or_insert(licence.name);
            if licence.name == "NOASSERTION" {
                continue;
            }
            let targets = if id.is_deprecated() {
                policy.replacements(id)
            } else {
                vec![licence.name.to_owned()]
            };
            if targets.is_empty() {
                continue;
            }
            add(&mut suggester.licence_keys, key(licence.name), &targets);
            add(
                &mut suggester.licence_keys,
                key(licence.full_name),
                &targets,
            );
            // `GNU General Public License v2.0` (no "only"): both readings.
            if id.is_gnu()
                && let Some(base) = licence.name.strip_suffix("-only")
            {
                let both = [licence.name.to_owned(), format!("{base}-or-later")];
                if let Some(full) = licence.full_name.strip_suffix(" only") {
                    add(&mut suggester.licence_keys, key(full), &both);
                }
                add(&mut suggester.licence_keys, key(base), &both);
            }
        }

        for exception in spdx::identifiers::EXCEPTIONS {
            suggester
                .exceptions_ci
                .entry(exception.name.to_ascii_lowercase())
                .or_insert(exception.name);
            add(
                &mut suggester.exception_keys,
                key(exception.name),
                &[exception.name.to_owned()],
            );
        }

        for seed in &policy.seeds {
            suggester
                .refs_ci
                .insert(seed.id.to_ascii_lowercase(), seed.id.clone());
            add(
                &mut suggester.licence_keys,
                key(&seed.name),
                std::slice::from_ref(&seed.id),
            );
        }
        for known in &policy.refs {
            suggester
                .refs_ci
                .insert(known.id.to_ascii_lowercase(), known.id.clone());
        }
        suggester
    }

    /// The SPDX licence id equal to `word` ignoring ASCII case.
    pub(crate) fn license_ci(&self, word: &str) -> Option<&'static str> {
        self.licences_ci.get(&word.to_ascii_lowercase()).copied()
    }

    /// The SPDX exception id equal to `word` ignoring ASCII case.
    pub(crate) fn exception_ci(&self, word: &str) -> Option<&'static str> {
        self.exceptions_ci.get(&word.to_ascii_lowercase()).copied()
    }

    /// What a licence term may have meant, best first.
    fn licence_term(&self, policy: &Policy, text: &str, fuzzy: bool) -> Vec<String> {
        let text = text.trim();
        if let Some(id) = self.license_ci(text) {
            return match crate::policy::exact_license_id(id) {
                Some(found) if found.is_deprecated() => policy.replacements(found),
                _ => vec![id.to_owned()],
            };
        }
        if let Some(known) = self.refs_ci.get(&text.to_ascii_lowercase()) {
            return vec![known.clone()];
        }
        if let Some(rest) = text
            .get(..11)
            .filter(|head| head.eq_ignore_ascii_case("LicenseRef-"))
            .and(text.get(11..))
            && !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return vec![format!("LicenseRef-{rest}")];
        }
        let normalised = key(text);
        if let Some(found) = self.licence_keys.get(&normalised) {
            return found.clone();
        }
        if let Some((id, used)) = spdx::imprecise_license_id(text)
            && used == text.len()
        {
            return if id.is_deprecated() {
                policy.replacements(id)
            } else {
                vec![id.name.to_owned()]
            };
        }
        if fuzzy && normalised.chars().count() >= 4 {
            return fuzzy_match(&self.licence_keys, &normalised);
        }
        Vec::new()
    }

    fn exception_term(&self, text: &str) -> Vec<String> {
        let text = text.trim();
        if let Some(id) = self.exception_ci(text) {
            return vec![id.to_owned()];
        }
        if let Some(rest) = text
            .get(..12)
            .filter(|head| head.eq_ignore_ascii_case("AdditionRef-"))
            .and(text.get(12..))
            && !rest.is_empty()
        {
            return vec![format!("AdditionRef-{rest}")];
        }
        let normalised = key(text);
        if let Some(found) = self.exception_keys.get(&normalised) {
            return found.clone();
        }
        if normalised.chars().count() >= 4 {
            return fuzzy_match(&self.exception_keys, &normalised);
        }
        Vec::new()
    }

    /// Valid SPDX expressions that `text` may have meant, best first; empty
    /// when nothing plausible is found.
    pub(crate) fn suggest(&self, policy: &Policy, text: &str) -> Vec<String> {
        if text.is_empty() || text.len() > MAX_SUGGEST_LEN {
            return Vec::new();
        }
        let mut out = Vec::new();

        // The whole text as one name ("Licence Ouverte / Open Licence", "GPLv2+").
        let (body, or_later) = match text.strip_suffix('+') {
            Some(body) => (body.trim_end(), true),
            None => (text, false),
        };
        for candidate in self.licence_term(policy, body, false) {
            keep_if_valid(&mut out, with_or_later(&candidate, or_later));
        }
        if !out.is_empty() {
            return out;
        }

        let pieces = pieces(text);
        if pieces.is_empty() || pieces.len() > MAX_PIECES {
            return out;
        }
        let mut choices: Vec<Vec<String>> = Vec::with_capacity(pieces.len());
        let mut after_with = false;
        for piece in &pieces {
            let options = match piece {
                Piece::Open => vec!["(".to_owned()],
                Piece::Close => vec![")".to_owned()],
                Piece::And => vec!["AND".to_owned()],
                Piece::Or => vec!["OR".to_owned()],
                Piece::With => vec!["WITH".to_owned()],
                Piece::Term { text, or_later } => {
                    let found = if after_with {
                        self.exception_term(text)
                    } else {
                        self.licence_term(policy, text, true)
                    };
                    let terms = pieces
                        .iter()
                        .filter(|p| matches!(p, Piece::Term { .. }))
                        .count();
                    found
                        .iter()
                        .map(|t| {
                            let t = with_or_later(t, *or_later);
                            if terms > 1 && (t.contains(" AND ") || t.contains(" OR ")) {
                                format!("({t})")
                            } else {
                                t
                            }
                        })
                        .collect()
                }
            };
            after_with = matches!(piece, Piece::With);
            if options.is_empty() {
                choices.clear();
                break;
            }
            choices.push(options);
        }
        if !choices.is_empty() {
            let variants = choices.iter().map(Vec::len).max().unwrap_or(1);
            for choice in 0..variants.min(MAX_SUGGESTIONS) {
                let words: Vec<&str> = choices
                    .iter()
                    .filter_map(|options| options.get(choice).or_else(|| options.last()))
                    .map(String::as_str)
                    .collect();
                let joined = words.join(" ").replace("( ", "(").replace(" )", ")");
                keep_if_valid(&mut out, joined);
            }
        }

        // Last resort: the lax reading of the `spdx` crate (`mit/apache`).
        if out.is_empty()
            && let Ok(Some(canonical)) = Expression::canonicalize(text)
        {
            keep_if_valid(&mut out, canonical);
        }
        out
    }
}

fn keep_if_valid(out: &mut Vec<String>, candidate: String) {
    if out.len() < MAX_SUGGESTIONS
        && !out.contains(&candidate)
        && Expression::parse(&candidate).is_ok()
    {
        out.push(candidate);
    }
}

/// The targets of the keys most similar to `normalised` (at most two keys).
fn fuzzy_match(keys: &BTreeMap<String, Vec<String>>, normalised: &str) -> Vec<String> {
    let mut scored: Vec<(f64, &String)> = keys
        .keys()
        .filter(|candidate| candidate.len().abs_diff(normalised.len()) <= 3)
        .map(|candidate| {
            (
                strsim::normalized_damerau_levenshtein(normalised, candidate),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= MIN_SIMILARITY)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, candidate) in scored.into_iter().take(2) {
        for target in keys.get(candidate).into_iter().flatten() {
            if !out.contains(target) {
                out.push(target.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_noise() {
        assert_eq!(key("Apache License, Version 2.0"), "apache2");
        assert_eq!(key("apache-2.0"), "apache2");
        assert_eq!(key("Apache 2"), "apache2");
        assert_eq!(key("GPLv3"), "gpl3");
        assert_eq!(key("GNU GPL v3.0"), "gpl3");
        assert_eq!(key("MIT License"), "mit");
        assert_eq!(key("CC0 1.0"), key("CC0-1.0"));
        assert_eq!(key("LGPL-v2.1"), "lgpl2.1");
        assert_eq!(key(""), "");
    }

    #[test]
    fn pieces_split_operators_and_or_later() {
        let got = pieces("MPL 2.0 et (EPL 1.0 ou GPL v2 or later)");
        assert_eq!(
            got,
            vec![
                Piece::Term {
                    text: "MPL 2.0".into(),
                    or_later: false
                },
                Piece::And,
                Piece::Open,
                Piece::Term {
                    text: "EPL 1.0".into(),
                    or_later: false
                },
                Piece::Or,
                Piece::Term {
                    text: "GPL v2".into(),
                    or_later: true
                },
                Piece::Close,
            ]
        );
        assert_eq!(
            pieces("MIT/Apache-2.0"),
            vec![
                Piece::Term {
                    text: "MIT".into(),
                    or_later: false
                },
                Piece::Or,
                Piece::Term {
                    text: "Apache-2.0".into(),
                    or_later: false
                },
            ]
        );
    }
}
