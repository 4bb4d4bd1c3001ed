//! The bounds of the format: lists longer than allowed are refused with a
//! message naming the field and the maximum, the JSON Schema states the
//! same bounds, and a hostile record gets a short, capped list of problems.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cdl_records::{Code, MAX_DIAGNOSTICS, MAX_RECORD_BYTES, json_schema, limits, parse};

/// A TOML array of `n` items made by `item`.
fn array(n: usize, item: impl Fn(usize) -> String) -> String {
    let items: Vec<String> = (0..n).map(item).collect();
    format!("[{}]", items.join(", "))
}

fn text(prefix: &'static str) -> impl Fn(usize) -> String {
    move |i| format!("\"{prefix} {i}\"")
}

/// Every bounded list: (kind, table or "" for the common fields, field,
/// bound, how to write item i).
#[allow(clippy::type_complexity)]
fn lists() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    usize,
    Box<dyn Fn(usize) -> String>,
)> {
    let name = |i: usize| format!("{{ name = \"Nom {i}\" }}");
    let url = |i: usize| format!("{{ url = \"https://example.org/{i}\" }}");
    vec![
        ("software", "", "tags", limits::TAGS, Box::new(text("mot"))),
        (
            "software",
            "",
            "languages",
            limits::LANGUAGES,
            Box::new(|i| format!("\"fr-t{i}\"")),
        ),
        (
            "software",
            "",
            "links",
            limits::LINKS,
            Box::new(|i| format!("{{ url = \"https://example.org/{i}\", rel = \"other\" }}")),
        ),
        (
            "software",
            "",
            "contributors",
            limits::CONTRIBUTORS,
            Box::new(name),
        ),
        ("software", "", "sources", limits::SOURCES, Box::new(name)),
        (
            "software",
            "software",
            "programming_languages",
            limits::PROGRAMMING_LANGUAGES,
            Box::new(text("langage")),
        ),
        (
            "software",
            "software",
            "platforms",
            limits::PLATFORMS,
            Box::new(text("os")),
        ),
        (
            "software",
            "software",
            "used_by",
            limits::USED_BY,
            Box::new(name),
        ),
        (
            "software",
            "software",
            "replaces",
            limits::REPLACES,
            Box::new(text("produit")),
        ),
        (
            "software",
            "software",
            "dependencies",
            limits::DEPENDENCIES,
            Box::new(text("dependance")),
        ),
        (
            "cultural-work",
            "cultural-work",
            "creators",
            limits::CREATORS,
            Box::new(name),
        ),
        (
            "cultural-work",
            "cultural-work",
            "media",
            limits::MEDIA,
            Box::new(url),
        ),
        (
            "method",
            "method",
            "disciplines",
            limits::DISCIPLINES,
            Box::new(text("discipline")),
        ),
        (
            "method",
            "method",
            "materials",
            limits::MATERIALS,
            Box::new(text("outil")),
        ),
        (
            "method",
            "method",
            "steps",
            limits::STEPS,
            Box::new(text("étape")),
        ),
        (
            "method",
            "method",
            "references",
            limits::REFERENCES,
            Box::new(|i| format!("{{ citation = \"Article {i}\" }}")),
        ),
        (
            "dataset",
            "dataset",
            "formats",
            limits::FORMATS,
            Box::new(text("format")),
        ),
        (
            "dataset",
            "dataset",
            "distributions",
            limits::DISTRIBUTIONS,
            Box::new(url),
        ),
        (
            "ferment-lot",
            "ferment-lot",
            "species",
            limits::FERMENT_SPECIES,
            Box::new(text("espèce")),
        ),
    ]
}

fn record(kind: &str, table: &str, field: &str, value: &str) -> String {
    let mut s = format!("id = \"x\"\nkind = \"{kind}\"\ntitle = \"T\"\nlicense = \"CC0-1.0\"\n");
    if table.is_empty() {
        s.push_str(&format!("{field} = {value}\n"));
    }
    if kind == "ferment-lot" || !table.is_empty() {
        s.push_str(&format!("[{kind}]\n"));
    }
    if kind == "ferment-lot" {
        s.push_str("organism = \"levain\"\nquantity = 1\nunit = \"portions\"\n");
    }
    if !table.is_empty() {
        s.push_str(&format!("{field} = {value}\n"));
    }
    s
}

