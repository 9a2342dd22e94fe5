//! 个人有关事项: who must report (县处级 and marked people), the annual and event reports with
//! their due days (exactly on the day, one day late), privacy (404 from outside, 403 filing for
//! another), the 纪检组's review, attachments, the reminder for a missing report and bad input.

use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{assert_api_error, seed_org, servers, user};

fn today() -> chrono::NaiveDate {
    qingfeng_store::fulfilment::today()
}

#[tokio::test]
async fn reports_are_filed_by_their_person_read_by_the_group_and_hidden_from_everyone_else() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let year = today().year();
        let liming = user(&s, "liming", Some(org.person("李明")), &["principal"]).await;
        let wangfang = user(&s, "wangfang", Some(org.person("王芳")), &["member"]).await;
        let jijian = user(&s, "jijian", Some(org.person("赵强")), &["supervisor"]).await;

        // who must report: 李明 (县处级); 王芳 once the administrator marks her, with a reason
        let o = jijian.get(&s, &format!("/api/v1/personal-reports/obligations?year={year}")).await.json();
        let names: Vec<&str> =
            o["people"].as_array().unwrap().iter().map(|p| p["person_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["李明"], "[{e}] {o}");
        let path = format!("/api/v1/personal-reports/marks/{}", org.person("王芳"));
        let r = s.write_json(Method::PUT, &path, &json!({"reason": ""})).await;
        assert_api_error(&e, "mark without reason", &r, 422, Some("reason"));
        let r = jijian.send(&s, Method::PUT, &path, Some(&json!({"reason": "x"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] only the administrator marks");
        let r = s.write_json(Method::PUT, &path, &json!({"reason": "负责政府采购审批"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let o = jijian.get(&s, &format!("/api/v1/personal-reports/obligations?year={year}")).await.json();
        assert_eq!((o["people"].as_array().unwrap().len(), o["missing"].as_i64()), (2, Some(2)), "[{e}] {o}");

        // the page marks by name; an unknown name is named back
        let r = s
            .send(s.client.post(s.url("/personal-reports/marks")).form(&[
                ("csrf_token", s.csrf.as_str()),
                ("person", "无此人"),
                ("reason", "x"),
            ]))
            .await;
        assert!(r.header("location").unwrap_or_default().contains("error="), "[{e}] {:?}", r.headers);
        let r = s
            .send(s.client.post(s.url("/personal-reports/marks")).form(&[
                ("csrf_token", s.csrf.as_str()),
                ("person", "陈静"),
                ("reason", "财务审批"),
            ]))
            .await;
        assert_eq!(r.header("location").as_deref(), Some("/personal-reports/obligations"), "[{e}]");
        let page = jijian.get(&s, &format!("/personal-reports/obligations?year={year}")).await.text();
        assert!(page.contains("列为报告对象：财务审批"), "[{e}]");
        s.write_json(Method::DELETE, &format!("/api/v1/personal-reports/marks/{}", org.person("陈静")), &json!({}))
            .await;

        // 我的待办 tells 王芳 she owes the year's report
        let home = wangfang.get(&s, "/api/v1/home").await.json();
        let owed: Vec<&str> = home["reports"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
        assert_eq!(owed, [format!("报告 {year} 年度个人有关事项")], "[{e}] {home}");

        // bad input names the field and writes nothing
        let r = wangfang
            .post(
                &s,
                "/api/v1/personal-reports",
                &json!({"kind": "event", "event_kind": "离婚", "event_date": "2026-02-30"}),
            )
            .await;
        let err = assert_api_error(&e, "bad event", &r, 422, None).to_string();
        for f in ["event_kind", "event_date", "content"] {
            assert!(err.contains(f), "[{e}] {f}: {err}");
        }
        let r = wangfang.post(&s, "/api/v1/personal-reports", &json!({"kind": "weekly", "content": "x"})).await;
        assert_api_error(&e, "bad kind", &r, 422, Some("kind"));
        assert_eq!(s.count("personal_reports").await, 0, "[{e}]");

        // filing for someone else without the right: 403
        let r = wangfang
            .post(
                &s,
                "/api/v1/personal-reports",
                &json!({"person_id": org.person("李明"), "kind": "annual", "year": year, "content": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {}", r.text());

        // an event report exactly 30 days after the event is on time; 31 days is late
        let event = |days: i64| json!({"kind": "event", "event_kind": "因私出国（境）", "event_date": today() - Duration::days(days), "content": "赴香港探亲"});
        let r = wangfang.post(&s, "/api/v1/personal-reports", &event(30)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let on_time = r.json();
        assert_eq!(
            (on_time["late"].as_bool(), on_time["due_on"].as_str()),
            (Some(false), Some(today().to_string().as_str())),
            "[{e}] {on_time}"
        );
        let late = wangfang.post(&s, "/api/v1/personal-reports", &event(31)).await.json();
        assert_eq!(late["late"], true, "[{e}] {late}");
        let r = liming
            .post(
                &s,
                "/api/v1/personal-reports",
                &json!({"kind": "annual", "year": year, "content": "房产一处，无投资"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let annual = r.json();
        let due = format!("{year}-01-31");
        assert_eq!(annual["due_on"], due, "[{e}]");
        assert_eq!(annual["late"], json!(today().to_string() > due), "[{e}]");

        // privacy: the person and the group read it; the principal of the unit gets 404
        let id = on_time["id"].as_i64().unwrap();
        assert_eq!(
            liming.get(&s, &format!("/api/v1/personal-reports/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "[{e}]"
        );
        assert_eq!(liming.get(&s, &format!("/personal-reports/{id}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        let mine = liming.get(&s, "/api/v1/personal-reports").await.json();
        assert_eq!(mine["total"], 1, "[{e}] the principal lists his own only: {mine}");
        assert_eq!(jijian.get(&s, "/api/v1/personal-reports").await.json()["total"], 3, "[{e}]");
        let page = wangfang.get(&s, &format!("/personal-reports/{id}")).await.text();
        assert!(page.contains("赴香港探亲") && page.contains("待核查"), "[{e}]");

        // attachments: the person adds one; only the person and the group download it
        let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 test".to_vec())
            .file_name("passport.pdf")
            .mime_str("application/pdf")
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let r = s
            .send(
                wangfang
                    .client
                    .post(s.url(&format!("/api/v1/personal-reports/{id}/attachments")))
                    .header("X-CSRF-Token", &wangfang.csrf)
                    .multipart(form),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let file = format!("/api/v1/private-attachments/{}", r.json()["id"]);
        assert_eq!(liming.get(&s, &file).await.status, StatusCode::NOT_FOUND, "[{e}]");
        assert_eq!(jijian.get(&s, &file).await.status, StatusCode::OK, "[{e}]");

        // the group's review: 不如实 needs a note; the person cannot review
        let review = format!("/api/v1/personal-reports/{id}/review");
        assert_eq!(
            wangfang.post(&s, &review, &json!({"result": "truthful"})).await.status,
            StatusCode::FORBIDDEN,
            "[{e}]"
        );
        assert_api_error(
            &e,
            "no note",
            &jijian.post(&s, &review, &json!({"result": "不如实"})).await,
            422,
            Some("note"),
        );
        let r = jijian.post(&s, &review, &json!({"result": "不如实", "note": "漏报出境一次"})).await.json();
        assert_eq!(
            (r["review"].as_str(), r["review_label"].as_str()),
            (Some("untruthful"), Some("不如实")),
            "[{e}] {r}"
        );

        // the audit trail names the steps and keeps no contents
        let audit = s.get("/system/audit?entity=personal_report").await.text();
        assert!(
            audit.contains(&format!("</strong> 核查<a href=\"/personal-reports/{id}\">"))
                && !audit.contains("赴香港探亲"),
            "[{e}] {audit}"
        );

        // a missing annual report after its day reminds the person (red) and the group
        let r = s
            .send(
                s.client
                    .put(s.url("/api/v1/settings"))
                    .header("X-CSRF-Token", &s.csrf)
                    .json(&json!({"personal.annual_due": "01-01"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        if today() > chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap() {
            qingfeng_web::jobs::run_once_as(&s.db, "test", today()).await.expect("reminder pass");
            let n = wangfang.get(&s, "/api/v1/notifications?kind=personal_report_overdue").await.json();
            assert_eq!(n["total"], 1, "[{e}] {n}");
            let n = jijian.get(&s, "/api/v1/notifications?kind=personal_report_overdue").await.json();
            assert_eq!(n["total"], 1, "[{e}] the group hears of 王芳 only (李明 reported): {n}");
        }
        let r = s
            .send(
                s.client
                    .put(s.url("/api/v1/settings"))
                    .header("X-CSRF-Token", &s.csrf)
                    .json(&json!({"personal.annual_due": "02-29"})),
            )
            .await;
        assert_api_error(&e, "no such yearly day", &r, 422, Some("personal.annual_due"));
    }
}
