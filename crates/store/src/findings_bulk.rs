//! Fast generation of findings and their rectification measures, for benchmarks and large demo
//! databases only (`qingfeng demo --findings N`), as [`crate::ledger_bulk`] does for the ledger.
//!
//! Findings are spread over the units in proportion to their active people and over the year up
//! to today, in every state of the flow; the states that have measures get one to three, with
//! completed, open and overdue ones where the state allows them. Multi-row INSERTs in large
//! transactions; each transaction appends one audit record (action `import`, entity `finding`,
//! id `batch`), so the audit trail says the rows were generated.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use qingfeng_domain::findings::{Category, FindingState, Origin, Severity, Source};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::{args, audit, Actor, Arg, Db, Engine, StoreError, StoreResult, Tx};

const FINDINGS_PER_TRANSACTION: usize = 20_000;
/// How often each state is drawn: most findings are being rectified or signed off.
const STATE_WEIGHTS: [(FindingState, u32); 5] = [
    (FindingState::Recorded, 8),
    (FindingState::FedBack, 7),
    (FindingState::Rectifying, 40),
    (FindingState::SignOffRequested, 10),
    (FindingState::SignedOff, 35),
];

/// One planned finding and its measures.
struct Planned {
    unit_id: i64,
    person_id: Option<i64>,
    state: FindingState,
    found_on: NaiveDate,
    category: Category,
    source: Source,
    severity: Severity,
    origin: Origin,
    /// (deadline, completed_on) of each measure
    measures: Vec<(NaiveDate, Option<NaiveDate>)>,
}

/// Parameters per row of each statement; SQLite gets statements of about 300 parameters (see
/// `ledger_bulk::rows_per_statement` for why), PostgreSQL far larger ones.
fn rows_per_statement(tx: &Tx, params_per_row: usize) -> usize {
    let params = match tx {
        Tx::Sqlite(_) => 300,
        Tx::Pg(_) => 12_000,
    };
    params / params_per_row
}

/// Writes `target` findings found in `year` (up to today), with measures. Deterministic for a
/// given `seed` and organisation. Returns (findings, measures) written.
pub async fn generate(db: &Db, actor: &Actor, year: i64, target: usize, seed: u64) -> StoreResult<(usize, usize)> {
    let today = crate::fulfilment::today();
    let first = NaiveDate::from_ymd_opt(year as i32, 1, 1)
        .filter(|d| (2000..=9999).contains(&year) && *d <= today)
        .ok_or_else(|| StoreError::Refused(format!("年份 {year} 无效或尚未开始")))?;
    let days = (NaiveDate::from_ymd_opt(year as i32, 12, 31).expect("valid date").min(today) - first).num_days() + 1;
    let people: Vec<(i64, i64)> =
        db.fetch_all("SELECT id, unit_id FROM people WHERE status = 'active' ORDER BY id", vec![]).await?;
    let units: Vec<(i64,)> = db.fetch_all("SELECT id FROM units ORDER BY id", vec![]).await?;
    if units.is_empty() || target == 0 {
        return Ok((0, 0));
    }
    let mut staff: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, unit) in people {
        staff.entry(unit).or_default().push(id);
    }
    let unit_ids: Vec<i64> = units.into_iter().map(|r| r.0).collect();
    let unit_dist =
        WeightedIndex::new(unit_ids.iter().map(|u| staff.get(u).map_or(0, Vec::len) + 1)).expect("positive weights");
    let state_dist = WeightedIndex::new(STATE_WEIGHTS.iter().map(|s| s.1)).expect("positive weights");
    let mut rng = StdRng::seed_from_u64(seed);

    let (mut findings, mut measures) = (0, 0);
    while findings < target {
        let n = FINDINGS_PER_TRANSACTION.min(target - findings);
        let batch: Vec<Planned> = (0..n)
            .map(|_| {
                let unit_id = unit_ids[unit_dist.sample(&mut rng)];
                let members = staff.get(&unit_id).map(Vec::as_slice).unwrap_or(&[]);
                let person_id = (!members.is_empty()).then(|| members[rng.gen_range(0..members.len())]);
                let state = STATE_WEIGHTS[state_dist.sample(&mut rng)].0;
                let found_on = first + Duration::days(rng.gen_range(0..days));
                Planned {
                    unit_id,
                    person_id,
                    state,
                    found_on,
                    category: Category::ALL[rng.gen_range(0..Category::ALL.len())],
                    source: Source::ALL[rng.gen_range(0..Source::ALL.len())],
                    severity: Severity::ALL[rng.gen_range(0..Severity::ALL.len())],
                    origin: Origin::ALL[rng.gen_range(0..Origin::ALL.len())],
                    measures: plan_measures(&mut rng, state, found_on, today),
                }
            })
            .collect();
        let mut tx = db.begin().await?;
        measures += write_batch(&mut tx, actor, &batch, today).await?;
        tx.commit().await?;
        findings += n;
    }
    if db.engine() == Engine::Postgres {
        db.execute("ANALYZE findings, rectification_measures", vec![]).await?;
    }
    Ok((findings, measures))
}

