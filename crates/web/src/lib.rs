//! The web server of 清风: JSON API under /api/v1, server-rendered pages (askama + htmx),
//! embedded assets, authentication, CSRF and security headers.
//!
//! A request flows: middleware (security headers → authentication → CSRF) → route guard
//! (permission) → handler → service → store.
//!
//! The code is arranged by feature: `features/<feature>/` holds a feature's routes (`mod.rs`),
//! operations (`service.rs`), JSON handlers (`api.rs`), pages (`pages.rs`) and Excel
//! (`sheets.rs`); `routes.rs` merges the features' routes. Shared plumbing: `http/` (errors,
//! extractors, rendering, the route book), `auth/`, `jobs/` (background work), `sheets/`
//! (spreadsheet import plumbing). See docs/feature-recipe.md.

mod assets;
pub mod auth;
pub mod features;
pub mod http;
pub mod jobs;
mod openapi;
pub mod routes;
pub mod sheets;
mod time;

use std::net::SocketAddr;
use std::sync::Arc;

use qingfeng_store::Db;

/// Settings the web layer needs, read once at start.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies Secure (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// Idle minutes before a session ends.
    pub idle_minutes: i64,
    /// Reverse proxies whose X-Forwarded-For is believed: behind them, the client address (for
    /// the login lock-out, the login log and the audit trail) is the forwarded one.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The data directory, where the published audit heads are kept (`audit-heads.log`): the
    /// audit page's check reads them as `qingfeng audit verify` does. None in tests.
    pub data_dir: Option<std::path::PathBuf>,
    /// The key that seals and opens reporters' identities (信访举报): `DATA_DIR/reporter.key` or
    /// `QINGFENG_REPORTER_KEY`. None: identities can be neither taken nor shown.
    pub reporter_key: Option<qingfeng_store::reporter_key::ReporterKey>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            idle_minutes: 30,
            trusted_proxies: Vec::new(),
            data_dir: None,
            reporter_key: None,
        }
    }
}

/// Shared by every handler. Holds no per-process state that another replica would need:
/// sessions and everything else live in the database (except the progress of background
/// exports, followed on the replica that runs them).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    /// exports running in the background (see [`http::export_jobs`]: per process)
    pub jobs: http::export_jobs::Jobs,
}

/// The full application router.
pub fn app(state: AppState) -> axum::Router {
    routes::build(state)
}

/// Serves until the process is stopped (tests listen on port 0).
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_until(state, listener, std::future::pending()).await
}

/// Serves until `shutdown` completes, then stops accepting connections and returns once the
/// requests in flight have been answered (graceful shutdown).
pub async fn serve_until(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
