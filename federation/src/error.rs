//! The errors of the federation crate, one enum per operation.

use std::path::PathBuf;

/// A key or fingerprint that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The operating system gave no random bytes.
    #[error("the operating system gave no random bytes for a new key: {0}")]
    Random(String),
    /// Not 43 characters of base64url for 32 bytes.
    #[error(
        "`{0}` is not an Ed25519 public key (43 characters of unpadded base64url are expected)"
    )]
    BadPublicKey(String),
    /// Not `ed25519:` and 32 hex digits.
    #[error(
        "`{0}` is not a key fingerprint: it reads `ed25519:` then 32 hex digits, as `conservatoire peer add` prints it"
    )]
    BadFingerprint(String),
}

/// The key file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The key file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a key file of this program.
    #[error("{} is not a federation key file (it should start with `conservatoire-federation-key/1`); move it away and a new key is made", path.display())]
    NotAKeyFile {
        /// The file.
        path: PathBuf,
    },
    /// Others than the owner may read or write it.
    #[error("{} can be read or written by others (mode {mode:o}): run `chmod 600` on it, and make a new key if others may have read it", path.display())]
    NotPrivate {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A new key could not be made.
    #[error("{}: {source}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// Why.
        source: KeyError,
    },
}

/// A signed statement that cannot be trusted or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The envelope is not DSSE JSON.
    #[error("the signed statement is not a DSSE envelope: {0}")]
    Malformed(String),
    /// The envelope is larger than allowed.
    #[error("the signed statement is {size} bytes, more than the {limit} allowed")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Another statement than the one expected.
    #[error("expected a statement of type {expected}, got {found}")]
    WrongType {
        /// The expected payload type.
        expected: &'static str,
        /// The payload type found (cut to 80 characters).
        found: String,
    },
    /// No signature by a trusted key verifies.
    #[error(
        "no valid signature by a trusted key ({trusted}); the statement was signed by {signed}"
    )]
    Unsigned {
        /// The trusted fingerprints, comma-separated.
        trusted: String,
        /// The key ids named by the signatures, comma-separated, or `nobody`.
        signed: String,
    },
    /// The payload is signed but not a statement of this protocol.
    #[error("the signed statement cannot be read: {0}")]
    BadPayload(String),
}

/// A checkpoint a mirror must not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Signed for another registry than the peer.
    #[error("the checkpoint is for registry `{found}`, not for the peer `{expected}`")]
    WrongRegistry {
        /// The peer.
        expected: crate::statement::RegistryId,
        /// What the checkpoint says.
        found: crate::statement::RegistryId,
    },
    /// Not a Git commit id.
    #[error("the checkpoint's commit `{0}` is not a 40-digit Git commit id")]
    BadCommit(String),
    /// Expires before it was issued.
    #[error("the checkpoint expires before it was issued")]
    ExpiresBeforeIssue,
    /// Expired: the peer may be frozen.
    #[error(
        "the checkpoint expired at {expires_at}: the peer has not re-signed its state, so it may be frozen or replayed; the last good state is kept"
    )]
    Expired {
        /// When it expired.
        expires_at: jiff::Timestamp,
    },
    /// Older than what was accepted.
    #[error(
        "the checkpoint's version {found} is lower than the {last} already accepted: an old state was replayed"
    )]
    Rollback {
        /// The version accepted last.
        last: u64,
        /// The version offered.
        found: u64,
    },
    /// The same version with another state.
    #[error(
        "version {version} was already accepted with another catalogue digest: the peer signed two states under one version"
    )]
    Equivocation {
        /// The version.
        version: u64,
    },
}

