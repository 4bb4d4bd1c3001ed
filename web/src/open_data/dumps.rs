//! Whole-catalogue dumps for reusers: `/dumps/catalogue.json.gz`, every
//! record of `main` as one JSON array (the same as `conservatoire export`),
//! gzipped once per `main` commit, with `ETag` (the commit), `Last-Modified`
//! (the last change) and `304` on `If-None-Match`.

use std::io::Write as _;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cdl_records::Record;

use crate::error::AppError;
use crate::pages::blocking;
use crate::state::AppState;

/// A dump built for one commit.
#[derive(Debug)]
pub struct Dump {
    /// The `main` commit it was made from.
    pub commit: String,
    /// When the catalogue last changed, seconds since the epoch.
    pub modified: i64,
    /// The gzipped bytes.
    pub bytes: Arc<Vec<u8>>,
}

/// The JSON dump of `records`, gzipped.
///
/// # Errors
/// When serialising or compressing fails (never with valid records).
pub fn json_gz(records: &[&Record]) -> Result<Vec<u8>, String> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    serde_json::to_writer(&mut gz, records).map_err(|e| e.to_string())?;
    gz.write_all(b"\n").map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}

/// Formats seconds since the epoch as an HTTP date (IMF-fixdate).
pub fn http_date(seconds: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let text = cdl_registry::rfc3339(seconds);
    // `YYYY-MM-DDThh:mm:ssZ`, always ASCII.
    let (y, m, d, t) = (&text[0..4], &text[5..7], &text[8..10], &text[11..19]);
    let month = m.parse::<usize>().unwrap_or(1).clamp(1, 12);
    let weekday = DAYS[usize::try_from(seconds.div_euclid(86_400).rem_euclid(7)).unwrap_or(0)];
    format!("{weekday}, {d} {} {y} {t} GMT", MONTHS[month - 1])
}

/// `/dumps/catalogue.json.gz`.
///
/// # Errors
/// When the registry cannot be read.
pub async fn catalogue_json(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let st = state.clone();
    let dump = blocking(move || -> Result<Arc<Dump>, String> {
        let catalogue = st.open_data.get(&st.registry)?;
        let commit = catalogue.commit.to_hex().to_string();
        if let Some(d) = st.open_data.dump(&commit) {
            return Ok(d);
        }
        let records: Vec<&Record> = catalogue
            .items
            .iter()
            .filter_map(|i| i.record.as_deref())
            .collect();
        let dump = Arc::new(Dump {
            modified: catalogue
                .items
                .iter()
                .map(|i| i.datestamp)
                .max()
                .unwrap_or(catalogue.earliest),
            bytes: Arc::new(json_gz(&records)?),
            commit,
        });
        st.open_data.keep_dump(Arc::clone(&dump));
        Ok(dump)
    })
    .await?
    .map_err(AppError::Internal)?;
    let etag = format!("\"{}\"", dump.commit);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/gzip"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"catalogue.json.gz\""),
                ),
            ],
            dump.bytes.as_ref().clone(),
        )
            .into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(dump.modified)) {
        h.insert(header::LAST_MODIFIED, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates() {
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::http_date(1_796_253_689),
            "Wed, 02 Dec 2026 23:21:29 GMT"
        );
    }
}
