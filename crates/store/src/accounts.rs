//! Accounts, browser sessions and API tokens. Secrets are stored only as hashes: argon2id for
//! passwords, SHA-256 for random session ids and tokens (they are 256-bit random, so a fast hash
//! is enough and lookups stay indexable).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{args, audit, Actor, Db, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub person_id: Option<i64>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// where notifications are e-mailed (when an SMTP relay is set)
    pub email: Option<String>,
}

const COLS: &str = "id, username, password_hash, person_id, must_change_password, disabled, created_at, email";

/// argon2id with 7 MiB and 5 passes: one of the five settings OWASP's Password Storage Cheat
/// Sheet gives as equally strong (19 MiB and 2 passes, the crate's default, is another; they
/// trade memory for passes at the same cost to an attacker). The smaller block keeps the server
/// under 100 MB while someone signs in (scripts/load.sh: the 19 MiB block was the peak's last
/// 19 MiB). Hashes made with other parameters still verify and are rehashed at the next
/// successful sign-in ([`needs_rehash`]).
fn hasher() -> Argon2<'static> {
    let (m, t, p) = HASH_COSTS;
    let params = argon2::Params::new(m, t, p, None).expect("fixed argon2 parameters are valid");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// argon2's memory (KiB), passes and lanes for new hashes ([`hasher`]).
const HASH_COSTS: (u32, u32, u32) = (7 * 1024, 5, 1);

pub fn hash_password(password: &str) -> String {
    let password = password.to_string();
    on_hashing_thread(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 hashing with fixed parameters does not fail")
            .to_string()
    })
}

/// Whether `password` matches `hash`, under the parameters written in the hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    on_hashing_thread(move || {
        PasswordHash::new(&hash).map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
    })
}

/// Whether `hash` was made with other parameters than [`hash_password`] uses now (or is not an
/// argon2id hash at all): such a hash is replaced when its password is next given correctly.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(h) = PasswordHash::new(hash) else { return true };
    // the costs only: a parsed hash also carries its output length, which is not set here
    let current = |p: argon2::Params| (p.m_cost(), p.t_cost(), p.p_cost()) == HASH_COSTS;
    h.algorithm != argon2::Algorithm::Argon2id.ident() || !argon2::Params::try_from(&h).is_ok_and(current)
}

/// Runs `f` on the one thread that computes password hashes, and waits for its answer. Each
/// argon2id hash takes 19 MiB: computed on whichever thread asked, a burst of sign-ins took
/// 19 MiB each at once and the allocator kept that memory in each thread's arena afterwards
/// (the server grew by 19 MiB steps under load, scripts/load.sh). On one thread at most one
/// block exists at a time; sign-ins queue for it (a hash takes tens of milliseconds). That the
/// freed block is given back to the system is the binary's malloc setting (`qingfeng` main).
fn on_hashing_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    type Job = Box<dyn FnOnce() + Send>;
    static QUEUE: std::sync::OnceLock<std::sync::mpsc::Sender<Job>> = std::sync::OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let worker = std::thread::Builder::new().name("password-hashing".into()).spawn(move || {
            for job in rx {
                job();
            }
        });
        if let Err(e) = worker {
            tracing::warn!(error = %e, "no password hashing thread: hashing on the callers' threads");
        }
        tx
    });
    let (answer, answered) = std::sync::mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = answer.send(f());
    });
    // without the thread (it could not start), the caller computes the hash itself
    if let Err(std::sync::mpsc::SendError(job)) = queue.send(job) {
        job();
    }
    answered.recv().expect("the password hashing job answers")
}

/// A hash that no password matches, verified against for unknown users so that a wrong user and
/// a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("qingfeng-no-such-user"))
}

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

pub async fn count(db: &Db) -> StoreResult<i64> {
    let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM accounts", vec![]).await?;
    Ok(n)
}

pub async fn by_username(db: &Db, username: &str) -> StoreResult<Option<Account>> {
    db.fetch_optional(&format!("SELECT {COLS} FROM accounts WHERE username = $1"), args![username]).await
}