/// The registry's state cannot be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// `since` names a version not reached yet.
    #[error("version {since} is above the catalogue's current version {version}")]
    SinceAhead {
        /// The version asked.
        since: u64,
        /// The current version.
        version: u64,
    },
    /// A record file is not UTF-8 text.
    #[error("{path} is not UTF-8 text")]
    NotText {
        /// The file.
        path: String,
    },
    /// The history does not hold what it should.
    #[error("the registry's history is not consistent (a path listed twice, or a version missing)")]
    Inconsistent,
    /// No mirror of this registry is re-published here.
    #[error("no mirror of {registry} is re-published here")]
    UnknownMirror {
        /// The registry asked for.
        registry: crate::statement::RegistryId,
    },
    /// The mirror never held this version of its registry.
    #[error("the mirror never held version {version}")]
    UnknownMirrorVersion {
        /// The version asked.
        version: u64,
    },
    /// A stored mirror file cannot be read.
    #[error("a stored mirror cannot be read: {0}")]
    Stored(String),
    /// The repository cannot be read.
    #[error(transparent)]
    Read(#[from] cdl_registry::ReadError),
    /// The repository cannot be read.
    #[error(transparent)]
    Storage(#[from] cdl_registry::StorageError),
    /// A mirror cannot be read.
    #[error(transparent)]
    Mirror(#[from] cdl_registry::MirrorError),
}

/// A sync that was refused: nothing was written, the last good state
/// stays.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The checkpoint's signature does not hold.
    #[error("the peer's checkpoint: {0}")]
    Verify(#[from] VerifyError),
    /// The checkpoint breaks a rule.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The changes feed is wrong.
    #[error("the peer's changes: {0}")]
    Feed(FeedError),
    /// A record came back to a registry it passed through.
    #[error("{path} has already passed through this registry ({chain}): a mirroring loop, refused")]
    Loop {
        /// The record.
        path: String,
        /// Its provenance chain.
        chain: String,
    },
    /// The state reached is not the signed one.
    #[error(
        "after the changes, the catalogue digest is {found} over {found_records} records, but version {version} was signed as {expected} over {expected_records}: records were changed, dropped or added on the way"
    )]
    Digest {
        /// The checkpoint's version.
        version: u64,
        /// The signed digest.
        expected: crate::digest::Digest,
        /// The digest reached.
        found: crate::digest::Digest,
        /// The signed count.
        expected_records: u64,
        /// The count reached.
        found_records: u64,
    },
    /// What the mirror holds cannot be read back.
    #[error("the stored checkpoint of this mirror cannot be read: {0}")]
    Stored(String),
    /// A path listed twice.
    #[error("the mirror's state lists a path twice")]
    Inconsistent,
    /// Writing the mirror failed.
    #[error(transparent)]
    Mirror(#[from] cdl_registry::MirrorError),
    /// The repository cannot be read.
    #[error(transparent)]
    Read(#[from] cdl_registry::ReadError),
    /// The peer could not be fetched.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The peers file could not be read or written (to pin a rotated key).
    #[error(transparent)]
    Peers(#[from] PeersError),
}

/// What is wrong with a peer's changes feed, its re-published mirrors or
/// its key rotations.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// A re-published checkpoint answered `304` though none was asked for.
    #[error("a re-published checkpoint answered 304 to an unconditional request")]
    RepublishedNotModified,
    /// More pages than the signed record count needs.
    #[error("the changes go on past {most} pages for {records} records")]
    TooManyPages {
        /// The most pages allowed.
        most: u64,
        /// The signed record count.
        records: u64,
    },
    /// A page answered `304` though none was asked for.
    #[error("a page of changes answered 304")]
    PageNotModified,
    /// A page is not JSON of a page of changes.
    #[error("a page of changes cannot be read: {0}")]
    UnreadablePage(String),
    /// A page points to a next page outside the feed.
    #[error("a page of changes points outside the changes feed")]
    PageOutsideFeed,
    /// The rotations answered `304` though none was asked for.
    #[error("the key rotations answered 304")]
    RotationsNotModified,
    /// The rotations are not JSON of a list of rotations.
    #[error("the key rotations cannot be read: {0}")]
    UnreadableRotations(String),
    /// A key re-published for a mirror is not its fingerprint's.
    #[error("a key re-published for {registry}: {source}")]
    RepublishedKey {
        /// The re-published registry.
        registry: crate::statement::RegistryId,
        /// What is wrong with the key.
        source: KeyError,
    },
    /// No key is re-published for a mirror.
    #[error("no key is re-published for {registry}")]
    NoRepublishedKey {
        /// The re-published registry.
        registry: crate::statement::RegistryId,
    },
    /// A page is from another registry.
    #[error("a page of changes is from registry `{found}`, not `{expected}`")]
    WrongRegistry {
        /// The registry the page names.
        found: crate::statement::RegistryId,
        /// The peer.
        expected: crate::statement::RegistryId,
    },
    /// A page goes between other versions than the mirror's and the
    /// checkpoint's.
    #[error(
        "a page of changes goes from version {since} to {version}, but the mirror is at {mirrored} and the checkpoint at {signed}"
    )]
    WrongVersions {
        /// The page's first version.
        since: u64,
        /// The page's last version.
        version: u64,
        /// The version mirrored.
        mirrored: u64,
        /// The checkpoint's version.
        signed: u64,
    },
    /// A path listed out of order or twice.
    #[error("the changes list `{path}` out of order or twice")]
    OutOfOrder {
        /// The path (cut to 200 characters).
        path: String,
    },
    /// A path that is not a record's.
    #[error("`{path}` is not a record path (records/<kind>/<id>.toml)")]
    NotARecordPath {
        /// The path (cut to 200 characters).
        path: String,
    },
    /// A record larger than the format allows.
    #[error("{path} is {size} bytes, more than a record may be")]
    RecordTooLarge {
        /// The record's path.
        path: String,
        /// Its size.
        size: usize,
    },
    /// A record's text is not the one its digest names.
    #[error("{path}: the text does not match its digest {digest}")]
    DigestMismatch {
        /// The record's path.
        path: String,
        /// The digest given.
        digest: crate::digest::Digest,
    },
    /// A record's provenance does not end with the peer.
    #[error("{path}: its provenance does not end with {peer}")]
    NotFromPeer {
        /// The record's path.
        path: String,
        /// The peer.
        peer: crate::statement::RegistryId,
    },
    /// A re-published record's provenance is not the mirror's chain.
    #[error("{path}: its provenance {provenance} is not the re-published chain {chain}")]
    NotTheChain {
        /// The record's path.
        path: String,
        /// Its provenance, as a chain.
        provenance: String,
        /// The chain re-published.
        chain: String,
    },
    /// A record that is not valid.
    #[error("{path} is not a valid record: {}", reason.en)]
    InvalidRecord {
        /// The record's path.
        path: String,
        /// What the format's checks said, in both languages.
        reason: Bilingual,
    },
    /// A path holding another record.
    #[error("{path} holds the record {kind}/{id}")]
    OtherRecord {
        /// The path.
        path: String,
        /// The kind of the record it holds.
        kind: String,
        /// The id of the record it holds.
        id: String,
    },
    /// A record whose licence is not certified free for its kind.
    #[error("{path}: the licence `{license}` is not certified free for this kind")]
    NotFree {
        /// The record's path.
        path: String,
        /// Its licence expression.
        license: String,
    },
}

