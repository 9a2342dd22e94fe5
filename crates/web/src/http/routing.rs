//! The route book: every route is registered with the access it requires, so the permission
//! guard, the OpenAPI document and the route-walk test all read one list.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter};
use axum::Router;
use qingfeng_domain::access::Permission;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use super::sheet_import::{self, SheetImport};
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
    /// `next_after` of the page before) or `before` (the `prev_before` of the page after) to
    /// read the next or previous page as fast as the first.
    pub fn seek_paged(self) -> Self {
        self.query(&["page", "per_page", "after", "before"])
    }

    /// The last route imports a sheet: an .xlsx upload, checked row by row and written only
    /// with `?commit=true`, answering the import report.
    pub fn imports_sheet(self) -> Self {
        self.upload().query(&["commit"]).returns::<crate::sheets::ImportReport>()
    }

    /// The four routes of an imported sheet `S`, all behind `access`: its template at
    /// `{api}/import-template.xlsx` and its JSON import at `{api}/import`, its upload page and
    /// the page's submit at `page`.
    pub fn sheet<S: SheetImport>(self, access: Permission, api: &str, page: &'static str) -> Self {
        use sheet_import::{import, page as upload_page, submit, template};
        let title = S::TITLE;
        self.add(
            Method::GET,
            made(format!("{api}/import-template.xlsx")),
            access,
            made(format!("{title}导入模板")),
            template::<S>,
        )
        .add(Method::POST, made(format!("{api}/import")), access, made(format!("导入{title}")), import::<S>)
        .imports_sheet()
        .add(Method::GET, page, access, made(format!("{title}导入页")), upload_page::<S>)
        .add(Method::POST, page, access, made(format!("校验或导入{title}")), submit::<S>)
    }
}

/// A path or summary made from parts, as the route table's `&'static str`. Each distinct text
/// is allocated once for the life of the process: the table is built at start-up (and once per
/// server a test starts), from a fixed set of texts.
fn made(text: String) -> &'static str {
    static MADE: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut made = MADE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(kept) = made.get(text.as_str()) {
        return kept;
    }
    let kept: &'static str = Box::leak(text.into_boxed_str());
    made.insert(kept);
    kept
}
