//! `/propose`: a form per kind and a TOML upload. The forms derive from
//! the record format ([`crate::form`]); a submitted form is read into a
//! typed record, checked by the format's rules and the licence policy,
//! and every problem is shown at once, next to its field and in a summary
//! at the top. A valid form can be previewed, then sent as a proposal; one
//! that would change a record of the catalogue says so, with the diff,
//! before it is sent.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cdl_licenses::{Certificate, ReasonCode, Verdict};
use cdl_records::{Context, Diagnostic, Kind, MAX_RECORD_BYTES, Record};
use cdl_registry::{LineChange, RecordKey, RecordState};

use super::{Ctx, Layout, Nav, blocking, render, render_with};
use crate::error::AppError;
use crate::extract::KindPath;
use crate::form::{self, Input, LICENCE_OTHER, OTHER, Problem};
use crate::i18n::Lang;
use crate::pages::record::reasons;
use crate::proposals::{Checked, Refused, check, create, more_errors, off_thread, rate_limit};
use crate::security::ClientIp;
use crate::state::AppState;
use crate::view::{Row, rows};

/// The most bytes read of an upload's other parts (CSRF token, pseudonym,
/// message: all cut much shorter afterwards).
const MAX_FIELD_BYTES: usize = 16 * 1024;

/// The longest value of a too-large form shown back to the contributor.
const MAX_ECHOED_BYTES: usize = 4 * 1024;

/// The form field that confirms a change to an existing record: it holds
/// the record's key, once the contributor has seen the diff.
const CONFIRM: &str = "confirm_change";

/// A text of these pages in `lang`.
pub(crate) fn t(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// A message as a sentence: the format's messages start in lower case,
/// as a compiler's do; a form shows them with a capital.
pub(crate) fn sentence(message: String) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => message,
    }
}

/// An error shown next to a field (or in the summary only).
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    /// The form field, or empty for the record as a whole.
    pub(crate) field: String,
    /// The message.
    pub(crate) message: String,
    /// The language of the message.
    pub(crate) lang: &'static str,
}

/// An option of a select or a radio group.
pub(crate) struct Opt {
    /// The value sent.
    pub(crate) value: String,
    /// What a person reads.
    pub(crate) label: String,
    /// Shown in smaller text after the label (a licence's id).
    pub(crate) small: String,
    /// The input's id (radios).
    pub(crate) id: String,
    pub(crate) selected: bool,
}

/// A field as the template shows it.
pub(crate) struct FieldView {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) required: bool,
    pub(crate) value: String,
    pub(crate) hint: Option<String>,
    pub(crate) kind: &'static str,
    pub(crate) options: Vec<Opt>,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) described_by: String,
    /// A licence field offers "Other (SPDX expression)" and its text box.
    pub(crate) other: bool,
}

/// A proposal that would change a record of the catalogue.
struct Change {
    /// `kind/id`.
    key: String,
    /// The record's page.
    href: String,
    /// The diff of the canonical texts.
    lines: Vec<DiffLine>,
}

/// One line of a diff.
struct DiffLine {
    sign: &'static str,
    class: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "propose_form.html")]
struct FormPage {
    l: Layout,
    kind: &'static str,
    kind_label: &'static str,
    errors: Vec<(String, FieldError)>,
    essential: Vec<FieldView>,
    specific: Vec<FieldView>,
    more: Vec<FieldView>,
    author: String,
    message: String,
    message_hint: String,
    preview: Option<Preview>,
    change: Option<Change>,
    /// The form's texts in the page's language.
    x: &'static Texts,
}

/// The texts of the form page that the shared messages do not have.
pub(crate) struct Texts {
    pub(crate) more_fieldset: &'static str,
    pub(crate) licence_other: &'static str,
    pub(crate) licence_other_label: &'static str,
    pub(crate) change_heading: &'static str,
    pub(crate) change_intro: &'static str,
    pub(crate) change_confirm: &'static str,
    pub(crate) preview_summary: &'static str,
    pub(crate) preview_description: &'static str,
    pub(crate) diff_added: &'static str,
    pub(crate) diff_removed: &'static str,
}

