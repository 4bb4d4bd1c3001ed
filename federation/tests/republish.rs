//! Mirrors of mirrors, between real registries in temporary folders: a
//! registry re-publishes what it mirrors with the provenance chain and the
//! origin's own signed checkpoint; a third one verifies it with the keys
//! the re-publisher vouches for, refuses every altered feed, and never
//! takes back its own records or a chain that passes through it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cdl_federation::mirror::{
    Applied, CHECKPOINT_FILE, Plan, Skip, VIA_FILE, apply, apply_republished, plan, read_state,
};
use cdl_federation::peers::{Peer, Peers};
use cdl_federation::publish::Listings;
use cdl_federation::publish::{changes, checkpoint, mirror_changes, republished, state};
use cdl_federation::{
    Change, Changes, Digest, Envelope, Identity, KeyEntry, PublishError, RegistryId, Republished,
    SyncError,
};
use cdl_registry::testing::{TempRegistry, merge_software as add};
use cdl_registry::{Pseudonym, RecordKey, Registry, Withdrawal, WithdrawalReason};
use jiff::{SignedDuration, Timestamp};

fn id(s: &str) -> RegistryId {
    s.parse().unwrap()
}

fn now() -> Timestamp {
    "2026-12-02T10:00:00Z".parse().unwrap()
}

struct City {
    t: TempRegistry,
    id: RegistryId,
    key: Identity,
}

impl City {
    fn new(name: &str, secret: u8) -> City {
        City {
            t: TempRegistry::new(),
            id: id(name),
            key: Identity::from_secret([secret; 32]),
        }
    }
    fn reg(&self) -> &Registry {
        &self.t.registry
    }
    /// Its own checkpoint and changes since `since`, signed at `at`.
    fn publish(&self, since: u64, at: Timestamp) -> (Envelope, Changes) {
        let s = state(self.reg(), &Listings::default()).unwrap();
        let (_, env) = checkpoint(&self.id, &s, &self.key, at, Vec::new(), Vec::new());
        (
            env,
            changes(
                self.reg(),
                &Listings::default(),
                &self.id,
                &s,
                since,
                None,
                10_000,
            )
            .unwrap(),
        )
    }
    /// This city as another pins it.
    fn as_peer(&self, name: &str) -> Peer {
        Peer {
            id: self.id.clone(),
            name: name.to_owned(),
            url: format!("https://{}.example/", self.id),
            keys: vec![self.key.public()],
            etag: None,
            last_sync: None,
            last_error: None,
            discovered: None,
        }
    }
}

fn pinning(peers: Vec<Peer>) -> Peers {
    Peers {
        uses: Vec::new(),
        peers,
    }
}

/// What `via` re-publishes of `of`: the entry, the origin's envelope as
/// stored, and the changes since `since`.
fn relayed(
    via: &City,
    peers: &Peers,
    of: &RegistryId,
    since: u64,
) -> (Republished, Envelope, Vec<Changes>) {
    let entry = republished(via.reg(), &via.id, peers)
        .unwrap()
        .into_iter()
        .find(|r| &r.registry == of)
        .unwrap();
    let bytes = via
        .reg()
        .mirror_file(of.as_str(), CHECKPOINT_FILE)
        .unwrap()
        .unwrap();
    let env = Envelope::from_bytes(&bytes, 64 * 1024).unwrap();
    let page = mirror_changes(
        via.reg(),
        &Listings::default(),
        &via.id,
        peers,
        of,
        since,
        None,
        None,
        10_000,
    )
    .unwrap();
    (entry, env, vec![page])
}

