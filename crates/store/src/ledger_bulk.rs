//! Fast generation of duty-ledger entries, for benchmarks and large demo databases only.
//!
//! [`crate::ledger::create`] writes one entry per transaction with a dozen statements; a year of
//! a province (a million entries) that way takes hours. [`generate_entries`] writes the same
//! rows — version-1 entries (entry_key = id), their participants, their credits and the month
//! counts — with multi-row INSERTs in large transactions, and credits each transaction's
//! entries set-based with INSERT … SELECT by the rules of `ledger::credit`:
//!
//! - each participant's active items of the entry's year whose kinds contain the entry's kind;
//! - the active unit-level items (person_id NULL) of the entry's unit that accept the kind.
//!
//! Generated entries link no items or tasks by hand. Each transaction bumps the fulfilment
//! version and appends one audit record (action `import`, entity `ledger_entry`, id `batch`).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use qingfeng_domain::responsibility::EntryKind;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::responsibility::{bump_version, refresh_month_summary};
use crate::{args, audit, Actor, Arg, Db, StoreError, StoreResult, Tx};

/// Entries per transaction: large enough that commits are rare, small enough that a
/// transaction's credits and month counts stay a modest working set.
const ENTRIES_PER_TRANSACTION: usize = 50_000;
/// Rows per INSERT on each engine. Binding a `$N` parameter on SQLite looks its name up in a
/// list of all the statement's names (sqlite3_bind_parameter_name walks that list), so every
/// execution costs the square of its parameter count: SQLite gets statements of about 300
/// parameters. PostgreSQL gets fewer, larger statements (round trips cost more there), far
/// below its 65,535 parameters.
fn rows_per_statement(tx: &Tx, params_per_row: usize) -> usize {
    let params = match tx {
        Tx::Sqlite(_) => 300,
        Tx::Pg(_) => 12_000,
    };
    params / params_per_row
}

/// How often each kind is drawn: meetings, study and talks dominate, as in real ledgers.
const KIND_WEIGHTS: [(EntryKind, u32); 10] = [
    (EntryKind::Meeting, 26),
    (EntryKind::Study, 24),
    (EntryKind::Talk, 20),
    (EntryKind::Inspection, 6),
    (EntryKind::Survey, 6),
    (EntryKind::Report, 5),
    (EntryKind::WarningEducation, 4),
    (EntryKind::Reminder, 4),
    (EntryKind::PartyLecture, 3),
    (EntryKind::Other, 2),
];
/// Share of entries recorded for the unit itself, without participants (per mille).
const UNIT_LEVEL_PER_MILLE: u32 = 100;
const MAX_PARTICIPANTS: usize = 5;

/// `(',' || kinds || ',') LIKE '%,kind,%'`: the kind test of `ledger::credit` and `recredit`.
const KIND_OK: &str = "(',' || i.kinds || ',') LIKE ('%,' || e.kind || ',%')";

/// One planned entry: index into [`KIND_WEIGHTS`], date, unit and participants.
struct Planned {
    kind: usize,
    date: NaiveDate,
    unit_id: i64,
    participants: Vec<i64>,
}

