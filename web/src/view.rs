//! Records as the pages show them: the fields a person reads, per kind,
//! in reading order under plain headings, with values in the page's
//! language (labels from the record format's vocabulary, dates in words,
//! quantities with their units, identifiers as links); and the schema.org
//! description for search engines.

use cdl_records::vocabulary::{self, Label};
use cdl_records::{Details, Kind, Record};
use serde_json::{Value, json};

use crate::i18n::{Lang, field_label, language_name, long_date, number};

/// A labelled sub-field of a value: `Rôle : artiste`.
#[derive(Debug, Clone)]
pub struct Part {
    /// The sub-field's label, in the page's language.
    pub label: String,
    /// Its value.
    pub text: String,
    /// The language of the value when it differs from the page's (empty
    /// otherwise).
    pub lang: String,
}

/// One value of a row: text, possibly a link, possibly with sub-fields.
#[derive(Debug, Clone)]
pub struct Item {
    /// The text shown.
    pub text: String,
    /// The address, for links (http and https only, or a path of the site).
    pub href: Option<String>,
    /// The language of the text when it differs from the page's (empty
    /// otherwise): the record's own French text on an English page.
    pub lang: String,
    /// Labelled sub-fields shown after the text.
    pub parts: Vec<Part>,
}

/// One field of a record: its label and its values.
#[derive(Debug, Clone)]
pub struct Row {
    /// The field's path in the format (`tags`, `seed-lot.species`...).
    pub key: String,
    /// The label, in the page's language.
    pub label: String,
    /// The values.
    pub items: Vec<Item>,
    /// Whether the values are steps to follow in order.
    pub ordered: bool,
}

/// A group of fields under a plain heading.
#[derive(Debug, Clone)]
pub struct Section {
    /// The heading's anchor.
    pub id: &'static str,
    /// The heading, in the page's language.
    pub heading: &'static str,
    /// The fields.
    pub rows: Vec<Row>,
}

/// Fields shown elsewhere on the record page (title, licence...), or never
/// as rows (translations: the English page shows them in place).
#[cfg(test)]
const SHOWN_APART: [&str; 8] = [
    "format",
    "id",
    "kind",
    "title",
    "title_lang",
    "license",
    "summary",
    "description",
];

const H_PLANT: Label = Label {
    fr: "La plante",
    en: "The plant",
};
const H_LOT: Label = Label {
    fr: "Le lot",
    en: "The lot",
};
const H_WHERE: Label = Label {
    fr: "Où le trouver",
    en: "Where to find it",
};
const H_LINEAGE: Label = Label {
    fr: "Provenance et lignée",
    en: "Origin and lineage",
};
const H_CULTURE: Label = Label {
    fr: "La culture",
    en: "The culture",
};
const H_WORK: Label = Label {
    fr: "L’œuvre",
    en: "The work",
};
const H_KEPT: Label = Label {
    fr: "Conservation et reproductions",
    en: "Where it is kept, reproductions",
};
const H_SOFTWARE: Label = Label {
    fr: "Le logiciel",
    en: "The software",
};
const H_USERS: Label = Label {
    fr: "Qui l’utilise, ce qu’il remplace",
    en: "Who uses it, what it replaces",
};
const H_METHOD: Label = Label {
    fr: "La méthode",
    en: "The method",
};
const H_STEPS: Label = Label {
    fr: "Matériel et étapes",
    en: "Materials and steps",
};
const H_DATA: Label = Label {
    fr: "Les données",
    en: "The data",
};
const H_DOWNLOADS: Label = Label {
    fr: "Les fichiers",
    en: "The files",
};
const H_ABOUT: Label = Label {
    fr: "Pour en savoir plus",
    en: "Find out more",
};
const H_CREDITS: Label = Label {
    fr: "Auteurs et sources",
    en: "Authors and sources",
};
const SEE_IMAGE: Label = Label {
    fr: "Voir l’image",
    en: "See the image",
};

const ON_WIKIDATA: Label = Label {
    fr: "sur Wikidata",
    en: "on Wikidata",
};
const BYTES: Label = Label {
    fr: "octets",
    en: "bytes",
};

/// Builds rows in one page language.
struct Builder {
    lang: Lang,
    /// The `lang` of the record's own text on this page: empty on a French
    /// page, `fr` on an English one.
    content: String,
}

