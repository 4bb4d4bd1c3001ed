//! Strict parsing: TOML syntax, the shape of the format, then the rules a
//! curator would check by eye. Every problem is located in the file.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic, Lines, ParseError, Text};
use crate::kind::Kind;
use crate::limits::MAX_DIAGNOSTICS;
use crate::record::{FORMAT_VERSION, Record, Wire};
use crate::values::Date;

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
    parse_checked(source, path, &Context::default())
}

/// What the rules need to know that a record cannot say itself. The
/// format is pure: it never reads a clock, so a caller that wants the
/// rules about dates (no harvest after this year, no germination test in
/// the future) passes today's date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// Today's date; `None` skips the rules that need it.
    pub today: Option<Date>,
}

impl Context {
    /// A context that knows today's date.
    pub fn on(today: Date) -> Context {
        Context { today: Some(today) }
    }
}

/// [`parse`], with the rules that need to know today's date when
/// `context` gives it.
///
/// # Errors
/// As [`parse`].
pub fn parse_checked(
    source: &str,
    path: Option<&Path>,
    context: &Context,
) -> Result<Record, ParseError> {
    let shown = path.map(|p| p.display().to_string());
    let shown = shown.as_deref();
    let fail = |d: Diagnostic| ParseError {
        diagnostics: vec![d.with_path(shown)],
    };
    if source.len() > MAX_RECORD_BYTES {
        return Err(fail(
            Diagnostic::new(
                Code::TooLarge,
                Text::new(
                    format!(
                        "the file is {} bytes, more than the {MAX_RECORD_BYTES} bytes a record may have",
                        source.len()
                    ),
                    format!(
                        "le fichier fait {} octets, plus que les {MAX_RECORD_BYTES} octets permis pour une fiche",
                        source.len()
                    ),
                ),
            )
            .with_help(Text::new(
                "move long texts to a linked page and keep the record to its metadata",
                "placez les longs textes sur une page liée et gardez dans la fiche ses seules informations",
            )),
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
        crate::rules::check(record, context, &mut problems);
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
            if let Some(help) = p.help {
                d = d.with_help(help);
            }
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
    pub message: Text,
    pub help: Option<Text>,
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

/// Turns a TOML or serde error into a diagnostic in both languages,
/// with a suggestion for misspelt field names. serde's and the TOML
/// parser's messages are in English: the common ones are told in French
/// too; the rest get a plain French sentence that says where and what.
fn toml_error(source: &str, e: &toml::de::Error, code: Code) -> Diagnostic {
    let raw = e.message().trim().to_owned();
    // An `InvalidValue` crossed serde with both of its texts.
    if let Some((en, fr)) = raw.split_once(crate::values::LANGUAGE_SEPARATOR) {
        let mut d = Diagnostic::new(code, Text::new(en.trim(), fr.trim()));
        if let Some(span) = e.span() {
            d = d.at(source, span);
        }
        return d;
    }
    let message = raw;
    let mut headline = first_sentence(&message);
    if code == Code::UnknownField
        && let Some((field, _)) = headline.split_once(", expected")
    {
        headline = field.to_owned();
    }
    let french = french_headline(code, &headline);
    let mut d = Diagnostic::new(code, Text::new(headline, french));
    if let Some(span) = e.span() {
        d = d.at(source, span);
    }
    if code == Code::UnknownField
        && let Some(help) = suggest_field(&message)
    {
        d = d.with_help(help);
    } else if code == Code::MissingField {
        d = d.with_help(Text::new(
            "add the field; `conservatoire new KIND ID` writes a skeleton with every required field",
            "ajoutez le champ ; « conservatoire new TYPE ID » écrit un modèle avec tous les champs requis",
        ));
    } else if let Some(rest) = message.split_once('\n').map(|(_, rest)| rest.trim())
        && !rest.is_empty()
    {
        d = d.with_help(Text::new(
            rest,
            "vérifiez les guillemets, les crochets et les signes « = » à cet endroit",
        ));
    } else if code == Code::Syntax && message.contains("string") {
        d = d.with_help(Text::new(
            "text values are written in double quotes: title = \"Mon titre\"",
            "les textes s’écrivent entre guillemets droits : title = \"Mon titre\"",
        ));
    }
    d
}

/// The French of one of serde's or the TOML parser's headlines.
fn french_headline(code: Code, headline: &str) -> String {
    let quoted = headline.split('`').nth(1).unwrap_or_default();
    match code {
        Code::UnknownField => format!("champ inconnu « {quoted} »"),
        Code::MissingField => format!("il manque le champ « {quoted} »"),
        Code::WrongType => {
            let expected = headline
                .rsplit_once("expected ")
                .map_or("", |(_, e)| e)
                .trim();
            format!(
                "valeur d’un autre type que prévu : il faut {}",
                french_type(expected)
            )
        }
        Code::Syntax => "le texte n’est pas du TOML valide à cet endroit".to_owned(),
        _ if headline.starts_with("unknown variant") => {
            let allowed: Vec<&str> = headline
                .split_once("expected")
                .map_or("", |(_, rest)| rest)
                .split('`')
                .skip(1)
                .step_by(2)
                .collect();
            format!(
                "valeur inconnue « {quoted} » : les valeurs possibles sont {}",
                allowed.join(", ")
            )
        }
        _ => "valeur non valable à cet endroit".to_owned(),
    }
}

/// What serde says it expected, in French.
fn french_type(expected: &str) -> &'static str {
    let e = expected.trim_start_matches("a ").trim_start_matches("an ");
    if e.starts_with("i8")
        || e.starts_with("i16")
        || e.starts_with("i32")
        || e.starts_with("i64")
        || e.starts_with("u8")
        || e.starts_with("u16")
        || e.starts_with("u32")
        || e.starts_with("u64")
        || e.starts_with("integer")
    {
        "un nombre entier"
    } else if e.starts_with("f32") || e.starts_with("f64") || e.starts_with("number") {
        "un nombre"
    } else if e.starts_with("string") || e.starts_with("str") {
        "un texte entre guillemets"
    } else if e.starts_with("bool") {
        "true ou false"
    } else if e.starts_with("sequence") || e.starts_with("array") || e.starts_with("list") {
        "une liste entre crochets [ ]"
    } else if e.starts_with("struct") || e.starts_with("map") || e.starts_with("table") {
        "une table"
    } else if e.starts_with("date") {
        "une date écrite AAAA-MM-JJ"
    } else {
        "une valeur d’un autre type (voir le modèle de « conservatoire new »)"
    }
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
fn suggest_field(message: &str) -> Option<Text> {
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
        Some((_, name)) => Text::new(
            format!("did you mean `{name}`?"),
            format!("vouliez-vous dire « {name} » ?"),
        ),
        None => Text::new(
            format!("the fields allowed here are: {}", expected.join(", ")),
            format!("les champs permis ici sont : {}", expected.join(", ")),
        ),
    })
}

fn check_places(wire: &Wire, path: Option<&Path>, problems: &mut Vec<Problem>) {
    if wire.format > FORMAT_VERSION || wire.format == 0 {
        problems.push(Problem {
            code: Code::InvalidValue,
            at: vec!["format".into()],
            message: Text::new(
                format!(
                    "record format {} is not known to this program, which reads format {FORMAT_VERSION}",
                    wire.format
                ),
                format!(
                    "le format de fiche {} est inconnu de ce programme, qui lit le format {FORMAT_VERSION}",
                    wire.format
                ),
            ),
            help: Some(Text::new(
                "upgrade conservatoire, or write `format = 1`",
                "mettez conservatoire à jour, ou écrivez « format = 1 »",
            )),
        });
    }
    let Some(path) = path else { return };
    let stem = path.file_stem().and_then(|s| s.to_str());
    let extension = path.extension().and_then(|s| s.to_str());
    if extension != Some("toml") || stem != Some(wire.id.as_str()) {
        problems.push(Problem {
            code: Code::WrongPlace,
            at: vec!["id".into()],
            message: {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                Text::new(
                    format!("the id `{}` does not match the file name `{name}`", wire.id),
                    format!(
                        "l’identifiant « {} » ne correspond pas au nom du fichier « {name} »",
                        wire.id
                    ),
                )
            },
            help: Some(Text::new(
                format!("name the file `{}.toml`, or change the id", wire.id),
                format!(
                    "nommez le fichier « {}.toml », ou changez l’identifiant",
                    wire.id
                ),
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
            message: Text::new(
                format!(
                    "the kind `{}` does not match the folder `{folder}` the file is in",
                    wire.kind
                ),
                format!(
                    "le type « {} » ne correspond pas au dossier « {folder} » du fichier",
                    wire.kind
                ),
            ),
            help: Some(Text::new(
                format!("move the file to records/{}/", wire.kind),
                format!("déplacez le fichier dans records/{}/", wire.kind),
            )),
        });
    }
}

fn check_tables(wire: &Wire, problems: &mut Vec<Problem>) {
    for other in wire.tables_present() {
        if other != wire.kind {
            problems.push(Problem {
                code: Code::KindTable,
                at: vec![other.as_str().into()],
                message: Text::new(
                    format!("a `{}` record cannot have a [{other}] table", wire.kind),
                    format!("une fiche « {} » ne peut pas avoir de table [{other}]", wire.kind),
                ),
                help: Some(Text::new(
                    format!(
                        "put the kind-specific fields in a [{}] table, or change `kind`",
                        wire.kind
                    ),
                    format!(
                        "mettez les champs propres au type dans une table [{}], ou changez « kind »",
                        wire.kind
                    ),
                )),
            });
        }
    }
    let required_missing = match wire.kind {
        Kind::SeedLot => wire.seed_lot.is_none().then_some((
            "species, harvest_year, quantity and unit",
            "species, harvest_year, quantity et unit",
        )),
        Kind::FermentLot => wire
            .ferment_lot
            .is_none()
            .then_some(("organism, quantity and unit", "organism, quantity et unit")),
        _ => None,
    };
    if let Some((fields, champs)) = required_missing {
        problems.push(Problem {
            code: Code::KindTable,
            at: vec!["kind".into()],
            message: Text::new(
                format!("a `{}` record needs a [{}] table", wire.kind, wire.kind),
                format!(
                    "une fiche « {} » a besoin d’une table [{}]",
                    wire.kind, wire.kind
                ),
            ),
            help: Some(Text::new(
                format!("add a [{}] table with at least {fields}", wire.kind),
                format!("ajoutez une table [{}] avec au moins {champs}", wire.kind),
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
    validate_checked(record, &Context::default())
}

/// [`validate`], with the rules that need to know today's date when
/// `context` gives it. Each diagnostic names its field by its key path
/// ([`Diagnostic::field`]), so that a form can show it next to the field.
///
/// # Errors
/// Every broken rule, as diagnostics without a place in a file.
pub fn validate_checked(record: &Record, context: &Context) -> Result<(), ParseError> {
    let mut problems = Vec::new();
    crate::rules::check(record, context, &mut problems);
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
            let mut d = Diagnostic::new(p.code, p.message).with_field(&at.join("."));
            if let Some(help) = p.help {
                d = d.with_help(help);
            }
            d
        })
        .collect();
    if total > MAX_DIAGNOSTICS {
        diagnostics.push(Diagnostic::more_errors(total - MAX_DIAGNOSTICS));
    }
    Err(ParseError { diagnostics })
}
