//! DCAT-AP 3 of the catalogue and its datasets, at `/catalog.ttl`
//! (Turtle), `/catalog.jsonld` (JSON-LD, expanded form: no remote context
//! to fetch) and `/catalog` by content negotiation (Turtle unless the
//! client asks for JSON-LD; 406 when it accepts neither).
//!
//! The RDF is a list of triples written by hand: two serialisations of
//! one graph, so they cannot say different things.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cdl_records::{Details, Record};

use crate::error::AppError;
use crate::pages::blocking;
use crate::pages::record::Site;
use crate::state::AppState;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";

/// An RDF term in the object position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// An IRI.
    Iri(String),
    /// A literal with a language tag.
    Lang(String, String),
    /// A literal with a datatype IRI.
    Typed(String, String),
}

/// One triple: subject IRI, predicate IRI, object.
pub type Triple = (String, String, Object);

/// The graph of the catalogue: the catalogue, its publisher and every
/// dataset record with its distributions.
pub fn graph(site: &Site, name: &str, publisher: &str, records: &[&Record]) -> Vec<Triple> {
    let mut g: Vec<Triple> = Vec::new();
    let mut add = |s: &str, p: String, o: Object| g.push((s.to_owned(), p, o));
    let iri = |s: &str| Object::Iri(s.to_owned());
    let fr = |s: &str| Object::Lang(s.to_owned(), "fr".to_owned());
    let catalog = site.url("/catalog");
    let agent = site.url("/#publisher");
    add(&catalog, RDF_TYPE.into(), iri(&format!("{DCAT}Catalog")));
    add(&catalog, format!("{DCT}title"), fr(name));
    add(
        &catalog,
        format!("{DCT}description"),
        fr(
            "Catalogue de ressources libres certifiées : logiciels, œuvres, méthodes, jeux de données, semences et ferments.",
        ),
    );
    add(&catalog, format!("{DCT}publisher"), iri(&agent));
    add(&catalog, format!("{FOAF}homepage"), iri(&site.url("/")));
    add(
        &site.url("/"),
        RDF_TYPE.into(),
        iri(&format!("{FOAF}Document")),
    );
    add(&agent, RDF_TYPE.into(), iri(&format!("{FOAF}Agent")));
    add(&agent, format!("{FOAF}name"), fr(publisher));
    for record in records {
        let Details::Dataset(d) = &record.details else {
            continue;
        };
        let ds = site.url(&format!("/records/dataset/{}", record.id.as_str()));
        add(&catalog, format!("{DCAT}dataset"), iri(&ds));
        add(&ds, RDF_TYPE.into(), iri(&format!("{DCAT}Dataset")));
        let lang = record.title_lang.as_ref().map_or("fr", |l| l.as_str());
        add(
            &ds,
            format!("{DCT}title"),
            Object::Lang(record.title.clone(), lang.to_owned()),
        );
        let description = record
            .description
            .as_deref()
            .or(record.summary.as_deref())
            .unwrap_or(&record.title);
        add(&ds, format!("{DCT}description"), fr(description));
        for (tag, t) in &record.translations {
            if let Some(title) = &t.title {
                add(
                    &ds,
                    format!("{DCT}title"),
                    Object::Lang(title.clone(), tag.as_str().to_owned()),
                );
            }
        }
        add(
            &ds,
            format!("{DCT}identifier"),
            Object::Typed(ds.clone(), "http://www.w3.org/2001/XMLSchema#string".into()),
        );
        for tag in &record.tags {
            add(&ds, format!("{DCAT}keyword"), fr(tag));
        }
        if let Some(c) = record.created {
            add(
                &ds,
                format!("{DCT}issued"),
                Object::Typed(c.to_string(), XSD_DATE.into()),
            );
        }
        if let Some(u) = record.updated {
            add(
                &ds,
                format!("{DCT}modified"),
                Object::Typed(u.to_string(), XSD_DATE.into()),
            );
        }
        if let Some(p) = &d.publisher {
            let who = format!("{ds}#publisher");
            add(&ds, format!("{DCT}publisher"), iri(&who));
            add(&who, RDF_TYPE.into(), iri(&format!("{FOAF}Agent")));
            add(&who, format!("{FOAF}name"), fr(&p.name));
        }
        // A single SPDX identifier has a stable address; an expression
        // is kept as rights text.
        let licence =
            spdx_single(&record.license).map(|id| format!("http://spdx.org/licenses/{id}"));
        for (n, dist) in d.distributions.iter().enumerate() {
            let di = format!("{ds}#distribution-{}", n + 1);
            add(&ds, format!("{DCAT}distribution"), iri(&di));
            add(&di, RDF_TYPE.into(), iri(&format!("{DCAT}Distribution")));
            add(&di, format!("{DCAT}accessURL"), iri(dist.url.as_str()));
            add(&di, format!("{DCAT}downloadURL"), iri(dist.url.as_str()));
            if let Some(t) = &dist.title {
                add(&di, format!("{DCT}title"), fr(t));
            }
            if let Some(m) = &dist.media_type {
                let mt = format!("http://www.iana.org/assignments/media-types/{m}");
                add(&di, format!("{DCAT}mediaType"), iri(&mt));
                add(&mt, RDF_TYPE.into(), iri(&format!("{DCT}MediaType")));
            }
            if let Some(l) = &licence {
                add(&di, format!("{DCT}license"), iri(l));
                add(l, RDF_TYPE.into(), iri(&format!("{DCT}LicenseDocument")));
            }
        }
    }
    g
}

