//! People: records with derived supervision flag, 分管 assignments and transfer history.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::dict::roles_to_keys;
use qingfeng_domain::org::PersonDraft;
use serde::Serialize;
use serde_json::json;

use super::branches::Seat;
use crate::query::like_contains;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub gender: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_code: String,
    #[serde(skip)]
    pub unit_path: String,
    pub title: String,
    pub rank: String,
    /// the 职级 as the office names it (dictionary 职级), "" when only the level is known
    pub rank_name: String,
    pub political_status: String,
    /// comma-separated role keys (an array of keys in JSON)
    #[serde(serialize_with = "role_keys")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub roles: String,
    pub status: String,
    pub birth_date: Option<NaiveDate>,
    pub party_join_date: Option<NaiveDate>,
    /// 身份证号: whole for those who manage people, masked (`110***********123X`) for others
    pub id_number: Option<String>,
    pub exercises_public_power: bool,
    pub supervision_override: Option<bool>,
    pub supervision_override_reason: String,
    pub in_supervision_scope: bool,
    /// 所在党支部: the party branch the person belongs to now
    pub party_branch_id: Option<i64>,
    pub party_branch_name: Option<String>,
    /// 支委职务 in that branch now (BranchPost key: secretary, deputy_secretary, member)
    pub party_branch_post: Option<String>,
    /// voided (作废, entered twice or by mistake): hidden from lists, pickers and counts
    pub voided: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The comma-separated role keys as a JSON array.
fn role_keys<S: serde::Serializer>(roles: &str, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(roles.split(',').filter(|r| !r.is_empty()))
}

const COLS: &str = "p.id, p.name, p.gender, p.unit_id, u.name AS unit_name, u.code AS unit_code, u.path AS unit_path, \
    p.title, p.rank, p.rank_name, p.political_status, p.roles, p.status, p.birth_date, p.party_join_date, \
    p.id_number, p.exercises_public_power, p.supervision_override, p.supervision_override_reason, p.in_supervision_scope, \
    p.party_branch_id, (SELECT b.name FROM units b WHERE b.id = p.party_branch_id) AS party_branch_name, \
    (SELECT MIN(c.post) FROM party_branch_committee c WHERE c.person_id = p.id AND c.branch_id = p.party_branch_id \
      AND c.to_date IS NULL) AS party_branch_post, \
    p.voided_at IS NOT NULL AS voided, p.created_at, p.updated_at";
const FROM: &str = " FROM people p JOIN units u ON u.id = p.unit_id";
/// By the unit tree, then by id (units are shown in their 排序 order).
const ORDER: crate::query::SeekOrder = crate::query::SeekOrder { keys: &["u.sort_path", "p.id"], desc: false };

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// matches name, 职务 or unit name
    pub q: Option<String>,
    pub unit_id: Option<i64>,
    /// with `unit_id`: include the units below it
    pub include_sub: bool,
    pub status: Option<String>,
    pub rank: Option<String>,
    pub in_supervision_scope: Option<bool>,
    /// only people no account is linked to (bulk creation of accounts)
    pub without_account: bool,
    /// live people (the default), or the voided ones (作废)
    pub voided: crate::query::Voided,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    pub id: i64,
    pub from_unit_id: Option<i64>,
    pub from_unit_name: Option<String>,
    pub to_unit_id: i64,
    pub to_unit_name: String,
    pub from_status: String,
    pub to_status: String,
    pub changed_at: DateTime<Utc>,
    pub note: String,
    /// 职务 before and after ('' on both sides for changes recorded before posts were kept)
    pub from_title: String,
    pub to_title: String,
}

