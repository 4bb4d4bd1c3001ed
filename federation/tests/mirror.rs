//! Mirroring between real registries in temporary folders: a peer
//! publishes, a mirror verifies and writes; every tampering of the
//! checkpoint or the changes is refused and leaves the mirror unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cdl_federation::mirror::{Applied, apply, read_state};
use cdl_federation::publish::Listings;
use cdl_federation::publish::{changes, checkpoint, state};
use cdl_federation::{Change, Changes, Digest, Envelope, Identity, RegistryId, SyncError};
use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{Pseudonym, RecordFile, RecordKey, Registry, Withdrawal, WithdrawalReason};
use jiff::Timestamp;

fn id(s: &str) -> RegistryId {
    s.parse().unwrap()
}

fn add(r: &Registry, rid: &str, title: &str) {
    let (p, _) = r
        .propose(
            &[RecordFile {
                name: format!("{rid}.toml"),
                text: software(rid, title, "MIT"),
            }],
            &Pseudonym::new("z"),
            None,
        )
        .unwrap();
    r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
}

struct Peer {
    t: TempRegistry,
    id: RegistryId,
    key: Identity,
}

impl Peer {
    fn new(name: &str, secret: u8) -> Peer {
        Peer {
            t: TempRegistry::new(),
            id: id(name),
            key: Identity::from_secret([secret; 32]),
        }
    }
    fn publish(&self, since: u64, now: Timestamp) -> (Envelope, Changes) {
        let s = state(&self.t.registry, &Listings::default()).unwrap();
        let (_, env) = checkpoint(&self.id, &s, &self.key, now, Vec::new(), Vec::new());
        let page = changes(
            &self.t.registry,
            &Listings::default(),
            &self.id,
            &s,
            since,
            None,
            10_000,
        )
        .unwrap();
        (env, page)
    }
}

fn now() -> Timestamp {
    "2026-12-02T10:00:00Z".parse().unwrap()
}

#[test]
fn a_mirror_follows_additions_changes_and_withdrawals() {
    let paris = Peer::new("paris", 1);
    let lyon = Peer::new("lyon", 2);
    for (rid, title) in [
        ("lutece", "Lutece"),
        ("facil-familles", "Facil'Familles"),
        ("dansmarue", "DansMaRue"),
    ] {
        add(&paris.t.registry, rid, title);
    }
    let keys = [paris.key.public()];
    let (env, page) = paris.publish(0, now());
    assert_eq!(page.changes.len(), 3);
    let first = apply(
        &lyon.t.registry,
        &lyon.id,
        &paris.id,
        &keys,
        &env,
        &[page],
        now(),
    )
    .unwrap();
    assert!(
        matches!(
            first,
            Applied::Written {
                put: 3,
                withdrawn: 0,
                ..
            }
        ),
        "{first:?}"
    );
    let mirrored = read_state(&lyon.t.registry, &paris.id).unwrap();
    assert_eq!(mirrored.files.len(), 3);
    // Lyon's own catalogue is untouched.
    assert!(
        lyon.t
            .registry
            .catalogue_files(lyon.t.registry.main().unwrap())
            .unwrap()
            .is_empty()
    );

    // The same state again: nothing to write.
    let (env, page) = paris.publish(mirrored.since(), now());
    assert!(page.changes.is_empty());
    assert_eq!(
        apply(
            &lyon.t.registry,
            &lyon.id,
            &paris.id,
            &keys,
            &env,
            &[page],
            now()
        )
        .unwrap(),
        Applied::Unchanged
    );

    // A change, an addition and a withdrawal: only they travel.
    add(
        &paris.t.registry,
        "lutece",
        "Lutece, le cadriciel de la Ville",
    );
    add(&paris.t.registry, "paris-arbres", "Arbres");
    paris
        .t
        .registry
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
    let (env, page) = paris.publish(mirrored.since(), now());
    assert_eq!(page.changes.len(), 3, "{:?}", page.changes);
    let second = apply(
        &lyon.t.registry,
        &lyon.id,
        &paris.id,
        &keys,
        &env,
        &[page],
        now(),
    )
    .unwrap();
    assert!(
        matches!(
            second,
            Applied::Written {
                put: 2,
                withdrawn: 1,
                ..
            }
        ),
        "{second:?}"
    );
    let after = read_state(&lyon.t.registry, &paris.id).unwrap();
    let paths: Vec<_> = after.files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "records/software/facil-familles.toml",
            "records/software/lutece.toml",
            "records/software/paris-arbres.toml"
        ]
    );
    // The mirror's history has one commit per applied checkpoint.
    let head = after.head.unwrap();
    assert_eq!(lyon.t.registry.first_parents(head).unwrap().len(), 2);
}