#[test]
fn a_mirror_of_a_mirror_is_verified_with_the_origins_key_and_tampering_is_refused() {
    let paris = City::new("paris", 1);
    let lyon = City::new("lyon", 2);
    let nantes = City::new("nantes", 3);
    let stranger = Identity::from_secret([9; 32]);
    for rid in ["lutece", "dansmarue", "facil"] {
        add(paris.reg(), rid, rid);
    }
    // Lyon mirrors Paris directly.
    let (env, page) = paris.publish(0, now());
    apply(
        lyon.reg(),
        &lyon.id,
        &paris.id,
        &[paris.key.public()],
        &env,
        &[page],
        now(),
    )
    .unwrap();
    let lyon_peers = pinning(vec![paris.as_peer("Ville de Paris")]);
    let list = republished(lyon.reg(), &lyon.id, &lyon_peers).unwrap();
    assert_eq!(
        list,
        [Republished {
            registry: paris.id.clone(),
            name: "Ville de Paris".into(),
            base_url: "https://paris.example/".into(),
            keys: vec![KeyEntry::of(paris.key.public())],
            chain: vec![paris.id.clone(), lyon.id.clone()],
        }]
    );
    // A mirror of a peer no longer pinned is not re-published.
    assert!(
        republished(lyon.reg(), &lyon.id, &pinning(Vec::new()))
            .unwrap()
            .is_empty()
    );

    let nantes_peers = pinning(vec![lyon.as_peer("Ville de Lyon")]);
    let (entry, env, pages) = relayed(&lyon, &lyon_peers, &paris.id, 0);
    assert_eq!(
        plan(nantes.reg(), &nantes.id, &nantes_peers, &lyon.id, &entry).unwrap(),
        Plan::Fetch {
            since: 0,
            etag: None
        }
    );
    let Change::Put { origin, .. } = &pages[0].changes[0] else {
        panic!("a put first");
    };
    assert_eq!(origin, &[paris.id.clone(), lyon.id.clone()]);

    // Every altered feed or vouching is refused; the mirror stays absent.
    let mut cases: Vec<(&str, Republished, Envelope, Vec<Changes>)> = Vec::new();
    let edit = |f: &dyn Fn(&mut Changes)| {
        let mut p = pages.clone();
        f(&mut p[0]);
        p
    };
    let alter = |c: &mut Change| {
        if let Change::Put { text, digest, .. } = c {
            *text = text.replace("title = ", "title = \"Modifié\"\n# ");
            *digest = Digest::of(text.as_bytes());
        }
    };
    cases.push((
        "a record altered",
        entry.clone(),
        env.clone(),
        edit(&|p| alter(&mut p.changes[0])),
    ));
    cases.push((
        "a record altered, its digest not",
        entry.clone(),
        env.clone(),
        edit(&|p| {
            if let Change::Put { text, .. } = &mut p.changes[1] {
                text.push_str("# x\n");
            }
        }),
    ));
    cases.push((
        "a record dropped",
        entry.clone(),
        env.clone(),
        edit(&|p| {
            p.changes.remove(1);
        }),
    ));
    cases.push((
        "the chain shortened to the origin",
        entry.clone(),
        env.clone(),
        edit(&|p| {
            for c in &mut p.changes {
                if let Change::Put { origin, .. } = c {
                    origin.pop();
                }
            }
        }),
    ));
    cases.push((
        "the records claimed by the re-publisher",
        entry.clone(),
        env.clone(),
        edit(&|p| {
            for c in &mut p.changes {
                if let Change::Put { origin, .. } = c {
                    *origin = vec![id("lyon")];
                }
            }
        }),
    ));
    cases.push((
        "a page of another registry",
        entry.clone(),
        env.clone(),
        edit(&|p| p.registry = id("lyon")),
    ));
    let mut wrong_key = entry.clone();
    wrong_key.keys = vec![KeyEntry::of(stranger.public())];
    cases.push((
        "another key vouched for",
        wrong_key,
        env.clone(),
        pages.clone(),
    ));
    let mut bad_fingerprint = entry.clone();
    bad_fingerprint.keys[0].keyid = KeyEntry::of(stranger.public()).keyid;
    cases.push((
        "a key under another fingerprint",
        bad_fingerprint,
        env.clone(),
        pages.clone(),
    ));
    let s = state(paris.reg(), &Listings::default()).unwrap();
    let (_, forged) = checkpoint(&paris.id, &s, &stranger, now(), Vec::new(), Vec::new());
    cases.push((
        "a checkpoint signed by another key",
        entry.clone(),
        forged,
        pages.clone(),
    ));
    let lyon_own = lyon.publish(0, now()).0;
    cases.push((
        "the re-publisher's own checkpoint",
        entry.clone(),
        lyon_own,
        pages.clone(),
    ));
    for (name, entry, env, pages) in cases {
        let refused = apply_republished(nantes.reg(), &nantes.id, &entry, &env, &pages, now());
        assert!(refused.is_err(), "{name}: {refused:?}");
        assert!(
            read_state(nantes.reg(), &paris.id).unwrap().head.is_none(),
            "{name}"
        );
    }
    // Expired: refused too.
    let late = now() + SignedDuration::from_hours(8 * 24);
    assert!(matches!(
        apply_republished(nantes.reg(), &nantes.id, &entry, &env, &pages, late),
        Err(SyncError::Checkpoint(_))
    ));

    // The honest feed is applied, under Paris's namespace, with the chain.
    let applied = apply_republished(nantes.reg(), &nantes.id, &entry, &env, &pages, now()).unwrap();
    assert!(
        matches!(applied, Applied::Written { put: 3, .. }),
        "{applied:?}"
    );
    let held = read_state(nantes.reg(), &paris.id).unwrap();
    assert_eq!(held.via.as_ref(), Some(&entry));
    assert_eq!(held.envelope.as_deref(), Some(env.to_bytes().as_slice()));
    assert!(
        nantes
            .reg()
            .mirror_file("paris", VIA_FILE)
            .unwrap()
            .is_some()
    );
    assert!(nantes.reg().mirror_head("lyon").unwrap().is_none());
    // The same again: unchanged.
    let (_, _, none) = relayed(&lyon, &lyon_peers, &paris.id, held.since());
    assert!(none[0].changes.is_empty());
    assert_eq!(
        apply_republished(nantes.reg(), &nantes.id, &entry, &env, &none, now()).unwrap(),
        Applied::Unchanged
    );

    // A change and a withdrawal at Paris travel through Lyon to Nantes,
    // from the version Nantes holds.
    add(paris.reg(), "nouveau", "Nouveau");
    paris
        .reg()
        .withdraw(
            &RecordKey::new(cdl_records::Kind::Software, "dansmarue".parse().unwrap()),
            &Withdrawal {
                reason: WithdrawalReason::Licence,
                explanation: "Aucune licence déclarée.".into(),
                replaced_by: None,
                curator: Pseudonym::new("c"),
            },
        )
        .unwrap();
    let since = read_state(lyon.reg(), &paris.id).unwrap().since();
    let (env2, page2) = paris.publish(since, now());
    apply(
        lyon.reg(),
        &lyon.id,
        &paris.id,
        &[paris.key.public()],
        &env2,
        &[page2],
        now(),
    )
    .unwrap();
    let held_since = held.since();
    assert_eq!(
        plan(nantes.reg(), &nantes.id, &nantes_peers, &lyon.id, &entry).unwrap(),
        Plan::Fetch {
            since: held_since,
            // Held under this entry: asked on the condition that the
            // checkpoint held (its SHA-256 is the ETag) changed.
            etag: Some(format!(
                "\"{}\"",
                cdl_federation::Digest::of(held.envelope.as_deref().unwrap()).hex()
            ))
        }
    );
    let (entry, env, pages) = relayed(&lyon, &lyon_peers, &paris.id, held_since);
    assert_eq!(pages[0].changes.len(), 2, "{:?}", pages[0].changes);
    // Lyon hiding the withdrawal, or altering the new record: refused, and
    // the mirror Nantes holds stays as it was.
    let before = read_state(nantes.reg(), &paris.id).unwrap().head;
    for (name, f) in [
        (
            "the withdrawal hidden",
            (|p: &mut Changes| {
                p.changes.retain(|c| matches!(c, Change::Put { .. }));
            }) as fn(&mut Changes),
        ),
        ("the new record altered", |p: &mut Changes| {
            for c in &mut p.changes {
                if let Change::Put { text, digest, .. } = c {
                    *text = text.replace("Nouveau", "Contrefait");
                    *digest = Digest::of(text.as_bytes());
                }
            }
        }),
        ("a record of Lyon's slipped in", |p: &mut Changes| {
            let text =
                "id = \"zz\"\nkind = \"software\"\ntitle = \"zz\"\nlicense = \"MIT\"\n".to_owned();
            p.changes.push(Change::Put {
                path: "records/software/zz.toml".into(),
                digest: Digest::of(text.as_bytes()),
                origin: vec!["paris".parse().unwrap(), "lyon".parse().unwrap()],
                text,
            });
        }),
    ] {
        let mut tampered = pages.clone();
        f(&mut tampered[0]);
        let refused = apply_republished(nantes.reg(), &nantes.id, &entry, &env, &tampered, now());
        assert!(refused.is_err(), "{name}: {refused:?}");
        assert_eq!(
            read_state(nantes.reg(), &paris.id).unwrap().head,
            before,
            "{name}"
        );
    }
    let applied = apply_republished(nantes.reg(), &nantes.id, &entry, &env, &pages, now()).unwrap();
    assert!(
        matches!(
            applied,
            Applied::Written {
                put: 1,
                withdrawn: 1,
                ..
            }
        ),
        "{applied:?}"
    );
    let files: Vec<String> = read_state(nantes.reg(), &paris.id)
        .unwrap()
        .files
        .into_keys()
        .collect();
    assert_eq!(
        files,
        [
            "records/software/facil.toml",
            "records/software/lutece.toml",
            "records/software/nouveau.toml"
        ]
    );
    // An unknown version or registry is answered as such.
    assert!(matches!(
        mirror_changes(
            lyon.reg(),
            &Listings::default(),
            &lyon.id,
            &lyon_peers,
            &paris.id,
            2,
            None,
            None,
            10
        ),
        Err(PublishError::UnknownMirrorVersion { version: 2 })
    ));
    assert!(matches!(
        mirror_changes(
            lyon.reg(),
            &Listings::default(),
            &lyon.id,
            &lyon_peers,
            &id("marseille"),
            0,
            None,
            None,
            10
        ),
        Err(PublishError::UnknownMirror { .. })
    ));
    // Nantes re-publishes it in turn, the chain extended.
    let onward = republished(nantes.reg(), &nantes.id, &nantes_peers).unwrap();
    assert_eq!(onward.len(), 1);
    assert_eq!(onward[0].chain, [id("paris"), id("lyon"), id("nantes")]);
    assert_eq!(onward[0].name, "Ville de Paris");
}

