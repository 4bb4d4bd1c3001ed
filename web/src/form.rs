//! The proposal forms, derived from the record format: which fields a form
//! has, how each is entered and whether it is required come from the
//! format's JSON Schema; labels, help texts and the options of enumerated
//! fields come from [`cdl_records::vocabulary`]. A submitted form is read
//! into a typed [`Record`] (never TOML text), every problem of every field
//! collected at once, then checked by the format's rules.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::OnceLock;

use cdl_records::details::{
    CulturalWork, Dataset, FermentLot, FermentUnit, Method, Organisation, SeedLot, SeedUnit,
    Software,
};
use cdl_records::values::{Amount, Date, InvalidValue};
use cdl_records::vocabulary::{self, Lang};
use cdl_records::{Contributor, Details, Kind, Link, LinkRel, Record, RecordId, Source};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Text,
    /// Several lines of text.
    Area,
    /// A comma-separated list of short texts.
    List,
    /// One item per line.
    Lines,
    /// A comma-separated list of names (organisations, people).
    Names,
    /// One organisation's name.
    Org,
    /// A whole number.
    Integer,
    /// A number, decimals allowed.
    Number,
    /// A web address.
    Url,
    /// A date, YYYY-MM-DD.
    Date,
    /// One of the values of an enumerated field.
    Select,
    /// The licence: a choice among the licences offered for the kind, or
    /// another SPDX expression.
    Licence,
}

/// A field of a form.
#[derive(Debug, Clone)]
pub struct FormField {
    /// Its path in the record (`title`, `seed-lot.species`), also its
    /// name in the form; `homepage` is the link of rel `homepage`.
    pub path: String,
    /// How it is entered.
    pub input: Input,
    /// Whether the format requires it.
    pub required: bool,
}

/// The form name of the home page link (a `[[links]]` of rel `homepage`).
pub const HOMEPAGE: &str = "homepage";
/// The form name of the licence typed as an SPDX expression.
pub const LICENCE_OTHER: &str = "license_other";
/// The value of the licence choice "another licence".
pub const OTHER: &str = "other";

/// Common fields the form leaves out: set by the form itself (`format`,
/// `kind`) or too rich for one input (`links` but the home page,
/// `translations`).
const NOT_IN_FORMS: &[&str] = &["format", "kind", "links", "translations"];

/// Fields whose text runs over several lines.
const MULTILINE: &[&str] = &["description", "method.steps", "ferment-lot.care"];

/// Common fields that most contributions need, shown first; the other
/// common fields come after the kind's own, as "more details".
pub const ESSENTIAL: &[&str] = &["title", "id", "license", "summary", "description", "tags"];

/// The forms of every kind, derived once from the schema (immutable).
static FORMS: OnceLock<HashMap<Kind, Vec<FormField>>> = OnceLock::new();

/// The fields of the form of `kind`: common fields first, then the kind's
/// own, in the order of the vocabulary.
pub fn fields(kind: Kind) -> &'static [FormField] {
    FORMS
        .get_or_init(derive_forms)
        .get(&kind)
        .map_or(&[], Vec::as_slice)
}

fn derive_forms() -> HashMap<Kind, Vec<FormField>> {
    let schema = cdl_records::json_schema();
    Kind::ALL
        .iter()
        .map(|&kind| (kind, derive_form(&schema, kind)))
        .collect()
}

/// Follows `$ref`, `allOf` and `anyOf` (minus `null`) to the schema that
/// says what a value is.
fn resolve<'a>(root: &'a Json, node: &'a Json) -> &'a Json {
    let mut node = node;
    for _ in 0..8 {
        if let Some(r) = node.get("$ref").and_then(Json::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            match root.get("definitions").and_then(|d| d.get(name)) {
                Some(def) => node = def,
                None => return node,
            }
            continue;
        }
        let inner = ["allOf", "anyOf"].iter().find_map(|key| {
            node.get(*key)?
                .as_array()?
                .iter()
                .find(|n| n.get("type").and_then(Json::as_str) != Some("null"))
        });
        match inner {
            Some(next) => node = next,
            None => return node,
        }
    }
    node
}

