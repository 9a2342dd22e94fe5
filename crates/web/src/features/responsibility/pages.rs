//! 责任清单 pages: the year's lists, a list with its items' fulfilment, drill-down lists,
//! one item with its periods and entries, and the catalog (1+X).

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::fulfilment::State as FState;
use qingfeng_domain::responsibility::Period;
use qingfeng_domain::time::office_today;
use qingfeng_store::fulfilment::{ensure_snapshot, flagged_items, requirement, this_year};
use qingfeng_store::responsibility::{self as resp, ItemFilter, List};
use qingfeng_store::{Page, Scope};

use super::service::{item_filter, parse_pledge, with_status, year_param, ItemWithStatus};
use crate::auth::{Ctx, Principal};
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, Nav, Opt, PageError, PagePath, PageResult};
use crate::AppState;

pub struct ItemRow {
    pub id: i64,
    pub owner: String,
    pub text: String,
    pub edited: bool,
    pub requirement: String,
    pub done: u32,
    pub required: u32,
    pub state_key: &'static str,
    pub state: &'static str,
    /// what is missing ("第二、三季度未开展"), or else the next due date still ahead
    pub hint: String,
    /// `hint` names missing or late periods
    pub missing: bool,
    pub source: String,
}

impl From<&ItemWithStatus> for ItemRow {
    fn from(i: &ItemWithStatus) -> Self {
        let per = Period::parse(&i.item.req_period).unwrap_or(Period::Year);
        let gap = qingfeng_domain::gaps::gap_text(per, &i.status);
        ItemRow {
            id: i.item.id,
            owner: match &i.item.person_name {
                Some(n) => format!("{}（{}）", n, i.item.unit_name),
                None => i.item.unit_name.clone(),
            },
            text: i.item.text.clone(),
            edited: i.item.edited,
            requirement: requirement(i.item.req_count, &i.item.req_period).label(),
            done: i.status.done,
            required: i.status.required,
            state_key: i.status.state.key(),
            state: i.status.state.label(),
            missing: gap.is_some(),
            hint: gap.unwrap_or_else(|| match i.status.next_due {
                Some(d) if d >= office_today() => format!("下一截止 {d}"),
                _ => String::new(),
            }),
            source: i.item.source.clone(),
        }
    }
}

fn years() -> Vec<i64> {
    let y = this_year();
    (y - 3..=y + 1).rev().collect()
}

#[derive(Template)]
#[template(path = "responsibility/responsibility.html")]
struct ListsPage {
    nav: Nav,
    year: i64,
    years: Vec<i64>,
    lists: Vec<List>,
    can_write: bool,
    can_export: bool,
    message: Option<String>,
}

pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = year_param(&params)?;
    let lists = resp::lists(&state.db, &p.scope, year, params.int("unit")?, params.int("person")?).await?;
    let message = params.str("generated").map(|s| format!("已生成/更新：{s}"));
    render(&ListsPage {
        nav: Nav::new(&p, "responsibility"),
        year,
        years: years(),
        lists,
        can_write: p.can(Permission::ResponsibilityWrite),
        can_export: p.can(Permission::ResponsibilityExport),
        message,
    })
}

pub async fn generate(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let year: i64 = form.get("year").parse().map_err(|_| ApiError::bad_request("年份无效", Some("year")))?;
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::bad_request("年份应在 2000–2100 之间", Some("year")).into());
    }
    let r = resp::generate(&state.db, &p.actor(), &p.scope, year).await?;
    let summary = format!(
        "新建清单 {} 份，新增事项 {} 项，更新 {} 项，保留手工修改 {} 项，停用 {} 项",
        r.lists_created, r.items_created, r.items_refreshed, r.items_kept_edited, r.items_deactivated
    );
    let q = serde_urlencoded::to_string([("year", year.to_string()), ("generated", summary)]).unwrap_or_default();
    Ok(see_other(format!("/responsibility?{q}")))
}

#[derive(Template)]
#[template(path = "responsibility/list.html")]
struct ListPage {
    nav: Nav,
    list: List,
    items: Vec<ItemRow>,
    can_write: bool,
    error: Option<String>,
}

