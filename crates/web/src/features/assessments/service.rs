//! 考核: who sees what, the checks on every write, and the views both the API and the pages
//! read. Scoring itself is `qingfeng_domain::assessment` (pure); counting is the store's.
//!
//! Who sees what:
//! - assessors (考核人员: `assessment:manage`) and the 纪检监察组 (`assessment:read` with the
//!   全部 scope) see every round, drafts included;
//! - leaders (`assessment:read` in their scope: a 主要负责人 their unit and below, a 分管领导
//!   the units in charge) see published rounds only, with the results of the units in their
//!   scope and their own result; a result outside the scope answers 404;
//! - a 一般干部 does not hold `assessment:read` and sees no assessment (the menu has no entry,
//!   the pages answer 403).
//!
//! No activity ranking: nothing here counts logins, online time or uploads (减负 rules, 2024).

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::access::Permission;
use qingfeng_domain::assessment::{
    check_adjustment, parse_business_score, points, AdjustmentFields, Indicator, Line, Rules,
};
use qingfeng_domain::time::office_today;
use qingfeng_store::assessments::{self as store, Adjustment, BusinessScore, RecordRef, ResultRow, Round};
use qingfeng_store::org::people;
use qingfeng_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::features::org::service::unit_in_scope;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// Whether the caller sees draft rounds.
pub fn sees_drafts(p: &Principal) -> bool {
    p.can(Permission::AssessmentManage) || (p.can(Permission::AssessmentRead) && p.scope.all)
}

/// Computing and publishing cover the whole office: only an assessor with the 全部 scope.
fn require_office(p: &Principal) -> ApiResult<()> {
    if p.can(Permission::AssessmentManage) && p.scope.all {
        Ok(())
    } else {
        Err(ApiError::Forbidden("组织考核（计算、发布）须具有全部数据范围".into()))
    }
}

pub async fn rounds(state: &AppState, p: &Principal) -> ApiResult<Vec<Round>> {
    Ok(store::rounds(&state.db, sees_drafts(p)).await?)
}

pub async fn round(state: &AppState, p: &Principal, id: i64) -> ApiResult<Round> {
    Ok(store::round(&state.db, id, sees_drafts(p)).await?)
}

/// A new round as entered: the year, and a title (default "YYYY 年度党风廉政建设考核").
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoundFields {
    pub year: Option<i64>,
    #[serde(default)]
    pub title: String,
}

pub async fn create(state: &AppState, p: &Principal, f: &RoundFields) -> ApiResult<i64> {
    require_office(p)?;
    let this = i64::from(office_today().year());
    let year = match f.year {
        Some(y) if (2000..=this + 1).contains(&y) => y as i32,
        Some(y) => {
            return Err(
                StoreError::field("year", format!("考核年度应为 2000 至 {} 之间，“{y}”不在其中", this + 1)).into()
            )
        }
        None => return Err(StoreError::field("year", "请填写考核年度").into()),
    };
    let title = f.title.trim();
    if title.chars().count() > 100 {
        return Err(StoreError::field("title", "考核名称不能超过 100 个字").into());
    }
    let title = if title.is_empty() { format!("{year} 年度党风廉政建设考核") } else { title.to_string() };
    Ok(store::create_round(&state.db, &p.actor(), year, &title).await?)
}

/// The day a computation counts up to: today, or the year's last day for a past year.
fn as_of(year: i64) -> NaiveDate {
    let end = NaiveDate::from_ymd_opt(year as i32, 12, 31).unwrap_or_default();
    office_today().min(end)
}

pub async fn compute(state: &AppState, p: &Principal, id: i64) -> ApiResult<usize> {
    require_office(p)?;
    let r = round(state, p, id).await?;
    let rules = store::rules(&state.db).await?;
    Ok(store::compute(&state.db, &p.actor(), id, &rules, as_of(r.year)).await?)
}

pub async fn publish(state: &AppState, p: &Principal, id: i64) -> ApiResult<()> {
    require_office(p)?;
    round(state, p, id).await?;
    store::publish(&state.db, &p.actor(), id).await?;
    Ok(())
}

