//! What the web front needs beyond the bookings themselves: farmers' web
//! sessions (in the database, so that several `serve` processes share
//! them), the farmer's account page (their details and API tokens), and a
//! session's pick list for curators (audited).

use sqlx::Row;

use super::{Pool, Store};
use crate::ExchangeError;
use crate::secret::{generate_session_token, generate_token, hash_token};
use crate::types::BookingItem;

/// A farmer's own details, shown on their account page only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarmerAccount {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their e-mail address (their login).
    pub email: String,
    /// Their contract reference.
    pub contract: String,
}

/// One of a farmer's API tokens, without its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Its id (to revoke it).
    pub id: i64,
    /// When it was made (Unix seconds).
    pub created: i64,
    /// When it was revoked, if it was.
    pub revoked: Option<i64>,
}

/// One active booking of a session's pick list.
#[derive(Debug, Clone, PartialEq)]
pub struct PickEntry {
    /// The booking's number.
    pub booking: i64,
    /// The farmer's name; `None` once the farmer was erased.
    pub farmer: Option<String>,
    /// The curator who booked on the farmer's behalf, if one did.
    pub made_by: Option<String>,
    /// The lots and quantities.
    pub items: Vec<BookingItem>,
}

/// The least time between two writes of a session's `last_seen`: a
/// session is not written at every page.
const TOUCH_EVERY: i64 = 60;

