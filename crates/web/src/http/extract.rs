//! Extractors whose rejections answer in Chinese: JSON bodies, path ids (API and pages),
//! query parameters, url-encoded forms with repeated keys, and file uploads.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{ApiError, ApiResult, PageError};

/// A path parameter whose errors (an id that is not a number, or out of range) answer in the
/// JSON error format, not axum's plain-text rejection.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| Path(p.0)).map_err(path_error)
    }
}

/// The Chinese error for a path parameter that does not parse.
pub fn path_error(_: axum::extract::rejection::PathRejection) -> ApiError {
    ApiError::bad_request("路径中的编号无效：应为不超过 9223372036854775807 的正整数", Some("id"))
}

/// A JSON body whose errors name the offending field, in Chinese.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::bad_request("请求须为 JSON（Content-Type: application/json）", None));
        }
        let bytes =
            Bytes::from_request(req, state).await.map_err(|_| ApiError::bad_request("请求内容无法读取或过大", None))?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request(format!("JSON 格式错误（第 {} 行第 {} 列）", e.line(), e.column()), None)
        })?;
        from_value(value).map(ApiJson)
    }
}

/// Deserializes a JSON value into `T`, turning serde's message into a Chinese one with the field.
pub fn from_value<T: DeserializeOwned>(value: Value) -> ApiResult<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if let Some(rest) = inner.strip_prefix("unknown field `") {
            let name = rest.split('`').next().unwrap_or("");
            return ApiError::bad_request(format!("未知字段 {name}"), Some(name));
        }
        let field = path.split(['.', '[']).next().unwrap_or("").to_string();
        let expected = inner.split("expected ").nth(1).map(describe_expected).unwrap_or("正确的类型");
        let message = if inner.starts_with("invalid type") || inner.starts_with("invalid value") {
            format!("字段 {field} 的类型不正确，应为{expected}")
        } else {
            format!("字段 {field} 无效")
        };
        ApiError::bad_request(message, Some(&field))
    })
}

fn describe_expected(s: &str) -> &'static str {
    if s.starts_with("i64") || s.starts_with("u") || s.starts_with("i32") {
        "整数"
    } else if s.starts_with("a string") {
        "字符串"
    } else if s.starts_with("a boolean") {
        "true 或 false"
    } else if s.starts_with("a sequence") {
        "数组"
    } else {
        "正确的类型"
    }
}

/// Merges a JSON PATCH-style object into the current fields and deserializes the result.
pub fn merge_patch<T: serde::Serialize + DeserializeOwned>(current: &T, patch: Value) -> ApiResult<T> {
    let Value::Object(patch) = patch else {
        return Err(ApiError::bad_request("请求体应为 JSON 对象", None));
    };
    let mut base = serde_json::to_value(current).map_err(|e| ApiError::Internal(e.to_string()))?;
    let obj = base.as_object_mut().expect("fields serialize to an object");
    for (k, v) in patch {
        if !obj.contains_key(&k) {
            return Err(ApiError::bad_request(format!("未知字段 {k}"), Some(&k)));
        }
        obj.insert(k, v);
    }
    from_value(base)
}

/// The longest search text (`q`) a list accepts: names, titles and phrases are far shorter, and
/// a longer pattern only makes every compared row slower.
pub const MAX_SEARCH_CHARS: usize = 100;

/// Query-string parameters with typed accessors whose errors name the parameter.
pub struct Params(pub HashMap<String, String>);

impl Params {
    pub fn str(&self, key: &str) -> Option<String> {
        self.0.get(key).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    }

    pub fn int(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.str(key) {
            None => Ok(None),
            Some(v) => {
                v.parse().map(Some).map_err(|_| ApiError::bad_request(format!("参数 {key} 应为整数"), Some(key)))
            }
        }
    }

    pub fn bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.str(key).as_deref() {
            None => Ok(None),
            Some("true" | "1" | "是") => Ok(Some(true)),
            Some("false" | "0" | "否") => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_request(format!("参数 {key} 应为 true 或 false"), Some(key))),
        }
    }

    /// A day as `YYYY-MM-DD`.
    pub fn date(&self, key: &str) -> ApiResult<Option<chrono::NaiveDate>> {
        match self.str(key) {
            None => Ok(None),
            Some(s) => chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("参数 {key} 应为日期，如 2026-03-01"), Some(key))),
        }
    }

    pub fn paging(&self) -> ApiResult<qingfeng_store::Paging> {
        Ok(qingfeng_store::Paging::new(self.int("page")?, self.int("per_page")?)
            .after(self.int("after")?)
            .before(self.int("before")?))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Params {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(map) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::bad_request("查询参数格式不正确", None))?;
        if map.get("q").is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS) {
            return Err(ApiError::bad_request(format!("参数 q 过长（最多 {MAX_SEARCH_CHARS} 个字）"), Some("q")));
        }
        Ok(Params(map))
    }
}

