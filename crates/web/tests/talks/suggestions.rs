//! Targeted topics and the reminders of talks: suggestions for a person come from each source
//! (risk register, open findings and overdue measures, red items of their unit, a new post) and
//! say where they come from; the person must be in the reader's scope. A post change puts a
//! 任前廉政谈话 on the 我的待办 of whoever must hold it and reminds them until it is recorded; a
//! talk's follow-up reminds the talker once.

use chrono::{Datelike, Duration};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, seed_org, servers, user, Org, Server, User};

fn day(n: i64) -> String {
    (qingfeng_store::fulfilment::today() + Duration::days(n)).to_string()
}

fn of_source<'a>(v: &'a Value, source: &str) -> Vec<&'a Value> {
    v["items"].as_array().unwrap().iter().filter(|i| i["source"] == json!(source)).collect()
}

/// An accepted point of 综合科 whose measure names 王芳.
async fn accepted_point(s: &Server, org: &Org, jijian: &User) -> i64 {
    let e = &s.engine;
    let wang = user(s, "wangfang", Some(org.person("王芳")), &["principal"]).await;
    let point = json!({"unit_id": org.unit("ZHK"), "category": "岗位职责风险", "post": "公务接待",
        "power": "接待审批", "point": "超标准接待、以工作餐名义宴请", "manifestation": "超标准接待", "level": "高",
        "head_id": org.person("王芳"), "leader_id": org.person("李明"),
        "measures": [{"text": "执行接待清单制度", "person_id": org.person("王芳"), "review_on": day(30)}]});
    let r = wang.post(s, "/api/v1/risk-points", &point).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let year = qingfeng_store::fulfilment::today().year();
    let r = wang.post(s, "/api/v1/risk-points/submit", &json!({"unit_id": org.unit("ZHK"), "year": year})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    let r = jijian.post(s, &format!("/api/v1/risk-points/{id}/accept"), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    id
}

/// A finding of 综合科 fed back, with 王芳 responsible and a measure past its deadline.
async fn finding_with_overdue_measure(s: &Server, org: &Org, jijian: &User) -> i64 {
    let e = &s.engine;
    let body = json!({"unit_id": org.unit("ZHK"), "source": "巡察", "category": "违规公款吃喝",
        "description": "以调研名义在酒店安排公款宴请", "severity": "较重", "found_on": day(-30),
        "responsible_leader_id": org.person("李明"), "responsible_person_id": org.person("王芳")});
    let r = jijian.post(s, "/api/v1/findings", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    let fid = r.json()["id"].as_i64().unwrap();
    let r = jijian.post(s, &format!("/api/v1/findings/{fid}/feedback"), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    let measure = json!({"text": "退还超标准费用", "responsible_person_id": org.person("王芳"), "deadline": day(-2)});
    let r = s.post_json(&format!("/api/v1/findings/{fid}/measures"), &measure).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    fid
}

#[tokio::test]
async fn suggestions_come_from_each_source_within_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let wang = org.person("王芳");
        let year = qingfeng_store::fulfilment::today().year();
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let jijian = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let point = accepted_point(&s, &org, &jijian).await;
        let fid = finding_with_overdue_measure(&s, &org, &jijian).await;

        let r = s.get(&format!("/api/v1/talks/suggestions?person={wang}")).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let v = r.json();
        assert_eq!(v["person_name"], json!("王芳"), "[{e}] {v}");
        let risk = of_source(&v, "risk");
        assert_eq!(risk.len(), 1, "[{e}] {v}");
        assert_eq!(risk[0]["link"], json!(format!("/risk/{point}")), "[{e}]");
        let detail = risk[0]["detail"].as_str().unwrap();
        assert!(detail.contains("廉政风险防控台账") && detail.contains("防控措施责任人"), "[{e}] {detail}");
        assert!(risk[0]["topic"].as_str().unwrap().contains("超标准接待"), "[{e}] {v}");
        let finding = of_source(&v, "finding");
        assert_eq!(finding.len(), 1, "[{e}] {v}");
        assert_eq!(finding[0]["link"], json!(format!("/findings/{fid}")), "[{e}]");
        let measure = of_source(&v, "measure");
        assert_eq!(measure.len(), 1, "[{e}] {v}");
        assert!(measure[0]["topic"].as_str().unwrap().contains("退还超标准费用"), "[{e}] {v}");
        // red items: each is overdue and of 王芳's unit (综合科 or below)
        for item in of_source(&v, "item") {
            let id = item["link"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
            let it = s.get(&format!("/api/v1/responsibility-items/{id}")).await.json();
            assert_eq!(it["status"]["state"], json!("overdue"), "[{e}] {it}");
            assert!(it["person_id"].is_null() || it["person_id"] == json!(wang), "[{e}] another's item: {it}");
            assert!(
                [org.unit("ZHK"), org.unit("XXK")].contains(&it["unit_id"].as_i64().unwrap()),
                "[{e}] another unit's item: {it}"
            );
        }
        if qingfeng_store::fulfilment::today().month() >= 4 {
            assert!(!of_source(&v, "item").is_empty(), "[{e}] 综合科 has red items by now: {v}");
        }
        // nothing new about 王芳's post: no 任前 suggestion
        assert!(of_source(&v, "new_post").is_empty(), "[{e}] {v}");
        // a 婚丧喜庆 report of hers next month: named by kind and day only
        assert!(of_source(&v, "family_event").is_empty(), "[{e}] {v}");
        let herself = user(&s, "wang2", Some(wang), &["member"]).await;
        let event = json!({"kind": "wedding", "event_date": day(30), "place": "县城某酒店", "relation": "儿子",
            "planned_people": 100, "planned_tables": 10, "planned_cars": 2, "joint": false, "joint_note": "",
            "pledge": true, "pledge_text": "不大操大办"});
        let r = herself.post(&s, "/api/v1/family-events", &event).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let v = s.get(&format!("/api/v1/talks/suggestions?person={wang}")).await.json();
        let family = of_source(&v, "family_event");
        assert_eq!(family.len(), 1, "[{e}] {v}");
        assert_eq!(family[0]["link"], json!(format!("/family-events/{}", r.json()["id"])), "[{e}]");
        assert!(!family[0].to_string().contains("县城某酒店"), "[{e}] the report's details stay out: {v}");
        // a life event she reported: the 纪检组 is offered it (kind and day only), nobody else
        let report =
            json!({"kind": "event", "event_kind": "因私出国（境）", "event_date": day(-10), "content": "赴香港探亲"});
        let r = herself.post(&s, "/api/v1/personal-reports", &report).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let by_group = jijian.get(&s, &format!("/api/v1/talks/suggestions?person={wang}")).await.json();
        let reported = of_source(&by_group, "personal_report");
        assert_eq!(reported.len(), 1, "[{e}] {by_group}");
        assert!(!reported[0].to_string().contains("香港"), "[{e}] the contents stay out: {by_group}");
        let li = user(&s, "liming", Some(org.person("李明")), &["principal"]).await;
        let by_head = li.get(&s, &format!("/api/v1/talks/suggestions?person={wang}")).await.json();
        assert!(of_source(&by_head, "personal_report").is_empty(), "[{e}] the 主要负责人 is not told: {by_head}");

        // 周伟 (信息科) has nothing of his own but his unit's red items, no risk point naming him
        let zhou = s.get(&format!("/api/v1/talks/suggestions?person={}", org.person("周伟"))).await.json();
        assert!(of_source(&zhou, "finding").is_empty() && of_source(&zhou, "risk").is_empty(), "[{e}] {zhou}");

        // scope: a 一般干部 (仅本人) may not ask about someone else; a bad id names the field
        let member = user(&s, "zhaoqiang", Some(org.person("赵强")), &["member"]).await;
        let r = member.get(&s, &format!("/api/v1/talks/suggestions?person={wang}")).await;
        assert!(r.status.is_client_error(), "[{e}] member: {}", r.text());
        let r = s.get("/api/v1/talks/suggestions?person=999999").await;
        assert_api_error(&e, "unknown person", &r, 400, Some("person"));
        let r = s.get("/api/v1/talks/suggestions").await;
        assert_api_error(&e, "no person", &r, 400, Some("person"));
        let r = s.get("/api/v1/talks/suggestions?person=x").await;
        assert_api_error(&e, "not a number", &r, 400, Some("person"));

        // the form shows them for the counterpart chosen, with their source
        let page = s.get(&format!("/talks/new?counterpart={wang}")).await.text();
        assert!(page.contains("与王芳（综合科）谈话的建议主题"), "[{e}] {page}");
        assert!(page.contains("data-add-topic") && page.contains("廉政风险点"), "[{e}]");
        let part = s.get(&format!("/talks/suggestions?counterparts={wang}")).await.text();
        assert!(part.contains("未销号问题") && part.contains("逾期整改措施"), "[{e}] {part}");
        s.finish().await;
    }
}

/// The accounts told of `kind`, by username.
async fn told(s: &Server, kind: &str) -> Vec<String> {
    let rows: Vec<(String,)> =
        s.db.fetch_all(
            "SELECT a.username FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE n.kind = $1 \
             ORDER BY a.username",
            qingfeng_store::args![kind.to_string()],
        )
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

#[tokio::test]
async fn a_new_post_asks_for_a_pre_appointment_talk_and_follow_ups_remind_once() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (li, zhao, chen) = (org.person("李明"), org.person("赵强"), org.person("陈静"));
        let liming = user(&s, "liming", Some(li), &["principal"]).await;
        let zhibu = user(&s, "zhibu", Some(chen), &["branch_secretary"]).await;
        let zhaoq = user(&s, "zhaoqiang", Some(zhao), &["member"]).await;
        let today = qingfeng_store::fulfilment::today();

        // nothing due before a post change
        let h = liming.get(&s, "/api/v1/home").await.json();
        assert_eq!(h["pre_talks"], json!([]), "[{e}] {h}");

        // 赵强 becomes 副主任 of 督查室: a post change in his history
        let r = s.patch_json(&format!("/api/v1/people/{zhao}"), &json!({"title": "副主任"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());

        // 李明 (主要负责人 above 督查室, which nobody is in charge of) must hold it
        let h = liming.get(&s, "/api/v1/home").await.json();
        let due = h["pre_talks"].as_array().unwrap();
        assert_eq!(due.len(), 1, "[{e}] {h}");
        assert_eq!(
            (due[0]["person_id"].as_i64(), due[0]["post"].as_str()),
            (Some(zhao), Some("督查室副主任")),
            "[{e}]"
        );
        assert_eq!(due[0]["link"], json!(format!("/talks/new?kind=pre_appointment&counterpart={zhao}")), "[{e}]");
        let page = liming.get(&s, "/").await.text();
        assert!(page.contains("待开展的任前廉政谈话") && page.contains("督查室副主任"), "[{e}]");
        // not on another's list
        let other = zhibu.get(&s, "/api/v1/home").await.json();
        assert_eq!(other["pre_talks"], json!([]), "[{e}] {other}");
        // the suggestions for 赵强 name the new post
        let v = liming.get(&s, &format!("/api/v1/talks/suggestions?person={zhao}")).await.json();
        let new_post = of_source(&v, "new_post");
        assert_eq!(new_post.len(), 1, "[{e}] {v}");
        assert!(new_post[0]["detail"].as_str().unwrap().contains("督查室副主任"), "[{e}] {v}");

        // the reminder pass tells 李明 once a week
        qingfeng_web::jobs::fire_reminders(&s.db, today).await.expect("reminder pass");
        qingfeng_web::jobs::fire_reminders(&s.db, today).await.expect("second pass");
        assert_eq!(told(&s, "pre_talk_due").await, vec!["liming".to_string()], "[{e}]");
        let n = liming.get(&s, "/api/v1/notifications").await.text();
        assert!(n.contains("任前廉政谈话待开展：赵强"), "[{e}] {n}");
        qingfeng_web::jobs::fire_reminders(&s.db, today + Duration::days(7)).await.expect("a week later");
        assert_eq!(told(&s, "pre_talk_due").await.len(), 2, "[{e}] reminded again until recorded");

        // recorded: no longer due, no more reminders
        let talk = json!({"talk_kind": "任前廉政谈话", "date": today.to_string(), "unit_id": org.unit("DCS"),
            "talkers": [li], "counterparts": [zhao], "topics": "新岗位廉政风险",
            "follow_ups": [{"person_id": zhao, "deadline": day(2), "content": "报送廉洁承诺书"}]});
        let r = liming.post(&s, "/api/v1/talks", &talk).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let h = liming.get(&s, "/api/v1/home").await.json();
        assert_eq!(h["pre_talks"], json!([]), "[{e}] {h}");
        let v = liming.get(&s, &format!("/api/v1/talks/suggestions?person={zhao}")).await.json();
        assert!(of_source(&v, "new_post").is_empty(), "[{e}] {v}");
        qingfeng_web::jobs::fire_reminders(&s.db, today + Duration::days(14)).await.expect("two weeks later");
        assert_eq!(told(&s, "pre_talk_due").await.len(), 2, "[{e}] not reminded after the talk");

        // the follow-up (due in 2 days) reminds the talker and the person responsible, once
        let follow = told(&s, "talk_follow_up").await;
        assert_eq!(follow, vec!["liming".to_string(), "zhaoqiang".to_string()], "[{e}]");
        qingfeng_web::jobs::fire_reminders(&s.db, today + Duration::days(1)).await.expect("next day");
        assert_eq!(told(&s, "talk_follow_up").await.len(), 2, "[{e}] once");
        let n = zhaoq.get(&s, "/api/v1/notifications").await.text();
        assert!(n.contains("报送廉洁承诺书") && n.contains("谈话后续事项到期"), "[{e}] {n}");
        s.finish().await;
    }
}
