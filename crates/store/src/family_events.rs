//! 婚丧喜庆 (R-FAM-1 … R-FAM-4): the advance report (or a 丧事's report afterwards) and the actual
//! figures after the event. Lists read through the caller's scope; what a reader who is neither
//! the person nor the 纪检监察组 may see of a record is the web layer's to cut. A step whose
//! record breaks a rule tells the 纪检监察组 in the step's transaction; the audit trail keeps the
//! facts of each step, not the reported details.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::access::Permission;
use qingfeng_domain::family::{ActualDraft, EventKind, Facts, FamilyEventDraft};
use serde::Serialize;
use serde_json::json;

use crate::notify::{self, Event};
use crate::query::fetch_page;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyEvent {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// `wedding`, `funeral` or `other`
    pub kind: String,
    #[sqlx(skip)]
    pub kind_label: String,
    pub event_date: NaiveDate,
    pub place: String,
    pub relation: String,
    pub planned_people: i64,
    pub planned_tables: i64,
    pub planned_cars: i64,
    pub joint: bool,
    pub joint_note: String,
    pub pledge_text: String,
    pub reported_on: NaiveDate,
    pub actual_people: Option<i64>,
    pub actual_tables: Option<i64>,
    pub actual_cars: Option<i64>,
    pub client_gifts: bool,
    pub gift_note: String,
    pub gifts_handed_in_on: Option<NaiveDate>,
    /// the day the actual figures were reported (None: not yet)
    pub actual_reported_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FamilyEvent {
    fn labelled(mut self) -> Self {
        self.kind_label = EventKind::from_key(&self.kind).map(EventKind::label).unwrap_or("").into();
        self
    }

    /// What the rules read of the record.
    pub fn facts(&self) -> Option<Facts> {
        Some(Facts {
            kind: EventKind::from_key(&self.kind)?,
            event_date: self.event_date,
            reported_on: self.reported_on,
            joint: self.joint,
            planned: (self.planned_people, self.planned_tables, self.planned_cars),
            actual: self.actual_reported_on.map(|_| {
                (self.actual_people.unwrap_or(0), self.actual_tables.unwrap_or(0), self.actual_cars.unwrap_or(0))
            }),
            client_gifts: self.client_gifts,
            gifts_handed_in_on: self.gifts_handed_in_on,
        })
    }
}

const COLS: &str = "e.id, e.person_id, p.name AS person_name, p.unit_id, u.name AS unit_name, e.kind, e.event_date, \
    e.place, e.relation, e.planned_people, e.planned_tables, e.planned_cars, e.joint, e.joint_note, e.pledge_text, \
    e.reported_on, e.actual_people, e.actual_tables, e.actual_cars, e.client_gifts, e.gift_note, e.gifts_handed_in_on, \
    e.actual_reported_on, e.created_at, e.updated_at";
const FROM: &str = " FROM family_events e JOIN people p ON p.id = e.person_id JOIN units u ON u.id = p.unit_id";

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub year: Option<i64>,
    pub kind: Option<EventKind>,
    pub person_id: Option<i64>,
}

/// Records in `scope`, newest event first. `paging` None returns every match (exports).
pub async fn list(db: &Db, scope: &Scope, f: &EventFilter, paging: Option<Paging>) -> StoreResult<Page<FamilyEvent>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    if let Some(y) = f.year {
        let (from, to) = (NaiveDate::from_ymd_opt(y as i32, 1, 1), NaiveDate::from_ymd_opt(y as i32, 12, 31));
        q.and("e.event_date >= ? AND e.event_date <= ?", args![from, to]);
    }
    if let Some(k) = f.kind {
        q.and("e.kind = ?", args![k.key()]);
    }
    if let Some(pid) = f.person_id {
        q.and("e.person_id = ?", args![pid]);
    }
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<FamilyEvent> =
        fetch_page(db, COLS, &from, "e.event_date DESC, e.id DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(FamilyEvent::labelled).collect();
    Ok(page)
}