/// The account linked to a person, if any.
pub async fn by_person(db: &Db, person_id: i64) -> StoreResult<Option<Account>> {
    db.fetch_optional(
        &format!("SELECT {COLS} FROM accounts WHERE person_id = $1 ORDER BY id LIMIT 1"),
        args![person_id],
    )
    .await
}

pub async fn by_id(db: &Db, id: i64) -> StoreResult<Account> {
    db.fetch_one(&format!("SELECT {COLS} FROM accounts WHERE id = $1"), args![id]).await
}

pub async fn roles(db: &Db, account_id: i64) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = db
        .fetch_all("SELECT role_key FROM account_roles WHERE account_id = $1 ORDER BY role_key", args![account_id])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Creates an account with an already-checked password.
pub async fn create(
    db: &Db,
    actor: &Actor,
    username: &str,
    password: &str,
    person_id: Option<i64>,
    roles: &[&str],
    must_change_password: bool,
) -> StoreResult<Account> {
    if by_username(db, username).await?.is_some() {
        return Err(StoreError::field("username", format!("用户名“{username}”已被使用")));
    }
    let hash = hash_password(password);
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO accounts (username, password_hash, person_id, must_change_password, disabled, created_at) \
             VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id",
            args![username, hash, person_id, must_change_password, crate::now()],
        )
        .await?;
    for r in roles {
        tx.execute("INSERT INTO account_roles (account_id, role_key) VALUES ($1, $2)", args![id, *r]).await?;
    }
    audit::append(
        &mut tx,
        actor,
        "create",
        "account",
        id,
        &json!({"username": [null, username], "person_id": [null, person_id], "roles": [null, roles]}),
    )
    .await?;
    tx.commit().await?;
    by_id(db, id).await
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: Account,
    pub roles: Vec<String>,
    pub person_name: Option<String>,
}

/// What the account list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// matches the username or the person's name
    pub q: Option<String>,
    /// holds this role
    pub role: Option<String>,
    pub disabled: Option<bool>,
    /// the person's unit and the units below it
    pub unit_id: Option<i64>,
}

/// Accounts page by page, with roles.
pub async fn list(
    db: &Db,
    scope: &crate::Scope,
    f: &AccountFilter,
    paging: crate::Paging,
) -> StoreResult<crate::Page<AccountView>> {
    let mut qb = crate::QueryBuilder::new();
    // an account is in scope through its person; accounts without a person need full scope
    scope.restrict(&mut qb, "u.path", "u.id", Some("p.id"));
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = crate::query::like_contains(text);
        qb.and("(a.username LIKE ? ESCAPE '\\' OR p.name LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    if let Some(role) = f.role.as_deref().filter(|s| !s.is_empty()) {
        qb.and("EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = a.id AND r.role_key = ?)", args![role]);
    }
    if let Some(d) = f.disabled {
        qb.and("a.disabled = ?", args![d]);
    }
    if let Some(unit_id) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut qb, "u.path", "u.id", unit_id, true).await?;
    }
    let w = qb.where_clause();
    let from = " FROM accounts a LEFT JOIN people p ON p.id = a.person_id LEFT JOIN units u ON u.id = p.unit_id";
    let (total,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*){from}{w}"), qb.args()).await?;
    let mut a = qb.args();
    let n = a.len();
    a.extend(args![paging.per_page, paging.offset()]);
    let rows: Vec<Account> = db
        .fetch_all(
            &format!(
                "SELECT a.id, a.username, a.password_hash, a.person_id, a.must_change_password, a.disabled, a.created_at, a.email{from}{w} \
                 ORDER BY a.id LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ),
            a,
        )
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for acc in rows {
        items.push(view(db, acc).await?);
    }
    Ok(crate::Page::new(items, total, paging.page, paging.per_page))
}

/// An account of a bulk creation: username, first password (already checked) and person.
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub person_id: i64,
}

