//! The largest sizes the format allows: items per list, and how many
//! problems a check reports.
//!
//! Real records stay far below these bounds; they exist so that a hostile
//! or broken file costs a bounded amount of work and of reply. The list
//! bounds are checked by the rules and written in the JSON Schema as
//! `maxItems` (`maxProperties` for `translations`). See the crate's README
//! for the table.

/// The most problems listed for one record. Past it, checking stops
/// listing and one final entry of code [`crate::Code::MoreErrors`] says how
/// many more there were (as rustc stops after its error limit).
pub const MAX_DIAGNOSTICS: usize = 50;

/// `tags`: free keywords.
pub const TAGS: usize = 30;
/// `languages`: languages of the resource.
pub const LANGUAGES: usize = 20;
/// `links`: pages about the resource.
pub const LINKS: usize = 100;
/// `contributors`: people and bodies who made it.
pub const CONTRIBUTORS: usize = 100;
/// `sources`: where the record's data comes from.
pub const SOURCES: usize = 20;
/// `translations`: languages the texts are translated into.
pub const TRANSLATIONS: usize = 30;

/// `software.programming_languages`.
pub const PROGRAMMING_LANGUAGES: usize = 30;
/// `software.platforms`.
pub const PLATFORMS: usize = 30;
/// `software.used_by`: organisations that use it.
pub const USED_BY: usize = 100;
/// `software.replaces`: products it replaces.
pub const REPLACES: usize = 100;
/// `software.dependencies`: what it needs to run.
pub const DEPENDENCIES: usize = 100;

/// `cultural-work.creators`.
pub const CREATORS: usize = 100;
/// `cultural-work.media`: reproductions and recordings.
pub const MEDIA: usize = 100;

/// `method.disciplines`.
pub const DISCIPLINES: usize = 20;
/// `method.materials`.
pub const MATERIALS: usize = 100;
/// `method.steps`: the steps of the protocol.
pub const STEPS: usize = 200;
/// `method.references`: publications.
pub const REFERENCES: usize = 100;

/// `dataset.formats`.
pub const FORMATS: usize = 30;
/// `dataset.distributions`: downloadable forms.
pub const DISTRIBUTIONS: usize = 100;

/// `ferment-lot.species`: species known in the culture.
pub const FERMENT_SPECIES: usize = 20;
