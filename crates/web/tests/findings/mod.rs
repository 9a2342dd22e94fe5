//! 问题整改 end to end: the flow from recording to look-back recurrence with every refusal, who may
//! take which step, data scope, the 整改台账 export → import round trip, campaigns, the figures of
//! the dashboard, and the pages.

use chrono::{Duration, Months};
use qingfeng_store::fulfilment::today;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{
    assert_api_error, fresh_db, header_row, merged_regions, read_xlsx, seed_org, servers, user, write_xlsx, Org, Resp,
    Server, User,
};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn day(n: i64) -> String {
    (today() + Duration::days(n)).to_string()
}

/// The accounts of a test: the discipline-inspection group, the principal of 综合科 (who also
/// sees 信息科 below it), the principal of 督查室, and a member of 信息科 (仅本人).
pub(crate) struct Cast {
    pub(crate) jijian: User,
    pub(crate) zhk: User,
    dcs: User,
    member: User,
}

pub(crate) async fn cast(s: &Server, org: &Org) -> Cast {
    Cast {
        jijian: user(s, "jijian", Some(org.person("陈静")), &["supervisor"]).await,
        zhk: user(s, "wangfang", Some(org.person("王芳")), &["principal"]).await,
        dcs: user(s, "zhaoqiang", Some(org.person("赵强")), &["principal"]).await,
        member: user(s, "zhouwei", Some(org.person("周伟")), &["member"]).await,
    }
}

async fn state_of(s: &Server, finding: i64) -> String {
    let r = s.get(&format!("/api/v1/findings/{finding}")).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] GET finding: {}", s.engine, r.text());
    r.json()["state"].as_str().unwrap().to_string()
}

/// A refused step: the status, a Chinese message, and nothing written (state and audit unchanged).
async fn refused(s: &Server, what: &str, finding: i64, r: Resp, status: u16, contains: &str, audit_before: i64) {
    let before = state_of(s, finding).await;
    let e = assert_api_error(&s.engine, what, &r, status, None);
    assert!(e["message"].as_str().unwrap().contains(contains), "[{}] {what}: message {e}", s.engine);
    assert_eq!(state_of(s, finding).await, before, "[{}] {what}: state unchanged", s.engine);
    assert_eq!(s.audit_count().await, audit_before, "[{}] {what}: nothing audited", s.engine);
}

// ------------------------------------------------------------------ the flow

