//! Party branches (党支部): units of kind `branch` whose members come from several divisions.
//! Membership (`party_branch_members`, mirrored in `people.party_branch_id`) and committee posts
//! (`party_branch_committee`) keep their history as [from_date, to_date) periods, so a count for
//! a year (talks between 支委 and 党员, study per branch) asks who was in the branch on a day.

use chrono::NaiveDate;
use qingfeng_domain::dict::{parse_roles, roles_to_keys, BranchPost, ResponsibilityRole};
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, Actor, Db, QueryBuilder, Scope, StoreError, StoreResult, Tx};

/// A branch as the list shows it: its members and committee today.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branch {
    pub id: i64,
    pub name: String,
    pub code: String,
    /// current members
    pub members: i64,
    /// current committee posts (书记, 副书记, 委员)
    pub committee: i64,
    /// the current 书记, when there is one
    pub secretary_id: Option<i64>,
    pub secretary_name: Option<String>,
    /// how many divisions the current members sit in
    pub divisions: i64,
}

/// A member of a branch on a day, with the committee post held that day.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub person_id: i64,
    pub name: String,
    /// the division the member sits in (their administrative unit)
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub political_status: String,
    /// BranchPost key (secretary, deputy_secretary, member); none for a plain member
    pub post: Option<String>,
    /// the start of the membership that covers the day
    pub member_since: NaiveDate,
}

impl Member {
    pub fn post(&self) -> Option<BranchPost> {
        self.post.as_deref().and_then(BranchPost::from_key)
    }
}

/// One period of a person's membership of a branch.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub branch_id: i64,
    pub branch_name: String,
    pub from_date: NaiveDate,
    /// exclusive; none while it lasts
    pub to_date: Option<NaiveDate>,
    pub note: String,
}

/// One period of a committee post.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub branch_id: i64,
    pub branch_name: String,
    pub person_id: i64,
    pub person_name: String,
    /// BranchPost key
    pub post: String,
    pub from_date: NaiveDate,
    /// exclusive; none while it lasts
    pub to_date: Option<NaiveDate>,
}

const BRANCH_COLS: &str = "b.id, b.name, b.code, \
    (SELECT COUNT(*) FROM party_branch_members m WHERE m.branch_id = b.id AND m.to_date IS NULL) AS members, \
    (SELECT COUNT(*) FROM party_branch_committee c WHERE c.branch_id = b.id AND c.to_date IS NULL) AS committee, \
    (SELECT MIN(c.person_id) FROM party_branch_committee c WHERE c.branch_id = b.id AND c.to_date IS NULL \
      AND c.post = 'secretary') AS secretary_id, \
    (SELECT MIN(p.name) FROM party_branch_committee c JOIN people p ON p.id = c.person_id \
      WHERE c.branch_id = b.id AND c.to_date IS NULL AND c.post = 'secretary') AS secretary_name, \
    (SELECT COUNT(DISTINCT p.unit_id) FROM party_branch_members m JOIN people p ON p.id = m.person_id \
      WHERE m.branch_id = b.id AND m.to_date IS NULL) AS divisions";

/// The branches inside the scope, in tree order.
pub async fn list(db: &Db, scope: &Scope) -> StoreResult<Vec<Branch>> {
    let mut q = QueryBuilder::new();
    q.and("b.kind = 'branch'", vec![]);
    scope.restrict(&mut q, "b.path", "b.id", None);
    db.fetch_all(&format!("SELECT {BRANCH_COLS} FROM units b{} ORDER BY b.sort_path", q.where_clause()), q.args()).await
}

/// A branch by id; NotFound when it is not a branch or lies outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Branch> {
    let mut q = QueryBuilder::new();
    q.and("b.kind = 'branch'", vec![]);
    q.and("b.id = ?", args![id]);
    scope.restrict(&mut q, "b.path", "b.id", None);
    db.fetch_one(&format!("SELECT {BRANCH_COLS} FROM units b{}", q.where_clause()), q.args()).await
}

/// Branches by name (for imports): name → id.
pub async fn ids_by_name(db: &Db) -> StoreResult<std::collections::HashMap<String, i64>> {
    let rows: Vec<(String, i64)> =
        db.fetch_all("SELECT name, id FROM units WHERE kind = 'branch' ORDER BY id DESC", vec![]).await?;
    Ok(rows.into_iter().collect())
}

const ON_DAY: &str = "m.from_date <= ? AND (m.to_date IS NULL OR m.to_date > ?)";

