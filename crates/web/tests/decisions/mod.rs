//! 三重一大: meetings recorded through the API with their checks on every save, the dry run
//! that writes nothing, bad input refused naming the field with nothing written, data scope on
//! reads and writes, a failed check turned into a finding by the 纪检组, the R-DEC-8 register
//! (flagged entries, linking, the validate-then-commit import) and the exports.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, docx_text, read_xlsx, seed_org, servers, user, write_xlsx, Org, Server};

fn day(offset: i64) -> String {
    (qingfeng_store::fulfilment::today() - chrono::Duration::days(offset)).to_string()
}

/// The office's 办公会: 李明 chairs, 王芳, 赵强, 周伟 attend; one 大额度资金运作 topic where
/// everyone speaks (the chair last) and votes yes.
pub(crate) fn meeting(org: &Org) -> Value {
    let (li, wang, zhao, zhou) = (org.person("李明"), org.person("王芳"), org.person("赵强"), org.person("周伟"));
    let speakers = [wang, zhao, zhou, li];
    json!({
        "unit_id": org.unit("XWB"), "body": "办公会", "held_on": day(3), "place": "三楼会议室",
        "chair_id": li, "recorder_id": zhao,
        "members": [{"person_id": li}, {"person_id": wang}, {"person_id": zhao}, {"person_id": zhou}],
        "topics": [{
            "title": "机关食堂服务外包采购", "category": "大额度资金运作", "amount": "68万",
            "voting_method": "举手表决", "result": "通过",
            "speeches": speakers.iter().map(|p| json!({"person_id": p, "view": "同意"})).collect::<Vec<_>>(),
            "votes": speakers.iter().map(|p| json!({"person_id": p, "vote": "同意"})).collect::<Vec<_>>()
        }]
    })
}

/// (what, how the body is spoiled, the field the refusal names)
type Case = (&'static str, Box<dyn Fn(&mut Value)>, &'static str);

fn check<'a>(checks: &'a Value, rule: &str) -> &'a Value {
    checks.as_array().unwrap().iter().find(|c| c["rule"] == json!(rule)).unwrap_or_else(|| panic!("{rule} in {checks}"))
}

async fn create(s: &Server, body: &Value) -> Value {
    let r = s.post_json("/api/v1/decision-meetings", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] create: {}", s.engine, r.text());
    r.json()
}

#[tokio::test]
async fn a_meeting_is_checked_on_every_save_and_keeps_its_topic_ids() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let m = create(&s, &meeting(&org)).await;
        let id = m["id"].as_i64().unwrap();
        assert_eq!(m["checks"].as_array().unwrap().len(), 8, "[{e}] {m}");
        assert!(m["checks"].as_array().unwrap().iter().all(|c| c["ok"] == json!(true)), "[{e}] {m}");
        assert!(check(&m["checks"], "R-DEC-3")["source"].as_str().unwrap().contains("第二十七条"));
        assert_eq!(m["failed_rules"], "", "[{e}]");
        assert_eq!(m["topics"][0]["amount_cents"], 68_000_000, "[{e}]");
        let topic = m["topics"][0]["id"].as_i64().unwrap();
        // two of four absent: exactly half present fails the quorum; their votes go too
        let (wang, zhou) = (org.person("王芳"), org.person("周伟"));
        let mut members = m["members"].as_array().unwrap().clone();
        for x in members.iter_mut().filter(|x| [wang, zhou].contains(&x["person_id"].as_i64().unwrap())) {
            x["present"] = json!(false);
            x["absence_reason"] = json!("出差");
            x["written_opinion"] = json!("同意");
        }
        let mut t = meeting(&org)["topics"][0].clone();
        let keep = |v: &Value| {
            let p = v["person_id"].as_i64().unwrap();
            p != wang && p != zhou
        };
        t["speeches"] =
            json!(t["speeches"].as_array().unwrap().iter().filter(|v| keep(v)).cloned().collect::<Vec<_>>());
        t["votes"] = json!(t["votes"].as_array().unwrap().iter().filter(|v| keep(v)).cloned().collect::<Vec<_>>());
        let members: Vec<Value> =
            members.iter().map(|x| json!({"person_id": x["person_id"], "present": x["present"], "absence_reason": x["absence_reason"], "written_opinion": x["written_opinion"]})).collect();
        let r =
            s.patch_json(&format!("/api/v1/decision-meetings/{id}"), &json!({"members": members, "topics": [t]})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] patch: {}", r.text());
        let m = r.json();
        assert_eq!(check(&m["checks"], "R-DEC-1")["ok"], json!(false), "[{e}] {m}");
        assert_eq!(
            check(&m["checks"], "R-DEC-3")["ok"],
            json!(false),
            "[{e}] 2 yes of 4: written opinions are not votes"
        );
        assert_eq!(m["failed_rules"], "R-DEC-1,R-DEC-3", "[{e}]");
        assert_eq!(m["topics"][0]["id"].as_i64(), Some(topic), "[{e}] the topic keeps its id");
        let r = s.get("/api/v1/decision-meetings?failed=true").await;
        assert_eq!(r.json()["total"], 1, "[{e}] {}", r.text());
        assert_eq!(s.audit_count_of("decision_meeting", "create").await, 1, "[{e}]");
        assert_eq!(s.audit_count_of("decision_meeting", "update").await, 1, "[{e}]");
        s.finish().await;
    }
}

