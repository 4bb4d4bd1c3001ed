//! The rules a record must follow beyond its shape: lengths, single-line
//! texts, plausible years, coherent dates, no duplicates, lineage.

use std::collections::HashSet;

use crate::details::{Creator, Details, Organisation};
use crate::diagnostic::{Code, Text};
use crate::limits;
use crate::parse::{Context, Problem, Seg};
use crate::record::Record;
use crate::values::Date;

/// Limits on texts, in characters. Limits on lists are in [`limits`].
const TITLE: usize = 200;
const LINE: usize = 300;
const SUMMARY: usize = 500;
const DESCRIPTION: usize = 20_000;
const STEP: usize = 5_000;
const TAG: usize = 50;

struct Checker<'p> {
    problems: &'p mut Vec<Problem>,
    /// Today, when the caller gave it, for the rules about the future.
    today: Option<Date>,
}

macro_rules! at {
    ($($seg:expr),* $(,)?) => { vec![$(Seg::from($seg)),*] };
}

impl Checker<'_> {
    fn push(&mut self, at: Vec<Seg>, message: Text, help: Option<Text>) {
        self.problems.push(Problem {
            code: Code::InvalidValue,
            at,
            message,
            help,
        });
    }

    /// A one-line text: not blank, no surrounding spaces, no control or
    /// bidirectional-override characters, at most `max` characters.
    fn line(&mut self, at: Vec<Seg>, value: &str, max: usize) {
        self.text(at, value, max, false);
    }

    /// A text of several paragraphs: newlines and tabs allowed.
    fn para(&mut self, at: Vec<Seg>, value: &str, max: usize) {
        self.text(at, value, max, true);
    }

    fn text(&mut self, at: Vec<Seg>, value: &str, max: usize, multiline: bool) {
        if value.trim().is_empty() {
            self.push(
                at.clone(),
                Text::new("this text is empty", "ce texte est vide"),
                Some(Text::new(
                    "write something or remove the field",
                    "écrivez quelque chose ou retirez le champ",
                )),
            );
            return;
        }
        if value.trim() != value {
            self.push(
                at.clone(),
                Text::new(
                    "this text starts or ends with spaces or blank lines",
                    "ce texte commence ou finit par des espaces ou des lignes vides",
                ),
                Some(Text::new(
                    "remove the surrounding white space",
                    "retirez les espaces au début et à la fin",
                )),
            );
        }
        let bad = value.chars().find(|&c| {
            let allowed = multiline && (c == '\n' || c == '\t' || c == '\r');
            (c.is_control() && !allowed) || is_bidi_control(c)
        });
        if let Some(c) = bad {
            let help = if multiline {
                Text::new(
                    "remove control characters; only line breaks and tabs are allowed",
                    "retirez les caractères de contrôle ; seuls les retours à la ligne et les tabulations sont permis",
                )
            } else {
                Text::new(
                    "this field is one line: remove line breaks and control characters",
                    "ce champ tient sur une ligne : retirez les retours à la ligne et les caractères de contrôle",
                )
            };
            self.push(
                at.clone(),
                Text::new(
                    format!("this text contains the character U+{:04X}", c as u32),
                    format!("ce texte contient le caractère U+{:04X}", c as u32),
                ),
                Some(help),
            );
        }
        let count = value.chars().count();
        if count > max {
            self.push(
                at.clone(),
                Text::new(
                    format!("this text has {count} characters, more than the {max} allowed"),
                    format!("ce texte a {count} caractères, plus que les {max} permis"),
                ),
                Some(Text::new("shorten it", "raccourcissez-le")),
            );
        }
    }

    fn opt_line(&mut self, at: Vec<Seg>, value: Option<&String>, max: usize) {
        if let Some(v) = value {
            self.line(at, v, max);
        }
    }

    /// Checks that a list has at most `max` items, and returns the items
    /// to check further: the first `max`, so that an over-long list costs
    /// no more work (nor problems) than the longest allowed one.
    fn list<'a, T>(&mut self, at: Vec<Seg>, items: &'a [T], max: usize) -> &'a [T] {
        if items.len() > max {
            let field = dotted(&at);
            self.push(
                at,
                Text::new(
                    format!(
                        "`{field}` has {} items, more than the {max} allowed",
                        items.len()
                    ),
                    format!(
                        "« {field} » a {} éléments, plus que les {max} permis",
                        items.len()
                    ),
                ),
                Some(Text::new(
                    "keep the most significant ones",
                    "gardez les plus importants",
                )),
            );
        }
        &items[..items.len().min(max)]
    }

    /// A list of short texts without duplicates (compared without case).
    fn words(&mut self, at: Vec<Seg>, items: &[String], max_len: usize, max_items: usize) {
        let items = self.list(at.clone(), items, max_items);
        let mut seen = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let mut here = at.clone();
            here.push(Seg::Index(i));
            self.line(here.clone(), item, max_len);
            if !seen.insert(item.to_lowercase()) {
                self.push(
                    here,
                    Text::new(
                        format!("`{item}` is listed twice"),
                        format!("« {item} » figure deux fois"),
                    ),
                    Some(Text::new("remove the duplicate", "retirez le doublon")),
                );
            }
        }
    }

    fn year(&mut self, at: Vec<Seg>, year: i32, min: i32, max: i32) {
        if !(min..=max).contains(&year) {
            self.push(
                at.clone(),
                Text::new(
                    format!("the year {year} is outside {min} to {max}"),
                    format!("l’année {year} n’est pas entre {min} et {max}"),
                ),
                Some(Text::new("check the year", "vérifiez l’année")),
            );
        }
    }

    fn organisation(&mut self, at: Vec<Seg>, org: &Organisation) {
        let mut here = at.clone();
        here.push("name".into());
        self.line(here, &org.name, LINE);
    }

    fn creator(&mut self, at: Vec<Seg>, c: &Creator) {
        let mut here = at.clone();
        here.push("name".into());
        self.line(here, &c.name, LINE);
        let mut here = at.clone();
        here.push("role".into());
        self.opt_line(here, c.role.as_ref(), TAG);
        for (field, year) in [("born", c.born), ("died", c.died)] {
            if let Some(y) = year {
                let mut here = at.clone();
                here.push(field.into());
                self.year(here, y, -5000, 2100);
            }
        }
        if let (Some(born), Some(died)) = (c.born, c.died)
            && died < born
        {
            let mut here = at.clone();
            here.push("died".into());
            self.push(
                here,
                Text::new(
                    format!("died in {died}, before being born in {born}"),
                    format!("décès en {died}, avant la naissance en {born}"),
                ),
                Some(Text::new("check the years", "vérifiez les années")),
            );
        }
    }
}

