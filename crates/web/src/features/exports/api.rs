//! The status, file and page fragment of an export job.

use std::sync::Arc;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

use crate::auth::{Ctx, Principal};
use crate::http::export_jobs::{Job, JobStatus};
use crate::http::{render, ApiError, ApiResult, PageError, PagePath, PageResult, Path};
use crate::AppState;

fn job(state: &AppState, p: &Principal, id: &str) -> Result<Arc<Job>, ApiError> {
    state.jobs.get(p, id).ok_or(ApiError::NotFound)
}

/// `GET /api/v1/export-jobs/{id}`: records written out of the total, and the file's address once done.
pub async fn status(Ctx { state, p }: Ctx, Path(id): Path<String>) -> ApiResult<Json<JobStatus>> {
    Ok(Json(job(&state, &p, &id)?.status()))
}

/// `GET /api/v1/export-jobs/{id}/file`: the finished file (404 while the job runs).
pub async fn file(Ctx { state, p }: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    job(&state, &p, &id)?.download().await
}

/// How far a job has got, as the page shows it: a progress bar that polls itself every
/// second while the job runs; once done, the download link (followed by itself once).
#[derive(Template)]
#[template(path = "exports/job.html")]
pub struct JobFragment {
    pub s: JobStatus,
    pub filename: String,
    /// per cent written
    pub percent: u64,
}

impl JobFragment {
    pub fn of(job: &Job) -> Self {
        let s = job.status();
        let percent = if s.state == "done" { 100 } else { percent(s.written, s.total) };
        JobFragment { s, filename: job.filename.clone(), percent }
    }
}

/// `GET /exports/{id}`: the fragment.
pub async fn fragment(Ctx { state, p }: Ctx, PagePath(id): PagePath<String>) -> PageResult {
    let job = job(&state, &p, &id).map_err(PageError)?;
    render(&JobFragment::of(&job))
}

/// `done` of `total` in per cent (0 while the total is unknown).
fn percent(done: u64, total: u64) -> u64 {
    (done * 100).checked_div(total).unwrap_or(0).min(100)
}

/// How far the caller's import (in this browser session) has got, as the import page shows it
/// while its upload or confirmation runs; empty when none runs.
#[derive(Template)]
#[template(path = "exports/import_progress.html")]
pub struct ImportProgress {
    /// a `qingfeng_store::progress::Stage` key, or "" when no import runs
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
    pub percent: u64,
}

/// `GET /imports/progress`: the fragment.
pub async fn import_progress(p: Principal) -> PageResult {
    let (stage, done, total) = match crate::http::import_flow::current(&p) {
        Some(progress) => {
            let (stage, done, total) = progress.get();
            (stage.key(), done, total)
        }
        None => ("", 0, 0),
    };
    render(&ImportProgress { stage, done, total, percent: percent(done, total) })
}

/// A job just started from a page: 202 with its fragment.
pub fn started(job: &Job) -> PageResult {
    let mut res = render(&JobFragment::of(job))?;
    *res.status_mut() = StatusCode::ACCEPTED;
    Ok(res)
}
