//! The French cases of the issue, on a real index.

use cdl_records::Kind;

use crate::util::{describe, index_of, record, software};

fn catalogue() -> crate::util::TestIndex {
    let mut seeds = record(
        Kind::SeedLot,
        "semence-tomate",
        "Semence de tomate",
        "LicenseRef-OSSI-Pledge",
    );
    seeds.summary = Some("Une semence paysanne.".to_owned());
    index_of(&[
        describe(
            software("facil-familles", "Facil'Familles"),
            "Le portail des démarches des familles parisiennes : cantine, crèche, activités périscolaires.",
        ),
        describe(
            software("ecole-numerique", "École numérique"),
            "Des outils libres pour l'école.",
        ),
        record(
            Kind::CulturalWork,
            "elephant",
            "L'éléphant du jardin des plantes",
            "CC0-1.0",
        ),
        describe(
            software("famille-agenda", "Agenda partagé"),
            "Un agenda pour la famille.",
        ),
        seeds,
        describe(
            software("eau-de-paris", "Qualité d'eau"),
            "La qualité de l'eau du robinet, par quartier.",
        ),
        describe(software("unrelated", "Tableur"), "Un tableur en ligne."),
    ])
}

#[test]
fn accents_are_folded() {
    let idx = catalogue();
    assert_eq!(idx.ids("elephant"), ["elephant"]);
    assert_eq!(idx.ids("ELEPHANT"), ["elephant"]);
    assert_eq!(idx.ids("éléphant"), ["elephant"]);
    assert_eq!(idx.ids("ecole")[0], "ecole-numerique");
    assert_eq!(idx.ids("École")[0], "ecole-numerique");
}

#[test]
fn elisions_are_split() {
    let idx = catalogue();
    assert_eq!(idx.ids("l'école")[0], "ecole-numerique");
    assert_eq!(idx.ids("l’éléphant"), ["elephant"]);
    assert_eq!(idx.ids("d'eau"), ["eau-de-paris"]);
    assert_eq!(idx.ids("eau"), ["eau-de-paris"]);
}

#[test]
fn stemming_joins_singular_and_plural() {
    let idx = catalogue();
    assert_eq!(idx.ids("semences"), ["semence-tomate"]);
    let familles = idx.ids("familles");
    assert!(
        familles.contains(&"famille-agenda".to_owned()),
        "{familles:?}"
    );
    assert!(
        familles.contains(&"facil-familles".to_owned()),
        "{familles:?}"
    );
}

#[test]
fn stop_words_do_not_drown_results() {
    let idx = catalogue();
    // "le", "de", "la", "des" appear everywhere: they must not make every
    // record match nor change which records match.
    assert_eq!(idx.ids("le tableur de la"), ["unrelated"]);
    assert_eq!(idx.search("le la les des").total, 0);
}

#[test]
fn one_typo_is_forgiven_in_long_words() {
    let idx = catalogue();
    assert_eq!(idx.ids("elephent"), ["elephant"], "one substitution");
    assert_eq!(idx.ids("tableru"), ["unrelated"], "one transposition");
    // Short words must match exactly: "eua" is not "eau".
    assert!(idx.ids("eua").is_empty());
}

#[test]
fn facil_familles_comes_first() {
    let idx = catalogue();
    assert_eq!(idx.ids("facil familles")[0], "facil-familles");
    assert_eq!(idx.ids("Facil'Familles")[0], "facil-familles");
    assert_eq!(idx.ids("facil")[0], "facil-familles");
}

#[test]
fn phrases_with_stop_words_and_ligatures() {
    let idx = index_of(&[
        record(
            Kind::SeedLot,
            "coeur",
            "Tomate Cœur de bœuf",
            "LicenseRef-OSSI-Pledge",
        ),
        record(
            Kind::SeedLot,
            "autre",
            "Bœuf, cœur et tomate",
            "LicenseRef-OSSI-Pledge",
        ),
    ]);
    assert_eq!(idx.ids("\"cœur de bœuf\""), ["coeur"]);
    assert_eq!(idx.ids("\"coeur de boeuf\""), ["coeur"]);
    assert_eq!(idx.ids("kind:seed-lot \"Coeur de Boeuf\""), ["coeur"]);
    assert_eq!(idx.search("coeur boeuf").total, 2);
}

#[test]
fn typos_are_forgiven_only_when_exact_words_find_few() {
    let mut records: Vec<_> = (0..60)
        .map(|i| software(&format!("tableur-{i}"), "Tableur"))
        .collect();
    records.push(software("tablleur", "Tablleur"));
    let idx = index_of(&records);
    // "tablleur" finds one record exactly: its one-typo neighbours are added.
    assert_eq!(idx.search("tablleur").total, 61);
    assert_eq!(idx.ids("tablleur")[0], "tablleur", "exact first");
    // "tableur" finds 60 records exactly: "tablleur" is not added.
    assert_eq!(idx.search("tableur").total, 60);
}
