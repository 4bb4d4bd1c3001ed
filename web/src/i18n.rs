//! The interface's languages and every string it shows: French first,
//! English second. Field labels are in [`field_label`]; everything else is
//! a field of [`Messages`].

use axum::http::HeaderMap;
use cdl_licenses::Verdict;
use cdl_records::Kind;

use crate::security::{LANG_COOKIE, cookie};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// French, the default.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The same language, as the record format's messages name it.
    pub fn format_lang(self) -> cdl_records::vocabulary::Lang {
        match self {
            Lang::Fr => cdl_records::vocabulary::Lang::Fr,
            Lang::En => cdl_records::vocabulary::Lang::En,
        }
    }

    /// The BCP 47 tag: `fr` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch link).
    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// Reads `fr` or `en`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a request: `?lang=` in the query, then the
    /// language cookie, then the first of French or English in
    /// `Accept-Language` (by weight), then French.
    pub fn detect(query: Option<&str>, headers: &HeaderMap) -> Lang {
        if let Some(lang) = query.and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::parse(&v))
        }) {
            return lang;
        }
        if let Some(lang) = cookie(headers, LANG_COOKIE).and_then(Lang::parse) {
            return lang;
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language)
            .unwrap_or(Lang::Fr)
    }

    /// The strings of this language.
    pub fn messages(self) -> &'static Messages {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// The label of a kind.
    pub fn kind(self, kind: Kind) -> &'static str {
        match self {
            Lang::Fr => kind.label_fr(),
            Lang::En => kind.label_en(),
        }
    }

    /// The plural label of a kind, for counts.
    pub fn kind_plural(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Lang::Fr, Kind::Software) => "Logiciels",
            (Lang::Fr, Kind::CulturalWork) => "Œuvres culturelles",
            (Lang::Fr, Kind::Method) => "Méthodes",
            (Lang::Fr, Kind::Dataset) => "Jeux de données",
            (Lang::Fr, Kind::SeedLot) => "Lots de semences",
            (Lang::Fr, Kind::FermentLot) => "Lots de ferments",
            (Lang::En, Kind::Software) => "Software",
            (Lang::En, Kind::CulturalWork) => "Cultural works",
            (Lang::En, Kind::Method) => "Methods",
            (Lang::En, Kind::Dataset) => "Datasets",
            (Lang::En, Kind::SeedLot) => "Seed lots",
            (Lang::En, Kind::FermentLot) => "Ferment lots",
        }
    }

    /// A verdict in words.
    pub fn verdict(self, verdict: Verdict) -> &'static str {
        match (self, verdict) {
            (Lang::Fr, Verdict::Certified) => "Certifiée libre",
            (Lang::Fr, Verdict::Rejected) => "Non libre pour ce type de ressource",
            (Lang::Fr, Verdict::Unknown) => "Indéterminée : en attente d’un curateur",
            (Lang::En, Verdict::Certified) => "Certified free",
            (Lang::En, Verdict::Rejected) => "Not free for this kind of resource",
            (Lang::En, Verdict::Unknown) => "Undetermined: waiting for a curator",
        }
    }

    /// What a verdict means, in plain words.
    pub fn verdict_explained(self, verdict: Verdict) -> &'static str {
        match (self, verdict) {
            (Lang::Fr, Verdict::Certified) => {
                "Tout le monde peut utiliser, étudier, partager et modifier cette ressource, selon les conditions de sa licence (par exemple citer les auteurs, ou partager à l’identique)."
            }
            (Lang::Fr, Verdict::Rejected) => {
                "Cette licence restreint l’usage, la modification ou le partage (par exemple : pas d’usage commercial, pas de modification). La ressource n’est pas certifiée libre."
            }
            (Lang::Fr, Verdict::Unknown) => {
                "Le Conservatoire ne sait pas encore juger cette licence. Elle n’est jamais considérée comme libre tant qu’un curateur ne l’a pas examinée."
            }
            (Lang::En, Verdict::Certified) => {
                "Everyone may use, study, share and modify this resource, under the conditions of its licence (for example crediting the authors, or sharing alike)."
            }
            (Lang::En, Verdict::Rejected) => {
                "This licence restricts use, modification or sharing (for example: no commercial use, no derivatives). The resource is not certified free."
            }
            (Lang::En, Verdict::Unknown) => {
                "The Conservatoire cannot judge this licence yet. It is never treated as free until a curator has reviewed it."
            }
        }
    }
}

