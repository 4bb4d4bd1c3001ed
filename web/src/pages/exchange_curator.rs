//! The exchange's pages for curators (behind the curators' login): the
//! sessions with their pick lists (`/echange/gestion`), a new session
//! (`/echange/sessions/nouvelle`), a booking on behalf of a farmer who
//! comes in person or telephones (`/echange/pour`), and a session's pick
//! list (`/echange/sessions/{id}/liste`), made to be printed. Every read
//! of a farmer's personal data here is written to the audit log.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cdl_exchange::ExchangeError;
use serde::Deserialize;

use super::exchange::{
    BookingForm, LotView, PostedBooking, SessionView, coming_sessions, lot_views, refusal, titles,
    when,
};
use super::{Layout, Nav, render, render_with};
use crate::error::AppError;
use crate::extract::Curator;
use crate::i18n::Lang;
use crate::state::AppState;

/// Every word of the curators' exchange pages, in one language.
#[derive(Debug)]
pub struct Words {
    manage_title: &'static str,
    manage_intro: &'static str,
    new_session: &'static str,
    on_behalf: &'static str,
    sessions_heading: &'static str,
    no_sessions: &'static str,
    booked: &'static str,
    pick_list: &'static str,
    created_ok: &'static str,
    booked_ok: &'static str,
    new_title: &'static str,
    place_name: &'static str,
    place_hint: &'static str,
    address: &'static str,
    accessibility: &'static str,
    accessibility_hint: &'static str,
    hours: &'static str,
    details_hint: &'static str,
    date: &'static str,
    time: &'static str,
    time_hint: &'static str,
    capacity: &'static str,
    create_button: &'static str,
    err_place: &'static str,
    err_date: &'static str,
    err_time: &'static str,
    err_capacity: &'static str,
    err_past: &'static str,
    err_long: &'static str,
    behalf_title: &'static str,
    behalf_intro: &'static str,
    farmer_email: &'static str,
    reason: &'static str,
    reason_hint: &'static str,
    err_farmer: &'static str,
    err_reason: &'static str,
    list_title: &'static str,
    print_hint: &'static str,
    bookings_heading: &'static str,
    booking: &'static str,
    person: &'static str,
    lots: &'static str,
    made_by: &'static str,
    by_farmer: &'static str,
    totals_heading: &'static str,
    lot: &'static str,
    total: &'static str,
    nobody: &'static str,
    erased: &'static str,
    back: &'static str,
}

const FR: Words = Words {
    manage_title: "Gestion de l’échange",
    manage_intro: "Créez les séances d’ouverture, réservez pour une personne venue en personne ou qui téléphone, et imprimez la liste de préparation de chaque séance.",
    new_session: "Créer une séance d’ouverture",
    on_behalf: "Réserver pour une agricultrice ou un agriculteur",
    sessions_heading: "Séances",
    no_sessions: "Aucune séance pour l’instant.",
    booked: "Places prises",
    pick_list: "Liste de préparation de la séance n°",
    created_ok: "Séance créée : n°",
    booked_ok: "Réservation enregistrée pour le compte de la personne, à votre nom : n°",
    new_title: "Nouvelle séance d’ouverture",
    place_name: "Nom du lieu",
    place_hint: "Un lieu déjà connu garde ses informations si vous laissez les champs suivants vides.",
    address: "Adresse",
    accessibility: "Accessibilité",
    accessibility_hint: "Par exemple : accès de plain-pied, rampe, toilettes adaptées, place de stationnement réservée.",
    hours: "Horaires d’ouverture du lieu",
    details_hint: "Facultatif.",
    date: "Date",
    time: "Heure de début",
    time_hint: "Heure de Paris, par exemple 09:30.",
    capacity: "Nombre de personnes accueillies",
    create_button: "Créer la séance",
    err_place: "Indiquez le nom du lieu (200 caractères au plus).",
    err_date: "Indiquez une date valide, par exemple 2026-03-14.",
    err_time: "Indiquez une heure valide, par exemple 09:30.",
    err_capacity: "Indiquez un nombre entier de personnes entre 1 et 1000000.",
    err_past: "La séance doit commencer dans le futur.",
    err_long: "L’adresse, l’accessibilité et les horaires ont chacun 2000 caractères au plus.",
    behalf_title: "Réserver pour une agricultrice ou un agriculteur",
    behalf_intro: "Pour une personne sous contrat venue en personne ou qui téléphone. La réservation indique qu’elle a été faite pour elle, et par vous ; la recherche de la personne est inscrite au journal d’audit avec le motif.",
    farmer_email: "Adresse e-mail de la personne",
    reason: "Motif",
    reason_hint: "Par exemple : venue en personne, demande par téléphone. Il est inscrit au journal d’audit.",
    err_farmer: "Aucune personne inscrite n’a cette adresse e-mail.",
    err_reason: "Indiquez le motif (500 caractères au plus).",
    list_title: "Liste de préparation de la séance n°",
    print_hint: "Imprimez cette page depuis votre navigateur : l’impression ne garde que la liste. Chaque consultation est inscrite au journal d’audit.",
    bookings_heading: "Réservations",
    booking: "Réservation",
    person: "Personne",
    lots: "Lots et quantités",
    made_by: "Faite par",
    by_farmer: "la personne",
    totals_heading: "Totaux par lot",
    lot: "Lot",
    total: "Total à préparer",
    nobody: "Aucune réservation en cours pour cette séance.",
    erased: "personne effacée",
    back: "Retour à la gestion de l’échange",
};

