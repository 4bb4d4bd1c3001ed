//! Facet counts, computed with the hits.

use cdl_indexer::{FacetCount, FacetDim, Filter, SearchRequest};
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
    assert_eq!(count(&f[&FacetDim::Kind], "software"), 2);
    assert_eq!(count(&f[&FacetDim::Kind], "seed-lot"), 1);
    assert_eq!(
        count(&f[&FacetDim::Kind], "cultural-work"),
        0,
        "d does not match"
    );
    assert_eq!(count(&f[&FacetDim::License], "MIT"), 1);
    assert_eq!(count(&f[&FacetDim::License], "Apache-2.0"), 1);
    assert_eq!(count(&f[&FacetDim::License], "GPL-3.0-or-later"), 1);
    assert_eq!(count(&f[&FacetDim::Family], "copyleft"), 1);
    assert_eq!(count(&f[&FacetDim::Family], "permissive"), 1);
    assert_eq!(count(&f[&FacetDim::Family], "seed-commons"), 1);
    assert_eq!(count(&f[&FacetDim::Verdict], "certified"), 3);
    assert_eq!(
        count(&f[&FacetDim::Tag], "école"),
        2,
        "tags are counted without case"
    );
    assert_eq!(count(&f[&FacetDim::Tag], "vélo"), 1);
    assert_eq!(count(&f[&FacetDim::Lang], "fr"), 2);
    assert_eq!(count(&f[&FacetDim::Lang], "en"), 1);
    assert_eq!(count(&f[&FacetDim::Origin], "paris"), 3);
    assert_eq!(count(&f[&FacetDim::Species], "Zea mays"), 1);
    assert_eq!(f[&FacetDim::Tag][0].value, "école", "most frequent first");

    let all = idx.search("");
    assert_eq!(count(&all.facets[&FacetDim::Verdict], "rejected"), 1);
    assert_eq!(count(&all.facets[&FacetDim::Family], "other"), 1);
    let filtered = idx.search("verdict:rejected");
    assert_eq!(filtered.total, 1);
    assert_eq!(filtered.hits[0].id, "d");
}

#[test]
fn facets_are_keyed_by_every_dimension_in_order() {
    let idx = index_of(&[software("a", "Jardin A")]);
    let r = idx.search("");
    let dims: Vec<FacetDim> = r.facets.keys().copied().collect();
    assert_eq!(dims, FacetDim::ALL);
    let json = serde_json::to_value(&r.facets).unwrap();
    for dim in FacetDim::ALL {
        assert!(json[dim.as_str()].is_array(), "{dim} in {json}");
    }
}

#[test]
fn typed_filters_match_the_facet_values_they_count() {
    let mut a = software("a", "Jardin A");
    a.license = "GPL-3.0-or-later".to_owned();
    a.tags = vec!["Jardin partagé".to_owned()];
    let mut b = software("b", "Jardin B");
    b.license = "MIT".to_owned();
    b.tags = vec!["vélo".to_owned()];
    let mut c = record(Kind::SeedLot, "c", "Jardin C", "LicenseRef-OSSI-Pledge");
    if let cdl_records::Details::SeedLot(s) = &mut c.details {
        s.species = "Zea mays".to_owned();
    }
    let idx = index_of(&[a, b, c]);
    let search = |q: &str, filters: Vec<Filter>| {
        let mut request = SearchRequest::new(q);
        request.filters = filters;
        idx.index.search(&request)
    };
    let ids = |r: &cdl_indexer::SearchResults| {
        let mut v: Vec<String> = r.hits.iter().map(|h| h.id.clone()).collect();
        v.sort();
        v
    };
    let all = search("jardin", vec![]).unwrap();
    // Each facet value, as a filter, finds exactly the records it counts.
    for dim in FacetDim::ALL {
        for value in &all.facets[&dim] {
            let r = search("jardin", vec![Filter::new(dim, value.value.clone())]).unwrap();
            assert_eq!(r.total as u64, value.count, "{dim}={}", value.value);
        }
    }
    let r = search("", vec![Filter::new(FacetDim::Species, "Zea mays")]).unwrap();
    assert_eq!(ids(&r), ["c"]);
    // Aliases and canonical names as in the query language; case folded
    // when no value matches exactly; tags also as words.
    let r = search("", vec![Filter::new(FacetDim::Kind, "semences")]).unwrap();
    assert_eq!(ids(&r), ["c"]);
    let r = search("", vec![Filter::new(FacetDim::License, "mit")]).unwrap();
    assert_eq!(ids(&r), ["b"]);
    let r = search("", vec![Filter::new(FacetDim::Tag, "jardins partagés")]).unwrap();
    assert_eq!(ids(&r), ["a"]);
    // Several filters: all must hold; with words, the words still rank.
    let r = search(
        "jardin",
        vec![
            Filter::new(FacetDim::Kind, "software"),
            Filter::new(FacetDim::License, "MIT"),
        ],
    )
    .unwrap();
    assert_eq!(ids(&r), ["b"]);
    assert!(r.hits[0].score > 0.0, "words score, filters do not");
    // Same results as the query language's filters.
    let typed = search("jardin", vec![Filter::new(FacetDim::Kind, "software")]).unwrap();
    let text = search("jardin kind:software", vec![]).unwrap();
    assert_eq!(ids(&typed), ids(&text));
    assert_eq!(typed.total, text.total);
    assert_eq!(typed.facets, text.facets);
    // A value that cannot be is the query language's error.
    let bad = search("", vec![Filter::new(FacetDim::Kind, "voiture")]);
    assert!(
        matches!(
            bad,
            Err(cdl_indexer::IndexError::Query(
                cdl_indexer::QueryError::BadValue { .. }
            ))
        ),
        "{bad:?}"
    );
    let empty = search("", vec![Filter::new(FacetDim::Tag, "  ")]);
    assert!(
        matches!(empty, Err(cdl_indexer::IndexError::Query(_))),
        "{empty:?}"
    );
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
