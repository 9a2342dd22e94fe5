//! The engine switch: one API over the typed SQLite and PostgreSQL pools.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

type BoxFuture<'s, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 's>>;

use crate::audit_key::AuditKey;
use crate::count_cache::{CountCache, DataVersion};
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
    /// List totals by filter and data version (see [`crate::count_cache`]); every committed
    /// write of this process bumps its generation.
    pub(crate) counts: Arc<CountCache>,
}

/// SQLite connections of a server. SQLite writes one transaction at a time anyway, and each
/// connection keeps a page cache (up to 2 MB) and its prepared statements of its own: eight
/// held about 24 MiB of the server's memory in the 200-user load run, four serve the same load
/// as fast (docs/benchmarks/2026-12-04-load-sqlite-connections.md).
const SQLITE_CONNECTIONS: u32 = 4;

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
    counts: Arc<CountCache>,
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
            // random_page_cost 1.1 (PostgreSQL's default 4 is for spinning disks), the usual setting
            // for SSDs and databases that fit in memory: with 4, a batch of 500 findings joined its
            // responsible people by hashing all 52,000 people twice (35 ms a batch of an export)
            // instead of 1,000 index lookups (12 ms)
            let opts = PgConnectOptions::from_str(url)?.options([("random_page_cost", "1.1")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Pool::Pg(pool)
        } else {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // a system of record: a commit the server confirmed survives a power cut too,
                // not only a killed process (NORMAL in WAL mode may lose the last commits then)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                // ANALYZE (run by `optimize`) samples this many rows an index: milliseconds on
                // a province's tables instead of a full scan of each
                .pragma("analysis_limit", "1000");
            let pool = SqlitePoolOptions::new()
                .max_connections(SQLITE_CONNECTIONS)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Pool::Sqlite(pool)
        };
        let db = Db { pool, audit_key, writers: Arc::default(), counts: Arc::default() };
        db.migrate().await?;
        crate::audit::seal(&db).await?;
        // seeding appends to the audit trail: never with a key the chain was not sealed with
        if crate::audit::key_matches(&db).await? {
            crate::org::people::fill_levels(&db).await?;
            crate::org::people::fill_grams(&db).await?;
            crate::responsibility::seed_templates(&db).await?;
        }
        db.optimize().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        // Every migration is written once, in PostgreSQL's types; SQLite runs a mechanical
        // translation of it (see `sqlite_dialect`).
        let written = sqlx::migrate!("./migrations");
        match &self.pool {
            Pool::Sqlite(p) => Migrator::new(MigrationList(for_sqlite(&written))).await?.run(p).await?,
            Pool::Pg(p) => written.run(p).await?,
        }
        Ok(())
    }

    /// Refreshes the query planner's statistics where they are missing or stale. Without them
    /// SQLite cannot tell that a list ordered by the unit tree is best read unit by unit through
    /// an index (50 rows) rather than by sorting every person (a scan). Cheap when nothing grew
    /// much; run at start-up and hourly by the job loop. PostgreSQL's autovacuum does this itself.
    pub async fn optimize(&self) -> StoreResult<()> {
        if let Pool::Sqlite(p) = &self.pool {
            // 0x10002: every table is checked, not only those this connection has queried
            sqlx::query("PRAGMA optimize=0x10002").execute(p).await?;
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match &self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Pg(_) => Engine::Postgres,
        }
    }

    /// Open connections of the pool and how many of them are idle (for the metrics).
    pub fn pool_status(&self) -> (u32, usize) {
        match &self.pool {
            Pool::Sqlite(p) => (p.size(), p.num_idle()),
            Pool::Pg(p) => (p.size(), p.num_idle()),
        }
    }

    /// The key audit records are signed and verified with.
    pub fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }

    /// The same pool with another audit key (tests; checking a database against a key).
    pub fn with_audit_key(&self, audit_key: AuditKey) -> Db {
        Db { pool: self.pool.clone(), audit_key, writers: self.writers.clone(), counts: self.counts.clone() }
    }

    pub async fn begin(&self) -> StoreResult<Tx> {
        let audit_key = self.audit_key.clone();
        let counts = self.counts.clone();
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let turn = self.write_turn().await?;
                let tx = p.begin_with("BEGIN IMMEDIATE").await?;
                Tx::Sqlite(EngineTx { tx, audit_key, counts, _turn: Some(turn) })
            }
            Pool::Pg(p) => Tx::Pg(EngineTx { tx: p.begin().await?, audit_key, counts, _turn: None }),
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
        let n = self.execute_unlisted(sql, args).await?;
        self.counts.bump();
        Ok(n)
    }

    /// [`Db::execute`] for a write to a table no list counts (a session's `last_seen_at`): the
    /// cached list totals stay valid. Every signed-in reader touches their session once a
    /// minute, which would otherwise make every total be counted again.
    pub async fn execute_unlisted(&self, sql: &str, args: Vec<Arg>) -> StoreResult<u64> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let _turn = self.write_turn().await?;
                bind_all!(sqlx::query(sql), args).execute(p).await?.rows_affected()
            }
            Pool::Pg(p) => bind_all!(sqlx::query(sql), args).execute(p).await?.rows_affected(),
        })
    }

    /// The version of the data list totals are cached at: this process's write generation
    /// (read first) and the head of the audit chain.
    pub(crate) async fn data_version(&self) -> StoreResult<DataVersion> {
        let generation = self.counts.generation();
        let head: Option<(i64,)> = self.fetch_optional("SELECT last_id FROM audit_head", vec![]).await?;
        Ok(DataVersion { generation, audit_head: head.map_or(0, |h| h.0) })
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
        let counts = match self {
            Tx::Sqlite(t) => {
                t.tx.commit().await?;
                t.counts
            }
            Tx::Pg(t) => {
                t.tx.commit().await?;
                t.counts
            }
        };
        counts.bump();
        Ok(())
    }
}

