//! OAI-PMH 2.0 (<https://www.openarchives.org/OAI/openarchivesprotocol.html>)
//! at `/oai`, by GET or POST form: the six verbs, `oai_dc` only, one set
//! per kind, datestamps to the second from `main`'s history, keyset
//! resumption tokens and persistent deletions.
//!
//! `noMetadataFormats` and `noSetHierarchy` never occur: every record,
//! deleted ones included, is disseminated in `oai_dc`, and the repository
//! always has its six sets.

use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use cdl_records::{Details, Kind, Record};
use cdl_registry::{RecordKey, rfc3339};

use super::{Catalogue, Item};
use crate::error::AppError;
use crate::pages::blocking;
use crate::pages::record::Site;
use crate::state::AppState;

/// Records or headers per page of a list; more come with a token.
pub const PAGE: usize = 100;

/// The only metadata format.
const OAI_DC: &str = "oai_dc";

/// What `GET /oai` answers.
///
/// # Errors
/// When the registry cannot be read (protocol errors are answered 200,
/// as the protocol wants).
pub async fn get(
    State(state): State<AppState>,
    site: Site,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    answer(state, site, query.unwrap_or_default().into_bytes()).await
}

/// What `POST /oai` (a form, `application/x-www-form-urlencoded`) answers.
///
/// # Errors
/// As [`get`].
pub async fn post(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(AppError::BadRequest(
            "Le protocole OAI-PMH attend un formulaire (application/x-www-form-urlencoded)."
                .to_owned(),
        ));
    }
    answer(state, site, body.to_vec()).await
}

async fn answer(state: AppState, site: Site, args: Vec<u8>) -> Result<Response, AppError> {
    let st = state.clone();
    let xml = blocking(move || -> Result<String, String> {
        let catalogue = st.open_data.get(&st.registry)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let contact = &st.config.operator.contact;
        let admin = if contact.contains('@') && !contact.contains(':') {
            contact.clone()
        } else {
            "contact@example.org".to_owned()
        };
        let repo = Repo {
            base: site.url("/oai"),
            record_base: site.url("/records"),
            host: host_of(&site.url("/")),
            name: st.registry.config().name.clone(),
            admin,
        };
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&args)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Ok(respond(&repo, &catalogue, &pairs, now))
    })
    .await?
    .map_err(AppError::Internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

/// What a response needs to know about the repository.
pub struct Repo {
    /// The base URL of requests (`…/oai`).
    pub base: String,
    /// The address of record pages, without the trailing slash.
    pub record_base: String,
    /// The host part of OAI identifiers.
    pub host: String,
    /// The repository's name.
    pub name: String,
    /// The administrator's e-mail address.
    pub admin: String,
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// A protocol error: its code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    /// The code, e.g. `badArgument`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

fn err(code: &'static str, message: impl Into<String>) -> OaiError {
    OaiError {
        code,
        message: message.into(),
    }
}

/// The six verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Identify,
    ListMetadataFormats,
    ListSets,
    ListIdentifiers,
    ListRecords,
    GetRecord,
}

impl Verb {
    fn parse(s: &str) -> Option<Verb> {
        Some(match s {
            "Identify" => Verb::Identify,
            "ListMetadataFormats" => Verb::ListMetadataFormats,
            "ListSets" => Verb::ListSets,
            "ListIdentifiers" => Verb::ListIdentifiers,
            "ListRecords" => Verb::ListRecords,
            "GetRecord" => Verb::GetRecord,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Verb::Identify => "Identify",
            Verb::ListMetadataFormats => "ListMetadataFormats",
            Verb::ListSets => "ListSets",
            Verb::ListIdentifiers => "ListIdentifiers",
            Verb::ListRecords => "ListRecords",
            Verb::GetRecord => "GetRecord",
        }
    }

    /// The arguments the verb accepts (besides `verb`).
    fn allowed(self) -> &'static [&'static str] {
        match self {
            Verb::Identify => &[],
            Verb::ListMetadataFormats => &["identifier"],
            Verb::ListSets => &["resumptionToken"],
            Verb::ListIdentifiers | Verb::ListRecords => {
                &["metadataPrefix", "from", "until", "set", "resumptionToken"]
            }
            Verb::GetRecord => &["identifier", "metadataPrefix"],
        }
    }
}

/// The whole XML response to the arguments `args`, at time `now`.
pub fn respond(repo: &Repo, catalogue: &Catalogue, args: &[(String, String)], now: i64) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" ",
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
        "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ ",
        "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n"
    ));
    let _ = writeln!(out, "<responseDate>{}</responseDate>", rfc3339(now));
    match check(args) {
        Err(e) => {
            // badVerb and badArgument: the request element without attributes.
            let _ = writeln!(out, "<request>{}</request>", esc(&repo.base));
            push_error(&mut out, &e);
        }
        Ok((verb, given)) => {
            let mut body = String::new();
            let result = run(repo, catalogue, verb, &given, &mut body);
            if matches!(&result, Err(e) if e.code == "badArgument") {
                let _ = writeln!(out, "<request>{}</request>", esc(&repo.base));
            } else {
                out.push_str("<request verb=\"");
                out.push_str(verb.as_str());
                out.push('"');
                for (k, v) in &given {
                    let _ = write!(out, " {k}=\"{}\"", esc(v));
                }
                let _ = writeln!(out, ">{}</request>", esc(&repo.base));
            }
            match result {
                Ok(()) => out.push_str(&body),
                Err(e) => push_error(&mut out, &e),
            }
        }
    }
    out.push_str("</OAI-PMH>\n");
    out
}

