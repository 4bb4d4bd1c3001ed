//! The fields of the index.
//!
//! Changing anything here (a field, an option, an analyzer) changes what is
//! on disk: bump [`SCHEMA_VERSION`] so that existing indexes are rebuilt.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::{ENGLISH, FOLDED, FRENCH, PHONETIC};

/// The version of the index layout. An index written with another version
/// is rebuilt from the registry on start-up.
pub const SCHEMA_VERSION: u32 = 3;

/// How the index is laid out on disk: the document store in blocks of
/// 4 KiB rather than tantivy's 16 KiB. A hit reads its stored fields by
/// decompressing its whole block; with records of about a kilobyte, the
/// larger blocks made that decompression 8 % of the server's time under a
/// search load (version 3; `web/BENCHMARKS.md`).
pub(crate) fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: 4096,
        ..tantivy::IndexSettings::default()
    }
}

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `origin/kind/id`: the unique key of a document, for deletes.
    pub uid: Field,
    /// The record id.
    pub id: Field,
    /// The kind, as its kebab-case name.
    pub kind: Field,
    /// The raw licence expression.
    pub license: Field,
    /// The origin registry.
    pub origin: Field,
    /// French title.
    pub title: Field,
    /// English title (translation).
    pub title_en: Field,
    /// French summary.
    pub summary: Field,
    /// English summary.
    pub summary_en: Field,
    /// French description.
    pub description: Field,
    /// English description.
    pub description_en: Field,
    /// Tags, analyzed as French text.
    pub tags: Field,
    /// Other searchable text: species, variety, creators, publisher...
    pub extra: Field,
    /// Title, English title, tags and summary, folded but not stemmed:
    /// where one typo is forgiven.
    pub fuzzy: Field,
    /// Title, tags and summary as French phonetic keys
    /// ([`crate::analysis::phonetic`]): where spelling by ear is forgiven.
    pub phonetic: Field,
    /// The title's sort key ([`crate::analysis::sort_key`]), a fast
    /// column for sorting A to Z.
    pub title_key: Field,
    /// Exact filter keys such as `kind=seed-lot` or `license=mit`.
    pub keys: Field,
    /// Recency in seconds since the Unix epoch, for tie-breaks.
    pub recency: Field,
    /// Facets, one dimension per first path component: `/kind/seed-lot`,
    /// `/license/MIT`, `/family/copyleft`... (see [`FacetDim`]).
    pub facets: Field,
}

/// Builds the schema and resolves its fields.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str, stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let fields = Fields {
        uid: b.add_text_field("uid", STRING),
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STORED),
        license: b.add_text_field("license", STORED),
        origin: b.add_text_field("origin", STORED),
        title: b.add_text_field("title", text(FRENCH, true)),
        title_en: b.add_text_field("title_en", text(ENGLISH, true)),
        summary: b.add_text_field("summary", text(FRENCH, true)),
        summary_en: b.add_text_field("summary_en", text(ENGLISH, true)),
        description: b.add_text_field("description", text(FRENCH, true)),
        description_en: b.add_text_field("description_en", text(ENGLISH, true)),
        tags: b.add_text_field("tags", text(FRENCH, false)),
        extra: b.add_text_field("extra", text(FRENCH, false)),
        fuzzy: b.add_text_field(
            "fuzzy",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(FOLDED)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        phonetic: b.add_text_field(
            "phonetic",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PHONETIC)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        title_key: b.add_text_field("title_key", TextOptions::default().set_fast("raw")),
        keys: b.add_text_field("keys", STRING),
        recency: b.add_i64_field("recency", INDEXED | FAST | STORED),
        facets: b.add_facet_field("facets", FacetOptions::default()),
    };
    (b.build(), fields)
}

/// A facet dimension: the first component of a facet path, and a filter
/// on it ([`crate::Filter`]). Its order is the display order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FacetDim {
    /// Kind of resource.
    Kind,
    /// Licence id.
    License,
    /// Licence family.
    Family,
    /// Certification verdict.
    Verdict,
    /// Tag (lower-cased).
    Tag,
    /// Language.
    Lang,
    /// Species (seed and ferment lots).
    Species,
    /// Origin registry.
    Origin,
}

impl FacetDim {
    /// Every dimension, in display order.
    pub const ALL: [FacetDim; 8] = [
        FacetDim::Kind,
        FacetDim::License,
        FacetDim::Family,
        FacetDim::Verdict,
        FacetDim::Tag,
        FacetDim::Lang,
        FacetDim::Species,
        FacetDim::Origin,
    ];

    /// The name, also the first facet path component.
    pub fn as_str(self) -> &'static str {
        match self {
            FacetDim::Kind => "kind",
            FacetDim::License => "license",
            FacetDim::Family => "family",
            FacetDim::Verdict => "verdict",
            FacetDim::Tag => "tag",
            FacetDim::Lang => "lang",
            FacetDim::Species => "species",
            FacetDim::Origin => "origin",
        }
    }

    /// The dimension named `name` (as [`FacetDim::as_str`] writes it).
    pub fn from_name(name: &str) -> Option<FacetDim> {
        FacetDim::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// The filter of the query language on this dimension.
    pub(crate) fn filter_field(self) -> crate::query::FilterField {
        use crate::query::FilterField;
        match self {
            FacetDim::Kind => FilterField::Kind,
            FacetDim::License => FilterField::License,
            FacetDim::Family => FilterField::Family,
            FacetDim::Verdict => FilterField::Verdict,
            FacetDim::Tag => FilterField::Tag,
            FacetDim::Lang => FilterField::Lang,
            FacetDim::Species => FilterField::Species,
            FacetDim::Origin => FilterField::Origin,
        }
    }

    /// The facet `/<dim>/<value>`.
    pub(crate) fn facet(self, value: &str) -> tantivy::schema::Facet {
        tantivy::schema::Facet::from_path([self.as_str(), value])
    }
}

impl std::fmt::Display for FacetDim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dimension_is_listed_once_in_order_and_named_back() {
        let mut sorted = FacetDim::ALL;
        sorted.sort();
        assert_eq!(sorted, FacetDim::ALL, "`ALL` is in the enum's order");
        for d in FacetDim::ALL {
            assert_eq!(FacetDim::from_name(d.as_str()), Some(d));
            assert_eq!(
                serde_json::to_value(d).unwrap(),
                serde_json::Value::from(d.as_str()),
                "serialised under its name"
            );
            assert_eq!(d.filter_field().as_str(), d.as_str());
        }
        assert_eq!(FacetDim::from_name("language"), None);
    }
}
