//! 批量开通账号: choose people without an account (by unit), a username prefix and roles;
//! the result is a printable list of first passwords, also downloadable as .xlsx.

use askama::Template;
use axum::response::IntoResponse;
use qingfeng_domain::FieldErrors;
use qingfeng_office::{write_table, CellValue, Column};
use qingfeng_store::org::{people, units, PersonFilter};

use super::{role_options, unprocessable};
use crate::auth::{Ctx, Principal};
use crate::features::accounts::bulk::{self, username_for, BulkRequest, FirstPassword, DEFAULT_PREFIX, MAX_BULK};
use crate::http::{form_errors, render, xlsx, ApiError, FormPairs, Nav, Opt, PageError, PageResult, Params};
use crate::AppState;

pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub title: String,
    pub username: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "accounts/bulk.html")]
struct BulkPage {
    nav: Nav,
    unit_opts: Vec<Opt>,
    unit: String,
    prefix: String,
    people: Vec<Candidate>,
    more: bool,
    roles: Vec<Opt>,
    errors: FieldErrors,
}

struct Choice {
    unit: Option<i64>,
    prefix: String,
    people: Vec<i64>,
    roles: Vec<String>,
}

async fn bulk_form(state: &AppState, p: &Principal, c: &Choice, errors: FieldErrors) -> PageResult {
    let f = PersonFilter {
        without_account: true,
        status: Some("active".into()),
        unit_id: c.unit,
        include_sub: true,
        ..Default::default()
    };
    let list = people::list_all(&state.db, &p.scope, &f).await?;
    let more = list.len() > MAX_BULK;
    let shown_prefix = if c.prefix.trim().is_empty() { DEFAULT_PREFIX } else { c.prefix.trim() };
    let people = list
        .iter()
        .take(MAX_BULK)
        .map(|x| Candidate {
            id: x.id,
            name: x.name.clone(),
            unit: x.unit_name.clone(),
            title: x.title.clone(),
            username: username_for(shown_prefix, x.id),
            checked: c.people.is_empty() || c.people.contains(&x.id),
        })
        .collect();
    let unit_opts = units::all(&state.db, &p.scope)
        .await?
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), c.unit == Some(u.id)))
        .collect();
    let res = render(&BulkPage {
        nav: Nav::new(p, "users"),
        unit_opts,
        unit: c.unit.map(|u| u.to_string()).unwrap_or_default(),
        prefix: c.prefix.clone(),
        people,
        more,
        roles: role_options(state, p, &c.roles).await?,
        errors: errors.clone(),
    })?;
    Ok(if errors.is_empty() { res } else { unprocessable(res) })
}

pub async fn bulk_page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let c = Choice {
        unit: params.int("unit")?,
        prefix: DEFAULT_PREFIX.into(),
        people: vec![],
        roles: vec!["member".into()],
    };
    bulk_form(&state, &p, &c, FieldErrors::default()).await
}

#[derive(Template)]
#[template(path = "accounts/bulk_result.html")]
struct BulkResult {
    nav: Nav,
    rows: Vec<FirstPassword>,
    printed: String,
}

pub async fn bulk_submit(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let person_ids: Vec<i64> = form.all("person_ids").iter().filter_map(|s| s.trim().parse().ok()).collect();
    let req = BulkRequest { person_ids, roles: form.all("roles"), prefix: Some(form.get("prefix")) };
    match bulk::create(&state, &p, &req).await {
        Ok(rows) => render(&BulkResult {
            nav: Nav::new(&p, "users"),
            rows,
            printed: crate::time::local_time(chrono::Utc::now()),
        }),
        Err(e) => {
            let errors = form_errors(e, "roles")?;
            let c = Choice {
                unit: form.get("unit").trim().parse().ok(),
                prefix: form.get("prefix"),
                people: req.person_ids,
                roles: req.roles,
            };
            bulk_form(&state, &p, &c, errors).await
        }
    }
}

/// The printed list again as .xlsx: the rows come back from the result page (the passwords
/// are kept nowhere but as hashes, so the server cannot produce them a second time).
pub async fn bulk_xlsx(_p: Principal, form: FormPairs) -> PageResult {
    let cols = ["username", "password", "name", "unit"].map(|k| form.all(k));
    let n = cols[0].len();
    if n == 0 || n > MAX_BULK || cols.iter().any(|c| c.len() != n) {
        return Err(PageError(ApiError::bad_request("名单不完整，请重新批量开通", None)));
    }
    let columns = [
        Column::text("姓名", 12.0),
        Column::text("单位", 24.0),
        Column::text("用户名", 14.0),
        Column::text("初始密码", 18.0),
        Column::text("本人签收", 14.0),
    ];
    let rows: Vec<Vec<CellValue>> = (0..n)
        .map(|i| {
            vec![
                cols[2][i].clone().into(),
                cols[3][i].clone().into(),
                cols[0][i].clone().into(),
                cols[1][i].clone().into(),
                CellValue::Empty,
            ]
        })
        .collect();
    let title = "清风系统账号初始密码（首次登录须修改密码，请妥善保管）";
    let bytes = write_table("初始密码", Some(title), &columns, &rows).map_err(|e| PageError(e.into()))?;
    Ok(xlsx(bytes, "账号初始密码.xlsx").into_response())
}
