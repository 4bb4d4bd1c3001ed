//! The query language on a real index: phrases, exclusions, filters, errors.

use cdl_indexer::{IndexError, QueryError, SearchRequest};
use cdl_records::Kind;
use proptest::prelude::*;

use crate::util::{describe, index_of, record, software};

fn catalogue() -> crate::util::TestIndex {
    let mut tomate = record(
        Kind::SeedLot,
        "tomate-coeur",
        "Tomate cœur de bœuf",
        "LicenseRef-OSSI-Pledge",
    );
    tomate.tags = vec!["École".to_owned(), "jardin partagé".to_owned()];
    let mut gpl = describe(
        software("gpl-app", "Jardin en ligne"),
        "Gérer un jardin partagé en ligne.",
    );
    gpl.license = "GPL-3.0-or-later".to_owned();
    let mut jardin = record(
        Kind::CulturalWork,
        "jardin-photo",
        "Photographie",
        "CC-BY-4.0",
    );
    jardin.description = Some("Un partagé jardin, vu du ciel.".to_owned());
    index_of(&[tomate, gpl, jardin])
}

#[test]
fn phrases_keep_word_order() {
    let idx = catalogue();
    // The tomato has the tag "jardin partagé"; the photo has both words,
    // in the other order.
    let mut phrase = idx.ids("\"jardin partagé\"");
    phrase.sort();
    assert_eq!(phrase, ["gpl-app", "tomate-coeur"]);
    assert_eq!(idx.search("jardin partagé").total, 3);
    assert_eq!(idx.ids("\"partagé jardin\""), ["jardin-photo"]);
}

#[test]
fn exclusion_removes() {
    let idx = catalogue();
    let mut ids = idx.ids("jardin -photographie");
    ids.sort();
    assert_eq!(ids, ["gpl-app", "tomate-coeur"]);
    assert_eq!(idx.ids("jardin -photographie -tag:école"), ["gpl-app"]);
    let mut all_but = idx.ids("-tomate");
    all_but.sort();
    assert_eq!(all_but, ["gpl-app", "jardin-photo"]);
}

#[test]
fn filters_restrict() {
    let idx = catalogue();
    assert_eq!(idx.ids("kind:seed-lot"), ["tomate-coeur"]);
    assert_eq!(idx.ids("license:GPL-3.0-or-later"), ["gpl-app"]);
    assert_eq!(idx.ids("license:gpl-3.0-or-later"), ["gpl-app"]);
    assert_eq!(idx.ids("tag:école"), ["tomate-coeur"]);
    assert_eq!(idx.ids("tag:ecole"), ["tomate-coeur"]);
    assert_eq!(idx.ids("tag:\"jardin partagé\""), ["tomate-coeur"]);
    assert_eq!(idx.ids("jardin kind:software"), ["gpl-app"]);
    assert_eq!(idx.ids("species:\"Genus species\""), ["tomate-coeur"]);
    assert_eq!(idx.ids("family:copyleft"), ["gpl-app"]);
    assert_eq!(idx.ids("family:seed-commons"), ["tomate-coeur"]);
    assert_eq!(idx.search("verdict:certified").total, 3);
    assert_eq!(idx.search("origin:paris").total, 3);
    assert_eq!(idx.search("origin:lyon").total, 0);
    let mut either = idx.ids("kind:seed-lot OR kind:software");
    either.sort();
    assert_eq!(either, ["gpl-app", "tomate-coeur"]);
}

#[test]
fn syntax_errors_are_messages() {
    let idx = catalogue();
    for bad in ["\"jardin", "kind:", "kind:banane", "jardin -", "OR jardin"] {
        match idx.index.search(&SearchRequest::new(bad)) {
            Err(IndexError::Query(e)) => {
                let text = e.to_string();
                assert!(
                    !e.message_fr().is_empty() && !e.message_en().is_empty(),
                    "{text}"
                );
            }
            other => panic!("{bad}: expected a query error, got {other:?}"),
        }
    }
    assert!(matches!(
        idx.index.search(&SearchRequest::new("\"jardin")),
        Err(IndexError::Query(QueryError::UnclosedQuote { at: 0 }))
    ));
}

#[test]
fn empty_query_lists_everything_newest_first() {
    let idx = catalogue();
    assert_eq!(idx.search("").total, 3);
    assert_eq!(idx.search("   ").total, 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever people type, searching answers or returns a query error.
    #[test]
    fn arbitrary_queries_never_panic(q in "\\PC{0,60}") {
        let idx = shared();
        match idx.index.search(&SearchRequest::new(q)) {
            Ok(_) | Err(IndexError::Query(_)) => {}
            Err(e) => prop_assert!(false, "engine error: {e}"),
        }
    }

    /// The same with the characters of the syntax over-represented.
    #[test]
    fn syntax_soup_never_panics(q in "[-\"':« »a-zé OR()*~^]{0,40}") {
        let idx = shared();
        match idx.index.search(&SearchRequest::new(q).page(5, 0)) {
            Ok(_) | Err(IndexError::Query(_)) => {}
            Err(e) => prop_assert!(false, "engine error: {e}"),
        }
    }
}

/// One index for all proptest cases.
fn shared() -> &'static crate::util::TestIndex {
    static INDEX: std::sync::OnceLock<crate::util::TestIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(catalogue)
}
