//! `GET /donnees`, « Réutiliser les données »: every way the catalogue can
//! be taken away (dumps, DCAT-AP, OAI-PMH, the API, publiccode.yml, the
//! Atom feed, Git, federation, the command line), with its address, format
//! and standard, and what the licences are. French, or English with
//! `?lang=en`.

use askama::Template;
use axum::response::Response;
use cdl_records::vocabulary::Label;
use cdl_records::vocabulary::Lang;

use super::record::Site;
use super::{Ctx, Layout, Nav, render};
use crate::error::AppError;
use crate::open_data::dumps::DumpFormat;

/// The page's title.
pub const TITLE: Label = Label {
    fr: "Réutiliser les données",
    en: "Reuse the data",
};

/// One way out of the catalogue, in the page's language.
struct Channel {
    name: &'static str,
    /// The address shown and linked (absolute), when there is one page to
    /// link to.
    href: Option<String>,
    /// The address as written (a pattern when it depends on the record).
    shown: String,
    format: &'static str,
    standard: &'static str,
    audience: &'static str,
}

#[derive(Template)]
#[template(path = "donnees.html")]
struct Page {
    l: Layout,
    channels: Vec<Channel>,
    site: String,
}

/// One way out, in both languages.
struct Spec {
    name: Label,
    /// The address on the site (a pattern when `link` is false).
    path: &'static str,
    /// Whether `path` is one page to link to.
    link: bool,
    format: Label,
    standard: Label,
    audience: Label,
}

const fn same(text: &'static str) -> Label {
    Label { fr: text, en: text }
}

const DUMPS_STANDARD: Label = Label {
    fr: "Refait à chaque changement du catalogue (en-têtes ETag et Last-Modified)",
    en: "Made again whenever the catalogue changes (ETag and Last-Modified headers)",
};

const DUMPS_AUDIENCE: Label = Label {
    fr: "Tableurs, analyses, réutilisateurs",
    en: "Spreadsheets, analyses, reusers",
};

/// The name and format of a dump.
fn dump_spec(format: DumpFormat) -> (Label, Label) {
    match format {
        DumpFormat::Json => (
            Label {
                fr: "Le catalogue entier en JSON",
                en: "The whole catalogue as JSON",
            },
            Label {
                fr: "JSON compressé (gzip) : une liste des fiches, dans la forme de leurs fichiers",
                en: "Gzipped JSON: a list of the records, in the shape of their files",
            },
        ),
        DumpFormat::Csv => (
            Label {
                fr: "Le catalogue entier en CSV",
                en: "The whole catalogue as CSV",
            },
            Label {
                fr: "CSV UTF-8 compressé (gzip) : une ligne par fiche, une colonne par champ",
                en: "Gzipped UTF-8 CSV: a row per record, a column per field",
            },
        ),
    }
}

