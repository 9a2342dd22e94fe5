//! The engine switch: one API over the typed SQLite and PostgreSQL pools.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, Migrator};
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

type BoxFuture<'s, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 's>>;

use crate::audit_key::AuditKey;
use crate::{StoreError, StoreResult};
use tokio::sync::OwnedMutexGuard;

/// A bound parameter. Queries take a `Vec<Arg>` so dynamic filters and fixed queries share one path.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($t:ty, $v:ident) => {
        impl From<$t> for Arg {
            fn from(x: $t) -> Self {
                Arg::$v(Some(x.into()))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(x: Option<$t>) -> Self {
                Arg::$v(x.map(Into::into))
            }
        }
    };
}
arg_from!(i64, I64);
arg_from!(String, Text);
arg_from!(&str, Text);
arg_from!(bool, Bool);
arg_from!(NaiveDate, Date);
arg_from!(DateTime<Utc>, Time);
arg_from!(Vec<u8>, Bytes);

impl From<&String> for Arg {
    fn from(x: &String) -> Self {
        Arg::Text(Some(x.clone()))
    }
}

/// `args![a, b, c]` builds a `Vec<Arg>`.
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => { vec![$($crate::Arg::from($a)),*] };
}

/// Row types readable from both engines (derive `sqlx::FromRow` on the struct).
pub trait FromDbRow: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin {}
impl<T> FromDbRow for T where T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin {}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection pool on either engine, with the audit key that the audit records written
/// through it are signed with (see [`crate::audit`]). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    audit_key: AuditKey,
    /// SQLite allows one writer at a time. Writers of this process queue here, in arrival
    /// order, instead of meeting SQLite's lock: a long import then delays an entry written
    /// meanwhile, but never fails it with "database is locked". Unused on PostgreSQL.
    writers: Arc<tokio::sync::Mutex<()>>,
}

/// How long a writer waits for its turn in the queue before it gives up with
/// [`StoreError::Busy`] (a 503 the user can retry), so a stuck writer cannot hang everyone.
const WRITE_QUEUE_WAIT: Duration = Duration::from_secs(120);

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// A write transaction. On SQLite it begins IMMEDIATE, so two writers queue on the lock
/// instead of failing halfway with SQLITE_BUSY on upgrade.
pub enum Tx {
    Sqlite(EngineTx<Sqlite>),
    Pg(EngineTx<Postgres>),
}

/// The open transaction of one engine, with the audit key of the [`Db`] that began it, so that
/// [`crate::audit::append`] signs with it.
pub struct EngineTx<DB: sqlx::Database> {
    tx: Transaction<'static, DB>,
    audit_key: AuditKey,
    /// This transaction's turn in the SQLite write queue, released when it ends.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Db {
    /// Connects to `url` with the fixed, public test key ([`AuditKey::for_tests`]): for tests
    /// and tools. The server and the command line use [`Db::connect_with_key`] with the
    /// installation's key.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        Db::connect_with_key(url, AuditKey::for_tests()).await
    }

    /// Connects to `url`: `postgres://…` selects PostgreSQL, anything else is a SQLite path or
    /// `sqlite:` URL. Applies the migrations of that engine, and seals the start of the keyed
    /// audit chain with `audit_key` if no key has sealed it yet ([`crate::audit::seal`]). Opening
    /// a database sealed with another key succeeds but writes nothing: check
    /// [`crate::audit::key_matches`] before writing.
    pub async fn connect_with_key(url: &str, audit_key: AuditKey) -> StoreResult<Db> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool =
                PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            Pool::Pg(pool)
        } else {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Pool::Sqlite(pool)
        };
        let db = Db { pool, audit_key, writers: Arc::default() };
        db.migrate().await?;
        crate::audit::seal(&db).await?;
        // seeding appends to the audit trail: never with a key the chain was not sealed with
        if crate::audit::key_matches(&db).await? {
            crate::responsibility::seed_templates(&db).await?;
        }
        Ok(db)
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        // A migration whose SQL is the same on both engines is written once, in `shared/`;
        // those the engines' types make differ are in `sqlite/` and `postgres/`.
        let shared = sqlx::migrate!("./migrations/shared");
        match &self.pool {
            Pool::Sqlite(p) => merged(&shared, &sqlx::migrate!("./migrations/sqlite")).await?.run(p).await?,
            Pool::Pg(p) => merged(&shared, &sqlx::migrate!("./migrations/postgres")).await?.run(p).await?,
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match &self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Pg(_) => Engine::Postgres,
        }
    }

    /// The key audit records are signed and verified with.
    pub fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }

    /// The same pool with another audit key (tests; checking a database against a key).
    pub fn with_audit_key(&self, audit_key: AuditKey) -> Db {
        Db { pool: self.pool.clone(), audit_key, writers: self.writers.clone() }
    }

    pub async fn begin(&self) -> StoreResult<Tx> {
        let audit_key = self.audit_key.clone();
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let turn = self.write_turn().await?;
                Tx::Sqlite(EngineTx { tx: p.begin_with("BEGIN IMMEDIATE").await?, audit_key, _turn: Some(turn) })
            }
            Pool::Pg(p) => Tx::Pg(EngineTx { tx: p.begin().await?, audit_key, _turn: None }),
        })
    }

    pub async fn fetch_all<T: FromDbRow>(&self, sql: &str, args: Vec<Arg>) -> StoreResult<Vec<T>> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(p).await?,
            Pool::Pg(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(p).await?,
        })
    }

    pub async fn fetch_optional<T: FromDbRow>(&self, sql: &str, args: Vec<Arg>) -> StoreResult<Option<T>> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(p).await?,
            Pool::Pg(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(p).await?,
        })
    }

    pub async fn fetch_one<T: FromDbRow>(&self, sql: &str, args: Vec<Arg>) -> StoreResult<T> {
        self.fetch_optional(sql, args).await?.ok_or(crate::StoreError::NotFound)
    }

    /// Waits for this process's turn to write to SQLite.
    async fn write_turn(&self) -> StoreResult<OwnedMutexGuard<()>> {
        tokio::time::timeout(WRITE_QUEUE_WAIT, self.writers.clone().lock_owned()).await.map_err(|_| StoreError::Busy)
    }

    pub async fn execute(&self, sql: &str, args: Vec<Arg>) -> StoreResult<u64> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let _turn = self.write_turn().await?;
                bind_all!(sqlx::query(sql), args).execute(p).await?.rows_affected()
            }
            Pool::Pg(p) => bind_all!(sqlx::query(sql), args).execute(p).await?.rows_affected(),
        })
    }

    /// Closes the pool (end of tests and commands).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Pg(p) => p.close().await,
        }
    }
}

