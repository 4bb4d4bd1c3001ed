//! CSV (or TSV) catalogues to records, through a TOML mapping from columns
//! to record fields.
//!
//! A mapping names, for each field of the record file (its key path, as in
//! the TOML record: `title`, `cultural-work.accession_number`), a template
//! where `{Column}` stands for that column's value (`{3}` for the third
//! column of a file without a header line):
//!
//! ```toml
//! delimiter = "\t"         # default ","
//! has_headers = false      # default true
//!
//! [source]                 # kept in every record's `sources`
//! name = "The Met – Open Access"
//! url = "https://www.metmuseum.org/about-the-met/policies-and-documents/open-access"
//!
//! [fields]
//! id = "met-{1}"                              # slugified
//! title = "{12}"
//! license = "CC0-1.0"                         # a constant
//! tags = { template = "{classification}", split = "," }
//! "cultural-work.year" = { template = "{year}", type = "integer" }
//! "cultural-work.creators[].name" = "{10}"    # a list of one table
//! ```
//!
//! A value that a JSON column holds is reached with a dot: `{13.medium}`
//! reads key `medium` of the JSON object in column 13. A field whose
//! template gives an empty text is left out. Each row becomes a TOML record
//! read by the format's own strict parser: a row that breaks a rule is
//! refused whole, with its row number and the reasons, never half-imported.

use std::collections::BTreeMap;

use cdl_records::{Kind, Record};
use serde::Deserialize;

/// The mapping file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The field separator, one character (default `,`).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Whether the first line names the columns (default true).
    #[serde(default = "yes")]
    pub has_headers: bool,
    /// Where the rows come from, kept in every record's `sources`.
    pub source: SourceSpec,
    /// Record field key paths to templates.
    pub fields: BTreeMap<String, FieldSpec>,
}

fn yes() -> bool {
    true
}

/// The origin of the rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Name of the source.
    pub name: String,
    /// Its address.
    #[serde(default)]
    pub url: Option<String>,
    /// Licence of its metadata.
    #[serde(default)]
    pub license: Option<String>,
}

/// How one field is filled.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    /// A template giving text.
    Template(String),
    /// A template with options.
    Full {
        /// The template.
        template: String,
        /// Split the text on this separator into a list.
        #[serde(default)]
        split: Option<String>,
        /// `text` (default), `integer`, `number`, `boolean` or `date`
        /// (the first ten characters of a date-time, `2013-07-08`).
        #[serde(default, rename = "type")]
        value_type: Option<String>,
        /// Values to replace: the file's text to the record's
        /// (`"Licence Ouverte / Open Licence" = "etalab-2.0"`).
        #[serde(default)]
        map: BTreeMap<String, String>,
    },
}

/// Why a mapping or a file could not be used at all.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The mapping file is not valid TOML of the expected shape.
    #[error("fichier de correspondance invalide : {0}")]
    Mapping(String),
    /// A template names a column the file does not have.
    #[error(
        "la correspondance du champ « {field} » cite la colonne « {column} », absente du fichier (colonnes : {known})"
    )]
    UnknownColumn {
        /// The field.
        field: String,
        /// The missing column.
        column: String,
        /// The file's columns.
        known: String,
    },
    /// The CSV itself is unreadable.
    #[error("CSV illisible : {0}")]
    Csv(#[from] csv::Error),
}

/// A row that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The row number in the file (1 = the first line, header included).
    pub row: usize,
    /// Why, in French.
    pub reasons: Vec<String>,
}

/// The outcome of a file.
#[derive(Debug, Default)]
pub struct Imported {
    /// The records of the valid rows.
    pub records: Vec<Record>,
    /// The refused rows.
    pub refused: Vec<Refused>,
}

impl Mapping {
    /// Reads a mapping file.
    ///
    /// # Errors
    /// [`CsvError::Mapping`] when the TOML is malformed or a key is unknown.
    pub fn from_toml(text: &str) -> Result<Mapping, CsvError> {
        let mapping: Mapping =
            toml::from_str(text).map_err(|e| CsvError::Mapping(e.to_string()))?;
        if let Some(d) = &mapping.delimiter
            && d.len() != 1
        {
            return Err(CsvError::Mapping(format!(
                "delimiter doit être un seul caractère ASCII, pas « {d} »"
            )));
        }
        for key in ["id", "title", "license"] {
            if !mapping.fields.contains_key(key) {
                return Err(CsvError::Mapping(format!("[fields] doit donner « {key} »")));
            }
        }
        Ok(mapping)
    }
}

