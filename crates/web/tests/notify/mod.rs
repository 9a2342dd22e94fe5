//! Reminders and the notification centre: who is reminded of what, that a reminder fires once
//! however many passes run at once (separate pools, as separate replicas would), the lease,
//! webhook deliveries retried until they succeed, and the pages and API of one's own
//! notifications.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDate};
use qingfeng_store::notify;
use qingfeng_store::testing::{insert_person, insert_task, insert_unit};
use qingfeng_store::{accounts, args, settings, Actor, Db, Engine, Scope};
use qingfeng_web::jobs::{self, run_once_as};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{sign_in, Server};

const PASSWORD: &str = "Passw0rd!x";

/// The organisation and work of the reminder tests, written straight to the database.
struct Fixture {
    today: NaiveDate,
    /// account ids by username
    acc: HashMap<&'static str, i64>,
    /// person ids by name
    people: HashMap<&'static str, i64>,
    units: HashMap<&'static str, i64>,
}

/// 县委办 (李明 主要负责人, 分管综合科) › 综合科 (王芳 科长) and 督查室 (赵强, nobody in charge);
/// accounts for 李明, 王芳 and a supervisor; tasks due in 3 days, overdue, far off and done;
/// a finding of 综合科 with a measure due today and a look-back due yesterday.
///
/// Reminders due: task soon → 王芳, 李明; task overdue (督查室) → 李明 (principal above), the
/// supervisor; measure due today (red) → 王芳, 李明, the supervisor; look-back → the supervisor.
async fn seed(db: &Db) -> Fixture {
    let today = qingfeng_store::fulfilment::today();
    let xwb = insert_unit(db, "XWB", "县委办公室", "organ", None).await;
    let zhk = insert_unit(db, "ZHK", "综合科", "department", Some(xwb)).await;
    let dcs = insert_unit(db, "DCS", "督查室", "department", Some(xwb)).await;
    let liming = insert_person(db, "李明", xwb, "主任", "principal").await;
    let wangfang = insert_person(db, "王芳", zhk, "科长", "cadre").await;
    let zhaoqiang = insert_person(db, "赵强", dcs, "科员", "staff").await;
    db.execute("INSERT INTO in_charge_of (person_id, unit_id) VALUES ($1, $2)", args![liming, zhk]).await.unwrap();
    let sys = Actor::system();
    let mut acc = HashMap::new();
    for (name, person, role) in [
        ("liming", Some(liming), "principal"),
        ("wangfang", Some(wangfang), "member"),
        ("jijian", None, "supervisor"),
        ("zhaoqiang", Some(zhaoqiang), "member"),
    ] {
        let a = accounts::create(db, &sys, name, PASSWORD, person, &[role], false).await.expect("create account");
        acc.insert(name, a.id);
    }
    let now = qingfeng_store::now();
    let (plan,): (i64,) = db
        .fetch_one(
            "INSERT INTO work_plans (year, unit_id, title, created_at, updated_at) VALUES ($1, $2, '年度工作要点', $3, $3) RETURNING id",
            args![i64::from(chrono::Datelike::year(&today)), xwb, now],
        )
        .await
        .unwrap();
    insert_task(db, plan, "开展廉政风险点排查", zhk, Some(wangfang), today + Duration::days(3)).await;
    insert_task(db, plan, "督查落实情况通报", dcs, None, today - Duration::days(2)).await;
    insert_task(db, plan, "年度考核", zhk, Some(wangfang), today + Duration::days(30)).await;
    let done = insert_task(db, plan, "已完成的任务", zhk, Some(wangfang), today - Duration::days(1)).await;
    db.execute("UPDATE tasks SET completed_on = $1 WHERE id = $2", args![today, done]).await.unwrap();
    let (finding,): (i64,) = db
        .fetch_one(
            "INSERT INTO findings (unit_id, source, category, description, severity, found_on, origin, state, \
             look_back_due, created_at, updated_at) \
             VALUES ($1, '日常监督', '作风问题', '公务接待超标准', 'general', $2, 'supervision', 'rectifying', $3, $4, $4) RETURNING id",
            args![zhk, today - Duration::days(60), today - Duration::days(1), now],
        )
        .await
        .unwrap();
    db.execute(
        "INSERT INTO rectification_measures (finding_id, text, responsible_leader_id, responsible_person_id, deadline, \
         completed_on, created_at, updated_at) VALUES ($1, '退赔超标准费用并建立接待审批单', NULL, $2, $3, NULL, $4, $4)",
        args![finding, wangfang, today, now],
    )
    .await
    .unwrap();
    Fixture {
        today,
        acc,
        people: HashMap::from([("李明", liming), ("王芳", wangfang), ("赵强", zhaoqiang)]),
        units: HashMap::from([("XWB", xwb), ("ZHK", zhk), ("DCS", dcs)]),
    }
}

