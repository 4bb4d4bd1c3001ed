//! Snippets: plain text and valid highlight ranges (rendering and escaping
//! are the web's).

use crate::util::{describe, index_of, software};

#[test]
fn snippets_highlight_matches() {
    let idx = index_of(&[describe(
        software("a", "Agenda"),
        "Un agenda partagé pour les écoles du quartier, avec les activités périscolaires.",
    )]);
    let hit = &idx.search("ecole").hits[0];
    let s = &hit.snippet;
    assert!(s.parts().contains(&("écoles", true)), "{s:?}");
    assert_eq!(s.highlights.len(), 1);
    assert_eq!(&s.text[s.highlights[0].clone()], "écoles");
}

/// The rules of [`cdl_indexer::Snippet::highlights`].
fn assert_valid(s: &cdl_indexer::Snippet) {
    let mut at = 0;
    for r in &s.highlights {
        assert!(r.start < r.end, "empty range {r:?} in {s:?}");
        assert!(
            at == 0 || r.start > at,
            "unsorted or touching {r:?} in {s:?}"
        );
        assert!(s.text.is_char_boundary(r.start) && s.text.is_char_boundary(r.end));
        assert!(r.end <= s.text.len());
        at = r.end;
    }
}

#[test]
fn snippets_are_text_with_valid_ranges() {
    let idx = index_of(&[describe(
        software("xss", "<script>alert(1)</script>"),
        "<img src=x onerror=alert(1)> script & co, l’école des scripts d’été",
    )]);
    let r = idx.search("script école");
    let hit = &r.hits[0];
    assert_eq!(
        hit.title, "<script>alert(1)</script>",
        "titles are returned as text"
    );
    let s = &hit.snippet;
    assert!(
        s.text.contains("<img src=x onerror=alert(1)> script & co"),
        "{s:?}"
    );
    assert_valid(s);
    let marked: Vec<&str> = s.parts().into_iter().filter(|p| p.1).map(|p| p.0).collect();
    assert_eq!(marked, ["script", "école", "scripts"], "{s:?}");
    assert_eq!(s.parts().iter().map(|p| p.0).collect::<String>(), s.text);
}

#[test]
fn highlights_stay_valid_whatever_the_text() {
    // Multi-byte letters, a match at the very start and the very end,
    // matches side by side.
    let texts = [
        "école",
        "Écoles écoles, écoles",
        "ÉCOLE—école…école",
        "😀école😀 l'école d’école",
    ];
    let records: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| describe(software(&format!("r{i}"), "Titre"), t))
        .collect();
    let idx = index_of(&records);
    let r = idx.search("ecole");
    assert_eq!(r.hits.len(), texts.len());
    for hit in &r.hits {
        let s = &hit.snippet;
        assert_valid(s);
        assert!(!s.highlights.is_empty(), "{s:?}");
        for (part, marked) in s.parts() {
            if marked {
                assert!(part.to_lowercase().contains("cole"), "{part:?} in {s:?}");
            }
        }
    }
    let edge = r.hits.iter().find(|h| h.snippet.text == "école").unwrap();
    assert_eq!(edge.snippet.highlights, vec![0.."école".len()]);
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
