//! The record: common fields, the kind-specific table, and the TOML shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::details::{CulturalWork, Dataset, Details, FermentLot, Method, SeedLot, Software};
use crate::id::RecordId;
use crate::kind::Kind;
use crate::values::{Date, LanguageTag, WebUrl, WikidataId};

/// The version of the record format this crate reads and writes. A record
/// written with a later version is refused with a message asking to upgrade.
pub const FORMAT_VERSION: u32 = 1;

/// What a link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LinkRel {
    /// The resource's home page.
    Homepage,
    /// Documentation or user guide.
    Documentation,
    /// Source files or original material.
    Source,
    /// A direct download.
    Download,
    /// The page of the resource in a catalogue or collection.
    Catalogue,
    /// Anything else.
    Other,
}

/// A link to a page about the resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The address.
    pub url: WebUrl,
    /// What it points to.
    pub rel: LinkRel,
    /// Link text, when the address alone is not clear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A person or body who made the resource, with their role.
///
/// Only public names belong here (an author as credited, an organisation):
/// never a private e-mail address or telephone number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contributor {
    /// Name as credited.
    pub name: String,
    /// Role: "author", "maintainer", "publisher", "funder", "curator", "grower"...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Public web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
}

/// Where the record's data comes from, for attribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Name of the source, e.g. "Tate collection".
    pub name: String,
    /// Address of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// Licence of the source's metadata, as an SPDX expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

/// A translation of the record's text fields into another language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// Translated title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Translated summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Translated description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A record of the catalogue: one free resource.
///
/// The text fields (`title`, `summary`, `description`) are in French;
/// `translations` holds other languages, keyed by language tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The identifier, also the file name.
    pub id: RecordId,
    /// The title, in French.
    pub title: String,
    /// The language of the title when it is not French: a work's own
    /// title kept as its makers wrote it (`en` for "Summer").
    pub title_lang: Option<LanguageTag>,
    /// The licence, an SPDX expression such as `AGPL-3.0-or-later` or `CC-BY-4.0 OR CC0-1.0`.
    pub license: String,
    /// One sentence saying what it is.
    pub summary: Option<String>,
    /// A longer description (plain text, paragraphs separated by blank lines).
    pub description: Option<String>,
    /// Free keywords.
    pub tags: Vec<String>,
    /// Languages of the resource itself (its interface, text or labels).
    pub languages: Vec<LanguageTag>,
    /// When the resource was created or first published.
    pub created: Option<Date>,
    /// When the resource was last updated.
    pub updated: Option<Date>,
    /// Its Wikidata item.
    pub wikidata: Option<WikidataId>,
    /// Links to pages about it.
    pub links: Vec<Link>,
    /// People and bodies who made it.
    pub contributors: Vec<Contributor>,
    /// Where the record's data comes from.
    pub sources: Vec<Source>,
    /// Translations of the text fields.
    pub translations: BTreeMap<LanguageTag, Translation>,
    /// The kind-specific fields.
    pub details: Details,
}

impl Record {
    /// The kind of resource, given by its details.
    pub fn kind(&self) -> Kind {
        self.details.kind()
    }

    /// The path of the record in a registry: `records/<kind>/<id>.toml`.
    pub fn path(&self) -> String {
        record_path(self.kind(), &self.id)
    }

    /// A minimal valid record of `kind`: the required kind-specific fields
    /// get placeholder values that a contributor then replaces.
    pub fn skeleton(kind: Kind, id: RecordId, title: String, license: String) -> Record {
        use crate::details::{FermentUnit, SeedUnit};
        use crate::values::Amount;
        let one = Amount::ONE;
        let details = match kind {
            Kind::Software => Details::Software(Software::default()),
            Kind::CulturalWork => Details::CulturalWork(CulturalWork::default()),
            Kind::Method => Details::Method(Method::default()),
            Kind::Dataset => Details::Dataset(Dataset::default()),
            Kind::SeedLot => Details::SeedLot(SeedLot {
                species: "Genus species".to_owned(),
                variety: None,
                common_name: None,
                harvest_year: 2026,
                quantity: one,
                unit: SeedUnit::Packets,
                germination_rate: None,
                germination_tested: None,
                reproduction: None,
                origin: None,
                exchange_point: None,
                parent_lot: None,
            }),
            Kind::FermentLot => Details::FermentLot(FermentLot {
                organism: "levain".to_owned(),
                species: Vec::new(),
                origin: None,
                substrate: None,
                quantity: one,
                unit: FermentUnit::Portions,
                state: None,
                viable_until: None,
                care: None,
                exchange_point: None,
                parent_lot: None,
            }),
        };
        Record {
            id,
            title,
            title_lang: None,
            license,
            summary: None,
            description: None,
            tags: Vec::new(),
            languages: Vec::new(),
            created: None,
            updated: None,
            wikidata: None,
            links: Vec::new(),
            contributors: Vec::new(),
            sources: Vec::new(),
            translations: BTreeMap::new(),
            details,
        }
    }
}

/// The path of a record in a registry: `records/<kind>/<id>.toml`.
pub fn record_path(kind: Kind, id: &RecordId) -> String {
    format!("records/{}/{}.toml", kind.as_str(), id.as_str())
}

