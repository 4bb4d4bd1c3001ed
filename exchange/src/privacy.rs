//! Farmers' personal data: the audit of every use of it, the export of
//! everything held about one person, erasure, the yearly report, and
//! retention.
//!
//! Every read or change of a farmer's data by a curator or a command
//! writes a line to the audit log (who, when, what, why) in the same
//! transaction: the data is never given out, nor changed, without its
//! trace. Farmers acting on their own account (booking and cancelling
//! with their token or password) are not audited: their bookings are
//! themselves the record, and the export and the report list them. When
//! a farmer's own action is audited (a token made on their account page),
//! its actor is [`FARMER_ACTOR`].
//!
//! Erasure deletes the farmer's row and tokens; their bookings stay,
//! with no farmer (`farmer_id` NULL), so that stock counts hold; the
//! audit lines about them stay too, with no farmer: nothing links them to
//! the person any more (no pseudonymous number is kept). A last line,
//! "personal data erased", with no farmer, says who erased and why.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::store::Pool;
use crate::types::BookingItem;
use crate::{ExchangeError, Store};

/// The actor written to the audit log when farmers act on their own data.
pub const FARMER_ACTOR: &str = "farmer";

/// The actor written to the audit log for the retention the server
/// applies by itself.
pub const SERVER_ACTOR: &str = "server (retention)";

/// The default retention of bookings, in months.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

/// The longest retention accepted, in months (a century).
pub const MAX_RETENTION_MONTHS: u32 = 1200;

/// The actions written to the audit log by this module.
const READ: &str = "personal data read";
const EXPORTED: &str = "personal data exported";
const ERASED: &str = "personal data erased";
const REPORTED: &str = "yearly report written";
const RETAINED: &str = "bookings anonymised (retention)";

/// One line of the audit log about a farmer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who: a curator, a command (`command line (system user ...)`), the
    /// server, or `farmer` for the person themselves.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// Why.
    pub reason: String,
}

/// A farmer's account as a curator sees it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FarmerProfile {
    /// The farmer's number.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their e-mail address, their login.
    pub email: String,
    /// The reference of their contract with the City.
    pub contract: String,
    /// When the account was created (RFC 3339, UTC).
    pub created: String,
}

/// One API token, as the person may know of it: never its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokenHeld {
    /// When it was made (RFC 3339, UTC).
    pub created: String,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
}

/// The session a booking is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionHeld {
    /// The session's id.
    pub id: i64,
    /// When it starts (RFC 3339, UTC).
    pub starts: String,
    /// The exchange point's name.
    pub place: String,
    /// Its postal address.
    pub address: String,
}

/// One of the person's bookings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BookingHeld {
    /// The booking's id.
    pub id: i64,
    /// When it was made (RFC 3339, UTC).
    pub created: String,
    /// When it was cancelled, if it was.
    pub cancelled: Option<String>,
    /// The curator who booked on the person's behalf, if one did.
    pub made_by: Option<String>,
    /// The session.
    pub session: SessionHeld,
    /// The lots and quantities.
    pub items: Vec<BookingItem>,
}

/// Everything the exchange holds about one person: what
/// `conservatoire privacy export` prints and the account page offers to
/// download. The password is only said to be set, tokens are only
/// counted and dated: their hashes never leave the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PersonalData {
    /// When this export was made (RFC 3339, UTC).
    pub exported: String,
    /// The account.
    pub farmer: FarmerProfile,
    /// Whether a password is set (only its argon2id hash is kept).
    pub password_set: bool,
    /// How many API tokens are valid.
    pub active_tokens: usize,
    /// Every API token made, oldest first.
    pub tokens: Vec<TokenHeld>,
    /// Every booking still linked to the person (cancelled ones too),
    /// oldest first; bookings past the retention period are anonymised
    /// and no longer listed.
    pub bookings: Vec<BookingHeld>,
    /// Every line of the audit log about the person, oldest first (this
    /// export's own line included).
    pub audit: Vec<AuditEntry>,
}

