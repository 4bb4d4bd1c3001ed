//! The SILL (socle interministériel de logiciels libres) JSON to `software`
//! records.
//!
//! Reads the consolidated `sill.json` with its short keys (`i` name, `l`
//! licence, `st` status, `fr-desc`, `en-desc`, `website`, `sources`, `co`
//! Comptoir du Libre id...), and also the explicit keys `replaces` (the
//! proprietary products an entry replaces) and `usedBy` (the organisations
//! using it) where a list carries them. The services file of the SILL
//! editors (`services.csv`: agency, service, software SILL id) adds the
//! agencies that run each software as its `used_by`.

use std::collections::BTreeMap;

use cdl_records::details::{Organisation, Software};
use cdl_records::values::WebUrl;
use cdl_records::{Details, Kind, Link, LinkRel, Record, RecordId, Source, Translation};
use serde::Deserialize;
use serde_json::Value;

/// Why a SILL file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SillError {
    /// Not JSON, or not a list of entries.
    #[error("le fichier SILL n'est pas une liste JSON d'entrées : {0}")]
    Json(#[from] serde_json::Error),
    /// The services file is not the CSV expected.
    #[error(
        "le fichier des services SILL est illisible : {0} (colonnes attendues : agency_name, agency_url, software_sill_id)"
    )]
    Services(#[from] csv::Error),
}

/// An entry that was not imported, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The SILL id.
    pub sill_id: String,
    /// The name.
    pub name: String,
    /// Why, in French.
    pub reason: String,
}

/// What a SILL file gives.
#[derive(Debug, Default)]
pub struct Imported {
    /// Records, one per entry with a free licence.
    pub records: Vec<Record>,
    /// Entries left out.
    pub skipped: Vec<Skipped>,
}

/// SILL licence strings that are not SPDX ids, and the id they mean.
/// "GPL-3.0" without "or later" means "-only". Lists and conjunctions
/// ("A, B", "A et B") do not say whether all apply: they are not mapped.
const LICENCES: &[(&str, &str)] = &[
    ("GPL-2.0", "GPL-2.0-only"),
    ("GPL V2.0", "GPL-2.0-only"),
    ("GPL-2.0+", "GPL-2.0-or-later"),
    ("GPL-3.0", "GPL-3.0-only"),
    ("GPL-3", "GPL-3.0-only"),
    ("GPL-3.0+", "GPL-3.0-or-later"),
    ("AGPL-3.0", "AGPL-3.0-only"),
    ("AGPL-3", "AGPL-3.0-only"),
    ("LGPL-2.0", "LGPL-2.0-only"),
    ("LGPL-2.1", "LGPL-2.1-only"),
    ("LGPL-v2.1", "LGPL-2.1-only"),
    ("LGPL-3.0", "LGPL-3.0-only"),
    ("MPL 2.0", "MPL-2.0"),
];

fn licence(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let mapped = LICENCES
        .iter()
        .find(|(k, _)| *k == raw)
        .map_or(raw, |(_, v)| v);
    let certificate = cdl_licenses::certify(Kind::Software, mapped);
    certificate
        .is_certified()
        .then(|| certificate.canonical.unwrap_or_else(|| mapped.to_owned()))
}

fn text(entry: &Value, key: &str) -> Option<String> {
    let s = entry
        .get(key)?
        .as_str()?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!s.is_empty()).then_some(s)
}

fn web_url(entry: &Value, key: &str) -> Option<WebUrl> {
    text(entry, key)?.parse().ok()
}

fn names(entry: &Value, key: &str) -> Vec<String> {
    let Some(Value::Array(items)) = entry.get(key) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Object(o) => o
                .get("name")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[derive(Deserialize)]
struct Service {
    agency_name: String,
    #[serde(default)]
    agency_url: String,
    #[serde(default)]
    software_sill_id: String,
}

/// The agencies that run each SILL id, from the editors' `services.csv`.
///
/// # Errors
/// [`SillError::Services`] when the CSV lacks the expected columns.
pub fn services(csv_text: &str) -> Result<BTreeMap<String, Vec<Organisation>>, SillError> {
    let mut by_id: BTreeMap<String, Vec<Organisation>> = BTreeMap::new();
    for row in csv::Reader::from_reader(csv_text.as_bytes()).deserialize::<Service>() {
        let row = row?;
        let name = row.agency_name.trim().to_owned();
        if name.is_empty() {
            continue;
        }
        for id in row
            .software_sill_id
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let list = by_id.entry(id.to_owned()).or_default();
            if !list.iter().any(|o| o.name == name) {
                list.push(Organisation {
                    name: name.clone(),
                    url: row.agency_url.trim().parse().ok(),
                });
            }
        }
    }
    Ok(by_id)
}

