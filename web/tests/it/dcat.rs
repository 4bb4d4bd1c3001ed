//! DCAT-AP 3 at `/catalog`, `/catalog.ttl` and `/catalog.jsonld` through
//! the real server: structure, both serialisations, negotiation.

use crate::util::{Result, Server};

#[tokio::test]
async fn catalogue_in_turtle_and_json_ld() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let ttl = c.get("/catalog.ttl").await;
    assert_eq!(ttl.status, 200);
    assert!(ttl.header("content-type").starts_with("text/turtle"));
    let catalog = server.url("/catalog");
    let dataset = server.url("/records/dataset/arbres-remarquables");
    assert!(ttl.body.contains(&format!(
        "<{catalog}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Catalog> ."
    )));
    assert!(ttl.body.contains(&format!(
        "<{catalog}> <http://www.w3.org/ns/dcat#dataset> <{dataset}> ."
    )));
    assert!(ttl.body.contains(&format!(
        "<{dataset}> <http://purl.org/dc/terms/title> \"Arbres remarquables de Paris\"@fr ."
    )));
    // Only datasets are DCAT datasets.
    assert_eq!(
        ttl.body
            .matches("<http://www.w3.org/ns/dcat#Dataset>")
            .count(),
        1
    );
    // Every line is one triple.
    assert!(ttl.body.lines().all(|l| l.ends_with(" .")));

    let jl = c.get("/catalog.jsonld").await;
    assert_eq!(jl.status, 200);
    assert!(jl.header("content-type").starts_with("application/ld+json"));
    let nodes = jl.json();
    let nodes = nodes.as_array().unwrap();
    let ds = nodes.iter().find(|n| n["@id"] == dataset.as_str()).unwrap();
    assert_eq!(ds["@type"][0], "http://www.w3.org/ns/dcat#Dataset");
    assert_eq!(ds["http://purl.org/dc/terms/title"][0]["@language"], "fr");
    // The same triples: as many JSON-LD values as Turtle lines.
    let values: usize = nodes
        .iter()
        .map(|n| {
            n.as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| *k != "@id")
                .map(|(_, v)| v.as_array().unwrap().len())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(values, ttl.body.lines().count());
    Ok(())
}

#[tokio::test]
async fn catalog_negotiates() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let cases = [
        ("application/ld+json", 200, "application/ld+json"),
        ("text/turtle", 200, "text/turtle"),
        ("*/*", 200, "text/turtle"),
        (
            "text/turtle;q=0.5, application/ld+json;q=0.9",
            200,
            "application/ld+json",
        ),
        ("text/html", 406, ""),
        ("application/ld+json;q=0", 406, ""),
    ];
    for (accept, status, ty) in cases {
        let r = c.get_with("/catalog", &[("accept", accept)]).await;
        assert_eq!(r.status, status, "{accept}");
        assert!(r.header("content-type").starts_with(ty), "{accept}");
        assert!(
            r.header("vary").to_ascii_lowercase().contains("accept"),
            "{accept}"
        );
    }
    let r = c.get("/catalog").await;
    assert_eq!(r.status, 200);
    Ok(())
}
