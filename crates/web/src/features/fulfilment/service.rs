//! 落实情况 as a typed report: fulfilment by unit and by level, the 上热中温下冷 indicator,
//! red and yellow items, for the caller's data scope. The API serializes it; the dashboard
//! page reads it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use qingfeng_domain::fulfilment::{pressure_drops, State as FState, Tally, DEFAULT_DROP_THRESHOLD};
use qingfeng_domain::gaps::gap_text;
use qingfeng_domain::responsibility::{Level, Period};
use qingfeng_store::fulfilment::{
    ensure_snapshot, flagged_items, level_key, rollup_counts, today, FlaggedItem, RollupCounts, Snapshot,
};
use qingfeng_store::org::units;
use qingfeng_store::responsibility::ItemFilter;
use qingfeng_store::{settings, Scope};
use serde::Serialize;

use crate::auth::Principal;
use crate::features::org::service::unit_in_scope;
use crate::features::responsibility::service::{item_filter, with_status, year_param, ItemWithStatus};
use crate::http::ApiResult;
use crate::http::Params;
use crate::AppState;

fn tally_of(r: &RollupCounts) -> Tally {
    let mut t = Tally {
        items: r.items as u32,
        required: r.required as u32,
        done: r.done as u32,
        due_required: r.due_required as u32,
        due_done: r.due_done as u32,
        by_state: BTreeMap::new(),
    };
    for (s, n) in [
        (FState::Completed, r.completed),
        (FState::Normal, r.normal),
        (FState::NotStarted, r.not_started),
        (FState::DueSoon, r.due_soon),
        (FState::Overdue, r.overdue),
    ] {
        if n > 0 {
            t.by_state.insert(s, n as u32);
        }
    }
    t
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TallyView {
    pub items: u32,
    pub required: u32,
    pub done: u32,
    pub due_required: u32,
    pub due_done: u32,
    /// percent, one decimal; None when nothing is due yet
    pub rate: Option<f64>,
    pub completed: u32,
    pub normal: u32,
    pub not_started: u32,
    pub due_soon: u32,
    pub overdue: u32,
}

pub fn view(t: &Tally) -> TallyView {
    TallyView {
        items: t.items,
        required: t.required,
        done: t.done,
        due_required: t.due_required,
        due_done: t.due_done,
        rate: t.rate().map(|r| (r * 1000.0).round() / 10.0),
        completed: t.count(FState::Completed),
        normal: t.count(FState::Normal),
        not_started: t.count(FState::NotStarted),
        due_soon: t.count(FState::DueSoon),
        overdue: t.count(FState::Overdue),
    }
}

pub async fn lead_days(state: &AppState) -> ApiResult<u32> {
    Ok(settings::lead_days(&state.db).await?)
}

/// A unit shown as a bar: the selected unit's children (or the roots of the scope), each
/// rolling up its subtree. With a single root, the root itself is a bar of its own items (本级).
struct Bar<'a> {
    id: i64,
    name: &'a str,
    path: &'a str,
    /// read from the subtree roll-up: the bar is not 本级 and the scope holds its whole subtree
    whole_subtree: bool,
}

fn bar_units<'a>(visible: &'a [units::UnitOutline], selected: Option<i64>, scope: &Scope) -> Vec<Bar<'a>> {
    let bar = |u: &'a units::UnitOutline, own_only: bool| Bar {
        id: u.id,
        name: &u.name,
        path: &u.path,
        whole_subtree: !own_only && scope.covers_subtree(&u.path),
    };
    match selected {
        Some(s) => visible.iter().filter(|u| u.parent_id == Some(s)).map(|u| bar(u, false)).collect(),
        None => {
            let ids: HashSet<i64> = visible.iter().map(|u| u.id).collect();
            let roots: Vec<&units::UnitOutline> =
                visible.iter().filter(|u| u.parent_id.is_none_or(|p| !ids.contains(&p))).collect();
            match roots[..] {
                [root] => visible
                    .iter()
                    .filter(|u| u.parent_id == Some(root.id))
                    .map(|u| bar(u, false))
                    .chain([bar(root, true)])
                    .collect(),
                _ => roots.into_iter().map(|u| bar(u, false)).collect(),
            }
        }
    }
}

