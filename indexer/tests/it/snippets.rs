//! Snippets: highlighted and escaped.

use crate::util::{describe, index_of, software};

#[test]
fn snippets_highlight_matches() {
    let idx = index_of(&[describe(
        software("a", "Agenda"),
        "Un agenda partagé pour les écoles du quartier, avec les activités périscolaires.",
    )]);
    let hit = &idx.search("ecole").hits[0];
    let s = &hit.snippet;
    assert!(s.html.contains("<mark>écoles</mark>"), "{}", s.html);
    assert_eq!(s.highlights.len(), 1);
    assert_eq!(&s.text[s.highlights[0].clone()], "écoles");
}

#[test]
fn snippets_are_escaped() {
    let idx = index_of(&[describe(
        software("xss", "<script>alert(1)</script>"),
        "<img src=x onerror=alert(1)> script & co",
    )]);
    let r = idx.search("script");
    let hit = &r.hits[0];
    assert_eq!(
        hit.title, "<script>alert(1)</script>",
        "titles are returned as text"
    );
    let html = &hit.snippet.html;
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;img"), "{html}");
    assert!(html.contains("&amp;"), "{html}");
    assert!(html.contains("<mark>script</mark>"), "{html}");
}

#[test]
fn records_without_match_in_text_get_a_plain_extract() {
    let mut r = software("a", "Cartographie");
    r.summary = Some("Une carte des fontaines.".to_owned());
    let idx = index_of(&[r]);
    let hit = &idx.search("kind:software").hits[0];
    assert_eq!(hit.snippet.text, "Une carte des fontaines.");
    assert!(hit.snippet.highlights.is_empty());
}
