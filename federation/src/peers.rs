//! The peers a registry mirrors, pinned to their keys, and this registry's
//! own federation identity. Both live in the Git directory's `federation/`
//! folder, outside the tracked tree: never committed, never published.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use cdl_records::{Kind, RecordId};
use cdl_registry::{RecordKey, Registry};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Bilingual, KeyFileError, PeersError};
use crate::identity::{Identity, PublicKey};
use crate::statement::{Discovery, Endpoints, MAX_REGISTRY_ID, RegistryId};

/// The folder, inside the registry's Git directory.
pub const FOLDER: &str = "federation";
/// The private key file in it (mode 0600).
pub const KEY_FILE: &str = "key";
/// The peers file in it.
pub const PEERS_FILE: &str = "peers.toml";

/// A peer, pinned to its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    /// Its registry id (the mirror's ref name).
    pub id: RegistryId,
    /// Its name for people.
    pub name: String,
    /// Its base URL.
    pub url: String,
    /// The keys trusted for it.
    pub keys: Vec<PublicKey>,
    /// The `ETag` of the last checkpoint fetched, for conditional polls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// When it was last synced successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<Timestamp>,
    /// The last refusal, if the last sync failed, in both languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<Bilingual>,
    /// Where its signed discovery document says it is, as read when it
    /// was added (absent from peers added before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovered: Option<Discovered>,
}

/// A peer's public address and endpoints, from its signed discovery
/// document: where offers are posted and their outcomes read, which may
/// differ from the URL it was added by (an internal address, or an old
/// one behind a redirect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovered {
    /// Its public address (empty when the peer has none configured).
    pub base_url: String,
    /// Its endpoints.
    pub endpoints: Endpoints,
}

impl Discovered {
    /// What `discovery` (verified by the caller) says of where the peer is.
    pub fn of(discovery: &Discovery) -> Discovered {
        Discovered {
            base_url: discovery.base_url.clone(),
            endpoints: discovery.endpoints.clone(),
        }
    }
}

impl Peer {
    /// Where the peer says it is: its discovered public address, else
    /// (none discovered, or the peer has no public address configured)
    /// the URL it was added by.
    pub fn address(&self) -> &str {
        match &self.discovered {
            Some(d) if is_web_address(&d.base_url) => &d.base_url,
            _ => &self.url,
        }
    }

    /// Its endpoints as discovered, else the protocol's defaults.
    pub fn endpoints(&self) -> Endpoints {
        self.discovered
            .as_ref()
            .map_or_else(Endpoints::default, |d| d.endpoints.clone())
    }
}

/// Whether `url` is an absolute `http:` or `https:` address with a host:
/// what a peer's signed documents may point readers and offers to (a
/// `javascript:` or `file:` address from a peer is never followed or
/// linked).
pub fn is_web_address(url: &str) -> bool {
    // The URL parser would trim spaces and controls the text still holds,
    // and the text is what is linked: refuse them instead.
    !url.chars().any(|c| c.is_whitespace() || c.is_control())
        && reqwest::Url::parse(url).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
}

/// Every peer of a registry, and the shared applications this registry
/// attests using.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peers {
    /// The shared applications this city uses, as `<registry>:<kind>/<id>`
    /// ([`SharedApp`]): published in its signed checkpoints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<String>,
    /// The peers, by id.
    #[serde(default, rename = "peer")]
    pub peers: Vec<Peer>,
}

/// A shared application, named across the federation: the registry that
/// publishes it and its record there (`paris:software/lutece-core`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SharedApp {
    /// The registry publishing it.
    pub registry: RegistryId,
    /// Its record there.
    pub key: RecordKey,
}

impl std::str::FromStr for SharedApp {
    type Err = UseError;

    fn from_str(s: &str) -> Result<SharedApp, UseError> {
        let bad = || UseError {
            given: s.chars().take(80).collect(),
        };
        let (registry, path) = s.split_once(':').ok_or_else(bad)?;
        let (kind, id) = path.split_once('/').ok_or_else(bad)?;
        let registry: RegistryId = registry.parse().map_err(|_| bad())?;
        let kind: Kind = kind.parse().map_err(|_| bad())?;
        let id = RecordId::new(id).map_err(|_| bad())?;
        Ok(SharedApp {
            registry,
            key: RecordKey::new(kind, id),
        })
    }
}

