//! publiccode.yml in and out: the validation rules of the reference parser
//! (publiccode-parser-go) for versions 0.x, the mapping to a `software`
//! record, and the export of a record back to publiccode.yml.
//!
//! Checks that need the network (that `url` answers, that a logo at an
//! HTTP address exists, that a video has an oEmbed endpoint) are not made:
//! the importer judges the file alone, plus the files it names beside it.

use std::collections::BTreeMap;
use std::path::Path;

use cdl_records::details::{DevelopmentStatus, Maintenance, Organisation, Software};
use cdl_records::values::{Date, LanguageTag, WebUrl};
use cdl_records::{Contributor, Details, Link, LinkRel, Record, RecordId, Source, Translation};

use crate::yaml::{self, Node, Value};

/// The `publiccodeYmlVersion` values the reference parser accepts.
pub const SUPPORTED_VERSIONS: &[&str] = &[
    "0", "0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0",
];

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file is refused.
    Error,
    /// The file is accepted; the key should be fixed.
    Warning,
}

/// One problem found in a publiccode.yml file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// The key path, as the reference parser names it: `description.en.features`, `usedBy[0]`.
    pub key: String,
    /// The line (1-based; 0 when the key is absent from the file).
    pub line: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        };
        if self.key.is_empty() {
            write!(f, "ligne {} : {level} : {}", self.line, self.message)
        } else {
            write!(
                f,
                "ligne {} : {level} : {} : {}",
                self.line, self.key, self.message
            )
        }
    }
}

/// A publiccode.yml file that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("publiccode.yml refusé ({} erreur(s)) : {}", .issues.iter().filter(|i| i.severity == Severity::Error).count(), first_error(.issues))]
pub struct Invalid {
    /// Every issue found, errors and warnings, in file order.
    pub issues: Vec<Issue>,
}

fn first_error(issues: &[Issue]) -> String {
    issues
        .iter()
        .find(|i| i.severity == Severity::Error)
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// One language's description.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Description {
    /// Localised name.
    pub localised_name: Option<String>,
    /// Generic name ("Wiki", "Tableur").
    pub generic_name: Option<String>,
    /// One-sentence description.
    pub short_description: Option<String>,
    /// Long description.
    pub long_description: Option<String>,
    /// User documentation address.
    pub documentation: Option<String>,
    /// API documentation address.
    pub api_documentation: Option<String>,
    /// Features.
    pub features: Vec<String>,
}

/// A dependency named under `dependsOn`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// `open`, `proprietary` or `hardware`.
    pub group: String,
    /// Its name.
    pub name: String,
    /// Version constraints as written (`version`, `versionMin`, `versionMax`).
    pub version: Option<String>,
    /// Whether it is optional.
    pub optional: bool,
}

/// What a valid publiccode.yml says, as far as the importer uses it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublicCode {
    /// `publiccodeYmlVersion`.
    pub version: String,
    /// `name`.
    pub name: String,
    /// `url`: the code repository.
    pub url: String,
    /// `landingURL`.
    pub landing_url: Option<String>,
    /// `softwareVersion`.
    pub software_version: Option<String>,
    /// `releaseDate`.
    pub release_date: Option<String>,
    /// `logo`, as written (relative path or address).
    pub logo: Option<String>,
    /// `platforms`.
    pub platforms: Vec<String>,
    /// `categories`.
    pub categories: Vec<String>,
    /// `usedBy`.
    pub used_by: Vec<String>,
    /// `roadmap`.
    pub roadmap: Option<String>,
    /// `developmentStatus`.
    pub development_status: String,
    /// `softwareType`.
    pub software_type: String,
    /// `description`, by language.
    pub description: BTreeMap<String, Description>,
    /// `legal.license`.
    pub license: String,
    /// `legal.mainCopyrightOwner`.
    pub main_copyright_owner: Option<String>,
    /// `legal.repoOwner`.
    pub repo_owner: Option<String>,
    /// `maintenance.type`.
    pub maintenance: String,
    /// `maintenance.contractors[].name` with their website.
    pub contractors: Vec<(String, Option<String>)>,
    /// `localisation.availableLanguages`.
    pub available_languages: Vec<String>,
    /// `dependsOn`.
    pub depends_on: Vec<Dependency>,
    /// `organisation.name` and `organisation.uri`.
    pub organisation: Option<(Option<String>, String)>,
}

/// Reads and validates a publiccode.yml file. `base` is the folder that
/// relative paths (logo, screenshots, authors file) resolve against; with
/// `None` they are not checked.
///
/// # Errors
/// [`Invalid`] with every issue when the reference parser would refuse the
/// file. Warnings alone do not refuse it; they come back with the value.
pub fn parse(bytes: &[u8], base: Option<&Path>) -> Result<(PublicCode, Vec<Issue>), Invalid> {
    let mut v = Validator {
        issues: Vec::new(),
        base,
        out: PublicCode::default(),
    };
    v.document(bytes);
    if v.issues.iter().any(|i| i.severity == Severity::Error) {
        return Err(Invalid { issues: v.issues });
    }
    Ok((v.out, v.issues))
}

struct Validator<'a> {
    issues: Vec<Issue>,
    base: Option<&'a Path>,
    out: PublicCode,
}

/// The mapping's entries by key, keeping the key's line.
type Fields<'n> = Vec<(&'n str, usize, &'n Node)>;

fn fields(entries: &[(String, usize, Node)]) -> Fields<'_> {
    entries
        .iter()
        .map(|(k, l, n)| (k.as_str(), *l, n))
        .collect()
}

fn get<'n>(f: &Fields<'n>, key: &str) -> Option<(usize, &'n Node)> {
    f.iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, l, n)| (*l, *n))
}

const CATEGORIES: &[&str] = &[
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "design",
    "design-system",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "educational-content",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fundraising",
    "gamification",
    "geographic-information-systems",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "identity-management",
    "instant-messaging",
    "integrated-library-system",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "other",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "regulations-and-directives",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "website-builder",
    "whistleblowing",
    "workflow-management",
];

const SCOPES: &[&str] = &[
    "agriculture",
    "culture",
    "defence",
    "education",
    "emergency-services",
    "employment",
    "energy",
    "environment",
    "finance-and-economic-development",
    "foreign-affairs",
    "government",
    "healthcare",
    "infrastructures",
    "justice",
    "local-authorities",
    "manufacturing",
    "research",
    "science-and-technology",
    "security",
    "society",
    "sport",
    "tourism",
    "transportation",
    "welfare",
];

const SOFTWARE_TYPES: &[&str] = &[
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
];

/// The aliases of the standard's catalogue of supported services.
const SUPPORT_ALIASES: &[&str] = &[
    "gdpr",
    "spid",
    "cie",
    "pagopa",
    "io",
    "anpr",
    "eidas",
    "eu-vat",
    "eu-edelivery",
];

/// Three-letter ISO 639 language codes in use where no two-letter one exists.
const LANGUAGES_639_3: &[&str] = &[
    "ast", "fil", "haw", "fur", "lld", "sc", "scn", "vec", "lij", "nap", "oci", "frp", "gsw",
    "nds", "yue", "cmn",
];

const DEVELOPMENT_STATUSES: &[&str] = &["concept", "development", "beta", "stable", "obsolete"];

/// ISO 3166-1 alpha-2 codes.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

const IPA_CODES: &str = include_str!("../data/ipa_codes.txt");

fn ipa_code_known(code: &str) -> bool {
    IPA_CODES
        .lines()
        .any(|l| l.trim().eq_ignore_ascii_case(code))
}

fn http_url(s: &str) -> bool {
    url::Url::parse(s)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

fn any_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| {
        !u.scheme().is_empty()
            && (u.host_str().is_some() || u.scheme() == "urn" || !u.path().is_empty())
    })
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<Date>().is_ok()
}