/// Reads the `file` field of a multipart upload.
pub async fn upload(mut multipart: axum::extract::Multipart) -> ApiResult<Vec<u8>> {
    while let Some(field) =
        multipart.next_field().await.map_err(|_| ApiError::bad_request("上传内容无法读取", Some("file")))?
    {
        if field.name() == Some("file") {
            let data =
                field.bytes().await.map_err(|_| ApiError::bad_request("上传文件无法读取或超过 20MB", Some("file")))?;
            if data.is_empty() {
                return Err(ApiError::bad_request("请选择要上传的 Excel 文件", Some("file")));
            }
            return Ok(data.to_vec());
        }
    }
    Err(ApiError::bad_request("请选择要上传的 Excel 文件（表单字段 file）", Some("file")))
}

/// An import's upload through the API: the file (multipart field `file`) and whether to write
/// the valid rows (`?commit=true`) or only check them.
pub struct ImportUpload {
    pub bytes: Vec<u8>,
    pub commit: bool,
}

impl<S: Send + Sync> FromRequest<S> for ImportUpload {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let params = Params::from_request_parts(&mut parts, state).await?;
        let commit = params.bool("commit")?.unwrap_or(false);
        let multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state).await.map_err(|_| {
                ApiError::bad_request("请以 multipart/form-data 上传 Excel 文件（表单字段 file）", Some("file"))
            })?;
        Ok(ImportUpload { bytes: upload(multipart).await?, commit })
    }
}

/// A path parameter that answers a readable error page when it does not parse.
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PagePath(p.0))
            .map_err(|e| PageError(path_error(e)))
    }
}

/// Repeated keys of a url-encoded form (checkbox groups, multi-selects) kept as pairs.
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    pub fn get(&self, key: &str) -> String {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormPairs {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError(ApiError::bad_request("表单内容无法读取", None)))?;
        serde_urlencoded::from_bytes(&bytes)
            .map(FormPairs)
            .map_err(|_| PageError(ApiError::bad_request("表单内容格式不正确", None)))
    }
}

/// An uploaded evidence file (a ledger attachment, 整改佐证材料), checked for type and size,
/// with the other text fields of its form.
pub struct AttachmentUpload {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub fields: HashMap<String, String>,
}

/// Reads a multipart form with one file (field `file`); the file is checked as every evidence
/// file is (types, 10 MB, not empty).
pub async fn read_attachment(mut m: axum::extract::Multipart) -> ApiResult<AttachmentUpload> {
    use qingfeng_domain::ledger::{attachment_type, ATTACHMENT_MAX_BYTES};
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(field) = m.next_field().await.map_err(|_| ApiError::bad_request("上传内容无法读取", Some("file")))?
    {
        let key = field.name().unwrap_or("").to_string();
        if key != "file" {
            let text = field.text().await.map_err(|_| ApiError::bad_request("上传内容无法读取", Some("file")))?;
            fields.insert(key, text);
            continue;
        }
        let name = field.file_name().unwrap_or("").trim().to_string();
        let Some(ctype) = attachment_type(&name) else {
            let message = "附件类型不支持：只接受 pdf、jpg、png、doc、docx、xls、xlsx、wps 文件";
            return Err(ApiError::bad_request(message, Some("file")));
        };
        let bytes = field.bytes().await.map_err(|_| ApiError::bad_request("附件无法读取或过大", Some("file")))?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request("附件是空文件", Some("file")));
        }
        if bytes.len() > ATTACHMENT_MAX_BYTES {
            return Err(ApiError::bad_request("附件不能超过 10MB", Some("file")));
        }
        let name: String = name.chars().rev().take(100).collect::<Vec<_>>().into_iter().rev().collect();
        file = Some((name, ctype, bytes.to_vec()));
    }
    match file {
        Some((filename, content_type, bytes)) => Ok(AttachmentUpload { filename, content_type, bytes, fields }),
        None => Err(ApiError::bad_request("请选择要上传的附件（表单字段 file）", Some("file"))),
    }
}
