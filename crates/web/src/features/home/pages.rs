//! The home page: 我的待办.

use askama::Template;

use super::service::{self, Home};
use crate::auth::Ctx;
use crate::http::{render, Nav, PageResult, Params};

#[derive(Template)]
#[template(path = "home/home.html")]
struct HomePage {
    nav: Nav,
    name: String,
    /// may record a ledger entry (the way to fulfil an item)
    can_record: bool,
    h: Home,
}

/// `GET /`: what the signed-in person must do.
pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let h = service::home(&state, &p, &params).await?;
    let name = match p.person_id {
        Some(id) => qingfeng_store::org::people::get(&state.db, &p.scope, id).await.map(|x| x.name).unwrap_or_default(),
        None => String::new(),
    };
    render(&HomePage {
        nav: Nav::new(&p, "home"),
        name: if name.is_empty() { p.username.clone() } else { name },
        can_record: p.can(qingfeng_domain::access::Permission::LedgerWrite),
        h,
    })
}
