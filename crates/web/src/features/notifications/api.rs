//! JSON handlers of the notification centre under /api/v1/notifications.

use axum::Json;
use qingfeng_store::notify::{self, Notification};
use qingfeng_store::Page;
use serde::Serialize;

use super::service::filters;
use crate::auth::Ctx;
use crate::http::ApiResult;
use crate::http::Params;
use crate::http::Path;

/// A notification as the API shows it: the stored fields plus labels.
#[derive(Debug, Serialize)]
pub struct NotificationView {
    #[serde(flatten)]
    pub notification: Notification,
    pub kind_label: String,
    pub level_label: String,
    pub read: bool,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        NotificationView {
            kind_label: notify::kind_label(&n.kind).to_string(),
            level_label: notify::level_label(&n.level).to_string(),
            read: n.read_at.is_some(),
            notification: n,
        }
    }
}

/// `GET /api/v1/notifications?unread=true&kind=&page=&per_page=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<NotificationView>>> {
    let (unread, kind) = filters(&params)?;
    let page = notify::list(&state.db, p.account_id, unread, kind.as_deref(), params.paging()?).await?;
    Ok(Json(page.map_items(NotificationView::from)))
}

/// `POST /api/v1/notifications/{id}/read`
pub async fn read(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<NotificationView>> {
    Ok(Json(notify::mark_read(&state.db, p.account_id, id).await?.into()))
}

/// `POST /api/v1/notifications/read-all`
pub async fn read_all(Ctx { state, p }: Ctx) -> ApiResult<Json<ReadCount>> {
    let updated = notify::mark_all_read(&state.db, p.account_id).await?;
    Ok(Json(ReadCount { updated: Some(updated), unread: 0 }))
}

/// `GET /api/v1/notifications/unread-count`
pub async fn unread_count(Ctx { state, p }: Ctx) -> ApiResult<Json<ReadCount>> {
    Ok(Json(ReadCount { updated: None, unread: notify::unread_count(&state.db, p.account_id).await? }))
}

/// How many notifications are unread, and after "全部标为已读" how many were marked.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReadCount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<u64>,
    pub unread: i64,
}
