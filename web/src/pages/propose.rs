//! `/propose`: a form per kind and a TOML upload. The form is turned into
//! a record's TOML text, checked by the record format and the licence
//! policy, and every problem is shown next to its field with a summary at
//! the top; a valid form can be previewed, then sent as a proposal.

use std::collections::HashMap;
use std::fmt::Write;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cdl_licenses::Verdict;
use cdl_records::{Diagnostic, Kind, MAX_RECORD_BYTES, Record};

use super::{Ctx, Layout, Nav, render, render_with};
use crate::error::AppError;
use crate::i18n::{Lang, field_label};
use crate::pages::record::reasons;
use crate::proposals::{Checked, Refused, check, create, more_errors, rate_limit};
use crate::security::ClientIp;
use crate::state::AppState;
use crate::view::{Row, rows};

/// The most bytes read of an upload's other parts (CSRF token, pseudonym,
/// message: all cut much shorter afterwards).
const MAX_FIELD_BYTES: usize = 16 * 1024;

/// The longest value of a too-large form shown back to the contributor.
const MAX_ECHOED_BYTES: usize = 4 * 1024;

/// How a form field is entered and written to TOML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// One line of text.
    Text,
    /// Several lines of text.
    Area,
    /// A comma-separated list of strings.
    List,
    /// One string per line.
    Lines,
    /// A comma-separated list of organisation names (`[{ name = … }]`).
    Names,
    /// A comma-separated list of creators (`[{ name = … }]`).
    Creators,
    /// A number (written bare when it parses).
    Number,
    /// A web address (written as a string).
    Url,
    /// One of fixed values.
    Select(&'static [&'static str]),
    /// An organisation name (`{ name = … }`).
    Org,
}

/// A field of a form.
#[derive(Debug, Clone, Copy)]
struct Spec {
    /// The TOML key; kind fields live in the kind's table.
    key: &'static str,
    input: Input,
    required: bool,
}

const fn f(key: &'static str, input: Input, required: bool) -> Spec {
    Spec {
        key,
        input,
        required,
    }
}

/// Fields common to every kind, at the top level of the record.
const COMMON: [Spec; 8] = [
    f("id", Input::Text, true),
    f("title", Input::Text, true),
    f("license", Input::Text, true),
    f("summary", Input::Text, false),
    f("description", Input::Area, false),
    f("tags", Input::List, false),
    f("languages", Input::List, false),
    f("homepage", Input::Url, false),
];

const STATUS: &[&str] = &["", "concept", "development", "beta", "stable", "obsolete"];
const RIGHTS: &[&str] = &["", "public-domain", "free-licence", "waived"];
const FREQUENCY: &[&str] = &[
    "",
    "continuous",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "annual",
    "irregular",
    "never",
];
const SEED_UNITS: &[&str] = &["", "seeds", "grams", "kilograms", "packets", "pieces"];
const FERMENT_UNITS: &[&str] = &["", "grams", "millilitres", "portions"];
const FERMENT_STATES: &[&str] = &["", "active", "dried", "frozen"];
const REPRODUCTION: &[&str] = &["", "self-pollinated", "cross-pollinated", "vegetative"];

