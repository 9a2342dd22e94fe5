//! 公务用车: vehicles and trips through the API with their checks on every save (the holiday
//! and cut-off edges of R-CAR-2/3, mileage gaps, private-use keywords), the dry run that writes
//! nothing, bad input refused naming the field, data scope on reads and writes, a flagged trip
//! turned into a finding by the 纪检组, the 派车单 import (a bad row reported, a flagged row
//! imported) and the monthly register export.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, write_xlsx, Server};

async fn vehicle(s: &Server, unit: i64, plate: &str) -> i64 {
    let r = s
        .post_json(
            "/api/v1/vehicles",
            &json!({"unit_id": unit, "plate": plate, "kind": "机要通信用车", "parking": "县委大院车库"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] vehicle: {}", s.engine, r.text());
    r.json()["id"].as_i64().unwrap()
}

/// A complete working-day trip of `vehicle` on 2026-05-08 (a Friday), odometer `start` → +80.
fn trip(vehicle: i64, day: &str, start: i64) -> Value {
    json!({"vehicle_id": vehicle, "departed_on": day, "departed_time": "08:30", "returned_time": "17:00",
        "purpose": "到青山镇督查防汛工作", "destination": "青山镇政府", "mileage_start": start,
        "mileage_end": start + 80, "cost_kind": "加油", "cost": "120.50", "driver": "张师傅", "approver": "李明"})
}

fn failed(t: &Value) -> String {
    t["failed_rules"].as_str().unwrap().to_string()
}

fn check<'a>(t: &'a Value, rule: &str) -> &'a Value {
    t["checks"].as_array().unwrap().iter().find(|c| c["rule"] == json!(rule)).unwrap_or_else(|| panic!("{rule} in {t}"))
}

async fn create(s: &Server, body: &Value) -> Value {
    let r = s.post_json("/api/v1/vehicle-trips", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] trip: {}", s.engine, r.text());
    r.json()
}

async fn put_cutoff(s: &Server, v: Value) -> crate::support::Resp {
    s.write_json(reqwest::Method::PUT, "/api/v1/settings", &json!({"vehicle.return_cutoff": v})).await
}

async fn calendar(s: &Server) {
    for (day, kind, name) in [("2026-05-01", "放假", "劳动节"), ("2026-05-09", "上班", "劳动节")] {
        let r = s.post_json("/api/v1/holidays", &json!({"from": day, "kind": kind, "name": name})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] holiday: {}", s.engine, r.text());
    }
}