/// What an erasure removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Erasure {
    /// The erased farmer's former number.
    pub farmer: i64,
    /// Bookings kept, now with no farmer.
    pub bookings: u64,
    /// Tokens deleted.
    pub tokens: u64,
    /// Audit lines kept, now with no farmer.
    pub audit_entries: u64,
}

/// What the yearly report says besides the data: the retention period,
/// whom to write to, and who controls the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSettings {
    /// Months after its session starts before a booking is anonymised.
    pub retention_months: u32,
    /// Where to write to ask for erasure: an e-mail address or a web page.
    pub contact: String,
    /// Who controls the data (the site's publisher).
    pub controller: String,
}

fn check_accountable(actor: &str, reason: &str) -> Result<(), ExchangeError> {
    for (what, text) in [("who acts", actor), ("the reason", reason)] {
        let n = text.trim().chars().count();
        if n == 0 || n > 500 {
            return Err(ExchangeError::Invalid(format!(
                "the audit log needs {what}: 1 to 500 characters"
            )));
        }
    }
    Ok(())
}

fn check_retention(months: u32) -> Result<(), ExchangeError> {
    if (1..=MAX_RETENTION_MONTHS).contains(&months) {
        Ok(())
    } else {
        Err(ExchangeError::Invalid(format!(
            "the retention period {months} must be between 1 and {MAX_RETENTION_MONTHS} months"
        )))
    }
}

/// `now` minus `months` calendar months, in UTC, as Unix seconds.
fn months_before(now: i64, months: u32) -> Result<i64, ExchangeError> {
    let invalid = |e: jiff::Error| ExchangeError::Invalid(format!("retention date: {e}"));
    let span = jiff::Span::new()
        .try_months(i64::from(months))
        .map_err(invalid)?;
    let now = jiff::Timestamp::from_second(now).map_err(invalid)?;
    let then = now
        .to_zoned(jiff::tz::TimeZone::UTC)
        .checked_sub(span)
        .map_err(invalid)?;
    Ok(then.timestamp().as_second())
}

