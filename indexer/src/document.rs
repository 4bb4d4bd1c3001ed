//! From a record to an index document: the text to search, the facets and
//! the filter keys.

use std::collections::HashMap;

use cdl_licenses::{certify, licence_family};
use cdl_records::{Details, Kind, Record, RecordId};
use tantivy::TantivyDocument;

use crate::schema::{FacetDim, Fields};

/// Where a record comes from and when it last changed, beside the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocMeta {
    /// The registry the record comes from: the local registry's id, or the
    /// id of the city whose registry is mirrored (federation).
    pub origin: String,
    /// Seconds since the Unix epoch of the commit that brought the record,
    /// used for recency when the record has no `updated` or `created` date.
    pub time: i64,
}

/// The key of a document: unique over origins, kinds and ids.
pub(crate) fn uid(origin: &str, kind: Kind, id: &str) -> String {
    format!("{origin}/{}/{id}", kind.as_str())
}

/// A change to apply to the index.
#[derive(Debug, Clone)]
pub enum Change {
    /// A record was added or modified: (re)index it.
    Upsert(Box<Record>, DocMeta),
    /// A record was withdrawn or deleted: remove it.
    Delete {
        /// Its origin registry.
        origin: String,
        /// Its kind.
        kind: Kind,
        /// Its id.
        id: RecordId,
    },
    /// Every record of an origin goes (a peer no longer mirrored, or a
    /// mirror whose history was replaced).
    DeleteOrigin {
        /// The origin registry.
        origin: String,
    },
}

/// What the licence of a record means for search, computed once per
/// distinct (kind, expression).
#[derive(Debug, Clone)]
struct LicenceInfo {
    ids: Vec<String>,
    family: &'static str,
    verdict: &'static str,
}

/// Caches the certification of licence expressions: a catalogue has few
/// distinct ones, and certifying parses SPDX.
#[derive(Debug, Default)]
pub(crate) struct LicenceCache {
    map: HashMap<(Kind, String), LicenceInfo>,
}

impl LicenceCache {
    fn get(&mut self, kind: Kind, expression: &str) -> &LicenceInfo {
        self.map
            .entry((kind, expression.to_owned()))
            .or_insert_with(|| LicenceInfo {
                ids: licence_ids(expression),
                family: licence_family(expression).as_str(),
                verdict: certify(kind, expression).verdict.as_str(),
            })
    }
}

/// The licence ids of an SPDX expression, in order, without operators or
/// exceptions: `(MIT OR Apache-2.0) AND CC-BY-4.0` gives the three ids.
pub fn licence_ids(expression: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut after_with = false;
    for word in expression.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        if word.is_empty() {
            continue;
        }
        if word.eq_ignore_ascii_case("AND") || word.eq_ignore_ascii_case("OR") {
            continue;
        }
        if word.eq_ignore_ascii_case("WITH") {
            after_with = true;
            continue;
        }
        if std::mem::take(&mut after_with) {
            continue;
        }
        if !ids.iter().any(|i| i == word) {
            ids.push(word.to_owned());
        }
    }
    ids
}

/// Seconds since the Unix epoch at midnight UTC of a calendar day.
pub(crate) fn epoch_seconds(year: i64, month: u32, day: u32) -> i64 {
    // Days from civil, after Howard Hinnant's algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let d = i64::from(day);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400
}

/// The recency of a record: its `updated` date, else `created`, else the
/// commit time.
fn recency(record: &Record, meta: &DocMeta) -> i64 {
    record.updated.or(record.created).map_or(meta.time, |d| {
        epoch_seconds(
            i64::from(d.year()),
            u32::from(d.month()),
            u32::from(d.day()),
        )
    })
}

/// The lower-cased filter key `name=value`.
pub(crate) fn key(name: &str, value: &str) -> String {
    format!("{name}={}", value.trim().to_lowercase())
}

/// Other searchable text of a record: names, species, disciplines...
fn extra_text(record: &Record) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in &record.contributors {
        parts.push(&c.name);
    }
    match &record.details {
        Details::Software(s) => {
            parts.extend(s.programming_languages.iter().map(String::as_str));
            parts.extend(s.replaces.iter().map(String::as_str));
            parts.extend(s.used_by.iter().map(|o| o.name.as_str()));
        }
        Details::CulturalWork(w) => {
            parts.extend(w.creators.iter().map(|c| c.name.as_str()));
            parts.extend(w.form.as_deref());
            parts.extend(w.period.as_deref());
            parts.extend(w.medium.as_deref());
            parts.extend(w.holding_institution.as_ref().map(|o| o.name.as_str()));
        }
        Details::Method(m) => {
            parts.extend(m.disciplines.iter().map(String::as_str));
            parts.extend(m.materials.iter().map(String::as_str));
        }
        Details::Dataset(d) => {
            parts.extend(d.publisher.as_ref().map(|o| o.name.as_str()));
            parts.extend(d.formats.iter().map(String::as_str));
            parts.extend(d.spatial_coverage.as_deref());
        }
        Details::SeedLot(s) => {
            parts.push(&s.species);
            parts.extend(s.variety.as_deref());
            parts.extend(s.common_name.as_deref());
            parts.extend(s.origin.as_deref());
            parts.extend(s.exchange_point.as_deref());
        }
        Details::FermentLot(f) => {
            parts.push(&f.organism);
            parts.extend(f.species.iter().map(String::as_str));
            parts.extend(f.origin.as_deref());
            parts.extend(f.exchange_point.as_deref());
        }
    }
    parts.join(" \n ")
}