/// One record in `scope` (otherwise `NotFound`).
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<FamilyEvent> {
    let mut q = QueryBuilder::new();
    q.and("e.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    let e: FamilyEvent = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(e.labelled())
}

/// Records whose gifts from 管理服务对象 are not handed in and were due before `before` (the
/// reminder pass), with the actual figures reported.
pub async fn gifts_outstanding(db: &Db, due_before: NaiveDate) -> StoreResult<Vec<FamilyEvent>> {
    let rows: Vec<FamilyEvent> = db
        .fetch_all(
            &format!(
                "SELECT {COLS}{FROM} WHERE e.client_gifts = TRUE AND e.gifts_handed_in_on IS NULL AND e.event_date < $1 \
                 ORDER BY e.event_date, e.id"
            ),
            args![due_before],
        )
        .await?;
    Ok(rows.into_iter().map(FamilyEvent::labelled).collect())
}

/// Records of a person whose event has passed and whose actual figures are not reported.
pub async fn actuals_owed(db: &Db, person_id: Option<i64>, today: NaiveDate) -> StoreResult<Vec<FamilyEvent>> {
    let mut q = QueryBuilder::new();
    q.and("e.actual_reported_on IS NULL AND e.event_date <= ?", args![today]);
    if let Some(pid) = person_id {
        q.and("e.person_id = ?", args![pid]);
    }
    let rows: Vec<FamilyEvent> =
        db.fetch_all(&format!("SELECT {COLS}{FROM}{} ORDER BY e.event_date, e.id", q.where_clause()), q.args()).await?;
    Ok(rows.into_iter().map(FamilyEvent::labelled).collect())
}

/// Tells the 纪检监察组 covering the person's unit that a record breaks `flags` (rule and title).
async fn tell_group(tx: &mut Tx, actor: &Actor, id: i64, flags: &[String]) -> StoreResult<()> {
    if flags.is_empty() {
        return Ok(());
    }
    let (name, unit_id, kind): (String, i64, String) = tx
        .fetch_one(
            "SELECT p.name, p.unit_id, e.kind FROM family_events e JOIN people p ON p.id = e.person_id WHERE e.id = $1",
            args![id],
        )
        .await?;
    let to = notify::group_accounts(tx, unit_id, Permission::PersonalReportReview).await?;
    let event = Event::FamilyEventFlagged { event_id: id, person_name: name, kind, flags: flags.to_vec() };
    notify::tell(tx, actor, &to, &event).await?;
    Ok(())
}

/// Files the advance report (a 丧事's report afterwards) for `person_id` on `reported_on`;
/// `flags` are the rules it breaks as filed, told to the 纪检监察组.
pub async fn create(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    d: &FamilyEventDraft,
    reported_on: NaiveDate,
    flags: &[String],
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO family_events (person_id, kind, event_date, place, relation, planned_people, planned_tables, \
             planned_cars, joint, joint_note, pledge_text, reported_on, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
            args![
                person_id,
                d.kind.key(),
                d.event_date,
                d.place.clone(),
                d.relation.clone(),
                d.planned_people,
                d.planned_tables,
                d.planned_cars,
                d.joint,
                d.joint_note.clone(),
                d.pledge_text.clone(),
                reported_on,
                actor.account_id,
                now
            ],
        )
        .await?;
    let facts = json!({"person_id": person_id, "kind": d.kind.key(), "event_date": d.event_date,
        "reported_on": reported_on, "joint": d.joint, "flags": flags});
    audit::append(&mut tx, actor, "create", "family_event", id, &facts).await?;
    tell_group(&mut tx, actor, id, flags).await?;
    tx.commit().await?;
    Ok(id)
}

/// Reports the actual figures (once); `flags` are the rules the record breaks with them that it
/// did not break before, told to the 纪检监察组.
pub async fn report_actual(
    db: &Db,
    actor: &Actor,
    id: i64,
    a: &ActualDraft,
    on: NaiveDate,
    flags: &[String],
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let (done,): (Option<NaiveDate>,) = tx
        .fetch_optional("SELECT actual_reported_on FROM family_events WHERE id = $1", args![id])
        .await?
        .ok_or(StoreError::NotFound)?;
    if done.is_some() {
        return Err(StoreError::Refused("实际情况已经报告过，不能重复报告".into()));
    }
    tx.execute(
        "UPDATE family_events SET actual_people = $1, actual_tables = $2, actual_cars = $3, client_gifts = $4, \
         gift_note = $5, gifts_handed_in_on = $6, actual_reported_on = $7, updated_at = $8 WHERE id = $9",
        args![
            a.actual_people,
            a.actual_tables,
            a.actual_cars,
            a.client_gifts,
            a.gift_note.clone(),
            a.gifts_handed_in_on,
            on,
            crate::now(),
            id
        ],
    )
    .await?;
    let facts = json!({"actual_reported_on": on, "client_gifts": a.client_gifts,
        "gifts_handed_in_on": a.gifts_handed_in_on, "flags": flags});
    audit::append(&mut tx, actor, "report_actual", "family_event", id, &facts).await?;
    tell_group(&mut tx, actor, id, flags).await?;
    tx.commit().await
}

/// Records the day improper gifts were handed in (after the actual figures).
pub async fn hand_in(db: &Db, actor: &Actor, id: i64, on: NaiveDate) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE family_events SET gifts_handed_in_on = $1, updated_at = $2 WHERE id = $3 AND client_gifts = TRUE \
             AND gifts_handed_in_on IS NULL",
            args![on, crate::now(), id],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused("没有待上交的礼金礼品".into()));
    }
    audit::append(&mut tx, actor, "hand_in", "family_event", id, &json!({"gifts_handed_in_on": on})).await?;
    tx.commit().await
}