/// The bar whose subtree holds a unit: the deepest one (a 本级 root bar holds only what no
/// child bar holds).
fn bucket_of(bars: &[Bar], path: &str) -> Option<usize> {
    bars.iter().enumerate().filter(|(_, b)| path.starts_with(b.path)).max_by_key(|(_, b)| b.path.len()).map(|(i, _)| i)
}

fn by_unit_id(rows: &[RollupCounts]) -> HashMap<i64, Vec<&RollupCounts>> {
    let mut map: HashMap<i64, Vec<&RollupCounts>> = HashMap::new();
    for r in rows {
        map.entry(r.unit_id).or_default().push(r);
    }
    map
}

/// The dashboard's sums: overall, per bar, per level, and the 纪检监察组's own.
struct Sums<'f> {
    level_filter: Option<&'f str>,
    by_unit: Vec<Tally>,
    by_level: BTreeMap<Level, Tally>,
    discipline: Tally,
    total: Tally,
}

impl<'f> Sums<'f> {
    fn new(bars: &[Bar], level_filter: Option<&'f str>) -> Self {
        Sums {
            level_filter,
            by_unit: bars.iter().map(|_| Tally::default()).collect(),
            by_level: BTreeMap::new(),
            discipline: Tally::default(),
            total: Tally::default(),
        }
    }

    fn add(&mut self, r: &RollupCounts, bar: Option<usize>) {
        self.add_tally(&r.level, &tally_of(r), bar);
    }

    fn add_tally(&mut self, level: &str, t: &Tally, bar: Option<usize>) {
        if self.level_filter.is_some_and(|l| l != level) {
            return;
        }
        self.total.merge(t);
        match Level::from_key(level) {
            Some(l) => self.by_level.entry(l).or_default().merge(t),
            None => self.discipline.merge(t),
        }
        if let Some(b) = bar {
            self.by_unit[b].merge(t);
        }
    }
}

/// A unit as the report names it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// One bar of the chart: a unit rolling up its subtree.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitTally {
    pub unit_id: i64,
    pub unit_name: String,
    pub tally: TallyView,
}

/// One level of the chain (班子、部门……).
#[derive(Serialize, utoipa::ToSchema)]
pub struct LevelTally {
    pub level: &'static str,
    pub label: &'static str,
    pub tally: TallyView,
}

/// How the rate changes from one level to the next (上热中温下冷 when flagged).
#[derive(Serialize, utoipa::ToSchema)]
pub struct PressureView {
    pub from: &'static str,
    pub to: &'static str,
    pub from_rate: f64,
    pub to_rate: f64,
    pub drop_points: f64,
    pub flagged: bool,
}

/// Says what each flagged item lacks ("第二、三季度未开展"), as the items page does
/// (`domain::gaps`), from the item's periods as of today.
async fn describe_gaps(state: &AppState, p: &Principal, items: &mut [FlaggedItem]) -> ApiResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let f = ItemFilter { ids: Some(items.iter().map(|i| i.item_id).collect()), ..Default::default() };
    let found = qingfeng_store::responsibility::items(&state.db, &p.scope, &f, None).await?.items;
    let statuses = with_status(state, found).await?;
    for i in items.iter_mut() {
        if let Some(w) = statuses.iter().find(|w| w.item.id == i.item_id) {
            let per = Period::parse(&w.item.req_period).unwrap_or(Period::Year);
            i.missing = gap_text(per, &w.status).unwrap_or_default();
        }
    }
    Ok(())
}

/// Red (overdue) or yellow (due soon) items: the first 50 and how many there are.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Flagged {
    pub total: i64,
    pub items: Vec<FlaggedItem>,
}

/// The dashboard of a scope: what `GET /api/v1/fulfilment` answers and the page draws.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ScopeReport {
    pub year: i64,
    pub as_of: NaiveDate,
    pub lead_days: u32,
    pub drop_threshold: f64,
    pub snapshot: Snapshot,
    pub unit: Option<UnitRef>,
    pub total: TallyView,
    pub by_unit: Vec<UnitTally>,
    pub by_level: Vec<LevelTally>,
    pub discipline: TallyView,
    pub pressure: Vec<PressureView>,
    pub red: Flagged,
    pub yellow: Flagged,
}

