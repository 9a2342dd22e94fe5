//! 三公经费: budgets per unit, year and category, the finance office's ledger of spending, and
//! the execution of each budget: spending already recorded elsewhere (trip costs for
//! 公务用车运行维护; receptions once they are recorded) plus the ledger, against the budget and
//! against last year. Whenever spending or a budget changes, the unit's level (预警 at the
//! setting's share, 已达到或超过预算 at the whole) is evaluated in the same transaction and the
//! unit's principal and office are told once per level reached.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::budgets::{level, warn_percent, BudgetCategory, BudgetDraft, Level, SpendingDraft, WARN_SETTING};
use qingfeng_domain::decisions::format_amount;
use serde::Serialize;
use serde_json::json;

use crate::notify::{self, Event};
use crate::query::fetch_page;
use crate::vehicles::year_bounds;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreResult, Tx};

/// One unit's budget of one category in a year, and how far it is spent.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Execution {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    /// `abroad`, `vehicles` or `reception`
    pub category: String,
    pub category_label: String,
    /// None: no budget entered
    pub budget_cents: Option<i64>,
    /// spending recorded elsewhere: trip costs (公务用车) or receptions (公务接待)
    pub recorded_cents: i64,
    /// spending in the finance office's ledger
    pub ledger_cents: i64,
    pub spent_cents: i64,
    pub last_year_cents: i64,
    /// spent as a share of the budget, in tenths of a percent (None without a budget)
    pub permille: Option<i64>,
    /// `normal`, `warning` or `exceeded`
    pub level: Level,
    pub level_label: String,
}

impl Execution {
    /// "85.0%" or "—".
    pub fn share(&self) -> String {
        self.permille.map_or("—".into(), |p| format!("{}.{}%", p / 10, p % 10))
    }
    pub fn budget(&self) -> String {
        self.budget_cents.map(format_amount).unwrap_or_default()
    }
    pub fn recorded(&self) -> String {
        format_amount(self.recorded_cents)
    }
    pub fn ledger(&self) -> String {
        format_amount(self.ledger_cents)
    }
    pub fn spent(&self) -> String {
        format_amount(self.spent_cents)
    }
    pub fn last_year(&self) -> String {
        format_amount(self.last_year_cents)
    }
    /// Change against last year, in percent ("+12.5%"), or "—" without spending last year.
    pub fn against_last_year(&self) -> String {
        if self.last_year_cents == 0 {
            return "—".into();
        }
        let d = (self.spent_cents - self.last_year_cents) * 1000 / self.last_year_cents;
        format!("{}{}.{}%", if d < 0 { "-" } else { "+" }, d.abs() / 10, d.abs() % 10)
    }
}

/// Spending of a year by (unit, category), in cents, from every source.
#[derive(Debug, Default)]
struct Spending {
    recorded: BTreeMap<(i64, BudgetCategory), i64>,
    ledger: BTreeMap<(i64, BudgetCategory), i64>,
}

const TRIP_COSTS: &str = "SELECT v.unit_id, CAST(COALESCE(SUM(t.cost_cents), 0) AS BIGINT) FROM vehicle_trips t \
    JOIN vehicles v ON v.id = t.vehicle_id WHERE t.departed_on >= $1 AND t.departed_on <= $2 GROUP BY v.unit_id";
const RECEPTION_COSTS: &str = "SELECT unit_id, CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) FROM receptions \
    WHERE starts_on >= $1 AND starts_on <= $2 GROUP BY unit_id";
const LEDGER: &str = "SELECT unit_id, category, CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM budget_spending \
    WHERE spent_on >= $1 AND spent_on <= $2 GROUP BY unit_id, category";

fn spending_from(trips: Vec<(i64, i64)>, receptions: Vec<(i64, i64)>, ledger: Vec<(i64, String, i64)>) -> Spending {
    let mut s = Spending::default();
    for (unit, cents) in trips {
        *s.recorded.entry((unit, BudgetCategory::Vehicles)).or_default() += cents;
    }
    for (unit, cents) in receptions {
        *s.recorded.entry((unit, BudgetCategory::Reception)).or_default() += cents;
    }
    for (unit, cat, cents) in ledger {
        if let Some(c) = BudgetCategory::from_key(&cat) {
            *s.ledger.entry((unit, c)).or_default() += cents;
        }
    }
    s
}

async fn spending(db: &Db, year: i32) -> StoreResult<Spending> {
    let (from, to) = year_bounds(year);
    let trips = db.fetch_all(TRIP_COSTS, args![from, to]).await?;
    let receptions = db.fetch_all(RECEPTION_COSTS, args![from, to]).await?;
    Ok(spending_from(trips, receptions, db.fetch_all(LEDGER, args![from, to]).await?))
}

