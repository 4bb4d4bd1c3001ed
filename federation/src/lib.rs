#![doc = include_str!("../README.md")]

pub mod client;
mod digest;
mod envelope;
mod error;
pub mod git_http;
mod identity;
pub mod mirror;
pub mod offers;
pub mod peers;
pub mod publish;
pub mod rotation;
pub mod server;
mod statement;

pub use digest::{BadDigest, CatalogueDigest, Digest};
pub use envelope::{Envelope, EnvelopeSignature, MAX_SIGNATURES, Statement, pae};
pub use error::{
    Bilingual, CheckpointError, ClientError, FeedError, InboxError, KeyError, KeyFileError,
    OfferError, PeersError, PublishError, SyncError, VerifyError,
};
pub use identity::{Fingerprint, Identity, PublicKey};
pub use statement::{
    Accepted, BadOfferId, BadRegistryId, Change, Changes, Checkpoint, Discovery, Endpoints,
    KeyEntry, MAX_REGISTRY_ID, Offer, OfferId, OfferStatus, Outcome, PROTOCOL, Protocol, Receipt,
    RegistryId, Republished, Rotation, chain_text,
};