#[tokio::test]
async fn holiday_and_cut_off_edges_are_exact_and_flagged_trips_are_saved() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        calendar(&s).await;
        let v = vehicle(&s, org.unit("XWB"), "赣C A1234").await;
        // 劳动节 (a Friday) without approval
        let holiday = create(&s, &trip(v, "2026-05-01", 920)).await;
        assert_eq!(failed(&holiday), "R-CAR-2", "[{e}] {holiday}");
        assert!(check(&holiday, "R-CAR-2")["message"].as_str().unwrap().contains("节假日"), "[{e}]");
        assert!(check(&holiday, "R-CAR-2")["source"].as_str().unwrap().contains("中办发〔2017〕71号"), "[{e}]");
        let ok = create(&s, &trip(v, "2026-05-08", 1000)).await;
        assert_eq!(failed(&ok), "", "[{e}] {ok}");
        assert_eq!((ok["distance_km"].as_i64(), ok["cost_cents"].as_i64()), (Some(80), Some(12050)), "[{e}]");
        // the 调休 Saturday is a working day; a Sunday needs the approval it has
        let shifted = create(&s, &trip(v, "2026-05-09", 1080)).await;
        assert_eq!(failed(&shifted), "", "[{e}] {shifted}");
        assert!(check(&shifted, "R-CAR-2")["message"].as_str().unwrap().contains("调休"), "[{e}]");
        let mut sunday = trip(v, "2026-05-10", 1160);
        let r = s.post_json("/api/v1/vehicle-trips/check", &sunday).await.json();
        assert!(r["checks"].to_string().contains("周末"), "[{e}] {r}");
        sunday["special_approval"] = json!("李明批准：防汛应急值守");
        assert_eq!(failed(&create(&s, &sunday).await), "", "[{e}] an approved Sunday trip");
        // returning exactly at 22:00 is on time; a minute later is late
        let mut at_cutoff = trip(v, "2026-05-11", 1240);
        at_cutoff["returned_time"] = json!("22:00");
        assert_eq!(failed(&create(&s, &at_cutoff).await), "", "[{e}] 22:00 is not late");
        let mut late = trip(v, "2026-05-12", 1320);
        late["returned_time"] = json!("22:01");
        let late = create(&s, &late).await;
        assert_eq!(failed(&late), "R-CAR-3", "[{e}] {late}");
        // the cut-off is a setting
        let r = put_cutoff(&s, json!("22:30")).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let again = s.get(&format!("/api/v1/vehicle-trips/{}", late["id"])).await.json();
        assert_eq!(check(&again, "R-CAR-3")["ok"], json!(true), "[{e}] read with the new cut-off: {again}");
        assert_eq!(put_cutoff(&s, Value::Null).await.status, StatusCode::OK, "[{e}] back to the default");
        // a mileage gap: the next trip starts 20 km after the last one ended
        let gap = create(&s, &trip(v, "2026-05-13", 1420)).await;
        assert_eq!(failed(&gap), "R-CAR-1", "[{e}] {gap}");
        assert!(check(&gap, "R-CAR-1")["message"].as_str().unwrap().contains("相差 20 公里"), "[{e}] {gap}");
        // the keyword list flags for review, with neutral wording
        let mut shop = trip(v, "2026-05-14", 1500);
        shop["destination"] = json!("万达商场");
        let shop = create(&s, &shop).await;
        assert_eq!(failed(&shop), "R-CAR-4", "[{e}] {shop}");
        assert!(check(&shop, "R-CAR-4")["message"].as_str().unwrap().contains("待核实"), "[{e}]");
        assert_eq!(s.get("/api/v1/vehicle-trips?rule=R-CAR-1").await.json()["total"], 1, "[{e}]");
        // registering the missing trip closes the gap: the later trip is checked again
        let mut fill = trip(v, "2026-05-13", 1400);
        (fill["departed_time"], fill["returned_time"], fill["mileage_end"]) =
            (json!("07:00"), json!("08:00"), json!(1420));
        assert_eq!(failed(&create(&s, &fill).await), "", "[{e}]");
        assert_eq!(s.get("/api/v1/vehicle-trips?rule=R-CAR-1").await.json()["total"], 0, "[{e}]");
        let flagged = s.get("/api/v1/vehicle-trips?flagged=true&per_page=50").await.json();
        let rules: Vec<&str> =
            flagged["items"].as_array().unwrap().iter().map(|t| t["failed_rules"].as_str().unwrap()).collect();
        assert_eq!(rules, ["R-CAR-4", "R-CAR-3", "R-CAR-2"], "[{e}] {flagged}");
        let month = s.get(&format!("/api/v1/vehicle-trips?vehicle={v}&month=2026-05")).await.json();
        assert_eq!(month["total"], 9, "[{e}]");
        let vehicles = s.get("/api/v1/vehicles").await.json();
        assert_eq!(
            (vehicles["items"][0]["trips"].as_i64(), vehicles["items"][0]["flagged"].as_i64()),
            (Some(9), Some(3)),
            "[{e}]"
        );
        // the dry run answers without writing
        let before = s.count("vehicle_trips").await;
        let mut dry = trip(v, "2026-05-01", 1000);
        dry["returned_time"] = json!("23:00");
        let r = s.post_json("/api/v1/vehicle-trips/check", &dry).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let answer = r.json();
        let failed_rules: Vec<&str> = answer["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["ok"] == json!(false))
            .map(|c| c["rule"].as_str().unwrap())
            .collect();
        assert_eq!(failed_rules, ["R-CAR-2", "R-CAR-3"], "[{e}]");
        assert_eq!(s.count("vehicle_trips").await, before, "[{e}] the dry run writes nothing");
        s.finish().await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let v = vehicle(&s, org.unit("XWB"), "赣C00001").await;
        let r = s
            .post_json(
                "/api/v1/vehicles",
                &json!({"unit_id": org.unit("XWB"), "plate": "赣C 00001", "parking": "车库"}),
            )
            .await;
        assert_api_error(&e, "duplicate plate", &r, 422, Some("plate"));
        let cases: [(&str, &str, Value); 6] = [
            ("returns before it leaves", "returned_time", json!("07:00")),
            ("negative mileage", "mileage_start", json!(-5)),
            ("negative cost", "cost", json!("-12")),
            ("odometer going back", "mileage_end", json!(10)),
            ("a day that does not exist", "departed_on", json!("2026-02-30")),
            ("no such time", "departed_time", json!("25:70")),
        ];
        let audit = s.audit_count().await;
        for (what, field, value) in cases {
            let mut body = trip(v, "2026-05-08", 1000);
            body[field] = value;
            let r = s.post_json("/api/v1/vehicle-trips", &body).await;
            let err = assert_api_error(&e, what, &r, 422, Some(field));
            assert!(crate::support::has_cjk(err["message"].as_str().unwrap()), "[{e}] {what}");
            let r = s.post_json("/api/v1/vehicle-trips/check", &body).await;
            assert_api_error(&e, what, &r, 422, Some(field));
        }
        let r = s
            .post_json("/api/v1/vehicle-trips", &json!({"vehicle_id": v, "departed_on": "2026-05-08", "seats": 5}))
            .await;
        assert!(r.status.is_client_error(), "[{e}] unknown field: {}", r.text());
        assert_eq!((s.count("vehicle_trips").await, s.audit_count().await), (0, audit), "[{e}] nothing written");
        let r = s.get("/api/v1/vehicle-trips?month=2026-13").await;
        assert_api_error(&e, "bad month", &r, 400, Some("month"));
        s.finish().await;
    }
}