/// The JSON type of a schema node, `null` aside.
fn json_type(node: &Json) -> Option<&str> {
    match node.get("type") {
        Some(Json::String(t)) => Some(t),
        Some(Json::Array(types)) => types.iter().filter_map(Json::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// An object that a name alone can make (an organisation, a creator).
fn named_object(node: &Json) -> bool {
    node.get("required")
        .and_then(Json::as_array)
        .is_some_and(|r| r.len() == 1 && r[0] == "name")
}

/// How a value of this schema is entered, if one input can hold it.
fn input_for(root: &Json, path: &str, node: &Json) -> Option<Input> {
    let node = resolve(root, node);
    if node.get("oneOf").is_some() || node.get("enum").is_some() {
        return Some(Input::Select);
    }
    let multiline = MULTILINE.contains(&path);
    match json_type(node)? {
        "string" => Some(match node.get("format").and_then(Json::as_str) {
            Some("uri") => Input::Url,
            Some("date") => Input::Date,
            _ if multiline => Input::Area,
            _ => Input::Text,
        }),
        "integer" => Some(Input::Integer),
        "number" => Some(Input::Number),
        "object" if named_object(node) => Some(Input::Org),
        "array" => {
            let items = resolve(root, node.get("items")?);
            match json_type(items)? {
                "string" if multiline => Some(Input::Lines),
                "string" => Some(Input::List),
                "object" if named_object(items) => Some(Input::Names),
                _ => None,
            }
        }
        _ => None,
    }
}

fn derive_form(root: &Json, kind: Kind) -> Vec<FormField> {
    let required_in = |node: &Json, name: &str| {
        node.get("required")
            .and_then(Json::as_array)
            .is_some_and(|r| r.iter().any(|x| x == name))
    };
    let mut out = Vec::new();
    let props = root.get("properties");
    for f in vocabulary::FIELDS {
        if f.path.contains('.') || NOT_IN_FORMS.contains(&f.path) {
            continue;
        }
        let Some(node) = props.and_then(|p| p.get(f.path)) else {
            continue;
        };
        let input = if f.path == "license" {
            Some(Input::Licence)
        } else {
            input_for(root, f.path, node)
        };
        if let Some(input) = input {
            out.push(FormField {
                path: f.path.to_owned(),
                input,
                required: required_in(root, f.path),
            });
        }
    }
    out.push(FormField {
        path: HOMEPAGE.to_owned(),
        input: Input::Url,
        required: false,
    });
    let table = kind.as_str();
    let Some(table_node) = props.and_then(|p| p.get(table)) else {
        return out;
    };
    let table_node = resolve(root, table_node);
    let prefix = format!("{table}.");
    for f in vocabulary::FIELDS {
        let Some(name) = f.path.strip_prefix(&prefix) else {
            continue;
        };
        if name.contains('.') {
            continue;
        }
        let Some(node) = table_node.get("properties").and_then(|p| p.get(name)) else {
            continue;
        };
        if let Some(input) = input_for(root, f.path, node) {
            out.push(FormField {
                path: f.path.to_owned(),
                input,
                required: required_in(table_node, name),
            });
        }
    }
    out
}

/// The label of a form field, from the vocabulary.
pub fn label(path: &str, lang: Lang) -> &'static str {
    if path == HOMEPAGE {
        return vocabulary::value("links.rel", "homepage").map_or("", |l| l.get(lang));
    }
    vocabulary::field(path).map_or("", |f| f.label.get(lang))
}

/// The help text of a form field, from the vocabulary.
pub fn help(path: &str, lang: Lang) -> Option<&'static str> {
    vocabulary::field(path).and_then(|f| f.help.map(|h| h.get(lang)))
}

/// A problem with a field of the form (or, `field` empty, the record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The form field's name.
    pub field: String,
    /// What is wrong and how to fix it, in the page's language.
    pub message: String,
}

/// Line ends as a browser sends them (`\r\n`) or as old systems wrote them
/// (`\r`), as the format stores them: `\n`.
pub fn normalise_line_ends(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    }
}

