//! 考核 (同部署同考核) end to end, on both engines: indicator values from seeded findings,
//! measures and tasks; weights that do not sum to 100 refused naming the setting; an adjustment
//! without a reason refused; data scope (a leader of another unit gets 404, a 一般干部 403);
//! publishing freezes the result; business scores imported with every bad row reported and
//! nothing written; exports read back; drill-down links count what the numbers say.

use chrono::{Datelike, NaiveDate};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, write_xlsx, Org, Server, User};

const FORM: &str = "application/x-www-form-urlencoded";

fn year() -> i32 {
    qingfeng_store::fulfilment::today().year()
}

fn day(m: u32, d: u32) -> String {
    NaiveDate::from_ymd_opt(year(), m, d).unwrap().to_string()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

/// 综合科: a 较重 finding fed back with a measure past its deadline, a 一般 one just recorded,
/// and a task due and not completed; 督查室: one 严重 finding.
async fn seed(s: &Server, org: &Org, jj: &User) {
    let e = &s.engine;
    let finding = |unit: &str, severity: &str| {
        json!({"unit_id": org.unit(unit), "source": "巡察", "category": "违规公款吃喝", "description": "公款宴请",
               "severity": severity, "found_on": day(1, 1), "responsible_leader_id": org.person("李明"),
               "responsible_person_id": org.person("王芳")})
    };
    let r = jj.post(s, "/api/v1/findings", &finding("ZHK", "较重")).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    let f1 = id(&r.json());
    let r = jj.post(s, &format!("/api/v1/findings/{f1}/feedback"), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    let measure = json!({"text": "退还费用", "responsible_person_id": org.person("王芳"), "deadline": day(1, 2)});
    let r = s.post_json(&format!("/api/v1/findings/{f1}/measures"), &measure).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    for (unit, severity) in [("ZHK", "一般"), ("DCS", "严重")] {
        let r = jj.post(s, "/api/v1/findings", &finding(unit, severity)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    }
    let r = s
        .post_json("/api/v1/work-plans", &json!({"year": year(), "unit_id": org.unit("XWB"), "title": "工作要点"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    let plan = id(&r.json());
    for deadline in [day(1, 2), "2099-12-31".to_string()] {
        let task = json!({"plan_id": plan, "title": format!("制定科室责任清单（{deadline}）"),
                          "lead_unit_id": org.unit("ZHK"), "deadline": deadline});
        let r = s.post_json("/api/v1/tasks", &task).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    }
}

fn unit_result(d: &Value, unit: i64) -> &Value {
    d["units"].as_array().unwrap().iter().find(|u| u["unit_id"] == json!(unit)).expect("the unit's result")
}

fn line<'a>(r: &'a Value, indicator: &str) -> &'a Value {
    r["lines"].as_array().unwrap().iter().find(|l| l["indicator"] == json!(indicator)).expect("the line")
}

fn scores(r: &Value) -> Vec<i64> {
    r["lines"].as_array().unwrap().iter().map(|l| l["score"].as_i64().unwrap()).collect()
}

async fn set(s: &Server, values: Value) -> crate::support::Resp {
    s.write_json(Method::PUT, "/api/v1/settings", &values).await
}

#[tokio::test]
async fn a_round_is_computed_adjusted_and_frozen_when_published() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jj = user(&s, "jj", Some(org.person("陈静")), &["supervisor"]).await;
        // 王芳 heads 综合科 (a 主要负责人 role scoped to it); 赵强 is a 一般干部
        let zk = user(&s, "zk", Some(org.person("王芳")), &["principal"]).await;
        let gb = user(&s, "gb", Some(org.person("赵强")), &["member"]).await;
        seed(&s, &org, &jj).await;
        let zhk = org.unit("ZHK");

        let r = s.post_json("/api/v1/assessments", &json!({"year": year()})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let round = id(&r.json());
        let r = s.post_json("/api/v1/assessments", &json!({"year": year()})).await;
        assert_api_error(&e, "a second round of the year", &r, 422, Some("year"));
        let base = format!("/api/v1/assessments/{round}");

        // before publishing only assessors and the 纪检组 see the round; a 一般干部 never
        assert_eq!(zk.get(&s, "/api/v1/assessments").await.json()["total"], json!(0), "[{e}]");
        assert_eq!(zk.get(&s, &base).await.status, StatusCode::NOT_FOUND, "[{e}]");
        assert_eq!(jj.get(&s, &base).await.status, StatusCode::OK, "[{e}]");
        assert_eq!(gb.get(&s, "/api/v1/assessments").await.status, StatusCode::FORBIDDEN, "[{e}]");
        assert_eq!(gb.get(&s, "/assessments").await.status, StatusCode::FORBIDDEN, "[{e}]");
        let r = jj.post(&s, &format!("{base}/compute"), &json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] the 纪检组 reads, assessors compute");

        // the indicators of 综合科 from the seeded records (its two generated responsibility
        // items, nothing recorded against them; no meetings)
        let d = s.post_json(&format!("{base}/compute"), &json!({})).await.json();
        let z = unit_result(&d, zhk);
        let facts = &z["facts"];
        assert_eq!(
            [&facts["findings"], &facts["findings_closed"], &facts["overdue"], &facts["general"], &facts["serious"]],
            [&json!(2), &json!(0), &json!(1), &json!(1), &json!(1)],
            "[{e}] {z}"
        );
        assert_eq!((facts["tasks_due"].as_i64(), facts["tasks_done"].as_i64()), (Some(1), Some(0)), "[{e}]");
        let items =
            (facts["items"].as_i64().unwrap(), facts["items_due"].as_i64().unwrap(), facts["items_done"].as_i64());
        assert!(items.0 > 0 && items.1 > 0 && items.2 == Some(0), "[{e}] {facts}");
        // 0 (nothing credited) + 0 (0/1 tasks) + 0 (0/2 closed) + 10−2 + 10−1−3 + 10 (no meetings: full)
        assert_eq!(scores(z), vec![0, 0, 0, 800, 600, 1000], "[{e}] {z}");
        assert_eq!((z["total_score"].as_i64(), z["grade"].as_str()), (Some(2400), Some("poor")), "[{e}]");
        assert_eq!(line(z, "tasks")["records"].as_array().unwrap().len(), 1, "[{e}] the task not completed is named");
        let dcs = unit_result(&d, org.unit("DCS"));
        assert_eq!(line(dcs, "severity")["score"], json!(500), "[{e}] a 严重 finding costs 5");
        let leader = d["leaders"].as_array().unwrap().iter().find(|l| l["person_id"] == json!(org.person("李明")));
        assert_eq!(
            leader.unwrap()["facts"]["findings"],
            json!(3),
            "[{e}] 李明 is the leader responsible for all three"
        );

        // drill-down: each link lists as many records as its number counts
        let href = line(z, "fulfilment")["links"][0]["href"]
            .as_str()
            .unwrap()
            .replace("/responsibility/items", "/responsibility-items");
        assert_eq!(s.get(&format!("/api/v1{href}")).await.json()["total"], json!(items.0), "[{e}] {href}");
        for (indicator, label, count) in
            [("rectification", "本年度问题", 2), ("overdue", "整改逾期的问题", 1), ("severity", "较重", 1)]
        {
            let l =
                line(z, indicator)["links"].as_array().unwrap().iter().find(|l| l["label"] == json!(label)).cloned();
            let href = l.unwrap()["href"].as_str().unwrap().to_string();
            let listed = s.get(&format!("/api/v1{href}")).await.json();
            assert_eq!(listed["total"], json!(count), "[{e}] {href}: {listed}");
        }
        let page = s.get(&format!("/assessments/{round}/units/{zhk}")).await.text();
        let overdue_link = format!("/findings?unit={zhk}&#38;include_sub=false&#38;from={}", day(1, 1));
        assert!(page.contains(&overdue_link) && page.contains("不统计登录次数"), "[{e}] {page}");

        // weights must sum to 100: refused naming the setting, nothing changed
        let audit = s.audit_count().await;
        let r = set(&s, json!({"assessment.weight.tasks": "25"})).await;
        let err = assert_api_error(&e, "weights summing to 105", &r, 422, Some("assessment.weight.fulfilment"));
        assert!(err["message"].as_str().unwrap().contains("权重之和应为 100，现为 105"), "[{e}] {err}");
        assert_eq!(s.audit_count().await, audit, "[{e}] nothing saved");
        let r = set(&s, json!({"assessment.weight.rectification": "25", "assessment.weight.decisions": "5"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let d = s.post_json(&format!("{base}/compute"), &json!({})).await.json();
        assert_eq!(unit_result(&d, zhk)["total_score"], json!(1900), "[{e}] recomputed with the new weights");
        let r = set(&s, json!({"assessment.weight.rectification": null, "assessment.weight.decisions": null})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let d = s.post_json(&format!("{base}/compute"), &json!({})).await.json();
        assert_eq!(unit_result(&d, zhk)["total_score"], json!(2400), "[{e}] the defaults again");

        // adjustments: a reason is required, the points bounded; a good one is kept through a recompute
        let adj = format!("{base}/adjustments");
        let before = s.count("assessment_adjustments").await;
        let r = s.post_json(&adj, &json!({"unit_id": zhk, "points": "-2", "reason": "  "})).await;
        assert_api_error(&e, "no reason", &r, 422, Some("reason"));
        let r = s.post_json(&adj, &json!({"unit_id": zhk, "points": "-30", "reason": "x"})).await;
        assert_api_error(&e, "beyond the bound", &r, 422, Some("points"));
        let r = s.post_json(&adj, &json!({"unit_id": 99999, "points": "-1", "reason": "x"})).await;
        assert_api_error(&e, "unknown unit", &r, 422, Some("unit_id"));
        let form = format!("unit_id={zhk}&points=-2&reason=");
        let r = s.write_raw(Method::POST, &format!("/assessments/{round}/adjustments"), FORM, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");
        assert!(r.text().contains("请填写加减分理由"), "[{e}] {}", r.text());
        assert_eq!(s.count("assessment_adjustments").await, before, "[{e}] nothing written");
        let r = s.post_json(&adj, &json!({"unit_id": zhk, "points": "-2", "reason": "年度总结逾期报送"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        assert_eq!(r.json()["result"]["total_score"], json!(2200), "[{e}]");
        let d = s.post_json(&format!("{base}/compute"), &json!({})).await.json();
        assert_eq!(unit_result(&d, zhk)["total_score"], json!(2200), "[{e}] the adjustment stays");

        // business scores: every bad row reported, nothing written until all are right
        let y = year().to_string();
        let head = vec!["年度".to_string(), "单位".into(), "业务考核得分".into(), "备注".into()];
        let row = |unit: &str, score: &str| vec![y.clone(), unit.to_string(), score.to_string(), String::new()];
        let bad = write_xlsx(&[
            head.clone(),
            row("综合科", "95.5"),
            row("不存在科", "90"),
            row("督查室", "120"),
            row("机关党支部", "80"),
            row("综合科", "90"),
        ]);
        let rep = s.import("/api/v1/assessments/business-scores/import?commit=true", bad).await;
        let rows: Vec<i64> = rep["errors"].as_array().unwrap().iter().map(|x| x["row"].as_i64().unwrap()).collect();
        assert_eq!(rows, vec![3, 4, 5, 6], "[{e}] {rep}");
        assert_eq!(rep["committed"], json!(false), "[{e}]");
        assert_eq!(s.count("assessment_business_scores").await, 0, "[{e}] nothing written");
        let good = write_xlsx(&[head.clone(), row("综合科", "95.5"), row("督查室", "88")]);
        let rep = s.import("/api/v1/assessments/business-scores/import?commit=true", good).await;
        assert_eq!((rep["committed"].as_bool(), rep["created"].as_i64()), (Some(true), Some(2)), "[{e}] {rep}");
        // the export reads back, and imports back unchanged
        let bytes = s.download(&format!("/api/v1/assessments/business-scores/export.xlsx?year={y}")).await;
        let sheet = read_xlsx(&bytes);
        assert!(sheet.iter().any(|r| r.get(1).is_some_and(|c| c == "综合科") && r[2] == "95.5"), "[{e}] {sheet:?}");
        let rep = s.import("/api/v1/assessments/business-scores/import?commit=true", bytes).await;
        assert_eq!((rep["created"].as_i64(), rep["updated"].as_i64()), (Some(0), Some(0)), "[{e}] {rep}");

        // publish: frozen, the unit's head told
        let d = s.post_json(&format!("{base}/publish"), &json!({})).await.json();
        assert_eq!(d["state"], json!("published"), "[{e}] {d}");
        assert_eq!(unit_result(&d, zhk)["business_score"], json!(9550), "[{e}]");
        let (n,): (i64,) =
            s.db.fetch_one("SELECT COUNT(*) FROM notifications WHERE kind = 'assessment_published'", vec![])
                .await
                .unwrap();
        assert!(n >= 1, "[{e}] the heads are told");
        // later changes do not alter it
        let r = jj
            .post(
                &s,
                "/api/v1/findings",
                &json!({"unit_id": zhk, "source": "巡察", "category": "违规公款吃喝",
            "description": "又一次公款宴请", "severity": "严重", "found_on": day(1, 1)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = s
            .post_json("/api/v1/assessments/business-scores", &json!({"year": year(), "unit_id": zhk, "score": "60"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let after = s.get(&base).await.json();
        let z = unit_result(&after, zhk);
        assert_eq!((z["total_score"].as_i64(), z["business_score"].as_i64()), (Some(2200), Some(9550)), "[{e}] {z}");
        assert_eq!(z["facts"]["findings"], json!(2), "[{e}]");
        let r = s.post_json(&format!("{base}/compute"), &json!({})).await;
        assert_api_error(&e, "recompute after publishing", &r, 409, None);
        let r = s.post_json(&adj, &json!({"unit_id": zhk, "points": "1", "reason": "补充加分"})).await;
        assert_api_error(&e, "adjust after publishing", &r, 409, None);

        // scope: the head of 综合科 sees 综合科 and 信息科 below it, and nothing else (404)
        let mine = zk.get(&s, &base).await.json();
        let units: Vec<i64> =
            mine["units"].as_array().unwrap().iter().map(|u| u["unit_id"].as_i64().unwrap()).collect();
        assert_eq!(units, vec![zhk, org.unit("XXK")], "[{e}] {mine}");
        assert!(mine["leaders"].as_array().unwrap().is_empty(), "[{e}]");
        assert_eq!(zk.get(&s, &format!("{base}/units/{zhk}")).await.status, StatusCode::OK, "[{e}]");
        for path in [format!("{base}/units/{}", org.unit("DCS")), format!("{base}/leaders/{}", org.person("李明"))] {
            assert_eq!(zk.get(&s, &path).await.status, StatusCode::NOT_FOUND, "[{e}] {path}");
        }
        assert_eq!(
            zk.get(&s, &format!("/assessments/{round}/units/{}", org.unit("DCS"))).await.status,
            StatusCode::NOT_FOUND
        );
        let r = zk.post(&s, &adj, &json!({"unit_id": zhk, "points": "1", "reason": "x"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] a head reads, never adjusts");

        // the results export
        let rows = read_xlsx(&s.download(&format!("{base}/export.xlsx")).await);
        let zrow = rows.iter().find(|r| r.get(1).is_some_and(|c| c == "综合科")).expect("综合科's row");
        assert!(zrow.contains(&"22".to_string()) && zrow.contains(&"95.5".to_string()), "[{e}] {zrow:?}");
        assert!(zrow.contains(&"差".to_string()), "[{e}] {zrow:?}");

        // the store functions other features read
        let mine = qingfeng_store::assessments::for_unit(&s.db, zhk).await.unwrap();
        assert_eq!((mine.len(), mine[0].total_score, mine[0].grade_label.as_str()), (1, 2200, "差"), "[{e}]");
        let his = qingfeng_store::assessments::for_person(&s.db, org.person("李明")).await.unwrap();
        assert_eq!(his.len(), 1, "[{e}]");
        s.finish().await;
    }
}
