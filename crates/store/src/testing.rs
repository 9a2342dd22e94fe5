//! Test support: a fresh database on every engine the test run has.
//!
//! SQLite is always there (a temporary file). PostgreSQL is used when `QINGFENG_TEST_PG_URL`
//! points at a server (the README's test command starts one); each call creates a new
//! database on it, so tests never see each other's data. With `QINGFENG_REQUIRE_PG=1` a
//! missing PostgreSQL is an error rather than a silent skip.

use crate::Db;

/// A fresh, migrated SQLite database in a temporary file.
pub async fn sqlite() -> Db {
    let path = std::env::temp_dir().join(format!("qingfeng-test-{}.db", crate::accounts::random_token()));
    Db::connect(&format!("sqlite:{}", path.display())).await.expect("open temporary SQLite database")
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
    let name = format!("qf_{}", &crate::accounts::random_token()[..16]);
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
    Some(Db::connect(&url).await.expect("open test PostgreSQL database"))
}

/// One fresh database per engine available: SQLite, and PostgreSQL when configured.
pub async fn engines() -> Vec<Db> {
    let mut dbs = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        dbs.push(pg);
    }
    dbs
}
