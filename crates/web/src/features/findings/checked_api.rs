//! The JSON handlers every record with rule checks has (三重一大 meetings, 公务接待, 出车记录):
//! read it, record it, change it by merge patch, check a body without saving it, and the
//! 纪检组's 转为问题 of a failed check. Written once, generic over [`Checked`]; each feature
//! says how its record is read, validated and saved.

use std::future::Future;

use axum::http::StatusCode;
use axum::Json;
use qingfeng_domain::decisions::Check;
use qingfeng_store::Scope;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::from_checks::{CheckAnswer, ConvertFields, Converted};
use crate::auth::{Ctx, Principal};
use crate::http::{merge_patch, ApiJson, ApiResult, Path};
use crate::AppState;

/// A kind of record whose checks can fail and become findings.
pub trait Checked: Send + Sync + 'static {
    /// the record as read, with its checks
    type Record: Serialize + Send + 'static;
    /// the body of a create or of a check, and what a patch applies to
    type Fields: Serialize + DeserializeOwned + Send + Sync + 'static;

    /// The record, or NotFound outside `scope`.
    fn get(state: &AppState, scope: &Scope, id: i64) -> impl Future<Output = ApiResult<Self::Record>> + Send;
    /// The record's fields, as a create would send them.
    fn fields(record: &Self::Record) -> Self::Fields;
    /// Validates and saves a new record; its id.
    fn create(state: &AppState, p: &Principal, f: &Self::Fields) -> impl Future<Output = ApiResult<i64>> + Send;
    /// Validates and saves a change of a record the caller may write.
    fn edit(
        state: &AppState,
        p: &Principal,
        record: &Self::Record,
        f: &Self::Fields,
    ) -> impl Future<Output = ApiResult<()>> + Send;
    /// The checks of `f` as it would be saved; writes nothing.
    fn dry_run(state: &AppState, p: &Principal, f: &Self::Fields)
        -> impl Future<Output = ApiResult<Vec<Check>>> + Send;
    /// Raises a finding from the failed check `rule` of record `id`; the finding's id.
    fn convert(state: &AppState, p: &Principal, id: i64, rule: &str) -> impl Future<Output = ApiResult<i64>> + Send;
}

/// `GET …/{id}`: the record with every check.
pub async fn get<R: Checked>(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<R::Record>> {
    Ok(Json(R::get(&state, &p.scope, id).await?))
}

/// `POST …`: saved even when a check fails (the record is flagged); 201 with the record.
pub async fn create<R: Checked>(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<R::Fields>,
) -> ApiResult<(StatusCode, Json<R::Record>)> {
    let id = R::create(&state, &p, &f).await?;
    // read back as written, whatever the caller's read scope: the write checks were passed
    Ok((StatusCode::CREATED, Json(R::get(&state, &Scope::all(), id).await?)))
}

/// `PATCH …/{id}` (a merge patch; arrays are replaced whole)
pub async fn update<R: Checked>(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> ApiResult<Json<R::Record>> {
    let record = R::get(&state, &p.scope, id).await?;
    let f: R::Fields = merge_patch(&R::fields(&record), patch)?;
    R::edit(&state, &p, &record, &f).await?;
    Ok(Json(R::get(&state, &p.scope, id).await?))
}

/// `POST …/check`: the same body as create; writes nothing.
pub async fn check<R: Checked>(Ctx { state, p }: Ctx, ApiJson(f): ApiJson<R::Fields>) -> ApiResult<Json<CheckAnswer>> {
    Ok(Json(CheckAnswer { checks: R::dry_run(&state, &p, &f).await? }))
}

/// `POST …/{id}/findings` (the 纪检组)
pub async fn convert<R: Checked>(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ConvertFields>,
) -> ApiResult<(StatusCode, Json<Converted>)> {
    let finding_id = R::convert(&state, &p, id, f.rule.trim()).await?;
    Ok((StatusCode::CREATED, Json(Converted { finding_id })))
}