/// A BCP 47 tag, checked for shape: a 2–3 letter language subtag, then
/// script, region and variant subtags of the right sizes.
fn bcp47(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(lang) = parts.next() else {
        return false;
    };
    if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    if lang.len() == 3 && !LANGUAGES_639_3.contains(&lang) {
        return false;
    }
    parts.all(|p| {
        (p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic()))
            || (p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()))
            || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
            || ((5..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
    })
}

fn mime_type(s: &str) -> bool {
    let Some((top, sub)) = s.split_once('/') else {
        return false;
    };
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    let top_ok = matches!(
        top,
        "application"
            | "audio"
            | "font"
            | "image"
            | "message"
            | "model"
            | "multipart"
            | "text"
            | "video"
    );
    top_ok && token(sub.split(';').next().unwrap_or_default().trim())
}

fn email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(' ')
        && !domain.contains('@')
}

fn graphemes(s: &str) -> usize {
    // Combining marks (U+0300–U+036F and the other combining blocks) do not
    // start a new character, as the reference counts grapheme clusters.
    s.chars()
        .filter(|c| {
            let u = u32::from(*c);
            !((0x300..=0x36F).contains(&u)
                || (0x1AB0..=0x1AFF).contains(&u)
                || (0x1DC0..=0x1DFF).contains(&u)
                || (0x20D0..=0x20FF).contains(&u)
                || (0xFE20..=0xFE2F).contains(&u)
                || u == 0x200D
                || (0xFE00..=0xFE0F).contains(&u)
                || (0x1F3FB..=0x1F3FF).contains(&u))
        })
        .count()
}

/// The video hosts whose addresses have an oEmbed endpoint.
const VIDEO_HOSTS: &[&str] = &[
    "youtube.com",
    "www.youtube.com",
    "youtu.be",
    "m.youtube.com",
    "vimeo.com",
    "www.vimeo.com",
    "player.vimeo.com",
    "dailymotion.com",
    "www.dailymotion.com",
    "dai.ly",
    "peertube",
];