/// The ways out other than the dumps, in the order the page lists them.
const OTHERS: [Spec; 7] = [
    Spec {
        name: Label {
            fr: "Le catalogue décrit pour les portails de données ouvertes",
            en: "The catalogue described for open-data portals",
        },
        path: "/catalog",
        link: true,
        format: Label {
            fr: "Turtle (/catalog.ttl) ou JSON-LD (/catalog.jsonld), selon l’en-tête Accept",
            en: "Turtle (/catalog.ttl) or JSON-LD (/catalog.jsonld), by the Accept header",
        },
        standard: same("DCAT-AP 3"),
        audience: Label {
            fr: "Portails de données ouvertes (data.gouv.fr, data.europa.eu)",
            en: "Open-data portals (data.gouv.fr, data.europa.eu)",
        },
    },
    Spec {
        name: Label {
            fr: "Moissonnage des fiches",
            en: "Harvesting the records",
        },
        path: "/oai?verb=Identify",
        link: true,
        format: Label {
            fr: "XML, Dublin Core simple (oai_dc), un ensemble par type, suppressions gardées",
            en: "XML, simple Dublin Core (oai_dc), a set per kind, deletions kept",
        },
        standard: same("OAI-PMH 2.0"),
        audience: Label {
            fr: "Bibliothèques, archives, moissonneurs",
            en: "Libraries, archives, harvesters",
        },
    },
    Spec {
        name: Label {
            fr: "L’interface de programmation (API)",
            en: "The programming interface (API)",
        },
        path: "/api/v1/openapi.json",
        link: true,
        format: Label {
            fr: "JSON : recherche, fiches, vocabulaire, propositions",
            en: "JSON: search, records, vocabulary, proposals",
        },
        standard: same("OpenAPI 3.1"),
        audience: Label {
            fr: "Développeurs d’applications",
            en: "Application developers",
        },
    },
    Spec {
        name: Label {
            fr: "Chaque logiciel en publiccode.yml",
            en: "Each piece of software as publiccode.yml",
        },
        path: "/records/software/{id}/publiccode.yml",
        link: false,
        format: same("YAML"),
        standard: same("publiccode.yml 0.4"),
        audience: Label {
            fr: "Catalogues de logiciels publics (Developers Italia, SILL)",
            en: "Public-software catalogues (Developers Italia, SILL)",
        },
    },
    Spec {
        name: Label {
            fr: "Les nouveautés",
            en: "What is new",
        },
        path: "/feed.atom",
        link: true,
        format: same("Atom"),
        standard: same("RFC 4287"),
        audience: Label {
            fr: "Lecteurs de fils",
            en: "Feed readers",
        },
    },
    Spec {
        name: Label {
            fr: "Le dépôt Git et son histoire",
            en: "The Git repository and its history",
        },
        path: "/catalogue.git",
        link: false,
        format: Label {
            fr: "Un fichier TOML par fiche ; l’histoire Git est la provenance",
            en: "A TOML file per record; the Git history is the provenance",
        },
        standard: Label {
            fr: "Git, protocole HTTP simple, lecture seule (git clone)",
            en: "Git, dumb HTTP protocol, read-only (git clone)",
        },
        audience: Label {
            fr: "Miroirs, archivistes, développeurs",
            en: "Mirrors, archivists, developers",
        },
    },
    Spec {
        name: Label {
            fr: "La fédération entre villes",
            en: "Federation between cities",
        },
        path: "/.well-known/conservatoire",
        link: true,
        format: Label {
            fr: "JSON signé (Ed25519) : points de contrôle, fil des changements, offres",
            en: "Signed JSON (Ed25519): checkpoints, changes feed, offers",
        },
        standard: same("conservatoire-federation/1"),
        audience: Label {
            fr: "Autres villes qui copient le catalogue",
            en: "Other cities mirroring the catalogue",
        },
    },
];

fn channel(lang: Lang, site: &Site, spec: &Spec, path: &str) -> Channel {
    Channel {
        name: spec.name.get(lang),
        href: spec.link.then(|| site.url(path)),
        shown: site.url(path),
        format: spec.format.get(lang),
        standard: spec.standard.get(lang),
        audience: spec.audience.get(lang),
    }
}

fn channels(lang: Lang, site: &Site) -> Vec<Channel> {
    let mut list = Vec::new();
    for format in DumpFormat::ALL {
        let (name, kind) = dump_spec(format);
        let spec = Spec {
            name,
            path: "",
            link: true,
            format: kind,
            standard: DUMPS_STANDARD,
            audience: DUMPS_AUDIENCE,
        };
        list.push(channel(lang, site, &spec, &format.path()));
    }
    for spec in &OTHERS {
        list.push(channel(lang, site, spec, spec.path));
    }
    list
}

/// `GET /donnees`.
///
/// # Errors
/// When the page cannot be rendered.
pub async fn page(ctx: Ctx, site: Site) -> Result<Response, AppError> {
    let lang: Lang = ctx.lang.into();
    render(&Page {
        l: ctx.layout(TITLE.get(lang), Nav::None),
        channels: channels(lang, &site),
        site: site.url(""),
    })
}
