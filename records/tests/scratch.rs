#[test]
fn scratch() {
    let src = r#"
id = "facil-familles"
kind = "software"
title = "Facil'Familles"
license = "AGPL-3.0-or-later"
summary = "Démarches en ligne pour les familles parisiennes"
description = """
Premier paragraphe.

Second paragraphe."""
tags = ["famille", "école"]
created = 2015-09-01
languages = ["fr"]

[[links]]
url = "https://paris.fr/facil-familles"
rel = "homepage"

[translations.en]
title = "Facil'Familles"

[software]
repository = "https://example.org/facil"
programming_languages = ["Java", "JavaScript"]
used_by = [{ name = "Ville de Paris" }]
"#;
    let r = cdl_records::parse(src, Some(std::path::Path::new("records/software/facil-familles.toml"))).unwrap();
    let out = cdl_records::to_toml(&r);
    println!("{out}");
    let r2 = cdl_records::parse(&out, None).unwrap();
    assert_eq!(r, r2);
    for bad in [
        "id = \"x\"\nkind = \"software\"\ntitel = \"a\"\nlicense = \"MIT\"\ntitle=\"t\"\n",
        "id = \"x\"\nkind = \"software\"\ntitle = 3\nlicense = \"MIT\"\n",
        "id = \"X\"\nkind = \"software\"\ntitle = \"t\"\nlicense = \"MIT\"\n",
        "id = \"x\"\nkind = \"seed-lot\"\ntitle = \"t\"\nlicense = \"MIT\"\n",
        "id = \"x\"\nkind = \"software\"\ntitle = \"t\"\nlicense = \"MIT\"\ncreated = 2024-02-30\n",
        "id = \"x\"\nkind = \"software\"\ntitle = \" t\\n\"\nlicense = \"MIT\"\n[dataset]\n",
        "id = \"x\"\nkind = \"software\"\ntitle = \"t\"\nlicense = \"MIT\"\n[software]\nrepository = \"ftp://x\"\n",
        "id = \"x\"\nkind = \"software\"\ntitle = \"t\"\n",
        "id = \"x\"\nkind = \"software\ntitle = \"t\"\n",
    ] {
        match cdl_records::parse(bad, Some(std::path::Path::new("records/software/y.toml"))) {
            Ok(r) => println!("UNEXPECTED OK {r:?}"),
            Err(e) => println!("{e}\n-----"),
        }
    }
    println!("{}", serde_json::to_string_pretty(&cdl_records::json_schema()).unwrap().len());
}
