//! A server on a loopback port with a small catalogue, and an HTTP client
//! that keeps cookies by hand (so that tests see exactly what is sent).

use std::collections::HashMap;
use std::net::SocketAddr;

use cdl_registry::testing::TempRegistry;
use cdl_registry::{Pseudonym, RecordFile};
use cdl_web::{App, WebConfig};
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::oneshot;

pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// One record of each kind, plus a record whose title is hostile.
pub fn catalogue() -> Vec<(&'static str, String)> {
    vec![
        (
            "software",
            r#"id = "lutece"
kind = "software"
title = "Lutèce"
license = "BSD-3-Clause"
summary = "Le moteur de portails de la Ville de Paris."
tags = ["portail", "java"]
languages = ["fr"]

[[links]]
url = "https://lutece.paris.fr/"
rel = "homepage"

[software]
repository = "https://github.com/lutece-platform/lutece-core"
programming_languages = ["Java"]
used_by = [{ name = "Ville de Paris", url = "https://www.paris.fr/" }, { name = "Ville de Marseille" }]
replaces = ["Microsoft SharePoint"]
"#
            .to_owned(),
        ),
        (
            "cultural-work",
            r#"id = "nympheas"
kind = "cultural-work"
title = "Les Nymphéas bleus"
license = "CC0-1.0"
summary = "Peinture de Claude Monet, huile sur toile."
tags = ["peinture", "impressionnisme"]

[cultural-work]
creators = [{ name = "Claude Monet", role = "artist", born = 1840, died = 1926 }]
form = "painting"
year = 1916
rights_status = "public-domain"
"#
            .to_owned(),
        ),
        (
            "method",
            r#"id = "compost-collectif"
kind = "method"
title = "Compostage collectif en pied d'immeuble"
license = "CC-BY-SA-4.0"
summary = "Une méthode pour composter ensemble les déchets de cuisine."
tags = ["compost", "jardin"]

[method]
disciplines = ["agronomie"]
steps = ["Installer trois bacs.", "Alterner matières vertes et brunes.", "Retourner chaque mois."]
"#
            .to_owned(),
        ),
        (
            "dataset",
            r#"id = "arbres-remarquables"
kind = "dataset"
title = "Arbres remarquables de Paris"
license = "ODbL-1.0"
summary = "Les arbres remarquables des parcs et rues de Paris."
tags = ["arbres", "environnement"]

[dataset]
publisher = { name = "Ville de Paris" }
formats = ["CSV", "GeoJSON"]
spatial_coverage = "Paris"
"#
            .to_owned(),
        ),
        (
            "seed-lot",
            r#"id = "tomate-coeur-de-boeuf-2025"
kind = "seed-lot"
title = "Tomate cœur de bœuf, récolte 2025"
license = "LicenseRef-OSSI-Pledge"
summary = "Semences de tomate cœur de bœuf reproduites au jardin partagé."
tags = ["tomate", "potager"]

[seed-lot]
species = "Solanum lycopersicum"
variety = "Cœur de bœuf"
common_name = "tomate"
harvest_year = 2025
quantity = 30
unit = "packets"
reproduction = "self-pollinated"
"#
            .to_owned(),
        ),
        (
            "ferment-lot",
            r#"id = "levain-seigle-belleville"
kind = "ferment-lot"
title = "Levain de seigle de Belleville"
license = "LicenseRef-OpenMTA"
summary = "Un levain de seigle entretenu depuis 2019."
tags = ["levain", "pain"]

[ferment-lot]
organism = "levain de seigle"
quantity = 10
unit = "portions"
state = "active"
care = "Rafraîchir chaque semaine avec de la farine de seigle."
"#
            .to_owned(),
        ),
        (
            "software",
            r#"id = "xss-test"
kind = "software"
title = "<script>alert(1)</script>"
license = "MIT"
summary = "<img src=x onerror=alert(2)> \"quoted\" & 'single'"
"#
            .to_owned(),
        ),
    ]
}

