//! The typed configuration of the web server: a TOML file, then
//! environment overrides, then validation.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// The default address: loopback only, so that a first run exposes nothing.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The settings of `conservatoire serve`, as read from the TOML file.
///
/// Every field has a default, so an empty file (or none) is a valid
/// configuration. See `web/config.example.toml` for a commented example.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// The address and port to listen on.
    pub listen: SocketAddr,
    /// The public address of the site (`https://catalogue.example.org/`),
    /// used for absolute links in the Atom feed, the sitemap, `robots.txt`
    /// and JSON-LD. Without it, links use the address the server listens
    /// on; never the request's `Host` header, which any client may set.
    pub base_url: Option<url::Url>,
    /// Whether cookies carry the `Secure` attribute (sent over HTTPS
    /// only). Keep it on in production; browsers also accept `Secure`
    /// cookies from `http://127.0.0.1` and `http://localhost`, so local use
    /// works with it on. Turn it off only for plain-HTTP tests.
    pub secure_cookies: bool,
    /// The largest request body accepted, in bytes (a record is at most
    /// 256 KiB; forms encode it with some overhead).
    pub max_body_bytes: usize,
    /// How long a request may take before it is answered 408, in seconds.
    pub request_timeout_secs: u64,
    /// How long a client may take to send its request headers before the
    /// connection is closed, in seconds (against slow-header attacks). It
    /// also bounds silence: a connection that sends no request within it
    /// (a new connection, or a keep-alive one between requests) is closed.
    pub header_read_timeout_secs: u64,
    /// Serve HTTP/2 to clients that open with its preface (h2c prior
    /// knowledge). Off: HTTP/1.1 only, which a reverse proxy in front
    /// speaks anyway.
    pub http2: bool,
    /// How many connections one client address may hold open at once;
    /// more are closed at once (0: no limit). Not applied with
    /// `trust_forwarded_for`, where every connection comes from the proxy.
    pub max_connections_per_client: usize,
    /// How many proposals one client (IP address) may make in a burst.
    pub proposals_burst: u32,
    /// How many proposals one client may make per hour, once the burst is
    /// spent.
    pub proposals_per_hour: u32,
    /// How many failed curator logins one client address, and one account,
    /// may have per hour (after a burst of 5); successful logins do not
    /// count, and one clears the account's failures.
    pub logins_per_hour: u32,
    /// How long a curator stays logged in without activity, in minutes.
    pub session_minutes: u64,
    /// How many search results per page.
    pub page_size: usize,
    /// How many recent searches to keep answers for (0: none). Entries are
    /// dropped when the index changes.
    pub search_cache_entries: usize,
    /// Take the client address from the first `X-Forwarded-For` entry
    /// (only behind a reverse proxy that sets it; otherwise clients could
    /// pick their own address and escape rate limits).
    pub trust_forwarded_for: bool,
    /// Where the search index lives; default: `cdl-index` inside the
    /// registry's Git folder (outside any commit).
    pub index_dir: Option<PathBuf>,
    /// The file of curators' password hashes; default: `cdl-curators.toml`
    /// inside the registry's Git folder (outside any commit).
    pub curators_file: Option<PathBuf>,
    /// The exchange's bookings database: `postgres://...` to share it
    /// between several `serve` processes; default: the SQLite file
    /// `cdl-exchange.sqlite` inside the registry's Git folder.
    pub database_url: Option<String>,
    /// How many months after its session starts a booking of the exchange
    /// is anonymised (its farmer removed, its quantities still counted);
    /// applied when `serve` starts, then daily, and by
    /// `conservatoire privacy retention`.
    pub retention_months: u32,
    /// Who runs this site, for its legal pages (`[operator]` table).
    pub operator: Operator,
}

/// Who publishes and hosts a site, and how to reach them: the facts its
/// legal notice, accessibility statement and personal data page give.
/// The defaults say plainly that the site is a demonstration whose
/// operator has not filled them in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Operator {
    /// The body that publishes the site (and controls its personal data).
    pub publisher: String,
    /// Its postal address.
    pub address: String,
    /// The person responsible for the publication (directeur ou directrice
    /// de la publication).
    pub director: String,
    /// The address to write to about the site, its accessibility or personal
    /// data: an e-mail address or a web page.
    pub contact: String,
    /// The host: name, address and telephone of the hosting provider.
    pub host: String,
}

impl Default for Operator {
    fn default() -> Self {
        Operator {
            publisher: "Conservatoire du Libre — site de démonstration".to_owned(),
            address: "non renseignée : l’exploitant de ce site ne l’a pas encore indiquée"
                .to_owned(),
            director: "non renseigné : l’exploitant de ce site ne l’a pas encore indiqué"
                .to_owned(),
            contact: "contact@example.org".to_owned(),
            host: "non renseigné : le serveur de l’exploitant de ce site".to_owned(),
        }
    }
}