const TEXTS_FR: Texts = Texts {
    more_fieldset: "Plus de détails (facultatif)",
    licence_other: "Autre (expression SPDX)",
    licence_other_label: "Autre licence, en expression SPDX (par exemple CC-BY-SA-4.0)",
    change_heading: "Cette proposition modifie une fiche existante",
    change_intro: "Cette proposition modifie la fiche existante",
    change_confirm: "Si c’est bien votre intention, envoyez la proposition : elle remplacera la fiche après l’accord d’un curateur. Sinon, changez l’identifiant.",
    preview_summary: "Résumé",
    preview_description: "Description",
    diff_added: "ajouté",
    diff_removed: "retiré",
};

const TEXTS_EN: Texts = Texts {
    more_fieldset: "More details (optional)",
    licence_other: "Other (SPDX expression)",
    licence_other_label: "Other licence, as an SPDX expression (for example CC-BY-SA-4.0)",
    change_heading: "This proposal changes an existing record",
    change_intro: "This proposal changes the existing record",
    change_confirm: "If that is what you mean, send the proposal: it will replace the record once a curator agrees. Otherwise, change the identifier.",
    preview_summary: "Summary",
    preview_description: "Description",
    diff_added: "added",
    diff_removed: "removed",
};

pub(crate) fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fr => &TEXTS_FR,
        Lang::En => &TEXTS_EN,
    }
}

/// A valid record shown before it is sent: every field of it.
struct Preview {
    /// The labels of the identifier and licence lines, from the vocabulary.
    id_label: &'static str,
    licence_label: &'static str,
    id: String,
    /// The licence's name when the forms know it, and its expression.
    licence_name: Option<&'static str>,
    licence: String,
    title: String,
    title_lang: String,
    summary: Option<String>,
    description: Vec<String>,
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
    /// The record an upload would change, with the diff.
    change: Option<Change>,
    confirm_label: &'static str,
    message_hint: &'static str,
    x: &'static Texts,
}

/// `GET /propose`: the kinds, and the upload form.
///
/// # Errors
/// When rendering fails.
pub async fn choose(ctx: Ctx) -> Result<Response, AppError> {
    render(&choose_page(&ctx, Vec::new()))
}

/// A page title that starts with "Erreur" when there are errors.
pub(crate) fn titled(lang: Lang, title: String, errors: usize) -> String {
    match (errors, lang) {
        (0, _) => title,
        (1, Lang::Fr) => format!("Erreur : 1 problème à corriger — {title}"),
        (n, Lang::Fr) => format!("Erreur : {n} problèmes à corriger — {title}"),
        (1, Lang::En) => format!("Error: 1 problem to fix — {title}"),
        (n, Lang::En) => format!("Error: {n} problems to fix — {title}"),
    }
}

fn choose_page(ctx: &Ctx, errors: Vec<FieldError>) -> ChoosePage {
    ChoosePage {
        l: ctx.layout(
            titled(ctx.lang, ctx.m().propose_title.to_owned(), errors.len()),
            Nav::Propose,
        ),
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.as_str(), ctx.lang.kind(*k)))
            .collect(),
        errors,
        change: None,
        confirm_label: t(
            ctx.lang,
            "Je veux modifier la fiche existante, si elle a le même identifiant",
            "I mean to change the existing record, if it has the same identifier",
        ),
        message_hint: message_hint(ctx.lang),
        x: texts(ctx.lang),
    }
}

/// The hint of the message field: it is public.
fn message_hint(lang: Lang) -> &'static str {
    t(
        lang,
        "Public : ce message figurera dans l’historique de la fiche, avec votre pseudonyme. Laissé vide, il dira « Nouvelle fiche … » ou « Modification de la fiche … ».",
        "Public: this message will appear in the record’s history, with your pseudonym. Left empty, it will say “Nouvelle fiche …” (new record) or “Modification de la fiche …” (change).",
    )
}

/// `GET /propose/{kind}`: the empty form.
///
/// # Errors
/// 404 for an unknown kind.
pub async fn form(ctx: Ctx, KindPath(kind): KindPath) -> Result<Response, AppError> {
    render(&form_page(
        &ctx,
        kind,
        &HashMap::new(),
        Vec::new(),
        None,
        None,
    ))
}

/// The HTML id of a form field.
pub(crate) fn html_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

