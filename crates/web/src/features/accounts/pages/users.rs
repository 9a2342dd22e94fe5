//! 用户管理: the account list with its filters, the new-account form, and an account's page
//! (person and roles, 停用/启用, 重置密码).

use askama::Template;
use qingfeng_domain::FieldErrors;
use qingfeng_store::accounts::{self, AccountView};
use qingfeng_store::org::{people, units, PersonFilter};
use qingfeng_store::Paging;

use super::{role_options, unprocessable};
use crate::auth::{Ctx, Principal};
use crate::features::accounts::bulk::first_password;
use crate::features::accounts::service::{
    account_filter, account_in_scope, all_roles, create_account, update_account, AccountPatch, NewAccount,
};
use crate::http::{form_errors, render, see_other, FormPairs, Nav, Opt, PagePath, PageResult, Params};
use crate::AppState;

pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub person: String,
    pub roles: String,
    pub disabled: bool,
    pub must_change: bool,
    pub created: String,
    pub email: String,
}

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    nav: Nav,
    rows: Vec<AccountRow>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    query: String,
    role_opts: Vec<Opt>,
    status_opts: Vec<Opt>,
    unit_opts: Vec<Opt>,
    can_write: bool,
}

/// Role keys as their names (a key no longer defined shows as it is).
async fn role_names(state: &AppState) -> Result<Vec<(String, String)>, crate::http::ApiError> {
    Ok(all_roles(state).await?.into_iter().map(|r| (r.key, r.name)).collect())
}

fn named(keys: &[String], names: &[(String, String)]) -> String {
    keys.iter()
        .map(|k| names.iter().find(|(key, _)| key == k).map(|(_, n)| n.clone()).unwrap_or(k.clone()))
        .collect::<Vec<_>>()
        .join("、")
}

fn row(a: &AccountView, names: &[(String, String)]) -> AccountRow {
    AccountRow {
        id: a.account.id,
        username: a.account.username.clone(),
        person: a.person_name.clone().unwrap_or_default(),
        roles: named(&a.roles, names),
        disabled: a.account.disabled,
        must_change: a.account.must_change_password,
        created: crate::time::local_time(a.account.created_at),
        email: a.account.email.clone().unwrap_or_default(),
    }
}

pub async fn users_page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = account_filter(&params)?;
    let paging = params.paging()?;
    let list = accounts::list(&state.db, &p.scope, &filter, paging).await?;
    let names = role_names(&state).await?;
    let role = filter.role.clone().unwrap_or_default();
    let status = params.str("status").unwrap_or_default();
    let unit_opts = units::all(&state.db, &p.scope)
        .await?
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), filter.unit_id == Some(u.id)))
        .collect();
    let query = serde_urlencoded::to_string([
        ("q", filter.q.clone().unwrap_or_default()),
        ("role", role.clone()),
        ("status", status.clone()),
        ("unit", filter.unit_id.map(|u| u.to_string()).unwrap_or_default()),
    ])
    .unwrap_or_default();
    render(&UsersPage {
        nav: Nav::new(&p, "users"),
        rows: list.items.iter().map(|a| row(a, &names)).collect(),
        total: list.total,
        page: list.page,
        pages: ((list.total + list.per_page - 1) / list.per_page).max(1),
        q: filter.q.unwrap_or_default(),
        query,
        role_opts: names.iter().map(|(k, n)| Opt::new(k, n, *k == role)).collect(),
        status_opts: vec![
            Opt::new("enabled", "启用", status == "enabled"),
            Opt::new("disabled", "停用", status == "disabled"),
        ],
        unit_opts,
        can_write: p.can(qingfeng_domain::access::Permission::AccountWrite),
    })
}

#[derive(Template)]
#[template(path = "accounts/user_form.html")]
struct UserForm {
    nav: Nav,
    username: String,
    password: String,
    people: Vec<Opt>,
    roles: Vec<Opt>,
    errors: FieldErrors,
}

/// People in scope without an account (and the one already linked), for the person select.
async fn person_options(
    state: &AppState,
    p: &Principal,
    current: Option<i64>,
) -> Result<Vec<Opt>, crate::http::ApiError> {
    let f = PersonFilter { without_account: true, status: Some("active".into()), ..Default::default() };
    let mut list = people::list(&state.db, &p.scope, &f, Paging::new(Some(1), Some(2000))).await?.items;
    if let Some(pid) = current {
        if !list.iter().any(|x| x.id == pid) {
            if let Ok(x) = people::get(&state.db, &p.scope, pid).await {
                list.insert(0, x);
            }
        }
    }
    Ok(list.iter().map(|x| Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), current == Some(x.id))).collect())
}

