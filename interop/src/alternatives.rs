//! Matching the name of a proprietary product, as people write it, with
//! the names in the records' `replaces` lists: "ms office", "Microsoft
//! Office 365" and "office 365" all name the office suite that a record
//! lists as "Microsoft Office".
//!
//! Names are normalised (lower case, accents folded, punctuation dropped,
//! vendor words and version numbers dropped), then compared token by
//! token: two names match when every token of one finds a token of the
//! other, equal or within a small edit distance (one edit from 4
//! characters, two from 8), or when their tokens written together match
//! ("power point" and "PowerPoint").

/// Words that name a vendor or an edition, not the product.
const NOISE: &[&str] = &[
    "microsoft",
    "ms",
    "adobe",
    "google",
    "apple",
    "oracle",
    "ibm",
    "sap",
    "autodesk",
    "atlassian",
    "cisco",
    "vmware",
    "amazon",
    "aws",
    "salesforce",
    "corel",
    "esri",
    "the",
    "inc",
    "corp",
    "corporation",
    "ltd",
    "sa",
    "sas",
    "gmbh",
    "software",
    "logiciel",
    "pro",
    "professional",
    "professionnel",
    "enterprise",
    "entreprise",
    "standard",
    "edition",
    "premium",
    "business",
    "home",
    "personal",
    "online",
    "cloud",
    "desktop",
    "server",
    "for",
    "pour",
    "de",
    "du",
    "la",
    "le",
    "les",
    "et",
    "and",
    "xp",
    "vista",
    "cc",
    "dc",
    "plus",
    "version",
];

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'œ' => 'o',
        'æ' => 'a',
        other => other,
    }
}

fn is_version(token: &str) -> bool {
    let t = token.strip_prefix('v').unwrap_or(token);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// The significant tokens of a product name.
///
/// ```
/// use cdl_interop::alternatives::normalise;
/// assert_eq!(normalise("Microsoft Office 365"), ["office"]);
/// assert_eq!(normalise("MS-Office"), ["office"]);
/// assert_eq!(normalise("Adobe Photoshop CC 2024"), ["photoshop"]);
/// ```
pub fn normalise(name: &str) -> Vec<String> {
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let tokens: Vec<String> = folded.split_whitespace().map(str::to_owned).collect();
    let kept: Vec<String> = tokens
        .iter()
        .filter(|t| !NOISE.contains(&t.as_str()) && !is_version(t))
        .cloned()
        .collect();
    // A name made only of noise ("Microsoft") is its own product.
    if kept.is_empty() {
        tokens.into_iter().filter(|t| !is_version(t)).collect()
    } else {
        kept
    }
}

fn close(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let shorter = a.chars().count().min(b.chars().count());
    let allowed = match shorter {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    allowed > 0 && strsim::levenshtein(a, b) <= allowed
}

fn covers(small: &[String], large: &[String]) -> bool {
    !small.is_empty() && small.iter().all(|s| large.iter().any(|l| close(s, l)))
}

/// Whether two product names name the same product.
///
/// ```
/// use cdl_interop::alternatives::same_product;
/// assert!(same_product("ms office", "Microsoft Office"));
/// assert!(same_product("office 365", "Microsoft Office"));
/// assert!(same_product("Photoshp", "Adobe Photoshop"));
/// assert!(same_product("power point", "Microsoft PowerPoint"));
/// assert!(!same_product("Microsoft Excel", "Microsoft Office"));
/// ```
pub fn same_product(query: &str, name: &str) -> bool {
    let q = normalise(query);
    let n = normalise(name);
    covers(&q, &n) || covers(&n, &q) || {
        let (a, b) = (q.concat(), n.concat());
        !a.is_empty() && close(&a, &b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_of_the_issue_find_the_office_suites() {
        for q in [
            "ms office",
            "Microsoft Office 365",
            "office 365",
            "MS Office 2019",
            "Office",
        ] {
            assert!(same_product(q, "Microsoft Office"), "{q}");
        }
        assert!(same_product("Autocad", "AutoCAD"));
        assert!(same_product("Outlook", "Microsoft Outlook"));
        assert!(same_product("Teams", "Microsoft Teams"));
        assert!(!same_product("Teams", "Microsoft Office"));
        assert!(!same_product("Word", "WordPress"));
        assert!(!same_product("", "Microsoft Office"));
        assert!(same_product("Microsoft", "Microsoft"));
    }
}