/// Writes `target` version-1 ledger entries dated in `year` (up to today for the current year),
/// spread over the units in proportion to their active people, each with 1–5 participants from
/// its unit or none (a unit-level entry), and credits them. Deterministic for a given `seed`
/// and organisation. Returns the number of entries written.
pub async fn generate_entries(db: &Db, actor: &Actor, year: i64, target: usize, seed: u64) -> StoreResult<usize> {
    let today = crate::fulfilment::today();
    let first = NaiveDate::from_ymd_opt(year as i32, 1, 1)
        .filter(|_| (2000..=9999).contains(&year))
        .ok_or_else(|| StoreError::Refused(format!("年份 {year} 无效")))?;
    if first > today {
        return Err(StoreError::Refused(format!("{year} 年尚未开始，不能生成台账记录")));
    }
    let last = NaiveDate::from_ymd_opt(year as i32, 12, 31).expect("valid date").min(today);
    let days = (last - first).num_days() + 1;

    let units: Vec<(i64,)> = db.fetch_all("SELECT id FROM units ORDER BY id", vec![]).await?;
    if units.is_empty() || target == 0 {
        return Ok(0);
    }
    let people: Vec<(i64, i64)> =
        db.fetch_all("SELECT id, unit_id FROM people WHERE status = 'active' ORDER BY id", vec![]).await?;
    let mut staff: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, unit) in people {
        staff.entry(unit).or_default().push(id);
    }
    let unit_ids: Vec<i64> = units.into_iter().map(|r| r.0).collect();
    // every unit gets some entries; units with more people get more
    let weights: Vec<usize> = unit_ids.iter().map(|u| staff.get(u).map_or(0, Vec::len) + 2).collect();
    let unit_dist = WeightedIndex::new(&weights).expect("positive weights");
    let kind_dist = WeightedIndex::new(KIND_WEIGHTS.iter().map(|k| k.1)).expect("positive weights");
    let mut rng = StdRng::seed_from_u64(seed);
    let empty = Vec::new();

    let mut written = 0;
    while written < target {
        let n = ENTRIES_PER_TRANSACTION.min(target - written);
        let batch: Vec<Planned> = (0..n)
            .map(|_| {
                let unit_id = unit_ids[unit_dist.sample(&mut rng)];
                let members = staff.get(&unit_id).unwrap_or(&empty);
                let participants = if members.is_empty() || rng.gen_range(0..1000) < UNIT_LEVEL_PER_MILLE {
                    vec![]
                } else {
                    let k = rng.gen_range(1..=MAX_PARTICIPANTS.min(members.len()));
                    let mut p: Vec<i64> = sample(&mut rng, members.len(), k).into_iter().map(|i| members[i]).collect();
                    p.sort_unstable();
                    p
                };
                Planned {
                    kind: kind_dist.sample(&mut rng),
                    date: first + Duration::days(rng.gen_range(0..days)),
                    unit_id,
                    participants,
                }
            })
            .collect();
        let mut tx = db.begin().await?;
        let cache = widen_sqlite_cache(&mut tx).await?;
        write_batch(&mut tx, actor, year, &batch).await?;
        if let Some(pages) = cache {
            tx.execute(&format!("PRAGMA cache_size = {pages}"), vec![]).await?;
        }
        tx.commit().await?;
        written += n;
    }
    // the credits and month counts of the last batch, for the queries that read them next
    let mut tx = db.begin().await?;
    analyze_pg(&mut tx, "ledger_credits, item_month_counts").await?;
    tx.commit().await?;
    Ok(written)
}

/// SQLite only: a page cache large enough for the indexes that a batch inserts into at random
/// places (entries by unit and date, participants by person, credits by item). With the default
/// of 2 MB nearly every such insert reads and later rewrites a page through the operating
/// system, which makes generation several times slower. Returns the previous setting (the cache
/// belongs to the pooled connection, so the caller restores it).
async fn widen_sqlite_cache(tx: &mut Tx) -> StoreResult<Option<i64>> {
    if !matches!(tx, Tx::Sqlite(_)) {
        return Ok(None);
    }
    let (pages,): (i64,) = tx.fetch_one("PRAGMA cache_size", vec![]).await?;
    // negative: KiB rather than pages
    tx.execute("PRAGMA cache_size = -262144", vec![]).await?;
    Ok(Some(pages))
}

/// PostgreSQL only: refreshes the planner statistics of `tables` (fixed names, never input).
async fn analyze_pg(tx: &mut Tx, tables: &str) -> StoreResult<()> {
    if matches!(tx, Tx::Pg(_)) {
        tx.execute(&format!("ANALYZE {tables}"), vec![]).await?;
    }
    Ok(())
}

