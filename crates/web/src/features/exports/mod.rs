//! Exports in the background (see [`crate::http::export_jobs`]): how far a job has got and its
//! file, for the account that started it. The jobs are started by the features whose lists
//! they export (整改台账, 履职台账). Also how far the caller's running import has got
//! ([`crate::http::import_flow`]), which the import pages ask while a step runs.

pub mod api;
pub mod long;

use axum::http::Method as M;

use crate::auth::Access::SignedIn;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and the page fragment). Each handler also
/// checks that the caller started the job and still holds the permission it was started with.
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/export-jobs/{id}", SignedIn, "导出进度（本人发起的导出）", api::status)
        .returns::<crate::http::export_jobs::JobStatus>()
        .add(M::GET, "/api/v1/export-jobs/{id}/file", SignedIn, "下载导出文件（本人发起的导出）", api::file)
        .add(M::GET, "/exports/{id}", SignedIn, "导出进度（页面片段）", api::fragment)
        .add(M::GET, "/imports/progress", SignedIn, "本人正在进行的导入的进度（页面片段）", api::import_progress)
}
