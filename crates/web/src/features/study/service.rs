//! 学习教育与警示教育: the operations the API and the pages share. A session is recorded by
//! someone whose scope covers its unit or party branch, and its attendance names only the
//! people of that branch (its members on the day) or unit (its people and those below it).

use chrono::{Datelike, Months, NaiveDate};
use qingfeng_domain::responsibility::{EntryKind, MeetingType};
use qingfeng_domain::study::{
    slots, AbsenceReason, AttendanceStatus, MakeupFields, SessionFields, Slot, CALENDAR_RULES, YOUTH_MAX_AGE_DEFAULT,
    YOUTH_MAX_AGE_SETTING,
};
use qingfeng_domain::time::office_today;
use qingfeng_store::org::{branches, people, units, Unit};
use qingfeng_store::study::{
    self as store, Attendee, PersonFigures, PersonSession, Session, SessionFilter, YoungCadre,
};
use qingfeng_store::{Scope, StoreError};
use serde::Serialize;

use crate::auth::Principal;
use crate::features::ledger::service::person_visible;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`session_filter`] reads.
pub const SESSION_FILTERS: &[&str] = &["year", "unit", "kind", "person"];

pub fn session_filter(params: &Params) -> ApiResult<SessionFilter> {
    let kind = params.str("kind").filter(|k| !k.is_empty());
    if let Some(k) = &kind {
        if EntryKind::from_key(k).is_none() {
            return Err(StoreError::field("kind", format!("未知的学习类型：{k}")).into());
        }
    }
    Ok(SessionFilter {
        year: params.int("year")?,
        unit_id: params.int("unit")?,
        kind,
        person_id: params.int("person")?,
    })
}

/// The year a page or figure is about: `year` or the current one.
pub fn year_of(params: &Params) -> ApiResult<i64> {
    let y = params.int("year")?.unwrap_or_else(|| i64::from(office_today().year()));
    if !(2000..=2100).contains(&y) {
        return Err(StoreError::field("year", "年度应在 2000 至 2100 之间").into());
    }
    Ok(y)
}

/// A person who may be on a session's attendance list.
#[derive(Debug, Clone, Serialize)]
pub struct RollPerson {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub title: String,
}

/// The unit a session belongs to, when the writer's scope covers it.
pub async fn session_unit(state: &AppState, p: &Principal, unit_id: Option<i64>) -> ApiResult<Unit> {
    let Some(id) = unit_id else {
        return Err(StoreError::field("unit_id", "所属单位或党支部不能为空").into());
    };
    let unit = match units::get(&state.db, id).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => {
            return Err(StoreError::field("unit_id", format!("所属单位（编号 {id}）不存在")).into())
        }
        Err(e) => return Err(e.into()),
    };
    if !p.scope.covers_unit(unit.id, &unit.path) {
        return Err(StoreError::field("unit_id", "所属单位或党支部不在您的数据范围内").into());
    }
    Ok(unit)
}

/// Who may attend a session of `unit` on `on`: a branch's members that day, else the people
/// of the unit and the units below it.
pub async fn roll(state: &AppState, unit: &Unit, on: NaiveDate) -> ApiResult<Vec<RollPerson>> {
    if unit.kind == "branch" {
        let members = branches::members_on(&state.db, unit.id, on).await?;
        return Ok(members
            .into_iter()
            .map(|m| RollPerson { id: m.person_id, name: m.name, unit_name: m.unit_name, title: m.title })
            .collect());
    }
    let f = people::PersonFilter {
        unit_id: Some(unit.id),
        include_sub: true,
        status: Some("active".into()),
        ..Default::default()
    };
    let list = people::list_all(&state.db, &Scope::all(), &f).await?;
    Ok(list
        .into_iter()
        .map(|x| RollPerson { id: x.id, name: x.name, unit_name: x.unit_name, title: x.title })
        .collect())
}

/// Validates and records a session; answers its id.
pub async fn create(state: &AppState, p: &Principal, f: &SessionFields) -> ApiResult<i64> {
    let d = f.validate(office_today())?;
    let unit = session_unit(state, p, f.unit_id).await?;
    let roll = roll(state, &unit, d.entry.date).await?;
    let whose = if unit.kind == "branch" { "本支部党员" } else { "本单位人员" };
    for (i, r) in d.rows.iter().enumerate() {
        if !roll.iter().any(|x| x.id == r.person_id) {
            return Err(StoreError::field(
                "attendance",
                format!(
                    "第 {} 行：人员（编号 {}）不是{}（{}，{}）",
                    i + 1,
                    r.person_id,
                    whose,
                    unit.name,
                    d.entry.date
                ),
            )
            .into());
        }
    }
    if let Some(o) = d.organiser_id {
        if !person_visible(state, p, o).await? {
            return Err(
                StoreError::field("organiser_id", format!("组织者（编号 {o}）不存在或不在您的数据范围内")).into()
            );
        }
    }
    let branch = (unit.kind == "branch").then_some(unit.id);
    Ok(store::create(&state.db, &p.actor(), &d, branch).await?)
}

