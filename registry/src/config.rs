//! The registry's description (`registry.toml` on `main`), the runtime
//! options of this process, and the pseudonymous identities of commits.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The domain of contributors' pseudonymous e-mail addresses when the
/// registry has no base URL. `.invalid` is reserved: no mail is ever
/// delivered there.
pub const DEFAULT_EMAIL_DOMAIN: &str = "contributors.invalid";

/// The registry's description, stored as `registry.toml` at the root of
/// `main`: changing it is a commit like any other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RegistryConfig {
    /// Version of this file's format (1).
    #[serde(default = "one")]
    pub format: u32,
    /// Human name, e.g. "Conservatoire du Libre — Ville de Paris".
    pub name: String,
    /// Stable identifier, a slug; federation peers know the registry by it.
    pub id: String,
    /// Public address of the catalogue; its host names the pseudonymous
    /// e-mail domain of contributors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<url::Url>,
    /// How changes are accepted.
    #[serde(default)]
    pub curation: CurationPolicy,
}

fn one() -> u32 {
    1
}

/// How changes are accepted into `main`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CurationPolicy {
    /// Contributors propose, curators merge or reject. Always true in this
    /// version: nobody writes records to `main` directly.
    pub proposals: bool,
    /// Only records whose licence is certified free for their kind are
    /// merged. Always true in this version.
    pub require_certified: bool,
    /// Records are withdrawn with a reason and leave a tombstone; they are
    /// never silently deleted. Always true in this version.
    pub tombstones: bool,
}

impl Default for CurationPolicy {
    fn default() -> Self {
        CurationPolicy {
            proposals: true,
            require_certified: true,
            tombstones: true,
        }
    }
}

impl RegistryConfig {
    /// A description with `name`, an id made from it, and no base URL.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        let id = cdl_records::slugify(&name);
        RegistryConfig {
            format: 1,
            name,
            id,
            base_url: None,
            curation: CurationPolicy::default(),
        }
    }

    /// The domain of pseudonymous addresses: `noreply.<host of base URL>`,
    /// or [`DEFAULT_EMAIL_DOMAIN`].
    pub fn email_domain(&self) -> String {
        match self.base_url.as_ref().and_then(|u| u.host_str()) {
            Some(host) => format!("noreply.{host}"),
            None => DEFAULT_EMAIL_DOMAIN.to_owned(),
        }
    }

    /// Checks what `serde` cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("the name is empty".to_owned());
        }
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!("the id `{}` is not a slug (a-z, 0-9, -)", self.id));
        }
        if self.format != 1 {
            return Err(format!("registry.toml format {} is not known", self.format));
        }
        Ok(())
    }

    pub(crate) fn to_toml(&self) -> String {
        match toml::to_string_pretty(self) {
            Ok(text) => text,
            // Strings, a URL, booleans: always serialisable.
            Err(e) => format!("# serialisation failed: {e}\n"),
        }
    }
}

/// Knobs of this process, with defaults that suit a server. None of them
/// is stored in the repository.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// How long a writer keeps retrying a compare-and-swap that other
    /// writers keep winning.
    pub retry_deadline: Duration,
    /// A ref lock file older than this was left by a killed writer and is
    /// removed (a live writer holds one for microseconds).
    pub stale_lock_after: Duration,
    /// Unreachable loose objects younger than this are kept by
    /// [`Registry::gc`](crate::Registry::gc): they may belong to a writer
    /// that has not moved its ref yet.
    pub prune_grace: Duration,
    /// After a write, pack when about this many loose objects pile up
    /// (estimated like Git does, from one fan-out folder). 0 disables.
    pub auto_gc_loose_objects: usize,
    /// Merge all packs into one when there are more than this many.
    pub max_packs: usize,
    /// Sync written objects and refs to disk before acknowledging.
    pub fsync: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            retry_deadline: Duration::from_secs(120),
            stale_lock_after: Duration::from_secs(10),
            prune_grace: Duration::from_secs(3600),
            auto_gc_loose_objects: 6700,
            max_packs: 16,
            fsync: true,
        }
    }
}

/// A contributor's pseudonym: the name shown in history. The e-mail
/// address of commits is made from it under the registry's domain, so no
/// personal address ever enters the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pseudonym(String);

impl Pseudonym {
    /// The name used when a contributor gives none.
    pub const ANONYMOUS: &'static str = "anonyme";

    /// A pseudonym. Control characters and `<>` (which would break the
    /// commit header) are removed, spaces collapsed; empty becomes
    /// [`Pseudonym::ANONYMOUS`].
    pub fn new(name: &str) -> Self {
        let cleaned: String = name
            .chars()
            .filter(|c| !c.is_control() && *c != '<' && *c != '>')
            .collect();
        let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
        let cleaned: String = cleaned.chars().take(100).collect();
        if cleaned.is_empty() {
            Pseudonym(Self::ANONYMOUS.to_owned())
        } else {
            Pseudonym(cleaned)
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// `<slug of name>@<domain>`.
    pub fn email(&self, domain: &str) -> String {
        format!("{}@{domain}", cdl_records::slugify(&self.0))
    }
}

impl Default for Pseudonym {
    fn default() -> Self {
        Pseudonym(Self::ANONYMOUS.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_clean() {
        assert_eq!(Pseudonym::new("  Zoé <z@x.fr>\n").name(), "Zoé z@x.fr");
        assert_eq!(Pseudonym::new("").name(), Pseudonym::ANONYMOUS);
        assert_eq!(
            Pseudonym::new("Zoé Dupont").email("d.invalid"),
            "zoe-dupont@d.invalid"
        );
    }

    #[test]
    fn config_round_trips() {
        let mut c = RegistryConfig::new("Conservatoire du Libre");
        assert_eq!(c.id, "conservatoire-du-libre");
        assert_eq!(c.email_domain(), DEFAULT_EMAIL_DOMAIN);
        c.base_url = Some("https://libre.paris.fr/catalogue".parse().unwrap());
        assert_eq!(c.email_domain(), "noreply.libre.paris.fr");
        let back: RegistryConfig = toml::from_str(&c.to_toml()).unwrap();
        assert_eq!(back, c);
        assert!(c.check().is_ok());
    }
}
