//! Records as the pages show them: every field as a labelled row, and the
//! schema.org description for search engines.

use cdl_records::{Details, Kind, Record};
use serde_json::{Value, json};

use crate::i18n::{Lang, field_label};

/// One value of a row: text, possibly a link.
#[derive(Debug, Clone)]
pub struct Item {
    /// The text shown.
    pub text: String,
    /// The address, for links (http and https only).
    pub href: Option<String>,
}

/// One field of a record: its label and its values.
#[derive(Debug, Clone)]
pub struct Row {
    /// The field's key (`tags`, `software.used_by`...).
    pub key: String,
    /// The label, in the page's language.
    pub label: String,
    /// The values.
    pub items: Vec<Item>,
}

/// Fields shown elsewhere on the record page (title, licence...).
const SHOWN_APART: [&str; 7] = [
    "format",
    "id",
    "kind",
    "title",
    "license",
    "summary",
    "description",
];

/// The order of the common fields, as in the format.
const COMMON_ORDER: [&str; 9] = [
    "tags",
    "languages",
    "created",
    "updated",
    "wikidata",
    "links",
    "contributors",
    "sources",
    "translations",
];

/// Every field of `record` other than those shown apart, kind-specific
/// fields first, as labelled rows.
pub fn rows(record: &Record, lang: Lang) -> Vec<Row> {
    let Ok(Value::Object(map)) = serde_json::to_value(record) else {
        return Vec::new();
    };
    let kind = record.kind().as_str();
    let mut out = Vec::new();
    if let Some(Value::Object(details)) = map.get(kind) {
        for (key, value) in details {
            push_row(&mut out, &format!("{kind}.{key}"), value, lang);
        }
    }
    for key in COMMON_ORDER {
        if let Some(value) = map.get(key) {
            push_row(&mut out, key, value, lang);
        }
    }
    for (key, value) in &map {
        let known = SHOWN_APART.contains(&key.as_str())
            || COMMON_ORDER.contains(&key.as_str())
            || Kind::ALL.iter().any(|k| k.as_str() == key);
        if !known {
            push_row(&mut out, key, value, lang);
        }
    }
    out
}

fn push_row(out: &mut Vec<Row>, key: &str, value: &Value, lang: Lang) {
    let items = items(value);
    if !items.is_empty() {
        out.push(Row {
            key: key.to_owned(),
            label: field_label(key, lang).to_owned(),
            items,
        });
    }
}

fn is_web(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

fn items(value: &Value) -> Vec<Item> {
    match value {
        Value::Null => Vec::new(),
        Value::Array(values) => values.iter().flat_map(items).collect(),
        Value::Object(map) => {
            // A translation map: `en: …`.
            let is_translations = map.values().all(|v| {
                v.as_object().is_some_and(|o| {
                    o.keys()
                        .all(|k| ["title", "summary", "description"].contains(&k.as_str()))
                })
            }) && !map.is_empty()
                && !map.contains_key("url")
                && !map.contains_key("name");
            if is_translations {
                return map
                    .iter()
                    .map(|(tag, v)| Item {
                        text: format!("{tag} : {}", flat(v)),
                        href: None,
                    })
                    .collect();
            }
            let url = map.get("url").and_then(Value::as_str).filter(|u| is_web(u));
            let name = ["name", "title", "citation"]
                .iter()
                .find_map(|k| map.get(*k).and_then(Value::as_str));
            let rest: Vec<String> = map
                .iter()
                .filter(|(k, _)| !["url", "name", "title", "citation"].contains(&k.as_str()))
                .map(|(k, v)| format!("{k} : {}", flat(v)))
                .collect();
            let mut text = name.or(url).unwrap_or_default().to_owned();
            if !rest.is_empty() {
                if text.is_empty() {
                    text = rest.join(", ");
                } else {
                    text = format!("{text} ({})", rest.join(", "));
                }
            }
            vec![Item {
                text,
                href: url.map(str::to_owned),
            }]
        }
        Value::String(s) => vec![Item {
            text: s.clone(),
            href: is_web(s).then(|| s.clone()),
        }],
        other => vec![Item {
            text: other.to_string(),
            href: None,
        }],
    }
}

/// A value as one line of text.
fn flat(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(flat).collect::<Vec<_>>().join(", "),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{k} : {}", flat(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The schema.org type of a kind.
fn schema_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Software => "SoftwareSourceCode",
        Kind::CulturalWork => "CreativeWork",
        Kind::Method => "HowTo",
        Kind::Dataset => "Dataset",
        Kind::SeedLot | Kind::FermentLot => "Product",
    }
}

/// The schema.org JSON-LD of a record, with `<` escaped so that it can sit
/// in a `<script type="application/ld+json">` element whatever the text.
pub fn json_ld(record: &Record, url: &str) -> String {
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": schema_type(record.kind()),
        "@id": url,
        "url": url,
        "identifier": record.id.as_str(),
        "name": record.title,
        "license": license_url(&record.license),
        "inLanguage": "fr",
    });
    if let Some(s) = &record.summary {
        ld["description"] = json!(s);
    }
    if !record.tags.is_empty() {
        ld["keywords"] = json!(record.tags.join(", "));
    }
    if let Some(d) = record.created {
        ld["dateCreated"] = json!(d.to_string());
    }
    if let Some(d) = record.updated {
        ld["dateModified"] = json!(d.to_string());
    }
    let authors: Vec<Value> = record
        .contributors
        .iter()
        .map(|c| json!({"@type": "Organization", "name": c.name}))
        .collect();
    if !authors.is_empty() {
        ld["author"] = json!(authors);
    }
    match &record.details {
        Details::Software(s) => {
            if let Some(r) = &s.repository {
                ld["codeRepository"] = json!(r.as_str());
            }
            if !s.programming_languages.is_empty() {
                ld["programmingLanguage"] = json!(s.programming_languages);
            }
            if let Some(v) = &s.version {
                ld["version"] = json!(v);
            }
        }
        Details::Dataset(d) => {
            if let Some(p) = &d.publisher {
                ld["publisher"] = json!({"@type": "Organization", "name": p.name});
            }
            let dist: Vec<Value> = d
                .distributions
                .iter()
                .map(|x| json!({"@type": "DataDownload", "contentUrl": x.url.as_str(), "encodingFormat": x.format}))
                .collect();
            if !dist.is_empty() {
                ld["distribution"] = json!(dist);
            }
        }
        Details::Method(m) => {
            let steps: Vec<Value> = m
                .steps
                .iter()
                .map(|s| json!({"@type": "HowToStep", "text": s}))
                .collect();
            if !steps.is_empty() {
                ld["step"] = json!(steps);
            }
        }
        Details::CulturalWork(c) => {
            let creators: Vec<Value> = c
                .creators
                .iter()
                .map(|x| json!({"@type": "Person", "name": x.name}))
                .collect();
            if !creators.is_empty() {
                ld["creator"] = json!(creators);
            }
        }
        Details::SeedLot(s) => {
            ld["category"] = json!(s.species);
        }
        Details::FermentLot(f) => {
            ld["category"] = json!(f.organism);
        }
    }
    ld.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The SPDX page of a single licence id, or the expression itself.
fn license_url(expression: &str) -> String {
    let simple = !expression.contains(' ') && !expression.starts_with("LicenseRef-");
    if simple {
        format!("https://spdx.org/licenses/{expression}.html")
    } else {
        expression.to_owned()
    }
}
