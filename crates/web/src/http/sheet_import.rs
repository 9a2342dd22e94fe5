//! The four routes every imported sheet has — the template download and the JSON import, the
//! upload page and its submit — written once, generic over [`SheetImport`]. A feature says what
//! its sheet is called, what its page shows and how its rows are checked and written; the
//! steps (validate every row, keep the upload, confirm, count what was written) are the same.

use std::future::Future;

use axum::extract::{Multipart, State};
use axum::response::Response;
use axum::Json;

use super::import_flow::ImportPage;
use super::{render, xlsx, ApiError, ApiResult, ImportUpload, PageResult};
use crate::auth::{Ctx, Principal};
use crate::sheets::ImportReport;
use crate::AppState;

/// A sheet a feature imports.
pub trait SheetImport: Send + Sync + 'static {
    /// what the sheet holds, as the routes' summaries name it ("谈话记录")
    const TITLE: &'static str;
    /// the template's file name, as downloaded
    const TEMPLATE_FILE: &'static str;
    /// `pending_imports.kind`: a confirmation is taken only for the sheet it was made for
    const KIND: &'static str;
    /// what a row counts as in the completion message ("笔支出", "个问题")
    const NOUN: &'static str;

    /// The empty template: headings, notes and an example row.
    fn template(state: &AppState) -> impl Future<Output = Result<Vec<u8>, ApiError>> + Send;
    /// The upload page: its heading, where it posts, its rules.
    fn page(p: &Principal) -> ImportPage;
    /// Refuses the upload page to those the feature hides it from (with the feature's own
    /// answer, a 404 for the 纪检组's registers); everyone the route's permission admits by
    /// default. The import itself checks again.
    fn may_open(_state: &AppState, _p: &Principal) -> impl Future<Output = ApiResult<()>> + Send {
        async { Ok(()) }
    }
    /// Checks every row of `bytes`; with `commit`, writes the valid ones.
    fn import(
        state: &AppState,
        p: &Principal,
        bytes: &[u8],
        commit: bool,
    ) -> impl Future<Output = Result<ImportReport, ApiError>> + Send;
}

/// `GET …/import-template.xlsx`
pub async fn template<S: SheetImport>(State(state): State<AppState>) -> ApiResult<Response> {
    Ok(xlsx(S::template(&state).await?, S::TEMPLATE_FILE))
}

/// `POST …/import` (multipart `file`; `?commit=true` writes the valid rows)
pub async fn import<S: SheetImport>(Ctx { state, p }: Ctx, upload: ImportUpload) -> ApiResult<Json<ImportReport>> {
    Ok(Json(S::import(&state, &p, &upload.bytes, upload.commit).await?))
}

/// `GET /…/import`: the upload page.
pub async fn page<S: SheetImport>(Ctx { state, p }: Ctx) -> PageResult {
    S::may_open(&state, &p).await?;
    render(&S::page(&p))
}

/// `POST /…/import`: upload → validate every row → confirm to write the valid ones.
pub async fn submit<S: SheetImport>(Ctx { state, p }: Ctx, multipart: Multipart) -> PageResult {
    let flow = S::page(&p).flow(S::KIND);
    let (st, p) = (&state, &p);
    flow.run(
        &state.db,
        p,
        multipart,
        S::NOUN,
        move |bytes, commit| async move { S::import(st, p, &bytes, commit).await },
    )
    .await
}
