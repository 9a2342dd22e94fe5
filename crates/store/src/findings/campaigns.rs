//! Campaigns (专项整治): deployed over units and linked to tasks of the work plans.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::findings::CampaignDraft;
use serde::Serialize;
use serde_json::json;

use super::flow::exists;
use crate::query::like_contains;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub goals: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub unit_count: i64,
    pub task_count: i64,
}

const C_COLS: &str = "c.id, c.name, c.start_date, c.end_date, c.goals, c.created_at, c.updated_at, \
    (SELECT COUNT(*) FROM campaign_units cu WHERE cu.campaign_id = c.id) AS unit_count, \
    (SELECT COUNT(*) FROM campaign_tasks ct WHERE ct.campaign_id = c.id) AS task_count";

/// Campaigns, newest first, optionally matching a name.
pub async fn list_campaigns(db: &Db, q_text: Option<&str>, paging: Option<Paging>) -> StoreResult<Page<Campaign>> {
    let mut q = QueryBuilder::new();
    if let Some(t) = q_text.filter(|s| !s.is_empty()) {
        q.and("(c.name LIKE ? ESCAPE '\\' OR c.goals LIKE ? ESCAPE '\\')", args![like_contains(t), like_contains(t)]);
    }
    let w = q.where_clause();
    let (total,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*) FROM campaigns c{w}"), q.args()).await?;
    let mut a = q.args();
    let n = a.len();
    let (limit, page, per_page) = match paging {
        Some(p) => {
            a.extend(args![p.per_page, p.offset()]);
            (format!(" LIMIT ${} OFFSET ${}", n + 1, n + 2), p.page, p.per_page)
        }
        None => (String::new(), 1, total.max(1)),
    };
    let items = db
        .fetch_all(&format!("SELECT {C_COLS} FROM campaigns c{w} ORDER BY c.start_date DESC, c.id DESC{limit}"), a)
        .await?;
    Ok(Page::new(items, total, page, per_page))
}

pub async fn get_campaign(db: &Db, id: i64) -> StoreResult<Campaign> {
    db.fetch_one(&format!("SELECT {C_COLS} FROM campaigns c WHERE c.id = $1"), args![id]).await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignUnit {
    pub id: i64,
    pub name: String,
    pub code: String,
    #[serde(skip)]
    pub path: String,
}

pub async fn campaign_units(db: &Db, id: i64) -> StoreResult<Vec<CampaignUnit>> {
    db.fetch_all(
        "SELECT u.id, u.name, u.code, u.path FROM campaign_units cu JOIN units u ON u.id = cu.unit_id \
         WHERE cu.campaign_id = $1 ORDER BY u.sort_path, u.id",
        args![id],
    )
    .await
}

pub async fn campaign_task_ids(db: &Db, id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> =
        db.fetch_all("SELECT task_id FROM campaign_tasks WHERE campaign_id = $1 ORDER BY task_id", args![id]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Deploys a campaign over its units, linked to tasks of the work plans.
pub async fn create_campaign(db: &Db, actor: &Actor, d: &CampaignDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    for u in &d.unit_ids {
        if !exists(&mut tx, "SELECT id FROM units WHERE id = $1", *u).await? {
            return Err(StoreError::field("unit_ids", format!("单位（编号 {u}）不存在")));
        }
    }
    for t in &d.task_ids {
        if !exists(&mut tx, "SELECT id FROM tasks WHERE id = $1", *t).await? {
            return Err(StoreError::field("task_ids", format!("任务（编号 {t}）不存在")));
        }
    }
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO campaigns (name, start_date, end_date, goals, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            args![d.name.clone(), d.start_date, d.end_date, d.goals.clone(), at],
        )
        .await?;
    for u in &d.unit_ids {
        tx.execute("INSERT INTO campaign_units (campaign_id, unit_id) VALUES ($1, $2)", args![id, *u]).await?;
    }
    for t in &d.task_ids {
        tx.execute("INSERT INTO campaign_tasks (campaign_id, task_id) VALUES ($1, $2)", args![id, *t]).await?;
    }
    audit::append(
        &mut tx,
        actor,
        "create",
        "campaign",
        id,
        &json!({"name": d.name, "start_date": d.start_date, "end_date": d.end_date, "goals": d.goals,
                "unit_ids": d.unit_ids, "task_ids": d.task_ids}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
