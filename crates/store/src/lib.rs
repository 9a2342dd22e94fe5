//! Storage for 清风: one code path over SQLite (embedded default) and PostgreSQL.
//!
//! Every query is one SQL text with `$N` placeholders, run through [`Db`] or [`Tx`], which
//! dispatch to the typed sqlx pool of the engine in use. Dynamic filters are built by
//! [`QueryBuilder`] from parameters, never by splicing values into SQL.

pub mod accounts;
pub mod assessments;
pub mod audit;
pub mod audit_key;
pub mod backup;
pub mod budgets;
pub mod clues;
mod count_cache;
mod db;
pub mod decisions;
pub mod dicts;
pub mod discipline;
pub mod error;
pub mod family_events;
pub mod findings;
pub mod findings_bulk;
pub mod fulfilment;
pub mod holidays;
pub mod imports;
pub mod integrity;
pub mod ledger;
pub mod ledger_bulk;
pub mod major_matters;
pub mod notify;
pub mod org;
pub mod pending_imports;
pub mod personal_reports;
pub mod petitions;
pub mod plans;
pub mod private_files;
pub mod progress;
pub mod query;
pub mod receptions;
pub mod reporter_key;
pub mod reports;
pub mod responsibility;
pub mod risk;
pub mod roles;
pub mod vehicles;
pub mod voiding;
pub use org::Scope;
pub mod settings;
pub mod study;
pub mod supervision;
pub mod talks;
/// Test fixtures, outside the release binary: see the `testing` feature.
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod warning_cases;
// `testing` names the library `qingfeng_store::`, as the integration tests that include it do.
#[cfg(any(test, feature = "testing"))]
extern crate self as qingfeng_store;

pub use db::{Arg, Db, Engine, EngineTx, FromDbRow, Tx};
pub use error::{StoreError, StoreResult};
pub use query::QueryBuilder;

/// Who performs a write, for the audit trail and for data-scope checks.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub username: String,
    pub address: String,
    /// How the notifications of this actor's workflow steps are worded (the web layer's); None
    /// (the command line, demo data) tells nobody.
    pub words: Option<&'static dyn notify::Words>,
}

impl Actor {
    /// The system itself (migrations, demo data, first start).
    pub fn system() -> Self {
        Actor { account_id: None, username: "system".into(), address: String::new(), words: None }
    }
}

/// Page of a list, as the API returns it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Lists read by keyset: the last row's id when more rows may follow. Passed back as
    /// `after`, it reads the next page at the cost of the first, however deep.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
    /// Lists read by keyset, past the first page: the first row's id. Passed back as `before`,
    /// it reads the page before at the cost of the first, however deep.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev_before: Option<i64>,
}

impl<T> Page<T> {
    /// A page that is not read by keyset (no `next_after`).
    pub fn new(items: Vec<T>, total: i64, page: i64, per_page: i64) -> Self {
        Page { items, total, page, per_page, next_after: None, prev_before: None }
    }

    /// The same page holding `items` instead (the rows made into what is shown).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        let Page { total, page, per_page, next_after, prev_before, .. } = self;
        Page { items, total, page, per_page, next_after, prev_before }
    }

    /// The same page with each row made into what is shown.
    pub fn map_items<U>(mut self, f: impl FnMut(T) -> U) -> Page<U> {
        let items = std::mem::take(&mut self.items).into_iter().map(f).collect();
        self.with_items(items)
    }
}

/// Paging request, clamped to sane bounds.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    /// Keyset paging: the rows after the row with this id, in the list's order (`page` then
    /// only numbers the page). Lists that are not read by keyset ignore it.
    pub after: Option<i64>,
    /// Keyset paging backwards: the rows before the row with this id (`after` wins if both).
    pub before: Option<i64>,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 200;
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Paging {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE),
            after: None,
            before: None,
        }
    }

    /// The page after the row `after` (keyset paging).
    pub fn after(self, after: Option<i64>) -> Self {
        Paging { after, ..self }
    }

    /// The page before the row `before` (keyset paging backwards).
    pub fn before(self, before: Option<i64>) -> Self {
        Paging { before, ..self }
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// The current instant, truncated to microseconds so both engines store the same value.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
