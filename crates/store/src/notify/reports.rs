//! Reminders of personal reports: the annual 个人有关事项 report before its day and when it is
//! missing (R-PER-1), the actual figures of a 婚丧喜庆 held, and gifts from 管理服务对象 not
//! handed in (R-FAM-4).

use chrono::{Datelike, Duration, NaiveDate};
use qingfeng_domain::family::{gifts_due, Limits, LIMIT_SETTINGS};
use qingfeng_domain::personal::{annual_due, parse_month_day, ANNUAL_DUE_SETTING, DEFAULT_ANNUAL_DUE};

use super::due::{add_accounts, add_supervisors, Batch, Directory, DueReminder, DueSubject};
use super::{LEVEL_RED, LEVEL_YELLOW};
use crate::{family_events, personal_reports, settings, Db, Scope, StoreResult};

/// The settings of the 婚丧喜庆 rules in force.
pub async fn family_limits(db: &Db) -> StoreResult<Limits> {
    let mut v = [0i64; 7];
    for (i, (key, default)) in LIMIT_SETTINGS.iter().enumerate() {
        v[i] = settings::number(db, key, *default).await?;
    }
    Ok(Limits::from_values(v))
}

/// The day of the year the annual report is due (setting `personal.annual_due`).
pub async fn annual_month_day(db: &Db) -> StoreResult<(u32, u32)> {
    let v = settings::get(db, ANNUAL_DUE_SETTING).await?.unwrap_or_default();
    Ok(parse_month_day(&v).or_else(|| parse_month_day(DEFAULT_ANNUAL_DUE)).unwrap_or((1, 31)))
}

/// Every reminder of personal reports due as of `today` (whether or not it already fired):
///
/// - the annual report of this year, from `lead_days` before its day (yellow, the person) and
///   after it while missing (red, the person and the 纪检监察组);
/// - a 婚丧喜庆 held whose actual figures are not reported (yellow, the person);
/// - gifts from 管理服务对象 not handed in after their day (red, the person and the 纪检监察组).
pub async fn report_reminders(
    db: &Db,
    dir: &Directory,
    today: NaiveDate,
    lead_days: u32,
) -> StoreResult<Vec<DueReminder>> {
    let mut out = Vec::new();
    let mut b = Batch { out: &mut out };
    let year = i64::from(today.year());
    let due = annual_due(today.year(), annual_month_day(db).await?);
    if today + Duration::days(i64::from(lead_days)) >= due {
        for o in personal_reports::obligations(db, &Scope::all(), year).await? {
            if o.report_id.is_some() {
                continue;
            }
            let mut to = Vec::new();
            add_accounts(dir, &[o.person_id], &mut to);
            let subject = DueSubject::PersonalAnnual {
                person_id: o.person_id,
                person_name: o.person_name.clone(),
                year,
                due,
                days_left: (due - today).num_days(),
                overdue: today > due,
            };
            let kinds = ["personal_report_due", "personal_report_overdue"];
            b.push_deadline(dir, ("personal_annual", o.person_id, due), to, kinds, subject);
        }
    }
    for e in family_events::actuals_owed(db, None, today - Duration::days(1)).await? {
        let mut to = Vec::new();
        add_accounts(dir, &[e.person_id], &mut to);
        let subject = DueSubject::FamilyActual {
            event_id: e.id,
            person_name: e.person_name,
            kind: e.kind,
            event_date: e.event_date,
        };
        b.push("family_actual", e.id, "due", e.event_date, &to, "family_actual_due", LEVEL_YELLOW, subject);
    }
    let limits = family_limits(db).await?;
    let cutoff = today - Duration::days(limits.gift_days);
    for e in family_events::gifts_outstanding(db, cutoff).await? {
        let due = gifts_due(e.event_date, &limits);
        let mut to = Vec::new();
        add_accounts(dir, &[e.person_id], &mut to);
        add_supervisors(dir, &mut to);
        let subject = DueSubject::FamilyGifts { event_id: e.id, person_name: e.person_name, kind: e.kind, due };
        b.push("family_gifts", e.id, "overdue", due, &to, "family_gifts_overdue", LEVEL_RED, subject);
    }
    Ok(out)
}