impl Tx {
    /// The key of the [`Db`] this transaction was begun on.
    pub fn audit_key(&self) -> &AuditKey {
        match self {
            Tx::Sqlite(t) => &t.audit_key,
            Tx::Pg(t) => &t.audit_key,
        }
    }

    pub async fn fetch_all<T: FromDbRow>(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<Vec<T>> {
        Ok(match self {
            Tx::Sqlite(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(&mut *t.tx).await?,
            Tx::Pg(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(&mut *t.tx).await?,
        })
    }

    pub async fn fetch_optional<T: FromDbRow>(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<Option<T>> {
        Ok(match self {
            Tx::Sqlite(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(&mut *t.tx).await?,
            Tx::Pg(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(&mut *t.tx).await?,
        })
    }

    pub async fn fetch_one<T: FromDbRow>(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<T> {
        self.fetch_optional(sql, args).await?.ok_or(crate::StoreError::NotFound)
    }

    pub async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<u64> {
        Ok(match self {
            Tx::Sqlite(t) => bind_all!(sqlx::query(sql), args).execute(&mut *t.tx).await?.rows_affected(),
            Tx::Pg(t) => bind_all!(sqlx::query(sql), args).execute(&mut *t.tx).await?.rows_affected(),
        })
    }

    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.tx.commit().await?,
            Tx::Pg(t) => t.tx.commit().await?,
        }
        Ok(())
    }
}

/// The shared and one engine's migrations as one ordered list (a version is in one folder only).
async fn merged(shared: &Migrator, engine: &Migrator) -> StoreResult<Migrator> {
    let mut all: Vec<Migration> = shared.iter().chain(engine.iter()).cloned().collect();
    all.sort_by_key(|m| m.version);
    Ok(Migrator::new(MigrationList(all)).await?)
}

#[derive(Debug)]
struct MigrationList(Vec<Migration>);

impl<'s> MigrationSource<'s> for MigrationList {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move { Ok(self.0) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SQLite Db whose connections give up at once on a lock: without the write queue a
    /// second writer would fail with "database is locked" while the first one holds it.
    async fn impatient_sqlite() -> Db {
        let path = std::env::temp_dir().join(format!("qingfeng-queue-{}.db", crate::accounts::random_token()));
        let opts = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::ZERO);
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(opts).await.unwrap();
        let db = Db { pool: Pool::Sqlite(pool), audit_key: AuditKey::for_tests(), writers: Arc::default() };
        db.execute("CREATE TABLE t (v INTEGER NOT NULL)", vec![]).await.unwrap();
        db
    }

    #[tokio::test]
    async fn writers_queue_behind_a_long_transaction_instead_of_failing() {
        let db = impatient_sqlite().await;
        let mut long = db.begin().await.unwrap();
        long.execute("INSERT INTO t (v) VALUES (1)", vec![]).await.unwrap();
        let plain = tokio::spawn({
            let db = db.clone();
            async move { db.execute("INSERT INTO t (v) VALUES (2)", vec![]).await }
        });
        let in_tx = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await?;
                tx.execute("INSERT INTO t (v) VALUES (3)", vec![]).await?;
                tx.commit().await
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!plain.is_finished() && !in_tx.is_finished(), "both writers wait for their turn");
        long.execute("INSERT INTO t (v) VALUES (4)", vec![]).await.unwrap();
        long.commit().await.unwrap();
        plain.await.unwrap().expect("the plain write succeeds after the long one");
        in_tx.await.unwrap().expect("the transaction succeeds after the long one");
        let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM t", vec![]).await.unwrap();
        assert_eq!(n, 4);
    }
}