/// The TOML shape of a record, as written in files. It is also the source
/// of the JSON Schema. [`Record`] is the validated form.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Conservatoire du Libre record",
    description = "One free resource of the Conservatoire du Libre catalogue, in records/<kind>/<id>.toml."
)]
pub(crate) struct Wire {
    /// Version of the record format (1).
    #[serde(default = "default_format")]
    pub format: u32,
    /// Identifier; must equal the file name without `.toml`.
    pub id: RecordId,
    /// Kind of resource; must match the folder and the kind-specific table.
    pub kind: Kind,
    /// Title, in French.
    pub title: String,
    /// Language tag of the title when it is not in French (a work's own
    /// title, kept as its makers wrote it), e.g. "en". Absent: French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_lang: Option<LanguageTag>,
    /// Licence as an SPDX expression, e.g. "AGPL-3.0-or-later".
    pub license: String,
    /// One sentence saying what it is, in French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description, in French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::TAGS))]
    pub tags: Vec<String>,
    /// Languages of the resource itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::LANGUAGES))]
    pub languages: Vec<LanguageTag>,
    /// When the resource was created or first published (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Date>,
    /// When the resource was last updated (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Date>,
    /// Wikidata item, e.g. "Q90".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<WikidataId>,
    /// Links to pages about the resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::LINKS))]
    pub links: Vec<Link>,
    /// People and bodies who made it (public names only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::CONTRIBUTORS))]
    pub contributors: Vec<Contributor>,
    /// Where the record's data comes from, for attribution.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::SOURCES))]
    pub sources: Vec<Source>,
    /// Translations of title, summary and description, keyed by language tag.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = crate::limits::TRANSLATIONS))]
    pub translations: BTreeMap<LanguageTag, Translation>,
    /// Fields of a software record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<Software>,
    /// Fields of a cultural work.
    #[serde(
        default,
        rename = "cultural-work",
        skip_serializing_if = "Option::is_none"
    )]
    pub cultural_work: Option<CulturalWork>,
    /// Fields of a method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// Fields of a dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<Dataset>,
    /// Fields of a seed lot.
    #[serde(default, rename = "seed-lot", skip_serializing_if = "Option::is_none")]
    pub seed_lot: Option<SeedLot>,
    /// Fields of a ferment lot.
    #[serde(
        default,
        rename = "ferment-lot",
        skip_serializing_if = "Option::is_none"
    )]
    pub ferment_lot: Option<FermentLot>,
}

fn default_format() -> u32 {
    FORMAT_VERSION
}

impl Wire {
    /// The kind-specific tables present, by kind.
    pub(crate) fn tables_present(&self) -> Vec<Kind> {
        let mut kinds = Vec::new();
        if self.software.is_some() {
            kinds.push(Kind::Software);
        }
        if self.cultural_work.is_some() {
            kinds.push(Kind::CulturalWork);
        }
        if self.method.is_some() {
            kinds.push(Kind::Method);
        }
        if self.dataset.is_some() {
            kinds.push(Kind::Dataset);
        }
        if self.seed_lot.is_some() {
            kinds.push(Kind::SeedLot);
        }
        if self.ferment_lot.is_some() {
            kinds.push(Kind::FermentLot);
        }
        kinds
    }

    /// Turns the wire form into a record, taking the details of `kind`.
    /// Returns `None` when the kind's table is required but absent; the
    /// caller has checked that no other kind's table is present.
    pub(crate) fn into_record(self) -> Option<Record> {
        let details = match self.kind {
            Kind::Software => Details::Software(self.software.unwrap_or_default()),
            Kind::CulturalWork => Details::CulturalWork(self.cultural_work.unwrap_or_default()),
            Kind::Method => Details::Method(self.method.unwrap_or_default()),
            Kind::Dataset => Details::Dataset(self.dataset.unwrap_or_default()),
            Kind::SeedLot => Details::SeedLot(self.seed_lot?),
            Kind::FermentLot => Details::FermentLot(self.ferment_lot?),
        };
        Some(Record {
            id: self.id,
            title: self.title,
            title_lang: self.title_lang,
            license: self.license,
            summary: self.summary,
            description: self.description,
            tags: self.tags,
            languages: self.languages,
            created: self.created,
            updated: self.updated,
            wikidata: self.wikidata,
            links: self.links,
            contributors: self.contributors,
            sources: self.sources,
            translations: self.translations,
            details,
        })
    }

    pub(crate) fn from_record(record: &Record) -> Wire {
        let mut wire = Wire {
            format: FORMAT_VERSION,
            id: record.id.clone(),
            kind: record.kind(),
            title: record.title.clone(),
            title_lang: record.title_lang.clone(),
            license: record.license.clone(),
            summary: record.summary.clone(),
            description: record.description.clone(),
            tags: record.tags.clone(),
            languages: record.languages.clone(),
            created: record.created,
            updated: record.updated,
            wikidata: record.wikidata.clone(),
            links: record.links.clone(),
            contributors: record.contributors.clone(),
            sources: record.sources.clone(),
            translations: record.translations.clone(),
            software: None,
            cultural_work: None,
            method: None,
            dataset: None,
            seed_lot: None,
            ferment_lot: None,
        };
        // Optional tables left empty are not written, so that a record
        // without them round-trips to the same text.
        fn non_empty<T: Default + PartialEq + Clone>(d: &T) -> Option<T> {
            (*d != T::default()).then(|| d.clone())
        }
        match &record.details {
            Details::Software(d) => wire.software = non_empty(d),
            Details::CulturalWork(d) => wire.cultural_work = non_empty(d),
            Details::Method(d) => wire.method = non_empty(d),
            Details::Dataset(d) => wire.dataset = non_empty(d),
            Details::SeedLot(d) => wire.seed_lot = Some(d.clone()),
            Details::FermentLot(d) => wire.ferment_lot = Some(d.clone()),
        }
        wire
    }
}

impl Serialize for Record {
    /// Serialises in the file shape: common fields, then the kind's table.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire::from_record(self).serialize(s)
    }
}

/// A record's JSON Schema is that of its file shape, which is what it
/// serialises to (the API's record documents).
impl schemars::JsonSchema for Record {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Record".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Wire::json_schema(generator)
    }
}
