//! Shared HTTP plumbing: errors ([`error`]), extractors ([`extract`]), page rendering
//! ([`page`]), the upload → validate → confirm import flow of pages ([`import_flow`]) and the
//! four routes of every imported sheet ([`sheet_import`]), .xlsx
//! downloads ([`xlsx`]), long exports in the background ([`export_jobs`]) and the route book every feature registers its routes in ([`routing`]).

pub mod error;
pub mod export_jobs;
pub mod extract;
pub mod import_flow;
pub mod metrics;
pub mod page;
pub mod routing;
pub mod sheet_import;
pub mod xlsx;

pub use error::{ApiError, ApiResult, PageError, PageResult};

/// The answer of an action that has nothing else to say: `{"ok": true}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Done {
    pub ok: bool,
}

impl Done {
    pub const OK: Done = Done { ok: true };
}
pub use extract::{
    from_value, merge_patch, path_error, read_attachment, upload, ApiJson, AttachmentUpload, FormPairs, ImportUpload,
    PagePath, Params, Path,
};
pub use page::{form_errors, human_size, render, render_form, see_other, step_answer, FormTarget, Nav, Opt, Pager};
pub use routing::{Book, RouteSpec};
pub use xlsx::{docx, percent_encode, stored_file, xlsx, xlsx_file};
