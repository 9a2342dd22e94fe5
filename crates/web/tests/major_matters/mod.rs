//! 重大事项请示报告: requests wait for their answer and are overdue after the set days; reports
//! wait for none; every id a write names is checked against the writer's scope; bad input is
//! refused naming the field with nothing written; an interference record reaches the 纪检组 and
//! is read by nobody else but its author (404, as if it did not exist).

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, Org, Server};

fn day(offset: i64) -> String {
    (qingfeng_store::fulfilment::today() + Duration::days(offset)).to_string()
}

fn request(org: &Org, unit: &str, person: &str, sent: i64) -> Value {
    json!({"kind": "请示", "unit_id": org.unit(unit), "person_id": org.person(person), "addressee": "县委",
           "category": "重要人事任免", "title": "关于调整班子成员分工的请示", "content": "拟调整分工，请审示。",
           "submitted_on": day(sent)})
}

async fn count(s: &Server) -> i64 {
    s.get("/api/v1/major-matters?per_page=1&kind=request").await.json()["total"].as_i64().unwrap()
        + s.get("/api/v1/major-matters?per_page=1&kind=report").await.json()["total"].as_i64().unwrap()
}

#[tokio::test]
async fn requests_wait_for_an_answer_and_are_overdue_after_the_set_days() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = s.post_json("/api/v1/major-matters", &request(&org, "XWB", "李明", -20)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let m = r.json();
        let id = m["id"].as_i64().unwrap();
        assert_eq!(
            (m["answer_due"].as_str(), m["overdue"].as_bool()),
            (Some(day(-5).as_str()), Some(true)),
            "[{e}] {m}"
        );
        let mut report = request(&org, "ZHK", "王芳", -20);
        report["kind"] = json!("报告");
        report["category"] = json!("");
        let r = s.post_json("/api/v1/major-matters", &report).await;
        assert_eq!(
            (r.status, r.json()["answer_due"].clone()),
            (StatusCode::CREATED, Value::Null),
            "[{e}] a report: {}",
            r.text()
        );
        let overdue = s.get("/api/v1/major-matters?state=overdue").await.json();
        assert_eq!(overdue["total"], json!(1), "[{e}] only the request is overdue: {overdue}");
        // the reminder pass tells the account that recorded it, once
        for _ in 0..2 {
            qingfeng_web::jobs::fire_reminders(&s.db, qingfeng_store::fulfilment::today()).await.unwrap();
        }
        let told = s.get("/api/v1/notifications?per_page=100").await.text();
        assert_eq!(told.matches("请示逾期未答复：关于调整班子成员分工的请示").count(), 1, "[{e}] {told}");
        // a 三重一大 request is listed until the unit holds a meeting after it
        let waiting = s.get("/api/v1/major-matters?state=no_meeting").await.json();
        assert_eq!(waiting["items"][0]["id"].as_i64(), Some(id), "[{e}] {waiting}");
        let r = s.post_json("/api/v1/decision-meetings", &crate::decisions::meeting(&org)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        assert_eq!(s.get("/api/v1/major-matters?state=no_meeting").await.json()["total"], json!(0), "[{e}]");
        let r = s.get("/api/v1/major-matters?state=late").await;
        assert_api_error(&e, "unknown state", &r, 400, Some("state"));

        // bad input: the field named, nothing written
        let before = count(&s).await;
        let mut bad = request(&org, "XWB", "李明", 1);
        bad["category"] = json!("重大事项");
        let r = s.post_json("/api/v1/major-matters", &bad).await;
        let body = assert_api_error(&e, "future date and unknown category", &r, 422, Some("category"));
        assert!(body.to_string().contains("报送日期不能晚于今天"), "[{e}] both fields named: {body}");
        let r = s.post_json("/api/v1/major-matters", &json!({"kind": "请示", "title": ""})).await;
        assert_api_error(&e, "missing fields", &r, 422, None);
        let r = s.post_json("/api/v1/major-matters", &json!({"kind": "请示", "bogus": 1})).await;
        assert_api_error(&e, "unknown field", &r, 400, None);
        assert_eq!(count(&s).await, before, "[{e}] nothing written");

        // the answer: not before the request, then it is no longer overdue
        let path = format!("/api/v1/major-matters/{id}/answer");
        let r = s.post_json(&path, &json!({"answer": "同意", "answered_on": day(-21)})).await;
        assert_api_error(&e, "answer before the request", &r, 422, Some("answered_on"));
        let r = s.post_json(&path, &json!({"answer": "同意按程序办理", "answered_on": day(-2)})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(
            (r.json()["overdue"].as_bool(), r.json()["answered_on"].as_str()),
            (Some(false), Some(day(-2).as_str()))
        );
        let report_id = s.get("/api/v1/major-matters?kind=report").await.json()["items"][0]["id"].as_i64().unwrap();
        let r = s
            .post_json(
                &format!("/api/v1/major-matters/{report_id}/answer"),
                &json!({"answer": "x", "answered_on": day(0)}),
            )
            .await;
        assert_api_error(&e, "a report has no answer", &r, 409, None);

        // export: the register with the answer
        let rows = read_xlsx(&s.download("/api/v1/major-matters/export.xlsx").await);
        let text = format!("{rows:?}");
        assert!(
            text.contains("关于调整班子成员分工的请示") && text.contains("已批复") && text.contains("同意按程序办理"),
            "[{e}] {text}"
        );

        // the audit trail says it in words
        let trail = s.get("/system/audit?entity=major_matter").await.text();
        assert!(trail.contains("请示报告") && trail.contains("登记批复"), "[{e}] {trail}");
    }
}

#[tokio::test]
async fn every_id_a_write_names_lies_in_the_writers_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        // 王芳 heads 综合科 (and 信息科 below it), not 督查室 nor the office
        let wang = user(&s, "wang", Some(org.person("王芳")), &["principal"]).await;
        let r = wang.post(&s, "/api/v1/major-matters", &request(&org, "DCS", "王芳", -1)).await;
        assert_api_error(&e, "a unit outside the scope", &r, 422, Some("unit_id"));
        let r = wang.post(&s, "/api/v1/major-matters", &request(&org, "ZHK", "赵强", -1)).await;
        assert_api_error(&e, "a person outside the scope", &r, 422, Some("person_id"));
        let r = wang.post(&s, "/api/v1/major-matters", &request(&org, "XXK", "周伟", -1)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] in scope: {}", r.text());
        let theirs = s.post_json("/api/v1/major-matters", &request(&org, "XWB", "李明", -1)).await.json()["id"].clone();
        let path = format!("/api/v1/major-matters/{theirs}");
        assert_eq!(wang.get(&s, &path).await.status, StatusCode::NOT_FOUND, "[{e}] another unit's request");
        let r = wang.post(&s, &format!("{path}/answer"), &json!({"answer": "同意", "answered_on": day(0)})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] answering it");
        let list = wang.get(&s, "/api/v1/major-matters").await.json();
        assert_eq!(list["total"], json!(1), "[{e}] {list}");
        // a 一般干部 may not file a request at all
        let zhao = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        let r = zhao.post(&s, "/api/v1/major-matters", &request(&org, "DCS", "赵强", -1)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {}", r.text());
    }
}

