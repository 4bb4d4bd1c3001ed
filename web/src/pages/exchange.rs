//! The exchange's pages for farmers: log in and out (`/echange/connexion`),
//! the sessions to come and the lots left with the booking form
//! (`/echange`), their bookings with a cancel button
//! (`/echange/reservations`), and their account with API tokens, the
//! export and yearly report of their data and its erasure
//! (`/echange/compte`). Giving a lot is [`super::give`]. Every task works
//! from a plain form, without JavaScript.
//!
//! A farmer's session is a random token in a cookie, stored hashed in the
//! exchange's database (so that several `serve` processes share it), and
//! ends after `session_minutes` without use. The CSRF token of a logged-in
//! farmer is derived from that cookie by a hash, not from a per-process
//! key, so that a form served by one process is accepted by another.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use cdl_exchange::{BookingItem, ExchangeError, Session, Store};
use serde::Deserialize;

use super::{Ctx, Layout, Nav, blocking, render, render_with};
use crate::error::AppError;
use crate::extract::RecordPath;
use crate::i18n::Lang;
use crate::security::{ClientIp, FARMER_COOKIE, account_key, cookie, cookie_name, set_cookie};
use crate::state::AppState;

/// Every word of the exchange's pages, in one language.
#[derive(Debug)]
pub struct Words {
    pub(crate) title: &'static str,
    pub(crate) intro: &'static str,
    pub(crate) sessions_heading: &'static str,
    pub(crate) no_sessions: &'static str,
    pub(crate) session_n: &'static str,
    pub(crate) address: &'static str,
    pub(crate) accessibility: &'static str,
    pub(crate) hours: &'static str,
    pub(crate) places_left: &'static str,
    pub(crate) lots_heading: &'static str,
    pub(crate) no_lots: &'static str,
    pub(crate) lot: &'static str,
    pub(crate) available: &'static str,
    pub(crate) offered: &'static str,
    pub(crate) login_prompt: &'static str,
    pub(crate) login_link: &'static str,
    pub(crate) book_heading: &'static str,
    pub(crate) choose_session: &'static str,
    pub(crate) quantities: &'static str,
    pub(crate) quantities_hint: &'static str,
    pub(crate) available_short: &'static str,
    pub(crate) book_button: &'static str,
    pub(crate) nothing_to_book: &'static str,
    pub(crate) err_session: &'static str,
    pub(crate) err_no_quantity: &'static str,
    pub(crate) err_quantity: &'static str,
    pub(crate) logged_in: &'static str,
    pub(crate) my_bookings: &'static str,
    pub(crate) my_account: &'static str,
    pub(crate) logout: &'static str,
    pub(crate) login_title: &'static str,
    pub(crate) login_intro: &'static str,
    pub(crate) email: &'static str,
    pub(crate) password: &'static str,
    pub(crate) login_button: &'static str,
    pub(crate) login_failed: &'static str,
    pub(crate) curators_elsewhere: &'static str,
    pub(crate) curators_link: &'static str,
    pub(crate) bookings_title: &'static str,
    pub(crate) no_bookings: &'static str,
    pub(crate) booking_n: &'static str,
    pub(crate) made_on: &'static str,
    pub(crate) cancelled_on: &'static str,
    pub(crate) on_behalf: &'static str,
    pub(crate) cancel_button: &'static str,
    pub(crate) started: &'static str,
    pub(crate) booked_ok: &'static str,
    pub(crate) cancelled_ok: &'static str,
    pub(crate) units: &'static str,
    pub(crate) account_title: &'static str,
    pub(crate) details_heading: &'static str,
    pub(crate) name: &'static str,
    pub(crate) contract: &'static str,
    pub(crate) details_note: &'static str,
    pub(crate) tokens_heading: &'static str,
    pub(crate) tokens_intro: &'static str,
    pub(crate) token_n: &'static str,
    pub(crate) created_on: &'static str,
    pub(crate) state: &'static str,
    pub(crate) action: &'static str,
    pub(crate) valid: &'static str,
    pub(crate) revoked_on: &'static str,
    pub(crate) revoke_button: &'static str,
    pub(crate) create_token: &'static str,
    pub(crate) new_token: &'static str,
    pub(crate) no_tokens: &'static str,
    pub(crate) revoked_ok: &'static str,
    pub(crate) data_heading: &'static str,
    pub(crate) data_text: &'static str,
    pub(crate) export_button: &'static str,
    pub(crate) report_year: &'static str,
    pub(crate) report_button: &'static str,
    pub(crate) bad_year: &'static str,
    pub(crate) erase_heading: &'static str,
    pub(crate) erase_text: &'static str,
    pub(crate) erase_confirm: &'static str,
    pub(crate) erase_button: &'static str,
    pub(crate) erase_unconfirmed: &'static str,
    pub(crate) erased: &'static str,
    pub(crate) give_link: &'static str,
    pub(crate) give_title: &'static str,
    pub(crate) give_intro: &'static str,
    pub(crate) give_choose: &'static str,
    pub(crate) give_lot_fieldset: &'static str,
    pub(crate) give_about_fieldset: &'static str,
    pub(crate) give_title_hint: &'static str,
    pub(crate) give_no_parent: &'static str,
    pub(crate) give_licence: &'static str,
    pub(crate) give_too_large: &'static str,
    pub(crate) give_no_id: &'static str,
    pub(crate) show_name_heading: &'static str,
    pub(crate) show_name_label: &'static str,
    pub(crate) show_name_hint: &'static str,
    pub(crate) give_button: &'static str,
}

