//! Reading the register: points with their filters and measures, one point, and the points a
//! finding of a unit may name.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::risk::{occurred_since, RiskCategory, RiskLevel, RiskState};
use serde::Serialize;

use crate::query::{fetch_page, like_contains};
use crate::{args, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreResult};

/// One control measure (防控措施) with its responsible person.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskMeasure {
    pub id: i64,
    pub point_id: i64,
    pub text: String,
    pub person_id: i64,
    pub person_name: String,
    /// when the measure is next reviewed
    pub review_on: Option<NaiveDate>,
}

/// A risk point (廉政风险点) of a unit's register of one year.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskPoint {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub year: i64,
    /// 风险类别 key (post, process, system, moral, external)
    pub category: String,
    /// 岗位 or 业务流程
    pub post: String,
    /// the power or matter it attaches to
    pub power: String,
    /// 风险点
    pub point: String,
    /// 表现形式
    pub manifestation: String,
    /// high, medium, low, or "" while not rated
    pub level: String,
    /// 部门负责人
    pub head_id: Option<i64>,
    pub head_name: Option<String>,
    /// 责任领导
    pub leader_id: Option<i64>,
    pub leader_name: Option<String>,
    /// draft, submitted, returned, accepted
    pub state: String,
    pub return_reason: String,
    /// the level before the 纪检监察组 raised it ("" when never raised)
    pub raised_from: String,
    pub raise_reason: String,
    /// the point of last year's register this one was copied from
    pub carried_from: Option<i64>,
    pub proposed_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// findings naming this point in the last 12 months (已发生 when above 0)
    pub recent_findings: i64,
    #[sqlx(skip)]
    pub measures: Vec<RiskMeasure>,
    #[sqlx(skip)]
    pub level_label: String,
    #[sqlx(skip)]
    pub category_label: String,
    #[sqlx(skip)]
    pub state_label: String,
    #[sqlx(skip)]
    pub raised_from_label: String,
}

impl RiskPoint {
    fn complete(&mut self) {
        self.level_label = RiskLevel::from_key(&self.level).map(RiskLevel::label).unwrap_or("未评定").into();
        self.category_label = RiskCategory::from_key(&self.category).map(RiskCategory::label).unwrap_or("").into();
        self.state_label = RiskState::from_key(&self.state).map(RiskState::label).unwrap_or("").into();
        self.raised_from_label = RiskLevel::from_key(&self.raised_from).map(RiskLevel::label).unwrap_or("").into();
    }

    pub fn level(&self) -> Option<RiskLevel> {
        RiskLevel::from_key(&self.level)
    }

    pub fn state(&self) -> RiskState {
        RiskState::from_key(&self.state).unwrap_or(RiskState::Draft)
    }

    /// 已发生: a finding named this point in the last 12 months.
    pub fn occurred(&self) -> bool {
        self.recent_findings > 0
    }

    /// The point as a draft (its stored values), for diffs.
    pub fn draft(&self) -> qingfeng_domain::risk::RiskPointDraft {
        use qingfeng_domain::risk::{MeasureDraft, RiskPointDraft};
        RiskPointDraft {
            unit_id: self.unit_id,
            year: i32::try_from(self.year).unwrap_or_default(),
            category: RiskCategory::from_key(&self.category).unwrap_or(RiskCategory::Post),
            post: self.post.clone(),
            power: self.power.clone(),
            point: self.point.clone(),
            manifestation: self.manifestation.clone(),
            level: self.level(),
            head_id: self.head_id,
            leader_id: self.leader_id,
            measures: self
                .measures
                .iter()
                .map(|m| MeasureDraft { text: m.text.clone(), person_id: m.person_id, review_on: m.review_on })
                .collect(),
        }
    }