/// A request to a peer that failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The HTTP client could not be set up.
    #[error("the HTTP client cannot be set up: {0}")]
    Setup(String),
    /// The peer could not be reached, or the answer was cut.
    #[error("{url}: {reason}")]
    Network {
        /// The address.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The peer answered an error status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The address.
        url: String,
        /// The status.
        status: u16,
    },
    /// The answer is larger than the protocol allows.
    #[error("{url} answered more than {limit} bytes; the answer was not read further")]
    TooLarge {
        /// The address.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// The answer is not a statement.
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

impl ClientError {
    /// Whether trying again may help: the network, or a server error.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Network { .. } => true,
            ClientError::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// The peers file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PeersError {
    /// No such peer in the peers file.
    #[error("no peer {id}; `conservatoire peer list` shows them")]
    UnknownPeer {
        /// The id asked for.
        id: crate::statement::RegistryId,
    },
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a peers file.
    #[error("{} is not a peers file: {reason}", path.display())]
    Malformed {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The registry's own id cannot be a federation id.
    #[error(
        "the registry's id `{id}` (in registry.toml) cannot be a federation id: lower-case letters, digits and hyphens"
    )]
    LocalId {
        /// The id.
        id: String,
    },
}

/// An offer posted to this registry's inbox that was refused. Each
/// variant is one HTTP status of the protocol (`PROTOCOL.md`, "Errors").
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// Larger than an offer may be (413).
    #[error("the offer is {size} bytes, more than the {limit} allowed")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON, or not an offer (400).
    #[error("the offer cannot be read: {0}")]
    Malformed(String),
    /// Not a signed envelope, or an envelope with no signature (401).
    #[error("the offer is not signed: {0}")]
    Unsigned(String),
    /// From a registry that is not a peer of this one (401).
    #[error("the offer comes from `{from}`, which is not a peer of this registry")]
    UnknownPeer {
        /// The sender it names (unverified).
        from: String,
    },
    /// No signature by the sender's pinned key holds (401).
    #[error("the offer is not signed by the key pinned for {from}: {source}")]
    BadSignature {
        /// The sender.
        from: crate::statement::RegistryId,
        /// Why.
        source: VerifyError,
    },
    /// Made for another registry (403).
    #[error("the offer is for {to}, not for this registry ({expected})")]
    WrongReceiver {
        /// The receiver it names.
        to: String,
        /// This registry's base URL.
        expected: String,
    },
    /// This registry knows no base URL of its own to check `to` against
    /// (403).
    #[error("this registry has no public address (base_url) to check the offer's receiver against")]
    NoAddress,
    /// Expired (410).
    #[error("the offer expired at {expires_at}")]
    Expired {
        /// When.
        expires_at: jiff::Timestamp,
    },
    /// The same id already names another offer (409).
    #[error("the offer id {id} already names another offer")]
    Conflict {
        /// The id.
        id: crate::statement::OfferId,
    },
    /// The record offered is not valid (422).
    #[error("the record offered is not valid: {0}")]
    InvalidRecord(String),
    /// The record was withdrawn here: it cannot come back (409).
    #[error("the record {target} was withdrawn from this catalogue")]
    Withdrawn {
        /// The record.
        target: String,
    },
    /// The record is already in the catalogue as offered (409).
    #[error("the record {target} is already in the catalogue as offered")]
    NoChange {
        /// The record.
        target: String,
    },
    /// The peers file cannot be read (503).
    #[error(transparent)]
    Peers(#[from] PeersError),
    /// The registry or the inbox cannot be read or written (503).
    #[error("the inbox cannot be used: {0}")]
    Storage(String),
}

