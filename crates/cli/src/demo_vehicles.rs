//! Demo 公务用车: three vehicles of the office kept by 综合科, and a year of trips (2026, up to
//! today) with continuous odometers, so the trip log, the monthly register and the 纪检组's list
//! have content: one 国庆 trip without special approval (R-CAR-2), one late return (R-CAR-3),
//! one destination a keyword flags for review (R-CAR-4) and an approved weekend trip.

use chrono::{Duration, NaiveDate};
use qingfeng_domain::calendar::Calendar;
use qingfeng_domain::vehicles::{CostKind, TripDraft, VehicleDraft, VehicleKind};
use qingfeng_store::{holidays, vehicles, Actor, Db};

const VEHICLES: &[(&str, VehicleKind, &str)] = &[
    ("赣C·A0101", VehicleKind::Confidential, "县委大院东侧车库1号位"),
    ("赣C·A0102", VehicleKind::Emergency, "县委大院东侧车库2号位"),
    ("赣C·D0103", VehicleKind::General, "县委大院地下车库"),
];

const ERRANDS: &[(&str, &str, i64)] = &[
    ("送达机要文件", "县档案馆", 12),
    ("到乡镇督查防汛工作", "青山镇政府", 46),
    ("陪同调研乡村振兴", "石桥乡", 64),
    ("参加市委办工作会议", "市委办公室", 118),
    ("督查重点项目进度", "工业园区", 28),
    ("接送会议材料", "县会议中心", 8),
];

fn at(day: NaiveDate, h: u32, m: u32) -> chrono::NaiveDateTime {
    day.and_hms_opt(h, m, 0).expect("a time")
}

/// The trip plan of one vehicle: on working days (the holiday calendar's), every third day an
/// errand.
fn plan(
    vehicle_id: i64,
    k: usize,
    people: (&str, &str),
    cal: &Calendar,
    days: (NaiveDate, NaiveDate),
) -> Vec<TripDraft> {
    let (driver, approver) = people;
    let (from, to) = days;
    let mut odometer = 21_000 + 9_000 * k as i64;
    let mut out = Vec::new();
    for (i, day) in from.iter_days().take_while(|d| *d <= to).enumerate() {
        if !cal.is_working_day(day) || !(i + k).is_multiple_of(3) {
            continue;
        }
        let (purpose, destination, km) = ERRANDS[(i / 3 + k) % ERRANDS.len()];
        let refuel = out.len() % 4 == 3;
        out.push(TripDraft {
            vehicle_id,
            departed: at(day, 8, 30),
            returned: Some(at(day, if km > 100 { 18 } else { 12 }, 10)),
            purpose: purpose.into(),
            destination: destination.into(),
            mileage_start: Some(odometer),
            mileage_end: Some(odometer + km),
            distance_km: Some(km),
            cost_kind: Some(CostKind::Fuel),
            cost_cents: Some(if refuel { 32_000 + 1_000 * k as i64 } else { 0 }),
            driver: driver.into(),
            approver: approver.into(),
            special_approval: String::new(),
            note: String::new(),
        });
        odometer += km;
    }
    out
}

/// Puts a trip on `day` (keeping the odometer continuous after it): the exceptions of the year.
fn insert(trips: &mut Vec<TripDraft>, mut t: TripDraft) {
    let pos = trips.iter().position(|x| x.departed > t.departed).unwrap_or(trips.len());
    let start = pos.checked_sub(1).and_then(|p| trips[p].mileage_end).unwrap_or(20_000);
    let km = t.distance_km.unwrap_or(0);
    (t.mileage_start, t.mileage_end) = (Some(start), Some(start + km));
    for x in trips.iter_mut().skip(pos) {
        x.mileage_start = x.mileage_start.map(|m| m + km);
        x.mileage_end = x.mileage_end.map(|m| m + km);
    }
    trips.insert(pos, t);
}

fn special(
    base: &TripDraft,
    day: NaiveDate,
    purpose: &str,
    destination: &str,
    back: (u32, u32),
    approval: &str,
) -> TripDraft {
    TripDraft {
        departed: at(day, 19, 0),
        returned: Some(at(day, back.0, back.1)),
        purpose: purpose.into(),
        destination: destination.into(),
        distance_km: Some(30),
        special_approval: approval.into(),
        ..base.clone()
    }
}

/// Registers the vehicles and their trips; answers how many trips.
pub async fn seed(db: &Db, today: NaiveDate) -> anyhow::Result<usize> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let unit: Option<(i64,)> = db.fetch_optional("SELECT id FROM units WHERE code = 'XWB-ZHK'", vec![]).await?;
    let Some((unit_id,)) = unit else { return Ok(0) };
    let names = |sql: &'static str| async move {
        let rows: Vec<(String,)> = db.fetch_all(sql, vec![]).await?;
        anyhow::Ok(rows.into_iter().map(|r| r.0).collect::<Vec<_>>())
    };
    let drivers = names("SELECT p.name FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-ZHK' AND p.title = '驾驶员' ORDER BY p.id").await?;
    let approver = names("SELECT p.name FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-ZHK' AND p.title LIKE '%科长%' ORDER BY p.id")
        .await?
        .into_iter()
        .next()
        .unwrap_or_else(|| "综合科科长".into());
    let from = NaiveDate::from_ymd_opt(2026, 1, 5).expect("a day");
    let to = today.min(NaiveDate::from_ymd_opt(2026, 12, 31).expect("a day")) - Duration::days(1);
    let calendar = holidays::calendar(db).await?;
    let mut n = 0;
    for (k, (plate, kind, parking)) in VEHICLES.iter().enumerate() {
        let d = VehicleDraft {
            unit_id,
            plate: plate.to_string(),
            kind: *kind,
            parking: parking.to_string(),
            note: String::new(),
        };
        let id = vehicles::create_vehicle(db, &actor, &d).await?;
        let driver = drivers.get(k % drivers.len().max(1)).cloned().unwrap_or_else(|| "驾驶员".into());
        let mut trips = plan(id, k, (&driver, &approver), &calendar, (from, to));
        let Some(base) = trips.first().cloned() else { continue };
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).filter(|x| *x <= to);
        match k {
            0 => {
                if let Some(d) = day(3, 12) {
                    insert(&mut trips, special(&base, d, "接待上级检查组返程", "县宾馆", (22, 45), ""));
                }
                if let Some(d) = day(6, 20) {
                    let ok = "县委办主任批准：端午假期防汛值守";
                    insert(&mut trips, special(&base, d, "防汛值守巡查", "东江大堤", (21, 30), ok));
                }
            }
            1 => {
                if let Some(d) = day(10, 3) {
                    insert(&mut trips, special(&base, d, "送材料", "县政务中心", (20, 40), ""));
                }
            }
            _ => {
                if let Some(d) = day(8, 14) {
                    insert(&mut trips, special(&base, d, "取回会议用品", "万达商场", (20, 30), ""));
                }
            }
        }
        n += vehicles::create_trips(db, &actor, &trips).await?;
    }
    Ok(n)
}