/// The filter's conditions over people `p` and units `u`; and the gram a search is answered by
/// alone (see [`search`]), whose condition is left for the caller to add.
async fn filter_query(db: &Db, scope: &Scope, f: &PersonFilter) -> StoreResult<(QueryBuilder, Option<String>)> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    f.voided.restrict(&mut q, "p.voided_at");
    let mut one_gram = None;
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        one_gram = search(db, &mut q, text).await?;
    }
    if let Some(unit_id) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "p.unit_id", unit_id, f.include_sub).await?;
    }
    if let Some(s) = &f.status {
        q.and("p.status = ?", args![s.clone()]);
    }
    if let Some(r) = &f.rank {
        q.and("p.rank = ?", args![r.clone()]);
    }
    if let Some(b) = f.in_supervision_scope {
        q.and("p.in_supervision_scope = ?", args![b]);
    }
    if f.without_account {
        q.and("NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)", vec![]);
    }
    Ok((q, one_gram))
}

/// [`filter_query`] with the search's one gram, if any, as a condition on `p`.
async fn filter_people(db: &Db, scope: &Scope, f: &PersonFilter) -> StoreResult<QueryBuilder> {
    let (mut q, one_gram) = filter_query(db, scope, f).await?;
    if let Some(gram) = one_gram {
        q.and("p.id IN (SELECT g.person_id FROM people_grams g WHERE g.gram = ?)", args![gram]);
    }
    Ok(q)
}