impl Builder {
    fn new(lang: Lang) -> Builder {
        Builder {
            lang,
            content: if lang == Lang::Fr {
                String::new()
            } else {
                "fr".to_owned()
            },
        }
    }

    fn label(&self, path: &str) -> String {
        field_label(path, self.lang).to_owned()
    }

    fn get(&self, label: Label) -> &'static str {
        label.get(self.lang.into())
    }

    /// The record's own text (in French).
    fn text(&self, s: &str) -> Item {
        Item {
            text: s.to_owned(),
            href: None,
            lang: self.content.clone(),
            parts: Vec::new(),
        }
    }

    /// A scientific name, in Latin (`Solanum lycopersicum`).
    fn latin(&self, s: &str) -> Item {
        Item {
            lang: "la".to_owned(),
            ..self.plain(s)
        }
    }

    /// Text in no particular language: numbers, codes, names.
    fn plain(&self, s: impl Into<String>) -> Item {
        Item {
            text: s.into(),
            href: None,
            lang: String::new(),
            parts: Vec::new(),
        }
    }

    /// A free-text value with usual values translated ([`vocabulary::TERMS`]).
    fn term(&self, path: &str, s: &str) -> Item {
        match vocabulary::term(path, s) {
            Some(label) => self.plain(self.get(label)),
            None => self.text(s),
        }
    }

    /// An enumerated value of the format, by its label.
    fn enum_value<T: serde::Serialize>(&self, path: &str, value: T) -> Item {
        self.value(path, &wire(value))
    }

    /// An enumerated value, by its label.
    fn value(&self, path: &str, value: &str) -> Item {
        match vocabulary::value(path, value) {
            Some(label) => self.plain(self.get(label)),
            None => self.plain(value),
        }
    }

    fn link(&self, mut item: Item, url: &str) -> Item {
        if is_web(url) || url.starts_with('/') {
            item.href = Some(url.to_owned());
        }
        item
    }

    fn url(&self, url: &str) -> Item {
        self.link(self.plain(url), url)
    }

    fn date(&self, d: cdl_records::values::Date) -> Item {
        self.plain(long_date(self.lang, d.year(), d.month(), d.day()))
    }

    fn part(&self, path: &str, text: impl Into<String>, lang: &str) -> Part {
        Part {
            label: self.label(path),
            text: text.into(),
            lang: lang.to_owned(),
        }
    }

    fn term_part(&self, path: &str, value: &str) -> Part {
        match vocabulary::term(path, value) {
            Some(label) => self.part(path, self.get(label), ""),
            None => self.part(path, value, &self.content),
        }
    }

    fn row(&self, rows: &mut Vec<Row>, path: &str, items: Vec<Item>) {
        if !items.is_empty() {
            rows.push(Row {
                key: path.to_owned(),
                label: self.label(path),
                items,
                ordered: false,
            });
        }
    }

    fn one(&self, rows: &mut Vec<Row>, path: &str, item: Option<Item>) {
        self.row(rows, path, item.into_iter().collect());
    }

    fn texts(&self, rows: &mut Vec<Row>, path: &str, values: &[String]) {
        self.row(rows, path, values.iter().map(|v| self.text(v)).collect());
    }

    fn section(&self, out: &mut Vec<Section>, id: &'static str, heading: Label, rows: Vec<Row>) {
        if !rows.is_empty() {
            out.push(Section {
                id,
                heading: self.get(heading),
                rows,
            });
        }
    }
}

