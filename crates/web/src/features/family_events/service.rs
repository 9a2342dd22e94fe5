//! 婚丧喜庆: who reads what, filing, the actual figures and the rules' flags.
//!
//! Privacy: the person and the 纪检监察组 read a record whole. A leader whose data scope covers
//! the person (一岗双责 for the people of their units) sees only that an event was reported —
//! who, what kind, the day, whether on time, and which rules it breaks by rule and title —
//! never the place, relations, figures, gifts, the pledge or the files; the record itself answers
//! them 404. Filing for someone else is the 纪检监察组's alone (403 otherwise).

use qingfeng_domain::calendar::Calendar;
use qingfeng_domain::family::{self, flags, ActualFields, EventKind, FamilyEventFields, Flag, Limits};
use qingfeng_domain::time::office_today;
use qingfeng_store::family_events::{self as store, EventFilter, FamilyEvent};
use qingfeng_store::private_files::{self, PrivateFile};
use qingfeng_store::{notify, Page, Paging, Scope};
use serde::Serialize;

use crate::auth::Principal;
use crate::features::holidays::service::calendar;
use crate::features::personal_reports::service::{filer_for, is_group};
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The record kind of an event's attachments.
pub const FILES: &str = "family_event";
/// The query parameters [`event_filter`] reads.
pub const EVENT_FILTERS: &[&str] = &["year", "kind", "person"];

pub fn event_filter(params: &Params) -> ApiResult<EventFilter> {
    let kind = match params.str("kind") {
        None => None,
        Some(k) => Some(EventKind::parse(&k).ok_or_else(|| {
            ApiError::bad_request(format!("事项类别应为{}之一", EventKind::label_list()), Some("kind"))
        })?),
    };
    Ok(EventFilter { year: params.int("year")?, kind, person_id: params.int("person")? })
}

/// A record as its reader may see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub unit_name: String,
    pub kind: String,
    pub kind_label: String,
    pub event_date: chrono::NaiveDate,
    pub reported_on: chrono::NaiveDate,
    /// the last day the report was due (R-FAM-1: N working days before; R-FAM-2: N days after)
    pub report_due: chrono::NaiveDate,
    /// the rules the record breaks (for a leader: rule and title only, no figures)
    pub flags: Vec<Flag>,
    /// the whole record: for the person and the 纪检监察组 only
    pub detail: Option<FamilyEvent>,
    /// the attachments (the whole record's readers only)
    pub attachments: Vec<PrivateFile>,
}

/// The rules in force: the settings and the holiday calendar.
pub struct Rules {
    pub limits: Limits,
    pub calendar: Calendar,
}

pub async fn rules(state: &AppState) -> ApiResult<Rules> {
    Ok(Rules { limits: notify::family_limits(&state.db).await?, calendar: calendar(state).await? })
}

pub fn may_read_whole(p: &Principal, e: &FamilyEvent) -> bool {
    is_group(p) || p.person_id == Some(e.person_id)
}

/// The record's flags as of today.
pub fn flags_of(e: &FamilyEvent, r: &Rules) -> Vec<Flag> {
    e.facts().map(|f| flags(&f, &r.limits, &r.calendar, office_today())).unwrap_or_default()
}

fn view(p: &Principal, e: FamilyEvent, r: &Rules) -> EventView {
    let whole = may_read_whole(p, &e);
    let mut flags = flags_of(&e, r);
    if !whole {
        for f in &mut flags {
            f.message = String::new();
        }
        // without the figures, two breaches of one rule read the same
        flags.dedup_by(|a, b| a.rule == b.rule && a.title == b.title);
    }
    let kind = EventKind::from_key(&e.kind).unwrap_or(EventKind::Other);
    EventView {
        id: e.id,
        person_id: e.person_id,
        person_name: e.person_name.clone(),
        unit_name: e.unit_name.clone(),
        kind: e.kind.clone(),
        kind_label: e.kind_label.clone(),
        event_date: e.event_date,
        reported_on: e.reported_on,
        report_due: family::report_due(kind, e.event_date, &r.limits, &r.calendar),
        flags,
        detail: whole.then_some(e),
        attachments: Vec::new(),
    }
}

