//! Strict parsing: TOML syntax, the shape of the format, then the rules a
//! curator would check by eye. Every problem is located in the file.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic, Lines, ParseError};
use crate::kind::Kind;
use crate::limits::MAX_DIAGNOSTICS;
use crate::record::{FORMAT_VERSION, Record, Wire};

/// The largest record file accepted, in bytes. Real records are a few KiB;
/// anything near this is a mistake or an attack.
pub const MAX_RECORD_BYTES: usize = 256 * 1024;

/// Parses and validates one record.
///
/// `path`, when given, names the file in messages, and is checked: the
/// file name must be `<id>.toml`, and when its folder is named after a kind
/// it must be the record's kind (`records/<kind>/<id>.toml`).
///
/// # Errors
/// A [`ParseError`] lists every problem found, each with its line and
/// column and, where possible, how to fix it. Syntax and shape errors stop
/// the parse at the first one; the rules checked afterwards report all.
pub fn parse(source: &str, path: Option<&Path>) -> Result<Record, ParseError> {
    let shown = path.map(|p| p.display().to_string());
    let shown = shown.as_deref();
    let fail = |d: Diagnostic| ParseError {
        diagnostics: vec![d.with_path(shown)],
    };
    if source.len() > MAX_RECORD_BYTES {
        return Err(fail(
            Diagnostic::new(
                Code::TooLarge,
                format!(
                    "the file is {} bytes, more than the {MAX_RECORD_BYTES} bytes a record may have",
                    source.len()
                ),
            )
            .with_help("move long texts to a linked page and keep the record to its metadata"),
        ));
    }
    let table = DeTable::parse(source).map_err(|e| fail(toml_error(source, &e, Code::Syntax)))?;
    let wire = Wire::deserialize(toml::de::Deserializer::from(table))
        .map_err(|e| fail(toml_error(source, &e, classify(e.message()))))?;
    let mut problems = Vec::new();
    check_places(&wire, path, &mut problems);
    check_tables(&wire, &mut problems);
    let record = wire.into_record();
    if let Some(record) = &record {
        crate::rules::check(record, &mut problems);
    }
    match record {
        Some(record) if problems.is_empty() => return Ok(record),
        // Freed before the second parse below.
        other => drop(other),
    }
    // Only an invalid record pays for locating its problems: the syntax
    // tree is parsed again rather than kept (a copy of it would double the
    // memory of every parse). The rules look at no more items per list
    // than allowed, so there are few problems; only the first
    // `MAX_DIAGNOSTICS`, in file order, are placed and listed.
    let table = DeTable::parse(source).map_err(|e| fail(toml_error(source, &e, Code::Syntax)))?;
    let locate = Locator {
        source,
        root: table.get_ref(),
        root_span: table.span(),
    };
    let mut placed: Vec<(Range<usize>, Problem)> = problems
        .into_iter()
        .map(|p| (locate.span(&p.at), p))
        .collect();
    placed.sort_by_key(|(span, _)| span.start);
    let lines = Lines::new(source);
    let total = placed.len();
    let mut diagnostics: Vec<Diagnostic> = placed
        .into_iter()
        .take(MAX_DIAGNOSTICS)
        .map(|(span, p)| {
            let mut d = lines.place(Diagnostic::new(p.code, p.message).with_path(shown), span);
            d.help = p.help;
            d
        })
        .collect();
    if total > MAX_DIAGNOSTICS {
        diagnostics.push(Diagnostic::more_errors(total - MAX_DIAGNOSTICS).with_path(shown));
    }
    Err(ParseError { diagnostics })
}