fn push_error(out: &mut String, e: &OaiError) {
    let _ = writeln!(
        out,
        "<error code=\"{}\">{}</error>",
        e.code,
        esc(&e.message)
    );
}

type Given = Vec<(&'static str, String)>;

/// The verb and its arguments, or badVerb / badArgument.
fn check(args: &[(String, String)]) -> Result<(Verb, Given), OaiError> {
    let verbs: Vec<&str> = args
        .iter()
        .filter(|(k, _)| k == "verb")
        .map(|(_, v)| v.as_str())
        .collect();
    let verb = match verbs.as_slice() {
        [] => return Err(err("badVerb", "The verb argument is missing.")),
        [one] => Verb::parse(one)
            .ok_or_else(|| err("badVerb", format!("`{one}` is not an OAI-PMH verb.")))?,
        _ => return Err(err("badVerb", "The verb argument is repeated.")),
    };
    let mut given: Given = Vec::new();
    for (k, v) in args.iter().filter(|(k, _)| k != "verb") {
        let Some(name) = verb.allowed().iter().find(|a| **a == k.as_str()) else {
            return Err(err(
                "badArgument",
                format!("{} does not take the argument `{k}`.", verb.as_str()),
            ));
        };
        if given.iter().any(|(g, _)| g == name) {
            return Err(err("badArgument", format!("The argument {k} is repeated.")));
        }
        given.push((name, v.clone()));
    }
    let has = |name: &str| given.iter().any(|(g, _)| *g == name);
    if has("resumptionToken") && given.len() > 1 {
        return Err(err(
            "badArgument",
            "resumptionToken is an exclusive argument: send it alone with the verb.",
        ));
    }
    let required: &[&str] = match verb {
        Verb::GetRecord => &["identifier", "metadataPrefix"],
        Verb::ListIdentifiers | Verb::ListRecords if !has("resumptionToken") => &["metadataPrefix"],
        _ => &[],
    };
    for r in required {
        if !has(r) {
            return Err(err(
                "badArgument",
                format!("{} needs the argument {r}.", verb.as_str()),
            ));
        }
    }
    Ok((verb, given))
}

fn arg<'a>(given: &'a Given, name: &str) -> Option<&'a str> {
    given
        .iter()
        .find(|(g, _)| *g == name)
        .map(|(_, v)| v.as_str())
}

