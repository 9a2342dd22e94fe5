//! Targeted topics (谈话要有针对性): what the system already knows about a person, offered as
//! topics when a talk with them is planned. Each suggestion names where it comes from: the
//! risk points of their post (廉政风险防控台账), their open findings and overdue rectification
//! measures, the red responsibility items of their unit, a new post (任前), a 婚丧喜庆 report
//! near today. Read in the reader's
//! scope: a suggestion never shows what the reader could not open.

use chrono::Datelike;
use qingfeng_domain::findings::FindingState;
use qingfeng_domain::fulfilment::State as FState;
use qingfeng_domain::risk::{RiskLevel, RiskState};
use qingfeng_domain::time::office_today;
use qingfeng_store::findings::{self, FindingFilter, MeasureFilter};
use qingfeng_store::fulfilment::{ensure_snapshot, flagged_items};
use qingfeng_store::org::people::{self, Person};
use qingfeng_store::risk::{self, RiskFilter, RiskPoint};
use qingfeng_store::{talks as store, Paging, StoreError};
use serde::Serialize;

use crate::auth::Principal;
use crate::features::fulfilment::service::lead_days;
use crate::features::notifications::wording::short;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// At most this many suggestions of one source.
const PER_SOURCE: usize = 5;

/// One suggested topic and where it comes from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// `risk` (廉政风险点), `finding` (问题清单), `measure` (逾期整改措施), `item` (滞后责任事项),
    /// `new_post` (新任职), `family_event` (婚丧喜庆) or `personal_report` (个人有关事项)
    pub source: &'static str,
    pub source_label: &'static str,
    /// the topic, as it goes into the talk's 谈话主题
    pub topic: String,
    /// where it comes from, in words
    pub detail: String,
    /// the record it comes from
    pub link: String,
}

/// The suggestions for a talk with one person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    pub person_id: i64,
    pub person_name: String,
    pub unit_name: String,
    pub items: Vec<Suggestion>,
}

/// The suggestions for a talk with `person_id`, who must be in the reader's scope.
pub async fn suggestions(state: &AppState, p: &Principal, person_id: i64) -> ApiResult<Suggestions> {
    let person = match people::get(&state.db, &p.scope, person_id).await {
        Err(StoreError::NotFound) => {
            return Err(ApiError::bad_request(
                format!("谈话对象（编号 {person_id}）不存在或不在您的数据范围内"),
                Some("person"),
            ));
        }
        other => other?,
    };
    let mut items = new_post(state, &person).await?;
    items.extend(risk_points(state, p, &person).await?);
    items.extend(open_findings(state, p, &person).await?);
    items.extend(red_items(state, p, &person).await?);
    items.extend(family_events(state, p, &person).await?);
    items.extend(personal_reports(state, p, &person).await?);
    Ok(Suggestions { person_id: person.id, person_name: person.name, unit_name: person.unit_name, items })
}

async fn new_post(state: &AppState, person: &Person) -> ApiResult<Vec<Suggestion>> {
    let due = store::pre_appointment_due(&state.db, office_today(), Some(person.id)).await?;
    Ok(due
        .into_iter()
        .map(|c| Suggestion {
            source: "new_post",
            source_label: "新任职（任前）",
            topic: format!("任前廉政谈话：{}岗位的廉政风险和纪律要求", c.post()),
            detail: format!("人员信息记录 {} 起任{}，尚未登记任前廉政谈话", c.changed_on(), c.post()),
            link: format!("/org/people/{}", person.id),
        })
        .collect())
}

/// How a point concerns a person (`person`, in `unit`): named in it, or of their unit. None:
/// not at all.
pub fn concern(point: &RiskPoint, person: i64, unit: i64) -> Option<(u8, &'static str)> {
    if point.measures.iter().any(|m| m.person_id == person) {
        Some((0, "本人是防控措施责任人"))
    } else if point.head_id == Some(person) {
        Some((0, "本人是部门负责人"))
    } else if point.leader_id == Some(person) {
        Some((0, "本人是责任领导"))
    } else if point.unit_id == unit {
        Some((1, "本人所在单位的岗位风险"))
    } else {
        None
    }
}