pub async fn new_user(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let person = params.int("person")?;
    let min_len = qingfeng_store::settings::number(&state.db, "password.min_length", 8).await?;
    render(&UserForm {
        nav: Nav::new(&p, "users"),
        username: String::new(),
        password: first_password(min_len),
        people: person_options(&state, &p, person).await?,
        roles: role_options(&state, &p, &["member".to_string()]).await?,
        errors: FieldErrors::default(),
    })
}

fn person_of(form: &FormPairs) -> Option<i64> {
    form.get("person_id").trim().parse().ok()
}

pub async fn create_user(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let a = NewAccount {
        username: form.get("username"),
        password: form.get("password"),
        person_id: person_of(&form),
        roles: form.all("roles"),
    };
    match create_account(&state, &p, &a).await {
        Ok(v) => Ok(see_other(format!("/system/users/{}?created=1", v.account.id))),
        Err(e) => {
            let errors = form_errors(e, "roles")?;
            let page = UserForm {
                nav: Nav::new(&p, "users"),
                username: a.username,
                password: a.password,
                people: person_options(&state, &p, a.person_id).await?,
                roles: role_options(&state, &p, &a.roles).await?,
                errors,
            };
            Ok(unprocessable(render(&page)?))
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/user.html")]
struct UserPage {
    nav: Nav,
    a: AccountRow,
    is_self: bool,
    can_write: bool,
    people: Vec<Opt>,
    roles: Vec<Opt>,
    errors: FieldErrors,
    /// a notice after a saved change
    notice: String,
    /// the new password right after a reset (shown once)
    new_password: String,
}

async fn user_page(
    state: &AppState,
    p: &Principal,
    v: &AccountView,
    errors: FieldErrors,
    notice: &str,
    new_password: String,
) -> PageResult {
    let names = role_names(state).await?;
    let res = render(&UserPage {
        nav: Nav::new(p, "users"),
        a: row(v, &names),
        is_self: v.account.id == p.account_id,
        can_write: p.can(qingfeng_domain::access::Permission::AccountWrite),
        people: person_options(state, p, v.account.person_id).await?,
        roles: role_options(state, p, &v.roles).await?,
        errors: errors.clone(),
        notice: notice.into(),
        new_password,
    })?;
    Ok(if errors.is_empty() { res } else { unprocessable(res) })
}

pub async fn edit_user(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    let v = account_in_scope(&state, &p, id).await?;
    let notice = match params.str("done").as_deref() {
        Some("saved") => "已保存",
        Some("disabled") => "账号已停用，其登录会话已退出",
        Some("enabled") => "账号已启用",
        _ if params.str("created").is_some() => "账号已创建。请把用户名和初始密码交给本人，首次登录须修改密码。",
        _ => "",
    };
    user_page(&state, &p, &v, FieldErrors::default(), notice, String::new()).await
}

/// Applies a change and shows the account again: after success a redirect, else the errors.
async fn apply(state: &AppState, p: &Principal, id: i64, patch: AccountPatch, done: &str) -> PageResult {
    match update_account(state, p, id, patch).await {
        Ok(_) => Ok(see_other(format!("/system/users/{id}?done={done}"))),
        Err(e) => {
            let errors = form_errors(e, "roles")?;
            let v = account_in_scope(state, p, id).await?;
            user_page(state, p, &v, errors, "", String::new()).await
        }
    }
}

pub async fn update_user(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let is_self = id == p.account_id;
    let patch = AccountPatch {
        person_id: Some(person_of(&form)),
        // one's own roles are not offered on the page, so they are not sent either
        roles: (!is_self).then(|| form.all("roles")),
        email: Some(Some(form.get("email"))),
        ..Default::default()
    };
    apply(&state, &p, id, patch, "saved").await
}

pub async fn set_disabled(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let disabled = form.get("disabled") == "true";
    let patch = AccountPatch { disabled: Some(disabled), ..Default::default() };
    apply(&state, &p, id, patch, if disabled { "disabled" } else { "enabled" }).await
}

/// 重置密码: a new random password, shown once on the page; the holder changes it at sign-in.
pub async fn reset_password(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let min_len = qingfeng_store::settings::number(&state.db, "password.min_length", 8).await?;
    let password = first_password(min_len);
    let patch = AccountPatch { password: Some(password.clone()), ..Default::default() };
    match update_account(&state, &p, id, patch).await {
        Ok(v) => user_page(&state, &p, &v, FieldErrors::default(), "密码已重置，其登录会话已退出", password).await,
        Err(e) => {
            let errors = form_errors(e, "password")?;
            let v = account_in_scope(&state, &p, id).await?;
            user_page(&state, &p, &v, errors, "", String::new()).await
        }
    }
}
