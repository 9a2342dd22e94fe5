//! 作废: a record made by mistake is voided with a reason, leaves the lists and the counts,
//! shows with the 已作废 filter, and comes back when restored; a record that another step
//! depends on is refused, naming the dependency; the scope and the write permission are checked.

use chrono::Datelike;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, seed_org, servers, user, Server};

fn today() -> String {
    qingfeng_store::fulfilment::today().to_string()
}

/// `done` of the current period of a responsibility item.
async fn done(s: &Server, item: i64) -> Value {
    let status = s.get(&format!("/api/v1/responsibility-items/{item}")).await.json();
    status["status"]["periods"].as_array().unwrap().last().unwrap()["done"].clone()
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_ledger_entry_is_voided_uncounted_and_restored() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let year = qingfeng_store::fulfilment::today().year();
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let body = json!({"kind": "meeting", "meeting_type": "special", "date": today(), "content": "误登记的专题会议",
                          "unit_id": org.unit("ZHK"), "participants": [org.person("王芳")]});
        let entry = s.post_json("/api/v1/ledger-entries", &body).await.json();
        let id = entry["id"].as_i64().unwrap();
        let item = entry["credited_items"][0]["id"].as_i64().expect("the meeting is credited");
        assert_eq!(done(&s, item).await, json!(1), "[{e}]");
        let listed = s.list_total("/api/v1/ledger-entries").await;

        // a reason is required; nothing changes without one
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/void"), &json!({"reason": "\u{3000}"})).await;
        assert_api_error(&e, "void without a reason", &r, 422, Some("reason"));
        assert_eq!(s.list_total("/api/v1/ledger-entries").await, listed, "[{e}]");

        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/void"), &json!({"reason": "重复登记"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()[0]["reason"], json!("重复登记"), "[{e}]");
        assert_eq!(s.list_total("/api/v1/ledger-entries").await, listed - 1, "[{e}] hidden from the list");
        assert_eq!(
            ids(&s.get("/api/v1/ledger-entries?voided=true").await.json()),
            vec![id],
            "[{e}] shown with the filter"
        );
        assert_eq!(done(&s, item).await, json!(0), "[{e}] no longer counted");
        assert_eq!(s.get(&format!("/api/v1/ledger-entries/{id}")).await.json()["voided"], json!(true), "[{e}]");
        assert_eq!(s.count("ledger_entries").await, listed, "[{e}] nothing was deleted");

        // a voided entry is neither voided again nor corrected
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/void"), &json!({"reason": "再次"})).await;
        assert_api_error(&e, "void twice", &r, 409, None);
        let mut correction = body.clone();
        correction["reason"] = json!("更正");
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &correction).await;
        assert_api_error(&e, "correct a voided entry", &r, 409, None);

        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/restore"), &json!({"reason": "确认不是重复"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()[0]["restore_reason"], json!("确认不是重复"), "[{e}]");
        assert_eq!(s.list_total("/api/v1/ledger-entries").await, listed, "[{e}] listed again");
        assert_eq!(done(&s, item).await, json!(1), "[{e}] counted again");
        assert_eq!(
            (s.audit_count_of("ledger_entry", "void").await, s.audit_count_of("ledger_entry", "restore").await),
            (1, 1),
            "[{e}] both steps are audited"
        );
        s.finish().await;
    }
}