/// An offer that could not be made, sent or followed.
#[derive(Debug, thiserror::Error)]
pub enum OfferError {
    /// The record file is not a valid record.
    #[error("the record is not valid")]
    Invalid(cdl_records::ParseError),
    /// Its licence is not certified free for its kind.
    #[error("the licence `{}` is not certified free for a {} record", .0.expression, .0.kind)]
    NotCertified(Box<cdl_licenses::Certificate>),
    /// The peers file, or the peer asked for.
    #[error(transparent)]
    Peers(#[from] PeersError),
    /// This registry's key.
    #[error(transparent)]
    Key(#[from] KeyFileError),
    /// No random bytes for the offer's id.
    #[error(transparent)]
    Random(#[from] KeyError),
    /// The mirror of the peer cannot be read.
    #[error(transparent)]
    Mirror(#[from] cdl_registry::MirrorError),
    /// The peer could not be reached.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The peer refused the offer, with its problem document.
    #[error("the peer refused the offer (HTTP {status}): {title}: {detail}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The problem's title (French, as the protocol writes it).
        title: String,
        /// The problem's detail.
        detail: String,
    },
    /// The peer's answer is not what the protocol says.
    #[error("the peer's answer cannot be used: {0}")]
    BadAnswer(String),
    /// The outcome is not signed by the peer's pinned key.
    #[error("the outcome is not signed by the peer's pinned key: {0}")]
    Verify(#[from] VerifyError),
    /// The sent offers cannot be read or written.
    #[error("{}: {source}", path.display())]
    Store {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

// The messages in French. English is each error's `Display` (the
// `#[error]` strings above); `message(lang)` gives either, and a wrapped
// error of this crate is given in the same language. Errors of other
// crates (the registry's, the system's) keep their own text.

use cdl_records::vocabulary::Lang;

/// A message kept in both languages, as files outside Git keep an error
/// (the last refusal of a peer's sync, the last failed fetch of an
/// offer's outcome), so that each reader is shown it in their own.
///
/// Files written before both were kept hold one string, the English
/// `Display`: it is read as the text of both languages, shown as is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bilingual {
    /// In French.
    pub fr: String,
    /// In English.
    pub en: String,
}

impl Bilingual {
    /// Both messages of an error, from its `message(lang)`:
    /// `Bilingual::of(|lang| e.message(lang))`.
    pub fn of(message: impl Fn(Lang) -> String) -> Bilingual {
        Bilingual {
            fr: message(Lang::Fr),
            en: message(Lang::En),
        }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Bilingual {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bilingual, D::Error> {
        /// Both languages, or the one string older files hold.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Kept {
            Both { fr: String, en: String },
            English(String),
        }
        Ok(match Kept::deserialize(d)? {
            Kept::Both { fr, en } => Bilingual { fr, en },
            Kept::English(text) => Bilingual {
                fr: text.clone(),
                en: text,
            },
        })
    }
}

impl KeyError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                KeyError::Random(e) => format!(
                    "le système d’exploitation n’a pas donné d’octets aléatoires pour une nouvelle clé : {e}"
                ),
                KeyError::BadPublicKey(k) => format!(
                    "`{k}` n’est pas une clé publique Ed25519 (43 caractères de base64url sans remplissage sont attendus)"
                ),
                KeyError::BadFingerprint(f) => format!(
                    "`{f}` n’est pas une empreinte de clé : elle s’écrit `ed25519:` puis 32 chiffres hexadécimaux, comme `conservatoire peer add` l’affiche"
                ),
            },
        }
    }
}

impl KeyFileError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                KeyFileError::Io { path, source } => format!("{} : {source}", path.display()),
                KeyFileError::NotAKeyFile { path } => format!(
                    "{} n’est pas un fichier de clé de fédération (il devrait commencer par `conservatoire-federation-key/1`) ; déplacez-le et une nouvelle clé sera créée",
                    path.display()
                ),
                KeyFileError::NotPrivate { path, mode } => format!(
                    "{} peut être lu ou écrit par d’autres (mode {mode:o}) : lancez `chmod 600` dessus, et créez une nouvelle clé si d’autres ont pu la lire",
                    path.display()
                ),
                KeyFileError::Key { path, source } => {
                    format!("{} : {}", path.display(), source.message(lang))
                }
            },
        }
    }
}