/// The correction an attendance import makes: the session's current entry and its new
/// version, whose participants are the present (the imported rows over the recorded ones).
pub async fn attendance_correction(
    state: &AppState,
    p: &Principal,
    s: &Session,
    rows: &[qingfeng_domain::study::AttendanceRow],
) -> ApiResult<(qingfeng_store::ledger::Entry, qingfeng_domain::ledger::EntryDraft)> {
    use qingfeng_store::ledger;
    if !may_record(p, s) {
        return Err(ApiError::Forbidden("只有数据范围覆盖本单位或本支部的人员可以登记出席情况".into()));
    }
    let current = ledger::get(&state.db, &p.scope, s.id).await?;
    let before = store::attendance(&state.db, s.id).await?;
    let mut present: Vec<i64> = before
        .iter()
        .filter(|a| a.status == AttendanceStatus::Present.key() && !rows.iter().any(|r| r.person_id == a.person_id))
        .map(|a| a.person_id)
        .collect();
    present.extend(rows.iter().filter(|r| r.status == AttendanceStatus::Present).map(|r| r.person_id));
    let fields = qingfeng_domain::ledger::EntryFields {
        kind: current.kind.clone(),
        meeting_type: current.meeting_type.clone(),
        date: current.entry_date.to_string(),
        place: current.place.clone(),
        content: current.content.clone(),
        unit_id: Some(current.unit_id),
        participants: present,
        items: ledger::linked_items(&state.db, s.id).await?,
        tasks: vec![],
        cases: ledger::cases(&state.db, s.id).await?.into_iter().map(|c| c.id).collect(),
        reason: "按签到表导入出席情况".into(),
    };
    let entry = crate::features::ledger::service::validate(state, p, &fields, Some(&current)).await?;
    Ok((current, entry))
}

/// Whether the reader may record for the session (a make-up): their scope covers its unit.
pub fn may_record(p: &Principal, s: &Session) -> bool {
    p.can(qingfeng_domain::access::Permission::LedgerWrite) && p.scope.covers_unit(s.unit_id, &s.unit_path)
}

/// Records a make-up study for an absentee of session `id`.
pub async fn add_makeup(state: &AppState, p: &Principal, id: i64, f: &MakeupFields) -> ApiResult<i64> {
    let s = store::get(&state.db, &p.scope, id).await?;
    if !may_record(p, &s) {
        return Err(ApiError::Forbidden("只有数据范围覆盖本单位或本支部的人员可以登记补学".into()));
    }
    let d = f.validate(s.entry_date, office_today())?;
    Ok(store::add_makeup(&state.db, &p.actor(), id, &d).await?)
}

/// A session with the attendance rows the reader may see.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionDetail {
    pub session: Session,
    pub attendance: Vec<Attendee>,
    /// rows of people outside the reader's scope, counted and not shown
    pub hidden: i64,
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<SessionDetail> {
    let session = store::get(&state.db, &p.scope, id).await?;
    let all = store::attendance(&state.db, id).await?;
    let whole = p.scope.covers_unit(session.unit_id, &session.unit_path);
    let total = all.len() as i64;
    let attendance: Vec<Attendee> = all
        .into_iter()
        .filter(|a| whole || p.person_id == Some(a.person_id) || p.scope.covers_unit(a.unit_id, &a.unit_path))
        .collect();
    Ok(SessionDetail { hidden: total - attendance.len() as i64, session, attendance })
}

/// A person's year: figures and sessions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonYear {
    pub year: i64,
    pub figures: PersonFigures,
    pub sessions: Vec<PersonSession>,
}

pub async fn person_year(state: &AppState, p: &Principal, person_id: i64, year: i64) -> ApiResult<PersonYear> {
    let person = people::get(&state.db, &p.scope, person_id).await?;
    let figures = store::figures(&state.db, &p.scope, year, None, Some(&[person.id])).await?;
    let figures = figures.into_iter().next().ok_or(StoreError::NotFound)?;
    Ok(PersonYear { year, figures, sessions: store::person_sessions(&state.db, person.id, year).await? })
}

/// One rule of a branch's calendar.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarRow {
    pub code: String,
    pub label: String,
    pub text: String,
    /// "每季度至少1次"
    pub requirement: String,
    /// the regulation and article
    pub source: String,
    pub slots: Vec<Slot>,
}

