//! Every JSON example of PROTOCOL.md reads as the statement it shows, so
//! that the document and the code cannot drift apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cdl_federation::{
    Changes, Checkpoint, Discovery, Envelope, Identity, Offer, Outcome, Receipt, Rotation,
    Statement,
};

const PROTOCOL_MD: &str = include_str!("../PROTOCOL.md");

/// The ```json blocks of the document, in order.
fn examples() -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = PROTOCOL_MD;
    while let Some(start) = rest.find("```json\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("every block is closed");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

fn reads<T: serde::de::DeserializeOwned>(text: &str) -> T {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("{e}\n{text}"),
    }
}

#[test]
fn every_example_of_the_document_is_a_valid_message() {
    let examples = examples();
    assert_eq!(
        examples.len(),
        10,
        "the document's examples changed: update this test"
    );
    // The envelope example has placeholders where bytes go; its shape reads.
    let envelope: serde_json::Value = reads(examples[0]);
    assert!(envelope.get("payloadType").is_some());
    let discovery: Discovery = reads(examples[1]);
    assert_eq!(discovery.registry.as_str(), "paris");
    for k in &discovery.keys {
        // The example's keys are shaped right; their fingerprints are
        // illustrative, so only their form is checked here.
        assert_eq!(k.public.to_string().len(), 43);
    }
    let checkpoint: Checkpoint = reads(examples[2]);
    assert_eq!(checkpoint.version, 1842);
    let changes: Changes = reads(examples[3]);
    assert_eq!(changes.changes.len(), 2);
    let rotation: Rotation = reads(examples[4]);
    assert_eq!(rotation.registry.as_str(), "paris");
    let offer: Offer = reads(examples[5]);
    assert!(offer.text.contains("facil-familles"));
    let receipt: Receipt = reads(examples[6]);
    assert_eq!(receipt.id, offer.id);
    assert!(receipt.outcome.ends_with(offer.id.as_str()));
    let outcome: Outcome = reads(examples[7]);
    assert_eq!(outcome.id, offer.id);
    let relaying: Checkpoint = reads(examples[8]);
    assert_eq!(relaying.republishes.len(), 1);
    let entry = &relaying.republishes[0];
    assert_eq!(entry.chain_text(), "paris → lyon");
    assert_eq!(entry.through(), Some(&relaying.registry));
    assert_eq!(entry.keys, discovery.keys);
    let relayed: Changes = reads(examples[9]);
    let Some(cdl_federation::Change::Put { origin, .. }) = relayed.changes.first() else {
        panic!("a put");
    };
    assert_eq!(origin, &entry.chain);
    assert_eq!(relayed.registry, entry.registry);
    assert_eq!(discovery.endpoints, cdl_federation::Endpoints::default());
}

#[test]
fn examples_travel_signed_and_come_back_unchanged() {
    let paris = Identity::from_secret([42; 32]);
    let examples = examples();
    fn round<T: Statement + PartialEq + std::fmt::Debug>(text: &str, key: &Identity) {
        let statement: T = serde_json::from_str(text).unwrap();
        let envelope = Envelope::seal(&statement, &[key]);
        let bytes = envelope.to_bytes();
        let back = Envelope::from_bytes(&bytes, 64 * 1024).unwrap();
        assert_eq!(back.open::<T>(&[key.public()]).unwrap(), statement);
    }
    round::<Discovery>(examples[1], &paris);
    round::<Checkpoint>(examples[2], &paris);
    round::<Rotation>(examples[4], &paris);
    round::<Offer>(examples[5], &paris);
    round::<Outcome>(examples[7], &paris);
    round::<Checkpoint>(examples[8], &paris);
}