async fn list_page(state: &AppState, p: &Principal, id: i64, error: Option<String>) -> PageResult {
    let list = resp::list(&state.db, &p.scope, id).await?;
    let items = resp::items(
        &state.db,
        &Scope::all(),
        &ItemFilter { list_id: Some(id), active_only: true, ..Default::default() },
        None,
    )
    .await?;
    let items = with_status(state, items.items).await?;
    let failed = error.is_some();
    let mut res = render(&ListPage {
        nav: Nav::new(p, "responsibility"),
        list,
        items: items.iter().map(ItemRow::from).collect(),
        can_write: p.can(Permission::ResponsibilityWrite),
        error,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn list(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    list_page(&state, &p, id, None).await
}

pub async fn pledge(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let l = resp::list(&state.db, &p.scope, id).await?;
    match parse_pledge(Some(&form.get("pledge_date"))) {
        Ok(date) => {
            resp::set_pledge(&state.db, &p.actor(), &l, date).await?;
            Ok(see_other(format!("/responsibility/lists/{id}")))
        }
        Err(ApiError::Invalid(e)) => list_page(&state, &p, id, e.first().map(|f| f.message.clone())).await,
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "responsibility/items.html")]
struct ItemsPage {
    nav: Nav,
    heading: String,
    year: i64,
    /// 仅本人: one's own items are the dashboard, so there is no dashboard to go back to
    own_only: bool,
    items: Vec<ItemRow>,
    total: i64,
    page: i64,
    pages: i64,
    next_after: Option<i64>,
    prev_before: Option<i64>,
    query: String,
    /// the page's own filters: years, the state chosen, the search text, and the drill-down
    /// parameters kept as they are (unit, person, level)
    years: Vec<i64>,
    states: Vec<Opt>,
    q: String,
    kept: Vec<(&'static str, String)>,
}

/// Drill-down: the items behind a dashboard number.
pub async fn items(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = year_param(&params)?;
    let paging = params.paging()?;
    let state_filter = params.str("state");
    let mut filter = item_filter(&params)?;
    let own_only = p.scope.is_self_only();
    let mut heading =
        if own_only { format!("我的{year}年度责任事项") } else { format!("{year}年度责任事项") };
    let unit = match filter.unit_id {
        Some(u) => Some(crate::features::org::service::unit_in_scope(&state, &p, u).await?),
        None => None,
    };
    if let Some(u) = &unit {
        heading = format!("{heading}：{}", u.name);
    }
    if let Some(level) = filter.level.as_deref() {
        let label = qingfeng_domain::responsibility::Level::from_key(level).map_or("纪检监察组", |l| l.label());
        heading = format!("{heading}·{label}");
    }
    let (total, next_after, prev_before, rows) = match state_filter.as_deref().and_then(FState::parse) {
        Some(s @ (FState::Overdue | FState::DueSoon)) => {
            heading = format!("{heading}（{}）", s.label());
            let snap = ensure_snapshot(
                &state.db,
                year,
                office_today(),
                crate::features::fulfilment::service::lead_days(&state).await?,
            )
            .await?;
            let page = if filter.level.is_some() {
                // the level is known to the items query: the snapshot's states filter it there
                filter.flagged = Some((snap.id, s.key().to_string()));
                resp::items(&state.db, &p.scope, &filter, Some(paging)).await?
            } else {
                // in the order of the red and yellow lists: the earliest deadline first
                let under = unit.as_ref().map(|u| u.path.as_str());
                let (total, flagged) =
                    flagged_items(&state.db, &snap, &p.scope, under, s.key(), paging.per_page, paging.offset()).await?;
                filter.ids = Some(flagged.iter().map(|f| f.item_id).collect());
                let page = resp::items(&state.db, &p.scope, &filter, None).await?;
                Page { total, ..page }
            };
            (page.total, page.next_after, page.prev_before, with_status(&state, page.items).await?)
        }
        _ => {
            let page = resp::items(&state.db, &p.scope, &filter, Some(paging)).await?;
            (page.total, page.next_after, page.prev_before, with_status(&state, page.items).await?)
        }
    };
    let keep: Vec<(&str, String)> = ["year", "unit", "person", "state", "level", "q"]
        .iter()
        .filter_map(|k| params.str(k).map(|v| (*k, v)))
        .collect();
    let chosen = state_filter.unwrap_or_default();
    let states = [("", "全部"), ("overdue", "滞后"), ("due_soon", "临期")]
        .iter()
        .map(|(k, l)| Opt::new(k, l, chosen == *k))
        .collect();
    let kept = keep.iter().filter(|(k, _)| matches!(*k, "unit" | "person" | "level")).cloned().collect();
    render(&ItemsPage {
        nav: Nav::new(&p, "dashboard"),
        heading,
        year,
        own_only,
        items: rows.iter().map(ItemRow::from).collect(),
        total,
        page: paging.page,
        pages: ((total + paging.per_page - 1) / paging.per_page).max(1),
        next_after,
        prev_before,
        query: serde_urlencoded::to_string(keep).unwrap_or_default(),
        years: years(),
        states,
        q: params.str("q").unwrap_or_default(),
        kept,
    })
}

#[derive(Template)]
#[template(path = "responsibility/item.html")]
struct ItemPage {
    nav: Nav,
    list_id: i64,
    items: Vec<ItemRow>,
    /// (window, dates, required, done, state key, state label)
    periods: Vec<(String, String, u32, u32, &'static str, &'static str)>,
    /// (date, kind, unit, id, content)
    entries: Vec<(String, String, String, i64, String)>,
    /// Entries credited to the item that the reader's scope does not reach.
    hidden_entries: i64,
}

pub async fn item(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let it = resp::item(&state.db, &p.scope, id).await?;
    let list_id = it.list_id;
    let per = Period::parse(&it.req_period).unwrap_or(Period::Year);
    let with = with_status(&state, vec![it]).await?;
    let periods = with[0]
        .status
        .periods
        .iter()
        .map(|w| {
            (
                per.window_label(w.index),
                format!("{} 至 {}", w.start, w.due),
                w.required,
                w.done,
                w.state.key(),
                w.state.label(),
            )
        })
        .collect();
    let (visible_entries, hidden_entries) = super::service::item_entries(&state, &p, id).await?;
    let labels = qingfeng_store::dicts::labels(&state.db).await?;
    let entries = visible_entries
        .into_iter()
        .map(|e| {
            (
                e.entry_date.to_string(),
                labels.kind_of(&e.kind).to_string(),
                e.unit_name,
                e.id,
                e.content.chars().take(80).collect(),
            )
        })
        .collect();
    render(&ItemPage {
        nav: Nav::new(&p, "responsibility"),
        list_id,
        items: with.iter().map(ItemRow::from).collect(),
        periods,
        entries,
        hidden_entries,
    })
}
