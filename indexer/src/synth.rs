//! Synthetic but realistic records, for benchmarks and load tests.
//!
//! Every kind is represented in proportions close to a real catalogue,
//! French text (with some English translations) is drawn from real
//! vocabulary with a skewed (Zipf-like) frequency, and licences follow a
//! realistic mix of free licences certified for each kind. The same seed
//! always gives the same records.

use std::collections::BTreeMap;

use cdl_records::details::{
    CulturalWork, Dataset, FermentLot, FermentUnit, Method, Organisation, SeedLot, SeedUnit,
    Software,
};
use cdl_records::values::{Amount, Date, LanguageTag};
use cdl_records::{Contributor, Details, Kind, Record, RecordId, Translation};

/// A small, fast, deterministic random generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), uniform.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        usize::try_from(self.next_u64() % n).unwrap_or(0)
    }

    /// A number in `0..n` skewed towards 0, like word frequencies.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One element of a non-empty slice, uniform.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// French words, roughly from most to least frequent in such a catalogue.
pub const FRENCH_WORDS: &[&str] = &[
    "données",
    "ville",
    "paris",
    "libre",
    "outil",
    "gestion",
    "public",
    "accès",
    "projet",
    "collection",
    "jardin",
    "semences",
    "école",
    "familles",
    "culture",
    "service",
    "musée",
    "œuvre",
    "logiciel",
    "carte",
    "quartier",
    "citoyens",
    "habitants",
    "association",
    "usage",
    "partage",
    "archive",
    "bibliothèque",
    "patrimoine",
    "photographie",
    "peinture",
    "histoire",
    "éducation",
    "enfants",
    "santé",
    "environnement",
    "énergie",
    "transport",
    "vélo",
    "eau",
    "arbres",
    "espaces",
    "verts",
    "biodiversité",
    "agriculture",
    "urbaine",
    "potager",
    "récolte",
    "variété",
    "ancienne",
    "paysanne",
    "graines",
    "levain",
    "fermentation",
    "pain",
    "fromage",
    "cuisine",
    "recette",
    "méthode",
    "protocole",
    "mesure",
    "analyse",
    "laboratoire",
    "science",
    "recherche",
    "étude",
    "qualité",
    "air",
    "bruit",
    "déchets",
    "recyclage",
    "compost",
    "collecte",
    "budget",
    "élections",
    "résultats",
    "population",
    "logement",
    "emploi",
    "entreprises",
    "commerce",
    "marché",
    "tourisme",
    "sport",
    "piscine",
    "gymnase",
    "théâtre",
    "musique",
    "concert",
    "cinéma",
    "danse",
    "littérature",
    "poésie",
    "roman",
    "manuscrit",
    "estampe",
    "sculpture",
    "dessin",
    "affiche",
    "gravure",
    "portrait",
    "paysage",
    "architecture",
    "monument",
    "église",
    "pont",
    "rue",
    "place",
    "métro",
    "gare",
    "station",
    "réseau",
    "plateforme",
    "application",
    "interface",
    "navigateur",
    "serveur",
    "base",
    "formulaire",
    "inscription",
    "cantine",
    "restauration",
    "scolaire",
    "crèche",
    "périscolaire",
    "activités",
    "loisirs",
    "calendrier",
    "agenda",
    "événements",
    "démarches",
    "administratives",
    "mairie",
    "arrondissement",
    "conseil",
    "délibérations",
    "subventions",
    "associations",
    "bénévoles",
    "solidarité",
    "handicap",
    "accessibilité",
    "seniors",
    "jeunesse",
    "formation",
    "atelier",
    "numérique",
    "inclusion",
    "traduction",
    "langue",
    "dictionnaire",
    "cartographie",
    "géographie",
    "statistiques",
    "indicateurs",
    "tableau",
    "visualisation",
    "export",
    "fichier",
    "tomate",
    "haricot",
    "courgette",
    "laitue",
    "carotte",
    "pois",
    "maïs",
    "blé",
    "seigle",
    "kéfir",
    "kombucha",
    "koji",
    "vinaigre",
    "germination",
    "conservation",
    "échange",
    "grainothèque",
    "pollinisation",
    "abeilles",
    "sol",
    "fertilité",
    "irrigation",
    "climat",
    "adaptation",
    "chaleur",
    "canicule",
    "fraîcheur",
    "îlots",
    "végétalisation",
    "toitures",
    "façades",
    "mobilier",
    "éclairage",
    "sécurité",
    "propreté",
    "voirie",
    "stationnement",
    "circulation",
    "piétons",
    "accessible",
    "gratuit",
    "ouvert",
    "collaboratif",
    "participatif",
    "municipal",
    "métropolitain",
    "régional",
    "national",
    "européen",
    "historique",
    "moderne",
    "contemporain",
    "traditionnel",
    "biologique",
    "local",
    "durable",
    "rapide",
    "simple",
];