#[test]
fn loops_direct_peers_and_other_chains_are_skipped() {
    let paris = City::new("paris", 1);
    let lyon = City::new("lyon", 2);
    let nantes = City::new("nantes", 3);
    let entry = |of: &City, chain: &[&str]| Republished {
        registry: of.id.clone(),
        name: of.id.to_string(),
        base_url: String::new(),
        keys: vec![KeyEntry::of(of.key.public())],
        chain: chain.iter().map(|c| c.parse().unwrap()).collect(),
    };
    let none = pinning(vec![nantes.as_peer("Ville de Nantes")]);
    let plan_at = |peers: &Peers, e: &Republished| {
        plan(paris.reg(), &paris.id, peers, &nantes.id, e).unwrap()
    };
    // Paris's own records coming back, and a chain through Paris.
    assert_eq!(
        plan_at(&none, &entry(&paris, &["paris", "lyon", "nantes"])),
        Plan::Skip(Skip::OwnRecords)
    );
    assert_eq!(
        plan_at(&none, &entry(&lyon, &["lyon", "paris", "nantes"])),
        Plan::Skip(Skip::Loop)
    );
    // Chains that do not start with the origin or end with the sender.
    for chain in [
        &["nantes", "lyon"][..],
        &["lyon"][..],
        &["lyon", "lyon", "nantes"][..],
        &["marseille", "nantes"][..],
    ] {
        assert_eq!(
            plan_at(&none, &entry(&lyon, chain)),
            Plan::Skip(Skip::BadChain),
            "{chain:?}"
        );
    }
    // Pinned directly: the direct peer wins.
    let both = pinning(vec![
        nantes.as_peer("Ville de Nantes"),
        lyon.as_peer("Ville de Lyon"),
    ]);
    assert_eq!(
        plan_at(&both, &entry(&lyon, &["lyon", "nantes"])),
        Plan::Skip(Skip::DirectPeer)
    );
    assert_eq!(
        plan_at(&none, &entry(&lyon, &["lyon", "nantes"])),
        Plan::Fetch {
            since: 0,
            etag: None
        }
    );
}

