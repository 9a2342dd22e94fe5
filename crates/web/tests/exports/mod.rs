//! Long exports: the 履职台账 and 整改台账 of thousands of rows, read from the store in batches
//! and written in constant memory, come back whole and in the list's order; the same exports
//! in the background report their progress to the account that started them and to no other.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use qingfeng_domain::access::Permission;
use qingfeng_store::Actor;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{header_row, merged_regions, read_xlsx, seed_org, servers, user, write_xlsx, Resp, Server, User};

const LEDGER_ROWS: usize = 2_300;
const FINDINGS: usize = 1_200;

fn year() -> i64 {
    use chrono::Datelike;
    qingfeng_store::fulfilment::today().year().into()
}

/// The list's items on its first and last page (200 a page), through the API.
async fn first_and_last(s: &Server, path: &str) -> (Value, Value, i64) {
    let first = s.get(&format!("{path}?per_page=200")).await.json();
    let total = first["total"].as_i64().expect("total");
    let last_page = (total + 199) / 200;
    let last = s.get(&format!("{path}?per_page=200&page={last_page}")).await.json();
    let items = last["items"].as_array().expect("items");
    (first["items"][0].clone(), items[items.len() - 1].clone(), total)
}

/// The data rows below the header that holds `headers`.
fn data_rows(bytes: &[u8], headers: &[&str]) -> Vec<Vec<String>> {
    let rows = read_xlsx(bytes);
    let h = header_row(&rows, headers).expect("the header row");
    rows[h + 1..].to_vec()
}

