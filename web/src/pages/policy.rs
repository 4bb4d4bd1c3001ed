//! `GET /policy`: what "certified free" means for each kind.

use askama::Template;
use axum::response::Response;
use cdl_licenses::policy_summary;
use cdl_records::Kind;

use super::{Ctx, Layout, Nav, render};
use crate::error::AppError;
use crate::i18n::Lang;

struct Group {
    verdict_class: &'static str,
    verdict: &'static str,
    why: String,
    ids: String,
}

struct Seed {
    id: String,
    name: String,
    url: String,
    why: String,
}

struct KindPolicy {
    anchor: &'static str,
    label: &'static str,
    rule: String,
    software_too: bool,
    groups: Vec<Group>,
    seeds: Vec<Seed>,
    unlisted: &'static str,
    accepted: Vec<String>,
    rejected: Vec<String>,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    l: Layout,
    version: String,
    kinds: Vec<KindPolicy>,
}

/// The policy page, built from the embedded certification policy.
///
/// # Errors
/// When rendering fails.
pub async fn policy(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let pick = |fr: &str, en: &str| match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    };
    let mut version = String::new();
    let kinds = Kind::ALL
        .iter()
        .map(|kind| {
            let s = policy_summary(*kind);
            version.clone_from(&s.policy_version);
            KindPolicy {
                anchor: kind.as_str(),
                label: lang.kind_plural(*kind),
                rule: pick(&s.rule_fr, &s.rule_en),
                software_too: s.accepts_free_software_licences,
                groups: s
                    .groups
                    .iter()
                    .map(|g| Group {
                        verdict_class: g.verdict.as_str(),
                        verdict: lang.verdict(g.verdict),
                        why: pick(&g.why_fr, &g.why_en),
                        ids: g.ids.join(", "),
                    })
                    .collect(),
                seeds: s
                    .seed_commons
                    .iter()
                    .map(|l| Seed {
                        id: l.id.clone(),
                        name: l.name.clone(),
                        url: l.url.to_string(),
                        why: pick(&l.why_free_fr, &l.why_free_en),
                    })
                    .collect(),
                unlisted: lang.verdict(s.unlisted_verdict),
                accepted: s.examples_accepted.clone(),
                rejected: s.examples_rejected.clone(),
            }
        })
        .collect();
    let page = PolicyPage {
        l: ctx.layout(ctx.m().policy_title, Nav::Policy),
        version,
        kinds,
    };
    render(&page)
}