fn run(
    repo: &Repo,
    catalogue: &Catalogue,
    verb: Verb,
    given: &Given,
    out: &mut String,
) -> Result<(), OaiError> {
    match verb {
        Verb::Identify => {
            identify(repo, catalogue, out);
            Ok(())
        }
        Verb::ListMetadataFormats => {
            if let Some(id) = arg(given, "identifier") {
                find(repo, catalogue, id)?;
            }
            out.push_str(concat!(
                "<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix>",
                "<schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema>",
                "<metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace>",
                "</metadataFormat></ListMetadataFormats>\n"
            ));
            Ok(())
        }
        Verb::ListSets => {
            if arg(given, "resumptionToken").is_some() {
                return Err(err(
                    "badResumptionToken",
                    "ListSets is never split: there is no token to resume.",
                ));
            }
            out.push_str("<ListSets>");
            for kind in Kind::ALL {
                let _ = write!(
                    out,
                    "<set><setSpec>{}</setSpec><setName>{}</setName></set>",
                    kind.as_str(),
                    esc(kind.label_fr())
                );
            }
            out.push_str("</ListSets>\n");
            Ok(())
        }
        Verb::GetRecord => {
            let id = arg(given, "identifier").unwrap_or_default();
            let item = find(repo, catalogue, id)?;
            prefix(arg(given, "metadataPrefix").unwrap_or_default())?;
            out.push_str("<GetRecord>");
            push_record(repo, item, out);
            out.push_str("</GetRecord>\n");
            Ok(())
        }
        Verb::ListIdentifiers | Verb::ListRecords => list(repo, catalogue, verb, given, out),
    }
}

fn identify(repo: &Repo, catalogue: &Catalogue, out: &mut String) {
    let _ = write!(
        out,
        concat!(
            "<Identify><repositoryName>{}</repositoryName><baseURL>{}</baseURL>",
            "<protocolVersion>2.0</protocolVersion><adminEmail>{}</adminEmail>",
            "<earliestDatestamp>{}</earliestDatestamp><deletedRecord>persistent</deletedRecord>",
            "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"
        ),
        esc(&repo.name),
        esc(&repo.base),
        esc(&repo.admin),
        rfc3339(catalogue.earliest),
    );
    if is_domain(&repo.host) {
        let _ = write!(
            out,
            concat!(
                "<description><oai-identifier xmlns=\"http://www.openarchives.org/OAI/2.0/oai-identifier\" ",
                "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai-identifier ",
                "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd\">",
                "<scheme>oai</scheme><repositoryIdentifier>{host}</repositoryIdentifier>",
                "<delimiter>:</delimiter><sampleIdentifier>oai:{host}:software/exemple</sampleIdentifier>",
                "</oai-identifier></description>"
            ),
            host = esc(&repo.host)
        );
    }
    out.push_str("</Identify>\n");
}

/// True for a host the oai-identifier scheme accepts as a repository
/// identifier (a domain name of two labels or more, each starting with a
/// letter).
fn is_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            l.starts_with(|c: char| c.is_ascii_alphabetic())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn prefix(p: &str) -> Result<(), OaiError> {
    if p == OAI_DC {
        Ok(())
    } else {
        Err(err(
            "cannotDisseminateFormat",
            format!("The metadata format `{p}` is not offered: use oai_dc."),
        ))
    }
}

/// The OAI identifier of a record: `oai:<host>:<kind>/<id>`.
pub fn identifier(host: &str, key: &RecordKey) -> String {
    format!("oai:{host}:{}/{}", key.kind.as_str(), key.id.as_str())
}

fn find<'a>(repo: &Repo, catalogue: &'a Catalogue, id: &str) -> Result<&'a Item, OaiError> {
    let missing = || {
        err(
            "idDoesNotExist",
            format!("No record has the identifier `{id}` here."),
        )
    };
    let rest = id
        .strip_prefix("oai:")
        .and_then(|r| r.strip_prefix(repo.host.as_str()))
        .and_then(|r| r.strip_prefix(':'))
        .ok_or_else(missing)?;
    let (kind, rid) = rest.split_once('/').ok_or_else(missing)?;
    let kind: Kind = kind.parse().map_err(|_| missing())?;
    let rid = rid.parse().map_err(|_| missing())?;
    let key = RecordKey::new(kind, rid);
    catalogue
        .items
        .iter()
        .find(|i| i.key == key)
        .ok_or_else(missing)
}

