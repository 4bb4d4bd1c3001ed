//! `/echange/donner`: a farmer gives a lot they bring to the exchange. The
//! form is the record format's own (the fields of a `seed-lot` or a
//! `ferment-lot`, from [`crate::form`]), cut to what a farmer knows:
//! the lot's own fields, the parent lot chosen among the catalogue's
//! lots of the same kind, a licence chosen among the seed commons
//! licences accepted for the kind, and a description. The title and the
//! id are made from the species, variety and harvest year when left
//! empty, and the id never takes one the catalogue or an open proposal
//! already uses: a gift is always a new record. It becomes a proposal,
//! reviewed like any other.
//!
//! The farmer's name appears on the record (as a contributor, and as the
//! proposal's author) only when they tick the box; by default the record
//! and its history say nothing of who gave it, and nothing about the gift
//! is kept in the exchange's database.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cdl_records::id::MAX_ID_LEN;
use cdl_records::{Contributor, Kind, RecordId};
use cdl_registry::{ProposalStatus, RecordKey, RecordState};

use super::exchange::{Farmer, FarmerBar, Words, titles, words};
use super::propose::{FieldError, FieldView, Opt, Texts, evaluate, field_view, texts, titled};
use super::{Layout, Nav, blocking, render, render_with};
use crate::error::AppError;
use crate::extract::KindPath;
use crate::form::{self, OTHER};
use crate::i18n::Lang;
use crate::proposals::{ANONYMOUS, Refused, create, off_thread, rate_limit};
use crate::security::ClientIp;
use crate::state::AppState;

/// The kinds a farmer can give.
pub const GIVEN: [Kind; 2] = [Kind::SeedLot, Kind::FermentLot];

/// The form field of the choice to show one's name.
const SHOW_NAME: &str = "show_name";

/// The role of a farmer named on the lot they gave.
const GROWER: &str = "grower";

/// The proposal's message, which becomes the record's public history: in
/// French, the catalogue's language, whatever the page's; it names no one.
const GIFT_MESSAGE: &str = "Lot donné à l’échange par une personne sous contrat avec la Ville";

/// The most ids tried after the one made from the title (`-2`, `-3`...).
const MAX_SUFFIX: u32 = 500;

#[derive(Template)]
#[template(path = "echange_donner_choix.html")]
struct ChoosePage {
    l: Layout,
    w: &'static Words,
    bar: Option<FarmerBar>,
    kinds: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "echange_donner.html")]
struct GivePage {
    l: Layout,
    w: &'static Words,
    bar: Option<FarmerBar>,
    kind: &'static str,
    kind_label: &'static str,
    errors: Vec<(String, FieldError)>,
    lot: Vec<FieldView>,
    about: Vec<FieldView>,
    show_name: bool,
    /// The farmer's name, for the choice to show it.
    name: String,
    /// The form's texts (the licence field's).
    x: &'static Texts,
}

/// `GET /echange/donner`: what a farmer can give.
///
/// # Errors
/// When rendering fails.
pub async fn choose(farmer: Farmer) -> Result<Response, AppError> {
    let lang = farmer.ctx.lang;
    let w = words(lang);
    render(&ChoosePage {
        l: farmer.ctx.layout(w.give_title, Nav::Exchange),
        w,
        bar: Some(FarmerBar { current: "give" }),
        kinds: GIVEN.iter().map(|k| (k.as_str(), lang.kind(*k))).collect(),
    })
}

/// The kind of a gift's path: only lots.
fn given(kind: Kind) -> Result<Kind, AppError> {
    if GIVEN.contains(&kind) {
        Ok(kind)
    } else {
        Err(AppError::NotFound)
    }
}