/// The fields of a kind's table.
fn kind_fields(kind: Kind) -> &'static [Spec] {
    const SOFTWARE: &[Spec] = &[
        f("repository", Input::Url, false),
        f("programming_languages", Input::List, false),
        f("platforms", Input::List, false),
        f("development_status", Input::Select(STATUS), false),
        f("used_by", Input::Names, false),
        f("replaces", Input::List, false),
    ];
    const CULTURAL: &[Spec] = &[
        f("creators", Input::Creators, false),
        f("form", Input::Text, false),
        f("year", Input::Number, false),
        f("medium", Input::Text, false),
        f("holding_institution", Input::Org, false),
        f("rights_status", Input::Select(RIGHTS), false),
    ];
    const METHOD: &[Spec] = &[
        f("disciplines", Input::List, false),
        f("materials", Input::List, false),
        f("steps", Input::Lines, false),
    ];
    const DATASET: &[Spec] = &[
        f("publisher", Input::Org, false),
        f("formats", Input::List, false),
        f("update_frequency", Input::Select(FREQUENCY), false),
        f("spatial_coverage", Input::Text, false),
    ];
    const SEED: &[Spec] = &[
        f("species", Input::Text, true),
        f("variety", Input::Text, false),
        f("common_name", Input::Text, false),
        f("harvest_year", Input::Number, true),
        f("quantity", Input::Number, true),
        f("unit", Input::Select(SEED_UNITS), true),
        f("reproduction", Input::Select(REPRODUCTION), false),
        f("origin", Input::Text, false),
        f("exchange_point", Input::Text, false),
    ];
    const FERMENT: &[Spec] = &[
        f("organism", Input::Text, true),
        f("species", Input::List, false),
        f("quantity", Input::Number, true),
        f("unit", Input::Select(FERMENT_UNITS), true),
        f("state", Input::Select(FERMENT_STATES), false),
        f("care", Input::Area, false),
        f("origin", Input::Text, false),
        f("exchange_point", Input::Text, false),
    ];
    match kind {
        Kind::Software => SOFTWARE,
        Kind::CulturalWork => CULTURAL,
        Kind::Method => METHOD,
        Kind::Dataset => DATASET,
        Kind::SeedLot => SEED,
        Kind::FermentLot => FERMENT,
    }
}

/// The form name of a field: `title`, or `seed-lot.species`.
fn form_name(kind: Kind, spec: &Spec, common: bool) -> String {
    if common {
        spec.key.to_owned()
    } else {
        format!("{}.{}", kind.as_str(), spec.key)
    }
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn split_list(value: &str, lines: bool) -> Vec<String> {
    let parts: Vec<&str> = if lines {
        value.lines().collect()
    } else {
        value.split(',').collect()
    };
    parts
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The TOML of a value of `input`.
fn toml_value(input: Input, value: &str) -> String {
    let list = |items: Vec<String>, f: &dyn Fn(&str) -> String| {
        format!(
            "[{}]",
            items.iter().map(|s| f(s)).collect::<Vec<_>>().join(", ")
        )
    };
    match input {
        Input::Text | Input::Url | Input::Select(_) => quoted(value.trim()),
        Input::Area => quoted(value.trim()),
        Input::List => list(split_list(value, false), &|s| quoted(s)),
        Input::Lines => list(split_list(value, true), &|s| quoted(s)),
        Input::Names | Input::Creators => list(split_list(value, false), &|s| {
            format!("{{ name = {} }}", quoted(s))
        }),
        Input::Org => format!("{{ name = {} }}", quoted(value.trim())),
        Input::Number => {
            let v = value.trim().replace(',', ".");
            if v.parse::<f64>().is_ok_and(f64::is_finite) {
                v
            } else {
                quoted(value.trim())
            }
        }
    }
}

/// The record text built from a form, and which line holds which field.
struct Built {
    text: String,
    lines: HashMap<usize, String>,
}

fn build_toml(kind: Kind, values: &HashMap<String, String>) -> Built {
    let mut text = String::new();
    let mut lines = HashMap::new();
    let mut line = 1;
    let mut push = |text: &mut String, field: Option<&str>, content: String| {
        if let Some(field) = field {
            lines.insert(line, field.to_owned());
        }
        let _ = writeln!(text, "{content}");
        line += 1 + content.matches('\n').count();
    };
    push(&mut text, None, format!("kind = {}", quoted(kind.as_str())));
    let get = |name: &str| values.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    for spec in &COMMON {
        if spec.key == "homepage" {
            continue;
        }
        if let Some(v) = get(spec.key) {
            push(
                &mut text,
                Some(spec.key),
                format!("{} = {}", spec.key, toml_value(spec.input, v)),
            );
        }
    }
    if let Some(url) = get("homepage") {
        push(&mut text, Some("homepage"), "[[links]]".to_owned());
        push(
            &mut text,
            Some("homepage"),
            format!("url = {}", quoted(url)),
        );
        push(&mut text, Some("homepage"), "rel = \"homepage\"".to_owned());
    }
    push(&mut text, None, format!("[{}]", kind.as_str()));
    for spec in kind_fields(kind) {
        let name = form_name(kind, spec, false);
        if let Some(v) = get(&name) {
            push(
                &mut text,
                Some(&name),
                format!("{} = {}", spec.key, toml_value(spec.input, v)),
            );
        }
    }
    Built { text, lines }
}

/// An error shown next to a field (or in the summary only).
#[derive(Debug, Clone)]
struct FieldError {
    /// The form field, or empty for the record as a whole.
    field: String,
    /// The message.
    message: String,
    /// The language of the message (the format's messages are English).
    lang: &'static str,
}

/// A field as the template shows it.
struct FieldView {
    name: String,
    id: String,
    label: String,
    required: bool,
    value: String,
    hint: Option<&'static str>,
    kind: &'static str,
    options: Vec<(String, bool)>,
    errors: Vec<FieldError>,
    described_by: String,
}

#[derive(Template)]
#[template(path = "propose_form.html")]
struct FormPage {
    l: Layout,
    kind: &'static str,
    kind_label: &'static str,
    errors: Vec<(String, FieldError)>,
    common: Vec<FieldView>,
    specific: Vec<FieldView>,
    author: String,
    message: String,
    preview: Option<Preview>,
}

/// A valid record shown before it is sent.
struct Preview {
    title: String,
    verdict_class: &'static str,
    verdict: &'static str,
    reasons: Vec<String>,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "propose.html")]
struct ChoosePage {
    l: Layout,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
}

/// `GET /propose`: the kinds, and the upload form.
///
/// # Errors
/// When rendering fails.
pub async fn choose(ctx: Ctx) -> Result<Response, AppError> {
    render(&choose_page(&ctx, Vec::new()))
}

fn choose_page(ctx: &Ctx, errors: Vec<FieldError>) -> ChoosePage {
    ChoosePage {
        l: ctx.layout(ctx.m().propose_title, Nav::Propose),
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.as_str(), ctx.lang.kind(*k)))
            .collect(),
        errors,
    }
}