impl Validator<'_> {
    fn error(&mut self, key: &str, line: usize, message: impl Into<String>) {
        self.issues.push(Issue {
            severity: Severity::Error,
            key: key.to_owned(),
            line,
            message: message.into(),
        });
    }

    fn warning(&mut self, key: &str, line: usize, message: impl Into<String>) {
        self.issues.push(Issue {
            severity: Severity::Warning,
            key: key.to_owned(),
            line,
            message: message.into(),
        });
    }

    fn wrong_type(&mut self, key: &str, line: usize, expected: &str) {
        self.error(
            key,
            line,
            format!("mauvais type pour ce champ : {expected} attendu"),
        );
    }

    fn required(&mut self, key: &str, line: usize) {
        let short = key.rsplit('.').next().unwrap_or(key);
        self.error(key, line, format!("{short} est obligatoire : ajoutez-le"));
    }

    /// A string field: `None` when absent or null, an error when not a scalar.
    fn string(&mut self, key: &str, node: Option<(usize, &Node)>) -> Option<String> {
        let (_, n) = node?;
        match &n.value {
            Value::Null => None,
            Value::Text(_) | Value::Number(_) | Value::Bool(_) => n.scalar(),
            _ => {
                self.wrong_type(key, n.line, "un texte");
                None
            }
        }
    }

    fn required_string(
        &mut self,
        key: &str,
        node: Option<(usize, &Node)>,
        parent_line: usize,
    ) -> Option<String> {
        let line = node.map_or(parent_line, |(l, _)| l);
        let s = self.string(key, node);
        match s {
            Some(s) if !s.is_empty() => Some(s),
            _ => {
                self.required(key, line);
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, node: Option<(usize, &Node)>) -> Option<bool> {
        let (_, n) = node?;
        match n.value {
            Value::Bool(b) => Some(b),
            Value::Null => None,
            _ => {
                self.wrong_type(key, n.line, "true ou false");
                None
            }
        }
    }

    /// A list of strings; a single string is taken as a list of one where
    /// the reference allows it (`allow_one`).
    fn strings(
        &mut self,
        key: &str,
        node: Option<(usize, &Node)>,
        allow_one: bool,
    ) -> Option<Vec<(usize, String)>> {
        let (_, n) = node?;
        match &n.value {
            Value::Null => None,
            Value::Seq(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.scalar() {
                        Some(s) => out.push((item.line, s)),
                        None => self.wrong_type(&format!("{key}[{i}]"), item.line, "un texte"),
                    }
                }
                Some(out)
            }
            Value::Text(_) | Value::Number(_) if allow_one => n.scalar().map(|s| vec![(n.line, s)]),
            Value::Map(entries) => {
                let sub = entries
                    .first()
                    .map_or(String::new(), |(k, _, _)| format!(".{k}"));
                self.wrong_type(&format!("{key}{sub}"), n.line, "une liste");
                None
            }
            _ => {
                self.wrong_type(key, n.line, "une liste");
                None
            }
        }
    }

    fn map<'n>(
        &mut self,
        key: &str,
        node: Option<(usize, &'n Node)>,
    ) -> Option<(usize, Fields<'n>)> {
        let (_, n) = node?;
        match &n.value {
            Value::Map(entries) => Some((n.line, fields(entries))),
            Value::Null => None,
            _ => {
                self.wrong_type(key, n.line, "une table de clés");
                None
            }
        }
    }

    fn unknown_keys(&mut self, prefix: &str, f: &Fields<'_>, known: &[&str]) {
        for (k, line, _) in f {
            if !known.contains(k) {
                let key = if prefix.is_empty() {
                    (*k).to_owned()
                } else {
                    format!("{prefix}.{k}")
                };
                self.error(&key, *line, format!("champ inconnu « {k} » : vérifiez son orthographe (majuscules comprises) ou retirez-le"));
            }
        }
    }

    fn document(&mut self, bytes: &[u8]) {
        let Ok(text) = std::str::from_utf8(bytes) else {
            self.error(
                "",
                0,
                "le fichier n'est pas en UTF-8 valide : enregistrez-le en UTF-8",
            );
            return;
        };
        let root = match yaml::parse(text) {
            Ok(root) => root,
            Err(e) => {
                self.error("", e.line, format!("YAML illisible : {}", e.message));
                return;
            }
        };
        let Value::Map(entries) = &root.value else {
            self.error(
                "",
                root.line,
                "le fichier doit être une table de clés YAML (publiccodeYmlVersion, name, url...)",
            );
            return;
        };
        let f = fields(entries);
        self.unknown_keys(
            "",
            &f,
            &[
                "publiccodeYmlVersion",
                "name",
                "applicationSuite",
                "url",
                "landingURL",
                "isBasedOn",
                "softwareVersion",
                "releaseDate",
                "logo",
                "monochromeLogo",
                "inputTypes",
                "outputTypes",
                "platforms",
                "categories",
                "usedBy",
                "roadmap",
                "developmentStatus",
                "softwareType",
                "intendedAudience",
                "description",
                "legal",
                "maintenance",
                "localisation",
                "dependsOn",
                "it",
                "IT",
                "organisation",
                "fundedBy",
                "supports",
            ],
        );
        // Version first: files of an unsupported version are refused whole.
        match get(&f, "publiccodeYmlVersion") {
            None => {
                self.required("publiccodeYmlVersion", 0);
                return;
            }
            Some(node) => match self.string("publiccodeYmlVersion", Some(node)) {
                Some(v) if SUPPORTED_VERSIONS.contains(&v.as_str()) => self.out.version = v,
                Some(v) => {
                    self.error(
                        "publiccodeYmlVersion",
                        0,
                        format!(
                            "version « {v} » non prise en charge : versions acceptées {}",
                            SUPPORTED_VERSIONS.join(", ")
                        ),
                    );
                    return;
                }
                None => {
                    if node.1.is_null() {
                        self.required("publiccodeYmlVersion", node.0);
                    }
                    return;
                }
            },
        }
        let top = root.line.max(1);
        if let Some(name) = self.required_string("name", get(&f, "name"), top) {
            self.out.name = name;
        }
        self.string("applicationSuite", get(&f, "applicationSuite"));
        if let Some(url) = self.required_string("url", get(&f, "url"), top) {
            if !any_url(&url) {
                self.error(
                    "url",
                    get(&f, "url").map_or(0, |n| n.0),
                    "url doit être l'adresse valide du dépôt de code",
                );
            }
            self.out.url = url;
        }
        self.out.landing_url = self.http("landingURL", get(&f, "landingURL"));
        if let Some(list) = self.strings("isBasedOn", get(&f, "isBasedOn"), true) {
            for (i, (line, u)) in list.iter().enumerate() {
                if !any_url(u) {
                    self.error(
                        &format!("isBasedOn[{i}]"),
                        *line,
                        format!("isBasedOn[{i}] doit être une adresse valide"),
                    );
                }
            }
        }
        self.out.software_version = self.string("softwareVersion", get(&f, "softwareVersion"));
        if let Some(node) = get(&f, "releaseDate") {
            match self.string("releaseDate", Some(node)) {
                Some(d) if is_date(&d) => self.out.release_date = Some(d),
                Some(_) => self.error(
                    "releaseDate",
                    node.0,
                    "releaseDate doit être une date AAAA-MM-JJ",
                ),
                None if node.1.is_null() => self.error(
                    "releaseDate",
                    node.0,
                    "releaseDate doit être une date AAAA-MM-JJ",
                ),
                None => {}
            }
        }
        self.out.logo = self.image("logo", get(&f, "logo"));
        self.image("monochromeLogo", get(&f, "monochromeLogo"));
        for key in ["inputTypes", "outputTypes"] {
            if let Some(list) = self.strings(key, get(&f, key), false) {
                for (i, (line, m)) in list.iter().enumerate() {
                    if !mime_type(m) {
                        self.error(
                            &format!("{key}[{i}]"),
                            *line,
                            format!("{key}[{i}] n'est pas un type MIME valide"),
                        );
                    }
                }
            }
        }
        let platforms = self
            .strings("platforms", get(&f, "platforms"), false)
            .unwrap_or_default();
        if platforms.is_empty() {
            self.error(
                "platforms",
                get(&f, "platforms").map_or(top, |n| n.0),
                "platforms doit contenir au moins une plateforme (web, linux, windows...)",
            );
        }
        self.out.platforms = platforms.into_iter().map(|(_, p)| p).collect();
        if let Some(list) = self.strings("categories", get(&f, "categories"), false) {
            for (i, (line, c)) in list.iter().enumerate() {
                if !CATEGORIES.contains(&c.as_str()) {
                    self.error(&format!("categories[{i}]"), *line, format!("categories[{i}] « {c} » n'est pas une catégorie de la liste publiccode.yml"));
                }
            }
            self.out.categories = list.into_iter().map(|(_, c)| c).collect();
        }
        if let Some(list) = self.strings("usedBy", get(&f, "usedBy"), false) {
            self.out.used_by = list.into_iter().map(|(_, u)| u).collect();
        }
        self.out.roadmap = self.http("roadmap", get(&f, "roadmap"));
        if let Some(s) =
            self.required_string("developmentStatus", get(&f, "developmentStatus"), top)
        {
            if DEVELOPMENT_STATUSES.contains(&s.as_str()) {
                self.out.development_status = s;
            } else {
                self.error(
                    "developmentStatus",
                    get(&f, "developmentStatus").map_or(0, |n| n.0),
                    "developmentStatus doit valoir concept, development, beta, stable ou obsolete",
                );
            }
        }
        if let Some(s) = self.required_string("softwareType", get(&f, "softwareType"), top) {
            if SOFTWARE_TYPES.contains(&s.as_str()) {
                self.out.software_type = s;
            } else {
                self.error(
                    "softwareType",
                    get(&f, "softwareType").map_or(0, |n| n.0),
                    format!(
                        "softwareType doit valoir l'un de : {}",
                        SOFTWARE_TYPES.join(", ")
                    ),
                );
            }
        }
        self.audience(get(&f, "intendedAudience"));
        self.descriptions(get(&f, "description"), top);
        self.legal(get(&f, "legal"));
        self.maintenance(get(&f, "maintenance"), top);
        self.localisation(get(&f, "localisation"), top);
        self.depends_on(get(&f, "dependsOn"));
        self.organisation(get(&f, "organisation"));
        self.funded_by(get(&f, "fundedBy"));
        self.supports(get(&f, "supports"));
        let it = get(&f, "it");
        let big_it = get(&f, "IT");
        if let (Some(_), Some((line, _))) = (big_it, it) {
            self.error(
                "it",
                line,
                "la clé « IT » est déjà présente : retirez l'une des deux",
            );
        }
        if let Some(node) = it {
            self.italy("it", Some(node));
            self.warning(
                "it",
                node.0,
                "la clé « it » en minuscules est dépréciée : écrivez « IT »",
            );
        }
        if let Some(node) = big_it {
            self.italy("IT", Some(node));
        }
    }

    fn http(&mut self, key: &str, node: Option<(usize, &Node)>) -> Option<String> {
        let s = self.string(key, node)?;
        if http_url(&s) {
            Some(s)
        } else {
            self.error(
                key,
                node.map_or(0, |n| n.0),
                format!("{key} doit être une adresse HTTP(S)"),
            );
            None
        }
    }

    fn image(&mut self, key: &str, node: Option<(usize, &Node)>) -> Option<String> {
        let line = node.map_or(0, |n| n.0);
        let s = self.string(key, node)?;
        self.file_or_url(key, line, &s, &["svg", "png", "jpg", "jpeg"], true)
            .then_some(s)
    }

    /// Checks a relative path or HTTP(S) address; true when acceptable.
    fn file_or_url(
        &mut self,
        key: &str,
        line: usize,
        s: &str,
        extensions: &[&str],
        image: bool,
    ) -> bool {
        if s.starts_with("file:") {
            self.error(key, line, "adresse file:// refusée : seuls les chemins relatifs et les adresses HTTP(S) sont permis");
            return false;
        }
        if http_url(s) {
            return true;
        }
        if s.starts_with('/') || Path::new(s).is_absolute() {
            self.error(key, line, "chemin absolu refusé : seuls les chemins relatifs et les adresses HTTP(S) sont permis");
            return false;
        }
        if !extensions.is_empty() {
            let ext = Path::new(s)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !extensions.contains(&ext.as_str()) {
                self.error(
                    key,
                    line,
                    format!(
                        "extension de fichier refusée pour {s} : {} attendu",
                        extensions.join(", ")
                    ),
                );
                return false;
            }
        }
        let Some(base) = self.base else { return true };
        let path = base.join(s);
        match std::fs::read(&path) {
            Err(_) => {
                self.error(
                    key,
                    line,
                    format!(
                        "fichier introuvable : {s} (chemin relatif au dossier du publiccode.yml)"
                    ),
                );
                false
            }
            Ok(bytes) => {
                let is_png = s.to_ascii_lowercase().ends_with(".png");
                if image && is_png && !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
                    self.error(key, line, format!("{s} n'est pas une image PNG lisible"));
                    return false;
                }
                true
            }
        }
    }

    fn audience(&mut self, node: Option<(usize, &Node)>) {
        let Some((_, f)) = self.map("intendedAudience", node) else {
            return;
        };
        self.unknown_keys(
            "intendedAudience",
            &f,
            &["countries", "unsupportedCountries", "scope"],
        );
        for key in ["countries", "unsupportedCountries"] {
            let full = format!("intendedAudience.{key}");
            if let Some(list) = self.strings(&full, get(&f, key), false) {
                for (i, (line, c)) in list.iter().enumerate() {
                    let upper = c.to_ascii_uppercase();
                    if c.len() != 2 || !COUNTRIES.split(' ').any(|k| k == upper) {
                        self.error(
                            &format!("{full}[{i}]"),
                            *line,
                            format!("{key}[{i}] doit être un code pays ISO 3166-1 alpha-2"),
                        );
                    } else if *c != upper && *c != c.to_ascii_lowercase() {
                        self.error(
                            &format!("{full}[{i}]"),
                            *line,
                            format!(
                                "{key}[{i}] doit être un code pays ISO 3166-1 alpha-2 en majuscules"
                            ),
                        );
                    } else if *c != upper {
                        self.warning(
                            &format!("{full}[{i}]"),
                            *line,
                            "code pays en minuscules déprécié : écrivez-le en majuscules",
                        );
                    }
                }
            }
        }
        if let Some(list) = self.strings("intendedAudience.scope", get(&f, "scope"), false) {
            for (i, (line, s)) in list.iter().enumerate() {
                if !SCOPES.contains(&s.as_str()) {
                    self.error(
                        &format!("intendedAudience.scope[{i}]"),
                        *line,
                        format!(
                            "scope[{i}] « {s} » n'est pas un domaine de la liste publiccode.yml"
                        ),
                    );
                }
            }
        }
    }

    fn descriptions(&mut self, node: Option<(usize, &Node)>, top: usize) {
        let Some((line, f)) = self.map("description", node) else {
            if node.is_none_or(|n| n.1.is_null()) {
                self.error(
                    "description",
                    node.map_or(top, |n| n.0),
                    "description doit contenir au moins une langue",
                );
            }
            return;
        };
        if f.is_empty() {
            self.error(
                "description",
                line,
                "description doit contenir au moins une langue",
            );
        }
        for (lang, key_line, n) in f {
            if !bcp47(lang) {
                self.error(
                    "description",
                    key_line,
                    format!("« {lang} » n'est pas une langue BCP 47 (fr, en, it, de...)"),
                );
                continue;
            }
            let prefix = format!("description.{lang}");
            let Some((dline, d)) = self.map(&prefix, Some((key_line, n))) else {
                if n.is_null() {
                    self.error(&prefix, key_line, "description vide");
                }
                continue;
            };
            self.unknown_keys(
                &prefix,
                &d,
                &[
                    "localisedName",
                    "genericName",
                    "shortDescription",
                    "longDescription",
                    "documentation",
                    "apiDocumentation",
                    "features",
                    "screenshots",
                    "videos",
                    "awards",
                ],
            );
            let errors_before = self.errors();
            let mut desc = Description {
                localised_name: self
                    .string(&format!("{prefix}.localisedName"), get(&d, "localisedName")),
                generic_name: self.string(&format!("{prefix}.genericName"), get(&d, "genericName")),
                ..Description::default()
            };
            if desc
                .generic_name
                .as_ref()
                .is_some_and(|g| graphemes(g) > 35)
            {
                self.error(
                    &format!("{prefix}.genericName"),
                    get(&d, "genericName").map_or(0, |n| n.0),
                    "genericName ne doit pas dépasser 35 caractères",
                );
            }
            desc.short_description = self.required_string(
                &format!("{prefix}.shortDescription"),
                get(&d, "shortDescription"),
                dline,
            );
            if desc
                .short_description
                .as_ref()
                .is_some_and(|s| graphemes(s) > 150)
            {
                self.error(
                    &format!("{prefix}.shortDescription"),
                    get(&d, "shortDescription").map_or(0, |n| n.0),
                    "shortDescription ne doit pas dépasser 150 caractères",
                );
            }
            desc.long_description = self.required_string(
                &format!("{prefix}.longDescription"),
                get(&d, "longDescription"),
                dline,
            );
            if let Some(long) = &desc.long_description {
                let n = graphemes(long.trim_end());
                let at = get(&d, "longDescription").map_or(0, |n| n.0);
                if n < 150 {
                    self.error(
                        &format!("{prefix}.longDescription"),
                        at,
                        format!("longDescription doit compter au moins 150 caractères ({n} ici)"),
                    );
                } else if n > 10000 {
                    self.error(
                        &format!("{prefix}.longDescription"),
                        at,
                        "longDescription ne doit pas dépasser 10 000 caractères",
                    );
                }
            }
            desc.documentation =
                self.http(&format!("{prefix}.documentation"), get(&d, "documentation"));
            desc.api_documentation = self.http(
                &format!("{prefix}.apiDocumentation"),
                get(&d, "apiDocumentation"),
            );
            let features = self
                .strings(&format!("{prefix}.features"), get(&d, "features"), false)
                .unwrap_or_default();
            if features.is_empty() {
                self.error(
                    &format!("{prefix}.features"),
                    get(&d, "features").map_or(dline, |n| n.0),
                    "features doit contenir au moins une fonctionnalité",
                );
            }
            desc.features = features.into_iter().map(|(_, s)| s).collect();
            if let Some(list) = self.strings(
                &format!("{prefix}.screenshots"),
                get(&d, "screenshots"),
                false,
            ) {
                for (i, (line, s)) in list.iter().enumerate() {
                    self.file_or_url(
                        &format!("{prefix}.screenshots[{i}]"),
                        *line,
                        s,
                        &["svg", "png", "jpg", "jpeg"],
                        true,
                    );
                }
            }
            if let Some(list) = self.strings(&format!("{prefix}.videos"), get(&d, "videos"), false)
            {
                for (i, (line, v)) in list.iter().enumerate() {
                    let key = format!("{prefix}.videos[{i}]");
                    if !http_url(v) {
                        self.error(
                            &key,
                            *line,
                            format!("videos[{i}] doit être une adresse HTTP(S)"),
                        );
                    } else if !url::Url::parse(v)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_owned))
                        .is_some_and(|h| {
                            VIDEO_HOSTS
                                .iter()
                                .any(|k| h == *k || h.contains("peertube"))
                        })
                    {
                        self.error(&key, *line, format!("« {v} » n'est pas une vidéo d'un hébergeur oEmbed connu (YouTube, Vimeo, Dailymotion, PeerTube)"));
                    }
                }
            }
            self.strings(&format!("{prefix}.awards"), get(&d, "awards"), false);
            if self.errors() > errors_before
                && self.out.description.is_empty()
                && self
                    .issues
                    .iter()
                    .any(|i| i.message.starts_with("mauvais type") && i.key.starts_with(&prefix))
            {
                self.error(
                    "description",
                    line,
                    "description doit contenir au moins une langue valide",
                );
            }
            self.out.description.insert(lang.to_owned(), desc);
        }
    }

    fn errors(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count()
    }

    fn legal(&mut self, node: Option<(usize, &Node)>) {
        let Some((line, f)) = self.map("legal", node) else {
            self.required("legal.license", node.map_or(0, |n| n.0));
            return;
        };
        self.unknown_keys(
            "legal",
            &f,
            &["license", "mainCopyrightOwner", "repoOwner", "authorsFile"],
        );
        if let Some(l) = self.required_string("legal.license", get(&f, "license"), line) {
            if spdx::Expression::parse(&l).is_err() {
                self.error("legal.license", get(&f, "license").map_or(0, |n| n.0), format!("« {l} » n'est pas une expression de licence SPDX valide (https://spdx.org/licenses), par ex. AGPL-3.0-or-later"));
            }
            self.out.license = l;
        }
        self.out.main_copyright_owner =
            self.string("legal.mainCopyrightOwner", get(&f, "mainCopyrightOwner"));
        self.out.repo_owner = self.string("legal.repoOwner", get(&f, "repoOwner"));
        if get(&f, "repoOwner").is_some() {
            self.warning(
                "legal.repoOwner",
                get(&f, "repoOwner").map_or(0, |n| n.0),
                "clé dépréciée : utilisez mainCopyrightOwner",
            );
        }
        if let Some(node) = get(&f, "authorsFile") {
            self.warning(
                "legal.authorsFile",
                node.0,
                "clé dépréciée : elle peut être retirée",
            );
            if let Some(s) = self.string("legal.authorsFile", Some(node)) {
                self.file_or_url("legal.authorsFile", node.0, &s, &[], false);
            }
        }
    }

    fn maintenance(&mut self, node: Option<(usize, &Node)>, top: usize) {
        let Some((line, f)) = self.map("maintenance", node) else {
            if node.is_none() || node.is_some_and(|n| n.1.is_null()) {
                self.required("maintenance.type", node.map_or(top, |n| n.0));
            }
            return;
        };
        self.unknown_keys("maintenance", &f, &["type", "contractors", "contacts"]);
        let kind = self.required_string("maintenance.type", get(&f, "type"), line);
        if let Some(k) = &kind {
            if matches!(k.as_str(), "internal" | "contract" | "community" | "none") {
                self.out.maintenance.clone_from(k);
            } else {
                self.error(
                    "maintenance.type",
                    get(&f, "type").map_or(0, |n| n.0),
                    "type doit valoir internal, contract, community ou none",
                );
            }
        }
        let kind = kind.unwrap_or_default();
        let contractors = get(&f, "contractors");
        match contractors {
            Some((cline, n)) => {
                if kind != "contract" && !kind.is_empty() {
                    self.error(
                        "maintenance.contractors",
                        cline,
                        "contractors n'est permis que si type vaut « contract »",
                    );
                }
                match &n.value {
                    Value::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let p = format!("maintenance.contractors[{i}]");
                            let Some((il, c)) = self.map(&p, Some((item.line, item))) else {
                                continue;
                            };
                            self.unknown_keys(&p, &c, &["name", "until", "email", "website"]);
                            let name =
                                self.required_string(&format!("{p}.name"), get(&c, "name"), il);
                            match self.required_string(&format!("{p}.until"), get(&c, "until"), il)
                            {
                                Some(u) if !is_date(&u) => self.error(
                                    &format!("{p}.until"),
                                    get(&c, "until").map_or(0, |n| n.0),
                                    "until doit être une date AAAA-MM-JJ",
                                ),
                                _ => {}
                            }
                            if let Some(e) = self.string(&format!("{p}.email"), get(&c, "email"))
                                && !email(&e)
                            {
                                self.error(
                                    &format!("{p}.email"),
                                    get(&c, "email").map_or(0, |n| n.0),
                                    "email doit être une adresse électronique valide",
                                );
                            }
                            let website = self.http(&format!("{p}.website"), get(&c, "website"));
                            if let Some(name) = name {
                                self.out.contractors.push((name, website));
                            }
                        }
                    }
                    Value::Null => {}
                    _ => self.wrong_type("maintenance.contractors", cline, "une liste"),
                }
            }
            None => {
                if kind == "contract" {
                    self.error(
                        "maintenance.contractors",
                        line,
                        "contractors est obligatoire quand type vaut « contract »",
                    );
                }
            }
        }
        match get(&f, "contacts") {
            Some((cline, n)) => match &n.value {
                Value::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let p = format!("maintenance.contacts[{i}]");
                        let Some((il, c)) = self.map(&p, Some((item.line, item))) else {
                            continue;
                        };
                        self.unknown_keys(&p, &c, &["name", "email", "phone", "affiliation"]);
                        self.required_string(&format!("{p}.name"), get(&c, "name"), il);
                        if let Some(e) = self.string(&format!("{p}.email"), get(&c, "email"))
                            && !email(&e)
                        {
                            self.error(
                                &format!("{p}.email"),
                                get(&c, "email").map_or(0, |n| n.0),
                                "email doit être une adresse électronique valide",
                            );
                        }
                        self.string(&format!("{p}.phone"), get(&c, "phone"));
                        self.string(&format!("{p}.affiliation"), get(&c, "affiliation"));
                    }
                }
                Value::Null => {}
                _ => self.wrong_type("maintenance.contacts", cline, "une liste"),
            },
            None => {
                if kind == "internal" || kind == "community" {
                    self.error(
                        "maintenance.contacts",
                        line,
                        format!("contacts est obligatoire quand type vaut « {kind} »"),
                    );
                }
            }
        }
    }

    fn localisation(&mut self, node: Option<(usize, &Node)>, top: usize) {
        let Some((line, f)) = self.map("localisation", node) else {
            if node.is_none_or(|n| n.1.is_null()) {
                self.required("localisation.localisationReady", node.map_or(top, |n| n.0));
            }
            return;
        };
        self.unknown_keys(
            "localisation",
            &f,
            &["localisationReady", "availableLanguages"],
        );
        let ready = get(&f, "localisationReady");
        if self
            .boolean("localisation.localisationReady", ready)
            .is_none()
        {
            self.required(
                "localisation.localisationReady",
                ready.map_or(line, |n| n.0),
            );
        }
        let langs = get(&f, "availableLanguages");
        match self.strings("localisation.availableLanguages", langs, false) {
            None => self.required(
                "localisation.availableLanguages",
                langs.map_or(line, |n| n.0),
            ),
            Some(list) if list.is_empty() => self.error(
                "localisation.availableLanguages",
                langs.map_or(line, |n| n.0),
                "availableLanguages doit contenir au moins une langue",
            ),
            Some(list) => {
                for (i, (l, tag)) in list.iter().enumerate() {
                    if !bcp47(tag) {
                        self.error(
                            &format!("localisation.availableLanguages[{i}]"),
                            *l,
                            format!("« {tag} » n'est pas une langue BCP 47"),
                        );
                    }
                }
                self.out.available_languages = list.into_iter().map(|(_, t)| t).collect();
            }
        }
    }

    fn depends_on(&mut self, node: Option<(usize, &Node)>) {
        let Some((_, f)) = self.map("dependsOn", node) else {
            return;
        };
        self.unknown_keys("dependsOn", &f, &["open", "proprietary", "hardware"]);
        for group in ["open", "proprietary", "hardware"] {
            let key = format!("dependsOn.{group}");
            let Some((gl, n)) = get(&f, group) else {
                continue;
            };
            let items = match &n.value {
                Value::Seq(items) => items,
                Value::Null => continue,
                _ => {
                    self.wrong_type(&key, gl, "une liste");
                    continue;
                }
            };
            for (i, item) in items.iter().enumerate() {
                let p = format!("{key}[{i}]");
                let Value::Map(entries) = &item.value else {
                    self.wrong_type(&p, item.line, "une table (name, version...)");
                    continue;
                };
                let d = fields(entries);
                self.unknown_keys(
                    &p,
                    &d,
                    &["name", "versionMin", "versionMax", "version", "optional"],
                );
                let name = self.required_string(&format!("{p}.name"), get(&d, "name"), item.line);
                let mut version = Vec::new();
                for (k, prefix) in [("version", ""), ("versionMin", ">="), ("versionMax", "<=")] {
                    if let Some(v) = get(&d, k) {
                        if matches!(v.1.value, Value::Text(_)) || v.1.is_null() {
                            if let Some(s) = v.1.scalar() {
                                version.push(format!("{prefix}{s}"));
                            }
                        } else {
                            self.wrong_type(&format!("{p}.{k}"), v.0, "un texte entre guillemets");
                        }
                    }
                }
                let optional = self
                    .boolean(&format!("{p}.optional"), get(&d, "optional"))
                    .unwrap_or(false);
                if let Some(name) = name {
                    self.out.depends_on.push(Dependency {
                        group: group.to_owned(),
                        name,
                        version: (!version.is_empty()).then(|| version.join(", ")),
                        optional,
                    });
                }
            }
        }
    }

    fn uri(
        &mut self,
        key: &str,
        node: Option<(usize, &Node)>,
        parent_line: usize,
    ) -> Option<String> {
        let uri = self.required_string(key, node, parent_line)?;
        let line = node.map_or(parent_line, |n| n.0);
        if let Some(code) = uri.strip_prefix("urn:x-italian-pa:") {
            if !ipa_code_known(code) {
                self.error(key, line, "uri doit être un code d'administration publique italienne (iPA) connu, au format urn:x-italian-pa:CODE");
                return None;
            }
            return Some(uri);
        }
        let urn_ok = uri.strip_prefix("urn:").is_some_and(|rest| {
            rest.split_once(':')
                .is_some_and(|(nid, nss)| !nid.is_empty() && !nss.is_empty())
        });
        if !(urn_ok || (any_url(&uri) && !uri.starts_with("urn:"))) {
            self.error(key, line, "uri n'est pas une URI valide");
            return None;
        }
        Some(uri)
    }

    fn organisation(&mut self, node: Option<(usize, &Node)>) {
        let Some((line, f)) = self.map("organisation", node) else {
            return;
        };
        self.unknown_keys("organisation", &f, &["name", "uri"]);
        let name = self.string("organisation.name", get(&f, "name"));
        if let Some(uri) = self.uri("organisation.uri", get(&f, "uri"), line) {
            self.out.organisation = Some((name, uri));
        }
    }

    fn funded_by(&mut self, node: Option<(usize, &Node)>) {
        let Some((line, n)) = node else { return };
        let items = match &n.value {
            Value::Seq(items) => items,
            Value::Null => return,
            Value::Map(entries) => {
                let sub = entries
                    .first()
                    .map_or(String::new(), |(k, _, _)| format!(".{k}"));
                self.wrong_type(&format!("fundedBy{sub}"), line, "une liste");
                return;
            }
            _ => {
                self.wrong_type("fundedBy", line, "une liste");
                return;
            }
        };
        for (i, item) in items.iter().enumerate() {
            let p = format!("fundedBy[{i}]");
            let Some((il, f)) = self.map(&p, Some((item.line, item))) else {
                continue;
            };
            self.unknown_keys(&p, &f, &["name", "uri"]);
            self.string(&format!("{p}.name"), get(&f, "name"));
            self.uri(&format!("{p}.uri"), get(&f, "uri"), il);
        }
    }

    fn supports(&mut self, node: Option<(usize, &Node)>) {
        let Some((line, n)) = node else { return };
        let Value::Seq(items) = &n.value else {
            if !n.is_null() {
                self.wrong_type("supports", line, "une liste");
            }
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let p = format!("supports[{i}]");
            let Some((il, f)) = self.map(&p, Some((item.line, item))) else {
                continue;
            };
            if let Some(id) = self.required_string(&format!("{p}.id"), get(&f, "id"), il) {
                // Aliases of the standard's support catalogue are the only ones known.
                let known = id
                    .strip_prefix("alias:")
                    .is_some_and(|a| SUPPORT_ALIASES.contains(&a));
                if !known && !http_url(&id) && !id.starts_with("urn:") {
                    self.error(
                        &format!("{p}.id"),
                        get(&f, "id").map_or(il, |n| n.0),
                        format!("id « {id} » est un alias inconnu"),
                    );
                }
            }
        }
    }

    fn italy(&mut self, prefix: &str, node: Option<(usize, &Node)>) {
        let Some((_, f)) = self.map(prefix, node) else {
            return;
        };
        self.unknown_keys(
            prefix,
            &f,
            &[
                "countryExtensionVersion",
                "conforme",
                "piattaforme",
                "riuso",
            ],
        );
        if let Some(v) = self.string(
            &format!("{prefix}.countryExtensionVersion"),
            get(&f, "countryExtensionVersion"),
        ) && v != "0.2"
            && v != "1.0"
        {
            self.error(
                &format!("{prefix}.countryExtensionVersion"),
                get(&f, "countryExtensionVersion").map_or(0, |n| n.0),
                "countryExtensionVersion doit valoir « 0.2 » ou « 1.0 »",
            );
        }
        if let Some((cl, c)) = self.map(&format!("{prefix}.conforme"), get(&f, "conforme")) {
            self.warning(
                &format!("{prefix}.conforme"),
                cl,
                "clé dépréciée : elle peut être retirée",
            );
            for (k, l, n) in &c {
                self.boolean(&format!("{prefix}.conforme.{k}"), Some((*l, n)));
            }
        }
        if let Some((_, p)) = self.map(&format!("{prefix}.piattaforme"), get(&f, "piattaforme")) {
            for (k, l, n) in &p {
                self.boolean(&format!("{prefix}.piattaforme.{k}"), Some((*l, n)));
            }
        }
        if let Some((_, r)) = self.map(&format!("{prefix}.riuso"), get(&f, "riuso"))
            && let Some(code) =
                self.string(&format!("{prefix}.riuso.codiceIPA"), get(&r, "codiceIPA"))
            && !ipa_code_known(&code)
        {
            self.error(
                &format!("{prefix}.riuso.codiceIPA"),
                get(&r, "codiceIPA").map_or(0, |n| n.0),
                "codiceIPA doit être un code iPA connu",
            );
        }
    }
}

