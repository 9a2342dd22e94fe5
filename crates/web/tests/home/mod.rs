//! 我的待办 (the home page) per role, on both engines: a 一般干部 sees their own red items with
//! the periods missing, a 分管领导 the red items of the divisions in their charge (and not of
//! others), the 纪检监察组 the sign-off requests waiting for it; dates that do not exist are named.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, seed_org, servers, user, Server, User};

fn today() -> chrono::NaiveDate {
    qingfeng_store::fulfilment::today()
}

fn last_year() -> i64 {
    i64::from(today().year()) - 1
}

fn day(offset: i64) -> String {
    (today() + chrono::Duration::days(offset)).to_string()
}

async fn home(s: &Server, u: &User, year: i64) -> Value {
    let r = u.get(s, &format!("/api/v1/home?year={year}")).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] home of {}: {}", s.engine, u.name, r.text());
    r.json()
}

fn item<'a>(items: &'a Value, text: &str) -> Option<&'a Value> {
    items.as_array().unwrap().iter().find(|i| i["text"] == json!(text))
}

#[tokio::test]
async fn cadres_and_leaders_see_their_red_items_with_what_is_missing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        // a 班子成员 in charge of 综合科 (and 信息科 below it), not of 督查室
        let r = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "孙丽", "gender": "女", "unit_id": org.unit("XWB"), "title": "副主任", "rank": "county",
                        "political_status": "中共党员", "roles": ["leadership_member"], "in_charge_of": [org.unit("ZHK")]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let sun = r.json()["id"].as_i64().unwrap();
        let year = last_year();
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] generate: {}", r.text());

        // 赵强 studied in the first quarter of last year, and nothing else
        let zhao = org.person("赵强");
        let entry = json!({"kind": "study", "date": format!("{year}-02-10"), "content": "廉政专题学习",
                           "unit_id": org.unit("DCS"), "participants": [zhao]});
        let r = s.post_json("/api/v1/ledger-entries", &entry).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] entry: {}", r.text());

        // 一般干部: own red items with the periods missing, nothing of the group's
        let ganbu = user(&s, "zhaoqiang", Some(zhao), &["member"]).await;
        let h = home(&s, &ganbu, year).await;
        let study = item(&h["items"], "每季度参加廉政专题学习").unwrap_or_else(|| panic!("[{e}] {h}"));
        assert_eq!(study["state"], "overdue", "[{e}] {study}");
        assert_eq!(study["missing"], "第二、三、四季度未开展", "[{e}] {study}");
        assert_eq!(study["link"], json!(format!("/responsibility/items/{}", study["id"])), "[{e}]");
        let warning = item(&h["items"], "每年参加警示教育").unwrap_or_else(|| panic!("[{e}] {h}"));
        assert_eq!(warning["missing"], "全年未开展", "[{e}]");
        assert!(h["divisions"].as_array().unwrap().is_empty(), "[{e}] a cadre leads no division: {h}");
        assert!(h["queues"].as_array().unwrap().is_empty(), "[{e}] {h}");
        assert_eq!(h["supervises"], json!(false));
        let page = ganbu.get(&s, &format!("/?year={year}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] {}", page.text());
        let html = page.text();
        assert!(html.contains("我的待办") && html.contains("第二、三、四季度未开展"), "[{e}] {html}");
        // the menu has no heading without links under it (a member manages nothing)
        assert!(!html.contains(">系统管理<"), "[{e}] an empty 系统管理 group is shown");
        // the item pages say what is missing instead of a past due date
        let html = ganbu.get(&s, &format!("/responsibility/items/{}", study["id"])).await.text();
        assert!(html.contains("第二、三、四季度未开展") && !html.contains("下一截止"), "[{e}] {html}");

        // 分管领导: own items, and the red items of 综合科 and below, none of 督查室
        let fenguan = user(&s, "sunli", Some(sun), &["leader"]).await;
        let h = home(&s, &fenguan, year).await;
        assert!(item(&h["items"], "每年对分管部门负责人开展廉政谈话").is_some(), "[{e}] own items: {h}");
        let divisions = h["divisions"].as_array().unwrap();
        assert_eq!(divisions.len(), 1, "[{e}] {h}");
        let zhk = &divisions[0];
        assert_eq!(zhk["unit_name"], "综合科", "[{e}]");
        assert!(zhk["total"].as_i64().unwrap() >= 2, "[{e}] {zhk}");
        let head = item(&zhk["items"], "每季度在科室（部门）会议上研究部署党风廉政建设工作")
            .unwrap_or_else(|| panic!("[{e}] 王芳's item: {zhk}"));
        assert_eq!(head["missing"], "第一、二、三、四季度未开展", "[{e}] {head}");
        assert!(head["owner"].as_str().unwrap().contains("王芳"), "[{e}] {head}");
        for i in zhk["items"].as_array().unwrap() {
            assert!(!i["owner"].as_str().unwrap().contains("赵强"), "[{e}] 督查室 is not in charge: {i}");
        }
        let html = fenguan.get(&s, &format!("/?year={year}")).await.text();
        assert!(html.contains("分管单位滞后事项：综合科"), "[{e}] {html}");

        s.finish().await;
    }
}