pub(crate) fn field_view(
    ctx: &Ctx,
    kind: Kind,
    field: &form::FormField,
    values: &HashMap<String, String>,
    errors: &[FieldError],
) -> FieldView {
    let name = field.path.clone();
    let m = ctx.m();
    let lang = ctx.lang.format_lang();
    let id = html_id(&name);
    let current = values.get(&name).map(String::as_str).unwrap_or("");
    let vocabulary_help = form::help(&name, lang).map(str::to_owned);
    let (input_kind, options, format_hint) = match field.input {
        Input::Area => ("area", Vec::new(), None),
        Input::Lines => ("area", Vec::new(), Some(m.lines_hint)),
        Input::List | Input::Names => ("text", Vec::new(), Some(m.list_hint)),
        Input::Integer => ("integer", Vec::new(), None),
        Input::Number => ("number", Vec::new(), None),
        Input::Url => ("url", Vec::new(), None),
        Input::Date => (
            "text",
            Vec::new(),
            Some(t(
                ctx.lang,
                "Par exemple 15/03/2024 (ou 2024-03-15).",
                "For example 2024-03-15 (or 15/03/2024).",
            )),
        ),
        Input::Select => {
            let mut options = vec![Opt {
                value: String::new(),
                label: "—".to_owned(),
                small: String::new(),
                id: String::new(),
                selected: current.is_empty(),
            }];
            options.extend(cdl_records::vocabulary::values(&name).map(|v| Opt {
                value: v.value.to_owned(),
                label: v.label.get(lang).to_owned(),
                small: String::new(),
                id: String::new(),
                selected: v.value == current,
            }));
            ("select", options, None)
        }
        Input::Licence => {
            let offered = cdl_licenses::choices(kind);
            let listed = offered.iter().any(|c| c.id == current);
            let mut options: Vec<Opt> = offered
                .iter()
                .enumerate()
                .map(|(i, c)| Opt {
                    value: c.id.to_owned(),
                    label: c.name(lang).to_owned(),
                    small: c.id.to_owned(),
                    id: if i == 0 {
                        id.clone()
                    } else {
                        format!("{id}-{i}")
                    },
                    selected: c.id == current,
                })
                .collect();
            let other_chosen = !listed
                && (current == OTHER
                    || values
                        .get(LICENCE_OTHER)
                        .is_some_and(|v| !v.trim().is_empty())
                    || !current.is_empty());
            options.push(Opt {
                value: OTHER.to_owned(),
                label: texts(ctx.lang).licence_other.to_owned(),
                small: String::new(),
                id: format!("{id}-other"),
                selected: other_chosen,
            });
            ("licence", options, None)
        }
        Input::Text | Input::Org => ("text", Vec::new(), None),
    };
    // The id can be left empty: the form makes it from the title.
    let id_hint = (name == "id").then(|| {
        t(
            ctx.lang,
            "Laissez-le vide pour qu’il soit tiré du titre.",
            "Leave it empty to have it made from the title.",
        )
    });
    let hint = match (vocabulary_help, format_hint.or(id_hint)) {
        (Some(h), Some(f)) => Some(format!("{h} {f}")),
        (Some(h), None) => Some(h),
        (None, Some(f)) => Some(f.to_owned()),
        (None, None) => None,
    };
    let errors: Vec<FieldError> = errors.iter().filter(|e| e.field == name).cloned().collect();
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("{id}-hint"));
    }
    for i in 1..=errors.len() {
        described.push(format!("{id}-error-{i}"));
    }
    // A licence typed as an expression comes back in the "other" field.
    let value = if field.input == Input::Licence {
        let typed = values.get(LICENCE_OTHER).cloned().unwrap_or_default();
        if typed.trim().is_empty()
            && !current.is_empty()
            && current != OTHER
            && !cdl_licenses::choices(kind).iter().any(|c| c.id == current)
        {
            current.to_owned()
        } else {
            typed
        }
    } else {
        current.to_owned()
    };
    FieldView {
        described_by: described.join(" "),
        id,
        label: form::label(&name, lang).to_owned(),
        required: field.required && name != "id",
        value,
        hint,
        kind: input_kind,
        options,
        errors,
        name,
        other: true,
    }
}

