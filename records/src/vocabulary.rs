//! The vocabulary of the record format for people: a French and an
//! English label for every field and every enumerated value, and a help
//! text where one helps. Forms, record pages, facets and the API's labels
//! derive from these tables; a test checks them against the JSON Schema,
//! so that a field or a value cannot be added without both labels.
//!
//! Fields are named by their path in a record: `title`, `links.rel`,
//! `seed-lot.harvest_year`, `cultural-work.creators.born` (a list's items
//! share the list's path).

/// A language of the interface: French first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The language of a locale such as `LANG` or `LC_MESSAGES`
    /// (`fr_FR.UTF-8`): French when it starts with `fr`, English otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        if locale
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case("fr"))
        {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// The BCP 47 tag (`fr`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// A text in both languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// In French.
    pub fr: &'static str,
    /// In English.
    pub en: &'static str,
}

impl Label {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }
}

/// A field of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its path in a record.
    pub path: &'static str,
    /// What a form or a page calls it.
    pub label: Label,
    /// What a form says to help fill it in, where that helps.
    pub help: Option<Label>,
}

/// A value of an enumerated field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    /// The field's path.
    pub field: &'static str,
    /// The value as written in a record.
    pub value: &'static str,
    /// What a person reads.
    pub label: Label,
}

/// The field at `path`, if the format has one.
pub fn field(path: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.path == path)
}

/// The label of `value` of the field at `path`, if it is one of its values.
pub fn value(path: &str, value: &str) -> Option<Label> {
    VALUES
        .iter()
        .find(|v| v.field == path && v.value == value)
        .map(|v| v.label)
}

/// The values of the enumerated field at `path`, in the table's order.
pub fn values(path: &str) -> impl Iterator<Item = &'static Value> + '_ {
    VALUES.iter().filter(move |v| v.field == path)
}