fn is_web(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// The host of an address, for link texts (`www.clevelandart.org`).
fn host(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
}

/// A size in bytes, in words (`1,2 Mo`, `1.2 MB`).
fn size(lang: Lang, bytes: u64) -> String {
    let units = match lang {
        Lang::Fr => ["ko", "Mo", "Go", "To"],
        Lang::En => ["kB", "MB", "GB", "TB"],
    };
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64;
    if value < 1000.0 {
        return format!("{bytes} {}", BYTES.get(lang.into()));
    }
    let mut unit = units[0];
    for u in units {
        value /= 1000.0;
        unit = u;
        if value < 1000.0 {
            break;
        }
    }
    format!("{} {unit}", number(lang, (value * 10.0).round() / 10.0))
}

/// The fields of `record` other than those shown apart, in the order a
/// person reads them, under plain headings: first those of its kind, then
/// links, then authors and sources, then classification.
pub fn sections(record: &Record, lang: Lang) -> Vec<Section> {
    let b = Builder::new(lang);
    let mut out = Vec::new();
    match &record.details {
        Details::SeedLot(s) => {
            let mut plant = Vec::new();
            b.one(&mut plant, "seed-lot.species", Some(b.latin(&s.species)));
            b.one(
                &mut plant,
                "seed-lot.variety",
                s.variety.as_deref().map(|v| b.text(v)),
            );
            b.one(
                &mut plant,
                "seed-lot.common_name",
                s.common_name.as_deref().map(|v| b.text(v)),
            );
            b.section(&mut out, "plante", H_PLANT, plant);
            let mut lot = Vec::new();
            let unit = b.enum_value("seed-lot.unit", s.unit).text;
            b.one(
                &mut lot,
                "seed-lot.quantity",
                Some(b.plain(format!("{} {unit}", number(lang, s.quantity.get())))),
            );
            b.one(
                &mut lot,
                "seed-lot.harvest_year",
                Some(b.plain(s.harvest_year.to_string())),
            );
            b.one(
                &mut lot,
                "seed-lot.germination_rate",
                s.germination_rate.map(|r| b.plain(percent(lang, r))),
            );
            b.one(
                &mut lot,
                "seed-lot.germination_tested",
                s.germination_tested.map(|d| b.date(d)),
            );
            b.one(
                &mut lot,
                "seed-lot.reproduction",
                s.reproduction
                    .map(|v| b.enum_value("seed-lot.reproduction", v)),
            );
            b.section(&mut out, "lot", H_LOT, lot);
            let mut place = Vec::new();
            b.one(
                &mut place,
                "seed-lot.exchange_point",
                s.exchange_point.as_deref().map(|v| b.text(v)),
            );
            b.section(&mut out, "ou", H_WHERE, place);
            let mut lineage = Vec::new();
            b.one(
                &mut lineage,
                "seed-lot.origin",
                s.origin.as_deref().map(|v| b.text(v)),
            );
            b.one(
                &mut lineage,
                "seed-lot.parent_lot",
                s.parent_lot.as_ref().map(|p| {
                    b.link(
                        b.plain(p.as_str()),
                        &format!("/records/seed-lot/{}", p.as_str()),
                    )
                }),
            );
            b.section(&mut out, "lignee", H_LINEAGE, lineage);
        }
        Details::FermentLot(f) => {
            let mut culture = Vec::new();
            b.one(
                &mut culture,
                "ferment-lot.organism",
                Some(b.text(&f.organism)),
            );
            b.row(
                &mut culture,
                "ferment-lot.species",
                f.species.iter().map(|s| b.latin(s)).collect(),
            );
            b.one(
                &mut culture,
                "ferment-lot.substrate",
                f.substrate.as_deref().map(|v| b.text(v)),
            );
            b.section(&mut out, "culture", H_CULTURE, culture);
            let mut lot = Vec::new();
            let unit = b.enum_value("ferment-lot.unit", f.unit).text;
            b.one(
                &mut lot,
                "ferment-lot.quantity",
                Some(b.plain(format!("{} {unit}", number(lang, f.quantity.get())))),
            );
            b.one(
                &mut lot,
                "ferment-lot.state",
                f.state.map(|v| b.enum_value("ferment-lot.state", v)),
            );
            b.one(
                &mut lot,
                "ferment-lot.viable_until",
                f.viable_until.map(|d| b.date(d)),
            );
            b.one(
                &mut lot,
                "ferment-lot.care",
                f.care.as_deref().map(|v| b.text(v)),
            );
            b.section(&mut out, "lot", H_LOT, lot);
            let mut place = Vec::new();
            b.one(
                &mut place,
                "ferment-lot.exchange_point",
                f.exchange_point.as_deref().map(|v| b.text(v)),
            );
            b.section(&mut out, "ou", H_WHERE, place);
            let mut lineage = Vec::new();
            b.one(
                &mut lineage,
                "ferment-lot.origin",
                f.origin.as_deref().map(|v| b.text(v)),
            );
            b.one(
                &mut lineage,
                "ferment-lot.parent_lot",
                f.parent_lot.as_ref().map(|p| {
                    b.link(
                        b.plain(p.as_str()),
                        &format!("/records/ferment-lot/{}", p.as_str()),
                    )
                }),
            );
            b.section(&mut out, "lignee", H_LINEAGE, lineage);
        }
        Details::CulturalWork(c) => {
            let mut work = Vec::new();
            b.row(
                &mut work,
                "cultural-work.creators",
                c.creators
                    .iter()
                    .map(|x| {
                        let mut item = b.plain(&x.name);
                        if let Some(role) = &x.role {
                            item.parts
                                .push(b.term_part("cultural-work.creators.role", role));
                        }
                        if let Some(born) = x.born {
                            item.parts.push(b.part(
                                "cultural-work.creators.born",
                                born.to_string(),
                                "",
                            ));
                        }
                        if let Some(died) = x.died {
                            item.parts.push(b.part(
                                "cultural-work.creators.died",
                                died.to_string(),
                                "",
                            ));
                        }
                        item
                    })
                    .collect(),
            );
            b.one(
                &mut work,
                "cultural-work.form",
                c.form.as_deref().map(|v| b.term("cultural-work.form", v)),
            );
            b.one(
                &mut work,
                "cultural-work.year",
                c.year.map(|y| b.plain(y.to_string())),
            );
            b.one(
                &mut work,
                "cultural-work.period",
                c.period.as_deref().map(|v| b.text(v)),
            );
            b.one(
                &mut work,
                "cultural-work.medium",
                c.medium
                    .as_deref()
                    .map(|v| b.term("cultural-work.medium", v)),
            );
            b.one(
                &mut work,
                "cultural-work.dimensions",
                c.dimensions.as_deref().map(|v| b.text(v)),
            );
            b.one(
                &mut work,
                "cultural-work.rights_status",
                c.rights_status
                    .map(|v| b.enum_value("cultural-work.rights_status", v)),
            );
            b.section(&mut out, "oeuvre", H_WORK, work);
            let mut kept = Vec::new();
            b.one(
                &mut kept,
                "cultural-work.holding_institution",
                c.holding_institution.as_ref().map(|o| {
                    let item = b.plain(&o.name);
                    match &o.url {
                        Some(u) => b.link(item, u.as_str()),
                        None => item,
                    }
                }),
            );
            b.one(
                &mut kept,
                "cultural-work.accession_number",
                c.accession_number.as_deref().map(|v| b.plain(v)),
            );
            let institution = c.holding_institution.as_ref().map(|o| o.name.as_str());
            b.row(
                &mut kept,
                "cultural-work.media",
                c.media
                    .iter()
                    .map(|m| {
                        // A link to see the image where it is published:
                        // the page itself loads nothing from elsewhere.
                        let text = match institution.or(host(m.url.as_str()).as_deref()) {
                            Some(at) => format!("{} ({at})", b.get(SEE_IMAGE)),
                            None => b.get(SEE_IMAGE).to_owned(),
                        };
                        let mut item = b.link(b.plain(text), m.url.as_str());
                        if let Some(alt) = &m.alt {
                            item.parts
                                .push(b.part("cultural-work.media.alt", alt, &b.content));
                        }
                        if let Some(t) = &m.media_type {
                            item.parts.push(b.part(
                                "cultural-work.media.media_type",
                                media_type(lang, t),
                                "",
                            ));
                        }
                        if let Some(credit) = &m.credit {
                            item.parts
                                .push(b.part("cultural-work.media.credit", credit, ""));
                        }
                        if let Some(l) = &m.license {
                            item.parts.push(b.part(
                                "cultural-work.media.license",
                                licence_name(l),
                                names_lang(lang),
                            ));
                        }
                        item
                    })
                    .collect(),
            );
            b.section(&mut out, "conservation", H_KEPT, kept);
        }
        Details::Software(s) => {
            let mut soft = Vec::new();
            b.one(
                &mut soft,
                "software.version",
                s.version.as_deref().map(|v| b.plain(v)),
            );
            b.one(
                &mut soft,
                "software.released",
                s.released.map(|d| b.date(d)),
            );
            b.one(
                &mut soft,
                "software.development_status",
                s.development_status
                    .map(|v| b.enum_value("software.development_status", v)),
            );
            b.one(
                &mut soft,
                "software.maintenance",
                s.maintenance
                    .map(|v| b.enum_value("software.maintenance", v)),
            );
            b.row(
                &mut soft,
                "software.programming_languages",
                s.programming_languages.iter().map(|v| b.plain(v)).collect(),
            );
            b.row(
                &mut soft,
                "software.platforms",
                s.platforms.iter().map(|v| b.plain(v)).collect(),
            );
            b.one(
                &mut soft,
                "software.repository",
                s.repository.as_ref().map(|u| b.url(u.as_str())),
            );
            b.one(
                &mut soft,
                "software.swhid",
                s.swhid.as_ref().map(|id| {
                    b.link(
                        b.plain(id.as_str()),
                        &format!("https://archive.softwareheritage.org/{}", id.as_str()),
                    )
                }),
            );
            b.one(
                &mut soft,
                "software.logo",
                s.logo.as_ref().map(|u| b.url(u.as_str())),
            );
            b.one(
                &mut soft,
                "software.sill_id",
                s.sill_id.map(|id| b.plain(id.to_string())),
            );
            b.section(&mut out, "logiciel", H_SOFTWARE, soft);
            let mut users = Vec::new();
            b.row(
                &mut users,
                "software.used_by",
                s.used_by
                    .iter()
                    .map(|o| {
                        let item = b.plain(&o.name);
                        match &o.url {
                            Some(u) => b.link(item, u.as_str()),
                            None => item,
                        }
                    })
                    .collect(),
            );
            b.row(
                &mut users,
                "software.replaces",
                s.replaces.iter().map(|v| b.plain(v)).collect(),
            );
            b.row(
                &mut users,
                "software.dependencies",
                s.dependencies.iter().map(|v| b.plain(v)).collect(),
            );
            b.section(&mut out, "usages", H_USERS, users);
        }
        Details::Method(m) => {
            let mut method = Vec::new();
            b.texts(&mut method, "method.disciplines", &m.disciplines);
            b.one(
                &mut method,
                "method.version",
                m.version.as_deref().map(|v| b.plain(v)),
            );
            b.one(
                &mut method,
                "method.doi",
                m.doi.as_ref().map(|d| doi(&b, d.as_str())),
            );
            b.section(&mut out, "methode", H_METHOD, method);
            let mut steps = Vec::new();
            b.texts(&mut steps, "method.materials", &m.materials);
            b.texts(&mut steps, "method.steps", &m.steps);
            if let Some(row) = steps.iter_mut().find(|r| r.key == "method.steps") {
                row.ordered = true;
            }
            b.row(
                &mut steps,
                "method.references",
                m.references
                    .iter()
                    .map(|r| {
                        let mut item = b.text(&r.citation);
                        if let Some(u) = &r.url {
                            item = b.link(item, u.as_str());
                        }
                        if let Some(d) = &r.doi {
                            item.parts
                                .push(b.part("method.references.doi", d.as_str(), ""));
                            if item.href.is_none() {
                                item.href = Some(format!("https://doi.org/{}", d.as_str()));
                            }
                        }
                        item
                    })
                    .collect(),
            );
            b.section(&mut out, "etapes", H_STEPS, steps);
        }
        Details::Dataset(d) => {
            let mut data = Vec::new();
            b.one(
                &mut data,
                "dataset.publisher",
                d.publisher.as_ref().map(|o| {
                    let item = b.plain(&o.name);
                    match &o.url {
                        Some(u) => b.link(item, u.as_str()),
                        None => item,
                    }
                }),
            );
            b.one(
                &mut data,
                "dataset.spatial_coverage",
                d.spatial_coverage.as_deref().map(|v| b.text(v)),
            );
            b.one(
                &mut data,
                "dataset.temporal_start",
                d.temporal_start.map(|x| b.date(x)),
            );
            b.one(
                &mut data,
                "dataset.temporal_end",
                d.temporal_end.map(|x| b.date(x)),
            );
            b.one(
                &mut data,
                "dataset.update_frequency",
                d.update_frequency
                    .map(|v| b.enum_value("dataset.update_frequency", v)),
            );
            b.row(
                &mut data,
                "dataset.formats",
                d.formats.iter().map(|v| b.plain(v)).collect(),
            );
            b.one(
                &mut data,
                "dataset.doi",
                d.doi.as_ref().map(|x| doi(&b, x.as_str())),
            );
            b.section(&mut out, "donnees", H_DATA, data);
            let mut downloads = Vec::new();
            b.row(
                &mut downloads,
                "dataset.distributions",
                d.distributions
                    .iter()
                    .map(|x| {
                        let text = x
                            .title
                            .clone()
                            .or_else(|| x.format.clone())
                            .unwrap_or_else(|| x.url.as_str().to_owned());
                        let mut item = b.link(
                            if x.title.is_some() {
                                b.text(&text)
                            } else {
                                b.plain(text)
                            },
                            x.url.as_str(),
                        );
                        if let Some(f) = &x.format {
                            item.parts
                                .push(b.part("dataset.distributions.format", f, ""));
                        }
                        if let Some(t) = &x.media_type {
                            item.parts
                                .push(b.part("dataset.distributions.media_type", t, ""));
                        }
                        if let Some(n) = x.size {
                            item.parts.push(Part {
                                label: field_label("dataset.distributions.size", lang)
                                    .trim_end_matches(" (octets)")
                                    .trim_end_matches(" (bytes)")
                                    .to_owned(),
                                text: size(lang, n),
                                lang: String::new(),
                            });
                        }
                        item
                    })
                    .collect(),
            );
            b.section(&mut out, "telechargements", H_DOWNLOADS, downloads);
        }
    }
    let mut about = Vec::new();
    b.row(
        &mut about,
        "links",
        record
            .links
            .iter()
            .map(|l| {
                let rel_label = b.enum_value("links.rel", l.rel).text;
                match &l.title {
                    Some(title) => {
                        let mut item = b.link(b.text(title), l.url.as_str());
                        if !title.trim().eq_ignore_ascii_case(&rel_label) {
                            item.parts.push(b.part("links.rel", rel_label, ""));
                        }
                        item
                    }
                    None => {
                        let text = match host(l.url.as_str()) {
                            Some(h) => format!("{rel_label} ({h})"),
                            None => rel_label,
                        };
                        b.link(b.plain(text), l.url.as_str())
                    }
                }
            })
            .collect(),
    );
    b.one(
        &mut about,
        "wikidata",
        record.wikidata.as_ref().map(|q| {
            b.link(
                b.plain(format!("{} {}", q.as_str(), b.get(ON_WIKIDATA))),
                &format!("https://www.wikidata.org/wiki/{}", q.as_str()),
            )
        }),
    );
    b.section(&mut out, "liens", H_ABOUT, about);
    let mut credits = Vec::new();
    b.row(
        &mut credits,
        "contributors",
        record
            .contributors
            .iter()
            .map(|c| {
                let mut item = b.plain(&c.name);
                if let Some(u) = &c.url {
                    item = b.link(item, u.as_str());
                }
                if let Some(role) = &c.role {
                    item.parts.push(b.term_part("contributors.role", role));
                }
                item
            })
            .collect(),
    );
    b.row(
        &mut credits,
        "sources",
        record
            .sources
            .iter()
            .map(|s| {
                let mut item = b.text(&s.name);
                if let Some(u) = &s.url {
                    item = b.link(item, u.as_str());
                }
                if let Some(l) = &s.license {
                    item.parts
                        .push(b.part("sources.license", licence_name(l), names_lang(lang)));
                }
                item
            })
            .collect(),
    );
    b.texts(&mut credits, "tags", &record.tags);
    b.row(
        &mut credits,
        "languages",
        record
            .languages
            .iter()
            .map(|t| b.plain(language_name(lang, t.as_str())))
            .collect(),
    );
    b.one(&mut credits, "created", record.created.map(|d| b.date(d)));
    b.one(&mut credits, "updated", record.updated.map(|d| b.date(d)));
    b.section(&mut out, "credits", H_CREDITS, credits);
    out
}

/// The language of a record's title: `title_lang`, else English when the
/// English translation's title is the title itself (a work's original
/// title, from a record written before `title_lang`), else French.
pub fn title_lang(record: &Record) -> &str {
    if let Some(tag) = &record.title_lang {
        return tag.as_str();
    }
    let english_title = record
        .translations
        .iter()
        .find(|(tag, _)| tag.as_str() == "en" || tag.as_str().starts_with("en-"))
        .and_then(|(_, t)| t.title.as_deref());
    if english_title == Some(record.title.as_str()) {
        "en"
    } else {
        "fr"
    }
}

/// Every field of `record` other than those shown apart, in reading order
/// (the rows of [`sections`]), for previews.
pub fn rows(record: &Record, lang: Lang) -> Vec<Row> {
    sections(record, lang)
        .into_iter()
        .flat_map(|s| s.rows)
        .collect()
}

/// A licence expression by its name when it is a single known licence
/// (`Creative Commons Zero v1.0 Universal`), else as written.
pub fn licence_name(expression: &str) -> String {
    let terms = cdl_licenses::licence_terms(expression);
    match terms.as_slice() {
        [one] if one.id == expression.trim() => one.name.clone(),
        _ => expression.to_owned(),
    }
}

/// The `lang` of licence names on a page in `lang`: the SPDX list and the
/// seed commons licences name them in English.
pub fn names_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "en",
        Lang::En => "",
    }
}

