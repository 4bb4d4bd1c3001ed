//! The protocol over real HTTP on a loopback port: a peer serves, a mirror
//! syncs, an unchanged poll is one request answered 304.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use cdl_federation::client::{Client, Synced, sync};
use cdl_federation::mirror::{Applied, read_state};
use cdl_federation::server::{Publisher, router};
use cdl_federation::{Identity, RegistryId};
use cdl_registry::Registry;
use cdl_registry::testing::{TempRegistry, merge_software as add};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_syncs_over_http_and_an_unchanged_poll_costs_one_304() {
    let paris = TempRegistry::new();
    for i in 0..5 {
        add(
            &paris.registry,
            &format!("outil-{i}"),
            &format!("Outil {i}"),
        );
    }
    let key = Identity::from_secret([3; 32]);
    let public = key.public();
    let served = Registry::open(paris.registry.git_dir()).unwrap();
    let paris_id: RegistryId = "paris".parse().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let publisher = Arc::new(Publisher::new(
        served,
        key,
        paris_id.clone(),
        "Ville de Paris".into(),
        base.clone(),
    ));
    tokio::spawn(async move { axum::serve(listener, router(publisher)).await.unwrap() });

    let lyon = TempRegistry::new();
    let lyon_id: RegistryId = "lyon".parse().unwrap();
    let client = Client::new().unwrap().without_backoff();

    // Discovery names the key the mirror pins.
    let (_, discovery) = client.discover(&base).await.unwrap();
    assert_eq!(discovery.registry, paris_id);
    assert_eq!(discovery.keys[0].public, public);

    let now = jiff::Timestamp::now();
    let first = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[public],
        None,
        now,
    )
    .await
    .unwrap();
    let Synced::Applied(Applied::Written { put: 5, .. }, Some(etag)) = first else {
        panic!("{first:?}");
    };
    // Unchanged: the conditional request is answered 304.
    let again = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[public],
        Some(&etag),
        now,
    )
    .await
    .unwrap();
    assert_eq!(again, Synced::NotModified);

    // A change on the peer: the next poll brings only it.
    add(&paris.registry, "outil-9", "Outil 9");
    let third = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[public],
        Some(&etag),
        now,
    )
    .await
    .unwrap();
    assert!(
        matches!(third, Synced::Applied(Applied::Written { put: 1, .. }, _)),
        "{third:?}"
    );
    assert_eq!(
        read_state(&lyon.registry, &paris_id).unwrap().files.len(),
        6
    );

    // A mirror that trusts another key refuses the peer and keeps its state.
    let before = read_state(&lyon.registry, &paris_id).unwrap().head;
    add(&paris.registry, "outil-10", "Outil 10");
    let stranger = Identity::from_secret([4; 32]).public();
    let refused = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[stranger],
        None,
        now,
    )
    .await;
    assert!(refused.is_err());
    assert_eq!(read_state(&lyon.registry, &paris_id).unwrap().head, before);
}

/// A feed of several pages over HTTP: each next page is made while the
/// mirror reads the one before; pages asked again, last first, are the
/// same bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_of_several_pages_is_served_ahead_and_the_same_when_asked_again() {
    use cdl_registry::RecordFile;
    use cdl_registry::testing::software;
    let paris = TempRegistry::new();
    // About 12 MiB of records: the byte limit splits the feed in pages.
    let description = "Une description longue. ".repeat(800);
    let files: Vec<RecordFile> = (0..600)
        .map(|i| RecordFile {
            name: format!("gros-{i:03}.toml"),
            text: format!(
                "{}description = \"{}\"\n",
                software(&format!("gros-{i:03}"), "Gros", "MIT"),
                description.trim()
            ),
        })
        .collect();
    cdl_registry::testing::merge_files(&paris.registry, &files);
    let key = Identity::from_secret([4; 32]);
    let public = key.public();
    let paris_id: RegistryId = "paris".parse().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let publisher = Arc::new(Publisher::new(
        Registry::open(paris.registry.git_dir()).unwrap(),
        key,
        paris_id.clone(),
        "Ville de Paris".into(),
        base.clone(),
    ));
    tokio::spawn(async move { axum::serve(listener, router(publisher)).await.unwrap() });

    // The pages, read one after the other as a mirror reads them.
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            let r = http.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap().to_vec()
        }
    };
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    let mut next = Some("/federation/v1/changes?since=0".to_owned());
    while let Some(path) = next.take() {
        let bytes = get(path.clone()).await;
        let page: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        next = page["next"].as_str().map(str::to_owned);
        pages.push((path, bytes));
    }
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let records: usize = pages
        .iter()
        .map(|(_, b)| {
            let page: serde_json::Value = serde_json::from_slice(b).unwrap();
            page["changes"].as_array().unwrap().len()
        })
        .sum();
    assert_eq!(records, 600);
    // Asked again, last first: the same bytes, made again or not.
    for (path, bytes) in pages.iter().skip(1).rev() {
        assert_eq!(&get(path.clone()).await, bytes, "{path}");
    }

    // A mirror syncs the whole feed.
    let lyon = TempRegistry::new();
    let client = Client::new().unwrap().without_backoff();
    let synced = sync(
        &client,
        &lyon.registry,
        &"lyon".parse().unwrap(),
        &paris_id,
        &base,
        &[public],
        None,
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    assert!(
        matches!(
            synced,
            Synced::Applied(Applied::Written { put: 600, .. }, _)
        ),
        "{synced:?}"
    );
}

/// `warm` signs the first checkpoint before any request: the checkpoint
/// served later is that one, issued before the request came.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warmed_publisher_has_signed_before_the_first_request() {
    let paris = TempRegistry::new();
    add(&paris.registry, "outil", "Outil");
    let served = Registry::open(paris.registry.git_dir()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let publisher = Arc::new(Publisher::new(
        served,
        Identity::from_secret([4; 32]),
        "paris".parse().unwrap(),
        "Ville de Paris".into(),
        base.clone(),
    ));
    assert!(!publisher.has_signed());
    publisher.warm();
    for _ in 0..200 {
        if publisher.has_signed() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(publisher.has_signed());
    tokio::spawn(async move { axum::serve(listener, router(publisher)).await.unwrap() });
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let asked = jiff::Timestamp::now();
    let bytes = reqwest::get(format!("{base}/federation/v1/checkpoint"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let checkpoint: cdl_federation::Checkpoint =
        cdl_federation::Envelope::from_bytes(&bytes, 64 * 1024)
            .unwrap()
            .peek()
            .unwrap();
    assert!(
        asked.duration_since(checkpoint.issued_at) >= jiff::SignedDuration::from_secs(1),
        "issued at {}, asked at {asked}",
        checkpoint.issued_at
    );
}