/// The French words.
pub const FR: Words = Words {
    title: "Échange de semences et de ferments",
    intro: "Les agricultrices et agriculteurs sous contrat avec la Ville réservent ici des lots de semences et de ferments du catalogue, à retirer gratuitement lors d’une séance d’ouverture, hors de tout circuit commercial.",
    sessions_heading: "Prochaines séances d’ouverture",
    no_sessions: "Aucune séance d’ouverture n’est prévue pour l’instant.",
    session_n: "Séance n°",
    address: "Adresse",
    accessibility: "Accessibilité",
    hours: "Horaires du lieu",
    places_left: "Places restantes",
    lots_heading: "Lots à l’échange",
    no_lots: "Aucun lot n’est proposé à l’échange pour l’instant.",
    lot: "Lot",
    available: "Disponible",
    offered: "Proposé en tout",
    login_prompt: "Vous êtes sous contrat avec la Ville ? Connectez-vous pour réserver.",
    login_link: "Se connecter à l’échange",
    book_heading: "Réserver",
    choose_session: "Séance à laquelle vous viendrez",
    quantities: "Quantités à réserver",
    quantities_hint: "Laissez 0 pour les lots que vous ne prenez pas. Les quantités sont dans l’unité de chaque lot.",
    available_short: "disponible :",
    book_button: "Réserver",
    nothing_to_book: "Il faut au moins une séance à venir et un lot disponible pour réserver.",
    err_session: "Choisissez une séance.",
    err_no_quantity: "Indiquez une quantité d’au moins un lot.",
    err_quantity: "Chaque quantité doit être un nombre entier, 0 ou plus.",
    logged_in: "Vous êtes connecté·e à l’échange.",
    my_bookings: "Mes réservations",
    my_account: "Mon compte",
    logout: "Se déconnecter",
    login_title: "Connexion à l’échange",
    login_intro: "Connectez-vous avec l’adresse e-mail et le mot de passe que le Conservatoire vous a remis lors de votre inscription.",
    email: "Adresse e-mail",
    password: "Mot de passe",
    login_button: "Se connecter",
    login_failed: "Adresse e-mail ou mot de passe incorrect. Vérifiez les deux ; en cas d’oubli, demandez un nouveau mot de passe à un curateur du Conservatoire.",
    curators_elsewhere: "Vous êtes curateur ou curatrice ?",
    curators_link: "Connexion des curateurs",
    bookings_title: "Mes réservations",
    no_bookings: "Vous n’avez aucune réservation.",
    booking_n: "Réservation n°",
    made_on: "Faite le",
    cancelled_on: "Annulée le",
    on_behalf: "Faite pour vous par",
    cancel_button: "Annuler la réservation n°",
    started: "La séance a commencé : cette réservation ne peut plus être annulée.",
    booked_ok: "Votre réservation est enregistrée : n°",
    cancelled_ok: "Réservation annulée, les quantités sont rendues : n°",
    units: "unité(s)",
    account_title: "Mon compte",
    details_heading: "Vos coordonnées",
    name: "Nom",
    contract: "Contrat",
    details_note: "Ces informations ne sont visibles que par vous et par les curateurs du Conservatoire ; elles ne paraissent sur aucune page publique.",
    tokens_heading: "Jetons d’accès à l’API",
    tokens_intro: "Un jeton permet à un programme de consulter et de faire vos réservations par l’API (en-tête Authorization: Bearer JETON). Il n’est montré qu’une fois, à sa création ; révoquez-le dès qu’il ne sert plus.",
    token_n: "Jeton n°",
    created_on: "Créé le",
    state: "État",
    action: "Action",
    valid: "valide",
    revoked_on: "révoqué le",
    revoke_button: "Révoquer le jeton n°",
    create_token: "Créer un jeton",
    new_token: "Votre nouveau jeton, à copier maintenant (il ne sera plus montré) :",
    no_tokens: "Vous n’avez aucun jeton.",
    revoked_ok: "Jeton révoqué : n°",
    data_heading: "Vos données",
    data_text: "Téléchargez tout ce que le Conservatoire détient sur vous (un fichier JSON), ou lisez votre rapport annuel en français : ce qui est détenu, chaque usage qui en a été fait dans l’année, combien de temps c’est gardé et comment en demander l’effacement.",
    export_button: "Télécharger mes données (JSON)",
    report_year: "Année du rapport",
    report_button: "Lire mon rapport annuel",
    bad_year: "L’année du rapport doit être un nombre entre 2000 et l’année en cours.",
    erase_heading: "Effacer mon compte",
    erase_text: "L’effacement supprime votre nom, votre adresse électronique, votre contrat, vos jetons et vos connexions. Vos réservations restent, sans rien qui vous désigne, pour que les stocks restent justes. C’est définitif : vous ne pourrez plus vous connecter, et un curateur devra vous inscrire à nouveau.",
    erase_confirm: "Je veux effacer mon compte et mes données, définitivement",
    erase_button: "Effacer mon compte",
    erase_unconfirmed: "Cochez la case de confirmation pour effacer votre compte.",
    erased: "Votre compte et vos données personnelles sont effacés. Vos réservations restent comptées, sans votre nom.",
    give_link: "Donner un lot",
    give_title: "Donner un lot",
    give_intro: "Vous apportez à l’échange un lot de semences ou de ferments ? Décrivez-le ici : il devient une proposition de fiche, relue par un curateur comme toute autre, puis offert aux autres agricultrices et agriculteurs.",
    give_choose: "Que donnez-vous ?",
    give_lot_fieldset: "Le lot",
    give_about_fieldset: "Sa licence et sa présentation",
    give_title_hint: "Laissé vide, le titre est fait du nom, de la variété et de l’année de récolte.",
    give_no_parent: "— aucun, ou un lot qui n’est pas au catalogue —",
    give_licence: "Choisissez une des licences proposées : elles gardent les semences et leurs descendances libres.",
    give_too_large: "Le formulaire est trop long pour faire une fiche : raccourcissez la description.",
    give_no_id: "Une fiche de ce nom vient d’être proposée : envoyez le formulaire à nouveau, ou changez le titre.",
    show_name_heading: "Votre nom",
    show_name_label: "Faire paraître mon nom sur la fiche, comme producteur du lot",
    show_name_hint: "Par défaut, la fiche et son historique ne disent pas qui a donné le lot. Si vous cochez la case, ce nom y paraîtra publiquement, et restera dans l’historique public de la fiche même si vous effacez ensuite votre compte :",
    give_button: "Proposer ce lot",
};

