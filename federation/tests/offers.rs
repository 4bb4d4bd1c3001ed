//! The inbox between real registries in temporary folders: an offer is
//! verified against the sender's pinned key, becomes one proposal however
//! often it is delivered, is refused when unsigned, wrongly signed, for
//! another registry, expired or oversized, and its outcome follows the
//! proposal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use cdl_federation::offers::{self, Delivery, MAX_OFFER_BYTES};
use cdl_federation::peers::{Peer, Peers};
use cdl_federation::{
    Digest, Envelope, Identity, InboxError, Offer, OfferId, OfferStatus, Protocol, RegistryId,
};
use cdl_registry::testing::{TempRegistry, merge_software, software};
use cdl_registry::{Pseudonym, RecordKey};
use jiff::{SignedDuration, Timestamp};

const PARIS: &str = "https://conservatoire.paris.fr/";

fn now() -> Timestamp {
    "2026-12-02T10:00:00Z".parse().unwrap()
}

/// Paris, the receiver, with Lyon pinned as a peer under `lyon`'s key.
struct Inbox {
    t: TempRegistry,
    local: RegistryId,
    lyon: Identity,
}

impl Inbox {
    fn new() -> Inbox {
        let t = TempRegistry::new();
        let lyon = Identity::from_secret([2; 32]);
        let mut peers = Peers::default();
        peers.upsert(Peer {
            id: "lyon".parse().unwrap(),
            name: "Ville de Lyon".into(),
            url: "https://conservatoire.lyon.fr/".into(),
            keys: vec![lyon.public()],
            etag: None,
            last_sync: None,
            last_error: None,
            discovered: None,
        });
        peers.save(&t.registry).unwrap();
        Inbox {
            t,
            local: "paris".parse().unwrap(),
            lyon,
        }
    }

    fn receive(
        &self,
        body: &[u8],
        at: Timestamp,
    ) -> Result<(Delivery, cdl_federation::Receipt), InboxError> {
        offers::receive(&self.t.registry, &self.local, PARIS, body, at)
    }
}

fn offer(target: &str, text: String, base: Option<Digest>) -> Offer {
    Offer {
        protocol: Protocol,
        id: OfferId::generate().unwrap(),
        from: "lyon".parse().unwrap(),
        to: PARIS.into(),
        target: target.into(),
        base,
        text,
        message: Some("Ajout du module de réservation.".into()),
        created_at: now(),
        expires_at: now() + SignedDuration::from_hours(24 * 14),
    }
}

fn sealed(o: &Offer, key: &Identity) -> Vec<u8> {
    Envelope::seal(o, &[key]).to_bytes()
}

#[test]
fn an_offer_makes_one_proposal_marked_with_its_city_however_often_delivered() {
    let inbox = Inbox::new();
    let r = &inbox.t.registry;
    let o = offer("software/lutece", software("lutece", "Lutece", "MIT"), None);
    let body = sealed(&o, &inbox.lyon);
    let (first, receipt) = inbox.receive(&body, now()).unwrap();
    assert_eq!(first, Delivery::First);
    assert_eq!(receipt.id, o.id);
    assert!(!receipt.stale);
    assert_eq!(receipt.outcome, format!("/federation/v1/offers/{}", o.id));
    for _ in 0..9 {
        let (again, same) = inbox.receive(&body, now()).unwrap();
        assert_eq!(again, Delivery::Again);
        assert_eq!(same, receipt);
    }
    let proposals = r.proposals().unwrap();
    assert_eq!(proposals.len(), 1, "ten deliveries, one proposal");
    let p = &proposals[0];
    assert_eq!(p.id.as_str(), receipt.proposal);
    assert_eq!(p.author, "Ville de Lyon");
    assert!(p.message.contains("Ajout du module"), "{}", p.message);
    // The inbox marks the proposal with the city, verified.
    let kept = offers::received_for_proposal(r, p.id.as_str())
        .unwrap()
        .unwrap();
    assert_eq!(kept.from.as_str(), "lyon");
    assert_eq!(kept.from_name, "Ville de Lyon");
    assert!(
        offers::received_by_proposal(r)
            .unwrap()
            .contains_key(p.id.as_str())
    );
    // Nothing of it is in the tracked tree: main is unchanged.
    assert!(r.catalogue_files(r.main().unwrap()).unwrap().is_empty());

    // The same id with other bytes is another offer: refused.
    let mut other = o.clone();
    other.message = Some("autre".into());
    assert!(matches!(
        inbox.receive(&sealed(&other, &inbox.lyon), now()),
        Err(InboxError::Conflict { .. })
    ));
    assert_eq!(r.proposals().unwrap().len(), 1);

    // Replayed after it expired: refused, even though it was received.
    let later = o.expires_at + SignedDuration::from_secs(1);
    assert!(matches!(
        inbox.receive(&body, later),
        Err(InboxError::Expired { .. })
    ));
}

