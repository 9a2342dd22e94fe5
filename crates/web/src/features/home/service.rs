//! What one signed-in person must do, gathered from the features' stores within their data
//! scope. Each entry names where it is done (`link`).

use chrono::{Duration, NaiveDate};
use qingfeng_domain::access::Permission;
use qingfeng_domain::dict::ResponsibilityRole;
use qingfeng_domain::findings::{FindingState, LookBackFilter, Origin};
use qingfeng_domain::fulfilment::State as FState;
use qingfeng_domain::gaps::gap_text;
use qingfeng_domain::responsibility::{OwnerRole, Period};
use qingfeng_domain::time::office_today;
use qingfeng_store::findings::{self, Finding, FindingFilter, MeasureFilter};
use qingfeng_store::fulfilment::{ensure_snapshot, flagged_items};
use qingfeng_store::plans::TaskFilter;
use qingfeng_store::responsibility::{self as resp, ItemFilter};
use qingfeng_store::{notify, org::people, talks, Paging};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::features::fulfilment::service::lead_days;
use crate::features::org::service::unit_in_scope;
use crate::features::responsibility::service::{with_status, year_param, ItemWithStatus};
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// How many entries of a kind the page lists before "查看全部".
const SHOWN: i64 = 10;

/// A red or yellow responsibility item and what it lacks.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoItem {
    pub id: i64,
    pub text: String,
    /// the unit, or the person and their unit
    pub owner: String,
    /// `overdue` (滞后, red) or `due_soon` (临期, yellow)
    pub state: &'static str,
    pub state_label: &'static str,
    /// "第二、三季度未开展"
    pub missing: String,
    pub link: String,
}

/// The red items of a division in the leader's charge (or the principal's unit).
#[derive(Debug, Serialize, ToSchema)]
pub struct Division {
    /// "本单位" (the 主要负责人's own unit) or "分管单位"
    pub relation: &'static str,
    pub unit_id: i64,
    pub unit_name: String,
    /// red items in the division's subtree; `items` holds the first ones
    pub total: i64,
    pub items: Vec<TodoItem>,
    pub link: String,
}

/// A rectification measure or a task whose deadline is near or past.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoDeadline {
    pub id: i64,
    pub text: String,
    /// the finding a measure belongs to, or the plan of a task
    pub context: String,
    pub deadline: NaiveDate,
    pub overdue: bool,
    pub link: String,
}

/// A finding waiting for someone's step.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoFinding {
    pub id: i64,
    pub description: String,
    pub unit_name: String,
    pub state_label: String,
    /// what to do next: 制定整改措施, 报告整改进展, 申请验收销号, 验收销号, 反馈问题, 回头看
    pub step: &'static str,
    pub link: String,
}

/// A list with its total (the list holds the first [`SHOWN`]).
#[derive(Debug, Serialize, ToSchema)]
pub struct Section<T> {
    pub total: i64,
    pub items: Vec<T>,
}

impl<T> Default for Section<T> {
    fn default() -> Self {
        Section { total: 0, items: Vec::new() }
    }
}

/// One of the 纪检监察组's queues of findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct Queue {
    /// `sign_off` (申请验收销号, waiting for 验收), `feedback` (recorded, not yet fed back) or
    /// `look_back` (signed off, the look-back date reached)
    pub key: &'static str,
    pub title: &'static str,
    pub total: i64,
    pub items: Vec<TodoFinding>,
    /// the finding list with the matching filter
    pub link: &'static str,
}

/// A 任前廉政谈话 the person must hold: someone newly in a post, no talk recorded yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoTalk {
    pub person_id: i64,
    pub person_name: String,
    /// the new post: "综合科科长"
    pub post: String,
    pub changed_on: NaiveDate,
    /// the talk form with the kind and the person chosen
    pub link: String,
}

/// An unread notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoNotice {
    pub id: i64,
    pub title: String,
    pub link: String,
}