/// The first of `fr` or `en` in an `Accept-Language` value, by weight.
fn from_accept_language(value: &str) -> Option<Lang> {
    let mut best: Option<(f32, usize, Lang)> = None;
    for (position, item) in value.split(',').enumerate() {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let primary = tag.split('-').next().unwrap_or("");
        let Some(lang) = Lang::parse(primary) else {
            continue;
        };
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if weight <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((w, p, _)) => weight > w || (weight == w && position < p),
        };
        if better {
            best = Some((weight, position, lang));
        }
    }
    best.map(|(_, _, lang)| lang)
}

/// Every string of the interface in one language (field labels aside).
#[derive(Debug)]
pub struct Messages {
    /// Name of the site.
    pub site_name: &'static str,
    /// Under the name.
    pub site_tagline: &'static str,
    /// Skip link.
    pub skip_to_content: &'static str,
    /// Label of the main navigation.
    pub nav_label: &'static str,
    /// Navigation: home.
    pub nav_home: &'static str,
    /// Navigation: search.
    pub nav_search: &'static str,
    /// Navigation: propose.
    pub nav_propose: &'static str,
    /// Navigation: policy.
    pub nav_policy: &'static str,
    /// Navigation: review.
    pub nav_review: &'static str,
    /// Navigation: the seed and ferment exchange.
    pub nav_exchange: &'static str,
    /// Text of the link to the other language (in that language).
    pub switch_language: &'static str,
    /// Footer: licence of the software.
    pub footer_licence: &'static str,
    /// Footer: link to the page of every way to reuse the data.
    pub footer_data: &'static str,
    /// Footer: API link.
    pub footer_api: &'static str,
    /// Footer: feed link.
    pub footer_feed: &'static str,
    /// Home title.
    pub home_title: &'static str,
    /// Home introduction.
    pub home_intro: &'static str,
    /// Search field label.
    pub search_label: &'static str,
    /// Search hint.
    pub search_hint: &'static str,
    /// Search button.
    pub search_button: &'static str,
    /// Home: counts heading.
    pub home_counts: &'static str,
    /// Home: latest additions heading.
    pub home_latest: &'static str,
    /// Home: the link to the free alternatives page.
    pub home_alternatives: &'static str,
    /// Home: nothing yet.
    pub home_empty: &'static str,
    /// Search page title.
    pub search_title: &'static str,
    /// "results" after a number.
    pub results: &'static str,
    /// "result" after 1.
    pub result: &'static str,
    /// Before the query in the count line.
    pub results_for: &'static str,
    /// No results.
    pub no_results: &'static str,
    /// A way forward when nothing matches: the whole catalogue.
    pub no_results_browse: &'static str,
    /// Facets heading.
    pub refine: &'static str,
    /// Active filters heading.
    pub active_filters: &'static str,
    /// Remove a filter (followed by the filter).
    pub remove_filter: &'static str,
    /// Facet group: kind.
    pub facet_kind: &'static str,
    /// Facet group: licence.
    pub facet_license: &'static str,
    /// Facet group: licence family.
    pub facet_family: &'static str,
    /// Facet group: verdict.
    pub facet_verdict: &'static str,
    /// Facet group: tag.
    pub facet_tag: &'static str,
    /// Facet group: language.
    pub facet_lang: &'static str,
    /// Facet group: species.
    pub facet_species: &'static str,
    /// Facet group: origin.
    pub facet_origin: &'static str,
    /// Pagination label.
    pub pagination: &'static str,
    /// Previous page.
    pub previous_page: &'static str,
    /// Next page.
    pub next_page: &'static str,
    /// "Page".
    pub page: &'static str,
    /// "of" in "page 1 of 3".
    pub of: &'static str,
    /// Search unavailable.
    pub search_unavailable: &'static str,
    /// Record: fields heading.
    pub record_fields: &'static str,
    /// Record: certificate heading.
    pub record_certificate: &'static str,
    /// Record: "Licence".
    pub record_licence: &'static str,
    /// Record: "Verdict".
    pub record_verdict: &'static str,
    /// Record: "Why".
    pub record_reasons: &'static str,
    /// Record: suggestions.
    pub record_suggestions: &'static str,
    /// Record: policy version line.
    pub record_policy_version: &'static str,
    /// Record: SPDX list version.
    pub record_spdx_version: &'static str,
    /// Record: history heading.
    pub record_history: &'static str,
    /// Record: downloads heading.
    pub record_download: &'static str,
    /// Record: download as TOML.
    pub download_toml: &'static str,
    /// Record: download as JSON.
    pub download_json: &'static str,
    /// Record: users heading.
    pub record_used_by: &'static str,
    /// Record: replaces heading.
    pub record_replaces: &'static str,
    /// Record: kind.
    pub record_kind: &'static str,
    /// Record withdrawn.
    pub record_withdrawn: &'static str,
    /// History: added.
    pub change_added: &'static str,
    /// History: modified.
    pub change_modified: &'static str,
    /// History: withdrawn.
    pub change_withdrawn: &'static str,
    /// History: deleted.
    pub change_deleted: &'static str,
    /// History: by.
    pub by: &'static str,
    /// Policy page title.
    pub policy_title: &'static str,
    /// Policy page introduction.
    pub policy_intro: &'static str,
    /// Policy: accepted examples.
    pub policy_examples_ok: &'static str,
    /// Policy: rejected examples.
    pub policy_examples_ko: &'static str,
    /// Policy: free software licences accepted.
    pub policy_software_too: &'static str,
    /// Policy: unlisted licences.
    pub policy_unlisted: &'static str,
    /// Policy: version.
    pub policy_version: &'static str,
    /// Propose title.
    pub propose_title: &'static str,
    /// Propose introduction.
    pub propose_intro: &'static str,
    /// Propose: choose a kind.
    pub propose_choose: &'static str,
    /// Propose: upload heading.
    pub propose_upload: &'static str,
    /// Propose: upload field label.
    pub propose_upload_label: &'static str,
    /// Propose: upload hint.
    pub propose_upload_hint: &'static str,
    /// Propose: the form of a kind (followed by the kind).
    pub propose_form_for: &'static str,
    /// Required field marker explained.
    pub required_note: &'static str,
    /// "(required)".
    pub required: &'static str,
    /// Author field label.
    pub author_label: &'static str,
    /// Author hint.
    pub author_hint: &'static str,
    /// Message field label.
    pub message_label: &'static str,
    /// Preview button.
    pub preview_button: &'static str,
    /// Submit button.
    pub submit_button: &'static str,
    /// Error summary heading (followed by the count).
    pub errors_heading: &'static str,
    /// "Error:" prefix.
    pub error_prefix: &'static str,
    /// Preview heading.
    pub preview_heading: &'static str,
    /// Preview explanation.
    pub preview_intro: &'static str,
    /// List fields hint.
    pub list_hint: &'static str,
    /// Steps hint.
    pub lines_hint: &'static str,
    /// Fieldset: common fields.
    pub fieldset_common: &'static str,
    /// Fieldset: kind fields.
    pub fieldset_kind: &'static str,
    /// Fieldset: about you.
    pub fieldset_you: &'static str,
    /// Proposal page title.
    pub proposal_title: &'static str,
    /// Proposal: status.
    pub proposal_status: &'static str,
    /// Proposal: open.
    pub status_open: &'static str,
    /// Proposal: merged.
    pub status_merged: &'static str,
    /// Proposal: rejected.
    pub status_rejected: &'static str,
    /// Proposal created.
    pub proposal_created: &'static str,
    /// Proposal: keep this address.
    pub proposal_keep: &'static str,
    /// Proposal: report heading.
    pub proposal_report: &'static str,
    /// Proposal: valid and certified.
    pub report_ok: &'static str,
    /// Proposal: problems.
    pub report_problems: &'static str,
    /// Reason of rejection.
    pub rejection_reason: &'static str,
    /// Proposal: author.
    pub proposal_author: &'static str,
    /// Before the name of the partner city that offered a proposal.
    pub offer_from: &'static str,
    /// After it: the offer's signature was verified.
    pub offer_signed: &'static str,
    /// A proposal offered on another version of the record than the
    /// current one.
    pub offer_stale: &'static str,
    /// What that means for the curator.
    pub offer_stale_help: &'static str,
    /// Proposal: date.
    pub proposal_date: &'static str,
    /// Login title.
    pub login_title: &'static str,
    /// Login: name.
    pub login_name: &'static str,
    /// Login: password.
    pub login_password: &'static str,
    /// Login button.
    pub login_button: &'static str,
    /// Login failed.
    pub login_failed: &'static str,
    /// Logout button.
    pub logout_button: &'static str,
    /// Logged in as.
    pub logged_in_as: &'static str,
    /// Review title.
    pub review_title: &'static str,
    /// Review: open proposals.
    pub review_open: &'static str,
    /// Review: decided.
    pub review_decided: &'static str,
    /// Review: none.
    pub review_none: &'static str,
    /// Review: diff heading.
    pub review_diff: &'static str,
    /// Review: merge button.
    pub merge_button: &'static str,
    /// Review: reject button.
    pub reject_button: &'static str,
    /// Review: reason label.
    pub reject_reason_label: &'static str,
    /// Review: decision heading.
    pub review_decision: &'static str,
    /// Review: merged.
    pub review_merged: &'static str,
    /// Review: rejected.
    pub review_rejected: &'static str,
    /// Review: cannot merge.
    pub review_not_mergeable: &'static str,
    /// Diff: removed line.
    pub diff_removed: &'static str,
    /// Diff: added line.
    pub diff_added: &'static str,
    /// Error page title.
    pub error_title: &'static str,
    /// Back home.
    pub back_home: &'static str,
    /// Not found.
    pub error_not_found: &'static str,
    /// Forbidden (CSRF).
    pub error_forbidden: &'static str,
    /// Too large.
    pub error_too_large: &'static str,
    /// Error: the address is too long (414).
    pub error_uri_too_long: &'static str,
    /// Error: the request headers are too large (431).
    pub error_headers_too_large: &'static str,
    /// Too many requests.
    pub error_too_many: &'static str,
    /// Internal.
    pub error_internal: &'static str,
    /// Timeout.
    pub error_timeout: &'static str,
    /// Bad request.
    pub error_bad_request: &'static str,
    /// Method not allowed.
    pub error_method: &'static str,
    /// Unavailable.
    pub error_unavailable: &'static str,
    /// Invalid search query.
    pub error_bad_query: &'static str,
    /// Upload: not a file.
    pub upload_missing: &'static str,
    /// Licence not certified (form error).
    pub licence_not_free: &'static str,
    /// Did you mean.
    pub did_you_mean: &'static str,
    /// Date format hint.
    pub date_hint: &'static str,
    /// A colon as the language writes it (French: a no-break space before).
    pub colon: &'static str,
    /// Opening quotation mark (with its space).
    pub quote_open: &'static str,
    /// Closing quotation mark (with its space).
    pub quote_close: &'static str,
}