/// A submitted form, read field by field into typed values; every problem
/// is kept.
pub struct Reader<'a> {
    values: &'a HashMap<String, String>,
    lang: Lang,
    /// The problems found so far.
    pub problems: Vec<Problem>,
    /// The fields read, to check that the form reads every field it shows.
    pub read: HashSet<String>,
}

impl<'a> Reader<'a> {
    /// A reader of `values` whose messages are in `lang`.
    pub fn new(values: &'a HashMap<String, String>, lang: Lang) -> Reader<'a> {
        Reader {
            values,
            lang,
            problems: Vec::new(),
            read: HashSet::new(),
        }
    }

    fn fr_en(&self, fr: String, en: String) -> String {
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    fn problem(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            field: path.to_owned(),
            message,
        });
    }

    fn invalid(&mut self, path: &str, e: &InvalidValue) {
        let message = e.text().get(self.lang).to_owned();
        self.problem(path, message);
    }

    /// The trimmed value of a field, if not blank.
    pub fn raw(&mut self, path: &str) -> Option<&'a str> {
        self.read.insert(path.to_owned());
        self.values
            .get(path)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A text.
    pub fn text(&mut self, path: &str) -> Option<String> {
        self.raw(path).map(normalise_line_ends)
    }

    /// A required text (the emptiness is reported by [`required`]).
    fn req_text(&mut self, path: &str) -> String {
        self.text(path).unwrap_or_else(|| "?".to_owned())
    }

    /// The items of a list: one per line for [`Input::Lines`], else
    /// separated by commas.
    fn items(&mut self, path: &str) -> Vec<String> {
        let lines = MULTILINE.contains(&path);
        let Some(raw) = self.raw(path) else {
            return Vec::new();
        };
        let raw = normalise_line_ends(raw);
        let parts: Vec<&str> = if lines {
            raw.lines().collect()
        } else {
            raw.split(',').collect()
        };
        parts
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A value checked by its type (an address, a date, a language...).
    fn parsed<T: FromStr<Err = InvalidValue>>(&mut self, path: &str) -> Option<T> {
        let raw = self.raw(path)?;
        match raw.parse() {
            Ok(v) => Some(v),
            Err(e) => {
                self.invalid(path, &e);
                None
            }
        }
    }

    /// A date, written as the format writes it (2026-02-18) or as French
    /// people do (18/02/2026, 18.02.2026).
    fn date(&mut self, path: &str) -> Option<Date> {
        let raw = self.raw(path)?;
        let parts: Vec<&str> = raw.split(['/', '.']).collect();
        let french = match parts.as_slice() {
            [d, m, y] if y.len() == 4 && d.len() <= 2 && m.len() <= 2 => {
                Some(format!("{y}-{m:0>2}-{d:0>2}"))
            }
            _ => None,
        };
        match french.as_deref().unwrap_or(raw).parse() {
            Ok(d) => Some(d),
            Err(e) => {
                self.invalid(path, &e);
                None
            }
        }
    }

    /// A list of values checked by their type.
    fn parsed_list<T: FromStr<Err = InvalidValue>>(&mut self, path: &str) -> Vec<T> {
        let mut out = Vec::new();
        for item in self.items(path) {
            match item.parse() {
                Ok(v) => out.push(v),
                Err(e) => self.invalid(path, &e),
            }
        }
        out
    }

    /// A whole number.
    fn integer<T: FromStr>(&mut self, path: &str) -> Option<T> {
        let raw = self.raw(path)?;
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(v) = compact.parse() {
            return Some(v);
        }
        let message = self.fr_en(
            format!("« {raw} » n’est pas un nombre entier : écrivez seulement des chiffres, par exemple 2025"),
            format!("“{raw}” is not a whole number: write digits only, for example 2025"),
        );
        self.problem(path, message);
        None
    }

    /// A quantity greater than zero; a decimal comma is accepted.
    fn amount(&mut self, path: &str) -> Option<Amount> {
        let raw = self.raw(path)?;
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        match compact.parse::<f64>() {
            Ok(v) => match Amount::new(v) {
                Ok(a) => Some(a),
                Err(e) => {
                    self.invalid(path, &e);
                    None
                }
            },
            Err(_) => {
                let message = self.fr_en(
                    format!("« {raw} » n’est pas un nombre : écrivez par exemple 12 ou 12,5"),
                    format!("“{raw}” is not a number: write for example 12 or 12.5"),
                );
                self.problem(path, message);
                None
            }
        }
    }

    /// One of the values of an enumerated field, as the vocabulary lists them.
    fn choice<T: DeserializeOwned>(&mut self, path: &str) -> Option<T> {
        let raw = self.raw(path)?;
        let parsed =
            T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(raw));
        match parsed {
            Ok(v) => Some(v),
            Err(_) => {
                let lang = self.lang;
                let allowed: Vec<&str> = vocabulary::values(path)
                    .map(|v| v.label.get(lang))
                    .collect();
                let message = self.fr_en(
                    format!(
                        "« {raw} » n’est pas une valeur possible : choisissez parmi {}",
                        allowed.join(", ")
                    ),
                    format!(
                        "“{raw}” is not one of the values: choose among {}",
                        allowed.join(", ")
                    ),
                );
                self.problem(path, message);
                None
            }
        }
    }

