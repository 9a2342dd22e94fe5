//! Figures for the written reports (.docx): the year's work of the units in a scope, for the
//! annual report on fulfilling the primary responsibility (R-RES-4), and one person's own records
//! for their 述责述廉. Counts only; the web words them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{args, Db, QueryBuilder, Scope, StoreResult};

/// Only the current version of a ledger entry counts, and not a voided one.
const CURRENT: &str = crate::ledger::LIVE;

/// The year's work in a scope.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnualFigures {
    pub year: i64,
    /// ledger entries by kind key
    pub entries_by_kind: Vec<(String, i64)>,
    /// 会议研究 entries by meeting type key ('' when not given)
    pub meetings_by_type: Vec<(String, i64)>,
    /// responsibility lists of the year and those with a signed 责任书
    pub lists: i64,
    pub pledges: i64,
    pub items: i64,
    /// talks by TalkKind key
    pub talks_by_kind: Vec<(String, i64)>,
    /// study sessions (any kind), attendances recorded and of them present
    pub study_sessions: i64,
    pub attendances: i64,
    pub present: i64,
    /// findings found in the year, of them signed off; their measures, completed, overdue
    pub findings: i64,
    pub findings_signed_off: i64,
    pub measures: i64,
    pub measures_done: i64,
    pub measures_overdue: i64,
    /// 专项整治 running in the year in the scope's units, by name
    pub campaigns: Vec<String>,
    /// 三重一大 meetings held in the year and topics decided
    pub decision_meetings: i64,
    pub decision_topics: i64,
}

async fn grouped(db: &Db, sql: &str, q: &QueryBuilder) -> StoreResult<Vec<(String, i64)>> {
    db.fetch_all(&format!("{sql}{} GROUP BY 1 ORDER BY 2 DESC, 1", q.where_clause()), q.args()).await
}

fn in_scope(scope: &Scope) -> QueryBuilder {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    q
}

async fn ledger_figures(db: &Db, scope: &Scope, year: i64, a: &mut AnnualFigures) -> StoreResult<()> {
    let mut q = in_scope(scope);
    q.and(CURRENT, vec![]);
    q.and("e.entry_year = ?", args![year]);
    let from = " FROM ledger_entries e JOIN units u ON u.id = e.unit_id";
    a.entries_by_kind = grouped(db, &format!("SELECT e.kind, COUNT(*){from}"), &q).await?;
    let mut m = in_scope(scope);
    m.and(CURRENT, vec![]);
    m.and("e.entry_year = ? AND e.kind = 'meeting'", args![year]);
    a.meetings_by_type = grouped(db, &format!("SELECT e.meeting_type, COUNT(*){from}"), &m).await?;
    let mut t = in_scope(scope);
    t.and(CURRENT, vec![]);
    t.and("e.entry_year = ?", args![year]);
    let talks = "SELECT t.talk_kind, COUNT(*) FROM talks t JOIN ledger_entries e ON e.id = t.entry_id \
        JOIN units u ON u.id = e.unit_id";
    a.talks_by_kind = grouped(db, talks, &t).await?;
    let sql = format!(
        "SELECT COUNT(DISTINCT s.entry_id), COUNT(a.person_id), COALESCE(SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), 0) \
         FROM study_sessions s JOIN ledger_entries e ON e.id = s.entry_id JOIN units u ON u.id = e.unit_id \
         LEFT JOIN study_attendance a ON a.entry_id = s.entry_id{}",
        t.where_clause()
    );
    (a.study_sessions, a.attendances, a.present) = db.fetch_one(&sql, t.args()).await?;
    Ok(())
}

