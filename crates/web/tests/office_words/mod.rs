//! 字典管理 of the fixed dictionaries: an office renames a 履职台账 record type and reorders (and,
//! where RULES.md allows, renames) the 问题类别; the names are used on the forms, lists, filters
//! and exports, an export imports back, and fixed names stay fixed.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{assert_api_error, read_xlsx, seed_org, servers};

#[tokio::test]
async fn office_names_for_record_types_and_categories() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let audit = s.audit_count_of("dict", "update").await;

        // refused: a category whose name RULES.md fixes, a name another entry has
        let put = |key: &'static str, body: serde_json::Value| {
            let s = &s;
            async move { s.write_json(Method::PUT, &format!("/api/v1/dict-labels/{key}"), &body).await }
        };
        let r = put("finding_category", json!({"entries": [{"key": "political", "label": "政治规矩"}]})).await;
        let err = assert_api_error(&e, "a fixed category name", &r, 422, Some("entries"));
        assert!(err["message"].as_str().unwrap().contains("不能改名"), "[{e}] {err}");
        let r = put("entry_kind", json!({"entries": [{"key": "meeting", "label": "专题学习"}]})).await;
        assert_api_error(&e, "a name of another kind", &r, 422, Some("entries"));
        assert_eq!(s.audit_count_of("dict", "update").await, audit, "[{e}] nothing written");

        // saved and audited
        let r = put("entry_kind", json!({"entries": [{"key": "meeting", "label": "会议记录"}]})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let meeting = r.json()["items"].as_array().unwrap().iter().find(|x| x["key"] == "meeting").cloned().unwrap();
        assert_eq!(
            (meeting["label"].as_str(), meeting["default_label"].as_str()),
            (Some("会议记录"), Some("会议研究"))
        );
        let body = json!({"entries": [{"key": "conduct", "label": "作风纪律建设", "sort_order": 1},
                                      {"key": "formalism", "sort_order": 2}]});
        let r = put("finding_category", body).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["items"][0]["key"], "conduct", "[{e}] first in the office's order");
        assert_eq!(s.audit_count_of("dict", "update").await, audit + 2, "[{e}] audited");
        let trail = s.get("/system/audit?entity=dict").await.text();
        assert!(trail.contains("会议记录") && trail.contains("作风纪律建设"), "[{e}] the trail names them");

        // the 字典管理 page shows and saves them
        let page = s.get("/system/dicts?dict=entry_kind").await.text();
        assert!(page.contains("value=\"会议记录\"") && page.contains("台账记录类型"), "[{e}]");
        let form = [("csrf_token", s.csrf.as_str()), ("code", "meeting"), ("label", "会议记录"), ("order", "10")];
        let form = [&form[..], &[("code", "talk"), ("label", "会议记录"), ("order", "20")]].concat();
        let r = s.send(s.client.post(s.url("/system/dict-labels/entry_kind")).form(&form)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] the page refuses a clash");
        assert!(r.text().contains("重名") && r.text().contains("value=\"会议记录\""), "[{e}] and keeps the input");
        let page = s.get("/system/dicts?dict=finding_category").await.text();
        assert!(page.contains("按规定名称显示") && page.contains("value=\"作风纪律建设\""), "[{e}]");

        // the ledger: form, list, filter and export use the office's name
        let entry = json!({"kind": "meeting", "meeting_type": "专题会议", "date": "2026-03-02", "place": "会议室",
                           "content": "研究整改", "unit_id": org.unit("ZHK"), "participants": [org.person("王芳")]});
        assert_eq!(s.post_json("/api/v1/ledger-entries", &entry).await.status, StatusCode::CREATED, "[{e}]");
        let form = s.get("/ledger/new").await.text();
        assert!(form.contains(">会议记录</option>") && !form.contains(">会议研究</option>"), "[{e}] the form");
        let list = s.get("/ledger?kind=meeting").await.text();
        assert!(list.contains("会议记录（专题会议）"), "[{e}] the list");
        assert!(list.contains("selected>会议记录</option>"), "[{e}] the filter");
        let sheet = read_xlsx(&s.download("/api/v1/ledger-entries/export.xlsx?kind=meeting").await);
        let cells: Vec<&String> = sheet.iter().flatten().collect();
        assert!(cells.iter().any(|c| *c == "会议记录"), "[{e}] the export: {sheet:?}");
        assert!(!cells.iter().any(|c| *c == "会议研究"), "[{e}] not the built-in name: {sheet:?}");

        // findings: form order, list, export, and the export imports back
        let body = json!({"unit_id": org.unit("ZHK"), "source": "自查自纠", "category": "conduct",
                          "description": "会风不实", "found_on": "2026-03-01"});
        let r = s.post_json("/api/v1/findings", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        assert_eq!(r.json()["category_label"], "作风纪律建设", "[{e}] the API answer");
        let form = s.get("/findings/new").await.text();
        let first = form.find(">作风纪律建设</option>").expect("renamed category offered");
        assert!(first < form.find(">形式主义官僚主义</option>").unwrap(), "[{e}] the office's order");
        let list = s.get("/findings").await.text();
        assert!(list.contains("data-label=\"问题类别\">作风纪律建设</td>"), "[{e}] the list");
        let bytes = s.download("/api/v1/findings/export.xlsx").await;
        let sheet = read_xlsx(&bytes);
        assert!(sheet.iter().flatten().any(|c| c == "作风纪律建设"), "[{e}] the export: {sheet:?}");
        let report = s.import("/api/v1/findings/import", bytes).await;
        assert_eq!(report["errors"], json!([]), "[{e}] the export imports back: {report}");
        let stats = s.get("/api/v1/findings/stats").await.json();
        assert_eq!(stats["by_category"][0]["label"], "作风纪律建设", "[{e}] the figures: {stats}");
        s.finish().await;
    }
}
