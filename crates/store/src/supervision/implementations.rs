//! Decisions to implement (决策部署): the list with the progress of each (tasks done of all,
//! overdue tasks, open and overdue 督办), one decision, creating one with its work plan.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qingfeng_domain::plans::PlanDraft;
use qingfeng_domain::supervision::{ImplementationDraft, Source};
use qingfeng_domain::FieldErrors;
use serde::Serialize;
use serde_json::json;

use crate::plans::visibility::plan_visible;
use crate::query::{fetch_page, like_contains};
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult};

/// A decision to implement with its progress as of the day it was read.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionImplementation))]
pub struct Implementation {
    pub id: i64,
    /// `topic` (三重一大议题) or `higher` (上级决策部署)
    pub source: String,
    #[sqlx(skip)]
    pub source_label: String,
    /// the passed topic of a 三重一大 meeting
    pub topic_id: Option<i64>,
    pub meeting_id: Option<i64>,
    /// 文号
    pub doc_number: String,
    /// 发文机关 / 决策机构
    pub issuer: String,
    /// 印发日期 / 会议日期
    pub issued_on: NaiveDate,
    pub title: String,
    /// 工作要求
    pub requirements: String,
    /// 落实单位
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    /// the work plan holding the decision's tasks
    pub plan_id: i64,
    pub task_count: i64,
    pub completed_count: i64,
    /// tasks not completed after their deadline
    pub overdue_count: i64,
    /// 督办 not closed
    pub open_notes: i64,
    /// 督办 past their deadline without an answer
    pub overdue_notes: i64,
    /// completed tasks in percent of all (0 without tasks)
    #[sqlx(skip)]
    pub progress: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Implementation {
    fn finish(mut self) -> Self {
        self.source_label = Source::from_key(&self.source).map_or("", Source::label).to_string();
        self.progress = if self.task_count > 0 { self.completed_count * 100 / self.task_count } else { 0 };
        self
    }

    /// Something is overdue: a task or a 督办.
    pub fn has_overdue(&self) -> bool {
        self.overdue_count > 0 || self.overdue_notes > 0
    }
}

/// The select list; `td.today` is the day of the reading (see [`from_with_today`]).
pub const IMPLEMENTATION_COLS: &str = "di.id, di.source, di.topic_id, dt.meeting_id, di.doc_number, di.issuer, \
    di.issued_on, di.title, di.requirements, di.unit_id, u.name AS unit_name, u.path AS unit_path, di.plan_id, \
    (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = di.plan_id AND x.voided_at IS NULL) AS task_count, \
    (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = di.plan_id AND x.voided_at IS NULL AND x.completed_on IS NOT NULL) AS completed_count, \
    (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = di.plan_id AND x.voided_at IS NULL AND x.completed_on IS NULL AND x.deadline < td.today) \
    AS overdue_count, \
    (SELECT COUNT(*) FROM supervision_notes n WHERE n.implementation_id = di.id AND n.closed_on IS NULL) AS open_notes, \
    (SELECT COUNT(*) FROM supervision_notes n WHERE n.implementation_id = di.id AND n.closed_on IS NULL \
    AND n.answered_on IS NULL AND n.deadline < td.today) AS overdue_notes, \
    di.created_at, di.updated_at";

/// The FROM clause with today bound as its first value (so that the count and the page read
/// the same values).
fn from_with_today(q: &mut QueryBuilder, today: NaiveDate) -> String {
    let t = q.bind(today);
    format!(
        " FROM decision_implementations di JOIN work_plans wp ON wp.id = di.plan_id JOIN units u ON u.id = wp.unit_id \
         LEFT JOIN decision_topics dt ON dt.id = di.topic_id CROSS JOIN (SELECT {t} AS today) td"
    )
}

/// Filters of the decision list.
#[derive(Debug, Clone, Default)]
pub struct ImplementationFilter {
    pub year: Option<i64>,
    pub source: Option<Source>,
    /// only decisions with an overdue task or 督办
    pub overdue: bool,
    /// matches the title, the document number or the issuer
    pub q: Option<String>,
}

fn conditions(q: &mut QueryBuilder, scope: &Scope, f: &ImplementationFilter) {
    if let Some((c, v)) = plan_visible(scope) {
        q.and(&c, v);
    }
    if let Some(y) = f.year {
        let (from, to) = (NaiveDate::from_ymd_opt(y as i32, 1, 1), NaiveDate::from_ymd_opt(y as i32, 12, 31));
        q.and("di.issued_on >= ? AND di.issued_on <= ?", args![from, to]);
    }
    if let Some(s) = f.source {
        q.and("di.source = ?", args![s.key()]);
    }
    if f.overdue {
        q.and(
            "(EXISTS (SELECT 1 FROM tasks x WHERE x.plan_id = di.plan_id AND x.voided_at IS NULL AND x.completed_on IS NULL AND x.deadline < td.today) \
             OR EXISTS (SELECT 1 FROM supervision_notes n WHERE n.implementation_id = di.id AND n.closed_on IS NULL \
             AND n.answered_on IS NULL AND n.deadline < td.today))",
            vec![],
        );
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and(
            "(di.title LIKE ? ESCAPE '\\' OR di.doc_number LIKE ? ESCAPE '\\' OR di.issuer LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
    }
}

/// Decisions in scope, newest first. `paging` None returns every match (exports).
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &ImplementationFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<Implementation>> {
    let mut q = QueryBuilder::new();
    let from = from_with_today(&mut q, today);
    conditions(&mut q, scope, f);
    let from_where = format!("{from}{}", q.where_clause());
    let mut page: Page<Implementation> =
        fetch_page(db, IMPLEMENTATION_COLS, &from_where, "di.issued_on DESC, di.id DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(Implementation::finish).collect();
    Ok(page)
}

/// A decision by id, or NotFound when it does not exist or lies outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> StoreResult<Implementation> {
    let mut q = QueryBuilder::new();
    let from = from_with_today(&mut q, today);
    conditions(&mut q, scope, &ImplementationFilter::default());
    q.and("di.id = ?", args![id]);
    let row: Implementation =
        db.fetch_one(&format!("SELECT {IMPLEMENTATION_COLS}{from}{}", q.where_clause()), q.args()).await?;
    Ok(row.finish())
}

/// What a decision taken from a meeting topic needs of it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct TopicFacts {
    pub id: i64,
    pub meeting_id: i64,
    pub title: String,
    /// TopicResult key ("" when not recorded)
    pub result: String,
    pub held_on: NaiveDate,
    /// Body key of the meeting
    pub body: String,
    pub unit_id: i64,
    /// the decision already made of it
    pub implementation_id: Option<i64>,
}

/// A topic of a meeting in scope, or NotFound.
pub async fn topic_facts(db: &Db, scope: &Scope, topic_id: i64) -> StoreResult<TopicFacts> {
    if !crate::decisions::topic_in_scope(db, scope, topic_id).await? {
        return Err(StoreError::NotFound);
    }
    db.fetch_one(
        "SELECT t.id, t.meeting_id, t.title, t.result, m.held_on, m.body, m.unit_id, \
         (SELECT di.id FROM decision_implementations di WHERE di.topic_id = t.id) AS implementation_id \
         FROM decision_topics t JOIN decision_meetings m ON m.id = t.meeting_id WHERE t.id = $1",
        args![topic_id],
    )
    .await
}

/// (topic id, decision id) of the topics of a meeting already broken down into tasks.
pub async fn topics_implemented(db: &Db, meeting_id: i64) -> StoreResult<Vec<(i64, i64)>> {
    db.fetch_all(
        "SELECT di.topic_id, di.id FROM decision_implementations di JOIN decision_topics t ON t.id = di.topic_id \
         WHERE t.meeting_id = $1 ORDER BY di.id",
        args![meeting_id],
    )
    .await
}

/// Creates a decision and the work plan that will hold its tasks, in one transaction; the unit
/// must lie in the scope, a topic must not be taken already. Answers the id.
pub async fn create(db: &Db, actor: &Actor, scope: &Scope, d: &ImplementationDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let mut e = FieldErrors::default();
    let unit: Option<(String, String)> =
        tx.fetch_optional("SELECT name, path FROM units WHERE id = $1", args![d.unit_id]).await?;
    match unit {
        None => e.push("unit_id", format!("落实单位（编号 {}）不存在", d.unit_id)),
        Some((name, path)) if !scope.covers_unit(d.unit_id, &path) => {
            e.push("unit_id", format!("落实单位“{name}”不在您的数据范围内"))
        }
        Some(_) => {}
    }
    if let Some(t) = d.topic_id {
        let taken: Option<(i64,)> =
            tx.fetch_optional("SELECT id FROM decision_implementations WHERE topic_id = $1", args![t]).await?;
        if taken.is_some() {
            e.push("topic_id", "该议题已经分解落实，请在原决策部署下分解任务");
        }
    }
    e.into_result()?;
    let plan = PlanDraft { year: i64::from(d.issued_on.year()), unit_id: d.unit_id, title: d.plan_title() };
    let plan_id = crate::plans::insert_plan(&mut tx, actor, &plan).await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO decision_implementations (source, topic_id, doc_number, issuer, issued_on, title, requirements, \
             unit_id, plan_id, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            args![
                d.source.key(),
                d.topic_id,
                d.doc_number.clone(),
                d.issuer.clone(),
                d.issued_on,
                d.title.clone(),
                d.requirements.clone(),
                d.unit_id,
                plan_id,
                actor.account_id,
                now
            ],
        )
        .await?;
    let after = json!({
        "source": d.source.key(), "topic_id": d.topic_id, "doc_number": d.doc_number, "issuer": d.issuer,
        "issued_on": d.issued_on, "title": d.title, "unit_id": d.unit_id, "plan_id": plan_id,
    });
    audit::append(&mut tx, actor, "create", "decision_implementation", id, &audit::diff(&json!({}), &after)).await?;
    tx.commit().await?;
    Ok(id)
}