/// The register the reader may see: the accepted points of this year, or of last year while
/// this year's has none accepted.
pub async fn register(state: &AppState, p: &Principal) -> ApiResult<Vec<RiskPoint>> {
    let today = office_today();
    for year in [today.year(), today.year() - 1] {
        let f = RiskFilter { year: Some(year), state: Some(RiskState::Accepted), ..Default::default() };
        let all = risk::list(&state.db, &p.scope, &f, None, today).await?.items;
        if !all.is_empty() {
            return Ok(all);
        }
    }
    Ok(Vec::new())
}

/// The points of the register that concern a person (the risk points of their post): those
/// naming them, then those of their unit, high ones first.
pub fn points_of(register: &[RiskPoint], person: i64, unit: i64) -> Vec<&RiskPoint> {
    let mut mine: Vec<(u8, u8, &RiskPoint)> = register
        .iter()
        .filter_map(|r| {
            let (rank, _) = concern(r, person, unit)?;
            let level = match r.level() {
                Some(RiskLevel::High) => 0,
                Some(RiskLevel::Medium) => 1,
                _ => 2,
            };
            Some((rank, level, r))
        })
        .collect();
    mine.sort_by_key(|(rank, level, r)| (*rank, *level, r.id));
    mine.into_iter().map(|(_, _, r)| r).collect()
}

async fn risk_points(state: &AppState, p: &Principal, person: &Person) -> ApiResult<Vec<Suggestion>> {
    let register = register(state, p).await?;
    Ok(points_of(&register, person.id, person.unit_id)
        .into_iter()
        .take(PER_SOURCE)
        .map(|r| {
            let why = concern(r, person.id, person.unit_id).map_or("", |c| c.1);
            let occurred = if r.occurred() { "，近 12 个月已发生问题" } else { "" };
            let post = if r.post.is_empty() { String::new() } else { format!("·{}", r.post) };
            Suggestion {
                source: "risk",
                source_label: "廉政风险点",
                topic: format!("{}风险：{}", short(&r.post, 12), short(&r.point, 40)),
                detail: format!(
                    "{} 年度廉政风险防控台账：{}{post}，{}风险（{why}{occurred}）",
                    r.year, r.unit_name, r.level_label
                ),
                link: format!("/risk/{}", r.id),
            }
        })
        .collect())
}

async fn open_findings(state: &AppState, p: &Principal, person: &Person) -> ApiResult<Vec<Suggestion>> {
    let today = office_today();
    let mut out = Vec::new();
    let states = [FindingState::FedBack, FindingState::Rectifying, FindingState::SignOffRequested];
    for s in states {
        let f = FindingFilter { person_id: Some(person.id), state: Some(s), ..Default::default() };
        let page =
            findings::list(&state.db, &p.scope, &f, Some(Paging::new(None, Some(PER_SOURCE as i64))), today).await?;
        out.extend(page.items.into_iter().map(|f| Suggestion {
            source: "finding",
            source_label: "未销号问题",
            topic: format!("问题整改：{}", short(&f.description, 40)),
            detail: format!("问题清单 #{}（{}，{}），本人负责整改", f.id, f.state_label, f.unit_name),
            link: format!("/findings/{}", f.id),
        }));
    }
    out.truncate(PER_SOURCE);
    let f = MeasureFilter { person_id: Some(person.id), overdue: true, ..Default::default() };
    let measures = findings::list_measures(&state.db, &p.scope, &f, None, today).await?;
    out.extend(measures.items.into_iter().take(PER_SOURCE).map(|m| Suggestion {
        source: "measure",
        source_label: "逾期整改措施",
        topic: format!("逾期整改：{}", short(&m.text, 40)),
        detail: format!(
            "问题清单 #{} 的整改措施，期限 {} 已过未完成（问题：{}）",
            m.finding_id,
            m.deadline,
            short(&m.finding_description, 30)
        ),
        link: format!("/findings/{}", m.finding_id),
    }));
    Ok(out)
}

/// Red items read to find the unit's and the person's own among them.
const RED_READ: i64 = 200;