/// Every field of the format, by its path (`kind-table.field.sub-field`).
pub const FIELDS: &[Field] = &[
    plain("format", "Version du format", "Format version"),
    help(
        "id",
        "Identifiant",
        "Identifier",
        "Court, en minuscules, chiffres et tirets (par exemple « tomate-noire-de-crimee »). Il forme l’adresse de la fiche.",
        "Short, lower case letters, digits and hyphens (for example “black-krim-tomato”). It forms the record’s address.",
    ),
    plain("kind", "Type de ressource", "Kind of resource"),
    plain("title", "Titre", "Title"),
    help(
        "title_lang",
        "Langue du titre",
        "Language of the title",
        "Seulement si le titre n’est pas en français (le titre original d’une œuvre) : son code de langue, par exemple en.",
        "Only when the title is not in French (a work’s original title): its language code, for example en.",
    ),
    help(
        "license",
        "Licence",
        "Licence",
        "La licence sous laquelle la ressource est partagée.",
        "The licence under which the resource is shared.",
    ),
    help(
        "summary",
        "Résumé",
        "Summary",
        "Une phrase qui dit ce qu’est la ressource.",
        "One sentence that says what the resource is.",
    ),
    plain("description", "Description", "Description"),
    help(
        "tags",
        "Mots-clés",
        "Keywords",
        "Quelques mots qui aident à trouver la ressource.",
        "A few words that help find the resource.",
    ),
    help(
        "languages",
        "Langues",
        "Languages",
        "Les langues de la ressource, en codes courts (fr, en, br…).",
        "The resource’s languages, as short codes (fr, en, br…).",
    ),
    plain("created", "Création", "Created"),
    plain("updated", "Mise à jour", "Updated"),
    help(
        "wikidata",
        "Wikidata",
        "Wikidata",
        "L’identifiant de l’élément Wikidata (par exemple Q90).",
        "The Wikidata item’s identifier (for example Q90).",
    ),
    plain("links", "Liens", "Links"),
    plain("links.url", "Adresse", "Address"),
    plain("links.rel", "Nature du lien", "Kind of link"),
    plain("links.title", "Intitulé du lien", "Link title"),
    plain("contributors", "Contributeurs", "Contributors"),
    plain("contributors.name", "Nom", "Name"),
    plain("contributors.role", "Rôle", "Role"),
    plain("contributors.url", "Adresse", "Address"),
    plain("sources", "Sources des données", "Data sources"),
    plain("sources.name", "Nom de la source", "Source name"),
    plain("sources.url", "Adresse de la source", "Source address"),
    plain("sources.license", "Licence de la source", "Source licence"),
    plain("translations", "Traductions", "Translations"),
    plain("translations.title", "Titre traduit", "Translated title"),
    plain(
        "translations.summary",
        "Résumé traduit",
        "Translated summary",
    ),
    plain(
        "translations.description",
        "Description traduite",
        "Translated description",
    ),
    plain("software", "Logiciel", "Software"),
    plain(
        "software.repository",
        "Dépôt du code source",
        "Source code repository",
    ),
    plain(
        "software.swhid",
        "Identifiant Software Heritage",
        "Software Heritage identifier",
    ),
    plain("software.version", "Version", "Version"),
    plain("software.released", "Date de publication", "Release date"),
    plain(
        "software.programming_languages",
        "Langages de programmation",
        "Programming languages",
    ),
    plain("software.platforms", "Plateformes", "Platforms"),
    plain("software.maintenance", "Maintenance", "Maintenance"),
    plain(
        "software.development_status",
        "État du développement",
        "Development status",
    ),
    plain("software.used_by", "Utilisé par", "Used by"),
    plain("software.used_by.name", "Organisation", "Organisation"),
    plain(
        "software.used_by.url",
        "Site de l’organisation",
        "Organisation’s website",
    ),
    help(
        "software.replaces",
        "Remplace",
        "Replaces",
        "Les logiciels, souvent propriétaires, que celui-ci peut remplacer.",
        "The programs, often proprietary, that this one can replace.",
    ),
    help(
        "software.logo",
        "Logo",
        "Logo",
        "L’adresse de l’image du logo, par exemple https://exemple.fr/logo.svg.",
        "The address of the logo image, for example https://example.org/logo.svg.",
    ),
    help(
        "software.dependencies",
        "Dépendances",
        "Dependencies",
        "Ce dont le logiciel a besoin pour fonctionner, une par ligne, avec la version : « PostgreSQL >=12 ».",
        "What the software needs to run, one per line, with the version: “PostgreSQL >=12”.",
    ),
    help(
        "software.sill_id",
        "Identifiant au SILL",
        "SILL identifier",
        "Le numéro de la fiche au Socle interministériel de logiciels libres.",
        "The record number in the French State’s free software catalogue (SILL).",
    ),
    plain("cultural-work", "Œuvre", "Cultural work"),
    plain("cultural-work.creators", "Créateurs", "Creators"),
    plain("cultural-work.creators.name", "Nom", "Name"),
    plain("cultural-work.creators.role", "Rôle", "Role"),
    plain(
        "cultural-work.creators.born",
        "Année de naissance",
        "Year of birth",
    ),
    plain(
        "cultural-work.creators.died",
        "Année de décès",
        "Year of death",
    ),
    plain("cultural-work.form", "Forme", "Form"),
    plain("cultural-work.period", "Période", "Period"),
    plain("cultural-work.year", "Année", "Year"),
    plain("cultural-work.medium", "Technique", "Medium"),
    plain("cultural-work.dimensions", "Dimensions", "Dimensions"),
    plain(
        "cultural-work.holding_institution",
        "Institution de conservation",
        "Holding institution",
    ),
    plain(
        "cultural-work.holding_institution.name",
        "Institution",
        "Institution",
    ),
    plain(
        "cultural-work.holding_institution.url",
        "Site de l’institution",
        "Institution’s website",
    ),
    plain(
        "cultural-work.accession_number",
        "Numéro d’inventaire",
        "Accession number",
    ),
    plain(
        "cultural-work.rights_status",
        "Statut des droits",
        "Rights status",
    ),
    plain("cultural-work.media", "Reproductions", "Reproductions"),
    plain(
        "cultural-work.media.url",
        "Adresse de l’image",
        "Image address",
    ),
    plain(
        "cultural-work.media.media_type",
        "Type de fichier",
        "File type",
    ),
    help(
        "cultural-work.media.alt",
        "Description de l’image",
        "Image description",
        "Ce que montre l’image, pour les personnes qui ne la voient pas.",
        "What the image shows, for people who cannot see it.",
    ),
    plain("cultural-work.media.credit", "Crédit", "Credit"),
    plain(
        "cultural-work.media.license",
        "Licence de la reproduction",
        "Reproduction licence",
    ),
    plain("method", "Méthode", "Method"),
    plain("method.disciplines", "Disciplines", "Disciplines"),
    help(
        "method.doi",
        "DOI",
        "DOI",
        "L’identifiant d’objet numérique de la publication (10.xxxx/…).",
        "The publication’s Digital Object Identifier (10.xxxx/…).",
    ),
    plain("method.version", "Version", "Version"),
    plain("method.materials", "Matériel", "Materials"),
    plain("method.steps", "Étapes", "Steps"),
    plain("method.references", "Références", "References"),
    plain("method.references.citation", "Citation", "Citation"),
    plain("method.references.doi", "DOI", "DOI"),
    plain("method.references.url", "Adresse", "Address"),
    plain("dataset", "Jeu de données", "Dataset"),
    plain("dataset.publisher", "Producteur", "Publisher"),
    plain(
        "dataset.publisher.name",
        "Nom du producteur",
        "Publisher name",
    ),
    plain(
        "dataset.publisher.url",
        "Site du producteur",
        "Publisher’s website",
    ),
    plain("dataset.formats", "Formats", "Formats"),
    plain(
        "dataset.update_frequency",
        "Fréquence de mise à jour",
        "Update frequency",
    ),
    plain(
        "dataset.spatial_coverage",
        "Couverture géographique",
        "Spatial coverage",
    ),
    plain(
        "dataset.temporal_start",
        "Début de la période couverte",
        "Start of the period covered",
    ),
    plain(
        "dataset.temporal_end",
        "Fin de la période couverte",
        "End of the period covered",
    ),
    plain("dataset.doi", "DOI", "DOI"),
    plain("dataset.distributions", "Téléchargements", "Downloads"),
    plain("dataset.distributions.title", "Intitulé", "Title"),
    plain(
        "dataset.distributions.url",
        "Adresse de téléchargement",
        "Download address",
    ),
    plain("dataset.distributions.format", "Format", "Format"),
    plain(
        "dataset.distributions.media_type",
        "Type de fichier",
        "File type",
    ),
    plain(
        "dataset.distributions.size",
        "Taille (octets)",
        "Size (bytes)",
    ),
    plain("seed-lot", "Lot de semences", "Seed lot"),
    help(
        "seed-lot.species",
        "Espèce",
        "Species",
        "Le nom scientifique (par exemple Solanum lycopersicum).",
        "The scientific name (for example Solanum lycopersicum).",
    ),
    plain("seed-lot.variety", "Variété", "Variety"),
    plain("seed-lot.common_name", "Nom commun", "Common name"),
    plain("seed-lot.quantity", "Quantité", "Quantity"),
    plain("seed-lot.unit", "Unité", "Unit"),
    plain("seed-lot.harvest_year", "Année de récolte", "Harvest year"),
    plain(
        "seed-lot.germination_rate",
        "Taux de germination (%)",
        "Germination rate (%)",
    ),
    plain(
        "seed-lot.germination_tested",
        "Date du test de germination",
        "Germination test date",
    ),
    plain("seed-lot.reproduction", "Reproduction", "Reproduction"),
    plain("seed-lot.origin", "Origine", "Origin"),
    plain(
        "seed-lot.exchange_point",
        "Point d’échange",
        "Exchange point",
    ),
    help(
        "seed-lot.parent_lot",
        "Lot d’origine",
        "Parent lot",
        "L’identifiant du lot dont ces semences sont issues, s’il est au catalogue.",
        "The identifier of the lot these seeds come from, if it is in the catalogue.",
    ),
    plain("ferment-lot", "Lot de ferments", "Ferment lot"),
    plain("ferment-lot.organism", "Culture", "Culture"),
    plain("ferment-lot.species", "Espèces", "Species"),
    plain("ferment-lot.substrate", "Substrat", "Substrate"),
    plain("ferment-lot.quantity", "Quantité", "Quantity"),
    plain("ferment-lot.unit", "Unité", "Unit"),
    plain("ferment-lot.state", "Conservation", "Storage"),
    plain(
        "ferment-lot.viable_until",
        "Viable jusqu’au",
        "Viable until",
    ),
    plain("ferment-lot.care", "Entretien", "Care"),
    plain("ferment-lot.origin", "Origine", "Origin"),
    plain(
        "ferment-lot.exchange_point",
        "Point d’échange",
        "Exchange point",
    ),
    plain("ferment-lot.parent_lot", "Lot d’origine", "Parent lot"),
];