/// Records an adjustment; the unit (and the leader) must be in the assessor's scope.
pub async fn adjust(state: &AppState, p: &Principal, id: i64, f: &AdjustmentFields) -> ApiResult<i64> {
    let r = round(state, p, id).await?;
    let rules = store::rules(&state.db).await?;
    let (pts, reason) = check_adjustment(f, rules.adjust_max)?;
    let unit_id = match (f.person_id, f.unit_id) {
        (Some(pid), _) => {
            let person = people::get(&state.db, &p.scope, pid).await.map_err(|_| {
                ApiError::from(StoreError::field(
                    "person_id",
                    format!("班子成员（编号 {pid}）不存在或不在您的数据范围内"),
                ))
            })?;
            person.unit_id
        }
        (None, Some(u)) => match unit_in_scope(state, p, u).await {
            Ok(u) => u.id,
            Err(ApiError::NotFound) => {
                return Err(StoreError::field("unit_id", format!("单位（编号 {u}）不存在或不在您的数据范围内")).into())
            }
            Err(e) => return Err(e),
        },
        (None, None) => return Err(StoreError::field("unit_id", "请选择加减分的单位或班子成员").into()),
    };
    Ok(store::adjust(&state.db, &p.actor(), r.id, unit_id, f.person_id, pts, &reason).await?)
}

/// A link from a number to the list of the records it counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Drill {
    pub label: String,
    pub href: String,
}

/// One indicator line with its score in words and where its numbers come from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineView {
    #[serde(flatten)]
    pub line: Line,
    pub score_text: String,
    pub links: Vec<Drill>,
    pub records: Vec<RecordRef>,
}

/// A result with its scores in words and its breakdown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultView {
    #[serde(flatten)]
    pub row: ResultRow,
    pub total_text: String,
    /// the indicators' sum before adjustments
    pub base_text: String,
    pub adjustment_text: String,
    pub business_text: String,
    pub lines: Vec<LineView>,
    /// the page of this result
    pub href: String,
}

fn drill(label: &str, href: String) -> Drill {
    Drill { label: label.to_string(), href }
}

/// The list pages behind an indicator of a unit's or a leader's result.
fn links(year: i64, row: &ResultRow, i: Indicator) -> Vec<Drill> {
    let span = format!("from={year}-01-01&to={year}-12-31");
    let (findings, items, meetings) = match row.person_id {
        Some(pid) => {
            (format!("/findings?person={pid}&{span}"), format!("/responsibility/items?year={year}&person={pid}"), None)
        }
        None => {
            let u = row.unit_id;
            (
                format!("/findings?unit={u}&include_sub=false&{span}"),
                format!("/responsibility/items?year={year}&unit={u}&include_sub=false"),
                Some(format!("/decisions?year={year}&unit={u}&include_sub=false")),
            )
        }
    };
    match i {
        Indicator::Fulfilment => vec![drill("责任事项", items)],
        Indicator::Tasks => vec![],
        Indicator::Rectification => {
            vec![drill("本年度问题", findings.clone()), drill("已验收销号", format!("{findings}&state=signed_off"))]
        }
        Indicator::Overdue => vec![drill("整改逾期的问题", format!("{findings}&overdue=true"))],
        Indicator::Severity => ["general", "serious", "grave"]
            .iter()
            .zip(["一般", "较重", "严重"])
            .map(|(k, l)| drill(l, format!("{findings}&severity={k}")))
            .collect(),
        Indicator::Decisions => match meetings {
            Some(m) => vec![drill("决策会议", m.clone()), drill("检查未通过", format!("{m}&failed=true"))],
            None => vec![],
        },
    }
}

pub fn score_text(h: Option<i64>) -> String {
    h.map_or_else(|| "—".into(), points)
}

