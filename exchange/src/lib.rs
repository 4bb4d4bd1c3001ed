//! The seed and ferment exchange: opening sessions at exchange points,
//! farmers under contract, their API tokens, and their bookings of lots.
//!
//! Everything here is personal or operational data that never goes into
//! Git: it lives in a database beside the registry, SQLite by default
//! ([`DEFAULT_FILE`]) or PostgreSQL when `database_url` says so, so that
//! several `serve` processes share it.
//!
//! The database itself refuses overbooking: a booking takes its place in
//! the session and its quantities with conditional updates
//! (`booked + n <= offered`) inside one transaction (`BEGIN IMMEDIATE` on
//! SQLite, row locks on PostgreSQL); if any of them changes no row, the
//! whole booking is rolled back and refused. CHECK constraints back it.

mod secret;
#[macro_use]
mod store;
mod privacy;
mod types;

pub use privacy::{
    AuditEntry, BookingHeld, DEFAULT_RETENTION_MONTHS, Erasure, FARMER_ACTOR, FarmerProfile,
    MAX_RETENTION_MONTHS, PersonalData, ReportSettings, SERVER_ACTOR, SessionHeld, TokenHeld,
    report_text,
};
pub use secret::{generate_password, hash_token};
pub use store::web::{FarmerAccount, PickEntry, TokenInfo};
pub use store::{DEFAULT_FILE, Store};
pub use types::{
    Booking, BookingItem, BookingRequest, Excess, Figures, LotAvailability, LotKey, Place, Session,
};

use std::path::PathBuf;

/// What went wrong in the exchange.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The database refused or could not be reached.
    #[error("bookings database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("bookings database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The SQLite file's folder could not be created.
    #[error("cannot create the folder of the bookings database {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `database_url` names an unsupported database.
    #[error(
        "database_url `{0}` is neither postgres://... nor sqlite:...; set one of them or leave it out for the default SQLite file"
    )]
    BadUrl(String),
    /// Something the caller gave is not valid.
    #[error("{0}")]
    Invalid(String),
    /// No session with that id.
    #[error("no session {0}: list them with GET /api/v1/exchange/sessions")]
    UnknownSession(i64),
    /// The lot is not offered in the exchange.
    #[error(
        "the lot {0} is not offered in the exchange (only seed-lot and ferment-lot records are)"
    )]
    UnknownLot(String),
    /// Not enough of a lot is left.
    #[error("only {available} of {lot} left, {requested} asked")]
    LotShort {
        /// The lot.
        lot: String,
        /// How much was asked.
        requested: i64,
        /// How much is left.
        available: i64,
    },
    /// The session has no place left.
    #[error("session {session} is full ({capacity} places)")]
    SessionFull {
        /// The session.
        session: i64,
        /// Its capacity.
        capacity: i64,
    },
    /// The session has started: no more bookings or cancellations.
    #[error("session {0} has already started")]
    SessionStarted(i64),
    /// No farmer with that e-mail address.
    #[error("no farmer with the e-mail address {0}: add them with `conservatoire farmers add`")]
    UnknownFarmer(String),
    /// A farmer with that e-mail address exists.
    #[error("a farmer with the e-mail address {0} already exists")]
    FarmerExists(String),
    /// No such booking for this farmer.
    #[error("no booking {0} of yours")]
    UnknownBooking(i64),
    /// The booking was already cancelled.
    #[error("booking {0} is already cancelled")]
    AlreadyCancelled(i64),
    /// Password hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// No farmer with that number (never registered, or erased).
    #[error("no farmer number {0}: never registered, or already erased")]
    NoSuchFarmer(i64),
}

/// The current time in Unix seconds (0 if the clock is before 1970).
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Writes Unix seconds as RFC 3339 (UTC).
pub fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Reads an RFC 3339 date and time (`2026-03-14T09:00:00+01:00`) as Unix
/// seconds.
///
/// # Errors
/// [`ExchangeError::Invalid`] when it is not one.
pub fn parse_rfc3339(text: &str) -> Result<i64, ExchangeError> {
    text.parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .map_err(|e| {
            ExchangeError::Invalid(format!(
                "`{text}` is not an RFC 3339 date and time such as 2026-03-14T09:00:00+01:00: {e}"
            ))
        })
}