/// A rule broken by a record, placed by key path.
pub(crate) struct Problem {
    pub code: Code,
    pub at: Vec<Seg>,
    pub message: String,
    pub help: Option<String>,
}

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(k: &str) -> Self {
        Seg::Key(k.to_owned())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// Finds the text span of a key path, falling back to the nearest parent
/// that exists (a missing key is reported on its table).
struct Locator<'a, 'i> {
    source: &'a str,
    root: &'a DeTable<'i>,
    root_span: Range<usize>,
}

impl Locator<'_, '_> {
    fn span(&self, path: &[Seg]) -> Range<usize> {
        let mut best = self.first_line();
        let mut current: Option<&DeValue<'_>> = None;
        for (depth, seg) in path.iter().enumerate() {
            let next = match (depth, seg, current) {
                (0, Seg::Key(k), _) => self
                    .root
                    .iter()
                    .find(|(key, _)| key.get_ref() == k)
                    .map(|(_, v)| v),
                (_, Seg::Key(k), Some(DeValue::Table(t))) => {
                    t.iter().find(|(key, _)| key.get_ref() == k).map(|(_, v)| v)
                }
                (_, Seg::Index(i), Some(DeValue::Array(a))) => a.get(*i),
                _ => None,
            };
            let Some(next) = next else { break };
            best = next.span();
            current = Some(next.get_ref());
        }
        best
    }

    fn first_line(&self) -> Range<usize> {
        let end = self.source.find('\n').unwrap_or(self.source.len());
        self.root_span.start..end.max(self.root_span.start)
    }
}

/// Turns a TOML or serde error into a diagnostic, with a suggestion for
/// misspelt field names.
fn toml_error(source: &str, e: &toml::de::Error, code: Code) -> Diagnostic {
    let message = e.message().trim().to_owned();
    let mut headline = first_sentence(&message);
    if code == Code::UnknownField
        && let Some((field, _)) = headline.split_once(", expected")
    {
        headline = field.to_owned();
    }
    let mut d = Diagnostic::new(code, headline);
    if let Some(span) = e.span() {
        d = d.at(source, span);
    }
    if code == Code::UnknownField
        && let Some(help) = suggest_field(&message)
    {
        d = d.with_help(help);
    } else if let Some(rest) = message.split_once('\n').map(|(_, rest)| rest.trim())
        && !rest.is_empty()
    {
        d = d.with_help(rest.to_owned());
    } else if code == Code::MissingField {
        d = d.with_help("add the field; `conservatoire new KIND ID` writes a skeleton with every required field");
    } else if code == Code::Syntax && message.contains("string") {
        d = d.with_help("text values are written in double quotes: title = \"Mon titre\"");
    }
    d
}

fn first_sentence(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_owned()
}

fn classify(message: &str) -> Code {
    if message.starts_with("unknown field") {
        Code::UnknownField
    } else if message.starts_with("missing field") {
        Code::MissingField
    } else if message.starts_with("invalid type") || message.starts_with("invalid length") {
        Code::WrongType
    } else {
        Code::InvalidValue
    }
}

/// From serde's "unknown field `titel`, expected one of `id`, `title`",
/// suggests the closest expected name.
fn suggest_field(message: &str) -> Option<String> {
    let given = message.split('`').nth(1)?;
    let expected: Vec<&str> = message
        .split_once("expected")?
        .1
        .split('`')
        .skip(1)
        .step_by(2)
        .collect();
    let best = expected
        .iter()
        .map(|e| (strsim::jaro_winkler(given, e), *e))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Some(match best {
        Some((_, name)) => format!("did you mean `{name}`?"),
        None => format!("the fields allowed here are: {}", expected.join(", ")),
    })
}

fn check_places(wire: &Wire, path: Option<&Path>, problems: &mut Vec<Problem>) {
    if wire.format > FORMAT_VERSION || wire.format == 0 {
        problems.push(Problem {
            code: Code::InvalidValue,
            at: vec!["format".into()],
            message: format!(
                "record format {} is not known to this program, which reads format {FORMAT_VERSION}",
                wire.format
            ),
            help: Some("upgrade conservatoire, or write `format = 1`".to_owned()),
        });
    }
    let Some(path) = path else { return };
    let stem = path.file_stem().and_then(|s| s.to_str());
    let extension = path.extension().and_then(|s| s.to_str());
    if extension != Some("toml") || stem != Some(wire.id.as_str()) {
        problems.push(Problem {
            code: Code::WrongPlace,
            at: vec!["id".into()],
            message: format!(
                "the id `{}` does not match the file name `{}`",
                wire.id,
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ),
            help: Some(format!(
                "name the file `{}.toml`, or change the id",
                wire.id
            )),
        });
    }
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .and_then(|n| n.parse::<Kind>().ok());
    if let Some(folder) = folder
        && folder != wire.kind
    {
        problems.push(Problem {
            code: Code::WrongPlace,
            at: vec!["kind".into()],
            message: format!(
                "the kind `{}` does not match the folder `{folder}` the file is in",
                wire.kind
            ),
            help: Some(format!("move the file to records/{}/", wire.kind)),
        });
    }
}

fn check_tables(wire: &Wire, problems: &mut Vec<Problem>) {
    for other in wire.tables_present() {
        if other != wire.kind {
            problems.push(Problem {
                code: Code::KindTable,
                at: vec![other.as_str().into()],
                message: format!("a `{}` record cannot have a [{other}] table", wire.kind),
                help: Some(format!(
                    "put the kind-specific fields in a [{}] table, or change `kind`",
                    wire.kind
                )),
            });
        }
    }
    let required_missing = match wire.kind {
        Kind::SeedLot => wire
            .seed_lot
            .is_none()
            .then_some("species, harvest_year, quantity and unit"),
        Kind::FermentLot => wire
            .ferment_lot
            .is_none()
            .then_some("organism, quantity and unit"),
        _ => None,
    };
    if let Some(fields) = required_missing {
        problems.push(Problem {
            code: Code::KindTable,
            at: vec!["kind".into()],
            message: format!("a `{}` record needs a [{}] table", wire.kind, wire.kind),
            help: Some(format!(
                "add a [{}] table with at least {fields}",
                wire.kind
            )),
        });
    }
}

/// Checks a record built in memory (by a form, an importer or a
/// generator) against the same rules as a parsed file.
///
/// # Errors
/// Every broken rule, as diagnostics without a place in a file.
pub fn validate(record: &Record) -> Result<(), ParseError> {
    let mut problems = Vec::new();
    crate::rules::check(record, &mut problems);
    if problems.is_empty() {
        return Ok(());
    }
    let total = problems.len();
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .take(MAX_DIAGNOSTICS)
        .map(|p| {
            let at: Vec<String> =
                p.at.iter()
                    .map(|s| match s {
                        Seg::Key(k) => k.clone(),
                        Seg::Index(i) => i.to_string(),
                    })
                    .collect();
            let mut d = Diagnostic::new(p.code, format!("{}: {}", at.join("."), p.message));
            d.help = p.help;
            d
        })
        .collect();
    if total > MAX_DIAGNOSTICS {
        diagnostics.push(Diagnostic::more_errors(total - MAX_DIAGNOSTICS));
    }
    Err(ParseError { diagnostics })
}