#[tokio::test]
async fn findings_and_tasks_that_others_depend_on_are_refused() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jj = user(&s, "jj", Some(org.person("陈静")), &["supervisor"]).await;
        let finding = |desc: &str| json!({"unit_id": org.unit("ZHK"), "source": "监督检查", "category": "作风建设", "description": desc, "found_on": today()});
        let mistaken = jj.post(&s, "/api/v1/findings", &finding("登记错了的问题")).await.json()["id"].as_i64().unwrap();
        let real = jj.post(&s, "/api/v1/findings", &finding("已反馈的问题")).await.json()["id"].as_i64().unwrap();
        let r = jj.post(&s, &format!("/api/v1/findings/{real}/feedback"), &json!({"note": "请整改"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());

        let r = jj.post(&s, &format!("/api/v1/findings/{real}/void"), &json!({"reason": "不想要了"})).await;
        let err = assert_api_error(&e, "void a finding fed back", &r, 409, None);
        assert!(err["message"].as_str().unwrap().contains("已反馈"), "[{e}] names the dependency: {err}");
        let r = jj.post(&s, &format!("/api/v1/findings/{mistaken}/void"), &json!({"reason": "登记错了单位"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(ids(&jj.get(&s, "/api/v1/findings").await.json()), vec![real], "[{e}]");
        assert_eq!(ids(&jj.get(&s, "/api/v1/findings?voided=true").await.json()), vec![mistaken], "[{e}]");
        let stats = jj.get(&s, "/api/v1/findings/stats").await.json();
        assert_eq!(stats["total"]["total"], json!(1), "[{e}] not counted: {stats}");

        // a task with a sub-task is refused; the sub-task itself may go
        let plan = s
            .post_json("/api/v1/work-plans", &json!({"year": 2026, "unit_id": org.unit("XWB"), "title": "工作要点"}))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let task = |parent: Option<i64>, title: &str| json!({"plan_id": plan, "parent_id": parent, "title": title, "lead_unit_id": org.unit("ZHK"), "deadline": "2099-12-31"});
        let top = s.post_json("/api/v1/tasks", &task(None, "上级任务")).await.json()["id"].as_i64().unwrap();
        let sub = s.post_json("/api/v1/tasks", &task(Some(top), "误分解的任务")).await.json()["id"].as_i64().unwrap();
        let r = s.post_json(&format!("/api/v1/tasks/{top}/void"), &json!({"reason": "重复"})).await;
        let err = assert_api_error(&e, "void a task with a sub-task", &r, 409, None);
        assert!(err["message"].as_str().unwrap().contains("子任务"), "[{e}] {err}");
        let r = s.post_json(&format!("/api/v1/tasks/{sub}/void"), &json!({"reason": "分解错了"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let tree = s.get(&format!("/api/v1/work-plans/{plan}")).await.json();
        assert_eq!(tree["tasks"].as_array().unwrap().len(), 1, "[{e}] {tree}");
        assert_eq!(ids(&s.get("/api/v1/tasks?voided=true").await.json()), vec![sub], "[{e}]");
        assert_eq!(s.get(&format!("/api/v1/tasks/{sub}")).await.json()["voided"], json!(true), "[{e}]");
        s.finish().await;
    }
}

#[tokio::test]
async fn voiding_checks_scope_and_permission_and_has_a_page() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let body = json!({"kind": "study", "date": today(), "content": "集中学习", "unit_id": org.unit("ZHK"),
                          "participants": [org.person("王芳")]});
        let id = s.post_json("/api/v1/ledger-entries", &body).await.json()["id"].as_i64().unwrap();
        // a clerk of 督查室 does not see 综合科's entry; a 一般干部 may not void at all
        let clerk = user(&s, "clerk", Some(org.person("赵强")), &["office_clerk"]).await;
        let r = clerk.post(&s, &format!("/api/v1/ledger-entries/{id}/void"), &json!({"reason": "x"})).await;
        assert_api_error(&e, "void outside the scope", &r, 404, None);
        let member = user(&s, "ganbu", Some(org.person("王芳")), &["member"]).await;
        let r = member.post(&s, &format!("/api/v1/ledger-entries/{id}/void"), &json!({"reason": "x"})).await;
        assert!(matches!(r.status.as_u16(), 403 | 404), "[{e}] a member voided someone else's entry: {}", r.status);

        // the page: a form with the reason, then back to the entry, which says it is voided
        let admin = user(&s, "boss", None, &["admin"]).await;
        let page = admin.get(&s, &format!("/ledger/{id}/void")).await;
        assert_eq!(page.status, StatusCode::OK, "[{e}]");
        assert!(page.text().contains("作废原因"), "[{e}]");
        let r = admin.form(&s, &format!("/ledger/{id}/void"), &[("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] a missing reason is shown on the form");
        assert!(r.text().contains("原因不能为空"), "[{e}]");
        let r = admin.form(&s, &format!("/ledger/{id}/void"), &[("reason", "<script>alert(1)</script>")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        let page = admin.get(&s, &format!("/ledger/{id}/void")).await.text();
        assert!(page.contains("alert(1)") && !page.contains("<script>alert"), "[{e}] the reason is escaped");
        assert!(admin.get(&s, &format!("/ledger/{id}")).await.text().contains("已作废"), "[{e}]");
        let r = s.write_json(Method::POST, &format!("/api/v1/ledger-entries/{id}/restore"), &json!({})).await;
        assert_api_error(&e, "restore without a reason", &r, 422, Some("reason"));
        s.finish().await;
    }
}

#[tokio::test]
async fn a_person_entered_twice_is_voided_and_one_with_records_is_refused() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let year = qingfeng_store::fulfilment::today().year();
        let twin = json!({"name": "王芳", "gender": "female", "unit_id": org.unit("ZHK"), "title": "科长", "rank": "乡科级",
                         "political_status": "中共党员"});
        let r = s.post_json("/api/v1/people", &twin).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let dup = r.json()["id"].as_i64().unwrap();
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let items = |who: i64| format!("/api/v1/responsibility-items?person={who}&year={year}");
        assert!(s.list_total(&items(dup)).await > 0, "[{e}] the twin got a generated list");
        let people = s.list_total("/api/v1/people").await;
        let named = s.list_total("/api/v1/people?q=%E7%8E%8B%E8%8A%B3").await;
        assert_eq!(named, 2, "[{e}]");

        let r = s.post_json(&format!("/api/v1/people/{dup}/void"), &json!({"reason": "重复录入"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(s.list_total("/api/v1/people").await, people - 1, "[{e}] hidden from the list");
        assert_eq!(s.list_total("/api/v1/people?q=%E7%8E%8B%E8%8A%B3").await, 1, "[{e}] and from the search");
        assert_eq!(ids(&s.get("/api/v1/people?voided=true").await.json()), vec![dup], "[{e}] shown with the filter");
        assert_eq!(s.list_total(&items(dup)).await, 0, "[{e}] the twin's generated items leave the counts");
        assert_eq!(s.get(&format!("/api/v1/people/{dup}")).await.json()["voided"], json!(true), "[{e}]");
        let r = s.patch_json(&format!("/api/v1/people/{dup}"), &json!({"title": "副科长"})).await;
        assert_api_error(&e, "edit a voided person", &r, 409, None);

        // the real 王芳 has an account and takes part in a ledger entry: refused, naming it
        user(&s, "wangfang", Some(org.person("王芳")), &["member"]).await;
        let r = s.post_json(&format!("/api/v1/people/{}/void", org.person("王芳")), &json!({"reason": "x"})).await;
        let err = assert_api_error(&e, "void a person with an account", &r, 409, None);
        assert!(err["message"].as_str().unwrap().contains("登录账号"), "[{e}] names the dependency: {err}");
        let body = json!({"kind": "study", "date": today(), "content": "集中学习", "unit_id": org.unit("DCS"),
                          "participants": [org.person("赵强")]});
        assert_eq!(s.post_json("/api/v1/ledger-entries", &body).await.status, StatusCode::CREATED, "[{e}]");
        let r = s.post_json(&format!("/api/v1/people/{}/void", org.person("赵强")), &json!({"reason": "x"})).await;
        let err = assert_api_error(&e, "void a ledger participant", &r, 409, None);
        assert!(err["message"].as_str().unwrap().contains("履职台账"), "[{e}] {err}");

        // a clerk of 督查室 does not see 综合科's people
        let clerk = user(&s, "clerk", Some(org.person("赵强")), &["office_clerk"]).await;
        let r = clerk.post(&s, &format!("/api/v1/people/{dup}/restore"), &json!({"reason": "x"})).await;
        assert!(matches!(r.status.as_u16(), 403 | 404), "[{e}] restored outside the scope: {}", r.status);

        let admin = user(&s, "boss", None, &["admin"]).await;
        assert!(admin.get(&s, &format!("/org/people/{dup}")).await.text().contains("此人员已作废"), "[{e}]");
        assert!(admin.get(&s, "/org?voided=true").await.text().contains("王芳"), "[{e}] the page filter");
        let r = admin.form(&s, &format!("/org/people/{dup}/restore"), &[("reason", "并非重复，是同名同事")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        assert_eq!(s.list_total("/api/v1/people").await, people, "[{e}] listed again");
        assert!(s.list_total(&items(dup)).await > 0, "[{e}] the generated items are back");
        assert_eq!(
            (s.audit_count_of("person", "void").await, s.audit_count_of("person", "restore").await),
            (1, 1),
            "[{e}] both steps are audited"
        );
        s.finish().await;
    }
}
