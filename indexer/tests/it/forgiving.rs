//! Search that forgives (issue 9): words left out when all of them find
//! almost nothing, typos that never bury exact matches, spelling by ear,
//! and the orders of hits.

use cdl_indexer::{SearchRequest, Sort};
use cdl_records::{Kind, Record};

use crate::util::{TestIndex, describe, index_of, record, software};

fn dataset(id: &str, title: &str, description: &str) -> Record {
    describe(record(Kind::Dataset, id, title, "ODbL-1.0"), description)
}

/// A catalogue where no record holds `données`, `bruit` and `paris`
/// together, nor `données` and `paris`.
fn catalogue() -> TestIndex {
    index_of(&[
        dataset(
            "budget",
            "Données budgétaires",
            "Les comptes de la commune, année par année.",
        ),
        dataset(
            "arbres",
            "Données des arbres remarquables",
            "Les arbres remarquables, avec leur espèce.",
        ),
        software("plan", "Plan de Paris"),
        software("lutece", "Lutèce"),
        describe(
            software("bruit-routier", "Carte du bruit routier"),
            "Le bruit des rues, mesuré de jour et de nuit.",
        ),
        describe(
            record(
                Kind::Method,
                "jardin",
                "Créer un jardin partagé",
                "CC-BY-SA-4.0",
            ),
            "Un jardin partagé à Paris, pas à pas.",
        ),
    ])
}

#[test]
fn all_words_finding_nothing_shows_most_of_them() {
    let idx = catalogue();
    let r = idx.search("données bruit paris");
    assert!(r.total > 0, "{r:?}");
    let relaxed = r.relaxed.expect("words were left out");
    assert_eq!(relaxed.complete, 0);
    assert_eq!(relaxed.kept.len(), 1, "{relaxed:?}");
    assert_eq!(relaxed.kept.len() + relaxed.dropped.len(), 3);
    let words = ["données", "bruit", "paris"];
    let order = |list: &[String]| {
        list.iter()
            .map(|w| words.iter().position(|x| x == w).unwrap())
            .collect::<Vec<_>>()
    };
    assert!(order(&relaxed.dropped).is_sorted(), "{relaxed:?}");

    let r = idx.search("données paris");
    assert!(r.total >= 3, "{r:?}");
    let relaxed = r.relaxed.expect("words were left out");
    assert_eq!(relaxed.complete, 0);
    assert_eq!(relaxed.kept.len(), 1);
    assert_eq!(relaxed.dropped.len(), 1);
}

#[test]
fn records_matching_more_words_come_first() {
    let idx = index_of(&[
        dataset("un", "Données", "Rien d'autre."),
        dataset("deux", "Données de Paris", "La ville."),
        software("autre", "Paris"),
    ]);
    let r = idx.search("données paris bruit");
    let ids: Vec<&str> = r.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids[0], "deux", "{ids:?}");
    assert_eq!(ids.len(), 3);
    let relaxed = r.relaxed.unwrap();
    assert_eq!(relaxed.kept, ["données", "paris"]);
    assert_eq!(relaxed.dropped, ["bruit"]);
}

#[test]
fn dropped_words_follow_the_query_order() {
    let idx = index_of(&[
        dataset("a", "Données", "Rien d'autre."),
        software("b", "Paris"),
    ]);
    let r = idx.search("zeppelin données paris");
    let relaxed = r.relaxed.unwrap();
    assert_eq!(relaxed.dropped.len(), 2, "{relaxed:?}");
    assert_eq!(relaxed.dropped[0], "zeppelin", "{relaxed:?}");
}

#[test]
fn a_few_complete_matches_come_before_partial_ones() {
    let idx = index_of(&[
        dataset("tout", "Données du bruit à Paris", "Tout y est."),
        dataset("partiel", "Données du bruit", "À Lyon."),
        dataset("autre", "Bruit de fond", "Ailleurs."),
    ]);
    let r = idx.search("données bruit paris");
    assert_eq!(r.hits[0].id, "tout");
    assert_eq!(r.hits[1].id, "partiel");
    let relaxed = r.relaxed.unwrap();
    assert_eq!(relaxed.complete, 1);
    assert_eq!(relaxed.kept, ["données", "bruit"]);
    assert_eq!(relaxed.dropped, ["paris"]);
}