#[tokio::test]
async fn the_dry_run_answers_every_check_and_writes_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let mut body = meeting(&org);
        // the chair speaks first
        let speeches = body["topics"][0]["speeches"].as_array_mut().unwrap();
        let chair = speeches.pop().unwrap();
        speeches.insert(0, chair);
        let audit = s.audit_count().await;
        let r = s.post_json("/api/v1/decision-meetings/check", &body).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let checks = &r.json()["checks"];
        assert_eq!(checks.as_array().unwrap().len(), 8, "[{e}]");
        for c in checks.as_array().unwrap() {
            assert!(
                c["rule"].is_string() && c["ok"].is_boolean() && c["message"].is_string() && c["source"].is_string()
            );
        }
        let chair_last = check(checks, "R-DEC-4");
        assert_eq!(chair_last["ok"], json!(false), "[{e}] {checks}");
        assert!(chair_last["message"].as_str().unwrap().contains("第 1 个发言"), "[{e}] {chair_last}");
        // a 三重一大 topic decided by 圈阅
        body["topics"][0]["decided_by"] = json!("文件圈阅");
        let checks = s.post_json("/api/v1/decision-meetings/check", &body).await.json()["checks"].clone();
        assert_eq!(check(&checks, "R-DEC-7")["ok"], json!(false), "[{e}] {checks}");
        assert_eq!(s.count("decision_meetings").await, 0, "[{e}] nothing written");
        assert_eq!(s.audit_count().await, audit, "[{e}] nothing audited");
        s.finish().await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let outsider = org.person("陈静");
        let zhou = org.person("周伟");
        let cases: Vec<Case> = vec![
            (
                "a vote from a member not present",
                Box::new(move |b: &mut Value| {
                    b["members"][3]["present"] = json!(false);
                    let s = b["topics"][0]["speeches"].as_array_mut().unwrap();
                    s.retain(|x| x["person_id"] != json!(zhou));
                }),
                "topics[0].votes",
            ),
            (
                "a vote from a member who stepped aside",
                Box::new(move |b: &mut Value| {
                    b["topics"][0]["recusals"] = json!([{"person_id": zhou, "reason": "亲属"}]);
                    let s = b["topics"][0]["speeches"].as_array_mut().unwrap();
                    s.retain(|x| x["person_id"] != json!(zhou));
                }),
                "topics[0].votes",
            ),
            (
                "more votes than members",
                Box::new(move |b: &mut Value| {
                    b["topics"][0]["votes"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({"person_id": outsider, "vote": "同意"}));
                }),
                "topics[0].votes",
            ),
            ("a chair who is not a member", Box::new(move |b: &mut Value| b["chair_id"] = json!(outsider)), "chair_id"),
            ("a meeting date in the future", Box::new(|b: &mut Value| b["held_on"] = json!(day(-1))), "held_on"),
            (
                "an unknown category",
                Box::new(|b: &mut Value| b["topics"][0]["category"] = json!("大事")),
                "topics[0].category",
            ),
        ];
        for (what, change, field) in cases {
            let mut body = meeting(&org);
            change(&mut body);
            let r = s.post_json("/api/v1/decision-meetings", &body).await;
            assert_api_error(&e, what, &r, 422, Some(field));
            let r = s.post_json("/api/v1/decision-meetings/check", &body).await;
            assert_api_error(&e, what, &r, 422, Some(field));
        }
        assert_eq!(s.count("decision_meetings").await, 0, "[{e}] nothing written");
        assert_eq!(s.count("decision_topics").await, 0, "[{e}] nothing written");
        s.finish().await;
    }
}