fn doi(b: &Builder, doi: &str) -> Item {
    b.link(b.plain(doi), &format!("https://doi.org/{doi}"))
}

fn percent(lang: Lang, rate: u8) -> String {
    match lang {
        Lang::Fr => format!("{rate}\u{a0}%"),
        Lang::En => format!("{rate}%"),
    }
}

/// A media type in words: `image/jpeg` is a JPEG image.
fn media_type(lang: Lang, media_type: &str) -> String {
    let (top, sub) = media_type.split_once('/').unwrap_or((media_type, ""));
    let sub = sub
        .split(['+', ';'])
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let sub = if sub == "SVG" { "SVG".to_owned() } else { sub };
    match (lang, top) {
        (Lang::Fr, "image") if !sub.is_empty() => format!("image {sub}"),
        (Lang::En, "image") if !sub.is_empty() => format!("{sub} image"),
        (Lang::Fr, "audio") if !sub.is_empty() => format!("son {sub}"),
        (Lang::En, "audio") if !sub.is_empty() => format!("{sub} audio"),
        (Lang::Fr, "video") if !sub.is_empty() => format!("vidéo {sub}"),
        (Lang::En, "video") if !sub.is_empty() => format!("{sub} video"),
        _ => media_type.to_owned(),
    }
}

/// An enumerated value as the format writes it (`self-pollinated`).
fn wire<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The schema.org type of a kind.
fn schema_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Software => "SoftwareSourceCode",
        Kind::CulturalWork => "CreativeWork",
        Kind::Method => "HowTo",
        Kind::Dataset => "Dataset",
        Kind::SeedLot | Kind::FermentLot => "Product",
    }
}

