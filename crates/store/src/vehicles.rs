//! 公务用车: vehicles and their trips, read through the vehicle's unit. The checks of
//! `qingfeng_domain::vehicles` are evaluated for every trip of a vehicle whenever one of its
//! trips is saved (a trip's mileage check reads the trip before it), the failed rules kept on
//! the trip for the lists; one trip's page evaluates them again on every read. A failed check
//! the 纪检组 turned into a finding is linked in `vehicle_trip_findings`.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use qingfeng_domain::decisions::{format_amount, Check};
use qingfeng_domain::vehicles::{
    checks, failed_rules, CostKind, PreviousTrip, TripDraft, TripFields, TripRules, VehicleDraft, VehicleFields,
    VehicleKind, CUTOFF_SETTING, KEYWORDS_SETTING,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::findings::CheckLink;
use crate::query::{fetch_page, like_contains};
use crate::{args, audit, Actor, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

/// Where the findings raised from trips' checks are linked.
pub const CHECK_LINK: CheckLink =
    CheckLink {
        table: "vehicle_trip_findings", record_col: "trip_id", entity: "vehicle_trip", what: "该出车记录"
    };

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vehicle {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub plate: String,
    /// `confidential` … `general`
    pub kind: String,
    #[sqlx(skip)]
    pub kind_label: String,
    /// 定点停放地点
    pub parking: String,
    pub note: String,
    /// trips recorded
    pub trips: i64,
    /// trips with a failed check
    pub flagged: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Vehicle {
    fn labelled(mut self) -> Self {
        self.kind_label = VehicleKind::from_key(&self.kind).map_or("", VehicleKind::label).into();
        self
    }

    pub fn fields(&self) -> VehicleFields {
        VehicleFields {
            unit_id: Some(self.unit_id),
            plate: self.plate.clone(),
            kind: self.kind.clone(),
            parking: self.parking.clone(),
            note: self.note.clone(),
        }
    }
}

const VEHICLE_COLS: &str = "v.id, v.unit_id, u.name AS unit_name, u.path AS unit_path, v.plate, v.kind, v.parking, \
    v.note, (SELECT COUNT(*) FROM vehicle_trips t WHERE t.vehicle_id = v.id) AS trips, \
    (SELECT COUNT(*) FROM vehicle_trips t WHERE t.vehicle_id = v.id AND t.failed_rules <> '') AS flagged, \
    v.created_at, v.updated_at";
const VEHICLE_FROM: &str = " FROM vehicles v JOIN units u ON u.id = v.unit_id";

#[derive(Debug, Clone, Default)]
pub struct VehicleFilter {
    pub unit_id: Option<i64>,
    pub q: Option<String>,
}

/// Vehicles in the scope, by unit and plate. `paging` None returns every match.
pub async fn list_vehicles(
    db: &Db,
    scope: &Scope,
    f: &VehicleFilter,
    paging: Option<Paging>,
) -> StoreResult<Page<Vehicle>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    if let Some(u) = f.unit_id {
        q.and("v.unit_id = ?", args![u]);
    }
    if let Some(t) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(t);
        q.and("(v.plate LIKE ? ESCAPE '\\' OR v.parking LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    let from = format!("{VEHICLE_FROM}{}", q.where_clause());
    let mut page: Page<Vehicle> = fetch_page(db, VEHICLE_COLS, &from, "u.path, v.plate", q.args(), paging).await?;
    page.items = page.items.into_iter().map(Vehicle::labelled).collect();
    Ok(page)
}

/// One vehicle, or NotFound when it is outside the scope.
pub async fn get_vehicle(db: &Db, scope: &Scope, id: i64) -> StoreResult<Vehicle> {
    let mut q = QueryBuilder::new();
    q.and("v.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    let v: Vehicle =
        db.fetch_one(&format!("SELECT {VEHICLE_COLS}{VEHICLE_FROM}{}", q.where_clause()), q.args()).await?;
    Ok(v.labelled())
}

fn vehicle_json(d: &VehicleDraft) -> Value {
    json!({"unit_id": d.unit_id, "plate": d.plate, "kind": d.kind.key(), "parking": d.parking, "note": d.note})
}

async fn plate_taken(tx: &mut Tx, plate: &str, other_than: i64) -> StoreResult<()> {
    let row: Option<(i64,)> =
        tx.fetch_optional("SELECT id FROM vehicles WHERE plate = $1 AND id <> $2", args![plate, other_than]).await?;
    match row {
        Some(_) => Err(StoreError::field("plate", format!("号牌“{plate}”已登记"))),
        None => Ok(()),
    }
}

pub async fn create_vehicle(db: &Db, actor: &Actor, d: &VehicleDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    plate_taken(&mut tx, &d.plate, 0).await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO vehicles (unit_id, plate, kind, parking, note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            args![d.unit_id, d.plate.clone(), d.kind.key(), d.parking.clone(), d.note.clone(), now],
        )
        .await?;
    audit::append(&mut tx, actor, "create", "vehicle", id, &audit::diff(&json!({}), &vehicle_json(d))).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_vehicle(
    db: &Db,
    actor: &Actor,
    id: i64,
    before: &VehicleDraft,
    d: &VehicleDraft,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    plate_taken(&mut tx, &d.plate, id).await?;
    tx.execute(
        "UPDATE vehicles SET unit_id = $1, plate = $2, kind = $3, parking = $4, note = $5, updated_at = $6 WHERE id = $7",
        args![d.unit_id, d.plate.clone(), d.kind.key(), d.parking.clone(), d.note.clone(), crate::now(), id],
    )
    .await?;
    audit::append(&mut tx, actor, "update", "vehicle", id, &audit::diff(&vehicle_json(before), &vehicle_json(d)))
        .await?;
    tx.commit().await
}

// ------------------------------------------------------------------ trips

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trip {
    pub id: i64,
    pub vehicle_id: i64,
    pub plate: String,
    pub parking: String,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub departed_on: NaiveDate,
    pub departed_time: String,
    pub returned_on: Option<NaiveDate>,
    pub returned_time: String,
    pub purpose: String,
    pub destination: String,
    pub mileage_start: Option<i64>,
    pub mileage_end: Option<i64>,
    pub distance_km: Option<i64>,
    /// `fuel` or `charging`
    pub cost_kind: String,
    #[sqlx(skip)]
    pub cost_kind_label: String,
    pub cost_cents: Option<i64>,
    /// the cost in 元, as shown ("120.50")
    #[sqlx(skip)]
    pub cost: String,
    pub driver: String,
    pub approver: String,
    pub special_approval: String,
    pub note: String,
    /// the rules (R-CAR-n, comma separated) whose checks failed at the last save
    pub failed_rules: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// every check as of this read (one trip only; empty in lists)
    #[sqlx(skip)]
    pub checks: Vec<Check>,
    /// (rule, finding id) of the failed checks the 纪检组 turned into findings
    #[sqlx(skip)]
    pub findings: Vec<(String, i64)>,
}

impl Trip {
    fn labelled(mut self) -> Self {
        self.cost_kind_label = CostKind::from_key(&self.cost_kind).map_or("", CostKind::label).into();
        self.cost = self.cost_cents.map(format_amount).unwrap_or_default();
        self
    }

    /// The trip as entered (to edit or patch it).
    pub fn fields(&self) -> TripFields {
        let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        TripFields {
            vehicle_id: Some(self.vehicle_id),
            departed_on: self.departed_on.to_string(),
            departed_time: self.departed_time.clone(),
            returned_on: self.returned_on.map(|d| d.to_string()).unwrap_or_default(),
            returned_time: self.returned_time.clone(),
            purpose: self.purpose.clone(),
            destination: self.destination.clone(),
            mileage_start: n(self.mileage_start),
            mileage_end: n(self.mileage_end),
            distance_km: if self.mileage_start.is_some() && self.mileage_end.is_some() {
                String::new()
            } else {
                n(self.distance_km)
            },
            cost_kind: self.cost_kind.clone(),
            cost: self.cost_cents.map(|c| format!("{}.{:02}", c / 100, c % 100)).unwrap_or_default(),
            driver: self.driver.clone(),
            approver: self.approver.clone(),
            special_approval: self.special_approval.clone(),
            note: self.note.clone(),
        }
    }

    /// The failed rules as a list.
    pub fn failed(&self) -> Vec<&str> {
        self.failed_rules.split(',').filter(|r| !r.is_empty()).collect()
    }
}

const TRIP_COLS: &str = "t.id, t.vehicle_id, v.plate, v.parking, v.unit_id, u.name AS unit_name, u.path AS unit_path, \
    t.departed_on, t.departed_time, t.returned_on, t.returned_time, t.purpose, t.destination, t.mileage_start, \
    t.mileage_end, t.distance_km, t.cost_kind, t.cost_cents, t.driver, t.approver, t.special_approval, t.note, \
    t.failed_rules, t.created_at, t.updated_at";
const TRIP_FROM: &str = " FROM vehicle_trips t JOIN vehicles v ON v.id = t.vehicle_id JOIN units u ON u.id = v.unit_id";

#[derive(Debug, Clone, Default)]
pub struct TripFilter {
    pub vehicle_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// the first and last day of the trips' departure
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// only trips with a failed check
    pub flagged: bool,
    /// only trips failing this rule
    pub rule: Option<String>,
    pub q: Option<String>,
}

/// Trips in the scope matching the filter, newest first (`oldest_first` for registers).
pub async fn list_trips(
    db: &Db,
    scope: &Scope,
    f: &TripFilter,
    paging: Option<Paging>,
    oldest_first: bool,
) -> StoreResult<Page<Trip>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    if let Some(v) = f.vehicle_id {
        q.and("t.vehicle_id = ?", args![v]);
    }
    if let Some(u) = f.unit_id {
        q.and("v.unit_id = ?", args![u]);
    }
    if let Some(d) = f.from {
        q.and("t.departed_on >= ?", args![d]);
    }
    if let Some(d) = f.to {
        q.and("t.departed_on <= ?", args![d]);
    }
    if f.flagged {
        q.and("t.failed_rules <> ''", vec![]);
    }
    if let Some(r) = f.rule.as_deref() {
        q.and("(',' || t.failed_rules || ',') LIKE ?", args![format!("%,{r},%")]);
    }
    if let Some(t) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(t);
        q.and(
            "(t.purpose LIKE ? ESCAPE '\\' OR t.destination LIKE ? ESCAPE '\\' OR t.driver LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
    }
    let from = format!("{TRIP_FROM}{}", q.where_clause());
    let order = if oldest_first {
        "v.plate, t.departed_on, t.departed_time, t.id"
    } else {
        "t.departed_on DESC, t.departed_time DESC, t.id DESC"
    };
    let mut page: Page<Trip> = fetch_page(db, TRIP_COLS, &from, order, q.args(), paging).await?;
    page.items = page.items.into_iter().map(Trip::labelled).collect();
    Ok(page)
}

/// The rules the checks need: the holiday calendar and the settings.
pub async fn trip_rules(db: &Db) -> StoreResult<TripRules> {
    let calendar = crate::holidays::calendar(db).await?;
    let cutoff = crate::settings::get(db, CUTOFF_SETTING).await?;
    let keywords = crate::settings::get(db, KEYWORDS_SETTING).await?;
    Ok(TripRules::new(calendar, cutoff.as_deref(), keywords.as_deref()))
}

async fn trip_rules_in(tx: &mut Tx) -> StoreResult<TripRules> {
    let calendar = crate::holidays::calendar_in(tx).await?;
    let rows: Vec<(String, String)> = tx
        .fetch_all("SELECT key, value FROM settings WHERE key IN ($1, $2)", args![CUTOFF_SETTING, KEYWORDS_SETTING])
        .await?;
    let get = |k: &str| rows.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    Ok(TripRules::new(calendar, get(CUTOFF_SETTING), get(KEYWORDS_SETTING)))
}

/// The trip of a vehicle before one leaving at this day and time (and, at the same minute,
/// with a smaller id than `before_id`), as the mileage check reads it.
pub async fn previous_trip(
    db: &Db,
    vehicle_id: i64,
    departed_on: NaiveDate,
    departed_time: &str,
    before_id: i64,
) -> StoreResult<Option<PreviousTrip>> {
    let prev: Option<(NaiveDate, Option<i64>)> = db
        .fetch_optional(
            "SELECT departed_on, mileage_end FROM vehicle_trips WHERE vehicle_id = $1 AND \
             (departed_on < $2 OR (departed_on = $2 AND (departed_time < $3 OR (departed_time = $3 AND id < $4)))) \
             ORDER BY departed_on DESC, departed_time DESC, id DESC LIMIT 1",
            args![vehicle_id, departed_on, departed_time, before_id],
        )
        .await?;
    Ok(prev.map(|(departed_on, mileage_end)| PreviousTrip { departed_on, mileage_end }))
}

/// One trip with every check as of now, or NotFound outside the scope.
pub async fn get_trip(db: &Db, scope: &Scope, id: i64) -> StoreResult<Trip> {
    let mut q = QueryBuilder::new();
    q.and("t.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    let t: Trip = db.fetch_one(&format!("SELECT {TRIP_COLS}{TRIP_FROM}{}", q.where_clause()), q.args()).await?;
    let mut t = t.labelled();
    let prev = previous_trip(db, t.vehicle_id, t.departed_on, &t.departed_time, t.id).await?;
    if let Ok(d) = t.fields().validate() {
        t.checks = checks(&d, prev, &trip_rules(db).await?);
    }
    t.findings = crate::findings::check_findings(db, &CHECK_LINK, id).await?;
    Ok(t)
}

fn at(d: NaiveDateTime) -> (NaiveDate, String) {
    (d.date(), d.format("%H:%M").to_string())
}

/// The values of a trip's own columns, in the order INSERT and UPDATE name them ($1 … $15).
fn trip_args(d: &TripDraft) -> Vec<Arg> {
    let (out_day, out_time) = at(d.departed);
    let (back_day, back_time) = d.returned.map(at).map_or((None, String::new()), |(a, b)| (Some(a), b));
    args![
        d.vehicle_id,
        out_day,
        out_time,
        back_day,
        back_time,
        d.purpose.clone(),
        d.destination.clone(),
        d.mileage_start,
        d.mileage_end,
        d.distance_km,
        d.cost_kind.map_or("", CostKind::key),
        d.cost_cents,
        d.driver.clone(),
        d.approver.clone(),
        d.special_approval.clone()
    ]
}

async fn plate_of(tx: &mut Tx, vehicle_id: i64) -> StoreResult<String> {
    let (plate,): (String,) = tx.fetch_one("SELECT plate FROM vehicles WHERE id = $1", args![vehicle_id]).await?;
    Ok(plate)
}

/// The trip for the audit trail: the vehicle by its plate, times and amounts as read.
async fn trip_json(tx: &mut Tx, d: &TripDraft) -> StoreResult<Value> {
    let plate = plate_of(tx, d.vehicle_id).await?;
    Ok(json!({"vehicle": plate, "departed_at": d.departed.format("%Y-%m-%d %H:%M").to_string(),
        "returned_at": d.returned.map(|r| r.format("%Y-%m-%d %H:%M").to_string()),
        "purpose": d.purpose, "destination": d.destination, "distance_km": d.distance_km,
        "cost": d.cost_cents.map(format_amount), "driver": d.driver, "approver": d.approver,
        "special_approval": d.special_approval}))
}

async fn insert_trip(tx: &mut Tx, actor: &Actor, d: &TripDraft, action: &str) -> StoreResult<i64> {
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO vehicle_trips (vehicle_id, departed_on, departed_time, returned_on, returned_time, purpose, \
             destination, mileage_start, mileage_end, distance_km, cost_kind, cost_cents, driver, approver, \
             special_approval, note, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
            [trip_args(d), args![d.note.clone(), actor.account_id, now]].concat(),
        )
        .await?;
    let after = trip_json(tx, d).await?;
    audit::append(tx, actor, action, "vehicle_trip", id, &audit::diff(&json!({}), &after)).await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Recheck {
    id: i64,
    departed_on: NaiveDate,
    departed_time: String,
    returned_on: Option<NaiveDate>,
    returned_time: String,
    purpose: String,
    destination: String,
    mileage_start: Option<i64>,
    mileage_end: Option<i64>,
    distance_km: Option<i64>,
    cost_cents: Option<i64>,
    driver: String,
    approver: String,
    special_approval: String,
    failed_rules: String,
}

/// Evaluates the checks of every trip of a vehicle in order, keeping the failed rules.
async fn recheck(tx: &mut Tx, rules: &TripRules, vehicle_id: i64) -> StoreResult<()> {
    let rows: Vec<Recheck> = tx
        .fetch_all(
            "SELECT id, departed_on, departed_time, returned_on, returned_time, purpose, destination, mileage_start, \
             mileage_end, distance_km, cost_cents, driver, approver, special_approval, failed_rules \
             FROM vehicle_trips WHERE vehicle_id = $1 ORDER BY departed_on, departed_time, id",
            args![vehicle_id],
        )
        .await?;
    let mut prev: Option<PreviousTrip> = None;
    for r in rows {
        let clock = |s: &str| qingfeng_domain::vehicles::parse_clock(s).unwrap_or_default();
        let d = TripDraft {
            vehicle_id,
            departed: r.departed_on.and_time(clock(&r.departed_time)),
            returned: r.returned_on.map(|day| day.and_time(clock(&r.returned_time))),
            purpose: r.purpose,
            destination: r.destination,
            mileage_start: r.mileage_start,
            mileage_end: r.mileage_end,
            distance_km: r.distance_km,
            cost_kind: None,
            cost_cents: r.cost_cents,
            driver: r.driver,
            approver: r.approver,
            special_approval: r.special_approval,
            note: String::new(),
        };
        let failed = failed_rules(&checks(&d, prev, rules));
        if failed != r.failed_rules {
            tx.execute("UPDATE vehicle_trips SET failed_rules = $1 WHERE id = $2", args![failed, r.id]).await?;
        }
        prev = Some(PreviousTrip { departed_on: r.departed_on, mileage_end: r.mileage_end });
    }
    Ok(())
}

/// Trip costs count against the vehicle's unit's 公务用车 budget of the year.
async fn evaluate_budget(tx: &mut Tx, actor: &Actor, d: &TripDraft) -> StoreResult<()> {
    let (unit,): (i64,) = tx.fetch_one("SELECT unit_id FROM vehicles WHERE id = $1", args![d.vehicle_id]).await?;
    crate::budgets::evaluate(tx, actor, unit, d.departed.year()).await
}

/// Records a trip and checks its vehicle's trips again.
pub async fn create_trip(db: &Db, actor: &Actor, d: &TripDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let rules = trip_rules_in(&mut tx).await?;
    let id = insert_trip(&mut tx, actor, d, "create").await?;
    recheck(&mut tx, &rules, d.vehicle_id).await?;
    evaluate_budget(&mut tx, actor, d).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records imported trips in one transaction, each checked like a typed one; returns how many.
pub async fn create_trips(db: &Db, actor: &Actor, drafts: &[TripDraft]) -> StoreResult<usize> {
    let mut tx = db.begin().await?;
    let rules = trip_rules_in(&mut tx).await?;
    let mut vehicles: Vec<i64> = Vec::new();
    for d in drafts {
        insert_trip(&mut tx, actor, d, "import").await?;
        if !vehicles.contains(&d.vehicle_id) {
            vehicles.push(d.vehicle_id);
        }
    }
    for v in vehicles {
        recheck(&mut tx, &rules, v).await?;
    }
    let mut evaluated: Vec<(i64, i32)> = Vec::new();
    for d in drafts {
        if !evaluated.contains(&(d.vehicle_id, d.departed.year())) {
            evaluated.push((d.vehicle_id, d.departed.year()));
            evaluate_budget(&mut tx, actor, d).await?;
        }
    }
    tx.commit().await?;
    Ok(drafts.len())
}

/// Saves an edit of a trip; records what changed; checks the trips of its vehicle (both, when
/// it moved to another vehicle) again.
pub async fn update_trip(db: &Db, actor: &Actor, id: i64, before: &TripDraft, d: &TripDraft) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let rules = trip_rules_in(&mut tx).await?;
    let n = tx
        .execute(
            "UPDATE vehicle_trips SET vehicle_id = $1, departed_on = $2, departed_time = $3, returned_on = $4, \
             returned_time = $5, purpose = $6, destination = $7, mileage_start = $8, mileage_end = $9, \
             distance_km = $10, cost_kind = $11, cost_cents = $12, driver = $13, approver = $14, \
             special_approval = $15, note = $16, updated_at = $17 WHERE id = $18",
            [trip_args(d), args![d.note.clone(), crate::now(), id]].concat(),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let (old, new) = (trip_json(&mut tx, before).await?, trip_json(&mut tx, d).await?);
    audit::append(&mut tx, actor, "update", "vehicle_trip", id, &audit::diff(&old, &new)).await?;
    recheck(&mut tx, &rules, d.vehicle_id).await?;
    if before.vehicle_id != d.vehicle_id {
        recheck(&mut tx, &rules, before.vehicle_id).await?;
    }
    evaluate_budget(&mut tx, actor, d).await?;
    tx.commit().await
}

/// The first and last day of a year.
pub fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    (first, first.with_year(year + 1).and_then(|d| d.pred_opt()).unwrap_or(first))
}
