//! Offers over real HTTP on a loopback port: the sender signs and posts,
//! the receiver's router answers with a receipt, and the sender accepts an
//! outcome only when the receiver's pinned key signed it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use cdl_federation::client::Client;
use cdl_federation::offers::{self, prepare, refresh, send};
use cdl_federation::peers::{self, Peer, Peers};
use cdl_federation::server::{Publisher, router};
use cdl_federation::{Identity, OfferError, OfferStatus, RegistryId, VerifyError};
use cdl_registry::testing::{TempRegistry, merge_software, software};
use cdl_registry::{Pseudonym, Registry};

fn pin(registry: &Registry, id: &str, name: &str, url: &str, key: &Identity) {
    let mut all = Peers::load(registry).unwrap();
    all.upsert(Peer {
        id: id.parse().unwrap(),
        name: name.into(),
        url: url.into(),
        keys: vec![key.public()],
        etag: None,
        last_sync: None,
        last_error: None,
        discovered: None,
    });
    all.save(registry).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_travels_and_only_a_verified_outcome_comes_back() {
    let paris = TempRegistry::new();
    merge_software(&paris.registry, "lutece", "Lutece");
    let paris_key = Identity::from_secret([3; 32]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let served = Registry::open(paris.registry.git_dir()).unwrap();
    let publisher = Arc::new(Publisher::new(
        served,
        Identity::from_secret([3; 32]),
        "paris".parse().unwrap(),
        "Ville de Paris".into(),
        base.clone(),
    ));
    tokio::spawn(async move { axum::serve(listener, router(publisher)).await.unwrap() });

    // Lyon (the temporary registry's id is `test-registry`) pins Paris;
    // Paris pins Lyon.
    let lyon = TempRegistry::new();
    let (lyon_key, _) = peers::identity(&lyon.registry).unwrap();
    let lyon_id = peers::local_id(&lyon.registry).unwrap();
    pin(&lyon.registry, "paris", "Ville de Paris", &base, &paris_key);
    pin(
        &paris.registry,
        lyon_id.as_str(),
        "Ville de Lyon",
        "https://conservatoire.lyon.fr/",
        &lyon_key,
    );
    let peer = Peers::load(&lyon.registry)
        .unwrap()
        .get(&"paris".parse::<RegistryId>().unwrap())
        .cloned()
        .unwrap();
    let client = Client::new().unwrap().without_backoff();
    let now = jiff::Timestamp::now();

    // Refused before it leaves: not certified free.
    let closed = software("publik", "Publik", "LicenseRef-Proprietary");
    assert!(matches!(
        prepare(
            &lyon.registry,
            &lyon_key,
            &peer,
            &closed,
            None,
            None,
            None,
            now
        ),
        Err(OfferError::NotCertified(_))
    ));

    let (offer, envelope) = prepare(
        &lyon.registry,
        &lyon_key,
        &peer,
        &software("publik", "Publik", "AGPL-3.0-or-later"),
        None,
        Some("Le portail citoyen."),
        None,
        now,
    )
    .unwrap();
    // Lyon does not mirror Paris: no base.
    assert_eq!(offer.base, None);
    assert_eq!(offer.to, base);
    let sent = send(&client, &lyon.registry, &peer, &offer, &envelope)
        .await
        .unwrap();
    assert_eq!(sent.status, OfferStatus::Pending);
    assert!(!sent.stale);
    // Sent twice (a retry): the same receipt, one proposal.
    let again = send(&client, &lyon.registry, &peer, &offer, &envelope)
        .await
        .unwrap();
    assert_eq!(again.proposal, sent.proposal);
    assert_eq!(offers::sent(&lyon.registry).unwrap().len(), 1);

    // Pending, then rejected with the curator's reason.
    let r = refresh(&client, &lyon.registry, None, now).await.unwrap();
    assert_eq!(r.len(), 1);
    assert!(!r[0].changed && r[0].error.is_none());
    paris
        .registry
        .reject(
            &sent.proposal,
            &Pseudonym::new("camille"),
            "Hors du périmètre.",
        )
        .unwrap();
    let r = refresh(&client, &lyon.registry, None, now).await.unwrap();
    assert!(r[0].changed, "{r:?}");
    assert_eq!(r[0].offer.status, OfferStatus::Rejected);
    assert_eq!(r[0].offer.reason.as_deref(), Some("Hors du périmètre."));
    // Decided offers are not asked again.
    assert!(
        refresh(&client, &lyon.registry, None, now)
            .await
            .unwrap()
            .is_empty()
    );

    // An outcome signed by another key than the one pinned is refused,
    // and the offer stays pending with the reason kept.
    let (offer, envelope) = prepare(
        &lyon.registry,
        &lyon_key,
        &peer,
        &software("decidim", "Decidim", "AGPL-3.0-or-later"),
        None,
        None,
        None,
        now,
    )
    .unwrap();
    let sent = send(&client, &lyon.registry, &peer, &offer, &envelope)
        .await
        .unwrap();
    paris
        .registry
        .merge(&sent.proposal, &Pseudonym::new("camille"))
        .unwrap();
    pin(
        &lyon.registry,
        "paris",
        "Ville de Paris",
        &base,
        &Identity::from_secret([4; 32]),
    );
    let r = refresh(&client, &lyon.registry, None, now).await.unwrap();
    assert_eq!(r.len(), 1);
    assert!(
        matches!(
            r[0].error,
            Some(OfferError::Verify(VerifyError::Unsigned { .. }))
        ),
        "{r:?}"
    );
    assert_eq!(r[0].offer.status, OfferStatus::Pending);
    let kept = offers::sent(&lyon.registry).unwrap();
    let kept = kept.iter().find(|s| s.id == offer.id).unwrap();
    assert!(kept.last_error.is_some());
    // Pinned right again: accepted.
    pin(&lyon.registry, "paris", "Ville de Paris", &base, &paris_key);
    let r = refresh(&client, &lyon.registry, None, now).await.unwrap();
    assert_eq!(r[0].offer.status, OfferStatus::Accepted);
    assert!(r[0].offer.decided_at.is_some() && r[0].offer.last_error.is_none());

    // A city Paris does not know: refused with Paris's problem document.
    let marseille = TempRegistry::new();
    let (marseille_key, _) = peers::identity(&marseille.registry).unwrap();
    pin(
        &marseille.registry,
        "paris",
        "Ville de Paris",
        &base,
        &paris_key,
    );
    let (offer, envelope) = prepare(
        &marseille.registry,
        &marseille_key,
        &peer,
        &software("openfisca", "OpenFisca", "AGPL-3.0-or-later"),
        None,
        None,
        None,
        now,
    )
    .unwrap();
    // Marseille's local id is also `test-registry`, pinned by Paris under
    // Lyon's key: its signature does not hold.
    let err = send(&client, &marseille.registry, &peer, &offer, &envelope)
        .await
        .unwrap_err();
    let OfferError::Refused { status, title, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((*status, title.as_str()), (401, "Signature non reconnue"));
    assert!(offers::sent(&marseille.registry).unwrap().is_empty());
}
