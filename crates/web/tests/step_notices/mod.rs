//! Notifications of workflow steps: each step of a finding, a task given to a lead and a ledger
//! correction tell the people who act next (in-app, and queued on the webhook when one is set),
//! never the actor, and nobody else.

use chrono::Duration;
use qingfeng_store::fulfilment::today;
use qingfeng_store::{settings, Actor};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{seed_org, servers, user, Server, User};

fn day(n: i64) -> String {
    (today() + Duration::days(n)).to_string()
}

/// The unread notifications of a user of one kind, and marks everything read.
pub(crate) async fn take(s: &Server, u: &User, kind: &str) -> Vec<Value> {
    let r = u.get(s, "/api/v1/notifications?unread=true&per_page=100").await;
    assert_eq!(r.status, StatusCode::OK, "[{}] notifications of {}: {}", s.engine, u.name, r.text());
    let items: Vec<Value> =
        r.json()["items"].as_array().unwrap().iter().filter(|n| n["kind"] == json!(kind)).cloned().collect();
    let r = u.post(s, "/api/v1/notifications/read-all", &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] read-all: {}", s.engine, r.text());
    items
}

/// Exactly the users in `told` got one notification of `kind` (containing `text`); the others none.
pub(crate) async fn told(s: &Server, what: &str, everyone: &[&User], told: &[&str], kind: &str, text: &str) {
    for u in everyone {
        let got = take(s, u, kind).await;
        if told.contains(&u.name.as_str()) {
            assert_eq!(got.len(), 1, "[{}] {what}: {} should get one {kind}: {got:?}", s.engine, u.name);
            let n = &got[0];
            let words = format!("{} {}", n["title"], n["body"]);
            assert!(words.contains(text), "[{}] {what}: {} reads {words}", s.engine, u.name);
            assert!(n["link"].as_str().unwrap().starts_with('/'), "[{}] {what}: a page link", s.engine);
        } else {
            assert!(got.is_empty(), "[{}] {what}: {} should get nothing: {got:?}", s.engine, u.name);
        }
    }
}