/// French strings.
pub static FR: Messages = Messages {
    site_name: "Conservatoire du Libre",
    site_tagline: "Ville de Paris — ressources libres certifiées",
    skip_to_content: "Aller au contenu",
    nav_label: "Navigation principale",
    nav_home: "Accueil",
    nav_search: "Rechercher",
    nav_propose: "Proposer une ressource",
    nav_policy: "Ce que « libre » veut dire",
    nav_review: "Revue",
    nav_exchange: "Échange",
    switch_language: "English",
    footer_licence: "Logiciel libre sous licence EUPL-1.2. Aucun traceur, aucun script.",
    footer_data: crate::pages::data::TITLE.fr,
    footer_api: "API ouverte",
    footer_feed: "Fil Atom des nouveautés",
    home_title: "Le catalogue des ressources libres",
    home_intro: "Le Conservatoire du Libre recense et certifie les ressources libres : logiciels, œuvres culturelles, méthodes, jeux de données, semences et ferments. Chacun peut les trouver, les réutiliser et en proposer de nouvelles.",
    search_label: "Rechercher dans le catalogue",
    search_hint: "Par exemple : tomate, cartographie, licence:MIT",
    search_button: "Rechercher",
    home_counts: "Le catalogue en chiffres",
    home_latest: "Dernières entrées",
    home_alternatives: "Avant d’acheter un logiciel : trouver le logiciel libre qui le remplace",
    home_empty: "Le catalogue est encore vide.",
    search_title: "Recherche",
    results: "résultats",
    result: "résultat",
    results_for: "pour",
    no_results: "Aucune ressource ne correspond. Essayez d’autres mots ou retirez un filtre.",
    no_results_browse: "Parcourir tout le catalogue",
    refine: "Affiner",
    active_filters: "Filtres actifs",
    remove_filter: "Retirer le filtre",
    facet_kind: "Type de ressource",
    facet_license: "Licence",
    facet_family: "Famille de licence",
    facet_verdict: "Certification",
    facet_tag: "Mot-clé",
    facet_lang: "Langue",
    facet_species: "Espèce",
    facet_origin: "Origine",
    pagination: "Pages de résultats",
    previous_page: "Page précédente",
    next_page: "Page suivante",
    page: "Page",
    of: "sur",
    search_unavailable: "La recherche est momentanément indisponible.",
    record_fields: "Description détaillée",
    record_certificate: "Licence et certification",
    record_licence: "Licence",
    record_verdict: "Verdict",
    record_reasons: "Pourquoi",
    record_suggestions: "Écriture conseillée",
    record_policy_version: "Version de la politique de certification",
    record_spdx_version: "Version de la liste SPDX",
    record_history: "Historique",
    record_download: "Télécharger la fiche",
    download_toml: "au format TOML",
    download_json: "au format JSON",
    record_used_by: "Organisations qui l’utilisent",
    record_replaces: "Ce qu’il remplace",
    record_kind: "Type",
    record_withdrawn: "Cette ressource a été retirée du catalogue.",
    change_added: "Ajout",
    change_modified: "Modification",
    change_withdrawn: "Retrait",
    change_deleted: "Suppression",
    by: "par",
    policy_title: "Ce que « certifié libre » veut dire",
    policy_intro: "Chaque fiche porte une licence, écrite comme une expression SPDX. Le Conservatoire la certifie libre ou non selon le type de ressource. Avec « AND », toutes les parties doivent être libres ; avec « OR », une seule suffit. Une licence inconnue n’est jamais considérée comme libre : elle attend un curateur.",
    policy_examples_ok: "Exemples acceptés",
    policy_examples_ko: "Exemples refusés",
    policy_software_too: "Les licences de logiciel libre sont aussi acceptées.",
    policy_unlisted: "Licence absente de ces listes",
    policy_version: "Version de la politique",
    propose_title: "Proposer une ressource",
    propose_intro: "Remplissez le formulaire du type de ressource, ou envoyez une fiche TOML. Un curateur examinera votre proposition ; vous pourrez suivre son état à une adresse qui vous sera donnée.",
    propose_choose: "Choisir un type de ressource",
    propose_upload: "Envoyer une fiche TOML",
    propose_upload_label: "Fichier de la fiche (.toml)",
    propose_upload_hint: "Une seule fiche, 256 Kio au plus. La commande « conservatoire new » en écrit un modèle.",
    propose_form_for: "Proposer :",
    required_note: "Les champs marqués « obligatoire » doivent être remplis.",
    required: "(obligatoire)",
    author_label: "Votre pseudonyme",
    author_hint: "Il apparaîtra dans l’historique public. N’indiquez pas d’adresse électronique.",
    message_label: "Message pour les curateurs",
    preview_button: "Prévisualiser",
    submit_button: "Envoyer la proposition",
    errors_heading: "Le formulaire contient des erreurs :",
    error_prefix: "Erreur :",
    preview_heading: "Aperçu de la fiche",
    preview_intro: "Vérifiez la fiche ci-dessous, puis envoyez-la ou corrigez le formulaire.",
    list_hint: "Séparez les valeurs par des virgules.",
    lines_hint: "Une étape par ligne.",
    fieldset_common: "La ressource",
    fieldset_kind: "Informations propres à ce type",
    fieldset_you: "Vous",
    proposal_title: "Proposition",
    proposal_status: "État",
    status_open: "En attente d’examen",
    status_merged: "Acceptée et publiée",
    status_rejected: "Refusée",
    proposal_created: "Merci ! Votre proposition a été enregistrée.",
    proposal_keep: "Gardez l’adresse de cette page pour suivre son état.",
    proposal_report: "Rapport de validation",
    report_ok: "Fiche valide, licence certifiée libre.",
    report_problems: "Problèmes",
    rejection_reason: "Raison du refus",
    proposal_author: "Auteur",
    offer_from: "Proposée par la ville partenaire",
    offer_signed: "offre signée et vérifiée",
    offer_stale: "Fondée sur une version ancienne",
    offer_stale_help: "La fiche a changé ici depuis la version que cette ville a vue : comparez avec la fiche actuelle avant de décider.",
    proposal_date: "Date",
    login_title: "Connexion des curateurs",
    login_name: "Nom de curateur",
    login_password: "Mot de passe",
    login_button: "Se connecter",
    login_failed: "Nom ou mot de passe incorrect.",
    logout_button: "Se déconnecter",
    logged_in_as: "Connecté en tant que",
    review_title: "Revue des propositions",
    review_open: "Propositions en attente",
    review_decided: "Propositions traitées",
    review_none: "Aucune proposition en attente.",
    review_diff: "Modifications",
    merge_button: "Accepter et publier",
    reject_button: "Refuser",
    reject_reason_label: "Raison du refus (visible par le contributeur)",
    review_decision: "Décision",
    review_merged: "La proposition a été acceptée et publiée.",
    review_rejected: "La proposition a été refusée.",
    review_not_mergeable: "Cette proposition ne peut pas être acceptée en l’état :",
    diff_removed: "retiré",
    diff_added: "ajouté",
    error_title: "Erreur",
    back_home: "Retour à l’accueil",
    error_not_found: "Cette page n’existe pas, ou plus.",
    error_forbidden: "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et réessayez.",
    error_too_large: "La requête est trop volumineuse.",
    error_uri_too_long: "L’adresse demandée est trop longue.",
    error_headers_too_large: "Les en-têtes de la requête sont trop volumineux.",
    error_too_many: "Trop de demandes. Réessayez un peu plus tard.",
    error_internal: "Une erreur est survenue de notre côté. Réessayez plus tard.",
    error_timeout: "La requête a pris trop de temps.",
    error_bad_request: "La requête est invalide.",
    error_method: "Cette action n’est pas possible à cette adresse.",
    error_unavailable: "Le service est momentanément indisponible.",
    error_bad_query: "La recherche n’a pas pu être comprise",
    upload_missing: "Choisissez un fichier TOML à envoyer.",
    licence_not_free: "Cette licence n’est pas certifiée libre pour ce type de ressource.",
    did_you_mean: "Vouliez-vous dire",
    date_hint: "Au format AAAA-MM-JJ, par exemple 2024-03-15.",
    colon: "\u{a0}:",
    quote_open: "«\u{a0}",
    quote_close: "\u{a0}»",
};