/// The English words.
pub const EN: Words = Words {
    title: "Seed and ferment exchange",
    intro: "Farmers under contract with the City book lots of seeds and ferments of the catalogue here, to take for free at an opening session, outside any commercial circuit.",
    sessions_heading: "Next opening sessions",
    no_sessions: "No opening session is planned yet.",
    session_n: "Session no.",
    address: "Address",
    accessibility: "Accessibility",
    hours: "Opening hours of the place",
    places_left: "Places left",
    lots_heading: "Lots at the exchange",
    no_lots: "No lot is offered at the exchange yet.",
    lot: "Lot",
    available: "Available",
    offered: "Offered in all",
    login_prompt: "Under contract with the City? Log in to book.",
    login_link: "Log in to the exchange",
    book_heading: "Book",
    choose_session: "The session you will come to",
    quantities: "Quantities to book",
    quantities_hint: "Leave 0 for the lots you do not take. Quantities are in each lot's unit.",
    available_short: "available:",
    book_button: "Book",
    nothing_to_book: "Booking needs at least one coming session and one available lot.",
    err_session: "Choose a session.",
    err_no_quantity: "Give a quantity of at least one lot.",
    err_quantity: "Each quantity must be a whole number, 0 or more.",
    logged_in: "You are logged in to the exchange.",
    my_bookings: "My bookings",
    my_account: "My account",
    logout: "Log out",
    login_title: "Log in to the exchange",
    login_intro: "Log in with the e-mail address and password the Conservatoire gave you when you registered.",
    email: "E-mail address",
    password: "Password",
    login_button: "Log in",
    login_failed: "Wrong e-mail address or password. Check both; if you forgot it, ask a curator of the Conservatoire for a new password.",
    curators_elsewhere: "A curator?",
    curators_link: "Curators' login",
    bookings_title: "My bookings",
    no_bookings: "You have no booking.",
    booking_n: "Booking no.",
    made_on: "made on",
    cancelled_on: "Cancelled on",
    on_behalf: "Made for you by",
    cancel_button: "Cancel booking no.",
    started: "The session has started: this booking can no longer be cancelled.",
    booked_ok: "Your booking is recorded: no.",
    cancelled_ok: "Booking cancelled, the quantities are given back: no.",
    units: "unit(s)",
    account_title: "My account",
    details_heading: "Your details",
    name: "Name",
    contract: "Contract",
    details_note: "Only you and the Conservatoire's curators see these details; they appear on no public page.",
    tokens_heading: "API access tokens",
    tokens_intro: "A token lets a program read and make your bookings through the API (header Authorization: Bearer TOKEN). It is shown once, when it is made; revoke it as soon as it is no longer needed.",
    token_n: "Token no.",
    created_on: "Made on",
    state: "State",
    action: "Action",
    valid: "valid",
    revoked_on: "revoked on",
    revoke_button: "Revoke token no.",
    create_token: "Make a token",
    new_token: "Your new token, to copy now (it will not be shown again):",
    no_tokens: "You have no token.",
    revoked_ok: "Token revoked: no.",
    data_heading: "Your data",
    data_text: "Download everything the Conservatoire holds about you (a JSON file), or read your yearly report, in French: what is held, every use made of it in the year, how long it is kept and how to ask for its erasure.",
    export_button: "Download my data (JSON)",
    report_year: "Year of the report",
    report_button: "Read my yearly report",
    bad_year: "The report's year must be a number between 2000 and this year.",
    erase_heading: "Erase my account",
    erase_text: "Erasure deletes your name, e-mail address, contract, tokens and logins. Your bookings stay, with nothing that names you, so that the stock counts hold. It is final: you will no longer be able to log in, and a curator will have to register you again.",
    erase_confirm: "I want to erase my account and my data, for good",
    erase_button: "Erase my account",
    erase_unconfirmed: "Tick the confirmation box to erase your account.",
    erased: "Your account and your personal data are erased. Your bookings stay counted, without your name.",
    give_link: "Give a lot",
    give_title: "Give a lot",
    give_intro: "Are you bringing a lot of seeds or ferments to the exchange? Describe it here: it becomes a proposal for a record, reviewed by a curator like any other, then offered to the other farmers.",
    give_choose: "What are you giving?",
    give_lot_fieldset: "The lot",
    give_about_fieldset: "Its licence and description",
    give_title_hint: "Left empty, the title is made of the name, the variety and the harvest year.",
    give_no_parent: "— none, or a lot that is not in the catalogue —",
    give_licence: "Choose one of the licences offered: they keep the seeds and their descendants free.",
    give_too_large: "The form is too long to make a record: shorten the description.",
    give_no_id: "A record of that name was just proposed: send the form again, or change the title.",
    show_name_heading: "Your name",
    show_name_label: "Show my name on the record, as the lot's grower",
    show_name_hint: "By default, the record and its history do not say who gave the lot. If you tick the box, this name will appear on it publicly, and stay in the record's public history even if you later erase your account:",
    give_button: "Propose this lot",
};

/// The words of `lang`.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

const WEEKDAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The offset of French legal time (Europe/Paris) at Unix second `t`, in
/// hours: 2 from the last Sunday of March to the last Sunday of October
/// (01:00 UTC both, the European rule since 1996), else 1.
pub fn paris_offset(t: i64) -> i8 {
    use jiff::civil::{Weekday, date};
    use jiff::tz::Offset;
    let Ok(ts) = jiff::Timestamp::from_second(t) else {
        return 1;
    };
    let year = Offset::UTC.to_datetime(ts).year();
    let switch = |month: i8| -> Option<i64> {
        let day = date(year, month, 1)
            .nth_weekday_of_month(-1, Weekday::Sunday)
            .ok()?;
        Offset::UTC
            .to_timestamp(day.at(1, 0, 0, 0))
            .ok()
            .map(|t| t.as_second())
    };
    match (switch(3), switch(10)) {
        (Some(start), Some(end)) if t >= start && t < end => 2,
        _ => 1,
    }
}

/// The civil date and time in Paris of Unix second `t`.
fn paris(t: i64) -> Option<jiff::civil::DateTime> {
    let ts = jiff::Timestamp::from_second(t).ok()?;
    Some(jiff::tz::Offset::constant(paris_offset(t)).to_datetime(ts))
}

/// Unix seconds of a civil date and time in Paris.
pub fn from_paris(dt: jiff::civil::DateTime) -> Option<i64> {
    for hours in [2, 1] {
        if let Ok(ts) = jiff::tz::Offset::constant(hours).to_timestamp(dt)
            && paris_offset(ts.as_second()) == hours
        {
            return Some(ts.as_second());
        }
    }
    // A time that does not exist (the spring gap): read as winter time.
    jiff::tz::Offset::constant(1)
        .to_timestamp(dt)
        .ok()
        .map(|t| t.as_second())
}

/// A date and time in words, Paris time: `samedi 14 mars 2026 à 9 h 00`,
/// `Saturday 14 March 2026 at 09:00`.
pub fn when(lang: Lang, t: i64) -> String {
    let Some(dt) = paris(t) else {
        return cdl_exchange::rfc3339(t);
    };
    let weekday = usize::from(dt.weekday().to_monday_zero_offset().unsigned_abs());
    let month = usize::from(dt.month().unsigned_abs()).saturating_sub(1);
    match lang {
        Lang::Fr => {
            let day = if dt.day() == 1 {
                "1er".to_owned()
            } else {
                dt.day().to_string()
            };
            format!(
                "{} {day} {} {} à {} h {:02}",
                WEEKDAYS_FR.get(weekday).unwrap_or(&""),
                MONTHS_FR.get(month).unwrap_or(&""),
                dt.year(),
                dt.hour(),
                dt.minute()
            )
        }
        Lang::En => format!(
            "{} {} {} {} at {:02}:{:02}",
            WEEKDAYS_EN.get(weekday).unwrap_or(&""),
            dt.day(),
            MONTHS_EN.get(month).unwrap_or(&""),
            dt.year(),
            dt.hour(),
            dt.minute()
        ),
    }
}

