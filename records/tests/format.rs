//! The record format end to end: every kind parses, round-trips to the same
//! canonical text, and bad input gives located errors — never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use cdl_records::{Code, Kind, Record, parse, to_toml};
use proptest::prelude::*;

/// One full record per kind, using most fields.
fn full(kind: Kind) -> String {
    let common = format!(
        r#"format = 1
id = "exemple-{kind}"
kind = "{kind}"
title = "Exemple : l'école et l'éléphant"
license = "{license}"
summary = "Un résumé d'une ligne, avec des « guillemets » et des \"quotes\"."
description = """
Premier paragraphe, avec un antislash \\ et des accents : é à ç œ.

Second paragraphe."""
tags = [
    "école",
    "famille",
]
languages = [
    "fr",
    "en",
]
created = "2015-09-01"
updated = "2024-05-31"
wikidata = "Q90"

[[links]]
url = "https://example.org/page?x=1&y=2"
rel = "homepage"
title = "Page d'accueil"

[[contributors]]
name = "Ville de Paris"
role = "publisher"
url = "https://www.paris.fr/"

[[sources]]
name = "Jeu d'essai"
url = "https://example.org/source"
license = "CC0-1.0"

[translations.en]
title = "Example: the school and the elephant"
summary = "A one-line summary."
"#,
        license = match kind {
            Kind::Software => "AGPL-3.0-or-later",
            Kind::CulturalWork | Kind::Method => "CC-BY-SA-4.0",
            Kind::Dataset => "etalab-2.0",
            Kind::SeedLot => "LicenseRef-OSSI-Pledge",
            Kind::FermentLot => "LicenseRef-OpenMTA",
        }
    );
    let details = match kind {
        Kind::Software => {
            r#"
[software]
repository = "https://example.org/facil"
swhid = "swh:1:rev:309cf2674ee7a0749978cf8265ab91a60aea0f7d"
version = "2.4.1"
released = "2024-03-01"
programming_languages = [
    "Java",
    "TypeScript",
]
platforms = ["web"]
maintenance = "internal"
development_status = "stable"
replaces = ["Microsoft Office"]
logo = "https://example.org/facil/logo.svg"
dependencies = [
    "PostgreSQL >=12",
    "Redis (facultatif)",
]
sill_id = 42

[[software.used_by]]
name = "Ville de Paris"
url = "https://www.paris.fr/"
"#
        }
        Kind::CulturalWork => {
            r#"
[cultural-work]
form = "painting"
period = "vers 1840"
year = 1840
medium = "Huile sur toile"
dimensions = "91 × 122 cm"
accession_number = "N00530"
rights_status = "public-domain"

[[cultural-work.creators]]
name = "Joseph Mallord William Turner"
role = "artist"
born = 1775
died = 1851

[cultural-work.holding_institution]
name = "Tate"
url = "https://www.tate.org.uk/"

[[cultural-work.media]]
url = "https://example.org/image.jpg"
media_type = "image/jpeg"
alt = "Un navire dans la tempête"
credit = "Photo : Tate"
license = "CC0-1.0"
"#
        }
        Kind::Method => {
            r#"
[method]
disciplines = ["biologie moléculaire"]
doi = "10.17504/protocols.io.bp2l6x8"
version = "3"
materials = [
    "pipette",
    "tampon TE",
]
steps = [
    "Préparer le tampon.",
    """
Centrifuger 5 min.
Jeter le surnageant.""",
]

[[method.references]]
citation = "Dupont et al. (2020)"
doi = "10.5281/zenodo.123456"
"#
        }
        Kind::Dataset => {
            r#"
[dataset]
doi = "10.5281/zenodo.47394"
formats = [
    "CSV",
    "GeoJSON",
]
update_frequency = "monthly"
spatial_coverage = "Paris"
temporal_start = "2010-01-01"
temporal_end = "2024-12-31"

[dataset.publisher]
name = "Ville de Paris"

[[dataset.distributions]]
url = "https://opendata.paris.fr/export.csv"
format = "CSV"
media_type = "text/csv"
title = "Export complet"
size = 1048576
"#
        }
        Kind::SeedLot => {
            r#"
[seed-lot]
species = "Solanum lycopersicum"
variety = "Cœur de bœuf"
common_name = "tomate"
harvest_year = 2025
quantity = 250
unit = "seeds"
germination_rate = 92
germination_tested = "2026-02-01"
reproduction = "self-pollinated"
origin = "Île-de-France"
exchange_point = "Maison du jardinage, Paris 12e"
parent_lot = "tomate-coeur-de-boeuf-2024"
"#
        }
        Kind::FermentLot => {
            r#"
[ferment-lot]
organism = "levain de seigle"
species = [
    "Saccharomyces cerevisiae",
    "Lactobacillus sanfranciscensis",
]
origin = "Boulangerie associative, Paris 20e"
substrate = "farine de seigle"
quantity = 50.5
unit = "grams"
state = "active"
viable_until = "2026-12-31"
care = """
Nourrir chaque semaine :
une part de farine, une part d'eau."""
exchange_point = "Grainothèque, Paris 20e"
parent_lot = "levain-seigle-mere"
"#
        }
    };
    format!("{common}{details}")
}