impl Operator {
    /// The contact as a link target: `mailto:` for an e-mail address.
    pub fn contact_href(&self) -> String {
        if self.contact.starts_with("http://") || self.contact.starts_with("https://") {
            self.contact.clone()
        } else {
            format!("mailto:{}", self.contact)
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            secure_cookies: true,
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            header_read_timeout_secs: 10,
            http2: false,
            max_connections_per_client: 64,
            proposals_burst: 10,
            proposals_per_hour: 30,
            logins_per_hour: 20,
            session_minutes: 120,
            page_size: 20,
            search_cache_entries: 4096,
            trust_forwarded_for: false,
            index_dir: None,
            curators_file: None,
            database_url: None,
            retention_months: cdl_exchange::DEFAULT_RETENTION_MONTHS,
            operator: Operator::default(),
        }
    }
}

/// The error returned by [`WebConfig::load`] and [`WebConfig::from_toml`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown or mistyped settings.
    #[error("invalid configuration{}: {message}", path.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default())]
    Parse {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What is wrong, with its place.
        message: String,
    },
    /// An environment variable has a value that does not fit its setting.
    #[error("invalid value for the environment variable {variable}: {message}")]
    Env {
        /// The variable.
        variable: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of its range.
    #[error("invalid setting `{setting}`: {message}")]
    Invalid {
        /// The setting.
        setting: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// Every setting with its default and its environment variable, for
/// `conservatoire serve --help`.
pub const SETTINGS_HELP: &str = "\
Settings (in the --config TOML file; environment variables override the file,
command-line options override both):
  listen = \"127.0.0.1:8080\"      address and port        CONSERVATOIRE_LISTEN
  base_url = \"https://…/\"        public address for feeds, sitemap, JSON-LD
                                                          CONSERVATOIRE_BASE_URL
  secure_cookies = true          Secure attribute on cookies (browsers accept
                                 it on http://127.0.0.1 and localhost too)
                                                          CONSERVATOIRE_SECURE_COOKIES
  max_body_bytes = 1048576       largest request body     CONSERVATOIRE_MAX_BODY_BYTES
  request_timeout_secs = 30      slower requests get 408  CONSERVATOIRE_REQUEST_TIMEOUT_SECS
  header_read_timeout_secs = 10  connections that send headers slower, or stay
                                 silent that long, are closed
  http2 = false                  also serve HTTP/2 (h2c prior knowledge)
  max_connections_per_client = 64  open connections per client address (0: no
                                 limit)
  proposals_burst = 10           proposals per client at once
  proposals_per_hour = 30        then per hour            CONSERVATOIRE_PROPOSALS_PER_HOUR
  logins_per_hour = 20           failed curator logins per hour, per client
                                 address and per account
  session_minutes = 120          curator session idle timeout
  page_size = 20                 search results per page
  search_cache_entries = 4096    recent searches answered from memory (0: off)
                                                          CONSERVATOIRE_SEARCH_CACHE_ENTRIES
  trust_forwarded_for = false    client address from X-Forwarded-For (behind a
                                 reverse proxy only)      CONSERVATOIRE_TRUST_FORWARDED_FOR
  index_dir = \"…\"                search index folder (default: cdl-index in the
                                 registry folder)         CONSERVATOIRE_INDEX_DIR
  curators_file = \"…\"            curators' password hashes (default:
                                 cdl-curators.toml in the registry folder)
  database_url = \"postgres://…\"  exchange bookings database (default: SQLite
                                 cdl-exchange.sqlite in the registry folder)
                                                          CONSERVATOIRE_DATABASE_URL
  retention_months = 24          months after its session before a booking is
                                 anonymised (1 to 1200)
  [operator]                     who runs the site, for its legal pages:
    publisher, address, director, contact (e-mail or web page), host
A commented example: web/config.example.toml.";

/// The environment variables that override the file, with the setting
/// each one sets; listed by `serve --help`.
pub const ENV_OVERRIDES: [(&str, &str); 10] = [
    ("CONSERVATOIRE_LISTEN", "listen"),
    ("CONSERVATOIRE_BASE_URL", "base_url"),
    ("CONSERVATOIRE_SECURE_COOKIES", "secure_cookies"),
    ("CONSERVATOIRE_MAX_BODY_BYTES", "max_body_bytes"),
    ("CONSERVATOIRE_REQUEST_TIMEOUT_SECS", "request_timeout_secs"),
    ("CONSERVATOIRE_PROPOSALS_PER_HOUR", "proposals_per_hour"),
    ("CONSERVATOIRE_TRUST_FORWARDED_FOR", "trust_forwarded_for"),
    ("CONSERVATOIRE_INDEX_DIR", "index_dir"),
    ("CONSERVATOIRE_SEARCH_CACHE_ENTRIES", "search_cache_entries"),
    ("CONSERVATOIRE_DATABASE_URL", "database_url"),
];

