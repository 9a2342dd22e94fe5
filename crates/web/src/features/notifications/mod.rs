//! 通知中心: the notification centre (list, unread count, mark read) and the daily digest.

pub mod api;
pub mod pages;
pub mod service;
pub mod wording;

use axum::http::Method as M;

use crate::auth::Access::SignedIn;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/notifications", SignedIn, "本人通知列表（?unread=true 仅未读）", api::list)
        .query(service::NOTIFICATION_FILTERS)
        .paged()
        .add(M::GET, "/api/v1/notifications/unread-count", SignedIn, "本人未读通知数", api::unread_count)
        .returns::<api::ReadCount>()
        .add(M::POST, "/api/v1/notifications/read-all", SignedIn, "全部标为已读", api::read_all)
        .returns::<api::ReadCount>()
        .add(M::POST, "/api/v1/notifications/{id}/read", SignedIn, "标为已读", api::read)
        .add(M::GET, "/notifications", SignedIn, "通知中心", pages::page)
        .add(M::GET, "/notifications/badge", SignedIn, "页头未读通知数（局部）", pages::badge)
        .add(M::GET, "/notifications/digest", SignedIn, "每日通知汇总", pages::digest)
        .add(M::POST, "/notifications/read-all", SignedIn, "全部标为已读", pages::read_all)
        .add(M::POST, "/notifications/{id}/read", SignedIn, "标为已读", pages::read)
}