    /// An organisation, by its name.
    fn org(&mut self, path: &str) -> Option<Organisation> {
        self.text(path).map(|name| Organisation { name, url: None })
    }

    /// Organisations, by their names.
    fn orgs(&mut self, path: &str) -> Vec<Organisation> {
        self.items(path)
            .into_iter()
            .map(|name| Organisation { name, url: None })
            .collect()
    }

    /// The licence: the choice, or the expression typed for "another".
    pub fn licence(&mut self) -> Option<String> {
        let chosen = self.raw("license");
        let other = self.raw(LICENCE_OTHER);
        match chosen {
            Some(OTHER) | None => other.map(str::to_owned),
            Some(id) => Some(id.to_owned()),
        }
    }
}

/// What a submitted form gives: the record, when every field could be
/// read, and every problem found (fields, rules and licence together).
pub struct Built {
    /// The record, built even when some fields are wrong (with
    /// placeholders), so that the rules can check the others.
    pub record: Record,
    /// Every problem, in form order.
    pub problems: Vec<Problem>,
    /// The id suggested from the title, when the id was left empty.
    pub suggested_id: Option<String>,
    /// The form fields read.
    pub read: HashSet<String>,
}

/// The required fields left empty.
fn required(kind: Kind, reader: &mut Reader<'_>, suggested_id: bool) {
    let lang = reader.lang;
    for f in fields(kind) {
        if !f.required || (f.path == "id" && suggested_id) {
            continue;
        }
        let empty = if f.input == Input::Licence {
            reader.licence().is_none()
        } else {
            reader.raw(&f.path).is_none()
        };
        if empty {
            let name = label(&f.path, lang);
            let message = match (lang, f.input) {
                (Lang::Fr, Input::Select | Input::Licence) => format!("Choisissez : {name}."),
                (Lang::En, Input::Select | Input::Licence) => format!("Choose: {name}."),
                (Lang::Fr, _) if f.path == "id" => {
                    format!("Indiquez : {name} (ou un titre, d’où il sera tiré).")
                }
                (Lang::En, _) if f.path == "id" => {
                    format!("Enter: {name} (or a title to make it from).")
                }
                (Lang::Fr, _) => format!("Indiquez : {name}."),
                (Lang::En, _) => format!("Enter: {name}."),
            };
            reader.problem(&f.path, message);
        }
    }
}

