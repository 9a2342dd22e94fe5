//! Reading receptions: the list with its filters, one reception with its guests, meals, checks
//! and files, the local settings the checks read, and the year's spending per unit.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::decisions::format_amount;
use qingfeng_domain::receptions::{
    checks, Guest, GuestFields, Meal, MealFields, MealKind, ReceptionDraft, ReceptionFields, ReceptionSettings,
    VenueKind,
};
use qingfeng_domain::rules::Check;
use serde::Serialize;

use crate::private_files::{self, PrivateFile};
use crate::query::{fetch_page, like_contains};
use crate::{args, Db, Page, Paging, QueryBuilder, Scope, StoreResult, Tx};

/// A reception as the register lists it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReceptionSummary))]
pub struct ReceptionSummary {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub letter_ref: String,
    pub letter_unit: String,
    pub purpose: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub guest_count: i64,
    pub meals: i64,
    /// the most accompanying diners at one meal
    pub most_accompanying: i64,
    /// meals, accommodation and transport, in cents
    pub total_cents: i64,
    /// rules whose checks failed at the last save, comma separated ("" when all passed)
    pub failed_rules: String,
    /// the total in 元 ("1,280.00")
    #[sqlx(skip)]
    pub total: String,
}

/// A guest of a reception.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionGuest {
    pub unit_name: String,
    pub name: String,
    pub post: String,
}

/// A meal of a reception.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionMeal {
    pub served_on: NaiveDate,
    /// MealKind key (working, other)
    pub kind: String,
    pub guests: i64,
    pub accompanying: i64,
    pub cost_cents: i64,
    pub alcohol: bool,
    /// cigarettes or 高档酒水
    pub premium: bool,
    /// VenueKind key, "" when not recorded
    pub venue_kind: String,
    pub venue: String,
    #[sqlx(skip)]
    pub kind_label: String,
    #[sqlx(skip)]
    pub venue_kind_label: String,
    #[sqlx(skip)]
    pub cost: String,
}

/// A reception with everything its record holds, its checks and its files.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reception {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub letter_ref: String,
    pub letter_date: Option<NaiveDate>,
    pub letter_unit: String,
    pub guest_city: String,
    pub guest_count: i64,
    pub purpose: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub venues: String,
    pub accommodation: String,
    pub accommodation_cents: i64,
    pub transport: String,
    pub transport_cents: i64,
    pub list_signed_by: String,
    pub has_invoice: bool,
    pub has_letter_copy: bool,
    pub has_list: bool,
    pub has_approval: bool,
    pub total_cents: i64,
    pub failed_rules: String,
    pub recorded_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub guests: Vec<ReceptionGuest>,
    #[sqlx(skip)]
    pub meals: Vec<ReceptionMeal>,
    /// every check (R-REC-1…8) against the settings in force now
    #[sqlx(skip)]
    pub checks: Vec<Check>,
    /// failed checks the 纪检组 turned into findings: (rule, finding id)
    #[sqlx(skip)]
    pub findings: Vec<(String, i64)>,
    /// the scanned 公函 and other files
    #[sqlx(skip)]
    pub files: Vec<PrivateFile>,
}

