//! Facet counts, computed with the hits.

use cdl_indexer::FacetCount;
use cdl_records::Kind;
use cdl_records::values::LanguageTag;

use crate::util::{index_of, record, software};

fn count(values: &[FacetCount], value: &str) -> u64 {
    values
        .iter()
        .find(|f| f.value == value)
        .map_or(0, |f| f.count)
}

#[test]
fn facets_count_matching_records() {
    let mut a = software("a", "Jardin A");
    a.license = "GPL-3.0-or-later".to_owned();
    a.tags = vec!["École".to_owned()];
    a.languages = vec!["fr".parse::<LanguageTag>().unwrap()];
    let mut b = software("b", "Jardin B");
    b.license = "MIT OR Apache-2.0".to_owned();
    b.tags = vec!["école".to_owned(), "vélo".to_owned()];
    b.languages = vec!["fr".parse().unwrap(), "en".parse().unwrap()];
    let mut c = record(Kind::SeedLot, "c", "Jardin C", "LicenseRef-OSSI-Pledge");
    if let cdl_records::Details::SeedLot(s) = &mut c.details {
        s.species = "Zea mays".to_owned();
    }
    let d = record(Kind::CulturalWork, "d", "Autre chose", "CC-BY-NC-4.0");
    let idx = index_of(&[a, b, c, d]);

    let r = idx.search("jardin");
    assert_eq!(r.total, 3);
    let f = &r.facets;
    assert_eq!(count(&f["kind"], "software"), 2);
    assert_eq!(count(&f["kind"], "seed-lot"), 1);
    assert_eq!(count(&f["kind"], "cultural-work"), 0, "d does not match");
    assert_eq!(count(&f["license"], "MIT"), 1);
    assert_eq!(count(&f["license"], "Apache-2.0"), 1);
    assert_eq!(count(&f["license"], "GPL-3.0-or-later"), 1);
    assert_eq!(count(&f["family"], "copyleft"), 1);
    assert_eq!(count(&f["family"], "permissive"), 1);
    assert_eq!(count(&f["family"], "seed-commons"), 1);
    assert_eq!(count(&f["verdict"], "certified"), 3);
    assert_eq!(
        count(&f["tag"], "école"),
        2,
        "tags are counted without case"
    );
    assert_eq!(count(&f["tag"], "vélo"), 1);
    assert_eq!(count(&f["lang"], "fr"), 2);
    assert_eq!(count(&f["lang"], "en"), 1);
    assert_eq!(count(&f["origin"], "paris"), 3);
    assert_eq!(count(&f["species"], "Zea mays"), 1);
    assert_eq!(f["tag"][0].value, "école", "most frequent first");

    let all = idx.search("");
    assert_eq!(count(&all.facets["verdict"], "rejected"), 1);
    assert_eq!(count(&all.facets["family"], "other"), 1);
    let filtered = idx.search("verdict:rejected");
    assert_eq!(filtered.total, 1);
    assert_eq!(filtered.hits[0].id, "d");
}

#[test]
fn facets_can_be_skipped_for_later_pages() {
    let idx = index_of(&[software("a", "Jardin A"), software("b", "Jardin B")]);
    let mut request = cdl_indexer::SearchRequest::new("jardin").page(1, 1);
    request.facets = false;
    let r = idx.index.search(&request).unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.hits.len(), 1);
    assert!(r.facets.is_empty());
}
