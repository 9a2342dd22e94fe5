//! A new person, a role change and a transfer update that person's current-year list at once,
//! with the generator of 按角色生成, in the same transaction and audited.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{seed_org, servers, Server};

fn year() -> i64 {
    i64::from(qingfeng_store::fulfilment::today().year())
}

/// The person's active items of the year: (code, unit id), sorted.
async fn items(s: &Server, person: i64) -> Vec<(String, i64)> {
    let r = s.get(&format!("/api/v1/responsibility-items?year={}&person={person}&per_page=100", year())).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.engine, r.text());
    let mut out: Vec<(String, i64)> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i: &Value| (i["code"].as_str().unwrap().to_string(), i["unit_id"].as_i64().unwrap()))
        .collect();
    out.sort();
    out
}

fn codes(items: &[(String, i64)]) -> Vec<&str> {
    items.iter().map(|(c, _)| c.as_str()).collect()
}

#[tokio::test]
async fn new_people_role_changes_and_transfers_update_the_list() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let generated = s.audit_count_of("responsibility_list", "generate").await;

        // a new 班子成员: the leadership member's items, without anyone pressing 按角色生成
        let r = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "吴刚", "gender": "男", "unit_id": org.unit("XWB"), "title": "副主任", "rank": "county",
                        "political_status": "中共党员", "roles": ["leadership_member"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let wu = r.json()["id"].as_i64().unwrap();
        let mine = items(&s, wu).await;
        for code in ["DUTY-MEMBER-1", "DUTY-MEMBER-2", "DUTY-MEMBER-3", "R-RES-5"] {
            assert!(codes(&mine).contains(&code), "[{e}] {code} in {mine:?}");
        }
        assert!(mine.iter().all(|(_, u)| *u == org.unit("XWB")), "[{e}] {mine:?}");
        assert_eq!(s.audit_count_of("responsibility_list", "generate").await, generated + 1, "[{e}] audited");
        let lists = s.get(&format!("/api/v1/responsibility-lists?year={}&person={wu}", year())).await.json();
        assert_eq!(lists["total"], json!(1), "[{e}] one list: {lists}");

        // a role change: the items follow (a cadre's study, no more 一岗双责)
        let r = s
            .patch_json(
                &format!("/api/v1/people/{wu}"),
                &json!({"roles": ["cadre"], "title": "科员", "rank": "below_section"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let mine = items(&s, wu).await;
        assert!(codes(&mine).contains(&"DUTY-CADRE-1"), "[{e}] {mine:?}");
        assert!(!codes(&mine).iter().any(|c| c.starts_with("DUTY-MEMBER")), "[{e}] {mine:?}");

        // a transfer: the list is in the new unit, nothing stays active in the old one
        let r = s.patch_json(&format!("/api/v1/people/{wu}"), &json!({"unit_id": org.unit("DCS")})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let mine = items(&s, wu).await;
        assert!(!mine.is_empty() && mine.iter().all(|(_, u)| *u == org.unit("DCS")), "[{e}] {mine:?}");

        // an edit that changes nothing of the list writes no generation record
        let before = s.audit_count_of("responsibility_list", "generate").await;
        let r = s.patch_json(&format!("/api/v1/people/{wu}"), &json!({"name": "吴钢"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(s.audit_count_of("responsibility_list", "generate").await, before, "[{e}]");

        // the button still agrees: generating the year changes nothing of this person's list
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year()})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(items(&s, wu).await, mine, "[{e}]");
        s.finish().await;
    }
}
