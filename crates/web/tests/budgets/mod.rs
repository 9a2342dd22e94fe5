//! 三公经费: budgets per unit, year and category; spending from trips and the finance ledger;
//! the warning at the setting's share (exactly 80 % warns) and at the whole budget, each told
//! once to the unit's principal; last year's spending beside it; bad input refused naming the
//! field; scope; the ledger import (a bad row reported) and the execution export.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, write_xlsx, Server, User};

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

async fn execution(s: &Server, unit: i64, category: &str) -> Value {
    let page = s.get(&format!("/api/v1/budgets?year=2026&unit={unit}")).await.json();
    page["items"].as_array().unwrap().iter().find(|r| r["category"] == json!(category)).cloned().unwrap_or(Value::Null)
}

async fn told(s: &Server, u: &User) -> Vec<String> {
    let n = u.get(s, "/api/v1/notifications?kind=budget_warning").await.json();
    n["items"].as_array().unwrap().iter().map(|x| x["title"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn spending_warns_at_the_share_and_at_the_budget_and_the_principal_is_told_once() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let xwb = org.unit("XWB");
        let zhuren = user(&s, "zhuren", Some(org.person("李明")), &["principal"]).await;
        let r = s
            .post_json(
                "/api/v1/budgets",
                &json!({"unit_id": xwb, "year": 2026, "category": "公务用车购置及运行维护", "amount": "1000"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["level"], "normal", "[{e}]");
        let car = s
            .post_json("/api/v1/vehicles", &json!({"unit_id": xwb, "plate": "赣C50005", "parking": "车库"}))
            .await
            .json();
        let trip = |day: &str, start: i64, cost: &str| {
            json!({"vehicle_id": car["id"], "departed_on": day, "departed_time": "09:00", "returned_time": "11:00",
                "purpose": "公务", "destination": "县政府", "mileage_start": start, "mileage_end": start + 10,
                "cost": cost, "driver": "张师傅", "approver": "李明"})
        };
        let r = s.post_json("/api/v1/vehicle-trips", &trip("2026-03-02", 100, "799.99")).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let x = execution(&s, xwb, "vehicles").await;
        assert_eq!((x["level"].as_str(), x["recorded_cents"].as_i64()), (Some("normal"), Some(79_999)), "[{e}] {x}");
        assert!(told(&s, &zhuren).await.is_empty(), "[{e}] 79.999 % is not yet a warning");
        s.post_json("/api/v1/vehicle-trips", &trip("2026-03-03", 110, "0.01")).await;
        let x = execution(&s, xwb, "vehicles").await;
        assert_eq!(
            (x["level"].as_str(), x["permille"].as_i64()),
            (Some("warning"), Some(800)),
            "[{e}] exactly 80 %: {x}"
        );
        assert_eq!(told(&s, &zhuren).await.len(), 1, "[{e}]");
        s.post_json("/api/v1/vehicle-trips", &trip("2026-03-04", 120, "50")).await;
        assert_eq!(told(&s, &zhuren).await.len(), 1, "[{e}] told once per level");
        // the finance ledger takes it to the whole budget
        let r = s.post_json("/api/v1/budgets/spending", &json!({"unit_id": xwb, "spent_on": "2026-04-01", "category": "公务用车运行维护费", "amount": "150.00", "note": "车辆保险"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let x = execution(&s, xwb, "vehicles").await;
        assert_eq!((x["level"].as_str(), x["spent_cents"].as_i64()), (Some("exceeded"), Some(100_000)), "[{e}] {x}");
        let titles = told(&s, &zhuren).await;
        assert_eq!(titles.len(), 2, "[{e}] {titles:?}");
        assert!(titles.iter().any(|t| t.contains("已达到或超过预算") && t.contains("县委办公室")), "[{e}] {titles:?}");
        // last year beside it; a reception budget with no spending
        s.post_json(
            "/api/v1/budgets/spending",
            &json!({"unit_id": xwb, "spent_on": "2025-06-01", "category": "vehicles", "amount": "500"}),
        )
        .await;
        s.post_json(
            "/api/v1/budgets",
            &json!({"unit_id": xwb, "year": 2026, "category": "reception", "amount": 20000}),
        )
        .await;
        let x = execution(&s, xwb, "vehicles").await;
        assert_eq!(x["last_year_cents"], 50_000, "[{e}] {x}");
        assert_eq!(execution(&s, xwb, "reception").await["level"], "normal", "[{e}]");
        // raising the budget lowers the level again; the page and the export read
        s.post_json("/api/v1/budgets", &json!({"unit_id": xwb, "year": 2026, "category": "vehicles", "amount": "5万"}))
            .await;
        assert_eq!(execution(&s, xwb, "vehicles").await["level"], "normal", "[{e}]");
        let page = zhuren.get(&s, "/budgets?year=2026").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}]");
        assert!(page.text().contains("公务用车购置及运行维护"), "[{e}]");
        let rows = read_xlsx(&s.download("/api/v1/budgets/export.xlsx?year=2026").await);
        assert!(format!("{rows:?}").contains("50,000.00"), "[{e}] {rows:?}");
        s.finish().await;
    }
}

#[tokio::test]
async fn bad_budgets_and_ledgers_name_the_field_and_scope_holds() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (xwb, zhk) = (org.unit("XWB"), org.unit("ZHK"));
        let audit = s.audit_count().await;
        for (what, body, field) in [
            ("negative", json!({"unit_id": xwb, "year": 2026, "category": "reception", "amount": "-1"}), "amount"),
            (
                "unknown category",
                json!({"unit_id": xwb, "year": 2026, "category": "办公费", "amount": "1"}),
                "category",
            ),
            ("no year", json!({"unit_id": xwb, "category": "reception", "amount": "1"}), "year"),
        ] {
            let r = s.post_json("/api/v1/budgets", &body).await;
            assert_api_error(&e, what, &r, 422, Some(field));
        }
        let r = s
            .post_json(
                "/api/v1/budgets/spending",
                &json!({"unit_id": xwb, "spent_on": "2099-01-01", "category": "abroad", "amount": "1"}),
            )
            .await;
        assert_api_error(&e, "a future day", &r, 422, Some("spent_on"));
        let r = s
            .post_json(
                "/api/v1/budgets/spending",
                &json!({"unit_id": xwb, "spent_on": "2026-01-01", "category": "abroad", "amount": -3}),
            )
            .await;
        assert_api_error(&e, "negative spending", &r, 422, Some("amount"));
        assert_eq!(s.audit_count().await, audit, "[{e}] nothing written");
        let clerk = user(&s, "clerk", Some(org.person("王芳")), &["office_clerk"]).await;
        let r = clerk
            .post(&s, "/api/v1/budgets", &json!({"unit_id": xwb, "year": 2026, "category": "reception", "amount": "1"}))
            .await;
        assert_api_error(&e, "a unit outside the scope", &r, 422, Some("unit_id"));
        let r = clerk
            .post(&s, "/api/v1/budgets", &json!({"unit_id": zhk, "year": 2026, "category": "reception", "amount": "1"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        s.post_json("/api/v1/budgets", &json!({"unit_id": xwb, "year": 2026, "category": "reception", "amount": "1"}))
            .await;
        let seen = clerk.get(&s, "/api/v1/budgets?year=2026").await.json();
        assert_eq!(seen["total"], 1, "[{e}] only 综合科: {seen}");
        let member = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        assert_eq!(member.get(&s, "/api/v1/budgets").await.status, StatusCode::FORBIDDEN, "[{e}]");

        // the finance ledger import: a bad row is reported with its row and column
        let sheet = write_xlsx(&[
            row(&["单位", "日期", "类别", "金额（元）", "摘要"]),
            row(&["综合科", "2026-02-03", "公务接待", "860", "接待市检查组工作餐"]),
            row(&["综合科", "2026-02-04", "公务接待", "-5", ""]),
            row(&["不存在的科", "2026-02-05", "因公出国（境）", "1000", ""]),
        ]);
        let report = clerk.upload(&s, "/api/v1/budgets/spending/import", sheet.clone()).await.json();
        assert_eq!(report["valid"], 1, "[{e}] {report}");
        let cols: Vec<&str> =
            report["errors"].as_array().unwrap().iter().map(|x| x["column"].as_str().unwrap()).collect();
        assert_eq!(cols, ["金额（元）", "单位"], "[{e}] {report}");
        let report = clerk.upload(&s, "/api/v1/budgets/spending/import?commit=true", sheet).await.json();
        assert_eq!(report["committed"], json!(false), "[{e}] {report}");
        let sheet = write_xlsx(&[
            row(&["单位", "日期", "类别", "金额（元）", "摘要"]),
            row(&["综合科", "2026-02-03", "公务接待", "860", ""]),
        ]);
        let report = clerk.upload(&s, "/api/v1/budgets/spending/import?commit=true", sheet).await.json();
        assert_eq!(report["created"], 1, "[{e}] {report}");
        let ledger = clerk.get(&s, "/api/v1/budgets/spending?year=2026").await.json();
        assert_eq!(ledger["items"][0]["amount_cents"], 86_000, "[{e}] {ledger}");
        assert_eq!(s.audit_count_of("budget_spending", "import").await, 1, "[{e}]");
        s.finish().await;
    }
}
