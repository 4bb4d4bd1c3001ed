//! The index on disk: incremental changes, reopening, corruption, versions.

use std::fs;

use cdl_indexer::{Change, OpenStatus, SearchIndex};
use cdl_records::{Kind, RecordId};

use crate::util::{index_of, options, software};

#[test]
fn changes_are_searchable_right_after_apply() {
    let idx = index_of(&[software("a", "Agenda"), software("b", "Tableur")]);
    assert!(idx.ids("cartographie").is_empty());
    idx.upsert(vec![software("c", "Cartographie")], "c2");
    assert_eq!(idx.ids("cartographie"), ["c"]);
    // A modification replaces the document.
    idx.upsert(vec![software("a", "Agenda des cartes")], "c3");
    assert_eq!(idx.search("agenda").total, 1);
    assert_eq!(idx.ids("cartes"), ["a"]);
    // A deletion removes it.
    idx.index
        .apply(
            &[Change::Delete {
                origin: "paris".to_owned(),
                kind: Kind::Software,
                id: RecordId::new("b").unwrap(),
            }],
            "c4",
        )
        .unwrap();
    assert!(idx.ids("tableur").is_empty());
    assert_eq!(idx.index.num_docs(), 2);
    assert_eq!(idx.index.commit().as_deref(), Some("c4"));
}

#[test]
fn reopening_keeps_documents_and_commit() {
    let idx = index_of(&[software("a", "Agenda")]);
    let path = idx.index.dir().to_owned();
    idx.index.close_writer().unwrap();
    drop(idx.index);
    let (again, status) = SearchIndex::open(&path, options()).unwrap();
    assert_eq!(status, OpenStatus::Current);
    assert_eq!(again.commit().as_deref(), Some("c1"));
    assert_eq!(again.num_docs(), 1);
}

#[test]
fn missing_index_is_created_empty() {
    let dir = tempfile::tempdir().unwrap();
    let (index, status) = SearchIndex::open(dir.path().join("nope"), options()).unwrap();
    assert_eq!(status, OpenStatus::Created);
    assert_eq!(index.commit(), None);
    assert_eq!(index.num_docs(), 0);
}

#[test]
fn corrupt_index_is_detected_and_reset() {
    for damage in ["meta", "segments", "garbage-folder"] {
        let idx = index_of(&[software("a", "Agenda")]);
        let path = idx.index.dir().to_owned();
        idx.index.close_writer().unwrap();
        drop(idx.index);
        match damage {
            "meta" => fs::write(path.join("meta.json"), b"{ not json").unwrap(),
            "segments" => {
                for entry in fs::read_dir(&path).unwrap() {
                    let p = entry.unwrap().path();
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    if name.ends_with(".store") || name.ends_with(".term") || name.ends_with(".idx")
                    {
                        fs::write(&p, b"truncated").unwrap();
                    }
                }
            }
            _ => {
                fs::remove_dir_all(&path).unwrap();
                fs::create_dir_all(&path).unwrap();
                fs::write(path.join("stray.txt"), b"hello").unwrap();
            }
        }
        let (index, status) = SearchIndex::open(&path, options()).unwrap();
        assert!(
            matches!(status, OpenStatus::Reset { .. }),
            "{damage}: {status:?}"
        );
        assert_eq!(index.commit(), None, "{damage}");
        assert_eq!(index.num_docs(), 0, "{damage}");
    }
}

#[test]
fn other_schema_version_is_reset() {
    let idx = index_of(&[software("a", "Agenda")]);
    let path = idx.index.dir().to_owned();
    idx.index.close_writer().unwrap();
    drop(idx.index);
    let meta = fs::read_to_string(path.join("meta.json")).unwrap();
    let needle = format!("\\\"schema_version\\\":{}", cdl_indexer::SCHEMA_VERSION);
    assert!(meta.contains(&needle), "{meta}");
    fs::write(
        path.join("meta.json"),
        meta.replace(&needle, "\\\"schema_version\\\":0"),
    )
    .unwrap();
    let (_, status) = SearchIndex::open(&path, options()).unwrap();
    assert!(
        matches!(status, OpenStatus::Reset { ref reason } if reason.contains("version")),
        "{status:?}"
    );
}