/// R-BR-1…4 and R-BR-6 of a branch for a year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BranchCalendar {
    pub branch_id: i64,
    pub branch_name: String,
    pub year: i64,
    pub rows: Vec<CalendarRow>,
}

pub async fn calendar(state: &AppState, p: &Principal, branch_id: i64, year: i64) -> ApiResult<BranchCalendar> {
    let branch = branches::get(&state.db, &p.scope, branch_id).await?;
    let counts = store::calendar_counts(&state.db, branch.id, year as i32).await?;
    let today = office_today();
    let rows = CALENDAR_RULES
        .iter()
        .map(|r| {
            let t = r.template();
            let mut monthly = [0i64; 12];
            for (code, month, n) in counts.iter().filter(|c| c.0 == r.code) {
                let _ = code;
                if let Some(slot) = monthly.get_mut((*month - 1).clamp(0, 11) as usize) {
                    *slot += n;
                }
            }
            CalendarRow {
                code: r.code.to_string(),
                label: r.label.to_string(),
                text: t.text.to_string(),
                requirement: t.requirement.label(),
                source: t.source.to_string(),
                slots: slots(t.requirement.per, t.requirement.count, year as i32, &monthly, today),
            }
        })
        .collect();
    Ok(BranchCalendar { branch_id: branch.id, branch_name: branch.name, year, rows })
}

/// A young cadre with the gaps the view puts first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YoungRow {
    #[serde(flatten)]
    pub cadre: YoungCadre,
    pub age: i32,
    /// what is missing, in words (没有谈话记录, 缺席未补学 N 次 …)
    pub gaps: Vec<String>,
    /// the risk points of the person's post (this year's register, or last year's)
    pub risk_points: Vec<PostRisk>,
}

/// A risk point of a young cadre's post.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostRisk {
    pub id: i64,
    pub post: String,
    pub point: String,
    /// high, medium, low
    pub level: String,
    pub level_label: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YouthView {
    pub year: i64,
    pub max_age: i64,
    pub rows: Vec<YoungRow>,
}

fn gaps_of(c: &YoungCadre) -> Vec<String> {
    let mut g = Vec::new();
    if c.talks == 0 {
        g.push("本年度没有谈心谈话记录".to_string());
    }
    if c.warning_attended == 0 {
        g.push("本年度未参加警示教育".to_string());
    }
    if c.missed > c.made_up {
        g.push(format!("缺席未补学 {} 次", c.missed - c.made_up));
    }
    if c.open_findings > 0 {
        g.push(format!("负责的问题未销号 {} 个", c.open_findings));
    }
    g
}

/// The young cadres in the reader's scope (younger than the `youth.max_age` setting), the ones
/// with gaps first (most gaps first), then in unit order.
pub async fn youth(state: &AppState, p: &Principal, year: i64) -> ApiResult<YouthView> {
    let max_age = qingfeng_store::settings::number(&state.db, YOUTH_MAX_AGE_SETTING, YOUTH_MAX_AGE_DEFAULT).await?;
    let today = office_today();
    let born_after = today.checked_sub_months(Months::new((max_age * 12) as u32)).unwrap_or(today);
    let list = store::young_cadres(&state.db, &p.scope, year, born_after).await?;
    let register = crate::features::talks::suggest::register(state, p).await?;
    let mut rows: Vec<YoungRow> = list
        .into_iter()
        .map(|c| YoungRow {
            age: qingfeng_domain::study::age_on(c.birth_date, today),
            gaps: gaps_of(&c),
            risk_points: crate::features::talks::suggest::points_of(&register, c.person_id, c.unit_id)
                .into_iter()
                .map(|r| PostRisk {
                    id: r.id,
                    post: r.post.clone(),
                    point: r.point.clone(),
                    level: r.level.clone(),
                    level_label: r.level_label.clone(),
                })
                .collect(),
            cadre: c,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.gaps.len()));
    Ok(YouthView { year, max_age, rows })
}

/// The label of a session's kind, with the meeting type for a meeting ("会议研究·支委会").
pub fn kind_label(kind: &str, meeting_type: &str) -> String {
    match (MeetingType::from_key(meeting_type), EntryKind::from_key(kind)) {
        (Some(t), _) => t.label().to_string(),
        (None, Some(k)) => k.label().to_string(),
        (None, None) => kind.to_string(),
    }
}

pub fn status_label(status: &str, reason: &str) -> String {
    match AttendanceStatus::from_key(status) {
        Some(AttendanceStatus::Absent) => {
            format!("缺席（{}）", AbsenceReason::from_key(reason).map_or("未说明", AbsenceReason::label))
        }
        Some(s) => s.label().to_string(),
        None => status.to_string(),
    }
}