const EN: Words = Words {
    manage_title: "Managing the exchange",
    manage_intro: "Create the opening sessions, book for a person who comes in person or telephones, and print each session's pick list.",
    new_session: "Create an opening session",
    on_behalf: "Book on behalf of a farmer",
    sessions_heading: "Sessions",
    no_sessions: "No session yet.",
    booked: "Places taken",
    pick_list: "Pick list of session no.",
    created_ok: "Session created: no.",
    booked_ok: "Booking recorded on the person's behalf, in your name: no.",
    new_title: "New opening session",
    place_name: "Name of the place",
    place_hint: "A place already known keeps its details when you leave the next fields empty.",
    address: "Address",
    accessibility: "Accessibility",
    accessibility_hint: "For example: step-free access, ramp, accessible toilets, reserved parking.",
    hours: "Opening hours of the place",
    details_hint: "Optional.",
    date: "Date",
    time: "Start time",
    time_hint: "Paris time, for example 09:30.",
    capacity: "Number of people received",
    create_button: "Create the session",
    err_place: "Give the place's name (at most 200 characters).",
    err_date: "Give a valid date, for example 2026-03-14.",
    err_time: "Give a valid time, for example 09:30.",
    err_capacity: "Give a whole number of people between 1 and 1000000.",
    err_past: "The session must start in the future.",
    err_long: "The address, accessibility and hours have at most 2000 characters each.",
    behalf_title: "Book on behalf of a farmer",
    behalf_intro: "For a person under contract who comes in person or telephones. The booking says it was made for them, and by you; looking the person up is written to the audit log with the reason.",
    farmer_email: "The person's e-mail address",
    reason: "Reason",
    reason_hint: "For example: came in person, asked by telephone. It is written to the audit log.",
    err_farmer: "No registered person has this e-mail address.",
    err_reason: "Give the reason (at most 500 characters).",
    list_title: "Pick list of session no.",
    print_hint: "Print this page from your browser: the print keeps only the list. Every view is written to the audit log.",
    bookings_heading: "Bookings",
    booking: "Booking",
    person: "Person",
    lots: "Lots and quantities",
    made_by: "Made by",
    by_farmer: "the person",
    totals_heading: "Totals per lot",
    lot: "Lot",
    total: "Total to prepare",
    nobody: "No active booking for this session.",
    erased: "erased person",
    back: "Back to managing the exchange",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// Who acts, for the audit log: the curator's name.
fn actor(name: &str) -> String {
    format!("curator {name}")
}

// ------------------------------------------------------ /echange/gestion

struct SessionRow {
    id: i64,
    place: String,
    when: String,
    datetime: String,
    booked: i64,
    capacity: i64,
}

#[derive(Template)]
#[template(path = "echange_gestion.html")]
struct ManagePage {
    l: Layout,
    w: &'static Words,
    notice: Option<String>,
    sessions: Vec<SessionRow>,
}

/// What the management page says on arrival.
#[derive(Debug, Deserialize)]
pub struct ManageQuery {
    #[serde(default)]
    creee: Option<i64>,
    #[serde(default)]
    reservee: Option<i64>,
}

/// `GET /echange/gestion`: every session, newest first, with its pick
/// list, and the curators' forms.
///
/// # Errors
/// When the database cannot be read.
pub async fn manage(
    State(state): State<AppState>,
    Query(query): Query<ManageQuery>,
    Curator { ctx, .. }: Curator,
) -> Result<Response, AppError> {
    let w = words(ctx.lang);
    let store = crate::exchange::store(&state).await?;
    let mut sessions: Vec<SessionRow> = store
        .sessions()
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            when: when(
                ctx.lang,
                cdl_exchange::parse_rfc3339(&s.starts).unwrap_or(0),
            ),
            datetime: s.starts,
            place: s.place.name,
            booked: s.capacity - s.remaining,
            capacity: s.capacity,
        })
        .collect();
    sessions.reverse();
    let notice = match (query.creee, query.reservee) {
        (Some(id), _) => Some(format!("{} {id}.", w.created_ok)),
        (None, Some(id)) => Some(format!("{} {id}.", w.booked_ok)),
        (None, None) => None,
    };
    render(&ManagePage {
        l: ctx.layout(w.manage_title, Nav::Exchange),
        w,
        notice,
        sessions,
    })
}