/// Matches `text` in the name, 职务 or unit name. Names and posts are found through their grams
/// (an index, not a scan of every person); LIKE then keeps exactly the people holding the text,
/// unless the text is itself the one gram looked up (a character, or two in one word): then the
/// gram already says so, and the people's rows need not be read at all. When, besides, no unit's
/// name holds the text (a search for a surname), the gram is returned instead of a condition
/// added: the list walks that gram's index entries in the list's order (see [`list`]).
async fn search(db: &Db, q: &mut QueryBuilder, text: &str) -> StoreResult<Option<String>> {
    let pat = like_contains(text);
    let needed = qingfeng_domain::search::query_grams(text);
    if needed.is_empty() {
        q.and(
            "(p.name LIKE ? ESCAPE '\\' OR p.title LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
        return Ok(None);
    }
    let exact = needed.len() == 1 && needed.first().is_some_and(|g| *g == text.to_lowercase());
    let (in_named_unit, unit_values) = in_units_named(db, &pat).await?;
    if exact && in_named_unit.is_empty() {
        return Ok(needed.into_iter().next());
    }
    let (by_grams, mut values) = having_grams(&needed);
    let holds_text = if exact {
        ""
    } else {
        values.extend(args![pat.clone(), pat.clone()]);
        " AND (p.name LIKE ? ESCAPE '\\' OR p.title LIKE ? ESCAPE '\\')"
    };
    values.extend(unit_values);
    q.and(&format!("((p.id IN ({by_grams}){holds_text}){in_named_unit})"), values);
    Ok(None)
}

/// `SELECT g.person_id …`, the people indexed under every one of `grams` (a name or 职务 holding a
/// text is among those of its [`qingfeng_domain::search::query_grams`]), and its values.
fn having_grams(grams: &std::collections::BTreeSet<String>) -> (String, Vec<crate::Arg>) {
    let mut values: Vec<crate::Arg> = grams.iter().map(|g| crate::Arg::from(g.clone())).collect();
    if grams.len() == 1 {
        return ("SELECT g.person_id FROM people_grams g WHERE g.gram = ?".to_string(), values);
    }
    values.push((grams.len() as i64).into());
    let marks = vec!["?"; grams.len()].join(", ");
    (
        format!(
            "SELECT g.person_id FROM people_grams g WHERE g.gram IN ({marks}) GROUP BY g.person_id HAVING COUNT(*) = ?"
        ),
        values,
    )
}

/// "The person's name holds the text" over people `p`, as a condition on `person_id` instead
/// where the text has grams: the people are found through them once, not joined and tested for
/// every record walked (responsibility items by `q`).
pub(crate) fn name_holds(person_id: &str, text: &str) -> (String, Vec<crate::Arg>) {
    let pat = like_contains(text);
    let needed = qingfeng_domain::search::query_grams(text);
    if needed.is_empty() {
        return ("p.name LIKE ? ESCAPE '\\'".to_string(), args![pat]);
    }
    let (by_grams, mut values) = having_grams(&needed);
    values.push(pat.into());
    let sql = format!(
        "{person_id} IN (SELECT pn.id FROM people pn WHERE pn.id IN ({by_grams}) AND pn.name LIKE ? ESCAPE '\\')"
    );
    (sql, values)
}

/// Matching units bound by id; past this many the search keeps the units' own LIKE.
pub const NAMED_UNITS_BOUND: usize = 200;

/// " OR the person works in a unit whose name holds the text" and its values, or nothing when
/// no unit's name does. The units are read first (a few thousand names), so the common search
/// that names no unit adds no OR to the people's query: with it SQLite fetched the ids twice
/// and merged them (`q=张`: 2.7 -> 1.1 ms a page).
async fn in_units_named(db: &Db, pat: &str) -> StoreResult<(String, Vec<crate::Arg>)> {
    let sql = format!("SELECT id FROM units WHERE name LIKE $1 ESCAPE '\\' LIMIT {}", NAMED_UNITS_BOUND + 1);
    let units: Vec<(i64,)> = db.fetch_all(&sql, args![pat.to_string()]).await?;
    Ok(match units.len() {
        0 => (String::new(), vec![]),
        n if n <= NAMED_UNITS_BOUND => (
            format!(" OR p.unit_id IN ({})", vec!["?"; n].join(", ")),
            units.iter().map(|u| crate::Arg::from(u.0)).collect(),
        ),
        _ => (
            " OR p.unit_id IN (SELECT un.id FROM units un WHERE un.name LIKE ? ESCAPE '\\')".to_string(),
            args![pat.to_string()],
        ),
    })
}

/// Rewrites the search grams of people (id, name, 职务), inside the transaction that writes them.
pub(crate) async fn index_grams(tx: &mut Tx, people: &[(i64, &str, &str)]) -> StoreResult<()> {
    for chunk in people.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|p| p.0).collect();
        let mut of_chunk = QueryBuilder::new();
        crate::query::ids_in(&mut of_chunk, "person_id", &ids);
        tx.execute(&format!("DELETE FROM people_grams{}", of_chunk.where_clause()), of_chunk.args()).await?;
        let rows: Vec<(String, i64)> = chunk
            .iter()
            .flat_map(|(id, name, title)| {
                let mut grams = qingfeng_domain::search::grams(name);
                grams.extend(qingfeng_domain::search::grams(title));
                grams.into_iter().map(move |g| (g, *id))
            })
            .collect();
        for rows in rows.chunks(400) {
            let mut args: Vec<crate::Arg> = Vec::with_capacity(rows.len() * 2);
            let mut values = Vec::with_capacity(rows.len());
            for (gram, id) in rows {
                values.push(format!("(${}, ${})", args.len() + 1, args.len() + 2));
                args.extend(crate::args![gram.clone(), *id]);
            }
            tx.execute(&format!("INSERT INTO people_grams (gram, person_id) VALUES {}", values.join(", ")), args)
                .await?;
        }
        let mut in_chunk = QueryBuilder::new();
        crate::query::ids_in(&mut in_chunk, "p.id", &ids);
        order_grams(tx, in_chunk).await?;
    }
    Ok(())
}

/// Gives the grams of the people matching `people` (conditions over `p` and its unit `u`) their
/// unit's current place in the tree: after grams are written, a person changes unit, or units
/// are moved or reordered (their `sort_path` rewritten).
pub(crate) async fn order_grams(tx: &mut Tx, people: QueryBuilder) -> StoreResult<()> {
    tx.execute(
        &format!(
            "UPDATE people_grams SET sort_path = COALESCE((SELECT u.sort_path FROM people p JOIN units u \
             ON u.id = p.unit_id WHERE p.id = people_grams.person_id), '') \
             WHERE person_id IN (SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id{})",
            people.where_clause()
        ),
        people.args(),
    )
    .await?;
    Ok(())
}

