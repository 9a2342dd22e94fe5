//! `qingfeng backup` and `qingfeng restore`, and the nightly backups of a running server.
//!
//! SQLite is copied with `VACUUM INTO`: one read transaction, so the copy is the database at one
//! moment while the server goes on writing. PostgreSQL is copied with its own documented tools:
//! `pg_dump --format=custom` (one snapshot) and `pg_restore` into an empty database. The audit
//! key is not in a backup: keep it apart (the data directory's `audit.key` or
//! QINGFENG_AUDIT_KEY); a restored database is verified with it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use qingfeng_store::{backup, settings, Db};
use tokio::process::Command;

/// The setting of how many nightly backups the data directory keeps (0: none are made).
pub const KEEP_SETTING: &str = "backup.keep_nightly";
pub const KEEP_DEFAULT: i64 = 7;

/// Where the installation's data lives.
#[derive(Debug, Clone)]
pub enum Target {
    /// the SQLite file in the data directory
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    pub fn new(database_url: Option<&str>, data_dir: &Path) -> Target {
        match database_url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => Target::Postgres(u.into()),
            _ => Target::Sqlite(data_dir.join("qingfeng.db")),
        }
    }

    fn extension(&self) -> &'static str {
        match self {
            Target::Sqlite(_) => "db",
            Target::Postgres(_) => "dump",
        }
    }
}

/// Writes a consistent copy of the running database to `file`, which must not exist.
pub async fn backup(db: &Db, target: &Target, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("备份文件 {} 已存在：请换一个文件名（已有文件不会被覆盖）", file.display());
    }
    match target {
        Target::Sqlite(_) => backup::sqlite_copy(db, file).await.context("备份失败")?,
        Target::Postgres(url) => {
            let mut cmd = Command::new("pg_dump");
            cmd.args(["--format=custom", "--no-owner", "--file"]).arg(file).arg(url);
            run_tool(cmd, "pg_dump").await?;
        }
    }
    Ok(())
}

/// Restores `file` into the installation, which must be empty: nothing existing is overwritten.
pub async fn restore(target: &Target, file: &Path) -> anyhow::Result<()> {
    let head = std::fs::read(file).with_context(|| format!("无法读取备份文件 {}", file.display()))?;
    match target {
        Target::Sqlite(dest) => {
            if dest.exists() {
                bail!("数据目录中已有数据库 {}：恢复只写入空的数据目录，现有数据未被改动", dest.display());
            }
            let info = backup::inspect_sqlite(file).await.map_err(anyhow::Error::msg)?;
            let dir = dest.parent().context("数据库文件没有所在目录")?;
            std::fs::create_dir_all(dir).with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
            // copy beside the destination, then rename: a half-copied file never looks restored
            let partial = dest.with_extension("db.restoring");
            std::fs::copy(file, &partial).with_context(|| format!("无法写入 {}", partial.display()))?;
            std::fs::rename(&partial, dest)?;
            println!("已从 {} 恢复：{} 个迁移，{} 条审计记录", file.display(), info.migrations, info.audit_records);
        }
        Target::Postgres(url) => {
            if !head.starts_with(b"PGDMP") {
                bail!("{} 不是清风 PostgreSQL 备份文件（不是 pg_dump 的 custom 格式）", file.display());
            }
            if !backup::postgres_is_empty(url).await.map_err(anyhow::Error::msg)? {
                bail!("目标数据库不是空的：恢复只写入空数据库，现有数据未被改动");
            }
            let mut cmd = Command::new("pg_restore");
            cmd.args(["--no-owner", "--exit-on-error", "--dbname", url]).arg(file);
            run_tool(cmd, "pg_restore").await?;
            println!("已从 {} 恢复到 PostgreSQL 数据库", file.display());
        }
    }
    Ok(())
}

async fn run_tool(mut cmd: Command, name: &str) -> anyhow::Result<()> {
    let out = cmd.output().await.with_context(|| format!("无法运行 {name}：请安装 PostgreSQL 客户端工具"))?;
    if !out.status.success() {
        bail!("{name} 失败：{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Every table's rows, for the summary after a restore.
pub async fn print_counts(db: &Db) -> anyhow::Result<()> {
    let counts = backup::table_counts(db).await?;
    let rows: i64 = counts.iter().map(|(_, n)| n).sum();
    println!("共 {} 张表，{rows} 行", counts.len());
    Ok(())
}

/// The nightly backups of the data directory's `backups/`: one a day (the first pass of the
/// office day), the newest `backup.keep_nightly` kept.
pub fn spawn_nightly(db: Db, target: Target, data_dir: PathBuf) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = nightly_pass(&db, &target, &data_dir).await {
                tracing::warn!(error = %e, "nightly backup failed");
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    })
}

/// Makes today's backup if it is missing, then prunes the old ones. Answers the file made.
pub async fn nightly_pass(db: &Db, target: &Target, data_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let keep = settings::number(db, KEEP_SETTING, KEEP_DEFAULT).await?;
    if keep <= 0 {
        return Ok(None);
    }
    let dir = data_dir.join("backups");
    std::fs::create_dir_all(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
    let today = qingfeng_domain::time::office_today();
    let file = dir.join(format!("qingfeng-{today}.{}", target.extension()));
    let made = if file.exists() {
        None
    } else {
        backup(db, target, &file).await?;
        tracing::info!(file = %file.display(), "nightly backup written");
        Some(file)
    };
    prune(&dir, target.extension(), keep as usize)?;
    Ok(made)
}

/// Removes all but the newest `keep` nightly backups (their names sort by date).
fn prune(dir: &Path, extension: &str, keep: usize) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("qingfeng-") && name.ends_with(&format!(".{extension}"))
        })
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(keep);
    for old in &files[..excess] {
        std::fs::remove_file(old).with_context(|| format!("无法删除旧备份 {}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_of_its_own_kind() {
        let dir = std::env::temp_dir().join(format!("qingfeng-prune-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in [
            "qingfeng-2026-11-28.db",
            "qingfeng-2026-11-30.db",
            "qingfeng-2026-11-29.db",
            "qingfeng-2026-11-01.dump",
            "notes.db",
        ] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        prune(&dir, "db", 2).unwrap();
        let mut left: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["notes.db", "qingfeng-2026-11-01.dump", "qingfeng-2026-11-29.db", "qingfeng-2026-11-30.db"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