#[test]
fn unsigned_wrongly_signed_foreign_misaddressed_expired_and_oversized_offers_are_refused() {
    let inbox = Inbox::new();
    let o = offer("software/lutece", software("lutece", "Lutece", "MIT"), None);

    // Unsigned: the bare statement, or an envelope without signatures.
    let bare = serde_json::to_vec(&o).unwrap();
    assert!(matches!(
        inbox.receive(&bare, now()),
        Err(InboxError::Unsigned(_))
    ));
    let mut envelope = Envelope::seal(&o, &[&inbox.lyon]);
    envelope.signatures.clear();
    assert!(matches!(
        inbox.receive(&envelope.to_bytes(), now()),
        Err(InboxError::Unsigned(_))
    ));
    // Signed by another key than Lyon's pinned one.
    let stranger = Identity::from_secret([9; 32]);
    let err = inbox.receive(&sealed(&o, &stranger), now()).unwrap_err();
    assert!(matches!(err, InboxError::BadSignature { .. }), "{err}");
    // Lyon's signature over other bytes (the text changed on the way).
    let mut tampered = Envelope::seal(&o, &[&inbox.lyon]);
    let mut changed = o.clone();
    changed.text = software("lutece", "Lutece modifié", "MIT");
    tampered.payload =
        base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&changed).unwrap());
    assert!(matches!(
        inbox.receive(&tampered.to_bytes(), now()),
        Err(InboxError::BadSignature { .. })
    ));
    // From a registry that is not a peer.
    let mut foreign = o.clone();
    foreign.from = "marseille".parse().unwrap();
    assert!(matches!(
        inbox.receive(&sealed(&foreign, &inbox.lyon), now()),
        Err(InboxError::UnknownPeer { .. })
    ));
    // Made for another registry.
    let mut elsewhere = o.clone();
    elsewhere.to = "https://conservatoire.marseille.fr/".into();
    assert!(matches!(
        inbox.receive(&sealed(&elsewhere, &inbox.lyon), now()),
        Err(InboxError::WrongReceiver { .. })
    ));
    // Expired.
    let mut old = o.clone();
    old.created_at = now() - SignedDuration::from_hours(48);
    old.expires_at = now() - SignedDuration::from_hours(24);
    assert!(matches!(
        inbox.receive(&sealed(&old, &inbox.lyon), now()),
        Err(InboxError::Expired { .. })
    ));
    // Oversized, whatever it holds.
    let big = vec![b' '; MAX_OFFER_BYTES + 1];
    assert!(matches!(
        inbox.receive(&big, now()),
        Err(InboxError::TooLarge { .. })
    ));
    // Not JSON at all.
    assert!(matches!(
        inbox.receive(b"\xff\xfe", now()),
        Err(InboxError::Malformed(_))
    ));
    // A target that is not the record the text holds, an invalid record.
    let mismatch = offer("software/autre", software("lutece", "Lutece", "MIT"), None);
    assert!(matches!(
        inbox.receive(&sealed(&mismatch, &inbox.lyon), now()),
        Err(InboxError::Malformed(_))
    ));
    let invalid = offer("software/lutece", "id = \"lutece\"\n".into(), None);
    assert!(matches!(
        inbox.receive(&sealed(&invalid, &inbox.lyon), now()),
        Err(InboxError::InvalidRecord(_))
    ));
    // None of it made a proposal or kept anything.
    assert!(inbox.t.registry.proposals().unwrap().is_empty());
    assert!(
        offers::received_by_proposal(&inbox.t.registry)
            .unwrap()
            .is_empty()
    );

    // The receiver's address is compared as a URL, not as text.
    let mut spelled = o.clone();
    spelled.to = "https://CONSERVATOIRE.paris.fr:443".into();
    assert!(inbox.receive(&sealed(&spelled, &inbox.lyon), now()).is_ok());
    // A receiver with no address of its own refuses rather than guess.
    let o2 = offer("software/publik", software("publik", "Publik", "MIT"), None);
    assert!(matches!(
        offers::receive(
            &inbox.t.registry,
            &inbox.local,
            "",
            &sealed(&o2, &inbox.lyon),
            now()
        ),
        Err(InboxError::NoAddress)
    ));
}

