//! `/dumps/catalogue.json.gz` through the real server: the whole
//! catalogue, gzipped, with ETag, Last-Modified and 304, made again when
//! `main` moves.

use std::io::Read as _;

use cdl_registry::{Pseudonym, RecordKey, Registry, Withdrawal, WithdrawalReason};

use crate::util::{Result, Server, catalogue};

/// The ETag of a full answer, after checking its headers.
async fn etag(c: &mut crate::util::Client) -> String {
    let r = c.get("/dumps/catalogue.json.gz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/gzip");
    assert!(r.header("last-modified").ends_with(" GMT"));
    r.header("etag").to_owned()
}

#[tokio::test]
async fn json_dump_with_etag_and_304() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    // The body, read as bytes (the test client reads text).
    let bytes = reqwest::get(server.url("/dumps/catalogue.json.gz"))
        .await?
        .bytes()
        .await?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
    let records: Vec<serde_json::Value> = serde_json::from_str(&text)?;
    assert_eq!(records.len(), catalogue().len());
    let etag = etag(&mut c).await;
    let main = Registry::open(&server.git_dir)?
        .main()?
        .to_hex()
        .to_string();
    assert_eq!(etag, format!("\"{main}\""));
    let r = c
        .get_with("/dumps/catalogue.json.gz", &[("if-none-match", &etag)])
        .await;
    assert_eq!(r.status, 304);
    // main moves: a new dump, a new tag, one record fewer.
    Registry::open(&server.git_dir)?.withdraw(
        &RecordKey::new("method".parse()?, "compost-collectif".parse()?),
        &Withdrawal {
            reason: WithdrawalReason::Other,
            explanation: "test".into(),
            replaced_by: None,
            curator: Pseudonym::new("t"),
        },
    )?;
    let r = c
        .get_with("/dumps/catalogue.json.gz", &[("if-none-match", &etag)])
        .await;
    assert_eq!(r.status, 200);
    assert_ne!(r.header("etag"), etag);
    let bytes = reqwest::get(server.url("/dumps/catalogue.json.gz"))
        .await?
        .bytes()
        .await?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
    let records: Vec<serde_json::Value> = serde_json::from_str(&text)?;
    assert_eq!(records.len(), catalogue().len() - 1);
    Ok(())
}

#[tokio::test]
async fn csv_dump_has_a_row_per_record_and_its_own_tag() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/dumps/catalogue.csv.gz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/gzip");
    assert!(
        r.header("content-disposition").contains("catalogue.csv.gz"),
        "{}",
        r.header("content-disposition")
    );
    let etag = r.header("etag").to_owned();
    let r = c
        .get_with("/dumps/catalogue.csv.gz", &[("if-none-match", &etag)])
        .await;
    assert_eq!(r.status, 304);
    let bytes = reqwest::get(server.url("/dumps/catalogue.csv.gz"))
        .await?
        .bytes()
        .await?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers()?.clone();
    assert_eq!(
        &header.iter().take(4).collect::<Vec<_>>(),
        &["kind", "id", "title", "license"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<std::result::Result<_, _>>()?;
    assert_eq!(rows.len(), catalogue().len());
    // Every record is there once, by kind and id, with its title.
    let mut seen: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[0].to_owned(), r[1].to_owned()))
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), catalogue().len());
    let mut expected = Vec::new();
    for (_, text) in catalogue() {
        let r = cdl_records::parse(&text, None)?;
        expected.push((
            r.kind().as_str().to_owned(),
            r.id.as_str().to_owned(),
            r.title,
        ));
    }
    expected.sort();
    let mut got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r[0].to_owned(), r[1].to_owned(), r[2].to_owned()))
        .collect();
    got.sort();
    assert_eq!(got, expected);
    Ok(())
}

/// `/donnees` lists every way out, and every address it links answers.
#[tokio::test]
async fn the_data_page_links_every_channel_and_each_answers() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let page = c.get("/donnees").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<h1>Réutiliser les données</h1>"),
        "{}",
        page.body
    );
    let base = server.url("");
    let mut linked = Vec::new();
    for piece in page.body.split("href=\"").skip(1) {
        let href = piece.split('"').next().unwrap_or("").replace("&amp;", "&");
        if let Some(path) = href.strip_prefix(base.as_str()) {
            linked.push(path.to_owned());
        }
    }
    for path in [
        "/dumps/catalogue.json.gz",
        "/dumps/catalogue.csv.gz",
        "/catalog",
        "/oai?verb=Identify",
        "/api/v1/openapi.json",
        "/feed.atom",
        "/.well-known/conservatoire",
    ] {
        assert!(
            linked.iter().any(|l| l == path),
            "{path} not linked: {linked:?}"
        );
        let r = c.get(path).await;
        assert_eq!(r.status, 200, "{path}");
    }
    // Written, not linked: they need a record id or a git client.
    assert!(page.body.contains("/records/software/{id}/publiccode.yml"));
    assert!(page.body.contains("/catalogue.git"));
    // Every page's footer leads here.
    assert!(
        c.get("/")
            .await
            .body
            .contains("<a href=\"/donnees\">Réutiliser les données</a>")
    );
    let en = c.get("/donnees?lang=en").await;
    assert!(en.body.contains("<h1>Reuse the data</h1>"));
    Ok(())
}
