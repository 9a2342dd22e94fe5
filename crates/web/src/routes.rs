//! The route table: the features' routes, one line per feature, plus the infrastructure
//! routes (health, assets, OpenAPI). Every route is registered with the access it requires, so
//! the permission guard, the OpenAPI document and the route-walk test all read one list.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};

use crate::auth::Access;
use crate::http::Book;
use crate::{assets, features, openapi, AppState};

pub use crate::http::RouteSpec;

/// Every feature registers its own routes (API and pages): one line per feature.
const FEATURES: &[fn(Book) -> Book] = &[
    features::session::routes,
    features::org::routes,
    features::party_branches::routes,
    features::accounts::routes,
    features::audit::routes,
    features::responsibility::routes,
    features::plans::routes,
    features::ledger::routes,
    features::fulfilment::routes,
    features::findings::routes,
    features::risk::routes,
    features::decisions::routes,
    features::receptions::routes,
    features::notifications::routes,
    features::system::routes,
    features::home::routes,
    features::talks::routes,
    features::study::routes,
    features::warning_cases::routes,
    features::major_matters::routes,
    features::discipline::routes,
    features::four_winds::routes,
    features::vehicles::routes,
    features::budgets::routes,
    features::supervision::routes,
    features::holidays::routes,
    features::personal_reports::routes,
    features::family_events::routes,
    features::assessments::routes,
    features::voiding::routes,
    features::petitions::routes,
    features::clues::routes,
    features::integrity_files::routes,
    features::reports::routes,
    features::exports::routes,
];

fn book() -> Book {
    use qingfeng_domain::access::Permission as P;
    use Access::Public;
    use Method as M;
    let book = Book::default()
        .add(M::GET, "/healthz", Public, "健康检查", health)
        .add(M::GET, "/assets/{file}", Public, "静态资源", assets::serve)
        .add(M::GET, "/api/openapi.json", Public, "OpenAPI 文档", openapi::document)
        .add(M::GET, "/metrics", P::MetricsRead, "运行指标（Prometheus）", crate::http::metrics::scrape);
    FEATURES.iter().fold(book, |book, routes| routes(book))
}

/// Every route the server answers, with its access rule.
pub fn specs() -> Vec<RouteSpec> {
    book().specs
}

/// The application router, built once at start-up together with the OpenAPI document.
pub fn build(state: AppState) -> Router {
    let book = book();
    let document = openapi::Document::new(&book.specs);
    let metrics = crate::http::metrics::Metrics::new();
    book.router
        .route_layer(axum::middleware::from_fn_with_state(metrics.clone(), crate::http::metrics::track))
        .fallback(crate::http::error::not_found)
        .layer(Extension(document))
        .layer(Extension(metrics))
        .layer(axum::middleware::from_fn(crate::http::error::in_layout))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::authenticate))
        .layer(axum::middleware::from_fn(crate::auth::headers::headers))
        .layer(axum::extract::DefaultBodyLimit::max(20 * 1024 * 1024))
        .with_state(state)
}

/// `GET /healthz`: "ok" once the database answers and is migrated.
async fn health(State(state): State<AppState>) -> Response {
    let probe = qingfeng_store::audit::head_last_id(&state.db).await;
    match probe {
        Ok(Some(_)) => (StatusCode::OK, "ok").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}