/// One person's items, computed now (`?person=`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonReport {
    pub year: i64,
    pub as_of: NaiveDate,
    pub person: i64,
    pub total: TallyView,
    pub items: Vec<ItemWithStatus>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Report {
    Person(PersonReport),
    Scope(Box<ScopeReport>),
}

/// The dashboard data: one person's items with `?person=`, otherwise the caller's scope.
pub async fn report(state: &AppState, p: &Principal, params: &Params) -> ApiResult<Report> {
    let year = year_param(params)?;
    match params.int("person")? {
        Some(person) => Ok(Report::Person(person_report(state, p, params, year, person).await?)),
        None => Ok(Report::Scope(Box::new(scope_report(state, p, params, year).await?))),
    }
}

async fn person_report(
    state: &AppState,
    p: &Principal,
    params: &Params,
    year: i64,
    person: i64,
) -> ApiResult<PersonReport> {
    qingfeng_store::org::people::get(&state.db, &p.scope, person).await?;
    let mut f = item_filter(params)?;
    f.person_id = Some(person);
    let items = qingfeng_store::responsibility::items(&state.db, &p.scope, &f, None).await?;
    let items = with_status(state, items.items).await?;
    let mut t = Tally::default();
    for i in &items {
        t.add(&i.status);
    }
    Ok(PersonReport { year, as_of: today(), person, total: view(&t), items })
}

/// The dashboard of the caller's scope (or of one unit in it, `?unit=`).
async fn scope_report(state: &AppState, p: &Principal, params: &Params, year: i64) -> ApiResult<ScopeReport> {
    let as_of = today();
    let lead = lead_days(state).await?;
    let threshold = settings::number(&state.db, "fulfilment.drop_threshold", DEFAULT_DROP_THRESHOLD).await?;
    let snapshot = ensure_snapshot(&state.db, year, as_of, lead).await?;
    let selected = match params.int("unit")? {
        Some(u) => Some(unit_in_scope(state, p, u).await?),
        None => None,
    };
    let under = selected.as_ref().map(|u| u.path.as_str());
    let visible = units::outline(&state.db, &p.scope).await?;
    let bars = bar_units(&visible, selected.as_ref().map(|u| u.id), &p.scope);
    let level_filter = params.str("level");
    let mut sums = sum_rows(state, &snapshot, &visible, &bars, under, level_filter.as_deref()).await?;
    add_own_items(state, p, &mut sums, &visible, year, selected.as_ref().map(|u| u.id)).await?;
    let Sums { by_unit, by_level, discipline, total, .. } = sums;
    let pressure = pressure_drops(&by_level, threshold);
    let (red_total, mut red) =
        flagged_items(&state.db, &snapshot, &p.scope, under, FState::Overdue.key(), 50, 0).await?;
    let (yellow_total, mut yellow) =
        flagged_items(&state.db, &snapshot, &p.scope, under, FState::DueSoon.key(), 50, 0).await?;
    describe_gaps(state, p, &mut red).await?;
    describe_gaps(state, p, &mut yellow).await?;
    Ok(ScopeReport {
        year,
        as_of,
        lead_days: lead,
        drop_threshold: threshold,
        snapshot,
        unit: selected.as_ref().map(|u| UnitRef { id: u.id, name: u.name.clone(), parent_id: u.parent_id }),
        total: view(&total),
        by_unit: bars
            .iter()
            .zip(&by_unit)
            .filter(|(_, t)| t.items > 0)
            .map(|(b, t)| UnitTally { unit_id: b.id, unit_name: b.name.to_string(), tally: view(t) })
            .collect(),
        by_level: by_level
            .iter()
            .map(|(l, t)| LevelTally { level: l.key(), label: l.label(), tally: view(t) })
            .collect(),
        discipline: view(&discipline),
        pressure: pressure
            .iter()
            .map(|d| PressureView {
                from: d.from.label(),
                to: d.to.label(),
                from_rate: d.from_rate,
                to_rate: d.to_rate,
                drop_points: d.drop_points,
                flagged: d.flagged,
            })
            .collect(),
        red: Flagged { total: red_total, items: red },
        yellow: Flagged { total: yellow_total, items: yellow },
    })
}

