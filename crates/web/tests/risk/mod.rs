//! 廉政风险防控 end to end on both engines: proposing points within scope, the yearly review
//! (提交审核 → 退回 with a reason / 确认, refused without a level or a control measure, naming what
//! is missing), the notification of each step, read-only roles, the finding → risk point link and
//! raising an occurred point, copying last year's register forward, the heat map and the pages.

use chrono::{Datelike, Duration};
use qingfeng_store::fulfilment::today;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::step_notices::told;
use crate::support::{assert_api_error, header_row, read_xlsx, seed_org, servers, user, Org, Resp, Server};

fn day(n: i64) -> String {
    (today() + Duration::days(n)).to_string()
}

fn year() -> i32 {
    today().year()
}

/// A complete point of 综合科 (level and one measure with its person).
fn complete(org: &Org, point: &str, level: &str, review_on: &str) -> Value {
    json!({"unit_id": org.unit("ZHK"), "category": "岗位职责风险", "post": "公务接待", "power": "接待审批",
           "point": point, "manifestation": "超标准接待", "level": level, "head_id": org.person("王芳"),
           "leader_id": org.person("李明"),
           "measures": [{"text": "执行接待清单制度", "person_id": org.person("周伟"), "review_on": review_on}]})
}

/// The id of a point just proposed (`r` answers `POST /api/v1/risk-points`).
fn created(s: &Server, r: Resp) -> i64 {
    assert_eq!(r.status, StatusCode::CREATED, "[{}] propose: {}", s.engine, r.text());
    assert_eq!(r.json()["state"], json!("draft"));
    r.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_yearly_review_tells_who_acts_and_refuses_incomplete_points() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jijian = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let wang = user(&s, "wangfang", Some(org.person("王芳")), &["principal"]).await;
        let li = user(&s, "liming", Some(org.person("李明")), &["leader"]).await;
        let zhou = user(&s, "zhouwei", Some(org.person("周伟")), &["member"]).await;
        let all = [&jijian, &wang, &li, &zhou];

        // a proposal may lack level and measures; the unit must be in the proposer's scope
        let bare = json!({"unit_id": org.unit("ZHK"), "category": "业务流程", "post": "财务报销", "point": "虚报冒领"});
        let incomplete = created(&s, wang.post(&s, "/api/v1/risk-points", &bare).await);
        let full =
            created(&s, wang.post(&s, "/api/v1/risk-points", &complete(&org, "超标准接待", "高", &day(30))).await);
        let r = wang
            .post(
                &s,
                "/api/v1/risk-points",
                &json!({"unit_id": org.unit("DCS"), "category": "post", "post": "督查", "point": "x"}),
            )
            .await;
        assert_api_error(&e, "another unit", &r, 422, Some("unit_id"));
        let r = wang
            .post(
                &s,
                "/api/v1/risk-points",
                &json!({"unit_id": org.unit("ZHK"), "category": "post", "post": "p", "point": "x",
            "measures": [{"text": "没有责任人的措施"}]}),
            )
            .await;
        let body = assert_api_error(&e, "measure without person", &r, 422, Some("measures"));
        assert!(body.to_string().contains("责任人"), "[{e}] {body}");
        for (who, u) in [("一般干部", &zhou), ("分管领导", &li), ("纪检监察组", &jijian)] {
            let r = u.post(&s, "/api/v1/risk-points", &bare).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {who} proposes: {}", r.text());
        }

        // 提交审核 → the 纪检监察组 is told, nobody else
        let unit_year = json!({"unit_id": org.unit("ZHK"), "year": year()});
        let r = wang.post(&s, "/api/v1/risk-points/submit", &unit_year).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] submit: {}", r.text());
        assert_eq!(r.json()["count"], json!(2));
        told(&s, "提交审核", &all, &["jijian"], "risk_submitted", "2 个廉政风险点").await;
        let r = wang.post(&s, "/api/v1/risk-points/submit", &unit_year).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] nothing left to submit: {}", r.text());

        // accepting needs a level and a control measure, and the refusal names both
        let r = jijian.post(&s, &format!("/api/v1/risk-points/{incomplete}/accept"), &json!({})).await;
        let body = assert_api_error(&e, "accept incomplete", &r, 409, None);
        assert!(body.to_string().contains("风险等级和防控措施"), "[{e}] {body}");
        let r = wang.post(&s, &format!("/api/v1/risk-points/{incomplete}/accept"), &json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] a unit head cannot accept");

        // 退回 needs a reason, which the proposer is told
        let r = jijian.post(&s, &format!("/api/v1/risk-points/{incomplete}/return"), &json!({"reason": " "})).await;
        assert_api_error(&e, "return without reason", &r, 422, Some("reason"));
        let r = jijian
            .post(
                &s,
                &format!("/api/v1/risk-points/{incomplete}/return"),
                &json!({"reason": "请补充风险等级和防控措施"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] return: {}", r.text());
        assert_eq!(
            (r.json()["state"].clone(), r.json()["return_reason"].clone()),
            (json!("returned"), json!("请补充风险等级和防控措施"))
        );
        told(&s, "退回", &all, &["wangfang"], "risk_returned", "请补充风险等级和防控措施").await;

        // 确认 → the unit (its head) is told
        let r = jijian.post(&s, &format!("/api/v1/risk-points/{full}/accept"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] accept: {}", r.text());
        assert_eq!(r.json()["state"], json!("accepted"));
        told(&s, "确认", &all, &["wangfang"], "risk_accepted", "超标准接待").await;
        let r = wang.patch(&s, &format!("/api/v1/risk-points/{full}"), &json!({"point": "改"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] an accepted point does not change: {}", r.text());

        // the returned point is completed, resubmitted and accepted
        let fix = json!({"level": "中", "measures": [{"text": "报销双人审核", "person_id": org.person("王芳")}]});
        let r = wang.patch(&s, &format!("/api/v1/risk-points/{incomplete}"), &fix).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] complete the returned point: {}", r.text());
        assert_eq!(r.json()["measures"].as_array().unwrap().len(), 1);
        let r = wang.post(&s, "/api/v1/risk-points/submit", &unit_year).await;
        assert_eq!(r.json()["count"], json!(1), "[{e}] resubmit: {}", r.text());
        let r = jijian.post(&s, &format!("/api/v1/risk-points/{incomplete}/accept"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] accept completed: {}", r.text());

        // read-only roles read within their scope: the 分管领导 the units in charge, the 一般干部
        // the points naming them (周伟 answers for one measure)
        let total = |r: Resp| r.json()["total"].as_i64().unwrap();
        assert_eq!(total(li.get(&s, "/api/v1/risk-points").await), 2, "[{e}] 分管领导");
        assert_eq!(total(zhou.get(&s, "/api/v1/risk-points").await), 1, "[{e}] 一般干部");
        assert_eq!(total(jijian.get(&s, "/api/v1/risk-points?level=高").await), 1, "[{e}] level filter");
        for u in [&li, &zhou] {
            let r = u.get(&s, "/risk").await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {} register page", u.name);
            assert!(
                !r.text().contains("申报风险点") && !r.text().contains("提交审核</button>"),
                "[{e}] read-only page"
            );
        }
        // a draft still unsubmitted after its year's deadline (参数设置: 年度排查截止月份) is marked
        assert!(s.get("/system/settings").await.text().contains("年度排查截止月份"), "[{e}] the setting is editable");
        let mut old = bare.clone();
        old["year"] = json!(year() - 1);
        created(&s, wang.post(&s, "/api/v1/risk-points", &old).await);
        let page = wang.get(&s, &format!("/risk?year={}", year() - 1)).await.text();
        assert!(page.contains("逾期未提交"), "[{e}] late draft marked");
        // every step is in the audit trail, in words
        assert_eq!(s.audit_count_of("risk_point", "accept").await, 2, "[{e}]");
        assert_eq!(s.audit_count_of("risk_point", "return").await, 1, "[{e}]");
        let r = s.get("/system/audit?entity=risk_point").await;
        assert!(r.text().contains("廉政风险点"), "[{e}] audit trail in words");
        s.finish().await;
    }
}

#[tokio::test]
async fn findings_name_points_that_occurred_and_the_group_raises_them() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jijian = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let low = created(
            &s,
            s.post_json("/api/v1/risk-points", &complete(&org, "接待费用不一事一结", "低", &day(10))).await,
        );
        let high = created(&s, s.post_json("/api/v1/risk-points", &complete(&org, "公款宴请", "高", "")).await);
        let r = s.post_json("/api/v1/risk-points/submit", &json!({"unit_id": org.unit("ZHK")})).await;
        assert_eq!(r.json()["count"], json!(2), "[{e}] submit: {}", r.text());
        for id in [low, high] {
            let r = jijian.post(&s, &format!("/api/v1/risk-points/{id}/accept"), &json!({})).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] accept: {}", r.text());
        }
        // 综合科 has a high point and no measure of it due for review: flagged on the heat map
        let m = s.get("/api/v1/risk-points/heat-map").await.json();
        assert_eq!(m["flagged"][0]["unit_id"], json!(org.unit("ZHK")), "[{e}] flagged: {m}");
        assert!(s.get("/risk/heat-map").await.text().contains("risk-flagged"), "[{e}] flag shown");
        // raising needs an occurrence
        let r = jijian.post(&s, &format!("/api/v1/risk-points/{low}/raise"), &json!({"reason": "多发"})).await;
        let body = assert_api_error(&e, "raise without finding", &r, 409, None);
        assert!(body.to_string().contains("已发生"), "[{e}] {body}");

        // a finding names a point of its own unit only
        let finding = |unit: i64, point: i64| {
            json!({"unit_id": unit, "source": "巡察", "category": "违规公款吃喝", "description": "接待费月底集中报销",
                   "found_on": day(-3), "risk_point_id": point})
        };
        let r = jijian.post(&s, "/api/v1/findings", &finding(org.unit("DCS"), low)).await;
        assert_api_error(&e, "point of another unit", &r, 422, Some("risk_point_id"));
        let r = jijian.post(&s, "/api/v1/findings", &finding(org.unit("ZHK"), low)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] finding: {}", r.text());
        assert_eq!(r.json()["risk_point_id"], json!(low));
        let fid = r.json()["id"].as_i64().unwrap();
        let r = s.get(&format!("/api/v1/risk-points/{low}")).await;
        assert_eq!(r.json()["recent_findings"], json!(1), "[{e}] 已发生");
        assert_eq!(s.list_total("/api/v1/risk-points?occurred=true").await, 1);
        assert_eq!(s.list_total(&format!("/api/v1/findings?risk_point={low}")).await, 1);
        let page = s.get(&format!("/risk/{low}")).await.text();
        assert!(page.contains("已发生") && page.contains(&format!("/findings/{fid}")), "[{e}] the point's page");
        let page = s.get("/findings/new").await.text();
        assert!(page.contains("接待费用不一事一结"), "[{e}] the finding form offers the unit's points");

        // raised a level at a time, with the reason kept, up to 高
        let r = jijian.post(&s, &format!("/api/v1/risk-points/{low}/raise"), &json!({"reason": ""})).await;
        assert_api_error(&e, "raise without reason", &r, 422, Some("reason"));
        let r =
            jijian.post(&s, &format!("/api/v1/risk-points/{low}/raise"), &json!({"reason": "近期发生接待违规"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] raise: {}", r.text());
        let p = r.json();
        assert_eq!(
            (p["level"].clone(), p["raised_from"].clone(), p["raise_reason"].clone()),
            (json!("medium"), json!("low"), json!("近期发生接待违规"))
        );
        jijian.post(&s, &format!("/api/v1/risk-points/{low}/raise"), &json!({"reason": "再次发生"})).await;
        let r = jijian.post(&s, &format!("/api/v1/risk-points/{low}/raise"), &json!({"reason": "还要提"})).await;
        let body = assert_api_error(&e, "raise a high point", &r, 409, None);
        assert!(body.to_string().contains("已是高风险"), "[{e}] {body}");
        assert_eq!(
            s.get(&format!("/api/v1/risk-points/{low}")).await.json()["raised_from"],
            json!("low"),
            "[{e}] first level kept"
        );

        // the heat map counts accepted points by unit × level and category, and flags 综合科:
        // its first high point has no measure due for review, the raised one has (in 10 days)
        let m = s.get("/api/v1/risk-points/heat-map").await.json();
        let zhk = org.unit("ZHK");
        let cell = |list: &Value, key: &str| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|c| c["unit_id"] == json!(zhk) && c["key"] == json!(key))
                .map(|c| c["count"].clone())
        };
        assert_eq!(cell(&m["by_level"], "high"), Some(json!(2)), "[{e}] {m}");
        assert_eq!(cell(&m["by_category"], "post"), Some(json!(2)), "[{e}] {m}");
        assert!(m["flagged"].as_array().unwrap().is_empty(), "[{e}] one high point is due for review: {m}");
        let r = s.get("/risk/heat-map").await;
        assert!(r.status == StatusCode::OK && r.text().contains("data-risk-chart"), "[{e}] heat map page");

        // last year's register becomes next year's draft, once
        let next = json!({"unit_id": zhk, "year": year() + 1});
        let r = s.post_json("/api/v1/risk-points/carry-forward", &next).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] carry forward: {}", r.text());
        assert_eq!(r.json()["count"], json!(2));
        let copies = s.get(&format!("/api/v1/risk-points?year={}", year() + 1)).await.json();
        assert!(copies["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["state"] == json!("draft") && p["carried_from"].is_i64()));
        let r = s.post_json("/api/v1/risk-points/carry-forward", &next).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] twice: {}", r.text());
        s.finish().await;
    }
}