/// Every value of every enumerated field, by the field's path.
pub const VALUES: &[Value] = &[
    val("kind", "software", "Logiciel", "Software"),
    val("kind", "cultural-work", "Œuvre culturelle", "Cultural work"),
    val("kind", "method", "Méthode", "Method"),
    val("kind", "dataset", "Jeu de données", "Dataset"),
    val("kind", "seed-lot", "Lot de semences", "Seed lot"),
    val("kind", "ferment-lot", "Lot de ferments", "Ferment lot"),
    val("links.rel", "homepage", "Site officiel", "Homepage"),
    val(
        "links.rel",
        "documentation",
        "Documentation",
        "Documentation",
    ),
    val("links.rel", "download", "Téléchargement", "Download"),
    val("links.rel", "source", "Code source", "Source code"),
    val(
        "links.rel",
        "catalogue",
        "Fiche de catalogue",
        "Catalogue entry",
    ),
    val("links.rel", "other", "Autre lien", "Other link"),
    val("software.maintenance", "internal", "Interne", "In-house"),
    val(
        "software.maintenance",
        "contract",
        "Par un prestataire",
        "Under contract",
    ),
    val(
        "software.maintenance",
        "community",
        "Par la communauté",
        "By the community",
    ),
    val("software.maintenance", "none", "Aucune", "None"),
    val(
        "software.development_status",
        "concept",
        "À l’étude",
        "Concept",
    ),
    val(
        "software.development_status",
        "development",
        "En développement",
        "In development",
    ),
    val(
        "software.development_status",
        "beta",
        "En test (bêta)",
        "Beta",
    ),
    val("software.development_status", "stable", "Stable", "Stable"),
    val(
        "software.development_status",
        "obsolete",
        "Obsolète",
        "Obsolete",
    ),
    val(
        "cultural-work.rights_status",
        "public-domain",
        "Domaine public",
        "Public domain",
    ),
    val(
        "cultural-work.rights_status",
        "free-licence",
        "Sous licence libre",
        "Under a free licence",
    ),
    val(
        "cultural-work.rights_status",
        "waived",
        "Droits abandonnés",
        "Rights waived",
    ),
    val(
        "dataset.update_frequency",
        "continuous",
        "En continu",
        "Continuous",
    ),
    val("dataset.update_frequency", "daily", "Quotidienne", "Daily"),
    val(
        "dataset.update_frequency",
        "weekly",
        "Hebdomadaire",
        "Weekly",
    ),
    val(
        "dataset.update_frequency",
        "monthly",
        "Mensuelle",
        "Monthly",
    ),
    val(
        "dataset.update_frequency",
        "quarterly",
        "Trimestrielle",
        "Quarterly",
    ),
    val(
        "dataset.update_frequency",
        "semiannual",
        "Semestrielle",
        "Semiannual",
    ),
    val("dataset.update_frequency", "annual", "Annuelle", "Annual"),
    val(
        "dataset.update_frequency",
        "irregular",
        "Irrégulière",
        "Irregular",
    ),
    val("dataset.update_frequency", "never", "Aucune", "Never"),
    val(
        "seed-lot.reproduction",
        "self-pollinated",
        "Autogame",
        "Self-pollinated",
    ),
    val(
        "seed-lot.reproduction",
        "cross-pollinated",
        "Allogame",
        "Cross-pollinated",
    ),
    val(
        "seed-lot.reproduction",
        "vegetative",
        "Multiplication végétative",
        "Vegetative",
    ),
    val("seed-lot.unit", "seeds", "graines", "seeds"),
    val("seed-lot.unit", "grams", "grammes", "grams"),
    val("seed-lot.unit", "kilograms", "kilogrammes", "kilograms"),
    val("seed-lot.unit", "packets", "sachets", "packets"),
    val("seed-lot.unit", "pieces", "pièces", "pieces"),
    val("ferment-lot.unit", "grams", "grammes", "grams"),
    val(
        "ferment-lot.unit",
        "millilitres",
        "millilitres",
        "millilitres",
    ),
    val("ferment-lot.unit", "portions", "portions", "portions"),
    val(
        "ferment-lot.state",
        "active",
        "Vivant (à nourrir)",
        "Active",
    ),
    val("ferment-lot.state", "dried", "Séché", "Dried"),
    val("ferment-lot.state", "frozen", "Congelé", "Frozen"),
];

