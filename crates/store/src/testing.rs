//! Test support: a fresh database on every engine the test run has.
//!
//! SQLite is always there (a temporary file). PostgreSQL is used when `QINGFENG_TEST_PG_URL`
//! points at a server (the README's test command starts one); each call creates a new
//! database on it, so tests never see each other's data. With `QINGFENG_REQUIRE_PG=1` a
//! missing PostgreSQL is an error rather than a silent skip.
//!
//! Test databases sign their audit chain with the fixed, public test key
//! ([`AuditKey::for_tests`]).
//!
//! Compiled into the library only for its own unit tests and with the `testing` feature (which
//! the dev-dependencies of qingfeng-web and qingfeng turn on), never into the release binary.
//! The store's integration tests include this file as their own module (`tests/store.rs`), so
//! `cargo test -p qingfeng-store` runs them without the feature; hence the paths through
//! `qingfeng_store::`, which name the library from inside it and from a test crate alike.

use qingfeng_store::audit_key::AuditKey;
use qingfeng_store::{args, Db};

/// A fresh, migrated SQLite database in a temporary file.
pub async fn sqlite() -> Db {
    let path = std::env::temp_dir().join(format!("qingfeng-test-{}.db", qingfeng_store::accounts::random_token()));
    Db::connect_with_key(&format!("sqlite:{}", path.display()), AuditKey::for_tests())
        .await
        .expect("open temporary SQLite database")
}

/// URL of a fresh PostgreSQL database, if the run has a server.
pub async fn postgres_url() -> Option<String> {
    let Ok(base) = std::env::var("QINGFENG_TEST_PG_URL") else {
        assert!(
            std::env::var("QINGFENG_REQUIRE_PG").is_err(),
            "QINGFENG_REQUIRE_PG is set but QINGFENG_TEST_PG_URL is not: run the tests with scripts/test.sh"
        );
        return None;
    };
    let name = format!("qf_{}", &qingfeng_store::accounts::random_token()[..16]);
    let admin = sqlx::PgPool::connect(&base).await.expect("connect to the test PostgreSQL server");
    // the name is generated here from hex digits, never from input
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("postgres URL with a database name");
    Some(format!("{prefix}/{name}"))
}

/// A fresh, migrated PostgreSQL database, if the run has a server.
pub async fn postgres() -> Option<Db> {
    let url = postgres_url().await?;
    Some(Db::connect_with_key(&url, AuditKey::for_tests()).await.expect("open test PostgreSQL database"))
}

/// One fresh database per engine available: SQLite, and PostgreSQL when configured.
pub async fn engines() -> Vec<Db> {
    let mut dbs = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        dbs.push(pg);
    }
    dbs
}

/// Raw fixtures for tests that seed a database without the API (two-process and job tests):
/// a unit under `parent` with its paths.
pub async fn insert_unit(db: &Db, code: &str, name: &str, kind: &str, parent: Option<i64>) -> i64 {
    let now = qingfeng_store::now();
    let (id,): (i64,) = db
        .fetch_one(
            "INSERT INTO units (parent_id, name, code, kind, sort_order, path, sort_path, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 0, '', '', $5, $5) RETURNING id",
            args![parent, name, code, kind, now],
        )
        .await
        .expect("insert unit");
    let parent_path = match parent {
        Some(p) => db.fetch_one::<(String,)>("SELECT path FROM units WHERE id = $1", args![p]).await.unwrap().0,
        None => "/".into(),
    };
    let path = format!("{parent_path}{id}/");
    db.execute("UPDATE units SET path = $1, sort_path = $1 WHERE id = $2", args![path, id]).await.unwrap();
    id
}

/// An active party member in `unit_id` with the given 职务 and roles ("principal", "cadre,…").
pub async fn insert_person(db: &Db, name: &str, unit_id: i64, title: &str, roles: &str) -> i64 {
    let now = qingfeng_store::now();
    let (id,): (i64,) = db
        .fetch_one(
            "INSERT INTO people (name, gender, unit_id, title, rank, political_status, roles, status, \
             exercises_public_power, supervision_override_reason, in_supervision_scope, created_at, updated_at, level) \
             VALUES ($1, 'male', $2, $3, 'township', 'party_member', $4, 'active', FALSE, '', TRUE, $5, $5, $6) RETURNING id",
            args![name, unit_id, title, roles, now, qingfeng_store::fulfilment::person_level_key(roles, title)],
        )
        .await
        .expect("insert person");
    qingfeng_store::org::people::fill_grams(db).await.expect("search grams");
    id
}

/// A top-level task of a work plan.
pub async fn insert_task(
    db: &Db,
    plan: i64,
    title: &str,
    unit: i64,
    person: Option<i64>,
    deadline: chrono::NaiveDate,
) -> i64 {
    let now = qingfeng_store::now();
    let (id,): (i64,) = db
        .fetch_one(
            "INSERT INTO tasks (plan_id, parent_id, title, lead_unit_id, lead_person_id, deadline, business_work, \
             completed_on, sort_order, created_at, updated_at) VALUES ($1, NULL, $2, $3, $4, $5, '', NULL, 0, $6, $6) RETURNING id",
            args![plan, title, unit, person, deadline, now],
        )
        .await
        .expect("insert task");
    id
}