/// A day in words, Paris time: `14 mars 2026`.
pub fn day(lang: Lang, t: i64) -> String {
    let Some(dt) = paris(t) else {
        return cdl_exchange::rfc3339(t);
    };
    let month = usize::from(dt.month().unsigned_abs()).saturating_sub(1);
    match lang {
        Lang::Fr => format!(
            "{} {} {}",
            if dt.day() == 1 {
                "1er".to_owned()
            } else {
                dt.day().to_string()
            },
            MONTHS_FR.get(month).unwrap_or(&""),
            dt.year()
        ),
        Lang::En => format!(
            "{} {} {}",
            dt.day(),
            MONTHS_EN.get(month).unwrap_or(&""),
            dt.year()
        ),
    }
}

/// Whether `s` has the shape of a farmer's session token (`cdls_` and 64
/// hexadecimal digits).
pub fn is_farmer_token(s: &str) -> bool {
    s.len() == 69 && s.starts_with("cdls_") && s.bytes().skip(5).all(|b| b.is_ascii_hexdigit())
}

/// The CSRF token of a farmer's session: a hash of its secret cookie, the
/// same in every `serve` process.
pub fn farmer_csrf(token: &str) -> String {
    let mut hash = cdl_exchange::hash_token(&format!("cdl-farmer-csrf\0{token}"));
    hash.truncate(32);
    hash
}

/// The idle time after which a farmer's session ends, in seconds.
fn idle_secs(state: &AppState) -> i64 {
    i64::try_from(state.config.session_minutes.saturating_mul(60)).unwrap_or(i64::MAX)
}

/// The farmer's session token in the request's cookies, if well formed.
fn farmer_cookie<'a>(state: &AppState, headers: &'a HeaderMap) -> Option<&'a str> {
    cookie(
        headers,
        cookie_name(FARMER_COOKIE, state.config.secure_cookies),
    )
    .filter(|t| is_farmer_token(t))
}

/// The logged-in farmer of a request, if any.
///
/// # Errors
/// When the database cannot be read.
pub async fn current_farmer(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(i64, String)>, AppError> {
    let Some(token) = farmer_cookie(state, headers) else {
        return Ok(None);
    };
    let store = crate::exchange::store(state).await?;
    let farmer = store
        .farmer_session(token, idle_secs(state))
        .await
        .map_err(AppError::internal)?;
    Ok(farmer.map(|f| (f, token.to_owned())))
}

/// A logged-in farmer, with the request's context. Visitors without a
/// farmer session are sent to `/echange/connexion` before the handler runs.
#[derive(Debug)]
pub struct Farmer {
    /// The farmer's id.
    pub id: i64,
    /// Their session token.
    pub token: String,
    /// The request's context.
    pub ctx: Ctx,
}

impl FromRequestParts<AppState> for Farmer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match current_farmer(state, &parts.headers).await {
            Ok(Some((id, token))) => Ok(Farmer { id, token, ctx }),
            Ok(None) => Err(Redirect::to(LOGIN).into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The login page's address.
pub const LOGIN: &str = "/echange/connexion";

/// The bar of a logged-in farmer: their pages and the logout button.
#[derive(Debug, Clone)]
pub struct FarmerBar {
    /// Which of the farmer's pages this is (`exchange`, `bookings`,
    /// `give`, `account`), for `aria-current`.
    pub current: &'static str,
}

impl FarmerBar {
    /// `aria-current` of a link of the bar.
    pub fn aria(&self, page: &str) -> &'static str {
        if self.current == page {
            "page"
        } else {
            "false"
        }
    }
}

/// A coming session, as the pages show it.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// Its id.
    pub id: i64,
    /// The place's name.
    pub place: String,
    /// Its address, accessibility and opening hours (empty when unknown).
    pub address: String,
    /// How to reach it.
    pub accessibility: String,
    /// When the place is open.
    pub hours: String,
    /// When it starts, in words.
    pub when: String,
    /// When it starts, RFC 3339, for `<time datetime>`.
    pub datetime: String,
    /// Places left.
    pub remaining: i64,
    /// Checked in the booking form.
    pub checked: bool,
}

impl SessionView {
    pub(crate) fn new(lang: Lang, s: &Session) -> SessionView {
        let t = cdl_exchange::parse_rfc3339(&s.starts).unwrap_or(0);
        SessionView {
            id: s.id,
            place: s.place.name.clone(),
            address: s.place.address.clone(),
            accessibility: s.place.accessibility.clone(),
            hours: s.place.opening_hours.clone(),
            when: when(lang, t),
            datetime: s.starts.clone(),
            remaining: s.remaining,
            checked: false,
        }
    }
}

/// A lot of the exchange, as the pages show it.
#[derive(Debug, Clone)]
pub struct LotView {
    /// `seed-lot/ID`.
    pub key: String,
    /// The record's title (its id when it cannot be read).
    pub title: String,
    /// The language of the title when it is not French.
    pub title_lang: Option<String>,
    /// The record's page.
    pub href: String,
    /// What is left.
    pub available: i64,
    /// What the record offers.
    pub offered: i64,
    /// The quantity typed in the booking form.
    pub value: String,
    /// The form field's id.
    pub field: String,
    /// The error of that field, if any.
    pub error: Option<String>,
}

/// The sessions to come (soonest first) of the store.
///
/// # Errors
/// On a database error.
pub async fn coming_sessions(store: &Store, lang: Lang) -> Result<Vec<SessionView>, AppError> {
    let now = cdl_exchange::now();
    Ok(store
        .sessions()
        .await
        .map_err(AppError::internal)?
        .iter()
        .filter(|s| cdl_exchange::parse_rfc3339(&s.starts).is_ok_and(|t| t > now))
        .map(|s| SessionView::new(lang, s))
        .collect())
}

/// The titles (and their language when not French) of the records
/// `keys` (`seed-lot/ID`), read from `main`.
///
/// # Errors
/// When the blocking task fails.
pub async fn titles(
    state: &AppState,
    keys: Vec<String>,
) -> Result<HashMap<String, (String, Option<String>)>, AppError> {
    let st = state.clone();
    blocking(move || {
        let mut out = HashMap::new();
        for key in keys {
            let Some((kind, id)) = key.split_once('/') else {
                continue;
            };
            let Ok(path) = RecordPath::parse(kind, id) else {
                continue;
            };
            if let Ok(cdl_registry::RecordState::Present(record)) =
                st.registry.record(&path.key, None)
            {
                let lang = crate::view::title_lang(&record);
                let lang = (!lang.starts_with("fr")).then(|| lang.to_owned());
                out.insert(key, (record.title.clone(), lang));
            }
        }
        out
    })
    .await
}

/// Every lot of the exchange with its title, those with something left
/// first. `values` are the quantities typed in the form.
///
/// # Errors
/// On a database error.
pub async fn lot_views(
    state: &AppState,
    store: &Store,
    values: &HashMap<String, String>,
) -> Result<Vec<LotView>, AppError> {
    let lots = store.lots().await.map_err(AppError::internal)?;
    let lots: Vec<_> = lots.into_iter().filter(|l| l.offered > 0).collect();
    let titles = titles(state, lots.iter().map(|l| l.lot.clone()).collect()).await?;
    let mut out: Vec<LotView> = lots
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let (title, title_lang) = titles
                .get(&l.lot)
                .cloned()
                .unwrap_or_else(|| (l.lot.clone(), None));
            LotView {
                href: format!("/records/{}", l.lot),
                value: values.get(&l.lot).cloned().unwrap_or_else(|| "0".into()),
                field: format!("f-lot-{i}"),
                error: None,
                key: l.lot,
                title,
                title_lang,
                available: l.available,
                offered: l.offered,
            }
        })
        .collect();
    out.sort_by_key(|l| l.available == 0);
    Ok(out)
}

