//! `qingfeng audit verify` and `audit publish` against what a database writer can do: rewrite a
//! record and recompute its plain SHA-256, cut the tail off and rewind the head, or run with
//! another key. On SQLite and, when configured, PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::Output;

use qingfeng_store::audit::{AuditKey, AuditRecord};
use qingfeng_store::{accounts, args, settings, Actor, Db};
use tokio::process::Command;

use super::BIN;

/// One installation: a data directory and, on PostgreSQL, a database URL.
struct Install {
    dir: PathBuf,
    url: Option<String>,
}

impl Install {
    fn new(url: Option<String>) -> Install {
        let dir = std::env::temp_dir().join(format!("qingfeng-cli-audit-{}", &accounts::random_token()[..12]));
        Install { dir, url }
    }

    /// Runs `qingfeng` with `args` on this installation, with the key file unless `key` is given.
    async fn run(&self, args: &[&str], key: Option<&str>) -> (Output, String) {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir").arg(&self.dir);
        if let Some(url) = &self.url {
            cmd.args(["--database-url", url]);
        }
        cmd.args(args).env("RUST_LOG", "warn").env("QINGFENG_ADMIN_PASSWORD", "Admin#2026x").kill_on_drop(true);
        match key {
            Some(k) => cmd.env("QINGFENG_AUDIT_KEY", k),
            None => cmd.env_remove("QINGFENG_AUDIT_KEY"),
        };
        let out = cmd.output().await.expect("run qingfeng");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out, text)
    }

    /// The database, opened with the installation's key file.
    async fn db(&self) -> Db {
        let key = AuditKey::parse(&std::fs::read_to_string(self.dir.join("audit.key")).expect("key file")).unwrap();
        let url = match &self.url {
            Some(u) => u.clone(),
            None => format!("sqlite:{}", self.dir.join("qingfeng.db").display()),
        };
        Db::connect_with_key(&url, key).await.expect("open the installation's database")
    }
}

async fn last_record(db: &Db) -> AuditRecord {
    db.fetch_one(
        "SELECT id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash \
         FROM audit_log ORDER BY id DESC LIMIT 1",
        vec![],
    )
    .await
    .unwrap()
}

fn assert_fails(out: &(Output, String), what: &str, expected: &[&str]) {
    assert_eq!(out.0.status.code(), Some(1), "{what}: exit status 1 expected: {}", out.1);
    for e in expected {
        assert!(out.1.contains(e), "{what}: “{e}” expected in: {}", out.1);
    }
}

fn assert_ok(out: &(Output, String), what: &str, expected: &[&str]) {
    assert!(out.0.status.success(), "{what} failed: {}", out.1);
    for e in expected {
        assert!(out.1.contains(e), "{what}: “{e}” expected in: {}", out.1);
    }
}