/// English strings.
pub static EN: Messages = Messages {
    site_name: "Conservatoire du Libre",
    site_tagline: "City of Paris — certified free resources",
    skip_to_content: "Skip to content",
    nav_label: "Main navigation",
    nav_home: "Home",
    nav_search: "Search",
    nav_propose: "Propose a resource",
    nav_policy: "What “free” means",
    nav_review: "Review",
    nav_exchange: "Exchange",
    switch_language: "Français",
    footer_licence: "Free software under the EUPL-1.2 licence. No trackers, no scripts.",
    footer_data: crate::pages::data::TITLE.en,
    footer_api: "Open API",
    footer_feed: "Atom feed of new records",
    home_title: "The catalogue of free resources",
    home_intro: "The Conservatoire du Libre collects and certifies free resources: software, cultural works, methods, datasets, seeds and ferments. Everyone can find them, reuse them and propose new ones.",
    search_label: "Search the catalogue",
    search_hint: "For example: tomato, mapping, license:MIT",
    search_button: "Search",
    home_counts: "The catalogue in figures",
    home_latest: "Latest additions",
    home_alternatives: "Before buying software: find the free software that replaces it",
    home_empty: "The catalogue is still empty.",
    search_title: "Search",
    results: "results",
    result: "result",
    results_for: "for",
    no_results: "No resource matches. Try other words or remove a filter.",
    no_results_browse: "Browse the whole catalogue",
    refine: "Refine",
    active_filters: "Active filters",
    remove_filter: "Remove the filter",
    facet_kind: "Kind of resource",
    facet_license: "Licence",
    facet_family: "Licence family",
    facet_verdict: "Certification",
    facet_tag: "Keyword",
    facet_lang: "Language",
    facet_species: "Species",
    facet_origin: "Origin",
    pagination: "Result pages",
    previous_page: "Previous page",
    next_page: "Next page",
    page: "Page",
    of: "of",
    search_unavailable: "Search is unavailable for a moment.",
    record_fields: "Details",
    record_certificate: "Licence and certification",
    record_licence: "Licence",
    record_verdict: "Verdict",
    record_reasons: "Why",
    record_suggestions: "Suggested spelling",
    record_policy_version: "Certification policy version",
    record_spdx_version: "SPDX licence list version",
    record_history: "History",
    record_download: "Download the record",
    download_toml: "as TOML",
    download_json: "as JSON",
    record_used_by: "Organisations that use it",
    record_replaces: "What it replaces",
    record_kind: "Kind",
    record_withdrawn: "This resource was withdrawn from the catalogue.",
    change_added: "Added",
    change_modified: "Modified",
    change_withdrawn: "Withdrawn",
    change_deleted: "Deleted",
    by: "by",
    policy_title: "What “certified free” means",
    policy_intro: "Every record carries a licence, written as an SPDX expression. The Conservatoire certifies it free or not according to the kind of resource. With “AND” every part must be free; with “OR” one is enough. An unknown licence is never treated as free: it waits for a curator.",
    policy_examples_ok: "Accepted examples",
    policy_examples_ko: "Rejected examples",
    policy_software_too: "Free software licences are accepted too.",
    policy_unlisted: "A licence in none of these lists",
    policy_version: "Policy version",
    propose_title: "Propose a resource",
    propose_intro: "Fill in the form of the kind of resource, or send a TOML record. A curator will review your proposal; you can follow it at an address you will be given.",
    propose_choose: "Choose a kind of resource",
    propose_upload: "Send a TOML record",
    propose_upload_label: "Record file (.toml)",
    propose_upload_hint: "One record, 256 KiB at most. The command “conservatoire new” writes a template.",
    propose_form_for: "Propose:",
    required_note: "Fields marked “required” must be filled in.",
    required: "(required)",
    author_label: "Your pseudonym",
    author_hint: "It will appear in the public history. Do not give an e-mail address.",
    message_label: "Message for the curators",
    preview_button: "Preview",
    submit_button: "Send the proposal",
    errors_heading: "The form has errors:",
    error_prefix: "Error:",
    preview_heading: "Preview of the record",
    preview_intro: "Check the record below, then send it or correct the form.",
    list_hint: "Separate values with commas.",
    lines_hint: "One step per line.",
    fieldset_common: "The resource",
    fieldset_kind: "Fields of this kind",
    fieldset_you: "You",
    proposal_title: "Proposal",
    proposal_status: "Status",
    status_open: "Waiting for review",
    status_merged: "Accepted and published",
    status_rejected: "Rejected",
    proposal_created: "Thank you! Your proposal was recorded.",
    proposal_keep: "Keep the address of this page to follow it.",
    proposal_report: "Validation report",
    report_ok: "Valid record, licence certified free.",
    report_problems: "Problems",
    rejection_reason: "Reason for rejection",
    proposal_author: "Author",
    offer_from: "Offered by the partner city",
    offer_signed: "signed offer, verified",
    offer_stale: "Based on an old version",
    offer_stale_help: "The record changed here since the version this city saw: compare with the current record before deciding.",
    proposal_date: "Date",
    login_title: "Curators' login",
    login_name: "Curator name",
    login_password: "Password",
    login_button: "Log in",
    login_failed: "Wrong name or password.",
    logout_button: "Log out",
    logged_in_as: "Logged in as",
    review_title: "Review of proposals",
    review_open: "Proposals waiting",
    review_decided: "Decided proposals",
    review_none: "No proposal is waiting.",
    review_diff: "Changes",
    merge_button: "Accept and publish",
    reject_button: "Reject",
    reject_reason_label: "Reason for rejection (shown to the contributor)",
    review_decision: "Decision",
    review_merged: "The proposal was accepted and published.",
    review_rejected: "The proposal was rejected.",
    review_not_mergeable: "This proposal cannot be accepted as it is:",
    diff_removed: "removed",
    diff_added: "added",
    error_title: "Error",
    back_home: "Back to the home page",
    error_not_found: "This page does not exist, or no longer does.",
    error_forbidden: "The form expired or does not come from this site. Reload the page and try again.",
    error_too_large: "The request is too large.",
    error_uri_too_long: "The address asked for is too long.",
    error_headers_too_large: "The request headers are too large.",
    error_too_many: "Too many requests. Try again a little later.",
    error_internal: "Something went wrong on our side. Try again later.",
    error_timeout: "The request took too long.",
    error_bad_request: "The request is invalid.",
    error_method: "This action is not possible at this address.",
    error_unavailable: "The service is unavailable for a moment.",
    error_bad_query: "The search could not be understood",
    upload_missing: "Choose a TOML file to send.",
    licence_not_free: "This licence is not certified free for this kind of resource.",
    did_you_mean: "Did you mean",
    date_hint: "As YYYY-MM-DD, for example 2024-03-15.",
    colon: ":",
    quote_open: "“",
    quote_close: "”",
};