/// The booking form's state: the sessions and lots offered, what was
/// typed, and the errors.
#[derive(Debug, Clone, Default)]
pub struct BookingForm {
    /// The sessions to come.
    pub sessions: Vec<SessionView>,
    /// The lots with something left (and those typed in).
    pub lots: Vec<LotView>,
    /// The error of the session choice.
    pub session_error: Option<String>,
    /// Every error, for the summary: (field id, message).
    pub errors: Vec<(String, String)>,
}

impl BookingForm {
    /// Whether there is something to book at all.
    pub fn possible(&self) -> bool {
        !self.sessions.is_empty() && self.lots.iter().any(|l| l.available > 0)
    }
}

/// A posted booking form: the session and the quantities per lot.
#[derive(Debug, Default)]
pub struct PostedBooking {
    /// The CSRF token.
    pub csrf: String,
    /// The chosen session, if any.
    pub session: Option<i64>,
    /// Every `lot:KEY` field, as typed.
    pub values: HashMap<String, String>,
    /// The other fields (e-mail, reason of the curators' form).
    pub other: HashMap<String, String>,
}

impl PostedBooking {
    /// Reads the form's pairs.
    pub fn read(pairs: Vec<(String, String)>) -> PostedBooking {
        let mut out = PostedBooking::default();
        for (k, v) in pairs {
            if k == "csrf" {
                out.csrf = v;
            } else if k == "session" {
                out.session = v.trim().parse().ok();
            } else if let Some(lot) = k.strip_prefix("lot:") {
                if out.values.len() < 200 {
                    out.values.insert(lot.to_owned(), v.trim().to_owned());
                }
            } else {
                out.other.insert(k, v);
            }
        }
        out
    }

    /// The items asked (quantities above 0), or the form's errors.
    pub fn items(&self, w: &Words, form: &mut BookingForm) -> Option<Vec<BookingItem>> {
        let mut items = Vec::new();
        let mut bad = false;
        for lot in &mut form.lots {
            match lot.value.parse::<i64>() {
                Ok(0) => {}
                Ok(n) if n > 0 => items.push(BookingItem {
                    lot: lot.key.clone(),
                    quantity: n,
                }),
                _ => {
                    bad = true;
                    lot.error = Some(w.err_quantity.to_owned());
                    form.errors
                        .push((lot.field.clone(), w.err_quantity.to_owned()));
                }
            }
        }
        let first_session = form
            .sessions
            .first()
            .map_or_else(|| "f-session".to_owned(), |s| format!("f-session-{}", s.id));
        match self.session {
            Some(id) if form.sessions.iter().any(|s| s.id == id) => {
                for s in &mut form.sessions {
                    s.checked = s.id == id;
                }
            }
            _ => {
                form.session_error = Some(w.err_session.to_owned());
                form.errors.push((first_session, w.err_session.to_owned()));
                bad = true;
            }
        }
        if items.is_empty() && !bad {
            let field = form
                .lots
                .first()
                .map_or_else(String::new, |l| l.field.clone());
            form.errors.push((field, w.err_no_quantity.to_owned()));
            bad = true;
        }
        (!bad).then_some(items)
    }
}

/// A refused booking in words, with the field it concerns and the status
/// of the page that says it; `None` for an internal error.
pub fn refusal(lang: Lang, e: &ExchangeError, form: &mut BookingForm) -> Option<StatusCode> {
    let fr = lang == Lang::Fr;
    let lot_field = |form: &mut BookingForm, key: &str, message: String| {
        let field = match form.lots.iter_mut().find(|l| l.key == key) {
            Some(l) => {
                l.error = Some(message.clone());
                l.field.clone()
            }
            None => String::new(),
        };
        form.errors.push((field, message));
    };
    let session_field = |form: &mut BookingForm, message: String| {
        let field = form
            .sessions
            .iter()
            .find(|s| s.checked)
            .or(form.sessions.first())
            .map_or_else(String::new, |s| format!("f-session-{}", s.id));
        form.session_error = Some(message.clone());
        form.errors.push((field, message));
    };
    let status = match e {
        ExchangeError::LotShort {
            lot,
            requested,
            available,
        } => {
            let title = form
                .lots
                .iter()
                .find(|l| &l.key == lot)
                .map_or_else(|| lot.clone(), |l| l.title.clone());
            let message = if fr {
                format!(
                    "Quantité insuffisante pour « {title} » : il en reste {available}, vous en demandez {requested}."
                )
            } else {
                format!("Not enough of “{title}”: {available} left, you ask for {requested}.")
            };
            lot_field(form, lot, message);
            StatusCode::CONFLICT
        }
        ExchangeError::SessionFull { .. } => {
            session_field(
                form,
                if fr {
                    "Cette séance est complète : choisissez-en une autre.".into()
                } else {
                    "This session is full: choose another one.".into()
                },
            );
            StatusCode::CONFLICT
        }
        ExchangeError::SessionStarted(_) => {
            session_field(
                form,
                if fr {
                    "Cette séance a commencé : on ne peut plus y réserver.".into()
                } else {
                    "This session has started: it takes no more bookings.".into()
                },
            );
            StatusCode::CONFLICT
        }
        ExchangeError::UnknownSession(_) => {
            session_field(
                form,
                if fr {
                    "Cette séance n’existe pas : choisissez-en une de la liste.".into()
                } else {
                    "This session does not exist: choose one of the list.".into()
                },
            );
            StatusCode::BAD_REQUEST
        }
        ExchangeError::UnknownLot(lot) => {
            let message = if fr {
                format!("Le lot {lot} n’est pas proposé à l’échange.")
            } else {
                format!("The lot {lot} is not offered at the exchange.")
            };
            lot_field(form, lot, message);
            StatusCode::BAD_REQUEST
        }
        ExchangeError::Invalid(m) => {
            let field = form
                .lots
                .first()
                .map_or_else(String::new, |l| l.field.clone());
            form.errors.push((
                field,
                if fr {
                    format!("Réservation invalide : {m}")
                } else {
                    format!("Invalid booking: {m}")
                },
            ));
            StatusCode::BAD_REQUEST
        }
        _ => return None,
    };
    Some(status)
}

// ---------------------------------------------------------------- login