/// (account, kind) of every notification, sorted.
async fn sent(db: &Db) -> Vec<(i64, String)> {
    let mut rows: Vec<(i64, String)> =
        db.fetch_all("SELECT account_id, kind FROM notifications", vec![]).await.expect("notifications");
    rows.sort();
    rows
}

fn expected(f: &Fixture) -> Vec<(i64, String)> {
    let a = |n: &str| f.acc[n];
    let mut rows: Vec<(i64, String)> = [
        (a("wangfang"), "task_due_soon"),
        (a("liming"), "task_due_soon"),
        (a("liming"), "task_overdue"),
        (a("jijian"), "task_overdue"),
        (a("wangfang"), "rectification_overdue"),
        (a("liming"), "rectification_overdue"),
        (a("jijian"), "rectification_overdue"),
        (a("jijian"), "look_back_due"),
    ]
    .into_iter()
    .map(|(x, k)| (x, k.to_string()))
    .collect();
    rows.sort();
    rows
}

/// No reminder fired twice (the body names the due date, so a moved deadline is another
/// reminder), and every notification has its `reminders_sent` row.
async fn assert_once(db: &Db, e: &str) {
    let dup: Vec<(String, i64)> = db
        .fetch_all(
            "SELECT reminder_key, COUNT(*) FROM notifications GROUP BY reminder_key, body HAVING COUNT(*) > 1",
            vec![],
        )
        .await
        .unwrap();
    assert!(dup.is_empty(), "[{e}] reminders fired twice: {dup:?}");
    let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM notifications", vec![]).await.unwrap();
    let (k,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM reminders_sent", vec![]).await.unwrap();
    assert_eq!(n, k, "[{e}] one notification per recorded reminder");
}

// ------------------------------------------------------------------ who, once, lease

#[tokio::test]
async fn reminders_reach_the_right_people_once() {
    for db in qingfeng_store::testing::engines().await {
        let e = format!("{:?}", db.engine());
        let f = seed(&db).await;
        let r = run_once_as(&db, "replica-a", f.today).await.expect("pass");
        assert!(r.ran, "[{e}] the first pass runs");
        assert_eq!(r.fired, 8, "[{e}] fired: {r}");
        assert_eq!(sent(&db).await, expected(&f), "[{e}] recipients");
        // the overdue ones are red, the ones before the deadline yellow
        let levels: Vec<(String, String)> =
            db.fetch_all("SELECT DISTINCT kind, level FROM notifications ORDER BY kind", vec![]).await.unwrap();
        for (kind, level) in &levels {
            let want = if kind.ends_with("overdue") { "red" } else { "yellow" };
            assert_eq!(level, want, "[{e}] level of {kind}");
        }
        let link: (String,) =
            db.fetch_one("SELECT link FROM notifications WHERE kind = 'task_due_soon' LIMIT 1", vec![]).await.unwrap();
        assert!(link.0.starts_with("/tasks/"), "[{e}] link {link:?}");

        // restart safety: a second pass (and a third, as another replica) fires nothing new
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!((r.ran, r.due, r.fired), (true, 8, 0), "[{e}] second pass: {r}");
        let r = run_once_as(&db, "replica-b", f.today).await.unwrap();
        assert_eq!(r.fired, 0, "[{e}] other replica");
        assert_once(&db, &e).await;
        assert_eq!(sent(&db).await.len(), 8);

        // a moved deadline reminds again; a completed task no longer does
        let (t,): (i64,) =
            db.fetch_one("SELECT id FROM tasks WHERE title = '开展廉政风险点排查'", vec![]).await.unwrap();
        db.execute("UPDATE tasks SET deadline = $1 WHERE id = $2", args![f.today + Duration::days(4), t])
            .await
            .unwrap();
        let (t2,): (i64,) =
            db.fetch_one("SELECT id FROM tasks WHERE title = '督查落实情况通报'", vec![]).await.unwrap();
        db.execute("UPDATE tasks SET completed_on = $1 WHERE id = $2", args![f.today, t2]).await.unwrap();
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!(r.fired, 2, "[{e}] the moved deadline reminds 王芳 and 李明 again: {r}");
        assert_once(&db, &e).await;

        // a new supervisor account is reminded of what is still due, the others are not again
        let extra =
            accounts::create(&db, &Actor::system(), "jijian2", PASSWORD, None, &["supervisor"], false).await.unwrap();
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!(r.fired, 2, "[{e}] measure and look-back for the new supervisor: {r}");
        let (n,): (i64,) =
            db.fetch_one("SELECT COUNT(*) FROM notifications WHERE account_id = $1", args![extra.id]).await.unwrap();
        assert_eq!(n, 2, "[{e}]");

        // each pass that fired left one audit record, and the chain is intact
        let (audits,): (i64,) =
            db.fetch_one("SELECT COUNT(*) FROM audit_log WHERE action = 'notify'", vec![]).await.unwrap();
        assert_eq!(audits, 3, "[{e}] audit records of passes that fired");
        let v = qingfeng_store::audit::verify(&db).await.unwrap();
        assert!(matches!(v, qingfeng_store::audit::Verification::Intact { .. }), "[{e}] {v:?}");
        let _ = (&f.people, &f.units);
        db.close().await;
    }
}

#[tokio::test]
async fn the_lease_lets_one_pass_work_at_a_time() {
    for db in qingfeng_store::testing::engines().await {
        let e = format!("{:?}", db.engine());
        let f = seed(&db).await;
        assert!(notify::take_lease(&db, jobs::LEASE, "other-replica", Duration::seconds(300)).await.unwrap());
        let r = run_once_as(&db, "this-replica", f.today).await.unwrap();
        assert!(!r.ran, "[{e}] a held lease blocks the pass");
        assert!(r.to_string().contains("未执行"), "[{e}] {r}");
        assert!(sent(&db).await.is_empty(), "[{e}] nothing written while blocked");
        // nor may another holder take it while it lasts
        assert!(!notify::take_lease(&db, jobs::LEASE, "third", Duration::seconds(300)).await.unwrap());

        // an expired lease (its replica died) is taken over
        db.execute("UPDATE job_leases SET expires_at = $1", args![qingfeng_store::now() - Duration::seconds(5)])
            .await
            .unwrap();
        let r = run_once_as(&db, "this-replica", f.today).await.unwrap();
        assert!(r.ran && r.fired == 8, "[{e}] takes over the expired lease: {r}");
        // and gives it back at the end, so the next pass of any replica may start
        let r = run_once_as(&db, "third", f.today).await.unwrap();
        assert!(r.ran && r.fired == 0, "[{e}] {r}");

        // a lease that was lost is not renewed
        assert!(!notify::renew_lease(&db, jobs::LEASE, "this-replica", Duration::seconds(60)).await.unwrap());
        db.close().await;
    }
}

/// A fresh database URL of the engine, so the test can open several pools on it.
async fn fresh_url(engine: Engine) -> Option<String> {
    match engine {
        Engine::Sqlite => {
            let name = format!("qingfeng-notify-{}.db", &accounts::random_token()[..16]);
            Some(format!("sqlite:{}", std::env::temp_dir().join(name).display()))
        }
        Engine::Postgres => qingfeng_store::testing::postgres_url().await,
    }
}

#[tokio::test]
async fn concurrent_replicas_fire_each_reminder_once() {
    let mut engines = vec![Engine::Sqlite];
    if std::env::var("QINGFENG_TEST_PG_URL").is_ok() {
        engines.push(Engine::Postgres);
    }
    for engine in engines {
        let e = format!("{engine:?}");
        let url = fresh_url(engine).await.expect("database URL");
        let first = Db::connect(&url).await.expect("connect");
        let f = seed(&first).await;
        // six replicas, each with its own pool
        let mut pools = vec![first];
        for _ in 0..5 {
            pools.push(Db::connect(&url).await.expect("connect"));
        }
        for round in 0..3 {
            let passes = pools.iter().enumerate().map(|(i, db)| {
                let db = db.clone();
                let today = f.today;
                tokio::spawn(async move { run_once_as(&db, &format!("replica-{i}"), today).await })
            });
            let mut ran = 0;
            for p in passes.collect::<Vec<_>>() {
                let r = p.await.expect("join").expect("pass");
                ran += usize::from(r.ran);
            }
            assert!(ran >= 1, "[{e}] round {round}: some replica ran");
        }
        assert_eq!(sent(&pools[0]).await, expected(&f), "[{e}] with the lease");
        assert_once(&pools[0], &e).await;

        // without the lease too: the (reminder, due date) key alone keeps it once
        pools[0].execute("DELETE FROM outbound_deliveries", vec![]).await.unwrap();
        pools[0].execute("DELETE FROM notifications", vec![]).await.unwrap();
        pools[0].execute("DELETE FROM reminders_sent", vec![]).await.unwrap();
        let passes = pools.iter().map(|db| {
            let db = db.clone();
            let today = f.today;
            tokio::spawn(async move { jobs::fire_reminders(&db, today).await })
        });
        let mut fired = 0;
        for p in passes.collect::<Vec<_>>() {
            fired += p.await.expect("join").expect("fire").fired;
        }
        assert_eq!(fired, 8, "[{e}] fired in total across concurrent lease-less passes");
        assert_eq!(sent(&pools[0]).await, expected(&f), "[{e}] without the lease");
        assert_once(&pools[0], &e).await;
        for db in pools {
            db.close().await;
        }
    }
}

#[tokio::test]
async fn yellow_and_red_responsibility_items_remind_their_owner() {
    for db in qingfeng_store::testing::engines().await {
        let e = format!("{:?}", db.engine());
        let f = seed(&db).await;
        let year = i64::from(chrono::Datelike::year(&f.today));
        qingfeng_store::responsibility::generate(&db, &Actor::system(), &Scope::all(), year).await.expect("lists");
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        // what the snapshot flags, by the person (or unit head) it belongs to
        let snapshot = qingfeng_store::fulfilment::ensure_snapshot(&db, year, f.today, 5).await.unwrap();
        let flagged: Vec<(i64, String, Option<i64>, i64)> = db
            .fetch_all(
                "SELECT s.item_id, s.state, i.person_id, i.unit_id FROM fulfilment_item_states s \
                 JOIN responsibility_items i ON i.id = s.item_id WHERE s.snapshot_id = $1",
                args![snapshot.id],
            )
            .await
            .unwrap();
        let mut want = 0;
        for (item, state, person, unit) in &flagged {
            let account = match person {
                Some(p) if *p == f.people["李明"] => Some(f.acc["liming"]),
                Some(p) if *p == f.people["王芳"] => Some(f.acc["wangfang"]),
                Some(p) if *p == f.people["赵强"] => Some(f.acc["zhaoqiang"]),
                Some(_) => None,
                // a unit-level item goes to the unit's head: 李明 for 县委办
                None if *unit == f.units["XWB"] => Some(f.acc["liming"]),
                None if *unit == f.units["ZHK"] => Some(f.acc["wangfang"]),
                None => None,
            };
            let Some(account) = account else { continue };
            want += 1;
            let kind = if state == "overdue" { "item_overdue" } else { "item_due_soon" };
            let link = format!("/responsibility/items/{item}");
            let (n,): (i64,) = db
                .fetch_one(
                    "SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND kind = $2 AND link = $3",
                    args![account, kind, link],
                )
                .await
                .unwrap();
            assert_eq!(n, 1, "[{e}] item {item} ({state}) reminds account {account} once");
        }
        let items =
            r.by_kind.get("item_overdue").copied().unwrap_or(0) + r.by_kind.get("item_due_soon").copied().unwrap_or(0);
        assert_eq!(items, want, "[{e}] item reminders: {r}");
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!(r.fired, 0, "[{e}] items remind once: {r}");
        db.close().await;
    }
}

// ------------------------------------------------------------------ webhook

/// A webhook receiver on 127.0.0.1:0 that answers 500 to the first two attempts of each
/// delivery and 200 afterwards. Returns its URL and the statuses it answered, by delivery.
async fn receiver() -> (String, Arc<Mutex<HashMap<String, Vec<u16>>>>, tokio::task::JoinHandle<()>) {
    use axum::http::HeaderMap;
    let seen: Arc<Mutex<HashMap<String, Vec<u16>>>> = Arc::default();
    let state = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let seen = state.clone();
            async move {
                let payload: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let id = headers.get("x-qingfeng-delivery").and_then(|v| v.to_str().ok()).unwrap_or("?").to_string();
                let mut seen = seen.lock().unwrap();
                let answers = seen.entry(id).or_default();
                let status = if answers.len() < 2 || payload["event"] != "notification" { 500 } else { 200 };
                answers.push(status);
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, seen, task)
}

#[tokio::test]
async fn webhook_failing_twice_is_delivered_once() {
    for db in qingfeng_store::testing::engines().await {
        let e = format!("{:?}", db.engine());
        let f = seed(&db).await;
        let (url, seen, task) = receiver().await;
        let sys = Actor::system();
        settings::set(&db, &sys, "webhook.url", &url).await.unwrap();

        // pass 1 fires 8 reminders, queues 8 deliveries and tries each once: 500
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!((r.fired, r.queued, r.delivered, r.failed), (8, 8, 0, 8), "[{e}] {r}");
        // with the default backoff (60 s) nothing is due again yet
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!((r.delivered, r.failed), (0, 0), "[{e}] backoff holds: {r}");
        let (min_wait,): (i64,) = db
            .fetch_one(
                "SELECT COUNT(*) FROM outbound_deliveries WHERE next_attempt_at > $1",
                args![qingfeng_store::now() + Duration::seconds(50)],
            )
            .await
            .unwrap();
        assert_eq!(min_wait, 8, "[{e}] the first retry waits about a minute");

        // time passes (and the test makes the backoff 0): attempt 2 fails, attempt 3 succeeds
        db.execute("UPDATE outbound_deliveries SET next_attempt_at = $1", args![qingfeng_store::now()]).await.unwrap();
        settings::set(&db, &sys, "outbound.backoff_seconds", "0").await.unwrap();
        let mut passes = 0;
        loop {
            let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
            passes += 1;
            let (_, waiting) = notify::delivery_counts(&db).await.unwrap();
            if waiting == 0 || passes > 6 {
                break;
            }
            assert_eq!(r.fired, 0, "[{e}] no reminder fires again");
        }
        let (delivered, waiting) = notify::delivery_counts(&db).await.unwrap();
        assert_eq!((delivered, waiting), (8, 0), "[{e}] every delivery delivered");
        let rows: Vec<(i64, i64, Option<chrono::DateTime<chrono::Utc>>, String)> = db
            .fetch_all("SELECT id, attempts, delivered_at, last_error FROM outbound_deliveries ORDER BY id", vec![])
            .await
            .unwrap();
        {
            let seen = seen.lock().unwrap();
            for (id, attempts, delivered_at, last_error) in &rows {
                assert_eq!(*attempts, 3, "[{e}] delivery {id}: attempts");
                assert!(delivered_at.is_some(), "[{e}] delivery {id}: delivered_at");
                assert_eq!(last_error, "", "[{e}] delivery {id}: error cleared on success");
                assert_eq!(
                    seen.get(&id.to_string()).cloned().unwrap_or_default(),
                    vec![500, 500, 200],
                    "[{e}] delivery {id}: requests the receiver saw"
                );
            }
            assert_eq!(seen.len(), 8, "[{e}] one series of requests per delivery");
        }
        // nothing is sent again, and delivered_at is not touched again
        let before: Vec<(i64, Option<chrono::DateTime<chrono::Utc>>)> =
            db.fetch_all("SELECT id, delivered_at FROM outbound_deliveries ORDER BY id", vec![]).await.unwrap();
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!((r.delivered, r.failed), (0, 0), "[{e}] {r}");
        assert!(!notify::delivery_succeeded(&db, rows[0].0).await.unwrap(), "[{e}] delivered_at is set once");
        let after: Vec<(i64, Option<chrono::DateTime<chrono::Utc>>)> =
            db.fetch_all("SELECT id, delivered_at FROM outbound_deliveries ORDER BY id", vec![]).await.unwrap();
        assert_eq!(before, after, "[{e}] delivered_at unchanged");
        assert_eq!(seen.lock().unwrap().values().map(Vec::len).sum::<usize>(), 24, "[{e}] total requests");

        // an unreachable receiver: the failure is recorded and retried, never lost
        settings::set(&db, &sys, "webhook.url", "http://127.0.0.1:9/unreachable").await.unwrap();
        settings::set(&db, &sys, "outbound.backoff_seconds", "60").await.unwrap();
        accounts::create(&db, &sys, "jijian3", PASSWORD, None, &["supervisor"], false).await.unwrap();
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!((r.fired, r.failed), (3, 3), "[{e}] task, measure and look-back for the new supervisor: {r}");
        let failed: Vec<(i64, String)> = db
            .fetch_all("SELECT attempts, last_error FROM outbound_deliveries WHERE delivered_at IS NULL", vec![])
            .await
            .unwrap();
        assert_eq!(failed.len(), 3, "[{e}]");
        assert!(failed.iter().all(|(a, err)| *a == 1 && !err.is_empty()), "[{e}] {failed:?}");
        task.abort();
        db.close().await;
    }
}

/// Messages an SMTP server received: (recipients, message).
type Mails = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// A minimal SMTP server on 127.0.0.1:0 that accepts every message. Returns its port and the
/// (recipients, message) pairs it received.
async fn smtp_server() -> (u16, Mails, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Mails = Arc::default();
    let store = got.clone();
    let task = tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-test\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_string());
                        b"250 OK\r\n"
                    } else if upper.starts_with("DATA") {
                        w.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        store.lock().unwrap().push((std::mem::take(&mut rcpt), data));
                        b"250 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got, task)
}

