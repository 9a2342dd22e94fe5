//! 督查督办: a decision (a passed meeting topic or a 上级决策部署) breaks down into work-plan tasks
//! whose progress and overdue count the 纪检组's page shows; a 督办 reaches its addressee, is
//! reminded before and after its deadline, answered and closed, all audited; every id a write
//! names lies in the writer's scope; bad input is refused naming the field with nothing written.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, Org, Server};

fn day(offset: i64) -> String {
    (qingfeng_store::fulfilment::today() + Duration::days(offset)).to_string()
}

fn higher(org: &Org, unit: &str) -> Value {
    json!({"doc_number": "X委办发〔2026〕9号", "issuer": "中共XX县委办公室", "issued_on": day(-30),
           "title": "关于持续整治形式主义为基层减负的若干措施", "requirements": "精简会议文件，按月报送落实情况",
           "unit_id": org.unit(unit)})
}

fn task(plan: i64, org: &Org, unit: &str, person: Option<&str>, title: &str, deadline: i64) -> Value {
    json!({"plan_id": plan, "title": title, "lead_unit_id": org.unit(unit),
           "lead_person_id": person.map(|p| org.person(p)), "deadline": day(deadline)})
}

async fn created(s: &Server, path: &str, body: &Value) -> Value {
    let r = s.post_json(path, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {path}: {}", s.engine, r.text());
    r.json()
}

/// A 上级决策部署 of the office with one overdue task (综合科, 王芳) and one completed (督查室).
async fn decision_with_tasks(s: &Server, org: &Org) -> (i64, i64, i64) {
    let d = created(s, "/api/v1/decision-implementations", &higher(org, "XWB")).await;
    let (id, plan) = (d["id"].as_i64().unwrap(), d["plan_id"].as_i64().unwrap());
    let late = created(s, "/api/v1/tasks", &task(plan, org, "ZHK", Some("王芳"), "建立督查检查考核备案制度", -3)).await;
    let done = created(s, "/api/v1/tasks", &task(plan, org, "DCS", None, "开展减负专项督查", 10)).await;
    let r = s
        .post_json(
            &format!("/api/v1/tasks/{}/updates", done["id"]),
            &json!({"update_date": day(0), "text": "督查报告已印发", "completes": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    (id, plan, late["id"].as_i64().unwrap())
}

#[tokio::test]
async fn decisions_break_down_into_tasks_with_progress_and_what_is_overdue() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (id, plan, late) = decision_with_tasks(&s, &org).await;
        let d = s.get(&format!("/api/v1/decision-implementations/{id}")).await.json();
        assert_eq!(
            (&d["source"], &d["task_count"], &d["completed_count"], &d["overdue_count"], &d["progress"]),
            (&json!("higher"), &json!(2), &json!(1), &json!(1), &json!(50)),
            "[{e}] {d}"
        );
        assert_eq!(d["tasks"].as_array().unwrap().len(), 2, "[{e}] the tasks are the plan's tasks: {d}");
        // the tasks are ordinary work-plan tasks
        let t = s.get(&format!("/api/v1/tasks/{late}")).await.json();
        assert_eq!((t["plan_id"].as_i64(), t["state"].as_str()), (Some(plan), Some("overdue")), "[{e}] {t}");
        let overdue = s.get("/api/v1/decision-implementations?state=overdue").await.json();
        assert_eq!(overdue["total"], json!(1), "[{e}] {overdue}");
        let page = s.get("/supervision").await.text();
        assert!(page.contains("建立督查检查考核备案制度") && page.contains("1/2 项完成"), "[{e}] overdue task listed");

        // a passed topic of a meeting: title, date and unit from the meeting, once only
        let m = created(&s, "/api/v1/decision-meetings", &crate::decisions::meeting(&org)).await;
        let topic = m["topics"][0]["id"].as_i64().unwrap();
        let detail = s.get(&format!("/decisions/{}", m["id"])).await.text();
        assert!(detail.contains(&format!("/supervision/new?topic={topic}")), "[{e}] 分解落实 on the meeting page");
        let d = created(&s, "/api/v1/decision-implementations", &json!({"topic_id": topic})).await;
        assert_eq!(
            (d["source"].as_str(), d["title"].as_str(), d["unit_id"].as_i64(), d["issued_on"].as_str()),
            (Some("topic"), Some("机关食堂服务外包采购"), Some(org.unit("XWB")), m["held_on"].as_str()),
            "[{e}] {d}"
        );
        let r = s.post_json("/api/v1/decision-implementations", &json!({"topic_id": topic})).await;
        assert_api_error(&e, "a topic broken down twice", &r, 422, Some("topic_id"));
        let detail = s.get(&format!("/decisions/{}", m["id"])).await.text();
        assert!(detail.contains(&format!("/supervision/{}", d["id"])), "[{e}] the meeting links its decision");

        // bad input: every field named, nothing written
        let (before, plans) = (s.count("decision_implementations").await, s.count("work_plans").await);
        let r = s
            .post_json(
                "/api/v1/decision-implementations",
                &json!({"issued_on": day(2), "title": "", "unit_id": org.unit("XWB")}),
            )
            .await;
        let body = assert_api_error(&e, "a higher decision without its document", &r, 422, None);
        for field in ["doc_number", "issuer", "issued_on", "title"] {
            assert!(body.to_string().contains(&format!("\"{field}\"")), "[{e}] {field} named: {body}");
        }
        let r = s.post_json("/api/v1/decision-implementations", &json!({"topic_id": 999_999})).await;
        assert_api_error(&e, "an unknown topic", &r, 422, Some("topic_id"));
        let r = s.post_json("/api/v1/decision-implementations", &json!({"title": "x", "bogus": 1})).await;
        assert_api_error(&e, "an unknown field", &r, 400, None);
        let r = s.get("/api/v1/decision-implementations?state=late").await;
        assert_api_error(&e, "an unknown state", &r, 400, Some("state"));
        assert_eq!(
            (s.count("decision_implementations").await, s.count("work_plans").await),
            (before, plans),
            "[{e}] nothing written"
        );

        // the 督查督办台账 lists the decisions, their tasks and their progress
        let rows = read_xlsx(&s.download("/api/v1/decision-implementations/export.xlsx").await);
        let text = format!("{rows:?}");
        for part in [
            "督查督办台账",
            "关于持续整治形式主义为基层减负的若干措施",
            "建立督查检查考核备案制度",
            "逾期",
            "1/2 项任务完成",
            "机关食堂服务外包采购",
        ] {
            assert!(text.contains(part), "[{e}] {part} in {text}");
        }
    }
}

#[tokio::test]
async fn a_note_is_reminded_answered_and_closed() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (id, _, late) = decision_with_tasks(&s, &org).await;
        let jj = user(&s, "jj", Some(org.person("周伟")), &["supervisor"]).await;
        let wang = user(&s, "wang", Some(org.person("王芳")), &["principal"]).await;
        let zhao = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        let note = json!({"implementation_id": id, "task_id": late, "text": "备案制度逾期未印发，请说明原因",
                          "deadline": day(2), "unit_id": org.unit("ZHK"), "person_id": org.person("王芳")});
        let r = wang.post(&s, "/api/v1/supervision-notes", &note).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] only the 纪检组 opens a 督办");
        let r = jj.post(&s, "/api/v1/supervision-notes", &note).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let n = r.json();
        let path = format!("/api/v1/supervision-notes/{}", n["id"]);
        assert_eq!((n["state"].as_str(), n["task_id"].as_i64()), (Some("open"), Some(late)), "[{e}] {n}");
        // the addressee is told and sees it on 我的待办
        let told = wang.get(&s, "/api/v1/notifications?unread=true").await.text();
        assert!(told.contains("督办通知"), "[{e}] {told}");
        let home = wang.get(&s, "/api/v1/home").await.json();
        assert_eq!(home["supervision"][0]["id"], n["id"], "[{e}] {home}");
        assert!(wang.get(&s, "/").await.text().contains("备案制度逾期未印发"), "[{e}] on the home page");

        // reminders: yellow before the deadline (once), red to the addressee and the 纪检组 after it
        let today = qingfeng_store::fulfilment::today();
        for _ in 0..2 {
            qingfeng_web::jobs::fire_reminders(&s.db, today).await.unwrap();
        }
        let told = wang.get(&s, "/api/v1/notifications?per_page=100").await.text();
        assert_eq!(told.matches("\"title\":\"督办临期").count(), 1, "[{e}] once: {told}");
        qingfeng_web::jobs::fire_reminders(&s.db, today + Duration::days(3)).await.unwrap();
        for (who, u) in [("addressee", &wang), ("纪检组", &jj)] {
            let told = u.get(&s, "/api/v1/notifications?per_page=100").await.text();
            assert_eq!(told.matches("\"title\":\"督办逾期未反馈").count(), 1, "[{e}] {who}: {told}");
        }
        // past its deadline without an answer it shows as overdue
        s.db.execute(
            "UPDATE supervision_notes SET deadline = $1 WHERE id = $2",
            qingfeng_store::args![today - Duration::days(1), n["id"].as_i64().unwrap()],
        )
        .await
        .unwrap();
        assert_eq!(jj.get(&s, &path).await.json()["state"], json!("overdue"), "[{e}]");
        let list = jj.get(&s, "/api/v1/supervision-notes?state=overdue").await.json();
        assert_eq!(list["total"], json!(1), "[{e}] {list}");
        let d = jj.get(&s, &format!("/api/v1/decision-implementations/{id}")).await.json();
        assert_eq!(d["overdue_notes"], json!(1), "[{e}] {d}");
        assert!(jj.get(&s, "/supervision").await.text().contains("督办逾期未反馈"), "[{e}] overdue list");

        // closing waits for the answer; only the addressee answers
        let r = jj.post(&s, &format!("{path}/close"), &json!({})).await;
        assert_api_error(&e, "closing before the answer", &r, 409, None);
        let r = zhao.post(&s, &format!("{path}/answer"), &json!({"answer": "x"})).await;
        assert!(r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND, "[{e}] {}", r.status);
        let r = wang.post(&s, &format!("{path}/answer"), &json!({"answer": " "})).await;
        assert_api_error(&e, "an empty answer", &r, 422, Some("answer"));
        let r = wang.post(&s, &format!("{path}/answer"), &json!({"answer": "已完成意见汇总，月底前印发"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["state"], json!("answered"), "[{e}]");
        assert!(jj.get(&s, "/api/v1/notifications").await.text().contains("督办已反馈"), "[{e}] the group is told");
        let r = jj.post(&s, &format!("{path}/close"), &json!({"note": "同意办结"})).await;
        assert_eq!((r.status, r.json()["state"].clone()), (StatusCode::OK, json!("closed")), "[{e}] {}", r.text());
        assert!(wang.get(&s, "/api/v1/notifications").await.text().contains("督办已办结"), "[{e}]");
        let r = wang.post(&s, &format!("{path}/answer"), &json!({"answer": "补充"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] a closed note takes no answer");
        // pages: the note with its answer; the audit trail in words
        let page = wang.get(&s, &format!("/supervision/notes/{}", n["id"])).await.text();
        assert!(page.contains("已办结") && page.contains("月底前印发"), "[{e}] {page}");
        let trail = s.get("/system/audit?entity=supervision_note").await.text();
        for word in ["督办", "反馈", "办结", "督办事项"] {
            assert!(trail.contains(word), "[{e}] {word} in the trail");
        }
    }
}

#[tokio::test]
async fn every_id_a_write_names_lies_in_the_writers_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        // 王芳 heads 综合科 (and 信息科 below it), not 督查室 nor the office
        let wang = user(&s, "wang", Some(org.person("王芳")), &["principal"]).await;
        let r = wang.post(&s, "/api/v1/decision-implementations", &higher(&org, "DCS")).await;
        assert_api_error(&e, "a unit outside the scope", &r, 422, Some("unit_id"));
        let r = wang.post(&s, "/api/v1/decision-implementations", &higher(&org, "ZHK")).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let plan = r.json()["plan_id"].as_i64().unwrap();
        let r = wang.post(&s, "/api/v1/tasks", &task(plan, &org, "DCS", None, "越权分解", 5)).await;
        assert_api_error(&e, "a task led outside the scope", &r, 422, Some("lead_unit_id"));
        let m = created(&s, "/api/v1/decision-meetings", &crate::decisions::meeting(&org)).await;
        let r = wang.post(&s, "/api/v1/decision-implementations", &json!({"topic_id": m["topics"][0]["id"]})).await;
        assert_api_error(&e, "a topic of a meeting outside the scope", &r, 422, Some("topic_id"));

        // a 纪检组 role limited to 综合科 and below: a 督办 only to units and people there
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "group_zhk", "name": "综合科监督", "scope": "own_unit_and_below",
                        "permissions": ["supervision:read", "supervision:write", "plan:read", "unit:read", "person:read"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let g = user(&s, "g", Some(org.person("王芳")), &["group_zhk"]).await;
        let (id, _, _) = decision_with_tasks(&s, &org).await;
        let base =
            json!({"implementation_id": id, "text": "请报送进度", "deadline": day(5), "unit_id": org.unit("ZHK")});
        let before = s.count("supervision_notes").await;
        let cases = [
            ("unit_id", json!(org.unit("DCS"))),
            ("person_id", json!(org.person("赵强"))),
            ("task_id", json!(999_999)),
            ("deadline", json!(day(-1))),
            ("text", json!("")),
        ];
        for (field, value) in cases {
            let mut body = base.clone();
            body[field] = value;
            let r = g.post(&s, "/api/v1/supervision-notes", &body).await;
            assert_api_error(&e, field, &r, 422, Some(field));
        }
        assert_eq!(s.count("supervision_notes").await, before, "[{e}] nothing written");
        let r = g.post(&s, "/api/v1/supervision-notes", &base).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] in scope: {}", r.text());
        // a 一般干部 reads only what concerns them
        let zhao = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        let n = r.json()["id"].clone();
        assert_eq!(
            zhao.get(&s, &format!("/api/v1/supervision-notes/{n}")).await.status,
            StatusCode::NOT_FOUND,
            "[{e}]"
        );
        let r = zhao.post(&s, "/api/v1/decision-implementations", &higher(&org, "DCS")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] a cadre records no decision");
    }
}