impl std::fmt::Display for SharedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.registry, self.key)
    }
}

/// A shared application that is not `<registry>:<kind>/<id>`.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "`{given}` is not a shared application: write `<registry>:<kind>/<id>`, such as `paris:software/lutece-core`"
)]
pub struct UseError {
    /// What was given (cut).
    pub given: String,
}

/// The federation folder of `registry`.
pub fn folder(registry: &Registry) -> PathBuf {
    registry.git_dir().join(FOLDER)
}

/// This registry's key pair, made on first use.
///
/// # Errors
/// When the key file cannot be read or written, or is not private.
pub fn identity(registry: &Registry) -> Result<(Identity, bool), KeyFileError> {
    Identity::load_or_create(&folder(registry).join(KEY_FILE))
}

/// This registry's id in the federation: the `id` of its `registry.toml`
/// (a slug of its name), cut to 40 characters.
///
/// # Errors
/// When that id cannot be a registry id even once cut.
pub fn local_id(registry: &Registry) -> Result<RegistryId, PeersError> {
    let given = &registry.config().id;
    let mut id: String = given.chars().take(MAX_REGISTRY_ID).collect();
    while id.ends_with('-') {
        id.pop();
    }
    id.parse().map_err(|_| PeersError::LocalId {
        id: given.chars().take(60).collect(),
    })
}

