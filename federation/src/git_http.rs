//! The catalogue for the stock git client, read-only, over Git's dumb HTTP
//! protocol: `git clone <base-url>/catalogue.git` works.
//!
//! The dumb protocol is files: `info/refs` lists the refs, `HEAD` names
//! the default branch, `objects/info/packs` lists the packs, and the
//! client then asks for loose objects and packs by name. The registry
//! keeps its objects in exactly that layout, so the objects are served as
//! the files they are. The two index files are not kept on disk: they are
//! written from the repository on each request, so they are current after
//! every write without any hook (the registry's writes, its `gc` and the
//! mirror all change them).
//!
//! Only `main` is advertised: proposals, mirrors and tombstones stay the
//! registry's own business. Paths are checked against the exact shapes of
//! object and pack names before any file is opened, so that nothing
//! outside `objects/` can be asked for.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::server::Publisher;

/// Where the catalogue is served, under the registry's base URL.
pub const MOUNT: &str = "/catalogue.git";

/// The routes of the dumb protocol, under [`MOUNT`].
pub(crate) fn router<S: Clone + Send + Sync + 'static>(publisher: Arc<Publisher>) -> Router<S> {
    Router::new()
        .route(&format!("{MOUNT}/info/refs"), get(info_refs))
        .route(&format!("{MOUNT}/HEAD"), get(head))
        .route(&format!("{MOUNT}/objects/info/packs"), get(info_packs))
        .route(&format!("{MOUNT}/objects/pack/{{file}}"), get(pack_file))
        .route(&format!("{MOUNT}/objects/{{dir}}/{{file}}"), get(loose))
        .with_state(publisher)
}

/// `info/refs`: `main` only, as `<id>\trefs/heads/main`. The client's
/// `?service=git-upload-pack` is ignored: a plain-text answer tells it
/// that this server speaks the dumb protocol.
async fn info_refs(State(publisher): State<Arc<Publisher>>) -> Response {
    let main = tokio::task::spawn_blocking(move || publisher.registry().main()).await;
    match main {
        Ok(Ok(id)) => plain(format!("{id}\t{}\n", cdl_registry::MAIN_REF)),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "catalogue.git: reading main");
            unavailable()
        }
        Err(e) => {
            tracing::error!(error = %e, "catalogue.git: the reading task failed");
            unavailable()
        }
    }
}

async fn head() -> Response {
    plain(format!("ref: {}\n", cdl_registry::MAIN_REF))
}

/// `objects/info/packs`: one `P <name>.pack` line per pack that has its
/// index beside it (a pack being written has not).
async fn info_packs(State(publisher): State<Arc<Publisher>>) -> Response {
    let dir = publisher.registry().git_dir().join("objects").join("pack");
    match tokio::task::spawn_blocking(move || packs(&dir)).await {
        Ok(Ok(names)) => {
            let mut body = String::new();
            for name in names {
                body.push_str("P ");
                body.push_str(&name);
                body.push('\n');
            }
            body.push('\n');
            plain(body)
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "catalogue.git: listing packs");
            unavailable()
        }
        Err(e) => {
            tracing::error!(error = %e, "catalogue.git: the listing task failed");
            unavailable()
        }
    }
}

/// The names of the complete packs in `dir`, sorted.
fn packs(dir: &Path) -> std::io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(stem) = name.strip_suffix(".pack")
            && pack_name(name).is_some()
            && dir.join(format!("{stem}.idx")).is_file()
        {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// `pack-<40 hex>.pack` or `.idx`, with its content type; anything else
/// is not a pack file.
fn pack_name(file: &str) -> Option<&'static str> {
    let (stem, content_type) = if let Some(stem) = file.strip_suffix(".pack") {
        (stem, "application/x-git-packed-objects")
    } else if let Some(stem) = file.strip_suffix(".idx") {
        (stem, "application/x-git-packed-objects-toc")
    } else {
        return None;
    };
    let hex = stem.strip_prefix("pack-")?;
    is_hex(hex, 40).then_some(content_type)
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

async fn pack_file(
    State(publisher): State<Arc<Publisher>>,
    UrlPath(file): UrlPath<String>,
    request: Request,
) -> Response {
    let Some(content_type) = pack_name(&file) else {
        return not_found();
    };
    let path = publisher
        .registry()
        .git_dir()
        .join("objects")
        .join("pack")
        .join(&file);
    send(path, content_type, request).await
}

async fn loose(
    State(publisher): State<Arc<Publisher>>,
    UrlPath((dir, file)): UrlPath<(String, String)>,
    request: Request,
) -> Response {
    if !is_hex(&dir, 2) || !is_hex(&file, 38) {
        return not_found();
    }
    let path = publisher
        .registry()
        .git_dir()
        .join("objects")
        .join(&dir)
        .join(&file);
    send(path, "application/x-git-loose-object", request).await
}

/// The file as it is on disk, streamed (packs can be large), with the
/// ranges and conditional requests that `ServeFile` handles. Objects never
/// change once written, so they may be cached for good.
async fn send(path: PathBuf, content_type: &'static str, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let request = Request::from_parts(parts, Body::empty());
    let served = ServeFile::new(&path).oneshot(request).await;
    match served {
        Ok(response) if response.status().is_success() => {
            let mut response = response.map(Body::new);
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            response
        }
        Ok(response) if response.status() == StatusCode::NOT_MODIFIED => response.map(Body::new),
        Ok(_) => not_found(),
        Err(e) => match e {},
    }
}

/// A small text answer that must not be cached: refs move.
fn plain(body: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "introuvable / not found\n").into_response()
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "dépôt momentanément illisible / repository unavailable\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_object_and_pack_names_are_served() {
        let pack = format!("pack-{}", "a".repeat(40));
        assert!(pack_name(&format!("{pack}.pack")).is_some());
        assert!(pack_name(&format!("{pack}.idx")).is_some());
        for bad in [
            format!("{pack}.keep"),
            format!("{pack}.rev"),
            "pack-../../config.pack".to_owned(),
            format!("pack-{}.pack", "A".repeat(40)),
            format!("pack-{}.pack", "a".repeat(39)),
            "..".to_owned(),
        ] {
            assert!(pack_name(&bad).is_none(), "{bad}");
        }
        assert!(is_hex("0f", 2));
        assert!(!is_hex("..", 2));
        assert!(!is_hex("0g", 2));
        assert!(!is_hex(&"a".repeat(39), 38));
    }

    #[test]
    fn packs_without_their_index_are_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        let a = format!("pack-{}", "a".repeat(40));
        let b = format!("pack-{}", "b".repeat(40));
        for f in [
            format!("{a}.pack"),
            format!("{a}.idx"),
            format!("{b}.pack"),
            "tmp_pack_x".to_owned(),
        ] {
            std::fs::write(dir.path().join(f), b"").unwrap();
        }
        assert_eq!(packs(dir.path()).unwrap(), vec![format!("{a}.pack")]);
        assert!(packs(&dir.path().join("missing")).unwrap().is_empty());
    }
}