#[tokio::test]
async fn notifications_are_emailed_to_the_recipient_and_the_duty_mailbox() {
    for db in qingfeng_store::testing::engines().await {
        let e = format!("{:?}", db.engine());
        let f = seed(&db).await;
        let (port, got, task) = smtp_server().await;
        let sys = Actor::system();
        for (k, v) in [
            ("smtp.host", "127.0.0.1".to_string()),
            ("smtp.port", port.to_string()),
            ("smtp.from", "清风系统 <qingfeng@xwb.example>".to_string()),
            ("notify.email.wangfang", "wangfang@xwb.example".to_string()),
            ("notify.email_to", "duty@xwb.example".to_string()),
            ("site.base_url", "http://qingfeng.xwb.example/".to_string()),
        ] {
            settings::set(&db, &sys, k, &v).await.unwrap();
        }
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        // 王芳's two notifications to her and to the duty mailbox, everyone else's to the duty mailbox
        assert_eq!((r.fired, r.queued, r.delivered, r.failed), (8, 10, 10, 0), "[{e}] {r}");
        let got = got.lock().unwrap().clone();
        let to = |a: &str| got.iter().filter(|(rcpt, _)| rcpt == &vec![a.to_string()]).count();
        assert_eq!((to("wangfang@xwb.example"), to("duty@xwb.example")), (2, 8), "[{e}] {got:?}");
        let (_, mail) = got.iter().find(|(rcpt, _)| rcpt[0] == "wangfang@xwb.example").unwrap();
        assert!(mail.contains("Subject: =?utf-8?"), "[{e}] encoded Chinese subject: {mail}");
        assert!(mail.contains("From: =?utf-8?"), "[{e}] {mail}");
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!((r.fired, r.delivered), (0, 0), "[{e}] nothing twice: {r}");
        task.abort();

        // the relay is down: the e-mail waits and is retried, never lost
        settings::set(&db, &sys, "smtp.port", "9").await.unwrap();
        accounts::create(&db, &sys, "jijian9", PASSWORD, None, &["supervisor"], false).await.unwrap();
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!((r.fired, r.queued, r.failed), (3, 3, 3), "[{e}] {r}");
        let waiting: Vec<(String, i64, String)> = db
            .fetch_all(
                "SELECT channel, attempts, last_error FROM outbound_deliveries WHERE delivered_at IS NULL",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            waiting.iter().all(|(c, a, err)| c == "email" && *a == 1 && err.contains("邮件发送失败")),
            "[{e}] {waiting:?}"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn the_address_on_the_account_comes_first_and_starttls_is_never_skipped() {
    for db in qingfeng_store::testing::engines().await {
        let e = format!("{:?}", db.engine());
        let f = seed(&db).await;
        let (port, got, task) = smtp_server().await;
        let sys = Actor::system();
        for (k, v) in [
            ("smtp.host", "127.0.0.1".to_string()),
            ("smtp.port", port.to_string()),
            ("smtp.from", "qingfeng@xwb.example".to_string()),
            ("notify.email.wangfang", "old@xwb.example".to_string()),
        ] {
            settings::set(&db, &sys, k, &v).await.unwrap();
        }
        let change = accounts::AccountChange { email: Some(Some("wangfang@xwb.example".into())), ..Default::default() };
        accounts::update(&db, &sys, f.acc["wangfang"], &change).await.unwrap();
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert_eq!(r.failed, 0, "[{e}] {r}");
        let got_now = got.lock().unwrap().clone();
        let to = |a: &str| got_now.iter().filter(|(rcpt, _)| rcpt == &vec![a.to_string()]).count();
        assert_eq!((to("wangfang@xwb.example"), to("old@xwb.example")), (2, 0), "[{e}] {got_now:?}");

        // STARTTLS required: a relay that does not offer it gets nothing, in plain text or otherwise
        let def = qingfeng_domain::settings::setting("smtp.security").unwrap();
        assert_eq!(def.check("starttls"), Ok("STARTTLS".to_string()), "[{e}] kept as the page writes it");
        assert!(def.check("SSL3").unwrap_err().contains("无、STARTTLS、TLS"), "[{e}] an unknown choice is refused");
        settings::set(&db, &sys, "smtp.security", "STARTTLS").await.unwrap();
        let before = got.lock().unwrap().len();
        accounts::create(&db, &sys, "jijian8", PASSWORD, None, &["supervisor"], false).await.unwrap();
        let change = accounts::AccountChange { email: Some(Some("jijian8@xwb.example".into())), ..Default::default() };
        let id = accounts::by_username(&db, "jijian8").await.unwrap().unwrap().id;
        accounts::update(&db, &sys, id, &change).await.unwrap();
        let r = run_once_as(&db, "replica-a", f.today).await.unwrap();
        assert!(r.failed > 0 && r.delivered == 0, "[{e}] {r}");
        assert_eq!(got.lock().unwrap().len(), before, "[{e}] nothing was sent without TLS");
        task.abort();
        db.close().await;
    }
}

// ------------------------------------------------------------------ notification centre

#[tokio::test]
async fn notification_centre_shows_only_ones_own() {
    for db in qingfeng_store::testing::engines().await {
        let f = seed(&db).await;
        run_once_as(&db, "replica-a", f.today).await.unwrap();
        let s = Server::start(db).await;
        let e = s.engine.clone();
        let wang = sign_in(&s, "wangfang", PASSWORD).await;
        let li = sign_in(&s, "liming", PASSWORD).await;

        let r = wang.get(&s, "/api/v1/notifications").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let list = r.json();
        assert_eq!(list["total"], 2, "[{e}] 王芳's notifications: {list}");
        assert_eq!(list["page"], 1);
        let items = list["items"].as_array().unwrap();
        assert!(items.iter().all(|n| n["account_id"] == f.acc["wangfang"] && n["read"] == false), "[{e}] {list}");
        assert!(items.iter().any(|n| n["kind"] == "task_due_soon" && n["kind_label"] == "任务临期"), "[{e}] {list}");
        assert_eq!(wang.get(&s, "/api/v1/notifications/unread-count").await.json()["unread"], 2);
        assert_eq!(s.get("/api/v1/notifications").await.json()["total"], 0, "[{e}] the admin got none");
        let r = wang.get(&s, "/api/v1/notifications?unread=maybe").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "[{e}] bad filter");
        let r = wang.get(&s, "/api/v1/notifications?kind=nonsense").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "[{e}] bad kind");

        // mark one read; someone else's id is 404 and stays unread
        let mine = items[0]["id"].as_i64().unwrap();
        let r = wang.send(&s, Method::POST, &format!("/api/v1/notifications/{mine}/read"), None).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["read"], true);
        let first_read = r.json()["read_at"].clone();
        let r = wang.send(&s, Method::POST, &format!("/api/v1/notifications/{mine}/read"), None).await;
        assert_eq!(r.json()["read_at"], first_read, "[{e}] reading again keeps the first time");
        let theirs = li.get(&s, "/api/v1/notifications").await.json()["items"][0]["id"].as_i64().unwrap();
        let r = wang.send(&s, Method::POST, &format!("/api/v1/notifications/{theirs}/read"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] another's notification");
        assert_eq!(r.json()["error"]["code"], "not_found");
        assert_eq!(li.get(&s, "/api/v1/notifications/unread-count").await.json()["unread"], 3, "[{e}] 李明 untouched");
        let r = wang.get(&s, "/api/v1/notifications?unread=true").await.json();
        assert_eq!(r["total"], 1, "[{e}] unread only: {r}");
        let r = wang.send(&s, Method::POST, "/api/v1/notifications/read-all", None).await;
        assert_eq!(r.json()["updated"], 1, "[{e}] {}", r.text());
        assert_eq!(wang.get(&s, "/api/v1/notifications/unread-count").await.json()["unread"], 0);
        assert_eq!(li.get(&s, "/api/v1/notifications/unread-count").await.json()["unread"], 3, "[{e}]");
        // writes need the CSRF token like any other
        let r = s.send(li.client.post(s.url("/api/v1/notifications/read-all"))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] without CSRF");

        // pages: the header loads the count, the list, htmx mark-as-read, the digest
        let page = li.get(&s, "/notifications").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] {}", page.text());
        let html = page.text();
        assert!(
            html.contains("通知中心") && html.contains("任务逾期") && html.contains("notif-slot"),
            "[{e}] list page"
        );
        assert!(html.contains("全部标为已读（3）"), "[{e}] {html}");
        let badge = li.get(&s, "/notifications/badge").await.text();
        assert!(badge.contains("id=\"notif-count\"") && badge.contains(">3<"), "[{e}] badge: {badge}");
        let org = s.get("/org").await.text();
        assert!(org.contains("hx-get=\"/notifications/badge\""), "[{e}] the header loads the count");
        let theirs_row = s
            .send(
                li.client
                    .post(s.url(&format!("/notifications/{theirs}/read")))
                    .header("X-CSRF-Token", &li.csrf)
                    .header("HX-Request", "true"),
            )
            .await;
        assert_eq!(theirs_row.status, StatusCode::OK, "[{e}] {}", theirs_row.text());
        assert_eq!(theirs_row.header("hx-trigger").as_deref(), Some("notifications-changed"), "[{e}]");
        assert!(theirs_row.text().contains("已读"), "[{e}] row partial: {}", theirs_row.text());
        let badge = li.get(&s, "/notifications/badge").await.text();
        assert!(badge.contains(">2<"), "[{e}] badge after reading: {badge}");
        let r = s
            .send(
                wang.client
                    .post(s.url(&format!("/notifications/{theirs}/read")))
                    .header("X-CSRF-Token", &wang.csrf)
                    .header("HX-Request", "true"),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] page route: another's notification");
        // a plain form posts back to the list
        let r =
            s.send(li.client.post(s.url("/notifications/read-all")).form(&[("csrf_token", li.csrf.as_str())])).await;
        assert!(r.status.is_redirection(), "[{e}] read-all form: {}", r.status);
        assert!(li.get(&s, "/notifications/badge").await.text().contains("通知</a>"), "[{e}] no count when all read");

        let digest = li.get(&s, &format!("/notifications/digest?date={}", f.today)).await;
        assert_eq!(digest.status, StatusCode::OK, "[{e}] {}", digest.text());
        let html = digest.text();
        assert!(
            html.contains("任务临期（1 条）")
                && html.contains("任务逾期（1 条）")
                && html.contains("整改措施逾期（1 条）"),
            "[{e}] digest: {html}"
        );
        assert!(html.find("任务逾期（1 条）") < html.find("任务临期（1 条）"), "[{e}] red kinds first");
        let other_day = li.get(&s, &format!("/notifications/digest?date={}", f.today - Duration::days(3))).await.text();
        assert!(other_day.contains("这一天没有收到通知"), "[{e}]");
        let r = li.get(&s, "/notifications/digest?date=2026-13-01").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "[{e}] bad date");
        s.finish().await;
    }
}