/// The caller's to-do list: what `GET /api/v1/home` answers and the home page draws.
#[derive(Debug, Serialize, ToSchema)]
pub struct Home {
    pub year: i64,
    pub as_of: NaiveDate,
    pub lead_days: u32,
    /// the account is linked to a person (without one there are no personal items)
    pub has_person: bool,
    /// own red and yellow items, and those of the units the person answers for
    pub items: Vec<TodoItem>,
    /// red items of the divisions in the person's charge (leaders) or of their unit (主要负责人)
    pub divisions: Vec<Division>,
    pub measures: Vec<TodoDeadline>,
    pub tasks: Vec<TodoDeadline>,
    /// findings the person answers for, waiting for their step
    pub findings: Vec<TodoFinding>,
    /// 任前廉政谈话 the person must hold
    pub pre_talks: Vec<TodoTalk>,
    /// personal reports the person owes: the year's 个人有关事项, a 婚丧喜庆's actual figures
    /// or gifts to hand in
    pub reports: Vec<TodoDeadline>,
    /// 纪检监察组: the queues waiting for it (sign-off requests, feedback, look-backs due)
    pub queues: Vec<Queue>,
    /// unread notifications (total) and the newest of them
    #[schema(inline)]
    pub notifications: Section<TodoNotice>,
    /// the person may supervise (sees the 纪检监察组's sections)
    pub supervises: bool,
    /// 三重一大: this year's meetings whose checks fail, and register entries needing a
    /// collective decision with none linked (for whoever reads the decisions)
    #[schema(inline)]
    pub decisions: Section<TodoNotice>,
    /// 督办 the person must answer (addressed to them, or to the unit they head), and for the
    /// 纪检组 the answered ones waiting to be closed
    pub supervision: Vec<TodoDeadline>,
}

impl Home {
    /// Nothing to do at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.divisions.iter().all(|d| d.total == 0)
            && self.measures.is_empty()
            && self.tasks.is_empty()
            && self.findings.is_empty()
            && self.pre_talks.is_empty()
            && self.reports.is_empty()
            && self.queues.iter().all(|q| q.total == 0)
            && self.notifications.total == 0
            && self.decisions.total == 0
            && self.supervision.is_empty()
    }
}

fn todo_item(i: &ItemWithStatus) -> TodoItem {
    let per = Period::parse(&i.item.req_period).unwrap_or(Period::Year);
    TodoItem {
        id: i.item.id,
        text: i.item.text.clone(),
        owner: match &i.item.person_name {
            Some(n) => format!("{n}（{}）", i.item.unit_name),
            None => i.item.unit_name.clone(),
        },
        state: i.status.state.key(),
        state_label: i.status.state.label(),
        missing: gap_text(per, &i.status).unwrap_or_default(),
        link: format!("/responsibility/items/{}", i.item.id),
    }
}

fn red_or_yellow(i: &ItemWithStatus) -> bool {
    matches!(i.status.state, FState::Overdue | FState::DueSoon)
}