/// A running server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
    pub git_dir: std::path::PathBuf,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Server {
    /// A server with the test catalogue and the default configuration.
    pub async fn start() -> Server {
        Server::start_with(WebConfig::default()).await
    }

    /// A server with the test catalogue and `config`.
    pub async fn start_with(config: WebConfig) -> Server {
        Server::start_with_catalogue(config, catalogue()).await
    }

    /// A server with `records` (kind folder, TOML text) as its catalogue.
    pub async fn start_with_catalogue(config: WebConfig, records: Vec<(&str, String)>) -> Server {
        let TempRegistry { dir, registry } = TempRegistry::new();
        let files: Vec<RecordFile> = records
            .into_iter()
            .map(|(kind, text)| {
                let record = cdl_records::parse(&text, None).unwrap();
                RecordFile {
                    name: format!("records/{kind}/{}.toml", record.id.as_str()),
                    text,
                }
            })
            .collect();
        let curator = Pseudonym::new("test");
        let (id, report) = registry
            .propose(&files, &curator, Some("Catalogue de test"))
            .unwrap();
        assert!(report.is_mergeable(), "{}", report.summary());
        registry.merge(id.as_str(), &curator).unwrap();
        Server::serve(config, registry, dir).await
    }

    /// A server of the demo catalogue shipped in the binary.
    pub async fn demo() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let (registry, _) = cdl_web::demo::prepare(&dir.path().join("demo")).unwrap();
        Server::serve(WebConfig::default(), registry, dir).await
    }

    /// Serves `registry` (kept in `dir`) on a loopback port.
    async fn serve(
        config: WebConfig,
        registry: cdl_registry::Registry,
        dir: tempfile::TempDir,
    ) -> Server {
        let git_dir = registry.git_dir().to_owned();
        let app = tokio::task::spawn_blocking(move || App::start(config, registry))
            .await
            .unwrap()
            .unwrap()
            .into_state();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            cdl_web::serve(listener, app, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Server {
            addr,
            _dir: dir,
            git_dir,
            stop: Some(stop),
        }
    }

    /// A second server of the same registry and bookings database (its
    /// own search index), as a second `serve` process behind a load
    /// balancer would be.
    pub async fn second(&self) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let config = WebConfig {
            index_dir: Some(dir.path().join("index")),
            ..WebConfig::default()
        };
        let registry = cdl_registry::Registry::open(&self.git_dir).unwrap();
        Server::serve(config, registry, dir).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A client for this server.
    pub fn client(&self) -> Client {
        Client {
            base: self.url(""),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    /// Adds a curator and returns its password.
    pub fn add_curator(&self, name: &str) -> String {
        cdl_web::curators::add(&self.git_dir.join(cdl_web::curators::DEFAULT_FILE), name).unwrap()
    }
}

/// A response, read whole.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// An HTTP client that keeps cookies itself.
pub struct Client {
    base: String,
    pub http: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

impl Client {
    fn cookie_header(&self) -> Option<HeaderValue> {
        if self.cookies.is_empty() {
            return None;
        }
        let s: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        HeaderValue::from_str(&s.join("; ")).ok()
    }

    async fn finish(&mut self, request: reqwest::RequestBuilder) -> Resp {
        let request = match self.cookie_header() {
            Some(c) => request.header("cookie", c),
            None => request,
        };
        let response = request.send().await.unwrap();
        for v in response.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if val.is_empty() || v.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let r = self.http.get(format!("{}{path}", self.base));
        self.finish(r).await
    }

    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut r = self.http.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        self.finish(r).await
    }

    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.finish(r).await
    }

    pub async fn post_form_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Resp {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        self.finish(r).await
    }

    pub async fn post_body(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        self.finish(r).await
    }

    /// `method path` with `headers` and an optional JSON body.
    pub async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        json: Option<serde_json::Value>,
    ) -> Resp {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        if let Some(body) = json {
            r = r.json(&body);
        }
        self.finish(r).await
    }

    /// The CSRF token of this client's forms, read from a page.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/propose").await;
        form_token(&page.body)
    }
}

/// The CSRF token in a page's forms.
pub fn form_token(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no CSRF field in {html}"))
        .to_owned()
}