/// The label of a record field, by its path in the format
/// (`seed-lot.species`, `links.rel`), from the record format's vocabulary.
/// The form's own fields (`author`, `message`, `file`) have their labels
/// in [`Messages`]; `homepage` is the form's field for a home page link.
/// A key that is none of these is shown as itself (a test of the record
/// pages checks that no row ever falls back so).
pub fn field_label(key: &str, lang: Lang) -> &str {
    if let Some(field) = cdl_records::vocabulary::field(key) {
        return field.label.get(lang.into());
    }
    let m = lang.messages();
    match key {
        "homepage" => cdl_records::vocabulary::value("links.rel", "homepage")
            .map_or(key, |l| l.get(lang.into())),
        "author" => m.author_label,
        "message" => m.message_label,
        "file" => m.propose_upload_label,
        _ => key,
    }
}

/// A date in words: `18 février 2026`, `1er mars 2026`, `18 February 2026`.
pub fn long_date(lang: Lang, year: u16, month: u8, day: u8) -> String {
    const FR: [&str; 12] = [
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
    const EN: [&str; 12] = [
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
    let index = usize::from(month.clamp(1, 12) - 1);
    match lang {
        Lang::Fr if day == 1 => format!("1er {} {year}", FR[index]),
        Lang::Fr => format!("{day} {} {year}", FR[index]),
        Lang::En => format!("{day} {} {year}", EN[index]),
    }
}

/// A number as written in `lang`: `2,5` in French, `2.5` in English.
pub fn number(lang: Lang, value: f64) -> String {
    let text = value.to_string();
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// The name of a language, from its tag (`fr`, `en-GB`), for the languages
/// most often met; other tags are shown as they are.
pub fn language_name(lang: Lang, tag: &str) -> String {
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    let (fr, en) = match primary.as_str() {
        "fr" => ("français", "French"),
        "en" => ("anglais", "English"),
        "de" => ("allemand", "German"),
        "es" => ("espagnol", "Spanish"),
        "it" => ("italien", "Italian"),
        "pt" => ("portugais", "Portuguese"),
        "nl" => ("néerlandais", "Dutch"),
        "br" => ("breton", "Breton"),
        "oc" => ("occitan", "Occitan"),
        "ca" => ("catalan", "Catalan"),
        "eu" => ("basque", "Basque"),
        "co" => ("corse", "Corsican"),
        "ar" => ("arabe", "Arabic"),
        "zh" => ("chinois", "Chinese"),
        "ja" => ("japonais", "Japanese"),
        "la" => ("latin", "Latin"),
        _ => return tag.to_owned(),
    };
    match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    }
}

impl From<Lang> for cdl_records::vocabulary::Lang {
    fn from(lang: Lang) -> Self {
        lang.format_lang()
    }
}

impl From<cdl_records::vocabulary::Lang> for Lang {
    fn from(lang: cdl_records::vocabulary::Lang) -> Self {
        match lang {
            cdl_records::vocabulary::Lang::Fr => Lang::Fr,
            cdl_records::vocabulary::Lang::En => Lang::En,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn language_detection() {
        let mut headers = HeaderMap::new();
        assert_eq!(Lang::detect(None, &headers), Lang::Fr);
        headers.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE, en-GB;q=0.8, fr;q=0.5"),
        );
        assert_eq!(Lang::detect(None, &headers), Lang::En);
        assert_eq!(Lang::detect(Some("lang=fr&q=x"), &headers), Lang::Fr);
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("cdl_lang=fr"),
        );
        assert_eq!(Lang::detect(None, &headers), Lang::Fr);
    }

    #[test]
    fn every_field_of_the_vocabulary_has_its_label() {
        for field in cdl_records::vocabulary::FIELDS {
            assert_eq!(field_label(field.path, Lang::Fr), field.label.fr);
            assert_eq!(field_label(field.path, Lang::En), field.label.en);
        }
        for key in ["author", "message", "file", "homepage"] {
            assert_ne!(field_label(key, Lang::Fr), key);
            assert_ne!(field_label(key, Lang::En), key);
        }
    }

    #[test]
    fn one_language_type_converts_both_ways() {
        for lang in [Lang::Fr, Lang::En] {
            let format: cdl_records::vocabulary::Lang = lang.into();
            assert_eq!(format.tag(), lang.tag());
            assert_eq!(Lang::from(format), lang);
        }
    }

    #[test]
    fn dates_and_numbers_in_words() {
        assert_eq!(long_date(Lang::Fr, 2026, 2, 18), "18 février 2026");
        assert_eq!(long_date(Lang::Fr, 2026, 3, 1), "1er mars 2026");
        assert_eq!(long_date(Lang::En, 2026, 2, 18), "18 February 2026");
        assert_eq!(number(Lang::Fr, 2.5), "2,5");
        assert_eq!(number(Lang::Fr, 100.0), "100");
        assert_eq!(number(Lang::En, 2.5), "2.5");
        assert_eq!(language_name(Lang::Fr, "en-GB"), "anglais");
        assert_eq!(language_name(Lang::En, "xx"), "xx");
    }
}