/// The selection of a list request, carried over in its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selection {
    set: Option<Kind>,
    from: Option<i64>,
    until: Option<i64>,
    /// The last item sent: its datestamp and key.
    after: Option<(i64, RecordKey)>,
    cursor: usize,
}

impl Selection {
    fn matches(&self, item: &Item) -> bool {
        self.set.is_none_or(|k| item.key.kind == k)
            && self.from.is_none_or(|f| item.datestamp >= f)
            && self.until.is_none_or(|u| item.datestamp <= u)
    }
}

fn parse_key(text: &str) -> Option<RecordKey> {
    let (kind, id) = text.split_once('/')?;
    Some(RecordKey::new(kind.parse().ok()?, id.parse().ok()?))
}

fn key_text(key: &RecordKey) -> String {
    format!("{}/{}", key.kind.as_str(), key.id.as_str())
}

fn list(
    repo: &Repo,
    catalogue: &Catalogue,
    verb: Verb,
    given: &Given,
    out: &mut String,
) -> Result<(), OaiError> {
    let (selection, resumed) = match arg(given, "resumptionToken") {
        Some(token) => (decode_token(token, verb)?, true),
        None => {
            prefix(arg(given, "metadataPrefix").unwrap_or_default())?;
            let from = arg(given, "from")
                .map(|f| parse_date(f, false))
                .transpose()?;
            let until = arg(given, "until")
                .map(|u| parse_date(u, true))
                .transpose()?;
            if let (Some((f, fd)), Some((u, ud))) = (from, until) {
                if fd != ud {
                    return Err(err(
                        "badArgument",
                        "from and until must have the same granularity (both days or both seconds).",
                    ));
                }
                if f > u {
                    return Err(err("badArgument", "from is later than until."));
                }
            }
            let set = match arg(given, "set") {
                Some(s) => match s.parse::<Kind>() {
                    Ok(k) => Some(k),
                    Err(_) => {
                        return Err(err(
                            "noRecordsMatch",
                            format!("There is no set `{s}`: the sets are the kinds (ListSets)."),
                        ));
                    }
                },
                None => None,
            };
            (
                Selection {
                    set,
                    from: from.map(|f| f.0),
                    until: until.map(|u| u.0),
                    after: None,
                    cursor: 0,
                },
                false,
            )
        }
    };
    let matching: Vec<&Item> = catalogue
        .items
        .iter()
        .filter(|i| selection.matches(i))
        .collect();
    let start = match &selection.after {
        None => 0,
        Some((ds, key)) => matching.partition_point(|i| (i.datestamp, &i.key) <= (*ds, key)),
    };
    let page: Vec<&Item> = matching.iter().skip(start).take(PAGE).copied().collect();
    // A list element holds one item at least: a token whose items all
    // went (a catalogue rewritten under the harvester) ends with this.
    if page.is_empty() {
        return Err(err(
            "noRecordsMatch",
            "No record matches these from, until and set arguments.",
        ));
    }
    out.push('<');
    out.push_str(verb.as_str());
    out.push('>');
    for item in &page {
        if verb == Verb::ListRecords {
            push_record(repo, item, out);
        } else {
            push_header(repo, item, out);
        }
    }
    let more = start + page.len() < matching.len();
    if more || resumed {
        let _ = write!(
            out,
            "<resumptionToken completeListSize=\"{}\" cursor=\"{}\">",
            matching.len(),
            selection.cursor
        );
        if more && let Some(last) = page.last() {
            let next = Selection {
                after: Some((last.datestamp, last.key.clone())),
                cursor: selection.cursor + page.len(),
                ..selection.clone()
            };
            out.push_str(&encode_token(&next, verb));
        }
        out.push_str("</resumptionToken>");
    }
    out.push_str("</");
    out.push_str(verb.as_str());
    out.push_str(">\n");
    Ok(())
}