impl WebConfig {
    /// What the yearly privacy report says besides the data: the
    /// retention period and the operator's contact and name. One place
    /// for the account page and `privacy report`.
    pub fn report_settings(&self) -> cdl_exchange::ReportSettings {
        cdl_exchange::ReportSettings {
            retention_months: self.retention_months,
            contact: self.operator.contact.clone(),
            controller: self.operator.publisher.clone(),
        }
    }

    /// Reads the configuration: the TOML file at `path` if given (else the
    /// defaults), then the environment overrides in [`ENV_OVERRIDES`]
    /// (`CONSERVATOIRE_LISTEN=0.0.0.0:80`, `CONSERVATOIRE_BASE_URL=...`,
    /// `CONSERVATOIRE_SECURE_COOKIES=false`...), then checks the ranges.
    ///
    /// # Errors
    /// When the file cannot be read or parsed, or a value is invalid.
    pub fn load(path: Option<&Path>) -> Result<WebConfig, ConfigError> {
        let mut config = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                WebConfig::from_toml(&text).map_err(|e| match e {
                    ConfigError::Parse { message, .. } => ConfigError::Parse {
                        path: Some(path.to_owned()),
                        message,
                    },
                    other => other,
                })?
            }
            None => WebConfig::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        config.check()?;
        Ok(config)
    }

    /// Parses a configuration from TOML text (no environment, no checks).
    ///
    /// # Errors
    /// [`ConfigError::Parse`] for invalid TOML, unknown or mistyped settings.
    pub fn from_toml(text: &str) -> Result<WebConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: None,
            message: e.to_string(),
        })
    }

    /// Applies the overrides of [`ENV_OVERRIDES`], reading variables with
    /// `var` (so that tests need not touch the process environment).
    ///
    /// # Errors
    /// [`ConfigError::Env`] when a value does not parse.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(
            variable: &'static str,
            value: &str,
        ) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.trim().parse().map_err(|e: T::Err| ConfigError::Env {
                variable,
                message: e.to_string(),
            })
        }
        fn boolean(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
            match value.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(ConfigError::Env {
                    variable,
                    message: format!("`{value}` is not a boolean (true or false)"),
                }),
            }
        }
        for (variable, _) in ENV_OVERRIDES {
            let Some(value) = var(variable) else { continue };
            match variable {
                "CONSERVATOIRE_LISTEN" => self.listen = parse(variable, &value)?,
                "CONSERVATOIRE_BASE_URL" => self.base_url = Some(parse(variable, &value)?),
                "CONSERVATOIRE_SECURE_COOKIES" => self.secure_cookies = boolean(variable, &value)?,
                "CONSERVATOIRE_MAX_BODY_BYTES" => self.max_body_bytes = parse(variable, &value)?,
                "CONSERVATOIRE_REQUEST_TIMEOUT_SECS" => {
                    self.request_timeout_secs = parse(variable, &value)?;
                }
                "CONSERVATOIRE_PROPOSALS_PER_HOUR" => {
                    self.proposals_per_hour = parse(variable, &value)?;
                }
                "CONSERVATOIRE_TRUST_FORWARDED_FOR" => {
                    self.trust_forwarded_for = boolean(variable, &value)?;
                }
                "CONSERVATOIRE_INDEX_DIR" => self.index_dir = Some(PathBuf::from(value)),
                "CONSERVATOIRE_DATABASE_URL" => {
                    self.database_url = Some(value.trim().to_owned()).filter(|u| !u.is_empty());
                }
                "CONSERVATOIRE_SEARCH_CACHE_ENTRIES" => {
                    self.search_cache_entries = parse(variable, &value)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Checks that every setting is within its range.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the first setting out of range.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |setting, message: &str| {
            Err(ConfigError::Invalid {
                setting,
                message: message.to_owned(),
            })
        };
        if self.max_body_bytes < cdl_records::MAX_RECORD_BYTES {
            return invalid(
                "max_body_bytes",
                "must be at least 262144, the largest record",
            );
        }
        if self.request_timeout_secs == 0 {
            return invalid("request_timeout_secs", "must be at least 1");
        }
        if self.header_read_timeout_secs == 0 {
            return invalid("header_read_timeout_secs", "must be at least 1");
        }
        if !(1..=200).contains(&self.page_size) {
            return invalid("page_size", "must be between 1 and 200");
        }
        if !(1..=cdl_exchange::MAX_RETENTION_MONTHS).contains(&self.retention_months) {
            return invalid("retention_months", "must be between 1 and 1200");
        }
        if self.session_minutes == 0 {
            return invalid("session_minutes", "must be at least 1");
        }
        if let Some(url) = &self.base_url
            && !matches!(url.scheme(), "http" | "https")
        {
            return invalid("base_url", "must be an http or https address");
        }
        Ok(())
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// The index folder for a registry in `registry_dir`.
    pub fn index_dir_for(&self, registry_dir: &Path) -> PathBuf {
        self.index_dir
            .clone()
            .unwrap_or_else(|| registry_dir.join("cdl-index"))
    }

    /// The curators file for a registry in `registry_dir`.
    pub fn curators_file_for(&self, registry_dir: &Path) -> PathBuf {
        self.curators_file
            .clone()
            .unwrap_or_else(|| registry_dir.join(crate::curators::DEFAULT_FILE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses_and_checks() {
        let text = include_str!("../config.example.toml");
        let config = WebConfig::from_toml(text).unwrap();
        config.check().unwrap();
        assert_eq!(config.listen.to_string(), DEFAULT_LISTEN);
    }

    #[test]
    fn every_setting_is_documented_in_help_and_example() {
        let all = [
            ("listen", "\"127.0.0.1:1\""),
            ("base_url", "\"https://example.org/\""),
            ("secure_cookies", "true"),
            ("max_body_bytes", "1048576"),
            ("request_timeout_secs", "30"),
            ("header_read_timeout_secs", "10"),
            ("http2", "false"),
            ("max_connections_per_client", "64"),
            ("proposals_burst", "10"),
            ("proposals_per_hour", "30"),
            ("logins_per_hour", "20"),
            ("session_minutes", "120"),
            ("page_size", "20"),
            ("search_cache_entries", "0"),
            ("trust_forwarded_for", "false"),
            ("index_dir", "\"/x\""),
            ("curators_file", "\"/y\""),
            ("database_url", "\"postgres://localhost/cdl\""),
            ("retention_months", "24"),
        ];
        let operator = [
            ("publisher", "\"Ville\""),
            ("address", "\"1 rue\""),
            ("director", "\"Une personne\""),
            ("contact", "\"a@b.fr\""),
            ("host", "\"Hôte\""),
        ];
        let mut text: String = all.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        text.push_str("[operator]\n");
        text.extend(operator.iter().map(|(k, v)| format!("{k} = {v}\n")));
        let config = WebConfig::from_toml(&text).unwrap();
        assert_eq!(config.operator.contact_href(), "mailto:a@b.fr");
        for (key, _) in operator {
            assert!(SETTINGS_HELP.contains(key), "{key} in serve --help");
        }
        let example = include_str!("../config.example.toml");
        for (key, _) in all {
            assert!(SETTINGS_HELP.contains(key), "{key} in serve --help");
            assert!(example.contains(key), "{key} in config.example.toml");
        }
        for (variable, _) in ENV_OVERRIDES {
            assert!(
                SETTINGS_HELP.contains(variable),
                "{variable} in serve --help"
            );
        }
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(WebConfig::from_toml("").unwrap(), WebConfig::default());
    }

    #[test]
    fn unknown_settings_are_refused() {
        let err = WebConfig::from_toml("lisen = \"127.0.0.1:1\"").unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut config = WebConfig::from_toml("listen = \"127.0.0.1:1\"").unwrap();
        config
            .apply_env(|name| match name {
                "CONSERVATOIRE_LISTEN" => Some("0.0.0.0:9000".to_owned()),
                "CONSERVATOIRE_SECURE_COOKIES" => Some("false".to_owned()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
        assert!(!config.secure_cookies);
        let err = config
            .apply_env(|name| (name == "CONSERVATOIRE_LISTEN").then(|| "nowhere".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("CONSERVATOIRE_LISTEN"));
    }

    #[test]
    fn ranges_are_checked() {
        let config = WebConfig {
            page_size: 0,
            ..WebConfig::default()
        };
        assert!(config.check().is_err());
        for months in [0, 1201] {
            let config = WebConfig {
                retention_months: months,
                ..WebConfig::default()
            };
            let err = config.check().unwrap_err().to_string();
            assert!(err.contains("retention_months"), "{err}");
        }
    }
}