/// The records in the reader's scope (cut for leaders, see the module).
pub async fn list(
    state: &AppState,
    p: &Principal,
    f: &EventFilter,
    paging: Option<Paging>,
) -> ApiResult<Page<EventView>> {
    let page = store::list(&state.db, &p.scope, f, paging).await?;
    let r = rules(state).await?;
    Ok(page.map_items(|e| view(p, e, &r)))
}

/// The whole record, for the person and the 纪检监察组; anyone else: 404.
pub async fn readable(state: &AppState, p: &Principal, id: i64) -> ApiResult<FamilyEvent> {
    let scope = if is_group(p) { p.scope.clone() } else { Scope::all() };
    let e = store::get(&state.db, &scope, id).await?;
    if may_read_whole(p, &e) {
        Ok(e)
    } else {
        Err(ApiError::NotFound)
    }
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<EventView> {
    let e = readable(state, p, id).await?;
    let mut v = view(p, e, &rules(state).await?);
    v.attachments = private_files::list(&state.db, FILES, id).await?;
    Ok(v)
}

fn flag_lines(flags: &[Flag]) -> Vec<String> {
    flags.iter().map(|f| format!("{} {}：{}", f.rule, f.title, f.message)).collect()
}

/// Files the report dated today; a record that breaks a rule as filed tells the group.
pub async fn create(state: &AppState, p: &Principal, f: &FamilyEventFields) -> ApiResult<i64> {
    let person = filer_for(state, p, f.person_id).await?;
    let d = f.validate()?;
    let today = office_today();
    let r = rules(state).await?;
    let facts = family::Facts {
        kind: d.kind,
        event_date: d.event_date,
        reported_on: today,
        joint: d.joint,
        planned: (d.planned_people, d.planned_tables, d.planned_cars),
        actual: None,
        client_gifts: false,
        gifts_handed_in_on: None,
    };
    let lines = flag_lines(&flags(&facts, &r.limits, &r.calendar, today));
    Ok(store::create(&state.db, &p.actor(), person, &d, today, &lines).await?)
}

/// The actual figures, by the person or the group; rules newly broken tell the group.
pub async fn report_actual(state: &AppState, p: &Principal, id: i64, f: &ActualFields) -> ApiResult<()> {
    let e = readable(state, p, id).await?;
    let today = office_today();
    let a = f.validate(e.event_date, today)?;
    let r = rules(state).await?;
    let before = flag_lines(&flags_of(&e, &r));
    let mut after = e.clone();
    after.actual_people = Some(a.actual_people);
    after.actual_tables = Some(a.actual_tables);
    after.actual_cars = Some(a.actual_cars);
    after.client_gifts = a.client_gifts;
    after.gifts_handed_in_on = a.gifts_handed_in_on;
    after.actual_reported_on = Some(today);
    let new: Vec<String> = flag_lines(&flags_of(&after, &r)).into_iter().filter(|l| !before.contains(l)).collect();
    Ok(store::report_actual(&state.db, &p.actor(), id, &a, today, &new).await?)
}

/// The day improper gifts were handed in, as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HandInFields {
    /// YYYY-MM-DD, not in the future
    pub handed_in_on: String,
}

/// Records the day gifts were handed in (after the actual figures said gifts were received).
pub async fn hand_in(state: &AppState, p: &Principal, id: i64, f: &HandInFields) -> ApiResult<()> {
    readable(state, p, id).await?;
    let mut e = qingfeng_domain::FieldErrors::default();
    let day =
        qingfeng_domain::text::check_past_date(&mut e, "handed_in_on", "上交日期", &f.handed_in_on, office_today());
    e.into_result()?;
    Ok(store::hand_in(&state.db, &p.actor(), id, day.expect("checked")).await?)
}

