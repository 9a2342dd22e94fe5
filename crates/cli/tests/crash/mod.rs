//! Crash safety: `qingfeng serve` is killed with SIGKILL in the middle of a write load; every
//! write it answered with 201 is in the database afterwards and the audit chain verifies. On
//! SQLite (WAL, `synchronous=FULL`) and, when configured, PostgreSQL.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use qingfeng_store::audit_key::TEST_KEY_HEX;
use qingfeng_store::{accounts, Db};
use tokio::process::Command;

use super::BIN;

fn qingfeng(dir: &Path, url: Option<&str>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(dir);
    if let Some(u) = url {
        cmd.args(["--database-url", u]);
    }
    cmd.env("QINGFENG_AUDIT_KEY", TEST_KEY_HEX).env("QINGFENG_ADMIN_PASSWORD", "Admin#2026x").env("RUST_LOG", "warn");
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Four clients create units as fast as the server answers, until it stops answering; answers
/// the codes of the units it confirmed with 201.
async fn write_until_refused(base: String, token: String, acked: Arc<Mutex<Vec<String>>>) {
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..4)
        .map(|c| {
            let (client, base, token, acked) = (client.clone(), base.clone(), token.clone(), acked.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let code = format!("K{c}N{i}");
                    let body =
                        serde_json::json!({"name": format!("压力测试单位{c}-{i}"), "code": code, "kind": "机关"});
                    let sent = client.post(format!("{base}/api/v1/units")).bearer_auth(&token).json(&body).send().await;
                    match sent {
                        Ok(r) if r.status().as_u16() == 201 => acked.lock().unwrap().push(code),
                        Ok(r) => panic!("unexpected answer {}: {}", r.status(), r.text().await.unwrap_or_default()),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

async fn scenario(engine: &str, dir: PathBuf, url: Option<String>) {
    std::fs::create_dir_all(&dir).unwrap();
    let out = qingfeng(&dir, url.as_deref()).args(["token", "create", "--user", "admin"]).output().await.unwrap();
    assert!(out.status.success(), "[{engine}] token: {}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8_lossy(&out.stdout).lines().last().unwrap().trim().to_string();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = qingfeng(&dir, url.as_deref())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--jobs", "off"])
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.map_or(true, |r| !r.status().is_success()) {
        assert!(started.elapsed() < Duration::from_secs(60), "[{engine}] the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let acked = Arc::new(Mutex::new(Vec::new()));
    let load = tokio::spawn(write_until_refused(base, token, acked.clone()));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.start_kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.wait().await.unwrap();
    load.await.unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() > 10, "[{engine}] the load hardly ran: {}", acked.len());
    eprintln!("[{engine}] {} writes confirmed in 1.5 s before the kill", acked.len());

    // every confirmed write is there, and the trail that records them verifies
    let db_url = url.clone().unwrap_or_else(|| format!("sqlite:{}", dir.join("qingfeng.db").display()));
    let db = Db::connect(&db_url).await.unwrap();
    let codes: Vec<(String,)> = db.fetch_all("SELECT code FROM units", vec![]).await.unwrap();
    let codes: std::collections::HashSet<String> = codes.into_iter().map(|(c,)| c).collect();
    let lost: Vec<&String> = acked.iter().filter(|c| !codes.contains(*c)).collect();
    assert!(lost.is_empty(), "[{engine}] {} of {} confirmed writes lost: {lost:?}", lost.len(), acked.len());
    db.close().await;
    let out = qingfeng(&dir, url.as_deref()).args(["audit", "verify"]).output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("审计链完整"), "[{engine}] after the crash: {text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_killed_server_keeps_every_write_it_confirmed() {
    let dir = |e: &str| std::env::temp_dir().join(format!("qingfeng-crash-{e}-{}", &accounts::random_token()[..10]));
    scenario("SQLite", dir("sqlite"), None).await;
    if let Some(url) = qingfeng_store::testing::postgres_url().await {
        scenario("PostgreSQL", dir("pg"), Some(url)).await;
    }
}