/// English words for translations.
pub const ENGLISH_WORDS: &[&str] = &[
    "data",
    "city",
    "open",
    "free",
    "tool",
    "management",
    "public",
    "access",
    "project",
    "collection",
    "garden",
    "seeds",
    "school",
    "families",
    "culture",
    "service",
    "museum",
    "work",
    "software",
    "map",
    "neighbourhood",
    "citizens",
    "residents",
    "sharing",
    "archive",
    "library",
    "heritage",
    "photograph",
    "painting",
    "history",
    "education",
    "children",
    "health",
    "environment",
    "energy",
    "transport",
    "bicycle",
    "water",
    "trees",
    "green",
    "biodiversity",
    "agriculture",
    "urban",
    "harvest",
    "variety",
    "heirloom",
    "sourdough",
    "fermentation",
    "bread",
    "cheese",
    "recipe",
    "method",
    "protocol",
    "measurement",
    "analysis",
    "laboratory",
    "science",
    "research",
    "quality",
    "air",
    "noise",
    "waste",
    "recycling",
    "compost",
    "budget",
    "elections",
    "results",
    "housing",
    "market",
    "sport",
    "theatre",
    "music",
    "dance",
    "poetry",
    "print",
    "sculpture",
    "drawing",
    "poster",
    "portrait",
    "landscape",
    "architecture",
    "bridge",
    "street",
    "station",
    "network",
    "platform",
    "application",
    "server",
    "form",
    "registration",
    "canteen",
    "calendar",
    "events",
    "council",
    "volunteers",
    "solidarity",
    "accessibility",
    "training",
    "workshop",
    "digital",
    "statistics",
    "visualisation",
    "tomato",
    "bean",
    "lettuce",
    "carrot",
    "wheat",
    "rye",
    "kefir",
    "vinegar",
    "germination",
    "exchange",
    "pollination",
    "bees",
    "soil",
    "climate",
    "heat",
    "cooling",
    "lighting",
    "safety",
    "walking",
    "collaborative",
    "local",
];

/// Tags, as contributors write them.
pub const TAGS: &[&str] = &[
    "école",
    "jardin partagé",
    "open data",
    "culture",
    "patrimoine",
    "numérique",
    "santé",
    "éducation",
    "environnement",
    "mobilité",
    "semences paysannes",
    "alimentation",
    "biodiversité",
    "cartographie",
    "bibliothèque",
    "musée",
    "photographie",
    "peinture",
    "musique",
    "littérature",
    "citoyenneté",
    "démocratie",
    "budget participatif",
    "énergie",
    "climat",
    "eau",
    "déchets",
    "vélo",
    "logement",
    "social",
    "jeunesse",
    "seniors",
    "accessibilité",
    "sport",
    "tourisme",
    "recherche",
    "science ouverte",
    "fermentation",
    "pain",
    "agriculture urbaine",
    "famille",
    "petite enfance",
    "cantine",
    "administration",
    "géomatique",
    "statistiques",
    "transparence",
    "archives",
    "traduction",
    "formation",
];

