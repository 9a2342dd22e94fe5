//! 婚丧喜庆: the advance report counted in working days over the holiday calendar (exactly N
//! working days before is on time, one working day later is late), a 丧事 afterwards, the caps
//! with joint hosting, gifts handed in, the group told of a flag, privacy (the leader sees the
//! report and its flags but not the details; 404 for the record; 403 filing for another) and bad
//! input.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, seed_org, servers, user};

fn today() -> NaiveDate {
    qingfeng_store::fulfilment::today()
}

fn event(kind: &str, date: NaiveDate, people: i64, joint: bool) -> Value {
    json!({"kind": kind, "event_date": date, "place": "县城某酒店", "relation": "儿子", "planned_people": people,
           "planned_tables": 10, "planned_cars": 2, "joint": joint, "joint_note": if joint { "亲家" } else { "" },
           "pledge": true, "pledge_text": "不大操大办"})
}

fn rules(v: &Value) -> Vec<String> {
    v["flags"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn family_events_are_checked_against_the_calendar_and_caps_and_kept_private() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let liming = user(&s, "liming", Some(org.person("李明")), &["principal"]).await;
        let wangfang = user(&s, "wangfang", Some(org.person("王芳")), &["member"]).await;
        let zhou = user(&s, "zhouwei", Some(org.person("周伟")), &["member"]).await;
        let jijian = user(&s, "jijian", Some(org.person("赵强")), &["supervisor"]).await;

        // a holiday on the next two days and a 调休 working Saturday after them
        let t = today();
        let sat = (3..10).map(|d| t + Duration::days(d)).find(|d| d.weekday() == Weekday::Sat).unwrap();
        s.post_json(
            "/api/v1/holidays",
            &json!({"from": t + Duration::days(1), "to": t + Duration::days(2), "kind": "holiday", "name": "测试假日"}),
        )
        .await;
        s.post_json("/api/v1/holidays", &json!({"from": sat, "kind": "workday", "name": "测试假日"})).await;
        let calc = |n: i64| format!("/api/v1/holidays/working-days?from={t}&add={n}");
        let five =
            NaiveDate::parse_from_str(wangfang.get(&s, &calc(5)).await.json()["result"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        let four =
            NaiveDate::parse_from_str(wangfang.get(&s, &calc(4)).await.json()["result"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        let r = wangfang.get(&s, &format!("/api/v1/holidays/working-days?from={t}&to={five}")).await.json();
        assert_eq!(r["working_days"], 5, "[{e}] {r}");
        assert!((five - t).num_days() >= 7, "[{e}] two holidays skipped: {five}");

        // bad input names the field and writes nothing
        let r = wangfang
            .post(
                &s,
                "/api/v1/family-events",
                &json!({"kind": "婚礼", "event_date": "2026-02-30", "planned_people": -3}),
            )
            .await;
        let err = assert_api_error(&e, "bad event", &r, 422, None).to_string();
        for f in ["kind", "event_date", "place", "planned_people", "planned_tables", "pledge"] {
            assert!(err.contains(f), "[{e}] {f}: {err}");
        }
        let mut no_pledge = event("wedding", five, 100, false);
        no_pledge["pledge"] = json!(false);
        assert_api_error(
            &e,
            "no pledge",
            &wangfang.post(&s, "/api/v1/family-events", &no_pledge).await,
            422,
            Some("pledge"),
        );
        assert_eq!(s.count("family_events").await, 0, "[{e}]");

        // filing for someone else without the right: 403
        let mut other = event("wedding", five, 100, false);
        other["person_id"] = json!(org.person("李明"));
        assert_eq!(wangfang.post(&s, "/api/v1/family-events", &other).await.status, StatusCode::FORBIDDEN, "[{e}]");

        // exactly five working days before: on time; four: one working day late (R-FAM-1)
        let ok = wangfang.post(&s, "/api/v1/family-events", &event("wedding", five, 180, false)).await;
        assert_eq!(ok.status, StatusCode::CREATED, "[{e}] {}", ok.text());
        let ok = ok.json();
        assert_eq!((rules(&ok), ok["report_due"].as_str()), (vec![], Some(t.to_string().as_str())), "[{e}] {ok}");
        let late = wangfang.post(&s, "/api/v1/family-events", &event("other", four, 80, false)).await.json();
        assert_eq!(rules(&late), ["R-FAM-1"], "[{e}] {late}");
        assert!(late["flags"][0]["source"].as_str().unwrap().contains("本地规定"), "[{e}] {late}");

        // the group was told of the late report
        let n = jijian.get(&s, "/api/v1/notifications?kind=family_event_flagged").await.json();
        assert_eq!(n["total"], 1, "[{e}] {n}");

        // a 丧事 reported ten days after is on time, eleven days after is late (R-FAM-2)
        let funeral = |days: i64| event("funeral", t - Duration::days(days), 50, false);
        assert_eq!(
            rules(&zhou.post(&s, "/api/v1/family-events", &funeral(10)).await.json()),
            Vec::<String>::new(),
            "[{e}]"
        );
        assert_eq!(rules(&zhou.post(&s, "/api/v1/family-events", &funeral(11)).await.json()), ["R-FAM-2"], "[{e}]");

        // caps: 250 people alone is over 200; joint hosting raises the cap to 300
        assert_eq!(
            rules(&wangfang.post(&s, "/api/v1/family-events", &event("wedding", five, 250, false)).await.json()),
            ["R-FAM-3"],
            "[{e}]"
        );
        assert_eq!(
            rules(&wangfang.post(&s, "/api/v1/family-events", &event("wedding", five, 250, true)).await.json()),
            Vec::<String>::new(),
            "[{e}]"
        );

        // actual figures only after the event; then over the cap and gifts not handed in in 15 days
        let id = ok["id"].as_i64().unwrap();
        let actual = json!({"actual_people": 260, "actual_tables": 26, "actual_cars": 2});
        assert_api_error(
            &e,
            "before the event",
            &wangfang.post(&s, &format!("/api/v1/family-events/{id}/actual"), &actual).await,
            422,
            Some("actual_people"),
        );
        let past = jijian
            .post(&s, "/api/v1/family-events", &{
                let mut b = event("wedding", t - Duration::days(16), 150, false);
                b["person_id"] = json!(org.person("王芳"));
                b
            })
            .await;
        assert_eq!(past.status, StatusCode::CREATED, "[{e}] the group records a report for someone: {}", past.text());
        let past_id = past.json()["id"].as_i64().unwrap();
        let body = json!({"actual_people": 260, "actual_tables": 20, "actual_cars": 2, "client_gifts": true, "gift_note": "某供应商礼金 2000 元"});
        let r = wangfang.post(&s, &format!("/api/v1/family-events/{past_id}/actual"), &body).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let v = r.json();
        assert_eq!(rules(&v), ["R-FAM-1", "R-FAM-3", "R-FAM-4"], "[{e}] {v}");
        assert!(v["flags"][1]["message"].as_str().unwrap().contains("实际人数 260 人"), "[{e}] {v}");
        let again = wangfang.post(&s, &format!("/api/v1/family-events/{past_id}/actual"), &body).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "[{e}]");
        let r = wangfang
            .post(&s, &format!("/api/v1/family-events/{past_id}/hand-in"), &json!({"handed_in_on": t}))
            .await
            .json();
        assert_eq!(rules(&r), ["R-FAM-1", "R-FAM-3", "R-FAM-4"], "[{e}] handed in a day late stays flagged: {r}");

        // the group's 我的待办 lists the flagged reports
        let home = jijian.get(&s, "/api/v1/home").await.json();
        let texts: Vec<&str> =
            home["reports"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
        assert!(texts.iter().any(|t| t.starts_with("王芳的婚嫁有提示")), "[{e}] {texts:?}");

        // privacy: the principal sees 王芳's reports and their flags, not the details or the record
        let list = liming.get(&s, "/api/v1/family-events").await.json();
        let row = list["items"].as_array().unwrap().iter().find(|x| x["id"] == json!(past_id)).expect("listed").clone();
        assert!(row["detail"].is_null() && row["flags"][1]["message"] == "", "[{e}] {row}");
        assert_eq!(row["flags"][1]["title"], "超规模", "[{e}] {row}");
        assert_eq!(
            liming.get(&s, &format!("/api/v1/family-events/{past_id}")).await.status,
            StatusCode::NOT_FOUND,
            "[{e}]"
        );
        assert_eq!(liming.get(&s, &format!("/family-events/{past_id}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        let page = liming.get(&s, "/family-events").await.text();
        assert!(page.contains("R-FAM-3 超规模") && !page.contains("某供应商"), "[{e}]");
        // a member outside the unit sees nothing of it
        assert!(
            zhou.get(&s, "/api/v1/family-events").await.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["person_id"] == json!(org.person("周伟"))),
            "[{e}]"
        );
        assert_eq!(
            zhou.get(&s, &format!("/api/v1/family-events/{past_id}")).await.status,
            StatusCode::NOT_FOUND,
            "[{e}]"
        );
        let page = wangfang.get(&s, &format!("/family-events/{past_id}")).await.text();
        assert!(page.contains("某供应商礼金 2000 元") && page.contains("R-FAM-4"), "[{e}]");

        // the export carries what the reader may see
        let rows = crate::support::read_xlsx(&s.download("/api/v1/family-events/export.xlsx").await);
        assert!(rows.iter().any(|r| r.iter().any(|c| c.contains("实际人数 260 人"))), "[{e}]");
    }
}