impl VerifyError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                VerifyError::Malformed(e) => {
                    format!("la déclaration signée n’est pas une enveloppe DSSE : {e}")
                }
                VerifyError::TooLarge { size, limit } => {
                    format!("la déclaration signée fait {size} octets, plus que les {limit} permis")
                }
                VerifyError::WrongType { expected, found } => {
                    format!("une déclaration de type {expected} était attendue, reçu {found}")
                }
                VerifyError::Unsigned { trusted, signed } => format!(
                    "aucune signature valide par une clé de confiance ({trusted}) ; la déclaration a été signée par {signed}"
                ),
                VerifyError::BadPayload(e) => {
                    format!("la déclaration signée ne peut pas être lue : {e}")
                }
            },
        }
    }
}

impl CheckpointError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                CheckpointError::WrongRegistry { expected, found } => format!(
                    "le point de contrôle est celui du registre `{found}`, pas celui du pair `{expected}`"
                ),
                CheckpointError::BadCommit(c) => format!(
                    "le commit `{c}` du point de contrôle n’est pas un identifiant de commit Git de 40 chiffres"
                ),
                CheckpointError::ExpiresBeforeIssue => {
                    "le point de contrôle expire avant d’avoir été émis".to_owned()
                }
                CheckpointError::Expired { expires_at } => format!(
                    "le point de contrôle a expiré le {expires_at} : le pair n’a pas signé à nouveau son état, il est peut-être figé ou rejoué ; le dernier état valide est conservé"
                ),
                CheckpointError::Rollback { last, found } => format!(
                    "la version {found} du point de contrôle est inférieure à la version {last} déjà acceptée : un ancien état a été rejoué"
                ),
                CheckpointError::Equivocation { version } => format!(
                    "la version {version} a déjà été acceptée avec une autre empreinte de catalogue : le pair a signé deux états sous une même version"
                ),
            },
        }
    }
}

impl SyncError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                SyncError::Verify(e) => {
                    format!("le point de contrôle du pair : {}", e.message(lang))
                }
                SyncError::Checkpoint(e) => e.message(lang),
                SyncError::Feed(e) => format!("les changements du pair : {}", e.message(lang)),
                SyncError::Loop { path, chain } => format!(
                    "{path} est déjà passé par ce registre ({chain}) : une boucle de miroirs, refusée"
                ),
                SyncError::Digest {
                    version,
                    expected,
                    found,
                    expected_records,
                    found_records,
                } => format!(
                    "après les changements, l’empreinte du catalogue est {found} sur {found_records} fiches, mais la version {version} a été signée comme {expected} sur {expected_records} : des fiches ont été modifiées, perdues ou ajoutées en chemin"
                ),
                SyncError::Stored(e) => format!(
                    "le point de contrôle enregistré de ce miroir ne peut pas être relu : {e}"
                ),
                SyncError::Inconsistent => "l’état du miroir liste un chemin deux fois".to_owned(),
                SyncError::Mirror(e) => e.to_string(),
                SyncError::Read(e) => e.to_string(),
                SyncError::Client(e) => e.message(lang),
                SyncError::Peers(e) => e.message(lang),
            },
        }
    }
}

