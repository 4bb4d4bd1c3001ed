//! `conservatoire generate`, `index` and `search`, as a user runs them.

use crate::util::{ok, run, stderr, write};

#[test]
fn generate_index_search_and_catch_up() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let gen_out = ok(
        d,
        &["generate", "--records", "300", "--seed", "5", "reg.git"],
    );
    assert!(gen_out.contains("300 records"), "{gen_out}");

    let built = ok(d, &["index", "--registry", "reg.git"]);
    assert!(
        built.contains("rebuilt") && built.contains("300 records"),
        "{built}"
    );
    let again = ok(d, &["index", "--registry", "reg.git"]);
    assert!(again.contains("up to date"), "{again}");
    let forced = ok(d, &["index", "--registry", "reg.git", "--rebuild"]);
    assert!(forced.contains("rebuilt"), "{forced}");

    let json = ok(
        d,
        &[
            "search",
            "--registry",
            "reg.git",
            "--format",
            "json",
            "kind:seed-lot",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let total = v["total"].as_u64().unwrap();
    assert!(total > 0, "{json}");
    let hit = &v["hits"][0];
    for field in ["id", "kind", "title", "license", "snippet", "score"] {
        assert!(!hit[field].is_null(), "{field} missing: {hit}");
    }
    assert_eq!(hit["kind"], "seed-lot");
    assert_eq!(v["facets"]["kind"][0]["value"], "seed-lot");
    assert_eq!(v["facets"]["kind"][0]["count"].as_u64(), Some(total));

    // A merge is searchable at the next search (catch-up from the diff).
    write(
        d,
        "zanzibar.toml",
        "id = \"zanzibar\"\nkind = \"software\"\ntitle = \"Zanzibar l'éléphant\"\nlicense = \"MIT\"\n",
    );
    let proposed = ok(d, &["propose", "--registry", "reg.git", "zanzibar.toml"]);
    let id = proposed.lines().last().unwrap().to_owned();
    ok(d, &["proposals", "merge", &id, "--registry", "reg.git"]);
    let text = ok(
        d,
        &["search", "--registry", "reg.git", "zanzibar", "elephant"],
    );
    assert!(text.starts_with("1 résultat"), "{text}");
    assert!(text.contains("Zanzibar l'éléphant"), "{text}");

    let bad = run(d, &["search", "--registry", "reg.git", "\"jardin"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("guillemet"), "{}", stderr(&bad));
}
