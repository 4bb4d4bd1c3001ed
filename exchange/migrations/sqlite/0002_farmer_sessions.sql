-- Farmers' web sessions: the cookie's random token, stored only hashed,
-- so that several `serve` processes sharing the database share them.
-- `last_seen` drives the idle expiry.
CREATE TABLE farmer_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    farmer_id INTEGER NOT NULL REFERENCES farmers(id) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
CREATE INDEX farmer_sessions_farmer ON farmer_sessions(farmer_id);
CREATE INDEX bookings_session ON bookings(session_id);