// --------------------------------------------- /echange/sessions/nouvelle

/// The new session form, as posted.
#[derive(Debug, Default, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    accessibility: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    capacity: String,
}

#[derive(Template)]
#[template(path = "echange_seance.html")]
struct NewSessionPage {
    l: Layout,
    w: &'static Words,
    f: SessionForm,
    /// Errors per field name.
    errors: HashMap<&'static str, &'static str>,
    /// The same, in the form's order, for the summary: (field id, message).
    summary: Vec<(&'static str, &'static str)>,
}

impl NewSessionPage {
    fn error(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field).copied()
    }
}

/// `GET /echange/sessions/nouvelle`.
///
/// # Errors
/// When rendering fails.
pub async fn new_session_form(Curator { ctx, .. }: Curator) -> Result<Response, AppError> {
    let w = words(ctx.lang);
    render(&NewSessionPage {
        l: ctx.layout(w.new_title, Nav::Exchange),
        w,
        f: SessionForm {
            capacity: "20".into(),
            ..SessionForm::default()
        },
        errors: HashMap::new(),
        summary: Vec::new(),
    })
}

/// `POST /echange/sessions/nouvelle`: creates the session (and the place,
/// or updates its details); errors are shown with the form kept (400).
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be written.
pub async fn new_session(
    State(state): State<AppState>,
    Curator { ctx, .. }: Curator,
    Form(f): Form<SessionForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&f.csrf)?;
    let w = words(ctx.lang);
    let mut summary: Vec<(&'static str, &'static str)> = Vec::new();
    let place = f.place.trim();
    if place.is_empty() || place.chars().count() > 200 {
        summary.push(("f-place", w.err_place));
    }
    let long = |s: &str| s.chars().count() > 2_000;
    let date: Option<jiff::civil::Date> = f.date.trim().parse().ok();
    if date.is_none() {
        summary.push(("f-date", w.err_date));
    }
    let time: Option<jiff::civil::Time> = f.time.trim().parse().ok();
    if time.is_none() {
        summary.push(("f-time", w.err_time));
    }
    let capacity: Option<i64> = f
        .capacity
        .trim()
        .parse()
        .ok()
        .filter(|c| (1..=1_000_000).contains(c));
    if capacity.is_none() {
        summary.push(("f-capacity", w.err_capacity));
    }
    let starts = match (date, time) {
        (Some(d), Some(t)) => super::exchange::from_paris(d.to_datetime(t)),
        _ => None,
    };
    if let Some(s) = starts
        && s <= cdl_exchange::now()
    {
        summary.push(("f-date", w.err_past));
    }
    if long(&f.address) || long(&f.accessibility) || long(&f.hours) {
        summary.push(("f-address", w.err_long));
    }
    let (Some(starts), Some(capacity), true) = (starts, capacity, summary.is_empty()) else {
        let errors = summary
            .iter()
            .map(|(id, m)| (id.trim_start_matches("f-"), *m))
            .collect();
        return render_with(
            StatusCode::BAD_REQUEST,
            &NewSessionPage {
                l: ctx.layout(
                    format!("{} — {}", ctx.m().error_title, w.new_title),
                    Nav::Exchange,
                ),
                w,
                f,
                errors,
                summary,
            },
        );
    };
    let store = crate::exchange::store(&state).await?;
    let id = store
        .add_session(place, starts, capacity)
        .await
        .map_err(AppError::internal)?;
    let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let (address, accessibility, hours) =
        (given(&f.address), given(&f.accessibility), given(&f.hours));
    if address.is_some() || accessibility.is_some() || hours.is_some() {
        store
            .set_place_details(
                place,
                address.as_deref(),
                accessibility.as_deref(),
                hours.as_deref(),
            )
            .await
            .map_err(AppError::internal)?;
    }
    Ok(Redirect::to(&format!("/echange/gestion?creee={id}")).into_response())
}