#[test]
fn the_words_kept_do_not_depend_on_the_page_or_the_order() {
    let idx = index_of(&[
        dataset("tout", "Données du bruit à Paris", "Tout y est."),
        dataset("partiel", "Données du bruit", "À Lyon."),
        dataset("autre", "Bruit de fond", "Ailleurs."),
        software("plan", "Plan de Paris"),
    ]);
    let first = idx.search("données bruit paris");
    let want = first.relaxed.clone().expect("words were left out");
    assert_eq!(want.complete, 1);
    assert_eq!(want.kept, ["données", "bruit"]);
    // The best partial match is read off the page when the page holds it
    // in the order of relevance, and looked for otherwise.
    for (offset, limit, sort) in [
        (0, 1, Sort::Relevance),
        (0, 2, Sort::Relevance),
        (1, 1, Sort::Relevance),
        (2, 5, Sort::Relevance),
        (0, 20, Sort::Recent),
        (0, 1, Sort::Title),
    ] {
        let request = SearchRequest {
            sort,
            ..SearchRequest::new("données bruit paris").page(offset, limit)
        };
        let r = idx.index.search(&request).unwrap();
        assert_eq!(r.relaxed.as_ref(), Some(&want), "{offset} {limit} {sort:?}");
        assert_eq!(r.total, first.total, "{offset} {limit} {sort:?}");
        assert_eq!(r.hits.len(), limit.min(first.total.saturating_sub(offset)));
    }
}

#[test]
fn enough_matches_leave_no_word_out() {
    let idx = index_of(&[
        dataset("a", "Données des arbres", "Un."),
        dataset("b", "Arbres : données", "Deux."),
        dataset("c", "Les arbres en données", "Trois."),
        dataset("d", "Données", "Quatre."),
    ]);
    let r = idx.search("données arbres");
    assert!(r.relaxed.is_none(), "{r:?}");
    assert_eq!(r.total, 3);
    let idx = catalogue();
    let r = idx.search("données remarquables");
    assert_eq!(r.relaxed.map(|r| r.complete), Some(1), "one is very little");
    assert!(
        idx.search("bruit").relaxed.is_none(),
        "one word: nothing to leave out"
    );
    assert_eq!(idx.ids("bruit"), ["bruit-routier"]);
}

#[test]
fn phrases_filters_and_exclusions_are_never_left_out() {
    let idx = catalogue();
    let r = idx.search("\"jardin partagé\" paris bruit");
    assert!(r.relaxed.is_some());
    assert!(r.hits.iter().all(|h| h.id == "jardin"), "{:?}", r.hits);
    let r = idx.search("kind:software données paris bruit");
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| h.kind == "software"), "{:?}", r.hits);
    let r = idx.search("données paris bruit -carte");
    assert!(
        r.hits.iter().all(|h| h.id != "bruit-routier"),
        "{:?}",
        r.hits
    );
    assert_eq!(idx.search("\"jardin bruyant\" paris bruit").total, 0);
}

#[test]
fn ecole_does_not_find_cole() {
    let mut works = Vec::new();
    for (id, title) in [
        ("view-of-florence", "View of Florence"),
        ("schroon-mountain", "View of Schroon Mountain"),
    ] {
        let mut r = record(Kind::CulturalWork, id, title, "CC0-1.0");
        r.summary = Some("Peinture de Thomas Cole.".to_owned());
        works.push(r);
    }
    works.push(describe(
        software("primtux", "PrimTux"),
        "Une distribution pour l'école primaire.",
    ));
    works.push(software("ecoles", "Écoles de Paris"));
    let idx = index_of(&works);
    let ids = idx.ids("école");
    assert!(!ids.is_empty());
    assert!(
        ids.iter()
            .all(|id| !id.contains("florence") && !id.contains("schroon")),
        "{ids:?}"
    );
}

#[test]
fn typos_are_forgiven_by_length() {
    let idx = index_of(&[
        software("fermentation", "Fermentation lactique"),
        software("potager", "Potager urbain"),
        software("patrimoine", "Patrimoine parisien"),
    ]);
    assert_eq!(idx.ids("patrimione"), ["patrimoine"], "one transposition");
    assert_eq!(
        idx.ids("fermantaton"),
        ["fermentation"],
        "two typos at 11 letters"
    );
    assert_eq!(idx.ids("potajer"), ["potager"], "one typo at 7 letters");
    assert!(idx.ids("petagir").is_empty(), "two typos at 7 letters");
}

