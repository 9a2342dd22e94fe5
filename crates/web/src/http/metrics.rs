//! `GET /metrics` in the Prometheus (OpenMetrics) text format, for an account holding
//! `metrics:read` (a scraper uses an API token): requests by route and status, their latency,
//! the background job's passes, the outbound queue and the database pool.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::http::ApiResult;
use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    /// `ok` or `failed`
    pub outcome: &'static str,
}

/// Passes of the reminder job in this process, by outcome (the job loop counts them).
pub static JOB_PASSES: LazyLock<Family<JobLabels, Counter>> = LazyLock::new(Family::default);

/// The registry of one router and the metrics it records.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    outbound_waiting: Gauge,
    pool_connections: Gauge,
    pool_idle: Gauge,
}

fn latency_histogram() -> Histogram {
    // 1 ms … about 16 s
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("qingfeng");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by route and status", requests.clone());
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register("http_request_duration_seconds", "HTTP request latency by route", latency.clone());
        registry.register("job_passes", "Passes of the reminder job by outcome", JOB_PASSES.clone());
        let outbound_waiting = Gauge::default();
        registry.register("outbound_waiting", "Outbound deliveries not yet delivered", outbound_waiting.clone());
        let pool_connections = Gauge::default();
        registry.register("db_pool_connections", "Open database connections", pool_connections.clone());
        let pool_idle = Gauge::default();
        registry.register("db_pool_idle", "Idle database connections", pool_idle.clone());
        Arc::new(Metrics { registry, requests, latency, outbound_waiting, pool_connections, pool_idle })
    }
}

/// Counts a request of a matched route and times it (a `route_layer`, so the route's template
/// is known: `/api/v1/findings/{id}`, never the id itself).
pub async fn track(State(m): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("", |p| p.as_str()).to_string();
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16();
    m.requests.get_or_create(&RequestLabels { method: method.clone(), route: route.clone(), status }).inc();
    m.latency.get_or_create(&RouteLabels { method, route }).observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`
pub async fn scrape(State(state): State<AppState>, Extension(m): Extension<Arc<Metrics>>) -> ApiResult<Response> {
    m.outbound_waiting.set(qingfeng_store::notify::outbound_waiting(&state.db).await?);
    let (size, idle) = state.db.pool_status();
    m.pool_connections.set(i64::from(size));
    m.pool_idle.set(idle as i64);
    let mut body = String::new();
    encode(&mut body, &m.registry).map_err(|_| crate::http::ApiError::Internal("metrics encoding".into()))?;
    Ok(([(CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body).into_response())
}