fn parse_kind(kind: &str) -> Result<Kind, AppError> {
    kind.parse().map_err(|_| AppError::NotFound)
}

/// `GET /propose/{kind}`: the empty form.
///
/// # Errors
/// 404 for an unknown kind.
pub async fn form(ctx: Ctx, Path(kind): Path<String>) -> Result<Response, AppError> {
    let kind = parse_kind(&kind)?;
    render(&form_page(&ctx, kind, &HashMap::new(), Vec::new(), None))
}

fn field_view(
    ctx: &Ctx,
    kind: Kind,
    spec: &Spec,
    common: bool,
    values: &HashMap<String, String>,
    errors: &[FieldError],
) -> FieldView {
    let name = form_name(kind, spec, common);
    let m = ctx.m();
    let (input_kind, options, hint) = match spec.input {
        Input::Area => ("area", Vec::new(), None),
        Input::Lines => ("area", Vec::new(), Some(m.lines_hint)),
        Input::List | Input::Names | Input::Creators => ("text", Vec::new(), Some(m.list_hint)),
        Input::Number => ("number", Vec::new(), None),
        Input::Url => ("url", Vec::new(), None),
        Input::Select(choices) => {
            let current = values.get(&name).map(String::as_str).unwrap_or("");
            (
                "select",
                choices
                    .iter()
                    .map(|c| ((*c).to_owned(), *c == current))
                    .collect(),
                None,
            )
        }
        Input::Text | Input::Org => ("text", Vec::new(), None),
    };
    let label_key = if common {
        spec.key.to_owned()
    } else {
        // Labels of kind fields are keyed `<kind>.<field>`.
        format!("{}.{}", kind.as_str(), spec.key)
    };
    let id = format!("f-{}", name.replace('.', "-"));
    let errors: Vec<FieldError> = errors.iter().filter(|e| e.field == name).cloned().collect();
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("{id}-hint"));
    }
    for i in 1..=errors.len() {
        described.push(format!("{id}-error-{i}"));
    }
    FieldView {
        described_by: described.join(" "),
        id,
        label: field_label(&label_key, ctx.lang).to_owned(),
        required: spec.required,
        value: values.get(&name).cloned().unwrap_or_default(),
        hint,
        kind: input_kind,
        options,
        errors,
        name,
    }
}