#[test]
fn every_list_over_its_bound_is_refused_naming_the_field_and_the_maximum() {
    for (kind, table, field, max, item) in lists() {
        let path = if table.is_empty() {
            field.to_owned()
        } else {
            format!("{table}.{field}")
        };
        let at_max = record(kind, table, field, &array(max, &item));
        assert!(
            parse(&at_max, None).is_ok(),
            "{path}: {max} items are allowed: {}",
            parse(&at_max, None).unwrap_err()
        );
        let over = record(kind, table, field, &array(max + 1, &item));
        let err = parse(&over, None).expect_err(&path);
        assert_eq!(err.diagnostics.len(), 1, "{path}: {err}");
        let d = &err.diagnostics[0];
        assert_eq!(d.code, Code::InvalidValue);
        assert_eq!(
            d.message,
            format!(
                "`{path}` has {} items, more than the {max} allowed",
                max + 1
            ),
        );
        assert!(d.line.is_some(), "{path}: the problem is placed");
    }
}

#[test]
fn too_many_translations_are_refused() {
    let mut s = String::from("id = \"x\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\n");
    for i in 0..=limits::TRANSLATIONS {
        s.push_str(&format!("[translations.en-t{i}]\ntitle = \"T {i}\"\n"));
    }
    let err = parse(&s, None).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    assert_eq!(
        err.diagnostics[0].message,
        format!(
            "`translations` has {} items, more than the {} allowed",
            limits::TRANSLATIONS + 1,
            limits::TRANSLATIONS
        )
    );
}

#[test]
fn the_schema_states_every_bound() {
    let schema = json_schema();
    let definitions = &schema["definitions"];
    for (_, table, field, max, _) in lists() {
        let owner = if table.is_empty() {
            &schema
        } else {
            let name = match table {
                "software" => "Software",
                "cultural-work" => "CulturalWork",
                "method" => "Method",
                "dataset" => "Dataset",
                _ => "FermentLot",
            };
            &definitions[name]
        };
        assert_eq!(
            owner["properties"][field]["maxItems"],
            serde_json::json!(max),
            "{table}.{field}"
        );
    }
    assert_eq!(
        schema["properties"]["translations"]["maxProperties"],
        serde_json::json!(limits::TRANSLATIONS)
    );
}

/// The record of the outside review: 262 KB, a `tags` array of tens of
/// thousands of empty strings.
fn empty_tags() -> (String, usize) {
    let head = "id = \"x\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\ntags = [";
    let n = (MAX_RECORD_BYTES - head.len() - 2) / 3;
    let mut s = String::from(head);
    for _ in 0..n {
        s.push_str("\"\",");
    }
    s.push_str("]\n");
    assert!(s.len() <= MAX_RECORD_BYTES);
    (s, n)
}

#[test]
fn a_flood_of_problems_is_cut_with_a_count_of_the_rest() {
    let (source, n) = empty_tags();
    assert!(n > 80_000);
    let err = parse(&source, None).unwrap_err();
    let d = &err.diagnostics;
    assert_eq!(d.len(), MAX_DIAGNOSTICS + 1, "capped, plus the count");
    assert_eq!(
        d[0].message,
        format!(
            "`tags` has {n} items, more than the {} allowed",
            limits::TAGS
        )
    );
    // Only the allowed tags are looked at: each is empty, each but the
    // first a duplicate.
    let found = 1 + limits::TAGS + (limits::TAGS - 1);
    let last = d.last().unwrap();
    assert_eq!(last.code, Code::MoreErrors);
    assert_eq!(last.more, Some(found - MAX_DIAGNOSTICS));
    assert_eq!(err.more(), found - MAX_DIAGNOSTICS);
    assert_eq!(
        last.message,
        format!(
            "{} more problem(s) not shown: only the first {MAX_DIAGNOSTICS} are listed",
            found - MAX_DIAGNOSTICS
        )
    );
    let json = serde_json::to_string(&err.diagnostics).unwrap();
    assert!(json.len() < 64 * 1024, "{} bytes", json.len());
    assert!(json.contains("\"code\":\"more-errors\""));
    assert!(err.to_string().contains("error[more-errors]: "));
}

#[test]
fn problems_stay_in_file_order_under_the_cap() {
    // Sixty bad tags, one per line: the first fifty are listed, by line.
    let mut s = String::from("id = \"x\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\n");
    s.push_str("summary = \" s\"\n[software]\nplatforms = [\n");
    for _ in 0..limits::PLATFORMS {
        s.push_str("  \" \",\n");
    }
    s.push_str("]\n");
    let err = parse(&s, None).unwrap_err();
    let lines: Vec<usize> = err.diagnostics.iter().filter_map(|d| d.line).collect();
    assert_eq!(lines[0], 5, "the summary comes first");
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    assert_eq!(err.diagnostics.len(), MAX_DIAGNOSTICS + 1);
}