#[derive(Template)]
#[template(path = "echange_connexion.html")]
struct LoginPage {
    l: Layout,
    w: &'static Words,
    failed: bool,
    email: String,
}

/// `GET /echange/connexion`.
///
/// # Errors
/// When rendering fails.
pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
) -> Result<Response, AppError> {
    if current_farmer(&state, &headers).await?.is_some() {
        return Ok(Redirect::to("/echange").into_response());
    }
    let w = words(ctx.lang);
    render(&LoginPage {
        l: ctx.layout(w.login_title, Nav::Exchange),
        w,
        failed: false,
        email: String::new(),
    })
}

/// The farmers' login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /echange/connexion`: checks the password (argon2) and opens a
/// session in the database. Failed attempts are limited per client
/// address and per account (a burst of 5, then `logins_per_hour`), as the
/// curators' are; the answer never says whether the address exists.
///
/// # Errors
/// 403 without a valid CSRF token; 429 after too many attempts.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&form.csrf)?;
    let account = format!("farmer:{}", account_key(&form.email));
    let limited = |retry_after| {
        state.metrics.rate_limited();
        AppError::TooManyRequests { retry_after }
    };
    state.login_limiter.check(ip).map_err(limited)?;
    if let Err(retry_after) = state.account_limiter.check(account.clone()) {
        state.login_limiter.refund(&ip);
        return Err(limited(retry_after));
    }
    let store = crate::exchange::store(&state).await?;
    let email = form.email.trim().to_owned();
    let found = if email.is_empty() || email.len() > 320 || form.password.len() > 1024 {
        None
    } else {
        store
            .login(&email, &form.password)
            .await
            .map_err(AppError::internal)?
    };
    let Some(farmer) = found else {
        let w = words(ctx.lang);
        return render_with(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                l: ctx.layout(
                    format!("{} — {}", ctx.m().error_title, w.login_title),
                    Nav::Exchange,
                ),
                w,
                failed: true,
                email,
            },
        );
    };
    state.login_limiter.refund(&ip);
    state.account_limiter.forget(&account);
    let token = store
        .open_farmer_session(farmer, idle_secs(&state))
        .await
        .map_err(AppError::internal)?;
    let secure = state.config.secure_cookies;
    let cookie = set_cookie(cookie_name(FARMER_COOKIE, secure), &token, secure, None);
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to("/echange"),
    )
        .into_response())
}

/// A form with only a CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /echange/deconnexion`: ends the session (in the database, for
/// every process) and clears the cookie.
///
/// # Errors
/// 403 without a valid CSRF token.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&form.csrf)?;
    if let Some(token) = farmer_cookie(&state, &headers) {
        let store = crate::exchange::store(&state).await?;
        store
            .close_farmer_session(token)
            .await
            .map_err(AppError::internal)?;
    }
    let secure = state.config.secure_cookies;
    let cookie = set_cookie(cookie_name(FARMER_COOKIE, secure), "", secure, Some(0));
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/echange")).into_response())
}

// ------------------------------------------------------------- /echange

#[derive(Template)]
#[template(path = "echange.html")]
struct ExchangePage {
    l: Layout,
    w: &'static Words,
    /// The same words, under the name the booking form's fields use.
    fw: &'static Words,
    /// The bar when a farmer is logged in (then the booking form shows).
    bar: Option<FarmerBar>,
    sessions: Vec<SessionView>,
    lots: Vec<LotView>,
    form: BookingForm,
    action: &'static str,
}

async fn exchange_page(
    state: &AppState,
    ctx: &Ctx,
    logged_in: bool,
    values: &HashMap<String, String>,
) -> Result<ExchangePage, AppError> {
    let w = words(ctx.lang);
    let store = crate::exchange::store(state).await?;
    let sessions = coming_sessions(store, ctx.lang).await?;
    let lots = lot_views(state, store, values).await?;
    let form = BookingForm {
        sessions: sessions.clone(),
        lots: lots
            .iter()
            .filter(|l| l.available > 0 || values.contains_key(&l.key))
            .cloned()
            .collect(),
        ..BookingForm::default()
    };
    Ok(ExchangePage {
        l: ctx.layout(w.title, Nav::Exchange),
        w,
        fw: w,
        bar: logged_in.then_some(FarmerBar {
            current: "exchange",
        }),
        sessions,
        lots,
        form,
        action: "/echange/reserver",
    })
}

/// `GET /echange`: the sessions to come and the lots left, for everyone;
/// the booking form for a logged-in farmer. No personal data.
///
/// # Errors
/// When the database cannot be read.
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let logged_in = current_farmer(&state, &headers).await?.is_some();
    render(&exchange_page(&state, &ctx, logged_in, &HashMap::new()).await?)
}

/// `POST /echange/reserver`: books for the logged-in farmer; a refusal is
/// shown on the page with the form kept (409 or 400), a success leads to
/// their bookings.
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be read.
pub async fn book(
    State(state): State<AppState>,
    farmer: Farmer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let ctx = &farmer.ctx;
    let posted = PostedBooking::read(pairs);
    ctx.check_csrf(&posted.csrf)?;
    let w = words(ctx.lang);
    let mut page = exchange_page(&state, ctx, true, &posted.values).await?;
    let Some(items) = posted.items(w, &mut page.form) else {
        page.l.title = format!("{} — {}", ctx.m().error_title, w.title);
        return render_with(StatusCode::BAD_REQUEST, &page);
    };
    let store = crate::exchange::store(&state).await?;
    let session = posted.session.unwrap_or_default();
    match crate::exchange::book_counted(&state, store, farmer.id, session, &items, None).await {
        Ok(booking) => Ok(
            Redirect::to(&format!("/echange/reservations?reservee={}", booking.id)).into_response(),
        ),
        Err(e) => match refusal(ctx.lang, &e, &mut page.form) {
            Some(status) => {
                page.l.title = format!("{} — {}", ctx.m().error_title, w.title);
                render_with(status, &page)
            }
            None => Err(AppError::internal(e)),
        },
    }
}

// ------------------------------------------------- /echange/reservations

/// One booking on the farmer's page.
struct BookingView {
    id: i64,
    made: String,
    cancelled: Option<String>,
    made_by: Option<String>,
    session: Option<SessionView>,
    items: Vec<(String, Option<String>, i64)>,
    /// Still cancellable: active and its session not started.
    cancellable: bool,
    started: bool,
}

#[derive(Template)]
#[template(path = "echange_reservations.html")]
struct BookingsPage {
    l: Layout,
    w: &'static Words,
    bar: Option<FarmerBar>,
    notice: Option<String>,
    error: Option<String>,
    bookings: Vec<BookingView>,
}

/// What the bookings page says on arrival: `?reservee=ID`, `?annulee=ID`.
#[derive(Debug, Deserialize)]
pub struct BookingsQuery {
    #[serde(default)]
    reservee: Option<i64>,
    #[serde(default)]
    annulee: Option<i64>,
}