/// Seed species with a common name and varieties.
const SPECIES: &[(&str, &str, &[&str])] = &[
    (
        "Solanum lycopersicum",
        "tomate",
        &[
            "Cœur de bœuf",
            "Noire de Crimée",
            "Marmande",
            "Rose de Berne",
            "Green Zebra",
        ],
    ),
    (
        "Phaseolus vulgaris",
        "haricot",
        &["Coco de Paimpol", "Soissons", "Beurre de Rocquencourt"],
    ),
    (
        "Lactuca sativa",
        "laitue",
        &[
            "Merveille des quatre saisons",
            "Batavia blonde",
            "Reine de mai",
        ],
    ),
    (
        "Cucurbita pepo",
        "courgette",
        &[
            "Verte des maraîchers",
            "Ronde de Nice",
            "Blanche de Virginie",
        ],
    ),
    (
        "Daucus carota",
        "carotte",
        &["Nantaise", "Jaune du Doubs", "Blanche de Küttingen"],
    ),
    (
        "Pisum sativum",
        "pois",
        &["Petit provençal", "Serpette", "Téléphone"],
    ),
    (
        "Zea mays",
        "maïs",
        &["Grand roux basque", "Popcorn", "Blanc de Bresse"],
    ),
    (
        "Capsicum annuum",
        "piment",
        &["Espelette", "Doux des Landes", "Corno di toro"],
    ),
    (
        "Allium cepa",
        "oignon",
        &["Rouge de Florence", "Jaune paille des Vertus"],
    ),
    (
        "Beta vulgaris",
        "betterave",
        &["Chioggia", "Crapaudine", "Rouge noire plate d'Égypte"],
    ),
    (
        "Brassica oleracea",
        "chou",
        &["Cœur de bœuf des Vertus", "Milan de Pontoise"],
    ),
    (
        "Raphanus sativus",
        "radis",
        &["Flamboyant", "Rond écarlate", "Noir gros rond d'hiver"],
    ),
    (
        "Spinacia oleracea",
        "épinard",
        &["Géant d'hiver", "Monstrueux de Viroflay"],
    ),
    (
        "Cucumis sativus",
        "concombre",
        &["Marketer", "Vert long maraîcher"],
    ),
    (
        "Cucurbita maxima",
        "potiron",
        &["Rouge vif d'Étampes", "Potimarron", "Galeux d'Eysines"],
    ),
    (
        "Solanum melongena",
        "aubergine",
        &["Violette de Florence", "Barbentane"],
    ),
    ("Vicia faba", "fève", &["Aguadulce", "Précoce d'Aquitaine"]),
    (
        "Triticum aestivum",
        "blé",
        &["Rouge de Bordeaux", "Blé meunier d'Apt"],
    ),
    ("Secale cereale", "seigle", &["Seigle de Bretagne"]),
    (
        "Helianthus annuus",
        "tournesol",
        &["Géant jaune", "Velours rouge"],
    ),
    (
        "Ocimum basilicum",
        "basilic",
        &["Grand vert", "Fin vert nain"],
    ),
];

/// Ferment cultures with their species.
const FERMENTS: &[(&str, &[&str])] = &[
    (
        "levain de seigle",
        &["Saccharomyces cerevisiae", "Lactobacillus sanfranciscensis"],
    ),
    (
        "levain de blé",
        &["Saccharomyces cerevisiae", "Lactobacillus plantarum"],
    ),
    (
        "grains de kéfir de lait",
        &["Lactobacillus kefiranofaciens", "Kluyveromyces marxianus"],
    ),
    ("grains de kéfir de fruits", &["Lactobacillus hilgardii"]),
    (
        "mère de kombucha",
        &["Komagataeibacter xylinus", "Brettanomyces bruxellensis"],
    ),
    ("koji", &["Aspergillus oryzae"]),
    ("mère de vinaigre", &["Acetobacter aceti"]),
];

