//! The route book: every route is registered with the access it requires, so the permission
//! guard, the OpenAPI document and the route-walk test all read one list.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter};
use axum::Router;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use crate::auth::{guard, Access};
use crate::AppState;

/// Named schemas, as `components.schemas` of the OpenAPI document lists them.
pub type Schemas = Vec<(String, RefOr<Schema>)>;

/// Adds the schema of a type (and those it refers to) to `out`; answers its name.
pub type SchemaOf = fn(&mut Schemas) -> String;

fn schema_of<T: ToSchema>(out: &mut Schemas) -> String {
    let name = T::name().into_owned();
    out.push((name.clone(), T::schema()));
    T::schemas(out);
    name
}

/// What a route reads from the request body.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// A JSON object of this type.
    Json(SchemaOf),
    /// A JSON merge patch: any subset of this type's fields.
    Patch(SchemaOf),
    /// A multipart upload with one `file` part (an .xlsx sheet or an attachment).
    Upload,
}

/// What a route answers on success, when described.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// One record of this type.
    One(SchemaOf),
    /// A page of records: `{items, total, page, per_page}`.
    Page(SchemaOf),
}

/// One registered route.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    /// The request body, when the route reads one.
    pub body: Option<Body>,
    /// The query parameters a list reads (its filters and paging).
    pub query: Vec<&'static str>,
    /// The success body, when described.
    pub answer: Option<Answer>,
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
        access: impl Into<Access>,
        summary: &'static str,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let access = access.into();
        let filter = MethodFilter::try_from(method.clone()).expect("standard method");
        let route = on(filter, handler)
            .route_layer(axum::middleware::from_fn(move |req, next| guard(access, summary, req, next)));
        self.router = self.router.route(path, route);
        self.specs.push(RouteSpec { method, path, access, summary, body: None, query: Vec::new(), answer: None });
        self
    }

    fn last(&mut self) -> &mut RouteSpec {
        self.specs.last_mut().expect("a route was added before describing it")
    }

    /// The route just added reads a JSON body of type `T`.
    pub fn body<T: ToSchema>(mut self) -> Self {
        self.last().body = Some(Body::Json(schema_of::<T>));
        self
    }

    /// The route just added reads a JSON merge patch of `T`'s fields.
    pub fn patch<T: ToSchema>(mut self) -> Self {
        self.last().body = Some(Body::Patch(schema_of::<T>));
        self
    }

    /// The route just added reads a multipart upload (`file`).
    pub fn upload(mut self) -> Self {
        self.last().body = Some(Body::Upload);
        self
    }

    /// The route just added answers one `T`.
    pub fn returns<T: ToSchema>(mut self) -> Self {
        self.last().answer = Some(Answer::One(schema_of::<T>));
        self
    }

    /// The route just added answers a page of `T`.
    pub fn returns_page<T: ToSchema>(mut self) -> Self {
        self.last().answer = Some(Answer::Page(schema_of::<T>));
        self
    }

    /// The query parameters the route just added reads (repeatable: filters, then paging).
    pub fn query(mut self, names: &'static [&'static str]) -> Self {
        self.last().query.extend_from_slice(names);
        self
    }

    /// The last route is a list that takes `page` and `per_page`.
    pub fn paged(self) -> Self {
        self.query(&["page", "per_page"])
    }

    /// The last route is a long list read by keyset: `page` and `per_page`, and `after` (the
    /// `next_after` of the page before) to read the next page as fast as the first.
    pub fn seek_paged(self) -> Self {
        self.query(&["page", "per_page", "after"])
    }

    /// The last route imports a sheet: an .xlsx upload, checked row by row and written only
    /// with `?commit=true`, answering the import report.
    pub fn imports_sheet(self) -> Self {
        self.upload().query(&["commit"]).returns::<crate::sheets::ImportReport>()
    }
}