/// The members of branch `branch_id` on day `on`, each with the committee post held that day:
/// the roll a count for a branch works on (the committee is the members whose `post` is set).
/// Not scoped: callers that show it check the branch first, or use [`members_visible`].
pub async fn members_on(db: &Db, branch_id: i64, on: NaiveDate) -> StoreResult<Vec<Member>> {
    members_query(db, None, branch_id, on).await
}

/// [`members_on`] limited to the people the scope reaches, and how many others there are.
pub async fn members_visible(
    db: &Db,
    scope: &Scope,
    branch_id: i64,
    on: NaiveDate,
) -> StoreResult<(Vec<Member>, usize)> {
    let all = members_query(db, None, branch_id, on).await?;
    let shown = members_query(db, Some(scope), branch_id, on).await?;
    let hidden = all.len() - shown.len();
    Ok((shown, hidden))
}

async fn members_query(db: &Db, scope: Option<&Scope>, branch_id: i64, on: NaiveDate) -> StoreResult<Vec<Member>> {
    let mut q = QueryBuilder::new();
    q.and("m.branch_id = ?", args![branch_id]);
    q.and(ON_DAY, args![on, on]);
    if let Some(s) = scope {
        s.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    }
    // the post held that day, its day bound once more after the conditions
    let day = q.bind(on);
    let sql = format!(
        "SELECT p.id AS person_id, p.name, p.unit_id, u.name AS unit_name, p.title, p.political_status, \
         (SELECT MIN(c.post) FROM party_branch_committee c WHERE c.branch_id = m.branch_id AND c.person_id = p.id \
           AND c.from_date <= {day} AND (c.to_date IS NULL OR c.to_date > {day})) AS post, \
         m.from_date AS member_since \
         FROM party_branch_members m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = p.unit_id{} \
         ORDER BY u.sort_path, p.id",
        q.where_clause()
    );
    let mut rows: Vec<Member> = db.fetch_all(&sql, q.args()).await?;
    // the committee first (书记, 副书记, 委员), then the members in tree order
    rows.sort_by_key(|m| m.post().map_or(9, post_rank));
    Ok(rows)
}

fn post_rank(p: BranchPost) -> usize {
    BranchPost::ALL.iter().position(|x| *x == p).unwrap_or(9)
}

/// The committee of a branch on a day: (person, post), 书记 first.
pub async fn committee_on(db: &Db, branch_id: i64, on: NaiveDate) -> StoreResult<Vec<Post>> {
    let mut posts: Vec<Post> = db
        .fetch_all(
            "SELECT c.branch_id, b.name AS branch_name, c.person_id, p.name AS person_name, c.post, c.from_date, c.to_date \
             FROM party_branch_committee c JOIN units b ON b.id = c.branch_id JOIN people p ON p.id = c.person_id \
             WHERE c.branch_id = $1 AND c.from_date <= $2 AND (c.to_date IS NULL OR c.to_date > $2) ORDER BY c.id",
            args![branch_id, on],
        )
        .await?;
    posts.sort_by_key(|p| BranchPost::from_key(&p.post).map_or(9, post_rank));
    Ok(posts)
}

/// A person's memberships, oldest first.
pub async fn memberships(db: &Db, person_id: i64) -> StoreResult<Vec<Membership>> {
    db.fetch_all(
        "SELECT m.branch_id, b.name AS branch_name, m.from_date, m.to_date, m.note \
         FROM party_branch_members m JOIN units b ON b.id = m.branch_id WHERE m.person_id = $1 ORDER BY m.from_date, m.id",
        args![person_id],
    )
    .await
}

/// A person's committee posts, oldest first.
pub async fn posts_of(db: &Db, person_id: i64) -> StoreResult<Vec<Post>> {
    db.fetch_all(
        "SELECT c.branch_id, b.name AS branch_name, c.person_id, p.name AS person_name, c.post, c.from_date, c.to_date \
         FROM party_branch_committee c JOIN units b ON b.id = c.branch_id JOIN people p ON p.id = c.person_id \
         WHERE c.person_id = $1 ORDER BY c.from_date, c.id",
        args![person_id],
    )
    .await
}

