//! OAI-PMH 2.0 at `/oai` through the real server: every verb, every error
//! code a request can cause, resumption tokens over the demo catalogue,
//! selective harvesting by date and set, persistent deletions.

use std::collections::HashSet;

use cdl_registry::{Pseudonym, RecordFile, RecordKey, Registry, Withdrawal, WithdrawalReason};

use crate::util::{Client, Result, Server, catalogue};

/// The text between `<tag` … `>` and `</tag>`, for each occurrence.
fn all<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // `<header` must not match `<headers`: the next byte ends the name.
        if !after.starts_with(['>', ' ', '/']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        if after[..gt].ends_with('/') {
            out.push("");
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

fn error_code(xml: &str) -> Option<String> {
    let i = xml.find("<error code=\"")?;
    let rest = &xml[i + 13..];
    Some(rest[..rest.find('"')?].to_owned())
}

async fn oai(c: &mut Client, query: &str) -> String {
    let r = c.get(&format!("/oai?{query}")).await;
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    assert!(r.header("content-type").starts_with("text/xml"), "{query}");
    r.body
}

/// Harvests a whole list, following the tokens; returns the headers'
/// identifiers and whether each was deleted, and the number of pages.
async fn harvest(c: &mut Client, verb: &str, args: &str) -> (Vec<(String, bool)>, usize) {
    let mut items = Vec::new();
    let mut query = format!("verb={verb}&{args}");
    let mut pages = 0;
    loop {
        let xml = oai(c, &query).await;
        pages += 1;
        if error_code(&xml).as_deref() == Some("noRecordsMatch") {
            return (items, pages);
        }
        assert_eq!(error_code(&xml), None, "{xml}");
        let headers: Vec<&str> = xml
            .match_indices("<header")
            .map(|(i, _)| &xml[i..])
            .collect();
        for h in headers {
            let id = all(h, "identifier")[0].to_owned();
            items.push((id, h.starts_with("<header status=\"deleted\"")));
        }
        let token = all(&xml, "resumptionToken");
        match token.first() {
            Some(t) if !t.is_empty() => query = format!("verb={verb}&resumptionToken={t}"),
            _ => return (items, pages),
        }
    }
}

#[tokio::test]
async fn identify_formats_and_sets() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let xml = oai(&mut c, "verb=Identify").await;
    assert_eq!(error_code(&xml), None, "{xml}");
    assert_eq!(all(&xml, "protocolVersion"), ["2.0"]);
    assert_eq!(all(&xml, "deletedRecord"), ["persistent"]);
    assert_eq!(all(&xml, "granularity"), ["YYYY-MM-DDThh:mm:ssZ"]);
    assert_eq!(all(&xml, "baseURL"), [server.url("/oai")]);
    assert!(all(&xml, "earliestDatestamp")[0].ends_with('Z'));
    assert!(xml.contains("<request verb=\"Identify\">"));

    let xml = oai(&mut c, "verb=ListMetadataFormats").await;
    assert_eq!(all(&xml, "metadataPrefix"), ["oai_dc"]);
    let id = "oai:127.0.0.1:software/lutece";
    let xml = oai(&mut c, &format!("verb=ListMetadataFormats&identifier={id}")).await;
    assert_eq!(all(&xml, "metadataPrefix"), ["oai_dc"]);

    // One set per kind, derived from the Kind enum.
    let xml = oai(&mut c, "verb=ListSets").await;
    let specs = all(&xml, "setSpec");
    let kinds: Vec<&str> = cdl_records::Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(specs, kinds);
    assert!(xml.contains("<setName>Lot de semences</setName>"));
    Ok(())
}

#[tokio::test]
async fn get_record_maps_to_dublin_core() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let xml = oai(
        &mut c,
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:software/lutece",
    )
    .await;
    assert_eq!(error_code(&xml), None, "{xml}");
    assert!(
        xml.contains("<dc:title xml:lang=\"fr\">Lutèce</dc:title>"),
        "{xml}"
    );
    assert_eq!(all(&xml, "setSpec"), ["software"]);
    assert!(xml.contains("<dc:type>Software</dc:type>"));
    assert!(xml.contains("<dc:subject>portail</dc:subject>"));
    assert!(xml.contains("<dc:language>fr</dc:language>"));
    assert!(xml.contains(&format!(
        "<dc:identifier>{}</dc:identifier>",
        server.url("/records/software/lutece")
    )));
    assert!(xml.contains("<dc:rights xml:lang=\"fr\">BSD-3-Clause — licence certifiée libre"));
    // A painting's creator is the artist; its type a still image.
    let xml = oai(
        &mut c,
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:cultural-work/nympheas",
    )
    .await;
    assert!(
        xml.contains("<dc:creator>Claude Monet</dc:creator>"),
        "{xml}"
    );
    assert!(xml.contains("<dc:type>StillImage</dc:type>"), "{xml}");
    assert!(xml.contains("<dc:date>1916</dc:date>"), "{xml}");
    // The same by POST.
    let r = c
        .post_form(
            "/oai",
            &[
                ("verb", "GetRecord"),
                ("metadataPrefix", "oai_dc"),
                ("identifier", "oai:127.0.0.1:software/lutece"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Lutèce"));
    Ok(())
}

#[tokio::test]
async fn every_error_code_a_request_can_cause() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let cases = [
        ("", "badVerb"),
        ("verb=Dance", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&set=software", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=GetRecord&metadataPrefix=oai_dc", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=hier",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2026-02-30",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2021-01-01T00:00:00Z",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-02&until=2021-01-01",
            "badArgument",
        ),
        (
            "verb=ListRecords&resumptionToken=abc&set=software",
            "badArgument",
        ),
        (
            "verb=ListRecords&resumptionToken=0123456789abcdef",
            "badResumptionToken",
        ),
        (
            "verb=ListIdentifiers&resumptionToken=%C3%A9t%C3%A9",
            "badResumptionToken",
        ),
        ("verb=ListSets&resumptionToken=x", "badResumptionToken"),
        (
            "verb=ListRecords&metadataPrefix=marc21",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&metadataPrefix=mods&identifier=oai:127.0.0.1:software/lutece",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:software/nope",
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:other.org:software/lutece",
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=lutece",
            "idDoesNotExist",
        ),
        (
            "verb=ListMetadataFormats&identifier=oai:127.0.0.1:dance/x",
            "idDoesNotExist",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&until=1990-01-01",
            "noRecordsMatch",
        ),
        (
            "verb=ListIdentifiers&metadataPrefix=oai_dc&set=nope",
            "noRecordsMatch",
        ),
        (
            "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2999-01-01T00:00:00Z",
            "noRecordsMatch",
        ),
    ];
    for (query, code) in cases {
        let xml = oai(&mut c, query).await;
        assert_eq!(error_code(&xml).as_deref(), Some(code), "{query}: {xml}");
        if matches!(code, "badVerb" | "badArgument") {
            assert!(
                xml.contains(&format!("<request>{}</request>", server.url("/oai"))),
                "{query}"
            );
        }
    }
    // POST other than a form is refused before the protocol.
    let r = c
        .post_body("/oai", "application/json", b"{}".to_vec())
        .await;
    assert_eq!(r.status, 400);
    Ok(())
}

#[tokio::test]
async fn the_whole_demo_comes_in_pages_with_tokens() -> Result {
    let server = Server::demo().await;
    let registry = Registry::open(&server.git_dir)?;
    let size = registry.snapshot(None)?.records.len();
    assert!(size > 2 * cdl_web::open_data::oai::PAGE, "{size}");
    let mut c = server.client();
    for verb in ["ListIdentifiers", "ListRecords"] {
        let (items, pages) = harvest(&mut c, verb, "metadataPrefix=oai_dc").await;
        assert_eq!(items.len(), size, "{verb}");
        assert_eq!(pages, size.div_ceil(cdl_web::open_data::oai::PAGE));
        let unique: HashSet<&String> = items.iter().map(|(id, _)| id).collect();
        assert_eq!(unique.len(), size, "no record twice");
        assert!(items.iter().all(|(_, deleted)| !deleted));
    }
    // The first page says how long the list is; the last has an empty token.
    let xml = oai(&mut c, "verb=ListIdentifiers&metadataPrefix=oai_dc").await;
    assert!(
        xml.contains(&format!("completeListSize=\"{size}\" cursor=\"0\"")),
        "{xml}"
    );
    // Sets partition the catalogue.
    let mut total = 0;
    for kind in cdl_records::Kind::ALL {
        let (items, _) = harvest(
            &mut c,
            "ListIdentifiers",
            &format!("metadataPrefix=oai_dc&set={}", kind.as_str()),
        )
        .await;
        assert!(
            items
                .iter()
                .all(|(id, _)| id.contains(&format!(":{}/", kind.as_str())))
        );
        total += items.len();
    }
    assert_eq!(total, size);
    // A token of one verb is no token of another.
    let token = all(&xml, "resumptionToken")[0];
    let xml = oai(&mut c, &format!("verb=ListRecords&resumptionToken={token}")).await;
    assert_eq!(error_code(&xml).as_deref(), Some("badResumptionToken"));
    Ok(())
}

#[tokio::test]
async fn changes_and_withdrawals_come_back_by_date() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let (before, _) = harvest(&mut c, "ListIdentifiers", "metadataPrefix=oai_dc").await;
    assert_eq!(before.len(), catalogue().len());
    // Datestamps are to the second: the changes come a second later.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let since = cdl_registry::rfc3339(now);
    // `until` is inclusive: the second before the changes.
    let before_changes = cdl_registry::rfc3339(now - 1);
    let registry = Registry::open(&server.git_dir)?;
    let key = RecordKey::new("ferment-lot".parse()?, "levain-seigle-belleville".parse()?);
    registry.withdraw(
        &key,
        &Withdrawal {
            reason: WithdrawalReason::Takedown,
            explanation: "Demande du jardin.".to_owned(),
            replaced_by: None,
            curator: Pseudonym::new("test"),
        },
    )?;
    let (_, text) = catalogue()
        .into_iter()
        .find(|(k, _)| *k == "method")
        .unwrap();
    let changed = text.replace("Compostage collectif", "Compostage partagé");
    let (p, _) = registry.propose(
        &[RecordFile {
            name: "compost-collectif.toml".into(),
            text: changed,
        }],
        &Pseudonym::new("z"),
        None,
    )?;
    registry.merge(p.as_str(), &Pseudonym::new("c"))?;

    let (mut items, _) = harvest(
        &mut c,
        "ListRecords",
        &format!("metadataPrefix=oai_dc&from={since}"),
    )
    .await;
    items.sort();
    assert_eq!(
        items,
        vec![
            (
                "oai:127.0.0.1:ferment-lot/levain-seigle-belleville".to_owned(),
                true
            ),
            ("oai:127.0.0.1:method/compost-collectif".to_owned(), false),
        ]
    );
    // The whole list still has every record, the withdrawn one deleted.
    let (all_items, _) = harvest(&mut c, "ListIdentifiers", "metadataPrefix=oai_dc").await;
    assert_eq!(all_items.len(), before.len());
    assert_eq!(all_items.iter().filter(|(_, d)| *d).count(), 1);
    // Until before the changes: not there yet.
    let (old, _) = harvest(
        &mut c,
        "ListIdentifiers",
        &format!("metadataPrefix=oai_dc&until={before_changes}"),
    )
    .await;
    assert!(
        old.iter()
            .all(|(id, _)| !id.ends_with("compost-collectif") && !id.ends_with("belleville"))
    );
    // A deleted record: a header, no metadata.
    let xml = oai(
        &mut c,
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:ferment-lot/levain-seigle-belleville",
    )
    .await;
    assert!(xml.contains("<header status=\"deleted\">"), "{xml}");
    assert!(!xml.contains("<metadata>"));
    let xml = oai(
        &mut c,
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:method/compost-collectif",
    )
    .await;
    assert!(xml.contains("Compostage partagé"), "{xml}");
    Ok(())
}

#[tokio::test]
async fn identify_describes_identifiers_for_a_named_host() -> Result {
    let config = cdl_web::WebConfig {
        base_url: Some("https://conservatoire.example.org/".parse()?),
        ..cdl_web::WebConfig::default()
    };
    let server = Server::start_with(config).await;
    let mut c = server.client();
    let xml = oai(&mut c, "verb=Identify").await;
    assert!(
        xml.contains("<repositoryIdentifier>conservatoire.example.org</repositoryIdentifier>"),
        "{xml}"
    );
    let xml = oai(
        &mut c,
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:conservatoire.example.org:software/lutece",
    )
    .await;
    assert_eq!(error_code(&xml), None, "{xml}");
    Ok(())
}