/// Writes and credits one transaction's entries.
async fn write_batch(tx: &mut Tx, actor: &Actor, year: i64, batch: &[Planned]) -> StoreResult<()> {
    let now = crate::now();
    // shared parameters: $1 created_at, $2 year, $3 account, $4.. kinds, then contents, then months
    let mut shared: Vec<Arg> = args![now, year, actor.account_id];
    let kind_at = shared.len() + 1;
    shared.extend(KIND_WEIGHTS.iter().map(|(k, _)| Arg::from(k.key())));
    let content_at = shared.len() + 1;
    shared.extend(KIND_WEIGHTS.iter().map(|(k, _)| Arg::from(format!("{}（批量生成）", k.label()))));
    let month_at = shared.len() + 1;
    shared.extend((1..=12i64).map(Arg::from));

    let mut ids: Vec<i64> = Vec::with_capacity(batch.len());
    for chunk in batch.chunks(rows_per_statement(tx, 3)) {
        let mut a = shared.clone();
        let mut rows = Vec::with_capacity(chunk.len());
        for (i, p) in chunk.iter().enumerate() {
            let n = a.len();
            let month = month_at + p.date.month0() as usize;
            rows.push(format!(
                "(${}, 1, ${}, ${}, $2, ${month}, '', ${}, ${}, '', $3, $1)",
                n + 1,
                kind_at + p.kind,
                n + 2,
                content_at + p.kind,
                n + 3
            ));
            // a temporary key, unique within the statement, replaced by the id just below
            a.extend(args![-(i as i64) - 1, p.date, p.unit_id]);
        }
        let sql = format!(
            "INSERT INTO ledger_entries (entry_key, version, kind, entry_date, entry_year, entry_month, place, content, \
             unit_id, reason, account_id, created_at) VALUES {} RETURNING id",
            rows.join(", ")
        );
        let inserted: Vec<(i64,)> = tx.fetch_all(&sql, a).await?;
        tx.execute("UPDATE ledger_entries SET entry_key = id WHERE entry_key < 0", vec![]).await?;
        // ids are drawn in VALUES order (see org::bulk); RETURNING's own order is not promised
        let mut chunk_ids: Vec<i64> = inserted.into_iter().map(|r| r.0).collect();
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids);
    }
    let pairs: Vec<(i64, i64)> =
        batch.iter().zip(&ids).flat_map(|(p, &id)| p.participants.iter().map(move |&person| (id, person))).collect();
    for chunk in pairs.chunks(rows_per_statement(tx, 2)) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("INSERT INTO ledger_participants (entry_id, person_id) VALUES {}", rows.join(", "));
        tx.execute(&sql, chunk.iter().flat_map(|&(e, p)| [Arg::from(e), Arg::from(p)]).collect()).await?;
    }

    let (lo, hi) = (ids[0], ids[ids.len() - 1]);
    // On PostgreSQL the planner needs statistics that know about the rows just written (and
    // about the items, when the lists were generated moments ago): planned without them, the
    // credit INSERT below looped over the whole batch of entries for every participant and ran
    // for more than twenty minutes. ANALYZE counts the rows of the current transaction. The
    // entry range is put on the participants only, so that even a plan made on bad estimates
    // finds each entry by its id.
    analyze_pg(tx, "responsibility_items, ledger_entries, ledger_participants, ledger_credits, item_month_counts")
        .await?;
    let person_credits = tx
        .execute(
            &format!(
                "INSERT INTO ledger_credits (entry_id, item_id, year, month) \
                 SELECT e.id, i.id, e.entry_year, e.entry_month FROM ledger_participants lp \
                 JOIN ledger_entries e ON e.id = lp.entry_id \
                 JOIN responsibility_items i ON i.person_id = lp.person_id AND i.year = e.entry_year \
                 WHERE lp.entry_id >= $1 AND lp.entry_id <= $2 AND i.active = TRUE AND {KIND_OK}"
            ),
            args![lo, hi],
        )
        .await?;
    let unit_credits = tx
        .execute(
            &format!(
                "INSERT INTO ledger_credits (entry_id, item_id, year, month) \
                 SELECT e.id, i.id, e.entry_year, e.entry_month FROM ledger_entries e \
                 JOIN responsibility_items i ON i.unit_id = e.unit_id AND i.year = e.entry_year \
                 WHERE e.id >= $1 AND e.id <= $2 AND i.person_id IS NULL AND i.active = TRUE AND {KIND_OK}"
            ),
            args![lo, hi],
        )
        .await?;
    tx.execute(
        "INSERT INTO item_month_counts (item_id, year, month, n) \
         SELECT item_id, year, month, COUNT(*) FROM ledger_credits WHERE entry_id >= $1 AND entry_id <= $2 \
         GROUP BY item_id, year, month \
         ON CONFLICT (item_id, year, month) DO UPDATE SET n = item_month_counts.n + excluded.n",
        args![lo, hi],
    )
    .await?;
    refresh_month_summary(
        tx,
        "i.id IN (SELECT item_id FROM ledger_credits WHERE entry_id >= $1 AND entry_id <= $2)",
        args![lo, hi],
    )
    .await?;
    bump_version(tx).await?;
    audit::append(
        tx,
        actor,
        "import",
        "ledger_entry",
        "batch",
        &json!({"count": batch.len(), "year": year, "first_id": lo, "last_id": hi, "participants": pairs.len(),
                "credits": person_credits + unit_credits}),
    )
    .await
}

