//! 四种形态 and sanctions, and the monthly 四风 report: the 纪检组 records what it decided (the
//! measure must belong to its form; the person and the finding in its scope); the 影响期 follows
//! the setting; a person reads only their own and anyone else gets a 404 with an audit row; the
//! report counts findings by the day found and people (once each) by the day decided, and
//! every number drills down to the list it counts.

use chrono::{Datelike, Duration, Months, NaiveDate};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, Server, User};

/// The first day of last month (the report's default month) and a day `n` days into it.
fn last_month(n: i64) -> NaiveDate {
    let today = qingfeng_store::fulfilment::today();
    let first = today.with_day(1).unwrap().checked_sub_months(Months::new(1)).unwrap();
    first + Duration::days(n)
}

async fn finding(jj: &User, s: &Server, unit: i64, category: &str, found_on: NaiveDate) -> i64 {
    let body = json!({"unit_id": unit, "source": "监督检查", "category": category,
                      "description": "接待中违规提供酒水", "found_on": found_on.to_string()});
    let r = jj.post(s, "/api/v1/findings", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] finding: {}", s.engine, r.text());
    r.json()["id"].as_i64().unwrap()
}

fn record(person: i64, form: &str, measure: &str, finding: Option<i64>, decided_on: NaiveDate) -> Value {
    json!({"person_id": person, "form": form, "measure": measure, "decided_on": decided_on.to_string(),
           "deciding_body": "县纪委监委", "finding_id": finding, "basis": "经核实，违规公款吃喝问题属实。"})
}

/// The month's and the year's tally of the report line labelled `label`.
fn line<'a>(report: &'a Value, label: &str) -> &'a Value {
    report["lines"].as_array().unwrap().iter().find(|l| l["label"] == json!(label)).unwrap()
}