/// Red (滞后) items of the person's unit on the dashboard: the unit's own (not another
/// person's) and the person's.
async fn red_items(state: &AppState, p: &Principal, person: &Person) -> ApiResult<Vec<Suggestion>> {
    let today = office_today();
    let snapshot = ensure_snapshot(&state.db, i64::from(today.year()), today, lead_days(state).await?).await?;
    let (_, red) =
        flagged_items(&state.db, &snapshot, &p.scope, Some(&person.unit_path), FState::Overdue.key(), RED_READ, 0)
            .await?;
    Ok(red
        .into_iter()
        .filter(|i| i.person_id.is_none_or(|x| x == person.id))
        .take(PER_SOURCE)
        .map(|i| {
            let owner = match &i.person_name {
                Some(n) => format!("{}{n}", i.unit_name),
                None => i.unit_name.clone(),
            };
            Suggestion {
                source: "item",
                source_label: "滞后责任事项",
                topic: format!("责任落实：{}", short(&i.text, 40)),
                detail: format!("工作台红色事项：{owner}，已完成 {}/{}", i.done, i.required),
                link: format!("/responsibility/items/{}", i.item_id),
            }
        })
        .collect())
}

/// A 婚丧喜庆 event within [`FAMILY_DAYS`] days either side of today is worth a reminder talk.
const FAMILY_DAYS: i64 = 90;

/// The person's 婚丧喜庆 reports of the last or next [`FAMILY_DAYS`] days the reader may see:
/// only the kind and the day are named (the report's details stay with the person and the group).
async fn family_events(state: &AppState, p: &Principal, person: &Person) -> ApiResult<Vec<Suggestion>> {
    use qingfeng_store::family_events::{self as events, EventFilter};
    let today = office_today();
    let f = EventFilter { person_id: Some(person.id), ..Default::default() };
    let all = events::list(&state.db, &p.scope, &f, Some(Paging::new(None, Some(20)))).await?.items;
    Ok(all
        .into_iter()
        .filter(|e| (e.event_date - today).num_days().abs() <= FAMILY_DAYS)
        .take(PER_SOURCE)
        .map(|e| Suggestion {
            source: "family_event",
            source_label: "婚丧喜庆",
            topic: format!("婚丧喜庆事宜：{}从简操办、不收受管理服务对象礼金", e.kind_label),
            detail: format!("婚丧喜庆报告：{}，{}（{} 报告）", e.kind_label, e.event_date, e.reported_on),
            link: format!("/family-events/{}", e.id),
        })
        .collect())
}

/// The person's 个人有关事项 reports the reader may open (so only for the 纪检组: others read
/// their own alone): a life event of the last or next [`FAMILY_DAYS`] days, or a report the
/// 纪检组 found 不如实. Only the kind of event and the day are named.
async fn personal_reports(state: &AppState, p: &Principal, person: &Person) -> ApiResult<Vec<Suggestion>> {
    use crate::features::personal_reports::service::reader;
    use qingfeng_store::personal_reports::{self as reports, ReportFilter};
    let today = office_today();
    let f = ReportFilter { person_id: Some(person.id), ..Default::default() };
    let all = reports::list(&state.db, reader(p), &f, Some(Paging::new(None, Some(20)))).await?.items;
    let recent = |d: Option<chrono::NaiveDate>| d.is_some_and(|d| (d - today).num_days().abs() <= FAMILY_DAYS);
    Ok(all
        .into_iter()
        .filter(|r| r.review == "untruthful" || recent(r.event_date))
        .take(PER_SOURCE)
        .map(|r| {
            let (topic, detail) = if r.review == "untruthful" {
                ("如实报告个人有关事项".to_string(), format!("{} 年{}经核查不如实", r.year, r.kind_label))
            } else {
                let day = r.event_date.map(|d| d.to_string()).unwrap_or_default();
                (
                    format!("个人有关事项变化（{}）：及时如实报告", r.event_kind_label),
                    format!("个人有关事项报告：{}，{day}（{} 报告）", r.event_kind_label, r.reported_on),
                )
            };
            let link = format!("/personal-reports/{}", r.id);
            Suggestion { source: "personal_report", source_label: "个人有关事项", topic, detail, link }
        })
        .collect())
}
