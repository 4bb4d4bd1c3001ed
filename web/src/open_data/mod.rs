//! The open-data window: what harvesters and reusers read from the
//! catalogue in the standards of their trade. OAI-PMH 2.0 at `/oai`
//! ([`oai`]) for libraries' and archives' harvesters; DCAT-AP 3 at
//! `/catalog` ([`dcat`]) for open-data portals.

pub mod dcat;
pub mod dumps;
pub mod oai;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use cdl_records::Record;
use cdl_registry::{ObjectId, RecordKey, Registry};

use crate::state::AppState;

/// The routes of the open-data window, merged into the site's router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oai", get(oai::get).post(oai::post))
        .route("/catalog", get(dcat::negotiate))
        .route("/catalog.ttl", get(dcat::ttl))
        .route("/catalog.jsonld", get(dcat::jsonld))
        .route("/dumps/catalogue.json.gz", get(dumps::catalogue_json))
}

/// One record as harvesters see it: present or deleted (withdrawn, or its
/// file removed), with the time it last changed on `main`.
#[derive(Debug, Clone)]
pub struct Item {
    /// The record.
    pub key: RecordKey,
    /// When it last changed on `main`, seconds since the Unix epoch.
    pub datestamp: i64,
    /// The record; `None` when it was withdrawn or removed.
    pub record: Option<Arc<Record>>,
}

/// Every record that is or was on `main`, with datestamps, for one commit.
#[derive(Debug)]
pub struct Catalogue {
    /// The `main` commit read.
    pub commit: ObjectId,
    /// Items sorted by datestamp, then key: the order of every list.
    pub items: Vec<Item>,
    /// The earliest datestamp there can be (the first commit's time).
    pub earliest: i64,
    /// Each record's datestamp, kept to bring the next commit up to date
    /// from the new commits only.
    stamps: HashMap<RecordKey, i64>,
}

/// The [`Catalogue`] of the latest `main` commit, rebuilt when `main`
/// moves (from the new commits' changes and one snapshot).
#[derive(Debug, Default)]
pub struct CatalogueCache(
    Mutex<Option<Arc<Catalogue>>>,
    Mutex<Option<Arc<dumps::Dump>>>,
);

impl CatalogueCache {
    /// The dump made for `commit`, if it is the one kept.
    pub fn dump(&self, commit: &str) -> Option<Arc<dumps::Dump>> {
        let guard = self.1.lock().ok()?;
        guard.as_ref().filter(|d| d.commit == commit).cloned()
    }

    /// Keeps `dump` (the latest commit's) instead of the one kept.
    pub fn keep_dump(&self, dump: Arc<dumps::Dump>) {
        if let Ok(mut guard) = self.1.lock() {
            *guard = Some(dump);
        }
    }

    /// The catalogue of `registry`'s current `main`. Blocking.
    ///
    /// # Errors
    /// When the registry cannot be read, as a message.
    pub fn get(&self, registry: &Registry) -> Result<Arc<Catalogue>, String> {
        let main = registry.main().map_err(|e| e.to_string())?;
        let previous = self.0.lock().ok().and_then(|g| g.clone());
        if let Some(c) = &previous
            && c.commit == main
        {
            return Ok(Arc::clone(c));
        }
        let hex = main.to_hex().to_string();
        let (mut stamps, since) = match &previous {
            Some(c) => (c.stamps.clone(), Some(c.commit)),
            None => (HashMap::new(), None),
        };
        let fresh = registry
            .datestamps(Some(&hex), since)
            .map_err(|e| e.to_string())?;
        // The first commit's time does not change as the branch grows.
        let earliest = match &previous {
            Some(c) => c.earliest.min(fresh.earliest.unwrap_or(c.earliest)),
            None => fresh.earliest.unwrap_or(0),
        };
        stamps.extend(fresh.changed);
        let snapshot = registry.snapshot(Some(&hex)).map_err(|e| e.to_string())?;
        let mut present = HashMap::with_capacity(snapshot.records.len());
        let mut items = Vec::with_capacity(stamps.len().max(snapshot.records.len()));
        for record in snapshot.records {
            let key = RecordKey::new(record.kind(), record.id.clone());
            let datestamp = stamps.get(&key).copied().unwrap_or(earliest);
            present.insert(key.clone(), ());
            items.push(Item {
                key,
                datestamp,
                record: Some(Arc::new(record)),
            });
        }
        for (key, datestamp) in &stamps {
            if !present.contains_key(key) {
                items.push(Item {
                    key: key.clone(),
                    datestamp: *datestamp,
                    record: None,
                });
            }
        }
        items.sort_by(|a, b| (a.datestamp, &a.key).cmp(&(b.datestamp, &b.key)));
        let catalogue = Arc::new(Catalogue {
            commit: main,
            items,
            earliest,
            stamps,
        });
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some(Arc::clone(&catalogue));
        }
        Ok(catalogue)
    }
}