fn yuan(cents: i64) -> String {
    if cents == 0 {
        String::new()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

impl Reception {
    /// The record as entered, for PATCH and the edit form.
    pub fn fields(&self) -> ReceptionFields {
        ReceptionFields {
            unit_id: Some(self.unit_id),
            letter_ref: self.letter_ref.clone(),
            letter_date: self.letter_date.map(|d| d.to_string()).unwrap_or_default(),
            letter_unit: self.letter_unit.clone(),
            guest_city: self.guest_city.clone(),
            guest_count: Some(self.guest_count),
            guests: self
                .guests
                .iter()
                .map(|g| GuestFields { unit: g.unit_name.clone(), name: g.name.clone(), post: g.post.clone() })
                .collect(),
            purpose: self.purpose.clone(),
            starts_on: self.starts_on.to_string(),
            ends_on: self.ends_on.to_string(),
            venues: self.venues.clone(),
            meals: self
                .meals
                .iter()
                .map(|m| MealFields {
                    date: m.served_on.to_string(),
                    kind: m.kind.clone(),
                    guests: Some(m.guests),
                    accompanying: Some(m.accompanying),
                    diners: None,
                    cost: yuan(m.cost_cents),
                    alcohol: m.alcohol,
                    premium: m.premium,
                    venue_kind: m.venue_kind.clone(),
                    venue: m.venue.clone(),
                })
                .collect(),
            accommodation: self.accommodation.clone(),
            accommodation_cost: yuan(self.accommodation_cents),
            transport: self.transport.clone(),
            transport_cost: yuan(self.transport_cents),
            list_signed_by: self.list_signed_by.clone(),
            has_invoice: self.has_invoice,
            has_letter_copy: self.has_letter_copy,
            has_list: self.has_list,
            has_approval: self.has_approval,
        }
    }

    /// The record as stored, as the domain's draft (for the checks and diffs).
    pub fn draft(&self) -> ReceptionDraft {
        ReceptionDraft {
            unit_id: self.unit_id,
            letter_ref: self.letter_ref.clone(),
            letter_date: self.letter_date,
            letter_unit: self.letter_unit.clone(),
            guest_city: self.guest_city.clone(),
            guest_count: self.guest_count,
            guests: self
                .guests
                .iter()
                .map(|g| Guest { unit: g.unit_name.clone(), name: g.name.clone(), post: g.post.clone() })
                .collect(),
            purpose: self.purpose.clone(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            venues: self.venues.clone(),
            meals: self
                .meals
                .iter()
                .map(|m| Meal {
                    date: m.served_on,
                    kind: MealKind::from_key(&m.kind).unwrap_or(MealKind::Other),
                    guests: m.guests,
                    accompanying: m.accompanying,
                    cost_cents: m.cost_cents,
                    alcohol: m.alcohol,
                    premium: m.premium,
                    venue_kind: VenueKind::from_key(&m.venue_kind),
                    venue: m.venue.clone(),
                })
                .collect(),
            accommodation: self.accommodation.clone(),
            accommodation_cents: self.accommodation_cents,
            transport: self.transport.clone(),
            transport_cents: self.transport_cents,
            list_signed_by: self.list_signed_by.clone(),
            has_invoice: self.has_invoice,
            has_letter_copy: self.has_letter_copy,
            has_list: self.has_list,
            has_approval: self.has_approval,
        }
    }

    /// The failed checks.
    pub fn failed(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| !c.ok).collect()
    }

    /// The finding a failed rule became, if any.
    pub fn finding_for(&self, rule: &str) -> Option<i64> {
        self.findings.iter().find(|(r, _)| r == rule).map(|(_, id)| *id)
    }

    /// The total in 元.
    pub fn total(&self) -> String {
        format_amount(self.total_cents)
    }
}

const SETTINGS_SQL: &str = "SELECT key, value FROM settings WHERE key LIKE 'reception.%'";

/// The local settings the checks read (参数设置, group 公务接待).
pub async fn settings(db: &Db) -> StoreResult<ReceptionSettings> {
    Ok(ReceptionSettings::from_pairs(&db.fetch_all(SETTINGS_SQL, vec![]).await?))
}

/// The same, inside a write's transaction.
pub(super) async fn settings_in(tx: &mut Tx) -> StoreResult<ReceptionSettings> {
    Ok(ReceptionSettings::from_pairs(&tx.fetch_all(SETTINGS_SQL, vec![]).await?))
}

/// 仅本人: receptions the reader's account recorded.
const SELF_COND: &str = "r.account_id IN (SELECT sa.id FROM accounts sa WHERE sa.person_id = ?)";

fn restrict(scope: &Scope, q: &mut QueryBuilder) {
    scope.restrict_with(q, "u.path", "u.id", Some(SELF_COND));
}

/// Filters of the register (all optional).
#[derive(Debug, Clone, Default)]
pub struct ReceptionFilter {
    pub year: Option<i32>,
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    /// only receptions with a failed check
    pub failed: bool,
    pub q: Option<String>,
}

const SUMMARY_COLS: &str = "r.id, r.unit_id, u.name AS unit_name, r.letter_ref, r.letter_unit, r.purpose, \
    r.starts_on, r.ends_on, r.guest_count, \
    (SELECT COUNT(*) FROM reception_meals x WHERE x.reception_id = r.id) AS meals, \
    (SELECT COALESCE(MAX(x.accompanying), 0) FROM reception_meals x WHERE x.reception_id = r.id) AS most_accompanying, \
    r.total_cents, r.failed_rules";
const FROM: &str = " FROM receptions r JOIN units u ON u.id = r.unit_id";

async fn query(db: &Db, scope: &Scope, f: &ReceptionFilter) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    restrict(scope, &mut q);
    if let Some(y) = f.year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or_default();
        q.and("r.starts_on >= ? AND r.starts_on < ?", args![from, to]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "r.unit_id", u, f.include_sub).await?;
    }
    if f.failed {
        q.and("r.failed_rules <> ''", vec![]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and(
            "(r.purpose LIKE ? ESCAPE '\\' OR r.letter_unit LIKE ? ESCAPE '\\' OR r.letter_ref LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
    }
    Ok(q)
}

/// Receptions in scope, newest first.
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &ReceptionFilter,
    paging: Option<Paging>,
) -> StoreResult<Page<ReceptionSummary>> {
    let q = query(db, scope, f).await?;
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<ReceptionSummary> =
        fetch_page(db, SUMMARY_COLS, &from, "r.starts_on DESC, r.id DESC", q.args(), paging).await?;
    for r in &mut page.items {
        r.total = format_amount(r.total_cents);
    }
    Ok(page)
}

const COLS: &str = "r.id, r.unit_id, u.name AS unit_name, u.path AS unit_path, r.letter_ref, r.letter_date, \
    r.letter_unit, r.guest_city, r.guest_count, r.purpose, r.starts_on, r.ends_on, r.venues, r.accommodation, \
    r.accommodation_cents, r.transport, r.transport_cents, r.list_signed_by, r.has_invoice, r.has_letter_copy, \
    r.has_list, r.has_approval, r.total_cents, r.failed_rules, a.username AS recorded_by, r.created_at, r.updated_at";

/// One reception with its record, checks (against the settings in force) and files; NotFound
/// outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Reception> {
    let mut q = QueryBuilder::new();
    q.and("r.id = ?", args![id]);
    restrict(scope, &mut q);
    let sql = format!("SELECT {COLS}{FROM} LEFT JOIN accounts a ON a.id = r.account_id{}", q.where_clause());
    let mut r: Reception = db.fetch_one(&sql, q.args()).await?;
    r.guests = db
        .fetch_all(
            "SELECT unit_name, name, post FROM reception_guests WHERE reception_id = $1 ORDER BY position",
            args![id],
        )
        .await?;
    r.meals = db
        .fetch_all(
            "SELECT served_on, kind, guests, accompanying, cost_cents, alcohol, premium, venue_kind, venue \
             FROM reception_meals WHERE reception_id = $1 ORDER BY position",
            args![id],
        )
        .await?;
    for m in &mut r.meals {
        m.kind_label = MealKind::from_key(&m.kind).map_or("", MealKind::label).into();
        m.venue_kind_label = VenueKind::from_key(&m.venue_kind).map_or("", VenueKind::label).into();
        m.cost = format_amount(m.cost_cents);
    }
    r.checks = checks(&r.draft(), &settings(db).await?);
    r.findings = crate::findings::check_findings(db, &super::write::LINK, id).await?;
    r.files = private_files::list(db, super::LETTER_FILES, id).await?;
    Ok(r)
}

/// 公务接待 spending per host unit in a year (receptions starting in the year): (unit id, cents),
/// meals, accommodation and transport together. Every unit, whatever the reader's scope: the
/// caller (三公经费 budgets) restricts to the units it shows.
pub async fn spending_by_unit_year(db: &Db, year: i32) -> StoreResult<Vec<(i64, i64)>> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
    db.fetch_all(
        "SELECT unit_id, CAST(SUM(total_cents) AS BIGINT) FROM receptions WHERE starts_on >= $1 AND starts_on < $2 \
         GROUP BY unit_id ORDER BY unit_id",
        args![from, to],
    )
    .await
}