/// Licence mixes per kind: (expression, weight).
fn licences(kind: Kind) -> &'static [(&'static str, u32)] {
    match kind {
        Kind::Software => &[
            ("MIT", 25),
            ("GPL-3.0-or-later", 18),
            ("Apache-2.0", 15),
            ("AGPL-3.0-or-later", 10),
            ("BSD-3-Clause", 8),
            ("EUPL-1.2", 6),
            ("MPL-2.0", 5),
            ("LGPL-2.1-or-later", 5),
            ("GPL-2.0-only", 4),
            ("MIT OR Apache-2.0", 4),
        ],
        Kind::CulturalWork => &[
            ("CC-BY-4.0", 35),
            ("CC-BY-SA-4.0", 30),
            ("CC0-1.0", 25),
            ("LAL-1.3", 5),
            ("CC-BY-3.0", 5),
        ],
        Kind::Method => &[
            ("CC-BY-4.0", 50),
            ("CC-BY-SA-4.0", 25),
            ("CC0-1.0", 20),
            ("GFDL-1.3-or-later", 5),
        ],
        Kind::Dataset => &[
            ("etalab-2.0", 45),
            ("ODbL-1.0", 30),
            ("CC-BY-4.0", 15),
            ("CC0-1.0", 5),
            ("PDDL-1.0", 5),
        ],
        Kind::SeedLot => &[
            ("LicenseRef-OSSI-Pledge", 55),
            ("LicenseRef-Open-Source-Seed-Licence", 35),
            ("LicenseRef-OpenMTA", 10),
        ],
        Kind::FermentLot => &[("LicenseRef-OpenMTA", 100)],
    }
}

/// Kinds and their share of the catalogue, in percent.
const KIND_SHARE: [(Kind, u64); 6] = [
    (Kind::Software, 25),
    (Kind::CulturalWork, 30),
    (Kind::Method, 8),
    (Kind::Dataset, 17),
    (Kind::SeedLot, 14),
    (Kind::FermentLot, 6),
];

fn weighted<'a>(rng: &mut Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = u32::try_from(rng.below(total as usize)).unwrap_or(0);
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    items.first().map_or("CC0-1.0", |(i, _)| i)
}

fn kind(rng: &mut Rng) -> Kind {
    let mut x = rng.next_u64() % 100;
    for (kind, share) in KIND_SHARE {
        if x < share {
            return kind;
        }
        x -= share;
    }
    Kind::Software
}

/// `n` words drawn from `words`.
fn words(rng: &mut Rng, vocabulary: &[&str], n: usize) -> Vec<String> {
    (0..n)
        .map(|_| vocabulary[rng.skewed(vocabulary.len())].to_owned())
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A sentence of `n` words, capitalised, with a full stop.
fn sentence(rng: &mut Rng, vocabulary: &[&str], n: usize) -> String {
    const LINKS: [&str; 8] = ["de", "et", "pour", "avec", "des", "du", "la", "les"];
    let mut out = String::new();
    for (i, w) in words(rng, vocabulary, n).into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
            if vocabulary == FRENCH_WORDS && rng.chance(30) {
                out.push_str(rng.pick::<&str>(&LINKS));
                out.push(' ');
            }
        }
        out.push_str(&w);
    }
    format!("{}.", capitalise(&out))
}

fn date(rng: &mut Rng, from_year: u16) -> Option<Date> {
    let year = from_year + u16::try_from(rng.below(usize::from(2026 - from_year))).unwrap_or(0);
    let month = u8::try_from(1 + rng.below(12)).unwrap_or(1);
    let day = u8::try_from(1 + rng.below(28)).unwrap_or(1);
    Date::new(year, month, day).ok()
}

fn lang(tag: &str) -> Option<LanguageTag> {
    tag.parse().ok()
}

