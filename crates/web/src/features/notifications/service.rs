//! 通知中心: the signed-in account's own notifications only. Another account's
//! notification answers 404, the same as one that does not exist.

use qingfeng_store::notify::{self};

use crate::http::Params;
use crate::http::{ApiError, ApiResult};

/// The query parameters [`filters`] reads.
pub const NOTIFICATION_FILTERS: &[&str] = &["unread", "kind"];

/// `?unread=true` and `?kind=` of the list, checked.
pub fn filters(params: &Params) -> ApiResult<(bool, Option<String>)> {
    let unread = params.bool("unread")?.unwrap_or(false);
    let kind = params.str("kind");
    if let Some(k) = &kind {
        if !notify::KINDS.iter().any(|(key, _)| key == k) {
            let allowed: Vec<&str> = notify::KINDS.iter().map(|(k, _)| *k).collect();
            return Err(ApiError::bad_request(format!("参数 kind 应为 {} 之一", allowed.join("、")), Some("kind")));
        }
    }
    Ok((unread, kind))
}