#[tokio::test]
async fn the_group_records_measures_and_the_report_counts_them() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jj = user(&s, "jj", Some(org.person("陈静")), &["supervisor"]).await;
        let dining = finding(&jj, &s, org.unit("ZHK"), "违规公款吃喝", last_month(3)).await;
        let formalism = finding(&jj, &s, org.unit("DCS"), "形式主义官僚主义", last_month(4)).await;
        let (wang, zhao) = (org.person("王芳"), org.person("赵强"));

        let r = jj
            .post(
                &s,
                "/api/v1/discipline-records",
                &record(wang, "第二种形态", "政务记过", Some(dining), last_month(9)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let sanction = r.json();
        let until = last_month(9).checked_add_months(Months::new(12)).unwrap().pred_opt().unwrap();
        assert_eq!(
            (sanction["sanction"].as_bool(), sanction["effect_until"].as_str(), sanction["in_effect"].as_bool()),
            (Some(true), Some(until.to_string().as_str()), Some(true)),
            "[{e}] 政务记过 affects promotion for 12 months: {sanction}"
        );
        for (person, finding) in [(wang, dining), (zhao, formalism)] {
            let r = jj
                .post(
                    &s,
                    "/api/v1/discipline-records",
                    &record(person, "first", "批评教育", Some(finding), last_month(10)),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        }

        // the report of last month (the default): people counted once each
        let report = jj.get(&s, "/api/v1/reports/four-winds").await.json();
        let tally = |label: &str| {
            let m = &line(&report, label)["month"];
            (m["problems"].as_i64().unwrap(), m["handled"].as_i64().unwrap(), m["sanctioned"].as_i64().unwrap())
        };
        assert_eq!(tally("合计"), (2, 2, 1), "[{e}] {report}");
        assert_eq!(tally("享乐主义奢靡之风"), (1, 1, 1), "[{e}]");
        assert_eq!(tally("违规公款吃喝"), (1, 1, 1), "[{e}]");
        assert_eq!(tally("其他形式主义官僚主义问题"), (1, 1, 0), "[{e}]");
        assert_eq!(tally("公款旅游"), (0, 0, 0), "[{e}]");
        assert_eq!(line(&report, "合计")["year"]["handled"], json!(2), "[{e}] the year to date");
        let this_month = qingfeng_store::fulfilment::today().format("%Y-%m").to_string();
        let now = jj.get(&s, &format!("/api/v1/reports/four-winds?month={this_month}")).await.json();
        assert_eq!(line(&now, "合计")["month"]["problems"], json!(0), "[{e}] nothing this month: {now}");
        for bad in ["2026-13", "soon", "2999-01"] {
            let r = jj.get(&s, &format!("/api/v1/reports/four-winds?month={bad}")).await;
            assert_api_error(&e, bad, &r, 400, Some("month"));
        }

        // drill-down: the page links each number to the list it counts, and the lists agree
        let page = jj.get(&s, "/reports/four-winds").await.text();
        let (from, to) = (last_month(0), last_month(0).checked_add_months(Months::new(1)).unwrap().pred_opt().unwrap());
        let people =
            format!("/discipline-records?category=public_dining&#38;from={from}&#38;to={to}&#38;sanctions=true");
        assert!(page.contains(&people), "[{e}] {people} in {page}");
        let listed = jj
            .get(&s, &format!("/api/v1/discipline-records?category=public_dining&from={from}&to={to}&sanctions=true"))
            .await
            .json();
        assert_eq!(listed["total"], json!(1), "[{e}] {listed}");
        let found = jj.get(&s, &format!("/api/v1/findings?category=public_dining&from={from}&to={to}")).await.json();
        assert_eq!(found["total"], json!(1), "[{e}] {found}");

        // Excel: the report's lines with their numbers
        let rows = read_xlsx(&jj.get(&s, "/api/v1/reports/four-winds/export.xlsx").await.bytes);
        let dining_row = rows.iter().find(|r| r.first().is_some_and(|c| c.contains("违规公款吃喝"))).unwrap();
        assert_eq!(dining_row[1..4], ["1", "1", "1"], "[{e}] {rows:?}");

        // the 影响期 follows the setting in force when the record is saved
        let r =
            s.write_json(Method::PUT, "/api/v1/settings", &json!({"discipline.effect_months.gov_demerit": "6"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let path = format!("/api/v1/discipline-records/{}", sanction["id"]);
        let r = jj.patch(&s, &path, &json!({"deciding_body": "县监委"})).await;
        let until = last_month(9).checked_add_months(Months::new(6)).unwrap().pred_opt().unwrap();
        assert_eq!(r.json()["effect_until"].as_str(), Some(until.to_string().as_str()), "[{e}] {}", r.text());
    }
}

#[tokio::test]
async fn bad_input_is_named_and_nothing_is_written() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jj = user(&s, "jj", Some(org.person("陈静")), &["supervisor"]).await;
        let today = qingfeng_store::fulfilment::today();
        let wang = org.person("王芳");
        let cases = [
            ("a measure of another form", record(wang, "第一种形态", "政务记过", None, today), "measure", 422),
            ("a future day", record(wang, "first", "谈话提醒", None, today + Duration::days(1)), "decided_on", 422),
            ("no such finding", record(wang, "first", "谈话提醒", Some(999_999), today), "finding_id", 422),
            ("no such person", record(999_999, "first", "谈话提醒", None, today), "person_id", 422),
            ("an unknown form", record(wang, "第五种形态", "谈话提醒", None, today), "form", 422),
        ];
        for (what, body, field, status) in cases {
            let r = jj.post(&s, "/api/v1/discipline-records", &body).await;
            assert_api_error(&e, what, &r, status, Some(field));
        }
        let r = jj.post(&s, "/api/v1/discipline-records", &json!({"person_id": wang, "bogus": 1})).await;
        assert_api_error(&e, "unknown field", &r, 400, None);
        let page = jj.get(&s, "/discipline-records/new").await.text();
        assert!(page.contains("csrf_token") && page.contains("第一种形态：谈话提醒"), "[{e}] the form");
        assert_eq!(jj.get(&s, "/api/v1/discipline-records").await.json()["total"], json!(0), "[{e}] nothing written");
    }
}

#[tokio::test]
async fn only_the_group_and_the_person_read_a_record() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jj = user(&s, "jj", Some(org.person("陈静")), &["supervisor"]).await;
        let wang = user(&s, "wang", Some(org.person("王芳")), &["member"]).await;
        let zhao = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        let li = user(&s, "li", Some(org.person("李明")), &["principal"]).await;
        let today = qingfeng_store::fulfilment::today();
        let r = jj
            .post(&s, "/api/v1/discipline-records", &record(org.person("王芳"), "第一种形态", "诫勉", None, today))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let path = format!("/api/v1/discipline-records/{id}");

        // the person reads their own, on the API and the page
        assert_eq!(wang.get(&s, &path).await.json()["measure_label"], json!("诫勉"), "[{e}]");
        assert!(wang.get(&s, "/discipline-records").await.text().contains("诫勉"), "[{e}] own list");
        // anyone else: as if it did not exist, and the trail says who asked
        for (who, u) in [("另一干部", &zhao), ("主要负责人", &li)] {
            assert_eq!(u.get(&s, &path).await.status, StatusCode::NOT_FOUND, "[{e}] {who}");
            assert_eq!(
                u.get(&s, &format!("/discipline-records/{id}")).await.status,
                StatusCode::NOT_FOUND,
                "[{e}] {who}"
            );
            assert_eq!(u.get(&s, "/api/v1/discipline-records").await.json()["total"], json!(0), "[{e}] {who}");
        }
        // the administrator holds every permission but is not the group
        assert_eq!(s.get(&path).await.status, StatusCode::NOT_FOUND, "[{e}] admin");
        let r = s
            .post_json("/api/v1/discipline-records", &record(org.person("赵强"), "first", "批评教育", None, today))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] admin may not record: {}", r.text());
        let r = zhao
            .post(&s, "/api/v1/discipline-records", &record(org.person("赵强"), "first", "批评教育", None, today))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] a cadre may not record");
        let trail = s.get("/api/v1/audit-log?entity=discipline_record&per_page=100").await.text();
        assert_eq!(trail.matches("view_refused").count(), 5, "[{e}] zhao, li (API and page each) and admin: {trail}");
        assert!(!trail.contains("admonition") && !trail.contains("诫勉"), "[{e}] the measure stays out of the trail");
        let words = s.get("/system/audit?entity=discipline_record").await.text();
        assert!(words.contains("无权查看") && words.contains("四种形态和处分记录"), "[{e}] {words}");

        // the report: leaders see the numbers, only the group the people behind them; a cadre none
        assert_eq!(li.get(&s, "/reports/four-winds").await.status, StatusCode::OK, "[{e}] leader");
        assert!(!li.get(&s, "/reports/four-winds").await.text().contains("/discipline-records?"), "[{e}]");
        assert_eq!(wang.get(&s, "/api/v1/reports/four-winds").await.status, StatusCode::FORBIDDEN, "[{e}] cadre");
    }
}