/// Gives grams to the people that have none (people from before the search index, and fixtures).
pub async fn fill_grams(db: &Db) -> StoreResult<()> {
    let rows: Vec<(i64, String, String)> = db
        .fetch_all(
            "SELECT p.id, p.name, p.title FROM people p \
             WHERE NOT EXISTS (SELECT 1 FROM people_grams g WHERE g.person_id = p.id)",
            vec![],
        )
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let people: Vec<(i64, &str, &str)> = rows.iter().map(|(id, n, t)| (*id, n.as_str(), t.as_str())).collect();
    let mut tx = db.begin().await?;
    index_grams(&mut tx, &people).await?;
    tx.commit().await
}

/// The people found by one gram, read through the grams: each holds its person's unit's place
/// in the tree (`people_grams.sort_path`, kept by [`order_grams`]), so the index on (gram,
/// sort_path, person_id) gives them in the list's order and a page stops after 50 instead of
/// sorting every match (`q=张` at province scale, 1,671 people: 1.5 -> 0.05 ms).
const BY_GRAM_FROM: &str = " FROM people_grams g JOIN people p ON p.id = g.person_id JOIN units u ON u.id = p.unit_id";
const BY_GRAM_ORDER: crate::query::SeekOrder =
    crate::query::SeekOrder { keys: &["g.sort_path", "g.person_id"], desc: false };

pub async fn list(db: &Db, scope: &Scope, f: &PersonFilter, paging: Paging) -> StoreResult<Page<Person>> {
    let (mut q, one_gram) = filter_query(db, scope, f).await?;
    let Some(gram) = one_gram else {
        let list = crate::query::ListSql { cols: COLS, from: FROM, q, order: ORDER };
        return crate::query::fetch_seek_page(db, list, Some(paging)).await;
    };
    q.and("g.gram = ?", args![gram]);
    let list = crate::query::ListSql { cols: COLS, from: FROM, q, order: ORDER };
    let keys = crate::query::Keys { from: BY_GRAM_FROM, order: BY_GRAM_ORDER };
    crate::query::fetch_seek_page_by(db, list, keys, Some(paging)).await
}

/// Every person matching the filter, for exports (no paging).
pub async fn list_all(db: &Db, scope: &Scope, f: &PersonFilter) -> StoreResult<Vec<Person>> {
    let q = filter_people(db, scope, f).await?;
    db.fetch_all(&format!("SELECT {COLS}{FROM}{} ORDER BY u.sort_path, p.id", q.where_clause()), q.args()).await
}

/// A person by id, or NotFound when outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Person> {
    let mut q = QueryBuilder::new();
    q.and("p.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await
}