/// A key path as written in TOML: `software.used_by`, `steps.3`.
fn dotted(at: &[Seg]) -> String {
    let parts: Vec<String> = at
        .iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".")
}

/// Unicode characters that reorder displayed text ("Trojan Source"): never
/// legitimate in catalogue metadata.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Checks every rule and appends what is broken to `problems`.
pub(crate) fn check(r: &Record, context: &Context, problems: &mut Vec<Problem>) {
    let mut c = Checker {
        problems,
        today: context.today,
    };
    c.line(at!["title"], &r.title, TITLE);
    c.line(at!["license"], &r.license, LINE);
    c.opt_line(at!["summary"], r.summary.as_ref(), SUMMARY);
    if let Some(d) = &r.description {
        c.para(at!["description"], d, DESCRIPTION);
    }
    c.words(at!["tags"], &r.tags, TAG, limits::TAGS);
    let languages = c.list(at!["languages"], &r.languages, limits::LANGUAGES);
    let mut seen = HashSet::new();
    for (i, l) in languages.iter().enumerate() {
        if !seen.insert(l) {
            c.push(
                at!["languages", i],
                Text::new(
                    format!("`{l}` is listed twice"),
                    format!("« {l} » figure deux fois"),
                ),
                Some(Text::new("remove the duplicate", "retirez le doublon")),
            );
        }
    }
    if let (Some(created), Some(updated)) = (r.created, r.updated)
        && updated < created
    {
        c.push(
            at!["updated"],
            Text::new(
                format!("updated on {updated}, before being created on {created}"),
                format!("mise à jour le {updated}, avant la création le {created}"),
            ),
            Some(Text::new("check the dates", "vérifiez les dates")),
        );
    }
    let links = c.list(at!["links"], &r.links, limits::LINKS);
    for (i, l) in links.iter().enumerate() {
        c.opt_line(at!["links", i, "title"], l.title.as_ref(), LINE);
    }
    let contributors = c.list(at!["contributors"], &r.contributors, limits::CONTRIBUTORS);
    for (i, p) in contributors.iter().enumerate() {
        c.line(at!["contributors", i, "name"], &p.name, LINE);
        c.opt_line(at!["contributors", i, "role"], p.role.as_ref(), TAG);
    }
    let sources = c.list(at!["sources"], &r.sources, limits::SOURCES);
    for (i, s) in sources.iter().enumerate() {
        c.line(at!["sources", i, "name"], &s.name, LINE);
        c.opt_line(at!["sources", i, "license"], s.license.as_ref(), LINE);
    }
    let translations: Vec<_> = r.translations.iter().collect();
    let translations = c.list(at!["translations"], &translations, limits::TRANSLATIONS);
    for &(lang, t) in translations {
        let key = lang.as_str();
        if t.title.is_none() && t.summary.is_none() && t.description.is_none() {
            c.push(
                at!["translations", key],
                Text::new(
                    format!("the `{key}` translation is empty"),
                    format!("la traduction « {key} » est vide"),
                ),
                Some(Text::new(
                    "give at least a title, a summary or a description, or remove it",
                    "donnez au moins un titre, un résumé ou une description, ou retirez-la",
                )),
            );
        }
        c.opt_line(at!["translations", key, "title"], t.title.as_ref(), TITLE);
        c.opt_line(
            at!["translations", key, "summary"],
            t.summary.as_ref(),
            SUMMARY,
        );
        if let Some(d) = &t.description {
            c.para(at!["translations", key, "description"], d, DESCRIPTION);
        }
    }
    check_details(&mut c, r);
}