/// Creates accounts for people in one transaction, each with the same roles and a first
/// password its holder must change at first sign-in; one audit record per account.
pub async fn create_many(db: &Db, actor: &Actor, accounts: &[NewAccount], roles: &[String]) -> StoreResult<Vec<i64>> {
    let pairs: Vec<(String, String)> = accounts.iter().map(|a| (a.username.clone(), a.password.clone())).collect();
    let hashes = tokio::task::spawn_blocking(move || pairs.iter().map(|(_, pw)| hash_password(pw)).collect::<Vec<_>>())
        .await
        .expect("argon2 hashing does not panic");
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(accounts.len());
    for (a, hash) in accounts.iter().zip(hashes) {
        let taken: Option<(i64,)> = tx
            .fetch_optional(
                "SELECT id FROM accounts WHERE username = $1 OR person_id = $2",
                args![a.username.clone(), a.person_id],
            )
            .await?;
        if taken.is_some() {
            return Err(StoreError::field("username", format!("用户名“{}”已被使用，或该人员已有账号", a.username)));
        }
        let (id,): (i64,) = tx
            .fetch_one(
                "INSERT INTO accounts (username, password_hash, person_id, must_change_password, disabled, created_at) \
                 VALUES ($1, $2, $3, TRUE, FALSE, $4) RETURNING id",
                args![a.username.clone(), hash, a.person_id, crate::now()],
            )
            .await?;
        for r in roles {
            tx.execute("INSERT INTO account_roles (account_id, role_key) VALUES ($1, $2)", args![id, r.clone()])
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "account",
            id,
            &json!({"username": [null, a.username], "person_id": [null, a.person_id], "roles": [null, roles], "must_change_password": [null, true]}),
        )
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

pub async fn view(db: &Db, account: Account) -> StoreResult<AccountView> {
    let roles = roles(db, account.id).await?;
    let person_name: Option<(String,)> = match account.person_id {
        Some(pid) => db.fetch_optional("SELECT name FROM people WHERE id = $1", args![pid]).await?,
        None => None,
    };
    Ok(AccountView { account, roles, person_name: person_name.map(|r| r.0) })
}

/// A change to an account; None leaves a field as it is.
#[derive(Debug, Default)]
pub struct AccountChange {
    pub person_id: Option<Option<i64>>,
    pub roles: Option<Vec<String>>,
    pub disabled: Option<bool>,
    /// A reset by an administrator: the user must change it at the next login.
    pub reset_password: Option<String>,
    /// a new e-mail address (Some(None) removes it); checked by the caller
    pub email: Option<Option<String>>,
}

pub async fn update(db: &Db, actor: &Actor, id: i64, change: &AccountChange) -> StoreResult<AccountView> {
    let before = view(db, by_id(db, id).await?).await?;
    let mut tx = db.begin().await?;
    let mut diff = serde_json::Map::new();
    if let Some(pid) = change.person_id {
        if pid != before.account.person_id {
            tx.execute("UPDATE accounts SET person_id = $1 WHERE id = $2", args![pid, id]).await?;
            diff.insert("person_id".into(), json!([before.account.person_id, pid]));
        }
    }
    if let Some(email) = &change.email {
        if *email != before.account.email {
            tx.execute("UPDATE accounts SET email = $1 WHERE id = $2", args![email.clone(), id]).await?;
            diff.insert("email".into(), json!([before.account.email, email]));
        }
    }
    if let Some(d) = change.disabled {
        if d != before.account.disabled {
            tx.execute("UPDATE accounts SET disabled = $1 WHERE id = $2", args![d, id]).await?;
            if d {
                tx.execute("DELETE FROM sessions WHERE account_id = $1", args![id]).await?;
            }
            diff.insert("disabled".into(), json!([before.account.disabled, d]));
        }
    }
    if let Some(roles) = &change.roles {
        let mut sorted = roles.clone();
        sorted.sort();
        sorted.dedup();
        if sorted != before.roles {
            tx.execute("DELETE FROM account_roles WHERE account_id = $1", args![id]).await?;
            for r in &sorted {
                tx.execute("INSERT INTO account_roles (account_id, role_key) VALUES ($1, $2)", args![id, r.clone()])
                    .await?;
            }
            diff.insert("roles".into(), json!([before.roles, sorted]));
        }
    }
    if let Some(pw) = &change.reset_password {
        tx.execute(
            "UPDATE accounts SET password_hash = $1, must_change_password = TRUE WHERE id = $2",
            args![hash_password(pw), id],
        )
        .await?;
        tx.execute("DELETE FROM sessions WHERE account_id = $1", args![id]).await?;
        // the hash itself is never written to the audit trail
        diff.insert("password".into(), json!(["***", "重置"]));
    }
    if !diff.is_empty() {
        audit::append(&mut tx, actor, "update", "account", id, &serde_json::Value::Object(diff)).await?;
    }
    tx.commit().await?;
    view(db, by_id(db, id).await?).await
}

/// A user's own change of password; clears the must-change flag.
///
/// Every other session of the account ends: whoever else held one (a stolen cookie, a shared
/// machine) must sign in again with the new password. `keep_session` is the id hash of the
/// session making the change (None from an API token: every session ends).
pub async fn change_own_password(
    db: &Db,
    actor: &Actor,
    id: i64,
    new_password: &str,
    keep_session: Option<&str>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        "UPDATE accounts SET password_hash = $1, must_change_password = FALSE WHERE id = $2",
        args![hash_password(new_password), id],
    )
    .await?;
    tx.execute(
        "DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2",
        args![id, keep_session.unwrap_or("").to_string()],
    )
    .await?;
    audit::append(&mut tx, actor, "update", "account", id, &json!({"password": ["***", "本人修改，其他会话已退出"]}))
        .await?;
    tx.commit().await
}

/// A live browser session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id_hash: String,
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Starts a session; returns (cookie value, session). The login is audited.
pub async fn start_session(db: &Db, actor: &Actor, account_id: i64) -> StoreResult<(String, Session)> {
    let token = random_token();
    let now = crate::now();
    let s = Session {
        id_hash: sha256_hex(&token),
        account_id,
        csrf_token: random_token(),
        created_at: now,
        last_seen_at: now,
    };
    let mut tx = db.begin().await?;
    tx.execute(
        "INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
        args![s.id_hash.clone(), account_id, s.csrf_token.clone(), now],
    )
    .await?;
    audit::append(&mut tx, actor, "login", "account", account_id, &json!({})).await?;
    tx.commit().await?;
    Ok((token, s))
}

/// The session behind a cookie value, if it exists and has not been idle longer than `idle`.
/// Touches `last_seen_at` at most once a minute so that reads do not turn into writes.
pub async fn find_session(db: &Db, token: &str, idle: Duration) -> StoreResult<Option<Session>> {
    let s: Option<Session> = db
        .fetch_optional(
            "SELECT id_hash, account_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = $1",
            args![sha256_hex(token)],
        )
        .await?;
    let Some(s) = s else { return Ok(None) };
    let now = crate::now();
    if now - s.last_seen_at > idle {
        db.execute("DELETE FROM sessions WHERE id_hash = $1", args![s.id_hash]).await?;
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::seconds(60) {
        db.execute_unlisted("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2", args![now, s.id_hash.clone()])
            .await?;
    }
    Ok(Some(s))
}

/// Ends a session on the server (logout), audited.
pub async fn end_session(db: &Db, actor: &Actor, session: &Session) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    tx.execute("DELETE FROM sessions WHERE id_hash = $1", args![session.id_hash.clone()]).await?;
    audit::append(&mut tx, actor, "logout", "account", session.account_id, &json!({})).await?;
    tx.commit().await
}

/// Creates an API token for an account; returns the token (shown once).
pub async fn create_token(db: &Db, actor: &Actor, account_id: i64, name: &str) -> StoreResult<String> {
    let token = format!("qf_{}", random_token());
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO api_tokens (account_id, token_hash, name, created_at, revoked) VALUES ($1, $2, $3, $4, FALSE) RETURNING id",
            args![account_id, sha256_hex(&token), name, crate::now()],
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        "create",
        "api_token",
        id,
        &json!({"account_id": [null, account_id], "name": [null, name]}),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The account a bearer token belongs to, if the token is valid.
pub async fn account_for_token(db: &Db, token: &str) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = db
        .fetch_optional(
            "SELECT t.account_id FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
             WHERE t.token_hash = $1 AND t.revoked = FALSE AND a.disabled = FALSE",
            args![sha256_hex(token)],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// 登录日志: failed sign-ins of an account after `since`, counting only those after its last
/// successful sign-in in that time.
pub async fn login_failures_of_account(db: &Db, username: &str, since: DateTime<Utc>) -> StoreResult<i64> {
    let last_ok: Option<(DateTime<Utc>,)> = db
        .fetch_optional(
            "SELECT at FROM login_log WHERE username = $1 AND result = 'success' AND at > $2 ORDER BY at DESC LIMIT 1",
            args![username, since],
        )
        .await?;
    let since = last_ok.map(|r| r.0).unwrap_or(since);
    let (n,): (i64,) = db
        .fetch_one(
            "SELECT COUNT(*) FROM login_log WHERE username = $1 AND result = 'failure' AND at > $2",
            args![username, since],
        )
        .await?;
    Ok(n)
}

/// 登录日志: failed sign-ins from an address after `since`. A success forgives only the failures
/// of the same account from the same address before it.
pub async fn login_failures_from_address(db: &Db, address: &str, since: DateTime<Utc>) -> StoreResult<i64> {
    let (n,): (i64,) = db
        .fetch_one(
            "SELECT COUNT(*) FROM login_log f WHERE f.address = $1 AND f.result = 'failure' AND f.at > $2 \
             AND NOT EXISTS (SELECT 1 FROM login_log s WHERE s.address = $1 AND s.username = f.username \
                             AND s.result = 'success' AND s.at > f.at)",
            args![address, since],
        )
        .await?;
    Ok(n)
}

/// Appends a sign-in attempt to 登录日志 (`result`: success, failure or locked).
/// Replaces a hash made with older parameters by `new_hash` of the same password, at a
/// successful sign-in. Only while the account still holds `old_hash`: a password changed in
/// the meantime stays. Not audited: the password is the same, only how it is kept changed.
pub async fn upgrade_hash(db: &Db, id: i64, old_hash: &str, new_hash: &str) -> StoreResult<()> {
    // no list counts by a password hash: the cached totals stay
    db.execute_unlisted(
        "UPDATE accounts SET password_hash = $1 WHERE id = $2 AND password_hash = $3",
        args![new_hash, id, old_hash],
    )
    .await?;
    Ok(())
}

pub async fn record_login(db: &Db, username: &str, address: &str, result: &str) -> StoreResult<()> {
    db.execute(
        "INSERT INTO login_log (at, username, address, result) VALUES ($1, $2, $3, $4)",
        args![crate::now(), username, address, result],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_of_older_parameters_verify_and_ask_to_be_rehashed() {
        let salt = SaltString::generate(&mut OsRng);
        // the parameters of earlier versions (the crate's default: 19 MiB, 2 passes)
        let old = Argon2::default().hash_password(b"Secret#123", &salt).unwrap().to_string();
        assert!(verify_password("Secret#123", &old));
        assert!(!verify_password("Secret#124", &old));
        assert!(needs_rehash(&old));
        let new = hash_password("Secret#123");
        assert!(new.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{new}");
        assert!(!needs_rehash(&new));
        assert!(needs_rehash("not a hash"));
    }

    #[test]
    fn passwords_are_hashed_on_one_thread_of_their_own() {
        let callers: Vec<_> =
            (0..4).map(|_| std::thread::spawn(|| on_hashing_thread(|| std::thread::current().id()))).collect();
        let threads: Vec<_> = callers.into_iter().map(|c| c.join().expect("the caller ends")).collect();
        assert!(threads.iter().all(|t| *t == threads[0]), "every hash on the same thread");
        assert_ne!(threads[0], std::thread::current().id(), "not on the caller's thread");
        let hash = hash_password("Secret#123");
        assert!(verify_password("Secret#123", &hash));
        assert!(!verify_password("secret#123", &hash));
    }
}
