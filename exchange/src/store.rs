//! The bookings store on SQLite or PostgreSQL.
//!
//! The SQL is the same on both (`$1` parameters, `RETURNING`), except the
//! schema (two migration sets) and how a booking's transaction starts.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Row, SqlSafeStr};

use crate::secret::{generate_token, hash_password, hash_token, verify_password};
use crate::types::{Booking, BookingItem, Excess, Figures, LotAvailability, Place, Session};
use crate::{ExchangeError, generate_password};

/// The SQLite file's name inside the registry's Git folder when no
/// `database_url` is configured (outside any commit).
pub const DEFAULT_FILE: &str = "cdl-exchange.sqlite";

/// The largest quantity of one item, and number of items, of a booking.
const MAX_QUANTITY: i64 = 1_000_000_000;
const MAX_ITEMS: usize = 50;

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The bookings store: a pool of connections to its database, cheap to
/// clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
}

/// Runs `$body` with `$p` bound to the pool, whichever the backend.
macro_rules! on_pool {
    ($self:expr, |$p:ident| $body:expr) => {
        match &$self.pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` in a write transaction bound to `$tx`, whichever the
/// backend (`BEGIN IMMEDIATE` on SQLite, so that writers queue instead of
/// failing). The body commits; an early return rolls back.
macro_rules! write_tx {
    ($self:expr, |$tx:ident| $body:block) => {
        match &$self.pool {
            Pool::Sqlite(p) => {
                let mut $tx = p.begin_with("BEGIN IMMEDIATE").await?;
                $body
            }
            Pool::Postgres(p) => {
                let mut $tx = p.begin().await?;
                $body
            }
        }
    };
}

/// Writes one line of the audit log inside the transaction `$tx`, so
/// that the change and its trace are kept or lost together.
macro_rules! audit_in {
    ($tx:ident, $at:expr, $actor:expr, $farmer:expr, $action:expr, $reason:expr) => {
        sqlx::query(
            "INSERT INTO audit (at, actor, farmer_id, action, reason) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($at)
        .bind($actor)
        .bind($farmer)
        .bind($action)
        .bind($reason)
        .execute(&mut *$tx)
        .await?
    };
}

/// One versioned migration: its number, its name, its SQL.
type Step = (i64, &'static str, &'static str);

/// SQLite's migrations, in order. A new one gets the next number, here and
/// in [`POSTGRES`], with its file in `migrations/<backend>/`.
const SQLITE: &[Step] = &[
    (
        1,
        "exchange",
        include_str!("../migrations/sqlite/0001_exchange.sql"),
    ),
    (
        2,
        "farmer sessions",
        include_str!("../migrations/sqlite/0002_farmer_sessions.sql"),
    ),
];

/// PostgreSQL's migrations, in order, numbered as [`SQLITE`]'s.
const POSTGRES: &[Step] = &[
    (
        1,
        "exchange",
        include_str!("../migrations/postgres/0001_exchange.sql"),
    ),
    (
        2,
        "farmer sessions",
        include_str!("../migrations/postgres/0002_farmer_sessions.sql"),
    ),
];

fn migrator(steps: &[Step]) -> Migrator {
    Migrator::with_migrations(
        steps
            .iter()
            .map(|&(version, name, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(name),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Store {
    /// Opens the store: PostgreSQL or SQLite from `url` when given, else
    /// the SQLite file `default_file` (created if missing); migrates it.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated, or the URL is of
    /// another database.
    pub async fn open(url: Option<&str>, default_file: &Path) -> Result<Store, ExchangeError> {
        match url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Store::open_postgres(u).await
            }
            Some(u) if u.starts_with("sqlite:") => {
                let options = SqliteConnectOptions::from_str(u)?;
                Store::open_sqlite_with(options).await
            }
            Some(u) => Err(ExchangeError::BadUrl(u.to_owned())),
            None => Store::open_sqlite(default_file).await,
        }
    }

    /// Opens (creating it if missing) and migrates the SQLite file `path`.
    ///
    /// # Errors
    /// When it cannot be opened or migrated.
    pub async fn open_sqlite(path: &Path) -> Result<Store, ExchangeError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| ExchangeError::Io {
                path: path.to_owned(),
                source,
            })?;
        }
        Store::open_sqlite_with(SqliteConnectOptions::new().filename(path)).await
    }

    async fn open_sqlite_with(options: SqliteConnectOptions) -> Result<Store, ExchangeError> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            // Deleted rows (an erased farmer) are overwritten with zeroes,
            // not left readable in free pages of the file.
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        migrator(SQLITE).run(&pool).await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
        })
    }

    /// Connects to and migrates the PostgreSQL database at `url`.
    ///
    /// # Errors
    /// When it cannot be reached or migrated.
    pub async fn open_postgres(url: &str) -> Result<Store, ExchangeError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        migrator(POSTGRES).run(&pool).await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
        })
    }

    /// Which backend this is: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Writes a consistent copy of a SQLite store to the new file `dest`
    /// (`VACUUM INTO`: one read transaction, so that bookings made
    /// meanwhile are either wholly in it or not at all), for backups.
    /// Returns `false`, writing nothing, for PostgreSQL, whose operators
    /// back it up with its own tools.
    ///
    /// # Errors
    /// When the copy cannot be written (`dest` exists, the disk is full).
    pub async fn snapshot_into(&self, dest: &Path) -> Result<bool, ExchangeError> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Ok(false);
        };
        let Some(dest) = dest.to_str() else {
            return Err(ExchangeError::Invalid(format!(
                "the snapshot path {} is not valid UTF-8",
                dest.display()
            )));
        };
        sqlx::query("VACUUM INTO ?")
            .bind(dest)
            .execute(pool)
            .await?;
        Ok(true)
    }

    /// Closes every connection (and, on SQLite, folds the write-ahead log
    /// back into the file when it is the last one).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// The exchange's figures for operators' metrics, counted in the
    /// database (so every server sharing it reports the same): active
    /// bookings, units they hold, sessions starting after `now`. No
    /// personal data.
    ///
    /// # Errors
    /// On a database error.
    pub async fn figures(&self, now: i64) -> Result<Figures, ExchangeError> {
        let figures = on_pool!(self, |p| {
            let active: i64 = sqlx::query("SELECT COUNT(*) FROM bookings WHERE cancelled IS NULL")
                .fetch_one(p)
                .await?
                .try_get(0)?;
            let units: i64 =
                sqlx::query("SELECT CAST(COALESCE(SUM(booked), 0) AS BIGINT) FROM lots")
                    .fetch_one(p)
                    .await?
                    .try_get(0)?;
            let upcoming: i64 = sqlx::query("SELECT COUNT(*) FROM sessions WHERE starts > $1")
                .bind(now)
                .fetch_one(p)
                .await?
                .try_get(0)?;
            Figures {
                active_bookings: active,
                units_booked: units,
                upcoming_sessions: upcoming,
            }
        });
        Ok(figures)
    }

    /// Writes one line of the audit log.
    ///
    /// # Errors
    /// On a database error.
    pub async fn audit(
        &self,
        actor: &str,
        farmer: Option<i64>,
        action: &str,
        reason: &str,
    ) -> Result<(), ExchangeError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO audit (at, actor, farmer_id, action, reason) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(crate::now())
            .bind(actor)
            .bind(farmer)
            .bind(action)
            .bind(reason)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Adds a session at the place named `place` (created, with empty
    /// address and hours, if no place has that name) and returns its id.
    ///
    /// # Errors
    /// When the name is empty, the capacity not positive, or on a
    /// database error.
    pub async fn add_session(
        &self,
        place: &str,
        starts: i64,
        capacity: i64,
    ) -> Result<i64, ExchangeError> {
        let place = place.trim();
        if place.is_empty() || place.len() > 200 {
            return Err(ExchangeError::Invalid(
                "the place's name must have 1 to 200 characters".into(),
            ));
        }
        if !(1..=1_000_000).contains(&capacity) {
            return Err(ExchangeError::Invalid(format!(
                "the capacity {capacity} must be between 1 and 1000000 people"
            )));
        }
        let id: i64 = on_pool!(self, |p| {
            sqlx::query("INSERT INTO places (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
                .bind(place)
                .execute(p)
                .await?;
            let place_id: i64 = sqlx::query("SELECT id FROM places WHERE name = $1")
                .bind(place)
                .fetch_one(p)
                .await?
                .try_get(0)?;
            sqlx::query(
                "INSERT INTO sessions (place_id, starts, capacity) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(place_id)
            .bind(starts)
            .bind(capacity)
            .fetch_one(p)
            .await?
            .try_get(0)?
        });
        Ok(id)
    }

    /// Sets the address, accessibility information and opening hours of
    /// the place named `place` (those given; the others stay).
    ///
    /// # Errors
    /// When no place has that name or a text is longer than 2,000
    /// characters, or on a database error.
    pub async fn set_place_details(
        &self,
        place: &str,
        address: Option<&str>,
        accessibility: Option<&str>,
        opening_hours: Option<&str>,
    ) -> Result<(), ExchangeError> {
        for (column, sql, value) in [
            (
                "address",
                "UPDATE places SET address = $1 WHERE name = $2",
                address,
            ),
            (
                "accessibility",
                "UPDATE places SET accessibility = $1 WHERE name = $2",
                accessibility,
            ),
            (
                "opening hours",
                "UPDATE places SET opening_hours = $1 WHERE name = $2",
                opening_hours,
            ),
        ] {
            let Some(value) = value else { continue };
            let value = value.trim();
            if value.chars().count() > 2_000 {
                return Err(ExchangeError::Invalid(format!(
                    "the place's {column} must have at most 2000 characters"
                )));
            }
            let done = on_pool!(self, |p| {
                sqlx::query(sql)
                    .bind(value)
                    .bind(place.trim())
                    .execute(p)
                    .await?
                    .rows_affected()
            });
            if done == 0 {
                return Err(ExchangeError::Invalid(format!("no place named {place}")));
            }
        }
        Ok(())
    }

    /// Every session, soonest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn sessions(&self) -> Result<Vec<Session>, ExchangeError> {
        const SQL: &str = "SELECT s.id, s.starts, s.capacity, s.booked, p.name, p.address, p.accessibility, p.opening_hours \
             FROM sessions s JOIN places p ON p.id = s.place_id ORDER BY s.starts, s.id";
        let sessions = on_pool!(self, |p| {
            let rows = sqlx::query(SQL).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let capacity: i64 = r.try_get(2)?;
                let booked: i64 = r.try_get(3)?;
                out.push(Session {
                    id: r.try_get(0)?,
                    starts: crate::rfc3339(r.try_get(1)?),
                    capacity,
                    remaining: (capacity - booked).max(0),
                    place: Place {
                        name: r.try_get(4)?,
                        address: r.try_get(5)?,
                        accessibility: r.try_get(6)?,
                        opening_hours: r.try_get(7)?,
                    },
                });
            }
            out
        });
        Ok(sessions)
    }

    /// Registers a farmer under contract and returns their id and initial
    /// password (stored only as an argon2 hash: show it once). `actor`
    /// is who does it, written to the audit log in the same transaction.
    ///
    /// # Errors
    /// When a field is empty or the address taken, or on a database
    /// error.
    pub async fn add_farmer(
        &self,
        name: &str,
        email: &str,
        contract: &str,
        actor: &str,
    ) -> Result<(i64, String), ExchangeError> {
        let (name, email, contract) = (name.trim(), email.trim(), contract.trim());
        if name.is_empty() || contract.is_empty() || !email.contains('@') {
            return Err(ExchangeError::Invalid(
                "a farmer needs a name, an e-mail address (with @) and a contract reference".into(),
            ));
        }
        let password = generate_password();
        let hash = hash_password(&password)?;
        let now = crate::now();
        let id = write_tx!(self, |tx| {
            let inserted: Option<i64> = sqlx::query(
                "INSERT INTO farmers (name, email, contract, password_hash, created) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (email) DO NOTHING RETURNING id",
            )
            .bind(name)
            .bind(email)
            .bind(contract)
            .bind(&hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?;
            let id = inserted.ok_or_else(|| ExchangeError::FarmerExists(email.to_owned()))?;
            audit_in!(
                tx,
                now,
                actor,
                Some(id),
                "farmer created",
                "registration under contract"
            );
            tx.commit().await?;
            id
        });
        Ok((id, password))
    }

    /// The farmer's id for an e-mail address.
    ///
    /// # Errors
    /// [`ExchangeError::UnknownFarmer`], or on a database error.
    pub async fn farmer_id(&self, email: &str) -> Result<i64, ExchangeError> {
        let id: Option<i64> = on_pool!(self, |p| {
            sqlx::query("SELECT id FROM farmers WHERE email = $1")
                .bind(email.trim())
                .fetch_optional(p)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?
        });
        id.ok_or_else(|| ExchangeError::UnknownFarmer(email.to_owned()))
    }

    /// The farmer's id if `password` is theirs. Costs an argon2 check.
    ///
    /// # Errors
    /// On a database error.
    pub async fn login(&self, email: &str, password: &str) -> Result<Option<i64>, ExchangeError> {
        let row: Option<(i64, String)> = on_pool!(self, |p| {
            match sqlx::query("SELECT id, password_hash FROM farmers WHERE email = $1")
                .bind(email.trim())
                .fetch_optional(p)
                .await?
            {
                Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
                None => None,
            }
        });
        Ok(row.and_then(|(id, hash)| verify_password(&hash, password).then_some(id)))
    }

    /// Creates an API token for the farmer with that e-mail address and
    /// returns it (stored only hashed: show it once). `actor` (a curator,
    /// a command, or [`crate::FARMER_ACTOR`] on their own account page)
    /// goes to the audit log in the same transaction.
    ///
    /// # Errors
    /// [`ExchangeError::UnknownFarmer`], or on a database error.
    pub async fn new_token(&self, email: &str, actor: &str) -> Result<String, ExchangeError> {
        let farmer = self.farmer_id(email).await?;
        let token = generate_token();
        let now = crate::now();
        write_tx!(self, |tx| {
            sqlx::query("INSERT INTO tokens (farmer_id, hash, created) VALUES ($1, $2, $3)")
                .bind(farmer)
                .bind(hash_token(&token))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            audit_in!(
                tx,
                now,
                actor,
                Some(farmer),
                "API token created",
                "farmer's request"
            );
            tx.commit().await?;
        });
        Ok(token)
    }

    /// The farmer a token belongs to, if it is valid and not revoked.
    ///
    /// # Errors
    /// On a database error.
    pub async fn farmer_by_token(&self, token: &str) -> Result<Option<i64>, ExchangeError> {
        let id = on_pool!(self, |p| {
            sqlx::query("SELECT farmer_id FROM tokens WHERE hash = $1 AND revoked IS NULL")
                .bind(hash_token(token))
                .fetch_optional(p)
                .await?
                .map(|r| r.try_get::<i64, _>(0))
                .transpose()?
        });
        Ok(id)
    }

    /// Makes the lots table follow `main`: each lot's offered quantity
    /// becomes the record's (whole units), new lots are added, and lots no
    /// longer in `lots` (withdrawn, deleted) are offered 0. Bookings are
    /// never cancelled for it: returns every lot whose active bookings now
    /// exceed what is offered, with those bookings, for the curator to see
    /// to.
    ///
    /// # Errors
    /// On a database error.
    pub async fn sync_lots(&self, lots: &[(String, i64)]) -> Result<Vec<Excess>, ExchangeError> {
        let wanted: std::collections::HashSet<&str> =
            lots.iter().map(|(k, _)| k.as_str()).collect();
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for (key, offered) in lots {
                sqlx::query(
                    "INSERT INTO lots (key, offered) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET offered = excluded.offered \
                     WHERE lots.offered <> excluded.offered",
                )
                .bind(key)
                .bind((*offered).max(0))
                .execute(&mut *tx)
                .await?;
            }
            let known = sqlx::query("SELECT key FROM lots WHERE offered > 0")
                .fetch_all(&mut *tx)
                .await?;
            for row in known {
                let key: String = row.try_get(0)?;
                if !wanted.contains(key.as_str()) {
                    sqlx::query("UPDATE lots SET offered = 0 WHERE key = $1")
                        .bind(&key)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
        });
        self.excess().await
    }

    /// Every lot whose active bookings exceed what its record now offers,
    /// with those bookings (newest first).
    ///
    /// # Errors
    /// On a database error.
    pub async fn excess(&self) -> Result<Vec<Excess>, ExchangeError> {
        let mut out = Vec::new();
        for lot in self.lots().await? {
            if lot.booked <= lot.offered {
                continue;
            }
            let bookings = on_pool!(self, |p| {
                let rows = sqlx::query(
                    "SELECT b.id FROM bookings b JOIN booking_items i ON i.booking_id = b.id \
                     WHERE i.lot_key = $1 AND b.cancelled IS NULL ORDER BY b.id DESC",
                )
                .bind(&lot.lot)
                .fetch_all(p)
                .await?;
                rows.iter()
                    .map(|r| r.try_get::<i64, _>(0))
                    .collect::<Result<Vec<_>, _>>()?
            });
            out.push(Excess {
                lot: lot.lot,
                offered: lot.offered,
                booked: lot.booked,
                bookings,
            });
        }
        Ok(out)
    }

    /// Every lot of the exchange with what is left of it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn lots(&self) -> Result<Vec<LotAvailability>, ExchangeError> {
        let lots = on_pool!(self, |p| {
            let rows = sqlx::query("SELECT key, offered, booked FROM lots ORDER BY key")
                .fetch_all(p)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let offered: i64 = r.try_get(1)?;
                let booked: i64 = r.try_get(2)?;
                out.push(LotAvailability {
                    lot: r.try_get(0)?,
                    offered,
                    booked,
                    available: (offered - booked).max(0),
                });
            }
            out
        });
        Ok(lots)
    }

    /// Books `items` for `farmer` at `session`, all or nothing: one place in
    /// the session, and each quantity, are taken by conditional updates in
    /// one transaction, so that concurrent bookings can never take more
    /// than there is. `made_by` is the curator booking on the farmer's
    /// behalf.
    ///
    /// # Errors
    /// [`ExchangeError::SessionFull`], [`ExchangeError::LotShort`],
    /// [`ExchangeError::UnknownLot`], [`ExchangeError::UnknownSession`],
    /// [`ExchangeError::SessionStarted`], [`ExchangeError::Invalid`] for a
    /// bad request, or on a database error.
    pub async fn book(
        &self,
        farmer: i64,
        session: i64,
        items: &[BookingItem],
        made_by: Option<&str>,
    ) -> Result<Booking, ExchangeError> {
        let mut items = items.to_vec();
        check_items(&mut items)?;
        let now = crate::now();
        macro_rules! book_in {
            ($tx:ident) => {{
                let started: Option<(i64, i64)> =
                    match sqlx::query("SELECT starts, capacity FROM sessions WHERE id = $1")
                        .bind(session)
                        .fetch_optional(&mut *$tx)
                        .await?
                    {
                        Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
                        None => None,
                    };
                let Some((starts, capacity)) = started else {
                    return Err(ExchangeError::UnknownSession(session));
                };
                if starts <= now {
                    return Err(ExchangeError::SessionStarted(session));
                }
                let taken = sqlx::query(
                    "UPDATE sessions SET booked = booked + 1 WHERE id = $1 AND booked + 1 <= capacity",
                )
                .bind(session)
                .execute(&mut *$tx)
                .await?;
                if taken.rows_affected() == 0 {
                    return Err(ExchangeError::SessionFull { session, capacity });
                }
                for item in &items {
                    let taken = sqlx::query(
                        "UPDATE lots SET booked = booked + $1 WHERE key = $2 AND booked + $1 <= offered",
                    )
                    .bind(item.quantity)
                    .bind(&item.lot)
                    .execute(&mut *$tx)
                    .await?;
                    if taken.rows_affected() == 0 {
                        let left: Option<i64> =
                            match sqlx::query("SELECT offered - booked FROM lots WHERE key = $1")
                                .bind(&item.lot)
                                .fetch_optional(&mut *$tx)
                                .await?
                            {
                                Some(r) => Some(r.try_get(0)?),
                                None => None,
                            };
                        return Err(match left {
                            None => ExchangeError::UnknownLot(item.lot.clone()),
                            Some(left) => ExchangeError::LotShort {
                                lot: item.lot.clone(),
                                requested: item.quantity,
                                available: left.max(0),
                            },
                        });
                    }
                }
                let id: i64 = sqlx::query(
                    "INSERT INTO bookings (farmer_id, session_id, made_by, created) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(farmer)
                .bind(session)
                .bind(made_by)
                .bind(now)
                .fetch_one(&mut *$tx)
                .await?
                .try_get(0)?;
                for item in &items {
                    sqlx::query(
                        "INSERT INTO booking_items (booking_id, lot_key, quantity) VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(&item.lot)
                    .bind(item.quantity)
                    .execute(&mut *$tx)
                    .await?;
                }
                if let Some(curator) = made_by {
                    sqlx::query(
                        "INSERT INTO audit (at, actor, farmer_id, action, reason) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(now)
                    .bind(curator)
                    .bind(farmer)
                    .bind("booking made on behalf")
                    .bind("the farmer asked in person or by telephone")
                    .execute(&mut *$tx)
                    .await?;
                }
                $tx.commit().await?;
                id
            }};
        }
        // Every early return above drops the transaction: rolled back.
        let id = match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                book_in!(tx)
            }
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                book_in!(tx)
            }
        };
        Ok(Booking {
            id,
            session,
            created: crate::rfc3339(now),
            cancelled: None,
            made_by: made_by.map(str::to_owned),
            items,
        })
    }

    /// The farmer's bookings, newest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn bookings_of(&self, farmer: i64) -> Result<Vec<Booking>, ExchangeError> {
        let bookings = on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT id, session_id, created, cancelled, made_by FROM bookings WHERE farmer_id = $1 ORDER BY id DESC",
            )
            .bind(farmer)
            .fetch_all(p)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let id: i64 = r.try_get(0)?;
                let items = sqlx::query(
                    "SELECT lot_key, quantity FROM booking_items WHERE booking_id = $1 ORDER BY lot_key",
                )
                .bind(id)
                .fetch_all(p)
                .await?
                .iter()
                .map(|i| {
                    Ok(BookingItem {
                        lot: i.try_get(0)?,
                        quantity: i.try_get(1)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
                out.push(Booking {
                    id,
                    session: r.try_get(1)?,
                    created: crate::rfc3339(r.try_get(2)?),
                    cancelled: r.try_get::<Option<i64>, _>(3)?.map(crate::rfc3339),
                    made_by: r.try_get(4)?,
                    items,
                });
            }
            out
        });
        Ok(bookings)
    }

    /// Cancels the farmer's booking `id` before its session starts, and
    /// gives back its place and quantities, in one transaction.
    ///
    /// # Errors
    /// [`ExchangeError::UnknownBooking`] (also when it is someone
    /// else's), [`ExchangeError::AlreadyCancelled`],
    /// [`ExchangeError::SessionStarted`], or on a database error.
    pub async fn cancel(&self, farmer: i64, id: i64) -> Result<(), ExchangeError> {
        let now = crate::now();
        macro_rules! cancel_in {
            ($tx:ident) => {{
                let found: Option<(i64, Option<i64>, i64)> = match sqlx::query(
                    "SELECT b.session_id, b.cancelled, s.starts FROM bookings b JOIN sessions s ON s.id = b.session_id \
                     WHERE b.id = $1 AND b.farmer_id = $2",
                )
                .bind(id)
                .bind(farmer)
                .fetch_optional(&mut *$tx)
                .await?
                {
                    Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
                    None => None,
                };
                let Some((session, cancelled, starts)) = found else {
                    return Err(ExchangeError::UnknownBooking(id));
                };
                if cancelled.is_some() {
                    return Err(ExchangeError::AlreadyCancelled(id));
                }
                if starts <= now {
                    return Err(ExchangeError::SessionStarted(session));
                }
                let done = sqlx::query(
                    "UPDATE bookings SET cancelled = $1 WHERE id = $2 AND cancelled IS NULL",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *$tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(ExchangeError::AlreadyCancelled(id));
                }
                sqlx::query("UPDATE sessions SET booked = booked - 1 WHERE id = $1")
                    .bind(session)
                    .execute(&mut *$tx)
                    .await?;
                sqlx::query(
                    "UPDATE lots SET booked = booked - (SELECT quantity FROM booking_items i WHERE i.booking_id = $1 AND i.lot_key = lots.key) \
                     WHERE key IN (SELECT lot_key FROM booking_items WHERE booking_id = $1)",
                )
                .bind(id)
                .execute(&mut *$tx)
                .await?;
                $tx.commit().await?;
            }};
        }
        match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                cancel_in!(tx)
            }
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                cancel_in!(tx)
            }
        }
        Ok(())
    }
}

// The web front's queries (farmer sessions, account page, pick lists):
// in their own file, so that this one stays the bookings' core.
pub(crate) mod web;

/// Checks a booking's items, and sorts them by lot so that concurrent
/// transactions lock lots in one order (no deadlock on PostgreSQL).
fn check_items(items: &mut [BookingItem]) -> Result<(), ExchangeError> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(ExchangeError::Invalid(format!(
            "a booking has 1 to {MAX_ITEMS} items"
        )));
    }
    items.sort_by(|a, b| a.lot.cmp(&b.lot));
    for item in items.iter() {
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(ExchangeError::Invalid(format!(
                "the quantity {} of {} must be between 1 and {MAX_QUANTITY}",
                item.quantity, item.lot
            )));
        }
        if !(item.lot.starts_with("seed-lot/") || item.lot.starts_with("ferment-lot/")) {
            return Err(ExchangeError::UnknownLot(item.lot.clone()));
        }
    }
    if items.windows(2).any(|w| w[0].lot == w[1].lot) {
        return Err(ExchangeError::Invalid(
            "each lot may appear once in a booking".into(),
        ));
    }
    Ok(())
}