/// Every way a proxy or a hostile peer can change what travels: each is
/// refused, and the mirror stays as it was.
#[test]
fn every_tampering_is_refused_and_the_mirror_unchanged() {
    let paris = Peer::new("paris", 1);
    let lyon = Peer::new("lyon", 2);
    let stranger = Identity::from_secret([9; 32]);
    for i in 0..12 {
        add(
            &paris.t.registry,
            &format!("logiciel-{i:02}"),
            &format!("Logiciel {i}"),
        );
    }
    let keys = [paris.key.public()];
    // A first good state, so that rollback can be tried.
    let (env0, page0) = paris.publish(0, now());
    apply(
        &lyon.t.registry,
        &lyon.id,
        &paris.id,
        &keys,
        &env0,
        &[page0],
        now(),
    )
    .unwrap();
    add(&paris.t.registry, "logiciel-12", "Logiciel 12");
    add(&paris.t.registry, "logiciel-00", "Logiciel zéro, modifié");
    let since = read_state(&lyon.t.registry, &paris.id).unwrap().since();
    let (env, page) = paris.publish(since, now());
    let full = paris.publish(0, now()).1;
    assert_eq!(page.changes.len(), 2);

    let mut cases: Vec<(String, Envelope, Vec<Changes>, Timestamp)> = Vec::new();
    let mut case = |name: String, e: &Envelope, p: Vec<Changes>, t: Timestamp| {
        cases.push((name, e.clone(), p, t))
    };

    // Byte flips in each record's text, with and without a matching digest.
    for (ci, c) in page.changes.iter().enumerate() {
        let Change::Put { text, .. } = c else {
            continue;
        };
        for pos in (0..text.len()).step_by(4) {
            for fix_digest in [false, true] {
                let mut p = page.clone();
                if let Change::Put { text, digest, .. } = &mut p.changes[ci] {
                    let mut bytes = text.clone().into_bytes();
                    bytes[pos] = if bytes[pos] == b'x' { b'y' } else { b'x' };
                    *text = String::from_utf8_lossy(&bytes).into_owned();
                    if fix_digest {
                        *digest = Digest::of(text.as_bytes());
                    }
                }
                case(
                    format!("flip {ci}@{pos} digest fixed={fix_digest}"),
                    &env,
                    vec![p],
                    now(),
                );
            }
        }
    }
    // Byte flips in the signed checkpoint itself.
    {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        let payload = engine.decode(&env.payload).unwrap();
        for pos in (0..payload.len()).step_by(payload.len() / 40 + 1) {
            let mut flipped = payload.clone();
            flipped[pos] ^= 0x01;
            let mut e = env.clone();
            e.payload = engine.encode(&flipped);
            case(
                format!("checkpoint byte {pos}"),
                &e,
                vec![page.clone()],
                now(),
            );
        }
    }
    // Dropped, duplicated, swapped, extra records.
    for ci in 0..page.changes.len() {
        let mut p = page.clone();
        p.changes.remove(ci);
        case(format!("drop {ci}"), &env, vec![p], now());
    }
    {
        let mut p = page.clone();
        if let (
            Change::Put {
                text: a,
                digest: da,
                ..
            },
            Change::Put {
                text: b,
                digest: db,
                ..
            },
        ) = (page.changes[0].clone(), page.changes[1].clone())
        {
            if let Change::Put { text, digest, .. } = &mut p.changes[0] {
                *text = b.clone();
                *digest = db;
            }
            if let Change::Put { text, digest, .. } = &mut p.changes[1] {
                *text = a.clone();
                *digest = da;
            }
        }
        case("swap two records".into(), &env, vec![p], now());
    }
    for extra in full.changes.iter().take(5) {
        let mut p = page.clone();
        if let Change::Put {
            path, text, origin, ..
        } = extra.clone()
        {
            let renamed = path.replace(".toml", "-bis.toml");
            let text = text.replace("id = \"", "id = \"x");
            p.changes.push(Change::Put {
                path: renamed,
                digest: Digest::of(text.as_bytes()),
                origin,
                text,
            });
        }
        case(
            format!("extra record beside {extra:?}")
                .chars()
                .take(60)
                .collect(),
            &env,
            vec![p],
            now(),
        );
    }
    // Paths outside the namespace or the layout.
    for bad in [
        "registry.toml",
        "../records/software/x.toml",
        "refs/heads/main",
        "withdrawn/software/logiciel-01.toml",
        "records/software/x.txt",
        "checkpoint.json",
        "records/software/Logiciel.toml",
    ] {
        let mut p = page.clone();
        if let Change::Put { path, .. } = &mut p.changes[0] {
            *path = bad.to_owned();
        }
        case(format!("path {bad}"), &env, vec![p.clone()], now());
        let mut w = page.clone();
        w.changes.push(Change::Withdraw {
            path: bad.to_owned(),
            reason: None,
        });
        case(format!("withdraw {bad}"), &env, vec![w], now());
    }
    // Provenance: a loop through the mirror, a chain that does not end with the peer.
    for chain in [
        vec!["lyon", "paris"],
        vec!["paris", "lyon"],
        vec!["marseille"],
        vec![],
    ] {
        let mut p = page.clone();
        if let Change::Put { origin, .. } = &mut p.changes[0] {
            *origin = chain.iter().map(|s| id(s)).collect();
        }
        case(format!("origin {chain:?}"), &env, vec![p], now());
    }
    // A record that is not valid, or not free.
    for (what, text) in [
        ("not TOML", "id = ".to_owned()),
        (
            "proprietary",
            software("logiciel-00", "Logiciel", "LicenseRef-Proprietary"),
        ),
        ("other id", software("autre", "Autre", "MIT")),
        (
            "huge",
            format!(
                "{}\ndescription = \"{}\"\n",
                software("logiciel-00", "L", "MIT"),
                "a".repeat(300_000)
            ),
        ),
    ] {
        let mut p = page.clone();
        if let Change::Put {
            text: t, digest, ..
        } = &mut p.changes[0]
        {
            *t = text.clone();
            *digest = Digest::of(text.as_bytes());
        }
        case(format!("record {what}"), &env, vec![p], now());
    }
    // The checkpoint: replayed, expired, wrong key, another registry, a page of another version.
    case(
        "old checkpoint replayed with an empty page".into(),
        &paris.publish(0, now()).0.clone(),
        vec![],
        now(),
    );
    let (_, old_env) = {
        let s =
            cdl_federation::publish::state_at(&paris.t.registry, &Listings::default(), since - 1)
                .unwrap();
        checkpoint(&paris.id, &s, &paris.key, now(), Vec::new(), Vec::new())
    };
    case("rollback".into(), &old_env, vec![page.clone()], now());
    case(
        "expired".into(),
        &env,
        vec![page.clone()],
        "2027-01-01T00:00:00Z".parse().unwrap(),
    );
    {
        let s = state(&paris.t.registry, &Listings::default()).unwrap();
        let (_, forged) = checkpoint(&paris.id, &s, &stranger, now(), Vec::new(), Vec::new());
        case(
            "signed by a stranger".into(),
            &forged,
            vec![page.clone()],
            now(),
        );
        let (_, other) = checkpoint(
            &id("marseille"),
            &s,
            &paris.key,
            now(),
            Vec::new(),
            Vec::new(),
        );
        case(
            "checkpoint of another registry".into(),
            &other,
            vec![page.clone()],
            now(),
        );
        let mut unsigned = env.clone();
        unsigned.signatures.clear();
        case("unsigned".into(), &unsigned, vec![page.clone()], now());
    }
    {
        let mut p = page.clone();
        p.registry = id("marseille");
        case("page of another registry".into(), &env, vec![p], now());
        let mut p = page.clone();
        p.since = 0;
        case("page from another version".into(), &env, vec![p], now());
        case("no page".into(), &env, vec![], now());
    }

    let before = read_state(&lyon.t.registry, &paris.id).unwrap().head;
    let total = cases.len();
    let mut accepted = Vec::new();
    for (name, e, pages, t) in cases {
        match apply(&lyon.t.registry, &lyon.id, &paris.id, &keys, &e, &pages, t) {
            Err(err) => {
                // Every refusal says something a person can act on.
                assert!(!err.to_string().is_empty());
                let _: &SyncError = &err;
            }
            Ok(done) => accepted.push(format!("{name}: {done:?}")),
        }
        assert_eq!(
            read_state(&lyon.t.registry, &paris.id).unwrap().head,
            before,
            "{name} changed the mirror"
        );
    }
    assert!(accepted.is_empty(), "accepted: {accepted:#?}");
    assert!(total >= 200, "only {total} tampering cases");
    println!("tampering cases refused: {total}");
    // And the untampered answer still applies.
    assert!(matches!(
        apply(
            &lyon.t.registry,
            &lyon.id,
            &paris.id,
            &keys,
            &env,
            &[page],
            now()
        )
        .unwrap(),
        Applied::Written { put: 2, .. }
    ));
}