/// Which of `ids` the scope sees (as [`get`] would find them).
pub async fn visible_ids(db: &Db, scope: &Scope, ids: &[i64]) -> StoreResult<std::collections::HashSet<i64>> {
    let mut q = QueryBuilder::new();
    crate::query::ids_in(&mut q, "p.id", ids);
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    let rows: Vec<(i64,)> = db.fetch_all(&format!("SELECT p.id{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn in_charge_of(db: &Db, person_id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> = db
        .fetch_all("SELECT unit_id FROM in_charge_of WHERE person_id = $1 ORDER BY unit_id", args![person_id])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn transfers(db: &Db, person_id: i64) -> StoreResult<Vec<Transfer>> {
    db.fetch_all(
        "SELECT t.id, t.from_unit_id, fu.name AS from_unit_name, t.to_unit_id, tu.name AS to_unit_name, \
         t.from_status, t.to_status, t.changed_at, t.note, t.from_title, t.to_title \
         FROM person_transfers t LEFT JOIN units fu ON fu.id = t.from_unit_id JOIN units tu ON tu.id = t.to_unit_id \
         WHERE t.person_id = $1 ORDER BY t.changed_at, t.id",
        args![person_id],
    )
    .await
}

/// The 身份证号 as the audit trail keeps it: masked, since the trail's readers need not manage
/// people.
fn audited_id(number: &Option<String>) -> Option<String> {
    number.as_deref().map(qingfeng_domain::id_number::mask)
}

fn draft_json(d: &PersonDraft) -> serde_json::Value {
    json!({
        "name": d.name, "gender": d.gender.key(), "unit_id": d.unit_id, "title": d.title,
        "rank": d.rank.key(), "rank_name": d.rank_name, "political_status": d.political_status.key(), "roles": roles_to_keys(&d.roles),
        "status": d.status.key(), "birth_date": d.birth_date, "party_join_date": d.party_join_date,
        "id_number": audited_id(&d.id_number),
        "exercises_public_power": d.exercises_public_power, "supervision_override": d.supervision_override,
        "supervision_override_reason": d.supervision_override_reason,
    })
}

fn person_json(p: &Person) -> serde_json::Value {
    json!({
        "name": p.name, "gender": p.gender, "unit_id": p.unit_id, "title": p.title,
        "rank": p.rank, "rank_name": p.rank_name, "political_status": p.political_status, "roles": p.roles,
        "status": p.status, "birth_date": p.birth_date, "party_join_date": p.party_join_date,
        "id_number": audited_id(&p.id_number),
        "exercises_public_power": p.exercises_public_power, "supervision_override": p.supervision_override,
        "supervision_override_reason": p.supervision_override_reason,
    })
}

/// The 身份证号 belongs to nobody else (`id`: the person being updated).
async fn ensure_id_number_free(tx: &mut Tx, d: &PersonDraft, id: Option<i64>) -> StoreResult<()> {
    let Some(number) = &d.id_number else { return Ok(()) };
    let other: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM people WHERE id_number = $1 AND id <> $2",
            args![number.clone(), id.unwrap_or(0)],
        )
        .await?;
    match other {
        Some((other,)) => Err(id_number_taken(other)),
        None => Ok(()),
    }
}

fn id_number_taken(other: i64) -> StoreError {
    StoreError::field("id_number", format!("身份证号已登记在其他人员名下（系统编号 {other}）"))
}

/// A write refused by the unique index on 身份证号 (two writers at once) is the same field error.
pub(crate) fn unique_id_number(e: StoreError) -> StoreError {
    match e {
        StoreError::Db(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            StoreError::field("id_number", "身份证号已登记在其他人员名下")
        }
        e => e,
    }
}

async fn ensure_unit(tx: &mut Tx, unit_id: i64) -> StoreResult<()> {
    let row: Option<(i64,)> = tx.fetch_optional("SELECT id FROM units WHERE id = $1", args![unit_id]).await?;
    row.map(|_| ()).ok_or_else(|| StoreError::field("unit_id", format!("所在单位（编号 {unit_id}）不存在")))
}

async fn set_in_charge(tx: &mut Tx, actor: &Actor, person_id: i64, d: &PersonDraft, units: &[i64]) -> StoreResult<()> {
    if !units.is_empty() && !d.may_be_in_charge() {
        return Err(StoreError::field("in_charge_of", "只有主要负责人或班子成员可以分管单位"));
    }
    let mut units = units.to_vec();
    units.sort_unstable();
    units.dedup();
    for u in &units {
        let row: Option<(i64,)> = tx.fetch_optional("SELECT id FROM units WHERE id = $1", args![*u]).await?;
        if row.is_none() {
            return Err(StoreError::field("in_charge_of", format!("分管单位（编号 {u}）不存在")));
        }
    }
    let before: Vec<(i64,)> = tx
        .fetch_all("SELECT unit_id FROM in_charge_of WHERE person_id = $1 ORDER BY unit_id", args![person_id])
        .await?;
    let before: Vec<i64> = before.into_iter().map(|r| r.0).collect();
    if before == units {
        return Ok(());
    }
    tx.execute("DELETE FROM in_charge_of WHERE person_id = $1", args![person_id]).await?;
    for u in &units {
        tx.execute("INSERT INTO in_charge_of (person_id, unit_id) VALUES ($1, $2)", args![person_id, *u]).await?;
    }
    audit::append(tx, actor, "update", "in_charge_of", person_id, &json!({"units": [before, units]})).await
}

/// The values of a person's columns, in the order INSERT and UPDATE name them ($1 … $18).
fn draft_args(d: &PersonDraft, now: DateTime<Utc>) -> Vec<crate::Arg> {
    args![
        d.name.clone(),
        d.gender.key(),
        d.unit_id,
        d.title.clone(),
        d.rank.key(),
        d.political_status.key(),
        roles_to_keys(&d.roles),
        d.status.key(),
        d.birth_date,
        d.party_join_date,
        d.exercises_public_power,
        d.supervision_override,
        d.supervision_override_reason.clone(),
        d.in_supervision_scope(),
        now,
        d.rank_name.clone(),
        d.id_number.clone(),
        draft_level(d)
    ]
}

/// The level (`people.level`) a person's roles and 职务 put them at.
pub(crate) fn draft_level(d: &PersonDraft) -> &'static str {
    qingfeng_domain::responsibility::person_level(&d.roles, &d.title).key()
}

/// Fills `people.level` where it is not known yet (people recorded before it was kept): read
/// once at start-up, a no-op afterwards, since every write of roles or 职务 sets it.
pub(crate) async fn fill_levels(db: &Db) -> StoreResult<()> {
    let rows: Vec<(i64, String, String)> =
        db.fetch_all("SELECT id, roles, title FROM people WHERE level IS NULL", vec![]).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut by_level: std::collections::BTreeMap<&str, Vec<i64>> = Default::default();
    for (id, roles, title) in &rows {
        by_level.entry(crate::fulfilment::person_level_key(roles, title)).or_default().push(*id);
    }
    let mut tx = db.begin().await?;
    for (level, ids) in by_level {
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let mut a = args![level];
            a.extend(chunk.iter().map(|&id| crate::Arg::from(id)));
            tx.execute(&format!("UPDATE people SET level = $1 WHERE id IN ({})", marks.join(", ")), a).await?;
        }
    }
    tx.commit().await
}

