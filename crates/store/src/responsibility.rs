//! The responsibility catalog (templates), yearly lists and their items.
//!
//! Lists are generated from the catalog, people's roles, levels and units. Regenerating a year
//! keeps items edited by hand, refreshes the others from their templates, adds what is missing
//! and deactivates what no longer applies. New items are credited at once with the ledger
//! entries already recorded ("one record, every list").

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use qingfeng_domain::dict::{parse_roles, Rank, UnitKind};
/// A validated catalog template (`TemplateFields::validate` in domain).
pub use qingfeng_domain::responsibility::TemplateDraft;
use qingfeng_domain::responsibility::{person_level, Level, OwnerRole, BUILTIN_TEMPLATES};
use serde::Serialize;
use serde_json::json;

use crate::query::like_contains;
use crate::{args, audit, Actor, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Template {
    pub id: i64,
    pub code: String,
    pub text: String,
    pub owner_role: String,
    pub req_count: i64,
    pub req_period: String,
    /// comma-separated entry kinds
    pub kinds: String,
    pub source: String,
    pub unit_id: Option<i64>,
    pub builtin: bool,
    pub active: bool,
}

const T_COLS: &str = "id, code, text, owner_role, req_count, req_period, kinds, source, unit_id, builtin, active";

/// Inserts the built-in templates that are missing (first start, or a release that adds some).
pub async fn seed_templates(db: &Db) -> StoreResult<()> {
    let existing: Vec<(String,)> = db.fetch_all("SELECT code FROM responsibility_templates", vec![]).await?;
    let existing: HashSet<String> = existing.into_iter().map(|r| r.0).collect();
    let missing: Vec<_> = BUILTIN_TEMPLATES.iter().filter(|t| !existing.contains(t.code)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    let now = crate::now();
    for t in &missing {
        let kinds: Vec<&str> = t.kinds.iter().map(|k| k.key()).collect();
        // ON CONFLICT: another replica may be seeding at the same moment
        tx.execute(
            "INSERT INTO responsibility_templates (code, text, owner_role, req_count, req_period, kinds, source, unit_id, builtin, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, TRUE, TRUE, $8, $8) ON CONFLICT (code) DO NOTHING",
            args![t.code, t.text, t.owner.key(), i64::from(t.requirement.count), t.requirement.per.key(), kinds.join(","), t.source, now],
        )
        .await?;
    }
    audit::append(
        &mut tx,
        &Actor::system(),
        "create",
        "responsibility_template",
        "builtin",
        &json!({"codes": missing.iter().map(|t| t.code).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await
}

pub async fn templates(db: &Db) -> StoreResult<Vec<Template>> {
    db.fetch_all(&format!("SELECT {T_COLS} FROM responsibility_templates ORDER BY builtin DESC, id"), vec![]).await
}

pub async fn template(db: &Db, id: i64) -> StoreResult<Template> {
    db.fetch_one(&format!("SELECT {T_COLS} FROM responsibility_templates WHERE id = $1"), args![id]).await
}

fn template_json(d: &TemplateDraft) -> serde_json::Value {
    json!({"code": d.code, "text": d.text, "owner_role": d.owner_role, "req_count": d.req_count, "req_period": d.req_period,
           "kinds": d.kinds.join(","), "source": d.source, "unit_id": d.unit_id, "active": d.active})
}

pub async fn create_template(db: &Db, actor: &Actor, d: &TemplateDraft) -> StoreResult<Template> {
    let mut tx = db.begin().await?;
    let taken: Option<(i64,)> =
        tx.fetch_optional("SELECT id FROM responsibility_templates WHERE code = $1", args![d.code.clone()]).await?;
    if taken.is_some() {
        return Err(StoreError::field("code", format!("事项编号“{}”已被使用", d.code)));
    }
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO responsibility_templates (code, text, owner_role, req_count, req_period, kinds, source, unit_id, builtin, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9, $10, $10) RETURNING id",
            args![d.code.clone(), d.text.clone(), d.owner_role.clone(), d.req_count, d.req_period.clone(), d.kinds.join(","), d.source.clone(), d.unit_id, d.active, now],
        )
        .await?;
    audit::append(&mut tx, actor, "create", "responsibility_template", id, &audit::diff(&json!({}), &template_json(d)))
        .await?;
    tx.commit().await?;
    template(db, id).await
}

pub async fn update_template(db: &Db, actor: &Actor, id: i64, d: &TemplateDraft) -> StoreResult<Template> {
    let before = template(db, id).await?;
    let mut tx = db.begin().await?;
    tx.execute(
        "UPDATE responsibility_templates SET text = $1, owner_role = $2, req_count = $3, req_period = $4, kinds = $5, source = $6, unit_id = $7, active = $8, updated_at = $9 WHERE id = $10",
        args![d.text.clone(), d.owner_role.clone(), d.req_count, d.req_period.clone(), d.kinds.join(","), d.source.clone(), d.unit_id, d.active, crate::now(), id],
    )
    .await?;
    let before_json = json!({"code": before.code, "text": before.text, "owner_role": before.owner_role, "req_count": before.req_count,
        "req_period": before.req_period, "kinds": before.kinds, "source": before.source, "unit_id": before.unit_id, "active": before.active});
    let mut after = template_json(d);
    after["code"] = json!(before.code);
    audit::append(&mut tx, actor, "update", "responsibility_template", id, &audit::diff(&before_json, &after)).await?;
    tx.commit().await?;
    template(db, id).await
}

// ------------------------------------------------------------------ lists and items

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct List {
    pub id: i64,
    pub year: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub pledge_date: Option<NaiveDate>,
    pub items: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub id: i64,
    pub list_id: i64,
    pub year: i64,
    pub template_id: Option<i64>,
    pub code: String,
    pub text: String,
    pub owner_role: String,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub req_count: i64,
    pub req_period: String,
    pub kinds: String,
    pub source: String,
    pub edited: bool,
    pub active: bool,
    /// the entries credited by month, "3:2,5:1" (see [`refresh_month_summary`]): what the
    /// item's fulfilment is evaluated from
    #[serde(skip)]
    pub month_counts: String,
}

const I_COLS: &str = "i.id, i.list_id, i.year, i.template_id, i.code, i.text, i.owner_role, i.unit_id, u.name AS unit_name, \
    u.path AS unit_path, i.person_id, p.name AS person_name, i.req_count, i.req_period, i.kinds, i.source, i.edited, i.active, \
    i.month_counts";
const I_FROM: &str =
    " FROM responsibility_items i JOIN units u ON u.id = i.unit_id LEFT JOIN people p ON p.id = i.person_id";

#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub year: Option<i64>,
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    pub person_id: Option<i64>,
    pub list_id: Option<i64>,
    pub owner_role: Option<String>,
    pub q: Option<String>,
    pub ids: Option<Vec<i64>>,
    pub active_only: bool,
    /// A hierarchy level key (`leadership`, `middle`, `staff`, `discipline`), as the
    /// fulfilment roll-ups file items: derived from the owner role and the person's level
    /// (`people.level`, kept from their roles and 职务 on every write).
    pub level: Option<String>,
    /// Items in this state in this snapshot: (snapshot id, state key).
    pub flagged: Option<(i64, String)>,
}

async fn item_query(db: &Db, scope: &Scope, f: &ItemFilter) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", Some("i.person_id"));
    if let Some(y) = f.year {
        q.and("i.year = ?", args![y]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "i.unit_id", u, f.include_sub).await?;
    }
    if let Some(p) = f.person_id {
        q.and("i.person_id = ?", args![p]);
    }
    if let Some(l) = f.list_id {
        q.and("i.list_id = ?", args![l]);
    }
    if let Some(o) = &f.owner_role {
        q.and("i.owner_role = ?", args![o.clone()]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        let (named, named_values) = crate::org::people::name_holds("i.person_id", text);
        let values = [args![pat.clone()], named_values, args![pat]].concat();
        q.and(&format!("(i.text LIKE ? ESCAPE '\\' OR {named} OR u.name LIKE ? ESCAPE '\\')"), values);
    }
    if let Some(ids) = &f.ids {
        crate::query::ids_in(&mut q, "i.id", ids);
    }
    if f.active_only {
        q.and("i.active = TRUE", vec![]);
    }
    if let Some(level) = &f.level {
        crate::fulfilment::item_level_condition(&mut q, level);
    }
    if let Some((snapshot, state)) = &f.flagged {
        q.and(
            "i.id IN (SELECT item_id FROM fulfilment_item_states WHERE snapshot_id = ? AND state = ?)",
            args![*snapshot, state.clone()],
        );
    }
    Ok(q)
}

/// By the unit tree, the unit's own items before its people's (ids start at 1), then by id.
const I_ORDER: crate::query::SeekOrder =
    crate::query::SeekOrder { keys: &["u.sort_path", "COALESCE(i.person_id, 0)", "i.id"], desc: false };

pub async fn items(db: &Db, scope: &Scope, f: &ItemFilter, paging: Option<Paging>) -> StoreResult<Page<Item>> {
    let q = item_query(db, scope, f).await?;
    crate::query::fetch_seek_page(db, crate::query::ListSql { cols: I_COLS, from: I_FROM, q, order: I_ORDER }, paging)
        .await
}

/// Which of `ids` the scope sees (as [`item`] would find them).
pub async fn visible_item_ids(db: &Db, scope: &Scope, ids: &[i64]) -> StoreResult<std::collections::HashSet<i64>> {
    let q = item_query(db, scope, &ItemFilter { ids: Some(ids.to_vec()), ..Default::default() }).await?;
    let rows: Vec<(i64,)> = db.fetch_all(&format!("SELECT i.id{I_FROM}{}", q.where_clause()), q.args()).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn item(db: &Db, scope: &Scope, id: i64) -> StoreResult<Item> {
    let page = items(db, scope, &ItemFilter { ids: Some(vec![id]), ..Default::default() }, None).await?;
    page.items.into_iter().next().ok_or(StoreError::NotFound)
}

/// An item changed by hand (`ItemFields::validate` in domain): it is marked edited and survives
/// regeneration.
pub use qingfeng_domain::responsibility::ItemEdit;

pub async fn edit_item(db: &Db, actor: &Actor, before: &Item, e: &ItemEdit) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let kinds = e.kinds.join(",");
    tx.execute(
        "UPDATE responsibility_items SET text = $1, req_count = $2, req_period = $3, kinds = $4, active = $5, edited = TRUE, updated_at = $6 WHERE id = $7",
        args![e.text.clone(), e.req_count, e.req_period.clone(), kinds.clone(), e.active, crate::now(), before.id],
    )
    .await?;
    if kinds != before.kinds {
        recredit(&mut tx, "i.id = $1", args![before.id]).await?;
    }
    bump_version(&mut tx).await?;
    let b = json!({"text": before.text, "req_count": before.req_count, "req_period": before.req_period, "kinds": before.kinds, "active": before.active});
    let a = json!({"text": e.text, "req_count": e.req_count, "req_period": e.req_period, "kinds": kinds, "active": e.active});
    audit::append(&mut tx, actor, "update", "responsibility_item", before.id, &audit::diff(&b, &a)).await?;
    tx.commit().await
}

pub async fn lists(
    db: &Db,
    scope: &Scope,
    year: i64,
    unit_id: Option<i64>,
    person_id: Option<i64>,
) -> StoreResult<Vec<List>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", Some("l.person_id"));
    q.and("l.year = ?", args![year]);
    if let Some(u) = unit_id {
        q.and("l.unit_id = ?", args![u]);
    }
    if let Some(p) = person_id {
        q.and("l.person_id = ?", args![p]);
    }
    db.fetch_all(
        &format!(
            "SELECT l.id, l.year, l.unit_id, u.name AS unit_name, l.person_id, p.name AS person_name, l.pledge_date, \
             (SELECT COUNT(*) FROM responsibility_items i WHERE i.list_id = l.id AND i.active = TRUE) AS items \
             FROM responsibility_lists l JOIN units u ON u.id = l.unit_id LEFT JOIN people p ON p.id = l.person_id{} \
             ORDER BY u.sort_path, l.person_id NULLS FIRST",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

pub async fn list(db: &Db, scope: &Scope, id: i64) -> StoreResult<List> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", Some("l.person_id"));
    q.and("l.id = ?", args![id]);
    db.fetch_one(
        &format!(
            "SELECT l.id, l.year, l.unit_id, u.name AS unit_name, l.person_id, p.name AS person_name, l.pledge_date, \
             (SELECT COUNT(*) FROM responsibility_items i WHERE i.list_id = l.id AND i.active = TRUE) AS items \
             FROM responsibility_lists l JOIN units u ON u.id = l.unit_id LEFT JOIN people p ON p.id = l.person_id{}",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// Records the signing of the 责任书 for a list.
pub async fn set_pledge(db: &Db, actor: &Actor, list: &List, date: Option<NaiveDate>) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    tx.execute("UPDATE responsibility_lists SET pledge_date = $1 WHERE id = $2", args![date, list.id]).await?;
    audit::append(
        &mut tx,
        actor,
        "update",
        "responsibility_list",
        list.id,
        &json!({"pledge_date": [list.pledge_date, date]}),
    )
    .await?;
    tx.commit().await
}

/// Marks fulfilment snapshots stale: every write that can change fulfilment calls this.
pub async fn bump_version(tx: &mut Tx) -> StoreResult<()> {
    tx.execute("UPDATE fulfilment_version SET version = version + 1 WHERE singleton = 1", vec![]).await?;
    Ok(())
}

/// Rewrites the month-count summary (`responsibility_items.month_counts`, "3:2,5:1") of the
/// items matched by `item_where` (over `i`, with its own placeholders in `args`) from
/// `item_month_counts`. Every change to those counts calls this in the same transaction, so
/// the recomputation can read one row per item.
pub async fn refresh_month_summary(tx: &mut Tx, item_where: &str, args: Vec<Arg>) -> StoreResult<()> {
    tx.execute(
        &format!(
            "UPDATE responsibility_items AS i SET month_counts = COALESCE(( \
               SELECT string_agg(CAST(c.month AS TEXT) || ':' || CAST(c.n AS TEXT), ',' ORDER BY c.month) \
               FROM item_month_counts c WHERE c.item_id = i.id AND c.year = i.year AND c.n > 0), '') \
             WHERE {item_where}"
        ),
        args,
    )
    .await?;
    Ok(())
}

/// Recomputes the credits and month counts of the items matched by `item_where` (over `i`,
/// with its own placeholders in `args`): participants' matching entries, the unit's entries
/// for unit-level items, and entries linked to the item explicitly. Only current versions count.
pub async fn recredit(tx: &mut Tx, item_where: &str, item_args: Vec<Arg>) -> StoreResult<()> {
    let items = format!("SELECT i.id FROM responsibility_items i WHERE {item_where}");
    tx.execute(&format!("DELETE FROM ledger_credits WHERE item_id IN ({items})"), item_args.clone()).await?;
    tx.execute(&format!("DELETE FROM item_month_counts WHERE item_id IN ({items})"), item_args.clone()).await?;
    let current = crate::ledger::LIVE;
    let kind_ok =
        format!("(',' || i.kinds || ',') LIKE ('%,' || e.kind || ',%') AND {}", crate::ledger::meeting_type_ok());
    for source in [
        format!("FROM responsibility_items i JOIN ledger_participants lp ON lp.person_id = i.person_id \
                 JOIN ledger_entries e ON e.id = lp.entry_id AND e.entry_year = i.year WHERE {item_where} AND {kind_ok} AND {current}"),
        format!("FROM responsibility_items i JOIN ledger_entries e ON e.unit_id = i.unit_id AND e.entry_year = i.year \
                 WHERE i.person_id IS NULL AND {item_where} AND {kind_ok} AND {current}"),
        format!("FROM responsibility_items i JOIN ledger_item_links l ON l.item_id = i.id JOIN ledger_entries e ON e.id = l.entry_id \
                 WHERE {item_where} AND {current}"),
    ] {
        tx.execute(
            &format!("INSERT INTO ledger_credits (entry_id, item_id, year, month) SELECT e.id, i.id, e.entry_year, e.entry_month {source} ON CONFLICT DO NOTHING"),
            item_args.clone(),
        )
        .await?;
    }
    tx.execute(
        &format!(
            "INSERT INTO item_month_counts (item_id, year, month, n) SELECT item_id, year, month, COUNT(*) FROM ledger_credits \
             WHERE item_id IN ({items}) GROUP BY item_id, year, month"
        ),
        item_args.clone(),
    )
    .await?;
    refresh_month_summary(tx, item_where, item_args).await
}

/// What a generation run did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerateReport {
    pub year: i64,
    pub lists_created: usize,
    pub items_created: usize,
    pub items_refreshed: usize,
    pub items_kept_edited: usize,
    pub items_deactivated: usize,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    kind: String,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    unit_id: i64,
    roles: String,
    title: String,
    rank: String,
}

#[derive(sqlx::FromRow, Clone)]
struct ExistingItem {
    id: i64,
    list_id: i64,
    template_id: Option<i64>,
    text: String,
    req_count: i64,
    req_period: String,
    kinds: String,
    source: String,
    edited: bool,
    active: bool,
}

/// The owner of a list: a unit, and the person for a personal list.
type Owner = (i64, Option<i64>);

/// The owner roles a person holds: from responsibility roles, and for the others from their level.
pub fn person_owner_roles(roles_keys: &str, title: &str, rank: &str) -> Vec<OwnerRole> {
    let roles = parse_roles(&roles_keys.replace(',', "、")).unwrap_or_default();
    let mut out: Vec<OwnerRole> =
        OwnerRole::ALL.iter().copied().filter(|o| o.person_role().is_some_and(|r| roles.contains(&r))).collect();
    match person_level(&roles, title) {
        Level::Leadership => {}
        Level::Middle => out.push(OwnerRole::DivisionHead),
        Level::Staff => {
            if Rank::from_key(rank) != Some(Rank::Staff) {
                out.push(OwnerRole::Cadre)
            }
        }
    }
    out
}

/// Generates (or regenerates) the lists of `year` for the units and people in `scope`.
pub async fn generate(db: &Db, actor: &Actor, scope: &Scope, year: i64) -> StoreResult<GenerateReport> {
    let mut tx = db.begin().await?;
    let report = generate_in(&mut tx, actor, Target::Scope(scope), year).await?;
    tx.commit().await?;
    Ok(report)
}

/// Regenerates the lists of `year` of these people only (their personal items, in whatever
/// unit they are now), inside the transaction that created, changed or moved them: the same
/// generator as [`generate`]. Items of a former unit or role are deactivated; nothing is
/// written (no audit record) when the lists already match.
pub async fn regenerate_people(tx: &mut Tx, actor: &Actor, people: &[i64], year: i64) -> StoreResult<GenerateReport> {
    if people.is_empty() {
        return Ok(GenerateReport { year, ..Default::default() });
    }
    generate_in(tx, actor, Target::People(people), year).await
}

/// What a generation run covers.
enum Target<'a> {
    /// the units and people of a scope
    Scope(&'a Scope),
    /// these people's own lists, nothing of their units
    People(&'a [i64]),
}

fn id_list(ids: &[i64]) -> (String, Vec<Arg>) {
    (vec!["?"; ids.len()].join(", "), ids.iter().map(|&i| Arg::from(i)).collect())
}

async fn generate_in(tx: &mut Tx, actor: &Actor, target: Target<'_>, year: i64) -> StoreResult<GenerateReport> {
    let templates: Vec<Template> = tx
        .fetch_all::<Template>(
            &format!("SELECT {T_COLS} FROM responsibility_templates ORDER BY builtin DESC, id"),
            vec![],
        )
        .await?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    let mut uq = QueryBuilder::new();
    let mut pq = QueryBuilder::new();
    match target {
        Target::Scope(scope) => {
            scope.restrict(&mut uq, "path", "id", None);
            scope.restrict(&mut pq, "u.path", "u.id", Some("p.id"));
        }
        Target::People(ids) => {
            uq.and("1 = 0", vec![]);
            let (marks, a) = id_list(ids);
            pq.and(&format!("p.id IN ({marks})"), a);
        }
    }
    let units: Vec<UnitRow> =
        tx.fetch_all(&format!("SELECT id, kind FROM units{}", uq.where_clause()), uq.args()).await?;
    let unit_ids: HashSet<i64> = units.iter().map(|u| u.id).collect();
    pq.and("p.status = 'active' AND p.voided_at IS NULL", vec![]);
    let people: Vec<PersonRow> = tx
        .fetch_all(
            &format!(
                "SELECT p.id, p.unit_id, p.roles, p.title, p.rank FROM people p JOIN units u ON u.id = p.unit_id{}",
                pq.where_clause()
            ),
            pq.args(),
        )
        .await?;
    // the lists this run owns: those of the scope's units, or every list of these people
    let owns = |unit: i64, person: Option<i64>| match target {
        Target::Scope(_) => unit_ids.contains(&unit),
        Target::People(ids) => person.is_some_and(|p| ids.contains(&p)),
    };

    // desired (owner, template) pairs; owner = (unit, person)
    let mut desired: Vec<((i64, Option<i64>), &Template)> = Vec::new();
    for u in &units {
        let kind = UnitKind::from_key(&u.kind);
        for t in &templates {
            let owner = OwnerRole::parse(&t.owner_role);
            if owner.is_some_and(|o| o.is_unit_level() && o.unit_kind() == kind) && t.unit_id.is_none_or(|x| x == u.id)
            {
                desired.push(((u.id, None), t));
            }
        }
    }
    for p in &people {
        let owners = person_owner_roles(&p.roles, &p.title, &p.rank);
        for t in &templates {
            if OwnerRole::parse(&t.owner_role).is_some_and(|o| owners.contains(&o))
                && t.unit_id.is_none_or(|x| x == p.unit_id)
            {
                desired.push(((p.unit_id, Some(p.id)), t));
            }
        }
    }

    let run_at = crate::now();
    let mut report = GenerateReport { year, ..Default::default() };
    // lists: existing ones of the year for these owners
    let existing_lists: Vec<(i64, i64, Option<i64>)> =
        tx.fetch_all("SELECT id, unit_id, person_id FROM responsibility_lists WHERE year = $1", args![year]).await?;
    let mut list_of: HashMap<(i64, Option<i64>), i64> =
        existing_lists.into_iter().filter(|(_, u, p)| owns(*u, *p)).map(|(id, u, p)| ((u, p), id)).collect();
    let owners: Vec<(i64, Option<i64>)> = {
        let mut seen = HashSet::new();
        desired.iter().map(|(o, _)| *o).filter(|o| seen.insert(*o)).collect()
    };
    for chunk in owners.iter().filter(|o| !list_of.contains_key(o)).collect::<Vec<_>>().chunks(200) {
        let mut a: Vec<Arg> = vec![year.into(), run_at.into()];
        let rows: Vec<String> = chunk
            .iter()
            .map(|(u, p)| {
                a.push((*u).into());
                a.push((*p).into());
                format!("($1, ${}, ${}, NULL, $2)", a.len() - 1, a.len())
            })
            .collect();
        let created: Vec<(i64, i64, Option<i64>)> = tx
            .fetch_all(
                &format!("INSERT INTO responsibility_lists (year, unit_id, person_id, pledge_date, created_at) VALUES {} RETURNING id, unit_id, person_id", rows.join(", ")),
                a,
            )
            .await?;
        report.lists_created += created.len();
        list_of.extend(created.into_iter().map(|(id, u, p)| ((u, p), id)));
    }

    // items: existing ones of those lists
    let list_ids: HashSet<i64> = list_of.values().copied().collect();
    let mut iq = QueryBuilder::new();
    iq.and("year = ?", args![year]);
    if let Target::People(ids) = target {
        let (marks, a) = id_list(ids);
        iq.and(&format!("person_id IN ({marks})"), a);
    }
    let existing: Vec<ExistingItem> = tx
        .fetch_all(
            &format!(
                "SELECT id, list_id, template_id, text, req_count, req_period, kinds, source, edited, active FROM responsibility_items{}",
                iq.where_clause()
            ),
            iq.args(),
        )
        .await?;
    let mut by_key: HashMap<(i64, i64), ExistingItem> = existing
        .into_iter()
        .filter(|e| list_ids.contains(&e.list_id))
        .filter_map(|e| e.template_id.map(|t| ((e.list_id, t), e.clone())))
        .collect();
    let mut to_insert: Vec<(i64, Owner, &Template)> = Vec::new();
    for (owner, t) in &desired {
        let list_id = list_of[owner];
        match by_key.remove(&(list_id, t.id)) {
            Some(e) if e.edited => report.items_kept_edited += 1,
            Some(e) => {
                let same = e.text == t.text
                    && e.req_count == t.req_count
                    && e.req_period == t.req_period
                    && e.kinds == t.kinds
                    && e.source == t.source
                    && e.active;
                if !same {
                    tx.execute(
                        "UPDATE responsibility_items SET text = $1, req_count = $2, req_period = $3, kinds = $4, source = $5, active = TRUE, updated_at = $6 WHERE id = $7",
                        args![t.text.clone(), t.req_count, t.req_period.clone(), t.kinds.clone(), t.source.clone(), run_at, e.id],
                    )
                    .await?;
                    if e.kinds != t.kinds || !e.active {
                        recredit(tx, "i.id = $1", args![e.id]).await?;
                    }
                    report.items_refreshed += 1;
                }
            }
            None => to_insert.push((list_id, *owner, t)),
        }
    }
    // what is left applied once but no longer does: deactivate unless edited by hand
    for e in by_key.values().filter(|e| !e.edited && e.active) {
        tx.execute(
            "UPDATE responsibility_items SET active = FALSE, updated_at = $1 WHERE id = $2",
            args![run_at, e.id],
        )
        .await?;
        report.items_deactivated += 1;
    }
    for chunk in to_insert.chunks(100) {
        let mut a: Vec<Arg> = vec![year.into(), run_at.into()];
        let rows: Vec<String> = chunk
            .iter()
            .map(|(list_id, (unit, person), t)| {
                let base = a.len();
                a.extend(args![
                    *list_id,
                    t.id,
                    t.code.clone(),
                    t.text.clone(),
                    t.owner_role.clone(),
                    *unit,
                    *person,
                    t.req_count,
                    t.req_period.clone(),
                    t.kinds.clone(),
                    t.source.clone()
                ]);
                let p: Vec<String> = (1..=11).map(|k| format!("${}", base + k)).collect();
                format!("(${}, $1, {}, FALSE, TRUE, $2, $2)", base + 1, p[1..].join(", "))
            })
            .collect();
        tx.execute(
            &format!(
                "INSERT INTO responsibility_items (list_id, year, template_id, code, text, owner_role, unit_id, person_id, req_count, req_period, kinds, source, edited, active, created_at, updated_at) VALUES {}",
                rows.join(", ")
            ),
            a,
        )
        .await?;
        report.items_created += chunk.len();
    }
    if report.items_created > 0 {
        // entries recorded before the items existed count toward them too
        recredit(tx, "i.year = $1 AND i.created_at = $2", args![year, run_at]).await?;
    }
    let changed = report.lists_created + report.items_created + report.items_refreshed + report.items_deactivated > 0;
    if matches!(target, Target::People(_)) && !changed {
        return Ok(report);
    }
    bump_version(tx).await?;
    let mut diff = serde_json::to_value(&report).unwrap_or_default();
    if let Target::People(ids) = target {
        diff["people"] = json!(ids);
    }
    audit::append(tx, actor, "generate", "responsibility_list", year, &diff).await?;
    Ok(report)
}
