//! The demo catalogue shipped in the binary.

use std::collections::BTreeMap;

use cdl_records::Kind;

use crate::util::Result;

#[test]
fn the_embedded_samples_cover_every_kind_with_300_records() {
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, _) in cdl_web::demo::SAMPLES {
        *per_kind.entry(name.split('/').next().unwrap()).or_default() += 1;
    }
    assert!(cdl_web::demo::SAMPLES.len() >= 300, "{per_kind:?}");
    // The demo stays light enough to create in a few seconds.
    assert!(cdl_web::demo::SAMPLES.len() < 600, "{per_kind:?}");
    for kind in Kind::ALL {
        assert!(
            per_kind.get(kind.as_str()).is_some_and(|n| *n > 0),
            "{kind}: {per_kind:?}"
        );
    }
    assert!(
        cdl_web::demo::SOURCES.contains("Licence") || cdl_web::demo::SOURCES.contains("licence")
    );
}

#[test]
fn the_demo_registry_is_created_once() -> Result {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("demo");
    let (registry, prepared) = cdl_web::demo::prepare(&path)?;
    let cdl_web::demo::Prepared::Created { records, skipped } = prepared else {
        panic!("expected a new registry");
    };
    assert_eq!(skipped, 0, "every sample is valid and certified");
    assert_eq!(records, cdl_web::demo::SAMPLES.len());
    let snapshot = registry.snapshot(None)?;
    assert_eq!(snapshot.records.len(), records);
    let main = registry.main()?;
    drop(registry);
    let (again, prepared) = cdl_web::demo::prepare(&path)?;
    assert_eq!(prepared, cdl_web::demo::Prepared::Existing);
    assert_eq!(again.main()?, main, "nothing written the second time");
    Ok(())
}

/// The parsed samples of one kind.
fn samples_of(kind: Kind) -> Vec<cdl_records::Record> {
    cdl_web::demo::SAMPLES
        .iter()
        .filter(|(name, _)| name.split('/').next() == Some(kind.as_str()))
        .map(|(name, text)| {
            cdl_records::parse(text, None).unwrap_or_else(|e| panic!("{name}: {e:?}"))
        })
        .collect()
}

#[test]
fn the_demo_speaks_of_paris() {
    use cdl_records::Details;
    // The City's own software, with the City among its users.
    let software = samples_of(Kind::Software);
    let used_by_paris = software
        .iter()
        .filter(|r| match &r.details {
            Details::Software(s) => s.used_by.iter().any(|o| o.name == "Ville de Paris"),
            _ => false,
        })
        .count();
    assert!(
        used_by_paris >= 15,
        "{used_by_paris} software records used by the Ville de Paris"
    );
    assert!(
        software
            .iter()
            .any(|r| r.id.as_str() == "gru-module-ticketing-facilfamilles")
    );
    // The DansMaRue mobile apps state no licence: never in the catalogue.
    assert!(
        software
            .iter()
            .all(|r| !r.id.as_str().contains("mobileapp")),
        "a record claims a licence for a DansMaRue mobile app"
    );
    // The City's benefit rules are methods, in French.
    let rules: Vec<_> = samples_of(Kind::Method)
        .into_iter()
        .filter(|r| r.tags.iter().any(|t| t == "Ville de Paris"))
        .collect();
    assert!(rules.len() >= 10, "{} Paris methods", rules.len());
    assert!(
        rules
            .iter()
            .all(|r| r.title_lang.is_none() && r.license == "AGPL-3.0-only")
    );
    // Trees, libraries and culture datasets of Paris.
    let datasets = samples_of(Kind::Dataset);
    let ids: Vec<&str> = datasets.iter().map(|r| r.id.as_str()).collect();
    for id in [
        "paris-arbres-remarquables",
        "bibliotheques-des-collectivites-territoriales",
    ] {
        assert!(ids.contains(&id), "{id} missing: {ids:?}");
    }
    let paris_datasets = datasets
        .iter()
        .filter(|r| r.tags.iter().any(|t| t == "Paris"))
        .count();
    assert!(paris_datasets >= 8, "{paris_datasets} Paris datasets");
    // Every seed and ferment lot is exchanged at a Paris library, spread over many of them.
    let mut points = std::collections::BTreeSet::new();
    for kind in [Kind::SeedLot, Kind::FermentLot] {
        for r in samples_of(kind) {
            let point = match &r.details {
                Details::SeedLot(s) => s.exchange_point.clone(),
                Details::FermentLot(f) => f.exchange_point.clone(),
                _ => None,
            }
            .unwrap_or_default();
            assert!(
                (point.starts_with("Bibliothèque") || point.starts_with("Médiathèque"))
                    && point.contains(", Paris "),
                "{}: {point}",
                r.id
            );
            points.insert(point);
        }
    }
    assert!(points.len() >= 40, "only {} exchange points", points.len());
}

#[test]
fn english_titles_of_the_demo_say_their_language() {
    // Museum titles and protocol titles are English: the pages must mark them (RGAA 8.7).
    for kind in [Kind::CulturalWork, Kind::Method] {
        for r in samples_of(kind) {
            let id = r.id.as_str();
            if id.starts_with("tate-")
                || id.starts_with("cleveland-")
                || id.starts_with("protocole-")
            {
                assert_eq!(
                    r.title_lang.as_ref().map(|l| l.as_str()),
                    Some("en"),
                    "{id}"
                );
            }
        }
    }
    // A French title carries no language.
    let lots = samples_of(Kind::SeedLot);
    assert!(lots.iter().all(|r| r.title_lang.is_none()));
}