#[tokio::test]
async fn an_interference_record_reaches_the_group_and_nobody_else() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jj = user(&s, "jj", Some(org.person("周伟")), &["supervisor"]).await;
        let zhao = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        let li = user(&s, "li", Some(org.person("李明")), &["principal"]).await;
        let chen = user(&s, "chen", Some(org.person("陈静")), &["member"]).await;
        let body = json!({"leader": "某副县长", "title": "为某项目招标打招呼", "content": "电话要求照顾某公司",
                          "submitted_on": day(-1), "category": "重大项目安排"});
        let r = zhao.post(&s, "/api/v1/major-matters/interference", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] any cadre may record: {}", r.text());
        let m = r.json();
        assert_eq!(
            (m["unit_id"].as_i64(), m["person_id"].as_i64()),
            (Some(org.unit("DCS")), Some(org.person("赵强"))),
            "[{e}] {m}"
        );
        let path = format!("/api/v1/major-matters/{}", m["id"]);
        // the 纪检组 is told and reads it; the author reads it too
        let note = jj.get(&s, "/api/v1/notifications?unread=true").await.text();
        assert!(note.contains("插手干预记录") && !note.contains("招标"), "[{e}] told without the matter: {note}");
        for (who, u) in [("纪检组", &jj), ("记录人", &zhao)] {
            let r = u.get(&s, &path).await;
            assert_eq!((r.status, r.json()["leader"].as_str()), (StatusCode::OK, Some("某副县长")), "[{e}] {who}");
        }
        let group_list = jj.get(&s, "/api/v1/major-matters?kind=interference").await.json();
        assert_eq!(group_list["total"], json!(1), "[{e}] {group_list}");
        // the principal over the unit and another cadre: as if it did not exist
        for (who, u) in [("主要负责人", &li), ("其他干部", &chen)] {
            assert_eq!(u.get(&s, &path).await.status, StatusCode::NOT_FOUND, "[{e}] {who}");
            assert_eq!(
                u.get(&s, &format!("/major-matters/{}", m["id"])).await.status,
                StatusCode::NOT_FOUND,
                "[{e}] {who} page"
            );
        }
        let list = li.get(&s, "/api/v1/major-matters?kind=interference").await.json();
        assert_eq!(list["total"], json!(0), "[{e}] {list}");
        // nor does the audit trail carry the matter
        let trail = s.get("/api/v1/audit-log?entity=major_matter").await.text();
        assert!(
            trail.contains("interference") && !trail.contains("招标") && !trail.contains("某副县长"),
            "[{e}] {trail}"
        );
        let page = s.get("/system/audit?entity=major_matter").await.text();
        assert!(page.contains("请示报告 #") && !page.contains("招标"), "[{e}] {page}");
        // bad input: the leader named, nothing written
        let r = zhao
            .post(
                &s,
                "/api/v1/major-matters/interference",
                &json!({"title": "x", "content": "y", "submitted_on": day(0)}),
            )
            .await;
        assert_api_error(&e, "no leader", &r, 422, Some("leader"));
        assert_eq!(jj.get(&s, "/api/v1/major-matters?kind=interference").await.json()["total"], json!(1), "[{e}]");
    }
}