// -------------------------------------------------------- /echange/pour

#[derive(Template)]
#[template(path = "echange_pour.html")]
struct BehalfPage {
    l: Layout,
    w: &'static Words,
    fw: &'static super::exchange::Words,
    email: String,
    reason: String,
    email_error: Option<&'static str>,
    reason_error: Option<&'static str>,
    form: BookingForm,
    action: &'static str,
}

async fn behalf_page(
    state: &AppState,
    ctx: &super::Ctx,
    values: &HashMap<String, String>,
) -> Result<BehalfPage, AppError> {
    let w = words(ctx.lang);
    let store = crate::exchange::store(state).await?;
    let sessions = coming_sessions(store, ctx.lang).await?;
    let lots: Vec<LotView> = lot_views(state, store, values)
        .await?
        .into_iter()
        .filter(|l| l.available > 0 || values.contains_key(&l.key))
        .collect();
    Ok(BehalfPage {
        l: ctx.layout(w.behalf_title, Nav::Exchange),
        w,
        fw: super::exchange::words(ctx.lang),
        email: String::new(),
        reason: String::new(),
        email_error: None,
        reason_error: None,
        form: BookingForm {
            sessions,
            lots,
            ..BookingForm::default()
        },
        action: "/echange/pour",
    })
}

/// `GET /echange/pour`.
///
/// # Errors
/// When the database cannot be read.
pub async fn behalf_form(
    State(state): State<AppState>,
    Curator { ctx, .. }: Curator,
) -> Result<Response, AppError> {
    render(&behalf_page(&state, &ctx, &HashMap::new()).await?)
}

