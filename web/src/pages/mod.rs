//! The HTML pages: one module per page, a shared layout, and the
//! middleware that sets the CSRF and language cookies.

pub mod alternatives;
pub mod data;
pub mod exchange;
pub mod exchange_curator;
pub mod feed;
pub mod give;
pub mod home;
pub mod legal;
pub mod policy;
pub mod proposal;
pub mod propose;
pub mod record;
pub mod review;
pub mod search;

use askama::Template;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;
use crate::i18n::{Lang, Messages};
use crate::security::{
    CsrfToken, LANG_COOKIE, SESSION_COOKIE, VISITOR_COOKIE, constant_time_eq, cookie, cookie_name,
    is_token, new_token, set_cookie,
};
use crate::state::AppState;

/// Which navigation item is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// The home page.
    Home,
    /// Search.
    Search,
    /// Propose.
    Propose,
    /// Policy.
    Policy,
    /// Review.
    Review,
    /// The seed and ferment exchange.
    Exchange,
    /// None of them.
    None,
}

/// What the base layout needs: language, strings, title, links.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's language.
    pub lang: Lang,
    /// The strings of that language.
    pub m: &'static Messages,
    /// The page title (before the site name).
    pub title: String,
    /// The link to this page in the other language.
    pub switch_href: String,
    /// The current navigation item.
    pub nav: Nav,
    /// The style sheet's path.
    pub css: String,
    /// The logged-in curator, if any.
    pub curator: Option<String>,
    /// The CSRF token for forms.
    pub csrf: String,
}

impl Layout {
    /// `aria-current="page"` for the current item.
    pub fn current(&self, nav: &str) -> &'static str {
        let name = match self.nav {
            Nav::Home => "home",
            Nav::Search => "search",
            Nav::Propose => "propose",
            Nav::Policy => "policy",
            Nav::Review => "review",
            Nav::Exchange => "exchange",
            Nav::None => "",
        };
        if name == nav { "page" } else { "false" }
    }

    /// The other language's tag.
    pub fn other_lang(&self) -> &'static str {
        self.lang.other().tag()
    }

    /// The legal pages of the footer: address and title.
    pub fn legal_links(&self) -> Vec<(&'static str, &'static str)> {
        legal::PAGES
            .iter()
            .map(|(href, label)| (*href, label.get(self.lang.into())))
            .collect()
    }
}

/// The request context of a page: language, address, CSRF token, curator.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The visitor's language.
    pub lang: Lang,
    /// The path and query of the request.
    pub path_and_query: String,
    /// The CSRF token of this visitor.
    pub csrf: String,
    /// The logged-in curator, if any.
    pub curator: Option<String>,
    /// The session token, if logged in.
    pub session: Option<String>,
}

impl Ctx {
    /// The strings of the visitor's language.
    pub fn m(&self) -> &'static Messages {
        self.lang.messages()
    }

    /// The layout of a page titled `title`.
    pub fn layout(&self, title: impl Into<String>, nav: Nav) -> Layout {
        Layout {
            lang: self.lang,
            m: self.m(),
            title: title.into(),
            switch_href: switch_href(&self.path_and_query, self.lang.other()),
            nav,
            css: crate::css_path(),
            curator: self.curator.clone(),
            csrf: self.csrf.clone(),
        }
    }

    /// Fails with 403 unless `token` is this visitor's CSRF token.
    ///
    /// # Errors
    /// [`AppError::Csrf`].
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if is_token(token) && constant_time_eq(token, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

/// The same address with `lang=` set to `lang`.
fn switch_href(path_and_query: &str, lang: Lang) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if k != "lang" {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("lang", lang.tag());
    format!("{path}?{}", out.finish())
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let lang = Lang::detect(parts.uri.query(), &parts.headers);
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let session = cookie(
            &parts.headers,
            cookie_name(SESSION_COOKIE, state.config.secure_cookies),
        )
        .filter(|t| is_token(t))
        .map(str::to_owned);
        let curator = session
            .as_deref()
            .and_then(|t| state.sessions.get(t))
            .map(|s| s.curator);
        Ok(Ctx {
            lang,
            path_and_query: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
            csrf,
            session: if curator.is_some() { session } else { None },
            curator,
        })
    }
}