fn form_page(
    ctx: &Ctx,
    kind: Kind,
    values: &HashMap<String, String>,
    errors: Vec<FieldError>,
    preview: Option<Preview>,
) -> FormPage {
    let lang = ctx.lang;
    let common: Vec<FieldView> = COMMON
        .iter()
        .map(|s| field_view(ctx, kind, s, true, values, &errors))
        .collect();
    let specific: Vec<FieldView> = kind_fields(kind)
        .iter()
        .map(|s| field_view(ctx, kind, s, false, values, &errors))
        .collect();
    let anchor = |field: &str| {
        common
            .iter()
            .chain(&specific)
            .find(|v| v.name == field)
            .map_or_else(|| "f-id".to_owned(), |v| v.id.clone())
    };
    let summary = errors
        .iter()
        .map(|e| (anchor(&e.field), e.clone()))
        .collect();
    let title = format!("{} {}", ctx.m().propose_form_for, lang.kind(kind));
    FormPage {
        l: ctx.layout(title, Nav::Propose),
        kind: kind.as_str(),
        kind_label: lang.kind(kind),
        errors: summary,
        common,
        specific,
        author: values.get("author").cloned().unwrap_or_default(),
        message: values.get("message").cloned().unwrap_or_default(),
        preview,
    }
}

/// The final entry of a cut list of problems, in the page's language.
fn more_error(d: &Diagnostic, field: &str, lang: Lang) -> Option<FieldError> {
    more_errors(d, lang).map(|message| FieldError {
        field: field.to_owned(),
        message,
        lang: lang.tag(),
    })
}

/// Turns the format's diagnostics into field errors, by line.
fn diagnostics_to_errors(
    diagnostics: &[Diagnostic],
    lines: &HashMap<usize, String>,
    lang: Lang,
) -> Vec<FieldError> {
    diagnostics
        .iter()
        .map(|d| {
            if let Some(more) = more_error(d, "", lang) {
                return more;
            }
            let field = d
                .line
                .and_then(|l| lines.get(&l))
                .cloned()
                .unwrap_or_default();
            let mut message = d.message_in(lang.format_lang()).to_owned();
            if let Some(help) = d.help_in(lang.format_lang()) {
                message.push_str(" — ");
                message.push_str(help);
            }
            FieldError {
                field,
                message,
                lang: lang.tag(),
            }
        })
        .collect()
}

/// Checks a submitted form: the fields required, then the record format,
/// then the licence. The record is parsed off the async workers.
///
/// # Errors
/// The field errors, or [`AppError::Internal`] when the parse task fails.
async fn validate(
    state: &AppState,
    lang: Lang,
    kind: Kind,
    values: &HashMap<String, String>,
) -> Result<Result<(Box<Record>, cdl_licenses::Certificate), Vec<FieldError>>, AppError> {
    Ok(match required(lang, kind, values) {
        Err(errors) => Err(errors),
        Ok(()) => {
            let built = build_toml(kind, values);
            let checked = check(state, built.text).await?;
            licence(lang, checked, &built.lines)
        }
    })
}

