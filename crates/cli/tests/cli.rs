//! The `qingfeng` binary as replicas run it: several processes on one PostgreSQL database run the
//! reminder job at once, and each reminder reaches each recipient exactly once — in the
//! notification centre and, through the webhook, outside it. Skipped without a PostgreSQL server
//! (`scripts/test.sh` starts one). The audit commands: `audit/`.

mod audit;
mod backup;
mod crash;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate};
use qingfeng_store::audit_key::TEST_KEY_HEX;
use qingfeng_store::testing::{insert_person, insert_task, insert_unit};
use qingfeng_store::{accounts, args, settings, Actor, Db};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_qingfeng");

/// 县委办 (李明, 主要负责人, 分管综合科) › 综合科 (王芳) and 督查室; a supervisor; a task of 综合科 due
/// in 3 days (→ 王芳, 李明) and one of 督查室 two days overdue (→ 李明, the supervisor).
async fn seed(db: &Db) -> (i64, i64, i64, NaiveDate) {
    let today = qingfeng_store::fulfilment::today();
    let xwb = insert_unit(db, "XWB", "县委办公室", "organ", None).await;
    let zhk = insert_unit(db, "ZHK", "综合科", "department", Some(xwb)).await;
    let dcs = insert_unit(db, "DCS", "督查室", "department", Some(xwb)).await;
    let liming = insert_person(db, "李明", xwb, "主任", "principal").await;
    let wangfang = insert_person(db, "王芳", zhk, "科长", "cadre").await;
    db.execute("INSERT INTO in_charge_of (person_id, unit_id) VALUES ($1, $2)", args![liming, zhk]).await.unwrap();
    let sys = Actor::system();
    for (name, person, role) in
        [("liming", Some(liming), "principal"), ("wangfang", Some(wangfang), "member"), ("jijian", None, "supervisor")]
    {
        accounts::create(db, &sys, name, "Passw0rd!x", person, &[role], false).await.expect("account");
    }
    let (plan,): (i64,) = db
        .fetch_one(
            "INSERT INTO work_plans (year, unit_id, title, created_at, updated_at) VALUES ($1, $2, '年度工作要点', $3, $3) RETURNING id",
            args![i64::from(chrono::Datelike::year(&today)), xwb, qingfeng_store::now()],
        )
        .await
        .unwrap();
    insert_task(db, plan, "开展廉政风险点排查", zhk, Some(wangfang), today + Duration::days(3)).await;
    insert_task(db, plan, "督查落实情况通报", dcs, None, today - Duration::days(2)).await;
    (plan, zhk, wangfang, today)
}