/// Inserts a person inside an open transaction (used by single creates and imports).
pub async fn insert(tx: &mut Tx, actor: &Actor, d: &PersonDraft, in_charge: Option<&[i64]>) -> StoreResult<i64> {
    ensure_unit(tx, d.unit_id).await?;
    ensure_id_number_free(tx, d, None).await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO people (name, gender, unit_id, title, rank, political_status, roles, status, birth_date, \
             party_join_date, exercises_public_power, supervision_override, supervision_override_reason, \
             in_supervision_scope, created_at, updated_at, rank_name, id_number, level) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $18) RETURNING id",
            draft_args(d, now),
        )
        .await
        .map_err(unique_id_number)?;
    index_grams(tx, &[(id, &d.name, &d.title)]).await?;
    tx.execute(
        "INSERT INTO person_transfers (person_id, from_unit_id, to_unit_id, from_status, to_status, changed_at, note) \
         VALUES ($1, NULL, $2, '', $3, $4, '新增')",
        args![id, d.unit_id, d.status.key(), now],
    )
    .await?;
    audit::append(tx, actor, "create", "person", id, &audit::diff(&json!({}), &draft_json(d))).await?;
    if let Some(units) = in_charge {
        set_in_charge(tx, actor, id, d, units).await?;
    }
    Ok(id)
}

/// A new person, a role change or a transfer updates that person's current-year list at once,
/// in the same transaction, with the generator of 按角色生成.
pub async fn regenerate_list(tx: &mut Tx, actor: &Actor, id: i64) -> StoreResult<()> {
    crate::responsibility::regenerate_people(tx, actor, &[id], crate::fulfilment::this_year()).await?;
    Ok(())
}

/// Creates a person; `seat` (所在党支部, 支委职务) starts today.
pub async fn create(
    db: &Db,
    actor: &Actor,
    d: &PersonDraft,
    in_charge: Option<&[i64]>,
    seat: Option<Seat>,
) -> StoreResult<Person> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, d, in_charge).await?;
    if let Some(seat) = seat {
        super::branches::apply_seat(&mut tx, actor, id, seat, crate::fulfilment::today()).await?;
    }
    regenerate_list(&mut tx, actor, id).await?;
    tx.commit().await?;
    get(db, &Scope::all(), id).await
}