async fn finding_figures(
    db: &Db,
    scope: &Scope,
    year: i64,
    today: NaiveDate,
    a: &mut AnnualFigures,
) -> StoreResult<()> {
    let (from, to) = year_bounds(year);
    let mut q = in_scope(scope);
    q.and("f.found_on >= ? AND f.found_on <= ? AND f.voided_at IS NULL", args![from, to]);
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN f.state = 'signed_off' THEN 1 ELSE 0 END), 0) \
         FROM findings f JOIN units u ON u.id = f.unit_id{}",
        q.where_clause()
    );
    (a.findings, a.findings_signed_off) = db.fetch_one(&sql, q.args()).await?;
    let at = q.bind(today);
    let sql = format!(
        "SELECT COUNT(*), COUNT(m.completed_on), \
         COALESCE(SUM(CASE WHEN m.completed_on IS NULL AND m.deadline < {at} THEN 1 ELSE 0 END), 0) \
         FROM rectification_measures m JOIN findings f ON f.id = m.finding_id JOIN units u ON u.id = f.unit_id{}",
        q.where_clause()
    );
    (a.measures, a.measures_done, a.measures_overdue) = db.fetch_one(&sql, q.args()).await?;
    let mut c = in_scope(scope);
    c.and("c.start_date <= ? AND c.end_date >= ?", args![to, from]);
    let rows: Vec<(String,)> = db
        .fetch_all(
            &format!(
                "SELECT DISTINCT c.name FROM campaigns c JOIN campaign_units cu ON cu.campaign_id = c.id \
                 JOIN units u ON u.id = cu.unit_id{} ORDER BY c.name",
                c.where_clause()
            ),
            c.args(),
        )
        .await?;
    a.campaigns = rows.into_iter().map(|r| r.0).collect();
    Ok(())
}

fn year_bounds(year: i64) -> (NaiveDate, NaiveDate) {
    let y = i32::try_from(year).unwrap_or(1970);
    (NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default(), NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default())
}

/// The figures of `year` for the units in `scope` (measures overdue as of `today`).
pub async fn annual(db: &Db, scope: &Scope, year: i64, today: NaiveDate) -> StoreResult<AnnualFigures> {
    let mut a = AnnualFigures { year, ..Default::default() };
    ledger_figures(db, scope, year, &mut a).await?;
    finding_figures(db, scope, year, today, &mut a).await?;
    let mut q = in_scope(scope);
    q.and("l.year = ?", args![year]);
    let sql = format!(
        "SELECT COUNT(*), COUNT(l.pledge_date) FROM responsibility_lists l JOIN units u ON u.id = l.unit_id{}",
        q.where_clause()
    );
    (a.lists, a.pledges) = db.fetch_one(&sql, q.args()).await?;
    let mut q = in_scope(scope);
    q.and("i.year = ?", args![year]);
    let sql =
        format!("SELECT COUNT(*) FROM responsibility_items i JOIN units u ON u.id = i.unit_id{}", q.where_clause());
    (a.items,) = db.fetch_one(&sql, q.args()).await?;
    let (from, to) = year_bounds(year);
    let mut q = in_scope(scope);
    q.and("d.held_on >= ? AND d.held_on <= ?", args![from, to]);
    let sql = format!(
        "SELECT COUNT(DISTINCT d.id), COUNT(t.id) FROM decision_meetings d JOIN units u ON u.id = d.unit_id \
         LEFT JOIN decision_topics t ON t.meeting_id = d.id{}",
        q.where_clause()
    );
    (a.decision_meetings, a.decision_topics) = db.fetch_one(&sql, q.args()).await?;
    Ok(a)
}

/// The ledger entries of `year` a person took part in, by kind key (current versions).
pub async fn person_entries(db: &Db, person_id: i64, year: i64) -> StoreResult<Vec<(String, i64)>> {
    let mut q = QueryBuilder::new();
    q.and(CURRENT, vec![]);
    q.and("e.entry_year = ?", args![year]);
    q.and("e.id IN (SELECT entry_id FROM ledger_participants WHERE person_id = ?)", args![person_id]);
    grouped(db, "SELECT e.kind, COUNT(*) FROM ledger_entries e", &q).await
}