/// Parses a `from` or `until` value: `YYYY-MM-DD` or
/// `YYYY-MM-DDThh:mm:ssZ`. A day as `until` means its last second.
/// Returns the seconds and whether the value was a day.
fn parse_date(s: &str, until: bool) -> Result<(i64, bool), OaiError> {
    let bad = || {
        err(
            "badArgument",
            format!("`{s}` is not a date: write YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)."),
        )
    };
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64, OaiError> {
        let part = s.get(r).ok_or_else(bad)?;
        if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    if !(b.len() == 10 || b.len() == 20) || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let days_in = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d < 1 || d > days_in {
        return Err(bad());
    }
    let day = days_from_civil(y, m, d) * 86_400;
    if b.len() == 10 {
        return Ok((if until { day + 86_399 } else { day }, true));
    }
    if b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return Err(bad());
    }
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || mi > 59 || se > 59 {
        return Err(bad());
    }
    Ok((day + h * 3600 + mi * 60 + se, false))
}

/// Days from 1970-01-01 to a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// FNV-1a, 32 bits: a checksum that catches edited or truncated tokens.
fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

fn encode_token(s: &Selection, verb: Verb) -> String {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let (ds, key) = s
        .after
        .as_ref()
        .map(|(ds, key)| (ds.to_string(), key_text(key)))
        .unwrap_or_default();
    let plain = format!(
        "1|{}|{}|{}|{}|{ds}|{key}|{}",
        verb.as_str(),
        s.set.map(Kind::as_str).unwrap_or_default(),
        opt(s.from),
        opt(s.until),
        s.cursor
    );
    let mut hex = String::with_capacity(plain.len() * 2 + 8);
    for b in plain.as_bytes() {
        let _ = write!(hex, "{b:02x}");
    }
    let _ = write!(hex, "{:08x}", checksum(plain.as_bytes()));
    hex
}

fn decode_token(token: &str, verb: Verb) -> Result<Selection, OaiError> {
    let bad = || {
        err(
            "badResumptionToken",
            "This resumption token is not one this repository gave, or it was altered: start the list again without it.",
        )
    };
    if token.len() < 10 || !token.len().is_multiple_of(2) || !token.is_ascii() {
        return Err(bad());
    }
    let (body, sum) = token.split_at(token.len() - 8);
    let bytes: Vec<u8> = (0..body.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&body[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let sum = u32::from_str_radix(sum, 16).map_err(|_| bad())?;
    if checksum(&bytes) != sum {
        return Err(bad());
    }
    let plain = String::from_utf8(bytes).map_err(|_| bad())?;
    let parts: Vec<&str> = plain.split('|').collect();
    let [version, v, set, from, until, ds, key, cursor] = parts.as_slice() else {
        return Err(bad());
    };
    if *version != "1" || *v != verb.as_str() {
        return Err(bad());
    }
    let opt = |s: &str| -> Result<Option<i64>, OaiError> {
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse().map(Some).map_err(|_| bad())
        }
    };
    Ok(Selection {
        set: if set.is_empty() {
            None
        } else {
            Some(set.parse().map_err(|_| bad())?)
        },
        from: opt(from)?,
        until: opt(until)?,
        after: Some((
            ds.parse().map_err(|_| bad())?,
            parse_key(key).ok_or_else(bad)?,
        )),
        cursor: cursor.parse().map_err(|_| bad())?,
    })
}

fn push_header(repo: &Repo, item: &Item, out: &mut String) {
    out.push_str(if item.record.is_some() {
        "<header>"
    } else {
        "<header status=\"deleted\">"
    });
    let _ = write!(
        out,
        "<identifier>{}</identifier><datestamp>{}</datestamp><setSpec>{}</setSpec></header>",
        esc(&identifier(&repo.host, &item.key)),
        rfc3339(item.datestamp),
        item.key.kind.as_str()
    );
}

fn push_record(repo: &Repo, item: &Item, out: &mut String) {
    out.push_str("<record>");
    push_header(repo, item, out);
    if let Some(record) = &item.record {
        out.push_str("<metadata>");
        out.push_str(&dublin_core(repo, record));
        out.push_str("</metadata>");
    }
    out.push_str("</record>");
}

/// The DCMI type of a record: what it is for a generic harvester.
fn dcmi_type(record: &Record) -> &'static str {
    match &record.details {
        Details::Software(_) => "Software",
        Details::Dataset(_) => "Dataset",
        Details::Method(_) => "Text",
        Details::SeedLot(_) | Details::FermentLot(_) => "PhysicalObject",
        Details::CulturalWork(w) => {
            let form = w.form.as_deref().unwrap_or_default().to_lowercase();
            let has = |words: &[&str]| words.iter().any(|w| form.contains(w));
            if has(&["film", "video", "vidéo", "animation"]) {
                "MovingImage"
            } else if has(&["music", "musique", "sound", "son", "audio", "song"]) {
                "Sound"
            } else if has(&["text", "texte", "book", "livre", "poem", "poème", "novel"]) {
                "Text"
            } else if has(&[
                "painting", "peinture", "photo", "drawing", "dessin", "print", "image", "estampe",
            ]) {
                "StillImage"
            } else {
                "PhysicalObject"
            }
        }
    }
}