/// Placeholders of a template: `{name}` parts.
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

fn fill(template: &str, lookup: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&lookup(&after[..end]));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Puts `value` at a dotted key path, `name[]` meaning a list holding one table.
fn insert(table: &mut toml::Table, path: &str, value: toml::Value) {
    let mut parts = path.splitn(2, '.');
    let head = parts.next().unwrap_or_default();
    let tail = parts.next();
    match (head.strip_suffix("[]"), tail) {
        (Some(list), Some(rest)) => {
            let entry = table.entry(list.to_owned()).or_insert_with(|| {
                toml::Value::Array(vec![toml::Value::Table(toml::Table::new())])
            });
            if let toml::Value::Array(items) = entry
                && let Some(toml::Value::Table(inner)) = items.first_mut()
            {
                insert(inner, rest, value);
            }
        }
        (_, Some(rest)) => {
            let entry = table
                .entry(head.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(inner) = entry {
                insert(inner, rest, value);
            }
        }
        (_, None) => {
            table.insert(head.to_owned(), value);
        }
    }
}

/// Removes the value at a dotted key path.
fn remove(table: &mut toml::Table, path: &str) {
    match path.split_once('.') {
        None => {
            table.remove(path);
        }
        Some((head, rest)) => {
            if let Some(toml::Value::Table(inner)) = table.get_mut(head) {
                remove(inner, rest);
            }
        }
    }
}

/// The progress of an import, for a progress bar: called with the rows
/// read so far and the file's size in bytes read so far.
pub type Progress<'a> = &'a mut dyn FnMut(u64);

/// Imports the rows of `data` as records of `kind`. `progress` is called
/// with the bytes read after each row.
///
/// # Errors
/// [`CsvError`] when the file or the mapping cannot be used at all; rows
/// that break a rule are reported in [`Imported::refused`] instead.
pub fn import(
    data: &[u8],
    mapping: &Mapping,
    kind: Kind,
    progress: Progress<'_>,
) -> Result<Imported, CsvError> {
    let delimiter = mapping
        .delimiter
        .as_deref()
        .and_then(|d| d.bytes().next())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(mapping.has_headers)
        .flexible(true)
        .quoting(delimiter != b'\t')
        .from_reader(data);
    let headers: Vec<String> = if mapping.has_headers {
        reader
            .headers()?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
            .collect()
    } else {
        Vec::new()
    };
    let column = |name: &str| -> Option<usize> {
        if mapping.has_headers {
            headers.iter().position(|h| h == name)
        } else {
            name.parse::<usize>().ok().and_then(|n| n.checked_sub(1))
        }
    };
    // Every placeholder must name a column: a typo is an error up front,
    // not a file of records with empty fields.
    for (field, spec) in &mapping.fields {
        let template = match spec {
            FieldSpec::Template(t) | FieldSpec::Full { template: t, .. } => t,
        };
        for p in placeholders(template) {
            let col = if column(p).is_some() {
                p
            } else {
                p.split('.').next().unwrap_or(p)
            };
            if column(col).is_none() {
                return Err(CsvError::UnknownColumn {
                    field: field.clone(),
                    column: col.to_owned(),
                    known: if mapping.has_headers {
                        headers.join(", ")
                    } else {
                        "numéros 1, 2, 3...".to_owned()
                    },
                });
            }
        }
    }
    let mut out = Imported::default();
    let mut seen = std::collections::BTreeSet::new();
    let first_row = if mapping.has_headers { 2 } else { 1 };
    let mut record = csv::StringRecord::new();
    let mut index = 0usize;
    loop {
        let row_number = index + first_row;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.refused.push(Refused {
                    row: row_number,
                    reasons: vec![format!("ligne CSV illisible : {e}")],
                });
                index += 1;
                continue;
            }
        }
        index += 1;
        progress(reader.position().byte());
        let cell = |name: &str| -> String {
            // A column's own name first ("spatial.zones"), then column.key.
            let (col, key) = if column(name).is_some() {
                (name, None)
            } else {
                let mut parts = name.splitn(2, '.');
                (parts.next().unwrap_or_default(), parts.next())
            };
            let raw = column(col)
                .and_then(|i| record.get(i))
                .unwrap_or_default()
                .trim();
            let raw = if raw == "\\N" { "" } else { raw };
            match key {
                None => raw.to_owned(),
                Some(key) => serde_json::from_str::<serde_json::Value>(raw)
                    .ok()
                    .and_then(|v| {
                        v.get(key)
                            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                    })
                    .unwrap_or_default(),
            }
        };
        match row_to_record(mapping, kind, &cell) {
            Ok(rec) => {
                if seen.insert(rec.id.as_str().to_owned()) {
                    out.records.push(rec);
                } else {
                    out.refused.push(Refused {
                        row: row_number,
                        reasons: vec![format!(
                            "identifiant « {} » déjà donné par une ligne précédente",
                            rec.id.as_str()
                        )],
                    });
                }
            }
            Err(reasons) => out.refused.push(Refused {
                row: row_number,
                reasons,
            }),
        }
    }
    progress(data.len() as u64);
    Ok(out)
}

