//! Ranking: title above description, exact above fuzzy, ties by recency,
//! and pagination.

use cdl_indexer::{MAX_WINDOW, SearchRequest};
use cdl_records::values::Date;

use crate::util::{describe, index_of, software};

#[test]
fn title_above_description() {
    let idx = index_of(&[
        describe(
            software("in-description", "Tableur"),
            "Un outil de cartographie en ligne.",
        ),
        describe(software("in-title", "Cartographie"), "Un outil en ligne."),
    ]);
    assert_eq!(idx.ids("cartographie"), ["in-title", "in-description"]);
}

#[test]
fn exact_above_fuzzy() {
    let idx = index_of(&[
        software("fuzzy", "Carotte"),
        software("exact", "Carottes"),
        software("typo", "Carote"),
    ]);
    let ids = idx.ids("carotte");
    assert_eq!(ids.len(), 3, "{ids:?}");
    // "carotte" and "carottes" share a stem: both exact; "carote" is a typo.
    assert_eq!(ids[2], "typo");
    let hits = idx.search("carotte").hits;
    assert!(hits[1].score > hits[2].score);
}

#[test]
fn ties_broken_by_recency() {
    let mut old = software("old", "Cartographie");
    old.updated = Some(Date::new(2001, 1, 1).unwrap());
    let mut new = software("new", "Cartographie");
    new.updated = Some(Date::new(2024, 6, 1).unwrap());
    let mut mid = software("mid", "Cartographie");
    mid.created = Some(Date::new(2015, 6, 1).unwrap());
    let idx = index_of(&[old, new, mid]);
    assert_eq!(idx.ids("cartographie"), ["new", "mid", "old"]);
    assert_eq!(idx.ids(""), ["new", "mid", "old"]);
}

#[test]
fn pages_follow_each_other() {
    let records: Vec<_> = (0..45)
        .map(|i| {
            let mut r = software(&format!("carte-{i}"), "Carte");
            r.updated = Some(Date::new(2000 + i, 1, 1).unwrap());
            r
        })
        .collect();
    let idx = index_of(&records);
    let page = |offset, limit| {
        idx.index
            .search(&SearchRequest::new("carte").page(offset, limit))
            .unwrap()
    };
    let first = page(0, 20);
    assert_eq!(first.total, 45);
    assert_eq!(first.hits.len(), 20);
    assert_eq!(first.hits[0].id, "carte-44");
    let third = page(40, 20);
    assert_eq!(third.hits.len(), 5);
    assert_eq!(third.hits[4].id, "carte-0");
    let mut all: Vec<String> = (0..3)
        .flat_map(|p| page(p * 20, 20).hits)
        .map(|h| h.id)
        .collect();
    all.dedup();
    assert_eq!(all.len(), 45);
    // Beyond the window: the last allowed page, not an error or a panic.
    let deep = page(usize::MAX, 20);
    assert_eq!(deep.offset, MAX_WINDOW - 20);
    assert!(deep.hits.is_empty());
}