/// A record in simple Dublin Core (`oai_dc`).
pub fn dublin_core(repo: &Repo, record: &Record) -> String {
    let mut dc = String::with_capacity(2048);
    dc.push_str(concat!(
        "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" ",
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" ",
        "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai_dc/ ",
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">"
    ));
    let mut el = |name: &str, lang: Option<&str>, value: &str| {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        match lang {
            Some(l) => {
                let _ = write!(
                    dc,
                    "<dc:{name} xml:lang=\"{}\">{}</dc:{name}>",
                    esc(l),
                    esc(value)
                );
            }
            None => {
                let _ = write!(dc, "<dc:{name}>{}</dc:{name}>", esc(value));
            }
        }
    };
    let title_lang = record.title_lang.as_ref().map_or("fr", |l| l.as_str());
    el("title", Some(title_lang), &record.title);
    for (lang, t) in &record.translations {
        if let Some(title) = &t.title {
            el("title", Some(lang.as_str()), title);
        }
    }
    if let Details::CulturalWork(w) = &record.details {
        for c in &w.creators {
            el("creator", None, &c.name);
        }
    }
    for c in &record.contributors {
        let role = c.role.as_deref().unwrap_or_default();
        if role == "publisher" {
            el("publisher", None, &c.name);
        } else if matches!(role, "author" | "artist" | "creator" | "") {
            el("creator", None, &c.name);
        } else {
            el("contributor", None, &c.name);
        }
    }
    for tag in &record.tags {
        el("subject", None, tag);
    }
    if let Details::Method(m) = &record.details {
        for d in &m.disciplines {
            el("subject", None, d);
        }
    }
    if let Some(s) = &record.summary {
        el("description", Some("fr"), s);
    }
    if let Some(d) = &record.description {
        el("description", Some("fr"), d);
    }
    for (lang, t) in &record.translations {
        if let Some(s) = &t.summary {
            el("description", Some(lang.as_str()), s);
        }
    }
    match &record.details {
        Details::Dataset(d) => {
            if let Some(p) = &d.publisher {
                el("publisher", None, &p.name);
            }
        }
        Details::CulturalWork(w) => {
            if let Some(h) = &w.holding_institution {
                el("contributor", None, &h.name);
            }
        }
        _ => {}
    }
    if let Some(d) = record.created {
        el("date", None, &d.to_string());
    } else if let Details::CulturalWork(w) = &record.details
        && let Some(y) = w.year
    {
        el("date", None, &y.to_string());
    }
    if let Some(d) = record.updated {
        el("date", None, &d.to_string());
    }
    el("type", None, dcmi_type(record));
    el("type", Some("fr"), record.kind().label_fr());
    match &record.details {
        Details::Dataset(d) => {
            for f in &d.formats {
                el("format", None, f);
            }
            for dist in &d.distributions {
                if let Some(m) = &dist.media_type {
                    el("format", None, m);
                }
            }
        }
        Details::CulturalWork(w) => {
            if let Some(m) = &w.medium {
                el("format", None, m);
            }
        }
        _ => {}
    }
    el(
        "identifier",
        None,
        &format!(
            "{}/{}/{}",
            repo.record_base,
            record.kind().as_str(),
            record.id.as_str()
        ),
    );
    let doi = match &record.details {
        Details::Dataset(d) => d.doi.as_ref(),
        Details::Method(m) => m.doi.as_ref(),
        _ => None,
    };
    if let Some(doi) = doi {
        el(
            "identifier",
            None,
            &format!("https://doi.org/{}", doi.as_str()),
        );
    }
    if let Details::Software(s) = &record.details
        && let Some(id) = &s.swhid
    {
        el("identifier", None, id.as_str());
    }
    for s in &record.sources {
        match &s.url {
            Some(u) => el("source", None, &format!("{} ({})", s.name, u.as_str())),
            None => el("source", None, &s.name),
        }
    }
    for l in &record.languages {
        el("language", None, l.as_str());
    }
    for link in &record.links {
        el("relation", None, link.url.as_str());
    }
    if let Details::Dataset(d) = &record.details
        && let Some(c) = &d.spatial_coverage
    {
        el("coverage", None, c);
    }
    if let Details::CulturalWork(w) = &record.details
        && let Some(p) = &w.period
    {
        el("coverage", None, p);
    }
    let certified = cdl_licenses::certify(record.kind(), &record.license).is_certified();
    el(
        "rights",
        Some("fr"),
        &format!(
            "{} — {}",
            record.license,
            if certified {
                "licence certifiée libre par le Conservatoire pour ce type de ressource"
            } else {
                "licence non certifiée libre par le Conservatoire"
            }
        ),
    );
    dc.push_str("</oai_dc:dc>");
    dc
}