impl FeedError {
    /// The record at `path` is not valid, for the reasons of `error`,
    /// kept in both languages as the format gives them.
    pub fn invalid_record(path: &str, error: &cdl_records::ParseError) -> FeedError {
        FeedError::InvalidRecord {
            path: path.to_owned(),
            reason: Bilingual::of(|lang| error.render(lang)),
        }
    }

    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                FeedError::RepublishedNotModified => {
                    "un point de contrôle republié a répondu 304 à une requête sans condition"
                        .to_owned()
                }
                FeedError::TooManyPages { most, records } => format!(
                    "les changements continuent au-delà de {most} pages pour {records} fiches"
                ),
                FeedError::PageNotModified => "une page de changements a répondu 304".to_owned(),
                FeedError::UnreadablePage(e) => {
                    format!("une page de changements ne peut pas être lue : {e}")
                }
                FeedError::PageOutsideFeed => {
                    "une page de changements renvoie hors du flux des changements".to_owned()
                }
                FeedError::RotationsNotModified => {
                    "les rotations de clé ont répondu 304".to_owned()
                }
                FeedError::UnreadableRotations(e) => {
                    format!("les rotations de clé ne peuvent pas être lues : {e}")
                }
                FeedError::RepublishedKey { registry, source } => format!(
                    "une clé republiée pour {registry} : {}",
                    source.message(lang)
                ),
                FeedError::NoRepublishedKey { registry } => {
                    format!("aucune clé n’est republiée pour {registry}")
                }
                FeedError::WrongRegistry { found, expected } => format!(
                    "une page de changements vient du registre `{found}`, pas de `{expected}`"
                ),
                FeedError::WrongVersions {
                    since,
                    version,
                    mirrored,
                    signed,
                } => format!(
                    "une page de changements va de la version {since} à la version {version}, mais le miroir est à la version {mirrored} et le point de contrôle à la version {signed}"
                ),
                FeedError::OutOfOrder { path } => {
                    format!("les changements donnent `{path}` dans le désordre ou deux fois")
                }
                FeedError::NotARecordPath { path } => {
                    format!("`{path}` n’est pas le chemin d’une fiche (records/<type>/<id>.toml)")
                }
                FeedError::RecordTooLarge { path, size } => {
                    format!("{path} fait {size} octets, plus qu’une fiche ne peut en faire")
                }
                FeedError::DigestMismatch { path, digest } => {
                    format!("{path} : le texte ne correspond pas à son empreinte {digest}")
                }
                FeedError::NotFromPeer { path, peer } => {
                    format!("{path} : sa provenance ne se termine pas par {peer}")
                }
                FeedError::NotTheChain {
                    path,
                    provenance,
                    chain,
                } => format!(
                    "{path} : sa provenance {provenance} n’est pas la chaîne republiée {chain}"
                ),
                FeedError::InvalidRecord { path, reason } => {
                    format!("{path} n’est pas une fiche valide : {}", reason.fr)
                }
                FeedError::OtherRecord { path, kind, id } => {
                    format!("{path} contient la fiche {kind}/{id}")
                }
                FeedError::NotFree { path, license } => format!(
                    "{path} : la licence `{license}` n’est pas certifiée libre pour ce type de fiche"
                ),
            },
        }
    }
}

impl ClientError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                ClientError::Setup(e) => {
                    format!("le client HTTP ne peut pas être préparé : {e}")
                }
                ClientError::Network { url, reason } => {
                    format!("{url} ne répond pas : {reason}")
                }
                ClientError::Status { url, status } => format!("{url} a répondu HTTP {status}"),
                ClientError::TooLarge { url, limit } => format!(
                    "{url} a répondu plus de {limit} octets ; la réponse n’a pas été lue plus loin"
                ),
                ClientError::Verify(e) => e.message(lang),
            },
        }
    }
}

impl PeersError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                PeersError::UnknownPeer { id } => {
                    format!("aucun pair {id} ; `conservatoire peer list` les montre")
                }
                PeersError::Io { path, source } => format!("{} : {source}", path.display()),
                PeersError::Malformed { path, reason } => {
                    format!(
                        "{} n’est pas un fichier de pairs : {reason}",
                        path.display()
                    )
                }
                PeersError::LocalId { id } => format!(
                    "l’identifiant `{id}` du registre (dans registry.toml) ne peut pas servir dans la fédération : lettres minuscules, chiffres et traits d’union"
                ),
            },
        }
    }
}

impl OfferError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                OfferError::Invalid(_) => "la fiche n’est pas valide".to_owned(),
                OfferError::NotCertified(c) => format!(
                    "la licence « {} » n’est pas certifiée libre pour une fiche de type {}",
                    c.expression,
                    c.kind.label_fr().to_lowercase()
                ),
                OfferError::Peers(e) => e.message(lang),
                OfferError::Key(e) => e.message(lang),
                OfferError::Random(e) => e.message(lang),
                OfferError::Mirror(e) => e.to_string(),
                OfferError::Client(e) => e.message(lang),
                OfferError::Refused {
                    status,
                    title,
                    detail,
                } => format!("le pair a refusé l’offre (HTTP {status}) : {title} : {detail}"),
                OfferError::BadAnswer(e) => {
                    format!("la réponse du pair ne peut pas être utilisée : {e}")
                }
                OfferError::Verify(e) => format!(
                    "l’issue n’est pas signée par la clé épinglée du pair : {}",
                    e.message(lang)
                ),
                OfferError::Store { path, source } => format!("{} : {source}", path.display()),
            },
        }
    }
}

impl crate::rotation::RotateError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        use crate::rotation::RotateError;
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => match self {
                RotateError::Key(e) => e.message(lang),
                RotateError::Random(e) => e.message(lang),
                RotateError::Peers(e) => e.message(lang),
                RotateError::Io { path, source } => format!("{} : {source}", path.display()),
                RotateError::Malformed { path, reason } => format!(
                    "{} n’est pas une liste de rotations : {reason}",
                    path.display()
                ),
            },
        }
    }
}

