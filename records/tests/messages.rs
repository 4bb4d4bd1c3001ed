//! Every diagnostic of the format exists in French and English: French
//! messages carry no English sentence, whatever the mistake.
#![allow(clippy::unwrap_used)]

use cdl_records::vocabulary::Lang;
use cdl_records::{Diagnostic, parse};

const BASE: &str = "id = \"essai\"\nkind = \"software\"\ntitle = \"Essai\"\nlicense = \"MIT\"\n";

/// Records with one or several mistakes each, of every sort the parser
/// and the rules report.
fn bad_records() -> Vec<String> {
    let seed = "id = \"lot\"\nkind = \"seed-lot\"\ntitle = \"Lot\"\nlicense = \"LicenseRef-OSSI-Pledge\"\n";
    vec![
        format!("{BASE}summry = \"x\"\n"),
        "id = \"essai\"\nkind = \"software\"\n".to_owned(),
        format!("{BASE}languages = [\"français\"]\n"),
        format!("{BASE}tags = [\"a\", \"a\"]\n"),
        format!("{BASE}summary = \" espaces \"\n"),
        format!("{BASE}created = \"2024-13-01\"\n"),
        format!("{BASE}created = \"hier\"\n"),
        format!("{BASE}wikidata = \"Paris\"\n"),
        format!("{BASE}[[links]]\nurl = \"ftp://example.org\"\n"),
        format!("{BASE}[[links]]\nurl = \"https://u:p@example.org/\"\n"),
        format!("{BASE}[[links]]\nurl = \"https://example.org/\"\nrel = \"blog\"\n"),
        format!("{BASE}[software]\nswhid = \"swh:2:rev:abc\"\n"),
        format!("{BASE}[software]\nversion = 3\n"),
        format!("{BASE}[dataset]\n"),
        "id = \"Mauvais Id\"\nkind = \"software\"\ntitle = \"Essai\"\nlicense = \"MIT\"\n"
            .to_owned(),
        "id = \"essai\"\nkind = \"logiciel\"\ntitle = \"Essai\"\nlicense = \"MIT\"\n".to_owned(),
        "id = \"essai\"\nkind = \"software\"\ntitle = \"\"\nlicense = \"MIT\"\n".to_owned(),
        "id = \"essai\"\nkind = \"software\"\ntitle = Essai\n".to_owned(),
        "format = 9\nid = \"essai\"\nkind = \"software\"\ntitle = \"Essai\"\nlicense = \"MIT\"\n"
            .to_owned(),
        format!(
            "{seed}[seed-lot]\nspecies = \"Solanum\"\nharvest_year = 1800\nquantity = 0\nunit = \"seeds\"\n"
        ),
        format!(
            "{seed}[seed-lot]\nspecies = \"Solanum\"\nharvest_year = 2024\nquantity = 10\nunit = \"bags\"\n"
        ),
        format!(
            "{seed}[seed-lot]\nspecies = \"Solanum\"\nharvest_year = 2024\nquantity = 10\nunit = \"seeds\"\ngermination_rate = 120\nparent_lot = \"lot\"\n"
        ),
        format!("{seed}"),
    ]
}

/// Words that give away an English sentence in a French message.
const ENGLISH: &[&str] = &[
    " the ",
    "The ",
    " is ",
    " must ",
    " field",
    " value",
    " expected",
    "invalid",
    " not ",
    " with ",
    " write ",
    " should ",
    " more than",
    " allowed",
    " use ",
];

fn french_leaks(d: &Diagnostic) -> Option<String> {
    let mut texts = vec![d.message_in(Lang::Fr).to_owned()];
    texts.extend(d.help_in(Lang::Fr).map(str::to_owned));
    for text in texts {
        // Quoted values are the record's own content, not our words.
        let ours: String = text
            .split(['«', '»', '`'])
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ");
        let padded = format!(" {ours} ");
        if let Some(word) = ENGLISH.iter().find(|w| padded.contains(*w)) {
            return Some(format!("{word:?} in {text:?}"));
        }
    }
    None
}

#[test]
fn every_diagnostic_is_told_in_french_too() {
    let mut seen = 0;
    for text in bad_records() {
        let error = parse(&text, None).expect_err(&text);
        for d in &error.diagnostics {
            seen += 1;
            assert!(!d.message_in(Lang::Fr).is_empty(), "{text}\n{d}");
            assert_ne!(
                d.message_in(Lang::Fr),
                d.message_in(Lang::En),
                "{text}\n{d}"
            );
            if let Some(leak) = french_leaks(d) {
                panic!("English in a French message: {leak}\nfor:\n{text}");
            }
            assert_eq!(
                d.help_in(Lang::Fr).is_some(),
                d.help_in(Lang::En).is_some(),
                "{d}"
            );
        }
    }
    assert!(seen >= 20, "{seen}");
}

#[test]
fn the_french_rendering_reads_in_french() {
    let error = parse(&format!("{BASE}summry = \"x\"\n"), None).unwrap_err();
    let fr = error.render(Lang::Fr);
    assert!(
        fr.starts_with("erreur[unknown-field]: champ inconnu « summry »"),
        "{fr}"
    );
    assert!(
        fr.contains("= aide: vouliez-vous dire « summary » ?"),
        "{fr}"
    );
    let en = error.render(Lang::En);
    assert!(
        en.starts_with("error[unknown-field]: unknown field `summry`"),
        "{en}"
    );
    assert_eq!(en, error.to_string());
    let error = parse(&format!("{BASE}languages = [\"français\"]\n"), None).unwrap_err();
    assert!(
        error
            .render(Lang::Fr)
            .contains("« français » n’est pas un code de langue"),
        "{}",
        error.render(Lang::Fr)
    );
    // JSON carries both, for programs and for pages in either language.
    let json = serde_json::to_value(&error.diagnostics[0]).unwrap();
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .contains("is not a language tag")
    );
    assert!(
        json["message_fr"]
            .as_str()
            .unwrap()
            .contains("code de langue")
    );
}

#[test]
#[ignore = "prints every French message, to read them"]
fn print_french_messages() {
    for text in bad_records() {
        let error = parse(&text, None).unwrap_err();
        for d in &error.diagnostics {
            eprintln!("{} | {:?}", d.message_in(Lang::Fr), d.help_in(Lang::Fr));
        }
    }
}
