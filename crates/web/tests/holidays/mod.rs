//! 节假日安排: the administrator enters or imports a year's 放假 and 调休 上班 days (per-row
//! errors for impossible dates), everyone reads them, and working days count over them: across
//! a holiday and a 调休 Saturday.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{assert_api_error, seed_org, servers, user, write_xlsx};

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[tokio::test]
async fn the_calendar_is_kept_by_the_administrator_and_working_days_count_over_it() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;

        // bad input names the field and writes nothing
        let r = s.post_json("/api/v1/holidays", &json!({"from": "2026-02-30", "kind": "休息", "name": ""})).await;
        let err = assert_api_error(&e, "impossible day", &r, 422, None).to_string();
        for f in ["from", "kind", "name"] {
            assert!(err.contains(f), "[{e}] {f} missing from {err}");
        }
        assert!(err.contains("日期不存在"), "[{e}] {err}");
        let r = s
            .post_json(
                "/api/v1/holidays",
                &json!({"from": "2026-10-07", "to": "2026-10-01", "kind": "放假", "name": "国庆节"}),
            )
            .await;
        assert_api_error(&e, "range backwards", &r, 422, Some("to"));
        assert_eq!(s.count("holidays").await, 0, "[{e}]");

        // 劳动节: 5/1–5/5 放假, Saturday 5/9 上班
        let r = s
            .post_json(
                "/api/v1/holidays",
                &json!({"from": "2026-05-01", "to": "2026-05-05", "kind": "holiday", "name": "劳动节"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        assert_eq!(r.json()["created"], 5, "[{e}]");
        let r = s.post_json("/api/v1/holidays", &json!({"from": "2026-05-09", "kind": "上班", "name": "劳动节"})).await;
        assert_eq!(r.json()["days"][0]["weekday"], "周六", "[{e}] {}", r.text());

        // a member reads the calendar and the calculator but cannot change them
        let member = user(&s, "wangfang", Some(org.person("王芳")), &["member"]).await;
        let list = member.get(&s, "/api/v1/holidays?year=2026").await.json();
        assert_eq!(list["total"], 6, "[{e}] {list}");
        assert_eq!(list["items"][5]["kind_label"], "上班", "[{e}] {list}");
        let r = member
            .post(&s, "/api/v1/holidays", &json!({"from": "2026-06-19", "kind": "holiday", "name": "端午节"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}]");

        // working days across the holiday and the 调休 Saturday
        let calc = |q: &str| format!("/api/v1/holidays/working-days?{q}");
        let r = member.get(&s, &calc("from=2026-04-30&add=1")).await.json();
        assert_eq!(r["result"], "2026-05-06", "[{e}] {r}");
        let r = member.get(&s, &calc("from=2026-05-08&add=1")).await.json();
        assert_eq!(r["result"], "2026-05-09", "[{e}] {r}");
        let r = member.get(&s, &calc("from=2026-05-11&add=-5")).await.json();
        assert_eq!(r["result"], "2026-04-30", "[{e}] 5/11 back five: 5/9, 5/8, 5/7, 5/6, 4/30: {r}");
        let r = member.get(&s, &calc("from=2026-04-29&to=2026-05-11")).await.json();
        assert_eq!(r["working_days"], 6, "[{e}] {r}");
        assert_eq!(r["years_missing"], json!([]), "[{e}] {r}");
        let r = member.get(&s, &calc("from=2027-01-04&add=3")).await.json();
        assert_eq!(r["years_missing"], json!([2027]), "[{e}] {r}");
        assert_api_error(&e, "bad from", &member.get(&s, &calc("from=2026-13-01&add=1")).await, 400, Some("from"));

        // the import: per-row errors for an impossible date and a day twice; the valid rows write
        let sheet = write_xlsx(&[
            row(&["日期", "星期", "类型", "节日名称"]),
            row(&["2026-10-01", "周四", "放假", "国庆节"]),
            row(&["2026-02-30", "", "放假", "春节"]),
            row(&["2026-10-10", "周六", "上班", "国庆节"]),
            row(&["2026-10-01", "", "放假", "国庆节"]),
            row(&["2026-10-02", "", "休息", "国庆节"]),
        ]);
        let report = s.import("/api/v1/holidays/import", sheet.clone()).await;
        assert_eq!(report["valid"], 2, "[{e}] {report}");
        let errors = report["errors"].as_array().unwrap();
        let rows: Vec<i64> = errors.iter().map(|x| x["row"].as_i64().unwrap()).collect();
        assert_eq!(rows, [3, 5, 6], "[{e}] {report}");
        assert_eq!(s.count("holidays").await, 6, "[{e}] validating writes nothing");
        let report = s.import("/api/v1/holidays/import?commit=true", sheet).await;
        assert_eq!(
            (report["committed"].as_bool(), report["created"].as_i64()),
            (Some(true), Some(2)),
            "[{e}] {report}"
        );
        let r = member.get(&s, &calc("from=2026-10-09&add=1")).await.json();
        assert_eq!(r["result"], "2026-10-10", "[{e}] {r}");

        // the export imports back unchanged
        let bytes = s.download("/api/v1/holidays/export.xlsx?year=2026").await;
        let report = s.import("/api/v1/holidays/import?commit=true", bytes).await;
        assert_eq!((report["created"].as_i64(), report["updated"].as_i64()), (Some(0), Some(0)), "[{e}] {report}");
        assert!(report["errors"].as_array().unwrap().is_empty(), "[{e}] {report}");

        // removing the 调休 Saturday makes it a weekend day again
        let r = s.write_json(Method::DELETE, "/api/v1/holidays/2026-05-09", &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let r = member.get(&s, &calc("from=2026-05-08&add=1")).await.json();
        assert_eq!(r["result"], "2026-05-11", "[{e}] {r}");
        let r = s.write_json(Method::DELETE, "/api/v1/holidays/2026-05-09", &json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}]");

        // the page lists the year; the audit trail reads in words
        let page = s.get("/system/holidays?year=2026").await.text();
        assert!(page.contains("劳动节") && page.contains("已录入放假 6 天、调休上班 1 天"), "[{e}] {page}");
        let page = s.get("/system/holidays?year=2027").await.text();
        assert!(page.contains("尚未录入"), "[{e}]");
        let audit = s.get("/system/audit?entity=holiday").await.text();
        assert!(audit.contains("节假日安排 2026-05-09") && audit.contains("节日名称"), "[{e}] {audit}");
    }
}