#[tokio::test]
async fn the_register_exports_in_office_layout_and_imports_back() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let mut body = complete(&org, "超标准接待", "高", &day(20));
        body["measures"]
            .as_array_mut()
            .unwrap()
            .push(json!({"text": "接待费一事一结", "person_id": org.person("王芳")}));
        let a = created(&s, s.post_json("/api/v1/risk-points", &body).await);
        created(&s, s.post_json("/api/v1/risk-points", &complete(&org, "公车私用", "中", "")).await);
        let bytes = s.download(&format!("/api/v1/risk-points/export.xlsx?year={}", year())).await;
        let rows = read_xlsx(&bytes);
        let h =
            header_row(&rows, &["风险类别", "风险点", "表现形式", "风险等级", "防控措施", "部门负责人", "责任领导"])
                .expect("the office's columns");
        assert!(rows[0][0].contains("廉政风险防控台账"), "[{e}] title: {:?}", rows[0]);
        let first = rows.iter().find(|r| r.contains(&"超标准接待".to_string())).expect("the point's row");
        let measures = first.iter().find(|c| c.contains("责任人：")).expect("measures cell");
        assert!(
            measures.contains("1. 执行接待清单制度（责任人：周伟；复查：")
                && measures.contains("2. 接待费一事一结（责任人：王芳）"),
            "[{e}] {measures}"
        );

        // the export imports back without changing anything
        let report = s.import("/api/v1/risk-points/import?commit=true", bytes).await;
        assert_eq!(
            (report["valid"].clone(), report["created"].clone(), report["updated"].clone()),
            (json!(2), json!(0), json!(0)),
            "[{e}] round trip: {report}"
        );
        assert!(report["errors"].as_array().unwrap().is_empty(), "[{e}] {report}");

        // a hand-edited file: a changed point, a new one, and rows with errors named per cell
        let mut edited: Vec<Vec<String>> = rows[..=h].to_vec();
        let header = &rows[h];
        let col = |name: &str| header.iter().position(|c| c == name).unwrap();
        let mut changed = first.clone();
        changed[col("表现形式")] = "陪餐人数超过规定".into();
        edited.push(changed);
        let mut new_row = vec![String::new(); header.len()];
        new_row[col("单位")] = "综合科".into();
        new_row[col("岗位/业务流程")] = "政府采购".into();
        new_row[col("风险类别")] = "业务流程风险".into();
        new_row[col("风险点")] = "指定供应商".into();
        new_row[col("风险等级")] = "高".into();
        new_row[col("防控措施")] = "1. 进入公共资源交易平台（责任人：王芳；复查：2030-01-31）".into();
        edited.push(new_row.clone());
        let mut bad = new_row.clone();
        bad[col("风险等级")] = "特高".into();
        bad[col("防控措施")] = "1. 双人验收（责任人：不存在的人）".into();
        edited.push(bad);
        let mut other_unit = new_row.clone();
        other_unit[col("单位")] = "不存在的科室".into();
        edited.push(other_unit);
        let file = crate::support::write_xlsx(&edited);
        let report = s.import("/api/v1/risk-points/import", file.clone()).await;
        assert_eq!(report["valid"], json!(2), "[{e}] dry run: {report}");
        assert_eq!(report["committed"], json!(false));
        let errors = report["errors"].as_array().unwrap();
        let columns: Vec<&str> = errors.iter().map(|x| x["column"].as_str().unwrap()).collect();
        assert!(columns.contains(&"防控措施") && columns.contains(&"单位"), "[{e}] per-cell errors: {report}");
        assert!(errors.iter().all(|x| x["row"].as_i64().unwrap() > h as i64), "[{e}] rows named: {report}");
        let report = s.import("/api/v1/risk-points/import?commit=true", file).await;
        assert_eq!(
            (report["created"].clone(), report["updated"].clone()),
            (json!(1), json!(1)),
            "[{e}] commit: {report}"
        );
        let p = s.get(&format!("/api/v1/risk-points/{a}")).await.json();
        assert_eq!(p["manifestation"], json!("陪餐人数超过规定"));
        assert_eq!(p["measures"].as_array().unwrap().len(), 2, "[{e}] measures kept: {p}");
        assert_eq!(s.list_total("/api/v1/risk-points?q=指定供应商").await, 1);
        assert_eq!(s.audit_count_of("risk_point", "import").await, 1, "[{e}] the import that wrote is summed up");
        s.finish().await;
    }
}