async fn bookings_page(
    state: &AppState,
    farmer: &Farmer,
    notice: Option<String>,
    error: Option<String>,
) -> Result<BookingsPage, AppError> {
    let lang = farmer.ctx.lang;
    let w = words(lang);
    let store = crate::exchange::store(state).await?;
    let bookings = store
        .bookings_of(farmer.id)
        .await
        .map_err(AppError::internal)?;
    let sessions: HashMap<i64, Session> = store
        .sessions()
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut keys: Vec<String> = bookings
        .iter()
        .flat_map(|b| b.items.iter().map(|i| i.lot.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let titles = titles(state, keys).await?;
    let now = cdl_exchange::now();
    let views = bookings
        .into_iter()
        .map(|b| {
            let session = sessions.get(&b.session);
            let starts = session
                .and_then(|s| cdl_exchange::parse_rfc3339(&s.starts).ok())
                .unwrap_or(0);
            let started = starts <= now;
            BookingView {
                id: b.id,
                made: cdl_exchange::parse_rfc3339(&b.created)
                    .map(|t| day(lang, t))
                    .unwrap_or_default(),
                cancelled: b
                    .cancelled
                    .as_deref()
                    .and_then(|c| cdl_exchange::parse_rfc3339(c).ok())
                    .map(|t| day(lang, t)),
                cancellable: b.cancelled.is_none() && !started,
                started: b.cancelled.is_none() && started,
                made_by: b.made_by,
                session: session.map(|s| SessionView::new(lang, s)),
                items: b
                    .items
                    .into_iter()
                    .map(|i| {
                        let (title, title_lang) =
                            titles.get(&i.lot).cloned().unwrap_or((i.lot, None));
                        (title, title_lang, i.quantity)
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(BookingsPage {
        l: farmer.ctx.layout(w.bookings_title, Nav::Exchange),
        w,
        bar: Some(FarmerBar {
            current: "bookings",
        }),
        notice,
        error,
        bookings: views,
    })
}

/// `GET /echange/reservations`: the farmer's bookings, newest first, each
/// with a cancel button until its session starts.
///
/// # Errors
/// When the database cannot be read.
pub async fn bookings(
    State(state): State<AppState>,
    Query(query): Query<BookingsQuery>,
    farmer: Farmer,
) -> Result<Response, AppError> {
    let w = words(farmer.ctx.lang);
    let notice = match (query.reservee, query.annulee) {
        (Some(id), _) => Some(format!("{} {id}.", w.booked_ok)),
        (None, Some(id)) => Some(format!("{} {id}.", w.cancelled_ok)),
        (None, None) => None,
    };
    render(&bookings_page(&state, &farmer, notice, None).await?)
}

/// `POST /echange/reservations/{id}/annuler`: cancels one of the farmer's
/// bookings before its session starts; the quantities are given back.
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be read.
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    farmer: Farmer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    farmer.ctx.check_csrf(&form.csrf)?;
    let store = crate::exchange::store(&state).await?;
    let fr = farmer.ctx.lang == Lang::Fr;
    let (status, message) = match crate::exchange::cancel_counted(&state, store, farmer.id, id)
        .await
    {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/echange/reservations?annulee={id}")).into_response());
        }
        Err(ExchangeError::UnknownBooking(_)) => (
            StatusCode::NOT_FOUND,
            if fr {
                format!("Vous n’avez pas de réservation n° {id}.")
            } else {
                format!("You have no booking no. {id}.")
            },
        ),
        Err(ExchangeError::AlreadyCancelled(_)) => (
            StatusCode::CONFLICT,
            if fr {
                format!("La réservation n° {id} est déjà annulée.")
            } else {
                format!("Booking no. {id} is already cancelled.")
            },
        ),
        Err(ExchangeError::SessionStarted(_)) => (
            StatusCode::CONFLICT,
            if fr {
                format!(
                    "La séance de la réservation n° {id} a commencé : elle ne peut plus être annulée."
                )
            } else {
                format!(
                    "The session of booking no. {id} has started: it can no longer be cancelled."
                )
            },
        ),
        Err(e) => return Err(AppError::internal(e)),
    };
    let mut page = bookings_page(&state, &farmer, None, Some(message)).await?;
    page.l.title = format!("{} — {}", farmer.ctx.m().error_title, page.l.title);
    render_with(status, &page)
}

// ------------------------------------------------------ /echange/compte

/// One API token on the account page.
struct TokenView {
    id: i64,
    created: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "echange_compte.html")]
struct AccountPage {
    l: Layout,
    w: &'static Words,
    bar: Option<FarmerBar>,
    name: String,
    email: String,
    contract: String,
    tokens: Vec<TokenView>,
    /// A token just made, shown this once.
    new_token: Option<String>,
    notice: Option<String>,
    /// The year the report form proposes: this year.
    year: u16,
    /// A problem with the data forms, shown next to them.
    data_error: Option<&'static str>,
}

async fn account_page(
    state: &AppState,
    farmer: &Farmer,
    new_token: Option<String>,
    notice: Option<String>,
) -> Result<AccountPage, AppError> {
    let lang = farmer.ctx.lang;
    let w = words(lang);
    let store = crate::exchange::store(state).await?;
    let account = store
        .farmer_account(farmer.id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let tokens = store
        .tokens_of(farmer.id)
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            created: day(lang, t.created),
            revoked: t.revoked.map(|r| day(lang, r)),
        })
        .collect();
    Ok(AccountPage {
        l: farmer.ctx.layout(w.account_title, Nav::Exchange),
        w,
        bar: Some(FarmerBar { current: "account" }),
        name: account.name,
        email: account.email,
        contract: account.contract,
        tokens,
        new_token,
        notice,
        year: this_year(),
        data_error: None,
    })
}

/// This year (UTC), for the report's default and its upper bound.
fn this_year() -> u16 {
    crate::proposals::today().map_or(2026, cdl_records::values::Date::year)
}

/// `GET /echange/compte`: the farmer's details (shown to them only) and
/// API tokens, with room for the export of their data.
///
/// # Errors
/// When the database cannot be read.
pub async fn account(State(state): State<AppState>, farmer: Farmer) -> Result<Response, AppError> {
    render(&account_page(&state, &farmer, None, None).await?)
}

/// Why the farmer's own actions on their account page are audited (the
/// actor is [`cdl_exchange::FARMER_ACTOR`]; the report says both in
/// French).
const SELF: &str = "farmer's request";

/// `POST /echange/compte/jetons`: makes an API token and shows it once
/// (the answer is the page itself, never a redirect to an address that
/// could show it again).
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be written.
pub async fn new_token(
    State(state): State<AppState>,
    farmer: Farmer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    farmer.ctx.check_csrf(&form.csrf)?;
    let store = crate::exchange::store(&state).await?;
    let token = store
        .new_token_of(farmer.id, cdl_exchange::FARMER_ACTOR)
        .await
        .map_err(AppError::internal)?;
    Ok(no_store(render(
        &account_page(&state, &farmer, Some(token), None).await?,
    )?))
}

/// `POST /echange/compte/jetons/{id}/revoquer`: revokes one of the
/// farmer's tokens; the API refuses it from then on.
///
/// # Errors
/// 403 without a valid CSRF token; 404 for a token that is not theirs or
/// already revoked.
pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    farmer: Farmer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    farmer.ctx.check_csrf(&form.csrf)?;
    let store = crate::exchange::store(&state).await?;
    if !store
        .revoke_token(farmer.id, id, cdl_exchange::FARMER_ACTOR)
        .await
        .map_err(AppError::internal)?
    {
        return Err(AppError::NotFound);
    }
    let w = words(farmer.ctx.lang);
    render(
        &account_page(
            &state,
            &farmer,
            None,
            Some(format!("{} {id}.", w.revoked_ok)),
        )
        .await?,
    )
}

/// A response the browser must not keep: personal data.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// `POST /echange/compte/donnees`: everything held about the farmer, as
/// the JSON file `privacy export` prints; the export is audited.
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be read.
pub async fn export(
    State(state): State<AppState>,
    farmer: Farmer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    farmer.ctx.check_csrf(&form.csrf)?;
    let store = crate::exchange::store(&state).await?;
    let data = store
        .export(farmer.id, cdl_exchange::FARMER_ACTOR, SELF)
        .await
        .map_err(AppError::internal)?;
    let body = serde_json::to_vec_pretty(&data).map_err(AppError::internal)?;
    Ok(no_store(
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mes-donnees-conservatoire.json\"",
                ),
            ],
            body,
        )
            .into_response(),
    ))
}