/// Reads a submitted form of `kind` into a record, with every problem of
/// its fields. The format’s rules and the licence are checked by the
/// propose page, on the record built here.
pub fn read(kind: Kind, values: &HashMap<String, String>, lang: Lang) -> Built {
    let mut r = Reader::new(values, lang);
    let title = r.text("title");
    let given_id = r.raw("id");
    let suggested_id = match (given_id, &title) {
        (None, Some(t)) => Some(cdl_records::slugify(t)),
        _ => None,
    };
    required(kind, &mut r, suggested_id.is_some());
    let id_text = given_id.map(str::to_owned).or_else(|| suggested_id.clone());
    let id = match id_text.as_deref().map(RecordId::new) {
        Some(Ok(id)) => id,
        Some(Err(e)) => {
            let message = e.text().get(lang).to_owned();
            r.problem("id", message);
            placeholder_id()
        }
        None => placeholder_id(),
    };
    let license = r.licence().unwrap_or_else(|| "?".to_owned());
    let mut links = Vec::new();
    if let Some(url) = r.parsed(HOMEPAGE) {
        links.push(Link {
            url,
            rel: LinkRel::Homepage,
            title: None,
        });
    }
    let contributors = r
        .items("contributors")
        .into_iter()
        .map(|name| Contributor {
            name,
            role: None,
            url: None,
        })
        .collect();
    let sources = r
        .items("sources")
        .into_iter()
        .map(|name| Source {
            name,
            url: None,
            license: None,
        })
        .collect();
    let mut record = Record::skeleton(kind, id, title.unwrap_or_else(|| "?".to_owned()), license);
    record.title_lang = r.parsed("title_lang");
    record.summary = r.text("summary");
    record.description = r.text("description");
    record.tags = r.items("tags");
    record.languages = r.parsed_list("languages");
    record.created = r.date("created");
    record.updated = r.date("updated");
    record.wikidata = r.parsed("wikidata");
    record.links = links;
    record.contributors = contributors;
    record.sources = sources;
    record.details = details(kind, &mut r);
    Built {
        record,
        problems: r.problems,
        suggested_id,
        read: r.read,
    }
}

/// The id of a form whose id is missing or wrong, so that the rest of
/// the record can still be checked.
#[allow(clippy::expect_used)]
fn placeholder_id() -> RecordId {
    RecordId::new("fiche").expect("`fiche` is a valid id: lower-case letters only")
}

fn details(kind: Kind, r: &mut Reader<'_>) -> Details {
    match kind {
        Kind::Software => Details::Software(Software {
            repository: r.parsed("software.repository"),
            swhid: r.parsed("software.swhid"),
            version: r.text("software.version"),
            released: r.date("software.released"),
            programming_languages: r.items("software.programming_languages"),
            platforms: r.items("software.platforms"),
            maintenance: r.choice("software.maintenance"),
            development_status: r.choice("software.development_status"),
            used_by: r.orgs("software.used_by"),
            replaces: r.items("software.replaces"),
            logo: r.parsed("software.logo"),
            dependencies: r.items("software.dependencies"),
            sill_id: r.integer("software.sill_id"),
        }),
        Kind::CulturalWork => Details::CulturalWork(CulturalWork {
            creators: r
                .items("cultural-work.creators")
                .into_iter()
                .map(|name| cdl_records::details::Creator {
                    name,
                    role: None,
                    born: None,
                    died: None,
                })
                .collect(),
            form: r.text("cultural-work.form"),
            period: r.text("cultural-work.period"),
            year: r.integer("cultural-work.year"),
            medium: r.text("cultural-work.medium"),
            dimensions: r.text("cultural-work.dimensions"),
            holding_institution: r.org("cultural-work.holding_institution"),
            accession_number: r.text("cultural-work.accession_number"),
            rights_status: r.choice("cultural-work.rights_status"),
            media: Vec::new(),
        }),
        Kind::Method => Details::Method(Method {
            disciplines: r.items("method.disciplines"),
            doi: r.parsed("method.doi"),
            version: r.text("method.version"),
            materials: r.items("method.materials"),
            steps: r.items("method.steps"),
            references: Vec::new(),
        }),
        Kind::Dataset => Details::Dataset(Dataset {
            publisher: r.org("dataset.publisher"),
            doi: r.parsed("dataset.doi"),
            formats: r.items("dataset.formats"),
            update_frequency: r.choice("dataset.update_frequency"),
            spatial_coverage: r.text("dataset.spatial_coverage"),
            temporal_start: r.date("dataset.temporal_start"),
            temporal_end: r.date("dataset.temporal_end"),
            distributions: Vec::new(),
        }),
        Kind::SeedLot => Details::SeedLot(SeedLot {
            species: r.req_text("seed-lot.species"),
            variety: r.text("seed-lot.variety"),
            common_name: r.text("seed-lot.common_name"),
            quantity: r.amount("seed-lot.quantity").unwrap_or(Amount::ONE),
            unit: r.choice("seed-lot.unit").unwrap_or(SeedUnit::Packets),
            harvest_year: r.integer("seed-lot.harvest_year").unwrap_or(2000),
            germination_rate: r.integer("seed-lot.germination_rate"),
            germination_tested: r.date("seed-lot.germination_tested"),
            reproduction: r.choice("seed-lot.reproduction"),
            origin: r.text("seed-lot.origin"),
            exchange_point: r.text("seed-lot.exchange_point"),
            parent_lot: r.parsed_id("seed-lot.parent_lot"),
        }),
        Kind::FermentLot => Details::FermentLot(FermentLot {
            organism: r.req_text("ferment-lot.organism"),
            species: r.items("ferment-lot.species"),
            origin: r.text("ferment-lot.origin"),
            substrate: r.text("ferment-lot.substrate"),
            quantity: r.amount("ferment-lot.quantity").unwrap_or(Amount::ONE),
            unit: r
                .choice("ferment-lot.unit")
                .unwrap_or(FermentUnit::Portions),
            state: r.choice("ferment-lot.state"),
            viable_until: r.date("ferment-lot.viable_until"),
            care: r.text("ferment-lot.care"),
            exchange_point: r.text("ferment-lot.exchange_point"),
            parent_lot: r.parsed_id("ferment-lot.parent_lot"),
        }),
    }
}