fn form_page(
    ctx: &Ctx,
    kind: Kind,
    values: &HashMap<String, String>,
    errors: Vec<FieldError>,
    preview: Option<Preview>,
    change: Option<Change>,
) -> FormPage {
    let lang = ctx.lang;
    let view = |f: &form::FormField| field_view(ctx, kind, f, values, &errors);
    let fields = form::fields(kind);
    let is_kind_field = |f: &&form::FormField| f.path.contains('.');
    let essential: Vec<FieldView> = form::ESSENTIAL
        .iter()
        .filter_map(|p| fields.iter().find(|f| f.path == *p))
        .map(view)
        .collect();
    let specific: Vec<FieldView> = fields.iter().filter(is_kind_field).map(view).collect();
    let more: Vec<FieldView> = fields
        .iter()
        .filter(|f| !is_kind_field(f) && !form::ESSENTIAL.contains(&f.path.as_str()))
        .map(view)
        .collect();
    let anchor = |field: &str| {
        essential
            .iter()
            .chain(&specific)
            .chain(&more)
            .find(|v| v.name == field)
            .map_or_else(|| "f-id".to_owned(), |v| v.id.clone())
    };
    let summary: Vec<(String, FieldError)> = errors
        .iter()
        .map(|e| (anchor(&e.field), e.clone()))
        .collect();
    let title = format!("{} {}", ctx.m().propose_form_for, lang.kind(kind));
    FormPage {
        l: ctx.layout(titled(lang, title, summary.len()), Nav::Propose),
        kind: kind.as_str(),
        kind_label: lang.kind(kind),
        errors: summary,
        essential,
        specific,
        more,
        author: values.get("author").cloned().unwrap_or_default(),
        message: values.get("message").cloned().unwrap_or_default(),
        message_hint: message_hint(lang).to_owned(),
        preview,
        change,
        x: texts(lang),
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

/// Why the licence of a form is refused, with the licences accepted for
/// the kind; `None` when it is certified free, or when it is a well-formed
/// licence the policy has not reviewed for the kind (a curator decides).
/// A licence known not to make the kind free (a software licence for a
/// seed lot) is refused here, not later.
fn licence_problem(lang: Lang, kind: Kind, certificate: &Certificate) -> Option<String> {
    let awaits_curator = certificate.verdict == Verdict::Unknown
        && certificate.canonical.is_some()
        && certificate.has_reason(ReasonCode::NotReviewed);
    if certificate.verdict == Verdict::Certified || awaits_curator {
        return None;
    }
    let m = lang.messages();
    let mut message = m.licence_not_free.to_owned();
    for r in reasons(lang, certificate) {
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
    let accepted: Vec<String> = cdl_licenses::choices(kind)
        .iter()
        .map(|c| format!("{} ({})", c.name(lang.format_lang()), c.id))
        .collect();
    message.push(' ');
    message.push_str(t(
        lang,
        "Licences acceptées pour ce type :",
        "Licences accepted for this kind:",
    ));
    message.push(' ');
    message.push_str(&accepted.join(", "));
    message.push('.');
    Some(message)
}

/// A form read and checked: the record and its certificate, and every
/// problem found (fields, rules and licence together).
pub(crate) struct Evaluated {
    pub(crate) record: Record,
    pub(crate) certificate: Certificate,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) suggested_id: Option<String>,
}

/// Reads a form into a record and checks it: its fields, the format's
/// rules (with today's date) and the licence, all at once.
pub(crate) fn evaluate(
    kind: Kind,
    values: &HashMap<String, String>,
    lang: Lang,
    today: Option<cdl_records::values::Date>,
) -> Evaluated {
    let built = form::read(kind, values, lang.format_lang());
    let mut problems: Vec<Problem> = built.problems;
    let already: std::collections::HashSet<String> =
        problems.iter().map(|p| p.field.clone()).collect();
    if let Err(e) = cdl_records::validate_checked(&built.record, &Context { today }) {
        for d in &e.diagnostics {
            if let Some(more) = more_errors(d, lang) {
                problems.push(Problem {
                    field: String::new(),
                    message: more,
                });
                continue;
            }
            let field = d
                .field
                .as_deref()
                .map(|f| form::field_of(kind, f))
                .unwrap_or_default();
            // A field already wrong holds a placeholder: its rules say
            // nothing more.
            if already.contains(&field) {
                continue;
            }
            let fl = lang.format_lang();
            let mut message = d.message_in(fl).to_owned();
            if let Some(help) = d.help_in(fl) {
                message.push_str(" — ");
                message.push_str(help);
            }
            problems.push(Problem { field, message });
        }
    }
    let certificate = cdl_licenses::certify(kind, &built.record.license);
    if !already.contains("license")
        && let Some(message) = licence_problem(lang, kind, &certificate)
    {
        problems.push(Problem {
            field: "license".to_owned(),
            message,
        });
    }
    // In the order of the form.
    let order: Vec<&str> = form::ESSENTIAL
        .iter()
        .copied()
        .chain(
            form::fields(kind)
                .iter()
                .map(|f| f.path.as_str())
                .filter(|p| p.contains('.')),
        )
        .chain(form::fields(kind).iter().map(|f| f.path.as_str()))
        .collect();
    problems.sort_by_key(|p| {
        order
            .iter()
            .position(|o| *o == p.field)
            .unwrap_or(usize::MAX)
    });
    Evaluated {
        record: built.record,
        certificate,
        errors: problems
            .into_iter()
            .map(|p| FieldError {
                field: p.field,
                message: sentence(p.message),
                lang: lang.tag(),
            })
            .collect(),
        suggested_id: built.suggested_id,
    }
}

/// What the catalogue holds at a record's key.
enum Existing {
    /// Nothing: a new record.
    None,
    /// A record, with the canonical text of the one proposed.
    Present(Box<Record>),
    /// A withdrawn record: the id cannot come back.
    Withdrawn,
}

async fn existing(state: &AppState, record: &Record) -> Result<Existing, AppError> {
    let key = RecordKey {
        kind: record.kind(),
        id: record.id.clone(),
    };
    let st = state.clone();
    Ok(
        match blocking(move || st.registry.record(&key, None)).await? {
            Ok(RecordState::Present(old)) => Existing::Present(old),
            Ok(RecordState::Withdrawn(_)) => Existing::Withdrawn,
            Ok(RecordState::Absent) => Existing::None,
            Err(e) => return Err(AppError::internal(e)),
        },
    )
}

/// The change a proposal makes to an existing record, for the page.
fn change_view(old: &Record, new: &Record) -> Change {
    let lines = cdl_registry::line_diff(&cdl_records::to_toml(old), &cdl_records::to_toml(new))
        .into_iter()
        .map(|l| {
            let (sign, class) = match l.change {
                LineChange::Same => (" ", "same"),
                LineChange::Removed => ("-", "del"),
                LineChange::Added => ("+", "add"),
            };
            DiffLine {
                sign,
                class,
                text: l.text,
            }
        })
        .collect();
    Change {
        key: format!("{}/{}", new.kind().as_str(), new.id.as_str()),
        href: format!("/records/{}/{}", new.kind().as_str(), new.id.as_str()),
        lines,
    }
}

fn preview_of(lang: Lang, record: &Record, certificate: &Certificate) -> Preview {
    let fl = lang.format_lang();
    Preview {
        id_label: form::label("id", fl),
        licence_label: form::label("license", fl),
        id: record.id.as_str().to_owned(),
        licence_name: cdl_licenses::choice(&record.license).map(|c| c.name(fl)),
        licence: record.license.clone(),
        title: record.title.clone(),
        title_lang: record
            .title_lang
            .as_ref()
            .map_or_else(|| "fr".to_owned(), |l| l.as_str().to_owned()),
        summary: record.summary.clone(),
        description: record
            .description
            .as_deref()
            .map(|d| {
                d.split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        verdict_class: certificate.verdict.as_str(),
        verdict: lang.verdict(certificate.verdict),
        reasons: reasons(lang, certificate),
        rows: rows(record, lang),
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
    KindPath(kind): KindPath,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut values: HashMap<String, String> = pairs
        .into_iter()
        .map(|(k, v)| (k, form::normalise_line_ends(&v)))
        .collect();
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
            &form_page(&ctx, kind, &kept, errors, None, None),
        );
    }
    let today = crate::proposals::today();
    let shared = values.clone();
    let evaluated = off_thread(&state, move || evaluate(kind, &shared, lang, today)).await?;
    if let Some(id) = &evaluated.suggested_id {
        // Shown in the id field, for the contributor to keep or change.
        values.insert("id".to_owned(), id.clone());
    }
    let Evaluated {
        record,
        certificate,
        mut errors,
        ..
    } = evaluated;
    let mut change = None;
    if errors.is_empty() {
        match existing(&state, &record).await? {
            Existing::None => {}
            Existing::Withdrawn => errors.push(FieldError {
                field: "id".to_owned(),
                message: t(
                    lang,
                    "Cet identifiant a été retiré du catalogue : choisissez-en un autre.",
                    "This id was withdrawn from the catalogue: choose another one.",
                )
                .to_owned(),
                lang: lang.tag(),
            }),
            Existing::Present(old) if *old == record => errors.push(FieldError {
                field: "id".to_owned(),
                message: t(
                    lang,
                    "Cette fiche est déjà au catalogue, à l’identique : il n’y a rien à proposer.",
                    "This record is already in the catalogue, unchanged: there is nothing to propose.",
                )
                .to_owned(),
                lang: lang.tag(),
            }),
            Existing::Present(old) => change = Some(change_view(&old, &record)),
        }
    }
    if !errors.is_empty() {
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&ctx, kind, &values, errors, None, None),
        );
    }
    // A change to an existing record is sent only once the contributor
    // has seen it: the preview carries the key back as confirmation.
    let confirmed = change
        .as_ref()
        .is_none_or(|c| values.get(CONFIRM).is_some_and(|v| *v == c.key));
    if values.get("action").map(String::as_str) != Some("submit") || !confirmed {
        let preview = preview_of(lang, &record, &certificate);
        return render(&form_page(
            &ctx,
            kind,
            &values,
            Vec::new(),
            Some(preview),
            change,
        ));
    }
    let author = values.get("author").map_or("", String::as_str);
    let message = values.get("message").map_or("", String::as_str);
    match create(&state, &record, author, message).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/proposals/{id}?new=1")).into_response()),
        Err(refused) => {
            let message = match refused {
                Refused::Withdrawn => t(
                    lang,
                    "Cet identifiant a été retiré du catalogue : choisissez-en un autre.",
                    "This id was withdrawn from the catalogue: choose another one.",
                ),
                Refused::NoChange => t(
                    lang,
                    "Cette fiche est déjà au catalogue, à l’identique.",
                    "This record is already in the catalogue, unchanged.",
                ),
                Refused::Error(e) => return Err(e),
            };
            let errors = vec![FieldError {
                field: "id".to_owned(),
                message: message.to_owned(),
                lang: lang.tag(),
            }];
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&ctx, kind, &values, errors, None, None),
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
            "csrf" | "author" | "message" | CONFIRM => MAX_FIELD_BYTES,
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
        Checked::Valid(record, certificate) => {
            // Refused here, not only later by a curator.
            if let Some(message) = licence_problem(lang, record.kind(), &certificate) {
                return fail(vec![FieldError {
                    field: "file".to_owned(),
                    message,
                    lang: lang.tag(),
                }]);
            }
            record
        }
    };
    match existing(&state, &record).await? {
        Existing::Present(old)
            if *old != *record && fields.get(CONFIRM).is_none_or(|v| v.is_empty()) =>
        {
            // Never a silent replacement: the contributor says so.
            let change = change_view(&old, &record);
            let message = format!(
                "{} {}. {}",
                texts(lang).change_intro,
                change.key,
                t(
                    lang,
                    "Si c’est bien votre intention, cochez « Je veux modifier la fiche existante » et envoyez de nouveau le fichier ; sinon, changez son identifiant.",
                    "If that is what you mean, tick “I mean to change the existing record” and send the file again; otherwise, change its identifier.",
                )
            );
            let mut page = choose_page(
                &ctx,
                vec![FieldError {
                    field: "file".to_owned(),
                    message,
                    lang: lang.tag(),
                }],
            );
            page.change = Some(change);
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Existing::None | Existing::Present(_) | Existing::Withdrawn => {}
    }
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