    /// The fields as entered, for PATCH and the edit form.
    pub fn fields(&self) -> qingfeng_domain::risk::RiskPointFields {
        use qingfeng_domain::risk::{MeasureFields, RiskPointFields};
        RiskPointFields {
            unit_id: Some(self.unit_id),
            year: i32::try_from(self.year).ok(),
            category: self.category.clone(),
            post: self.post.clone(),
            power: self.power.clone(),
            point: self.point.clone(),
            manifestation: self.manifestation.clone(),
            level: self.level.clone(),
            head_id: self.head_id,
            leader_id: self.leader_id,
            measures: self
                .measures
                .iter()
                .map(|m| MeasureFields {
                    text: m.text.clone(),
                    person_id: Some(m.person_id),
                    review_on: m.review_on.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect(),
        }
    }
}

const COLS: &str = "r.id, r.unit_id, u.name AS unit_name, u.path AS unit_path, r.year, r.category, r.post, r.power, \
    r.point, r.manifestation, r.level, r.head_id, ph.name AS head_name, r.leader_id, pl.name AS leader_name, r.state, \
    r.return_reason, r.raised_from, r.raise_reason, r.carried_from, a.username AS proposed_by, r.submitted_at, \
    r.reviewed_at, r.created_at, r.updated_at, COALESCE(occ.n, 0) AS recent_findings";

/// The FROM of the register; `$1` is the first day of the last 12 months.
const FROM: &str = " FROM risk_points r JOIN units u ON u.id = r.unit_id \
    LEFT JOIN people ph ON ph.id = r.head_id LEFT JOIN people pl ON pl.id = r.leader_id \
    LEFT JOIN accounts a ON a.id = r.account_id \
    LEFT JOIN (SELECT risk_point_id, COUNT(*) AS n FROM findings WHERE risk_point_id IS NOT NULL AND voided_at IS NULL AND found_on >= $1 \
    GROUP BY risk_point_id) occ ON occ.risk_point_id = r.id";

/// 仅本人: points where the person is the head, the leader or responsible for a measure.
pub(crate) const SELF_COND: &str =
    "(r.head_id = ? OR r.leader_id = ? OR r.id IN (SELECT mx.point_id FROM risk_measures mx WHERE mx.person_id = ?))";

/// Filters of the register (all optional).
#[derive(Debug, Clone, Default)]
pub struct RiskFilter {
    pub year: Option<i32>,
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    pub level: Option<RiskLevel>,
    pub category: Option<RiskCategory>,
    pub state: Option<RiskState>,
    /// only points with findings in the last 12 months
    pub occurred: bool,
    pub q: Option<String>,
}

async fn query(db: &Db, scope: &Scope, f: &RiskFilter, today: NaiveDate) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    q.bind(occurred_since(today));
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    if let Some(y) = f.year {
        q.and("r.year = ?", args![i64::from(y)]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "r.unit_id", u, f.include_sub).await?;
    }
    if let Some(l) = f.level {
        q.and("r.level = ?", args![l.key()]);
    }
    if let Some(c) = f.category {
        q.and("r.category = ?", args![c.key()]);
    }
    if let Some(s) = f.state {
        q.and("r.state = ?", args![s.key()]);
    }
    if f.occurred {
        q.and("occ.n > 0", vec![]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and(
            "(r.point LIKE ? ESCAPE '\\' OR r.post LIKE ? ESCAPE '\\' OR r.power LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat.clone(), pat],
        );
    }
    Ok(q)
}

/// Points in scope, by unit, then level (high first). `paging` None returns every match.
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &RiskFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<RiskPoint>> {
    let q = query(db, scope, f, today).await?;
    let from = format!("{FROM}{}", q.where_clause());
    let order =
        "r.year DESC, u.path, CASE r.level WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END, r.id";
    let mut page: Page<RiskPoint> = fetch_page(db, COLS, &from, order, q.args(), paging).await?;
    attach_measures(db, &mut page.items).await?;
    Ok(page)
}

/// One point with its measures, or NotFound when it is outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> StoreResult<RiskPoint> {
    let mut q = QueryBuilder::new();
    q.bind(occurred_since(today));
    q.and("r.id = ?", args![id]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    let p: RiskPoint = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    let mut one = vec![p];
    attach_measures(db, &mut one).await?;
    Ok(one.remove(0))
}

/// The measures of these points, in their order.
pub async fn measures_of(db: &Db, point_ids: &[i64]) -> StoreResult<Vec<RiskMeasure>> {
    let mut out = Vec::new();
    for chunk in point_ids.chunks(400) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let rows: Vec<RiskMeasure> = db
            .fetch_all(
                &format!(
                    "SELECT m.id, m.point_id, m.text, m.person_id, p.name AS person_name, m.review_on \
                     FROM risk_measures m JOIN people p ON p.id = m.person_id WHERE m.point_id IN ({}) \
                     ORDER BY m.point_id, m.position, m.id",
                    marks.join(", ")
                ),
                chunk.iter().map(|i| Arg::from(*i)).collect(),
            )
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

async fn attach_measures(db: &Db, points: &mut [RiskPoint]) -> StoreResult<()> {
    let ids: Vec<i64> = points.iter().map(|p| p.id).collect();
    let measures = measures_of(db, &ids).await?;
    for p in points.iter_mut() {
        p.complete();
        p.measures = measures.iter().filter(|m| m.point_id == p.id).cloned().collect();
    }
    Ok(())
}

/// A point a finding may name: its unit's points of the register (any state but draft).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct RiskPointOption {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i64,
    pub point: String,
    pub level: String,
}

/// The points findings may name, in the scope: this year's and last year's registers, newest
/// first, capped.
pub async fn points_for_findings(db: &Db, scope: &Scope, year: i32) -> StoreResult<Vec<RiskPointOption>> {
    let mut q = QueryBuilder::new();
    q.and("r.year >= ? AND r.state <> 'draft'", args![i64::from(year - 1)]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    db.fetch_all(
        &format!(
            "SELECT r.id, r.unit_id, u.name AS unit_name, r.year, r.point, r.level FROM risk_points r \
             JOIN units u ON u.id = r.unit_id{} ORDER BY u.path, r.year DESC, r.id LIMIT 500",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}
