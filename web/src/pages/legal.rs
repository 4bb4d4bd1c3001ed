//! The legal pages a French public site must have, linked from every
//! footer: `/accessibilite` (the RGAA accessibility statement),
//! `/mentions-legales` (legal notice) and `/donnees-personnelles` (what
//! personal data the site keeps, why, how long, and your rights). French,
//! or English with `?lang=en`. The operator's facts come from
//! [`crate::config::Operator`].

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use cdl_records::vocabulary::Label;

use super::{Ctx, Layout, Nav, render};
use crate::config::Operator;
use crate::error::AppError;
use crate::state::AppState;

/// The three legal pages: path and title.
pub const PAGES: [(&str, Label); 3] = [
    (
        "/accessibilite",
        Label {
            fr: "Accessibilité : non conforme",
            en: "Accessibility: not compliant",
        },
    ),
    (
        "/mentions-legales",
        Label {
            fr: "Mentions légales",
            en: "Legal notice",
        },
    ),
    (
        "/donnees-personnelles",
        Label {
            fr: "Données personnelles",
            en: "Personal data",
        },
    ),
];

const ACCESSIBILITY_TITLE: Label = Label {
    fr: "Déclaration d’accessibilité",
    en: "Accessibility statement",
};

/// What a legal page shows.
struct Facts {
    operator: Operator,
    contact_href: String,
    site: String,
    session_minutes: u64,
    /// Months after its session before a booking is anonymised.
    retention_months: u32,
}

impl Facts {
    fn new(state: &AppState, site: &super::record::Site) -> Facts {
        Facts {
            operator: state.config.operator.clone(),
            contact_href: state.config.operator.contact_href(),
            site: site.url("/"),
            session_minutes: state.config.session_minutes,
            retention_months: state.config.retention_months,
        }
    }
}

#[derive(Template)]
#[template(path = "accessibilite.html")]
struct Accessibility {
    l: Layout,
    f: Facts,
}

#[derive(Template)]
#[template(path = "mentions_legales.html")]
struct Notice {
    l: Layout,
    f: Facts,
}

#[derive(Template)]
#[template(path = "donnees_personnelles.html")]
struct PersonalData {
    l: Layout,
    f: Facts,
}

/// `GET /accessibilite`.
///
/// # Errors
/// When the page cannot be rendered.
pub async fn accessibility(
    State(state): State<AppState>,
    ctx: Ctx,
    site: super::record::Site,
) -> Result<Response, AppError> {
    render(&Accessibility {
        l: ctx.layout(ACCESSIBILITY_TITLE.get(ctx.lang.into()), Nav::None),
        f: Facts::new(&state, &site),
    })
}

/// `GET /mentions-legales`.
///
/// # Errors
/// When the page cannot be rendered.
pub async fn notice(
    State(state): State<AppState>,
    ctx: Ctx,
    site: super::record::Site,
) -> Result<Response, AppError> {
    render(&Notice {
        l: ctx.layout(PAGES[1].1.get(ctx.lang.into()), Nav::None),
        f: Facts::new(&state, &site),
    })
}

/// `GET /donnees-personnelles`.
///
/// # Errors
/// When the page cannot be rendered.
pub async fn personal_data(
    State(state): State<AppState>,
    ctx: Ctx,
    site: super::record::Site,
) -> Result<Response, AppError> {
    render(&PersonalData {
        l: ctx.layout(PAGES[2].1.get(ctx.lang.into()), Nav::None),
        f: Facts::new(&state, &site),
    })
}
