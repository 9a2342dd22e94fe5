//! Backups: a consistent copy of a live SQLite database (`VACUUM INTO` reads one snapshot while
//! writers go on), the checks that a file is a 清风 backup and that a restore target is empty,
//! and every table's row count to compare a copy with its source. PostgreSQL is copied with its
//! own tools (`pg_dump` / `pg_restore`, run by the command line); this module checks both ends.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::{args, Db, Engine, StoreError, StoreResult};

/// Writes a consistent copy of the SQLite database to `dest` (which must not exist).
pub async fn sqlite_copy(db: &Db, dest: &Path) -> StoreResult<()> {
    if db.engine() != Engine::Sqlite {
        return Err(StoreError::Refused("VACUUM INTO 只适用于 SQLite 数据库".into()));
    }
    let path = dest.to_str().ok_or_else(|| StoreError::Refused("备份文件路径含有无法识别的字符".into()))?;
    db.execute("VACUUM INTO $1", args![path.to_string()]).await?;
    Ok(())
}

/// Every table of the current schema and its number of rows, by name.
pub async fn table_counts(db: &Db) -> StoreResult<Vec<(String, i64)>> {
    let sql = match db.engine() {
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT tablename::TEXT FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
    };
    let names: Vec<(String,)> = db.fetch_all(sql, vec![]).await?;
    let mut out = Vec::with_capacity(names.len());
    for (name,) in names {
        // the names come from the catalogue; quoting them keeps any name a name
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let (n,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*) FROM \"{name}\""), vec![]).await?;
        out.push((name, n));
    }
    Ok(out)
}

/// What a backup file holds, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// migrations applied when it was taken
    pub migrations: i64,
    pub audit_records: i64,
}

/// Reads a SQLite file read-only and says whether it is a 清风 database: it must have the
/// migrations and the audit trail. Anything else is refused with the reason.
pub async fn inspect_sqlite(path: &Path) -> Result<BackupInfo, String> {
    let head = std::fs::read(path).map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
    if !head.starts_with(b"SQLite format 3\0") {
        return Err(format!("{} 不是清风的备份文件（不是 SQLite 数据库）", path.display()));
    }
    let url = format!("sqlite:{}", path.display());
    let opts = SqliteConnectOptions::from_str(&url).map_err(|e| e.to_string())?.read_only(true);
    let mut conn = opts.connect().await.map_err(|e| format!("无法打开 {}：{e}", path.display()))?;
    let counted = async {
        let (m,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&mut conn).await?;
        let (a,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(&mut conn).await?;
        Ok::<_, sqlx::Error>(BackupInfo { migrations: m, audit_records: a })
    }
    .await;
    let _ = conn.close().await;
    counted.map_err(|_| format!("{} 不是清风的备份文件（没有迁移记录或审计日志）", path.display()))
}

/// Whether the PostgreSQL database at `url` has no tables (a restore goes only into an empty
/// one). Connects without applying migrations.
pub async fn postgres_is_empty(url: &str) -> Result<bool, String> {
    let mut conn = sqlx::PgConnection::connect(url).await.map_err(|e| format!("无法连接数据库：{e}"))?;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let _ = conn.close().await;
    Ok(n == 0)
}