/// The caller's own items (仅本人 part of the scope) and, for a 支部书记, the items of the
/// members of the branches they lead, whose unit lies outside the scope's units: the items list
/// shows them, so the totals and levels count them too (no bar holds them).
async fn add_own_items(
    state: &AppState,
    p: &Principal,
    sums: &mut Sums<'_>,
    visible: &[units::UnitOutline],
    year: i64,
    selected: Option<i64>,
) -> ApiResult<()> {
    let Some(person) = p.scope.person_id.filter(|_| !p.scope.all) else { return Ok(()) };
    let members = p.scope.branch_members.clone();
    let own = Scope { person_id: Some(person), branch_members: members.clone(), ..Default::default() };
    let f = ItemFilter {
        year: Some(year),
        unit_id: selected,
        include_sub: true,
        person_id: members.is_empty().then_some(person),
        active_only: true,
        ..Default::default()
    };
    let items = qingfeng_store::responsibility::items(&state.db, &own, &f, None).await?.items;
    let in_units: HashSet<i64> = visible.iter().map(|u| u.id).collect();
    let outside: Vec<_> = items.into_iter().filter(|i| !in_units.contains(&i.unit_id)).collect();
    let mut who: HashMap<i64, qingfeng_store::org::Person> = HashMap::new();
    for i in with_status(state, outside).await? {
        let Some(pid) = i.item.person_id else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = who.entry(pid) {
            slot.insert(qingfeng_store::org::people::get(&state.db, &own, pid).await?);
        }
        let w = &who[&pid];
        let level = level_key(&i.item.owner_role, Some(&w.roles), Some(&w.title));
        let mut t = Tally::default();
        t.add(&i.status);
        sums.add_tally(level, &t, None);
    }
    Ok(())
}

/// Adds up the snapshot's rows into the bars, the levels and the totals.
async fn sum_rows<'f>(
    state: &AppState,
    snapshot: &Snapshot,
    visible: &[units::UnitOutline],
    bars: &[Bar<'_>],
    under: Option<&str>,
    level_filter: Option<&'f str>,
) -> ApiResult<Sums<'f>> {
    let mut sums = Sums::new(bars, level_filter);
    // the units whose own rows count: in scope, under the selected unit, and not inside a bar
    // that is read from its subtree roll-up
    let own_units: Vec<(i64, Option<usize>)> = visible
        .iter()
        .filter(|u| under.is_none_or(|path| u.path.starts_with(path)))
        .map(|u| (u.id, bucket_of(bars, &u.path)))
        .filter(|(_, bucket)| bucket.is_none_or(|b| !bars[b].whole_subtree))
        .collect();
    let subtree_bars: Vec<i64> = bars.iter().filter(|b| b.whole_subtree).map(|b| b.id).collect();
    let subtree_rows = rollup_counts(&state.db, snapshot, true, Some(&subtree_bars)).await?;
    // a bar over a leaf has no subtree rows: its own rows are its subtree
    let mut wanted: Vec<i64> = own_units.iter().map(|(id, _)| *id).chain(subtree_bars.iter().copied()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    // past a few hundred units a list of ids costs more than reading every own row
    let own_rows = rollup_counts(&state.db, snapshot, false, (wanted.len() <= 500).then_some(&wanted[..])).await?;
    let own_by_unit = by_unit_id(&own_rows);
    let subtree_by_unit = by_unit_id(&subtree_rows);
    for (b, bar) in bars.iter().enumerate().filter(|(_, b)| b.whole_subtree) {
        let rows = subtree_by_unit.get(&bar.id).or_else(|| own_by_unit.get(&bar.id));
        for r in rows.into_iter().flatten() {
            sums.add(r, Some(b));
        }
    }
    for (unit, bucket) in &own_units {
        for r in own_by_unit.get(unit).into_iter().flatten() {
            sums.add(r, *bucket);
        }
    }
    Ok(sums)
}
