-- The exchange's tables on PostgreSQL. Times are Unix seconds (UTC).
CREATE TABLE places (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (char_length(name) > 0),
    address TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    place_id BIGINT NOT NULL REFERENCES places(id),
    starts BIGINT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    booked BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity)
);
CREATE TABLE farmers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    contract TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created BIGINT NOT NULL
);
CREATE TABLE tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    farmer_id BIGINT NOT NULL REFERENCES farmers(id) ON DELETE CASCADE,
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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    farmer_id BIGINT REFERENCES farmers(id) ON DELETE SET NULL,
    session_id BIGINT NOT NULL REFERENCES sessions(id),
    made_by TEXT,
    created BIGINT NOT NULL,
    cancelled BIGINT
);
CREATE TABLE booking_items (
    booking_id BIGINT NOT NULL REFERENCES bookings(id),
    lot_key TEXT NOT NULL REFERENCES lots(key),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (booking_id, lot_key)
);
CREATE TABLE audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    farmer_id BIGINT REFERENCES farmers(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX bookings_farmer ON bookings(farmer_id);
CREATE INDEX audit_farmer ON audit(farmer_id);