/// The required fields of a form that are empty.
fn required(
    lang: Lang,
    kind: Kind,
    values: &HashMap<String, String>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (spec, common) in COMMON
        .iter()
        .map(|s| (s, true))
        .chain(kind_fields(kind).iter().map(|s| (s, false)))
    {
        let name = form_name(kind, spec, common);
        if spec.required && values.get(&name).is_none_or(|v| v.trim().is_empty()) {
            let label = field_label(
                &if common {
                    spec.key.to_owned()
                } else {
                    format!("{}.{}", kind.as_str(), spec.key)
                },
                lang,
            )
            .to_owned();
            errors.push(FieldError {
                field: name,
                message: match lang {
                    Lang::Fr => format!("Indiquez : {label}."),
                    Lang::En => format!("Enter: {label}."),
                },
                lang: lang.tag(),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A checked form record: its problems by field, or the licence refused
/// when it is not free for its kind.
fn licence(
    lang: Lang,
    checked: Checked,
    lines: &HashMap<usize, String>,
) -> Result<(Box<Record>, cdl_licenses::Certificate), Vec<FieldError>> {
    let m = lang.messages();
    match checked {
        Checked::Invalid(diagnostics) => Err(diagnostics_to_errors(&diagnostics, lines, lang)),
        Checked::Valid(record, certificate) => {
            if certificate.verdict == Verdict::Rejected
                || (certificate.verdict == Verdict::Unknown && certificate.canonical.is_none())
            {
                let mut message = m.licence_not_free.to_owned();
                for r in reasons(lang, &certificate) {
                    message.push(' ');
                    message.push_str(&r);
                }
                if !certificate.suggestions.is_empty() {
                    let quoted: Vec<String> = certificate
                        .suggestions
                        .iter()
                        .map(|s| format!("{}{s}{}", m.quote_open, m.quote_close))
                        .collect();
                    message.push_str(&format!(" {} {}\u{a0}?", m.did_you_mean, quoted.join(", ")));
                }
                return Err(vec![FieldError {
                    field: "license".to_owned(),
                    message,
                    lang: lang.tag(),
                }]);
            }
            Ok((record, certificate))
        }
    }
}

/// `POST /propose/{kind}`: validate, preview or send.
///
/// # Errors
/// 403 without a valid CSRF token; 429 past the rate limit.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(kind): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let kind = parse_kind(&kind)?;
    let values: HashMap<String, String> = pairs.into_iter().collect();
    ctx.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    // Every attempt counts, previews and invalid forms too, before parsing.
    rate_limit(&state, ip)?;
    let lang = ctx.lang;
    if values.values().map(String::len).sum::<usize>() > MAX_RECORD_BYTES {
        // It cannot make a record; echoing it back would only make a page
        // of megabytes. Short values are kept for the contributor.
        let kept: HashMap<String, String> = values
            .into_iter()
            .filter(|(_, v)| v.len() <= MAX_ECHOED_BYTES)
            .collect();
        let errors = vec![FieldError {
            field: String::new(),
            message: match lang {
                Lang::Fr => format!(
                    "Le formulaire dépasse les {MAX_RECORD_BYTES} octets qu’une fiche peut avoir : raccourcissez les textes les plus longs."
                ),
                Lang::En => format!(
                    "The form is larger than the {MAX_RECORD_BYTES} bytes a record may have: shorten the longest texts."
                ),
            },
            lang: lang.tag(),
        }];
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&ctx, kind, &kept, errors, None),
        );
    }
    let (record, certificate) = match validate(&state, lang, kind, &values).await? {
        Ok(ok) => ok,
        Err(errors) => {
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&ctx, kind, &values, errors, None),
            );
        }
    };
    if values.get("action").map(String::as_str) != Some("submit") {
        let preview = Preview {
            title: record.title.clone(),
            verdict_class: certificate.verdict.as_str(),
            verdict: lang.verdict(certificate.verdict),
            reasons: reasons(lang, &certificate),
            rows: rows(&record, lang),
        };
        return render(&form_page(&ctx, kind, &values, Vec::new(), Some(preview)));
    }
    let author = values.get("author").map_or("", String::as_str);
    let message = values.get("message").map_or("", String::as_str);
    match create(&state, &record, author, message).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/proposals/{id}?new=1")).into_response()),
        Err(refused) => {
            let message = match refused {
                Refused::Withdrawn => match lang {
                    Lang::Fr => {
                        "Cet identifiant a été retiré du catalogue : choisissez-en un autre."
                    }
                    Lang::En => "This id was withdrawn from the catalogue: choose another one.",
                },
                Refused::NoChange => match lang {
                    Lang::Fr => "Cette fiche est déjà au catalogue, à l’identique.",
                    Lang::En => "This record is already in the catalogue, unchanged.",
                },
                Refused::Error(e) => return Err(e),
            };
            let errors = vec![FieldError {
                field: "id".to_owned(),
                message: message.to_owned(),
                lang: lang.tag(),
            }];
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&ctx, kind, &values, errors, None),
            )
        }
    }
}

