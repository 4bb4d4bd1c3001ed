//! The fields proper to each kind of resource, in the table named after the
//! kind (`[software]`, `[cultural-work]`, `[method]`, `[dataset]`,
//! `[seed-lot]`, `[ferment-lot]`).

use serde::{Deserialize, Serialize};

use crate::id::RecordId;
use crate::kind::Kind;
use crate::values::{Amount, Date, Doi, Swhid, WebUrl};

/// The kind-specific part of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// Fields of a `software` record.
    Software(Software),
    /// Fields of a `cultural-work` record.
    CulturalWork(CulturalWork),
    /// Fields of a `method` record.
    Method(Method),
    /// Fields of a `dataset` record.
    Dataset(Dataset),
    /// Fields of a `seed-lot` record.
    SeedLot(SeedLot),
    /// Fields of a `ferment-lot` record.
    FermentLot(FermentLot),
}

impl Details {
    /// The kind these details belong to.
    pub fn kind(&self) -> Kind {
        match self {
            Details::Software(_) => Kind::Software,
            Details::CulturalWork(_) => Kind::CulturalWork,
            Details::Method(_) => Kind::Method,
            Details::Dataset(_) => Kind::Dataset,
            Details::SeedLot(_) => Kind::SeedLot,
            Details::FermentLot(_) => Kind::FermentLot,
        }
    }
}

/// An organisation named by a record (a user of some software, a holding
/// institution, a publisher).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Its name, e.g. "Ville de Paris".
    pub name: String,
    /// Its web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
}

/// How a piece of software is maintained (as in publiccode.yml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Maintenance {
    /// Maintained by the publishing body itself.
    Internal,
    /// Maintained by a contractor.
    Contract,
    /// Maintained by a community of users and developers.
    Community,
    /// Not maintained any more.
    None,
}

/// How far a piece of software has come (as in publiccode.yml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DevelopmentStatus {
    /// An idea or a prototype.
    Concept,
    /// Being written.
    Development,
    /// Usable, being tested.
    Beta,
    /// In production use.
    Stable,
    /// Replaced or abandoned.
    Obsolete,
}

/// Fields of free software.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Software {
    /// Address of the source code repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<WebUrl>,
    /// Software Heritage identifier of an archived version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swhid: Option<Swhid>,
    /// Latest released version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Date of the latest release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<Date>,
    /// Programming languages, e.g. "Rust", "Python".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::PROGRAMMING_LANGUAGES))]
    pub programming_languages: Vec<String>,
    /// Platforms it runs on: "web", "linux", "windows", "macos", "android", "ios"...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::PLATFORMS))]
    pub platforms: Vec<String>,
    /// Who maintains it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<Maintenance>,
    /// How far it has come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub development_status: Option<DevelopmentStatus>,
    /// Organisations (public bodies first) that use it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::USED_BY))]
    pub used_by: Vec<Organisation>,
    /// Proprietary products it replaces, e.g. "Microsoft Office".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::REPLACES))]
    pub replaces: Vec<String>,
    /// Address of its logo (an image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<WebUrl>,
    /// What it needs to run, with versions as written: "PostgreSQL >=12",
    /// "Java 17", "(facultatif)" after an optional one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::DEPENDENCIES))]
    pub dependencies: Vec<String>,
    /// Identifier in the French interministerial free software list (SILL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sill_id: Option<u32>,
}

/// A person or body that created a cultural work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Creator {
    /// Name as usually cited.
    pub name: String,
    /// Role: "artist", "author", "composer", "photographer"...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Year of birth (negative before the common era).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<i32>,
    /// Year of death, which decides when a work enters the public domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub died: Option<i32>,
}

/// Why a cultural work may be reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RightsStatus {
    /// The economic rights have expired or never existed.
    PublicDomain,
    /// The rights holders granted a free licence.
    FreeLicence,
    /// The rights holders waived their rights (CC0).
    Waived,
}

/// A digital reproduction or recording of a work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Media {
    /// Address of the file.
    pub url: WebUrl,
    /// Its media type, e.g. "image/jpeg".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// A text alternative describing it, for people who cannot see or hear it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// Credit line to show next to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// Licence of the reproduction itself (an SPDX expression), when it
    /// differs from the work's: a photograph of a public-domain painting may
    /// carry its own rights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

/// Fields of a cultural work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CulturalWork {
    /// Its creators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::CREATORS))]
    pub creators: Vec<Creator>,
    /// Form: "painting", "photograph", "print", "sculpture", "text", "music", "film"...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Period or date as written by the institution: "c. 1890", "XIXe siècle".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Year of creation, for sorting and filtering (negative before the common era).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Medium and technique: "Oil paint on canvas".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    /// Dimensions as written by the institution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<String>,
    /// The museum, library or archive that holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holding_institution: Option<Organisation>,
    /// Its inventory or accession number there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accession_number: Option<String>,
    /// Why it may be reused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights_status: Option<RightsStatus>,
    /// Reproductions and recordings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::MEDIA))]
    pub media: Vec<Media>,
}