/// The record number `n` of the catalogue made with `seed`.
pub fn record(seed: u64, n: u64) -> Record {
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ n);
    let kind = kind(&mut rng);
    let title_words = 2 + rng.below(4);
    let title = capitalise(&words(&mut rng, FRENCH_WORDS, title_words).join(" "));
    let summary_len = 8 + rng.below(10);
    let summary = sentence(&mut rng, FRENCH_WORDS, summary_len);
    let sentences = 2 + rng.below(4);
    let description = (0..sentences)
        .map(|_| {
            let len = 10 + rng.below(15);
            sentence(&mut rng, FRENCH_WORDS, len)
        })
        .collect::<Vec<_>>()
        .join(" ");
    let tags_n = rng.below(4);
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..tags_n {
        let t = TAGS[rng.skewed(TAGS.len())].to_owned();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let mut languages: Vec<LanguageTag> = Vec::new();
    if rng.chance(92) {
        languages.extend(lang("fr"));
    }
    if rng.chance(35) {
        languages.extend(lang("en"));
    }
    if rng.chance(5) {
        languages.extend(lang(rng.pick::<&str>(&["de", "es", "it", "ar", "zh"])));
    }
    let mut translations = BTreeMap::new();
    if rng.chance(30)
        && let Some(en) = lang("en")
    {
        let en_title_len = 2 + rng.below(3);
        let en_summary_len = 8 + rng.below(8);
        translations.insert(
            en,
            Translation {
                title: Some(capitalise(
                    &words(&mut rng, ENGLISH_WORDS, en_title_len).join(" "),
                )),
                summary: Some(sentence(&mut rng, ENGLISH_WORDS, en_summary_len)),
                description: None,
            },
        );
    }
    let created = date(&mut rng, 1995);
    let updated = match created {
        Some(c) if rng.chance(60) => date(&mut rng, c.year()).filter(|u| *u >= c),
        _ => None,
    };
    let contributors = if rng.chance(50) {
        vec![Contributor {
            name: format!(
                "{} {}",
                rng.pick(&[
                    "Association",
                    "Collectif",
                    "Atelier",
                    "Mairie du",
                    "Coopérative"
                ]),
                capitalise(FRENCH_WORDS[rng.skewed(FRENCH_WORDS.len())])
            ),
            role: Some("author".to_owned()),
            url: None,
        }]
    } else {
        Vec::new()
    };
    let details = details(&mut rng, kind);
    let license = weighted(&mut rng, licences(kind)).to_owned();
    let title = match &details {
        Details::SeedLot(s) => {
            let t = format!(
                "{} {}",
                capitalise(s.common_name.as_deref().unwrap_or("semence")),
                s.variety.as_deref().unwrap_or("")
            );
            t.trim().to_owned()
        }
        _ => title,
    };
    let id = id_for(&title, n);
    Record {
        id,
        title,
        title_lang: None,
        license,
        summary: Some(summary),
        description: Some(description),
        tags,
        languages,
        created,
        updated,
        wikidata: None,
        links: Vec::new(),
        contributors,
        sources: Vec::new(),
        translations,
        details,
    }
}

/// The id `<slug>-<n>`, or `record-<n>` when the slug does not fit.
fn id_for(title: &str, n: u64) -> RecordId {
    let slug = cdl_records::slugify(title);
    let slug = slug.get(..40).unwrap_or(&slug).trim_end_matches('-');
    RecordId::new(format!("{slug}-{n}")).unwrap_or_else(|_| numbered_id(n))
}

/// `record-<n>`.
#[allow(clippy::expect_used)]
fn numbered_id(n: u64) -> RecordId {
    RecordId::new(format!("record-{n}"))
        .expect("lower-case letters, a hyphen and digits form a valid id")
}