/// The account page again, 400, with `message` in its data section.
async fn data_refused(
    state: &AppState,
    farmer: &Farmer,
    message: &'static str,
) -> Result<Response, AppError> {
    let mut page = account_page(state, farmer, None, None).await?;
    page.data_error = Some(message);
    page.l.title = format!("{} — {}", farmer.ctx.m().error_title, page.l.title);
    render_with(StatusCode::BAD_REQUEST, &page)
}

/// The report form.
#[derive(Debug, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    year: String,
}

/// `POST /echange/compte/rapport`: the farmer's yearly report for the
/// year asked, in plain French (the text `privacy report` writes), shown
/// in the browser; the read is audited.
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be read.
pub async fn report(
    State(state): State<AppState>,
    farmer: Farmer,
    Form(form): Form<ReportForm>,
) -> Result<Response, AppError> {
    farmer.ctx.check_csrf(&form.csrf)?;
    let year = form
        .year
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|y| (2000..=this_year()).contains(y));
    let Some(year) = year else {
        return data_refused(&state, &farmer, words(farmer.ctx.lang).bad_year).await;
    };
    let store = crate::exchange::store(&state).await?;
    let text = store
        .report(
            farmer.id,
            i32::from(year),
            &state.config.report_settings(),
            cdl_exchange::FARMER_ACTOR,
            SELF,
        )
        .await
        .map_err(AppError::internal)?;
    Ok(no_store(
        (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CONTENT_LANGUAGE, "fr"),
            ],
            text,
        )
            .into_response(),
    ))
}

/// The erasure form.
#[derive(Debug, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /echange/compte/effacer`: erases the farmer's account and
/// personal data, as `privacy erase` does (their bookings stay,
/// anonymised), once they tick the confirmation; their sessions end with
/// it and the cookie is cleared.
///
/// # Errors
/// 403 without a valid CSRF token; when the database cannot be written.
pub async fn erase(
    State(state): State<AppState>,
    farmer: Farmer,
    Form(form): Form<EraseForm>,
) -> Result<Response, AppError> {
    farmer.ctx.check_csrf(&form.csrf)?;
    let w = words(farmer.ctx.lang);
    if form.confirm != "oui" {
        return data_refused(&state, &farmer, w.erase_unconfirmed).await;
    }
    let store = crate::exchange::store(&state).await?;
    store
        .erase(farmer.id, cdl_exchange::FARMER_ACTOR, SELF)
        .await
        .map_err(AppError::internal)?;
    let secure = state.config.secure_cookies;
    let cookie = set_cookie(cookie_name(FARMER_COOKIE, secure), "", secure, Some(0));
    let page = ErasedPage {
        l: farmer.ctx.layout(w.erase_heading, Nav::Exchange),
        w,
    };
    let response = render(&page)?;
    Ok(no_store(
        ([(header::SET_COOKIE, cookie)], response).into_response(),
    ))
}

#[derive(Template)]
#[template(path = "echange_efface.html")]
struct ErasedPage {
    l: Layout,
    w: &'static Words,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_follows_the_european_rule() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let t = |s: &str| cdl_exchange::parse_rfc3339(s).unwrap();
        assert_eq!(paris_offset(t("2026-03-29T00:59:59Z")), 1);
        assert_eq!(paris_offset(t("2026-03-29T01:00:00Z")), 2);
        assert_eq!(paris_offset(t("2026-10-25T00:59:59Z")), 2);
        assert_eq!(paris_offset(t("2026-10-25T01:00:00Z")), 1);
        assert_eq!(
            when(Lang::Fr, t("2026-03-14T08:00:00Z")),
            "samedi 14 mars 2026 à 9 h 00"
        );
        assert_eq!(
            when(Lang::Fr, t("2026-06-01T07:30:00Z")),
            "lundi 1er juin 2026 à 9 h 30"
        );
        assert_eq!(
            when(Lang::En, t("2026-06-01T07:30:00Z")),
            "Monday 1 June 2026 at 09:30"
        );
        let summer = jiff::civil::date(2026, 6, 1).at(9, 30, 0, 0);
        assert_eq!(from_paris(summer), Some(t("2026-06-01T07:30:00Z")));
        let winter = jiff::civil::date(2026, 12, 1).at(9, 30, 0, 0);
        assert_eq!(from_paris(winter), Some(t("2026-12-01T08:30:00Z")));
    }

    #[test]
    fn farmer_tokens_and_their_csrf() {
        let token = format!("cdls_{}", "ab".repeat(32));
        assert!(is_farmer_token(&token));
        assert!(!is_farmer_token("cdls_xyz"));
        assert!(!is_farmer_token(&token.replace("cdls_", "cdlx_")));
        let csrf = farmer_csrf(&token);
        assert!(crate::security::is_token(&csrf));
        assert_eq!(csrf, farmer_csrf(&token));
        assert_ne!(csrf, farmer_csrf(&format!("cdls_{}", "cd".repeat(32))));
    }
}