fn check_details(c: &mut Checker<'_>, r: &Record) {
    let table = r.kind().as_str();
    match &r.details {
        Details::Software(s) => {
            c.opt_line(at![table, "version"], s.version.as_ref(), TAG);
            c.words(
                at![table, "programming_languages"],
                &s.programming_languages,
                TAG,
                limits::PROGRAMMING_LANGUAGES,
            );
            c.words(
                at![table, "platforms"],
                &s.platforms,
                TAG,
                limits::PLATFORMS,
            );
            let used_by = c.list(at![table, "used_by"], &s.used_by, limits::USED_BY);
            for (i, o) in used_by.iter().enumerate() {
                c.organisation(at![table, "used_by", i], o);
            }
            c.words(at![table, "replaces"], &s.replaces, LINE, limits::REPLACES);
            c.words(
                at![table, "dependencies"],
                &s.dependencies,
                LINE,
                limits::DEPENDENCIES,
            );
        }
        Details::CulturalWork(w) => {
            let creators = c.list(at![table, "creators"], &w.creators, limits::CREATORS);
            for (i, p) in creators.iter().enumerate() {
                c.creator(at![table, "creators", i], p);
            }
            c.opt_line(at![table, "form"], w.form.as_ref(), TAG);
            c.opt_line(at![table, "period"], w.period.as_ref(), LINE);
            if let Some(y) = w.year {
                c.year(at![table, "year"], y, -50_000, 2100);
            }
            c.opt_line(at![table, "medium"], w.medium.as_ref(), LINE);
            c.opt_line(at![table, "dimensions"], w.dimensions.as_ref(), LINE);
            if let Some(o) = &w.holding_institution {
                c.organisation(at![table, "holding_institution"], o);
            }
            c.opt_line(
                at![table, "accession_number"],
                w.accession_number.as_ref(),
                TAG,
            );
            let media = c.list(at![table, "media"], &w.media, limits::MEDIA);
            for (i, m) in media.iter().enumerate() {
                c.opt_line(
                    at![table, "media", i, "media_type"],
                    m.media_type.as_ref(),
                    TAG,
                );
                c.opt_line(at![table, "media", i, "alt"], m.alt.as_ref(), SUMMARY);
                c.opt_line(at![table, "media", i, "credit"], m.credit.as_ref(), LINE);
                c.opt_line(at![table, "media", i, "license"], m.license.as_ref(), LINE);
            }
        }
        Details::Method(m) => {
            c.words(
                at![table, "disciplines"],
                &m.disciplines,
                TAG,
                limits::DISCIPLINES,
            );
            c.opt_line(at![table, "version"], m.version.as_ref(), TAG);
            c.words(
                at![table, "materials"],
                &m.materials,
                LINE,
                limits::MATERIALS,
            );
            let steps = c.list(at![table, "steps"], &m.steps, limits::STEPS);
            for (i, s) in steps.iter().enumerate() {
                c.para(at![table, "steps", i], s, STEP);
            }
            let references = c.list(at![table, "references"], &m.references, limits::REFERENCES);
            for (i, r) in references.iter().enumerate() {
                c.line(
                    at![table, "references", i, "citation"],
                    &r.citation,
                    SUMMARY,
                );
            }
        }
        Details::Dataset(d) => {
            if let Some(o) = &d.publisher {
                c.organisation(at![table, "publisher"], o);
            }
            c.words(at![table, "formats"], &d.formats, TAG, limits::FORMATS);
            c.opt_line(
                at![table, "spatial_coverage"],
                d.spatial_coverage.as_ref(),
                LINE,
            );
            if let (Some(start), Some(end)) = (d.temporal_start, d.temporal_end)
                && end < start
            {
                c.push(
                    at![table, "temporal_end"],
                    Text::new(
                        format!("the coverage ends on {end}, before it starts on {start}"),
                        format!(
                            "la période couverte finit le {end}, avant de commencer le {start}"
                        ),
                    ),
                    Some(Text::new("check the dates", "vérifiez les dates")),
                );
            }
            let distributions = c.list(
                at![table, "distributions"],
                &d.distributions,
                limits::DISTRIBUTIONS,
            );
            for (i, x) in distributions.iter().enumerate() {
                c.opt_line(
                    at![table, "distributions", i, "format"],
                    x.format.as_ref(),
                    TAG,
                );
                c.opt_line(
                    at![table, "distributions", i, "title"],
                    x.title.as_ref(),
                    LINE,
                );
            }
        }
        Details::SeedLot(s) => {
            c.line(at![table, "species"], &s.species, LINE);
            c.opt_line(at![table, "variety"], s.variety.as_ref(), LINE);
            c.opt_line(at![table, "common_name"], s.common_name.as_ref(), LINE);
            c.year(at![table, "harvest_year"], s.harvest_year, 1900, 2100);
            if let Some(today) = c.today {
                let this_year = i32::from(today.year());
                if s.harvest_year > this_year && s.harvest_year <= 2100 {
                    c.push(
                        at![table, "harvest_year"],
                        Text::new(
                            format!(
                                "the harvest year {} is after this year ({this_year})",
                                s.harvest_year
                            ),
                            format!(
                                "l’année de récolte {} est après l’année en cours ({this_year})",
                                s.harvest_year
                            ),
                        ),
                        Some(Text::new(
                            "give the year the seeds were harvested",
                            "indiquez l’année où les graines ont été récoltées",
                        )),
                    );
                }
                if let Some(tested) = s.germination_tested
                    && tested > today
                {
                    c.push(
                        at![table, "germination_tested"],
                        Text::new(
                            format!("the germination test date {tested} is in the future"),
                            format!("la date du test de germination, {tested}, est dans le futur"),
                        ),
                        Some(Text::new(
                            "give the date the test was made",
                            "indiquez la date à laquelle le test a été fait",
                        )),
                    );
                }
            }
            if let Some(rate) = s.germination_rate
                && rate > 100
            {
                c.push(
                    at![table, "germination_rate"],
                    Text::new(
                        format!("a germination rate of {rate}% is impossible"),
                        format!("un taux de germination de {rate} % est impossible"),
                    ),
                    Some(Text::new(
                        "give a percentage from 0 to 100",
                        "donnez un pourcentage de 0 à 100",
                    )),
                );
            }
            c.opt_line(at![table, "origin"], s.origin.as_ref(), LINE);
            c.opt_line(
                at![table, "exchange_point"],
                s.exchange_point.as_ref(),
                LINE,
            );
            lineage(c, r, table, s.parent_lot.as_ref());
        }
        Details::FermentLot(f) => {
            c.line(at![table, "organism"], &f.organism, LINE);
            c.words(
                at![table, "species"],
                &f.species,
                LINE,
                limits::FERMENT_SPECIES,
            );
            c.opt_line(at![table, "origin"], f.origin.as_ref(), LINE);
            c.opt_line(at![table, "substrate"], f.substrate.as_ref(), LINE);
            if let Some(care) = &f.care {
                c.para(at![table, "care"], care, STEP);
            }
            c.opt_line(
                at![table, "exchange_point"],
                f.exchange_point.as_ref(),
                LINE,
            );
            lineage(c, r, table, f.parent_lot.as_ref());
        }
    }
}

fn lineage(c: &mut Checker<'_>, r: &Record, table: &str, parent: Option<&crate::id::RecordId>) {
    if parent == Some(&r.id) {
        c.push(
            at![table, "parent_lot"],
            Text::new(
                "a lot cannot be its own parent",
                "un lot ne peut pas être issu de lui-même",
            ),
            Some(Text::new(
                "name the lot this one was grown from, or remove `parent_lot`",
                "indiquez le lot dont celui-ci est issu, ou retirez « parent_lot »",
            )),
        );
    }
}