/// The species of a lot, for the species facet.
fn species(record: &Record) -> Vec<&str> {
    match &record.details {
        Details::SeedLot(s) => vec![s.species.as_str()],
        Details::FermentLot(f) => f.species.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Builds the tantivy document of a record.
pub(crate) fn to_document(
    fields: &Fields,
    cache: &mut LicenceCache,
    record: &Record,
    meta: &DocMeta,
) -> TantivyDocument {
    let kind = record.kind();
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.uid, uid(&meta.origin, kind, record.id.as_str()));
    doc.add_text(fields.id, record.id.as_str());
    doc.add_text(fields.kind, kind.as_str());
    doc.add_text(fields.license, &record.license);
    doc.add_text(fields.origin, &meta.origin);
    doc.add_text(fields.title, &record.title);
    doc.add_text(fields.fuzzy, &record.title);
    doc.add_text(fields.phonetic, &record.title);
    doc.add_text(fields.title_key, crate::analysis::sort_key(&record.title));
    if let Some(s) = &record.summary {
        doc.add_text(fields.summary, s);
        doc.add_text(fields.fuzzy, s);
        doc.add_text(fields.phonetic, s);
    }
    if let Some(d) = &record.description {
        doc.add_text(fields.description, d);
    }
    if let Some(en) = record
        .translations
        .iter()
        .find(|(tag, _)| tag.as_str() == "en" || tag.as_str().starts_with("en-"))
        .map(|(_, t)| t)
    {
        if let Some(t) = &en.title {
            doc.add_text(fields.title_en, t);
            doc.add_text(fields.fuzzy, t);
        }
        if let Some(s) = &en.summary {
            doc.add_text(fields.summary_en, s);
        }
        if let Some(d) = &en.description {
            doc.add_text(fields.description_en, d);
        }
    }
    for tag in &record.tags {
        doc.add_text(fields.tags, tag);
        doc.add_text(fields.fuzzy, tag);
        doc.add_text(fields.phonetic, tag);
        doc.add_facet(fields.facets, FacetDim::Tag.facet(&tag.to_lowercase()));
    }
    let extra = extra_text(record);
    if !extra.is_empty() {
        doc.add_text(fields.extra, extra);
    }
    doc.add_i64(fields.recency, recency(record, meta));

    doc.add_text(fields.keys, key("kind", kind.as_str()));
    doc.add_facet(fields.facets, FacetDim::Kind.facet(kind.as_str()));
    doc.add_text(fields.keys, key("origin", &meta.origin));
    doc.add_facet(fields.facets, FacetDim::Origin.facet(&meta.origin));
    doc.add_text(fields.keys, key("id", record.id.as_str()));

    let info = cache.get(kind, &record.license);
    for id in &info.ids {
        doc.add_text(fields.keys, key("license", id));
        doc.add_facet(fields.facets, FacetDim::License.facet(id));
    }
    doc.add_text(fields.keys, key("family", info.family));
    doc.add_facet(fields.facets, FacetDim::Family.facet(info.family));
    doc.add_text(fields.keys, key("verdict", info.verdict));
    doc.add_facet(fields.facets, FacetDim::Verdict.facet(info.verdict));

    for lang in &record.languages {
        doc.add_text(fields.keys, key("lang", lang.as_str()));
        doc.add_facet(fields.facets, FacetDim::Lang.facet(lang.as_str()));
    }
    for sp in species(record) {
        doc.add_text(fields.keys, key("species", sp));
        doc.add_facet(fields.facets, FacetDim::Species.facet(sp));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licence_ids_skip_operators_and_exceptions() {
        assert_eq!(
            licence_ids("(MIT OR Apache-2.0) AND GPL-2.0-or-later WITH Classpath-exception-2.0"),
            ["MIT", "Apache-2.0", "GPL-2.0-or-later"]
        );
        assert_eq!(licence_ids("MIT OR MIT"), ["MIT"]);
        assert!(licence_ids("  ").is_empty());
    }

    #[test]
    fn epoch_of_known_days() {
        assert_eq!(epoch_seconds(1970, 1, 1), 0);
        assert_eq!(epoch_seconds(2000, 3, 1), 951_868_800);
        assert_eq!(epoch_seconds(2024, 2, 29), 1_709_164_800);
    }
}
