//! A hostile network between a mirror and its peer: a proxy on a loopback
//! port relays the real publisher's answers and tampers with them (byte
//! flips in the signed checkpoint, its signature and the plain changes
//! feed; dropped, duplicated, swapped and extra records; records outside
//! the peer's namespace; an expired checkpoint, and a replayed old one; a checkpoint signed by
//! another key; oversized, truncated, endless, malformed, slow and silent
//! answers; errors and redirects). Every case must be refused, the mirror
//! must stay as it was, and a clean sync must then still work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cdl_federation::client::{Client, Synced, sync};
use cdl_federation::mirror::{Applied, read_state};
use cdl_federation::server::{Publisher, router};
use cdl_federation::{Envelope, Identity, RegistryId};
use cdl_registry::testing::{TempRegistry, merge_software as add, software};
use cdl_registry::{Pseudonym, RecordKey, Registry, Withdrawal, WithdrawalReason};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A change to a JSON page of changes.
type Edit = fn(&mut serde_json::Value);

/// What the proxy does to the next answers.
#[derive(Clone)]
enum Tamper {
    /// Relays as is.
    Honest,
    /// Flips a byte of the checkpoint's signed payload (then re-encodes).
    PayloadByte(usize),
    /// Flips a byte of the checkpoint's signature.
    SignatureByte(usize),
    /// Flips a byte of the changes page as sent.
    ChangesByte(usize),
    /// Rewrites the changes page.
    ChangesEdit(Edit),
    /// Serves these bytes as the checkpoint.
    Checkpoint(Vec<u8>),
    /// Answers every request with this status and an empty body.
    Status(u16),
    /// Redirects every request to the real publisher.
    Redirect,
    /// Sends half of the changes page, then closes.
    TruncatedChanges,
    /// Announces a length, sends fewer bytes, closes.
    ShortBody,
    /// A chunked changes page that never ends.
    EndlessChanges,
    /// A changes page larger than the protocol's limit, with its length.
    OversizedChanges,
    /// Waits past the client's timeout before answering.
    Slow,
    /// Sends the status line a byte a second.
    Drip,
    /// Accepts and never answers.
    Silent,
    /// Answers bytes that are not HTTP.
    Garbage,
    /// Answers an HTML page as the checkpoint.
    Html,
}

struct Proxy {
    upstream: String,
    tamper: Mutex<Tamper>,
    http: reqwest::Client,
}

impl Proxy {
    fn set(&self, t: Tamper) {
        *self.tamper.lock().unwrap() = t;
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&byte[..n]);
    }
    let line = String::from_utf8_lossy(&head).lines().next()?.to_owned();
    line.split(' ').nth(1).map(str::to_owned)
}

async fn answer(stream: &mut TcpStream, status: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let _ = stream.shutdown().await;
}

fn flip(bytes: &mut [u8], at: usize) {
    let i = at % bytes.len();
    bytes[i] ^= 0x01;
}

/// Rewrites an envelope's payload or signature.
fn reseal(envelope: &[u8], payload: Option<usize>, signature: Option<usize>) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(envelope).unwrap();
    if let Some(at) = payload {
        let mut p = STANDARD.decode(v["payload"].as_str().unwrap()).unwrap();
        flip(&mut p, at);
        v["payload"] = STANDARD.encode(p).into();
    }
    if let Some(at) = signature {
        let mut s = STANDARD
            .decode(v["signatures"][0]["sig"].as_str().unwrap())
            .unwrap();
        flip(&mut s, at);
        v["signatures"][0]["sig"] = STANDARD.encode(s).into();
    }
    serde_json::to_vec(&v).unwrap()
}