impl Peers {
    /// Reads the peers of `registry` (none when the file does not exist).
    ///
    /// # Errors
    /// When the file cannot be read or is not a peers file.
    pub fn load(registry: &Registry) -> Result<Peers, PeersError> {
        let path = folder(registry).join(PEERS_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| PeersError::Malformed {
                path,
                reason: e.message().to_owned(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Peers::default()),
            Err(source) => Err(PeersError::Io { path, source }),
        }
    }

    /// Writes the peers of `registry`, replacing the file atomically.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn save(&self, registry: &Registry) -> Result<(), PeersError> {
        let dir = folder(registry);
        let path = dir.join(PEERS_FILE);
        let io = |source| PeersError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&dir).map_err(io)?;
        let text = toml::to_string(self).map_err(|e| PeersError::Malformed {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let tmp = dir.join(format!("{PEERS_FILE}.tmp"));
        write_synced(&tmp, text.as_bytes()).map_err(io)?;
        fs::rename(&tmp, &path).map_err(io)
    }

    /// The peer `id`, if known.
    pub fn get(&self, id: &RegistryId) -> Option<&Peer> {
        self.peers.iter().find(|p| &p.id == id)
    }

    /// Adds or replaces a peer.
    pub fn upsert(&mut self, peer: Peer) {
        match self.peers.iter_mut().find(|p| p.id == peer.id) {
            Some(old) => *old = peer,
            None => self.peers.push(peer),
        }
        self.peers.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Attests using `app`; whether it was new.
    pub fn add_use(&mut self, app: &SharedApp) -> bool {
        let text = app.to_string();
        if self.uses.contains(&text) {
            return false;
        }
        self.uses.push(text);
        self.uses.sort();
        true
    }

    /// Stops attesting `app`; whether it was attested.
    pub fn remove_use(&mut self, app: &SharedApp) -> bool {
        let text = app.to_string();
        let before = self.uses.len();
        self.uses.retain(|u| u != &text);
        before != self.uses.len()
    }

    /// Removes a peer; whether it was there.
    pub fn remove(&mut self, id: &RegistryId) -> bool {
        let before = self.peers.len();
        self.peers.retain(|p| &p.id != id);
        before != self.peers.len()
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_applications_are_registry_kind_and_id() {
        let app: SharedApp = "paris:software/lutece-core".parse().unwrap();
        assert_eq!(app.registry.as_str(), "paris");
        assert_eq!(app.key.to_string(), "software/lutece-core");
        assert_eq!(app.to_string(), "paris:software/lutece-core");
        for bad in [
            "lutece",
            "paris:lutece",
            "paris:painting/lutece",
            "Paris:software/lutece",
            "paris:software/Lutece Core",
            ":software/lutece",
        ] {
            let e = bad.parse::<SharedApp>().unwrap_err();
            assert!(e.to_string().contains("<registry>:<kind>/<id>"), "{bad}");
        }
        let mut peers = Peers::default();
        assert!(peers.add_use(&app));
        assert!(!peers.add_use(&app), "once only");
        assert!(peers.add_use(&"lyon:software/abc".parse().unwrap()));
        assert_eq!(
            peers.uses,
            ["lyon:software/abc", "paris:software/lutece-core"]
        );
        assert!(peers.remove_use(&app));
        assert!(!peers.remove_use(&app));
    }
    use cdl_registry::testing::TempRegistry;

    #[test]
    fn peers_are_kept_outside_the_tracked_tree_and_read_back() {
        let t = TempRegistry::new();
        let r = &t.registry;
        assert_eq!(Peers::load(r).unwrap(), Peers::default());
        let key = Identity::from_secret([5; 32]).public();
        let mut peers = Peers::default();
        peers.upsert(Peer {
            id: "paris".parse().unwrap(),
            name: "Ville de Paris".into(),
            url: "https://conservatoire.paris.fr/".into(),
            keys: vec![key],
            etag: None,
            last_sync: None,
            last_error: None,
            discovered: None,
        });
        peers.save(r).unwrap();
        let back = Peers::load(r).unwrap();
        assert_eq!(back, peers);
        assert_eq!(back.get(&"paris".parse().unwrap()).unwrap().keys, [key]);
        // Nothing of it is in Git: main's tree is unchanged.
        assert!(r.catalogue_files(r.main().unwrap()).unwrap().is_empty());
        let mut again = back.clone();
        assert!(again.remove(&"paris".parse().unwrap()));
        assert!(!again.remove(&"paris".parse().unwrap()));
        // A broken file is named.
        fs::write(folder(r).join(PEERS_FILE), "peer = 3").unwrap();
        assert!(matches!(Peers::load(r), Err(PeersError::Malformed { .. })));
    }

    #[test]
    fn a_peer_is_reached_at_its_discovered_address_else_at_the_url_given() {
        let key = Identity::from_secret([5; 32]).public();
        // A file written before discoveries were kept still loads.
        let old = format!(
            "[[peer]]\nid = \"paris\"\nname = \"Ville de Paris\"\nurl = \"http://10.0.0.1/\"\nkeys = [\"{key}\"]\n"
        );
        let mut peer = toml::from_str::<Peers>(&old).unwrap().peers.remove(0);
        assert_eq!(peer.discovered, None);
        assert_eq!(peer.address(), "http://10.0.0.1/");
        assert_eq!(peer.endpoints(), Endpoints::default());
        // A peer with no public address configured: the URL given.
        let endpoints = Endpoints {
            inbox: "/v2/inbox".into(),
            ..Endpoints::default()
        };
        peer.discovered = Some(Discovered {
            base_url: String::new(),
            endpoints: endpoints.clone(),
        });
        assert_eq!(peer.address(), "http://10.0.0.1/");
        assert_eq!(peer.endpoints().inbox, "/v2/inbox");
        peer.discovered = Some(Discovered {
            base_url: "https://conservatoire.paris.fr/".into(),
            endpoints,
        });
        assert_eq!(peer.address(), "https://conservatoire.paris.fr/");
        // A discovered address that is not a web address is not used.
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "http:// x",
        ] {
            let mut odd = peer.clone();
            if let Some(d) = &mut odd.discovered {
                d.base_url = bad.to_owned();
            }
            assert_eq!(odd.address(), "http://10.0.0.1/", "{bad}");
        }
        // And it is written back and read again.
        let mut peers = Peers::default();
        peers.upsert(peer.clone());
        let back: Peers = toml::from_str(&toml::to_string(&peers).unwrap()).unwrap();
        assert_eq!(back.peers, [peer]);
    }

    #[test]
    fn the_local_id_and_key_come_from_the_registry() {
        let t = TempRegistry::new();
        assert_eq!(local_id(&t.registry).unwrap().as_str(), "test-registry");
        let (made, created) = identity(&t.registry).unwrap();
        assert!(created);
        let (again, created) = identity(&t.registry).unwrap();
        assert!(!created);
        assert_eq!(made.public(), again.public());
    }
}