/// The branches a person leads now (书记 or 副书记): what a 支部书记 account's scope reaches.
pub async fn led_by(db: &Db, person_id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            "SELECT DISTINCT branch_id FROM party_branch_committee \
             WHERE person_id = $1 AND to_date IS NULL AND post IN ('secretary', 'deputy_secretary') ORDER BY branch_id",
            args![person_id],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

async fn ensure_branch(tx: &mut Tx, field: &str, branch_id: i64) -> StoreResult<String> {
    let row: Option<(String, String)> =
        tx.fetch_optional("SELECT name, kind FROM units WHERE id = $1", args![branch_id]).await?;
    match row {
        Some((name, kind)) if kind == "branch" => Ok(name),
        Some((name, _)) => Err(StoreError::field(field, format!("“{name}”不是党支部"))),
        None => Err(StoreError::field(field, format!("党支部（编号 {branch_id}）不存在"))),
    }
}

/// Moves a person into `branch` (None: out of any branch) from day `on`, inside an open
/// transaction: the open membership ends that day (with the committee posts held in that
/// branch), a new one starts, `people.party_branch_id` follows, audited. Nothing happens when
/// the person already is where `branch` says. Returns whether something changed.
pub async fn set_branch(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    branch: Option<i64>,
    on: NaiveDate,
    note: &str,
) -> StoreResult<bool> {
    let person: Option<(String, String)> =
        tx.fetch_optional("SELECT name, political_status FROM people WHERE id = $1", args![person_id]).await?;
    let (name, political) = person.ok_or(StoreError::NotFound)?;
    let open: Option<(i64, NaiveDate)> = tx
        .fetch_optional(
            "SELECT branch_id, from_date FROM party_branch_members WHERE person_id = $1 AND to_date IS NULL",
            args![person_id],
        )
        .await?;
    if open.map(|o| o.0) == branch {
        return Ok(false);
    }
    if let Some(b) = branch {
        ensure_branch(tx, "party_branch_id", b).await?;
        let member = qingfeng_domain::dict::PoliticalStatus::from_key(&political).is_some_and(|s| s.is_party_member());
        if !member {
            return Err(StoreError::field("party_branch_id", format!("{name}的政治面貌不是中共党员，不能编入党支部")));
        }
    }
    if let Some((old, since)) = open {
        if on < since {
            return Err(StoreError::field("date", format!("变动日期不能早于{name}编入现党支部的日期 {since}")));
        }
        let posts: Vec<(i64,)> = tx
            .fetch_all(
                "SELECT person_id FROM party_branch_committee WHERE branch_id = $1 AND person_id = $2 AND to_date IS NULL",
                args![old, person_id],
            )
            .await?;
        if !posts.is_empty() {
            set_post(tx, actor, old, person_id, None, on).await?;
        }
        tx.execute(
            "UPDATE party_branch_members SET to_date = $1 WHERE person_id = $2 AND to_date IS NULL",
            args![on, person_id],
        )
        .await?;
    }
    if let Some(b) = branch {
        tx.execute(
            "INSERT INTO party_branch_members (branch_id, person_id, from_date, to_date, note) VALUES ($1, $2, $3, NULL, $4)",
            args![b, person_id, on, note.to_string()],
        )
        .await?;
    }
    tx.execute("UPDATE people SET party_branch_id = $1 WHERE id = $2", args![branch, person_id]).await?;
    let diff = json!({"party_branch_id": [open.map(|o| o.0), branch], "date": on.to_string()});
    audit::append(tx, actor, "update", "party_branch_member", person_id, &diff).await?;
    Ok(true)
}

/// Sets a person's committee post in a branch from day `on` (None: off the committee), inside
/// an open transaction. The person must be a member of the branch; a new 书记 ends the previous
/// one's post that day. The person's 责任角色 follow (支部书记, 支部委员) and their list is
/// regenerated. Audited. Returns whether something changed.
pub async fn set_post(
    tx: &mut Tx,
    actor: &Actor,
    branch_id: i64,
    person_id: i64,
    post: Option<BranchPost>,
    on: NaiveDate,
) -> StoreResult<bool> {
    let branch_name = ensure_branch(tx, "branch_id", branch_id).await?;
    let open: Option<(String, NaiveDate)> = tx
        .fetch_optional(
            "SELECT post, from_date FROM party_branch_committee WHERE branch_id = $1 AND person_id = $2 AND to_date IS NULL",
            args![branch_id, person_id],
        )
        .await?;
    if open.as_ref().map(|o| o.0.as_str()) == post.map(BranchPost::key) {
        return Ok(false);
    }
    if post.is_some() {
        let member: Option<(i64,)> = tx
            .fetch_optional(
                "SELECT id FROM party_branch_members WHERE branch_id = $1 AND person_id = $2 AND to_date IS NULL",
                args![branch_id, person_id],
            )
            .await?;
        if member.is_none() {
            return Err(StoreError::field("person_id", format!("此人不是{branch_name}的党员，不能担任支委")));
        }
    }
    if let Some((_, since)) = &open {
        if on < *since {
            return Err(StoreError::field("date", format!("变动日期不能早于现任职务的开始日期 {since}")));
        }
    }
    if post == Some(BranchPost::Secretary) {
        let previous: Vec<(i64,)> = tx
            .fetch_all(
                "SELECT person_id FROM party_branch_committee WHERE branch_id = $1 AND post = 'secretary' \
                 AND to_date IS NULL AND person_id <> $2",
                args![branch_id, person_id],
            )
            .await?;
        for (other,) in previous {
            Box::pin(set_post(tx, actor, branch_id, other, None, on)).await?;
        }
    }
    let before = current_roles(tx, person_id).await?;
    tx.execute(
        "UPDATE party_branch_committee SET to_date = $1 WHERE branch_id = $2 AND person_id = $3 AND to_date IS NULL",
        args![on, branch_id, person_id],
    )
    .await?;
    if let Some(p) = post {
        tx.execute(
            "INSERT INTO party_branch_committee (branch_id, person_id, post, from_date, to_date) VALUES ($1, $2, $3, $4, NULL)",
            args![branch_id, person_id, p.key(), on],
        )
        .await?;
    }
    let diff =
        json!({"branch_id": branch_id, "post": [open.map(|o| o.0), post.map(BranchPost::key)], "date": on.to_string()});
    audit::append(tx, actor, "update", "party_branch_committee", person_id, &diff).await?;
    follow_roles(tx, actor, person_id, &before).await?;
    Ok(true)
}

/// The roles the person's current posts imply.
async fn current_roles(tx: &mut Tx, person_id: i64) -> StoreResult<Vec<ResponsibilityRole>> {
    let posts: Vec<(String,)> = tx
        .fetch_all("SELECT post FROM party_branch_committee WHERE person_id = $1 AND to_date IS NULL", args![person_id])
        .await?;
    Ok(posts.iter().filter_map(|(p,)| BranchPost::from_key(p)).map(BranchPost::role).collect())
}

/// After a post change: a role the posts now imply is added, a role they implied and no longer
/// do is dropped; other roles (set by hand) stay. A change regenerates the person's list.
async fn follow_roles(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    implied_before: &[ResponsibilityRole],
) -> StoreResult<()> {
    let implied_after = current_roles(tx, person_id).await?;
    let (stored, title): (String, String) =
        tx.fetch_one("SELECT roles, title FROM people WHERE id = $1", args![person_id]).await?;
    let mut roles = parse_roles(&stored).unwrap_or_default();
    for r in [ResponsibilityRole::BranchSecretary, ResponsibilityRole::BranchCommittee] {
        let (was, is) = (implied_before.contains(&r), implied_after.contains(&r));
        if is && !roles.contains(&r) {
            roles.push(r);
        } else if was && !is {
            roles.retain(|x| *x != r);
        }
    }
    let roles = parse_roles(&roles_to_keys(&roles)).unwrap_or_default();
    let keys = roles_to_keys(&roles);
    if keys == stored {
        return Ok(());
    }
    tx.execute(
        "UPDATE people SET roles = $1, level = $2, updated_at = $3 WHERE id = $4",
        args![
            keys.clone(),
            qingfeng_domain::responsibility::person_level(&roles, &title).key(),
            crate::now(),
            person_id
        ],
    )
    .await?;
    audit::append(tx, actor, "update", "person", person_id, &json!({"roles": [stored, keys]})).await?;
    super::people::regenerate_list(tx, actor, person_id).await
}

/// Where a person sits in the party: the branch (None: none) and, when `post` is Some, the
/// committee post in that branch (Some(None): no post); `post: None` leaves posts as they are.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Seat {
    pub branch: Option<i64>,
    pub post: Option<Option<BranchPost>>,
}

/// Applies a [`Seat`] from day `on` inside an open transaction.
pub async fn apply_seat(tx: &mut Tx, actor: &Actor, person_id: i64, seat: Seat, on: NaiveDate) -> StoreResult<()> {
    set_branch(tx, actor, person_id, seat.branch, on, "").await?;
    if let (Some(branch), Some(post)) = (seat.branch, seat.post) {
        set_post(tx, actor, branch, person_id, post, on).await?;
    }
    Ok(())
}

/// [`set_branch`] in its own transaction.
pub async fn move_person(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    branch: Option<i64>,
    on: NaiveDate,
) -> StoreResult<bool> {
    let mut tx = db.begin().await?;
    let changed = set_branch(&mut tx, actor, person_id, branch, on, "").await?;
    tx.commit().await?;
    Ok(changed)
}

/// [`set_post`] in its own transaction.
pub async fn appoint(
    db: &Db,
    actor: &Actor,
    branch_id: i64,
    person_id: i64,
    post: Option<BranchPost>,
    on: NaiveDate,
) -> StoreResult<bool> {
    let mut tx = db.begin().await?;
    let changed = set_post(&mut tx, actor, branch_id, person_id, post, on).await?;
    tx.commit().await?;
    Ok(changed)
}
