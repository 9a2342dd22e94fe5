//! 典型案例: the library (every role reads, the group keeps it), a 警示教育 entry names the cases
//! it used and a case shows where it was used within the reader's scope; the case sheet exports
//! and imports back with per-row errors; the audit trail reads in words.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, write_xlsx};

fn today() -> chrono::NaiveDate {
    qingfeng_store::fulfilment::today()
}

fn case(title: &str, discipline: &str) -> serde_json::Value {
    json!({"title": title, "case_date": "2026-05-08", "discipline": discipline, "sanction": "党内严重警告",
           "summary": "违规收受管理服务对象礼金 2 万元", "lesson": "收礼就是收“雷”", "source": "县纪委通报〔2026〕3号"})
}

#[tokio::test]
async fn cases_are_kept_by_the_group_read_by_all_and_linked_from_warning_education() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;

        // bad input names the field and writes nothing
        let bad = json!({"title": "", "case_date": "2099-01-01", "discipline": "财经纪律"});
        let r = s.post_json("/api/v1/warning-cases", &bad).await;
        let err = assert_api_error(&e, "empty case", &r, 422, None);
        let text = err.to_string();
        for f in ["title", "case_date", "discipline", "summary"] {
            assert!(text.contains(f), "[{e}] {f} missing from {text}");
        }
        assert_eq!(s.count("warning_cases").await, 0, "[{e}]");

        let r = s.post_json("/api/v1/warning-cases", &case("某局原局长违规收受礼金案", "廉洁纪律")).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let gift = r.json();
        assert_eq!(gift["discipline"], "integrity", "[{e}]");
        assert_eq!(gift["discipline_label"], "廉洁纪律", "[{e}]");
        let gift_id = gift["id"].as_i64().unwrap();
        let r = s.post_json("/api/v1/warning-cases", &case("某镇干部违规操办婚宴案", "生活纪律")).await;
        let feast_id = r.json()["id"].as_i64().unwrap();

        // a member reads the library but cannot add to it
        let member = user(&s, "wangfang", Some(org.person("王芳")), &["member"]).await;
        let list = member.get(&s, "/api/v1/warning-cases?discipline=廉洁纪律").await;
        assert_eq!(list.status, StatusCode::OK, "[{e}] {}", list.text());
        assert_eq!(list.json()["total"], 1, "[{e}]");
        let r = member.post(&s, "/api/v1/warning-cases", &case("x", "廉洁纪律")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}]");

        // one 警示教育 entry with 王芳, one in 督查室 without her; an unknown case is refused
        let body = json!({"kind": "warning_education", "date": today(), "content": "观看警示教育片并讨论",
                          "unit_id": org.unit("ZHK"), "participants": [org.person("王芳")], "cases": [gift_id, feast_id]});
        let r = s.post_json("/api/v1/ledger-entries", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let entry = r.json();
        assert_eq!(entry["cases"].as_array().unwrap().len(), 2, "[{e}] {entry}");
        let body = json!({"kind": "warning_education", "date": today(), "content": "通报典型案例",
                          "unit_id": org.unit("DCS"), "participants": [org.person("赵强")], "cases": [gift_id]});
        assert_eq!(s.post_json("/api/v1/ledger-entries", &body).await.status, StatusCode::CREATED, "[{e}]");
        let body = json!({"kind": "warning_education", "date": today(), "content": "x", "unit_id": org.unit("DCS"),
                          "cases": [999999]});
        assert_api_error(&e, "unknown case", &s.post_json("/api/v1/ledger-entries", &body).await, 422, Some("cases"));

        // the admin sees both uses; the member the one she took part in, and the count of the other
        let d = s.get(&format!("/api/v1/warning-cases/{gift_id}")).await.json();
        assert_eq!((d["use_count"].as_i64(), d["uses"].as_array().unwrap().len()), (Some(2), 2), "[{e}] {d}");
        let d = member.get(&s, &format!("/api/v1/warning-cases/{gift_id}")).await.json();
        assert_eq!(d["uses"].as_array().unwrap().len(), 1, "[{e}] {d}");
        assert_eq!(d["hidden_uses"], 1, "[{e}] {d}");
        let page = member.get(&s, &format!("/warning-cases/{gift_id}")).await.text();
        assert!(page.contains("观看警示教育片并讨论") && page.contains("另有 1 条使用记录"), "[{e}] {page}");
        assert!(!page.contains(&format!("/warning-cases/{gift_id}/edit")), "[{e}] a member is offered 修改");
        let page = s.get(&format!("/ledger/{}", entry["id"])).await.text();
        assert!(page.contains("所用典型案例") && page.contains("某镇干部违规操办婚宴案"), "[{e}]");

        // an edit is audited in words, old → new
        let r = s.patch_json(&format!("/api/v1/warning-cases/{gift_id}"), &json!({"sanction": "开除党籍"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["sanction"], "开除党籍", "[{e}]");
        let audit = s.get("/system/audit").await.text();
        assert!(
            audit.contains(&format!("修改<a href=\"/warning-cases/{gift_id}\">典型案例"))
                && audit.contains("处理结果")
                && audit.contains("开除党籍"),
            "[{e}] {audit}"
        );
        s.finish().await;
    }
}

#[tokio::test]
async fn the_case_sheet_exports_and_imports_back_with_row_errors() {
    for s in servers().await {
        let e = s.engine.clone();
        let r = s.post_json("/api/v1/warning-cases", &case("某局原局长违规收受礼金案", "廉洁纪律")).await;
        let id = r.json()["id"].as_i64().unwrap();
        let rows = read_xlsx(&s.download("/api/v1/warning-cases/export.xlsx").await);
        let head = rows.iter().position(|r| r.first().map(String::as_str) == Some("序号")).expect("header row");
        assert_eq!(rows[head + 1][1], "某局原局长违规收受礼金案", "[{e}] {rows:?}");
        assert_eq!(rows[head + 1][3], "廉洁纪律", "[{e}]");

        // the export imports back unchanged
        let back = s.import("/api/v1/warning-cases/import?commit=true", write_xlsx(&rows[head..])).await;
        assert_eq!((back["created"].as_u64(), back["updated"].as_u64()), (Some(0), Some(0)), "[{e}] {back}");

        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<String>>();
        let id_text = id.to_string();
        let sheet = vec![
            rows[head].clone(),
            row(&[
                "1",
                "某县干部公款旅游案",
                "2026-03-02",
                "廉洁纪律",
                "政务记过",
                "借考察之名公款旅游",
                "",
                "",
                "",
                "",
            ]),
            row(&["2", "某县干部公款旅游案", "2026-03-02", "廉洁纪律", "", "同一案例又一行", "", "", "", ""]),
            row(&["3", "某局原局长违规收受礼金案", "2026-05-08", "廉洁纪律", "", "重复已有案例", "", "", "", ""]),
            row(&["4", "无纪律案", "2026-03-02", "财经纪律", "", "x", "", "", "", ""]),
            row(&["5", "编号不存在", "2026-03-02", "工作纪律", "", "x", "", "", "", "999999"]),
            row(&[
                "6",
                "某局原局长违规收受礼金案",
                "2026-05-08",
                "廉洁纪律",
                "开除党籍",
                "更新案情",
                "",
                "",
                "",
                &id_text,
            ]),
        ];
        let check = s.import("/api/v1/warning-cases/import", write_xlsx(&sheet)).await;
        assert_eq!(check["valid"], 2, "[{e}] {check}");
        let errors = check["errors"].to_string();
        for want in ["与第2行是同一案例", "与已有案例重复", "违反的纪律应为", "案例编号 999999 不存在"]
        {
            assert!(errors.contains(want), "[{e}] {want} not in {errors}");
        }
        assert_eq!(s.count("warning_cases").await, 1, "[{e}] validation wrote nothing");
        let done = s.import("/api/v1/warning-cases/import?commit=true", write_xlsx(&sheet)).await;
        assert_eq!((done["created"].as_u64(), done["updated"].as_u64()), (Some(1), Some(1)), "[{e}] {done}");
        let c = s.get(&format!("/api/v1/warning-cases/{id}")).await.json();
        assert_eq!(c["sanction"], "开除党籍", "[{e}]");
        s.finish().await;
    }
}