fn row_to_record(
    mapping: &Mapping,
    kind: Kind,
    cell: &dyn Fn(&str) -> String,
) -> Result<Record, Vec<String>> {
    let mut table = toml::Table::new();
    table.insert(
        "format".to_owned(),
        toml::Value::Integer(i64::from(cdl_records::FORMAT_VERSION)),
    );
    table.insert(
        "kind".to_owned(),
        toml::Value::String(kind.as_str().to_owned()),
    );
    let mut reasons = Vec::new();
    // A list of one table (`creators[]`) is kept only when one of its
    // fields read from the row is filled: constants alone (a role, a media
    // type) do not make a creator or a reproduction.
    let mut groups = std::collections::BTreeSet::new();
    let mut filled_groups = std::collections::BTreeSet::new();
    for (field, spec) in &mapping.fields {
        let (template, split, value_type) = match spec {
            FieldSpec::Template(t) => (t.as_str(), None, None),
            FieldSpec::Full {
                template,
                split,
                value_type,
                ..
            } => (template.as_str(), split.as_deref(), value_type.as_deref()),
        };
        let mut text = fill(template, cell);
        if let FieldSpec::Full { map, .. } = spec
            && let Some(replacement) = map.get(&text)
        {
            replacement.clone_into(&mut text);
        }
        let group = field.find("[]").map(|end| field[..end + 2].to_owned());
        if text.is_empty() {
            continue;
        }
        if let Some(g) = &group {
            if !placeholders(template).is_empty() {
                filled_groups.insert(g.clone());
            }
            groups.insert(g.clone());
        }
        let text = if field == "id" {
            cdl_records::slugify(&text)
        } else {
            text
        };
        let value = if let Some(sep) = split {
            let items: Vec<toml::Value> = text
                .split(sep)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_owned()))
                .collect();
            toml::Value::Array(items)
        } else {
            match value_type.unwrap_or("text") {
                "integer" => match text.parse::<i64>() {
                    Ok(i) => toml::Value::Integer(i),
                    Err(_) => {
                        reasons.push(format!("{field} : « {text} » n'est pas un nombre entier"));
                        continue;
                    }
                },
                "number" => match text.replace(',', ".").parse::<f64>() {
                    Ok(f) => toml::Value::Float(f),
                    Err(_) => {
                        reasons.push(format!("{field} : « {text} » n'est pas un nombre"));
                        continue;
                    }
                },
                "date" => toml::Value::String(text.chars().take(10).collect()),
                "boolean" => toml::Value::Boolean(matches!(
                    text.to_lowercase().as_str(),
                    "true" | "oui" | "yes" | "1"
                )),
                _ => toml::Value::String(text),
            }
        };
        insert(&mut table, field, value);
    }
    for g in groups.difference(&filled_groups) {
        remove(&mut table, g.trim_end_matches("[]"));
    }
    let mut source = toml::Table::new();
    source.insert(
        "name".to_owned(),
        toml::Value::String(mapping.source.name.clone()),
    );
    if let Some(u) = &mapping.source.url {
        source.insert("url".to_owned(), toml::Value::String(u.clone()));
    }
    if let Some(l) = &mapping.source.license {
        source.insert("license".to_owned(), toml::Value::String(l.clone()));
    }
    let sources = table
        .entry("sources".to_owned())
        .or_insert_with(|| toml::Value::Array(Vec::new()));
    if let toml::Value::Array(items) = sources {
        items.push(toml::Value::Table(source));
    }
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let text = toml::to_string(&table).map_err(|e| vec![e.to_string()])?;
    let record = cdl_records::parse(&text, None).map_err(|e| {
        e.diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
    })?;
    let certificate = cdl_licenses::certify(kind, &record.license);
    if !certificate.is_certified() {
        return Err(vec![format!(
            "licence « {} » non certifiée libre pour ce genre de ressource",
            record.license
        )]);
    }
    Ok(record)
}
