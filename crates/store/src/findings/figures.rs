//! The figures of the rectification dashboard: rate, overdue measures, breakdowns and
//! recurrence.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use qingfeng_domain::findings::{finding_due, rectification_rate, Category, FindingState, Source};
use serde::Serialize;

use super::read::{finding_query, FindingFilter, FROM};
use crate::{Arg, Db, Scope, StoreResult};

/// Counts of a group of findings.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub total: u64,
    /// signed off
    pub signed_off: u64,
    /// due for the rate: signed off, or the plan's last deadline has passed
    pub due: u64,
    /// signed off / due, in percent
    pub rate: Option<f64>,
    /// not yet signed off
    pub open: u64,
    /// findings with an overdue measure
    pub overdue_findings: u64,
    /// measures past their deadline and not completed
    pub overdue_measures: u64,
}

impl Tally {
    fn add(&mut self, r: &StatRow, today: NaiveDate) {
        let state = FindingState::from_key(&r.state).unwrap_or(FindingState::Recorded);
        self.total += 1;
        if state == FindingState::SignedOff {
            self.signed_off += 1;
        } else {
            self.open += 1;
            if r.overdue_measures > 0 {
                self.overdue_findings += 1;
                self.overdue_measures += r.overdue_measures as u64;
            }
        }
        if finding_due(state, r.last_deadline, today) {
            self.due += 1;
        }
        self.rate = rectification_rate(self.signed_off, self.due);
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateCount {
    pub state: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyTally {
    pub key: String,
    pub label: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTally {
    pub unit_id: i64,
    pub unit_name: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookBackFigures {
    /// signed off findings
    pub signed_off: u64,
    /// looked back at
    pub done: u64,
    pub held: u64,
    pub recurred: u64,
    /// recurred / looked back, in percent
    pub recurrence_rate: Option<f64>,
    /// signed off, look-back date reached, not yet looked back
    pub due_now: u64,
    /// findings reopened from a recurrence
    pub reopened: u64,
}

/// The rectification dashboard: rate, overdue measures, breakdowns and recurrence.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    pub as_of: NaiveDate,
    pub total: Tally,
    pub by_state: Vec<StateCount>,
    pub by_group: Vec<KeyTally>,
    pub by_category: Vec<KeyTally>,
    pub by_source: Vec<KeyTally>,
    pub by_unit: Vec<UnitTally>,
    pub look_back: LookBackFigures,
}

#[derive(sqlx::FromRow)]
struct StatRow {
    unit_id: i64,
    unit_name: String,
    sort_path: String,
    category: String,
    source: String,
    state: String,
    look_back_result: Option<String>,
    look_back_due: Option<NaiveDate>,
    recurrence_of: Option<i64>,
    last_deadline: Option<NaiveDate>,
    overdue_measures: i64,
}

/// The figures over the findings in scope matching the filter.
pub async fn stats(db: &Db, scope: &Scope, f: &FindingFilter, today: NaiveDate) -> StoreResult<Stats> {
    let q = finding_query(db, scope, f, today).await?;
    let mut a = q.args();
    a.push(Arg::from(today));
    let t = format!("${}", a.len());
    let rows: Vec<StatRow> = db
        .fetch_all(
            &format!(
                "SELECT f.unit_id, u.name AS unit_name, u.sort_path, f.category, f.source, f.state, f.look_back_result, \
                 f.look_back_due, f.recurrence_of, \
                 (SELECT MAX(m.deadline) FROM rectification_measures m WHERE m.finding_id = f.id) AS last_deadline, \
                 (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL \
                  AND m.deadline < {t}) AS overdue_measures{FROM}{}",
                q.where_clause()
            ),
            a,
        )
        .await?;
    let mut total = Tally::default();
    let mut states: HashMap<String, u64> = HashMap::new();
    let mut groups: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut categories: BTreeMap<Category, Tally> = BTreeMap::new();
    let mut sources: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut units: BTreeMap<(String, i64), (String, Tally)> = BTreeMap::new();
    let mut lb = LookBackFigures::default();
    let group_names = ["形式主义官僚主义", "享乐主义奢靡之风", "主体责任落实", "六项纪律", "作风建设"];
    for r in &rows {
        total.add(r, today);
        *states.entry(r.state.clone()).or_default() += 1;
        if let Some(c) = Category::from_key(&r.category) {
            categories.entry(c).or_default().add(r, today);
            let g = group_names.iter().position(|g| *g == c.group()).unwrap_or(0);
            groups.entry(g).or_default().add(r, today);
        }
        if let Some(i) = Source::ALL.iter().position(|s| s.key() == r.source) {
            sources.entry(i).or_default().add(r, today);
        }
        units
            .entry((r.sort_path.clone(), r.unit_id))
            .or_insert_with(|| (r.unit_name.clone(), Tally::default()))
            .1
            .add(r, today);
        if r.state == FindingState::SignedOff.key() {
            lb.signed_off += 1;
            match r.look_back_result.as_deref() {
                Some("held") => {
                    lb.done += 1;
                    lb.held += 1;
                }
                Some("recurred") => {
                    lb.done += 1;
                    lb.recurred += 1;
                }
                _ if r.look_back_due.is_some_and(|d| d <= today) => lb.due_now += 1,
                _ => {}
            }
        }
        if r.recurrence_of.is_some() {
            lb.reopened += 1;
        }
    }
    lb.recurrence_rate = rectification_rate(lb.recurred, lb.done);
    let labels = crate::dicts::labels(db).await?;
    Ok(Stats {
        as_of: today,
        total,
        by_state: FindingState::ALL
            .iter()
            .map(|s| StateCount {
                state: s.key().into(),
                label: s.label().into(),
                count: states.get(s.key()).copied().unwrap_or(0),
            })
            .collect(),
        by_group: groups
            .into_iter()
            .map(|(i, tally)| KeyTally { key: group_names[i].into(), label: group_names[i].into(), tally })
            .collect(),
        // in the office's order, with its names (字典管理)
        by_category: labels
            .categories()
            .iter()
            .filter_map(|(c, name)| {
                categories.remove(c).map(|tally| KeyTally { key: c.key().into(), label: name.clone(), tally })
            })
            .collect(),
        by_source: sources
            .into_iter()
            .map(|(i, tally)| KeyTally {
                key: Source::ALL[i].key().into(),
                label: Source::ALL[i].label().into(),
                tally,
            })
            .collect(),
        by_unit: units
            .into_iter()
            .map(|((_, unit_id), (unit_name, tally))| UnitTally { unit_id, unit_name, tally })
            .collect(),
        look_back: lb,
    })
}