fn path_of(kind: Kind) -> String {
    format!("records/{kind}/exemple-{kind}.toml")
}

#[test]
fn every_kind_parses_and_round_trips_canonically() {
    for kind in Kind::ALL {
        let source = full(kind);
        let record = parse(&source, Some(Path::new(&path_of(kind))))
            .unwrap_or_else(|e| panic!("{kind}:\n{e}"));
        assert_eq!(record.kind(), kind);
        assert_eq!(record.path(), path_of(kind));
        let written = to_toml(&record);
        let again = parse(&written, None).unwrap_or_else(|e| panic!("{kind}:\n{e}\n{written}"));
        assert_eq!(again, record, "{kind}: the written record differs");
        assert_eq!(to_toml(&again), written, "{kind}: writing is not stable");
    }
}

#[test]
fn canonical_text_is_the_fixture_itself() {
    // The dataset fixture is written in canonical form, apart from its
    // texts with quotes and backslashes, for which the writer picks the
    // string style that needs no escapes.
    let source = full(Kind::Dataset)
        .replace(
            r#"des « guillemets » et des \"quotes\"."#,
            "des « guillemets ».",
        )
        .replace(r#"un antislash \\ et"#, "un tiret et");
    let record = parse(&source, None).unwrap();
    assert_eq!(to_toml(&record), source);
    let quoted = to_toml(&parse(&full(Kind::Dataset), None).unwrap());
    assert!(
        quoted.contains(
            r#"summary = """Un résumé d'une ligne, avec des « guillemets » et des "quotes".""""#
        ),
        "{quoted}"
    );
    assert!(
        quoted.contains("description = '''\nPremier paragraphe, avec un antislash \\ et"),
        "{quoted}"
    );
}

#[test]
fn changing_one_field_changes_one_line() {
    let mut record = parse(&full(Kind::SeedLot), None).unwrap();
    let before = to_toml(&record);
    if let cdl_records::Details::SeedLot(lot) = &mut record.details {
        lot.germination_rate = Some(88);
    }
    let after = to_toml(&record);
    let changed: Vec<_> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        vec![("germination_rate = 92", "germination_rate = 88")]
    );
    assert_eq!(before.lines().count(), after.lines().count());
}

#[test]
fn minimal_records_omit_empty_fields() {
    let source = "format = 1\nid = \"x\"\nkind = \"software\"\ntitle = \"X\"\nlicense = \"MIT\"\n";
    let record = parse(source, None).unwrap();
    assert_eq!(to_toml(&record), source);
    // An empty optional table is dropped: a canonical record has no noise.
    let with_table = format!("{source}\n[software]\n");
    assert_eq!(to_toml(&parse(&with_table, None).unwrap()), source);
    // `format` defaults to 1.
    let without = source.replacen("format = 1\n", "", 1);
    assert_eq!(to_toml(&parse(&without, None).unwrap()), source);
}

#[test]
fn the_language_of_a_title_is_kept_and_checked() {
    let source = "format = 1\nid = \"summer\"\nkind = \"cultural-work\"\ntitle = \"Summer\"\ntitle_lang = \"en\"\nlicense = \"CC0-1.0\"\n";
    let record = parse(source, None).unwrap();
    assert_eq!(record.title_lang.as_ref().map(|l| l.as_str()), Some("en"));
    assert_eq!(to_toml(&record), source);
    // Old records without the field stay valid, their title French.
    let old = source.replace("title_lang = \"en\"\n", "");
    assert_eq!(parse(&old, None).unwrap().title_lang, None);
    // A tag that is not one is refused at its line.
    let bad = errors(
        &source.replace("\"en\"", "\"anglais!\""),
        "records/cultural-work/summer.toml",
    );
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].1, 5, "{bad:?}");
}