async fn scenario(inst: Install, engine: &str) {
    let e = engine;
    // first start: the key file is created, private, 32 bytes in hex
    assert_ok(&inst.run(&["migrate"], None).await, "migrate", &["已生成审计密钥文件"]);
    let key_text = std::fs::read_to_string(inst.dir.join("audit.key")).unwrap();
    assert_eq!(key_text.trim().len(), 64, "[{e}] {key_text}");
    assert!(hex_digits(key_text.trim()), "[{e}] {key_text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(inst.dir.join("audit.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "[{e}] key file mode");
    }
    let db = inst.db().await;
    for i in 0..4 {
        settings::set(&db, &Actor::system(), &format!("test.{i}"), "x").await.unwrap();
    }
    let n = last_record(&db).await.id;

    // nothing published yet: the chain alone, with a hint
    assert_ok(&inst.run(&["audit", "verify"], None).await, "[{e}] verify", &["审计链完整", "没有找到已发布的链头文件"]);
    assert_ok(&inst.run(&["audit", "publish"], None).await, "[{e}] publish", &[&format!("第 {n} 条记录")]);
    let heads = inst.dir.join("audit-heads.log");
    let text = std::fs::read_to_string(&heads).unwrap();
    assert_eq!(text.lines().count(), 1, "[{e}] {text}");
    assert!(text.contains(&format!("last_id={n} ")) && text.contains(" mac="), "[{e}] {text}");
    let copy = inst.dir.join("elsewhere-heads.log");
    std::fs::copy(&heads, &copy).unwrap();
    let copy_arg = copy.to_str().unwrap();

    // an intact chain passes, against the data directory's heads and against a copy
    assert_ok(
        &inst.run(&["audit", "verify"], None).await,
        "[{e}] verify",
        &[&format!("审计链完整：共 {n} 条记录"), "1 个已发布的链头一致"],
    );
    assert_ok(
        &inst.run(&["audit", "verify", "--heads", copy_arg], None).await,
        "[{e}] verify --heads",
        &["审计链完整"],
    );
    let missing = inst.dir.join("no-such-heads.log");
    let out = inst.run(&["audit", "verify", "--heads", missing.to_str().unwrap()], None).await;
    assert!(!out.0.status.success() && out.1.contains("无法读取链头文件"), "[{e}] {}", out.1);

    // another key: verify fails, and the server and other commands refuse to write with it
    assert_fails(
        &inst.run(&["audit", "verify"], Some("another key")).await,
        "[{e}] verify with another key",
        &["审计链无法校验", "审计密钥与本数据库不符"],
    );
    assert_fails(
        &inst.run(&["migrate"], Some("another key")).await,
        "[{e}] migrate with another key",
        &["审计密钥与数据库不符"],
    );
    // the same key given in the environment is the same key
    assert_ok(
        &inst.run(&["audit", "verify"], Some(key_text.trim())).await,
        "[{e}] verify with the env key",
        &["审计链完整"],
    );

    // the tail cut off and the head rewound: consistent in itself, caught by the published heads
    let keep = n - 2;
    let kept: AuditRecord = db
        .fetch_one(
            "SELECT id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash \
             FROM audit_log WHERE id = $1",
            args![keep],
        )
        .await
        .unwrap();
    db.execute("DELETE FROM audit_log WHERE id > $1", args![keep]).await.unwrap();
    db.execute(
        "UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE singleton = 1",
        args![keep, kept.hash.clone()],
    )
    .await
    .unwrap();
    let truncated =
        [format!("审计链被破坏：第 {} 条记录", keep + 1), format!("数据库只有 {keep} 条记录"), "截断".into()];
    let truncated: Vec<&str> = truncated.iter().map(String::as_str).collect();
    assert_fails(&inst.run(&["audit", "verify"], None).await, "[{e}] verify truncated", &truncated);
    assert_fails(&inst.run(&["audit", "verify", "--heads", copy_arg], None).await, "[{e}] truncated, copy", &truncated);

    // the last remaining record rewritten and its hash recomputed with plain SHA-256
    let mut forged = kept.clone();
    forged.username = "mallory".into();
    forged.hash = forged.unkeyed_hash();
    db.execute(
        "UPDATE audit_log SET username = $1, hash = $2 WHERE id = $3",
        args!["mallory", forged.hash.clone(), keep],
    )
    .await
    .unwrap();
    db.execute("UPDATE audit_head SET last_hash = $1 WHERE singleton = 1", args![forged.hash.clone()]).await.unwrap();
    assert_fails(
        &inst.run(&["audit", "verify"], None).await,
        "[{e}] verify rewritten",
        &[&format!("审计链被破坏：第 {keep} 条记录"), "记录内容与哈希不符"],
    );

    // a heads line edited to hide the truncation is not believed
    let edited = std::fs::read_to_string(&copy).unwrap().replace(&format!("last_id={n} "), &format!("last_id={keep} "));
    std::fs::write(&copy, edited).unwrap();
    assert_fails(
        &inst.run(&["audit", "verify", "--heads", copy_arg], None).await,
        "[{e}] edited heads",
        &["第 1 行", "校验码不符"],
    );
    db.close().await;
    remove(&inst.dir);
}

fn hex_digits(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_hexdigit())
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn audit_verify_catches_rewriting_truncation_and_another_key() {
    scenario(Install::new(None), "SQLite").await;
    if let Some(url) = qingfeng_store::testing::postgres_url().await {
        scenario(Install::new(Some(url)), "PostgreSQL").await;
    }
}