impl Reader<'_> {
    /// A record id (a parent lot).
    fn parsed_id(&mut self, path: &str) -> Option<RecordId> {
        let raw = self.raw(path)?;
        match RecordId::new(raw) {
            Ok(id) => Some(id),
            Err(e) => {
                let message = e.text().get(self.lang).to_owned();
                self.problem(path, message);
                None
            }
        }
    }
}

/// The form field a rule's key path belongs to: the longest field name
/// that is a whole-segment prefix of it (`tags.2` is `tags`;
/// `software.used_by.0.name` is `software.used_by`), or none.
pub fn field_of(kind: Kind, key_path: &str) -> String {
    if key_path == "links" || key_path.starts_with("links.") {
        return HOMEPAGE.to_owned();
    }
    fields(kind)
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| {
            key_path == *p
                || key_path
                    .strip_prefix(*p)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .max_by_key(|p| p.len())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn forms_derive_from_the_schema_and_the_vocabulary() {
        let seed = fields(Kind::SeedLot);
        let find = |p: &str| seed.iter().find(|f| f.path == p).unwrap();
        assert_eq!(find("seed-lot.unit").input, Input::Select);
        assert!(find("seed-lot.unit").required);
        assert!(find("seed-lot.species").required);
        assert!(!find("seed-lot.variety").required);
        assert_eq!(find("seed-lot.harvest_year").input, Input::Integer);
        assert_eq!(find("seed-lot.quantity").input, Input::Number);
        assert_eq!(find("seed-lot.germination_tested").input, Input::Date);
        assert_eq!(find("license").input, Input::Licence);
        assert_eq!(find("description").input, Input::Area);
        assert!(find("id").required && find("title").required);
        let method = fields(Kind::Method);
        assert!(
            method
                .iter()
                .any(|f| f.path == "method.steps" && f.input == Input::Lines)
        );
        let software = fields(Kind::Software);
        assert!(
            software
                .iter()
                .any(|f| f.path == "software.used_by" && f.input == Input::Names)
        );
        for kind in Kind::ALL {
            for f in fields(kind) {
                assert!(!label(&f.path, Lang::Fr).is_empty(), "{}", f.path);
                assert!(!label(&f.path, Lang::En).is_empty(), "{}", f.path);
                if f.input == Input::Select {
                    assert!(vocabulary::values(&f.path).count() > 1, "{}", f.path);
                }
            }
        }
        for path in MULTILINE.iter().chain(ESSENTIAL).chain(NOT_IN_FORMS) {
            assert!(vocabulary::field(path).is_some(), "{path}");
        }
    }

    #[test]
    fn a_full_form_reads_every_field_it_shows() {
        for kind in Kind::ALL {
            let values: HashMap<String, String> = fields(kind)
                .iter()
                .map(|f| (f.path.clone(), "x".to_owned()))
                .collect();
            let built = read(kind, &values, Lang::Fr);
            for f in fields(kind) {
                assert!(
                    built.read.contains(&f.path),
                    "{kind}: {} is shown but never read",
                    f.path
                );
            }
        }
    }

    #[test]
    fn a_seed_form_becomes_a_record() {
        let values = form(&[
            ("title", "Tomate « cœur de bœuf »"),
            ("license", "LicenseRef-OSSI-Pledge"),
            ("tags", "tomate, potager"),
            ("description", "Première ligne.\r\n\r\nSeconde\rligne."),
            ("seed-lot.species", "Solanum lycopersicum"),
            ("seed-lot.harvest_year", "2025"),
            ("seed-lot.quantity", "12,5"),
            ("seed-lot.unit", "packets"),
            ("seed-lot.reproduction", "self-pollinated"),
        ]);
        let built = read(Kind::SeedLot, &values, Lang::Fr);
        assert!(built.problems.is_empty(), "{:?}", built.problems);
        assert_eq!(built.suggested_id.as_deref(), Some("tomate-coeur-de-boeuf"));
        let r = built.record;
        assert_eq!(r.id.as_str(), "tomate-coeur-de-boeuf");
        assert_eq!(
            r.description.as_deref(),
            Some("Première ligne.\n\nSeconde\nligne.")
        );
        assert_eq!(r.tags, ["tomate", "potager"]);
        let text = cdl_records::to_toml(&r);
        assert_eq!(cdl_records::parse(&text, None).unwrap(), r);
    }

    #[test]
    fn every_field_problem_is_reported_at_once() {
        let values = form(&[
            ("id", "Bad Id"),
            ("languages", "fr, français"),
            ("seed-lot.harvest_year", "deux mille"),
            ("seed-lot.quantity", "0"),
            ("seed-lot.unit", "handfuls"),
        ]);
        let built = read(Kind::SeedLot, &values, Lang::Fr);
        let fields: Vec<&str> = built.problems.iter().map(|p| p.field.as_str()).collect();
        for f in [
            "title",
            "license",
            "seed-lot.species",
            "id",
            "languages",
            "seed-lot.harvest_year",
            "seed-lot.quantity",
            "seed-lot.unit",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let text: String = built
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        for english in [
            "invalid type",
            "expected",
            "is not a language tag",
            "the id",
        ] {
            assert!(!text.contains(english), "{english} in {text}");
        }
        assert!(
            text.contains("« français » n’est pas un code de langue"),
            "{text}"
        );
        assert!(text.contains("l’identifiant contient"), "{text}");
        assert!(text.contains("n’est pas un nombre entier"), "{text}");
    }

    #[test]
    fn dates_are_read_as_french_people_write_them() {
        for written in ["2026-02-18", "18/02/2026", "18.2.2026"] {
            let values = form(&[("created", written)]);
            let built = read(Kind::Method, &values, Lang::Fr);
            assert_eq!(
                built.record.created.map(|d| d.to_string()).as_deref(),
                Some("2026-02-18"),
                "{written}"
            );
        }
        let values = form(&[("created", "31/02/2026")]);
        let built = read(Kind::Method, &values, Lang::Fr);
        assert!(
            built
                .problems
                .iter()
                .any(|p| p.field == "created" && p.message.contains("n’existe pas")),
            "{:?}",
            built.problems
        );
    }

    #[test]
    fn rule_paths_map_to_form_fields() {
        assert_eq!(field_of(Kind::Software, "tags.2"), "tags");
        assert_eq!(
            field_of(Kind::Software, "software.used_by.0.name"),
            "software.used_by"
        );
        assert_eq!(
            field_of(Kind::SeedLot, "seed-lot.harvest_year"),
            "seed-lot.harvest_year"
        );
        assert_eq!(field_of(Kind::Software, "links.0.title"), HOMEPAGE);
        assert_eq!(field_of(Kind::Software, "nowhere"), "");
    }
}