/// Updates a person inside an open transaction. A change of unit, status or post (职务) is kept
/// as a transfer.
pub async fn apply_update(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    d: &PersonDraft,
    in_charge: Option<&[i64]>,
    transfer_note: &str,
) -> StoreResult<()> {
    let before: Person = tx
        .fetch_optional(&format!("SELECT {COLS}{FROM} WHERE p.id = $1"), args![id])
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.voided {
        return Err(StoreError::Refused(format!("{}已作废，请先恢复再修改", before.name)));
    }
    ensure_unit(tx, d.unit_id).await?;
    ensure_id_number_free(tx, d, Some(id)).await?;
    let now = crate::now();
    tx.execute(
        "UPDATE people SET name = $1, gender = $2, unit_id = $3, title = $4, rank = $5, political_status = $6, \
         roles = $7, status = $8, birth_date = $9, party_join_date = $10, exercises_public_power = $11, \
         supervision_override = $12, supervision_override_reason = $13, in_supervision_scope = $14, updated_at = $15, \
         rank_name = $16, id_number = $17, level = $18 WHERE id = $19",
        [draft_args(d, now), args![id]].concat(),
    )
    .await
    .map_err(unique_id_number)?;
    // the search grams follow the name and 职务, and their order the unit (an update of other
    // fields leaves them)
    if before.name != d.name || before.title != d.title {
        index_grams(tx, &[(id, &d.name, &d.title)]).await?;
    } else if before.unit_id != d.unit_id {
        let mut q = QueryBuilder::new();
        q.and("p.id = ?", args![id]);
        order_grams(tx, q).await?;
    }
    let new_post = before.title.trim() != d.title.trim() && !d.title.trim().is_empty();
    if before.unit_id != d.unit_id || before.status != d.status.key() || new_post {
        let to = (d.unit_id, d.status.key(), d.title.as_str());
        record_transfer(tx, &before, to, transfer_note).await?;
    }
    let change = audit::diff(&person_json(&before), &draft_json(d));
    if change.as_object().is_some_and(|m| !m.is_empty()) {
        audit::append(tx, actor, "update", "person", id, &change).await?;
    }
    if let Some(units) = in_charge {
        set_in_charge(tx, actor, id, d, units).await?;
    } else if !d.may_be_in_charge() {
        // a person who is no longer a leader keeps no 分管 units
        set_in_charge(tx, actor, id, d, &[]).await?;
    }
    Ok(())
}

/// Keeps a change of unit, status or post in the person's history: from `before` to
/// (unit, status key, 职务).
async fn record_transfer(tx: &mut Tx, before: &Person, to: (i64, &str, &str), note: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO person_transfers (person_id, from_unit_id, to_unit_id, from_status, to_status, changed_at, note, \
         from_title, to_title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            before.id,
            before.unit_id,
            to.0,
            before.status.clone(),
            to.1,
            crate::now(),
            note,
            before.title.clone(),
            to.2
        ],
    )
    .await
    .map(|_| ())
}

