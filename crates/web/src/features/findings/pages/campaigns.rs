//! 专项整治: campaigns and their progress.

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::findings::CampaignFields;
use qingfeng_domain::FieldErrors;
use qingfeng_store::findings::{self as store};
use qingfeng_store::fulfilment::{this_year, today};
use qingfeng_store::org::units;
use qingfeng_store::plans::TaskFilter;
use qingfeng_store::{now, Paging};

use super::form::form_errors;
use super::stats::{dashboard_rows, tally_row, TallyRow};
use super::{state_class, with_status};
use crate::auth::{Ctx, Principal};
use crate::features::findings::service::campaign_view;
use crate::http::ApiError;
use crate::http::{render, see_other, FormPairs, Nav, Opt, PagePath, PageResult};
use crate::AppState;

pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub period: String,
    pub units: i64,
    pub tasks: i64,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "findings/campaigns.html")]
struct CampaignsPage {
    nav: Nav,
    rows: Vec<CampaignRow>,
    can_write: bool,
    f: CampaignFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    tasks: Vec<Opt>,
}

async fn campaigns_page(state: &AppState, p: &Principal, f: CampaignFields, errors: FieldErrors) -> PageResult {
    let today = today();
    let list = store::list_campaigns(&state.db, None, Some(Paging::new(Some(1), Some(200)))).await?;
    let can_write = p.can(Permission::CampaignWrite);
    let (unit_opts, task_opts) = if can_write {
        let units = units::all(&state.db, &p.scope)
            .await?
            .iter()
            .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), f.unit_ids.contains(&u.id)))
            .collect();
        let tf = TaskFilter { year: Some(this_year()), include_sub: true, ..Default::default() };
        let tasks = qingfeng_store::plans::list_tasks(&state.db, &p.scope, &tf, Paging::new(Some(1), Some(200)))
            .await?
            .items
            .iter()
            .map(|t| Opt::new(t.id, format!("{}（{}）", t.title, t.lead_unit_name), f.task_ids.contains(&t.id)))
            .collect();
        (units, tasks)
    } else {
        (vec![], vec![])
    };
    let failed = !errors.is_empty();
    let res = render(&CampaignsPage {
        nav: Nav::new(p, "campaigns"),
        rows: list
            .items
            .iter()
            .map(|c| CampaignRow {
                id: c.id,
                name: c.name.clone(),
                period: format!("{} 至 {}", c.start_date, c.end_date),
                units: c.unit_count,
                tasks: c.task_count,
                active: c.start_date <= today && today <= c.end_date,
            })
            .collect(),
        can_write,
        f,
        errors,
        units: unit_opts,
        tasks: task_opts,
    })?;
    Ok(if failed { with_status(res, StatusCode::UNPROCESSABLE_ENTITY) } else { res })
}

pub async fn campaigns(Ctx { state, p }: Ctx) -> PageResult {
    let t = today();
    let f = CampaignFields {
        start_date: t.to_string(),
        end_date: chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&t), 12, 31).unwrap_or(t).to_string(),
        ..Default::default()
    };
    campaigns_page(&state, &p, f, FieldErrors::default()).await
}

pub async fn create_campaign(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let ids = |k: &str| form.all(k).iter().filter_map(|s| s.parse().ok()).collect::<Vec<i64>>();
    let f = CampaignFields {
        name: form.get("name"),
        start_date: form.get("start_date"),
        end_date: form.get("end_date"),
        goals: form.get("goals"),
        unit_ids: ids("unit_ids"),
        task_ids: ids("task_ids"),
    };
    let result = match f.validate() {
        Ok(d) => match crate::features::findings::service::check_campaign_scope(&state, &p, &d).await {
            Ok(()) => store::create_campaign(&state.db, &p.actor(), &d, now()).await.map_err(ApiError::from),
            Err(e) => Err(e),
        },
        Err(e) => Err(ApiError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(see_other(format!("/campaigns/{id}"))),
        Err(e) => campaigns_page(&state, &p, f, form_errors(e)?).await,
    }
}

pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub plan: String,
    pub lead: String,
    pub deadline: String,
    pub state: String,
    pub state_label: String,
    pub latest: String,
}

#[derive(Template)]
#[template(path = "findings/campaign.html")]
struct CampaignPage {
    nav: Nav,
    id: i64,
    name: String,
    period: String,
    goals: String,
    units: String,
    tasks: Vec<TaskRow>,
    total: TallyRow,
    states: Vec<(String, String, u64, &'static str)>,
    by_unit: Vec<TallyRow>,
    categories: Vec<TallyRow>,
    /// (finding id, measure, unit, person, deadline)
    overdue: Vec<(i64, String, String, String, String)>,
    can_write_finding: bool,
}

pub async fn campaign(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let v = campaign_view(&state, &p, id).await?;
    let s = &v.progress;
    let (_, categories, _, by_unit) = dashboard_rows(s);
    let c = &v.campaign;
    render(&CampaignPage {
        nav: Nav::new(&p, "campaigns"),
        id,
        name: c.name.clone(),
        period: format!("{} 至 {}", c.start_date, c.end_date),
        goals: c.goals.clone(),
        units: v.units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、"),
        tasks: v
            .tasks
            .iter()
            .map(|t| TaskRow {
                id: t.id,
                title: t.title.clone(),
                plan: t.plan_title.clone(),
                lead: t.lead_unit_name.clone(),
                deadline: t.deadline.to_string(),
                state: t.state.clone(),
                state_label: t.state_label.clone(),
                latest: t.latest_update.clone().unwrap_or_default(),
            })
            .collect(),
        total: tally_row("合计", String::new(), &s.total),
        states: s.by_state.iter().map(|c| (c.state.clone(), c.label.clone(), c.count, state_class(&c.state))).collect(),
        by_unit,
        categories,
        overdue: v
            .overdue_measures
            .iter()
            .map(|m| {
                (
                    m.finding_id,
                    m.text.clone(),
                    m.unit_name.clone(),
                    m.responsible_person_name.clone(),
                    m.deadline.to_string(),
                )
            })
            .collect(),
        can_write_finding: p.can(Permission::FindingWrite),
    })
}
