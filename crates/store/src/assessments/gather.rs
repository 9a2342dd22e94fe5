//! What the system holds about each unit and each 班子成员 for a year, counted into
//! [`Facts`]: responsibility items (their due windows), tasks led, findings (closed, overdue, by
//! severity) and collective-decision meetings (held by the unit, or chaired by the leader).
//! Activity (logins, time online, uploads) is deliberately not read: see
//! `qingfeng_domain::assessment`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use qingfeng_domain::assessment::{Facts, Indicator};
use qingfeng_domain::dict::{parse_roles, ResponsibilityRole};
use serde::{Deserialize, Serialize};

use crate::fulfilment::{evaluate_counts, parse_month_summary, requirement};
use crate::{args, Db, StoreResult};

/// A record behind a number that has no filtered list page: a task not completed, a meeting
/// whose checks failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRef {
    /// the indicator's key
    pub indicator: String,
    pub href: String,
    pub label: String,
}

/// One subject of a round: a unit, or a leader of a unit.
#[derive(Debug, Clone)]
pub struct Subject {
    pub unit_id: i64,
    /// the leader; None for the unit itself
    pub person_id: Option<i64>,
    pub facts: Facts,
    pub records: Vec<RecordRef>,
}

/// Whose is a record: a unit's, and the leaders it counts for.
#[derive(Default)]
struct Tally {
    by_unit: BTreeMap<i64, (Facts, Vec<RecordRef>)>,
    by_person: BTreeMap<i64, (Facts, Vec<RecordRef>)>,
}

impl Tally {
    fn each(&mut self, unit: Option<i64>, people: &[i64], f: impl Fn(&mut Facts, &mut Vec<RecordRef>)) {
        if let Some(u) = unit {
            if let Some((facts, recs)) = self.by_unit.get_mut(&u) {
                f(facts, recs);
            }
        }
        let unique: HashSet<i64> = people.iter().copied().collect();
        for p in unique {
            if let Some((facts, recs)) = self.by_person.get_mut(&p) {
                f(facts, recs);
            }
        }
    }
}

/// The units assessed: every unit but the party branches, in tree order.
async fn units(db: &Db) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> =
        db.fetch_all("SELECT id FROM units WHERE kind <> 'branch' ORDER BY sort_path", vec![]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The 班子成员 of the assessed units (主要负责人 included): active people holding a leader post,
/// as (person, unit).
pub async fn leaders(db: &Db, units: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
    let set: HashSet<i64> = units.iter().copied().collect();
    let rows: Vec<(i64, i64, String)> = db
        .fetch_all(
            "SELECT p.id, p.unit_id, p.roles FROM people p JOIN units u ON u.id = p.unit_id \
             WHERE p.status = 'active' AND p.voided_at IS NULL AND p.roles <> '' ORDER BY u.sort_path, p.id",
            vec![],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, unit, roles)| {
            let r = parse_roles(&roles.replace(',', "、")).unwrap_or_default();
            set.contains(unit)
                && (r.contains(&ResponsibilityRole::Principal) || r.contains(&ResponsibilityRole::LeadershipMember))
        })
        .map(|(p, u, _)| (p, u))
        .collect())
}

/// Every subject of `year`, counted as of `as_of`: the units first, then the leaders.
pub async fn subjects(db: &Db, year: i32, as_of: NaiveDate) -> StoreResult<Vec<Subject>> {
    let units = units(db).await?;
    let leaders = leaders(db, &units).await?;
    let mut t = Tally::default();
    for u in &units {
        t.by_unit.insert(*u, Default::default());
    }
    for (p, _) in &leaders {
        t.by_person.insert(*p, Default::default());
    }
    items(db, &mut t, year, as_of).await?;
    tasks(db, &mut t, year, as_of).await?;
    findings(db, &mut t, year, as_of).await?;
    meetings(db, &mut t, year).await?;
    let mut out: Vec<Subject> = Vec::new();
    for u in units {
        let (facts, records) = t.by_unit.remove(&u).unwrap_or_default();
        out.push(Subject { unit_id: u, person_id: None, facts, records });
    }
    for (p, u) in leaders {
        let (facts, records) = t.by_person.remove(&p).unwrap_or_default();
        out.push(Subject { unit_id: u, person_id: Some(p), facts, records });
    }
    Ok(out)
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(), NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default())
}

async fn items(db: &Db, t: &mut Tally, year: i32, as_of: NaiveDate) -> StoreResult<()> {
    let rows: Vec<(i64, Option<i64>, i64, String, String)> = db
        .fetch_all(
            "SELECT unit_id, person_id, req_count, req_period, month_counts FROM responsibility_items \
             WHERE year = $1 AND active = TRUE",
            args![i64::from(year)],
        )
        .await?;
    let mut months = Vec::new();
    for (unit, person, count, period, summary) in rows {
        parse_month_summary(&summary, &mut months);
        let s = evaluate_counts(year, requirement(count, &period), &months, as_of, 0);
        let people: Vec<i64> = person.into_iter().collect();
        t.each(Some(unit), &people, |f, _| {
            f.items += 1;
            f.items_due += i64::from(s.due_required);
            f.items_done += i64::from(s.due_done);
        });
    }
    Ok(())
}

