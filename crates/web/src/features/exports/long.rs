//! The three routes of a sheet long enough to be written in the background (整改台账, 履职台账):
//! written now (`GET …/export.xlsx`), started as a job (`POST …/export-jobs`) and started from
//! the list's page (`POST /…/export`, answering the progress fragment). Written once, generic
//! over [`LongExport`]; each feature says how its filter is read and its sheet written.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::access::Permission;
use qingfeng_store::{Db, Scope};

use super::api::started;
use crate::auth::{Ctx, Principal};
use crate::http::export_jobs::{export_now, Job, JobStatus};
use crate::http::{ApiError, ApiResult, PageError, PageResult, Params};
use crate::AppState;

/// A list whose whole export may take long.
pub trait LongExport: Send + Sync + 'static {
    /// the list's filters, as its page and its API read them
    type Filter: Send + Sync + 'static;
    /// the download's file name
    const FILE_NAME: &'static str;
    /// what starting, following and downloading the export needs
    const PERMISSION: Permission;

    /// The filters of the request (the list's own query parameters).
    fn filter(params: &Params) -> ApiResult<Self::Filter>;
    /// Writes the sheet of what `scope` sees under `filter` into `path`, counting progress.
    fn write(
        db: &Db,
        scope: &Scope,
        filter: &Self::Filter,
        path: &Path,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// `GET …/export.xlsx`: the sheet, written now (same filters as the list).
pub async fn export<E: LongExport>(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let filter = E::filter(&params)?;
    export_now(E::FILE_NAME, |path| async move { E::write(&state.db, &p.scope, &filter, &path).await }).await
}

/// `POST …/export-jobs`: the same in the background; 201 with the job.
pub async fn start_job<E: LongExport>(
    Ctx { state, p }: Ctx,
    params: Params,
) -> ApiResult<(StatusCode, Json<JobStatus>)> {
    let job = start::<E>(&state, &p, E::filter(&params)?);
    Ok((StatusCode::CREATED, Json(job.status())))
}

/// `POST /…/export`: the same from the list's page; the progress fragment.
pub async fn start_from_page<E: LongExport>(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    started(&start::<E>(&state, &p, E::filter(&params).map_err(PageError)?))
}

fn start<E: LongExport>(state: &AppState, p: &Principal, filter: E::Filter) -> Arc<Job> {
    let (db, scope) = (state.db.clone(), p.scope.clone());
    state.jobs.start(
        p,
        E::PERMISSION,
        E::FILE_NAME,
        move |path| async move { E::write(&db, &scope, &filter, &path).await },
    )
}

/// Runs `read` on a task of its own, handing its batches over a short queue to `write` here:
/// the database side of an export (SQLite's connection worker, row decoding) and the sheet
/// side then use both cores instead of taking turns. Stops reading when `write` fails.
pub async fn read_ahead<B, R, Fut>(read: R, mut write: impl FnMut(B) -> Result<(), ApiError>) -> Result<(), ApiError>
where
    B: Send + 'static,
    R: FnOnce(tokio::sync::mpsc::Sender<B>) -> Fut,
    Fut: Future<Output = Result<(), ApiError>> + Send + 'static,
{
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let reader = tokio::spawn(read(tx));
    while let Some(batch) = rx.recv().await {
        if let Err(e) = write(batch) {
            reader.abort();
            return Err(e);
        }
    }
    reader.await.map_err(|e| ApiError::Internal(format!("export reader: {e}")))?
}