#[test]
fn skeletons_are_valid_for_every_kind() {
    for kind in Kind::ALL {
        let record = Record::skeleton(kind, "x".parse().unwrap(), "Titre".into(), "MIT".into());
        cdl_records::validate(&record).unwrap();
        let text = to_toml(&record);
        assert_eq!(parse(&text, None).unwrap(), record);
    }
}

/// Parses `source` expecting failure, and returns (code, line, column,
/// message, help) of each diagnostic.
fn errors(source: &str, path: &str) -> Vec<(Code, usize, usize, String, Option<String>)> {
    let err = parse(source, Some(Path::new(path))).expect_err("should be refused");
    // Every diagnostic renders with the file name and position.
    let shown = err.to_string();
    assert!(shown.contains(path), "{shown}");
    err.diagnostics
        .into_iter()
        .map(|d| {
            (
                d.code,
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.message,
                d.help,
            )
        })
        .collect()
}

const HEAD: &str = "id = \"x\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\n";
const P: &str = "records/software/x.toml";

#[test]
fn unknown_field_is_located_with_a_suggestion() {
    let e = errors(&format!("{HEAD}summry = \"s\"\n"), P);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].0, e[0].1, e[0].2), (Code::UnknownField, 5, 1));
    assert_eq!(e[0].3, "unknown field `summry`");
    assert_eq!(e[0].4.as_deref(), Some("did you mean `summary`?"));
    let e = errors(&format!("{HEAD}[software]\nrepo = \"https://x.org\"\n"), P);
    assert_eq!((e[0].0, e[0].1), (Code::UnknownField, 6));
    assert_eq!(e[0].4.as_deref(), Some("did you mean `repository`?"));
}

#[test]
fn wrong_types_missing_fields_and_bad_values() {
    let e = errors(
        "id = \"x\"\nkind = \"software\"\ntitle = 3\nlicense = \"MIT\"\n",
        P,
    );
    assert_eq!((e[0].0, e[0].1, e[0].2), (Code::WrongType, 3, 9));
    let e = errors("id = \"x\"\nkind = \"software\"\ntitle = \"T\"\n", P);
    assert_eq!(e[0].0, Code::MissingField);
    assert!(e[0].3.contains("license"));
    let e = errors(&format!("{HEAD}created = \"2024-02-30\"\n"), P);
    assert_eq!((e[0].0, e[0].1, e[0].2), (Code::InvalidValue, 5, 11));
    assert!(e[0].3.contains("day 30 does not exist"), "{}", e[0].3);
    let e = errors(&format!("{HEAD}created = 2024-02-30\n"), P);
    assert_eq!((e[0].1, e[0].2), (5, 11));
    let e = errors(
        &format!("{HEAD}[[links]]\nurl = \"javascript:alert(1)\"\nrel = \"homepage\"\n"),
        P,
    );
    assert_eq!((e[0].0, e[0].1, e[0].2), (Code::InvalidValue, 6, 7));
    let e = errors(
        &format!("{HEAD}[[links]]\nurl = \"https://x.org\"\nrel = \"home\"\n"),
        P,
    );
    assert_eq!((e[0].0, e[0].1), (Code::InvalidValue, 7));
    assert!(e[0].3.contains("unknown variant"), "{}", e[0].3);
    let e = errors(&format!("{HEAD}[software]\nswhid = \"swh:1:rev:abc\"\n"), P);
    assert_eq!((e[0].0, e[0].1, e[0].2), (Code::InvalidValue, 6, 9));
    let e = errors(&format!("{HEAD}format = 2\n"), P);
    assert_eq!((e[0].0, e[0].1), (Code::InvalidValue, 5));
}

#[test]
fn syntax_errors_are_located() {
    let e = errors("id = \"x\"\nkind = \"software\ntitle = \"T\"\n", P);
    assert_eq!((e[0].0, e[0].1), (Code::Syntax, 2));
    let e = errors(&format!("{HEAD}title = \"again\"\n"), P);
    assert_eq!((e[0].0, e[0].1), (Code::Syntax, 5));
    let e = errors("\u{feff}id = = \"x\"\n", P);
    assert_eq!(e[0].0, Code::Syntax);
}