#[cfg(test)]
mod tests {
    use qingfeng_domain::dict::{Gender, PersonStatus, PoliticalStatus, Rank, ResponsibilityRole, UnitKind};
    use qingfeng_domain::org::{PersonDraft, UnitDraft};

    use super::*;
    use crate::audit::Verification;
    use crate::org::bulk;
    use crate::responsibility::{generate, recredit};
    use crate::Scope;

    fn person(name: &str, unit_id: i64, title: &str, roles: Vec<ResponsibilityRole>) -> PersonDraft {
        PersonDraft {
            name: name.into(),
            gender: Gender::Female,
            unit_id,
            title: title.into(),
            rank: Rank::Township,
            rank_name: String::new(),
            political_status: PoliticalStatus::PartyMember,
            roles,
            status: PersonStatus::Active,
            birth_date: None,
            party_join_date: None,
            id_number: None,
            exercises_public_power: true,
            supervision_override: None,
            supervision_override_reason: String::new(),
        }
    }

    /// An organ with a department, a branch and a dispatched group, people of every level.
    async fn organisation(db: &Db, actor: &Actor) {
        use ResponsibilityRole as R;
        let mut tx = db.begin().await.unwrap();
        let unit = |name: &str, code: &str, kind, parent| UnitDraft {
            name: name.into(),
            code: code.into(),
            kind,
            parent_id: parent,
            sort_order: 10,
        };
        let root = bulk::insert_units(&mut tx, actor, &[unit("县委办", "T", UnitKind::Organ, None)]).await.unwrap()[0];
        let subs = bulk::insert_units(
            &mut tx,
            actor,
            &[
                unit("综合科", "T-ZH", UnitKind::Department, Some(root)),
                unit("机关党支部", "T-DZB", UnitKind::Branch, Some(root)),
                unit("纪检组", "T-JJZ", UnitKind::Dispatched, Some(root)),
                unit("空科", "T-K", UnitKind::Department, Some(root)),
            ],
        )
        .await
        .unwrap();
        let mut people = vec![
            person("甲", root, "主任", vec![R::Principal]),
            person("乙", root, "副主任", vec![R::LeadershipMember]),
            person("丙", subs[0], "科长", vec![R::Cadre]),
            person("丁", subs[1], "科员", vec![R::BranchSecretary]),
            person("戊", subs[2], "组长", vec![R::DisciplineMember]),
        ];
        for i in 0..6 {
            people.push(person(&format!("科员{i}"), subs[i % 3], "科员", vec![R::Cadre]));
        }
        let mut retired = person("退休", subs[0], "科员", vec![R::Cadre]);
        retired.status = PersonStatus::Retired;
        people.push(retired);
        bulk::insert_people(&mut tx, actor, &people).await.unwrap();
        tx.commit().await.unwrap();
    }

    type Credits = (Vec<(i64, i64, i64, i64)>, Vec<(i64, i64, i64, i64)>);

    async fn credits(db: &Db) -> Credits {
        let c = db
            .fetch_all("SELECT entry_id, item_id, year, month FROM ledger_credits ORDER BY entry_id, item_id", vec![])
            .await
            .unwrap();
        let n = db
            .fetch_all(
                "SELECT item_id, year, month, n FROM item_month_counts WHERE n > 0 ORDER BY item_id, year, month",
                vec![],
            )
            .await
            .unwrap();
        // each item's month-count summary is its counts, in month order
        let summaries: Vec<(i64, String)> = db
            .fetch_all("SELECT id, month_counts FROM responsibility_items WHERE month_counts <> '' ORDER BY id", vec![])
            .await
            .unwrap();
        let mut expected: Vec<(i64, String)> = Vec::new();
        for &(item, _, month, count) in &n {
            match expected.last_mut() {
                Some((last, text)) if *last == item => text.push_str(&format!(",{month}:{count}")),
                _ => expected.push((item, format!("{month}:{count}"))),
            }
        }
        assert_eq!(summaries, expected, "month-count summaries follow the counts");
        (c, n)
    }