/// (id, title, lead unit, lead person, deadline, completed on)
type TaskRow = (i64, String, i64, Option<i64>, NaiveDate, Option<NaiveDate>);
/// (id, unit, severity, state, responsible leader, responsible person, open measures overdue)
type FindingRow = (i64, i64, String, String, Option<i64>, Option<i64>, i64);

async fn tasks(db: &Db, t: &mut Tally, year: i32, as_of: NaiveDate) -> StoreResult<()> {
    let rows: Vec<TaskRow> = db
        .fetch_all(
            "SELECT t.id, t.title, t.lead_unit_id, t.lead_person_id, t.deadline, t.completed_on FROM tasks t \
             JOIN work_plans wp ON wp.id = t.plan_id WHERE wp.year = $1 AND t.voided_at IS NULL ORDER BY t.deadline, t.id",
            args![i64::from(year)],
        )
        .await?;
    for (id, title, unit, person, deadline, completed) in rows {
        let done = completed.is_some_and(|d| d <= as_of);
        if !done && deadline > as_of {
            continue;
        }
        let people: Vec<i64> = person.into_iter().collect();
        t.each(Some(unit), &people, |f, recs| {
            f.tasks_due += 1;
            if done {
                f.tasks_done += 1;
            } else {
                recs.push(RecordRef {
                    indicator: Indicator::Tasks.key().into(),
                    href: format!("/tasks/{id}"),
                    label: format!("{title}（截止 {deadline}，未完成）"),
                });
            }
        });
    }
    Ok(())
}

async fn findings(db: &Db, t: &mut Tally, year: i32, as_of: NaiveDate) -> StoreResult<()> {
    let (from, to) = year_bounds(year);
    let rows: Vec<FindingRow> = db
        .fetch_all(
            "SELECT f.id, f.unit_id, f.severity, f.state, f.responsible_leader_id, f.responsible_person_id, \
             (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL \
              AND m.deadline < $3) FROM findings f WHERE f.found_on >= $1 AND f.found_on <= $2 \
             AND f.voided_at IS NULL",
            args![from, to, as_of],
        )
        .await?;
    // the people of the findings page's `person` filter: the finding's and its measures'
    let measures: Vec<(i64, i64, Option<i64>)> = db
        .fetch_all(
            "SELECT m.finding_id, m.responsible_person_id, m.responsible_leader_id FROM rectification_measures m \
             JOIN findings f ON f.id = m.finding_id WHERE f.found_on >= $1 AND f.found_on <= $2 AND f.voided_at IS NULL",
            args![from, to],
        )
        .await?;
    let mut people: HashMap<i64, Vec<i64>> = HashMap::new();
    for (finding, person, leader) in measures {
        people.entry(finding).or_default().extend([Some(person), leader].into_iter().flatten());
    }
    for (id, unit, severity, state, leader, person, overdue_measures) in rows {
        let mut who = people.remove(&id).unwrap_or_default();
        who.extend([leader, person].into_iter().flatten());
        let closed = state == "signed_off";
        t.each(Some(unit), &who, |f, _| {
            f.findings += 1;
            f.findings_closed += i64::from(closed);
            f.overdue += i64::from(!closed && overdue_measures > 0);
            match severity.as_str() {
                "grave" => f.grave += 1,
                "serious" => f.serious += 1,
                _ => f.general += 1,
            }
        });
    }
    Ok(())
}

async fn meetings(db: &Db, t: &mut Tally, year: i32) -> StoreResult<()> {
    let (from, to) = year_bounds(year);
    let rows: Vec<(i64, i64, i64, NaiveDate, String)> = db
        .fetch_all(
            "SELECT id, unit_id, chair_id, held_on, failed_rules FROM decision_meetings \
             WHERE held_on >= $1 AND held_on <= $2 ORDER BY held_on, id",
            args![from, to],
        )
        .await?;
    for (id, unit, chair, held_on, failed) in rows {
        let passed = failed.is_empty();
        t.each(Some(unit), &[], |f, _| {
            f.meetings += 1;
            f.meetings_passed += i64::from(passed);
        });
        // the chair answers for the meeting; the page names it, as the meeting list has no chair filter
        t.each(None, &[chair], |f, recs| {
            f.meetings += 1;
            f.meetings_passed += i64::from(passed);
            if !passed {
                recs.push(RecordRef {
                    indicator: Indicator::Decisions.key().into(),
                    href: format!("/decisions/{id}"),
                    label: format!("{held_on} 决策会议（{} 项检查未通过）", failed.split(',').count()),
                });
            }
        });
    }
    Ok(())
}