/// Reads everything about `$farmer` inside the transaction `$tx`, after
/// writing the audit line (`$actor`, `$action`, `$reason`) there.
macro_rules! personal_data_in {
    ($tx:ident, $farmer:expr, $now:expr, $actor:expr, $action:expr, $reason:expr) => {{
        let farmer: i64 = $farmer;
        let row = sqlx::query(
            "SELECT id, name, email, contract, created, password_hash FROM farmers WHERE id = $1",
        )
        .bind(farmer)
        .fetch_optional(&mut *$tx)
        .await?;
        let Some(row) = row else {
            return Err(ExchangeError::NoSuchFarmer(farmer));
        };
        audit_in!($tx, $now, $actor, Some(farmer), $action, $reason);
        let profile = FarmerProfile {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            email: row.try_get(2)?,
            contract: row.try_get(3)?,
            created: crate::rfc3339(row.try_get(4)?),
        };
        let password_set = !row.try_get::<String, _>(5)?.is_empty();
        let tokens = sqlx::query("SELECT created, revoked FROM tokens WHERE farmer_id = $1 ORDER BY id")
            .bind(farmer)
            .fetch_all(&mut *$tx)
            .await?
            .iter()
            .map(|r| {
                Ok(TokenHeld {
                    created: crate::rfc3339(r.try_get(0)?),
                    revoked: r.try_get::<Option<i64>, _>(1)?.map(crate::rfc3339),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut items: BTreeMap<i64, Vec<BookingItem>> = BTreeMap::new();
        for r in sqlx::query(
            "SELECT i.booking_id, i.lot_key, i.quantity FROM booking_items i JOIN bookings b ON b.id = i.booking_id \
             WHERE b.farmer_id = $1 ORDER BY i.booking_id, i.lot_key",
        )
        .bind(farmer)
        .fetch_all(&mut *$tx)
        .await?
        {
            items.entry(r.try_get(0)?).or_default().push(BookingItem {
                lot: r.try_get(1)?,
                quantity: r.try_get(2)?,
            });
        }
        let mut bookings = Vec::new();
        for r in sqlx::query(
            "SELECT b.id, b.created, b.cancelled, b.made_by, s.id, s.starts, p.name, p.address \
             FROM bookings b JOIN sessions s ON s.id = b.session_id JOIN places p ON p.id = s.place_id \
             WHERE b.farmer_id = $1 ORDER BY b.id",
        )
        .bind(farmer)
        .fetch_all(&mut *$tx)
        .await?
        {
            let id: i64 = r.try_get(0)?;
            bookings.push(BookingHeld {
                id,
                created: crate::rfc3339(r.try_get(1)?),
                cancelled: r.try_get::<Option<i64>, _>(2)?.map(crate::rfc3339),
                made_by: r.try_get(3)?,
                session: SessionHeld {
                    id: r.try_get(4)?,
                    starts: crate::rfc3339(r.try_get(5)?),
                    place: r.try_get(6)?,
                    address: r.try_get(7)?,
                },
                items: items.remove(&id).unwrap_or_default(),
            });
        }
        let audit = audit_rows(
            sqlx::query(
                "SELECT at, actor, action, reason FROM audit WHERE farmer_id = $1 ORDER BY at, id",
            )
            .bind(farmer)
            .fetch_all(&mut *$tx)
            .await?,
        )?;
        PersonalData {
            exported: crate::rfc3339($now),
            farmer: profile,
            password_set,
            active_tokens: tokens.iter().filter(|t| t.revoked.is_none()).count(),
            tokens,
            bookings,
            audit,
        }
    }};
}

fn audit_rows<R: Row>(rows: Vec<R>) -> Result<Vec<AuditEntry>, sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                at: crate::rfc3339(r.try_get(0)?),
                actor: r.try_get(1)?,
                action: r.try_get(2)?,
                reason: r.try_get(3)?,
            })
        })
        .collect()
}