/// Polls the job until it is no longer running; every answer on the way counts up to the total.
async fn wait_for(s: &Server, u: Option<&User>, id: &str) -> Value {
    let started = Instant::now();
    let mut last_written = 0;
    loop {
        let path = format!("/api/v1/export-jobs/{id}");
        let r = match u {
            Some(u) => u.get(s, &path).await,
            None => s.get(&path).await,
        };
        assert_eq!(r.status, StatusCode::OK, "[{}] job status: {}", s.engine, r.text());
        let v = r.json();
        let written = v["written"].as_u64().expect("written");
        assert!(written >= last_written && written <= v["total"].as_u64().unwrap(), "[{}] progress: {v}", s.engine);
        last_written = written;
        if v["state"] != "running" {
            return v;
        }
        assert!(v["file_url"].is_null(), "[{}] no file before the end: {v}", s.engine);
        assert!(started.elapsed() < Duration::from_secs(120), "[{}] the export takes too long: {v}", s.engine);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_long_ledger_exports_whole_and_in_order_now_and_in_the_background() {
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;
        let n = qingfeng_store::ledger_bulk::generate_entries(&s.db, &Actor::system(), year(), LEDGER_ROWS, 7)
            .await
            .expect("generate entries");
        assert_eq!(n, LEDGER_ROWS, "[{e}]");
        let (first, last, total) = first_and_last(&s, "/api/v1/ledger-entries").await;
        assert_eq!(total, LEDGER_ROWS as i64, "[{e}]");

        let headers = ["序号", "日期", "所属单位", "主要内容"];
        let rows = data_rows(&s.download("/api/v1/ledger-entries/export.xlsx").await, &headers);
        assert_eq!(rows.len(), LEDGER_ROWS, "[{e}] one row per entry");
        for (row, item, number) in [(&rows[0], &first, 1), (&rows[LEDGER_ROWS - 1], &last, LEDGER_ROWS)] {
            assert_eq!(row[0], number.to_string(), "[{e}] 序号");
            assert_eq!(row[1], item["entry_date"].as_str().unwrap(), "[{e}] the list's order: {row:?} {item}");
            assert_eq!(row[4], item["unit_name"].as_str().unwrap(), "[{e}] {row:?}");
            assert_eq!(row[7], item["content"].as_str().unwrap(), "[{e}] {row:?}");
        }

        // in the background: 201 and a job, its progress, then the same file
        let r =
            s.send(s.client.post(s.url("/api/v1/ledger-entries/export-jobs")).header("X-CSRF-Token", &s.csrf)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let job = r.json();
        assert!(["running", "done"].contains(&job["state"].as_str().unwrap()), "[{e}] {job}");
        let id = job["id"].as_str().unwrap().to_string();
        let done = wait_for(&s, None, &id).await;
        assert_eq!(done["state"], "done", "[{e}] {done}");
        assert_eq!(done["written"], json!(LEDGER_ROWS), "[{e}] {done}");
        let file = s.download(done["file_url"].as_str().unwrap()).await;
        let again = data_rows(&file, &headers);
        assert_eq!(again.len(), LEDGER_ROWS, "[{e}]");
        assert_eq!((&again[0], &again[LEDGER_ROWS - 1]), (&rows[0], &rows[LEDGER_ROWS - 1]), "[{e}]");

        // another account, even one that may export the ledger, does not see the job
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "exp_exporter", "name": "导出员", "scope": "all", "units": [],
                        "permissions": [Permission::LedgerRead.key(), Permission::LedgerExport.key()]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let other = user(&s, "other_exporter", None, &["exp_exporter"]).await;
        for path in
            [format!("/api/v1/export-jobs/{id}"), format!("/api/v1/export-jobs/{id}/file"), format!("/exports/{id}")]
        {
            let r = other.get(&s, &path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] {path} for another account: {}", r.text());
        }
        let r = s.get("/api/v1/export-jobs/00000000000000000000000000000000").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] an unknown job");
        // an account that may not export cannot start one
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "exp_reader", "name": "查阅", "scope": "all", "units": [], "permissions": [Permission::LedgerRead.key()]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let reader = user(&s, "reader_only", None, &["exp_reader"]).await;
        let r = reader.post(&s, "/api/v1/ledger-entries/export-jobs", &json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {}", r.text());

        // from the page: the fragment polls itself while the job runs and links the file when done
        let html = s.get("/ledger").await.text();
        assert!(html.contains(r#"hx-post="/ledger/export?"#) && html.contains(r#"id="export-job""#), "[{e}] {html}");
        let r = s.send(s.client.post(s.url("/ledger/export?kind=meeting")).header("X-CSRF-Token", &s.csrf)).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "[{e}] {}", r.text());
        let fragment = r.text();
        let id = fragment.split("/exports/").nth(1).or_else(|| fragment.split("/api/v1/export-jobs/").nth(1));
        let id: String = id.expect("the job in the fragment").chars().take_while(char::is_ascii_hexdigit).collect();
        assert!(
            fragment.contains(r#"hx-trigger="every 1s""#) || fragment.contains("导出完成"),
            "[{e}] progress or done: {fragment}"
        );
        let done = wait_for(&s, None, &id).await;
        let meetings = s.get("/api/v1/ledger-entries?kind=meeting&per_page=1").await.json()["total"].clone();
        assert_eq!(done["total"], meetings, "[{e}] the page's filters: {done}");
        let fragment = s.get(&format!("/exports/{id}")).await.text();
        assert!(fragment.contains("导出完成") && fragment.contains("data-download="), "[{e}] {fragment}");
        assert!(!fragment.contains("hx-trigger"), "[{e}] polling stops: {fragment}");
        s.finish().await;
    }
}

#[tokio::test]
async fn a_long_finding_ledger_exports_every_measure_in_order() {
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;
        let (n, measures) = qingfeng_store::findings_bulk::generate(&s.db, &Actor::system(), year(), FINDINGS, 11)
            .await
            .expect("generate findings");
        assert_eq!(n, FINDINGS, "[{e}]");
        let (stale,): (i64,) =
            s.db.fetch_one(
                "SELECT COUNT(*) FROM findings f WHERE f.next_deadline IS DISTINCT FROM (SELECT MIN(m.deadline) \
                 FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL)",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(stale, 0, "[{e}] every generated finding keeps its open measures' first deadline");
        let (first, last, total) = first_and_last(&s, "/api/v1/findings").await;
        assert_eq!(total, FINDINGS as i64, "[{e}]");
        let bytes = s.download("/api/v1/findings/export.xlsx").await;
        let rows = data_rows(&bytes, &["序号", "问题描述", "整改措施", "问题编号"]);
        let without: (i64,) = s
            .db
            .fetch_one(
                "SELECT COUNT(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM rectification_measures m WHERE m.finding_id = f.id)",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), measures + without.0 as usize, "[{e}] a row per measure, one for a finding without");
        let id = |row: &Vec<String>| row[18].clone();
        assert_eq!(id(&rows[0]), first["id"].to_string(), "[{e}] the list's first finding first");
        assert_eq!(id(&rows[rows.len() - 1]), last["id"].to_string(), "[{e}] and its last one last");
        assert_eq!(rows[rows.len() - 1][0], FINDINGS.to_string(), "[{e}] numbered through");
        let mut ids: Vec<String> = rows.iter().map(id).collect();
        ids.dedup();
        assert_eq!(ids.len(), FINDINGS, "[{e}] each finding's rows together");
        assert!(merged_regions(&bytes).len() > FINDINGS / 4, "[{e}] the finding's columns merged over its measures");
        s.finish().await;
    }
}

const PEOPLE: usize = 2_000;

/// Sends `request` and, until it is answered, asks `/imports/progress` as the same session and as
/// `other`: the fragments the session saw that were not empty, and whether `other` saw any.
async fn watched(s: &Server, other: &User, request: reqwest::RequestBuilder) -> (Resp, Vec<String>, bool) {
    let done = AtomicBool::new(false);
    let send = async {
        let r = s.send(request).await;
        done.store(true, Ordering::SeqCst);
        r
    };
    let poll = async {
        let (mut seen, mut other_saw) = (Vec::new(), false);
        while !done.load(Ordering::SeqCst) {
            let mine = s.get("/imports/progress").await;
            assert_eq!(mine.status, StatusCode::OK, "[{}] {}", s.engine, mine.text());
            let text = mine.text().trim().to_string();
            if !text.is_empty() {
                seen.push(text);
            }
            other_saw |= !other.get(s, "/imports/progress").await.text().trim().is_empty();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (seen, other_saw)
    };
    let (r, (seen, other_saw)) = tokio::join!(send, poll);
    (r, seen, other_saw)
}

#[tokio::test]
async fn a_large_people_import_shows_how_far_it_has_got() {
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;
        let other = user(&s, "watcher", None, &["admin"]).await;
        let page = s.get("/org/people-import").await.text();
        assert!(
            page.contains(r#"data-import-progress="import-progress""#) && page.contains(r#"id="import-progress""#),
            "[{e}]"
        );
        let mut rows = vec![["姓名", "性别", "单位编码", "职级", "政治面貌"].map(String::from).to_vec()];
        rows.extend(
            (0..PEOPLE)
                .map(|i| vec![format!("测试人员{i}"), "男".into(), "ZHK".into(), "乡科级".into(), "群众".into()]),
        );
        let file = write_xlsx(&rows);
        let part = reqwest::multipart::Part::bytes(file).file_name("people.xlsx");
        let form = reqwest::multipart::Form::new().part("file", part);
        let upload = s.client.post(s.url("/org/people-import")).header("X-CSRF-Token", &s.csrf).multipart(form);
        let (r, seen, other_saw) = watched(&s, &other, upload).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let html = r.text();
        assert!(html.contains(&format!("<strong>{PEOPLE}</strong> 行有效")), "[{e}] {html}");
        let total = format!("/ {PEOPLE} 行");
        // reading a large file takes most of this step; its rows are then checked quickly
        assert!(seen.iter().any(|f| f.contains("正在读取文件") || f.contains(&total)), "[{e}] progress: {seen:?}");
        assert!(!other_saw, "[{e}] another account sees nothing of it");

        // confirming: checked again, then written, with the count of rows written
        let token = html.split(r#"name="pending" value=""#).nth(1).and_then(|t| t.split('"').next()).expect("token");
        let form = reqwest::multipart::Form::new().text("pending", token.to_string()).text("commit", "true");
        let confirm = s.client.post(s.url("/org/people-import")).header("X-CSRF-Token", &s.csrf).multipart(form);
        let (r, seen, _) = watched(&s, &other, confirm).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert!(r.text().contains(&format!("新增 {PEOPLE} 行")), "[{e}] {}", r.text());
        // writing 2,000 people with their audit records is the long part: counted row by row
        let writing: Vec<&String> = seen.iter().filter(|f| f.contains("正在写入") && f.contains(&total)).collect();
        assert!(!writing.is_empty(), "[{e}] progress while writing: {seen:?}");
        assert!(s.get("/imports/progress").await.text().trim().is_empty(), "[{e}] nothing once it is done");
        s.finish().await;
    }
}