async fn serve_one(proxy: Arc<Proxy>, mut stream: TcpStream) {
    let tamper = proxy.tamper.lock().unwrap().clone();
    match tamper {
        Tamper::Silent => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        Tamper::Garbage => {
            let _ = stream.write_all(b"\x00\xffnot http at all\r\n\r\n").await;
            return;
        }
        Tamper::Drip => {
            for b in b"HTTP/1.1 200 OK\r\n" {
                if stream.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            return;
        }
        _ => {}
    }
    let Some(path) = read_head(&mut stream).await else {
        return;
    };
    let checkpoint = path.starts_with("/federation/v1/checkpoint");
    let changes = path.starts_with("/federation/v1/changes");
    match &tamper {
        Tamper::Status(code) => return answer(&mut stream, &format!("{code} Nope"), b"").await,
        Tamper::Redirect => {
            let head = format!(
                "HTTP/1.1 302 Found\r\nLocation: {}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                proxy.upstream
            );
            let _ = stream.write_all(head.as_bytes()).await;
            return;
        }
        Tamper::Slow => {
            tokio::time::sleep(Duration::from_secs(4)).await;
        }
        Tamper::Html if checkpoint => {
            return answer(
                &mut stream,
                "200 OK",
                b"<!doctype html><title>Maintenance</title>",
            )
            .await;
        }
        Tamper::Checkpoint(bytes) if checkpoint => {
            return answer(&mut stream, "200 OK", bytes).await;
        }
        _ => {}
    }
    let upstream = format!("{}{path}", proxy.upstream);
    let Ok(response) = proxy.http.get(&upstream).send().await else {
        return;
    };
    let status = response.status();
    let mut body = response.bytes().await.unwrap().to_vec();
    match tamper {
        Tamper::PayloadByte(at) if checkpoint => body = reseal(&body, Some(at), None),
        Tamper::SignatureByte(at) if checkpoint => body = reseal(&body, None, Some(at)),
        Tamper::ChangesByte(at) if changes => flip(&mut body, at),
        Tamper::ChangesEdit(edit) if changes => {
            let mut v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            edit(&mut v);
            body = serde_json::to_vec(&v).unwrap();
        }
        Tamper::TruncatedChanges if changes => body.truncate(body.len() / 2),
        Tamper::ShortBody if changes => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len() + 100
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            return;
        }
        Tamper::EndlessChanges if changes => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            loop {
                let size = format!("{:x}\r\n", chunk.len());
                if stream.write_all(size.as_bytes()).await.is_err()
                    || stream.write_all(&chunk).await.is_err()
                    || stream.write_all(b"\r\n").await.is_err()
                {
                    return;
                }
            }
        }
        Tamper::OversizedChanges if changes => {
            let mut v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            v["padding"] = "x".repeat(cdl_federation::client::MAX_PAGE_BYTES).into();
            body = serde_json::to_vec(&v).unwrap();
        }
        _ => {}
    }
    let reason = status.canonical_reason().unwrap_or("");
    answer(&mut stream, &format!("{} {reason}", status.as_u16()), &body).await;
}

/// GETs `url` directly (past the proxy) and returns the body.
async fn fetch(http: &reqwest::Client, url: String) -> Vec<u8> {
    http.get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

async fn start_proxy(upstream: String) -> (Arc<Proxy>, String) {
    let proxy = Arc::new(Proxy {
        upstream,
        tamper: Mutex::new(Tamper::Honest),
        http: reqwest::Client::new(),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let p = proxy.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(serve_one(p.clone(), stream));
        }
    });
    (proxy, base)
}

fn changes_of(v: &mut serde_json::Value) -> &mut Vec<serde_json::Value> {
    v["changes"].as_array_mut().unwrap()
}

/// Edits that a signed digest must catch.
const EDITS: &[(&str, Edit)] = &[
    ("drop a record", |v| {
        changes_of(v).remove(0);
    }),
    ("drop the withdrawal", |v| {
        changes_of(v).retain(|c| c["op"] != "withdraw");
    }),
    ("duplicate a record", |v| {
        let first = changes_of(v)[0].clone();
        changes_of(v).push(first);
    }),
    ("swap two records' texts", |v| {
        let c = changes_of(v);
        let puts: Vec<usize> = (0..c.len()).filter(|&i| c[i]["op"] == "put").collect();
        let (a, b) = (puts[0], puts[1]);
        for key in ["text", "digest"] {
            let x = c[a][key].clone();
            c[a][key] = c[b][key].clone();
            c[b][key] = x;
        }
    }),
    ("an extra record", |v| {
        let mut extra = changes_of(v)[0].clone();
        assert_eq!(extra["op"], "put");
        let text = software("intrus", "Intrus", "MIT");
        let digest = cdl_federation::Digest::of(text.as_bytes()).to_string();
        set_put(&mut extra, "path", "records/software/intrus.toml".into());
        set_put(&mut extra, "text", text.into());
        set_put(&mut extra, "digest", digest.into());
        changes_of(v).push(extra);
    }),
    ("a record outside the namespace", |v| {
        let mut extra = changes_of(v)[0].clone();
        set_put(&mut extra, "path", "../../refs/heads/main".into());
        changes_of(v).push(extra);
    }),
    ("a record claimed by another city", |v| {
        let mut c = changes_of(v)[0].clone();
        set_put(&mut c, "origin", serde_json::json!(["lyon"]));
        changes_of(v)[0] = c;
    }),
    ("a page from another registry", |v| {
        v["registry"] = "lyon".into();
    }),
    ("a page from another version", |v| {
        v["since"] = 0.into();
    }),
    ("a next page outside the feed", |v| {
        v["next"] = "/../../federation/key".into();
    }),
    ("an empty page", |v| {
        changes_of(v).clear();
    }),
];

