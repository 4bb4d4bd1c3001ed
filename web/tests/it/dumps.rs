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