/// Every notification is the only one of its reminder and has its `reminders_sent` row.
async fn assert_each_once(db: &Db, expected: i64) {
    let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM notifications", vec![]).await.unwrap();
    let (k,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM reminders_sent", vec![]).await.unwrap();
    assert_eq!((n, k), (expected, expected), "notifications and recorded reminders");
    let dup: Vec<(String, i64)> = db
        .fetch_all("SELECT reminder_key, COUNT(*) FROM notifications GROUP BY reminder_key HAVING COUNT(*) > 1", vec![])
        .await
        .unwrap();
    assert!(dup.is_empty(), "reminders fired twice: {dup:?}");
}

/// A webhook receiver on 127.0.0.1:0 answering 200; counts the requests per notification.
async fn receiver() -> (String, Arc<Mutex<HashMap<i64, usize>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
    let counts = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { break };
            let counts = counts.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let body = loop {
                    let Ok(n) = sock.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break buf[end + 4..end + 4 + len].to_vec();
                        }
                    }
                };
                let payload: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                if let Some(id) = payload["notification_id"].as_i64() {
                    *counts.lock().unwrap().entry(id).or_default() += 1;
                }
                let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn replicas_on_one_postgres_remind_once() {
    let Some(url) = qingfeng_store::testing::postgres_url().await else {
        eprintln!("no PostgreSQL (QINGFENG_TEST_PG_URL): skipped");
        return;
    };
    let db = Db::connect(&url).await.expect("connect");
    let (plan, zhk, wangfang, today) = seed(&db).await;

    // six `jobs run-once` processes at the same moment
    let runs: Vec<_> = (0..6)
        .map(|_| {
            Command::new(BIN)
                .args(["--database-url", &url, "jobs", "run-once"])
                .env("QINGFENG_DATA_DIR", std::env::temp_dir())
                // the key the test's own connection sealed the audit chain with
                .env("QINGFENG_AUDIT_KEY", TEST_KEY_HEX)
                .env("RUST_LOG", "warn")
                .kill_on_drop(true)
                .output()
        })
        .collect();
    let mut fired = 0;
    for run in runs {
        let out = run.await.expect("run qingfeng");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "jobs run-once failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        if let Some(n) =
            stdout.split("本次新发 ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse::<i64>().ok())
        {
            fired += n;
        } else {
            assert!(stdout.contains("本次未执行"), "a run that did not work says so: {stdout}");
        }
    }
    assert_eq!(fired, 4, "four reminders fired across the processes");
    assert_each_once(&db, 4).await;

    // two servers with the job every second, and a webhook: a new task due soon reaches 王芳 and
    // 李明 once each, and each notification is posted once
    let (hook, seen) = receiver().await;
    let sys = Actor::system();
    settings::set(&db, &sys, "webhook.url", &hook).await.unwrap();
    settings::set(&db, &sys, "jobs.interval_seconds", "1").await.unwrap();
    insert_task(&db, plan, "报送党风廉政建设责任制落实情况", zhk, Some(wangfang), today + Duration::days(2)).await;
    let data_dir = std::env::temp_dir().join(format!("qingfeng-cli-serve-{}", &accounts::random_token()[..12]));
    let servers: Vec<_> = (0..2)
        .map(|_| {
            Command::new(BIN)
                .args(["--database-url", &url, "serve", "--listen", "127.0.0.1:0"])
                .env("QINGFENG_DATA_DIR", &data_dir)
                .env("QINGFENG_AUDIT_KEY", TEST_KEY_HEX)
                .env("QINGFENG_JOBS", "on")
                .env("RUST_LOG", "warn")
                .stdout(std::process::Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .expect("start qingfeng serve")
        })
        .collect();
    let started = Instant::now();
    loop {
        let (delivered,): (i64,) = db
            .fetch_one(
                "SELECT COUNT(*) FROM outbound_deliveries WHERE delivered_at IS NOT NULL AND notification_id IS NOT NULL",
                vec![],
            )
            .await
            .unwrap();
        if delivered >= 2 {
            break;
        }
        assert!(started.elapsed() < StdDuration::from_secs(60), "the servers' job delivered nothing within a minute");
        tokio::time::sleep(StdDuration::from_millis(300)).await;
    }
    // several more passes of both servers
    tokio::time::sleep(StdDuration::from_secs(4)).await;
    for mut s in servers {
        s.kill().await.expect("stop server");
    }
    assert_each_once(&db, 6).await;
    let attempts: Vec<(i64,)> = db
        .fetch_all(
            "SELECT attempts FROM outbound_deliveries WHERE delivered_at IS NOT NULL AND notification_id IS NOT NULL",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(attempts, vec![(1,), (1,)], "two deliveries, one attempt each");
    // each server published the audit chain's head at start: to its data directory and the webhook
    let heads = std::fs::read_to_string(data_dir.join("audit-heads.log")).expect("published heads");
    let heads = qingfeng_store::audit::parse_heads(db.audit_key(), &heads).expect("signed with the key");
    assert_eq!(heads.len(), 2, "one head per server start: {heads:?}");
    let (head_deliveries,): (i64,) = db
        .fetch_one(
            "SELECT COUNT(*) FROM outbound_deliveries WHERE notification_id IS NULL AND delivered_at IS NOT NULL \
             AND payload LIKE '%\"event\":\"audit_head\"%'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(head_deliveries, 2, "the heads went to the webhook too");
    let _ = std::fs::remove_dir_all(&data_dir);
    let (waiting,): (i64,) =
        db.fetch_one("SELECT COUNT(*) FROM outbound_deliveries WHERE delivered_at IS NULL", vec![]).await.unwrap();
    assert_eq!(waiting, 0, "nothing left to deliver");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "the receiver got both notifications: {seen:?}");
    assert!(seen.values().all(|&c| c == 1), "each posted once: {seen:?}");
    db.close().await;
}
