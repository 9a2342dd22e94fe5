//! Work plans: the list, a plan's task tree, and the new-plan form.

use askama::Template;
use chrono::Datelike;
use qingfeng_domain::access::Permission;
use qingfeng_domain::plans::{PlanFields, TaskState};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::people;
use qingfeng_store::plans::{self, can_deploy_under, Task, WorkPlan};

use super::{field_errors, invalid_status, parse_id, state_class, unit_opts, ACTIVE};
use crate::auth::{Ctx, Principal};
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, Nav, Opt, PagePath, PageResult};
use crate::AppState;

/// A row of the task tree.
pub struct TaskRow {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub depth: i64,
    pub lead_unit: String,
    pub person: String,
    pub support: String,
    pub deadline: String,
    pub business_work: String,
    pub latest: String,
    pub state_label: String,
    pub state_class: &'static str,
    pub completed_late: bool,
    pub can_deploy: bool,
}

impl TaskRow {
    pub(super) fn new(t: &Task, p: &Principal) -> Self {
        TaskRow {
            id: t.id,
            number: t.number.clone(),
            title: t.title.clone(),
            depth: t.depth.min(6),
            lead_unit: t.lead_unit_name.clone(),
            person: t.lead_person_name.clone().unwrap_or_default(),
            support: t.support_units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、"),
            deadline: t.deadline.to_string(),
            business_work: t.business_work.clone(),
            latest: t.latest_update.clone().unwrap_or_default(),
            state_label: t.state_label.clone(),
            state_class: state_class(&t.state),
            completed_late: t.completed_late,
            can_deploy: p.can(Permission::PlanWrite) && can_deploy_under(&p.scope, t),
        }
    }
}

pub struct PlanItem {
    pub id: i64,
    pub year: i64,
    pub title: String,
    pub unit: String,
    pub counts: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "plans/plans.html")]
struct PlansPage {
    nav: Nav,
    plans: Vec<PlanItem>,
    selected: Option<WorkPlan>,
    tasks: Vec<TaskRow>,
    states: Vec<Opt>,
    state: String,
    can_write: bool,
    can_add_top: bool,
    can_export: bool,
    can_import: bool,
}

async fn plans_page(state: &AppState, p: &Principal, selected_id: Option<i64>, params: &Params) -> PageResult {
    let all = plans::all_plans(&state.db, &p.scope).await?;
    let selected = match selected_id {
        Some(id) => Some(plans::get_plan(&state.db, &p.scope, id).await?),
        None => all.first().cloned(),
    };
    let filter = params.str("state").and_then(|s| TaskState::parse(&s));
    let tasks = match &selected {
        Some(plan) => plans::plan_tasks(&state.db, &p.scope, plan.id)
            .await?
            .iter()
            .filter(|t| filter.is_none_or(|f| f.key() == t.state))
            .map(|t| TaskRow::new(t, p))
            .collect(),
        None => vec![],
    };
    let items = all
        .iter()
        .map(|x| PlanItem {
            id: x.id,
            year: x.year,
            title: x.title.clone(),
            unit: x.unit_name.clone(),
            counts: format!("{} 项任务，已完成 {}，逾期 {}", x.task_count, x.completed_count, x.overdue_count),
            active: selected.as_ref().is_some_and(|s| s.id == x.id),
        })
        .collect();
    let mut states = vec![Opt::new("", "全部状态", filter.is_none())];
    states.extend(TaskState::ALL.iter().map(|s| Opt::new(s.key(), s.label(), filter == Some(*s))));
    render(&PlansPage {
        nav: Nav::new(p, ACTIVE),
        plans: items,
        can_add_top: p.can(Permission::PlanWrite)
            && selected.as_ref().is_some_and(|s| p.scope.covers_unit(s.unit_id, &s.unit_path)),
        selected,
        tasks,
        states,
        state: filter.map(|f| f.key().to_string()).unwrap_or_default(),
        can_write: p.can(Permission::PlanWrite),
        can_export: p.can(Permission::TaskExport),
        can_import: p.can(Permission::TaskImport),
    })
}

/// `GET /plans`: the plans in scope, with the newest one opened.
pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    plans_page(&state, &p, None, &params).await
}

/// `GET /plans/{id}`
pub async fn plan(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    plans_page(&state, &p, Some(id), &params).await
}

/// The plan form's values as typed.
pub struct PlanInput {
    pub year: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "plans/plan_form.html")]
struct PlanForm {
    nav: Nav,
    f: PlanInput,
    units: Vec<Opt>,
    errors: FieldErrors,
}

async fn plan_form(
    state: &AppState,
    p: &Principal,
    f: PlanInput,
    unit: Option<i64>,
    errors: FieldErrors,
) -> PageResult {
    let units = unit_opts(state, p, &unit.into_iter().collect::<Vec<_>>(), &[]).await?;
    let res = render(&PlanForm { nav: Nav::new(p, ACTIVE), f, units, errors: errors.clone() })?;
    Ok(if errors.is_empty() { res } else { invalid_status(res) })
}

/// `GET /plans/new`
pub async fn new_plan(Ctx { state, p }: Ctx) -> PageResult {
    let year = office_today().year();
    let own_unit = match p.person_id {
        Some(pid) => people::get(&state.db, &p.scope, pid).await.ok().map(|x| x.unit_id),
        None => None,
    };
    let f = PlanInput { year: year.to_string(), title: format!("{year}年党风廉政建设工作要点") };
    plan_form(&state, &p, f, own_unit, FieldErrors::default()).await
}

/// `POST /plans/new`
pub async fn create_plan(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let mut errors = FieldErrors::default();
    let year = match form.get("year").trim().parse::<i64>() {
        Ok(y) => Some(y),
        Err(_) => {
            errors.push("year", "年度应为四位数字，如 2026");
            None
        }
    };
    let unit_id = parse_id(&mut errors, "unit_id", "部署单位", &form.get("unit_id"));
    let input = PlanInput { year: form.get("year"), title: form.get("title") };
    let result: Result<WorkPlan, ApiError> = async {
        errors.clone().into_result()?;
        let draft = PlanFields { year, unit_id, title: form.get("title") }.validate()?;
        Ok(plans::create_plan(&state.db, &p.actor(), &p.scope, &draft).await?)
    }
    .await;
    match result {
        Ok(plan) => Ok(see_other(format!("/plans/{}", plan.id))),
        Err(e) => plan_form(&state, &p, input, unit_id, field_errors(e, "unit_id")?).await,
    }
}