/// The caller's to-do list for a year (`?year=`, this year by default).
pub async fn home(state: &AppState, p: &Principal, params: &Params) -> ApiResult<Home> {
    let year = year_param(params)?;
    let today = office_today();
    let lead = lead_days(state).await?;
    let due_by = today + Duration::days(i64::from(lead));
    let mut home = Home {
        year,
        as_of: today,
        lead_days: lead,
        has_person: p.person_id.is_some(),
        items: Vec::new(),
        divisions: Vec::new(),
        measures: Vec::new(),
        tasks: Vec::new(),
        findings: Vec::new(),
        pre_talks: Vec::new(),
        reports: Vec::new(),
        queues: Vec::new(),
        notifications: notices(state, p).await?,
        supervises: p.can(Permission::FindingSignOff),
        decisions: Section::default(),
        supervision: Vec::new(),
    };
    if p.can(Permission::DecisionRead) {
        home.decisions = crate::features::decisions::service::alerts(state, p).await?;
    }
    if let Some(pid) = p.person_id {
        let person = match people::get(&state.db, &p.scope, pid).await {
            Ok(person) => Some(person),
            Err(qingfeng_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let roles: Vec<ResponsibilityRole> = person
            .as_ref()
            .map(|x| qingfeng_domain::dict::parse_roles(&x.roles).unwrap_or_default())
            .unwrap_or_default();
        if p.can(Permission::ResponsibilityRead) {
            home.items = own_items(state, p, year, pid, person.as_ref().map(|x| x.unit_id), &roles).await?;
            home.divisions = divisions(state, p, year, pid, person.as_ref(), &roles).await?;
        }
        if p.can(Permission::FindingRead) {
            home.measures = measures(state, p, pid, today, due_by).await?;
            home.findings = own_findings(state, p, pid, today).await?;
        }
        if p.can(Permission::PlanRead) {
            home.tasks = tasks(state, p, pid, due_by).await?;
        }
        if p.can(Permission::TalkWrite) {
            home.pre_talks = pre_talks(state, p, pid, today).await?;
        }
        if p.can(Permission::PersonalReportFile) {
            home.reports = crate::features::family_events::service::owed(state, pid, today).await?;
        }
        if let (true, Some(person)) = (p.can(Permission::SupervisionReply), person.as_ref()) {
            home.supervision = supervision_notes(crate::features::supervision::service::owed(state, p, person).await?);
        }
    }
    if p.can(Permission::SupervisionWrite) {
        let page = crate::features::supervision::service::to_close(state, p).await?;
        home.supervision.extend(supervision_notes(page.items));
    }
    if p.can(Permission::PersonalReportReview) {
        home.reports.extend(crate::features::family_events::service::to_review(state, p, today).await?);
    }
    if home.supervises {
        let recorded = FindingFilter { origin: Some(Origin::Supervision), ..state_filter(FindingState::Recorded) };
        let due = FindingFilter { look_back: Some(LookBackFilter::Due), ..Default::default() };
        let queues = [
            (
                "sign_off",
                "等待验收销号",
                state_filter(FindingState::SignOffRequested),
                "验收销号",
                "/findings?state=sign_off_requested",
            ),
            ("feedback", "已登记、待反馈的问题", recorded, "反馈问题", "/findings?state=recorded&origin=supervision"),
            ("look_back", "已到回头看时间", due, "回头看", "/findings?look_back=due"),
        ];
        for (key, title, filter, step, link) in queues {
            let page =
                findings::list(&state.db, &p.scope, &filter, Some(Paging::new(None, Some(SHOWN))), today).await?;
            let items = page.items.into_iter().map(|f| todo_finding(f, step)).collect();
            home.queues.push(Queue { key, title, total: page.total, items, link });
        }
    }
    Ok(home)
}

/// The person's own red and yellow items, and those of the unit they answer for as 主要负责人
/// (the leadership group's), 支部书记 (the branch's) or member of the 纪检监察组 (its own).
async fn own_items(
    state: &AppState,
    p: &Principal,
    year: i64,
    pid: i64,
    unit: Option<i64>,
    roles: &[ResponsibilityRole],
) -> ApiResult<Vec<TodoItem>> {
    let base = ItemFilter { year: Some(year), active_only: true, ..Default::default() };
    let mut found =
        resp::items(&state.db, &p.scope, &ItemFilter { person_id: Some(pid), ..base.clone() }, None).await?.items;
    let unit_roles = [
        (roles.contains(&ResponsibilityRole::Principal), OwnerRole::LeadershipGroup),
        (roles.contains(&ResponsibilityRole::BranchSecretary), OwnerRole::Branch),
        // the 纪检监察组's supervisory duties, for its members who supervise
        (p.can(Permission::FindingSignOff), OwnerRole::DisciplineGroup),
    ];
    for (holds, owner) in unit_roles {
        if let (true, Some(u)) = (holds, unit) {
            let f = ItemFilter {
                unit_id: Some(u),
                include_sub: false,
                owner_role: Some(owner.key().into()),
                ..base.clone()
            };
            found.extend(resp::items(&state.db, &p.scope, &f, None).await?.items);
        }
    }
    let mut items: Vec<ItemWithStatus> = with_status(state, found).await?.into_iter().filter(red_or_yellow).collect();
    // red first, then by what is due earliest
    items.sort_by_key(|i| (std::cmp::Reverse(i.status.state), i.status.next_due, i.item.id));
    Ok(items.iter().map(todo_item).collect())
}

/// The divisions whose red items a leader sees: those in their charge, and for a 主要负责人 their
/// own unit (with everything below it). Nested units are read once, through the outer one.
async fn divisions(
    state: &AppState,
    p: &Principal,
    year: i64,
    pid: i64,
    person: Option<&people::Person>,
    roles: &[ResponsibilityRole],
) -> ApiResult<Vec<Division>> {
    let mut unit_ids = people::in_charge_of(&state.db, pid).await?;
    let own_unit = person.filter(|_| roles.contains(&ResponsibilityRole::Principal)).map(|x| x.unit_id);
    if let Some(u) = own_unit {
        unit_ids.insert(0, u);
    }
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut units = Vec::new();
    for id in unit_ids {
        match unit_in_scope(state, p, id).await {
            Ok(u) => units.push(u),
            Err(ApiError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let outer: Vec<_> = units
        .iter()
        .filter(|u| !units.iter().any(|o| o.id != u.id && u.path.starts_with(&o.path) && o.path != u.path))
        .collect();
    let snapshot = ensure_snapshot(&state.db, year, office_today(), lead_days(state).await?).await?;
    let mut out = Vec::new();
    for u in outer {
        let (total, red) =
            flagged_items(&state.db, &snapshot, &p.scope, Some(&u.path), FState::Overdue.key(), SHOWN, 0).await?;
        let ids: Vec<i64> = red.iter().map(|r| r.item_id).collect();
        let f = ItemFilter { ids: Some(ids.clone()), ..Default::default() };
        let mut found = with_status(state, resp::items(&state.db, &p.scope, &f, None).await?.items).await?;
        // in the snapshot's order: the earliest deadline first
        found.sort_by_key(|i| ids.iter().position(|&x| x == i.item.id));
        out.push(Division {
            relation: if Some(u.id) == own_unit { "本单位" } else { "分管单位" },
            unit_id: u.id,
            unit_name: u.name.clone(),
            total,
            items: found.iter().map(todo_item).collect(),
            link: format!("/responsibility/items?year={year}&state=overdue&unit={}", u.id),
        });
    }
    Ok(out)
}

/// Open measures the person answers for, due within the lead days or past due.
async fn measures(
    state: &AppState,
    p: &Principal,
    pid: i64,
    today: NaiveDate,
    due_by: NaiveDate,
) -> ApiResult<Vec<TodoDeadline>> {
    let f = MeasureFilter { person_id: Some(pid), open: true, ..Default::default() };
    let page = findings::list_measures(&state.db, &p.scope, &f, None, today).await?;
    Ok(page
        .items
        .into_iter()
        .filter(|m| m.finding_state != FindingState::SignedOff.key() && m.deadline <= due_by)
        .map(|m| TodoDeadline {
            id: m.id,
            link: format!("/findings/{}", m.finding_id),
            context: m.finding_description.chars().take(40).collect(),
            text: m.text,
            deadline: m.deadline,
            overdue: m.overdue,
        })
        .collect())
}

/// Open tasks the person leads, due within the lead days or past due.
async fn tasks(state: &AppState, p: &Principal, pid: i64, due_by: NaiveDate) -> ApiResult<Vec<TodoDeadline>> {
    let f = TaskFilter { lead_person_id: Some(pid), open_due_by: Some(due_by), ..Default::default() };
    let page = qingfeng_store::plans::list_tasks(&state.db, &p.scope, &f, Paging::new(None, Some(50))).await?;
    Ok(page
        .items
        .into_iter()
        .map(|t| TodoDeadline {
            id: t.id,
            link: format!("/tasks/{}", t.id),
            overdue: t.state == "overdue",
            context: t.plan_title,
            text: t.title,
            deadline: t.deadline,
        })
        .collect())
}

/// 督办 as to-do entries: the text, the decision, the deadline; `overdue` when past it unanswered.
fn supervision_notes(notes: Vec<qingfeng_store::supervision::Note>) -> Vec<TodoDeadline> {
    notes
        .into_iter()
        .map(|n| TodoDeadline {
            id: n.id,
            link: format!("/supervision/notes/{}", n.id),
            overdue: n.overdue,
            context: format!("{}（{}）", n.implementation_title, n.state_label),
            text: n.text,
            deadline: n.deadline,
        })
        .collect()
}

/// The 任前廉政谈话 due that the person must hold (the rule of the reminder job:
/// [`notify::pre_talk_holders`]), of people in the reader's scope.
async fn pre_talks(state: &AppState, p: &Principal, pid: i64, today: NaiveDate) -> ApiResult<Vec<TodoTalk>> {
    let due = talks::pre_appointment_due(&state.db, today, None).await?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let dir = notify::Directory::load(&state.db).await?;
    Ok(due
        .into_iter()
        .filter(|c| p.scope.covers_unit(c.unit_id, &c.unit_path))
        .filter(|c| notify::pre_talk_holders(&dir, c.unit_id, c.person_id).contains(&pid))
        .map(|c| TodoTalk {
            person_id: c.person_id,
            post: c.post(),
            changed_on: c.changed_on(),
            link: format!("/talks/new?kind=pre_appointment&counterpart={}", c.person_id),
            person_name: c.person_name,
        })
        .collect())
}

fn state_filter(s: FindingState) -> FindingFilter {
    FindingFilter { state: Some(s), ..Default::default() }
}

/// What the responsible person or leader does next with a finding, if anything.
fn unit_step(f: &Finding) -> Option<&'static str> {
    match f.state() {
        FindingState::FedBack => Some("制定整改措施"),
        FindingState::Rectifying if f.open_measures > 0 => Some("报告整改进展"),
        FindingState::Rectifying => Some("申请验收销号"),
        _ => None,
    }
}

fn todo_finding(f: Finding, step: &'static str) -> TodoFinding {
    TodoFinding {
        id: f.id,
        link: format!("/findings/{}", f.id),
        description: f.description.chars().take(60).collect(),
        unit_name: f.unit_name,
        state_label: f.state_label,
        step,
    }
}

/// Findings the person answers for (of the finding or a measure) that wait for their step.
async fn own_findings(state: &AppState, p: &Principal, pid: i64, today: NaiveDate) -> ApiResult<Vec<TodoFinding>> {
    let mut out = Vec::new();
    for s in [FindingState::FedBack, FindingState::Rectifying] {
        let f = FindingFilter { person_id: Some(pid), ..state_filter(s) };
        let page = findings::list(&state.db, &p.scope, &f, Some(Paging::new(None, Some(50))), today).await?;
        out.extend(page.items.into_iter().filter_map(|f| unit_step(&f).map(|step| todo_finding(f, step))));
    }
    Ok(out)
}

/// Unread notifications: how many, and the newest five.
async fn notices(state: &AppState, p: &Principal) -> ApiResult<Section<TodoNotice>> {
    let page = notify::list(&state.db, p.account_id, true, None, Paging::new(None, Some(5))).await?;
    Ok(Section {
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|n| TodoNotice {
                id: n.id,
                title: n.title,
                // only links inside this site are followed
                link: if n.link.starts_with('/') && !n.link.starts_with("//") {
                    n.link
                } else {
                    "/notifications".into()
                },
            })
            .collect(),
    })
}