impl Store {
    /// Every line of the audit log about `farmer`, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn audit_of(&self, farmer: i64) -> Result<Vec<AuditEntry>, ExchangeError> {
        const SQL: &str =
            "SELECT at, actor, action, reason FROM audit WHERE farmer_id = $1 ORDER BY at, id";
        let entries = match &self.pool {
            Pool::Sqlite(p) => audit_rows(sqlx::query(SQL).bind(farmer).fetch_all(p).await?)?,
            Pool::Postgres(p) => audit_rows(sqlx::query(SQL).bind(farmer).fetch_all(p).await?)?,
        };
        Ok(entries)
    }

    /// The numbers of every farmer, in order.
    ///
    /// # Errors
    /// On a database error.
    pub async fn farmers(&self) -> Result<Vec<i64>, ExchangeError> {
        let ids = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_scalar("SELECT id FROM farmers ORDER BY id")
                    .fetch_all(p)
                    .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_scalar("SELECT id FROM farmers ORDER BY id")
                    .fetch_all(p)
                    .await?
            }
        };
        Ok(ids)
    }

    /// A farmer's account for a curator (`curator`) who needs it for
    /// `reason`: the read is written to the audit log in the same
    /// transaction, before the data is returned.
    ///
    /// # Errors
    /// [`ExchangeError::UnknownFarmer`], [`ExchangeError::Invalid`]
    /// without a curator or a reason, or on a database error.
    pub async fn farmer_for_curator(
        &self,
        email: &str,
        curator: &str,
        reason: &str,
    ) -> Result<FarmerProfile, ExchangeError> {
        check_accountable(curator, reason)?;
        let now = crate::now();
        let profile = write_tx!(self, |tx| {
            let row = sqlx::query(
                "SELECT id, name, email, contract, created FROM farmers WHERE email = $1",
            )
            .bind(email.trim())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Err(ExchangeError::UnknownFarmer(email.trim().to_owned()));
            };
            let id: i64 = row.try_get(0)?;
            audit_in!(tx, now, curator.trim(), Some(id), READ, reason.trim());
            let profile = FarmerProfile {
                id,
                name: row.try_get(1)?,
                email: row.try_get(2)?,
                contract: row.try_get(3)?,
                created: crate::rfc3339(row.try_get(4)?),
            };
            tx.commit().await?;
            profile
        });
        Ok(profile)
    }

    /// Everything held about `farmer`, for `actor` (a curator, a command,
    /// or [`FARMER_ACTOR`] on their account page) who exports it for
    /// `reason`. The export is written to the audit log in the same
    /// transaction, and is the last audit line of the data returned.
    ///
    /// # Errors
    /// [`ExchangeError::NoSuchFarmer`], [`ExchangeError::Invalid`] without
    /// an actor or a reason, or on a database error.
    pub async fn export(
        &self,
        farmer: i64,
        actor: &str,
        reason: &str,
    ) -> Result<PersonalData, ExchangeError> {
        self.personal_data(farmer, actor, EXPORTED, reason).await
    }

    async fn personal_data(
        &self,
        farmer: i64,
        actor: &str,
        action: &str,
        reason: &str,
    ) -> Result<PersonalData, ExchangeError> {
        check_accountable(actor, reason)?;
        let (actor, reason) = (actor.trim(), reason.trim());
        let now = crate::now();
        let data = write_tx!(self, |tx| {
            let data = personal_data_in!(tx, farmer, now, actor, action, reason);
            tx.commit().await?;
            data
        });
        Ok(data)
    }

    /// The yearly report of `farmer` for `year`, in plain French
    /// (Markdown): what is held, every use of it that year from the audit
    /// log, how long it is kept, how to ask for erasure. Written to the
    /// audit log (`actor`, `reason`) in the same transaction as the read.
    ///
    /// # Errors
    /// As [`Store::export`].
    pub async fn report(
        &self,
        farmer: i64,
        year: i32,
        settings: &ReportSettings,
        actor: &str,
        reason: &str,
    ) -> Result<String, ExchangeError> {
        let data = self.personal_data(farmer, actor, REPORTED, reason).await?;
        Ok(report_text(&data, year, settings))
    }

    /// Erases `farmer`, for `actor` and `reason`, in one transaction: the
    /// farmer's row and tokens are deleted; their bookings and the audit
    /// lines about them stay with no farmer, so that stock counts hold
    /// and the log keeps who did what, without the person; a last audit
    /// line, with no farmer, records the erasure. On SQLite, deleted rows
    /// are overwritten in the file (`secure_delete`) and the write-ahead
    /// log is emptied afterwards, so the data is gone from the disk too.
    ///
    /// # Errors
    /// [`ExchangeError::NoSuchFarmer`] (also for a second erasure),
    /// [`ExchangeError::Invalid`] without an actor or a reason, or on a
    /// database error.
    pub async fn erase(
        &self,
        farmer: i64,
        actor: &str,
        reason: &str,
    ) -> Result<Erasure, ExchangeError> {
        check_accountable(actor, reason)?;
        let (actor, reason) = (actor.trim(), reason.trim());
        let now = crate::now();
        let erasure = write_tx!(self, |tx| {
            let bookings = sqlx::query("UPDATE bookings SET farmer_id = NULL WHERE farmer_id = $1")
                .bind(farmer)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let audit_entries =
                sqlx::query("UPDATE audit SET farmer_id = NULL WHERE farmer_id = $1")
                    .bind(farmer)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            let tokens = sqlx::query("DELETE FROM tokens WHERE farmer_id = $1")
                .bind(farmer)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let deleted = sqlx::query("DELETE FROM farmers WHERE id = $1")
                .bind(farmer)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 0 {
                return Err(ExchangeError::NoSuchFarmer(farmer));
            }
            audit_in!(tx, now, actor, None::<i64>, ERASED, reason);
            tx.commit().await?;
            Erasure {
                farmer,
                bookings,
                tokens,
                audit_entries,
            }
        });
        if let Pool::Sqlite(p) = &self.pool {
            // Old copies of the pages stay in the write-ahead log until it
            // is overwritten: empty it. Best effort: another process
            // reading at this moment keeps it from being truncated, and
            // the next checkpoint overwrites it.
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await;
        }
        Ok(erasure)
    }

    /// Anonymises every booking whose session started more than `months`
    /// calendar months before `now` (Unix seconds, UTC): its farmer is
    /// removed, its quantities stay counted. Each farmer concerned gets an
    /// audit line (`actor`) in the same transaction. Returns how many
    /// bookings were anonymised.
    ///
    /// # Errors
    /// [`ExchangeError::Invalid`] when `months` is not between 1 and
    /// [`MAX_RETENTION_MONTHS`], or on a database error.
    pub async fn apply_retention(
        &self,
        now: i64,
        months: u32,
        actor: &str,
    ) -> Result<u64, ExchangeError> {
        check_retention(months)?;
        let reason = format!("retention period of {months} months");
        check_accountable(actor, &reason)?;
        let cutoff = months_before(now, months)?;
        let at = crate::now();
        let done = write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO audit (at, actor, farmer_id, action, reason) \
                 SELECT DISTINCT $1, $2, b.farmer_id, $3, $4 FROM bookings b JOIN sessions s ON s.id = b.session_id \
                 WHERE b.farmer_id IS NOT NULL AND s.starts < $5",
            )
            .bind(at)
            .bind(actor.trim())
            .bind(RETAINED)
            .bind(&reason)
            .bind(cutoff)
            .execute(&mut *tx)
            .await?;
            let done = sqlx::query(
                "UPDATE bookings SET farmer_id = NULL WHERE farmer_id IS NOT NULL \
                 AND session_id IN (SELECT id FROM sessions WHERE starts < $1)",
            )
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            done
        });
        Ok(done)
    }
}