#[tokio::test]
async fn the_whole_flow_through_look_back_recurrence() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let c = cast(&s, &org).await;
        let found = day(-30);

        // the group records a finding in 综合科
        let body = json!({"unit_id": org.unit("ZHK"), "source": "巡察", "category": "违规公款吃喝",
            "description": "以调研名义在酒店安排公款宴请", "severity": "较重", "found_on": found,
            "responsible_leader_id": org.person("李明"), "responsible_person_id": org.person("王芳")});
        let r = c.jijian.post(&s, "/api/v1/findings", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] record: {}", r.text());
        let f = r.json();
        let fid = id(&f);
        assert_eq!((f["state"].as_str(), f["origin"].as_str()), (Some("recorded"), Some("supervision")), "[{e}] {f}");
        assert_eq!(f["category"], "public_dining", "[{e}] short category names are accepted");
        assert_eq!(f["source"], "patrol", "[{e}]");
        assert_eq!(f["state_label"], "已登记", "[{e}]");
        assert_eq!(f["actions"], json!(["edit", "feedback"]), "[{e}] the group's actions on a recorded finding");

        // bad input names its field
        let r = c
            .jijian
            .post(
                &s,
                "/api/v1/findings",
                &json!({"unit_id": org.unit("ZHK"), "category": "打牌", "description": "x", "found_on": found}),
            )
            .await;
        let err = assert_api_error(&e, "finding without a source, with an unknown category", &r, 422, Some("source"));
        assert!(err["fields"].as_array().unwrap().iter().any(|f| f["field"] == "category"), "[{e}] {err}");
        let r = c.jijian.post(&s, "/api/v1/findings", &json!({"unit_id": org.unit("ZHK"), "source": "审计", "category": "作风建设", "description": "x", "found_on": day(1)})).await;
        assert_api_error(&e, "found in the future", &r, 422, Some("found_on"));

        // PATCH while recorded: the group may, the unit may not
        let r = c
            .jijian
            .patch(
                &s,
                &format!("/api/v1/findings/{fid}"),
                &json!({"description": "以调研名义在酒店安排公款宴请，并提供高档酒水"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] patch: {}", r.text());
        assert!(r.json()["description"].as_str().unwrap().ends_with("高档酒水"), "[{e}]");
        let audit = s.audit_count().await;
        let r = c.zhk.patch(&s, &format!("/api/v1/findings/{fid}"), &json!({"description": "改掉"})).await;
        refused(&s, "the unit patches a supervision finding", fid, r, 403, "纪检监察组", audit).await;

        // nothing before the feedback; only the group feeds back
        let measure = |text: &str, person: Option<i64>, deadline: &str| json!({"text": text, "responsible_leader_id": org.person("李明"), "responsible_person_id": person, "deadline": deadline});
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/measures"),
                &measure("退还费用", Some(org.person("王芳")), &day(10)),
            )
            .await;
        refused(&s, "a measure before the feedback", fid, r, 409, "尚未反馈", audit).await;
        let r = c.zhk.post(&s, &format!("/api/v1/findings/{fid}/feedback"), &json!({})).await;
        refused(&s, "the unit feeds back", fid, r, 403, "纪检监察组", audit).await;
        let r = c
            .jijian
            .post(&s, &format!("/api/v1/findings/{fid}/feedback"), &json!({"note": "请于7日内制定整改措施"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] feedback: {}", r.text());
        assert_eq!(r.json()["state"], "fed_back", "[{e}]");
        assert_eq!(r.json()["fed_back_on"], json!(today().to_string()), "[{e}]");

        // edits end with the feedback
        let audit = s.audit_count().await;
        let r = c.jijian.patch(&s, &format!("/api/v1/findings/{fid}"), &json!({"severity": "严重"})).await;
        refused(&s, "patch after the feedback", fid, r, 409, "不能再修改", audit).await;
        // requesting sign-off before a plan
        let r =
            c.zhk.post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &json!({"evidence": "整改报告"})).await;
        refused(&s, "sign-off request before a plan", fid, r, 409, "尚未制定整改方案", audit).await;
        // a deadline before the finding's date, a measure without a responsible person
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/measures"),
                &measure("退还费用", Some(org.person("王芳")), &day(-31)),
            )
            .await;
        let err = assert_api_error(&e, "deadline before the finding", &r, 422, Some("deadline"));
        assert!(err["message"].as_str().unwrap().contains("不能早于问题发现日期"), "[{e}] {err}");
        let r = c.zhk.post(&s, &format!("/api/v1/findings/{fid}/measures"), &measure("退还费用", None, &day(10))).await;
        assert_api_error(&e, "measure without a responsible person", &r, 422, Some("responsible_person_id"));
        assert_eq!(s.count("rectification_measures").await, 0, "[{e}] nothing half-written");
        assert_eq!(state_of(&s, fid).await, "fed_back", "[{e}]");
        assert_eq!(s.audit_count().await, audit, "[{e}]");

        // the plan: two measures, the second already past its deadline
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/measures"),
                &measure("退还超标准费用，当事人作出检查", Some(org.person("王芳")), &day(10)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] measure 1: {}", r.text());
        let m1 = id(&r.json());
        assert_eq!(state_of(&s, fid).await, "rectifying", "[{e}] a plan puts the finding into rectification");
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/measures"),
                &measure("修订公务接待管理办法", Some(org.person("周伟")), &day(-1)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] measure 2: {}", r.text());
        let m2 = id(&r.json());
        assert_eq!(r.json()["overdue"], true, "[{e}] {}", r.text());
        let overdue = s.get("/api/v1/rectifications?overdue=true").await.json();
        assert_eq!(overdue["total"], 1, "[{e}] {overdue}");
        assert_eq!(id(&overdue["items"][0]), m2, "[{e}]");
        let stats = s.get("/api/v1/findings/stats").await.json();
        assert_eq!(stats["total"]["overdue_measures"], 1, "[{e}] {stats}");
        let listed = s.get("/api/v1/findings?overdue=true").await.json();
        assert_eq!(listed["total"], 1, "[{e}]");
        assert_eq!(listed["items"][0]["next_deadline"], day(-1), "[{e}] the earlier of the two open deadlines");

        // open measures: no request, no sign-off; and only the group signs off (not the admin's *)
        let audit = s.audit_count().await;
        let r =
            c.zhk.post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &json!({"evidence": "整改报告"})).await;
        refused(&s, "sign-off request with open measures", fid, r, 409, "还有 2 项整改措施未完成", audit).await;
        let r = c.jijian.post(&s, &format!("/api/v1/findings/{fid}/sign-off"), &json!({})).await;
        refused(&s, "sign-off with open measures", fid, r, 409, "未完成", audit).await;
        let r = s.post_json(&format!("/api/v1/findings/{fid}/sign-off"), &json!({})).await;
        refused(&s, "the admin signs off", fid, r, 403, "只有纪检监察组可以验收销号", audit).await;
        let r = c.zhk.post(&s, &format!("/api/v1/findings/{fid}/sign-off"), &json!({})).await;
        refused(&s, "the unit signs off", fid, r, 403, "finding:sign_off", audit).await;

        // progress: the member (仅本人) reports on the measure he answers for, not on the other one
        let update = |text: &str, completes: bool| json!({"update_date": today().to_string(), "text": text, "evidence": "制度文件", "completes": completes});
        let r = c.member.post(&s, &format!("/api/v1/rectifications/{m1}/updates"), &update("x", true)).await;
        assert_api_error(&e, "member reports on someone else's measure", &r, 404, None);
        let r = c
            .member
            .post(&s, &format!("/api/v1/rectifications/{m2}/updates"), &update("已印发修订后的办法", true))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] member update: {}", r.text());
        assert!(r.json()["measure"]["completed_on"].is_string(), "[{e}] {}", r.text());
        // the overdue measure is done: the finding's next deadline is the open one's, not overdue
        let listed = s.get("/api/v1/findings?overdue=true").await.json();
        assert_eq!(listed["total"], 0, "[{e}] {listed}");
        let open = s.get(&format!("/api/v1/findings/{fid}")).await.json();
        assert_eq!((&open["next_deadline"], &open["overdue"]), (&json!(day(10)), &json!(false)), "[{e}] {open}");
        let r = c.member.post(&s, &format!("/api/v1/rectifications/{m2}/updates"), &update("再报一次", false)).await;
        assert_api_error(&e, "update on a completed measure", &r, 409, None);
        let r = c
            .zhk
            .post(&s, &format!("/api/v1/rectifications/{m1}/updates"), &json!({"update_date": day(1), "text": "x"}))
            .await;
        assert_api_error(&e, "update dated tomorrow", &r, 422, Some("update_date"));
        let r = c.zhk.post(&s, &format!("/api/v1/rectifications/{m1}/updates"), &update("正在退还费用", false)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = c.zhk.post(&s, &format!("/api/v1/rectifications/{m1}/updates"), &update("费用已全部退还", true)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());

        // the request needs its evidence; the group returns it once, with a reason
        let r = c.zhk.post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &json!({})).await;
        assert_api_error(&e, "request without evidence", &r, 422, Some("evidence"));
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/sign-off-request"),
                &json!({"evidence": "退款凭证、修订后的办法"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] request: {}", r.text());
        assert_eq!(r.json()["state"], "sign_off_requested", "[{e}]");
        let r = c.jijian.post(&s, &format!("/api/v1/findings/{fid}/return"), &json!({"reason": " "})).await;
        assert_api_error(&e, "return without a reason", &r, 422, Some("reason"));
        let r = c
            .jijian
            .post(&s, &format!("/api/v1/findings/{fid}/return"), &json!({"reason": "办法未经集体研究印发"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] return: {}", r.text());
        assert_eq!(r.json()["state"], "rectifying", "[{e}]");
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/sign-off-request"),
                &json!({"evidence": "经办公室会议研究后印发"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] second request: {}", r.text());
        let r = c.jijian.post(&s, &format!("/api/v1/findings/{fid}/sign-off"), &json!({"note": "整改到位"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] sign-off: {}", r.text());
        let signed = r.json();
        assert_eq!(signed["state"], "signed_off", "[{e}]");
        assert_eq!(signed["signed_off_on"], json!(today().to_string()), "[{e}]");
        let due = today().checked_add_months(Months::new(6)).unwrap();
        assert_eq!(signed["look_back_due"], json!(due.to_string()), "[{e}] look-back six months later");
        assert_eq!(signed["actions"], json!(["look_back"]), "[{e}]");

        // the look-back: a recurrence reopens the problem as a new finding
        let r = c.zhk.post(&s, &format!("/api/v1/findings/{fid}/look-back"), &json!({"result": "held"})).await;
        assert_api_error(&e, "the unit looks back", &r, 403, None);
        let r = c.jijian.post(&s, &format!("/api/v1/findings/{fid}/look-back"), &json!({"result": "recurred"})).await;
        assert_api_error(&e, "recurrence without a note", &r, 422, Some("note"));
        let r = c
            .jijian
            .post(&s, &format!("/api/v1/findings/{fid}/look-back"), &json!({"result": "maybe", "note": "x"}))
            .await;
        assert_api_error(&e, "unknown look-back result", &r, 422, Some("result"));
        let r = c
            .jijian
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/look-back"),
                &json!({"result": "recurred", "note": "又发现以调研名义聚餐"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] look-back: {}", r.text());
        let old = r.json();
        assert_eq!(
            (old["state"].as_str(), old["look_back_result"].as_str()),
            (Some("signed_off"), Some("recurred")),
            "[{e}]"
        );
        let new_id = old["reopened"].as_i64().expect("the reopened finding");
        assert_eq!(old["recurrences"][0]["id"], new_id, "[{e}]");
        let new = s.get(&format!("/api/v1/findings/{new_id}")).await.json();
        assert_eq!(new["recurrence_of"], fid, "[{e}]");
        assert_eq!((new["state"].as_str(), new["origin"].as_str()), (Some("recorded"), Some("supervision")), "[{e}]");
        assert_eq!(
            (new["unit_id"].clone(), new["category"].clone()),
            (json!(org.unit("ZHK")), json!("public_dining")),
            "[{e}]"
        );
        assert_eq!(new["steps"][0]["step"], "reopened", "[{e}] {new}");
        let audit = s.audit_count().await;
        let r = c.jijian.post(&s, &format!("/api/v1/findings/{fid}/look-back"), &json!({"result": "held"})).await;
        refused(&s, "a second look-back", fid, r, 409, "不能重复回头看", audit).await;

        // every step, in order, with who did it
        let steps: Vec<(String, String)> = old["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["step"].as_str().unwrap().to_string(), x["username"].as_str().unwrap().to_string()))
            .collect();
        let expected = [
            ("recorded", "jijian"),
            ("edited", "jijian"),
            ("fed_back", "jijian"),
            ("measure_added", "wangfang"),
            ("measure_added", "wangfang"),
            ("measure_completed", "zhouwei"),
            ("progress", "wangfang"),
            ("measure_completed", "wangfang"),
            ("sign_off_requested", "wangfang"),
            ("returned", "jijian"),
            ("sign_off_requested", "wangfang"),
            ("signed_off", "jijian"),
            ("look_back_recurred", "jijian"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(steps, expected, "[{e}]");
        assert!(old["steps"][9]["note"].as_str().unwrap().contains("集体研究"), "[{e}] the return keeps its reason");
        assert_eq!(old["measures"].as_array().unwrap().len(), 2, "[{e}]");
        assert_eq!(old["measures"][0]["updates"].as_array().unwrap().len(), 2, "[{e}]");

        // the figures
        let stats = s.get("/api/v1/findings/stats").await.json();
        assert_eq!(stats["total"]["total"], 2, "[{e}] {stats}");
        assert_eq!(stats["total"]["signed_off"], 1, "[{e}]");
        assert_eq!(stats["total"]["rate"], 100.0, "[{e}] the reopened finding has no plan yet, so it is not due");
        assert_eq!(stats["total"]["overdue_measures"], 0, "[{e}]");
        assert_eq!(stats["look_back"]["recurred"], 1, "[{e}]");
        assert_eq!(stats["look_back"]["reopened"], 1, "[{e}]");
        assert_eq!(stats["look_back"]["recurrence_rate"], 100.0, "[{e}]");
        let cat =
            stats["by_category"].as_array().unwrap().iter().find(|c| c["key"] == "public_dining").unwrap().clone();
        assert_eq!(cat["tally"]["total"], 2, "[{e}] {cat}");
        assert_eq!(stats["by_unit"][0]["unit_id"], org.unit("ZHK"), "[{e}]");
        assert_eq!(s.get("/api/v1/findings?look_back=recurred").await.json()["total"], 1, "[{e}]");
        assert_eq!(s.get("/api/v1/findings?recurrence=true").await.json()["total"], 1, "[{e}]");
        assert_eq!(s.get("/api/v1/findings?state=已销号").await.json()["total"], 1, "[{e}] states by label");
        let r = s.get("/api/v1/findings?state=done").await;
        assert_api_error(&e, "unknown state filter", &r, 400, Some("state"));

        // every write was audited
        for (entity, action, n) in [
            ("finding", "create", 2),
            ("finding", "update", 1),
            ("finding", "feedback", 1),
            ("finding", "sign_off_request", 2),
            ("finding", "return", 1),
            ("finding", "sign_off", 1),
            ("finding", "look_back", 1),
            ("rectification_measure", "create", 2),
            ("rectification_update", "create", 3),
        ] {
            assert_eq!(s.audit_count_of(entity, action).await, n, "[{e}] audit {entity} {action}");
        }
        s.finish().await;
    }
}

/// A custom role that lists `finding:sign_off` itself acts as the group; `*` does not.
#[tokio::test]
async fn a_custom_role_listing_sign_off_is_the_group() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "jjz", "name": "纪检组（自定义）", "scope": "all",
                        "permissions": ["finding:read", "finding:write", "finding:sign_off", "rectification:write"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] define role: {}", r.text());
        let custom = user(&s, "jjz", Some(org.person("陈静")), &["jjz"]).await;
        let r = custom
            .post(&s, "/api/v1/findings", &json!({"unit_id": org.unit("DCS"), "source": "监督检查", "category": "工作纪律", "description": "督查通报未经集体研究", "found_on": day(-3)}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        assert_eq!(r.json()["origin"], "supervision", "[{e}] the custom role records for the group");
        let fid = id(&r.json());
        // the admin records a self-check finding (its `*` does not make it the group)
        let r = s
            .post_json("/api/v1/findings", &json!({"unit_id": org.unit("DCS"), "category": "作风建设", "description": "自查：值班记录不全", "found_on": day(-1)}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        assert_eq!(
            (r.json()["origin"].as_str(), r.json()["state"].as_str()),
            (Some("self"), Some("fed_back")),
            "[{e}]"
        );
        let r = s.post_json(&format!("/api/v1/findings/{fid}/feedback"), &json!({})).await;
        assert_api_error(&e, "the admin feeds back", &r, 403, None);
        let r = custom.post(&s, &format!("/api/v1/findings/{fid}/feedback"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let r = custom
            .post(
                &s,
                &format!("/api/v1/findings/{fid}/measures"),
                &json!({"text": "建立集体研究制度", "responsible_person_id": org.person("赵强"), "deadline": day(5)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let m = id(&r.json());
        let r = custom
            .post(
                &s,
                &format!("/api/v1/rectifications/{m}/updates"),
                &json!({"update_date": today().to_string(), "text": "已建立", "completes": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = custom
            .post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &json!({"evidence": "制度文件"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let r = s.post_json(&format!("/api/v1/findings/{fid}/sign-off"), &json!({})).await;
        let err = assert_api_error(&e, "admin signs off", &r, 403, None);
        assert_eq!(err["message"], "只有纪检监察组可以验收销号", "[{e}]");
        let r = custom.post(&s, &format!("/api/v1/findings/{fid}/sign-off"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] custom role signs off: {}", r.text());
        assert_eq!(r.json()["state"], "signed_off", "[{e}]");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ scope

#[tokio::test]
async fn self_check_findings_and_data_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let c = cast(&s, &org).await;

        // the unit records its own problem: a self-check finding, fed back already
        let r = c.zhk.post(&s, "/api/v1/findings", &json!({"unit_id": org.unit("ZHK"), "source": "巡察", "category": "形式主义官僚主义", "description": "重复填表报数", "found_on": day(-2)})).await;
        let err = assert_api_error(&e, "a unit records a 巡察 finding", &r, 422, Some("source"));
        assert!(err["message"].as_str().unwrap().contains("自查自纠"), "[{e}] {err}");
        let r = c.zhk.post(&s, "/api/v1/findings", &json!({"unit_id": org.unit("XXK"), "category": "形式主义官僚主义", "description": "信息科重复填表报数", "found_on": day(-2), "responsible_person_id": org.person("周伟")})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] self-check: {}", r.text());
        let own = r.json();
        assert_eq!(
            (own["origin"].as_str(), own["state"].as_str(), own["source"].as_str()),
            (Some("self"), Some("fed_back"), Some("self_check")),
            "[{e}]"
        );
        assert_eq!(own["actions"], json!(["add_measure"]), "[{e}] {own}");
        let own_id = id(&own);
        let r = c
            .zhk
            .post(
                &s,
                "/api/v1/findings",
                &json!({"unit_id": org.unit("DCS"), "category": "作风建设", "description": "x", "found_on": day(-1)}),
            )
            .await;
        assert_api_error(&e, "a finding for a unit outside the scope", &r, 422, Some("unit_id"));

        // the group records one in 督查室 and one in 综合科
        let rec = |unit: i64, text: &str| json!({"unit_id": unit, "source": "监督检查", "category": "工作纪律", "description": text, "found_on": day(-5)});
        let dcs_id = id(&c.jijian.post(&s, "/api/v1/findings", &rec(org.unit("DCS"), "督查室督办超期")).await.json());
        let zhk_id = id(&c.jijian.post(&s, "/api/v1/findings", &rec(org.unit("ZHK"), "综合科值班脱岗")).await.json());
        for fid in [dcs_id, zhk_id] {
            let r = c.jijian.post(&s, &format!("/api/v1/findings/{fid}/feedback"), &json!({})).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}]");
        }

        // another unit's principal: 404 on read and on every step, absent from lists and exports
        let audit = s.audit_count().await;
        assert_eq!(c.zhk.get(&s, &format!("/api/v1/findings/{dcs_id}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{dcs_id}/measures"),
                &json!({"text": "x", "responsible_person_id": org.person("王芳"), "deadline": day(3)}),
            )
            .await;
        assert_api_error(&e, "a measure on another unit's finding", &r, 404, None);
        let r = c.zhk.post(&s, &format!("/api/v1/findings/{dcs_id}/sign-off-request"), &json!({"evidence": "x"})).await;
        assert_api_error(&e, "a request on another unit's finding", &r, 404, None);
        assert_eq!(s.audit_count().await, audit, "[{e}] nothing written");
        let list = c.zhk.get(&s, "/api/v1/findings?per_page=100").await.json();
        let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(list["total"], 2, "[{e}] {ids:?}");
        assert!(ids.contains(&own_id) && ids.contains(&zhk_id) && !ids.contains(&dcs_id), "[{e}] {ids:?}");
        assert_eq!(
            c.zhk.get(&s, &format!("/api/v1/findings?unit={}", org.unit("DCS"))).await.json()["total"],
            0,
            "[{e}]"
        );
        let r = c.zhk.get(&s, "/api/v1/findings/export.xlsx").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}]");
        let text = read_xlsx(&r.bytes).concat().join("|");
        assert!(text.contains("综合科值班脱岗") && !text.contains("督查室督办超期"), "[{e}] export leaks: {text}");
        let dcs_list = c.dcs.get(&s, "/api/v1/findings").await.json();
        assert_eq!(dcs_list["total"], 1, "[{e}] {dcs_list}");
        assert_eq!(id(&dcs_list["items"][0]), dcs_id, "[{e}]");
        assert_eq!(c.dcs.get(&s, &format!("/api/v1/findings/{zhk_id}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        let stats = c.dcs.get(&s, "/api/v1/findings/stats").await.json();
        assert_eq!(stats["total"]["total"], 1, "[{e}] the figures follow the scope");

        // 仅本人: the member sees the finding he answers for, and the measures he answers for
        let mine = c.member.get(&s, "/api/v1/findings").await.json();
        assert_eq!(mine["total"], 1, "[{e}] {mine}");
        assert_eq!(id(&mine["items"][0]), own_id, "[{e}]");
        assert_eq!(
            c.member.get(&s, &format!("/api/v1/findings/{zhk_id}")).await.status,
            StatusCode::NOT_FOUND,
            "[{e}]"
        );
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{zhk_id}/measures"),
                &json!({"text": "值班制度再学习", "responsible_person_id": org.person("周伟"), "deadline": day(3)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let measures = c.member.get(&s, "/api/v1/rectifications").await.json();
        assert_eq!(measures["total"], 1, "[{e}] {measures}");
        assert_eq!(
            c.member.get(&s, &format!("/api/v1/findings/{zhk_id}")).await.status,
            StatusCode::OK,
            "[{e}] his measure opens the finding"
        );
        // the member records nothing (no finding:write) and signs nothing off
        let r = c.member.post(&s, "/api/v1/findings", &json!({})).await;
        assert_api_error(&e, "member records a finding", &r, 403, None);
        let r = c.member.post(&s, &format!("/api/v1/findings/{zhk_id}/sign-off"), &json!({})).await;
        assert_api_error(&e, "member signs off", &r, 403, None);
        s.finish().await;
    }
}

// ------------------------------------------------------------------ campaigns

#[tokio::test]
async fn campaigns_link_findings_and_tasks_and_show_progress() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let c = cast(&s, &org).await;
        let plan = s.post_json("/api/v1/work-plans", &json!({"year": today().format("%Y").to_string().parse::<i64>().unwrap(), "unit_id": org.unit("XWB"), "title": "工作要点"})).await;
        assert_eq!(plan.status, StatusCode::CREATED, "[{e}] {}", plan.text());
        let task = s.post_json("/api/v1/tasks", &json!({"plan_id": id(&plan.json()), "title": "开展违规吃喝专项整治", "lead_unit_id": org.unit("ZHK"), "deadline": day(60)})).await;
        assert_eq!(task.status, StatusCode::CREATED, "[{e}] {}", task.text());
        let task_id = id(&task.json());

        let r = c
            .jijian
            .post(
                &s,
                "/api/v1/campaigns",
                &json!({"name": "违规吃喝专项整治", "start_date": day(-10), "end_date": day(-20), "unit_ids": []}),
            )
            .await;
        let err = assert_api_error(&e, "a campaign ending before it starts", &r, 422, None);
        let fields: Vec<&str> =
            err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"end_date") && fields.contains(&"unit_ids"), "[{e}] {err}");
        let r = c.zhk.post(&s, "/api/v1/campaigns", &json!({})).await;
        assert_api_error(&e, "a unit deploys a campaign", &r, 403, None);
        let r = c
            .jijian
            .post(
                &s,
                "/api/v1/campaigns",
                &json!({"name": "违规吃喝专项整治", "start_date": day(-10), "end_date": day(80),
            "goals": "查纠违规吃喝", "unit_ids": [org.unit("ZHK")], "task_ids": [task_id]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] campaign: {}", r.text());
        let cid = id(&r.json());

        // findings of the campaign: within its units only
        let rec = |unit: i64, text: &str| json!({"unit_id": unit, "source": "监督检查", "category": "违规公款吃喝", "description": text, "found_on": day(-5), "campaign_id": cid});
        let r = c.jijian.post(&s, "/api/v1/findings", &rec(org.unit("DCS"), "督查室")).await;
        assert_api_error(&e, "a campaign finding outside its units", &r, 422, Some("campaign_id"));
        let f1 = id(&c.jijian.post(&s, "/api/v1/findings", &rec(org.unit("ZHK"), "综合科公款聚餐")).await.json());
        let f2 = id(&c.jijian.post(&s, "/api/v1/findings", &rec(org.unit("XXK"), "信息科接受宴请")).await.json());
        c.jijian.post(&s, &format!("/api/v1/findings/{f1}/feedback"), &json!({})).await;
        let r = c
            .zhk
            .post(
                &s,
                &format!("/api/v1/findings/{f1}/measures"),
                &json!({"text": "退还餐费", "responsible_person_id": org.person("王芳"), "deadline": day(-1)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let _ = f2;

        let list = s.get("/api/v1/campaigns").await.json();
        assert_eq!(list["total"], 1, "[{e}] {list}");
        let v = c.jijian.get(&s, &format!("/api/v1/campaigns/{cid}")).await.json();
        assert_eq!(v["units"][0]["id"], org.unit("ZHK"), "[{e}] {v}");
        assert_eq!(v["tasks"][0]["id"], task_id, "[{e}]");
        assert_eq!(v["progress"]["total"]["total"], 2, "[{e}]");
        let states: Vec<(String, i64)> = v["progress"]["by_state"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["state"].as_str().unwrap().to_string(), x["count"].as_i64().unwrap()))
            .collect();
        assert!(
            states.contains(&("recorded".into(), 1)) && states.contains(&("rectifying".into(), 1)),
            "[{e}] {states:?}"
        );
        assert_eq!(v["progress"]["total"]["due"], 1, "[{e}] the plan's deadline has passed");
        assert_eq!(v["progress"]["total"]["rate"], 0.0, "[{e}]");
        assert_eq!(v["overdue_measures"].as_array().unwrap().len(), 1, "[{e}]");
        assert_eq!(s.get(&format!("/api/v1/findings?campaign={cid}")).await.json()["total"], 2, "[{e}]");
        // the principal of 督查室 sees the campaign, but none of its findings
        let v = c.dcs.get(&s, &format!("/api/v1/campaigns/{cid}")).await.json();
        assert_eq!(v["progress"]["total"]["total"], 0, "[{e}] {v}");
        assert_eq!(s.get("/api/v1/campaigns/99999").await.status, StatusCode::NOT_FOUND, "[{e}]");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ Excel

const STANDARD: [&str; 10] =
    ["序号", "问题描述", "问题类别", "整改措施", "责任领导", "责任人", "整改时限", "整改进展", "完成情况", "是否销号"];
const FINDING_COLUMNS: [&str; 9] =
    ["问题描述", "问题类别", "责任单位", "问题来源", "严重程度", "发现日期", "问题责任领导", "问题责任人", "专项整治"];

/// The findings of an exported sheet by their finding columns (one entry per finding).
fn findings_of(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    let h = header_row(rows, &STANDARD).expect("the header row");
    let cols: Vec<usize> =
        FINDING_COLUMNS.iter().map(|c| rows[h].iter().position(|x| x == c).expect("column")).collect();
    let mut out: Vec<Vec<String>> =
        rows[h + 1..].iter().map(|r| cols.iter().map(|i| r.get(*i).cloned().unwrap_or_default()).collect()).collect();
    out.sort();
    out.dedup();
    out
}

pub(crate) async fn seed_findings(s: &Server, org: &Org, jijian: &User, zhk: &User) {
    let r = jijian.post(s, "/api/v1/campaigns", &json!({"name": "违规吃喝专项整治", "start_date": day(-30), "end_date": day(30), "unit_ids": [org.unit("XWB")]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    let cid = id(&r.json());
    let specs = [
        json!({"unit_id": org.unit("ZHK"), "source": "巡察", "category": "违规公款吃喝", "description": "以调研名义公款吃喝", "severity": "较重",
               "found_on": day(-20), "responsible_leader_id": org.person("李明"), "responsible_person_id": org.person("王芳"), "campaign_id": cid}),
        json!({"unit_id": org.unit("DCS"), "source": "审计", "category": "违规发放津补贴或福利", "description": "违规发放加班补贴",
               "found_on": day(-15), "responsible_person_id": org.person("赵强")}),
        json!({"unit_id": org.unit("XXK"), "source": "信访举报", "category": "不担当不作为乱作为假作为", "description": "群众诉求推诿不办", "severity": "严重",
               "found_on": day(-10)}),
    ];
    let mut ids = vec![];
    for b in specs {
        let r = jijian.post(s, "/api/v1/findings", &b).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
        ids.push(id(&r.json()));
    }
    jijian.post(s, &format!("/api/v1/findings/{}/feedback", ids[0]), &json!({})).await;
    for (text, person, deadline) in [("退还餐费", "王芳", day(5)), ("修订接待办法", "周伟", day(-1))] {
        let r = zhk
            .post(s, &format!("/api/v1/findings/{}/measures", ids[0]), &json!({"text": text, "responsible_leader_id": org.person("李明"), "responsible_person_id": org.person(person), "deadline": deadline}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    }
}

#[tokio::test]
async fn export_import_round_trip() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let c = cast(&s, &org).await;
        seed_findings(&s, &org, &c.jijian, &c.zhk).await;
        // two progress reports on 退还餐费: its 整改进展 is the later one, dated
        let measures = s.get("/api/v1/rectifications").await.json();
        let refund = measures["items"].as_array().unwrap().iter().find(|m| m["text"] == "退还餐费").expect("退还餐费")
            ["id"]
            .as_i64()
            .unwrap();
        for (date, text) in [(day(-2), "已通知相关人员"), (day(-1), "已退还一半费用")] {
            let r = c
                .zhk
                .post(
                    &s,
                    &format!("/api/v1/rectifications/{refund}/updates"),
                    &json!({"update_date": date, "text": text}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        }

        // the 整改台账: the ten columns offices use, one row per measure
        let r = c.jijian.get(&s, "/api/v1/findings/export.xlsx").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] export: {}", r.text());
        assert!(r.header("content-type").unwrap().contains("spreadsheetml"), "[{e}]");
        let exported = r.bytes.clone();
        let rows = read_xlsx(&exported);
        let h = header_row(&rows, &STANDARD).expect("the 整改台账 header");
        assert_eq!(
            rows[h][..10].to_vec(),
            STANDARD.map(String::from).to_vec(),
            "[{e}] the standard layout comes first"
        );
        let data: Vec<&Vec<String>> = rows[h + 1..].iter().collect();
        assert_eq!(data.len(), 4, "[{e}] two measure rows + two findings without measures: {data:?}");
        // the finding with two measures: its description on the first row, merged over the second
        let at = data.iter().position(|r| r[1] == "以调研名义公款吃喝").expect("the finding with measures");
        let measure_rows = [data[at], data[at + 1]];
        assert_eq!(measure_rows[1][3], "修订接待办法", "[{e}] {:?}", measure_rows[1]);
        assert_eq!(measure_rows[0][3], "退还餐费", "[{e}] {:?}", measure_rows[0]);
        assert_eq!(measure_rows[0][4], "李明", "[{e}]");
        assert_eq!(measure_rows[0][5], "王芳", "[{e}]");
        assert_eq!(measure_rows[0][6], day(5), "[{e}]");
        assert_eq!(measure_rows[0][7], format!("{}：已退还一半费用", day(-1)), "[{e}] the latest progress");
        assert_eq!(measure_rows[1][7], "", "[{e}] no progress yet");
        assert_eq!(measure_rows[1][8], "逾期未完成", "[{e}]");
        assert_eq!(measure_rows[0][9], "否", "[{e}]");
        assert!(!measure_rows[0][0].is_empty(), "[{e}] the 序号 on the first row");
        // one 序号 per finding: the finding's columns are merged over its measures' rows
        let first = at + h + 1;
        let merged = merged_regions(&exported);
        for col in [0, 1, 2, 9, 10, 18] {
            let region = ((first as u32, col), (first as u32 + 1, col));
            assert!(merged.contains(&region), "[{e}] column {col} merged over the measures: {merged:?}");
        }

        // importing the export back changes nothing
        let audit = s.audit_count().await;
        let r = c.jijian.upload(&s, "/api/v1/findings/import?commit=true", exported.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] re-import: {}", r.text());
        let report = r.json();
        assert_eq!(report["errors"], json!([]), "[{e}] {report}");
        assert_eq!(
            (report["valid"].as_i64(), report["created"].as_i64(), report["updated"].as_i64()),
            (Some(3), Some(0), Some(0)),
            "[{e}] {report}"
        );
        assert_eq!(s.count("findings").await, 3, "[{e}]");
        assert_eq!(s.audit_count_of("finding", "create").await, 3, "[{e}]");
        assert!(s.audit_count().await <= audit + 1, "[{e}] at most the import summary");

        // into another office with the same units and people: the same findings
        let other = Server::start(fresh_db(s.db.engine()).await).await;
        let org2 = seed_org(&other).await;
        let jj2 = user(&other, "jijian", Some(org2.person("陈静")), &["supervisor"]).await;
        jj2.post(&other, "/api/v1/campaigns", &json!({"name": "违规吃喝专项整治", "start_date": day(-30), "end_date": day(30), "unit_ids": [org2.unit("XWB")]})).await;
        let mut sheet = read_xlsx(&exported);
        let id_col = sheet[h].iter().position(|x| x == "问题编号").unwrap();
        for row in sheet.iter_mut().skip(h + 1) {
            row[id_col] = String::new();
        }
        let bytes = write_xlsx(&sheet);
        let r = jj2.upload(&other, "/api/v1/findings/import", bytes.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] validate: {}", r.text());
        assert_eq!(r.json()["valid"], 3, "[{e}] {}", r.text());
        assert_eq!(r.json()["committed"], false, "[{e}]");
        assert_eq!(other.count("findings").await, 0, "[{e}] validation writes nothing");
        let r = jj2.upload(&other, "/api/v1/findings/import?commit=true", bytes).await;
        assert_eq!(r.json()["created"], 3, "[{e}] {}", r.text());
        let again = read_xlsx(&jj2.get(&other, "/api/v1/findings/export.xlsx").await.bytes);
        assert_eq!(findings_of(&again), findings_of(&rows), "[{e}] the same findings");
        let states = jj2.get(&other, "/api/v1/findings").await.json();
        assert!(
            states["items"].as_array().unwrap().iter().all(|f| f["state"] == "recorded"),
            "[{e}] imported findings start recorded"
        );
        other.finish().await;

        // a 巡察 list as received: per-row errors, validate then commit the valid rows
        let (d3, d1) = (day(-3), day(1));
        let row = |cells: &[&str]| cells.iter().map(|x| x.to_string()).collect::<Vec<String>>();
        let list = vec![
            row(&["巡察反馈问题清单"]),
            row(&["序号", "问题描述", "问题类别", "责任单位", "问题来源", "发现日期", "责任人"]),
            row(&["1", "公务接待无公函", "提供或接受超标准接待", "综合科", "巡察", &d3, "王芳"]),
            row(&["2", "私车公养", "打牌", "综合科", "巡察", &d3, ""]),
            row(&["3", "值班脱岗", "工作纪律", "不存在的科", "巡察", &d3, ""]),
            row(&["4", "借阅登记不全", "工作纪律", "XXK", "巡察", "2026-13-01", "查无此人"]),
            row(&["5", "会议过多", "形式主义", "DCS", "巡察", &d1, ""]),
        ];
        let bytes = write_xlsx(&list);
        let before = s.count("findings").await;
        let r = c.jijian.upload(&s, "/api/v1/findings/import", bytes.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let report = r.json();
        assert_eq!(report["valid"], 1, "[{e}] {report}");
        let errs: Vec<(i64, String)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["row"].as_i64().unwrap(), x["column"].as_str().unwrap().to_string()))
            .collect();
        for expected in
            [(4, "问题类别"), (5, "责任单位"), (6, "发现日期"), (6, "责任人"), (7, "问题类别"), (7, "发现日期")]
        {
            assert!(errs.contains(&(expected.0, expected.1.to_string())), "[{e}] missing {expected:?} in {errs:?}");
        }
        assert_eq!(s.count("findings").await, before, "[{e}] validation writes nothing");
        let r = c.jijian.upload(&s, "/api/v1/findings/import?commit=true", bytes).await;
        assert_eq!(r.json()["created"], 1, "[{e}] {}", r.text());
        let imported = s.get("/api/v1/findings?q=无公函").await.json();
        assert_eq!(imported["items"][0]["category"], "reception", "[{e}] {imported}");
        assert_eq!(imported["items"][0]["responsible_person_id"], org.person("王芳"), "[{e}]");
        assert_eq!(imported["items"][0]["origin"], "supervision", "[{e}]");

        // the unit may not import outside its scope, and needs finding:import at all
        let r = c.zhk.upload(&s, "/api/v1/findings/import", write_xlsx(&list)).await;
        assert_api_error(&e, "import without finding:import", &r, 403, None);
        let r = s.upload("/api/v1/findings/import", b"not a spreadsheet".to_vec()).await;
        assert_api_error(&e, "a file that is not xlsx", &r, 400, Some("file"));
        let t = c.jijian.get(&s, "/api/v1/findings/import-template.xlsx").await;
        assert_eq!(t.status, StatusCode::OK, "[{e}]");
        assert!(header_row(&read_xlsx(&t.bytes), &STANDARD).is_some(), "[{e}] the template has the layout");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ pages

#[tokio::test]
async fn the_pages_render_and_their_forms_work() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let c = cast(&s, &org).await;
        seed_findings(&s, &org, &c.jijian, &c.zhk).await;
        let first = c.jijian.get(&s, "/api/v1/findings?q=以调研名义").await.json();
        let fid = id(&first["items"][0]);
        let (cid,): (i64,) = s.db.fetch_one("SELECT id FROM campaigns", vec![]).await.unwrap();

        for (path, text) in [
            ("/findings".to_string(), "问题清单"),
            ("/findings?state=rectifying&overdue=true".to_string(), "以调研名义公款吃喝"),
            ("/findings/new".to_string(), "问题描述"),
            (format!("/findings/{fid}"), "办理过程"),
            ("/findings/dashboard".to_string(), "整改率"),
            ("/campaigns".to_string(), "违规吃喝专项整治"),
            (format!("/campaigns/{cid}"), "逾期整改措施"),
            ("/findings/import".to_string(), "导入模板"),
        ] {
            let r = c.jijian.get(&s, &path).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] GET {path}: {}", r.text());
            let html = r.text();
            assert!(html.contains(text), "[{e}] {path} lacks {text}");
            assert!(html.contains("href=\"/findings\""), "[{e}] {path}: the nav links 问题整改");
        }
        let page = c.jijian.get(&s, &format!("/findings/{fid}")).await.text();
        assert!(page.contains("退还餐费") && page.contains("逾期未完成"), "[{e}] measures on the page");
        assert!(
            !page.contains(&format!("action=\"/findings/{fid}/sign-off\"")),
            "[{e}] no sign-off form while rectifying"
        );
        let unit_page = c.zhk.get(&s, &format!("/findings/{fid}")).await.text();
        assert!(unit_page.contains(&format!("action=\"/findings/{fid}/updates\"")), "[{e}] the unit reports progress");
        assert!(unit_page.contains("name=\"csrf_token\""), "[{e}]");
        // a member without finding:read on campaigns sees no campaign link, and cannot open the page
        assert_eq!(c.member.get(&s, "/campaigns").await.status, StatusCode::FORBIDDEN, "[{e}]");
        assert_eq!(c.dcs.get(&s, &format!("/findings/{fid}")).await.status, StatusCode::NOT_FOUND, "[{e}]");

        // the new-finding form: errors beside the fields, then a redirect to the finding
        let r = c.jijian.form(&s, "/findings/new", &[("source", "巡察"), ("category", ""), ("description", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] {}", r.text());
        assert!(r.text().contains("问题类别不能为空"), "[{e}]");
        let dcs = org.unit("DCS").to_string();
        let found = day(-1);
        let r = c
            .jijian
            .form(
                &s,
                "/findings/new",
                &[
                    ("unit_id", &dcs),
                    ("source", "patrol"),
                    ("category", "work"),
                    ("severity", "general"),
                    ("found_on", &found),
                    ("description", "表单登记的问题"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        let loc = r.header("location").unwrap();
        let new_id: i64 = loc.trim_start_matches("/findings/").parse().unwrap();
        // feedback by form; a measure without a person comes back with the error; then the plan
        let r = c.jijian.form(&s, &format!("/findings/{new_id}/feedback"), &[("note", "请整改")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        let r = c
            .dcs
            .form(&s, &format!("/findings/{new_id}/measures"), &[("text", "建立制度"), ("deadline", &day(7))])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] {}", r.text());
        assert!(r.text().contains("每项整改措施都要有责任人"), "[{e}]");
        let r = c.dcs.form(&s, &format!("/findings/{new_id}/sign-off-request"), &[("evidence", "x")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] a refused step shows its reason on the page");
        assert!(r.text().contains("尚未制定整改方案"), "[{e}]");
        let zhao = org.person("赵强").to_string();
        let r = c
            .dcs
            .form(
                &s,
                &format!("/findings/{new_id}/measures"),
                &[("text", "建立制度"), ("responsible_person_id", &zhao), ("deadline", &day(7))],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        assert_eq!(state_of(&s, new_id).await, "rectifying", "[{e}]");
        // the admin's sign-off form is refused with the group's message
        let r = s
            .send(
                s.client.post(s.url(&format!("/findings/{new_id}/sign-off"))).form(&[("csrf_token", s.csrf.as_str())]),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {}", r.text());
        assert!(r.text().contains("只有纪检监察组可以验收销号"), "[{e}]");
        // a campaign through its form
        let xwb = org.unit("XWB").to_string();
        let r = c.jijian.form(&s, "/campaigns", &[("name", ""), ("start_date", &day(0)), ("end_date", &day(9))]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");
        let r = c
            .jijian
            .form(
                &s,
                "/campaigns",
                &[("name", "文山会海专项整治"), ("start_date", &day(0)), ("end_date", &day(9)), ("unit_ids", &xwb)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        // the import page: upload → the validation report with a confirmation → confirm
        let sheet = write_xlsx(&[
            ["序号", "问题描述", "问题类别", "责任单位", "问题来源", "发现日期"].map(String::from).to_vec(),
            ["1", "页面导入的问题", "廉洁纪律", "督查室", "审计", found.as_str()].map(String::from).to_vec(),
            ["2", "有错误的行", "打牌", "督查室", "审计", found.as_str()].map(String::from).to_vec(),
        ]);
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", c.jijian.csrf.clone())
            .text("commit", "false")
            .part("file", reqwest::multipart::Part::bytes(sheet).file_name("list.xlsx"));
        let r = s
            .send(
                c.jijian.client.post(s.url("/findings/import")).header("X-CSRF-Token", &c.jijian.csrf).multipart(form),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let html = r.text();
        assert!(html.contains("校验结果") && html.contains("不在问题类别字典中"), "[{e}] {html}");
        let token =
            html.split("name=\"pending\" value=\"").nth(1).and_then(|x| x.split('"').next()).expect("a pending token");
        let before = s.count("findings").await;
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", c.jijian.csrf.clone())
            .text("pending", token.to_string())
            .text("commit", "true");
        let r = s
            .send(
                c.jijian.client.post(s.url("/findings/import")).header("X-CSRF-Token", &c.jijian.csrf).multipart(form),
            )
            .await;
        assert!(r.text().contains("导入完成"), "[{e}] {}", r.text());
        assert_eq!(s.count("findings").await, before + 1, "[{e}] only the valid row");
        // the dashboard's figures come from the stats API it names
        let dash = c.jijian.get(&s, "/findings/dashboard").await.text();
        assert!(dash.contains("data-finding-chart=\"categories\"") && dash.contains("/api/v1/findings/stats"), "[{e}]");
        assert!(dash.contains("/findings?overdue=true"), "[{e}] the numbers drill down");
        s.finish().await;
    }
}

/// Uploads an evidence file as `who` (multipart: the file, its part and measure).
async fn evidence(s: &Server, who: &User, finding: i64, name: &str, part: &str, measure: Option<i64>) -> Resp {
    let file = reqwest::multipart::Part::bytes(b"%PDF-1.4 evidence".to_vec()).file_name(name.to_string());
    let mut form = reqwest::multipart::Form::new().text("part", part.to_string()).part("file", file);
    if let Some(m) = measure {
        form = form.text("measure_id", m.to_string());
    }
    let url = s.url(&format!("/api/v1/findings/{finding}/evidence"));
    s.send(who.client.post(url).header("X-CSRF-Token", &who.csrf).multipart(form)).await
}

#[tokio::test]
async fn evidence_files_for_measures_progress_and_the_request() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let c = cast(&s, &org).await;
        let body = json!({"unit_id": org.unit("XXK"), "category": "形式主义官僚主义", "description": "重复填表", "found_on": day(-2)});
        let fid = id(&c.zhk.post(&s, "/api/v1/findings", &body).await.json());
        let measure = json!({"text": "清理报表", "responsible_person_id": org.person("周伟"), "deadline": day(3)});
        let r = c.zhk.post(&s, &format!("/api/v1/findings/{fid}/measures"), &measure).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] measure: {}", r.text());
        let m = r.json()["id"].as_i64().or_else(|| r.json()["measure_id"].as_i64()).expect("measure id");

        // a file for the measure: stored with its part and real size, audited
        let audit = s.audit_count_of("finding_evidence", "create").await;
        let r = evidence(&s, &c.zhk, fid, "整改方案.pdf", "measure", Some(m)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] evidence: {}", r.text());
        let file = r.json();
        assert_eq!((file["part"].as_str(), file["size"].as_i64()), (Some("measure"), Some(17)), "[{e}] {file}");
        assert_eq!(s.audit_count_of("finding_evidence", "create").await, audit + 1, "[{e}] audited");
        let trail = s.get("/system/audit?entity=finding_evidence").await.text();
        assert!(trail.contains("新增整改佐证材料") && trail.contains("整改方案.pdf"), "[{e}] the trail reads in words");
        assert!(trail.contains("材料类别") && !trail.contains("\"part\""), "[{e}] labels, not keys");
        let got = c.zhk.get(&s, &format!("/api/v1/finding-evidence/{}", id(&file))).await;
        assert_eq!((got.status, got.bytes.as_slice()), (StatusCode::OK, b"%PDF-1.4 evidence".as_slice()), "[{e}]");

        // refused: progress without its measure, a file type not accepted, another unit's finding
        let r = evidence(&s, &c.zhk, fid, "进展.pdf", "progress", None).await;
        assert_api_error(&e, "progress evidence without a measure", &r, 422, Some("measure_id"));
        let r = evidence(&s, &c.zhk, fid, "脚本.exe", "request", None).await;
        assert_api_error(&e, "an .exe", &r, 400, Some("file"));
        let r = evidence(&s, &c.dcs, fid, "x.pdf", "request", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] out of scope: {}", r.text());
        let r = c.dcs.get(&s, &format!("/api/v1/finding-evidence/{}", id(&file))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] out of scope download");

        // the finding page lists the file with its size, and offers the upload form
        let page = c.zhk.get(&s, &format!("/findings/{fid}")).await.text();
        assert!(page.contains("整改方案.pdf") && page.contains("17 B") && page.contains("上传佐证材料"), "[{e}]");
        // the uploader by their name, not their username
        let row = page.split("整改方案.pdf").nth(1).and_then(|x| x.split("</tr>").next()).unwrap_or_default();
        assert!(row.contains("<td>王芳</td>") && !row.contains("wangfang"), "[{e}] uploader: {row}");
        assert_eq!(file["uploader"], "王芳", "[{e}] the API too: {file}");

        // after sign-off the file of the finding is closed
        let update =
            json!({"update_date": today().to_string(), "text": "已清理", "evidence": "报表清单", "completes": true});
        let r = c.zhk.post(&s, &format!("/api/v1/rectifications/{m}/updates"), &update).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] update: {}", r.text());
        let r = evidence(&s, &c.zhk, fid, "销号申请.pdf", "request", None).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] request evidence: {}", r.text());
        let r =
            c.zhk.post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &json!({"evidence": "整改报告"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] request: {}", r.text());
        let r = c.jijian.post(&s, &format!("/api/v1/findings/{fid}/sign-off"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] sign-off: {}", r.text());
        let r = evidence(&s, &c.zhk, fid, "迟到.pdf", "request", None).await;
        assert_api_error(&e, "evidence after sign-off", &r, 409, None);
        s.finish().await;
    }
}
