//! Reading the 整改台账 export: the list's findings in batches, with only what the sheet shows,
//! and their measures with each one's latest progress. A 100,000-finding export reads ~270,000
//! rows; the driver copies every column of every row, so these read a dozen columns where the
//! list's read thirty, and the latest update of a measure instead of all of them.

use chrono::NaiveDate;
use qingfeng_domain::labels::Labels;

use super::read::{finding_labels, finding_query, measure_status, FindingFilter, FROM, ORDER};
use crate::query::{After, ListSql};
use crate::{Db, QueryBuilder, Scope, StoreResult};

/// A finding as the 整改台账 shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportFinding {
    pub id: i64,
    pub unit_id: i64,
    pub description: String,
    pub found_on: NaiveDate,
    pub responsible_leader_name: Option<String>,
    pub responsible_person_name: Option<String>,
    pub campaign_name: Option<String>,
    pub state: String,
    pub category: String,
    pub source: String,
    pub severity: String,
    #[sqlx(skip)]
    pub category_label: String,
    #[sqlx(skip)]
    pub source_label: String,
    #[sqlx(skip)]
    pub severity_label: String,
    #[sqlx(skip)]
    pub state_label: String,
}

const COLS: &str = "f.id, f.unit_id, f.description, f.found_on, pl.name AS responsible_leader_name, \
    pp.name AS responsible_person_name, c.name AS campaign_name, f.state, f.category, f.source, f.severity";

/// A batch of the list's findings (its filter and order) after `after`, their keys read with
/// `labels` (the office's names, loaded once by the export).
pub async fn export_batch(
    db: &Db,
    scope: &Scope,
    f: &FindingFilter,
    after: After,
    today: NaiveDate,
    labels: &Labels,
) -> StoreResult<Vec<ExportFinding>> {
    let q = finding_query(db, scope, f, today).await?;
    let mut rows: Vec<ExportFinding> =
        crate::query::fetch_batch(db, ListSql { cols: COLS, from: FROM, q, order: ORDER }, after).await?;
    for r in &mut rows {
        [r.state_label, r.category_label, r.source_label, r.severity_label] =
            finding_labels(labels, &r.state, &r.category, &r.source, &r.severity);
    }
    Ok(rows)
}

/// A measure as the 整改台账 shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportMeasure {
    pub finding_id: i64,
    pub text: String,
    pub responsible_leader_name: Option<String>,
    pub responsible_person_name: String,
    pub deadline: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    /// the date and text of its latest progress update
    pub latest_on: Option<NaiveDate>,
    pub latest_text: Option<String>,
    /// 已完成 / 逾期未完成 / 整改中
    #[sqlx(skip)]
    pub status_label: String,
}

/// The measures of `finding_ids`, by finding, in the order they were made.
pub async fn export_measures(db: &Db, finding_ids: &[i64], today: NaiveDate) -> StoreResult<Vec<ExportMeasure>> {
    let mut q = QueryBuilder::new();
    crate::query::ids_in(&mut q, "m.finding_id", finding_ids);
    let latest =
        "FROM rectification_updates r WHERE r.measure_id = m.id ORDER BY r.update_date DESC, r.id DESC LIMIT 1";
    let sql = format!(
        "SELECT m.finding_id, m.text, pl.name AS responsible_leader_name, pp.name AS responsible_person_name, \
         m.deadline, m.completed_on, (SELECT r.update_date {latest}) AS latest_on, (SELECT r.text {latest}) AS latest_text \
         FROM rectification_measures m LEFT JOIN people pl ON pl.id = m.responsible_leader_id \
         JOIN people pp ON pp.id = m.responsible_person_id{} ORDER BY m.finding_id, m.id",
        q.where_clause()
    );
    let mut rows: Vec<ExportMeasure> = db.fetch_all(&sql, q.args()).await?;
    for m in &mut rows {
        m.status_label = measure_status(m.deadline, m.completed_on, today).2;
    }
    Ok(rows)
}