fn details(rng: &mut Rng, kind: Kind) -> Details {
    let amount = |x: f64| Amount::new(x).unwrap_or(Amount::ONE);
    match kind {
        Kind::Software => Details::Software(Software {
            programming_languages: vec![
                (*rng.pick(&[
                    "Rust",
                    "Python",
                    "JavaScript",
                    "Java",
                    "PHP",
                    "Go",
                    "C",
                    "OCaml",
                ]))
                .to_owned(),
            ],
            platforms: vec![(*rng.pick(&["web", "linux", "android", "windows"])).to_owned()],
            replaces: if rng.chance(20) {
                vec![
                    (*rng.pick(&["Microsoft Office", "Google Maps", "Slack", "Photoshop"]))
                        .to_owned(),
                ]
            } else {
                Vec::new()
            },
            ..Software::default()
        }),
        Kind::CulturalWork => Details::CulturalWork(CulturalWork {
            form: Some(
                (*rng.pick(&[
                    "painting",
                    "photograph",
                    "print",
                    "text",
                    "music",
                    "drawing",
                ]))
                .to_owned(),
            ),
            year: Some(1500 + i32::try_from(rng.below(520)).unwrap_or(0)),
            holding_institution: Some(Organisation {
                name: (*rng.pick(&[
                    "Musée Carnavalet",
                    "Petit Palais",
                    "Bibliothèque historique de la Ville de Paris",
                    "Maison de Victor Hugo",
                    "Musée Cernuschi",
                ]))
                .to_owned(),
                url: None,
            }),
            ..CulturalWork::default()
        }),
        Kind::Method => Details::Method(Method {
            disciplines: vec![
                (*rng.pick(&[
                    "agronomie",
                    "écologie",
                    "microbiologie",
                    "urbanisme",
                    "pédagogie",
                ]))
                .to_owned(),
            ],
            ..Method::default()
        }),
        Kind::Dataset => Details::Dataset(Dataset {
            publisher: Some(Organisation {
                name: (*rng.pick(&[
                    "Ville de Paris",
                    "Île-de-France Mobilités",
                    "APUR",
                    "Airparif",
                ]))
                .to_owned(),
                url: None,
            }),
            formats: vec![(*rng.pick(&["CSV", "GeoJSON", "JSON", "Parquet"])).to_owned()],
            spatial_coverage: Some("Paris".to_owned()),
            ..Dataset::default()
        }),
        Kind::SeedLot => {
            let (species, common, varieties) = SPECIES[rng.skewed(SPECIES.len())];
            Details::SeedLot(SeedLot {
                species: species.to_owned(),
                variety: Some((*rng.pick(varieties)).to_owned()),
                common_name: Some(common.to_owned()),
                harvest_year: 2015 + i32::try_from(rng.below(12)).unwrap_or(0),
                quantity: amount(1.0 + rng.below(50) as f64),
                unit: SeedUnit::Packets,
                germination_rate: Some(u8::try_from(50 + rng.below(50)).unwrap_or(80)),
                germination_tested: None,
                reproduction: None,
                origin: Some(
                    (*rng.pick(&["Île-de-France", "Bretagne", "Pays basque", "Provence"]))
                        .to_owned(),
                ),
                exchange_point: Some(format!(
                    "Grainothèque de la bibliothèque du {}e",
                    1 + rng.below(20)
                )),
                parent_lot: None,
            })
        }
        Kind::FermentLot => {
            let (organism, species) = *rng.pick(FERMENTS);
            Details::FermentLot(FermentLot {
                organism: organism.to_owned(),
                species: species.iter().map(|s| (*s).to_owned()).collect(),
                origin: None,
                substrate: None,
                quantity: amount(1.0 + rng.below(10) as f64),
                unit: FermentUnit::Portions,
                state: None,
                viable_until: None,
                care: Some("Nourrir chaque semaine avec farine et eau.".to_owned()),
                exchange_point: None,
                parent_lot: None,
            })
        }
    }
}

/// The records `0..n` of the catalogue made with `seed`.
pub fn records(seed: u64, n: u64) -> impl Iterator<Item = Record> {
    (0..n).map(move |i| record(seed, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_valid() {
        for i in 0..500 {
            let a = record(7, i);
            assert_eq!(a, record(7, i));
            if let Err(e) = cdl_records::validate(&a) {
                panic!("record {i} is invalid: {e}\n{}", cdl_records::to_toml(&a));
            }
            let cert = cdl_licenses::certify(a.kind(), &a.license);
            assert!(cert.is_certified(), "{} for {}", a.license, a.kind());
        }
        assert_ne!(record(7, 1), record(8, 1));
    }

    #[test]
    fn ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in records(1, 2_000) {
            assert!(seen.insert((r.kind(), r.id.clone())), "{}", r.id.as_str());
        }
    }
}