#[test]
fn a_re_signed_checkpoint_is_stored_so_that_what_is_re_published_does_not_expire() {
    let paris = City::new("paris", 1);
    let lyon = City::new("lyon", 2);
    add(paris.reg(), "lutece", "Lutece");
    let keys = [paris.key.public()];
    let (env, page) = paris.publish(0, now());
    apply(lyon.reg(), &lyon.id, &paris.id, &keys, &env, &[page], now()).unwrap();
    // A day later Paris re-signs the same state: the new envelope is kept.
    let later = now() + SignedDuration::from_hours(24);
    let since = read_state(lyon.reg(), &paris.id).unwrap().since();
    let (env2, page2) = paris.publish(since, later);
    let refreshed = apply(
        lyon.reg(),
        &lyon.id,
        &paris.id,
        &keys,
        &env2,
        &[page2],
        later,
    )
    .unwrap();
    assert!(
        matches!(refreshed, Applied::Refreshed { version: 2, .. }),
        "{refreshed:?}"
    );
    let held = read_state(lyon.reg(), &paris.id).unwrap();
    assert_eq!(held.envelope.as_deref(), Some(env2.to_bytes().as_slice()));
    assert_eq!(
        held.checkpoint.unwrap().expires_at,
        later + SignedDuration::from_hours(7 * 24)
    );
    // The re-published feed still answers from the version, both commits
    // being for it.
    let peers = pinning(vec![paris.as_peer("Ville de Paris")]);
    let page = mirror_changes(
        lyon.reg(),
        &Listings::default(),
        &lyon.id,
        &peers,
        &paris.id,
        2,
        Some(2),
        None,
        10,
    )
    .unwrap();
    assert!(page.changes.is_empty());
    assert_eq!(page.version, 2);
}
