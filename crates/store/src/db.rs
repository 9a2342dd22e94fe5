//! The engine switch: one API over the typed SQLite and PostgreSQL pools.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::StoreResult;

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

/// A connection pool on either engine. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// A write transaction. On SQLite it begins IMMEDIATE, so two writers queue on the lock
/// instead of failing halfway with SQLITE_BUSY on upgrade.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

impl Db {
    /// Connects to `url`: `postgres://…` selects PostgreSQL, anything else is a SQLite path or
    /// `sqlite:` URL. Applies the migrations of that engine.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool =
                PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            Db::Pg(pool)
        } else {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Db::Sqlite(pool)
        };
        db.migrate().await?;
        crate::responsibility::seed_templates(&db).await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Pg(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Pg(_) => Engine::Postgres,
        }
    }

    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }

    pub async fn fetch_all<T: FromDbRow>(&self, sql: &str, args: Vec<Arg>) -> StoreResult<Vec<T>> {
        Ok(match self {
            Db::Sqlite(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(p).await?,
            Db::Pg(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(p).await?,
        })
    }

    pub async fn fetch_optional<T: FromDbRow>(&self, sql: &str, args: Vec<Arg>) -> StoreResult<Option<T>> {
        Ok(match self {
            Db::Sqlite(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(p).await?,
            Db::Pg(p) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(p).await?,
        })
    }

    pub async fn fetch_one<T: FromDbRow>(&self, sql: &str, args: Vec<Arg>) -> StoreResult<T> {
        self.fetch_optional(sql, args).await?.ok_or(crate::StoreError::NotFound)
    }

    pub async fn execute(&self, sql: &str, args: Vec<Arg>) -> StoreResult<u64> {
        Ok(match self {
            Db::Sqlite(p) => bind_all!(sqlx::query(sql), args).execute(p).await?.rows_affected(),
            Db::Pg(p) => bind_all!(sqlx::query(sql), args).execute(p).await?.rows_affected(),
        })
    }

    /// Closes the pool (end of tests and commands).
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Pg(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn fetch_all<T: FromDbRow>(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<Vec<T>> {
        Ok(match self {
            Tx::Sqlite(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(&mut **t).await?,
            Tx::Pg(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(&mut **t).await?,
        })
    }

    pub async fn fetch_optional<T: FromDbRow>(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<Option<T>> {
        Ok(match self {
            Tx::Sqlite(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(&mut **t).await?,
            Tx::Pg(t) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_optional(&mut **t).await?,
        })
    }

    pub async fn fetch_one<T: FromDbRow>(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<T> {
        self.fetch_optional(sql, args).await?.ok_or(crate::StoreError::NotFound)
    }

    pub async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> StoreResult<u64> {
        Ok(match self {
            Tx::Sqlite(t) => bind_all!(sqlx::query(sql), args).execute(&mut **t).await?.rows_affected(),
            Tx::Pg(t) => bind_all!(sqlx::query(sql), args).execute(&mut **t).await?.rows_affected(),
        })
    }

    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}