/// A publication a method relies on or comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Citation text.
    pub citation: String,
    /// Its DOI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<Doi>,
    /// Its address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
}

/// Fields of a scientific or technical method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// Disciplines, e.g. "biologie moléculaire", "agronomie".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::DISCIPLINES))]
    pub disciplines: Vec<String>,
    /// The method's own DOI, when it was published with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<Doi>,
    /// Version of the protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Materials and equipment needed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::MATERIALS))]
    pub materials: Vec<String>,
    /// The steps of the protocol, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::STEPS))]
    pub steps: Vec<String>,
    /// Publications it relies on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::REFERENCES))]
    pub references: Vec<Reference>,
}

/// How often a dataset is updated (DCAT frequencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    /// Updated as things happen.
    Continuous,
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every three months.
    Quarterly,
    /// Twice a year.
    Semiannual,
    /// Every year.
    Annual,
    /// At no fixed interval.
    Irregular,
    /// Never updated.
    Never,
}

/// One downloadable form of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    /// Address of the file or service.
    pub url: WebUrl,
    /// Format, e.g. "CSV", "GeoJSON".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Media type, e.g. "text/csv".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Title of this distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// Fields of an open dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// The body that publishes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Organisation>,
    /// Its DOI, when it was deposited with one (Zenodo, data repositories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<Doi>,
    /// Formats it is available in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::FORMATS))]
    pub formats: Vec<String>,
    /// How often it is updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_frequency: Option<Frequency>,
    /// Geographical coverage, e.g. "Paris", "France métropolitaine".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spatial_coverage: Option<String>,
    /// First date covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporal_start: Option<Date>,
    /// Last date covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporal_end: Option<Date>,
    /// Where to get it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::DISTRIBUTIONS))]
    pub distributions: Vec<Distribution>,
}

/// How a seed variety reproduces, which tells whether saved seed stays true to type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Reproduction {
    /// Mostly self-pollinated (autogamous): tomato, bean, lettuce.
    SelfPollinated,
    /// Mostly cross-pollinated (allogamous): maize, squash, cabbage.
    CrossPollinated,
    /// Reproduced from tubers, bulbs or cuttings.
    Vegetative,
}

/// The unit of a seed lot's quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SeedUnit {
    /// A count of seeds.
    Seeds,
    /// Grams.
    Grams,
    /// Kilograms.
    Kilograms,
    /// Packets (sachets) as handed out at the exchange.
    Packets,
    /// Bulbs, tubers or cuttings.
    Pieces,
}

/// Fields of a seed lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeedLot {
    /// Botanical species, e.g. "Solanum lycopersicum".
    pub species: String,
    /// Variety, e.g. "Cœur de bœuf".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variety: Option<String>,
    /// Common name, e.g. "tomate".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// Year of harvest.
    pub harvest_year: i32,
    /// Quantity in the lot.
    pub quantity: Amount,
    /// Unit of the quantity.
    pub unit: SeedUnit,
    /// Germination rate in percent, from the last test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub germination_rate: Option<u8>,
    /// Date of the last germination test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub germination_tested: Option<Date>,
    /// How the variety reproduces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reproduction: Option<Reproduction>,
    /// Where the variety comes from (region, seed bank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The exchange point where the lot can be had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_point: Option<String>,
    /// The lot it was grown from, to follow its lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_lot: Option<RecordId>,
}

/// The unit of a ferment lot's quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FermentUnit {
    /// Grams.
    Grams,
    /// Millilitres.
    Millilitres,
    /// Portions as handed out at the exchange.
    Portions,
}

/// How a ferment is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FermentState {
    /// Alive and fed.
    Active,
    /// Dried.
    Dried,
    /// Frozen.
    Frozen,
}

/// Fields of a ferment lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FermentLot {
    /// Organism or culture, e.g. "levain de seigle", "grains de kéfir de lait".
    pub organism: String,
    /// Known species in the culture, e.g. "Saccharomyces cerevisiae".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = crate::limits::FERMENT_SPECIES))]
    pub species: Vec<String>,
    /// Where the culture comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// What it grows on or is fed: "farine de seigle", "lait de vache", "riz".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substrate: Option<String>,
    /// Quantity in the lot.
    pub quantity: Amount,
    /// Unit of the quantity.
    pub unit: FermentUnit,
    /// How it is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<FermentState>,
    /// Date until which it is known to stay viable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viable_until: Option<Date>,
    /// How to feed and keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care: Option<String>,
    /// The exchange point where the lot can be had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_point: Option<String>,
    /// The lot it was grown from, to follow its lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_lot: Option<RecordId>,
}