#[tokio::test]
async fn each_finding_step_tells_who_acts_next() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        // a webhook is configured: every step notification is queued on it too
        settings::set(&s.db, &Actor::system(), "webhook.url", "http://127.0.0.1:9/hook").await.unwrap();
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "dcs_jj", "name": "督查室纪检员", "scope": "custom", "units": [org.unit("DCS")],
                        "permissions": ["finding:read", "finding:sign_off"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] custom sign-off role: {}", r.text());
        let jijian = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let jijian2 = user(&s, "jijian2", None, &["supervisor"]).await;
        let elsewhere = user(&s, "dcs_jj", None, &["dcs_jj"]).await;
        let wang = user(&s, "wangfang", Some(org.person("王芳")), &["principal"]).await;
        let li = user(&s, "liming", Some(org.person("李明")), &["leader"]).await;
        let zhou = user(&s, "zhouwei", Some(org.person("周伟")), &["member"]).await;
        let zhao = user(&s, "zhaoqiang", Some(org.person("赵强")), &["principal"]).await;
        let all = [&jijian, &jijian2, &elsewhere, &wang, &li, &zhou, &zhao];

        let body = json!({"unit_id": org.unit("ZHK"), "source": "巡察", "category": "违规公款吃喝",
            "description": "以调研名义在酒店安排公款宴请", "severity": "较重", "found_on": day(-20),
            "responsible_leader_id": org.person("李明")});
        let r = jijian.post(&s, "/api/v1/findings", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] record: {}", r.text());
        let fid = r.json()["id"].as_i64().unwrap();
        let queued = s.count("outbound_deliveries").await;

        // 反馈 → the unit's head (王芳, 科长 of 综合科) and the responsible leader (李明)
        let r = jijian
            .post(&s, &format!("/api/v1/findings/{fid}/feedback"), &json!({"note": "请于7日内制定整改措施"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] feedback: {}", r.text());
        told(&s, "反馈", &all, &["wangfang", "liming"], "finding_fed_back", "请于7日内制定整改措施").await;
        assert_eq!(s.count("outbound_deliveries").await, queued + 2, "[{e}] both queued on the webhook");

        let measure = json!({"text": "退还费用", "responsible_person_id": org.person("周伟"), "deadline": day(10)});
        let r = wang.post(&s, &format!("/api/v1/findings/{fid}/measures"), &measure).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] measure: {}", r.text());
        let mid = r.json()["id"].as_i64().unwrap();
        let done = json!({"update_date": day(0), "text": "费用已全部退还", "completes": true});
        let r = wang.post(&s, &format!("/api/v1/rectifications/{mid}/updates"), &done).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] update: {}", r.text());

        // 申请销号 → the group covering 综合科 (not the custom role limited to 督查室, not the actor)
        let request = json!({"evidence": "退款凭证", "note": "已全部整改"});
        let r = wang.post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &request).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] request: {}", r.text());
        told(&s, "申请销号", &all, &["jijian", "jijian2"], "sign_off_requested", "退款凭证").await;

        // 退回 → the responsible people (the measure's 周伟) with the reason
        let r =
            jijian.post(&s, &format!("/api/v1/findings/{fid}/return"), &json!({"reason": "缺少退款凭证原件"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] return: {}", r.text());
        told(&s, "退回", &all, &["zhouwei"], "finding_returned", "缺少退款凭证原件").await;

        let r = wang.post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &request).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] request again: {}", r.text());
        told(&s, "再次申请", &all, &["jijian", "jijian2"], "sign_off_requested", "以调研名义").await;

        // 销号 → the unit: its head, the responsible leader and people; never the actor
        let r = jijian.post(&s, &format!("/api/v1/findings/{fid}/sign-off"), &json!({"note": "整改到位"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] sign off: {}", r.text());
        told(&s, "销号", &all, &["wangfang", "liming", "zhouwei"], "finding_signed_off", "回头看").await;

        // a step by someone who is also among those told does not tell them
        let r = s
            .post_json(
                "/api/v1/findings",
                &json!({"unit_id": org.unit("DCS"), "category": "作风建设", "description": "自查：值班记录不全", "found_on": day(-1)}),
            )
            .await;
        let self_check = r.json()["id"].as_i64().unwrap();
        let m = json!({"text": "补齐值班记录", "responsible_person_id": org.person("赵强"), "deadline": day(5)});
        let r = zhao.post(&s, &format!("/api/v1/findings/{self_check}/measures"), &m).await;
        let m2 = r.json()["id"].as_i64().unwrap();
        zhao.post(&s, &format!("/api/v1/rectifications/{m2}/updates"), &done).await;
        let r = zhao.post(&s, &format!("/api/v1/findings/{self_check}/sign-off-request"), &request).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] 督查室 requests: {}", r.text());
        // 督查室 is in the custom role's units: its holder is told too
        told(&s, "督查室申请", &all, &["jijian", "jijian2", "dcs_jj"], "sign_off_requested", "值班记录").await;
        let r = jijian.post(&s, &format!("/api/v1/findings/{self_check}/return"), &json!({"reason": "记录不全"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] return: {}", r.text());
        let got = take(&s, &zhao, "finding_returned").await;
        assert_eq!(got.len(), 1, "[{e}] 赵强 is told of the return he must act on");
        let r = zhao.post(&s, &format!("/api/v1/findings/{self_check}/sign-off-request"), &request).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert!(take(&s, &zhao, "sign_off_requested").await.is_empty(), "[{e}] the actor is never told");
        let r = jijian.post(&s, &format!("/api/v1/findings/{self_check}/sign-off"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] sign off 督查室: {}", r.text());
        told(&s, "督查室销号", &all, &["zhaoqiang"], "finding_signed_off", "值班记录").await;

        // 回头看 due (the reminder job): the group covering each finding's unit
        s.db.execute("UPDATE findings SET look_back_due = $1", qingfeng_store::args![today() - Duration::days(1)])
            .await
            .unwrap();
        qingfeng_web::jobs::fire_reminders(&s.db, today()).await.expect("reminder pass");
        for (u, n) in [(&jijian, 2), (&jijian2, 2), (&elsewhere, 1), (&wang, 0), (&li, 0), (&zhou, 0), (&zhao, 0)] {
            let got = take(&s, u, "look_back_due").await;
            assert_eq!(got.len(), n, "[{e}] 回头看 reminders of {}: {got:?}", u.name);
        }
        s.finish().await;
    }
}

#[tokio::test]
async fn tasks_tell_their_lead_and_corrections_the_participants_whose_items_changed() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let wang = user(&s, "wangfang", Some(org.person("王芳")), &["principal"]).await;
        let li = user(&s, "liming", Some(org.person("李明")), &["principal"]).await;
        let zhao = user(&s, "zhaoqiang", Some(org.person("赵强")), &["principal"]).await;
        let zhou = user(&s, "zhouwei", Some(org.person("周伟")), &["member"]).await;
        let all = [&wang, &li, &zhao, &zhou];
        let year = chrono::Datelike::year(&today());

        let r = s
            .post_json("/api/v1/work-plans", &json!({"year": year, "unit_id": org.unit("XWB"), "title": "工作要点"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] plan: {}", r.text());
        let plan = r.json()["id"].as_i64().unwrap();
        let deadline = format!("{year}-12-31");
        // a task led by 综合科 without a named person: the unit's head (王芳)
        let r = s
            .post_json("/api/v1/tasks", &json!({"plan_id": plan, "title": "完善公务接待制度", "lead_unit_id": org.unit("ZHK"), "deadline": deadline}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] task: {}", r.text());
        let task = r.json()["id"].as_i64().unwrap();
        told(&s, "交办", &all, &["wangfang"], "task_assigned", "完善公务接待制度").await;
        // broken down by 王芳 to 周伟 of 信息科: 周伟 is told, not 王芳 who did it
        let r = wang
            .post(&s, "/api/v1/tasks", &json!({"plan_id": plan, "parent_id": task, "title": "修订接待清单模板", "lead_unit_id": org.unit("XXK"), "lead_person_id": org.person("周伟"), "deadline": deadline}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] breakdown: {}", r.text());
        let sub = r.json()["id"].as_i64().unwrap();
        told(&s, "分解", &all, &["zhouwei"], "task_assigned", "完善公务接待制度").await;
        // a change that keeps the lead tells nobody; handing it to 县委办公室 tells its head (李明, 主任)
        let r = s.patch_json(&format!("/api/v1/tasks/{sub}"), &json!({"title": "修订公务接待清单模板"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] edit: {}", r.text());
        told(&s, "修改", &all, &[], "task_assigned", "").await;
        let r = s.patch_json(&format!("/api/v1/tasks/{task}"), &json!({"lead_unit_id": org.unit("XWB")})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] hand over: {}", r.text());
        told(&s, "转交", &all, &["liming"], "task_assigned", "县委办公室").await;

        // a ledger correction: 王芳 is taken off the meeting, so her item loses it; 李明's do not change
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year})).await;
        assert!(r.status.is_success(), "[{e}] generate: {}", r.text());
        let base = json!({"kind": "meeting", "meeting_type": "专题会议", "date": today().to_string(), "content": "专题会议", "unit_id": org.unit("XWB"),
                          "participants": [org.person("李明"), org.person("王芳")]});
        let r = s.post_json("/api/v1/ledger-entries", &base).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] entry: {}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        told(&s, "登记", &all, &[], "entry_corrected", "").await;
        let mut v2 = base.clone();
        v2["participants"] = json!([org.person("李明")]);
        v2["reason"] = json!("王芳未参会，参会人员登记有误");
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &v2).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] correction: {}", r.text());
        told(&s, "更正", &all, &["wangfang"], "entry_corrected", "王芳未参会").await;

        // voiding tells those the record concerns: the entry's participants (李明 now), the
        // sub-task's lead (周伟) — and restoring tells them again
        let latest = r.json()["id"].as_i64().unwrap();
        let r = s.post_json(&format!("/api/v1/ledger-entries/{latest}/void"), &json!({"reason": "重复登记"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] void entry: {}", r.text());
        told(&s, "作废台账", &all, &["liming"], "record_voided", "重复登记").await;
        let r = s.post_json(&format!("/api/v1/tasks/{sub}/void"), &json!({"reason": "任务重复"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] void task: {}", r.text());
        told(&s, "作废任务", &all, &["zhouwei"], "record_voided", "修订公务接待清单模板").await;
        let r = s.post_json(&format!("/api/v1/tasks/{sub}/restore"), &json!({"reason": "误作废"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] restore task: {}", r.text());
        told(&s, "恢复任务", &all, &["zhouwei"], "record_restored", "误作废").await;
        s.finish().await;
    }
}