/// Escapes text for XML content and attributes, dropping the characters
/// XML 1.0 cannot carry.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn dates_in_both_granularities() {
        assert_eq!(parse_date("1970-01-01", false).unwrap(), (0, true));
        assert_eq!(parse_date("1970-01-01", true).unwrap(), (86_399, true));
        assert_eq!(
            parse_date("2000-02-29T00:00:01Z", false).unwrap(),
            (951_782_401, false)
        );
        for bad in [
            "2001-02-29",
            "2026-13-01",
            "2026-1-01",
            "2026-01-01T24:00:00Z",
            "2026-01-01T10:00:00",
            "hier",
            "2026-01-01 10:00:00Z",
            "+026-01-01",
        ] {
            assert_eq!(
                parse_date(bad, false).unwrap_err().code,
                "badArgument",
                "{bad}"
            );
        }
        assert_eq!(
            rfc3339(parse_date("2026-12-02T22:41:30Z", false).unwrap().0),
            "2026-12-02T22:41:30Z"
        );
    }

    #[test]
    fn tokens_round_trip_and_refuse_edits() {
        let s = Selection {
            set: Some(Kind::SeedLot),
            from: Some(10),
            until: None,
            after: Some((42, parse_key("seed-lot/a").unwrap())),
            cursor: 100,
        };
        let t = encode_token(&s, Verb::ListRecords);
        assert_eq!(decode_token(&t, Verb::ListRecords).unwrap(), s);
        // Another verb's token, an edited one, garbage.
        assert!(decode_token(&t, Verb::ListIdentifiers).is_err());
        let mut edited = t.clone().into_bytes();
        edited[3] = if edited[3] == b'0' { b'1' } else { b'0' };
        assert!(decode_token(&String::from_utf8(edited).unwrap(), Verb::ListRecords).is_err());
        for bad in ["", "zz", "é", &t[..t.len() - 1]] {
            assert_eq!(
                decode_token(bad, Verb::ListRecords).unwrap_err().code,
                "badResumptionToken"
            );
        }
    }

    #[test]
    fn domains() {
        assert!(is_domain("conservatoire.example.org"));
        assert!(!is_domain("127.0.0.1"));
        assert!(!is_domain("localhost"));
    }
}
