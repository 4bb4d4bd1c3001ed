-- The exchange's tables on SQLite. Times are Unix seconds (UTC).
CREATE TABLE places (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    address TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    place_id INTEGER NOT NULL REFERENCES places(id),
    starts BIGINT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    booked BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity)
);
CREATE TABLE farmers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    contract TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created BIGINT NOT NULL
);
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    farmer_id INTEGER NOT NULL REFERENCES farmers(id) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL,
    revoked BIGINT
);
-- Stock: `offered` follows the record's quantity; `booked` is the sum of
-- the active bookings. No CHECK ties them: a curator may lower `offered`
-- below `booked`, and bookings are never cancelled for it.
CREATE TABLE lots (
    key TEXT PRIMARY KEY,
    offered BIGINT NOT NULL CHECK (offered >= 0),
    booked BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0)
);
CREATE TABLE bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    farmer_id INTEGER REFERENCES farmers(id) ON DELETE SET NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    made_by TEXT,
    created BIGINT NOT NULL,
    cancelled BIGINT
);
CREATE TABLE booking_items (
    booking_id INTEGER NOT NULL REFERENCES bookings(id),
    lot_key TEXT NOT NULL REFERENCES lots(key),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (booking_id, lot_key)
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    farmer_id INTEGER REFERENCES farmers(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX bookings_farmer ON bookings(farmer_id);
CREATE INDEX audit_farmer ON audit(farmer_id);