/// `POST /propose/upload`: one TOML record file.
///
/// # Errors
/// 403 without a valid CSRF token; 429 past the rate limit; 413 too large.
pub async fn upload(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<Vec<u8>> = None;
    let mut file_too_large = false;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        // Other parts are skipped unread; each part is read up to its
        // limit only, so that a file at the body limit is never copied.
        let limit = match name.as_str() {
            "file" => MAX_RECORD_BYTES,
            "csrf" | "author" | "message" => MAX_FIELD_BYTES,
            _ => continue,
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?
        {
            if bytes.len() + chunk.len() > limit {
                if name == "file" {
                    file_too_large = true;
                }
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            file = Some(bytes);
        } else {
            fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    // Every attempt counts, invalid files too, before parsing.
    rate_limit(&state, ip)?;
    let lang = ctx.lang;
    let m = ctx.m();
    let fail = |errors: Vec<FieldError>| {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &choose_page(&ctx, errors))
    };
    if file_too_large {
        return fail(vec![FieldError {
            field: "file".to_owned(),
            message: match lang {
                Lang::Fr => format!(
                    "Le fichier dépasse les {MAX_RECORD_BYTES} octets qu’une fiche peut avoir : gardez-y les métadonnées et mettez les longs textes sur une page liée."
                ),
                Lang::En => format!(
                    "The file is larger than the {MAX_RECORD_BYTES} bytes a record may have: keep it to the metadata and move long texts to a linked page."
                ),
            },
            lang: lang.tag(),
        }]);
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return fail(vec![FieldError {
            field: "file".to_owned(),
            message: m.upload_missing.to_owned(),
            lang: lang.tag(),
        }]);
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            return fail(vec![FieldError {
                field: "file".to_owned(),
                message: match lang {
                    Lang::Fr => "le fichier n’est pas un texte UTF-8 : enregistrez-le en UTF-8",
                    Lang::En => "the file is not UTF-8 text: save it as UTF-8",
                }
                .to_owned(),
                lang: lang.tag(),
            }]);
        }
    };
    let record = match check(&state, text).await? {
        Checked::Invalid(diagnostics) => {
            let errors = diagnostics
                .iter()
                .map(|d| {
                    more_error(d, "file", lang).unwrap_or_else(|| FieldError {
                        field: "file".to_owned(),
                        message: {
                            let fl = lang.format_lang();
                            let text = format!(
                                "{}{}",
                                d.message_in(fl),
                                d.help_in(fl).map(|h| format!(" — {h}")).unwrap_or_default()
                            );
                            match (d.line, d.column, lang) {
                                (Some(l), Some(c), Lang::Fr) => {
                                    format!("ligne {l}, colonne {c} : {text}")
                                }
                                (Some(l), Some(c), Lang::En) => {
                                    format!("line {l}, column {c}: {text}")
                                }
                                _ => text,
                            }
                        },
                        lang: lang.tag(),
                    })
                })
                .collect();
            return fail(errors);
        }
        Checked::Valid(record, _) => record,
    };
    let author = fields.get("author").map_or("", String::as_str);
    let message = fields.get("message").map_or("", String::as_str);
    match create(&state, &record, author, message).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/proposals/{id}?new=1")).into_response()),
        Err(Refused::Error(e)) => Err(e),
        Err(_) => fail(vec![FieldError {
            field: "file".to_owned(),
            message: match lang {
                Lang::Fr => "Cette fiche est déjà au catalogue à l’identique, ou son identifiant a été retiré.".to_owned(),
                Lang::En => "This record is already in the catalogue unchanged, or its id was withdrawn.".to_owned(),
            },
            lang: lang.tag(),
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposals::check_now;

    #[test]
    fn a_form_becomes_a_valid_record() {
        let values: HashMap<String, String> = [
            ("id", "tomate-coeur"),
            ("title", "Tomate « cœur de bœuf »"),
            ("license", "LicenseRef-OSSI-Pledge"),
            ("tags", "tomate, potager"),
            ("seed-lot.species", "Solanum lycopersicum"),
            ("seed-lot.harvest_year", "2025"),
            ("seed-lot.quantity", "12"),
            ("seed-lot.unit", "packets"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let built = build_toml(Kind::SeedLot, &values);
        match check_now(&built.text) {
            Checked::Valid(record, _) => assert_eq!(record.id.as_str(), "tomate-coeur"),
            Checked::Invalid(d) => panic!("{}\n{d:?}", built.text),
        }
    }

    #[test]
    fn errors_land_on_their_field() {
        let values: HashMap<String, String> = [
            ("id", "Bad Id"),
            ("title", "x"),
            ("license", "MIT"),
            ("software.repository", "not a url"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let built = build_toml(Kind::Software, &values);
        let errors = licence(Lang::Fr, check_now(&built.text), &built.lines).unwrap_err();
        assert!(errors.iter().any(|e| e.field == "id"), "{errors:?}");
    }
}