#[tokio::test]
async fn scope_limits_reads_and_writes_and_the_group_turns_a_failed_check_into_a_finding() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let group = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let mut body = meeting(&org);
        body["topics"][0]["speeches"].as_array_mut().unwrap().rotate_right(1);
        let m = create(&s, &body).await;
        let id = m["id"].as_i64().unwrap();
        assert_eq!(m["failed_rules"], "R-DEC-4", "[{e}]");
        let told = group.get(&s, "/api/v1/notifications?kind=decision_checks_failed").await.json();
        assert_eq!(told["total"], 1, "[{e}] the group is told of the failed check: {told}");
        assert!(group.get(&s, "/").await.text().contains("R-DEC-4 未通过"), "[{e}] and sees it on the dashboard");
        // 仅本人: a member of the meeting sees it, someone else does not
        let zhao = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        assert_eq!(
            zhao.get(&s, "/api/v1/decision-meetings").await.status,
            StatusCode::FORBIDDEN,
            "[{e}] no decision:read"
        );
        let leader = user(&s, "chen", Some(org.person("陈静")), &["leader"]).await;
        assert_eq!(leader.get(&s, "/api/v1/decision-meetings").await.json()["total"], 0, "[{e}]");
        assert_eq!(
            leader.get(&s, &format!("/api/v1/decision-meetings/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "[{e}]"
        );
        // a clerk of 综合科 writes there only, naming people of the unit or in scope
        let clerk = user(&s, "clerk", Some(org.person("王芳")), &["office_clerk"]).await;
        let r = clerk.post(&s, "/api/v1/decision-meetings", &meeting(&org)).await;
        assert_api_error(&e, "a meeting of a unit outside the clerk's scope", &r, 422, Some("unit_id"));
        let mut own = meeting(&org);
        own["unit_id"] = json!(org.unit("ZHK"));
        let r = clerk.post(&s, "/api/v1/decision-meetings", &own).await;
        assert_api_error(&e, "a member outside scope and unit", &r, 422, Some("members"));
        let r = clerk.patch(&s, &format!("/api/v1/decision-meetings/{id}"), &json!({"place": "别处"})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] a meeting outside the clerk's scope: {}", r.text());
        // the 纪检组 turns the failed check into a finding, once
        let page = group.get(&s, &format!("/decisions/{id}")).await;
        assert!(page.text().contains("转为问题"), "[{e}] the group sees the button");
        let r = group.post(&s, &format!("/api/v1/decision-meetings/{id}/findings"), &json!({"rule": "R-DEC-4"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let fid = r.json()["finding_id"].as_i64().unwrap();
        let f = s.get(&format!("/api/v1/findings/{fid}")).await.json();
        assert!(f["description"].as_str().unwrap().contains("R-DEC-4"), "[{e}] {f}");
        assert!(f["description"].as_str().unwrap().contains("第二十七条"), "[{e}] the finding cites the source");
        let r = group.post(&s, &format!("/api/v1/decision-meetings/{id}/findings"), &json!({"rule": "R-DEC-4"})).await;
        assert_api_error(&e, "the same rule twice", &r, 409, None);
        let r = group.post(&s, &format!("/api/v1/decision-meetings/{id}/findings"), &json!({"rule": "R-DEC-1"})).await;
        assert_api_error(&e, "a check that passed", &r, 409, None);
        let r = clerk.post(&s, &format!("/api/v1/decision-meetings/{id}/findings"), &json!({"rule": "R-DEC-4"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] only the group converts");
        assert_eq!(s.get(&format!("/api/v1/decision-meetings/{id}")).await.json()["findings"][0][1], fid, "[{e}]");
        s.finish().await;
    }
}

#[tokio::test]
async fn the_register_flags_spending_without_a_decision_and_imports_all_or_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let m = create(&s, &meeting(&org)).await;
        let topic = m["topics"][0]["id"].as_i64().unwrap();
        let group = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let entry = |amount: &str| json!({"unit_id": org.unit("XWB"), "occurred_on": day(1), "matter": "办公楼维修工程款", "amount": amount, "reference": "XX建筑"});
        let r = s.post_json("/api/v1/decision-register", &entry("720000")).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let big = r.json();
        assert_eq!((big["needs_decision"].clone(), big["flagged"].clone()), (json!(true), json!(true)), "[{e}] {big}");
        let small = s.post_json("/api/v1/decision-register", &entry("86000")).await.json();
        assert_eq!(small["flagged"], json!(false), "[{e}] below the default threshold of 50万");
        assert_eq!(s.get("/api/v1/decision-register?flagged=true").await.json()["total"], 1, "[{e}]");
        let told = group.get(&s, "/api/v1/notifications?kind=decision_unrecorded").await.json();
        assert_eq!(told["total"], 1, "[{e}] the group is told: {told}");
        let home = group.get(&s, "/").await.text();
        assert!(home.contains("没有集体决策记录"), "[{e}] the dashboard shows the flag");
        let r = s.patch_json(&format!("/api/v1/decision-register/{}", big["id"]), &json!({"topic_id": topic})).await;
        assert_eq!(r.json()["flagged"], json!(false), "[{e}] {}", r.text());
        let r = s.patch_json(&format!("/api/v1/decision-register/{}", big["id"]), &json!({"topic_id": 999_999})).await;
        assert_api_error(&e, "an unknown topic", &r, 422, Some("topic_id"));
        // a topic a register entry points at cannot be dropped from its meeting
        let r = s.patch_json(&format!("/api/v1/decision-meetings/{}", m["id"]), &json!({"topics": []})).await;
        assert_api_error(&e, "dropping a linked topic", &r, 422, Some("topics"));
        // import: every row checked, nothing written while any row is wrong
        let template = s.download("/api/v1/decision-register/import-template.xlsx").await;
        assert!(!read_xlsx(&template).is_empty(), "[{e}] template");
        let header: Vec<String> =
            ["单位", "类别", "发生日期", "事项", "金额（元）", "收款方或凭证号", "关联议题编号", "备注"]
                .map(String::from)
                .to_vec();
        let row = |unit: &str, date: &str, amount: &str| {
            vec![
                unit.to_string(),
                "资金支出".into(),
                date.into(),
                "设备采购".into(),
                amount.into(),
                "".into(),
                "".into(),
                "".into(),
            ]
        };
        let bad = write_xlsx(&[
            header.clone(),
            row("县委办公室", &day(2), "60万"),
            row("不存在的单位", &day(2), "1"),
            row("县委办公室", "2026-02-30", "1"),
            row("县委办公室", &day(2), "abc"),
        ]);
        let report = s.import("/api/v1/decision-register/import?commit=true", bad).await;
        let errors = report["errors"].as_array().unwrap();
        let columns: Vec<(i64, &str)> =
            errors.iter().map(|x| (x["row"].as_i64().unwrap(), x["column"].as_str().unwrap())).collect();
        assert_eq!(columns, [(3, "单位"), (4, "发生日期"), (5, "金额（元）")], "[{e}] every error reported: {report}");
        assert_eq!(report["committed"], json!(false), "[{e}] {report}");
        assert_eq!(s.count("decision_register").await, 2, "[{e}] nothing written");
        let good = write_xlsx(&[header, row("县委办公室", &day(2), "60万"), row("县委办公室", &day(2), "3000")]);
        let report = s.import("/api/v1/decision-register/import?commit=true", good).await;
        assert_eq!(report["created"], 2, "[{e}] {report}");
        assert_eq!(s.get("/api/v1/decision-register?flagged=true").await.json()["total"], 1, "[{e}] the imported 60万");
        s.finish().await;
    }
}

#[tokio::test]
async fn exports_hold_the_ledger_and_the_minutes_and_branch_meetings_take_the_committee() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let m = create(&s, &meeting(&org)).await;
        let rows = read_xlsx(&s.download("/api/v1/decision-meetings/export.xlsx").await);
        let flat = rows.concat().join("|");
        assert!(flat.contains("三重一大事项决策台账") && flat.contains("机关食堂服务外包采购"), "[{e}] {flat}");
        assert!(
            flat.contains("大额度资金运作") && flat.contains("680,000.00") && flat.contains("4/0/0/0"),
            "[{e}] {flat}"
        );
        let text = docx_text(&s.download(&format!("/api/v1/decision-meetings/{}/minutes.docx", m["id"])).await);
        assert!(
            text.contains("会议纪要") && text.contains("机关食堂服务外包采购") && text.contains("李明"),
            "[{e}] {text}"
        );
        assert!(text.contains("同意 4 票") && text.contains("R-DEC-4"), "[{e}] {text}");
        // a 支委会 of the branch without members: the committee on the day
        let b = org.unit("JGDZB");
        let chen = org.person("陈静");
        for (path, body) in
            [(format!("/api/v1/party-branches/{b}/members"), json!({"person_id": chen, "date": "2025-01-01"}))]
        {
            let r = s.post_json(&path, &body).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        }
        let r = s
            .send(
                s.client
                    .put(s.url(&format!("/api/v1/party-branches/{b}/committee")))
                    .header("X-CSRF-Token", &s.csrf)
                    .json(&json!({"person_id": chen, "post": "书记", "date": "2025-01-01"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let body = json!({"unit_id": b, "body": "支委会", "held_on": day(1), "place": "支部活动室", "chair_id": chen,
                          "topics": [{"title": "研究发展党员", "speeches": [{"person_id": chen, "view": "同意"}],
                                      "votes": [{"person_id": chen, "vote": "同意"}], "voting_method": "举手表决", "result": "通过"}]});
        let m = create(&s, &body).await;
        assert_eq!(m["members"].as_array().unwrap().len(), 1, "[{e}] {m}");
        assert_eq!(m["members"][0]["person_id"].as_i64(), Some(chen), "[{e}]");
        s.finish().await;
    }
}