#[test]
fn a_typo_does_not_count_for_a_common_word() {
    let mut records: Vec<Record> = (0..60)
        .map(|i| software(&format!("jardin-{i}"), &format!("Jardin {i}")))
        .collect();
    records.push(software("jardins", "Jardinn"));
    let idx = index_of(&records);
    // `jardin` is in 60 records: its neighbour `jardinn` is not a match.
    let r = idx
        .index
        .search(&SearchRequest::new("jardin").page(0, 100))
        .unwrap();
    assert_eq!(r.total, 60);
    assert!(r.hits.iter().all(|h| h.id != "jardins"));
}

#[test]
fn spelling_by_ear_is_forgiven() {
    let idx = index_of(&[
        record(
            Kind::CulturalWork,
            "elephant",
            "L'éléphant du jardin des plantes",
            "CC0-1.0",
        ),
        describe(
            record(Kind::Method, "philo", "Atelier de philosophie", "CC-BY-4.0"),
            "Pour les enfants.",
        ),
        software("tableur", "Tableur"),
    ]);
    assert_eq!(idx.ids("éléfant"), ["elephant"]);
    assert_eq!(idx.ids("elefan"), ["elephant"]);
    assert_eq!(idx.ids("filosofie"), ["philo"]);
    assert_eq!(idx.ids("atelier filosofie"), ["philo"]);
}

#[test]
fn exact_above_typo_above_sound() {
    let idx = index_of(&[
        software("sound", "Les éléphants"),
        software("exact", "Les éléfants"),
        software("typo", "Les élefent"),
    ]);
    let r = idx.search("éléfant");
    let ids: Vec<&str> = r.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["exact", "typo", "sound"], "{r:?}");
    assert!(r.hits[0].score > r.hits[1].score && r.hits[1].score > r.hits[2].score);
}

fn dated(id: &str, title: &str, updated: &str) -> Record {
    let mut r = software(id, title);
    r.updated = Some(updated.parse().unwrap());
    r.summary = Some("Un outil pour la ville.".to_owned());
    r
}

fn sorted(idx: &TestIndex, query: &str, sort: Sort) -> Vec<String> {
    let request = SearchRequest {
        sort,
        ..SearchRequest::new(query)
    };
    idx.index
        .search(&request)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn hits_sort_by_title_and_by_recency() {
    let idx = index_of(&[
        dated("zoo", "Zoo de la ville", "2024-01-01"),
        dated("ecole", "École de la ville", "2020-01-01"),
        dated("abeille", "abeille et ville", "2026-01-01"),
        dated("erable", "Érable, ville", "2022-06-01"),
        dated("dune", "Dune ville ville ville", "2021-01-01"),
    ]);
    assert_eq!(
        sorted(&idx, "ville", Sort::Title),
        ["abeille", "dune", "ecole", "erable", "zoo"]
    );
    assert_eq!(
        sorted(&idx, "ville", Sort::Recent),
        ["abeille", "zoo", "erable", "dune", "ecole"]
    );
    assert_eq!(sorted(&idx, "ville", Sort::Relevance)[0], "dune");
    assert_eq!(
        sorted(&idx, "", Sort::Title),
        ["abeille", "dune", "ecole", "erable", "zoo"]
    );
    // Across segments too.
    idx.upsert(vec![dated("banane", "Banane en ville", "2019-01-01")], "c2");
    assert_eq!(
        sorted(&idx, "ville", Sort::Title),
        ["abeille", "banane", "dune", "ecole", "erable", "zoo"]
    );
    let page = idx
        .index
        .search(&SearchRequest {
            sort: Sort::Title,
            ..SearchRequest::new("ville").page(2, 2)
        })
        .unwrap();
    let ids: Vec<String> = page.hits.into_iter().map(|h| h.id).collect();
    assert_eq!(ids, ["dune", "ecole"]);
    assert_eq!(Sort::from_name("title"), Some(Sort::Title));
    assert_eq!(Sort::from_name("titre"), None);
}
