//! What the store's tests share: the stores to test (SQLite, and
//! PostgreSQL when `CDL_TEST_POSTGRES_URL` names a server) and a text dump
//! of a whole database.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use cdl_exchange::Store;

/// A fresh PostgreSQL database, dropped with the guard.
pub struct Database {
    admin: String,
    name: String,
    /// Its address.
    pub url: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut c)
                    .await;
                }
            });
        })
        .join();
    }
}

/// The stores to test: SQLite in `dir`, and PostgreSQL when configured.
pub async fn stores(dir: &tempfile::TempDir, test: &str) -> Vec<(Store, Option<Database>)> {
    let mut out = vec![(
        Store::open(None, &dir.path().join("sub").join("x.sqlite"))
            .await
            .unwrap(),
        None,
    )];
    match std::env::var("CDL_TEST_POSTGRES_URL") {
        Ok(admin) => {
            use sqlx::Connection;
            let name = format!("cdl_store_{test}_{}", std::process::id());
            let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
            for sql in [
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
            let (head, params) = admin.split_once('?').unwrap_or((admin.as_str(), ""));
            let (scheme, rest) = head.split_once("://").unwrap();
            let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
            let mut url = format!("{scheme}://{authority}/{name}");
            if !params.is_empty() {
                url = format!("{url}?{params}");
            }
            let store = Store::open(Some(&url), std::path::Path::new("unused"))
                .await
                .unwrap();
            assert_eq!(store.backend(), "postgres");
            out.push((store, Some(Database { admin, name, url })));
        }
        Err(_) => eprintln!(
            "PostgreSQL skipped: set CDL_TEST_POSTGRES_URL=postgres://USER@HOST/DB to run it"
        ),
    }
    out
}

/// The SQLite file of [`stores`] in `dir`.
pub fn sqlite_file(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("sub").join("x.sqlite")
}

/// Every value of every table of the database, as text: SQLite at `file`
/// when `database` is `None`, else that PostgreSQL database.
pub async fn dump(file: &std::path::Path, database: Option<&Database>) -> String {
    use sqlx::{AssertSqlSafe, Connection, Row};
    let mut out = String::new();
    match database {
        None => {
            let mut c = sqlx::SqliteConnection::connect_with(
                &sqlx::sqlite::SqliteConnectOptions::new().filename(file),
            )
            .await
            .unwrap();
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            for table in tables {
                let columns: Vec<String> =
                    sqlx::query(AssertSqlSafe(format!("PRAGMA table_info(\"{table}\")")))
                        .fetch_all(&mut c)
                        .await
                        .unwrap()
                        .iter()
                        .map(|r| r.get::<String, _>("name"))
                        .collect();
                let select = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || ' | ' || ");
                let rows: Vec<String> =
                    sqlx::query_scalar(AssertSqlSafe(format!("SELECT {select} FROM \"{table}\"")))
                        .fetch_all(&mut c)
                        .await
                        .unwrap();
                out.push_str(&format!("[{table}]\n{}\n", rows.join("\n")));
            }
        }
        Some(db) => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            for table in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(AssertSqlSafe(format!("SELECT t::text FROM \"{table}\" t")))
                        .fetch_all(&mut c)
                        .await
                        .unwrap();
                out.push_str(&format!("[{table}]\n{}\n", rows.join("\n")));
            }
        }
    }
    out
}