/// What a person owes of personal reports, for 我的待办: this year's annual 个人有关事项 report
/// (when they must report and have not), the actual figures of a 婚丧喜庆 held, and gifts from
/// 管理服务对象 not handed in.
pub async fn owed(
    state: &AppState,
    person_id: i64,
    today: chrono::NaiveDate,
) -> ApiResult<Vec<crate::features::home::service::TodoDeadline>> {
    use crate::features::home::service::TodoDeadline;
    use chrono::Datelike;
    use qingfeng_store::personal_reports as reports;
    let mut out = Vec::new();
    let year = i64::from(today.year());
    if reports::must_report(&state.db, person_id).await?
        && reports::annual_of(&state.db, person_id, year).await?.is_none()
    {
        let due = qingfeng_domain::personal::annual_due(today.year(), notify::annual_month_day(&state.db).await?);
        out.push(TodoDeadline {
            id: person_id,
            text: format!("报告 {year} 年度个人有关事项"),
            context: format!("应于 {due} 前报告（R-PER-1，领导干部报告个人有关事项规定）"),
            deadline: due,
            overdue: today > due,
            link: "/personal-reports/new?kind=annual".into(),
        });
    }
    let r = rules(state).await?;
    for e in store::actuals_owed(&state.db, Some(person_id), today - chrono::Duration::days(1)).await? {
        out.push(TodoDeadline {
            id: e.id,
            text: format!("报告{}（{}）的实际情况", e.kind_label, e.event_date),
            context: format!("{} 已操办，请报告实际规模和礼金礼品情况", e.event_date),
            deadline: e.event_date,
            overdue: false,
            link: format!("/family-events/{}", e.id),
        });
    }
    let all =
        store::list(&state.db, &Scope::all(), &EventFilter { person_id: Some(person_id), ..Default::default() }, None)
            .await?;
    for e in all.items.iter().filter(|e| e.client_gifts && e.gifts_handed_in_on.is_none()) {
        let due = family::gifts_due(e.event_date, &r.limits);
        out.push(TodoDeadline {
            id: e.id,
            text: format!("上交{}收受的管理服务对象礼金礼品", e.kind_label),
            context: format!("应于 {due} 前上交（R-FAM-4）"),
            deadline: due,
            overdue: today > due,
            link: format!("/family-events/{}", e.id),
        });
    }
    Ok(out)
}

/// What waits for the 纪检监察组, for its 我的待办: reports of this year in its scope that break
/// a rule, and 个人有关事项 reports not yet reviewed (one line with their count).
pub async fn to_review(
    state: &AppState,
    p: &Principal,
    today: chrono::NaiveDate,
) -> ApiResult<Vec<crate::features::home::service::TodoDeadline>> {
    use crate::features::home::service::TodoDeadline;
    use chrono::Datelike;
    use qingfeng_store::personal_reports::{self as reports, Reader, ReportFilter};
    let mut out = Vec::new();
    let pending = ReportFilter { review: Some("pending".into()), ..Default::default() };
    let page = reports::list(&state.db, Reader::Group(&p.scope), &pending, Some(Paging::new(Some(1), Some(1)))).await?;
    if let Some(first) = page.items.first() {
        out.push(TodoDeadline {
            id: first.id,
            text: format!("核查个人有关事项报告（{} 份待核查）", page.total),
            context: "逐份核查是否如实，不如实的写明情况".into(),
            deadline: first.reported_on,
            overdue: false,
            link: "/personal-reports?review=pending".into(),
        });
    }
    let r = rules(state).await?;
    let year = EventFilter { year: Some(i64::from(today.year())), ..Default::default() };
    for e in store::list(&state.db, &p.scope, &year, None).await?.items {
        let flags = flags_of(&e, &r);
        if let Some(first) = flags.first() {
            let mut rules: Vec<String> = flags.iter().map(|f| format!("{} {}", f.rule, f.title)).collect();
            rules.dedup();
            out.push(TodoDeadline {
                id: e.id,
                text: format!("{}的{}有提示：{}", e.person_name, e.kind_label, first.title),
                context: format!("操办日期 {}；{}", e.event_date, rules.join("；")),
                deadline: e.event_date,
                overdue: false,
                link: format!("/family-events/{}", e.id),
            });
        }
    }
    Ok(out)
}