const fn plain(path: &'static str, fr: &'static str, en: &'static str) -> Field {
    Field {
        path,
        label: Label { fr, en },
        help: None,
    }
}

const fn help(
    path: &'static str,
    fr: &'static str,
    en: &'static str,
    help_fr: &'static str,
    help_en: &'static str,
) -> Field {
    Field {
        path,
        label: Label { fr, en },
        help: Some(Label {
            fr: help_fr,
            en: help_en,
        }),
    }
}

const fn val(
    field: &'static str,
    value: &'static str,
    fr: &'static str,
    en: &'static str,
) -> Value {
    Value {
        field,
        value,
        label: Label { fr, en },
    }
}

/// The usual values of some free-text fields (a work's form, a creator's
/// or contributor's role, common media), with their labels: a page shows
/// the label of a value it knows and the value itself otherwise. Matched
/// without regard to case.
pub const TERMS: &[Value] = &[
    val("cultural-work.form", "painting", "peinture", "painting"),
    val("cultural-work.form", "drawing", "dessin", "drawing"),
    val("cultural-work.form", "print", "estampe", "print"),
    val(
        "cultural-work.form",
        "photograph",
        "photographie",
        "photograph",
    ),
    val("cultural-work.form", "sculpture", "sculpture", "sculpture"),
    val("cultural-work.form", "text", "texte", "text"),
    val("cultural-work.form", "book", "livre", "book"),
    val(
        "cultural-work.form",
        "manuscript",
        "manuscrit",
        "manuscript",
    ),
    val("cultural-work.form", "map", "carte", "map"),
    val("cultural-work.form", "music", "musique", "music"),
    val("cultural-work.form", "film", "film", "film"),
    val("cultural-work.form", "textile", "textile", "textile"),
    val(
        "cultural-work.form",
        "decorative art",
        "arts décoratifs",
        "decorative art",
    ),
    val("cultural-work.creators.role", "artist", "artiste", "artist"),
    val(
        "cultural-work.creators.role",
        "author",
        "auteur ou autrice",
        "author",
    ),
    val(
        "cultural-work.creators.role",
        "composer",
        "compositeur ou compositrice",
        "composer",
    ),
    val(
        "cultural-work.creators.role",
        "photographer",
        "photographe",
        "photographer",
    ),
    val(
        "cultural-work.creators.role",
        "illustrator",
        "illustrateur ou illustratrice",
        "illustrator",
    ),
    val(
        "cultural-work.creators.role",
        "engraver",
        "graveur ou graveuse",
        "engraver",
    ),
    val(
        "cultural-work.creators.role",
        "designer",
        "designer",
        "designer",
    ),
    val(
        "cultural-work.creators.role",
        "translator",
        "traducteur ou traductrice",
        "translator",
    ),
    val("contributors.role", "author", "auteur ou autrice", "author"),
    val(
        "contributors.role",
        "maintainer",
        "mainteneur",
        "maintainer",
    ),
    val("contributors.role", "developer", "développeur", "developer"),
    val("contributors.role", "publisher", "éditeur", "publisher"),
    val("contributors.role", "funder", "financeur", "funder"),
    val("contributors.role", "curator", "curateur", "curator"),
    val(
        "contributors.role",
        "grower",
        "producteur de semences",
        "grower",
    ),
    val(
        "contributors.role",
        "contributor",
        "contributeur",
        "contributor",
    ),
    val(
        "cultural-work.medium",
        "oil on canvas",
        "huile sur toile",
        "oil on canvas",
    ),
    val(
        "cultural-work.medium",
        "oil on panel",
        "huile sur bois",
        "oil on panel",
    ),
    val(
        "cultural-work.medium",
        "oil on wood",
        "huile sur bois",
        "oil on wood",
    ),
    val(
        "cultural-work.medium",
        "watercolor",
        "aquarelle",
        "watercolour",
    ),
    val(
        "cultural-work.medium",
        "watercolour",
        "aquarelle",
        "watercolour",
    ),
    val("cultural-work.medium", "etching", "eau-forte", "etching"),
    val("cultural-work.medium", "engraving", "gravure", "engraving"),
    val(
        "cultural-work.medium",
        "lithograph",
        "lithographie",
        "lithograph",
    ),
    val("cultural-work.medium", "bronze", "bronze", "bronze"),
    val("cultural-work.medium", "marble", "marbre", "marble"),
    val(
        "cultural-work.medium",
        "graphite",
        "mine de plomb",
        "graphite",
    ),
    val(
        "cultural-work.medium",
        "gelatin silver print",
        "épreuve gélatino-argentique",
        "gelatin silver print",
    ),
];