#[test]
fn ids_and_places_are_checked() {
    let e = errors(HEAD, "records/software/y.toml");
    assert_eq!((e[0].0, e[0].1, e[0].2), (Code::WrongPlace, 1, 6));
    assert_eq!(
        e[0].4.as_deref(),
        Some("name the file `x.toml`, or change the id")
    );
    let e = errors(HEAD, "records/dataset/x.toml");
    assert_eq!((e[0].0, e[0].1), (Code::WrongPlace, 2));
    for bad in ["../x", "X", "a/b", "a..b", "a\\u0000b", &"a".repeat(81)] {
        let source = HEAD.replacen("\"x\"", &format!("\"{bad}\""), 1);
        let e = errors(&source, P);
        assert_eq!((e[0].0, e[0].1), (Code::InvalidValue, 1), "{bad}");
    }
    // Outside a kind folder, only the file name is checked.
    assert!(parse(HEAD, Some(Path::new("elsewhere/x.toml"))).is_ok());
    assert!(parse(HEAD, Some(Path::new("x.json"))).is_err());
}

#[test]
fn kind_tables_must_match_the_kind() {
    let e = errors(&format!("{HEAD}[dataset]\nformats = [\"CSV\"]\n"), P);
    assert_eq!((e[0].0, e[0].1), (Code::KindTable, 5));
    let seed = HEAD.replace("software", "seed-lot");
    let e = errors(&seed, "records/seed-lot/x.toml");
    assert_eq!(e[0].0, Code::KindTable);
    assert!(e[0].4.as_deref().unwrap().contains("species"));
}

#[test]
fn rules_report_every_problem_in_file_order() {
    let source = format!(
        "{HEAD}summary = \"deux\\nlignes\"\ntags = [\"a\", \"A\"]\ncreated = \"2024-01-02\"\nupdated = \"2024-01-01\"\n"
    )
    .replace("title = \"T\"", "title = \" T\"");
    let e = errors(&source, P);
    let lines: Vec<usize> = e.iter().map(|x| x.1).collect();
    assert_eq!(lines, vec![3, 5, 6, 8], "{e:?}");
    assert!(e.iter().all(|x| x.0 == Code::InvalidValue));
}

#[test]
fn lots_are_checked() {
    let lot = full(Kind::SeedLot);
    let p = "records/seed-lot/exemple-seed-lot.toml";
    let e = errors(
        &lot.replace("germination_rate = 92", "germination_rate = 120"),
        p,
    );
    assert!(e[0].3.contains("120%"));
    let e = errors(&lot.replace("quantity = 250", "quantity = -3"), p);
    assert_eq!(e[0].0, Code::InvalidValue);
    let e = errors(
        &lot.replace("harvest_year = 2025", "harvest_year = 1066"),
        p,
    );
    assert!(e[0].3.contains("1066"));
    let e = errors(
        &lot.replace("tomate-coeur-de-boeuf-2024", "exemple-seed-lot"),
        p,
    );
    assert!(e[0].3.contains("own parent"));
    let e = errors(&lot.replace("unit = \"seeds\"", "unit = \"handfuls\""), p);
    assert!(e[0].3.contains("unknown variant"));
}