/// Sets `key` of a change, whether changes are tagged inside (`"type"`)
/// or outside (`{"put": {...}}`).
fn set_put(change: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if change.get("put").is_some() {
        change["put"][key] = value;
    } else {
        change[key] = value;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_network_changes_nothing() {
    let paris = TempRegistry::new();
    for i in 0..4 {
        add(
            &paris.registry,
            &format!("outil-{i}"),
            &format!("Outil {i}"),
        );
    }
    let key = Identity::from_secret([7; 32]);
    let public = key.public();
    let paris_id: RegistryId = "paris".parse().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    let publisher = Arc::new(Publisher::new(
        Registry::open(paris.registry.git_dir()).unwrap(),
        key,
        paris_id.clone(),
        "Ville de Paris".into(),
        upstream.clone(),
    ));
    tokio::spawn(async move { axum::serve(listener, router(publisher)).await.unwrap() });
    let (proxy, base) = start_proxy(upstream.clone()).await;

    let lyon = TempRegistry::new();
    let lyon_id: RegistryId = "lyon".parse().unwrap();
    // Short timeouts, so that slow and silent answers cost seconds.
    let client = Client::with_timeouts(Duration::from_secs(1), Duration::from_secs(2))
        .unwrap()
        .without_backoff();
    let run = |client: Client| {
        let lyon = Registry::open(lyon.registry.git_dir()).unwrap();
        let (lyon_id, paris_id, base) = (lyon_id.clone(), paris_id.clone(), base.clone());
        async move {
            sync(
                &client,
                &lyon,
                &lyon_id,
                &paris_id,
                &base,
                &[public],
                None,
                jiff::Timestamp::now(),
            )
            .await
        }
    };

    // The first version, honestly.
    let first = run(client.clone()).await.unwrap();
    assert!(
        matches!(first, Synced::Applied(Applied::Written { put: 4, .. }, _)),
        "{first:?}"
    );
    let old_checkpoint = fetch(&proxy.http, format!("{upstream}/federation/v1/checkpoint")).await;

    // The peer moves on: a change, an addition, a withdrawal.
    add(&paris.registry, "outil-1", "Outil 1, nouvelle version");
    add(&paris.registry, "outil-9", "Outil 9");
    paris
        .registry
        .withdraw(
            &RecordKey::new(cdl_records::Kind::Software, "outil-2".parse().unwrap()),
            &Withdrawal {
                reason: WithdrawalReason::Licence,
                explanation: "Licence retirée.".into(),
                replaced_by: None,
                curator: Pseudonym::new("c"),
            },
        )
        .unwrap();
    let checkpoint_now = fetch(&proxy.http, format!("{upstream}/federation/v1/checkpoint")).await;
    let state = read_state(&lyon.registry, &paris_id).unwrap();
    let since = state.since();
    let page = fetch(
        &proxy.http,
        format!(
            "{upstream}/federation/v1/changes?since={since}&version={}",
            Envelope::from_bytes(&checkpoint_now, 1 << 16)
                .unwrap()
                .open::<cdl_federation::Checkpoint>(&[public])
                .unwrap()
                .version
        ),
    )
    .await;
    let payload_len = STANDARD
        .decode(
            serde_json::from_slice::<serde_json::Value>(&checkpoint_now).unwrap()["payload"]
                .as_str()
                .unwrap(),
        )
        .unwrap()
        .len();
    // The withdrawal's reason is not covered by the signed digest (it says
    // why, it is not the record): flips inside it are left out.
    let page_text = String::from_utf8(page.clone()).unwrap();
    let reason = page_text
        .find("Licence retir")
        .map(|i| i..i + "Licence retirée.".len());

    // A checkpoint of the same state, signed by a stranger.
    let stranger = Identity::from_secret([8; 32]);
    let forged = {
        let envelope: serde_json::Value = serde_json::from_slice(&checkpoint_now).unwrap();
        let payload = STANDARD
            .decode(envelope["payload"].as_str().unwrap())
            .unwrap();
        Envelope::sign(
            envelope["payloadType"].as_str().unwrap(),
            &payload,
            &[&stranger],
        )
        .to_bytes()
    };
    // The current state, signed by the right key, but expired.
    let expired = {
        let envelope = Envelope::from_bytes(&checkpoint_now, 1 << 16).unwrap();
        let mut c: cdl_federation::Checkpoint = envelope.open(&[public]).unwrap();
        c.issued_at = "2026-01-01T00:00:00Z".parse().unwrap();
        c.expires_at = "2026-01-02T00:00:00Z".parse().unwrap();
        Envelope::seal(&c, &[&Identity::from_secret([7; 32])]).to_bytes()
    };
    let mut oversized_checkpoint: serde_json::Value =
        serde_json::from_slice(&checkpoint_now).unwrap();
    oversized_checkpoint["padding"] = "x".repeat(200 * 1024).into();

    let mut cases: Vec<(String, Tamper)> = Vec::new();
    for at in (0..payload_len).step_by(3) {
        cases.push((
            format!("checkpoint payload byte {at}"),
            Tamper::PayloadByte(at),
        ));
    }
    for at in (0..64).step_by(4) {
        cases.push((format!("signature byte {at}"), Tamper::SignatureByte(at)));
    }
    let step = (page.len() / 120).max(1);
    for at in (0..page.len()).step_by(step) {
        if reason.as_ref().is_some_and(|r| r.contains(&at)) {
            continue;
        }
        cases.push((format!("changes byte {at}"), Tamper::ChangesByte(at)));
    }
    for (name, edit) in EDITS {
        cases.push(((*name).to_owned(), Tamper::ChangesEdit(*edit)));
    }
    cases.push(("expired checkpoint".into(), Tamper::Checkpoint(expired)));
    cases.push((
        "checkpoint signed by another key".into(),
        Tamper::Checkpoint(forged),
    ));
    cases.push((
        "oversized checkpoint".into(),
        Tamper::Checkpoint(serde_json::to_vec(&oversized_checkpoint).unwrap()),
    ));
    cases.push(("empty checkpoint".into(), Tamper::Checkpoint(Vec::new())));
    cases.push((
        "checkpoint that is not JSON".into(),
        Tamper::Checkpoint(b"{\"payloadType\":".to_vec()),
    ));
    cases.push((
        "deeply nested checkpoint".into(),
        Tamper::Checkpoint("[".repeat(100_000).into_bytes()),
    ));
    for code in [400, 404, 429, 500, 503] {
        cases.push((format!("status {code}"), Tamper::Status(code)));
    }
    cases.push(("redirect".into(), Tamper::Redirect));
    cases.push(("truncated changes".into(), Tamper::TruncatedChanges));
    cases.push(("body shorter than announced".into(), Tamper::ShortBody));
    cases.push(("endless changes".into(), Tamper::EndlessChanges));
    cases.push(("oversized changes".into(), Tamper::OversizedChanges));
    cases.push(("slow answer".into(), Tamper::Slow));
    cases.push(("status line a byte a second".into(), Tamper::Drip));
    cases.push(("silent peer".into(), Tamper::Silent));
    cases.push(("not HTTP".into(), Tamper::Garbage));
    cases.push(("HTML instead of a checkpoint".into(), Tamper::Html));

    let before = read_state(&lyon.registry, &paris_id).unwrap();
    let mut refused = 0;
    for (name, tamper) in &cases {
        proxy.set(tamper.clone());
        let outcome = tokio::time::timeout(Duration::from_secs(20), run(client.clone()))
            .await
            .unwrap_or_else(|_| panic!("{name}: the sync did not give up"));
        assert!(outcome.is_err(), "{name}: accepted: {outcome:?}");
        let after = read_state(&lyon.registry, &paris_id).unwrap();
        assert_eq!(after.head, before.head, "{name}: the mirror moved");
        refused += 1;
    }
    assert!(refused >= 200, "only {refused} cases");
    println!("hostile network: {refused} tampered answers refused, mirror unchanged");

    // Still alive, still right: an honest sync reaches the peer's state.
    proxy.set(Tamper::Honest);
    let last = run(client.clone()).await.unwrap();
    assert!(
        matches!(
            last,
            Synced::Applied(
                Applied::Written {
                    put: 2,
                    withdrawn: 1,
                    ..
                },
                _
            )
        ),
        "{last:?}"
    );
    assert_eq!(
        read_state(&lyon.registry, &paris_id).unwrap().files.len(),
        4
    );

    // Rollback: the old checkpoint, genuine but older than what the mirror
    // now holds, is refused. (Replayed while the mirror still held that
    // version, it was a freeze, which only expiry reveals.)
    let now_head = read_state(&lyon.registry, &paris_id).unwrap().head;
    proxy.set(Tamper::Checkpoint(old_checkpoint));
    let rolled = run(client.clone()).await;
    assert!(rolled.is_err(), "rollback accepted: {rolled:?}");
    assert_eq!(
        read_state(&lyon.registry, &paris_id).unwrap().head,
        now_head
    );
    println!("and a replayed old checkpoint (rollback) refused");
}