/// The label of a usual value of a free-text field ([`TERMS`]), matched
/// without regard to case.
pub fn term(path: &str, value: &str) -> Option<Label> {
    let value = value.trim();
    TERMS
        .iter()
        .find(|t| t.field == path && t.value.eq_ignore_ascii_case(value))
        .map(|t| t.label)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeSet;

    use super::*;

    /// Every field path and every `path=value` of the JSON Schema.
    fn schema_vocabulary() -> (BTreeSet<String>, BTreeSet<String>) {
        let schema = crate::schema::json_schema();
        let mut fields = BTreeSet::new();
        let mut values = BTreeSet::new();
        walk(&schema, &schema, "", &mut fields, &mut values, 0);
        (fields, values)
    }

    fn walk(
        root: &serde_json::Value,
        node: &serde_json::Value,
        path: &str,
        fields: &mut BTreeSet<String>,
        values: &mut BTreeSet<String>,
        depth: usize,
    ) {
        assert!(depth < 32, "the schema nests too deep at {path}");
        let Some(object) = node.as_object() else {
            return;
        };
        if let Some(props) = object.get("properties").and_then(|p| p.as_object()) {
            for (name, sub) in props {
                let sub_path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                fields.insert(sub_path.clone());
                walk(root, sub, &sub_path, fields, values, depth + 1);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(sub) = object.get(key) {
                walk(root, sub, path, fields, values, depth + 1);
            }
        }
        if let Some(patterns) = object.get("patternProperties").and_then(|p| p.as_object()) {
            for sub in patterns.values() {
                walk(root, sub, path, fields, values, depth + 1);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for sub in object
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                walk(root, sub, path, fields, values, depth + 1);
            }
        }
        for e in object
            .get("enum")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            values.insert(format!("{path}={}", e.as_str().unwrap()));
        }
        if let Some(c) = object.get("const").and_then(|v| v.as_str()) {
            values.insert(format!("{path}={c}"));
        }
        if let Some(reference) = object.get("$ref").and_then(|r| r.as_str()) {
            let name = reference.rsplit('/').next().unwrap();
            walk(
                root,
                &root["definitions"][name],
                path,
                fields,
                values,
                depth + 1,
            );
        }
    }

    #[test]
    fn every_field_and_value_of_the_schema_has_both_labels() {
        let (fields, values) = schema_vocabulary();
        assert!(
            fields.len() > 100 && values.len() > 40,
            "{fields:?} {values:?}"
        );
        let ours: BTreeSet<String> = FIELDS.iter().map(|f| f.path.to_owned()).collect();
        let missing: Vec<_> = fields.difference(&ours).collect();
        assert!(
            missing.is_empty(),
            "fields without labels in vocabulary.rs: {missing:?}"
        );
        let stale: Vec<_> = ours.difference(&fields).collect();
        assert!(
            stale.is_empty(),
            "labels of fields the format does not have: {stale:?}"
        );
        let ours: BTreeSet<String> = VALUES
            .iter()
            .map(|v| format!("{}={}", v.field, v.value))
            .collect();
        let missing: Vec<_> = values.difference(&ours).collect();
        assert!(
            missing.is_empty(),
            "values without labels in vocabulary.rs: {missing:?}"
        );
        let stale: Vec<_> = ours.difference(&values).collect();
        assert!(
            stale.is_empty(),
            "labels of values the format does not have: {stale:?}"
        );
    }

    #[test]
    fn labels_are_filled_in_both_languages_once_each() {
        let mut seen = BTreeSet::new();
        for f in FIELDS {
            assert!(seen.insert(f.path.to_owned()), "{} twice", f.path);
            assert!(
                !f.label.fr.trim().is_empty() && !f.label.en.trim().is_empty(),
                "{}",
                f.path
            );
            if let Some(help) = f.help {
                assert!(!help.fr.is_empty() && !help.en.is_empty(), "{}", f.path);
            }
        }
        for v in VALUES {
            let key = format!("{}={}", v.field, v.value);
            assert!(seen.insert(key.clone()), "{key} twice");
            assert!(!v.label.fr.trim().is_empty() && !v.label.en.trim().is_empty());
        }
        assert_eq!(
            value("seed-lot.reproduction", "self-pollinated")
                .unwrap()
                .get(Lang::Fr),
            "Autogame"
        );
        assert_eq!(
            field("seed-lot.harvest_year").unwrap().label.get(Lang::En),
            "Harvest year"
        );
        assert_eq!(values("links.rel").count(), 6);
        assert!(value("links.rel", "nonsense").is_none());
    }

    #[test]
    fn usual_values_of_free_text_fields_are_labelled_once() {
        let mut seen = BTreeSet::new();
        for t in TERMS {
            assert!(field(t.field).is_some(), "{} is not a field", t.field);
            assert!(
                seen.insert(format!("{}={}", t.field, t.value)),
                "{}",
                t.value
            );
            assert!(!t.label.fr.trim().is_empty() && !t.label.en.trim().is_empty());
        }
        assert_eq!(
            term("cultural-work.form", "Painting")
                .unwrap()
                .get(Lang::Fr),
            "peinture"
        );
        assert!(term("cultural-work.form", "hologram").is_none());
    }

    #[test]
    fn locales_choose_the_language() {
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), Lang::Fr);
        assert_eq!(Lang::from_locale("FR"), Lang::Fr);
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
    }
}
