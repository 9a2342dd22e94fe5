//! `GET /api/v1/fulfilment`: fulfilment by unit and by level, the 上热中温下冷 indicator,
//! red and yellow items, for the caller's data scope.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::Json;
use qingfeng_domain::fulfilment::{pressure_drops, State as FState, Tally, DEFAULT_DROP_THRESHOLD, DEFAULT_LEAD_DAYS};
use qingfeng_domain::responsibility::Level;
use qingfeng_store::fulfilment::{ensure_snapshot, flagged_items, rollup_counts, today, RollupCounts};
use qingfeng_store::org::units;
use qingfeng_store::settings;
use serde::Serialize;
use serde_json::{json, Value};

use super::responsibility::{item_filter, with_status, year_param};
use super::Params;
use crate::auth::Principal;
use crate::error::ApiResult;
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

#[derive(Serialize)]
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
    Ok(settings::get(&state.db, "reminder.lead_days").await?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_LEAD_DAYS))
}

/// The dashboard data.
pub async fn report(state: &AppState, p: &Principal, params: &Params) -> ApiResult<Value> {
    let year = year_param(params)?;
    let as_of = today();
    if let Some(person) = params.int("person")? {
        // one person's items, computed now
        qingfeng_store::org::people::get(&state.db, &p.scope, person).await?;
        let mut f = item_filter(params)?;
        f.person_id = Some(person);
        let items = qingfeng_store::responsibility::items(&state.db, &p.scope, &f, None).await?;
        let items = with_status(state, items.items).await?;
        let mut t = Tally::default();
        for i in &items {
            t.add(&i.status);
        }
        return Ok(json!({"year": year, "as_of": as_of, "person": person, "total": view(&t), "items": items}));
    }
    let lead = lead_days(state).await?;
    let threshold = settings::get(&state.db, "fulfilment.drop_threshold")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_DROP_THRESHOLD);
    let snapshot = ensure_snapshot(&state.db, year, as_of, lead).await?;
    let selected = match params.int("unit")? {
        Some(u) => Some(super::units::unit_in_scope(state, p, u).await?),
        None => None,
    };
    let level_filter = params.str("level");
    let under = selected.as_ref().map(|u| u.path.as_str());

    // the units shown as bars: the selected unit's children (or the roots of the scope), each
    // rolling up its whole subtree; the selected unit's own items appear as "本级"
    let visible = units::all(&state.db, &p.scope).await?;
    let top: Vec<&units::Unit> = match &selected {
        Some(s) => visible.iter().filter(|u| u.parent_id == Some(s.id)).collect(),
        None => {
            let ids: std::collections::HashSet<i64> = visible.iter().map(|u| u.id).collect();
            let roots: Vec<&units::Unit> =
                visible.iter().filter(|u| u.parent_id.is_none_or(|p| !ids.contains(&p))).collect();
            if roots.len() == 1 {
                visible.iter().filter(|u| u.parent_id == Some(roots[0].id)).chain(roots.iter().copied()).collect()
            } else {
                roots
            }
        }
    };
    // the units whose rows count (in scope, under the selected unit), each with its bar: the
    // deepest shown unit whose subtree holds it
    let counted: HashMap<i64, Option<usize>> = visible
        .iter()
        .filter(|u| under.is_none_or(|path| u.path.starts_with(path)))
        .map(|u| {
            let bucket = top
                .iter()
                .enumerate()
                .filter(|(_, t)| u.path.starts_with(&t.path))
                .max_by_key(|(_, t)| t.path.len())
                .map(|(i, _)| i);
            (u.id, bucket)
        })
        .collect();
    let rows = rollup_counts(&state.db, &snapshot).await?;
    let mut by_unit: Vec<(i64, String, Tally)> = top.iter().map(|u| (u.id, u.name.clone(), Tally::default())).collect();
    let mut by_level: BTreeMap<Level, Tally> = BTreeMap::new();
    let mut discipline = Tally::default();
    let mut total = Tally::default();
    for r in &rows {
        let Some(bucket) = counted.get(&r.unit_id) else { continue };
        if level_filter.as_deref().is_some_and(|l| l != r.level) {
            continue;
        }
        let t = tally_of(r);
        total.merge(&t);
        match Level::from_key(&r.level) {
            Some(l) => by_level.entry(l).or_default().merge(&t),
            None => discipline.merge(&t),
        }
        if let Some(b) = bucket {
            by_unit[*b].2.merge(&t);
        }
    }
    let pressure = pressure_drops(&by_level, threshold);
    let (red_total, red) = flagged_items(&state.db, &snapshot, &p.scope, under, FState::Overdue.key(), 50).await?;
    let (yellow_total, yellow) =
        flagged_items(&state.db, &snapshot, &p.scope, under, FState::DueSoon.key(), 50).await?;
    Ok(json!({
        "year": year,
        "as_of": as_of,
        "lead_days": lead,
        "drop_threshold": threshold,
        "snapshot": snapshot,
        "unit": selected.as_ref().map(|u| json!({"id": u.id, "name": u.name, "parent_id": u.parent_id})),
        "total": view(&total),
        "by_unit": by_unit.iter().filter(|(_, _, t)| t.items > 0).map(|(id, name, t)| json!({"unit_id": id, "unit_name": name, "tally": view(t)})).collect::<Vec<_>>(),
        "by_level": by_level.iter().map(|(l, t)| json!({"level": l.key(), "label": l.label(), "tally": view(t)})).collect::<Vec<_>>(),
        "discipline": view(&discipline),
        "pressure": pressure.iter().map(|d| json!({"from": d.from.label(), "to": d.to.label(), "from_rate": d.from_rate, "to_rate": d.to_rate, "drop_points": d.drop_points, "flagged": d.flagged})).collect::<Vec<_>>(),
        "red": {"total": red_total, "items": red},
        "yellow": {"total": yellow_total, "items": yellow},
    }))
}

pub async fn get(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Value>> {
    Ok(Json(report(&state, &p, &params).await?))
}