#[test]
fn an_offer_based_on_another_version_is_marked_stale() {
    let inbox = Inbox::new();
    let r = &inbox.t.registry;
    merge_software(r, "lutece", "Lutece");
    let key: RecordKey = "software/lutece".parse().unwrap();
    let current = Digest::of(&r.main_file(&key.path()).unwrap().unwrap());
    // Each offer its own text: the same text on the same main in the same
    // second would be the same proposal commit.
    let text = |n: u8| software("lutece", &format!("Lutece, version {n}"), "MIT");
    let case = |base: Option<Digest>, target: &str, text: String| {
        let o = offer(target, text, base);
        inbox
            .receive(&sealed(&o, &inbox.lyon), now())
            .unwrap()
            .1
            .stale
    };
    // Based on the current file: not stale.
    assert!(!case(Some(current), "software/lutece", text(1)));
    // Based on another version.
    assert!(case(Some(Digest::of(b"older")), "software/lutece", text(2)));
    // Offered as new, but the record exists.
    assert!(case(None, "software/lutece", text(3)));
    // Based on a version, but the record is not here.
    assert!(case(
        Some(current),
        "software/publik",
        software("publik", "Publik", "MIT")
    ));
    // New and absent: not stale.
    assert!(!case(
        None,
        "software/decidim",
        software("decidim", "Decidim", "AGPL-3.0-or-later")
    ));
    let stale: Vec<bool> = offers::received_by_proposal(r)
        .unwrap()
        .values()
        .map(|o| o.stale)
        .collect();
    assert_eq!(stale.iter().filter(|s| **s).count(), 3, "{stale:?}");
}

#[test]
fn the_outcome_follows_the_proposal() {
    let inbox = Inbox::new();
    let r = &inbox.t.registry;
    let a = offer("software/lutece", software("lutece", "Lutece", "MIT"), None);
    let b = offer("software/publik", software("publik", "Publik", "MIT"), None);
    let (_, ra) = inbox.receive(&sealed(&a, &inbox.lyon), now()).unwrap();
    let (_, rb) = inbox.receive(&sealed(&b, &inbox.lyon), now()).unwrap();
    let pending = offers::outcome(r, &inbox.local, &a.id).unwrap().unwrap();
    assert_eq!(pending.status, OfferStatus::Pending);
    assert_eq!(pending.decided_at, None);
    assert_eq!(pending.registry, inbox.local);
    r.merge(&ra.proposal, &Pseudonym::new("camille")).unwrap();
    r.reject(
        &rb.proposal,
        &Pseudonym::new("camille"),
        "Déjà décrit ailleurs.",
    )
    .unwrap();
    let accepted = offers::outcome(r, &inbox.local, &a.id).unwrap().unwrap();
    assert_eq!(accepted.status, OfferStatus::Accepted);
    assert!(accepted.decided_at.is_some());
    assert_eq!(accepted.reason, None);
    let rejected = offers::outcome(r, &inbox.local, &b.id).unwrap().unwrap();
    assert_eq!(rejected.status, OfferStatus::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some("Déjà décrit ailleurs."));
    assert!(rejected.decided_at.is_some());
    // An offer never received has no outcome.
    let unknown = OfferId::generate().unwrap();
    assert_eq!(offers::outcome(r, &inbox.local, &unknown).unwrap(), None);
}