pub fn view(round: &Round, row: ResultRow) -> ResultView {
    let lines = row
        .breakdown
        .as_ref()
        .map(|b| {
            b.lines
                .iter()
                .map(|l| {
                    let ind = Indicator::from_key(&l.indicator).unwrap_or(Indicator::Fulfilment);
                    LineView {
                        score_text: points(l.score),
                        links: links(round.year, &row, ind),
                        records: row.records.iter().filter(|r| r.indicator == l.indicator).cloned().collect(),
                        line: l.clone(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let href = match row.person_id {
        Some(pid) => format!("/assessments/{}/leaders/{pid}", round.id),
        None => format!("/assessments/{}/units/{}", round.id, row.unit_id),
    };
    ResultView {
        total_text: points(row.total_score),
        base_text: points(row.base_score),
        adjustment_text: if row.adjustment == 0 { "—".into() } else { points(row.adjustment) },
        business_text: score_text(row.business_score),
        lines,
        href,
        row,
    }
}

/// A round with the results the caller may read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoundDetail {
    #[serde(flatten)]
    pub round: Round,
    pub units: Vec<ResultView>,
    pub leaders: Vec<ResultView>,
    /// the weights and rules in force (a draft is computed with them)
    pub rules: Rules,
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<RoundDetail> {
    let round = round(state, p, id).await?;
    let rows = store::results(&state.db, &p.scope, &round).await?;
    let (mut units, mut leaders) = (Vec::new(), Vec::new());
    for row in rows {
        if row.is_leader() {
            leaders.push(view(&round, row));
        } else {
            units.push(view(&round, row));
        }
    }
    Ok(RoundDetail { rules: store::rules(&state.db).await?, round, units, leaders })
}

/// One result with its adjustments.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultDetail {
    pub round: Round,
    pub result: ResultView,
    pub adjustments: Vec<Adjustment>,
}

pub async fn result(
    state: &AppState,
    p: &Principal,
    id: i64,
    unit_id: Option<i64>,
    person_id: Option<i64>,
) -> ApiResult<ResultDetail> {
    let round = round(state, p, id).await?;
    let row = store::result(&state.db, &p.scope, &round, unit_id, person_id).await?;
    let adjustments = store::adjustments(&state.db, id, row.unit_id, row.person_id).await?;
    Ok(ResultDetail { result: view(&round, row), round, adjustments })
}

/// The year of a business-score request (this year when not given).
pub fn year_param(params: &Params) -> ApiResult<i32> {
    match params.int("year")? {
        None => Ok(office_today().year()),
        Some(y) if (2000..=2100).contains(&y) => Ok(y as i32),
        Some(_) => Err(ApiError::bad_request("参数 year 应为 2000 至 2100 之间的年份", Some("year"))),
    }
}

pub async fn business_scores(state: &AppState, p: &Principal, year: i32) -> ApiResult<Vec<BusinessScore>> {
    Ok(store::business_scores(&state.db, &p.scope, year).await?)
}

/// A business score as entered by hand.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BusinessFields {
    pub year: Option<i64>,
    pub unit_id: Option<i64>,
    /// 0–100, two decimals at most
    #[serde(default)]
    pub score: String,
    #[serde(default)]
    pub note: String,
}

/// Checks one business score: the year, the unit (assessed, in the writer's scope), the score
/// and the note. Answers (year, unit, hundredths, note).
pub async fn check_business(state: &AppState, p: &Principal, f: &BusinessFields) -> ApiResult<(i32, i64, i64, String)> {
    let mut e = qingfeng_domain::FieldErrors::default();
    let year = match f.year {
        Some(y) if (2000..=2100).contains(&y) => y as i32,
        _ => {
            e.push("year", "年度应为 2000 至 2100 之间的年份");
            0
        }
    };
    let unit = match f.unit_id {
        None => {
            e.push("unit_id", "请选择单位");
            0
        }
        Some(u) => match unit_in_scope(state, p, u).await {
            Ok(unit) if unit.kind == "branch" => {
                e.push("unit_id", format!("{}是党支部，不参加单位考核", unit.name));
                0
            }
            Ok(unit) => unit.id,
            Err(ApiError::NotFound) => {
                e.push("unit_id", format!("单位（编号 {u}）不存在或不在您的数据范围内"));
                0
            }
            Err(err) => return Err(err),
        },
    };
    let score = parse_business_score(&f.score).unwrap_or_else(|m| {
        e.push("score", m);
        0
    });
    let note = f.note.trim().to_string();
    if note.chars().count() > 200 {
        e.push("note", "备注不能超过 200 个字");
    }
    e.into_result()?;
    Ok((year, unit, score, note))
}

pub async fn set_business(state: &AppState, p: &Principal, f: &BusinessFields) -> ApiResult<()> {
    let (year, unit, score, note) = check_business(state, p, f).await?;
    store::set_business_scores(&state.db, &p.actor(), year, &[(unit, score, note)]).await?;
    Ok(())
}