    #[tokio::test]
    async fn bulk_entries_are_credited_like_single_ones() {
        let actor = Actor { username: "tester".into(), ..Actor::system() };
        let year = crate::fulfilment::this_year();
        for db in crate::testing::engines().await {
            organisation(&db, &actor).await;
            generate(&db, &actor, &Scope::all(), year).await.unwrap();
            let v0 = crate::fulfilment::current_version(&db).await.unwrap();
            // two transactions' worth would be slow here; two calls exercise a second batch
            assert_eq!(generate_entries(&db, &actor, year, 250, 7).await.unwrap(), 250);
            assert_eq!(generate_entries(&db, &actor, year, 150, 8).await.unwrap(), 150);
            assert_eq!(generate_entries(&db, &actor, year + 1, 10, 9).await.ok(), None, "future year refused");
            assert_eq!(crate::fulfilment::current_version(&db).await.unwrap(), v0 + 2);

            let (entries, bad_keys, bad_dates): (i64, i64, i64) = db
                .fetch_one(
                    "SELECT COUNT(*), SUM(CASE WHEN entry_key <> id OR version <> 1 THEN 1 ELSE 0 END), \
                     SUM(CASE WHEN entry_year <> $1 OR entry_date > $2 THEN 1 ELSE 0 END) FROM ledger_entries",
                    args![year, crate::fulfilment::today()],
                )
                .await
                .unwrap();
            assert_eq!((entries, bad_keys, bad_dates), (400, 0, 0));
            let (outsiders,): (i64,) = db
                .fetch_one(
                    "SELECT COUNT(*) FROM ledger_participants lp JOIN ledger_entries e ON e.id = lp.entry_id \
                     JOIN people p ON p.id = lp.person_id WHERE p.unit_id <> e.unit_id OR p.status <> 'active'",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(outsiders, 0, "participants come from the entry's unit");
            let sizes: Vec<(i64,)> = db
                .fetch_all(
                    "SELECT COUNT(lp.person_id) FROM ledger_entries e LEFT JOIN ledger_participants lp ON lp.entry_id = e.id GROUP BY e.id",
                    vec![],
                )
                .await
                .unwrap();
            assert!(sizes.iter().all(|s| s.0 <= 5));
            assert!(sizes.iter().any(|s| s.0 == 0) && sizes.iter().any(|s| s.0 >= 3), "unit-level and group entries");

            let bulk = credits(&db).await;
            assert!(bulk.0.len() > 400, "entries are credited: {}", bulk.0.len());
            // the unit-level items of the organ, the branch and the group are credited too
            let (unit_level,): (i64,) = db
                .fetch_one(
                    "SELECT COUNT(DISTINCT i.unit_id) FROM ledger_credits c JOIN responsibility_items i ON i.id = c.item_id \
                     WHERE i.person_id IS NULL",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(unit_level, 3);

            // what the per-entry crediting rules give for the same entries
            let mut tx = db.begin().await.unwrap();
            recredit(&mut tx, "i.year = $1", args![year]).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(credits(&db).await, bulk);

            // and an entry written the ordinary way afterwards adds to the same counts
            let id = crate::ledger::create(
                &db,
                &actor,
                &qingfeng_domain::ledger::EntryDraft {
                    kind: EntryKind::Meeting,
                    meeting_type: None,
                    date: crate::fulfilment::today(),
                    place: String::new(),
                    content: "会议".into(),
                    unit_id: bulk_unit(&db).await,
                    participants: vec![],
                    items: vec![],
                    tasks: vec![],
                    cases: vec![],
                    reason: String::new(),
                },
            )
            .await
            .unwrap();
            assert!(id > 0);
            let after = credits(&db).await;
            let mut tx = db.begin().await.unwrap();
            recredit(&mut tx, "i.year = $1", args![year]).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(credits(&db).await, after);

            assert!(matches!(crate::audit::verify(&db).await.unwrap(), Verification::Intact { .. }));
            let (batches,): (i64,) = db
                .fetch_one(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'ledger_entry' AND entity_id = 'batch'",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(batches, 2);
            db.close().await;
        }
    }

    async fn bulk_unit(db: &Db) -> i64 {
        let (id,): (i64,) = db.fetch_one("SELECT id FROM units WHERE code = 'T'", vec![]).await.unwrap();
        id
    }
}