/// A date and time of the data (RFC 3339) the French way, in UTC:
/// `14/03/2026 à 08:00`.
fn french_date(rfc3339: &str) -> String {
    rfc3339
        .parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%d/%m/%Y à %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// What an audit action means, in French.
fn french_action(action: &str) -> String {
    match action {
        "farmer created" => "création de votre compte".to_owned(),
        "API token created" => "création d’un jeton d’accès à l’API".to_owned(),
        "booking made on behalf" => "réservation faite pour vous par l’équipe".to_owned(),
        READ => "consultation de votre compte".to_owned(),
        EXPORTED => "export de toutes vos données".to_owned(),
        REPORTED => "rédaction de votre rapport annuel".to_owned(),
        RETAINED => "anonymisation de réservations anciennes".to_owned(),
        other => other.to_owned(),
    }
}

/// Why, in French, for the reasons the software itself writes; a
/// curator's own words are shown as they are.
fn french_reason(reason: &str) -> String {
    if let Some(months) = reason
        .strip_prefix("retention period of ")
        .and_then(|r| r.strip_suffix(" months"))
    {
        return format!("la durée de conservation de {months} mois est écoulée");
    }
    match reason {
        "registration under contract" => "votre inscription sous contrat avec la Ville".to_owned(),
        "farmer's request" => "à votre demande".to_owned(),
        "the farmer asked in person or by telephone" => {
            "vous l’avez demandé sur place ou par téléphone".to_owned()
        }
        "the person's request (right of access)" => "à votre demande (droit d’accès)".to_owned(),
        "yearly report to the person" => {
            "le rapport que la Ville vous doit chaque année".to_owned()
        }
        other => other.to_owned(),
    }
}

/// Who acted, in French.
fn french_actor(actor: &str) -> String {
    if actor == FARMER_ACTOR {
        return "vous-même".to_owned();
    }
    if let Some(user) = actor
        .strip_prefix("command line (system user ")
        .and_then(|r| r.strip_suffix(')'))
    {
        return format!("la ligne de commande (utilisateur système {user})");
    }
    if actor == SERVER_ACTOR {
        return "le serveur, automatiquement".to_owned();
    }
    actor.to_owned()
}

/// The yearly report of `data` for `year`, in plain French (Markdown):
/// what is held, every use of it in `year` (UTC) from the audit log, how
/// long it is kept, how to ask for erasure. Pure: [`Store::report`] reads
/// the data and audits the read.
pub fn report_text(data: &PersonalData, year: i32, settings: &ReportSettings) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let f = &data.farmer;
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "# Vos données personnelles à la bourse aux semences et aux ferments — année {year}\n"
    );
    let _ = writeln!(
        out,
        "Rapport pour {}, établi le {} (heure UTC). Chaque année, la Ville dit à chaque personne \
         quelles données la bourse garde sur elle et ce qui en a été fait.\n",
        f.name,
        french_date(&data.exported)
    );
    let _ = writeln!(out, "## Les données que nous gardons sur vous\n");
    let _ = writeln!(out, "- Nom : {}", f.name);
    let _ = writeln!(out, "- Adresse électronique : {}", f.email);
    let _ = writeln!(
        out,
        "- Référence de votre contrat avec la Ville : {}",
        f.contract
    );
    let _ = writeln!(out, "- Compte créé le {}", french_date(&f.created));
    let _ = writeln!(
        out,
        "- Mot de passe : {}",
        if data.password_set {
            "un mot de passe est enregistré, seulement sous forme d’empreinte : personne ne peut le relire"
        } else {
            "aucun"
        }
    );
    let revoked = data.tokens.len() - data.active_tokens;
    let _ = writeln!(
        out,
        "- Jetons d’accès à l’API : {} valide(s), {} révoqué(s) (seule leur empreinte est gardée)",
        data.active_tokens, revoked
    );
    for t in &data.tokens {
        match &t.revoked {
            Some(r) => {
                let _ = writeln!(
                    out,
                    "  - créé le {}, révoqué le {}",
                    french_date(&t.created),
                    french_date(r)
                );
            }
            None => {
                let _ = writeln!(out, "  - créé le {}", french_date(&t.created));
            }
        }
    }
    let _ = writeln!(out, "- Réservations : {}", data.bookings.len());
    for b in &data.bookings {
        let items = b
            .items
            .iter()
            .map(|i| format!("{} × {}", i.quantity, i.lot))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            out,
            "  - n° {}, faite le {}, pour la séance du {} à {} : {items}",
            b.id,
            french_date(&b.created),
            french_date(&b.session.starts),
            b.session.place
        );
        if let Some(c) = &b.cancelled {
            let _ = write!(out, " ; annulée le {}", french_date(c));
        }
        if let Some(by) = &b.made_by {
            let _ = write!(out, " ; faite pour vous par {by}");
        }
        let _ = writeln!(out);
    }
    let prefix = format!("{year:04}-");
    let uses: Vec<&AuditEntry> = data
        .audit
        .iter()
        .filter(|a| a.at.starts_with(&prefix))
        .collect();
    let _ = writeln!(out, "\n## Ce qui a été fait de vos données en {year}\n");
    if uses.is_empty() {
        let _ = writeln!(
            out,
            "Aucune utilisation de vos données n’a été enregistrée en {year}."
        );
    } else {
        for a in &uses {
            let _ = writeln!(
                out,
                "- le {} : {}, par {} ; motif : {}",
                french_date(&a.at),
                french_action(&a.action),
                french_actor(&a.actor),
                french_reason(&a.reason)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nVos propres réservations et annulations n’y figurent pas : elles sont listées plus haut."
    );
    let _ = writeln!(out, "\n## Combien de temps nous les gardons\n");
    let _ = writeln!(
        out,
        "Chaque réservation est anonymisée automatiquement {} mois après le début de sa séance : \
         elle reste comptée dans les stocks, mais plus rien ne la relie à vous. Votre compte (nom, \
         adresse électronique, référence de contrat), vos jetons et le journal de ce qui a été fait \
         de vos données sont gardés tant que votre compte existe, jusqu’à ce que vous demandiez \
         leur effacement.",
        settings.retention_months
    );
    let _ = writeln!(out, "\n## Comment demander l’effacement de vos données\n");
    let _ = writeln!(
        out,
        "Écrivez à {}, ou demandez-le à l’équipe lors d’une séance ou par téléphone. L’équipe \
         efface alors votre compte (commande `conservatoire privacy erase`) : votre nom, votre \
         adresse électronique, votre référence de contrat et vos jetons sont supprimés ; vos \
         réservations restent, anonymes, pour que les stocks restent justes. Vous pouvez aussi \
         demander une copie de toutes vos données (commande `conservatoire privacy export`).",
        settings.contact
    );
    let _ = writeln!(
        out,
        "\nResponsable du traitement : {}.",
        settings.controller
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: &str, action: &str) -> AuditEntry {
        AuditEntry {
            at: at.to_owned(),
            actor: "command line (system user ann)".to_owned(),
            action: action.to_owned(),
            reason: "registration under contract".to_owned(),
        }
    }

    #[test]
    fn the_report_tells_the_uses_of_its_year_only() {
        let data = PersonalData {
            exported: "2026-12-05T10:00:00Z".to_owned(),
            farmer: FarmerProfile {
                id: 3,
                name: "Jeanne Martin".to_owned(),
                email: "jeanne@example.org".to_owned(),
                contract: "CT-2026-001".to_owned(),
                created: "2025-02-01T09:00:00Z".to_owned(),
            },
            password_set: true,
            active_tokens: 1,
            tokens: vec![TokenHeld {
                created: "2026-03-01T09:00:00Z".to_owned(),
                revoked: None,
            }],
            bookings: vec![],
            audit: vec![
                entry("2025-02-01T09:00:00Z", "farmer created"),
                entry("2026-03-01T09:00:00Z", "API token created"),
            ],
        };
        let settings = ReportSettings {
            retention_months: 24,
            contact: "donnees@paris.example".to_owned(),
            controller: "Ville de Paris".to_owned(),
        };
        let text = report_text(&data, 2026, &settings);
        for wanted in [
            "année 2026",
            "Jeanne Martin",
            "jeanne@example.org",
            "CT-2026-001",
            "01/03/2026 à 09:00 : création d’un jeton d’accès à l’API, par la ligne de commande (utilisateur système ann)",
            "24 mois",
            "donnees@paris.example",
            "Ville de Paris",
        ] {
            assert!(text.contains(wanted), "{wanted} in\n{text}");
        }
        assert!(!text.contains("création de votre compte"), "{text}");
        let earlier = report_text(&data, 2025, &settings);
        assert!(earlier.contains("01/02/2025 à 09:00 : création de votre compte"));
        assert!(!earlier.contains("création d’un jeton"));
        assert!(report_text(&data, 2024, &settings).contains("Aucune utilisation"));
    }

    #[test]
    fn months_are_calendar_months() {
        let now = "2026-03-31T12:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_second();
        let then = months_before(now, 24).unwrap();
        assert_eq!(crate::rfc3339(then), "2024-03-31T12:00:00Z");
        assert!(check_retention(0).is_err() && check_retention(1201).is_err());
    }
}