/// Why a valid publiccode.yml could not become a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToRecordError {
    /// The licence is not certified free for software.
    #[error(
        "la licence « {0} » n'est pas certifiée libre pour un logiciel : le Conservatoire n'accueille que des logiciels libres"
    )]
    NotFree(String),
    /// The name gives no usable identifier.
    #[error(
        "le nom « {0} » ne donne pas d'identifiant : donnez au logiciel un nom avec des lettres ou des chiffres"
    )]
    NoId(String),
    /// The record built breaks a rule of the format.
    #[error("la fiche construite est invalide : {0}")]
    Invalid(String),
}

/// What marks an optional dependency in the record's `dependencies`.
const OPTIONAL: &str = " (facultatif)";

/// The paragraph the export adds to a description shorter than the 150
/// characters publiccode.yml requires; the import drops it again.
pub const FILLER: &str = "Fiche publiée par le Conservatoire du Libre, catalogue de ressources libres certifiées : la description complète de ce logiciel reste à écrire par ses auteurs ou ses utilisateurs.";

/// The summary and description of one language's description: a
/// shortDescription cut with "…" whose whole text opens longDescription
/// (as the export writes a long summary) gets that whole text back.
fn summary_and_description(d: &Description) -> (Option<String>, Option<String>) {
    let short = d.short_description.as_deref().map(one_line);
    let long = d.long_description.as_deref().map(str::trim);
    if let (Some(cut), Some(long)) = (&short, long)
        && let Some(stem) = cut.strip_suffix('…')
    {
        let (first, rest) = long.split_once("\n\n").unwrap_or((long, ""));
        if one_line(first).starts_with(stem.trim_end()) {
            let summary = one_line(first);
            let rest = rest.trim();
            let description = if rest.is_empty() {
                None
            } else {
                without_filler(rest, Some(&summary))
            };
            return (Some(summary), description);
        }
    }
    let description = long.and_then(|l| without_filler(l, short.as_deref()));
    (short, description)
}