#[tokio::test]
async fn a_finding_waits_on_the_right_page_at_each_step() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        // the 纪检监察组 and the unit: a finding through its steps, each on the right person's page
        let jijian = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let zhk_user = user(&s, "wangfang", Some(org.person("王芳")), &["principal"]).await;
        let body = json!({"unit_id": org.unit("ZHK"), "source": "监督检查", "category": "工作纪律",
                          "description": "值班脱岗", "found_on": day(-3), "responsible_person_id": org.person("王芳")});
        let fid = jijian.post(&s, "/api/v1/findings", &body).await.json()["id"].as_i64().unwrap();
        let this_year = i64::from(today().year());
        let queue =
            |h: &Value, key: &str| h["queues"].as_array().unwrap().iter().find(|q| q["key"] == key).cloned().unwrap();
        let h = home(&s, &jijian, this_year).await;
        assert_eq!(queue(&h, "feedback")["total"], 1, "[{e}] {h}");
        assert_eq!(queue(&h, "sign_off")["total"], 0, "[{e}] {h}");
        let r = jijian.post(&s, &format!("/api/v1/findings/{fid}/feedback"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let steps = |h: &Value| -> Vec<String> {
            h["findings"].as_array().unwrap().iter().map(|f| f["step"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(steps(&home(&s, &zhk_user, this_year).await), ["制定整改措施"], "[{e}]");
        // the finding page: the 办理过程 names people, the 责任领导 picker offers leaders, and a new
        // measure starts from the finding's responsible person
        let html = zhk_user.get(&s, &format!("/findings/{fid}")).await.text();
        assert!(html.contains("<span class=\"who\">陈静</span>"), "[{e}] the step shows the name: {html}");
        let select = |name: &str| -> String {
            let start =
                html.find(&format!("<select name=\"{name}\"")).unwrap_or_else(|| panic!("[{e}] no {name}: {html}"));
            html[start..start + html[start..].find("</select>").unwrap()].to_string()
        };
        let leaders = select("responsible_leader_id");
        assert!(leaders.contains("李明") && leaders.contains("王芳"), "[{e}] {leaders}");
        assert!(!leaders.contains("周伟"), "[{e}] staff are not offered as leaders: {leaders}");
        let persons = select("responsible_person_id");
        let wang = format!("<option value=\"{}\" selected>", org.person("王芳"));
        assert!(persons.contains(&wang), "[{e}] pre-filled from the finding: {persons}");
        let m = json!({"text": "完善值班制度", "responsible_person_id": org.person("王芳"), "deadline": day(3)});
        let r = zhk_user.post(&s, &format!("/api/v1/findings/{fid}/measures"), &m).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let mid = r.json()["id"].as_i64().unwrap();
        let h = home(&s, &zhk_user, this_year).await;
        assert_eq!(steps(&h), ["报告整改进展"], "[{e}]");
        let measures = h["measures"].as_array().unwrap();
        assert_eq!(measures.len(), 1, "[{e}] a measure due in 3 days: {h}");
        assert_eq!(
            (measures[0]["text"].as_str(), measures[0]["overdue"].as_bool()),
            (Some("完善值班制度"), Some(false))
        );
        let done = json!({"update_date": day(0), "text": "已印发值班制度", "evidence": "制度文件", "completes": true});
        let r = zhk_user.post(&s, &format!("/api/v1/rectifications/{mid}/updates"), &done).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let h = home(&s, &zhk_user, this_year).await;
        assert_eq!(steps(&h), ["申请验收销号"], "[{e}]");
        assert!(h["measures"].as_array().unwrap().is_empty(), "[{e}] a completed measure is not due");
        let r = zhk_user
            .post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &json!({"evidence": "制度文件"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert!(steps(&home(&s, &zhk_user, this_year).await).is_empty(), "[{e}] now the group's turn");
        let h = home(&s, &jijian, this_year).await;
        let sign_off = queue(&h, "sign_off");
        assert_eq!(sign_off["total"], 1, "[{e}] {h}");
        assert_eq!(sign_off["items"][0]["link"], json!(format!("/findings/{fid}")), "[{e}]");
        assert_eq!(sign_off["items"][0]["step"], "验收销号", "[{e}]");
        let html = jijian.get(&s, "/").await.text();
        assert!(html.contains("等待验收销号") && html.contains("值班脱岗"), "[{e}] {html}");
        // the unit's principal cannot see the group's queues
        assert!(home(&s, &zhk_user, this_year).await["queues"].as_array().unwrap().is_empty(), "[{e}]");
        s.finish().await;
    }
}

#[tokio::test]
async fn a_day_that_does_not_exist_is_named() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "钱多", "gender": "男", "unit_id": org.unit("XWB"), "rank": "职工",
                        "political_status": "群众", "roles": ["staff"], "birth_date": "1980-02-30"}),
            )
            .await;
        let err = assert_api_error(&e, "birth date 1980-02-30", &r, 422, Some("birth_date"));
        assert!(err["message"].as_str().unwrap().contains("日期不存在"), "[{e}] {err}");
        let entry = json!({"kind": "study", "date": "2025-02-29", "content": "学习", "unit_id": org.unit("XWB"),
                           "participants": [org.person("李明")]});
        let r = s.post_json("/api/v1/ledger-entries", &entry).await;
        let err = assert_api_error(&e, "entry dated 2025-02-29", &r, 422, Some("date"));
        assert!(err["message"].as_str().unwrap().contains("日期不存在"), "[{e}] {err}");
        s.finish().await;
    }
}