#[tokio::test]
async fn scope_limits_reads_and_writes_and_the_group_converts_a_flagged_trip() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let office = vehicle(&s, org.unit("XWB"), "赣C10001").await;
        let zhk = vehicle(&s, org.unit("ZHK"), "赣C20002").await;
        let mut late = trip(office, "2026-05-08", 1000);
        late["returned_time"] = json!("23:40");
        let late = create(&s, &late).await;
        let clerk = user(&s, "clerk", Some(org.person("王芳")), &["office_clerk"]).await;
        // 王芳's office clerk role reaches 综合科 and below, not the office's car
        let seen = clerk.get(&s, "/api/v1/vehicles").await.json();
        assert_eq!(seen["total"], 1, "[{e}] {seen}");
        let r = clerk.post(&s, "/api/v1/vehicle-trips", &trip(office, "2026-05-11", 1080)).await;
        assert_api_error(&e, "trip of a car outside the scope", &r, 422, Some("vehicle_id"));
        let r = clerk.get(&s, &format!("/api/v1/vehicle-trips/{}", late["id"])).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] {}", r.text());
        let r = clerk
            .post(&s, "/api/v1/vehicles", &json!({"unit_id": org.unit("XWB"), "plate": "赣C30003", "parking": "车库"}))
            .await;
        assert_api_error(&e, "vehicle outside the scope", &r, 422, Some("unit_id"));
        let r = clerk.post(&s, "/api/v1/vehicle-trips", &trip(zhk, "2026-05-11", 500)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] own unit's car: {}", r.text());
        let r = clerk
            .post(&s, &format!("/api/v1/vehicle-trips/{}/findings", late["id"]), &json!({"rule": "R-CAR-3"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] only the group converts");

        let group = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let list = group.get(&s, "/api/v1/vehicle-trips?flagged=true").await.json();
        assert_eq!(list["total"], 1, "[{e}] {list}");
        let path = format!("/api/v1/vehicle-trips/{}/findings", late["id"]);
        let r = group.post(&s, &path, &json!({"rule": "R-CAR-2"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] a passed check: {}", r.text());
        let r = group.post(&s, &path, &json!({"rule": "R-CAR-3"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let fid = r.json()["finding_id"].as_i64().unwrap();
        let f = group.get(&s, &format!("/api/v1/findings/{fid}")).await.json();
        assert_eq!(f["category"], "vehicles", "[{e}] {f}");
        let d = f["description"].as_str().unwrap();
        assert!(d.contains("赣C10001") && d.contains("R-CAR-3") && d.contains("23:40"), "[{e}] {d}");
        let r = group.post(&s, &path, &json!({"rule": "R-CAR-3"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] once per rule");
        let page = group.get(&s, &format!("/vehicles/trips/{}", late["id"])).await.text();
        assert!(page.contains(&format!("已转为问题 #{fid}")), "[{e}]");
        assert_eq!(s.audit_count_of("vehicle_trip", "convert").await, 1, "[{e}]");
        s.finish().await;
    }
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

const HEADER: &[&str] = &[
    "号牌",
    "出车日期",
    "出车时间",
    "收车日期",
    "收车时间",
    "事由",
    "目的地",
    "出车里程",
    "收车里程",
    "行驶里程（公里）",
    "费用类别",
    "油费或充电费（元）",
    "驾驶员",
    "审批人",
    "特殊审批",
    "备注",
];

#[tokio::test]
async fn trip_logs_import_with_row_errors_and_flags_and_the_register_exports() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        calendar(&s).await;
        vehicle(&s, org.unit("XWB"), "赣C·A1234").await;
        let t = |day: &str, back: &str, start: &str, end: &str, cost: &str| {
            row(&[
                "赣CA1234",
                day,
                "08:00",
                "",
                back,
                "公务",
                "县政府",
                start,
                end,
                "",
                "加油",
                cost,
                "张师傅",
                "李明",
                "",
                "",
            ])
        };
        let good = t("2026-05-06", "17:00", "100", "150", "50");
        let sheet = write_xlsx(&[
            row(HEADER),
            good.clone(),
            t("2026-05-07", "07:00", "150", "200", "50"), // returns before it leaves
            t("2026-05-01", "17:00", "200", "260", "-3"), // negative cost
            t("2026-05-01", "18:00", "150", "190", "60"), // a holiday: flagged, imported
            row(&[
                "赣X9999",
                "2026-05-08",
                "08:00",
                "",
                "17:00",
                "公务",
                "县政府",
                "",
                "",
                "10",
                "",
                "",
                "",
                "",
                "",
                "",
            ]),
        ]);
        let report = s.import("/api/v1/vehicle-trips/import", sheet.clone()).await;
        assert_eq!(report["valid"], 2, "[{e}] {report}");
        let errs: Vec<(i64, String)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["row"].as_i64().unwrap(), x["column"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(errs.len(), 3, "[{e}] {report}");
        assert!(
            errs.iter().any(|(_, c)| c == "收车时间") && errs.iter().any(|(_, c)| c == "油费或充电费（元）"),
            "[{e}] {errs:?}"
        );
        assert!(errs.iter().any(|(_, c)| c == "号牌"), "[{e}] {errs:?}");
        let warned = report["warnings"].to_string();
        assert!(warned.contains("R-CAR-2"), "[{e}] the holiday row is named: {report}");
        let report = s.import("/api/v1/vehicle-trips/import?commit=true", sheet).await;
        assert_eq!(report["committed"], json!(false), "[{e}] nothing written while a row is wrong");
        assert_eq!(s.count("vehicle_trips").await, 0, "[{e}]");
        let holiday = t("2026-05-01", "18:00", "50", "100", "60");
        let sheet = write_xlsx(&[row(HEADER), good, holiday]);
        let report = s.import("/api/v1/vehicle-trips/import?commit=true", sheet).await;
        assert_eq!(
            (report["committed"].as_bool(), report["created"].as_i64()),
            (Some(true), Some(2)),
            "[{e}] {report}"
        );
        let flagged = s.get("/api/v1/vehicle-trips?flagged=true").await.json();
        assert_eq!(flagged["total"], 1, "[{e}] {flagged}");
        assert_eq!(flagged["items"][0]["failed_rules"], "R-CAR-2", "[{e}]");
        assert_eq!(s.audit_count_of("vehicle_trip", "import").await, 2, "[{e}]");

        let bytes = s.download("/api/v1/vehicle-trips/export.xlsx?month=2026-05").await;
        let rows = read_xlsx(&bytes);
        let text = format!("{rows:?}");
        assert!(
            text.contains("公务用车使用登记表") && text.contains("赣C·A1234") && text.contains("R-CAR-2"),
            "[{e}] {text}"
        );
        // the register imports back (its extra columns are only warned about)
        let report = s.import("/api/v1/vehicle-trips/import", bytes).await;
        assert_eq!(
            (report["valid"].as_i64(), report["errors"].as_array().map(Vec::len)),
            (Some(2), Some(0)),
            "[{e}] {report}"
        );
        let tpl = s.get("/api/v1/vehicle-trips/import-template.xlsx").await;
        assert_eq!(tpl.status, StatusCode::OK, "[{e}]");
        for page in ["/vehicles", "/vehicles/trips?month=2026-05", "/vehicles/trips/new", "/vehicles/trips/import"] {
            let r = s.get(page).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {page}: {}", r.text());
        }
        s.finish().await;
    }
}