async fn spending_in(tx: &mut Tx, year: i32) -> StoreResult<Spending> {
    let (from, to) = year_bounds(year);
    let trips = tx.fetch_all(TRIP_COSTS, args![from, to]).await?;
    let receptions = tx.fetch_all(RECEPTION_COSTS, args![from, to]).await?;
    Ok(spending_from(trips, receptions, tx.fetch_all(LEDGER, args![from, to]).await?))
}

#[derive(sqlx::FromRow)]
struct BudgetRow {
    unit_id: i64,
    category: String,
    amount_cents: i64,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    name: String,
}

/// The execution of every budget of the year in the scope (and of every unit that spent
/// without one), by unit (tree order) and category.
pub async fn execution(db: &Db, scope: &Scope, year: i32, unit_id: Option<i64>) -> StoreResult<Vec<Execution>> {
    let percent = warn_percent(crate::settings::get(db, WARN_SETTING).await?.as_deref());
    let (now, last) = (spending(db, year).await?, spending(db, year - 1).await?);
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    if let Some(u) = unit_id {
        q.and("u.id = ?", args![u]);
    }
    let units: Vec<UnitRow> = db
        .fetch_all(&format!("SELECT u.id, u.name FROM units u{} ORDER BY u.path", q.where_clause()), q.args())
        .await?;
    let budgets: Vec<BudgetRow> = db
        .fetch_all("SELECT unit_id, category, amount_cents FROM budgets WHERE year = $1", args![i64::from(year)])
        .await?;
    let mut out = Vec::new();
    for u in units {
        for c in BudgetCategory::ALL.iter().copied() {
            let budget = budgets.iter().find(|b| b.unit_id == u.id && b.category == c.key()).map(|b| b.amount_cents);
            let key = (u.id, c);
            let recorded = now.recorded.get(&key).copied().unwrap_or(0);
            let ledger = now.ledger.get(&key).copied().unwrap_or(0);
            let last_year = last.recorded.get(&key).copied().unwrap_or(0) + last.ledger.get(&key).copied().unwrap_or(0);
            if budget.is_none() && recorded + ledger == 0 {
                continue;
            }
            out.push(row(&u, year, c, budget, (recorded, ledger, last_year), percent));
        }
    }
    Ok(out)
}

fn row(
    u: &UnitRow,
    year: i32,
    c: BudgetCategory,
    budget: Option<i64>,
    sums: (i64, i64, i64),
    percent: i64,
) -> Execution {
    let (recorded, ledger, last_year) = sums;
    let spent = recorded + ledger;
    let lvl = match budget {
        Some(b) => level(spent, b, percent),
        None => Level::Normal,
    };
    Execution {
        unit_id: u.id,
        unit_name: u.name.clone(),
        year,
        category: c.key().into(),
        category_label: c.label().into(),
        budget_cents: budget,
        recorded_cents: recorded,
        ledger_cents: ledger,
        spent_cents: spent,
        last_year_cents: last_year,
        permille: budget.filter(|b| *b > 0).map(|b| ((spent as i128) * 1000 / b as i128) as i64),
        level: lvl,
        level_label: lvl.label().into(),
    }
}

/// Evaluates the budgets of a unit and year inside a write: a level higher than the one the
/// unit was last told of tells the unit's principal and office, once.
pub async fn evaluate(tx: &mut Tx, actor: &Actor, unit_id: i64, year: i32) -> StoreResult<()> {
    let rows: Vec<(i64, String, i64, i64)> = tx
        .fetch_all(
            "SELECT id, category, amount_cents, warned_level FROM budgets WHERE unit_id = $1 AND year = $2",
            args![unit_id, i64::from(year)],
        )
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let setting: Option<(String,)> =
        tx.fetch_optional("SELECT value FROM settings WHERE key = $1", args![WARN_SETTING]).await?;
    let percent = warn_percent(setting.as_ref().map(|s| s.0.as_str()));
    let s = spending_in(tx, year).await?;
    for (id, cat, budget, warned) in rows {
        let Some(c) = BudgetCategory::from_key(&cat) else { continue };
        let key = (unit_id, c);
        let spent = s.recorded.get(&key).copied().unwrap_or(0) + s.ledger.get(&key).copied().unwrap_or(0);
        let now = level(spent, budget, percent);
        if now as i64 == warned {
            continue;
        }
        tx.execute("UPDATE budgets SET warned_level = $1 WHERE id = $2", args![now as i64, id]).await?;
        if (now as i64) > warned {
            let to = recipients(tx, unit_id).await?;
            let (unit_name,): (String,) = tx.fetch_one("SELECT name FROM units WHERE id = $1", args![unit_id]).await?;
            let event = Event::BudgetWarning {
                unit_name,
                year,
                category: c.label().into(),
                level: now.label().into(),
                spent: format_amount(spent),
                budget: format_amount(budget),
                percent,
            };
            notify::tell(tx, actor, &to, &event).await?;
        }
    }
    Ok(())
}