/// The migrations as SQLite runs them. The checksum sqlx keeps is over the translated text,
/// which is, to the byte, what the SQLite copies of these files said when each engine had its own
/// folder; that is also why the first three files still name a `../sqlite/` twin in a comment.
fn for_sqlite(written: &Migrator) -> Vec<Migration> {
    written
        .iter()
        .map(|m| {
            Migration::new(m.version, m.description.clone(), m.migration_type, sqlite_dialect(&m.sql).into(), m.no_tx)
        })
        .collect()
}

/// PostgreSQL's column types in SQLite's words: the only ways the two engines' schemas differ.
/// Dates and times are ISO text in SQLite; ids autoincrement; bytes are a BLOB; SQLite sorts
/// text bytewise already, so `COLLATE "C"` goes.
pub(crate) fn sqlite_dialect(sql: &str) -> String {
    const WORDS: [(&str, &str); 4] = [
        ("BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"),
        ("TIMESTAMPTZ", "TEXT"),
        ("DATE", "TEXT"),
        ("BYTEA", "BLOB"),
    ];
    let mut out = sql.replace(" COLLATE \"C\"", "").replace("../sqlite/", "../postgres/");
    for (pg, lite) in WORDS {
        out = replace_word(&out, pg, lite);
    }
    out
}

/// `text` with every `word` that stands alone (not inside a longer name such as `CURRENT_DATE`
/// or `update_date`) replaced.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_name = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = if at > 0 { rest[..at].chars().last() } else { out.chars().last() };
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        out.push_str(if is_name(before) || is_name(after) { word } else { with });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
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

    /// The first 16 hex digits of each released migration's checksum, (SQLite, PostgreSQL):
    /// a database that ran a migration refuses to start if its text changes later.
    const RELEASED: [(i64, &str, &str); 17] = [
        (1, "e9a0f4790442235d", "6d306ffa12e9c07f"),
        (2, "43d170d91d8998a9", "c003558f7adaaec8"),
        (3, "13e74b16e10ae786", "2d95c1a17e5db1dd"),
        (4, "4bf24c57d19a0b98", "4bf24c57d19a0b98"),
        (5, "4077c6b0a74e3e7d", "4077c6b0a74e3e7d"),
        (6, "9d458efe75772cf6", "9d458efe75772cf6"),
        (7, "74429d2fd95583c8", "74429d2fd95583c8"),
        (8, "0f1246132ec0cca7", "f7d87f185d7d1650"),
        (9, "ca76854204dcd1e0", "ca76854204dcd1e0"),
        (10, "c3b4b86b8b492047", "c3b4b86b8b492047"),
        (12, "b505c58830ef31c6", "08641380700a9633"),
        (13, "b50ca1210afed384", "fe7b56bd41b9a47d"),
        (14, "bb219a92e2ab7b42", "3be197b6aa4e4664"),
        (15, "8b8e14195404aab9", "8b8e14195404aab9"),
        (16, "ca8ac31ee77d6352", "6cf63334ab5beaf2"),
        (17, "2abfe4227660287f", "87090190697d6e96"),
        (18, "bf275991e5ac4f11", "ba01bfcd73502de5"),
    ];

    #[test]
    fn released_migrations_keep_their_checksums_on_both_engines() {
        let written = sqlx::migrate!("./migrations");
        let lite = for_sqlite(&written);
        let prefix = |m: &Migration| hex::encode(&m.checksum[..8]);
        for (version, sqlite, postgres) in RELEASED {
            let pg = written.iter().find(|m| m.version == version).expect("a released migration is missing");
            let sl = lite.iter().find(|m| m.version == version).unwrap();
            assert_eq!((prefix(sl).as_str(), prefix(pg).as_str()), (sqlite, postgres), "migration {version}");
        }
    }

    #[test]
    fn the_sqlite_dialect_replaces_whole_type_names_only() {
        let pg = "id BIGSERIAL PRIMARY KEY, update_date DATE NOT NULL, at TIMESTAMPTZ, b BYTEA, p TEXT COLLATE \"C\", d DATE DEFAULT CURRENT_DATE";
        let lite = "id INTEGER PRIMARY KEY AUTOINCREMENT, update_date TEXT NOT NULL, at TEXT, b BLOB, p TEXT, d TEXT DEFAULT CURRENT_DATE";
        assert_eq!(sqlite_dialect(pg), lite);
    }

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
        let db = Db {
            pool: Pool::Sqlite(pool),
            audit_key: AuditKey::for_tests(),
            writers: Arc::default(),
            counts: Arc::default(),
        };
        db.execute("CREATE TABLE t (v INTEGER NOT NULL)", vec![]).await.unwrap();
        db
    }

    /// `.cargo/config.toml` compiles the bundled SQLite without the global page-cache lock and
    /// without memory statistics (both cost lists a fifth of their time under concurrency):
    /// fails if a build stops reading that file.
    #[tokio::test]
    async fn sqlite_is_built_without_its_global_locks() {
        let db = impatient_sqlite().await;
        let options: Vec<(String,)> = db.fetch_all("PRAGMA compile_options", vec![]).await.unwrap();
        let options: Vec<String> = options.into_iter().map(|o| o.0).collect();
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
        assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
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
