//! `qingfeng backup` under write load and `qingfeng restore` into an empty installation, on
//! SQLite and, when configured, PostgreSQL: the copy is one moment of the database (every
//! table present, rows between what was there before the load and after it, the audit chain
//! intact); a restore never overwrites data and refuses a file that is not a backup.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use qingfeng_store::audit_key::TEST_KEY_HEX;
use qingfeng_store::{accounts, backup, settings, Actor, Db};
use tokio::process::Command;

use super::BIN;

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("qingfeng-backup-{name}-{}", &accounts::random_token()[..10]))
}

/// Runs `qingfeng` on a data directory (and database URL) with the test key.
async fn run(dir: &PathBuf, url: Option<&str>, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(dir);
    if let Some(u) = url {
        cmd.args(["--database-url", u]);
    }
    let out = cmd
        .args(args)
        .env("QINGFENG_AUDIT_KEY", TEST_KEY_HEX)
        .env("QINGFENG_ADMIN_PASSWORD", "Admin#2026x")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run qingfeng");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn total(counts: &[(String, i64)], table: &str) -> i64 {
    counts.iter().find(|(t, _)| t == table).map_or(-1, |(_, n)| *n)
}

/// Backs up `source` while a writer keeps adding audited settings, restores into `dest_dir`
/// (and `dest_url` on PostgreSQL), and compares.
async fn scenario(
    engine: &str,
    source_dir: PathBuf,
    source_url: Option<String>,
    dest_dir: PathBuf,
    dest_url: Option<String>,
) {
    let url = source_url.clone().unwrap_or_else(|| format!("sqlite:{}", source_dir.join("qingfeng.db").display()));
    std::fs::create_dir_all(&source_dir).unwrap();
    let db = Db::connect(&url).await.expect("source database");
    super::seed(&db).await;
    let before = backup::table_counts(&db).await.unwrap();

    // the load: audited writes, one after another, until the backup is done
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                settings::set(&db, &Actor::system(), "jobs.interval_seconds", &(30 + n % 50).to_string())
                    .await
                    .unwrap();
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let file = temp("file");
    let (ok, out) = run(&source_dir, source_url.as_deref(), &["backup", file.to_str().unwrap()]).await;
    assert!(ok, "[{engine}] backup: {out}");
    stop.store(true, Ordering::Relaxed);
    let writes = writer.await.unwrap();
    let after = backup::table_counts(&db).await.unwrap();
    assert!(writes > 0, "[{engine}] the load wrote nothing");
    let (ok, out) = run(&source_dir, source_url.as_deref(), &["backup", file.to_str().unwrap()]).await;
    assert!(!ok && out.contains("已存在"), "[{engine}] an existing file is not overwritten: {out}");

    // restore: the chain verifies, every table is there, rows lie between before and after
    let (ok, out) = run(&dest_dir, dest_url.as_deref(), &["restore", file.to_str().unwrap()]).await;
    assert!(ok && out.contains("审计链完整"), "[{engine}] restore: {out}");
    let dest = dest_url.clone().unwrap_or_else(|| format!("sqlite:{}", dest_dir.join("qingfeng.db").display()));
    let restored = backup::table_counts(&Db::connect(&dest).await.unwrap()).await.unwrap();
    let names = |c: &[(String, i64)]| c.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
    assert_eq!(names(&restored), names(&after), "[{engine}] the same tables");
    for (table, n) in &restored {
        let (lo, hi) = (total(&before, table), total(&after, table));
        assert!(lo <= *n && *n <= hi, "[{engine}] {table}: {n} rows, not between {lo} and {hi}");
    }
    assert!(total(&restored, "audit_log") > total(&before, "audit_log"), "[{engine}] taken during the load");

    // a second restore into the same place, and a file that is not a backup: refused
    let (ok, out) = run(&dest_dir, dest_url.as_deref(), &["restore", file.to_str().unwrap()]).await;
    assert!(!ok && out.contains("现有数据未被改动"), "[{engine}] a non-empty target: {out}");
    let junk = temp("junk");
    std::fs::write(&junk, "not a backup").unwrap();
    let empty = temp("empty");
    let empty_url = match &dest_url {
        Some(_) => qingfeng_store::testing::postgres_url().await,
        None => None,
    };
    let (ok, out) = run(&empty, empty_url.as_deref(), &["restore", junk.to_str().unwrap()]).await;
    assert!(!ok && out.contains("不是清风"), "[{engine}] junk: {out}");
    assert!(!empty.join("qingfeng.db").exists(), "[{engine}] nothing written for junk");
    for p in [&file, &junk] {
        let _ = std::fs::remove_file(p);
    }
    for d in [&source_dir, &dest_dir, &empty] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[tokio::test]
async fn a_backup_taken_under_load_restores_whole() {
    scenario("SQLite", temp("src"), None, temp("dst"), None).await;
    if let Some(src) = qingfeng_store::testing::postgres_url().await {
        let dst = qingfeng_store::testing::postgres_url().await;
        scenario("PostgreSQL", temp("src"), Some(src), temp("dst"), dst).await;
    }
}