/// Measures as the state allows: none before they are drawn up, all completed once sign-off is
/// asked for, and a mix of completed, open and overdue while rectifying.
fn plan_measures(
    rng: &mut StdRng,
    state: FindingState,
    found_on: NaiveDate,
    today: NaiveDate,
) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    if matches!(state, FindingState::Recorded | FindingState::FedBack) {
        return vec![];
    }
    (0..rng.gen_range(1..=3))
        .map(|_| {
            let deadline = found_on + Duration::days(rng.gen_range(15..120));
            let done = match state {
                FindingState::Rectifying => rng.gen_bool(0.4),
                _ => true,
            };
            let completed = done.then(|| (found_on + Duration::days(rng.gen_range(5..90))).min(today));
            (deadline, completed)
        })
        .collect()
}

async fn write_batch(tx: &mut Tx, actor: &Actor, batch: &[Planned], today: NaiveDate) -> StoreResult<usize> {
    let now = crate::now();
    let mut ids = Vec::with_capacity(batch.len());
    for chunk in batch.chunks(rows_per_statement(tx, 13)) {
        let mut a: Vec<Arg> = args![now, actor.account_id];
        let mut rows = Vec::with_capacity(chunk.len());
        for p in chunk {
            let n = a.len();
            let marks: Vec<String> = (n + 1..=n + 13).map(|i| format!("${i}")).collect();
            rows.push(format!("({}, $2, $1, $1)", marks.join(", ")));
            let fed_back = (p.state != FindingState::Recorded).then(|| (p.found_on + Duration::days(3)).min(today));
            let signed_off = p.measures.iter().filter_map(|m| m.1).max().filter(|_| p.state == FindingState::SignedOff);
            let look_back = signed_off.map(|d| d + Duration::days(180));
            // measures are written only for a finding with a responsible person (below)
            let next_deadline =
                p.person_id.and_then(|_| p.measures.iter().filter(|m| m.1.is_none()).map(|m| m.0).min());
            a.extend(args![
                p.unit_id,
                p.source.key(),
                p.category.key(),
                format!("{}（批量生成）", p.category.label()),
                p.severity.key(),
                p.found_on,
                p.person_id,
                p.origin.key(),
                p.state.key(),
                fed_back,
                signed_off,
                look_back,
                next_deadline
            ]);
        }
        let sql = format!(
            "INSERT INTO findings (unit_id, source, category, description, severity, found_on, responsible_person_id, \
             origin, state, fed_back_on, signed_off_on, look_back_due, next_deadline, account_id, created_at, updated_at) \
             VALUES {} RETURNING id",
            rows.join(", ")
        );
        let inserted: Vec<(i64,)> = tx.fetch_all(&sql, a).await?;
        // ids are drawn in VALUES order; RETURNING's own order is not promised
        let mut chunk_ids: Vec<i64> = inserted.into_iter().map(|r| r.0).collect();
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids);
    }
    let measures: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = batch
        .iter()
        .zip(&ids)
        .filter_map(|(p, &id)| p.person_id.map(|person| (p, id, person)))
        .flat_map(|(p, id, person)| p.measures.iter().map(move |&(d, c)| (id, person, d, c)))
        .collect();
    for chunk in measures.chunks(rows_per_statement(tx, 4)) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                format!(
                    "(${}, '整改措施（批量生成）', ${}, ${}, ${}, $1, $1)",
                    4 * i + 2,
                    4 * i + 3,
                    4 * i + 4,
                    4 * i + 5
                )
            })
            .collect();
        let mut a: Vec<Arg> = args![now];
        a.extend(chunk.iter().flat_map(|&(f, p, d, c)| args![f, p, d, c]));
        let sql = format!(
            "INSERT INTO rectification_measures (finding_id, text, responsible_person_id, deadline, completed_on, \
             created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        tx.execute(&sql, a).await?;
    }
    audit::append(
        tx,
        actor,
        "import",
        "finding",
        "batch",
        &json!({ "findings": batch.len(), "measures": measures.len() }),
    )
    .await?;
    Ok(measures.len())
}
