//! 会议研究 entries name their meeting type and count only toward the items that type
//! satisfies (党员大会 → R-BR-1, 支委会 → R-BR-2 …); the form asks for the type and offers a
//! 全体 button per unit for the participants; the export shows the type.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, Server};

fn today() -> chrono::NaiveDate {
    qingfeng_store::fulfilment::today()
}

/// The codes of the items an entry was credited to, among the branch's own items.
async fn branch_codes(s: &Server, branch: i64, entry: &Value) -> Vec<String> {
    let items = s
        .get(&format!(
            "/api/v1/responsibility-items?year={}&unit={branch}&include_sub=false&per_page=100",
            today().year()
        ))
        .await
        .json();
    let credited: Vec<i64> =
        entry["credited_items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    let mut codes: Vec<String> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| credited.contains(&i["id"].as_i64().unwrap()))
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn a_meeting_counts_only_toward_the_items_of_its_type() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (branch, chen) = (org.unit("JGDZB"), org.person("陈静"));
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": today().year()})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());

        // the type is required for a meeting, and must be one of the list
        let body = json!({"kind": "meeting", "date": today(), "content": "召开支委会", "unit_id": branch, "participants": [chen]});
        let r = s.post_json("/api/v1/ledger-entries", &body).await;
        let err = assert_api_error(&e, "meeting without a type", &r, 422, Some("meeting_type"));
        assert!(err.to_string().contains("请选择会议类型"), "[{e}] {err}");

        // one participant, a 支委会: R-BR-2 only, not 党员大会, 党小组会 or 组织生活会
        let mut body = body;
        body["meeting_type"] = json!("支委会");
        let r = s.post_json("/api/v1/ledger-entries", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let entry = r.json();
        assert_eq!(entry["meeting_type"], "branch_committee", "[{e}] {entry}");
        assert_eq!(branch_codes(&s, branch, &entry).await, ["R-BR-2"], "[{e}] {entry}");

        // corrected to a 党员大会: the credit moves to R-BR-1
        let id = entry["id"].as_i64().unwrap();
        let mut fix = body.clone();
        fix["meeting_type"] = json!("party_congress");
        fix["reason"] = json!("会议类型登记有误");
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &fix).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let v2 = r.json();
        assert_eq!(branch_codes(&s, branch, &v2).await, ["R-BR-1"], "[{e}] {v2}");

        // a 组织生活会 and a 党小组会 credit theirs
        for (t, code) in [("organizational_life", "R-BR-4"), ("党小组会", "R-BR-3")] {
            let mut b = body.clone();
            b["meeting_type"] = json!(t);
            let r = s.post_json("/api/v1/ledger-entries", &b).await;
            assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
            assert_eq!(branch_codes(&s, branch, &r.json()).await, [code], "[{e}] {t}");
        }

        // regenerating the lists recredits by the same rule
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": today().year()})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let v2 = s.get(&format!("/api/v1/ledger-entries/{}", v2["id"])).await.json();
        assert_eq!(branch_codes(&s, branch, &v2).await, ["R-BR-1"], "[{e}] after regeneration: {v2}");

        // the page and the export name the type
        let html = s.get(&format!("/ledger/{}", v2["id"])).await.text();
        assert!(html.contains("会议研究（党员大会）"), "[{e}] {html}");
        let rows = read_xlsx(&s.download("/api/v1/ledger-entries/export.xlsx").await);
        let header = rows.iter().position(|r| r.iter().any(|c| c == "会议类型")).expect("a 会议类型 column");
        let col = rows[header].iter().position(|c| c == "会议类型").unwrap();
        let types: Vec<&str> = rows[header + 1..].iter().map(|r| r[col].as_str()).collect();
        assert!(types.contains(&"党员大会") && types.contains(&"组织生活会"), "[{e}] {types:?}");
        s.finish().await;
    }
}

#[tokio::test]
async fn the_form_asks_for_the_meeting_type_and_offers_whole_units() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let html = s.get(&format!("/ledger/new?unit={}", org.unit("ZHK"))).await.text();
        assert!(html.contains("name=\"meeting_type\"") && html.contains("党小组会"), "[{e}] {html}");
        // 综合科 and 信息科 below it: a 全体 button each, the options tagged with their unit
        for code in ["ZHK", "XXK"] {
            assert!(html.contains(&format!("data-select-unit=\"{}\"", org.unit(code))), "[{e}] {code}: {html}");
        }
        assert!(html.contains("综合科全体"), "[{e}]");
        assert!(html.contains(&format!("data-unit=\"{}\"", org.unit("XXK"))), "[{e}]");
        assert!(!html.contains(&format!("data-select-unit=\"{}\"", org.unit("DCS"))), "[{e}] 督查室 is not offered");

        let form = [
            ("csrf_token", s.csrf.as_str()),
            ("kind", "meeting"),
            ("meeting_type", ""),
            ("date", &today().to_string()),
            ("content", "科室会议"),
            ("unit_id", &org.unit("ZHK").to_string()),
        ];
        let r = s.send(s.client.post(s.url("/ledger/new")).form(&form)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");
        assert!(r.text().contains("请选择会议类型"), "[{e}]");
        let mut form = form.to_vec();
        form[2] = ("meeting_type", "division");
        let r = s.send(s.client.post(s.url("/ledger/new")).form(&form)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        let entry = s.get(&r.header("location").unwrap()).await.text();
        assert!(entry.contains("会议研究（科室会议）"), "[{e}] {entry}");
        s.finish().await;
    }
}