/// Middleware of the pages: gives every visitor a random id (cookie), puts
/// the CSRF token of the request in its extensions (derived from the
/// curator's session when there is one, else from the visitor id), and
/// remembers a language chosen with `?lang=`.
pub async fn cookies_middleware(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let secure = state.config.secure_cookies;
    let session = cookie(request.headers(), cookie_name(SESSION_COOKIE, secure))
        .filter(|t| is_token(t) && state.sessions.get(t).is_some())
        .map(str::to_owned);
    let existing = cookie(request.headers(), cookie_name(VISITOR_COOKIE, secure))
        .filter(|t| is_token(t))
        .map(str::to_owned);
    let chosen_lang = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    let (visitor, fresh) = match existing {
        Some(t) => (t, false),
        None => (new_token(), true),
    };
    // A farmer's session lives in the database, shared by every process:
    // its CSRF token is a hash of the secret cookie, the same everywhere.
    let farmer = cookie(
        request.headers(),
        cookie_name(crate::security::FARMER_COOKIE, secure),
    )
    .filter(|t| exchange::is_farmer_token(t))
    .map(exchange::farmer_csrf);
    let csrf = match (&session, farmer) {
        (Some(s), _) => state.csrf_key.token(&format!("session:{s}")),
        (None, Some(f)) => f,
        (None, None) => state.csrf_key.token(&format!("visitor:{visitor}")),
    };
    request.extensions_mut().insert(CsrfToken(csrf));
    let mut response = next.run(request).await;
    // Only pages carry forms: the style sheet, the feed and the sitemap stay
    // cookie-free, so that shared caches may keep them.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_page {
        // The same address gives French or English: caches must keep both.
        response.headers_mut().insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    if fresh && is_page {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(cookie_name(VISITOR_COOKIE, secure), &visitor, secure, None),
        );
    }
    if let Some(lang) = chosen_lang {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(LANG_COOKIE, lang.tag(), secure, Some(365 * 24 * 3600)),
        );
    }
    response
}

/// Renders a template as an HTML response with `status`.
///
/// # Errors
/// [`AppError::Internal`] when rendering fails.
pub fn render_with<T: Template>(status: StatusCode, template: &T) -> Result<Response, AppError> {
    let html = template.render().map_err(AppError::internal)?;
    Ok((status, Html(html)).into_response())
}

/// Renders a template as a 200 HTML response.
///
/// # Errors
/// [`AppError::Internal`] when rendering fails.
pub fn render<T: Template>(template: &T) -> Result<Response, AppError> {
    render_with(StatusCode::OK, template)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: Layout,
    status: u16,
    message: &'a str,
    detail: Option<&'a str>,
}

/// The HTML of an error page.
pub fn error_page(lang: Lang, status: StatusCode, message: &str, detail: Option<&str>) -> String {
    let m = lang.messages();
    let page = ErrorPage {
        l: Layout {
            lang,
            m,
            title: format!("{} {}", m.error_title, status.as_u16()),
            switch_href: format!("/?lang={}", lang.other().tag()),
            nav: Nav::None,
            css: crate::css_path(),
            curator: None,
            csrf: String::new(),
        },
        status: status.as_u16(),
        message,
        detail,
    };
    page.render()
        .unwrap_or_else(|_| format!("<!doctype html><title>{}</title>", status.as_u16()))
}

/// `GET /static/{file}`: the style sheet, cached for a year under its
/// hashed name.
pub async fn static_file(Path(file): Path<String>) -> Response {
    if file == crate::css_path().trim_start_matches("/static/") {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/css; charset=utf-8"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            crate::CSS,
        )
            .into_response()
    } else {
        AppError::NotFound.into_response()
    }
}

/// Runs blocking work (Git, tantivy, argon2) off the async executor.
///
/// # Errors
/// [`AppError::Internal`] if the task panicked.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)
}

/// Formats seconds since the epoch as a date, `2026-11-23`.
pub fn date(seconds: i64) -> String {
    cdl_registry::rfc3339(seconds)
        .split('T')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_keeps_the_query() {
        assert_eq!(
            switch_href("/search?q=a+b&lang=fr", Lang::En),
            "/search?q=a+b&lang=en"
        );
        assert_eq!(switch_href("/", Lang::En), "/?lang=en");
    }
}