/// The records of a SILL JSON list. `users` (from [`services`]) adds each
/// entry's agencies; `source` is kept in every record's `sources`.
///
/// # Errors
/// [`SillError::Json`] when the text is not a JSON list.
pub fn import(
    json: &str,
    users: &BTreeMap<String, Vec<Organisation>>,
    source: &Source,
) -> Result<Imported, SillError> {
    let entries: Vec<Value> = serde_json::from_str(json)?;
    let mut out = Imported::default();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for entry in &entries {
        let sill_id = match entry.get("id") {
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let name = text(entry, "i")
            .or_else(|| text(entry, "name"))
            .unwrap_or_default();
        let skip = |reason: String| Skipped {
            sill_id: sill_id.clone(),
            name: name.clone(),
            reason,
        };
        if name.is_empty() {
            out.skipped.push(skip("entrée sans nom".to_owned()));
            continue;
        }
        let raw_licence = text(entry, "l")
            .or_else(|| text(entry, "license"))
            .unwrap_or_default();
        let Some(license) = licence(&raw_licence) else {
            out.skipped.push(skip(format!("licence « {raw_licence} » non certifiée libre ou non convertible en expression SPDX")));
            continue;
        };
        let slug = cdl_records::slugify(&name);
        let n = taken.entry(slug.clone()).or_insert(0);
        *n += 1;
        let slug = if *n > 1 {
            format!("{slug}-sill-{sill_id}")
        } else {
            slug
        };
        let Ok(id) = RecordId::new(slug) else {
            out.skipped
                .push(skip("le nom ne donne pas d'identifiant".to_owned()));
            continue;
        };
        let mut record = Record::skeleton(Kind::Software, id, name.clone(), license);
        let function = text(entry, "f");
        record.summary = text(entry, "fr-desc").or_else(|| function.clone());
        let mut facts = Vec::new();
        if let Some(st) = text(entry, "st") {
            let status = match st.as_str() {
                "R" => "recommandé",
                "O" => "en observation",
                "FR" => "en fin de recommandation",
                other => other,
            };
            facts.push(format!("Statut au SILL : {status}."));
        }
        if let Some(f) = &function {
            facts.push(format!("Fonction : {f}."));
        }
        if let Some(c) = text(entry, "c") {
            facts.push(format!("Catégorie : {c}."));
        }
        if let Some(u) = text(entry, "u") {
            facts.push(format!("Contexte d'usage : {u}."));
        }
        if !facts.is_empty() {
            record.description = Some(facts.join("\n"));
        }
        if let Some(en) = text(entry, "en-desc") {
            record.translations.insert(
                "en".parse()
                    .map_err(|_| SillError::Json(serde::de::Error::custom("language tag")))?,
                Translation {
                    summary: Some(en),
                    ..Translation::default()
                },
            );
        }
        record.tags = ["SILL".to_owned()]
            .into_iter()
            .chain(text(entry, "c"))
            .chain(text(entry, "se"))
            .collect();
        // The format bounds a tag to 50 characters: longer SILL categories
        // are sentences, not tags, and stay in the description.
        record.tags.retain(|t| t.chars().count() <= 50);
        record.tags.dedup();
        if let Some(url) = web_url(entry, "website") {
            record.links.push(Link {
                url,
                rel: LinkRel::Homepage,
                title: None,
            });
        }
        if let Some(url) = web_url(entry, "doc") {
            record.links.push(Link {
                url,
                rel: LinkRel::Documentation,
                title: None,
            });
        }
        let repository = web_url(entry, "sources");
        if let Some(co) = text(entry, "co").filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            && let Ok(url) = format!("https://comptoir-du-libre.org/fr/softwares/{co}").parse()
        {
            record.links.push(Link {
                url,
                rel: LinkRel::Catalogue,
                title: Some("Comptoir du Libre".to_owned()),
            });
        }
        record.sources.push(source.clone());
        let mut used_by: Vec<Organisation> = users.get(&sill_id).cloned().unwrap_or_default();
        for n in names(entry, "usedBy")
            .into_iter()
            .chain(names(entry, "users"))
        {
            if !used_by.iter().any(|o| o.name == n) {
                used_by.push(Organisation { name: n, url: None });
            }
        }
        let mut replaces = names(entry, "replaces");
        replaces.dedup();
        record.details = Details::Software(Software {
            repository,
            version: text(entry, "v-").filter(|v| v.starts_with(|c: char| c.is_ascii_digit())),
            used_by,
            replaces,
            sill_id: sill_id.parse().ok(),
            ..Software::default()
        });
        match cdl_records::validate(&record) {
            Ok(()) => out.records.push(record),
            Err(e) => out.skipped.push(skip(format!("fiche invalide : {e}"))),
        }
    }
    Ok(out)
}