/// The farmer's name, read for their own form (not audited: it is their
/// own page, as the account page).
async fn farmer_name(state: &AppState, farmer: &Farmer) -> Result<String, AppError> {
    let store = crate::exchange::store(state).await?;
    Ok(store
        .farmer_account(farmer.id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?
        .name)
}

/// The lots of `kind` a gift can descend from: `(id, label)`, by title.
async fn parents(state: &AppState, kind: Kind) -> Result<Vec<(String, String)>, AppError> {
    let store = crate::exchange::store(state).await?;
    let prefix = format!("{}/", kind.as_str());
    let keys: Vec<String> = store
        .lots()
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|l| l.lot)
        .filter(|k| k.starts_with(&prefix))
        .collect();
    let names = titles(state, keys).await?;
    let mut out: Vec<(String, String)> = names
        .into_iter()
        .filter_map(|(key, (title, _))| {
            let id = key.strip_prefix(&prefix)?.to_owned();
            let label = format!("{title} ({id})");
            Some((id, label))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

async fn give_page(
    state: &AppState,
    farmer: &Farmer,
    kind: Kind,
    values: &HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<GivePage, AppError> {
    let ctx = &farmer.ctx;
    let lang = ctx.lang;
    let w = words(lang);
    let parents = parents(state, kind).await?;
    let fields = form::fields(kind);
    let parent_field = format!("{}.parent_lot", kind.as_str());
    let view = |f: &form::FormField| {
        let mut v = field_view(ctx, kind, f, values, &errors);
        if f.path == "license" {
            // Only the seed commons licences accepted for the kind.
            v.options.retain(|o| o.value != OTHER);
            v.other = false;
        } else if f.path == "title" {
            v.required = false;
            v.hint = Some(w.give_title_hint.to_owned());
        } else if f.path == parent_field {
            let current = values.get(&f.path).map(String::as_str).unwrap_or("");
            v.kind = "select";
            v.options = std::iter::once(Opt {
                value: String::new(),
                label: w.give_no_parent.to_owned(),
                small: String::new(),
                id: String::new(),
                selected: current.is_empty(),
            })
            .chain(parents.iter().map(|(id, label)| Opt {
                selected: id == current,
                value: id.clone(),
                label: label.clone(),
                small: String::new(),
                id: String::new(),
            }))
            .collect();
        }
        v
    };
    // What a farmer knows of the lot, in the form's order.
    let lot: Vec<FieldView> = fields
        .iter()
        .filter(|f| f.path.contains('.'))
        .map(view)
        .collect();
    let about: Vec<FieldView> = ["license", "title", "description"]
        .iter()
        .filter_map(|p| fields.iter().find(|f| f.path == *p))
        .map(view)
        .collect();
    let anchor = |field: &str| {
        lot.iter()
            .chain(&about)
            .find(|v| v.name == field)
            .map_or_else(|| "f-give".to_owned(), |v| v.id.clone())
    };
    let summary: Vec<(String, FieldError)> = errors
        .iter()
        .map(|e| (anchor(&e.field), e.clone()))
        .collect();
    let title = format!("{} — {}", w.give_title, lang.kind(kind));
    Ok(GivePage {
        l: ctx.layout(titled(lang, title, summary.len()), Nav::Exchange),
        w,
        bar: Some(FarmerBar { current: "give" }),
        kind: kind.as_str(),
        kind_label: lang.kind(kind),
        errors: summary,
        lot,
        about,
        show_name: values.get(SHOW_NAME).is_some_and(|v| v == "oui"),
        name: farmer_name(state, farmer).await?,
        x: texts(lang),
    })
}

/// `GET /echange/donner/{kind}`: the empty form of a seed or ferment lot.
///
/// # Errors
/// 404 for another kind.
pub async fn form(
    State(state): State<AppState>,
    KindPath(kind): KindPath,
    farmer: Farmer,
) -> Result<Response, AppError> {
    let kind = given(kind)?;
    render(&give_page(&state, &farmer, kind, &HashMap::new(), Vec::new()).await?)
}

/// The title made from what the farmer wrote, when they left it empty:
/// "Tomate Cœur de bœuf, récolte 2026", "Levain — farine de seigle".
/// Always French: the catalogue's titles are.
fn made_title(kind: Kind, values: &HashMap<String, String>) -> String {
    let get = |f: &str| {
        values
            .get(&format!("{}.{f}", kind.as_str()))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    match kind {
        Kind::SeedLot => {
            let mut title = get("common_name")
                .or_else(|| get("species"))
                .unwrap_or_default();
            if let Some(variety) = get("variety") {
                title = format!("{title} {variety}").trim().to_owned();
            }
            match get("harvest_year") {
                Some(year) if !title.is_empty() => format!("{title}, récolte {year}"),
                _ => title,
            }
        }
        _ => {
            let organism = get("organism").unwrap_or_default();
            match get("substrate") {
                Some(s) if !organism.is_empty() => format!("{organism} — {s}"),
                _ => organism,
            }
        }
    }
}

/// `kind/id` of every record an open proposal adds or changes.
fn proposed_keys(state: &AppState) -> Result<HashSet<(Kind, String)>, AppError> {
    let proposals = state.registry.proposals().map_err(AppError::internal)?;
    Ok(proposals
        .into_iter()
        .filter(|p| p.status == ProposalStatus::Open)
        .flat_map(|p| p.changes)
        .map(|c| (c.key.kind, c.key.id.as_str().to_owned()))
        .collect())
}

/// The first of `id`, `id-2`, `id-3`... that neither the catalogue (a
/// record, or a withdrawn one) nor an open proposal uses: a gift never
/// replaces anything.
fn free_id(state: &AppState, kind: Kind, id: &RecordId) -> Result<Option<RecordId>, AppError> {
    let proposed = proposed_keys(state)?;
    let taken = |candidate: &RecordId| -> Result<bool, AppError> {
        if proposed.contains(&(kind, candidate.as_str().to_owned())) {
            return Ok(true);
        }
        let key = RecordKey {
            kind,
            id: candidate.clone(),
        };
        match state.registry.record(&key, None) {
            Ok(RecordState::Absent) => Ok(false),
            Ok(_) => Ok(true),
            Err(e) => Err(AppError::internal(e)),
        }
    };
    if !taken(id)? {
        return Ok(Some(id.clone()));
    }
    for n in 2..=MAX_SUFFIX {
        let suffix = format!("-{n}");
        let mut base = id.as_str().to_owned();
        base.truncate(MAX_ID_LEN.saturating_sub(suffix.len()));
        let base = base.trim_end_matches('-');
        let Ok(candidate) = RecordId::new(format!("{base}{suffix}")) else {
            continue;
        };
        if !taken(&candidate)? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

fn error(field: &str, message: &str, lang: Lang) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
        lang: lang.tag(),
    }
}

/// `POST /echange/donner/{kind}`: checks the gift (every problem at once)
/// and sends it as a proposal for a new record, then shows the proposal.
///
/// # Errors
/// 403 without a valid CSRF token; 404 for another kind; 429 past the
/// proposals' rate limit.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    KindPath(kind): KindPath,
    farmer: Farmer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let kind = given(kind)?;
    let mut values: HashMap<String, String> = pairs
        .into_iter()
        .map(|(k, v)| (k, form::normalise_line_ends(&v)))
        .collect();
    let ctx = &farmer.ctx;
    ctx.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    rate_limit(&state, ip)?;
    let lang = ctx.lang;
    let w = words(lang);
    if values.values().map(String::len).sum::<usize>() > cdl_records::MAX_RECORD_BYTES {
        values.retain(|_, v| v.len() <= 4 * 1024);
        let errors = vec![error("", w.give_too_large, lang)];
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &give_page(&state, &farmer, kind, &values, errors).await?,
        );
    }
    // The farmer never writes the id, nor the licence as an expression.
    values.remove("id");
    values.remove(form::LICENCE_OTHER);
    let mut fields = values.clone();
    if fields.get("title").is_none_or(|t| t.trim().is_empty()) {
        fields.insert("title".to_owned(), made_title(kind, &values));
    }
    // The id: the title's, or the first free one after it, chosen before
    // the rules run (a lot descending from the record whose title it
    // repeats must not look like its own parent).
    let slug = cdl_records::slugify(fields.get("title").map_or("", String::as_str));
    if let Ok(id) = RecordId::new(slug) {
        let st = state.clone();
        let Some(id) = blocking(move || free_id(&st, kind, &id)).await?? else {
            let errors = vec![error("title", w.give_no_id, lang)];
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &give_page(&state, &farmer, kind, &values, errors).await?,
            );
        };
        fields.insert("id".to_owned(), id.as_str().to_owned());
    }
    let today = crate::proposals::today();
    let evaluated = off_thread(&state, move || evaluate(kind, &fields, lang, today)).await?;
    let mut record = evaluated.record;
    let mut errors = evaluated.errors;
    let licence = values.get("license").map_or("", String::as_str);
    if !cdl_licenses::choices(kind).iter().any(|c| c.id == licence)
        && !errors.iter().any(|e| e.field == "license")
    {
        errors.push(error("license", w.give_licence, lang));
    }
    if !errors.is_empty() {
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &give_page(&state, &farmer, kind, &values, errors).await?,
        );
    }
    let show_name = values.get(SHOW_NAME).is_some_and(|v| v == "oui");
    let author = if show_name {
        let name = farmer_name(&state, &farmer).await?;
        record.contributors.push(Contributor {
            name: name.clone(),
            role: Some(GROWER.to_owned()),
            url: None,
        });
        name
    } else {
        ANONYMOUS.to_owned()
    };
    match create(&state, &record, &author, GIFT_MESSAGE).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/proposals/{id}?new=1")).into_response()),
        // The id was checked free a moment ago: another gift took it in
        // between. The farmer sends the form again.
        Err(Refused::Withdrawn | Refused::NoChange) => {
            let errors = vec![error("title", w.give_no_id, lang)];
            render_with(
                StatusCode::CONFLICT,
                &give_page(&state, &farmer, kind, &values, errors).await?,
            )
        }
        Err(Refused::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn titles_are_made_from_what_the_farmer_knows() {
        let seed = values(&[
            ("seed-lot.common_name", "Tomate"),
            ("seed-lot.species", "Solanum lycopersicum"),
            ("seed-lot.variety", " Cœur de bœuf "),
            ("seed-lot.harvest_year", "2026"),
        ]);
        assert_eq!(
            made_title(Kind::SeedLot, &seed),
            "Tomate Cœur de bœuf, récolte 2026"
        );
        let latin = values(&[("seed-lot.species", "Allium cepa")]);
        assert_eq!(made_title(Kind::SeedLot, &latin), "Allium cepa");
        let nothing = values(&[("seed-lot.harvest_year", "2026")]);
        assert_eq!(
            made_title(Kind::SeedLot, &nothing),
            "",
            "no title from a year"
        );
        let ferment = values(&[
            ("ferment-lot.organism", "Levain"),
            ("ferment-lot.substrate", "farine de seigle"),
        ]);
        assert_eq!(
            made_title(Kind::FermentLot, &ferment),
            "Levain — farine de seigle"
        );
    }

    #[test]
    fn only_lots_can_be_given() {
        assert!(given(Kind::SeedLot).is_ok());
        assert!(given(Kind::FermentLot).is_ok());
        assert!(given(Kind::Software).is_err());
    }
}