#[test]
fn hostile_inputs_are_refused_cleanly() {
    // Too large.
    let huge = format!("{HEAD}description = \"{}\"\n", "a".repeat(300 * 1024));
    assert_eq!(errors(&huge, P)[0].0, Code::TooLarge);
    // Long but under the byte limit: a length error on the field.
    let long = format!("{HEAD}description = \"{}\"\n", "é".repeat(30_000));
    assert_eq!(errors(&long, P)[0].0, Code::InvalidValue);
    // Deeply nested arrays and inline tables.
    for deep in [
        format!(
            "{HEAD}tags = {}{}\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
        format!(
            "{HEAD}x = {}1{}\n",
            "{a=".repeat(20_000),
            "}".repeat(20_000)
        ),
        format!("{HEAD}[a.{}c]\n", "b.".repeat(40_000)),
    ] {
        assert!(parse(&deep, Some(Path::new(P))).is_err());
    }
    // Many lines, control characters, bidi overrides, NUL.
    let many = format!("{HEAD}{}", "# comment\n".repeat(20_000));
    assert!(parse(&many, None).is_ok());
    for bad in ["\u{202e}txt.exe", "a\u{0}b", "a\u{7}b"] {
        let source = HEAD.replace("title = \"T\"", &format!("title = {:?}", bad));
        assert!(parse(&source, None).is_err(), "{bad:?}");
    }
    // Every byte prefix of a valid record fails or succeeds without panic.
    let source = full(Kind::Method);
    for end in (0..source.len()).filter(|&i| source.is_char_boundary(i)) {
        let _ = parse(&source[..end], Some(Path::new(P)));
    }
}

fn text() -> impl Strategy<Value = String> {
    // Printable text with the characters that stress TOML escaping.
    proptest::string::string_regex("[a-zA-Zéà œ«»'\"\\\\#=\\[\\]{}.,:;!?0-9-]{1,60}")
        .unwrap()
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not blank", |s| !s.is_empty())
}

fn short_text() -> impl Strategy<Value = String> {
    text()
        .prop_map(|s| s.chars().take(40).collect::<String>().trim().to_owned())
        .prop_filter("not blank", |s| !s.is_empty())
}

fn paragraph() -> impl Strategy<Value = String> {
    proptest::collection::vec(text(), 1..4).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
    ))]

    /// Whatever the bytes, the parser answers without panicking.
    #[test]
    fn arbitrary_input_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text, Some(Path::new(P)));
    }

    /// Mutations of a valid record never panic, and any accepted mutation
    /// round-trips canonically.
    #[test]
    fn mutated_records_never_panic(kind_index in 0usize..6, edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8)) {
        let kind = Kind::ALL[kind_index];
        let mut bytes = full(kind).into_bytes();
        for (pos, byte, op) in edits {
            let pos = pos % (bytes.len() + 1);
            match op {
                0 => bytes.insert(pos, byte),
                1 if pos < bytes.len() => { bytes.remove(pos); }
                _ if pos < bytes.len() => bytes[pos] = byte,
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(record) = parse(&text, None) {
            let written = to_toml(&record);
            prop_assert_eq!(parse(&written, None).unwrap(), record);
        }
    }

    /// Records with arbitrary texts are written so that they read back equal.
    #[test]
    fn written_texts_read_back(title in text(), summary in text(), description in paragraph(), tag in short_text()) {
        let mut record = parse(&full(Kind::Software), None).unwrap();
        record.title = title;
        record.summary = Some(summary);
        record.description = Some(description);
        record.tags = vec![tag];
        let written = to_toml(&record);
        prop_assert_eq!(parse(&written, None).unwrap(), record);
    }
}

/// Rules that need today's date: given by the caller, never read from a
/// clock by the format.
#[test]
fn lots_from_the_future_are_refused_when_today_is_known() {
    use cdl_records::values::Date;
    use cdl_records::vocabulary::Lang;
    use cdl_records::{Context, parse_checked, validate_checked};
    let lot = full(Kind::SeedLot);
    let today = Context::on(Date::new(2026, 3, 1).unwrap());
    // The fixture (harvest 2025, tested 2026-02-01) is fine on 2026-03-01.
    parse_checked(&lot, None, &today).unwrap();
    let future = lot.replace("harvest_year = 2025", "harvest_year = 2027");
    // Without a date, the format cannot tell.
    assert!(parse(&future, None).is_ok());
    let e = parse_checked(&future, None, &today).unwrap_err();
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    let d = &e.diagnostics[0];
    assert_eq!(d.code, Code::InvalidValue);
    assert!(d.message.contains("2027 is after this year (2026)"), "{d}");
    assert!(
        d.message_in(Lang::Fr).contains("après l’année en cours"),
        "{d}"
    );
    assert_eq!(
        d.line,
        Some(
            future
                .lines()
                .position(|l| l.starts_with("harvest_year"))
                .unwrap()
                + 1
        )
    );
    let tested = lot.replace("2026-02-01", "2026-03-02");
    let e = parse_checked(&tested, None, &today).unwrap_err();
    assert!(
        e.diagnostics[0]
            .message_in(Lang::Fr)
            .contains("dans le futur"),
        "{e}"
    );
    // Both at once, and in memory with the field's path.
    let both = parse(&future.replace("2026-02-01", "2026-03-02"), None).unwrap();
    let e = validate_checked(&both, &today).unwrap_err();
    let fields: Vec<_> = e.diagnostics.iter().map(|d| d.field.as_deref()).collect();
    assert_eq!(
        fields,
        [
            Some("seed-lot.harvest_year"),
            Some("seed-lot.germination_tested")
        ]
    );
    assert!(e.to_string().contains("--> seed-lot.harvest_year"), "{e}");
}

#[test]
fn a_quantity_of_zero_is_refused_in_both_languages() {
    use cdl_records::vocabulary::Lang;
    for kind in [Kind::SeedLot, Kind::FermentLot] {
        let lot = full(kind)
            .replace("quantity = 250", "quantity = 0")
            .replace("quantity = 50.5", "quantity = 0");
        let e = parse(&lot, None).unwrap_err();
        let d = &e.diagnostics[0];
        assert!(d.message.contains("greater than 0"), "{kind}: {d}");
        assert!(
            d.message_in(Lang::Fr).contains("plus grand que 0"),
            "{kind}: {d}"
        );
    }
}
