//! The official holiday calendar: the days the State Council's notice sets apart, as the
//! administrator entered or imported them, and the [`Calendar`] working-day rules count over.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qingfeng_domain::calendar::{Calendar, DayKind, HolidayDraft};
use serde::Serialize;
use serde_json::json;

use crate::imports::Written;
use crate::{args, audit, Actor, Db, StoreError, StoreResult, Tx};

/// One day of the calendar.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holiday {
    pub day: NaiveDate,
    /// `holiday` (放假) or `workday` (调休上班)
    pub kind: String,
    /// 放假 or 上班
    #[sqlx(skip)]
    pub kind_label: String,
    /// 元旦, 春节 …
    pub name: String,
    /// 周一 … 周日
    #[sqlx(skip)]
    pub weekday: String,
    pub updated_at: DateTime<Utc>,
}

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

impl Holiday {
    fn labelled(mut self) -> Self {
        self.kind_label = DayKind::from_key(&self.kind).map(DayKind::label).unwrap_or("").to_string();
        self.weekday = WEEKDAYS[self.day.weekday().num_days_from_monday() as usize].to_string();
        self
    }

    pub fn draft(&self) -> Option<HolidayDraft> {
        Some(HolidayDraft { day: self.day, kind: DayKind::from_key(&self.kind)?, name: self.name.clone() })
    }
}

const COLS: &str = "day, kind, name, updated_at";

/// The days of `year` (every year when None), in date order.
pub async fn list(db: &Db, year: Option<i32>) -> StoreResult<Vec<Holiday>> {
    let rows: Vec<Holiday> = match year {
        Some(y) => {
            let (from, to) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31));
            db.fetch_all(
                &format!("SELECT {COLS} FROM holidays WHERE day >= $1 AND day <= $2 ORDER BY day"),
                args![from, to],
            )
            .await?
        }
        None => db.fetch_all(&format!("SELECT {COLS} FROM holidays ORDER BY day"), vec![]).await?,
    };
    Ok(rows.into_iter().map(Holiday::labelled).collect())
}

/// The years that have days entered, oldest first.
pub async fn years(db: &Db) -> StoreResult<Vec<i32>> {
    let days: Vec<(NaiveDate,)> = db.fetch_all("SELECT day FROM holidays ORDER BY day", vec![]).await?;
    let mut out: Vec<i32> = days.into_iter().map(|(d,)| d.year()).collect();
    out.dedup();
    Ok(out)
}

/// The whole calendar, for working-day arithmetic.
pub async fn calendar(db: &Db) -> StoreResult<Calendar> {
    let rows: Vec<(NaiveDate, String)> = db.fetch_all("SELECT day, kind FROM holidays", vec![]).await?;
    Ok(Calendar::new(rows.into_iter().filter_map(|(d, k)| DayKind::from_key(&k).map(|k| (d, k)))))
}

/// The whole calendar, read inside a transaction.
pub async fn calendar_in(tx: &mut Tx) -> StoreResult<Calendar> {
    let rows: Vec<(NaiveDate, String)> = tx.fetch_all("SELECT day, kind FROM holidays", vec![]).await?;
    Ok(Calendar::new(rows.into_iter().filter_map(|(d, k)| DayKind::from_key(&k).map(|k| (d, k)))))
}

fn draft_json(d: &HolidayDraft) -> serde_json::Value {
    json!({"day": d.day, "kind": d.kind.key(), "name": d.name})
}

/// Writes one day (new, or over what the day said); answers whether anything changed.
async fn put_one(tx: &mut Tx, actor: &Actor, d: &HolidayDraft, at: DateTime<Utc>) -> StoreResult<Option<bool>> {
    let before: Option<Holiday> =
        tx.fetch_optional(&format!("SELECT {COLS} FROM holidays WHERE day = $1"), args![d.day]).await?;
    match before.and_then(|h| h.draft()) {
        Some(b) if b == *d => Ok(None),
        Some(b) => {
            tx.execute(
                "UPDATE holidays SET kind = $1, name = $2, updated_at = $3 WHERE day = $4",
                args![d.kind.key(), d.name.clone(), at, d.day],
            )
            .await?;
            let changes = audit::diff(&draft_json(&b), &draft_json(d));
            audit::append(tx, actor, "update", "holiday", d.day, &changes).await?;
            Ok(Some(false))
        }
        None => {
            tx.execute(
                "INSERT INTO holidays (day, kind, name, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at",
                args![d.day, d.kind.key(), d.name.clone(), at],
            )
            .await?;
            audit::append(tx, actor, "create", "holiday", d.day, &draft_json(d)).await?;
            Ok(Some(true))
        }
    }
}

/// Writes the days (a range entered at once, or an import's accepted rows) in one transaction;
/// a day equal to what is stored changes nothing. `import` names the rows left out of an import
/// (then one summary record is added).
pub async fn put(
    db: &Db,
    actor: &Actor,
    days: &[HolidayDraft],
    import: Option<usize>,
    at: DateTime<Utc>,
) -> StoreResult<Written> {
    let mut tx = db.begin().await?;
    let mut written = Written::default();
    for d in days {
        match put_one(&mut tx, actor, d, at).await? {
            Some(true) => written.created += 1,
            Some(false) => written.updated += 1,
            None => {}
        }
    }
    if let Some(skipped) = import {
        let summary = json!({"created": written.created, "updated": written.updated, "skipped_rows": skipped});
        audit::append(&mut tx, actor, "import", "holiday", "", &summary).await?;
    }
    tx.commit().await?;
    Ok(written)
}

/// Removes a day from the calendar (it becomes an ordinary day again).
pub async fn delete(db: &Db, actor: &Actor, day: NaiveDate) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let before: Option<Holiday> =
        tx.fetch_optional(&format!("SELECT {COLS} FROM holidays WHERE day = $1"), args![day]).await?;
    let Some(before) = before.and_then(|h| h.draft()) else { return Err(StoreError::NotFound) };
    tx.execute("DELETE FROM holidays WHERE day = $1", args![day]).await?;
    audit::append(&mut tx, actor, "delete", "holiday", day, &draft_json(&before)).await?;
    tx.commit().await
}