impl crate::statement::BadRegistryId {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => format!(
                "`{}` n’est pas un identifiant de registre : lettres minuscules, chiffres et traits d’union (ni en premier ni en dernier), au plus 40 caractères",
                self.given()
            ),
        }
    }
}

impl crate::peers::UseError {
    /// The message in `lang` (English is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => format!(
                "`{}` n’est pas une application partagée : écrivez `<registre>:<type>/<id>`, par exemple `paris:software/lutece-core`",
                self.given
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sample of every enum's variants, each checked to have a French
    /// message of its own.
    #[test]
    fn every_sampled_variant_says_something_else_in_french() {
        let verify = || VerifyError::Unsigned {
            trusted: "ed25519:00".to_owned(),
            signed: "nobody".to_owned(),
        };
        let id: crate::statement::RegistryId = "paris".parse().expect("a valid id");
        let network = || ClientError::Network {
            url: "http://127.0.0.1:9/".to_owned(),
            reason: "connection refused".to_owned(),
        };
        let samples: Vec<(String, String)> = vec![
            {
                let e = KeyError::BadFingerprint("x".to_owned());
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = KeyFileError::NotAKeyFile {
                    path: PathBuf::from("k"),
                };
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = verify();
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = CheckpointError::Rollback { last: 3, found: 2 };
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = CheckpointError::ExpiresBeforeIssue;
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = SyncError::Verify(verify());
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = SyncError::Client(network());
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = SyncError::Inconsistent;
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = SyncError::Feed(FeedError::PageNotModified);
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = crate::rotation::RotateError::Malformed {
                    path: PathBuf::from("rotations.json"),
                    reason: "expected value".to_owned(),
                };
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = crate::rotation::RotateError::Key(KeyFileError::NotAKeyFile {
                    path: PathBuf::from("key.next"),
                });
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = crate::rotation::RotateError::Io {
                    path: PathBuf::from("rotations.json"),
                    source: std::io::Error::other("disk full"),
                };
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = ClientError::Status {
                    url: "http://x/".to_owned(),
                    status: 503,
                };
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = network();
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = PeersError::UnknownPeer { id: id.clone() };
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = OfferError::Client(network());
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = OfferError::Verify(verify());
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = OfferError::BadAnswer("no id".to_owned());
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = "Paris!"
                    .parse::<crate::statement::RegistryId>()
                    .expect_err("not an id");
                (e.message(Lang::En), e.message(Lang::Fr))
            },
            {
                let e = "lutece"
                    .parse::<crate::peers::SharedApp>()
                    .expect_err("not an application");
                (e.message(Lang::En), e.message(Lang::Fr))
            },
        ];
        for (en, fr) in &samples {
            assert_ne!(en, fr, "the French message is the English one");
        }
        // English is the `Display`, unchanged.
        assert_eq!(verify().message(Lang::En), verify().to_string());
        // A wrapped error of this crate speaks the same language.
        let wrapped = SyncError::Verify(verify()).message(Lang::Fr);
        assert!(wrapped.contains("aucune signature valide"), "{wrapped}");
        assert!(!wrapped.contains("no valid signature"), "{wrapped}");
        let wrapped = OfferError::Client(network()).message(Lang::Fr);
        assert!(wrapped.contains("ne répond pas"), "{wrapped}");
    }