/// The licence id when the expression is one SPDX identifier.
fn spdx_single(expression: &str) -> Option<&str> {
    let e = expression.trim();
    (!e.is_empty()
        && e.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+')))
    .then_some(e)
}

fn iri_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' | ' ' => {
                format!("%{:02X}", c as u32)
            }
            c if (c as u32) < 0x20 => format!("%{:02X}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

fn literal_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The graph in Turtle (one triple a line: N-Triples, which Turtle reads).
pub fn turtle(g: &[Triple]) -> String {
    let mut out = String::with_capacity(g.len() * 120);
    for (s, p, o) in g {
        let _ = write!(out, "<{}> <{}> ", iri_escape(s), iri_escape(p));
        match o {
            Object::Iri(i) => {
                let _ = write!(out, "<{}>", iri_escape(i));
            }
            Object::Lang(v, l) => {
                let _ = write!(out, "\"{}\"@{l}", literal_escape(v));
            }
            Object::Typed(v, t) => {
                let _ = write!(out, "\"{}\"^^<{}>", literal_escape(v), iri_escape(t));
            }
        }
        out.push_str(" .\n");
    }
    out
}

/// The graph in JSON-LD, expanded form (one node object per subject).
pub fn json_ld(g: &[Triple]) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let mut nodes: Vec<(String, Map<String, Value>)> = Vec::new();
    for (s, p, o) in g {
        let idx = match nodes.iter().position(|(id, _)| id == s) {
            Some(i) => i,
            None => {
                let mut m = Map::new();
                m.insert("@id".into(), Value::String(s.clone()));
                nodes.push((s.clone(), m));
                nodes.len() - 1
            }
        };
        let node = &mut nodes[idx].1;
        let (key, value) = if p == RDF_TYPE {
            let Object::Iri(t) = o else { continue };
            ("@type".to_owned(), Value::String(t.clone()))
        } else {
            let v = match o {
                Object::Iri(i) => json!({ "@id": i }),
                Object::Lang(v, l) => json!({ "@value": v, "@language": l }),
                Object::Typed(v, t) => json!({ "@value": v, "@type": t }),
            };
            (p.clone(), v)
        };
        match node.get_mut(&key) {
            Some(Value::Array(a)) => a.push(value),
            _ => {
                node.insert(key, Value::Array(vec![value]));
            }
        }
    }
    Value::Array(nodes.into_iter().map(|(_, m)| Value::Object(m)).collect())
}

/// Which serialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Turtle,
    JsonLd,
}

async fn serve(state: AppState, site: Site, format: Format) -> Result<Response, AppError> {
    let st = state.clone();
    let g = blocking(move || -> Result<Vec<Triple>, String> {
        let catalogue = st.open_data.get(&st.registry)?;
        let records: Vec<&Record> = catalogue
            .items
            .iter()
            .filter_map(|i| i.record.as_deref())
            .collect();
        Ok(graph(
            &site,
            &st.registry.config().name,
            &st.config.operator.publisher,
            &records,
        ))
    })
    .await?
    .map_err(AppError::Internal)?;
    Ok(match format {
        Format::Turtle => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/turtle; charset=utf-8"),
            )],
            turtle(&g),
        )
            .into_response(),
        Format::JsonLd => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/ld+json"),
            )],
            json_ld(&g).to_string(),
        )
            .into_response(),
    })
}

/// `/catalog.ttl`.
///
/// # Errors
/// When the registry cannot be read.
pub async fn ttl(State(state): State<AppState>, site: Site) -> Result<Response, AppError> {
    serve(state, site, Format::Turtle).await
}

/// `/catalog.jsonld`.
///
/// # Errors
/// When the registry cannot be read.
pub async fn jsonld(State(state): State<AppState>, site: Site) -> Result<Response, AppError> {
    serve(state, site, Format::JsonLd).await
}

/// `/catalog`: JSON-LD for `application/ld+json` (or `application/json`),
/// Turtle for `text/turtle`, `*/*` or no `Accept`; 406 otherwise.
///
/// # Errors
/// When the registry cannot be read.
pub async fn negotiate(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*")
        .to_ascii_lowercase();
    let mut best: Option<(f32, Format)> = None;
    for part in accept.split(',') {
        let mut bits = part.split(';');
        let media = bits.next().unwrap_or("").trim();
        let q = bits
            .filter_map(|b| b.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let format = match media {
            "application/ld+json" | "application/json" => Format::JsonLd,
            "text/turtle" | "*/*" | "text/*" => Format::Turtle,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, format));
        }
    }
    let mut response = match best {
        Some((_, format)) => serve(state, site, format).await?,
        None => (
            StatusCode::NOT_ACCEPTABLE,
            [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
            "Formats disponibles : text/turtle, application/ld+json (ou /catalog.ttl, /catalog.jsonld).\n",
        )
            .into_response(),
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}