/// `POST /echange/pour`: books for the farmer with that e-mail address,
/// recording the curator in `made_by`; looking the farmer up is audited
/// with the reason given. Refusals are shown with the form kept.
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be read.
pub async fn behalf(
    State(state): State<AppState>,
    Curator { name, ctx }: Curator,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let posted = PostedBooking::read(pairs);
    ctx.check_csrf(&posted.csrf)?;
    let w = words(ctx.lang);
    let fw = super::exchange::words(ctx.lang);
    let mut page = behalf_page(&state, &ctx, &posted.values).await?;
    page.email = posted
        .other
        .get("email")
        .map(|e| e.trim().to_owned())
        .unwrap_or_default();
    page.reason = posted
        .other
        .get("reason")
        .map(|r| r.trim().to_owned())
        .unwrap_or_default();
    let error_title = format!("{} — {}", ctx.m().error_title, w.behalf_title);
    let mut errors = Vec::new();
    if page.reason.is_empty() || page.reason.chars().count() > 500 {
        page.reason_error = Some(w.err_reason);
        errors.push(("f-reason".to_owned(), w.err_reason.to_owned()));
    }
    let store = crate::exchange::store(&state).await?;
    let farmer = if page.email.is_empty() || page.email.len() > 320 {
        Err(ExchangeError::UnknownFarmer(String::new()))
    } else {
        store.farmer_id(&page.email).await
    };
    let farmer = match farmer {
        Ok(id) => Some(id),
        Err(ExchangeError::UnknownFarmer(_)) => {
            page.email_error = Some(w.err_farmer);
            errors.insert(0, ("f-email".to_owned(), w.err_farmer.to_owned()));
            None
        }
        Err(e) => return Err(AppError::internal(e)),
    };
    let items = posted.items(fw, &mut page.form);
    page.form.errors.splice(0..0, errors);
    let (Some(farmer), Some(items), None) = (farmer, items, page.reason_error) else {
        page.l.title = error_title;
        return render_with(StatusCode::BAD_REQUEST, &page);
    };
    store
        .audit(
            &actor(&name),
            Some(farmer),
            "farmer looked up by e-mail to book on their behalf",
            &page.reason,
        )
        .await
        .map_err(AppError::internal)?;
    let session = posted.session.unwrap_or_default();
    match crate::exchange::book_counted(&state, store, farmer, session, &items, Some(&name)).await {
        Ok(booking) => {
            Ok(Redirect::to(&format!("/echange/gestion?reservee={}", booking.id)).into_response())
        }
        Err(e) => match refusal(ctx.lang, &e, &mut page.form) {
            Some(status) => {
                page.l.title = error_title;
                render_with(status, &page)
            }
            None => Err(AppError::internal(e)),
        },
    }
}

// ------------------------------------------ /echange/sessions/{id}/liste

struct PickRow {
    booking: i64,
    person: Option<String>,
    made_by: Option<String>,
    items: Vec<(String, Option<String>, i64)>,
}

#[derive(Template)]
#[template(path = "echange_liste.html")]
struct PickPage {
    l: Layout,
    w: &'static Words,
    id: i64,
    session: Option<SessionView>,
    rows: Vec<PickRow>,
    totals: Vec<(String, Option<String>, i64)>,
}

/// `GET /echange/sessions/{id}/liste`: who booked what at a session, and
/// the totals per lot, for a curator to prepare and print. Every view is
/// written to the audit log, once per farmer listed.
///
/// # Errors
/// 404 for an unknown session; when the database cannot be read.
pub async fn pick_list(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Curator { name, ctx }: Curator,
) -> Result<Response, AppError> {
    let w = words(ctx.lang);
    let store = crate::exchange::store(&state).await?;
    let entries = match store
        .pick_list(id, &actor(&name), "preparing the session's pick list")
        .await
    {
        Ok(e) => e,
        Err(ExchangeError::UnknownSession(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(AppError::internal(e)),
    };
    let session = store
        .sessions()
        .await
        .map_err(AppError::internal)?
        .iter()
        .find(|s| s.id == id)
        .map(|s| SessionView::new(ctx.lang, s));
    let mut keys: Vec<String> = entries
        .iter()
        .flat_map(|e| e.items.iter().map(|i| i.lot.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let titles = titles(&state, keys.clone()).await?;
    let title = |key: &str| {
        titles
            .get(key)
            .cloned()
            .unwrap_or_else(|| (key.to_owned(), None))
    };
    let mut totals: Vec<(String, Option<String>, i64)> = keys
        .iter()
        .map(|k| {
            let (t, lang) = title(k);
            let sum = entries
                .iter()
                .flat_map(|e| e.items.iter())
                .filter(|i| &i.lot == k)
                .map(|i| i.quantity)
                .sum();
            (t, lang, sum)
        })
        .collect();
    totals.sort_by(|a, b| a.0.cmp(&b.0));
    let rows = entries
        .into_iter()
        .map(|e| PickRow {
            booking: e.booking,
            person: e.farmer,
            made_by: e.made_by,
            items: e
                .items
                .iter()
                .map(|i| {
                    let (t, lang) = title(&i.lot);
                    (t, lang, i.quantity)
                })
                .collect(),
        })
        .collect();
    let mut response = render(&PickPage {
        l: ctx.layout(format!("{} {id}", w.list_title), Nav::Exchange),
        w,
        id,
        session,
        rows,
        totals,
    })?;
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