/// A long description without the export's filler paragraph; `None` when
/// nothing but the short description was left.
fn without_filler(long: &str, short: Option<&str>) -> Option<String> {
    let long = long.trim();
    match long.strip_suffix(FILLER) {
        Some(rest) => {
            let rest = rest.trim_end();
            (!rest.is_empty() && Some(one_line(rest).as_str()) != short.map(one_line).as_deref())
                .then(|| rest.to_owned())
        }
        None => Some(long.to_owned()),
    }
}

/// `s` cut at a word boundary to at most `max` characters, with "…".
fn shorten(s: &str, max: usize) -> String {
    if graphemes(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    for word in s.split_whitespace() {
        if graphemes(&out) + graphemes(word) + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

/// A one-line field: runs of white space, line breaks included, become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn web_url(s: &str) -> Option<WebUrl> {
    s.trim().parse().ok()
}

/// The French text first, then English, then any language.
fn main_language(p: &PublicCode) -> Option<&str> {
    ["fr", "fr-FR", "en", "en-GB", "en-US"]
        .into_iter()
        .find(|l| p.description.contains_key(*l))
        .or_else(|| p.description.keys().next().map(String::as_str))
}

/// The record a valid publiccode.yml describes. `source` names where the
/// file came from (kept in the record's `sources`).
///
/// # Errors
/// [`ToRecordError`] when the licence is not free or the record would break
/// a rule of the format.
pub fn to_record(p: &PublicCode, source: Source) -> Result<Record, ToRecordError> {
    let source_url = source.url.as_ref().map(|u| u.as_str().to_owned());
    let source_url = source_url.as_deref();
    let certificate = cdl_licenses::certify(cdl_records::Kind::Software, &p.license);
    if !certificate.is_certified() {
        return Err(ToRecordError::NotFree(p.license.clone()));
    }
    let license = certificate.canonical.unwrap_or_else(|| p.license.clone());
    let name = one_line(&p.name);
    let id = RecordId::new(cdl_records::slugify(&name))
        .map_err(|_| ToRecordError::NoId(name.clone()))?;
    let mut record = Record::skeleton(cdl_records::Kind::Software, id, name, license);
    let main = main_language(p);
    if let Some(d) = main.and_then(|l| p.description.get(l)) {
        let (summary, description) = summary_and_description(d);
        record.summary = summary;
        record.description = description;
    }
    for (lang, d) in &p.description {
        if Some(lang.as_str()) == main {
            continue;
        }
        let Ok(tag) = lang.parse::<LanguageTag>() else {
            continue;
        };
        record.translations.insert(
            tag,
            Translation {
                title: d
                    .localised_name
                    .as_deref()
                    .map(one_line)
                    .filter(|n| n != &one_line(&p.name)),
                summary: summary_and_description(d).0,
                description: summary_and_description(d).1,
            },
        );
    }
    // The format keeps the first categories, up to its bound on tags.
    record.tags = p
        .categories
        .iter()
        .take(cdl_records::limits::TAGS)
        .cloned()
        .collect();
    record.languages = p
        .available_languages
        .iter()
        .take(cdl_records::limits::LANGUAGES)
        .filter_map(|l| l.parse().ok())
        .collect();
    if let Some(url) = p.landing_url.as_deref().and_then(web_url) {
        record.links.push(Link {
            url,
            rel: LinkRel::Homepage,
            title: None,
        });
    }
    if let Some(d) = main.and_then(|l| p.description.get(l)) {
        if let Some(url) = d.documentation.as_deref().and_then(web_url) {
            record.links.push(Link {
                url,
                rel: LinkRel::Documentation,
                title: None,
            });
        }
        if let Some(url) = d.api_documentation.as_deref().and_then(web_url) {
            record.links.push(Link {
                url,
                rel: LinkRel::Documentation,
                title: Some("API".to_owned()),
            });
        }
    }
    if let Some(url) = p.roadmap.as_deref().and_then(web_url) {
        record.links.push(Link {
            url,
            rel: LinkRel::Other,
            title: Some("Feuille de route".to_owned()),
        });
    }
    if let Some(owner) = &p.main_copyright_owner {
        record.contributors.push(Contributor {
            name: owner.trim().to_owned(),
            role: Some("author".to_owned()),
            url: None,
        });
    }
    if let Some((Some(name), uri)) = &p.organisation {
        record.contributors.push(Contributor {
            name: name.trim().to_owned(),
            role: Some("publisher".to_owned()),
            url: web_url(uri),
        });
    }
    for (name, website) in &p.contractors {
        record.contributors.push(Contributor {
            name: name.trim().to_owned(),
            role: Some("maintainer".to_owned()),
            url: website.as_deref().and_then(web_url),
        });
    }
    record.sources.push(source);
    let released = p
        .release_date
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok());
    record.updated = released;
    let software = Software {
        repository: (p.landing_url.as_deref() != Some(p.url.as_str()))
            .then(|| web_url(&p.url))
            .flatten(),
        version: p.software_version.clone(),
        released,
        platforms: p.platforms.iter().map(|s| s.trim().to_owned()).collect(),
        maintenance: match p.maintenance.as_str() {
            "internal" => Some(Maintenance::Internal),
            "contract" => Some(Maintenance::Contract),
            "community" => Some(Maintenance::Community),
            "none" => Some(Maintenance::None),
            _ => None,
        },
        development_status: match p.development_status.as_str() {
            "concept" => Some(DevelopmentStatus::Concept),
            "development" => Some(DevelopmentStatus::Development),
            "beta" => Some(DevelopmentStatus::Beta),
            "stable" => Some(DevelopmentStatus::Stable),
            "obsolete" => Some(DevelopmentStatus::Obsolete),
            _ => None,
        },
        used_by: p
            .used_by
            .iter()
            .map(|n| Organisation {
                name: n.trim().to_owned(),
                url: None,
            })
            .collect(),
        // A logo at an address is kept; a path beside the file is resolved
        // against the file's own address when it came from one.
        logo: p.logo.as_deref().and_then(|logo| {
            web_url(logo).or_else(|| {
                let base = url::Url::parse(source_url?).ok()?;
                web_url(base.join(logo).ok()?.as_str())
            })
        }),
        dependencies: p
            .depends_on
            .iter()
            .take(cdl_records::limits::DEPENDENCIES)
            .map(|d| {
                let mut text = d.name.trim().to_owned();
                if let Some(v) = &d.version {
                    text.push(' ');
                    text.push_str(v);
                }
                if d.optional {
                    text.push_str(OPTIONAL);
                }
                text
            })
            .collect(),
        ..Software::default()
    };
    record.details = Details::Software(software);
    cdl_records::validate(&record).map_err(|e| ToRecordError::Invalid(e.to_string()))?;
    Ok(record)
}

/// Writes a software record as a publiccode.yml (version 0.4) file. Fields
/// the standard requires but the record may lack get the record's nearest
/// text: `features` lists the tags (or the summary), `softwareType` is
/// `standalone/other`, `maintenance.type` is `none` when unknown.
pub fn export(record: &Record) -> Option<String> {
    let Details::Software(s) = &record.details else {
        return None;
    };
    let q = |s: &str| yaml::quote(s);
    let mut out = String::new();
    out.push_str("# publiccode.yml written by the Conservatoire du Libre\n");
    out.push_str("publiccodeYmlVersion: \"0.4\"\n");
    out.push_str(&format!("name: {}\n", q(&record.title)));
    // publiccode.yml requires a code address: without a repository, the
    // home page (or the first link) stands in, written as landingURL too so
    // that the import does not take it for a repository.
    let homepage = record
        .links
        .iter()
        .find(|l| l.rel == LinkRel::Homepage)
        .map(|l| l.url.as_str());
    let repository = s.repository.as_ref().map(WebUrl::as_str);
    let landing = match repository {
        Some(r) => homepage.filter(|h| *h != r),
        None => homepage.or_else(|| record.links.first().map(|l| l.url.as_str())),
    };
    let repo = repository.or(landing).unwrap_or_default();
    out.push_str(&format!("url: {}\n", q(repo)));
    if let Some(landing) = landing {
        out.push_str(&format!("landingURL: {}\n", q(landing)));
    }
    if let Some(v) = &s.version {
        out.push_str(&format!("softwareVersion: {}\n", q(v)));
    }
    if let Some(logo) = &s.logo {
        out.push_str(&format!("logo: {}\n", q(logo.as_str())));
    }
    if let Some(d) = s.released {
        out.push_str(&format!("releaseDate: \"{d}\"\n"));
    }
    if let Some(road) = record
        .links
        .iter()
        .find(|l| l.rel == LinkRel::Other && l.title.as_deref() == Some("Feuille de route"))
    {
        out.push_str(&format!("roadmap: {}\n", q(road.url.as_str())));
    }
    let list = |out: &mut String, key: &str, items: &[String], indent: &str| {
        out.push_str(&format!("{indent}{key}:\n"));
        for i in items {
            out.push_str(&format!("{indent}  - {}\n", q(i)));
        }
    };
    let platforms = if s.platforms.is_empty() {
        vec!["web".to_owned()]
    } else {
        s.platforms.clone()
    };
    list(&mut out, "platforms", &platforms, "");
    let categories: Vec<String> = record
        .tags
        .iter()
        .filter(|t| CATEGORIES.contains(&t.as_str()))
        .cloned()
        .collect();
    if !categories.is_empty() {
        list(&mut out, "categories", &categories, "");
    }
    if !s.used_by.is_empty() {
        let names: Vec<String> = s.used_by.iter().map(|o| o.name.clone()).collect();
        list(&mut out, "usedBy", &names, "");
    }
    let status = match s.development_status {
        Some(DevelopmentStatus::Concept) => "concept",
        Some(DevelopmentStatus::Development) => "development",
        Some(DevelopmentStatus::Beta) => "beta",
        Some(DevelopmentStatus::Obsolete) => "obsolete",
        Some(DevelopmentStatus::Stable) | None => "stable",
    };
    out.push_str(&format!(
        "developmentStatus: {status}\nsoftwareType: \"standalone/other\"\n"
    ));
    out.push_str("description:\n");
    let features: Vec<String> = if record.tags.is_empty() {
        vec![
            record
                .summary
                .clone()
                .unwrap_or_else(|| record.title.clone()),
        ]
    } else {
        record.tags.clone()
    };
    let describe = |out: &mut String,
                    lang: &str,
                    title: Option<&str>,
                    summary: Option<&str>,
                    long: Option<&str>,
                    docs: bool| {
        out.push_str(&format!("  {lang}:\n"));
        if let Some(t) = title {
            out.push_str(&format!("    localisedName: {}\n", q(t)));
        }
        let full = summary.unwrap_or(&record.title);
        let short = shorten(full, 150);
        // A summary too long for shortDescription opens longDescription
        // whole, so that the import finds it again.
        let long_owned = (short != full).then(|| match long {
            Some(l) => format!("{full}\n\n{l}"),
            None => full.to_owned(),
        });
        let long = long_owned.as_deref().or(long);
        let short = short.as_str();
        out.push_str(&format!("    shortDescription: {}\n", q(short)));
        let long = match long {
            Some(l) if graphemes(l) >= 150 => l.to_owned(),
            Some(l) => format!("{l}\n\n{FILLER}"),
            None => format!("{short}\n\n{FILLER}"),
        };
        out.push_str(&format!("    longDescription: {}\n", q(&long)));
        if docs {
            if let Some(doc) = record
                .links
                .iter()
                .find(|l| l.rel == LinkRel::Documentation && l.title.is_none())
            {
                out.push_str(&format!("    documentation: {}\n", q(doc.url.as_str())));
            }
            if let Some(doc) = record
                .links
                .iter()
                .find(|l| l.rel == LinkRel::Documentation && l.title.as_deref() == Some("API"))
            {
                out.push_str(&format!("    apiDocumentation: {}\n", q(doc.url.as_str())));
            }
        }
        list(out, "features", &features, "    ");
    };
    describe(
        &mut out,
        "fr",
        None,
        record.summary.as_deref(),
        record.description.as_deref(),
        true,
    );
    for (lang, t) in &record.translations {
        describe(
            &mut out,
            lang.as_str(),
            t.title.as_deref(),
            t.summary.as_deref(),
            t.description.as_deref(),
            false,
        );
    }
    out.push_str(&format!("legal:\n  license: {}\n", q(&record.license)));
    if let Some(author) = record
        .contributors
        .iter()
        .find(|c| c.role.as_deref() == Some("author"))
    {
        out.push_str(&format!("  mainCopyrightOwner: {}\n", q(&author.name)));
    }
    let maintenance = match s.maintenance {
        Some(Maintenance::Internal) => "internal",
        Some(Maintenance::Contract) => "contract",
        Some(Maintenance::Community) => "community",
        Some(Maintenance::None) | None => "none",
    };
    out.push_str(&format!("maintenance:\n  type: {maintenance}\n"));
    let maintainers: Vec<&Contributor> = record
        .contributors
        .iter()
        .filter(|c| c.role.as_deref() == Some("maintainer"))
        .collect();
    if maintenance == "contract" {
        out.push_str("  contractors:\n");
        for c in &maintainers {
            out.push_str(&format!(
                "    - name: {}\n      until: \"2099-12-31\"\n",
                q(&c.name)
            ));
            if let Some(u) = &c.url {
                out.push_str(&format!("      website: {}\n", q(u.as_str())));
            }
        }
    } else if maintenance != "none" {
        out.push_str("  contacts:\n");
        let name = maintainers
            .first()
            .map_or(record.title.as_str(), |c| c.name.as_str());
        out.push_str(&format!("    - name: {}\n", q(name)));
    }
    let languages: Vec<String> = if record.languages.is_empty() {
        vec!["fr".to_owned()]
    } else {
        record
            .languages
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect()
    };
    if !s.dependencies.is_empty() {
        out.push_str("dependsOn:\n  open:\n");
        for d in &s.dependencies {
            let (name, optional) = match d.strip_suffix(OPTIONAL) {
                Some(name) => (name, true),
                None => (d.as_str(), false),
            };
            out.push_str(&format!("    - name: {}\n", q(name)));
            if optional {
                out.push_str("      optional: true\n");
            }
        }
    }
    out.push_str("localisation:\n  localisationReady: true\n");
    list(&mut out, "availableLanguages", &languages, "  ");
    if let Some(publisher) = record
        .contributors
        .iter()
        .find(|c| c.role.as_deref() == Some("publisher"))
        && let Some(u) = &publisher.url
    {
        out.push_str(&format!(
            "organisation:\n  name: {}\n  uri: {}\n",
            q(&publisher.name),
            q(u.as_str())
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_and_mime_types() {
        assert!(bcp47("en"));
        assert!(bcp47("pt-BR"));
        assert!(!bcp47("en_GB"));
        assert!(!bcp47("english"));
        assert!(mime_type("text/csv"));
        assert!(!mime_type("foo/bar"));
        assert!(email("a@b.fr"));
        assert!(!email("not-an-email"));
    }
}
