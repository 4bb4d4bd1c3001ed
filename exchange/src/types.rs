//! The exchange's public data, as the API answers it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A lot's key: its kind and id, `seed-lot/ID` or `ferment-lot/ID`.
pub type LotKey = String;

/// An exchange point.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Place {
    /// Its name.
    pub name: String,
    /// Its postal address.
    pub address: String,
    /// How to reach it without steps, with a pushchair...
    pub accessibility: String,
    /// When it is open.
    pub opening_hours: String,
}

/// An opening session: a place, a start, a number of people.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Session {
    /// Its id.
    pub id: i64,
    /// Where.
    pub place: Place,
    /// When it starts (RFC 3339, UTC).
    pub starts: String,
    /// How many people (bookings) it takes.
    pub capacity: i64,
    /// How many places are left.
    pub remaining: i64,
}

/// How much of a lot is offered, booked and left.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LotAvailability {
    /// The lot (`seed-lot/ID`).
    pub lot: LotKey,
    /// What the record offers (its quantity, in whole units).
    pub offered: i64,
    /// What the active bookings hold.
    pub booked: i64,
    /// What is left to book (never below 0, even when the record's
    /// quantity was lowered under what is booked).
    pub available: i64,
}

/// One lot and quantity of a booking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingItem {
    /// The lot (`seed-lot/ID` or `ferment-lot/ID`).
    pub lot: LotKey,
    /// How many units.
    #[schemars(range(min = 1))]
    pub quantity: i64,
}

/// The body of `POST /api/v1/exchange/bookings`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// The session's id.
    pub session: i64,
    /// The lots and quantities (at least one; each lot once).
    #[schemars(length(min = 1, max = 50))]
    pub items: Vec<BookingItem>,
}

/// A booking, as its farmer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Booking {
    /// Its id.
    pub id: i64,
    /// The session's id.
    pub session: i64,
    /// When it was made (RFC 3339).
    pub created: String,
    /// When it was cancelled, if it was.
    pub cancelled: Option<String>,
    /// The curator who booked on the farmer's behalf, if one did.
    pub made_by: Option<String>,
    /// The lots and quantities.
    pub items: Vec<BookingItem>,
}

/// A lot whose offered quantity fell under what is booked: the curator
/// is told, the bookings stay.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Excess {
    /// The lot.
    pub lot: LotKey,
    /// The new offered quantity.
    pub offered: i64,
    /// What active bookings hold.
    pub booked: i64,
    /// The active bookings of the lot, newest first: those to talk about.
    pub bookings: Vec<i64>,
}

/// The exchange's figures that operators' metrics report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    /// Bookings not cancelled.
    pub active_bookings: i64,
    /// Units of lots they hold.
    pub units_booked: i64,
    /// Sessions still to start.
    pub upcoming_sessions: i64,
}