impl Store {
    /// Opens a web session for `farmer` and returns its token, for the
    /// cookie (stored only hashed). Sessions idle for more than
    /// `idle_secs` are deleted on the way.
    ///
    /// # Errors
    /// On a database error.
    pub async fn open_farmer_session(
        &self,
        farmer: i64,
        idle_secs: i64,
    ) -> Result<String, ExchangeError> {
        let now = crate::now();
        let token = generate_session_token();
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM farmer_sessions WHERE last_seen < $1")
                .bind(now.saturating_sub(idle_secs))
                .execute(p)
                .await?;
            sqlx::query(
                "INSERT INTO farmer_sessions (farmer_id, hash, created, last_seen) VALUES ($1, $2, $3, $3)",
            )
            .bind(farmer)
            .bind(hash_token(&token))
            .bind(now)
            .execute(p)
            .await?;
        });
        Ok(token)
    }

    /// The farmer of a web session token, if the session exists and was
    /// used within `idle_secs` (it is then extended); an idle session is
    /// deleted.
    ///
    /// # Errors
    /// On a database error.
    pub async fn farmer_session(
        &self,
        token: &str,
        idle_secs: i64,
    ) -> Result<Option<i64>, ExchangeError> {
        let now = crate::now();
        let hash = hash_token(token);
        let found = on_pool!(self, |p| {
            match sqlx::query("SELECT farmer_id, last_seen FROM farmer_sessions WHERE hash = $1")
                .bind(&hash)
                .fetch_optional(p)
                .await?
            {
                Some(r) => Some((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?)),
                None => None,
            }
        });
        let Some((farmer, last_seen)) = found else {
            return Ok(None);
        };
        if last_seen < now.saturating_sub(idle_secs) {
            self.close_farmer_session(token).await?;
            return Ok(None);
        }
        if now - last_seen >= TOUCH_EVERY {
            on_pool!(self, |p| {
                sqlx::query("UPDATE farmer_sessions SET last_seen = $1 WHERE hash = $2")
                    .bind(now)
                    .bind(&hash)
                    .execute(p)
                    .await?;
            });
        }
        Ok(Some(farmer))
    }

    /// Ends the web session of `token` (nothing if there is none).
    ///
    /// # Errors
    /// On a database error.
    pub async fn close_farmer_session(&self, token: &str) -> Result<(), ExchangeError> {
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM farmer_sessions WHERE hash = $1")
                .bind(hash_token(token))
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// A farmer's own details, for their account page.
    ///
    /// # Errors
    /// On a database error.
    pub async fn farmer_account(
        &self,
        farmer: i64,
    ) -> Result<Option<FarmerAccount>, ExchangeError> {
        let account = on_pool!(self, |p| {
            match sqlx::query("SELECT id, name, email, contract FROM farmers WHERE id = $1")
                .bind(farmer)
                .fetch_optional(p)
                .await?
            {
                Some(r) => Some(FarmerAccount {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    email: r.try_get(2)?,
                    contract: r.try_get(3)?,
                }),
                None => None,
            }
        });
        Ok(account)
    }

    /// Creates an API token for the farmer `farmer` and returns it (stored
    /// only hashed: show it once). `actor` is who does it, for the audit
    /// log.
    ///
    /// # Errors
    /// On a database error (an unknown farmer is refused by the foreign
    /// key).
    pub async fn new_token_of(&self, farmer: i64, actor: &str) -> Result<String, ExchangeError> {
        let token = generate_token();
        on_pool!(self, |p| {
            sqlx::query("INSERT INTO tokens (farmer_id, hash, created) VALUES ($1, $2, $3)")
                .bind(farmer)
                .bind(hash_token(&token))
                .bind(crate::now())
                .execute(p)
                .await?;
        });
        self.audit(actor, Some(farmer), "API token created", "farmer's request")
            .await?;
        Ok(token)
    }

    /// The farmer's API tokens, oldest first, never their hashes.
    ///
    /// # Errors
    /// On a database error.
    pub async fn tokens_of(&self, farmer: i64) -> Result<Vec<TokenInfo>, ExchangeError> {
        let tokens = on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT id, created, revoked FROM tokens WHERE farmer_id = $1 ORDER BY created, id",
            )
            .bind(farmer)
            .fetch_all(p)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(TokenInfo {
                    id: r.try_get(0)?,
                    created: r.try_get(1)?,
                    revoked: r.try_get(2)?,
                });
            }
            out
        });
        Ok(tokens)
    }

    /// Revokes the farmer's token `id`; false when the farmer has no such
    /// token still valid. `actor` is who does it, for the audit log.
    ///
    /// # Errors
    /// On a database error.
    pub async fn revoke_token(
        &self,
        farmer: i64,
        id: i64,
        actor: &str,
    ) -> Result<bool, ExchangeError> {
        let done = on_pool!(self, |p| {
            sqlx::query(
                "UPDATE tokens SET revoked = $1 WHERE id = $2 AND farmer_id = $3 AND revoked IS NULL",
            )
            .bind(crate::now())
            .bind(id)
            .bind(farmer)
            .execute(p)
            .await?
            .rows_affected()
        });
        if done == 0 {
            return Ok(false);
        }
        self.audit(actor, Some(farmer), "API token revoked", "farmer's request")
            .await?;
        Ok(true)
    }

    /// The active bookings of `session`, oldest first, with their
    /// farmers' names: the list a curator prepares the lots from. Every
    /// call is written to the audit log, once per farmer listed, with
    /// `actor` and `reason`.
    ///
    /// # Errors
    /// [`ExchangeError::UnknownSession`], or on a database error.
    pub async fn pick_list(
        &self,
        session: i64,
        actor: &str,
        reason: &str,
    ) -> Result<Vec<PickEntry>, ExchangeError> {
        let (exists, rows) = on_pool!(self, |p| {
            let exists = sqlx::query("SELECT id FROM sessions WHERE id = $1")
                .bind(session)
                .fetch_optional(p)
                .await?
                .is_some();
            let rows = sqlx::query(
                "SELECT b.id, b.farmer_id, f.name, b.made_by, i.lot_key, i.quantity \
                 FROM bookings b LEFT JOIN farmers f ON f.id = b.farmer_id \
                 JOIN booking_items i ON i.booking_id = b.id \
                 WHERE b.session_id = $1 AND b.cancelled IS NULL ORDER BY b.id, i.lot_key",
            )
            .bind(session)
            .fetch_all(p)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push((
                    r.try_get::<i64, _>(0)?,
                    r.try_get::<Option<i64>, _>(1)?,
                    r.try_get::<Option<String>, _>(2)?,
                    r.try_get::<Option<String>, _>(3)?,
                    BookingItem {
                        lot: r.try_get(4)?,
                        quantity: r.try_get(5)?,
                    },
                ));
            }
            (exists, out)
        });
        if !exists {
            return Err(ExchangeError::UnknownSession(session));
        }
        let mut entries: Vec<PickEntry> = Vec::new();
        let mut farmers: Vec<i64> = Vec::new();
        for (booking, farmer_id, name, made_by, item) in rows {
            if let Some(f) = farmer_id
                && !farmers.contains(&f)
            {
                farmers.push(f);
            }
            match entries.last_mut() {
                Some(e) if e.booking == booking => e.items.push(item),
                _ => entries.push(PickEntry {
                    booking,
                    farmer: name,
                    made_by,
                    items: vec![item],
                }),
            }
        }
        let action = format!("name and bookings read on the pick list of session {session}");
        for farmer in farmers {
            self.audit(actor, Some(farmer), &action, reason).await?;
        }
        Ok(entries)
    }
}