/// The unit's principal (or its heads) and its office clerks.
async fn recipients(tx: &mut Tx, unit_id: i64) -> StoreResult<Vec<i64>> {
    let heads = notify::unit_heads(tx, unit_id).await?;
    let mut to = notify::accounts_of(tx, &heads).await?;
    let clerks: Vec<(i64,)> = tx
        .fetch_all(
            "SELECT a.id FROM accounts a JOIN account_roles r ON r.account_id = a.id JOIN people p ON p.id = a.person_id \
             WHERE r.role_key = 'office_clerk' AND p.unit_id = $1 AND a.disabled = FALSE ORDER BY a.id",
            args![unit_id],
        )
        .await?;
    for (a,) in clerks {
        if !to.contains(&a) {
            to.push(a);
        }
    }
    Ok(to)
}

/// Enters or changes a unit's budget of a year and category.
pub async fn put_budget(db: &Db, actor: &Actor, d: &BudgetDraft) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let before: Option<(i64, i64)> = tx
        .fetch_optional(
            "SELECT id, amount_cents FROM budgets WHERE unit_id = $1 AND year = $2 AND category = $3",
            args![d.unit_id, i64::from(d.year), d.category.key()],
        )
        .await?;
    let now = crate::now();
    let id = match before {
        Some((id, _)) => {
            tx.execute(
                "UPDATE budgets SET amount_cents = $1, updated_at = $2 WHERE id = $3",
                args![d.amount_cents, now, id],
            )
            .await?;
            id
        }
        None => {
            let (id,): (i64,) = tx
                .fetch_one(
                    "INSERT INTO budgets (unit_id, year, category, amount_cents, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     RETURNING id",
                    args![d.unit_id, i64::from(d.year), d.category.key(), d.amount_cents, now],
                )
                .await?;
            id
        }
    };
    let old = before.map(|(_, a)| json!({"amount": format_amount(a)})).unwrap_or(json!({}));
    let new = json!({"unit_id": d.unit_id, "year": d.year, "category": d.category.key(), "amount": format_amount(d.amount_cents)});
    let action = if before.is_some() { "update" } else { "create" };
    audit::append(&mut tx, actor, action, "budget", id, &audit::diff(&old, &new)).await?;
    evaluate(&mut tx, actor, d.unit_id, d.year).await?;
    tx.commit().await
}

/// A line of the spending ledger.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpendingLine {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub spent_on: NaiveDate,
    pub category: String,
    pub amount_cents: i64,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// Ledger lines of a year in the scope, newest first.
pub async fn ledger(db: &Db, scope: &Scope, year: i32, paging: Option<Paging>) -> StoreResult<Page<SpendingLine>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    let (from, to) = year_bounds(year);
    q.and("s.spent_on >= ? AND s.spent_on <= ?", args![from, to]);
    let cols = "s.id, s.unit_id, u.name AS unit_name, s.spent_on, s.category, s.amount_cents, s.note, s.created_at";
    let from_where = format!("FROM budget_spending s JOIN units u ON u.id = s.unit_id{}", q.where_clause());
    fetch_page(db, cols, &from_where, "s.spent_on DESC, s.id DESC", q.args(), paging).await
}

/// One ledger line.
pub async fn line(db: &Db, id: i64) -> StoreResult<SpendingLine> {
    db.fetch_one(
        "SELECT s.id, s.unit_id, u.name AS unit_name, s.spent_on, s.category, s.amount_cents, s.note, s.created_at \
         FROM budget_spending s JOIN units u ON u.id = s.unit_id WHERE s.id = $1",
        args![id],
    )
    .await
}

/// Records ledger lines (one entered, or an import) in one transaction; returns their ids.
pub async fn add_spending(db: &Db, actor: &Actor, lines: &[SpendingDraft], action: &str) -> StoreResult<Vec<i64>> {
    let mut tx = db.begin().await?;
    let now = crate::now();
    let mut ids = Vec::new();
    let mut touched: Vec<(i64, i32)> = Vec::new();
    for d in lines {
        let (id,): (i64,) = tx
            .fetch_one(
                "INSERT INTO budget_spending (unit_id, spent_on, category, amount_cents, note, account_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                args![d.unit_id, d.spent_on, d.category.key(), d.amount_cents, d.note.clone(), actor.account_id, now],
            )
            .await?;
        let v = json!({"unit_id": d.unit_id, "spent_on": d.spent_on, "category": d.category.key(),
            "amount": format_amount(d.amount_cents), "note": d.note});
        audit::append(&mut tx, actor, action, "budget_spending", id, &audit::diff(&json!({}), &v)).await?;
        ids.push(id);
        if !touched.contains(&(d.unit_id, d.year())) {
            touched.push((d.unit_id, d.year()));
        }
    }
    for (unit, year) in touched {
        evaluate(&mut tx, actor, unit, year).await?;
    }
    tx.commit().await?;
    Ok(ids)
}
