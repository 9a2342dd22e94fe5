//! The route book: every route is registered with the access it requires, so the permission
//! guard, the OpenAPI document and the route-walk test all read one list.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter};
use axum::Router;

use crate::auth::{guard, Access};
use crate::AppState;

/// One registered route.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
}

/// The router being built and the list of its routes.
pub struct Book {
    pub(crate) router: Router<AppState>,
    pub(crate) specs: Vec<RouteSpec>,
}

impl Default for Book {
    fn default() -> Self {
        Book { router: Router::new(), specs: Vec::new() }
    }
}

impl Book {
    /// Registers `handler` for `method path`, behind the guard for `access`.
    pub fn add<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("standard method");
        let route =
            on(filter, handler).route_layer(axum::middleware::from_fn(move |req, next| guard(access, req, next)));
        self.router = self.router.route(path, route);
        self.specs.push(RouteSpec { method, path, access, summary });
        self
    }
}