    /// Errors kept in files (a peer's last refusal, an offer's last failed
    /// check) are kept in both languages; a file of before, holding the
    /// English text alone, still loads and shows it as is.
    #[test]
    fn an_error_kept_as_one_english_string_still_loads() {
        let english = "http://10.0.0.1/: connection refused";
        let old = format!(
            "[[peer]]\nid = \"paris\"\nname = \"Ville de Paris\"\nurl = \"http://10.0.0.1/\"\nkeys = []\nlast_error = \"{english}\"\n"
        );
        let mut peers: crate::peers::Peers = toml::from_str(&old).expect("an old peers file");
        let kept = peers.peers[0].last_error.clone().expect("the error kept");
        assert_eq!(kept.get(Lang::Fr), english);
        assert_eq!(kept.get(Lang::En), english);

        // Written now: both, each read back in its language.
        let refused = SyncError::Client(ClientError::Network {
            url: "http://10.0.0.1/".to_owned(),
            reason: "connection refused".to_owned(),
        });
        let both = Bilingual::of(|lang| refused.message(lang));
        assert_eq!(both.get(Lang::Fr), refused.message(Lang::Fr));
        assert_eq!(both.get(Lang::En), refused.to_string());
        assert_ne!(both.get(Lang::Fr), both.get(Lang::En));
        peers.peers[0].last_error = Some(both.clone());
        let text = toml::to_string(&peers).expect("written");
        let back: crate::peers::Peers = toml::from_str(&text).expect("read back");
        assert_eq!(back.peers[0].last_error.as_ref(), Some(&both));
        assert!(
            back.peers[0]
                .last_error
                .as_ref()
                .is_some_and(|e| e.get(Lang::Fr).contains("ne répond pas")),
            "{text}"
        );

        // An offer sent, kept as JSON, likewise.
        let sent = |last_error: serde_json::Value| {
            serde_json::from_value::<crate::offers::Sent>(serde_json::json!({
                "id": "off-5f0c2b7a9d8e4c1b3a2f6e5d4c3b2a19",
                "peer": "paris",
                "target": "software/lutece",
                "base": null,
                "sent_at": "2026-12-02T09:00:00Z",
                "expires_at": "2026-12-16T09:00:00Z",
                "proposal": "p1",
                "stale": false,
                "status": "pending",
                "last_error": last_error,
            }))
            .expect("an offer sent")
        };
        let old = sent(serde_json::json!(english));
        assert_eq!(
            old.last_error.as_ref().map(|e| e.get(Lang::Fr)),
            Some(english)
        );
        let new = sent(serde_json::to_value(&both).expect("JSON"));
        assert_eq!(new.last_error, Some(both));
    }

    /// Every reason a peer's feed is refused for says it all in French:
    /// only ids, paths, numbers and the peer's own words stay as they are.
    #[test]
    fn a_refused_feed_is_french_from_end_to_end() {
        let id = |s: &str| s.parse::<crate::statement::RegistryId>().expect("an id");
        let path = || "records/software/lutece.toml".to_owned();
        let reasons = vec![
            FeedError::RepublishedNotModified,
            FeedError::TooManyPages {
                most: 3,
                records: 10,
            },
            FeedError::PageNotModified,
            FeedError::UnreadablePage("expected value at line 1 column 1".to_owned()),
            FeedError::PageOutsideFeed,
            FeedError::RotationsNotModified,
            FeedError::UnreadableRotations("expected value at line 1 column 1".to_owned()),
            FeedError::RepublishedKey {
                registry: id("lyon"),
                source: KeyError::BadPublicKey("xyz".to_owned()),
            },
            FeedError::NoRepublishedKey {
                registry: id("lyon"),
            },
            FeedError::WrongRegistry {
                found: id("lyon"),
                expected: id("paris"),
            },
            FeedError::WrongVersions {
                since: 1,
                version: 4,
                mirrored: 2,
                signed: 5,
            },
            FeedError::OutOfOrder { path: path() },
            FeedError::NotARecordPath {
                path: "README.md".to_owned(),
            },
            FeedError::RecordTooLarge {
                path: path(),
                size: 70_000,
            },
            FeedError::DigestMismatch {
                path: path(),
                digest: crate::digest::Digest::of(b"lutece"),
            },
            FeedError::NotFromPeer {
                path: path(),
                peer: id("paris"),
            },
            FeedError::NotTheChain {
                path: path(),
                provenance: "paris → lyon".to_owned(),
                chain: "paris → nantes".to_owned(),
            },
            FeedError::InvalidRecord {
                path: path(),
                reason: Bilingual {
                    fr: "title : manquant".to_owned(),
                    en: "title: missing".to_owned(),
                },
            },
            FeedError::OtherRecord {
                path: path(),
                kind: "software".to_owned(),
                id: "publik".to_owned(),
            },
            FeedError::NotFree {
                path: path(),
                license: "LicenseRef-Proprietary".to_owned(),
            },
        ];
        // Words of the English messages that must not be left in French.
        let english = [
            " the ",
            "the peer",
            " is ",
            " not ",
            " of ",
            "answered",
            "cannot",
            " goes ",
            " from ",
            " holds ",
            " does ",
            " key ",
            " pages for",
            " list ",
            "bytes",
        ];
        for reason in reasons {
            let en = reason.message(Lang::En);
            assert_eq!(en, reason.to_string());
            let fr = SyncError::Feed(reason).message(Lang::Fr);
            assert!(fr.starts_with("les changements du pair : "), "{fr}");
            for word in english {
                assert!(!fr.contains(word), "`{word}` in: {fr}");
            }
            assert!(!fr.contains(&en), "{fr}");
        }
        // The key's own error is given in French too.
        let fr = SyncError::Feed(FeedError::RepublishedKey {
            registry: id("lyon"),
            source: KeyError::BadPublicKey("xyz".to_owned()),
        })
        .message(Lang::Fr);
        assert!(fr.contains("n’est pas une clé publique Ed25519"), "{fr}");
    }
}