#[test]
fn pages_of_changes_join_into_the_whole_feed() {
    let paris = Peer::new("paris", 1);
    for i in 0..5 {
        add(&paris.t.registry, &format!("outil-{i}"), "Outil");
    }
    let s = state(&paris.t.registry, &Listings::default()).unwrap();
    let whole = changes(
        &paris.t.registry,
        &Listings::default(),
        &paris.id,
        &s,
        0,
        None,
        100,
    )
    .unwrap();
    assert_eq!(whole.next, None);
    let mut joined = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = changes(
            &paris.t.registry,
            &Listings::default(),
            &paris.id,
            &s,
            0,
            after.as_deref(),
            2,
        )
        .unwrap();
        assert!(page.changes.len() <= 2);
        joined.extend(page.changes);
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(joined, whole.changes);
}

#[test]
fn a_large_feed_is_checked_in_parallel_and_reports_its_first_bad_record() {
    let paris = Peer::new("paris", 1);
    let lyon = Peer::new("lyon", 2);
    // Enough records for the checks to be split over threads.
    let files: Vec<RecordFile> = (0..300)
        .map(|i| RecordFile {
            name: format!("outil-{i:03}.toml"),
            text: software(&format!("outil-{i:03}"), &format!("Outil {i}"), "MIT"),
        })
        .collect();
    cdl_registry::testing::merge_files(&paris.t.registry, &files);
    let keys = [paris.key.public()];
    let (env, page) = paris.publish(0, now());
    assert_eq!(page.changes.len(), 300);
    // Two records whose text no longer matches its digest, far apart: the
    // one first in the feed is the one reported, whichever thread saw it.
    let mut bad = page.clone();
    for i in [40, 280] {
        if let Change::Put { text, .. } = &mut bad.changes[i] {
            text.push_str("\n# changed\n");
        }
    }
    let err = apply(
        &lyon.t.registry,
        &lyon.id,
        &paris.id,
        &keys,
        &env,
        &[bad],
        now(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("outil-040"), "{text}");
    assert!(!text.contains("outil-280"), "{text}");
    assert!(
        read_state(&lyon.t.registry, &paris.id)
            .unwrap()
            .head
            .is_none()
    );
    // Untampered, all 300 are checked and written.
    let applied = apply(
        &lyon.t.registry,
        &lyon.id,
        &paris.id,
        &keys,
        &env,
        std::slice::from_ref(&page),
        now(),
    )
    .unwrap();
    assert!(
        matches!(applied, Applied::Written { put: 300, .. }),
        "{applied:?}"
    );
    // So many files go straight into a pack, with an index written from
    // the ids: every record reads back as the feed gave it, and stock Git
    // finds the repository sound.
    let state = read_state(&lyon.t.registry, &paris.id).unwrap();
    let head = state.head.unwrap();
    let mirrored = lyon.t.registry.catalogue_files(head).unwrap();
    assert_eq!(mirrored.len(), 300);
    for (f, change) in mirrored.iter().zip(&page.changes) {
        let Change::Put { path, text, .. } = change else {
            panic!("{change:?}")
        };
        assert_eq!(&f.path, path);
        assert_eq!(
            lyon.t.registry.blob(f.blob).unwrap(),
            text.as_bytes(),
            "{path}"
        );
    }
    let git_dir = lyon.t.registry.git_dir();
    let packs: Vec<_> = std::fs::read_dir(git_dir.join("objects/pack"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    for args in [
        vec!["fsck", "--strict", "--no-dangling"],
        vec!["verify-pack", &packs[0].path().to_string_lossy()],
    ] {
        let out = std::process::Command::new("git")
            .arg("--git-dir")
            .arg(git_dir)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A record the format refuses is reported with the format's own words,
/// in French and in English.
#[test]
fn an_invalid_record_is_refused_in_the_formats_words_in_both_languages() {
    let paris = Peer::new("paris", 1);
    let lyon = Peer::new("lyon", 2);
    add(&paris.t.registry, "outil", "Outil");
    let keys = [paris.key.public()];
    let (env, mut page) = paris.publish(0, now());
    // A misspelt field, with the digest made to match: only the format
    // can see what is wrong.
    if let Change::Put { text, digest, .. } = &mut page.changes[0] {
        *text = text.replacen("title", "titel", 1);
        *digest = Digest::of(text.as_bytes());
    }
    let err = apply(
        &lyon.t.registry,
        &lyon.id,
        &paris.id,
        &keys,
        &env,
        &[page],
        now(),
    )
    .unwrap_err();
    let fr = err.message(cdl_records::vocabulary::Lang::Fr);
    let en = err.message(cdl_records::vocabulary::Lang::En);
    assert!(fr.contains("n’est pas une fiche valide"), "{fr}");
    assert!(fr.contains("champ inconnu « titel »"), "{fr}");
    assert!(!fr.contains("unknown field"), "{fr}");
    assert!(en.contains("unknown field `titel`"), "{en}");
    assert!(
        read_state(&lyon.t.registry, &paris.id)
            .unwrap()
            .head
            .is_none()
    );
}