/// Appoints a person to a new post (职务) in their unit: the title changes, the change is kept
/// in their history (a 任前廉政谈话 becomes due) and audited.
pub async fn appoint(db: &Db, actor: &Actor, id: i64, title: &str, note: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let before: Person = tx
        .fetch_optional(&format!("SELECT {COLS}{FROM} WHERE p.id = $1"), args![id])
        .await?
        .ok_or(StoreError::NotFound)?;
    let level = crate::fulfilment::person_level_key(&before.roles, title);
    tx.execute(
        "UPDATE people SET title = $1, level = $2, updated_at = $3 WHERE id = $4",
        args![title, level, crate::now(), id],
    )
    .await?;
    if before.title != title {
        index_grams(&mut tx, &[(id, &before.name, title)]).await?;
    }
    record_transfer(&mut tx, &before, (before.unit_id, &before.status, title), note).await?;
    audit::append(&mut tx, actor, "update", "person", id, &json!({"title": [before.title, title]})).await?;
    regenerate_list(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Updates a person; `seat` (None: unchanged) changes their branch and post from today.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    d: &PersonDraft,
    in_charge: Option<&[i64]>,
    seat: Option<Seat>,
    transfer_note: &str,
) -> StoreResult<Person> {
    let mut tx = db.begin().await?;
    apply_update(&mut tx, actor, id, d, in_charge, transfer_note).await?;
    if let Some(seat) = seat {
        super::branches::apply_seat(&mut tx, actor, id, seat, crate::fulfilment::today()).await?;
    }
    regenerate_list(&mut tx, actor, id).await?;
    tx.commit().await?;
    get(db, &Scope::all(), id).await
}

/// The unit (id, path) of a person, or `None` for an unknown person.
pub async fn unit_of(db: &Db, person_id: i64) -> StoreResult<Option<(i64, String)>> {
    db.fetch_optional(
        "SELECT u.id, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
        args![person_id],
    )
    .await
}

/// Paths of the units a person is in charge of (分管).
pub async fn in_charge_paths(db: &Db, person_id: i64) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = db
        .fetch_all(
            "SELECT u.path FROM in_charge_of c JOIN units u ON u.id = c.unit_id WHERE c.person_id = $1",
            args![person_id],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Every 分管 assignment as (person id, unit code), by person then code.
pub async fn in_charge_unit_codes(db: &Db) -> StoreResult<Vec<(i64, String)>> {
    db.fetch_all(
        "SELECT c.person_id, u.code FROM in_charge_of c JOIN units u ON u.id = c.unit_id ORDER BY c.person_id, u.code",
        vec![],
    )
    .await
}

/// People with the given names: name → [(id, unit path)], by id.
pub async fn by_names(db: &Db, names: &[String]) -> StoreResult<std::collections::HashMap<String, Vec<(i64, String)>>> {
    let mut out: std::collections::HashMap<String, Vec<(i64, String)>> = std::collections::HashMap::new();
    for chunk in names.chunks(500) {
        let mut q = QueryBuilder::new();
        let marks: Vec<String> = chunk.iter().map(|n| q.bind(n.clone())).collect();
        let rows: Vec<(i64, String, String)> = db
            .fetch_all(
                &format!(
                    "SELECT p.id, p.name, u.path FROM people p JOIN units u ON u.id = p.unit_id \
                     WHERE p.voided_at IS NULL AND p.name IN ({}) ORDER BY p.id",
                    marks.join(", ")
                ),
                q.args(),
            )
            .await?;
        for (id, name, path) in rows {
            out.entry(name).or_default().push((id, path));
        }
    }
    Ok(out)
}

/// What an import matches its rows against: a person's name, birth date and 身份证号.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Known {
    pub id: i64,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<String>,
    pub unit_id: i64,
    pub unit_path: String,
}

/// The people holding one of `numbers` as 身份证号, or born on one of `dates` (whatever their
/// scope: a duplicate is one wherever it lies), by id.
pub async fn known(db: &Db, numbers: &[String], dates: &[NaiveDate]) -> StoreResult<Vec<Known>> {
    let cols = "SELECT p.id, p.name, p.birth_date, p.id_number, p.unit_id, u.path AS unit_path \
                FROM people p JOIN units u ON u.id = p.unit_id WHERE ";
    let mut out: Vec<Known> = Vec::new();
    for chunk in numbers.chunks(500) {
        let mut q = QueryBuilder::new();
        let marks: Vec<String> = chunk.iter().map(|n| q.bind(n.clone())).collect();
        out.extend(db.fetch_all::<Known>(&format!("{cols}p.id_number IN ({})", marks.join(", ")), q.args()).await?);
    }
    for chunk in dates.chunks(500) {
        let mut q = QueryBuilder::new();
        let marks: Vec<String> = chunk.iter().map(|d| q.bind(*d)).collect();
        out.extend(db.fetch_all::<Known>(&format!("{cols}p.birth_date IN ({})", marks.join(", ")), q.args()).await?);
    }
    out.sort_by_key(|k| k.id);
    out.dedup_by_key(|k| k.id);
    Ok(out)
}