/// The schema.org JSON-LD of a record, with `<` escaped so that it can sit
/// in a `<script type="application/ld+json">` element whatever the text.
pub fn json_ld(record: &Record, url: &str) -> String {
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": schema_type(record.kind()),
        "@id": url,
        "url": url,
        "identifier": record.id.as_str(),
        "name": record.title,
        "license": license_url(&record.license),
        "inLanguage": "fr",
    });
    if let Some(s) = &record.summary {
        ld["description"] = json!(s);
    }
    if !record.tags.is_empty() {
        ld["keywords"] = json!(record.tags.join(", "));
    }
    if let Some(d) = record.created {
        ld["dateCreated"] = json!(d.to_string());
    }
    if let Some(d) = record.updated {
        ld["dateModified"] = json!(d.to_string());
    }
    let authors: Vec<Value> = record
        .contributors
        .iter()
        .map(|c| json!({"@type": "Organization", "name": c.name}))
        .collect();
    if !authors.is_empty() {
        ld["author"] = json!(authors);
    }
    match &record.details {
        Details::Software(s) => {
            if let Some(r) = &s.repository {
                ld["codeRepository"] = json!(r.as_str());
            }
            if !s.programming_languages.is_empty() {
                ld["programmingLanguage"] = json!(s.programming_languages);
            }
            if let Some(v) = &s.version {
                ld["version"] = json!(v);
            }
        }
        Details::Dataset(d) => {
            if let Some(p) = &d.publisher {
                ld["publisher"] = json!({"@type": "Organization", "name": p.name});
            }
            let dist: Vec<Value> = d
                .distributions
                .iter()
                .map(|x| json!({"@type": "DataDownload", "contentUrl": x.url.as_str(), "encodingFormat": x.format}))
                .collect();
            if !dist.is_empty() {
                ld["distribution"] = json!(dist);
            }
        }
        Details::Method(m) => {
            let steps: Vec<Value> = m
                .steps
                .iter()
                .map(|s| json!({"@type": "HowToStep", "text": s}))
                .collect();
            if !steps.is_empty() {
                ld["step"] = json!(steps);
            }
        }
        Details::CulturalWork(c) => {
            let creators: Vec<Value> = c
                .creators
                .iter()
                .map(|x| json!({"@type": "Person", "name": x.name}))
                .collect();
            if !creators.is_empty() {
                ld["creator"] = json!(creators);
            }
        }
        Details::SeedLot(s) => {
            ld["category"] = json!(s.species);
        }
        Details::FermentLot(f) => {
            ld["category"] = json!(f.organism);
        }
    }
    ld.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The page of a single licence (its SPDX page, or a seed commons
/// licence's own page), or the expression itself.
fn license_url(expression: &str) -> String {
    cdl_licenses::licence(expression.trim())
        .and_then(|l| l.url)
        .unwrap_or_else(|| expression.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields (`tags`, `seed-lot.species`) a record fills in.
    fn filled(record: &Record) -> Vec<String> {
        let Ok(Value::Object(map)) = serde_json::to_value(record) else {
            panic!("a record serializes to an object");
        };
        let kind = record.kind().as_str();
        let mut out = Vec::new();
        for (key, value) in &map {
            if key == kind {
                // The unit is shown with the quantity.
                for (field, _) in value.as_object().into_iter().flatten() {
                    let field = if field == "unit" { "quantity" } else { field };
                    out.push(format!("{kind}.{field}"));
                }
            } else if !SHOWN_APART.contains(&key.as_str()) && key != "translations" {
                out.push(key.clone());
            }
        }
        out
    }

    #[test]
    fn every_field_of_every_sample_is_shown_with_its_label() {
        let mut seen = std::collections::BTreeSet::new();
        for (name, text) in crate::demo::SAMPLES {
            let record = cdl_records::parse(text, None).unwrap();
            for lang in [Lang::Fr, Lang::En] {
                let rows = rows(&record, lang);
                for field in filled(&record) {
                    assert!(
                        rows.iter().any(|r| r.key == field),
                        "{name}: {field} is not shown"
                    );
                    seen.insert(field);
                }
                for row in &rows {
                    assert_ne!(row.label, row.key, "{name}: no label for {}", row.key);
                    for item in &row.items {
                        for part in &item.parts {
                            assert!(!part.label.contains('.'), "{name}: {}", part.label);
                        }
                    }
                }
            }
        }
        assert!(seen.len() > 40, "{seen:?}");
    }

    #[test]
    fn values_in_french_words() {
        let record = cdl_records::parse(
            r#"id = "tomate"
kind = "seed-lot"
title = "Tomate"
license = "LicenseRef-OSSI-Pledge"
wikidata = "Q215051"

[seed-lot]
species = "Solanum lycopersicum"
variety = "Cœur de bœuf"
harvest_year = 2025
quantity = 100
unit = "seeds"
germination_tested = "2026-02-18"
reproduction = "self-pollinated"
"#,
            None,
        )
        .unwrap();
        let rows = rows(&record, Lang::Fr);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            &keys[..6],
            [
                "seed-lot.species",
                "seed-lot.variety",
                "seed-lot.quantity",
                "seed-lot.harvest_year",
                "seed-lot.germination_tested",
                "seed-lot.reproduction"
            ]
        );
        let text = |key: &str| {
            rows.iter().find(|r| r.key == key).unwrap().items[0]
                .text
                .clone()
        };
        assert_eq!(text("seed-lot.quantity"), "100 graines");
        assert_eq!(text("seed-lot.germination_tested"), "18 février 2026");
        assert_eq!(text("seed-lot.reproduction"), "Autogame");
        let wikidata = &rows.iter().find(|r| r.key == "wikidata").unwrap().items[0];
        assert_eq!(
            wikidata.href.as_deref(),
            Some("https://www.wikidata.org/wiki/Q215051")
        );
        assert_eq!(media_type(Lang::Fr, "image/jpeg"), "image JPEG");
        assert_eq!(size(Lang::Fr, 1_234_567), "1,2 Mo");
    }
}
